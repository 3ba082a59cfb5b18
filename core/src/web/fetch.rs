//! Fetching a page: redirects on the same host followed (each hop checked by the address
//! policy), a redirect to another host reported instead, error statuses refused, success
//! answers kept in the store's short-lived cache.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use url::Url;

use super::client::{HopRequest, WebClient, parse_url};
use super::error::WebError;
use crate::store::{CachedPage, Store, StoreOptions};
use crate::time::{Millis, now_ms};

/// Redirects followed at most.
pub const MAX_REDIRECTS: usize = 10;

/// A page as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Where it was found (after same-host redirects).
    pub final_url: String,
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    /// Whether it came from the cache, without a request.
    pub from_cache: bool,
}

/// Where the cache lives: the store's database, opened on first use.
#[derive(Debug, Clone)]
pub struct CacheLocation {
    pub database: PathBuf,
    pub options: StoreOptions,
}

/// Fetches pages under the address policy, through the cache.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: WebClient,
    cache: Option<Arc<PageCache>>,
    cache_ttl: Duration,
}

impl Fetcher {
    /// A fetcher over `client`; with a `cache` and a time to live above zero, pages are kept.
    pub fn new(client: WebClient, cache: Option<CacheLocation>, cache_ttl: Duration) -> Self {
        let cache = cache
            .filter(|_| !cache_ttl.is_zero())
            .map(|location| Arc::new(PageCache::new(location)));
        Self {
            client,
            cache,
            cache_ttl,
        }
    }

    /// The HTTP client (the browser sends its requests through it).
    pub fn client(&self) -> &WebClient {
        &self.client
    }

    /// Fetches `url`: from the cache when it holds a fresh copy, else over the network.
    pub async fn fetch(&self, url: &str) -> Result<Page, WebError> {
        let url = parse_url(url)?;
        // Checked before the cache too: a page kept while its host was allowed is not handed
        // out once the policy refuses it.
        self.client.check_destination(&url).await?;
        let key = url.to_string();
        if let Some(cache) = &self.cache {
            let not_before = now_ms() - millis(self.cache_ttl);
            if let Some(page) = cache.get(&key, not_before).await {
                return Ok(Page {
                    final_url: page.final_url,
                    status: page.status,
                    content_type: page.content_type,
                    body: page.body,
                    from_cache: true,
                });
            }
        }
        let page = self.fetch_live(&url).await?;
        if let Some(cache) = &self.cache {
            let now = now_ms();
            let cached = CachedPage {
                final_url: page.final_url.clone(),
                status: page.status,
                content_type: page.content_type.clone(),
                body: page.body.clone(),
                fetched_at: now,
            };
            cache.put(key, cached, now - millis(self.cache_ttl)).await;
        }
        Ok(page)
    }

    /// Fetches `url` over the network, following redirects on the same host.
    async fn fetch_live(&self, url: &Url) -> Result<Page, WebError> {
        let mut current = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            let hop = self.client.hop(&HopRequest::get(current.clone())).await?;
            let location = (300..400)
                .contains(&hop.status)
                .then(|| hop.header("location"))
                .flatten();
            if let Some(location) = location {
                let next = current.join(location).map_err(|error| WebError::Request {
                    url: current.to_string(),
                    message: format!("a redirect to a bad address {location:?}: {error}"),
                })?;
                if next.host_str() != current.host_str() {
                    // Not followed; a destination the policy refuses is refused outright.
                    self.client.check_destination(&next).await?;
                    return Err(WebError::CrossHostRedirect {
                        from: url.to_string(),
                        to: next.to_string(),
                    });
                }
                current = next;
                continue;
            }
            if hop.status >= 400 {
                return Err(WebError::Status {
                    url: current.to_string(),
                    status: hop.status,
                });
            }
            return Ok(Page {
                final_url: current.to_string(),
                status: hop.status,
                content_type: hop.content_type().to_owned(),
                body: hop.body,
                from_cache: false,
            });
        }
        Err(WebError::TooManyRedirects {
            url: url.to_string(),
            limit: MAX_REDIRECTS,
        })
    }
}

fn millis(duration: Duration) -> Millis {
    Millis::try_from(duration.as_millis()).unwrap_or(Millis::MAX)
}

/// The store connection of the cache, opened on first use. A cache that cannot be opened or
/// written is skipped: fetching goes on without it.
#[derive(Debug)]
struct PageCache {
    location: CacheLocation,
    store: Mutex<Option<Store>>,
}

impl PageCache {
    fn new(location: CacheLocation) -> Self {
        Self {
            location,
            store: Mutex::new(None),
        }
    }

    async fn get(self: &Arc<Self>, url: &str, not_before: Millis) -> Option<CachedPage> {
        let cache = Arc::clone(self);
        let url = url.to_owned();
        tokio::task::spawn_blocking(move || {
            cache.with_store(|store| store.cached_page(&url, not_before))
        })
        .await
        .ok()
        .flatten()
        .flatten()
    }

    async fn put(self: &Arc<Self>, url: String, page: CachedPage, expired_before: Millis) {
        let cache = Arc::clone(self);
        let _ = tokio::task::spawn_blocking(move || {
            cache.with_store(|store| store.cache_page(&url, &page, expired_before))
        })
        .await;
    }

    fn with_store<T>(&self, work: impl FnOnce(&Store) -> crate::Result<T>) -> Option<T> {
        let mut slot = self.store.lock().ok()?;
        if slot.is_none() {
            match Store::open(&self.location.database, &self.location.options) {
                Ok(store) => *slot = Some(store),
                Err(error) => {
                    tracing::warn!(error = %error, "the fetch cache cannot be opened");
                    return None;
                }
            }
        }
        let store = slot.as_ref()?;
        work(store)
            .map_err(|error| tracing::warn!(error = %error, "the fetch cache failed"))
            .ok()
    }
}
