//! The dashboard: tasks by status, success rates per strategy and per model as bars, token
//! totals for today and this week, and recent activity.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::{draw_lines, thousands};
use crate::app::event::DashboardData;
use crate::app::wrap::truncate;

/// Cells of a success bar.
const BAR: usize = 12;

pub(crate) fn render(data: Option<&DashboardData>, frame: &mut Frame, area: Rect) {
    let width = usize::from(area.width);
    let heading = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::styled(
        "Dashboard  (r refreshes, Esc returns)",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    let Some(data) = data else {
        lines.push(Line::styled("loading…", Style::new().fg(Color::DarkGray)));
        draw_lines(frame.buffer_mut(), area, &lines);
        return;
    };
    lines.push(Line::default());
    lines.push(Line::styled("Tasks by status", heading));
    if data.by_status.is_empty() {
        lines.push(Line::styled(
            "  no tasks yet",
            Style::new().fg(Color::DarkGray),
        ));
    }
    let mut status_spans = vec![Span::raw("  ")];
    for (status, count) in &data.by_status {
        status_spans.push(Span::styled(format!("{status} "), status_style(status)));
        status_spans.push(Span::raw(format!("{count}   ")));
    }
    lines.push(Line::from(status_spans));
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled("Tokens  ", heading),
        Span::raw(format!(
            "today {} · this week {}",
            thousands(data.tokens_today),
            thousands(data.tokens_week)
        )),
    ]));
    for (title, rows) in [
        ("Success by strategy", &data.success_by_strategy),
        ("Success by model", &data.success_by_model),
    ] {
        lines.push(Line::default());
        lines.push(Line::styled(title, heading));
        let name_width = rows
            .iter()
            .map(|(name, _, _)| name.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(4, width.saturating_sub(BAR + 20).max(4));
        for (name, succeeded, total) in rows {
            lines.push(success_line(name, *succeeded, *total, name_width));
        }
    }
    lines.push(Line::default());
    lines.push(Line::styled("Recent activity", heading));
    for item in &data.recent {
        lines.push(Line::raw(format!(
            "  {}",
            truncate(item, width.saturating_sub(2))
        )));
    }
    draw_lines(frame.buffer_mut(), area, &lines);
}

fn success_line(name: &str, succeeded: u64, total: u64, name_width: usize) -> Line<'static> {
    let succeeded = succeeded.min(total);
    let percent = (succeeded.saturating_mul(100))
        .checked_div(total)
        .unwrap_or(0);
    let filled = usize::try_from(
        (succeeded.saturating_mul(BAR as u64))
            .checked_div(total)
            .unwrap_or(0),
    )
    .unwrap_or(0)
    .min(BAR);
    let name = crate::text::pad(&truncate(name, name_width), name_width);
    Line::from(vec![
        Span::raw(format!("  {name} ")),
        Span::styled("█".repeat(filled), Style::new().fg(Color::Green)),
        Span::styled("░".repeat(BAR - filled), Style::new().fg(Color::DarkGray)),
        Span::raw(format!(" {percent:>3}% ({succeeded}/{total})")),
    ])
}

pub(crate) fn status_style(status: &str) -> Style {
    match status {
        "running" | "verifying" => Style::new().fg(Color::Yellow),
        "succeeded" => Style::new().fg(Color::Green),
        "failed" => Style::new().fg(Color::Red),
        "cancelled" => Style::new().fg(Color::DarkGray),
        _ => Style::new().fg(Color::Blue),
    }
}
