//! The tasks view: a table of tasks kept live by their events (status, role, step, iteration),
//! and a task's event log rendered like `agent task logs`; Enter opens it, `c` cancels.

use std::collections::HashMap;

use agent_core::protocol::{Event, EventEnvelope};
use agent_core::store::TaskRecord;
use agent_core::task::TaskStatus;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::dashboard::status_style;
use super::task_log::log_lines;
use super::{draw_lines, split_top};
use crate::app::event::Command;
use crate::app::wrap::{hard_wrap, sanitize};
use crate::text::{pad, truncate};

/// Events kept per task for its log.
const MAX_EVENTS: usize = 20_000;

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TaskRow {
    pub id: String,
    pub title: String,
    pub status: TaskStatus,
    pub strategy: String,
    pub role: Option<String>,
    pub step: Option<String>,
    pub iteration: Option<u32>,
}

/// The table, the selection, each task's events and the open log.
#[derive(Debug, Default)]
pub(crate) struct TasksState {
    pub rows: Vec<TaskRow>,
    selected: usize,
    events: HashMap<String, Vec<EventEnvelope>>,
    /// The task whose log is open.
    open: Option<String>,
    /// First log line shown; `None` follows the end.
    log_top: Option<usize>,
    log_rows: usize,
}

impl TasksState {
    /// Replaces the table with stored tasks, keeping live details of tasks already known.
    pub fn load(&mut self, records: Vec<TaskRecord>) {
        let old = std::mem::take(&mut self.rows);
        self.rows = records
            .into_iter()
            .map(|record| {
                let known = old.iter().find(|r| r.id == record.id);
                TaskRow {
                    role: known.and_then(|r| r.role.clone()),
                    step: known.and_then(|r| r.step.clone()),
                    iteration: known.and_then(|r| r.iteration).or(record.iterations),
                    id: record.id,
                    title: record.title,
                    status: record.status,
                    strategy: record.strategy.unwrap_or_default(),
                }
            })
            .collect();
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// Applies a task event to its row (adding the row if the task is new) and its log.
    pub fn apply(&mut self, envelope: EventEnvelope) {
        let index = match self.rows.iter().position(|r| r.id == envelope.task_id) {
            Some(index) => index,
            None => {
                self.rows.insert(
                    0,
                    TaskRow {
                        id: envelope.task_id.clone(),
                        title: String::new(),
                        status: TaskStatus::Pending,
                        strategy: String::new(),
                        role: None,
                        step: None,
                        iteration: None,
                    },
                );
                if !self.rows.is_empty() && self.selected > 0 {
                    self.selected += 1;
                }
                0
            }
        };
        let row = &mut self.rows[index];
        match &envelope.event {
            Event::TaskCreated {
                title, strategy, ..
            } => {
                row.title.clone_from(title);
                row.strategy = strategy.to_string();
            }
            Event::TaskStatus(change) => row.status = change.to,
            Event::StrategySelected { strategy, .. } => row.strategy = strategy.to_string(),
            Event::StepBegin {
                step,
                role,
                iteration,
                ..
            } => {
                row.step = Some(step.to_string());
                if let Some(role) = role {
                    row.role = Some(role.to_string());
                }
                if iteration.is_some() {
                    row.iteration = *iteration;
                }
            }
            Event::TaskFinished { status, .. } => {
                row.status = *status;
                row.step = None;
            }
            _ => {}
        }
        let events = self.events.entry(envelope.task_id.clone()).or_default();
        if events.len() < MAX_EVENTS {
            events.push(envelope);
        }
    }

    pub fn scroll(&mut self, delta: isize) {
        if self.open.is_some() {
            let top = self.log_top.unwrap_or(usize::MAX);
            self.log_top = Some(top.saturating_add_signed(delta));
        } else {
            self.move_selection(delta);
        }
    }

    fn move_selection(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    fn selected_id(&self) -> Option<String> {
        self.rows.get(self.selected).map(|r| r.id.clone())
    }

    /// Handles a key; the flag asks to go back to the chat.
    pub fn key(&mut self, key: KeyEvent) -> (Vec<Command>, bool) {
        let cancel = |id: Option<String>| id.map(Command::CancelTask).into_iter().collect();
        if let Some(open) = self.open.clone() {
            let page = isize::try_from(self.log_rows.max(2) - 1).unwrap_or(1);
            match key.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Left => self.open = None,
                KeyCode::Up | KeyCode::Char('k') => self.scroll(-1),
                KeyCode::Down | KeyCode::Char('j') => self.scroll(1),
                KeyCode::PageUp => self.scroll(-page),
                KeyCode::PageDown => self.scroll(page),
                KeyCode::End => self.log_top = None,
                KeyCode::Char('c') => return (cancel(Some(open)), false),
                _ => {}
            }
            return (Vec::new(), false);
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return (Vec::new(), true),
            KeyCode::Up | KeyCode::Char('k') => self.move_selection(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_selection(1),
            KeyCode::Enter | KeyCode::Right => {
                self.open = self.selected_id();
                self.log_top = None;
            }
            KeyCode::Char('c') => return (cancel(self.selected_id()), false),
            KeyCode::Char('r') => return (vec![Command::LoadTasks], false),
            _ => {}
        }
        (Vec::new(), false)
    }
}

pub(crate) fn render(state: &mut TasksState, frame: &mut Frame, area: Rect) {
    match state.open.clone() {
        Some(id) => render_log(state, &id, frame, area),
        None => render_table(state, frame, area),
    }
}

fn render_table(state: &TasksState, frame: &mut Frame, area: Rect) {
    let width = usize::from(area.width);
    let title_width = width
        .saturating_sub(8 + 1 + 10 + 1 + 12 + 1 + 16 + 1)
        .max(8);
    let header = format!(
        "{} {} {} {} {}",
        pad("ID", 8),
        pad("STATUS", 10),
        pad("STRATEGY", 12),
        pad("WORKING ON", 16),
        "TITLE"
    );
    let mut lines = vec![Line::styled(
        header,
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )];
    if state.rows.is_empty() {
        lines.push(Line::styled(
            "no tasks: /task TEXT starts one",
            Style::new().fg(Color::DarkGray),
        ));
    }
    let (head, body) = split_top(area, 1);
    let visible = usize::from(body.height).max(1);
    let first = state.selected.saturating_sub(visible - 1);
    for (i, row) in state.rows.iter().enumerate().skip(first).take(visible) {
        let working = working_on(row);
        let spans = vec![
            Span::styled(
                format!("{} ", pad(&truncate(&row.id, 8), 8)),
                Style::new().fg(Color::DarkGray),
            ),
            Span::styled(
                format!("{} ", pad(row.status.as_str(), 10)),
                status_style(row.status.as_str()),
            ),
            Span::raw(format!("{} ", pad(&truncate(&row.strategy, 12), 12))),
            Span::styled(
                format!("{} ", pad(&truncate(&working, 16), 16)),
                Style::new().fg(Color::Magenta),
            ),
            Span::raw(truncate(
                &sanitize(&row.title).replace('\n', " "),
                title_width,
            )),
        ];
        if i == state.selected {
            let line = Line::from(spans).style(Style::new().add_modifier(Modifier::REVERSED));
            lines.push(line);
        } else {
            lines.push(Line::from(spans));
        }
    }
    draw_lines(frame.buffer_mut(), head, &lines[..1]);
    draw_lines(frame.buffer_mut(), body, &lines[1..]);
}

/// `coder · turns #2`: the role, step and iteration the task is in.
fn working_on(row: &TaskRow) -> String {
    let mut parts = Vec::new();
    if let Some(role) = &row.role {
        parts.push(role.clone());
    }
    if let Some(step) = &row.step {
        parts.push(step.clone());
    }
    let mut text = parts.join(" · ");
    if let Some(iteration) = row.iteration {
        text.push_str(&format!(" #{iteration}"));
    }
    text
}

fn render_log(state: &mut TasksState, id: &str, frame: &mut Frame, area: Rect) {
    let (head, body) = split_top(area, 1);
    let title = state
        .rows
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.title.clone())
        .unwrap_or_default();
    let header = Line::from(vec![
        Span::styled(
            format!("task {id} "),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::raw(title),
        Span::styled("  (Esc back, c cancels)", Style::new().fg(Color::DarkGray)),
    ]);
    frame
        .buffer_mut()
        .set_line(head.x, head.y, &header, head.width);
    let width = usize::from(body.width).max(1);
    let mut lines = Vec::new();
    for text in log_lines(state.events.get(id).map_or(&[][..], Vec::as_slice)) {
        let (style, text) = text;
        lines.extend(hard_wrap(
            &[Span::styled(text, style)],
            width,
            &[],
            &[Span::raw("    ")],
        ));
    }
    let rows = usize::from(body.height);
    state.log_rows = rows;
    let max_top = lines.len().saturating_sub(rows);
    let top = state.log_top.map_or(max_top, |t| t.min(max_top));
    state.log_top = (top < max_top).then_some(top);
    draw_lines(frame.buffer_mut(), body, lines.iter().skip(top));
}
