//! The forgiving parser: finds the calls in a reply wherever and however the model wrote them,
//! and keeps the prose around them.

use std::ops::Range;

use serde_json::{Map, Value};

use super::ParsedReply;
use super::lenient_json::{floor_char_boundary, read_members, read_value};
use super::scan::{BlockKind, Scanner};
use super::shape::{Shape, interpret};
use crate::chat::{ToolCall, ToolSpec};

/// Keys that may open a call object written bare in the prose; other objects are not read.
const CALL_START_KEYS: &[&str] = &[
    "name",
    "tool",
    "tool_name",
    "tool_calls",
    "function",
    "type",
    "id",
    "call_id",
    "arguments",
    "parameters",
    "args",
    "input",
];

/// How many bare objects that fail to read are tried in one reply before the search gives up
/// (bounds the work on adversarial text).
const MAX_FAILED_BARE_READS: usize = 64;

/// How many problems are described; past that they are only counted.
const MAX_PROBLEMS: usize = 16;

/// How much of the text a problem quotes.
const SNIPPET_CHARS: usize = 60;

/// Finds the tool calls in a model's reply and the prose around them.
///
/// Calls may be written in ```` ```tool ````, ```` ```json ```` or plain fences, in
/// `<tool_call>` tags, or as bare JSON in the text; as one object, several, or an array; in the
/// shapes listed in the module documentation, with JSON slips repaired. A block that is clearly
/// meant as a call but cannot be used (unknown tool, unreadable JSON) becomes a problem instead.
/// Calls get ids `call_1`, `call_2`, … in the order they appear.
pub fn parse_tool_calls(text: &str, tools: &[ToolSpec]) -> ParsedReply {
    let mut parser = Parser {
        text,
        tools,
        scanner: Scanner::new(text),
        found: Vec::new(),
        removed: Vec::new(),
        problems: 0,
        failed_bare_reads: 0,
    };
    let mut prose_start = 0;
    for block in parser.scanner.blocks(0..text.len(), true) {
        parser.bare(prose_start..block.range.start);
        parser.block(block.kind, block.range.clone(), block.content);
        prose_start = block.range.end;
    }
    parser.bare(prose_start..text.len());

    let mut reply = ParsedReply {
        text: prose(text, &parser.removed),
        calls: Vec::new(),
        problems: Vec::new(),
    };
    for shape in parser.found {
        match shape {
            Shape::Call { name, arguments } => reply.calls.push(ToolCall {
                id: format!("call_{}", reply.calls.len() + 1),
                name,
                arguments,
            }),
            Shape::Problem(problem) => reply.problems.push(problem),
            Shape::NotACall => {}
        }
    }
    if parser.problems > MAX_PROBLEMS {
        reply.problems.push(format!(
            "{} more tool calls could not be used",
            parser.problems - MAX_PROBLEMS
        ));
    }
    reply
}

struct Parser<'a> {
    text: &'a str,
    tools: &'a [ToolSpec],
    scanner: Scanner<'a>,
    /// Calls and the first [`MAX_PROBLEMS`] problems, in the order they appear.
    found: Vec<Shape>,
    /// Byte ranges that held calls or problems, in order; they leave the prose.
    removed: Vec<Range<usize>>,
    /// Every problem met, described or not.
    problems: usize,
    failed_bare_reads: usize,
}

