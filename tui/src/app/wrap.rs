//! Wrapping styled text to a width in terminal columns: word wrapping for prose, hard wrapping
//! for code and tool output. Wide characters (CJK, emoji) count two columns and never straddle
//! the right edge.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// Columns a character takes; control characters take none.
pub(crate) fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Columns a string takes.
pub(crate) fn str_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// Tabs become four spaces and other control characters disappear.
pub(crate) fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("    "),
            '\n' => out.push('\n'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Builds lines span by span, merging neighbours of the same style.
struct LineBuilder {
    width: usize,
    rest_prefix: Vec<Span<'static>>,
    rest_prefix_width: usize,
    lines: Vec<Line<'static>>,
    current: Vec<Span<'static>>,
    used: usize,
    /// True while the current line holds only its prefix.
    bare: bool,
}

impl LineBuilder {
    fn new(width: usize, first_prefix: &[Span<'static>], rest_prefix: &[Span<'static>]) -> Self {
        let first_width = first_prefix.iter().map(|s| str_width(&s.content)).sum();
        Self {
            width: width.max(1),
            rest_prefix: rest_prefix.to_vec(),
            rest_prefix_width: rest_prefix.iter().map(|s| str_width(&s.content)).sum(),
            lines: Vec::new(),
            current: first_prefix.to_vec(),
            used: first_width,
            bare: true,
        }
    }

    fn room(&self) -> usize {
        self.width.saturating_sub(self.used)
    }

    fn push(&mut self, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        self.used = self.used.saturating_add(str_width(text));
        self.bare = false;
        if let Some(last) = self.current.last_mut()
            && last.style == style
        {
            last.content.to_mut().push_str(text);
            return;
        }
        self.current.push(Span::styled(text.to_string(), style));
    }

    fn break_line(&mut self) {
        let done = std::mem::replace(&mut self.current, self.rest_prefix.clone());
        self.lines.push(Line::from(done));
        self.used = self.rest_prefix_width;
        self.bare = true;
    }

    /// Pushes `text` character by character, breaking wherever the line is full.
    fn push_hard(&mut self, text: &str, style: Style) {
        let mut chunk = String::new();
        for c in text.chars() {
            let w = char_width(c);
            if w > self.room().saturating_sub(str_width(&chunk)) && !(self.bare && chunk.is_empty())
            {
                self.push(&chunk, style);
                chunk.clear();
                self.break_line();
            }
            chunk.push(c);
        }
        self.push(&chunk, style);
    }

    fn finish(mut self) -> Vec<Line<'static>> {
        self.lines.push(Line::from(self.current));
        self.lines
    }
}

/// Word-wraps styled spans to `width` columns. The first line starts with `first_prefix`, the
/// following ones with `rest_prefix`. Newlines in the text start new lines.
pub(crate) fn wrap_spans(
    spans: &[Span<'static>],
    width: usize,
    first_prefix: &[Span<'static>],
    rest_prefix: &[Span<'static>],
) -> Vec<Line<'static>> {
    let mut builder = LineBuilder::new(width, first_prefix, rest_prefix);
    // Whitespace waiting for the next word: dropped at a line break.
    let mut pending: Vec<(String, Style)> = Vec::new();
    for span in spans {
        let style = span.style;
        let mut word = String::new();
        let mut space = String::new();
        let flush_word =
            |word: &mut String, pending: &mut Vec<(String, Style)>, b: &mut LineBuilder| {
                if word.is_empty() {
                    return;
                }
                let space_width: usize = pending.iter().map(|(s, _)| str_width(s)).sum();
                let word_width = str_width(word);
                if space_width + word_width <= b.room() {
                    for (s, st) in pending.drain(..) {
                        b.push(&s, st);
                    }
                    b.push(word, style);
                } else {
                    pending.clear();
                    if !b.bare {
                        b.break_line();
                    }
                    b.push_hard(word, style);
                }
                word.clear();
            };
        for c in span.content.chars() {
            if c == '\n' {
                flush_word(&mut word, &mut pending, &mut builder);
                space.clear();
                pending.clear();
                builder.break_line();
            } else if c.is_whitespace() {
                flush_word(&mut word, &mut pending, &mut builder);
                space.push(c);
            } else {
                if !space.is_empty() {
                    pending.push((std::mem::take(&mut space), style));
                }
                word.push(c);
            }
        }
        flush_word(&mut word, &mut pending, &mut builder);
        if !space.is_empty() {
            pending.push((space, style));
        }
    }
    builder.finish()
}

/// Hard-wraps styled spans to `width` columns, keeping every space (for code and output).
pub(crate) fn hard_wrap(
    spans: &[Span<'static>],
    width: usize,
    first_prefix: &[Span<'static>],
    rest_prefix: &[Span<'static>],
) -> Vec<Line<'static>> {
    let mut builder = LineBuilder::new(width, first_prefix, rest_prefix);
    for span in spans {
        builder.push_hard(&span.content, span.style);
    }
    builder.finish()
}

/// `text` cut to `max` columns, ending in `…` when cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    crate::text::truncate(text, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn words_wrap_at_the_width() {
        let spans = [Span::raw("the quick brown fox jumps")];
        assert_eq!(
            texts(&wrap_spans(&spans, 10, &[], &[])),
            ["the quick", "brown fox", "jumps"]
        );
    }

    #[test]
    fn long_words_are_cut_and_prefixes_repeat() {
        let spans = [Span::raw("abcdefghij")];
        let lines = wrap_spans(&spans, 6, &[Span::raw("- ")], &[Span::raw("  ")]);
        assert_eq!(texts(&lines), ["- abcd", "  efgh", "  ij"]);
    }

    #[test]
    fn wide_characters_never_straddle_the_edge() {
        let spans = [Span::raw("日本語のテキスト")];
        let lines = hard_wrap(&spans, 5, &[], &[]);
        assert_eq!(texts(&lines), ["日本", "語の", "テキ", "スト"]);
        for line in &lines {
            assert!(line.width() <= 5);
        }
    }

    #[test]
    fn newlines_start_new_lines() {
        let spans = [Span::raw("a\nb c")];
        assert_eq!(texts(&wrap_spans(&spans, 10, &[], &[])), ["a", "b c"]);
    }
}
