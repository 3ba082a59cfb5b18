//! The history view: past conversations with a search box (`/` focuses it, Enter asks the
//! binary for matches), Enter opens one read-only, `r` resumes it in the chat.

use agent_core::store::{HIGHLIGHT_END, HIGHLIGHT_START};
use agent_models::Role;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::{draw_lines, split_top};
use crate::app::event::{Command, HistoryItem};
use crate::app::markdown::render_markdown;
use crate::app::wrap::{sanitize, str_width, truncate, wrap_spans};

/// The list, the search box and the conversation open for reading.
#[derive(Debug, Default)]
pub(crate) struct HistoryState {
    items: Vec<HistoryItem>,
    selected: usize,
    query: String,
    /// Keys go to the search box.
    editing: bool,
    /// The conversation being read: its id and messages.
    open: Option<(String, Vec<(Role, String)>)>,
    /// The id asked for with `OpenConversation`, until its transcript arrives.
    opening: Option<String>,
    scroll: usize,
    rows: usize,
}

impl HistoryState {
    pub fn load(&mut self, items: Vec<HistoryItem>) {
        self.items = items;
        self.selected = 0;
    }

    pub fn current_query(&self) -> Option<String> {
        let query = self.query.trim();
        (!query.is_empty()).then(|| query.to_string())
    }

    pub fn set_query(&mut self, query: Option<&str>) {
        self.query = query.unwrap_or_default().to_string();
        self.open = None;
    }

    pub fn paste(&mut self, text: &str) {
        if self.editing {
            self.query.push_str(&text.replace(['\n', '\r'], " "));
        }
    }

    pub fn open_transcript(&mut self, messages: Vec<(Role, String)>) {
        let id = self
            .opening
            .take()
            .or_else(|| self.items.get(self.selected).map(|i| i.id.clone()))
            .unwrap_or_default();
        self.open = Some((id, messages));
        self.scroll = 0;
    }

    pub fn scroll(&mut self, delta: isize) {
        if self.open.is_some() {
            self.scroll = self.scroll.saturating_add_signed(delta);
        } else {
            let last = self.items.len().saturating_sub(1);
            self.selected = self.selected.saturating_add_signed(delta).min(last);
        }
    }

    /// Handles a key; the flag asks to go back to the chat.
    pub fn key(&mut self, key: KeyEvent) -> (Vec<Command>, bool) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if let Some((id, _)) = &self.open {
            let id = id.clone();
            let page = isize::try_from(self.rows.max(2) - 1).unwrap_or(1);
            match key.code {
                KeyCode::Esc | KeyCode::Char('q') | KeyCode::Left => self.open = None,
                KeyCode::Char('r') => {
                    self.open = None;
                    return (vec![Command::ResumeConversation(id)], true);
                }
                KeyCode::Up | KeyCode::Char('k') => self.scroll(-1),
                KeyCode::Down | KeyCode::Char('j') => self.scroll(1),
                KeyCode::PageUp => self.scroll(-page),
                KeyCode::PageDown | KeyCode::Char(' ') => self.scroll(page),
                _ => {}
            }
            return (Vec::new(), false);
        }
        if self.editing {
            match key.code {
                KeyCode::Enter => {
                    self.editing = false;
                    return (
                        vec![Command::LoadHistory {
                            query: self.current_query(),
                        }],
                        false,
                    );
                }
                KeyCode::Esc => self.editing = false,
                KeyCode::Backspace => {
                    self.query.pop();
                }
                KeyCode::Char('u') if ctrl => self.query.clear(),
                KeyCode::Char(c) if !ctrl => self.query.push(c),
                _ => {}
            }
            return (Vec::new(), false);
        }
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => return (Vec::new(), true),
            KeyCode::Char('/' | 's') => self.editing = true,
            KeyCode::Up | KeyCode::Char('k') => self.scroll(-1),
            KeyCode::Down | KeyCode::Char('j') => self.scroll(1),
            KeyCode::Enter | KeyCode::Right => {
                if let Some(item) = self.items.get(self.selected) {
                    self.opening = Some(item.id.clone());
                    return (vec![Command::OpenConversation(item.id.clone())], false);
                }
            }
            KeyCode::Char('r') => {
                if let Some(item) = self.items.get(self.selected) {
                    return (vec![Command::ResumeConversation(item.id.clone())], true);
                }
            }
            _ => {}
        }
        (Vec::new(), false)
    }
}

