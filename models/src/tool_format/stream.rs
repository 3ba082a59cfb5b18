//! [`ToolCallFilter`]: finds prompt-level tool calls in a streamed answer. Prose streams through
//! at once; from a likely call marker on the text is held, and read with
//! [`parse_tool_calls`](super::parse_tool_calls) when the answer ends.

use super::parse::parse_tool_calls;
use super::scan::{BlockKind, Scanner};
use crate::chat::{ChatEvent, DoneReason, ToolSpec};

/// Text that starts holding the answer back wherever it appears. Matched without regard to
/// ASCII case, like the parser's tags.
const ANYWHERE_MARKERS: &[&str] = &["<tool_call>", "<function_call>", "<tool_use>"];

/// Text that starts holding the answer back at the start of a line (after blanks at most). A
/// fence with no info string only counts when a call object opens on its next line, so ordinary
/// code blocks keep streaming.
const LINE_MARKERS: &[&str] = &[
    "```tool",
    "```function",
    "```json",
    "```\n{\"name\"",
    "{\"name\"",
    "[{\"name\"",
];

/// Splits a streamed answer into text deltas and tool calls, for backends whose models write
/// calls as text (`<tool_call>{…}</tool_call>`, a ```` ```tool ```` block, bare JSON).
///
/// [`push`](Self::push) each delta and send what it returns; at the end send the events of
/// [`finish`](Self::finish), then usage, then `Done` with [`done_reason`](Self::done_reason).
/// Text streams through until a call marker may be starting: only a suffix that could begin one
/// is held back. From a marker on the text is held. A fenced block or a bare JSON value that
/// closes without holding a call (`` ```json `` data in an answer) is let go as text as soon as
/// its line ends; anything else waits for the end of the answer. There the held text is parsed:
/// its calls become [`ChatEvent::ToolCall`]s and the prose left around them one text delta.
/// When it holds no usable call it comes back unchanged, byte for byte. Without tools the filter
/// passes everything through.
pub struct ToolCallFilter {
    tools: Vec<ToolSpec>,
    /// Passing through: text not sent yet because it may begin a marker.
    pending: String,
    /// Holding: the text from the marker on (`pending` is empty then).
    held: String,
    holding: bool,
    /// Whether the held text started at the start of a line.
    held_at_line_start: bool,
    /// Whether the text sent since the last newline is only blanks (true at the start).
    line_blank: bool,
    /// Whether any text was sent.
    sent_any: bool,
    /// How many newlines end the text sent (at most 2 are counted).
    trailing_newlines: usize,
    /// Whether the text sent ends with whitespace.
    ends_with_whitespace: bool,
    /// Whether [`finish`](Self::finish) returned calls.
    found_calls: bool,
}

impl ToolCallFilter {
    /// A filter that looks for calls of `tools`; with no tools it passes text through untouched.
    pub fn new(tools: &[ToolSpec]) -> Self {
        Self {
            tools: tools.to_vec(),
            pending: String::new(),
            held: String::new(),
            holding: false,
            held_at_line_start: false,
            line_blank: true,
            sent_any: false,
            trailing_newlines: 0,
            ends_with_whitespace: false,
            found_calls: false,
        }
    }

    /// Adds a text delta; returns the text that can be sent now (often all of it, sometimes
    /// empty).
    pub fn push(&mut self, delta: &str) -> String {
        if self.tools.is_empty() {
            return delta.to_string();
        }
        let mut out = String::new();
        let mut may_close = delta.contains('\n');
        if self.holding {
            self.held.push_str(delta);
        } else {
            self.pending.push_str(delta);
        }
        loop {
            if !self.holding {
                let Some(start) = self.marker_start() else {
                    let keep = self.possible_marker_start();
                    let ready: String = self.pending.drain(..keep).collect();
                    self.send(&mut out, &ready);
                    break;
                };
                let before: String = self.pending.drain(..start).collect();
                self.send(&mut out, &before);
                self.held_at_line_start = self.line_blank;
                self.held = std::mem::take(&mut self.pending);
                self.holding = true;
                may_close |= self.held.contains('\n');
            }
            if !may_close {
                break;
            }
            let Some(end) = self.closed_without_call() else {
                break;
            };
            // The block was no call: send it, and look at what followed it afresh.
            self.pending = self.held.split_off(end);
            let block = std::mem::take(&mut self.held);
            self.holding = false;
            self.send(&mut out, &block);
            may_close = self.pending.contains('\n');
        }
        out
    }

    /// Ends the answer: the held text as events — the prose around the calls (one text delta,
    /// if any) and the calls, or the text unchanged when it holds no usable call.
    pub fn finish(&mut self) -> Vec<ChatEvent> {
        let mut events = Vec::new();
        let pending = std::mem::take(&mut self.pending);
        let held = std::mem::take(&mut self.held);
        self.holding = false;
        let parsed = if held.is_empty() {
            None
        } else {
            Some(parse_tool_calls(&held, &self.tools))
        };
        let mut text = pending;
        match parsed {
            Some(parsed) if !parsed.calls.is_empty() => {
                if !parsed.text.is_empty() {
                    text.push_str(&self.separator(&parsed.text));
                    text.push_str(&parsed.text);
                }
                if !text.is_empty() {
                    events.push(ChatEvent::TextDelta { text });
                }
                self.found_calls = true;
                events.extend(
                    parsed
                        .calls
                        .into_iter()
                        .map(|call| ChatEvent::ToolCall { call }),
                );
            }
            _ => {
                text.push_str(&held);
                if !text.is_empty() {
                    events.push(ChatEvent::TextDelta { text });
                }
            }
        }
        events
    }

