//! A fetched body as text for a person or a model: HTML reduced to its main text (readability,
//! dom_smoothie) as Markdown, boilerplate (navigation, headers, footers, scripts) left out;
//! other text decoded as it is; anything else refused.

use dom_smoothie::{Config, Readability, TextMode};

/// How a body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Html,
    /// Plain text, JSON, XML, Markdown, CSS, JavaScript.
    Text,
    Binary,
}

/// What a `Content-Type` (and, without one, the first bytes) say the body is.
pub fn body_kind(content_type: &str, body: &[u8]) -> BodyKind {
    let media = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match media.as_str() {
        "text/html" | "application/xhtml+xml" => BodyKind::Html,
        "" => sniff(body),
        media
            if media.starts_with("text/")
                || media.ends_with("+json")
                || media.ends_with("+xml")
                || matches!(
                    media,
                    "application/json"
                        | "application/xml"
                        | "application/javascript"
                        | "application/x-javascript"
                        | "application/x-yaml"
                        | "application/yaml"
                        | "application/toml"
                ) =>
        {
            BodyKind::Text
        }
        _ => BodyKind::Binary,
    }
}

/// A body without a type: HTML if it starts like HTML, text if it is UTF-8, else binary.
fn sniff(body: &[u8]) -> BodyKind {
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start();
    if head.starts_with("<!doctype html") || head.starts_with("<html") {
        BodyKind::Html
    } else if std::str::from_utf8(body).is_ok() {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

/// The body as text, in the charset of its `Content-Type` (or of an HTML `<meta charset>`),
/// UTF-8 when none is named; bytes that do not decode become U+FFFD.
pub fn decode(content_type: &str, body: &[u8]) -> String {
    let label = charset_param(content_type).or_else(|| meta_charset(body));
    let encoding = label
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _, _) = encoding.decode(body);
    text.into_owned()
}

fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// `<meta charset="x">` or `content="text/html; charset=x"` in the first kilobyte.
fn meta_charset(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    (!value.is_empty()).then_some(value)
}

/// The readable part of an HTML page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readable {
    pub title: Option<String>,
    /// The main text as Markdown.
    pub markdown: String,
}

/// Fewer visible characters than this count as no readable text (a page built by JavaScript).
const MIN_TEXT: usize = 20;

impl Readable {
    /// Whether the page has (next to) no text: a shell that JavaScript fills in.
    pub fn is_empty(&self) -> bool {
        self.markdown
            .chars()
            .filter(|c| c.is_alphanumeric())
            .take(MIN_TEXT)
            .count()
            < MIN_TEXT
    }
}

/// Elements never read as text, in the fallback reading of a whole page.
const BOILERPLATE: &[&str] = &[
    "script", "style", "meta", "head", "noscript", "template", "svg", "nav", "header", "footer",
    "aside", "form", "iframe",
];

/// The main text of `html` (found at `url`) as Markdown: the article readability finds, or, on
/// a page where it finds none, the whole body without navigation, headers, footers and scripts.
pub fn readable(html: &str, url: &str) -> Readable {
    let config = Config {
        text_mode: TextMode::Markdown,
        ..Config::default()
    };
    let article = Readability::new(html, Some(url), Some(config.clone()))
        .or_else(|_| Readability::new(html, None, Some(config)))
        .ok()
        .and_then(|mut reader| reader.parse().ok());
    if let Some(article) = article {
        let markdown = tidy(&article.text_content);
        let title = Some(article.title.trim().to_owned()).filter(|title| !title.is_empty());
        let found = Readable { title, markdown };
        if !found.is_empty() {
            return found;
        }
    }
    let document = dom_query::Document::from(html);
    let title = Some(document.select("title").text().trim().to_owned()).filter(|t| !t.is_empty());
    let body = document.select("body");
    let markdown = match body.nodes().first() {
        Some(node) => node.md(Some(BOILERPLATE)),
        None => document.md(Some(BOILERPLATE)),
    };
    Readable {
        title,
        markdown: tidy(&markdown),
    }
}

/// Trailing spaces cut and runs of blank lines made one.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = r#"<!doctype html><html><head><title>Tides of Saturn</title>
<style>body { color: red }</style></head><body>
<nav><a href="/">Home</a> | <a href="/about">About us</a> | <a href="/shop">Shop the catalogue</a></nav>
<header class="site-header">Welcome to the Planetary Gazette</header>
<main><article><h1>Tides of Saturn</h1>
<p>The rings of Saturn are made mostly of water ice, with a small fraction of rocky debris and dust.
They extend up to 282,000 kilometres from the planet, yet are typically only about ten metres thick.</p>
<p>Tidal forces from the moons sculpt the rings into gaps and waves that spacecraft have photographed in detail.
The <a href="/cassini">Cassini</a> mission spent thirteen years studying them.</p>
<ul><li>Ring A</li><li>Ring B</li></ul>
</article></main>
<footer>Copyright 2026 Planetary Gazette. All rights reserved. Cookie settings.</footer>
<script>console.log("tracking")</script></body></html>"#;

    #[test]
    fn an_article_becomes_markdown_without_its_boilerplate() {
        let page = readable(ARTICLE, "http://gazette.test/saturn");
        assert_eq!(page.title.as_deref(), Some("Tides of Saturn"));
        let text = &page.markdown;
        assert!(text.contains("made mostly of water ice"), "{text}");
        assert!(text.contains("thirteen years"), "{text}");
        for boilerplate in [
            "Shop the catalogue",
            "All rights reserved",
            "tracking",
            "color: red",
        ] {
            assert!(!text.contains(boilerplate), "{boilerplate} in {text}");
        }
        assert!(!page.is_empty());
    }

    #[test]
    fn a_javascript_shell_has_no_readable_text() {
        let shell = r#"<html><head><title>App</title></head><body><div id="root"></div>
<noscript>You need to enable JavaScript to run this app.</noscript>
<script src="/app.js"></script></body></html>"#;
        assert!(readable(shell, "http://app.test/").is_empty());
    }

    #[test]
    fn bodies_are_classified_and_decoded_by_their_charset() {
        assert_eq!(body_kind("text/html; charset=utf-8", b""), BodyKind::Html);
        assert_eq!(body_kind("application/json", b"{}"), BodyKind::Text);
        assert_eq!(body_kind("application/vnd.api+json", b"{}"), BodyKind::Text);
        assert_eq!(body_kind("image/png", b"\x89PNG"), BodyKind::Binary);
        assert_eq!(body_kind("", b"<!DOCTYPE html><p>x"), BodyKind::Html);
        assert_eq!(body_kind("", b"plain words"), BodyKind::Text);
        assert_eq!(body_kind("", b"\xff\xfe\x00binary"), BodyKind::Binary);
        assert_eq!(decode("text/plain; charset=ISO-8859-1", b"caf\xe9"), "café");
        assert_eq!(
            decode("text/html", b"<meta charset=\"windows-1252\"><p>caf\xe9"),
            "<meta charset=\"windows-1252\"><p>caf\u{e9}"
        );
        assert_eq!(decode("", "café".as_bytes()), "café");
    }
}
