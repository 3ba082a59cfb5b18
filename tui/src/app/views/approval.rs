//! The approval dialog: a modal over any view with the action's kind and subject and the exact
//! diff or command, scrollable; y / n / a answer it, Esc refuses.

use agent_core::protocol::ToolEffectKind;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

use super::{centered, draw_lines, split_bottom};
use crate::app::diff::{is_unified_diff, render_diff};
use crate::app::event::Command;
use crate::app::wrap::{hard_wrap, sanitize};

/// A pending approval request.
#[derive(Debug, Clone)]
pub(crate) struct Approval {
    pub id: String,
    pub kind: ToolEffectKind,
    pub subject: String,
    pub preview: String,
    scroll: usize,
}

impl Approval {
    pub fn new(id: String, kind: ToolEffectKind, subject: String, preview: String) -> Self {
        Self {
            id,
            kind,
            subject,
            preview,
            scroll: 0,
        }
    }

    pub fn scroll(&mut self, delta: isize) {
        self.scroll = self.scroll.saturating_add_signed(delta);
    }

    /// The answer a key gives, if it gives one.
    pub fn key(&mut self, key: KeyEvent) -> Vec<Command> {
        let answer = |approved, always| Command::Approve {
            id: self.id.clone(),
            approved,
            always,
        };
        match key.code {
            KeyCode::Char('y' | 'Y') => vec![answer(true, false)],
            KeyCode::Char('a' | 'A') => vec![answer(true, true)],
            KeyCode::Char('n' | 'N') | KeyCode::Esc => vec![answer(false, false)],
            KeyCode::Up | KeyCode::Char('k') => {
                self.scroll(-1);
                Vec::new()
            }
            KeyCode::Down | KeyCode::Char('j') => {
                self.scroll(1);
                Vec::new()
            }
            KeyCode::PageUp => {
                self.scroll(-10);
                Vec::new()
            }
            KeyCode::PageDown | KeyCode::Char(' ') => {
                self.scroll(10);
                Vec::new()
            }
            _ => Vec::new(),
        }
    }
}

fn kind_name(kind: ToolEffectKind) -> &'static str {
    match kind {
        ToolEffectKind::Read => "read",
        ToolEffectKind::Write => "write",
        ToolEffectKind::Command => "run",
        ToolEffectKind::Mcp => "call",
        ToolEffectKind::Network => "fetch",
    }
}

pub(crate) fn render(approval: &mut Approval, frame: &mut Frame, screen: Rect) {
    let width = screen.width.saturating_sub(4).min(100);
    let height = screen.height.saturating_sub(2);
    let area = centered(screen, width, height);
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::new().fg(Color::Yellow))
        .title(Span::styled(
            " approval needed ",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect {
        x: inner.x.saturating_add(1),
        width: inner.width.saturating_sub(2),
        ..inner
    };
    let (body, footer) = split_bottom(inner, 1);
    let text_width = usize::from(body.width).max(1);

    let mut lines = hard_wrap(
        &[
            Span::styled(
                format!("{} ", kind_name(approval.kind)),
                Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                sanitize(&approval.subject).replace('\n', " "),
                Style::new().add_modifier(Modifier::BOLD),
            ),
        ],
        text_width,
        &[],
        &[],
    );
    lines.push(Line::default());
    if approval.kind == ToolEffectKind::Command && approval.preview.trim().is_empty() {
        let command = sanitize(&approval.subject);
        for line in command.lines() {
            lines.extend(hard_wrap(
                &[Span::styled(line.to_string(), Style::new().fg(Color::Cyan))],
                text_width,
                &[Span::styled("$ ", Style::new().fg(Color::DarkGray))],
                &[Span::raw("  ")],
            ));
        }
    } else if is_unified_diff(&approval.preview) {
        lines.extend(render_diff(&approval.preview, text_width, &[]));
    } else {
        for line in sanitize(&approval.preview).lines() {
            lines.extend(hard_wrap(
                &[Span::raw(line.to_string())],
                text_width,
                &[],
                &[],
            ));
        }
    }
    let rows = usize::from(body.height);
    let max_scroll = lines.len().saturating_sub(rows);
    approval.scroll = approval.scroll.min(max_scroll);
    draw_lines(frame.buffer_mut(), body, lines.iter().skip(approval.scroll));

    let key = Style::new().fg(Color::Black).bg(Color::Yellow);
    let mut spans = vec![
        Span::styled(" y ", key),
        Span::raw(" yes  "),
        Span::styled(" n ", key),
        Span::raw(" no  "),
        Span::styled(" a ", key),
        Span::raw(" always  "),
    ];
    if max_scroll > 0 {
        spans.push(Span::styled(
            format!("↑↓ scroll ({}/{})", approval.scroll, max_scroll),
            Style::new().fg(Color::DarkGray),
        ));
    }
    frame
        .buffer_mut()
        .set_line(footer.x, footer.y, &Line::from(spans), footer.width);
}
