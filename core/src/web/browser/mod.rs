//! A headless Chromium driven over the DevTools protocol, for pages that need JavaScript,
//! screenshots, PDFs and simple form steps (fill, click, wait for a selector). One page per
//! browser; every request of the page goes through the agent's own client under the address
//! policy ([`intercept`]). The browser and its profile go when the [`Browser`] is dropped.

mod cdp;
mod intercept;
mod launch;
mod steps;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tokio::process::Child;
use tokio::task::JoinHandle;

pub use launch::find_chromium;
pub use steps::Step;

use self::cdp::Cdp;
use self::intercept::Traffic;
use super::client::{WebClient, parse_url};
use super::error::WebError;
use super::extract::{Readable, readable};

/// How long a page must have made no request to count as settled.
const QUIET: Duration = Duration::from_millis(500);
/// How long `open` and `click` wait at most for the page to settle (then they go on).
const SETTLE_LIMIT: Duration = Duration::from_secs(10);
/// How often a page is polled while waiting.
const POLL: Duration = Duration::from_millis(100);

/// Where the browser is and where it keeps its profiles.
#[derive(Debug, Clone)]
pub struct BrowserSettings {
    /// The Chromium binary, or why none was found.
    binary: Result<PathBuf, WebError>,
    /// A directory for the browsers' throwaway profiles.
    pub profiles: PathBuf,
}

impl BrowserSettings {
    /// Settings with Chromium looked up now (see [`find_chromium`]).
    pub fn find(
        configured: Option<&Path>,
        path: Option<&std::ffi::OsStr>,
        profiles: PathBuf,
    ) -> Self {
        Self {
            binary: find_chromium(configured, path),
            profiles,
        }
    }

    /// The binary, or the error saying how to install Chromium.
    pub fn binary(&self) -> Result<&Path, WebError> {
        self.binary.as_deref().map_err(Clone::clone)
    }
}

/// A running headless Chromium with one page.
pub struct Browser {
    cdp: Cdp,
    session: String,
    traffic: Arc<Traffic>,
    timeout: Duration,
    child: Child,
    tasks: Vec<JoinHandle<()>>,
    stderr: Option<JoinHandle<String>>,
    profile: PathBuf,
}

impl Browser {
    /// Starts Chromium and opens a blank page whose requests all go through `client`.
    pub async fn launch(settings: &BrowserSettings, client: WebClient) -> Result<Self, WebError> {
        let binary = settings.binary()?;
        let profile = settings
            .profiles
            .join(format!("profile-{}", crate::ids::new_id()));
        std::fs::create_dir_all(&profile).map_err(|error| WebError::Browser {
            message: format!("cannot create {}: {error}", profile.display()),
        })?;
        let started = match launch::start(binary, &profile).await {
            Ok(started) => started,
            Err(error) => {
                let _ = std::fs::remove_dir_all(&profile);
                return Err(error);
            }
        };
        let (cdp, events) = Cdp::start(started.to_browser, started.from_browser);
        let traffic = Arc::new(Traffic::new());
        let timeout = client.timeout().max(Duration::from_secs(5));
        let serving = tokio::spawn(intercept::serve(
            cdp.clone(),
            client,
            Arc::clone(&traffic),
            events,
        ));
        let mut browser = Self {
            cdp,
            session: String::new(),
            traffic,
            timeout,
            child: started.child,
            tasks: vec![serving, started.blackhole],
            stderr: Some(started.stderr),
            profile,
        };
        if let Err(error) = browser.open_page().await {
            return Err(browser.explain(error).await);
        }
        Ok(browser)
    }

    /// A new page target, attached, with every request paused for [`intercept`].
    async fn open_page(&mut self) -> Result<(), WebError> {
        // Chromium's first answer can take a while on a cold start.
        let first = self.timeout.max(Duration::from_secs(30));
        let target = self
            .cdp
            .call(
                "Target.createTarget",
                json!({ "url": "about:blank" }),
                None,
                first,
            )
            .await?;
        let attached = self
            .cdp
            .call(
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
                None,
                self.timeout,
            )
            .await?;
        self.session = attached["sessionId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        self.call(
            "Fetch.enable",
            json!({ "patterns": [{ "urlPattern": "*" }] }),
        )
        .await?;
        self.call("Page.enable", json!({})).await?;
        Ok(())
    }

    /// A failed start with what Chromium printed.
    async fn explain(mut self, error: WebError) -> WebError {
        let _ = self.child.start_kill();
        let printed = match self.stderr.take() {
            Some(stderr) => tokio::time::timeout(Duration::from_secs(2), stderr)
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default(),
            None => String::new(),
        };
        let last = printed.lines().last().unwrap_or_default();
        match error {
            WebError::Browser { message } if !last.is_empty() => WebError::Browser {
                message: format!("{message}; Chromium said: {last}"),
            },
            other => other,
        }
    }

    async fn call(&self, method: &str, params: Value) -> Result<Value, WebError> {
        self.cdp
            .call(method, params, Some(&self.session), self.timeout)
            .await
    }

