//! Drawing: `App::render` picks the view, draws the status line and any modal on top, and
//! shows a notice instead when the terminal is too small. Shared drawing helpers live here.

pub(crate) mod approval;
pub(crate) mod chat;
pub(crate) mod dashboard;
pub(crate) mod history;
pub(crate) mod status;
pub(crate) mod task_log;
pub(crate) mod tasks;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::event::View;
use super::state::App;

/// Below this many columns or rows the app shows a notice instead of its views.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

impl App {
    /// Draws the current view into `frame`.
    pub fn render(&mut self, frame: &mut Frame) {
        let area = frame.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(frame, area);
            return;
        }
        let (body, status_area) = split_bottom(area, 1);
        match self.view {
            View::Chat => chat::render(self, frame, body),
            View::Tasks => tasks::render(&mut self.tasks, frame, body),
            View::History => history::render(&mut self.history, frame, body),
            View::Dashboard => dashboard::render(self.dashboard.as_ref(), frame, body),
        }
        status::render(self, frame, status_area);
        if let Some(approval) = self.approvals.front_mut() {
            approval::render(approval, frame, area);
        }
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::styled(
            "terminal too small",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ),
        Line::raw(format!(
            "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
            area.width, area.height
        )),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

/// Splits `area` into the part above and the bottom `rows` rows.
pub(crate) fn split_bottom(area: Rect, rows: u16) -> (Rect, Rect) {
    let rows = rows.min(area.height);
    let top = Rect {
        height: area.height.saturating_sub(rows),
        ..area
    };
    let bottom = Rect {
        y: area.y.saturating_add(top.height),
        height: rows,
        ..area
    };
    (top, bottom)
}

/// Splits off the top `rows` rows of `area`.
pub(crate) fn split_top(area: Rect, rows: u16) -> (Rect, Rect) {
    let rows = rows.min(area.height);
    let top = Rect {
        height: rows,
        ..area
    };
    let bottom = Rect {
        y: area.y.saturating_add(rows),
        height: area.height - rows,
        ..area
    };
    (top, bottom)
}

/// A rectangle of at most `width` × `height` in the middle of `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x.saturating_add((area.width - width) / 2),
        y: area.y.saturating_add((area.height - height) / 2),
        width,
        height,
    }
}

/// Draws `lines` from row `area.y` down, one per row, cut at the area's edges.
pub(crate) fn draw_lines<'a>(
    buffer: &mut Buffer,
    area: Rect,
    lines: impl IntoIterator<Item = &'a Line<'a>>,
) {
    for (row, line) in (0..area.height).zip(lines) {
        buffer.set_line(area.x, area.y.saturating_add(row), line, area.width);
    }
}

/// `12345` as `12,345`.
pub(crate) fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn splitting_never_overflows() {
        let area = Rect::new(0, 0, 10, 3);
        let (top, bottom) = split_bottom(area, 5);
        assert_eq!((top.height, bottom.height), (0, 3));
        let (top, bottom) = split_top(area, 1);
        assert_eq!((top.height, bottom.height, bottom.y), (1, 2, 1));
        assert_eq!(centered(area, 20, 20), area);
    }
}
