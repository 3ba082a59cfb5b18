//! The status line: busy indicator, model, strategy, tokens used, the context and what is left of
//! it, the repo, and the view keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::thousands;
use crate::app::event::View;
use crate::app::state::App;
use crate::app::wrap::str_width;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub(crate) fn render(app: &App, frame: &mut Frame, area: Rect) {
    let dim = Style::new().fg(Color::DarkGray);
    let width = usize::from(area.width);
    let mut spans = Vec::new();
    if app.busy {
        let frame_index = app.spinner % SPINNER.len();
        spans.push(Span::styled(
            format!("{} working  ", SPINNER[frame_index]),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ));
    } else if app.quit_armed {
        spans.push(Span::styled(
            "Ctrl-C again to quit  ",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ));
    }
    let status = &app.status;
    let left = status.context_length.saturating_sub(status.tokens_used);
    spans.push(Span::styled(
        status.model.clone(),
        Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    ));
    spans.push(Span::styled(" · ", dim));
    spans.push(Span::raw(status.strategy.clone()));
    spans.push(Span::styled(" · ", dim));
    spans.push(Span::raw(format!(
        "{} tokens",
        thousands(status.tokens_used)
    )));
    spans.push(Span::styled(" · ", dim));
    let left_style = if status.context_length > 0 && left < status.context_length / 10 {
        Style::new().fg(Color::Red)
    } else {
        Style::new()
    };
    // What is left of the context, and the context the model runs with (fitted to memory for
    // local models) when there is room for it.
    let short = format!("{} left", thousands(left));
    let long = format!(
        "{} of {} left",
        thousands(left),
        thousands(status.context_length)
    );
    let used: usize = spans.iter().map(|s| str_width(&s.content)).sum();
    let context = if status.context_length > 0 && used + str_width(&long) <= width {
        long
    } else {
        short
    };
    spans.push(Span::styled(context, left_style));
    // What is left of the budgets, before the repository.
    let used: usize = spans.iter().map(|s| str_width(&s.content)).sum();
    if let Some(budget) = &status.budget
        && used + 3 + str_width(budget) <= width
    {
        spans.push(Span::styled(" · ", dim));
        spans.push(Span::styled(budget.clone(), Style::new().fg(Color::Yellow)));
    }
    let used: usize = spans.iter().map(|s| str_width(&s.content)).sum();
    // The repository goes first when space is short.
    if !status.repo.is_empty() && used + 3 + str_width(&status.repo) <= width {
        spans.push(Span::styled(" · ", dim));
        spans.push(Span::styled(status.repo.clone(), dim));
    }
    let used: usize = spans.iter().map(|s| str_width(&s.content)).sum();
    let tabs = view_tabs(app.view);
    let tabs_width: usize = tabs.iter().map(|s| str_width(&s.content)).sum();
    if used + tabs_width + 2 <= width {
        spans.push(Span::raw(" ".repeat(width - used - tabs_width)));
        spans.extend(tabs);
    }
    let line = Line::from(spans).style(Style::new().bg(Color::Black));
    frame
        .buffer_mut()
        .set_line(area.x, area.y, &line, area.width);
}

fn view_tabs(current: View) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for (key, name, view) in [
        ("F1", "chat", View::Chat),
        ("F2", "tasks", View::Tasks),
        ("F3", "history", View::History),
        ("F4", "dash", View::Dashboard),
    ] {
        let style = if view == current {
            Style::new().fg(Color::Black).bg(Color::Cyan)
        } else {
            Style::new().fg(Color::DarkGray)
        };
        spans.push(Span::styled(format!("{key} {name}"), style));
        spans.push(Span::raw(" "));
    }
    spans.pop();
    spans
}
