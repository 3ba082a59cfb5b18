//! Writing results to stdout: text and JSON, with errors (a closed pipe) passed up, never panicking.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

/// Writes `text` to stdout as is.
pub fn print(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Writes `value` to stdout as pretty JSON and a newline.
pub fn print_json(value: &impl Serialize) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    print(&text)
}

/// Writes a line to stderr (diagnostics, progress, hints); a closed stderr is ignored.
pub fn note(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}");
}