    /// The reason to end with: [`DoneReason::ToolCalls`] when [`finish`](Self::finish) found
    /// calls, else the model's own.
    pub fn done_reason(&self, model_reason: DoneReason) -> DoneReason {
        if self.found_calls {
            DoneReason::ToolCalls
        } else {
            model_reason
        }
    }

    /// Appends `text` to `out` and remembers how the text sent so far ends.
    fn send(&mut self, out: &mut String, text: &str) {
        if text.is_empty() {
            return;
        }
        out.push_str(text);
        self.sent_any = true;
        self.line_blank = match text.rfind('\n') {
            Some(newline) => is_blank(&text[newline + 1..]),
            None => self.line_blank && is_blank(text),
        };
        let newlines = text.len() - text.trim_end_matches('\n').len();
        self.trailing_newlines = if newlines == text.len() {
            (self.trailing_newlines + newlines).min(2)
        } else {
            newlines.min(2)
        };
        self.ends_with_whitespace = text.ends_with(char::is_whitespace);
    }

    /// What goes between the text sent and the prose left around the calls: a blank line where
    /// the calls stood on their own lines, a space where they stood inside one.
    fn separator(&self, prose: &str) -> String {
        if !self.sent_any {
            String::new()
        } else if self.held_at_line_start {
            "\n".repeat(2 - self.trailing_newlines)
        } else if !self.ends_with_whitespace && prose.starts_with(char::is_alphanumeric) {
            " ".to_string()
        } else {
            String::new()
        }
    }

    /// Where the first whole marker in `pending` starts.
    fn marker_start(&self) -> Option<usize> {
        self.candidates().find(|&start| {
            let rest = &self.pending.as_bytes()[start..];
            self.markers_at(start).any(|marker| {
                rest.len() >= marker.len()
                    && rest[..marker.len()].eq_ignore_ascii_case(marker.as_bytes())
            })
        })
    }

    /// Where the first suffix of `pending` that could still grow into a marker starts; the
    /// length of `pending` when none could.
    fn possible_marker_start(&self) -> usize {
        self.candidates()
            .find(|&start| {
                let rest = &self.pending.as_bytes()[start..];
                self.markers_at(start).any(|marker| {
                    rest.len() < marker.len()
                        && rest.eq_ignore_ascii_case(&marker.as_bytes()[..rest.len()])
                })
            })
            .unwrap_or(self.pending.len())
    }

    /// The markers that may start at `offset` of `pending`.
    fn markers_at(&self, offset: usize) -> impl Iterator<Item = &'static str> {
        let line_markers: &[&str] = if self.at_line_start(offset) {
            LINE_MARKERS
        } else {
            &[]
        };
        ANYWHERE_MARKERS.iter().chain(line_markers).copied()
    }

    /// Offsets in `pending` where some marker's first character is (always char boundaries:
    /// the characters are ASCII).
    fn candidates(&self) -> impl Iterator<Item = usize> + '_ {
        self.pending
            .bytes()
            .enumerate()
            .filter(|(_, byte)| matches!(byte, b'<' | b'`' | b'{' | b'['))
            .map(|(offset, _)| offset)
    }

    /// True when only blanks come before `offset` of `pending` on its line.
    fn at_line_start(&self, offset: usize) -> bool {
        let before = &self.pending[..offset];
        match before.rfind('\n') {
            Some(newline) => is_blank(&before[newline + 1..]),
            None => self.line_blank && is_blank(before),
        }
    }

    /// When the held text opens with a fence that has closed, or a JSON value that is complete,
    /// and that block holds no call and nothing meant as one: where the block ends.
    fn closed_without_call(&self) -> Option<usize> {
        let held = self.held.as_str();
        let end = if held.starts_with('`') {
            let block = Scanner::new(held)
                .blocks(0..held.len(), true)
                .into_iter()
                .next()?;
            let closed = block.range.start == 0
                && block.kind != BlockKind::Tag
                && held.as_bytes().get(block.range.end) == Some(&b'\n');
            closed.then_some(block.range.end + 1)?
        } else if held.starts_with(['{', '[']) {
            let mut values =
                serde_json::Deserializer::from_str(held).into_iter::<serde_json::Value>();
            match values.next() {
                Some(Ok(_)) => values.byte_offset(),
                _ => return None,
            }
        } else {
            return None;
        };
        let parsed = parse_tool_calls(&held[..end], &self.tools);
        (parsed.calls.is_empty() && parsed.problems.is_empty()).then_some(end)
    }
}

fn is_blank(text: &str) -> bool {
    text.bytes().all(|byte| byte == b' ' || byte == b'\t')
}

#[cfg(test)]
mod tests;
