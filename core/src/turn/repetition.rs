//! Degenerate repetition in a streamed reply: the same sentence, line or short run of tokens
//! over and over (small local models often loop like this until their context ends).
//!
//! The detector sees the reply one piece at a time and keeps, for every period `p` up to
//! [`MAX_PERIOD`] characters, how many characters in a row equal the one `p` before them. The
//! tail of the reply is periodic with period `p` over `run + p` characters; when that span
//! reaches [`required_span`] (several whole repeats, and at least 512 characters so that a row
//! of `-` in a table or a zero-filled array is not taken for a loop) the reply is degenerate.
//! Lines that only look alike (`use a::b;`, `use a::c;`, rows of a table) break the run at
//! every difference, so they never add up. Cost: [`MAX_PERIOD`] comparisons per character.

/// The longest repeated unit looked for, in characters (a short paragraph).
pub const MAX_PERIOD: usize = 1024;
/// Whole repeats a unit needs.
const MIN_REPEATS: usize = 5;
/// The span any unit needs at least: 512 characters (about 130 tokens) of the same text, so that
/// a row of `-` in a table, a zero-filled array or a few identical lines are not taken for a loop,
/// while a looping sentence is stopped after a handful of repeats.
const MIN_SPAN: usize = 512;

/// The span of text (in characters) that must repeat with period `period` before it counts; it
/// never falls as the period grows, so a short unit is not found first as a multiple of itself.
pub fn required_span(period: usize) -> usize {
    MIN_SPAN.max(MIN_REPEATS * period)
}

/// A loop found in the reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repetition {
    /// The repeated unit, as it first appeared.
    pub unit: String,
    /// How many times it repeated (whole repeats).
    pub repeats: usize,
    /// The character offset in the reply where the repeating part starts.
    pub start_char: usize,
}

impl Repetition {
    /// The repeated unit for a message: whitespace folded, at most 80 characters.
    pub fn quote(&self) -> String {
        let folded = self.unit.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut quote: String = folded.chars().take(80).collect();
        if folded.chars().count() > 80 {
            quote.push('…');
        }
        quote
    }

    /// `reply` cut after the first appearance of the unit: what is worth keeping of it.
    pub fn keep_of(&self, reply: &str) -> String {
        let keep = self.start_char + self.unit.chars().count();
        let mut kept: String = reply.chars().take(keep).collect();
        if reply.chars().count() > keep {
            kept.push_str(" […]");
        }
        kept
    }
}

/// Watches one reply.
#[derive(Debug, Clone)]
pub struct RepetitionDetector {
    /// The last [`MAX_PERIOD`] characters, a ring indexed by position.
    ring: Vec<char>,
    /// `runs[p]`: characters in a row equal to the one `p` before them.
    runs: Vec<usize>,
    /// Characters seen.
    seen: usize,
    found: Option<Repetition>,
}

impl Default for RepetitionDetector {
    fn default() -> Self {
        Self::new()
    }
}

impl RepetitionDetector {
    pub fn new() -> Self {
        Self {
            ring: vec!['\0'; MAX_PERIOD + 1],
            runs: vec![0; MAX_PERIOD + 1],
            seen: 0,
            found: None,
        }
    }

    /// Feeds the next piece of the reply; returns the loop once one is found (and from then on).
    pub fn push(&mut self, text: &str) -> Option<&Repetition> {
        if self.found.is_none() {
            for c in text.chars() {
                if self.push_char(c) {
                    break;
                }
            }
        }
        self.found.as_ref()
    }

    /// The loop found so far, if any.
    pub fn found(&self) -> Option<&Repetition> {
        self.found.as_ref()
    }

