//! Unified diffs in colour: added lines green, removed lines red, hunk headers cyan, file
//! headers bold.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::wrap::{hard_wrap, sanitize};

/// The style of one diff line, chosen by its first characters.
pub(crate) fn line_style(line: &str) -> Style {
    if line.starts_with("+++") || line.starts_with("---") || line.starts_with("diff ") {
        Style::new().add_modifier(Modifier::BOLD)
    } else if line.starts_with("@@") {
        Style::new().fg(Color::Cyan)
    } else if line.starts_with('+') {
        Style::new().fg(Color::Green)
    } else if line.starts_with('-') {
        Style::new().fg(Color::Red)
    } else {
        Style::new()
    }
}

/// Whether `text` looks like a unified diff (file headers or a hunk header).
pub(crate) fn is_unified_diff(text: &str) -> bool {
    let mut headers = false;
    for line in text.lines().take(200) {
        if line.starts_with("@@ ") && line[3..].contains(" @@") {
            return true;
        }
        if line.starts_with("diff --git ") || line.starts_with("--- ") {
            headers = true;
        }
        if headers && line.starts_with("+++ ") {
            return true;
        }
    }
    false
}

/// `text` as coloured, hard-wrapped lines, each starting with `prefix`.
pub(crate) fn render_diff(
    text: &str,
    width: usize,
    prefix: &[Span<'static>],
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for line in sanitize(text).lines() {
        let span = Span::styled(line.to_string(), line_style(line));
        lines.extend(hard_wrap(&[span], width, prefix, prefix));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_diffs() {
        assert!(is_unified_diff("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n"));
        assert!(is_unified_diff("@@ -1,2 +1,2 @@\n a\n"));
        assert!(!is_unified_diff("- a list\n- of things\n"));
    }

    #[test]
    fn styles_by_first_character() {
        assert_eq!(line_style("+x").fg, Some(Color::Green));
        assert_eq!(line_style("-x").fg, Some(Color::Red));
        assert_eq!(line_style("@@ -1 +1 @@").fg, Some(Color::Cyan));
        assert_eq!(line_style("+++ b/x").fg, None);
        assert_eq!(line_style(" x").fg, None);
    }
}
