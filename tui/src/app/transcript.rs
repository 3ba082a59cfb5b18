//! The chat transcript: its entries and the virtualized layout behind scrolling. Each entry's
//! wrapped lines are cached for the current width (dropped on resize or when the entry changes);
//! the total height is the sum of the cached heights, and only the visible window is drawn.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::diff::{is_unified_diff, render_diff};
use super::markdown::render_markdown;
use super::wrap::{hard_wrap, sanitize, str_width, truncate, wrap_spans};

/// Lines of tool output shown when a block is expanded; the rest is counted.
const EXPANDED_OUTPUT_LINES: usize = 200;

/// One thing in the conversation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entry {
    User(String),
    Assistant {
        text: String,
        streaming: bool,
    },
    Tool(ToolBlock),
    Error {
        message: String,
        hint: Option<String>,
    },
    Notice(String),
    Diff(String),
}

/// A tool call: one line collapsed, its output below when expanded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ToolBlock {
    pub id: String,
    pub name: String,
    pub arguments: serde_json::Value,
    /// `(ok, output, changed paths)` once the call finished.
    pub result: Option<(bool, String, Vec<String>)>,
    pub expanded: bool,
}

/// The entries, their cached layout and the scroll position.
#[derive(Debug, Default)]
pub(crate) struct Transcript {
    entries: Vec<Entry>,
    /// `layout[i]` holds entry `i`'s lines at `width`, or `None` until laid out.
    layout: Vec<Option<Vec<Line<'static>>>>,
    /// `heights[i]`: entry `i`'s height, exact once laid out, estimated before.
    heights: Vec<usize>,
    width: usize,
    /// The sum of `heights`.
    total: usize,
    /// First visible line when not following the bottom.
    top: usize,
    /// True while new output scrolls into view.
    pub follow: bool,
    /// The tool block Tab toggles (an entry index).
    pub selected_tool: Option<usize>,
}

