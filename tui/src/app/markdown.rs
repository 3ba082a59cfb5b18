//! Assistant Markdown as terminal lines: headings, lists, emphasis, inline code, block quotes,
//! rules, links as their text, and fenced code blocks in a frame with keyword highlighting.
//! Partial Markdown (a reply still streaming, an unclosed fence) renders as far as it goes.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::highlight::highlight_line;
use super::wrap::{hard_wrap, sanitize, wrap_spans};

/// How a code block's frame looks.
pub(crate) const CODE_FRAME: Style = Style::new().fg(Color::DarkGray);

/// Renders Markdown `text` to lines at most `width` columns wide.
pub(crate) fn render_markdown(text: &str, width: usize) -> Vec<Line<'static>> {
    let mut renderer = Renderer::new(width.max(4));
    for event in Parser::new_ext(
        text,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS,
    ) {
        renderer.event(event);
    }
    renderer.finish()
}

struct ListState {
    /// The next number of an ordered list.
    next: Option<u64>,
}

struct Renderer {
    width: usize,
    lines: Vec<Line<'static>>,
    spans: Vec<Span<'static>>,
    styles: Vec<Style>,
    lists: Vec<ListState>,
    /// The marker of the list item whose first line is not written yet.
    marker: Option<String>,
    quote_depth: usize,
    code: Option<(String, String)>,
}

