//! A task's event log as coloured lines, worded like `agent task logs` (model text deltas
//! joined into paragraphs).

use agent_core::protocol::{Event, EventEnvelope};
use ratatui::style::{Color, Modifier, Style};

use crate::app::wrap::sanitize;
use crate::event_log;
use crate::style::Tone;

/// A task's events as `agent task logs` lines (model text deltas joined).
pub(crate) fn log_lines(events: &[EventEnvelope]) -> Vec<(Style, String)> {
    let mut out: Vec<(Style, String)> = Vec::new();
    let mut model_text: Option<String> = None;
    let flush = |text: &mut Option<String>, out: &mut Vec<(Style, String)>| {
        if let Some(text) = text.take() {
            for line in sanitize(&text).trim_end().lines() {
                out.push((Style::new().fg(Color::Magenta), format!("  {line}")));
            }
        }
    };
    for envelope in events {
        if let Event::ModelDelta { text, .. } = &envelope.event {
            model_text.get_or_insert_with(String::new).push_str(text);
            continue;
        }
        flush(&mut model_text, &mut out);
        let time = agent_core::time::format_rfc3339(envelope.at);
        if let Some((style, text)) = event_text(&envelope.event) {
            for (i, line) in sanitize(&text).lines().enumerate() {
                if i == 0 {
                    out.push((style, format!("{time} {line}")));
                } else {
                    out.push((style, format!("    {line}")));
                }
            }
        }
    }
    flush(&mut model_text, &mut out);
    out
}

/// The shared wording of an event, with its tone as a ratatui style.
fn event_text(event: &Event) -> Option<(Style, String)> {
    let (tone, text) = event_log::describe(event)?;
    Some((tone.map_or_else(Style::new, tone_style), text))
}

/// The colour a tone has on screen.
fn tone_style(tone: Tone) -> Style {
    let style = Style::new();
    match tone {
        Tone::Strong => style.add_modifier(Modifier::BOLD),
        Tone::Dim => style.fg(Color::DarkGray),
        Tone::Highlight => style.fg(Color::Cyan),
        Tone::Good => style.fg(Color::Green),
        Tone::Bad => style.fg(Color::Red),
        Tone::Warn => style.fg(Color::Yellow),
        Tone::User => style.fg(Color::White),
        Tone::Assistant => style.fg(Color::Magenta),
        Tone::Tool => style.fg(Color::Blue),
    }
}
