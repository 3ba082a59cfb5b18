//! Token bytes to text deltas: UTF-8 sequences split across byte-level tokens are held until
//! complete, and text that may begin a stop string is held until it is known not to.

/// Collects bytes and hands out the longest complete UTF-8 prefix.
#[derive(Debug, Default)]
pub struct Utf8Buffer {
    pending: Vec<u8>,
}

impl Utf8Buffer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `bytes`; returns the text now complete. Invalid bytes become U+FFFD; an incomplete
    /// sequence at the end waits for the next call.
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        let mut consumed = 0;
        loop {
            match std::str::from_utf8(&self.pending[consumed..]) {
                Ok(text) => {
                    out.push_str(text);
                    consumed = self.pending.len();
                    break;
                }
                Err(error) => {
                    let valid = error.valid_up_to();
                    let (good, _) = self.pending[consumed..].split_at(valid);
                    out.push_str(&String::from_utf8_lossy(good));
                    consumed += valid;
                    match error.error_len() {
                        Some(length) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            consumed += length;
                        }
                        None => break,
                    }
                }
            }
        }
        self.pending.drain(..consumed);
        out
    }

    /// The bytes still waiting, as text (lossy): call at the end of an answer.
    pub fn finish(&mut self) -> String {
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        text
    }
}

/// Finds stop strings in streamed text without ever emitting one.
#[derive(Debug)]
pub struct StopMatcher {
    stops: Vec<String>,
    held: String,
}

/// What [`StopMatcher::push`] found.
#[derive(Debug, PartialEq, Eq)]
pub struct StopScan {
    /// Text safe to emit now.
    pub text: String,
    /// A stop string was found; `text` ends right before it.
    pub stopped: bool,
}

impl StopMatcher {
    /// Empty stop strings are ignored.
    pub fn new(stops: &[String]) -> Self {
        Self {
            stops: stops.iter().filter(|s| !s.is_empty()).cloned().collect(),
            held: String::new(),
        }
    }

    /// Adds `text`; returns what can be emitted and whether a stop string appeared.
    pub fn push(&mut self, text: &str) -> StopScan {
        self.held.push_str(text);
        if self.stops.is_empty() {
            return StopScan {
                text: std::mem::take(&mut self.held),
                stopped: false,
            };
        }
        let first_stop = self
            .stops
            .iter()
            .filter_map(|stop| self.held.find(stop.as_str()))
            .min();
        if let Some(position) = first_stop {
            let text = self.held[..position].to_string();
            self.held.clear();
            return StopScan {
                text,
                stopped: true,
            };
        }
        let keep = self.longest_stop_prefix_suffix();
        let split = self.held.len() - keep;
        let text = self.held[..split].to_string();
        self.held.drain(..split);
        StopScan {
            text,
            stopped: false,
        }
    }

    /// The text held back at the end of the answer (it turned out not to be a stop string).
    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.held)
    }

    /// The length of the longest end of `held` that is the start of some stop string.
    fn longest_stop_prefix_suffix(&self) -> usize {
        let mut longest = 0;
        for stop in &self.stops {
            for (index, _) in self.held.char_indices() {
                let suffix = &self.held[index..];
                if suffix.len() <= longest {
                    break;
                }
                if stop.starts_with(suffix) {
                    longest = suffix.len();
                    break;
                }
            }
        }
        longest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_split_across_tokens_waits_for_its_last_byte() {
        let mut buffer = Utf8Buffer::new();
        let bytes = "é€".as_bytes();
        assert_eq!(buffer.push(&bytes[..1]), "");
        assert_eq!(buffer.push(&bytes[1..3]), "é");
        assert_eq!(buffer.push(&bytes[3..4]), "");
        assert_eq!(buffer.push(&bytes[4..]), "€");
        assert_eq!(buffer.finish(), "");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let mut buffer = Utf8Buffer::new();
        assert_eq!(buffer.push(&[b'a', 0xFF, b'b']), "a\u{FFFD}b");
        assert_eq!(buffer.push(&[0xE2, 0x82]), "");
        assert_eq!(buffer.finish(), "\u{FFFD}");
    }

    #[test]
    fn stop_strings_are_found_across_deltas_and_never_emitted() {
        let mut matcher = StopMatcher::new(&["</answer>".to_string()]);
        assert_eq!(matcher.push("hello <").text, "hello ");
        let scan = matcher.push("/ans");
        assert_eq!(scan.text, "");
        assert!(!scan.stopped);
        let scan = matcher.push("wer> tail");
        assert_eq!(
            scan,
            StopScan {
                text: String::new(),
                stopped: true
            }
        );
    }

    #[test]
    fn held_text_is_released_when_it_stops_matching() {
        let mut matcher = StopMatcher::new(&["STOP".to_string(), "".to_string()]);
        assert_eq!(matcher.push("aST").text, "a");
        assert_eq!(matcher.push("x").text, "STx");
        assert_eq!(matcher.push("ST").text, "");
        assert_eq!(matcher.finish(), "ST");
    }

    #[test]
    fn the_earliest_stop_string_wins() {
        let mut matcher = StopMatcher::new(&["b".to_string(), "ab".to_string()]);
        assert_eq!(
            matcher.push("xxab"),
            StopScan {
                text: "xx".into(),
                stopped: true
            }
        );
        let mut none = StopMatcher::new(&[]);
        assert_eq!(none.push("abc").text, "abc");
    }
}