impl Transcript {
    pub fn new() -> Self {
        Self {
            follow: true,
            ..Self::default()
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn push(&mut self, entry: Entry) {
        let height = estimate(&entry, self.width, self.entries.is_empty());
        self.entries.push(entry);
        self.layout.push(None);
        self.heights.push(height);
        self.total = self.total.saturating_add(height);
    }

    pub fn clear(&mut self) {
        *self = Self::new();
    }

    /// Changes entry `index` and drops its cached lines.
    pub fn update(&mut self, index: usize, change: impl FnOnce(&mut Entry)) {
        if let Some(entry) = self.entries.get_mut(index) {
            change(entry);
            self.invalidate(index);
        }
    }

    /// Index of the last entry, if any.
    pub fn last_index(&self) -> Option<usize> {
        self.entries.len().checked_sub(1)
    }

    fn invalidate(&mut self, index: usize) {
        if let Some(slot) = self.layout.get_mut(index) {
            *slot = None;
            let height = estimate(&self.entries[index], self.width, index == 0);
            self.set_height(index, height);
        }
    }

    fn set_height(&mut self, index: usize, height: usize) {
        if let Some(old) = self.heights.get_mut(index) {
            self.total = self.total.saturating_sub(*old).saturating_add(height);
            *old = height;
        }
    }

    /// Selects the tool block at entry `index` (redrawing the old and the new one).
    pub fn select_tool(&mut self, index: Option<usize>) {
        if let Some(old) = self.selected_tool.take() {
            self.invalidate(old);
        }
        self.selected_tool = index;
        if let Some(new) = index {
            self.invalidate(new);
        }
    }

    /// Index of the tool block with this call id.
    pub fn find_tool(&self, id: &str) -> Option<usize> {
        self.entries
            .iter()
            .rposition(|e| matches!(e, Entry::Tool(t) if t.id == id))
    }

    /// Entry indices of every tool block.
    pub fn tool_indices(&self) -> Vec<usize> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, Entry::Tool(_)))
            .map(|(i, _)| i)
            .collect()
    }

    /// Lays out what a viewport `rows` tall at `width` shows (with a screen of margin on each
    /// side); every other entry keeps an estimated height until it comes near the window. A
    /// width change drops every cached layout.
    pub fn layout(&mut self, width: usize, rows: usize) {
        if width != self.width {
            self.width = width;
            self.layout.iter_mut().for_each(|slot| *slot = None);
            self.total = 0;
            for index in 0..self.entries.len() {
                let height = estimate(&self.entries[index], width, index == 0);
                self.heights[index] = height;
                self.total = self.total.saturating_add(height);
            }
        }
        // Laying out changes heights, which moves a window that follows the bottom: settle.
        for _ in 0..4 {
            let top = self.top(rows);
            let from = top.saturating_sub(rows);
            let to = top.saturating_add(rows.saturating_mul(2));
            let mut changed = false;
            let mut line = 0usize;
            for index in 0..self.entries.len() {
                let end = line.saturating_add(self.heights[index]);
                if end >= from && line <= to && self.layout[index].is_none() {
                    let selected = self.selected_tool == Some(index);
                    let lines = render_entry(&self.entries[index], width, index == 0, selected);
                    changed |= lines.len() != self.heights[index];
                    self.set_height(index, lines.len());
                    self.layout[index] = Some(lines);
                }
                line = line.saturating_add(self.heights[index]);
                if line > to {
                    break;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Total height in lines at the last layout width.
    pub fn height(&self) -> usize {
        self.total
    }

    /// Lines held in the layout cache.
    pub fn cached_lines(&self) -> usize {
        self.layout.iter().flatten().map(Vec::len).sum()
    }

    /// The first visible line for a viewport `rows` tall.
    pub fn top(&self, rows: usize) -> usize {
        let max_top = self.total.saturating_sub(rows);
        if self.follow {
            max_top
        } else {
            self.top.min(max_top)
        }
    }

    /// Scrolls by `delta` lines (negative is up); reaching the bottom follows again.
    pub fn scroll(&mut self, delta: isize, rows: usize) {
        let max_top = self.total.saturating_sub(rows);
        let top = self.top(rows);
        let next = top.saturating_add_signed(delta).min(max_top);
        self.top = next;
        self.follow = next >= max_top;
    }

    /// Follows the bottom again.
    pub fn follow_bottom(&mut self) {
        self.follow = true;
    }

    /// The laid-out lines of the window `[top, top + rows)`.
    pub fn window(&self, top: usize, rows: usize) -> Vec<&Line<'static>> {
        let mut out = Vec::with_capacity(rows);
        let mut line = 0usize;
        for (lines, height) in self.layout.iter().zip(&self.heights) {
            let Some(lines) = lines else {
                // Not laid out (outside the prepared window): its estimated rows are skipped.
                line = line.saturating_add(*height);
                if line > top {
                    // Should not happen after `layout`; show blank rows rather than shift text.
                    while out.len() < rows && out.len() < line - top {
                        out.push(&BLANK);
                    }
                }
                continue;
            };
            let end = line.saturating_add(lines.len());
            if end > top {
                let skip = top.saturating_sub(line);
                for l in lines.iter().skip(skip) {
                    if out.len() >= rows {
                        return out;
                    }
                    out.push(l);
                }
            }
            line = end;
            if out.len() >= rows {
                break;
            }
        }
        out
    }
}

/// An empty line for rows of entries not laid out.
static BLANK: Line<'static> = Line {
    style: ratatui::style::Style::new(),
    alignment: None,
    spans: Vec::new(),
};

/// A cheap guess at an entry's height at `width` (exact for most short entries): its text's
/// lines wrapped by display width, plus the blank line before it.
fn estimate(entry: &Entry, width: usize, first: bool) -> usize {
    let width = width.max(1);
    let lines = |text: &str| -> usize {
        text.lines()
            .map(|line| str_width(line).div_ceil(width).max(1))
            .sum::<usize>()
            .max(1)
    };
    let body = match entry {
        Entry::Assistant { text, .. } if text.trim().is_empty() => return 0,
        Entry::User(text) | Entry::Notice(text) | Entry::Diff(text) => lines(text),
        Entry::Assistant { text, .. } => lines(text),
        Entry::Error { message, hint } => lines(message) + hint.as_deref().map_or(0, lines),
        Entry::Tool(tool) => match (&tool.result, tool.expanded) {
            (Some((_, output, _)), true) => 1 + lines(output).min(EXPANDED_OUTPUT_LINES + 1),
            _ => 1,
        },
    };
    body + usize::from(!first)
}

/// One entry as lines at `width`: a blank line before it unless it is the first.
fn render_entry(entry: &Entry, width: usize, first: bool, selected: bool) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    // A reply that only called tools has no text: it takes no room.
    if matches!(entry, Entry::Assistant { text, .. } if text.trim().is_empty()) {
        return lines;
    }
    if !first {
        lines.push(Line::default());
    }
    match entry {
        Entry::User(text) => {
            let prompt = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
            let spans = [Span::styled(sanitize(text), Style::new().fg(Color::White))];
            lines.extend(wrap_spans(
                &spans,
                width,
                &[Span::styled("› ", prompt)],
                &[Span::raw("  ")],
            ));
        }
        Entry::Assistant { text, .. } => lines.extend(render_markdown(text, width)),
        Entry::Tool(tool) => lines.extend(render_tool(tool, width, selected)),
        Entry::Error { message, hint } => {
            let red = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
            let spans = [Span::styled(sanitize(message), Style::new().fg(Color::Red))];
            lines.extend(wrap_spans(
                &spans,
                width,
                &[Span::styled("✗ error: ", red)],
                &[Span::raw("  ")],
            ));
            if let Some(hint) = hint {
                let spans = [Span::styled(sanitize(hint), Style::new().fg(Color::Yellow))];
                lines.extend(wrap_spans(
                    &spans,
                    width,
                    &[Span::styled("  hint: ", Style::new().fg(Color::Yellow))],
                    &[Span::raw("  ")],
                ));
            }
        }
        Entry::Notice(text) => {
            let style = Style::new()
                .fg(Color::DarkGray)
                .add_modifier(Modifier::ITALIC);
            lines.extend(wrap_spans(
                &[Span::styled(sanitize(text), style)],
                width,
                &[],
                &[],
            ));
        }
        Entry::Diff(text) => {
            if text.trim().is_empty() {
                lines.push(Line::styled(
                    "(no changes)",
                    Style::new().fg(Color::DarkGray),
                ));
            } else {
                lines.extend(render_diff(text, width, &[]));
            }
        }
    }
    lines
}

