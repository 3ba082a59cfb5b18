//! A forgiving JSON reader for what models write: single quotes, unquoted keys and words,
//! trailing or missing commas, Python literals, comments, raw newlines in strings, and closing
//! brackets missing at the end of the text.
//!
//! Written here rather than taken from a crate: `json5` covers quotes, keys and commas but not
//! Python's `True`/`None`, bare words, triple-quoted strings or missing closers, builds a pest
//! grammar (two proc-macro crates) and reports no end offset, which the scanner needs to find
//! where a call embedded in prose stops. Recursion is bounded by [`MAX_DEPTH`].

use serde_json::{Map, Number, Value};

/// How deep objects and arrays may nest before the reader gives up, guarding the stack.
pub(crate) const MAX_DEPTH: usize = 64;

/// Why a text could not be read as a value, and where (a byte offset into the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub message: String,
    pub offset: usize,
}

impl JsonError {
    /// The message with a 1-based line and column, as the model sees its reply.
    pub(crate) fn describe(&self, text: &str) -> String {
        let offset = floor_char_boundary(text, self.offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rfind('\n')
            .map_or(before, |newline| &before[newline + 1..])
            .chars()
            .count()
            + 1;
        format!("{} at line {line} column {column}", self.message)
    }
}

/// Reads one value starting at byte `start` (whitespace and comments first are skipped) and
/// returns it with the offset just after it.
pub(crate) fn read_value(text: &str, start: usize) -> Result<(Value, usize), JsonError> {
    let mut reader = Reader { text, pos: start };
    reader.skip_blank();
    let value = reader.value(0)?;
    Ok((value, reader.pos))
}

/// Reads the whole of `text` as one value; only blanks may follow it.
pub(crate) fn read_all(text: &str) -> Result<Value, JsonError> {
    let (value, end) = read_value(text, 0)?;
    let mut reader = Reader { text, pos: end };
    reader.skip_blank();
    if reader.pos < text.len() {
        return Err(reader.error("unexpected text after the value"));
    }
    Ok(value)
}

/// Reads `key=value, ...` or `key: value, ...` members up to the byte `close` (`)` for a
/// Python-style call), starting just after the opener. Returns the object and the offset just
/// after the closer.
pub(crate) fn read_members(
    text: &str,
    start: usize,
    close: u8,
) -> Result<(Map<String, Value>, usize), JsonError> {
    let mut reader = Reader { text, pos: start };
    let members = reader.members(close, 1)?;
    Ok((members, reader.pos))
}

/// The largest char boundary at or before `index`.
pub(crate) fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn rest(&self) -> &'a str {
        let text: &'a str = self.text;
        text.get(self.pos..).unwrap_or("")
    }

    fn error(&self, message: impl Into<String>) -> JsonError {
        JsonError {
            message: message.into(),
            offset: self.pos,
        }
    }

    /// Skips whitespace and `//`, `/* */` and `#` comments.
    fn skip_blank(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.pos += rest.len() - trimmed.len();
            if trimmed.starts_with("//") || trimmed.starts_with('#') {
                self.pos += trimmed.find('\n').unwrap_or(trimmed.len());
            } else if let Some(comment) = trimmed.strip_prefix("/*") {
                self.pos += comment.find("*/").map_or(trimmed.len(), |end| end + 4);
            } else {
                return;
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        match self.peek() {
            None => Err(self.error("the text ends where a value should start")),
            Some(b'{') => {
                self.enter(depth)?;
                self.pos += 1;
                self.members(b'}', depth + 1).map(Value::Object)
            }
            Some(b'[') => {
                self.enter(depth)?;
                self.pos += 1;
                self.elements(depth + 1).map(Value::Array)
            }
            Some(quote @ (b'"' | b'\'')) => self.string(quote).map(Value::String),
            Some(b'}' | b']' | b',' | b':' | b')') => Err(self.error(format!(
                "expected a value, found `{}`",
                char::from(self.peek().unwrap_or(b' '))
            ))),
            Some(_) => self.word(),
        }
    }

    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth >= MAX_DEPTH {
            Err(self.error(format!("nested deeper than {MAX_DEPTH} levels")))
        } else {
            Ok(())
        }
    }

    /// Object members after the opener, through `close`. A missing closer at the end of the
    /// text is forgiven, and so are missing and trailing commas.
    fn members(&mut self, close: u8, depth: usize) -> Result<Map<String, Value>, JsonError> {
        let mut members = Map::new();
        loop {
            self.skip_blank();
            match self.peek() {
                None => return Ok(members),
                Some(byte) if byte == close => {
                    self.pos += 1;
                    return Ok(members);
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {}
            }
            let key = self.key()?;
            self.skip_blank();
            match self.peek() {
                Some(b':' | b'=') => self.pos += 1,
                _ => return Err(self.error(format!("expected `:` after the key `{key}`"))),
            }
            self.skip_blank();
            let value = self.value(depth)?;
            members.insert(key, value);
            self.skip_blank();
            match self.peek() {
                None | Some(b',') => {}
                Some(byte) if byte == close => {}
                Some(b'"' | b'\'') => {}
                Some(byte) if is_key_byte(byte) => {}
                Some(_) => {
                    return Err(self.error(format!(
                        "expected `,` or `{}` after a member",
                        char::from(close)
                    )));
                }
            }
        }
    }

    fn elements(&mut self, depth: usize) -> Result<Vec<Value>, JsonError> {
        let mut elements = Vec::new();
        loop {
            self.skip_blank();
            match self.peek() {
                None => return Ok(elements),
                Some(b']') => {
                    self.pos += 1;
                    return Ok(elements);
                }
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {}
            }
            elements.push(self.value(depth)?);
        }
    }

    fn key(&mut self) -> Result<String, JsonError> {
        match self.peek() {
            Some(quote @ (b'"' | b'\'')) => self.string(quote),
            _ => {
                let length = self
                    .rest()
                    .bytes()
                    .take_while(|&byte| is_key_byte(byte))
                    .count();
                if length == 0 {
                    return Err(self.error("expected a key"));
                }
                let key = self.rest()[..length].to_string();
                self.pos += length;
                Ok(key)
            }
        }
    }

    /// A quoted string: `"…"`, `'…'`, or Python's `"""…"""` / `'''…'''` (taken raw). Raw
    /// newlines are kept; an unknown escape keeps its backslash (`C:\dir`, `\d`).
    fn string(&mut self, quote: u8) -> Result<String, JsonError> {
        let start = self.pos;
        let triple = [quote; 3];
        if self.rest().as_bytes().starts_with(&triple) {
            let body = &self.rest()[3..];
            let delimiter = if quote == b'"' { "\"\"\"" } else { "'''" };
            return match body.find(delimiter) {
                Some(end) => {
                    let content = body[..end].to_string();
                    self.pos += 3 + end + 3;
                    Ok(content)
                }
                None => Err(JsonError {
                    message: "unterminated string (the call may be cut off)".into(),
                    offset: start,
                }),
            };
        }
        self.pos += 1;
        let mut content = String::new();
        let mut chars = self.rest().char_indices();
        let quote = char::from(quote);
        while let Some((index, character)) = chars.next() {
            if character == quote {
                self.pos += index + 1;
                return Ok(content);
            }
            if character != '\\' {
                content.push(character);
                continue;
            }
            let Some((_, escaped)) = chars.next() else {
                break;
            };
            match escaped {
                'n' => content.push('\n'),
                't' => content.push('\t'),
                'r' => content.push('\r'),
                'b' => content.push('\u{8}'),
                'f' => content.push('\u{c}'),
                '0' => content.push('\0'),
                '"' | '\'' | '\\' | '/' | '`' => content.push(escaped),
                '\n' => {}
                'u' => {
                    let after = &self.rest()[index + 2..];
                    match unicode_escape(after) {
                        Some((character, used)) => {
                            content.push(character);
                            for _ in 0..used {
                                chars.next();
                            }
                        }
                        None => content.push_str("\\u"),
                    }
                }
                other => {
                    content.push('\\');
                    content.push(other);
                }
            }
        }
        Err(JsonError {
            message: "unterminated string (the call may be cut off)".into(),
            offset: start,
        })
    }

    /// A number, a literal (`true`, `True`, `null`, `None`, …) or a bare word taken as a string.
    /// A word runs to the next `,`, closer, or line end.
    fn word(&mut self) -> Result<Value, JsonError> {
        let length = self
            .rest()
            .find([',', '}', ']', ')', '\n', '{', '['])
            .unwrap_or(self.rest().len());
        let word = self.rest()[..length].trim_end();
        if word.is_empty() {
            return Err(self.error("expected a value"));
        }
        self.pos += word.len();
        Ok(match word {
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            "null" | "None" | "nil" | "undefined" | "NULL" => Value::Null,
            _ => number(word).unwrap_or_else(|| Value::String(word.to_string())),
        })
    }
}

