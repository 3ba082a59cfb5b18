//! Reading an import file line by line without trusting it: lines are capped in length and
//! checked for UTF-8, and each comes with its 1-based number.

use std::io::BufRead;

/// The longest line read (a Codex or Claude record with a pasted image can be several MB).
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// One line of input.
pub enum Line {
    /// The text, without its line ending.
    Text(String),
    /// A line that cannot be read as text; the message says why.
    Bad(String),
}

/// Calls `each(number, line)` for every line of `input`; a final line without a newline counts.
pub fn for_each_line(
    mut input: impl BufRead,
    mut each: impl FnMut(usize, Line),
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let mut number = 0;
    loop {
        buffer.clear();
        let (read, too_long) = read_capped_line(&mut input, &mut buffer)?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        if too_long {
            each(
                number,
                Line::Bad(format!("line longer than {} MiB", MAX_LINE_BYTES >> 20)),
            );
            continue;
        }
        if buffer.last() == Some(&b'\n') {
            buffer.pop();
        }
        if buffer.last() == Some(&b'\r') {
            buffer.pop();
        }
        match String::from_utf8(std::mem::take(&mut buffer)) {
            Ok(text) => each(number, Line::Text(text)),
            Err(_) => each(number, Line::Bad("not valid UTF-8".into())),
        }
    }
}

/// Reads up to and including the next `\n`, keeping at most [`MAX_LINE_BYTES`] of it; returns the
/// bytes consumed and whether the line was cut.
fn read_capped_line(input: &mut impl BufRead, out: &mut Vec<u8>) -> std::io::Result<(usize, bool)> {
    let mut consumed = 0;
    let mut too_long = false;
    loop {
        let available = match input.fill_buf() {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((consumed, too_long));
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (&available[..=end], true),
            None => (available, false),
        };
        let length = chunk.len();
        if !too_long {
            if out.len() + length > MAX_LINE_BYTES {
                too_long = true;
                out.clear();
            } else {
                out.extend_from_slice(chunk);
            }
        }
        input.consume(length);
        consumed += length;
        if done {
            return Ok((consumed, too_long));
        }
    }
}
