//! What every handler shares: the session, a pool of store connections, the token, the
//! settings and the metrics.

use std::sync::{Arc, Mutex, PoisonError};

use agent_core::config::ResolvedConfig;
use agent_core::session::Session;
use agent_core::store::Store;
use axum::http::StatusCode;
use tokio::sync::watch;

use super::error::ApiError;
use super::metrics::Metrics;
use super::rate::RateLimiter;
use super::token::Token;
use crate::app::App;
use crate::session::FlagModels;

/// The state behind every route.
pub struct ServerState {
    pub app: App,
    /// The user's configuration (no repository's): the server's settings and the defaults.
    pub resolved: ResolvedConfig,
    pub session: Session,
    pub models: Arc<FlagModels>,
    pub stores: Arc<StorePool>,
    /// Answers of read-only routes while the database is unchanged.
    pub cache: super::cache::ReadCache,
    pub token: Token,
    pub metrics: Metrics,
    pub limiter: RateLimiter,
    /// Web origins whose pages may call the API.
    pub cors_origins: Vec<String>,
    /// The address the server listens on (its own pages' origin).
    pub local_addr: std::net::SocketAddr,
    /// Set once a stop began: streams end, new tasks are refused.
    pub stopping: watch::Sender<bool>,
    /// Conversations with a turn in progress (one at a time each).
    pub busy_conversations: Mutex<std::collections::HashSet<String>>,
    /// GitHub webhooks: the secret and the served repositories; `None` when they are off.
    pub webhooks: Option<Arc<super::webhooks::Webhooks>>,
}

impl ServerState {
    /// Whether a stop began.
    pub fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// Changes once when a stop begins.
    pub fn stopping_signal(&self) -> watch::Receiver<bool> {
        self.stopping.subscribe()
    }
}

pub type SharedState = Arc<ServerState>;

/// Store connections for handlers, at most [`CONNECTIONS`] at once and kept for reuse: under
/// load, requests queue for a connection instead of each opening its own (memory stays flat).
/// Every query runs on tokio's blocking pool, never on the threads that serve connections.
pub struct StorePool {
    idle: Mutex<Vec<Store>>,
    permits: tokio::sync::Semaphore,
    open: Box<dyn Fn() -> anyhow::Result<Store> + Send + Sync>,
}

/// Connections used at once (SQLite reads in WAL mode run in parallel; more than a few per core
/// only adds memory).
pub const CONNECTIONS: usize = 4;

impl StorePool {
    pub fn new(open: impl Fn() -> anyhow::Result<Store> + Send + Sync + 'static) -> Self {
        Self {
            idle: Mutex::default(),
            permits: tokio::sync::Semaphore::new(CONNECTIONS),
            open: Box::new(open),
        }
    }

    /// Runs `work` with a connection on the blocking pool, once one is free.
    pub async fn run<T, F>(self: &Arc<Self>, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> anyhow::Result<T> + Send + 'static,
    {
        let Ok(_permit) = self.permits.acquire().await else {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is stopping",
                None,
            ));
        };
        let pool = self.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let mut store = match pool.take() {
                Some(store) => store,
                None => (pool.open)()?,
            };
            let result = work(&mut store);
            pool.give_back(store);
            result
        })
        .await;
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(ApiError::from(error)),
            Err(_) => Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the request's database work stopped unexpectedly",
                None,
            )),
        }
    }

    fn take(&self) -> Option<Store> {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
    }

    fn give_back(&self, store: Store) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < CONNECTIONS {
            idle.push(store);
        }
    }
}
