//! A page as text: fetched (through the cache), HTML reduced to its main text as Markdown, and a
//! page that shows no text without JavaScript rendered in the browser when Chromium is there.

use super::browser::{Browser, BrowserSettings};
use super::error::WebError;
use super::extract::{BodyKind, body_kind, decode, readable};
use super::fetch::Fetcher;

/// A page read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// Where the page was found (after same-host redirects).
    pub final_url: String,
    pub title: Option<String>,
    /// Markdown for HTML; other text as it came.
    pub text: String,
    /// Whether the page came from the cache, without a request.
    pub from_cache: bool,
    /// Whether the browser rendered it (its text needed JavaScript).
    pub rendered: bool,
    /// Something the reader should know (no text without JavaScript and no browser to run it).
    pub note: Option<String>,
}

/// Reads `url`. `browser` renders pages without readable text when its Chromium was found.
pub async fn read(
    fetcher: &Fetcher,
    browser: Option<&BrowserSettings>,
    url: &str,
) -> Result<Reading, WebError> {
    let page = fetcher.fetch(url).await?;
    let mut reading = Reading {
        final_url: page.final_url.clone(),
        title: None,
        text: String::new(),
        from_cache: page.from_cache,
        rendered: false,
        note: None,
    };
    match body_kind(&page.content_type, &page.body) {
        BodyKind::Binary => Err(WebError::NotText {
            url: page.final_url,
            content_type: page.content_type,
        }),
        BodyKind::Text => {
            reading.text = decode(&page.content_type, &page.body);
            Ok(reading)
        }
        BodyKind::Html => {
            let found = readable(&decode(&page.content_type, &page.body), &page.final_url);
            if !found.is_empty() {
                reading.title = found.title;
                reading.text = found.markdown;
                return Ok(reading);
            }
            let Some(settings) = browser.filter(|settings| settings.binary().is_ok()) else {
                reading.title = found.title;
                reading.text = found.markdown;
                reading.note = Some(match browser.map(BrowserSettings::binary) {
                    Some(Err(missing)) => format!(
                        "the page shows no text without JavaScript; {}",
                        missing.hint().unwrap_or_default()
                    ),
                    _ => "the page shows no text without JavaScript".into(),
                });
                return Ok(reading);
            };
            let mut browser = Browser::launch(settings, fetcher.client().clone()).await?;
            let rendered = async {
                browser.open(&page.final_url).await?;
                browser.readable().await
            }
            .await;
            browser.close().await;
            let rendered = rendered?;
            reading.title = rendered.title.or(found.title);
            reading.text = rendered.markdown;
            reading.rendered = true;
            Ok(reading)
        }
    }
}