pub(crate) fn render(state: &mut HistoryState, frame: &mut Frame, area: Rect) {
    if state.open.is_some() {
        render_transcript(state, frame, area);
        return;
    }
    let (search_area, list_area) = split_top(area, 3);
    let border = if state.editing {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(if state.editing {
            " search · Enter runs it · Esc leaves "
        } else {
            " search (/) · Enter opens · r resumes "
        });
    let inner = block.inner(search_area);
    frame.render_widget(block, search_area);
    let query = truncate(&state.query, usize::from(inner.width).saturating_sub(1));
    frame
        .buffer_mut()
        .set_line(inner.x, inner.y, &Line::raw(query.clone()), inner.width);
    if state.editing {
        let x = u16::try_from(str_width(&query)).unwrap_or(0);
        frame.set_cursor_position((inner.x.saturating_add(x), inner.y));
    }

    let width = usize::from(list_area.width);
    let mut lines: Vec<Line<'static>> = Vec::new();
    if state.items.is_empty() {
        lines.push(Line::styled(
            "no conversations found",
            Style::new().fg(Color::DarkGray),
        ));
    }
    // Two rows per item: keep the selected one on screen.
    let per_screen = (usize::from(list_area.height) / 2).max(1);
    let first = state.selected.saturating_sub(per_screen - 1);
    for (i, item) in state.items.iter().enumerate().skip(first).take(per_screen) {
        let selected = i == state.selected;
        let marker = if selected { "▶ " } else { "  " };
        let when = format!("  {}  {}", item.when, item.id);
        let title_width = width.saturating_sub(2 + str_width(&when)).max(4);
        let title_style = if selected {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        };
        let title = if item.title.trim().is_empty() {
            "(untitled)".to_string()
        } else {
            sanitize(&item.title).replace('\n', " ")
        };
        lines.push(Line::from(vec![
            Span::styled(marker, Style::new().fg(Color::Cyan)),
            Span::styled(truncate(&title, title_width), title_style),
            Span::styled(when, Style::new().fg(Color::DarkGray)),
        ]));
        let mut snippet = vec![Span::raw("    ")];
        if let Some(text) = &item.snippet {
            snippet.extend(snippet_spans(text, width.saturating_sub(4)));
        }
        lines.push(Line::from(snippet));
    }
    draw_lines(frame.buffer_mut(), list_area, &lines);
}

/// A search snippet with its matches highlighted, on one line.
fn snippet_spans(text: &str, max: usize) -> Vec<Span<'static>> {
    let flat = sanitize(&text.replace(['\n', '\r'], " "));
    let dim = Style::new().fg(Color::DarkGray);
    let hit = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    let mut spans = Vec::new();
    let mut used = 0;
    let mut in_hit = false;
    let mut current = String::new();
    for c in text.chars().filter(|_| !flat.is_empty()) {
        if c == HIGHLIGHT_START || c == HIGHLIGHT_END {
            if !current.is_empty() {
                spans.push(Span::styled(
                    std::mem::take(&mut current),
                    if in_hit { hit } else { dim },
                ));
            }
            in_hit = c == HIGHLIGHT_START;
            continue;
        }
        let c = if c.is_control() { ' ' } else { c };
        let w = crate::app::wrap::char_width(c);
        if used + w > max {
            break;
        }
        used += w;
        current.push(c);
    }
    if !current.is_empty() {
        spans.push(Span::styled(current, if in_hit { hit } else { dim }));
    }
    spans
}

fn render_transcript(state: &mut HistoryState, frame: &mut Frame, area: Rect) {
    let Some((id, messages)) = &state.open else {
        return;
    };
    let (head, body) = split_top(area, 1);
    let header = Line::from(vec![
        Span::styled(
            format!("conversation {id} "),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            "(read-only · r resumes · Esc back)",
            Style::new().fg(Color::DarkGray),
        ),
    ]);
    frame
        .buffer_mut()
        .set_line(head.x, head.y, &header, head.width);
    let width = usize::from(body.width).max(1);
    let mut lines: Vec<Line<'static>> = Vec::new();
    for (role, text) in messages {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        let (label, style) = match role {
            Role::User => (
                "› ",
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            ),
            Role::Assistant => ("", Style::new()),
            Role::System | Role::Tool => ("· ", Style::new().fg(Color::DarkGray)),
        };
        match role {
            Role::Assistant => lines.extend(render_markdown(text, width)),
            _ => lines.extend(wrap_spans(
                &[Span::styled(sanitize(text), style)],
                width,
                &[Span::styled(label, style)],
                &[Span::raw("  ")],
            )),
        }
    }
    let rows = usize::from(body.height);
    state.rows = rows;
    state.scroll = state.scroll.min(lines.len().saturating_sub(rows));
    draw_lines(frame.buffer_mut(), body, lines.iter().skip(state.scroll));
}