impl Parser<'_> {
    fn block(&mut self, kind: BlockKind, range: Range<usize>, content: Range<usize>) {
        let before = self.found_count();
        match kind {
            BlockKind::ToolFence | BlockKind::Tag => self.read_calls(content, true),
            BlockKind::JsonFence | BlockKind::CodeFence => {
                let tags = self.scanner.blocks(content.clone(), false);
                if !tags.is_empty() {
                    for tag in tags {
                        self.read_calls(tag.content, true);
                    }
                } else if kind == BlockKind::JsonFence {
                    self.read_calls(content, false);
                }
            }
        }
        if self.found_count() > before {
            self.removed.push(range);
        }
    }

    /// Calls and problems found so far, counting problems left undescribed.
    fn found_count(&self) -> usize {
        self.found.len() + self.problems.saturating_sub(MAX_PROBLEMS)
    }

    /// Records the calls and problems among `shapes`.
    fn push(&mut self, shapes: Vec<Shape>) {
        for shape in shapes {
            match shape {
                Shape::NotACall => {}
                Shape::Call { .. } => self.found.push(shape),
                Shape::Problem(problem) => self.problem(|| problem),
            }
        }
    }

    /// Records a problem; its description is only made while under [`MAX_PROBLEMS`].
    fn problem(&mut self, describe: impl FnOnce() -> String) {
        if self.problems < MAX_PROBLEMS {
            self.found.push(Shape::Problem(describe()));
        }
        self.problems += 1;
    }

    /// Reads the values in a block's content: JSON objects or arrays one after another, or a
    /// Python-style `name(key=value, …)`. With `explicit` every failure is a problem; else only
    /// failures that name a known tool are, and the rest is not a call.
    fn read_calls(&mut self, content: Range<usize>, explicit: bool) {
        let text = self.text;
        let limit = &text[..content.end];
        let body = &text[content.clone()];
        if explicit
            && let Some(shape) =
                xml_call(body, self.tools).or_else(|| self.python_call(content.clone()))
        {
            self.push(vec![shape]);
            return;
        }
        let mut read_any = false;
        let mut pos = content.start;
        while let Some(offset) = limit[pos..].find(['{', '[']) {
            let start = pos + offset;
            match read_value(limit, start) {
                Ok((value, end)) => {
                    self.push(interpret(value, self.tools, explicit));
                    read_any = true;
                    pos = end;
                }
                Err(error) => {
                    if explicit || self.looks_intended(body) {
                        self.problem(|| {
                            format!(
                                "cannot read the tool call `{}`: {}",
                                snippet(limit, start),
                                error.describe(text)
                            )
                        });
                    }
                    return;
                }
            }
        }
        if !read_any && explicit {
            let shown = snippet(body, body.len() - body.trim_start().len());
            self.problem(|| {
                if shown.is_empty() {
                    "an empty tool call block".into()
                } else {
                    format!("no JSON call in the tool call block `{shown}`")
                }
            });
        }
    }

    /// `read_file(path="src/lib.rs", start=1)` as a call, when the content starts that way.
    fn python_call(&self, content: Range<usize>) -> Option<Shape> {
        let body = &self.text[content.clone()];
        let trimmed = body.trim_start();
        let name_length = trimmed
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(trimmed.len());
        let after_name = &trimmed[name_length..];
        if name_length == 0 || !after_name.trim_start().starts_with('(') {
            return None;
        }
        let name = &trimmed[..name_length];
        let paren = content.end - after_name.trim_start().len();
        let limit = &self.text[..content.end];
        Some(match read_members(limit, paren + 1, b')') {
            Ok((arguments, _)) => {
                let mut call = Map::new();
                call.insert("name".into(), Value::String(name.into()));
                call.insert("arguments".into(), Value::Object(arguments));
                interpret(Value::Object(call), self.tools, true)
                    .into_iter()
                    .next()
                    .unwrap_or(Shape::NotACall)
            }
            Err(error) => Shape::Problem(format!(
                "cannot read the tool call `{}`: {}; write it as JSON",
                snippet(limit, content.end - trimmed.len()),
                error.describe(self.text)
            )),
        })
    }

    /// Looks for call objects written bare in the prose of `range`.
    fn bare(&mut self, range: Range<usize>) {
        let limit = &self.text[..range.end];
        let mut pos = range.start;
        while let Some(offset) = limit[pos..].find(['{', '[']) {
            let start = pos + offset;
            pos = start + 1;
            if !starts_like_a_call(&limit[start..]) {
                continue;
            }
            if self.failed_bare_reads >= MAX_FAILED_BARE_READS {
                return;
            }
            match read_value(limit, start) {
                Ok((value, end)) => {
                    let before = self.found_count();
                    self.push(interpret(value, self.tools, false));
                    if self.found_count() > before {
                        // A call in inline code takes its backticks along.
                        let quoted = limit[..start].ends_with('`') && limit[end..].starts_with('`');
                        let quote = usize::from(quoted);
                        self.removed.push(start - quote..end + quote);
                    }
                    pos = end;
                }
                Err(error) => {
                    self.failed_bare_reads += 1;
                    let window_end = floor_char_boundary(limit, (start + 400).min(limit.len()));
                    if self.looks_intended(&limit[start..window_end]) {
                        let text = self.text;
                        self.problem(|| {
                            format!(
                                "cannot read the tool call `{}`: {}",
                                snippet(limit, start),
                                error.describe(text)
                            )
                        });
                        pos = floor_char_boundary(limit, error.offset).max(start + 1);
                    }
                }
            }
        }
    }

    /// True when `text` quotes a known tool's name, so a failed read was meant as a call.
    fn looks_intended(&self, text: &str) -> bool {
        self.tools.iter().any(|tool| {
            text.contains(&format!("\"{}\"", tool.name))
                || text.contains(&format!("'{}'", tool.name))
        })
    }
}

