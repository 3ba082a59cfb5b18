//! Plain-text layout: display width, truncation with an ellipsis, padding, terminal width.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The width of stdout's terminal, or `None` when stdout is not a terminal.
pub fn terminal_width() -> Option<usize> {
    terminal_size::terminal_size_of(std::io::stdout()).map(|(width, _)| usize::from(width.0))
}

/// Columns `text` occupies on a terminal (wide CJK and emoji count two).
pub fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` safe to print to a terminal: control characters (escape sequences, carriage returns,
/// bells) and bidirectional overrides removed; newlines and tabs kept. For text that came from
/// outside (imported histories, tool output, file names).
pub fn printable(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !(c.is_control() || is_direction_override(c)))
        .collect()
}

/// Unicode's bidirectional embeddings, overrides and isolates: they reorder what follows.
fn is_direction_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` on one line (newlines and tabs become spaces), cut to `max` columns with `…`.
pub fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .chars()
        .filter(|&c| !is_direction_override(c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    truncate(flat.trim(), max)
}

/// `text` cut to at most `max` columns, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if display_width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut width = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if width + w > max - 1 {
            break;
        }
        width += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `text` padded with spaces to `width` columns (longer text is left as is).
pub fn pad(text: &str, width: usize) -> String {
    let shown = display_width(text);
    if shown >= width {
        text.to_string()
    } else {
        format!("{text}{}", " ".repeat(width - shown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_columns_not_bytes() {
        assert_eq!(truncate("hello", 10), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("日本語のテキスト", 7), "日本語…");
        assert_eq!(display_width(&truncate("🦀🦀🦀🦀", 5)), 5);
    }

    #[test]
    fn printable_text_has_no_escapes_or_direction_overrides() {
        assert_eq!(
            printable("a\u{1b}[2J\u{1b}]0;t\u{7}b\r\n\u{202E}c\td"),
            "a[2J]0;tb\nc\td"
        );
    }

    #[test]
    fn one_line_flattens_newlines() {
        assert_eq!(one_line("a\nb\tc", 20), "a b c");
    }

    #[test]
    fn padding_uses_display_width() {
        assert_eq!(pad("日本", 6), "日本  ");
        assert_eq!(pad("toolong", 3), "toolong");
    }
}