/// The bytes an unquoted key may hold.
fn is_key_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'$' | b'.') || byte >= 0x80
}

/// A finite number in JSON's spelling, also with a leading `+`; integers stay integers.
pub(crate) fn number(word: &str) -> Option<Value> {
    let unsigned = word.strip_prefix(['-', '+']).unwrap_or(word);
    let first = unsigned.bytes().next()?;
    if !(first.is_ascii_digit() || first == b'.')
        || !unsigned
            .bytes()
            .all(|byte| byte.is_ascii_digit() || matches!(byte, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        return None;
    }
    let word = word.strip_prefix('+').unwrap_or(word);
    if let Ok(integer) = word.parse::<i64>() {
        return Some(Value::Number(integer.into()));
    }
    if let Ok(integer) = word.parse::<u64>() {
        return Some(Value::Number(integer.into()));
    }
    let float = word.parse::<f64>().ok()?;
    Number::from_f64(float).map(Value::Number)
}

/// Decodes the hex digits after `\u` (and a low surrogate's `\uXXXX` after a high one).
/// Returns the character and how many chars of `after` it used.
fn unicode_escape(after: &str) -> Option<(char, usize)> {
    let high = hex4(after.get(..4)?)?;
    if !(0xD800..0xDC00).contains(&high) {
        return Some((char::from_u32(high).unwrap_or('\u{FFFD}'), 4));
    }
    let low = after
        .get(4..6)
        .filter(|marker| *marker == "\\u")
        .and_then(|_| after.get(6..10))
        .and_then(hex4)
        .filter(|low| (0xDC00..0xE000).contains(low));
    match low {
        Some(low) => {
            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            Some((char::from_u32(code).unwrap_or('\u{FFFD}'), 10))
        }
        None => Some(('\u{FFFD}', 4)),
    }
}

/// Four hex digits (and nothing else, not even a sign).
fn hex4(digits: &str) -> Option<u32> {
    if digits.len() == 4 && digits.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        u32::from_str_radix(digits, 16).ok()
    } else {
        None
    }
}
