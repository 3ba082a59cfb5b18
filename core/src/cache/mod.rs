//! The answer cache: an identical temperature-0 request to the same model (same backend, same
//! weights by [`agent_models::ChatBackend::model_identity`], same messages, tools and options)
//! is answered from the store (`model_cache`) instead of the model, for `cache.ttl` seconds.
//! [`Lookup`] is the driver's one seam: it decides, replays a hit as a stream, records a miss
//! and keeps its complete answer. A failure of the cache is logged and the model is asked.

mod answer;
mod key;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use agent_models::{ChatEvent, ChatRequest, ChatStream};

pub use answer::{CachedAnswer, Recorder};
pub use key::request_key;

use crate::config::CacheConfig;
use crate::protocol::CacheOutcome;
use crate::store::Store;
use crate::task::ModelTarget;
use crate::time::now_ms;

/// How long a model's identity (an Ollama digest asked over HTTP) is trusted before it is asked
/// again: a model pulled anew while a server runs gets a new digest within this.
const IDENTITY_FRESH: Duration = Duration::from_secs(60);

/// Whether and how long a model target's answers are cached. Off by default; the session turns
/// it on from `cache.*` unless the op asked for `no_cache`. Clones share the identity memo.
#[derive(Clone, Default)]
pub struct CachePolicy {
    /// `None`: off.
    ttl: Option<Duration>,
    /// By model and backend (its address: a target wrapped in another format is another).
    identities: Arc<Mutex<Identities>>,
}

impl std::fmt::Debug for CachePolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachePolicy")
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl CachePolicy {
    /// A policy that never caches.
    pub fn off() -> Self {
        Self::default()
    }

    /// Sets the policy from the configuration; `no_cache` (the `--no-cache` flag, the op's
    /// field) turns it off. Keeps the identities known so far.
    pub fn configure(&mut self, config: &CacheConfig, no_cache: bool) {
        self.ttl = (config.enabled && !no_cache).then(|| Duration::from_secs(config.ttl));
    }

    /// Whether answers may come from or go to the cache.
    pub fn is_on(&self) -> bool {
        self.ttl.is_some()
    }

    /// The identity of `target`'s model when `request` may be cached: the policy is on, the
    /// temperature is 0 and the backend names the weights. Remembered for a minute.
    pub async fn identity(&self, target: &ModelTarget, request: &ChatRequest) -> Option<String> {
        if !self.is_on() || request.options.temperature != Some(0.0) {
            return None;
        }
        let memo = (
            target.model.clone(),
            Arc::as_ptr(&target.backend).cast::<()>() as usize,
        );
        let known = self
            .lock()
            .get(&memo)
            .filter(|(at, _)| at.elapsed() < IDENTITY_FRESH)
            .map(|(_, identity)| identity.clone());
        if let Some(identity) = known {
            return identity;
        }
        let identity = target.backend.model_identity(&target.model).await;
        self.lock().insert(memo, (Instant::now(), identity.clone()));
        identity
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Identities> {
        self.identities
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Known model identities by (model, backend address), with when they were asked.
type Identities = HashMap<(String, usize), (Instant, Option<String>)>;

/// The cache's part in one model request.
pub enum Lookup {
    /// Not cacheable: the model is asked and nothing is kept.
    Off,
    /// Kept: replayed, no request sent.
    Hit(Option<CachedAnswer>),
    /// Cacheable and not kept: the model is asked and its complete answer kept under `key`.
    Miss { key: String, recorder: Recorder },
}

impl Lookup {
    /// Looks `request` up (after [`CachePolicy::identity`] gave `identity`).
    pub fn start(
        store: &Store,
        target: &ModelTarget,
        request: &ChatRequest,
        identity: Option<String>,
    ) -> Self {
        let (Some(identity), Some(ttl)) = (identity, target.cache.ttl) else {
            return Lookup::Off;
        };
        let key = request_key(&target.backend_name, &identity, request);
        let now = now_ms();
        let fresh_since = now.saturating_sub(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
        match store.cached_answer(&key, fresh_since, now) {
            Ok(Some(json)) => match serde_json::from_str::<CachedAnswer>(&json) {
                Ok(answer) => return Lookup::Hit(Some(answer)),
                Err(error) => tracing::warn!(%error, "a cached answer could not be read"),
            },
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(%error, "the answer cache could not be read");
                return Lookup::Off;
            }
        }
        Lookup::Miss {
            key,
            recorder: Recorder::default(),
        }
    }

    /// The kept answer as a stream, for a hit (once); `None` means: ask the model.
    pub fn replay(&mut self) -> Option<ChatStream> {
        match self {
            Lookup::Hit(answer) => answer.take().map(CachedAnswer::into_stream),
            _ => None,
        }
    }

    /// What the cache did, for the event and the `model_calls` row.
    pub fn outcome(&self) -> Option<CacheOutcome> {
        match self {
            Lookup::Off => None,
            Lookup::Hit(_) => Some(CacheOutcome::Hit),
            Lookup::Miss { .. } => Some(CacheOutcome::Miss),
        }
    }

    /// Notes one event the model streamed (a miss records it).
    pub fn observe(&mut self, event: &ChatEvent) {
        if let Lookup::Miss { recorder, .. } = self {
            recorder.observe(event);
        }
    }

    /// After the stream: a miss whose answer is `complete` (it ended with done, nothing failed,
    /// was cancelled or cut) is kept; expired answers are purged.
    pub fn keep(self, store: &Store, target: &ModelTarget, complete: bool) {
        let (Lookup::Miss { key, recorder }, Some(ttl)) = (self, target.cache.ttl) else {
            return;
        };
        let Some(answer) = recorder.finish().filter(|_| complete) else {
            return;
        };
        let now = now_ms();
        let json = match serde_json::to_string(&answer) {
            Ok(json) => json,
            Err(error) => {
                tracing::warn!(%error, "an answer could not be cached");
                return;
            }
        };
        let expired = now.saturating_sub(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
        let kept = store
            .keep_answer(&key, &target.backend_name, &target.model, &json, now)
            .and_then(|()| store.purge_model_cache(expired));
        if let Err(error) = kept {
            tracing::warn!(%error, "an answer could not be cached");
        }
    }
}

#[cfg(test)]
mod tests;
