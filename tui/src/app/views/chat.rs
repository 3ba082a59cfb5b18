//! The chat view: the transcript window, a separator with the scroll state, the slash popup
//! over the transcript's bottom, and the input editor with its cursor.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear};

use super::{draw_lines, split_bottom};
use crate::app::state::App;
use crate::app::wrap::{char_width, str_width, truncate};

/// Most lines the slash popup shows.
const POPUP_ROWS: usize = 8;

pub(crate) fn render(app: &mut App, frame: &mut Frame, area: Rect) {
    let input_rows = input_rows(app, area);
    let (rest, input_area) = split_bottom(area, input_rows);
    let (transcript_area, separator) = split_bottom(rest, 1);

    let width = usize::from(transcript_area.width);
    let rows = usize::from(transcript_area.height);
    app.transcript.layout(width, rows);
    app.viewport_rows = rows;
    let top = app.transcript.top(rows);
    let window = app.transcript.window(top, rows);
    draw_lines(frame.buffer_mut(), transcript_area, window);

    let below = app
        .transcript
        .height()
        .saturating_sub(top.saturating_add(rows));
    render_separator(frame, separator, below);
    render_input(app, frame, input_area);
    render_popup(app, frame, transcript_area);
}

/// Rows the editor gets: its lines, at most a third of the screen, at least one.
fn input_rows(app: &App, area: Rect) -> u16 {
    let most = usize::from(area.height / 3).max(1);
    let lines = if app.editor.search.is_some() {
        1
    } else {
        app.editor.lines().len()
    };
    u16::try_from(lines.clamp(1, most)).unwrap_or(1)
}

fn render_separator(frame: &mut Frame, area: Rect, below: usize) {
    let dim = Style::new().fg(Color::DarkGray);
    let width = usize::from(area.width);
    let mut spans = Vec::new();
    if below > 0 {
        let note = format!(" ↓ {below} more lines · End follows ");
        let rule = width.saturating_sub(str_width(&note) + 2);
        spans.push(Span::styled("──", dim));
        spans.push(Span::styled(note, Style::new().fg(Color::Yellow)));
        spans.push(Span::styled("─".repeat(rule), dim));
    } else {
        spans.push(Span::styled("─".repeat(width), dim));
    }
    frame
        .buffer_mut()
        .set_line(area.x, area.y, &Line::from(spans), area.width);
}

fn render_input(app: &App, frame: &mut Frame, area: Rect) {
    let prompt_style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    let width = usize::from(area.width);
    if let Some(search) = &app.editor.search {
        let found = app.editor.search_match().unwrap_or("");
        let flat = found.replace('\n', " ⏎ ");
        let label = format!("(reverse-i-search)`{}': ", search.query);
        let line = Line::from(vec![
            Span::styled(label.clone(), Style::new().fg(Color::Yellow)),
            Span::raw(truncate(&flat, width.saturating_sub(str_width(&label)))),
        ]);
        frame
            .buffer_mut()
            .set_line(area.x, area.y, &line, area.width);
        let x = str_width(&label).min(width.saturating_sub(1));
        frame.set_cursor_position((area.x.saturating_add(to_u16(x)), area.y));
        return;
    }
    let (cursor_row, cursor_col) = app.editor.cursor();
    let rows = usize::from(area.height).max(1);
    let first_row = cursor_row.saturating_sub(rows - 1);
    let text_width = width.saturating_sub(2).max(1);
    let lines = app.editor.lines();
    if app.editor.is_empty() {
        let hint = Line::from(vec![
            Span::styled("› ", prompt_style),
            Span::styled(
                if app.busy {
                    "Esc interrupts the turn"
                } else {
                    "Ask anything, / for commands"
                },
                Style::new().fg(Color::DarkGray),
            ),
        ]);
        frame
            .buffer_mut()
            .set_line(area.x, area.y, &hint, area.width);
    }
    for (offset, index) in (first_row..lines.len()).take(rows).enumerate() {
        if app.editor.is_empty() {
            break;
        }
        let prefix = if index == 0 { "› " } else { "  " };
        let line = &lines[index];
        // Scroll the cursor's line sideways so the cursor stays visible.
        let skip_cells = if index == cursor_row {
            cursor_col.saturating_sub(text_width.saturating_sub(1))
        } else {
            0
        };
        let shown = skip_columns(line, skip_cells);
        let spans = vec![Span::styled(prefix, prompt_style), Span::raw(shown)];
        frame.buffer_mut().set_line(
            area.x,
            area.y.saturating_add(to_u16(offset)),
            &Line::from(spans),
            area.width,
        );
    }
    let x = 2 + cursor_col.min(text_width.saturating_sub(1));
    let y = cursor_row.saturating_sub(first_row);
    frame.set_cursor_position((
        area.x
            .saturating_add(to_u16(x.min(width.saturating_sub(1)))),
        area.y.saturating_add(to_u16(y)),
    ));
}

/// `line` without its first `cells` columns.
fn skip_columns(line: &str, cells: usize) -> String {
    let mut skipped = 0;
    let mut out = String::new();
    for c in line.chars() {
        if skipped < cells {
            skipped += char_width(c);
            continue;
        }
        out.push(c);
    }
    out
}

fn render_popup(app: &App, frame: &mut Frame, above: Rect) {
    let choices = app.popup();
    if choices.is_empty() || above.height < 3 {
        return;
    }
    let shown = choices
        .len()
        .min(POPUP_ROWS)
        .min(usize::from(above.height) - 2);
    let selected = app.popup_selected.min(choices.len() - 1);
    let first = selected.saturating_sub(shown.saturating_sub(1));
    let width = above.width.min(64);
    let height = to_u16(shown + 2);
    let area = Rect {
        x: above.x,
        y: above.y.saturating_add(above.height.saturating_sub(height)),
        width,
        height,
    };
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(Style::new().fg(Color::DarkGray))
        .title(if choices.first().is_some_and(|c| c.file) {
            " files · Tab completes "
        } else {
            " commands · Tab completes "
        });
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner_width = usize::from(inner.width);
    let lines: Vec<Line<'static>> = choices
        .iter()
        .enumerate()
        .skip(first)
        .take(shown)
        .map(|(i, choice)| {
            let usage = if choice.file {
                format!("@{}", choice.name)
            } else {
                format!("/{} {}", choice.name, choice.hint)
            };
            let text = format!("{usage:<18} {}", choice.description);
            let style = if i == selected {
                Style::new().fg(Color::Black).bg(Color::Cyan)
            } else {
                Style::new()
            };
            Line::styled(truncate(&text, inner_width), style)
        })
        .collect();
    draw_lines(frame.buffer_mut(), inner, &lines);
}

fn to_u16(value: usize) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}