/// Qwen3-Coder's XML call, when the content starts with one:
/// `<function=read_file><parameter=path>src/lib.rs</parameter></function>`. Values are text, one
/// newline trimmed from each end; the schema's types are restored by the usual repair.
fn xml_call(body: &str, tools: &[ToolSpec]) -> Option<Shape> {
    const FUNCTION: &str = "<function=";
    const PARAMETER: &str = "<parameter=";
    let after_function = body.trim_start().strip_prefix(FUNCTION)?;
    let name_end = after_function.find('>')?;
    let name = after_function[..name_end].trim();
    let mut rest = &after_function[name_end + 1..];
    let mut arguments = Map::new();
    while let Some(start) = rest.find(PARAMETER) {
        let after_parameter = &rest[start + PARAMETER.len()..];
        let Some(key_end) = after_parameter.find('>') else {
            break;
        };
        let key = after_parameter[..key_end].trim();
        let tail = &after_parameter[key_end + 1..];
        let value_end = ["</parameter>", PARAMETER, "</function>"]
            .iter()
            .filter_map(|marker| tail.find(marker))
            .min()
            .unwrap_or(tail.len());
        let value = &tail[..value_end];
        let value = value.strip_prefix('\n').unwrap_or(value);
        let value = value.strip_suffix('\n').unwrap_or(value);
        arguments.insert(key.to_string(), Value::String(value.to_string()));
        rest = &tail[value_end..];
    }
    let mut call = Map::new();
    call.insert("name".into(), Value::String(name.into()));
    call.insert("arguments".into(), Value::Object(arguments));
    interpret(Value::Object(call), tools, true)
        .into_iter()
        .next()
}

/// True when `text` opens an object (or an array of objects) whose first key is one a call
/// starts with.
fn starts_like_a_call(text: &str) -> bool {
    let mut rest = text;
    if let Some(inner) = rest.strip_prefix('[') {
        rest = inner.trim_start();
    }
    let Some(inner) = rest.strip_prefix('{') else {
        return false;
    };
    let key: String = inner
        .trim_start()
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    CALL_START_KEYS.contains(&key.as_str())
}

/// Up to [`SNIPPET_CHARS`] chars of `text` from `start`, on one line.
fn snippet(text: &str, start: usize) -> String {
    let from = floor_char_boundary(text, start.min(text.len()));
    let mut shown: String = text[from..]
        .chars()
        .take(SNIPPET_CHARS)
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    if text[from..].chars().nth(SNIPPET_CHARS).is_some() {
        shown.push('…');
    }
    shown.trim().to_string()
}

/// The text without the `removed` ranges. Where a block stood on its own lines, the prose on
/// either side is joined by one blank line; where it stood inside a line, by a space at most.
fn prose(text: &str, removed: &[Range<usize>]) -> String {
    if removed.is_empty() {
        return text.to_string();
    }
    let mut ranges = removed.to_vec();
    ranges.sort_by_key(|range| range.start);
    let mut out = String::new();
    let mut gap: Option<Gap> = None;
    let mut pos = 0;
    for range in ranges {
        if range.start < pos {
            continue;
        }
        let piece = &text[pos..range.start];
        let carried = if piece.trim().is_empty() && gap.is_some() {
            gap
        } else {
            append(&mut out, piece, gap);
            None
        };
        let here = if own_line(text, range.start) {
            Gap::Block
        } else {
            Gap::Inline
        };
        gap = Some(if carried == Some(Gap::Block) {
            Gap::Block
        } else {
            here
        });
        pos = range.end;
    }
    append(&mut out, &text[pos..], gap);
    out.trim().to_string()
}

/// What a removed block leaves between the prose on its two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gap {
    /// The block stood on its own lines: a blank line.
    Block,
    /// The block stood inside a line: a space at most.
    Inline,
}

/// True when only blanks precede `start` on its line.
fn own_line(text: &str, start: usize) -> bool {
    let line = text[..start].rsplit('\n').next().unwrap_or("");
    line.trim_start_matches([' ', '\t']).is_empty()
}

/// Appends `piece` to `out` across a gap where a block was removed.
fn append(out: &mut String, piece: &str, gap: Option<Gap>) {
    match gap {
        None => out.push_str(piece),
        Some(Gap::Block) => {
            out.truncate(out.trim_end().len());
            let piece = piece.trim_start();
            if !out.is_empty() && !piece.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(piece);
        }
        Some(Gap::Inline) => {
            out.truncate(out.trim_end_matches([' ', '\t']).len());
            let piece = piece.trim_start_matches([' ', '\t']);
            if !out.is_empty() && piece.starts_with(|c: char| c.is_alphanumeric()) {
                out.push(' ');
            }
            out.push_str(piece);
        }
    }
}
