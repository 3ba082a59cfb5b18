//! What an imported message keeps: text cleaned of control characters and capped, tool calls and
//! tool output as one-line summaries (`→ shell: cargo test`, `← exit 0 · 12 lines: ok`).

use serde_json::{Value, json};

use crate::text::truncate_with_note;

/// The most text one imported message keeps.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// The longest summary of a tool call or its output, in characters.
pub const MAX_SUMMARY_CHARS: usize = 200;
/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;

/// `text` without control characters (terminal escapes, NUL, carriage returns) and bidirectional
/// overrides; newlines and tabs stay.
pub fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            c == '\n'
                || c == '\t'
                || !(c.is_control()
                    || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        })
        .collect()
}

/// [`clean`], on one line (newlines and tabs become spaces), trimmed.
pub fn clean_line(text: &str) -> String {
    let cleaned = clean(text).replace(['\n', '\t'], " ");
    cleaned.trim().to_string()
}

/// Cleaned text of a message, capped at [`MAX_MESSAGE_BYTES`].
pub fn message_text(text: &str) -> String {
    truncate_with_note(clean(text).trim_matches('\n'), MAX_MESSAGE_BYTES)
}

/// At most `max` characters of `text` on one line, with `…` when cut.
pub fn shorten(text: &str, max: usize) -> String {
    let line = clean_line(text);
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A title from the tool, cleaned and shortened; `None` when empty.
pub fn title(text: &str) -> Option<String> {
    Some(shorten(text, MAX_TITLE_CHARS)).filter(|t| !t.is_empty())
}

/// The message content and `tool_calls` JSON of one tool call.
pub fn call(id: &str, name: &str, arguments: &Value) -> (String, String) {
    let (line, call) = call_parts(id, name, arguments);
    (line, Value::Array(vec![call]).to_string())
}

/// The summary line of one tool call and its entry for `tool_calls`:
/// `{"id", "name", "arguments": {"summary"}}`.
pub fn call_parts(id: &str, name: &str, arguments: &Value) -> (String, Value) {
    let name = shorten(name, 60);
    let detail = shorten(&call_detail(&name, arguments), MAX_SUMMARY_CHARS);
    let line = if detail.is_empty() {
        format!("→ {name}")
    } else {
        format!("→ {name}: {detail}")
    };
    let call = json!({ "id": shorten(id, 128), "name": name, "arguments": { "summary": detail } });
    (line, call)
}

/// The arguments of a string-argument call (Codex's `arguments`, a JSON text) as JSON.
pub fn parse_arguments(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// What a call did, in a few words: the command, the file, the query.
fn call_detail(name: &str, arguments: &Value) -> String {
    let field = |key: &str| arguments.get(key).and_then(Value::as_str);
    match name.to_ascii_lowercase().as_str() {
        "shell" | "container.exec" | "local_shell" | "exec" => match arguments.get("command") {
            Some(Value::Array(words)) => command_line(words),
            Some(Value::String(command)) => command.clone(),
            _ => compact(arguments),
        },
        "apply_patch" => match arguments {
            Value::String(patch) => patch_files(patch),
            _ => field("input")
                .or(field("patch"))
                .map(patch_files)
                .unwrap_or_else(|| compact(arguments)),
        },
        "update_plan" => match arguments.get("plan").and_then(Value::as_array) {
            Some(steps) => format!("{} step(s)", steps.len()),
            None => compact(arguments),
        },
        "todowrite" => match arguments.get("todos").and_then(Value::as_array) {
            Some(todos) => format!("{} todo(s)", todos.len()),
            None => compact(arguments),
        },
        "grep" => match (field("pattern"), field("path")) {
            (Some(pattern), Some(path)) => format!("{pattern} in {path}"),
            (Some(pattern), None) => pattern.to_string(),
            _ => compact(arguments),
        },
        _ => [
            "command",
            "file_path",
            "path",
            "notebook_path",
            "pattern",
            "query",
            "url",
            "description",
            "prompt",
        ]
        .iter()
        .find_map(|key| field(key))
        .map(str::to_string)
        .unwrap_or_else(|| compact(arguments)),
    }
}

/// A command given as words: `bash -lc "…"` shows the script, other words are joined.
fn command_line(words: &[Value]) -> String {
    let words: Vec<&str> = words.iter().filter_map(Value::as_str).collect();
    match words.as_slice() {
        [shell, flag, script]
            if matches!(*shell, "bash" | "sh" | "zsh" | "/bin/bash" | "/bin/sh")
                && matches!(*flag, "-c" | "-lc") =>
        {
            script.to_string()
        }
        _ => words
            .iter()
            .map(|w| {
                if w.contains(char::is_whitespace) {
                    format!("'{w}'")
                } else {
                    w.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The files a patch touches: `update src/a.rs, add b.rs`.
fn patch_files(patch: &str) -> String {
    let files: Vec<String> = patch
        .lines()
        .filter_map(|line| {
            let line = line.trim();
            [
                ("*** Add File: ", "add"),
                ("*** Update File: ", "update"),
                ("*** Delete File: ", "delete"),
            ]
            .iter()
            .find_map(|(prefix, verb)| {
                line.strip_prefix(prefix)
                    .map(|file| format!("{verb} {}", file.trim()))
            })
        })
        .collect();
    if files.is_empty() {
        "a patch".to_string()
    } else {
        files.join(", ")
    }
}

fn compact(arguments: &Value) -> String {
    match arguments {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Object(map) if map.is_empty() => String::new(),
        other => other.to_string(),
    }
}

/// The message content of a tool's output: `← exit 1 · 40 lines: error[E0308]: mismatched types`.
pub fn result(output: &str, is_error: bool) -> String {
    let (exit_code, text) = output_parts(output);
    let mut parts = Vec::new();
    if let Some(code) = exit_code {
        parts.push(format!("exit {code}"));
    } else if is_error {
        parts.push("error".to_string());
    }
    let lines = text.lines().count();
    if lines > 1 {
        parts.push(format!("{lines} lines"));
    }
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| shorten(l, MAX_SUMMARY_CHARS))
        .unwrap_or_default();
    match (parts.is_empty(), first.is_empty()) {
        (true, true) => "← (no output)".to_string(),
        (true, false) => format!("← {first}"),
        (false, true) => format!("← {}", parts.join(" · ")),
        (false, false) => format!("← {}: {first}", parts.join(" · ")),
    }
}

/// The exit code and the output text of a tool result: Codex wraps shell output either as JSON
/// (`{"output": …, "metadata": {"exit_code": …}}`) or as text (`Exit code: 0` … `Output:` …).
fn output_parts(output: &str) -> (Option<i64>, String) {
    if let Ok(Value::Object(object)) = serde_json::from_str::<Value>(output)
        && let Some(text) = object.get("output").and_then(Value::as_str)
    {
        let code = object
            .get("metadata")
            .and_then(|m| m.get("exit_code"))
            .and_then(Value::as_i64);
        return (code, text.to_string());
    }
    if let Some(rest) = output.strip_prefix("Exit code: ") {
        let code = rest
            .lines()
            .next()
            .and_then(|l| l.trim().parse::<i64>().ok());
        let text = output
            .split_once("\nOutput:\n")
            .map(|(_, text)| text.to_string())
            .unwrap_or_default();
        return (code, text);
    }
    (None, output.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_bidi_overrides_are_removed() {
        assert_eq!(
            clean("a\u{1b}[31mred\u{7}\r\nb\u{202E}c\td"),
            "a[31mred\nbc\td"
        );
        assert_eq!(clean_line(" x\ny\t "), "x y");
    }

    #[test]
    fn shell_calls_show_the_script_and_patches_their_files() {
        let (content, calls) = call(
            "call_1",
            "shell",
            &json!({"command": ["bash", "-lc", "cargo test -p core"]}),
        );
        assert_eq!(content, "→ shell: cargo test -p core");
        let calls: Value = serde_json::from_str(&calls).unwrap();
        assert_eq!(calls[0]["id"], "call_1");
        assert_eq!(calls[0]["arguments"]["summary"], "cargo test -p core");
        let patch = "*** Begin Patch\n*** Update File: src/a.rs\n@@\n-x\n+y\n*** Add File: b.rs\n+z\n*** End Patch";
        assert_eq!(
            call("c", "apply_patch", &Value::String(patch.into())).0,
            "→ apply_patch: update src/a.rs, add b.rs"
        );
        assert_eq!(
            call("c", "Read", &json!({"file_path": "/p/src/main.rs"})).0,
            "→ Read: /p/src/main.rs"
        );
    }

    #[test]
    fn results_keep_the_exit_code_line_count_and_first_line() {
        let json = r#"{"output":"running 3 tests\nok\nok\n","metadata":{"exit_code":0,"duration_seconds":0.5}}"#;
        assert_eq!(result(json, false), "← exit 0 · 3 lines: running 3 tests");
        let text = "Exit code: 101\nWall time: 2 seconds\nOutput:\nerror[E0308]: mismatched types\n  --> a.rs";
        assert_eq!(
            result(text, false),
            "← exit 101 · 2 lines: error[E0308]: mismatched types"
        );
        assert_eq!(result("", false), "← (no output)");
        assert_eq!(result("no such file", true), "← error: no such file");
    }

    #[test]
    fn long_text_is_shortened_with_an_ellipsis() {
        let long = "x".repeat(500);
        let short = shorten(&long, 10);
        assert_eq!(short.chars().count(), 10);
        assert!(short.ends_with('…'));
    }
}