impl Renderer {
    fn new(width: usize) -> Self {
        Self {
            width,
            lines: Vec::new(),
            spans: Vec::new(),
            styles: vec![Style::new()],
            lists: Vec::new(),
            marker: None,
            quote_depth: 0,
            code: None,
        }
    }

    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, patch: Style) {
        let style = self.style().patch(patch);
        self.styles.push(style);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    /// A blank line between blocks, never two, never at the top.
    fn gap(&mut self) {
        if self.lines.last().is_some_and(|l| l.width() > 0) {
            self.lines.push(Line::default());
        }
    }

    fn prefixes(&mut self) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
        let mut base = Vec::new();
        for _ in 0..self.quote_depth {
            base.push(Span::styled("│ ", Style::new().fg(Color::DarkGray)));
        }
        let indent = "  ".repeat(self.lists.len().saturating_sub(1));
        let mut first = base.clone();
        let mut rest = base;
        if !self.lists.is_empty() {
            let marker = self.marker.take();
            let marker_width = marker.as_deref().map_or(2, super::wrap::str_width);
            first.push(Span::raw(indent.clone()));
            rest.push(Span::raw(indent));
            match marker {
                Some(m) => first.push(Span::styled(m, Style::new().fg(Color::Yellow))),
                None => first.push(Span::raw(" ".repeat(marker_width))),
            }
            rest.push(Span::raw(" ".repeat(marker_width)));
        }
        (first, rest)
    }

    fn flush(&mut self) {
        if self.spans.is_empty() && self.marker.is_none() {
            return;
        }
        let spans = std::mem::take(&mut self.spans);
        let (first, rest) = self.prefixes();
        self.lines
            .extend(wrap_spans(&spans, self.width, &first, &rest));
    }

    fn event(&mut self, event: Event<'_>) {
        if let Some((_, code)) = &mut self.code {
            match event {
                Event::Text(text) => {
                    code.push_str(&text);
                    return;
                }
                Event::End(TagEnd::CodeBlock) => {}
                _ => return,
            }
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => {
                let style = self.style();
                self.spans.push(Span::styled(sanitize(&text), style));
            }
            Event::Code(text) => {
                let style = self.style().fg(Color::Yellow);
                self.spans.push(Span::styled(sanitize(&text), style));
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.spans.push(Span::raw(sanitize(&text)));
            }
            Event::SoftBreak => self.spans.push(Span::styled(" ", self.style())),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.flush();
                self.gap();
                let rule = "─".repeat(self.width.min(40));
                self.lines.push(Line::styled(rule, CODE_FRAME));
            }
            Event::TaskListMarker(done) => {
                self.spans
                    .push(Span::raw(if done { "[x] " } else { "[ ] " }));
            }
            Event::FootnoteReference(name) => self.spans.push(Span::raw(format!("[{name}]"))),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph if self.lists.is_empty() => self.gap(),
            Tag::Heading { level, .. } => {
                self.flush();
                self.gap();
                let style = match level {
                    HeadingLevel::H1 => Style::new()
                        .fg(Color::Magenta)
                        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                    HeadingLevel::H2 => Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                    _ => Style::new().add_modifier(Modifier::BOLD),
                };
                self.push_style(style);
            }
            Tag::BlockQuote(_) => {
                self.flush();
                self.gap();
                self.quote_depth += 1;
                self.push_style(Style::new().add_modifier(Modifier::ITALIC));
            }
            Tag::CodeBlock(kind) => {
                self.flush();
                self.gap();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
            }
            Tag::List(start) => {
                self.flush();
                if self.lists.is_empty() {
                    self.gap();
                }
                self.lists.push(ListState { next: start });
            }
            Tag::Item => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(ListState { next: Some(n) }) => {
                        let marker = format!("{n}. ");
                        *n = n.saturating_add(1);
                        marker
                    }
                    _ => "• ".to_string(),
                };
                self.marker = Some(marker);
            }
            Tag::Emphasis => self.push_style(Style::new().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(Style::new().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => {
                self.push_style(Style::new().add_modifier(Modifier::CROSSED_OUT));
            }
            Tag::Link { .. } | Tag::Image { .. } => self.push_style(
                Style::new()
                    .fg(Color::Blue)
                    .add_modifier(Modifier::UNDERLINED),
            ),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush(),
            TagEnd::Heading(_) => {
                self.flush();
                self.pop_style();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote_depth = self.quote_depth.saturating_sub(1);
                self.pop_style();
            }
            TagEnd::CodeBlock => self.code_block(),
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Item => self.flush(),
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image => self.pop_style(),
            _ => {}
        }
    }

    /// The collected code block in a frame: `┌ lang`, `│ code`, `└`.
    fn code_block(&mut self) {
        let Some((lang, code)) = self.code.take() else {
            return;
        };
        let (mut first, _) = self.prefixes();
        let base = first.clone();
        first.push(Span::styled(format!("┌─ {lang}"), CODE_FRAME));
        self.lines.push(Line::from(first));
        let mut bar = base.clone();
        bar.push(Span::styled("│ ", CODE_FRAME));
        let code = sanitize(&code);
        for line in code.lines() {
            let spans = highlight_line(&lang, line);
            self.lines.extend(hard_wrap(&spans, self.width, &bar, &bar));
        }
        let mut bottom = base;
        bottom.push(Span::styled("└─", CODE_FRAME));
        self.lines.push(Line::from(bottom));
    }

    fn finish(mut self) -> Vec<Line<'static>> {
        // A reply still streaming may stop inside a fence.
        if self.code.is_some() {
            self.code_block();
        }
        self.flush();
        while self.lines.last().is_some_and(|l| l.width() == 0) {
            self.lines.pop();
        }
        self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str, width: usize) -> Vec<String> {
        render_markdown(text, width)
            .iter()
            .map(|l| l.to_string())
            .collect()
    }

    #[test]
    fn lists_headings_and_code() {
        let text = "# Title\n\nSome *text* and `code`.\n\n- one\n- two\n\n1. first\n2. second\n\n```rust\nfn main() {}\n```\n";
        assert_eq!(
            plain(text, 40),
            [
                "Title",
                "",
                "Some text and code.",
                "",
                "• one",
                "• two",
                "",
                "1. first",
                "2. second",
                "",
                "┌─ rust",
                "│ fn main() {}",
                "└─",
            ]
        );
    }

    #[test]
    fn an_unclosed_fence_still_renders_its_code() {
        assert_eq!(
            plain("Look:\n\n```py\nprint(1)\n", 40),
            ["Look:", "", "┌─ py", "│ print(1)", "└─"]
        );
    }

    #[test]
    fn strong_text_is_bold_and_links_show_their_text() {
        let lines = render_markdown("**bold** [site](https://example.com)", 40);
        assert_eq!(lines[0].to_string(), "bold site");
        assert!(
            lines[0].spans[0]
                .style
                .add_modifier
                .contains(Modifier::BOLD)
        );
    }

    #[test]
    fn nested_list_items_wrap_under_their_text() {
        assert_eq!(
            plain("- alpha beta gamma\n  - inner", 12),
            ["• alpha beta", "  gamma", "  • inner"]
        );
    }
}
