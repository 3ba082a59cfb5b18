//! Finds where calls may sit in a reply: fenced code blocks and `<tool_call>`-style tags; the
//! prose between them is left for the search for bare JSON.

use std::ops::Range;

use super::lenient_json::read_value;

/// Fence info strings that say "this block is a tool call".
const TOOL_FENCE_INFOS: &[&str] = &[
    "tool",
    "tools",
    "tool_call",
    "tool-call",
    "toolcall",
    "tool_code",
    "tool_use",
    "function",
    "function_call",
    "call",
];

/// Fence info strings whose content may be a call if it has the shape of one.
const JSON_FENCE_INFOS: &[&str] = &["", "json", "json5", "jsonc", "jsonl"];

/// Tags whose content is a call, Qwen/Hermes style: `<tool_call>{…}</tool_call>`.
const TAG_NAMES: &[&str] = &["tool_call", "function_call", "tool_use"];

/// What kind of place a block is, which decides how sure the parser is that it holds calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    /// A fence whose info string names a call (```` ```tool ````): its content must be calls.
    ToolFence,
    /// A ```` ```json ```` fence or one with no info string: calls if the content has their shape.
    JsonFence,
    /// A fence in another language: code, never calls itself, though it may hold call tags.
    CodeFence,
    /// `<tool_call>…</tool_call>` and its kin: the content must be calls.
    Tag,
}

/// A fence or a tag found in the reply; offsets are bytes into the whole reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub kind: BlockKind,
    /// The whole block with its markers: what leaves the prose when the block holds calls.
    pub range: Range<usize>,
    /// The content between the markers.
    pub content: Range<usize>,
}

/// Finds blocks in one reply. Searches remember their last answer, so a scan over many blocks
/// stays linear in the length of the reply.
pub(crate) struct Scanner<'a> {
    text: &'a str,
    /// The text in ASCII lowercase: the same byte offsets, for case-blind tag search.
    lower: String,
    fence: Cached<Option<FenceOpener>>,
    openers: Vec<Search>,
    closers: Vec<Search>,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            lower: text.to_ascii_lowercase(),
            fence: Cached::default(),
            openers: TAG_NAMES
                .iter()
                .map(|name| Search::new(format!("<{name}>")))
                .collect(),
            closers: TAG_NAMES
                .iter()
                .map(|name| Search::new(format!("</{name}>")))
                .collect(),
        }
    }

    /// The fences and tags within `range`, in order and not overlapping. With `fences` false
    /// only tags are looked for (inside a code fence).
    pub(crate) fn blocks(&mut self, range: Range<usize>, fences: bool) -> Vec<Block> {
        let mut blocks = Vec::new();
        let mut pos = range.start;
        while pos < range.end {
            let fence = if fences {
                self.next_fence_opener(pos)
                    .filter(|fence| fence.start < range.end)
            } else {
                None
            };
            let tag = self.next_tag_opener(pos, range.end);
            let block = match (fence, tag) {
                (Some(fence), Some(tag)) if tag.0 < fence.start => self.close_tag(tag, range.end),
                (Some(fence), _) => close_fence(self.text, &fence, range.end),
                (None, Some(tag)) => self.close_tag(tag, range.end),
                (None, None) => break,
            };
            pos = block.range.end.max(block.range.start + 1);
            blocks.push(block);
        }
        blocks
    }

    fn next_fence_opener(&mut self, from: usize) -> Option<FenceOpener> {
        if let Some(answer) = self
            .fence
            .get(from, |opener| opener.as_ref().map(|o| o.start))
        {
            return answer;
        }
        let answer = next_fence_opener(self.text, from, self.text.len());
        self.fence.set(from, answer.clone());
        answer
    }

    fn next_tag_opener(&mut self, from: usize, end: usize) -> Option<(usize, usize)> {
        let lower = &self.lower;
        self.openers
            .iter_mut()
            .enumerate()
            .filter_map(|(index, search)| {
                search
                    .find(lower, from)
                    .filter(|start| start + search.needle.len() <= end)
                    .map(|start| (start, index))
            })
            .min_by_key(|(start, _)| *start)
    }

    /// Finds the end of a tag: its closer after the JSON, else the next opener of the same tag
    /// (models that chain calls without closing them), else the end.
    fn close_tag(&mut self, (start, index): (usize, usize), end: usize) -> Block {
        let content_start = start + self.openers[index].needle.len();
        let from = skip_values(&self.text[..end], content_start);
        let lower = &self.lower;
        let closer = &mut self.closers[index];
        let closer_length = closer.needle.len();
        let closed = closer
            .find(lower, from)
            .filter(|offset| offset + closer_length <= end);
        let (content_end, block_end) = match closed {
            Some(offset) => (offset, offset + closer_length),
            None => match self.openers[index]
                .find(lower, content_start)
                .filter(|offset| *offset < end)
            {
                Some(offset) => (offset, offset),
                None => (end, end),
            },
        };
        Block {
            kind: BlockKind::Tag,
            range: start..block_end,
            content: content_start..content_end,
        }
    }
}

/// A remembered answer to "what is the first match at or after `from`": still right for any
/// later `from` up to the match (or for any later `from` at all when there was none).
struct Cached<T> {
    answer: Option<(usize, T)>,
}

impl<T> Default for Cached<T> {
    fn default() -> Self {
        Self { answer: None }
    }
}