    /// Loads `url` and waits for it to settle (loaded, and no request for a moment).
    pub async fn open(&mut self, url: &str) -> Result<(), WebError> {
        let url = parse_url(url)?;
        let navigated = self
            .call("Page.navigate", json!({ "url": url.as_str() }))
            .await?;
        if let Some(error) = navigated
            .get("errorText")
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
        {
            return Err(self
                .traffic
                .failure(url.as_str())
                .unwrap_or(WebError::Request {
                    url: url.to_string(),
                    message: error.to_owned(),
                }));
        }
        self.settle().await
    }

    /// Waits until the document is complete and no request has been made for [`QUIET`], at
    /// most [`SETTLE_LIMIT`].
    async fn settle(&self) -> Result<(), WebError> {
        let deadline = Instant::now() + SETTLE_LIMIT.min(self.timeout);
        loop {
            tokio::time::sleep(POLL).await;
            let state = self.evaluate("document.readyState").await?;
            if state == "complete" && self.traffic.is_quiet(QUIET) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Ok(());
            }
        }
    }

    /// The page's address now.
    pub async fn url(&self) -> Result<String, WebError> {
        Ok(self
            .evaluate("location.href")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// The page's HTML as it is now (after its scripts ran).
    pub async fn html(&self) -> Result<String, WebError> {
        Ok(self
            .evaluate("document.documentElement ? document.documentElement.outerHTML : ''")
            .await?
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// The page's main text as Markdown, as it is now.
    pub async fn readable(&self) -> Result<Readable, WebError> {
        let html = self.html().await?;
        let url = self.url().await?;
        Ok(readable(&html, &url))
    }

    /// Clicks the first element matching the CSS `selector`, then waits for the page to settle.
    pub async fn click(&self, selector: &str) -> Result<(), WebError> {
        let script = format!(
            "(() => {{ const el = document.querySelector({}); if (!el) return false; \
             el.scrollIntoView({{block: 'center'}}); el.click(); return true; }})()",
            js_string(selector)
        );
        self.expect_element(selector, self.evaluate(&script).await?)?;
        self.settle().await
    }

    /// Types `text` into the first field matching `selector` (its value set as a person typing
    /// would leave it, with `input` and `change` events).
    pub async fn fill(&self, selector: &str, text: &str) -> Result<(), WebError> {
        let script = format!(
            "(() => {{ const el = document.querySelector({}); if (!el) return false; el.focus(); \
             const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype \
               : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype; \
             const property = Object.getOwnPropertyDescriptor(proto, 'value'); \
             if (property && property.set && el instanceof proto.constructor) property.set.call(el, {text}); \
             else if (el.isContentEditable) el.textContent = {text}; else el.value = {text}; \
             el.dispatchEvent(new Event('input', {{bubbles: true}})); \
             el.dispatchEvent(new Event('change', {{bubbles: true}})); return true; }})()",
            js_string(selector),
            text = js_string(text)
        );
        self.expect_element(selector, self.evaluate(&script).await?)
    }

    /// Waits up to `limit` for an element matching `selector` to appear.
    pub async fn wait_for(&self, selector: &str, limit: Duration) -> Result<(), WebError> {
        let script = format!("!!document.querySelector({})", js_string(selector));
        let deadline = Instant::now() + limit;
        loop {
            if self.evaluate(&script).await? == Value::Bool(true) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(WebError::Browser {
                    message: format!(
                        "no element matches `{selector}` after {} s",
                        limit.as_secs()
                    ),
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// A PNG of the page's viewport.
    pub async fn screenshot(&self) -> Result<Vec<u8>, WebError> {
        let shot = self
            .call("Page.captureScreenshot", json!({ "format": "png" }))
            .await?;
        decode_data(&shot)
    }

    /// The page printed as a PDF.
    pub async fn pdf(&self) -> Result<Vec<u8>, WebError> {
        let printed = self
            .call("Page.printToPDF", json!({ "printBackground": true }))
            .await?;
        decode_data(&printed)
    }

    /// The requests of the page that were refused or failed, one line each.
    pub fn failed_requests(&self) -> Vec<String> {
        self.traffic.failure_lines()
    }

    /// Closes the browser: asks it to quit, then ends it.
    pub async fn close(mut self) {
        let _ = self
            .cdp
            .call("Browser.close", json!({}), None, Duration::from_secs(2))
            .await;
        if tokio::time::timeout(Duration::from_secs(3), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }

    async fn evaluate(&self, expression: &str) -> Result<Value, WebError> {
        let result = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            )
            .await?;
        if let Some(details) = result.get("exceptionDetails") {
            let message = details["exception"]["description"]
                .as_str()
                .or_else(|| details["text"].as_str())
                .unwrap_or("the script failed");
            return Err(WebError::Browser {
                message: message.lines().next().unwrap_or(message).to_owned(),
            });
        }
        Ok(result["result"]["value"].clone())
    }

    fn expect_element(&self, selector: &str, found: Value) -> Result<(), WebError> {
        if found == Value::Bool(true) {
            Ok(())
        } else {
            Err(WebError::Browser {
                message: format!("no element matches `{selector}`"),
            })
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        for task in &self.tasks {
            task.abort();
        }
        if let Some(stderr) = &self.stderr {
            stderr.abort();
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// `text` as a JavaScript string literal.
fn js_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn decode_data(result: &Value) -> Result<Vec<u8>, WebError> {
    STANDARD
        .decode(result["data"].as_str().unwrap_or_default())
        .map_err(|error| WebError::Browser {
            message: format!("the browser sent bad data: {error}"),
        })
}
