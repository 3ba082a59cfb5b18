//! A model turn's progress as plain lines, for a `task run` whose stderr is not a terminal (a
//! log, CI, a pipe): every few seconds while a reply is awaited or streams, the role and turn,
//! the tokens so far and their speed, so a slow local model is not taken for a hang.

use std::time::{Duration, Instant};

/// How often a line is written while a turn goes on.
pub const EVERY: Duration = Duration::from_secs(5);

/// Characters per token, to estimate tokens from streamed text (the stream carries text only).
const CHARS_PER_TOKEN: f64 = 4.0;

/// The model turn in flight.
#[derive(Debug, Clone)]
pub struct TurnProgress {
    role: String,
    turn: u32,
    started: Instant,
    first_text: Option<Instant>,
    chars: usize,
    last_line: Instant,
}

impl TurnProgress {
    /// A turn of `role` that began at `now`.
    pub fn begin(role: &str, turn: u32, now: Instant) -> Self {
        Self {
            role: role.to_string(),
            turn,
            started: now,
            first_text: None,
            chars: 0,
            last_line: now,
        }
    }

    /// Text streamed at `now`.
    pub fn text(&mut self, text: &str, now: Instant) {
        if text.is_empty() {
            return;
        }
        self.first_text.get_or_insert(now);
        self.chars += text.chars().count();
    }

    /// The line to write at `now`, when [`EVERY`] has passed since the last (or the start).
    pub fn due(&mut self, now: Instant) -> Option<String> {
        if now.saturating_duration_since(self.last_line) < EVERY {
            return None;
        }
        self.last_line = now;
        Some(self.line(now))
    }

    fn line(&self, now: Instant) -> String {
        let elapsed = now.saturating_duration_since(self.started).as_secs();
        let head = format!("{} · turn {}", self.role, self.turn);
        let Some(first) = self.first_text else {
            return format!("{head} · waiting for the first token ({elapsed} s)");
        };
        let tokens = (self.chars as f64 / CHARS_PER_TOKEN).round();
        let streaming = now.saturating_duration_since(first).as_secs_f64();
        let speed = if streaming >= 0.5 {
            format!(", {:.1} tokens/s", tokens / streaming)
        } else {
            String::new()
        };
        format!("{head} · ~{tokens} tokens{speed} ({elapsed} s)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_every_five_seconds_with_tokens_and_speed() {
        let start = Instant::now();
        let mut progress = TurnProgress::begin("coder", 2, start);
        assert_eq!(progress.due(start + Duration::from_secs(4)), None);
        assert_eq!(
            progress.due(start + Duration::from_secs(5)).as_deref(),
            Some("coder · turn 2 · waiting for the first token (5 s)")
        );
        assert_eq!(progress.due(start + Duration::from_secs(7)), None);
        progress.text(&"abcd".repeat(30), start + Duration::from_secs(8));
        progress.text("", start + Duration::from_secs(9));
        progress.text(&"abcd".repeat(30), start + Duration::from_secs(9));
        assert_eq!(
            progress.due(start + Duration::from_secs(10)).as_deref(),
            Some("coder · turn 2 · ~60 tokens, 30.0 tokens/s (10 s)")
        );
        assert_eq!(progress.due(start + Duration::from_secs(12)), None);
        assert!(progress.due(start + Duration::from_secs(15)).is_some());
    }
}