/// The argument worth showing on the collapsed line: a path, a command or a pattern.
fn argument_summary(arguments: &serde_json::Value) -> String {
    for key in ["path", "command", "pattern", "query", "url"] {
        if let Some(value) = arguments.get(key).and_then(|v| v.as_str()) {
            return value.to_string();
        }
    }
    match arguments {
        serde_json::Value::Null => String::new(),
        serde_json::Value::Object(map) if map.is_empty() => String::new(),
        other => other.to_string(),
    }
}

/// `▸ read src/lib.rs  ✓ 24 lines`, then the output when expanded.
fn render_tool(tool: &ToolBlock, width: usize, selected: bool) -> Vec<Line<'static>> {
    let marker = if tool.expanded { "▾ " } else { "▸ " };
    let marker_style = if selected {
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::Blue)
    };
    let (outcome, outcome_style) = match &tool.result {
        None => ("…".to_string(), Style::new().fg(Color::DarkGray)),
        Some((true, output, changed)) => {
            let count = output.lines().count();
            let mut text = format!("✓ {count} line{}", if count == 1 { "" } else { "s" });
            if !changed.is_empty() {
                text.push_str(&format!(" · {} changed", changed.len()));
            }
            (text, Style::new().fg(Color::Green))
        }
        Some((false, output, _)) => (
            format!("✗ {}", output.lines().next().unwrap_or("failed")),
            Style::new().fg(Color::Red),
        ),
    };
    let name = sanitize(&tool.name);
    let fixed = 2 + str_width(&name) + 1 + 2 + str_width(&outcome);
    let argument = truncate(
        &sanitize(&argument_summary(&tool.arguments)).replace('\n', " "),
        width.saturating_sub(fixed).max(8),
    );
    let header = vec![
        Span::styled(marker, marker_style),
        Span::styled(name, Style::new().add_modifier(Modifier::BOLD)),
        Span::raw(format!(" {argument}  ")),
        Span::styled(outcome, outcome_style),
    ];
    let mut lines = hard_wrap(&header, width, &[], &[Span::raw("  ")]);
    lines.truncate(2);
    if !tool.expanded {
        return lines;
    }
    let Some((_, output, _)) = &tool.result else {
        return lines;
    };
    let bar = [Span::styled("  │ ", Style::new().fg(Color::DarkGray))];
    let shown: String = output
        .lines()
        .take(EXPANDED_OUTPUT_LINES)
        .collect::<Vec<_>>()
        .join("\n");
    if is_unified_diff(output) {
        lines.extend(render_diff(&shown, width, &bar));
    } else {
        for line in sanitize(&shown).lines() {
            lines.extend(hard_wrap(&[Span::raw(line.to_string())], width, &bar, &bar));
        }
    }
    let hidden = output.lines().count().saturating_sub(EXPANDED_OUTPUT_LINES);
    if hidden > 0 {
        lines.push(Line::styled(
            format!("  … {hidden} more lines"),
            Style::new().fg(Color::DarkGray),
        ));
    }
    lines
}