    fn push_char(&mut self, c: char) -> bool {
        let size = self.ring.len();
        let at = self.seen;
        let reach = at.min(MAX_PERIOD);
        let mut hit: Option<usize> = None;
        for period in 1..=reach {
            if self.ring[(at - period) % size] == c {
                self.runs[period] += 1;
                if hit.is_none() && self.runs[period] + period >= required_span(period) {
                    hit = Some(period);
                }
            } else {
                self.runs[period] = 0;
            }
        }
        self.ring[at % size] = c;
        self.seen += 1;
        if let Some(period) = hit {
            let span = self.runs[period] + period;
            // The last `period` characters, turned to start where the repeating part starts.
            let turn = (period - span % period) % period;
            let unit: String = (0..period)
                .map(|j| self.ring[(self.seen - period + (turn + j) % period) % size])
                .collect();
            self.found = Some(Repetition {
                unit,
                repeats: span / period,
                start_char: self.seen - span,
            });
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `text` in pieces of `step` characters, as a stream would.
    fn detect(text: &str, step: usize) -> Option<Repetition> {
        let mut detector = RepetitionDetector::new();
        let chars: Vec<char> = text.chars().collect();
        for piece in chars.chunks(step) {
            let piece: String = piece.iter().collect();
            if detector.push(&piece).is_some() {
                break;
            }
        }
        detector.found().cloned()
    }

    #[test]
    fn a_repeated_sentence_is_found_within_a_few_repeats() {
        let sentence = "To fix the bug, change the subtraction in add() to an addition. ";
        let preface = "Let me look at calc.py first.\n";
        let text = format!("{preface}{}", sentence.repeat(40));
        let found = detect(&text, 3).expect("a loop");
        assert_eq!(found.unit.chars().count(), sentence.chars().count());
        assert!(found.repeats >= MIN_REPEATS);
        // Found after about eight repeats (512 characters), not at the end of the stream.
        let span = found.start_char + found.repeats * sentence.len();
        assert!(span < preface.len() + 10 * sentence.len(), "{found:?}");
        assert_eq!(found.start_char, preface.len());
        let kept = found.keep_of(&text);
        assert_eq!(kept, format!("{preface}{sentence} […]"));
        assert!(found.quote().starts_with("To fix the bug"));
    }

    #[test]
    fn a_repeated_short_run_of_tokens_is_found() {
        let found = detect(&format!("The answer is {}", "the ".repeat(300)), 1).expect("a loop");
        assert_eq!(found.unit.chars().count(), 4);
        assert!(found.repeats * 4 >= MIN_SPAN);
        assert!(detect(&"!".repeat(600), 7).is_some());
        assert!(detect(&"\n".repeat(600), 1).is_some());
    }

    #[test]
    fn a_repeated_paragraph_with_lines_is_found() {
        let paragraph =
            "I will now edit the file.\n<tool_call>{\"name\": \"read\"}\n</tool_call>\n";
        assert!(detect(&paragraph.repeat(8), 11).is_some());
    }

    #[test]
    fn code_that_only_looks_repetitive_is_not_a_loop() {
        let uses: String = [
            "std::collections::HashMap",
            "std::collections::HashSet",
            "std::fmt",
            "std::io::Read",
            "std::io::Write",
            "std::path::Path",
            "std::path::PathBuf",
            "std::sync::Arc",
            "std::sync::Mutex",
            "std::time::Duration",
            "std::time::Instant",
            "serde::Deserialize",
            "serde::Serialize",
            "crate::error::Result",
        ]
        .iter()
        .map(|path| format!("use {path};\n"))
        .collect();
        let table: String =
            std::iter::once("| key | default | what |\n| --- | --- | --- |\n".to_string())
                .chain((0..40).map(|i| format!("| `task.key_{i}` | `{}` | a limit |\n", i * 10)))
                .collect();
        let arms: String = (0..40)
            .map(|i| format!("        Kind::Variant{i} => \"variant-{i}\",\n"))
            .collect();
        let python = "import unittest\nfrom calc import add\n\nclass T(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(1, 2), 3)\n        self.assertEqual(add(2, 2), 4)\n        self.assertEqual(add(0, 0), 0)\n        self.assertEqual(add(-1, 1), 0)\n\nunittest.main()\n";
        let rule = format!("// {}\n", "-".repeat(96));
        let asserts = "assert_eq!(it.next(), None);\n".repeat(4);
        for text in [uses, table, arms, python.to_string(), rule, asserts] {
            assert_eq!(detect(&text, 5), None, "{text}");
        }
    }

    #[test]
    fn nothing_is_found_before_enough_text_came() {
        let mut detector = RepetitionDetector::new();
        assert!(detector.push("").is_none());
        assert!(detector.push("ab").is_none());
        assert!(detector.push(&"ab".repeat(100)).is_none());
        assert!(detector.push(&"ab".repeat(200)).is_some());
        // Once found, it stays found.
        assert!(detector.push("something else").is_some());
    }

    #[test]
    fn multibyte_text_is_counted_in_characters() {
        let found = detect(&"héllo wörld, ça va? ".repeat(30), 2).expect("a loop");
        assert_eq!(found.unit.chars().count(), 20);
        assert!(found.quote().contains("wörld"));
    }
}
