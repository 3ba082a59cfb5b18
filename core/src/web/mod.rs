//! The web, for `agent fetch`, `agent browse` and the model's `fetch` and `browser` tools.
//!
//! - [`address`]: which addresses may be reached — public ones; loopback, private, link-local,
//!   metadata and reserved ones only when `fetch.allow_hosts` names them.
//! - [`client`]: one request under that policy (names resolved once and checked, the connection
//!   made to the checked addresses, no proxy, no redirect followed, a size and a time limit).
//! - [`fetch`]: redirects on the same host followed, to another host reported; the cache.
//! - [`extract`]: HTML to its main text as Markdown (readability), other text decoded.
//! - [`browser`]: headless Chromium over the DevTools pipe, every request of its page answered
//!   by the agent's client.
//! - [`read`]: fetch, extract, and render in the browser a page that needs JavaScript.
//!
//! Pages are hostile input: what reaches a model is fenced as untrusted data by the tools.

pub mod address;
pub mod browser;
pub mod client;
mod error;
pub mod extract;
pub mod fetch;
pub mod read;

use std::time::Duration;

pub use address::AddressPolicy;
pub use browser::{Browser, BrowserSettings, Step};
pub use client::WebClient;
pub use error::WebError;
pub use fetch::{CacheLocation, Fetcher, Page};
pub use read::{Reading, read};

/// How fetch and the browser work, from configuration (`[fetch]`, `[browser]`).
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// `fetch.allow_hosts`: names, addresses and ranges reachable though not public.
    pub allow_hosts: Vec<String>,
    /// How long one request may take.
    pub timeout: Duration,
    /// The largest body read.
    pub max_bytes: u64,
    /// How long a fetched page is reused; zero keeps none.
    pub cache_ttl: Duration,
    /// The store the cache lives in; `None` keeps none.
    pub cache: Option<CacheLocation>,
    /// The browser for pages that need JavaScript and for `agent browse`.
    pub browser: BrowserSettings,
}

impl WebSettings {
    /// The settings of `[fetch]` and `[browser]`: the cache in `cache` (the store's database),
    /// browser profiles under `profiles`, Chromium looked up on `path` (the PATH value) unless
    /// `browser.path` names it.
    pub fn from_config(
        config: &crate::config::Config,
        cache: Option<CacheLocation>,
        profiles: std::path::PathBuf,
        path: Option<&std::ffi::OsStr>,
    ) -> Self {
        let fetch = &config.fetch;
        Self {
            allow_hosts: fetch.allow_hosts.clone(),
            timeout: Duration::from_secs(fetch.timeout),
            max_bytes: fetch.max_bytes,
            cache_ttl: Duration::from_secs(fetch.cache_ttl),
            cache,
            browser: BrowserSettings::find(
                config.browser.path.as_deref().map(std::path::Path::new),
                path,
                profiles,
            ),
        }
    }

    /// The client every request goes through.
    pub fn client(&self) -> Result<WebClient, WebError> {
        WebClient::new(
            AddressPolicy::new(&self.allow_hosts),
            self.max_bytes,
            self.timeout,
        )
    }

    /// A fetcher with the cache.
    pub fn fetcher(&self) -> Result<Fetcher, WebError> {
        Ok(Fetcher::new(
            self.client()?,
            self.cache.clone(),
            self.cache_ttl,
        ))
    }
}

/// The host of `url`, lower case: what an "always" answer for a web request is remembered by.
pub fn domain_of(url: &str) -> Option<String> {
    let url = url::Url::parse(url.trim()).ok()?;
    Some(url.host_str()?.to_ascii_lowercase())
}
