//! Small text helpers every crate of agent shares: an error and its causes on one line, and
//! cutting text at a byte limit without splitting a character.

use std::error::Error;

/// An error and its causes on one line, joined by `: `: `cannot reach openai at …: connection
/// refused`. A cause whose text the line already holds (many errors repeat their source) is
/// left out.
pub fn error_chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !cause_text.is_empty() && !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The longest start of `text` of at most `max_bytes` bytes that ends between two characters.
pub fn truncate_at_char_boundary(text: &str, max_bytes: usize) -> &str {
    &text[..text.floor_char_boundary(max_bytes)]
}

/// `text` whole when it fits `max_bytes`, else its start cut at a character boundary and
/// followed by `… [N bytes more]`.
pub fn truncate_with_note(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_string();
    }
    let kept = truncate_at_char_boundary(text, max_bytes);
    format!("{kept}… [{} bytes more]", text.len() - kept.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl Error for Layer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1
                .as_deref()
                .map(|layer| layer as &(dyn Error + 'static))
        }
    }

    #[test]
    fn error_chain_joins_causes_and_skips_repeats() {
        let error = Layer(
            "cannot reach openai: connection refused",
            Some(Box::new(Layer(
                "connection refused",
                Some(Box::new(Layer("os error 111", None))),
            ))),
        );
        assert_eq!(
            error_chain(&error),
            "cannot reach openai: connection refused: os error 111"
        );
        assert_eq!(error_chain(&Layer("alone", None)), "alone");
    }

    #[test]
    fn truncation_never_splits_a_character() {
        assert_eq!(truncate_at_char_boundary("héllo", 2), "h");
        assert_eq!(truncate_at_char_boundary("héllo", 3), "hé");
        assert_eq!(truncate_at_char_boundary("abc", 10), "abc");
        assert_eq!(truncate_at_char_boundary("€", 0), "");
        assert_eq!(truncate_with_note("abc", 3), "abc");
        assert_eq!(truncate_with_note("aé€b", 4), "aé… [4 bytes more]");
    }
}