impl<T: Clone> Cached<T> {
    fn get(&self, from: usize, position: impl Fn(&T) -> Option<usize>) -> Option<T> {
        let (asked_from, answer) = self.answer.as_ref()?;
        let still_right = *asked_from <= from && position(answer).is_none_or(|found| found >= from);
        still_right.then(|| answer.clone())
    }

    fn set(&mut self, from: usize, answer: T) {
        self.answer = Some((from, answer));
    }
}

/// A substring search with a [`Cached`] answer.
struct Search {
    needle: String,
    cached: Cached<Option<usize>>,
}

impl Search {
    fn new(needle: String) -> Self {
        Self {
            needle,
            cached: Cached::default(),
        }
    }

    fn find(&mut self, haystack: &str, from: usize) -> Option<usize> {
        if let Some(answer) = self.cached.get(from, |found| *found) {
            return answer;
        }
        let answer = haystack
            .get(from..)
            .and_then(|rest| rest.find(&self.needle))
            .map(|offset| from + offset);
        self.cached.set(from, answer);
        answer
    }
}

/// The start of a fence: where its line starts, its marker, and what follows on the line.
#[derive(Debug, Clone)]
struct FenceOpener {
    start: usize,
    marker: char,
    count: usize,
    kind: BlockKind,
    /// Where the content starts: after the info word when text follows it on the opener line,
    /// else on the next line.
    content_start: usize,
}

fn next_fence_opener(text: &str, from: usize, end: usize) -> Option<FenceOpener> {
    let mut line_start = if from == 0 || text.as_bytes().get(from - 1) == Some(&b'\n') {
        from
    } else {
        text[from..end].find('\n')? + from + 1
    };
    while line_start < end {
        let line_end = text[line_start..end]
            .find('\n')
            .map_or(end, |newline| line_start + newline);
        let line = &text[line_start..line_end];
        let indented = line.trim_start_matches([' ', '\t']);
        let marker = indented.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(marker) = marker {
            let count = indented.chars().take_while(|c| *c == marker).count();
            if count >= 3 {
                let info_and_rest = indented[count..].trim_start();
                let info_length = info_and_rest
                    .find(|c: char| c.is_whitespace() || c == '{' || c == '[' || c == marker)
                    .unwrap_or(info_and_rest.len());
                let info = info_and_rest[..info_length].to_ascii_lowercase();
                let rest = &info_and_rest[info_length..];
                let kind = if TOOL_FENCE_INFOS.contains(&info.as_str()) {
                    BlockKind::ToolFence
                } else if JSON_FENCE_INFOS.contains(&info.as_str()) {
                    BlockKind::JsonFence
                } else {
                    BlockKind::CodeFence
                };
                let rest_start = line_end - rest.len();
                let content_start = if rest.trim().is_empty() {
                    (line_end + 1).min(end)
                } else {
                    rest_start + (rest.len() - rest.trim_start().len())
                };
                return Some(FenceOpener {
                    start: line_start,
                    marker,
                    count,
                    kind,
                    content_start,
                });
            }
        }
        line_start = line_end + 1;
    }
    None
}

/// Finds the closer of a fence. For fences that may hold calls the JSON is read first, so a
/// string holding a fence line does not end the block early. A proper closing line wins; else a
/// line ending in the marker (`}```` `) closes; else the block runs to the end.
fn close_fence(text: &str, opener: &FenceOpener, end: usize) -> Block {
    let from = if opener.kind == BlockKind::CodeFence {
        opener.content_start
    } else {
        skip_values(&text[..end], opener.content_start)
    };
    let closer = closing_line(text, from, end, opener, true)
        .or_else(|| closing_line(text, from, end, opener, false));
    let (content_end, block_end) = closer.unwrap_or((end, end));
    Block {
        kind: opener.kind,
        range: opener.start..block_end,
        content: opener.content_start..content_end.max(opener.content_start),
    }
}

/// The first line at or after `from` that closes the fence: `(content end, block end)`. With
/// `whole_line` the line must be only the marker; else it may end with it.
fn closing_line(
    text: &str,
    from: usize,
    end: usize,
    opener: &FenceOpener,
    whole_line: bool,
) -> Option<(usize, usize)> {
    let mut segment_start = from;
    while segment_start < end {
        let line_end = text[segment_start..end]
            .find('\n')
            .map_or(end, |newline| segment_start + newline);
        let segment = text[segment_start..line_end].trim_end();
        let run = segment.len() - segment.trim_end_matches(opener.marker).len();
        if run >= opener.count {
            let run_start = segment_start + segment.len() - run;
            let before = &text[segment_start..run_start];
            if !whole_line || before.trim().is_empty() {
                let content_end = if before.trim().is_empty() {
                    segment_start
                } else {
                    run_start
                };
                return Some((content_end, line_end));
            }
        }
        segment_start = line_end + 1;
    }
    None
}

/// The offset after the JSON values (objects or arrays, separated by blanks or commas) that start
/// at `from`; `from` itself when none reads.
fn skip_values(text: &str, from: usize) -> usize {
    let mut end = from;
    loop {
        let rest = &text[end..];
        let skipped = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_whitespace() || c == ',' || c == ';')
                .len();
        let start = end + skipped;
        match text.as_bytes().get(start) {
            Some(b'{' | b'[') => match read_value(text, start) {
                Ok((_, after)) => end = after,
                Err(_) => return end,
            },
            _ => return end,
        }
    }
}
