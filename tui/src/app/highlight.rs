//! A small keyword highlighter for fenced code blocks: keywords, strings, numbers and comments
//! for the languages a coding agent meets most, without a grammar engine.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Span;

/// How code looks outside any token.
pub(crate) const CODE_STYLE: Style = Style::new().fg(Color::Gray);

const RUST: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while",
];
const PYTHON: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "False", "finally", "for", "from", "if", "import", "in", "is", "lambda",
    "None", "not", "or", "pass", "raise", "return", "True", "try", "while", "with", "yield",
];
const C_LIKE: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "default",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "for",
    "func",
    "function",
    "go",
    "if",
    "import",
    "interface",
    "let",
    "new",
    "nil",
    "null",
    "package",
    "return",
    "static",
    "struct",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "type",
    "var",
    "void",
    "while",
    "int",
    "char",
    "float",
    "double",
];
const SHELL: &[&str] = &[
    "case", "do", "done", "echo", "elif", "else", "esac", "export", "fi", "for", "function", "if",
    "in", "local", "return", "then", "while", "cd", "cargo", "git",
];

/// Which keyword list and comment marker a fence's language uses.
fn language(lang: &str) -> (&'static [&'static str], &'static str) {
    match lang.to_ascii_lowercase().as_str() {
        "rust" | "rs" => (RUST, "//"),
        "python" | "py" => (PYTHON, "#"),
        "sh" | "bash" | "shell" | "zsh" | "console" | "toml" | "yaml" | "yml" => (SHELL, "#"),
        "" | "text" | "txt" | "diff" => (&[], ""),
        _ => (C_LIKE, "//"),
    }
}

fn keyword_style() -> Style {
    Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD)
}
fn string_style() -> Style {
    Style::new().fg(Color::Green)
}
fn number_style() -> Style {
    Style::new().fg(Color::Yellow)
}
fn comment_style() -> Style {
    Style::new()
        .fg(Color::DarkGray)
        .add_modifier(Modifier::ITALIC)
}

/// One line of code as styled spans.
pub(crate) fn highlight_line(lang: &str, line: &str) -> Vec<Span<'static>> {
    let (keywords, comment) = language(lang);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut push = |text: &str, style: Style| {
        if text.is_empty() {
            return;
        }
        match spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(text),
            _ => spans.push(Span::styled(text.to_string(), style)),
        }
    };
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut index = 0;
    while let Some(&(start, c)) = chars.get(index) {
        if !comment.is_empty() && line[start..].starts_with(comment) {
            push(&line[start..], comment_style());
            break;
        }
        if c == '"' || c == '\'' || c == '`' {
            let mut end = index + 1;
            while let Some(&(_, d)) = chars.get(end) {
                end += 1;
                if d == c {
                    break;
                }
                if d == '\\' {
                    end += 1;
                }
            }
            let end_byte = chars.get(end).map_or(line.len(), |&(b, _)| b);
            push(&line[start..end_byte], string_style());
            index = end;
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let mut end = index;
            while chars
                .get(end)
                .is_some_and(|&(_, d)| d.is_alphanumeric() || d == '_')
            {
                end += 1;
            }
            let end_byte = chars.get(end).map_or(line.len(), |&(b, _)| b);
            let word = &line[start..end_byte];
            let style = if c.is_ascii_digit() {
                number_style()
            } else if keywords.contains(&word) {
                keyword_style()
            } else {
                CODE_STYLE
            };
            push(word, style);
            index = end;
            continue;
        }
        let end_byte = chars.get(index + 1).map_or(line.len(), |&(b, _)| b);
        push(&line[start..end_byte], CODE_STYLE);
        index += 1;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_keywords_strings_and_comments() {
        let spans = highlight_line("rust", "let s = \"fn\"; // done");
        let styled: Vec<(&str, Style)> = spans.iter().map(|s| (&*s.content, s.style)).collect();
        assert_eq!(styled[0], ("let", keyword_style()));
        assert!(styled.contains(&("\"fn\"", string_style())));
        assert_eq!(styled.last().map(|s| s.0), Some("// done"));
        let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "let s = \"fn\"; // done");
    }

    #[test]
    fn unterminated_strings_and_unicode_do_not_panic() {
        let text: String = highlight_line("py", "x = '日本 # 🦀")
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert_eq!(text, "x = '日本 # 🦀");
    }
}
