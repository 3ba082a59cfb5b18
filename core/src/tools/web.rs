//! The model's web tools, on when `fetch.tool` is set: `fetch` (a page as Markdown; a page
//! without text rendered in Chromium when it is there) and `browser` (a page in Chromium after
//! form steps). Both go through the address policy, and what they return is fenced as untrusted
//! data and cut to the output limit.

use std::sync::OnceLock;

use crate::untrusted::as_data;
use crate::web::{Browser, Fetcher, Reading, Step, WebError, WebSettings};

use super::args::Args;
use super::{ToolError, ToolOutput, ToolSettings};

/// The web of one toolbox. Its HTTP client is made on the first call, so a task or chat that
/// never fetches pays nothing for it at start.
#[derive(Debug)]
pub struct WebTools {
    settings: WebSettings,
    fetcher: OnceLock<Fetcher>,
}

impl WebTools {
    pub fn new(settings: WebSettings) -> Self {
        Self {
            settings,
            fetcher: OnceLock::new(),
        }
    }

    fn fetcher(&self) -> Result<&Fetcher, WebError> {
        if let Some(fetcher) = self.fetcher.get() {
            return Ok(fetcher);
        }
        let fetcher = self.settings.fetcher()?;
        Ok(self.fetcher.get_or_init(|| fetcher))
    }

    /// Whether Chromium was found (the `browser` tool is offered only then).
    pub fn has_browser(&self) -> bool {
        self.settings.browser.binary().is_ok()
    }

    /// `fetch`: the page at `url` as Markdown.
    pub(crate) async fn fetch(
        &self,
        limits: &ToolSettings,
        args: &Args,
    ) -> Result<ToolOutput, ToolError> {
        let url = args.string("url")?;
        let fetcher = self.fetcher().map_err(failed)?;
        let reading = crate::web::read(fetcher, Some(&self.settings.browser), url)
            .await
            .map_err(failed)?;
        Ok(ToolOutput::success(render(&reading, limits.output_limit)))
    }

    /// `browser`: the page at `url` in Chromium, after the form `steps` (one per line).
    pub(crate) async fn browse(
        &self,
        limits: &ToolSettings,
        args: &Args,
    ) -> Result<ToolOutput, ToolError> {
        let url = args.string("url")?;
        let steps =
            Step::parse_lines(args.optional_string("steps")?.unwrap_or("")).map_err(failed)?;
        let client = self.fetcher().map_err(failed)?.client().clone();
        let mut browser = Browser::launch(&self.settings.browser, client)
            .await
            .map_err(failed)?;
        let result = async {
            browser.open(url).await?;
            for step in &steps {
                step.run(&browser).await?;
            }
            let page = browser.readable().await?;
            Ok::<_, WebError>(Reading {
                final_url: browser.url().await?,
                title: page.title,
                text: page.markdown,
                from_cache: false,
                rendered: true,
                note: None,
            })
        }
        .await;
        browser.close().await;
        Ok(ToolOutput::success(render(
            &result.map_err(failed)?,
            limits.output_limit,
        )))
    }
}

/// A web error for the model: one line, with the hint when there is one.
fn failed(error: WebError) -> ToolError {
    match error.hint() {
        Some(hint) => ToolError::failed(format!("{}; {hint}", error.message())),
        None => ToolError::failed(error.message()),
    }
}

/// The page for the model: its title and text, cut to `limit` bytes, fenced as untrusted data.
fn render(reading: &Reading, limit: usize) -> String {
    let mut text = String::new();
    if let Some(title) = &reading.title {
        text.push_str(&format!("# {title}\n\n"));
    }
    text.push_str(&reading.text);
    if text.len() > limit {
        let mut cut = limit;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let total = text.len();
        text.truncate(cut);
        text.push_str(&format!("\n[cut: the first {cut} of {total} bytes]"));
    }
    if let Some(note) = &reading.note {
        text.push_str(&format!("\n[{note}]"));
    }
    as_data(&format!("the web page {}", reading.final_url), &text)
}
