//! [`BudgetGuard`]: the budgets in front of a model backend, so that no request — a task's, a
//! chat's, `agent pr review`'s, the tool-calling check's — is sent once a day's tokens or a
//! month's cost are spent. Every model the binary sets up is wrapped in one; the turn loop asks
//! it first ([`ChatBackend::admit`]) so that it can stop before it announces the request.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use agent_models::{
    ChatBackend, ChatRequest, ChatStream, IdentityFuture, ModelError, estimate_prompt_tokens,
};

use super::check::{PendingRequest, check_request};
use crate::config::{BudgetConfig, Prices, price_key};
use crate::store::{Store, StoreOptions};
use crate::time::now_ms;
use crate::turn::LimitHit;

/// The error a [`BudgetGuard`] refuses a request with (inside [`ModelError::Refused`]).
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.detail)]
pub struct BudgetRefusal(pub LimitHit);

/// The budget `error` stands for, when a [`BudgetGuard`] refused the request.
pub fn refusal(error: &ModelError) -> Option<&LimitHit> {
    match error {
        ModelError::Refused(inner) => inner.downcast_ref::<BudgetRefusal>().map(|r| &r.0),
        _ => None,
    }
}

/// A backend whose requests are checked against the day's and the month's budgets, read from
/// the store (every process counts against the same budgets). The task budget is the turn
/// loop's ([`crate::task::ModelGate`]): only it knows what its task has used.
pub struct BudgetGuard {
    inner: Arc<dyn ChatBackend>,
    /// `ollama`, `openai` or `local`, as prices name it.
    backend_name: String,
    budget: BudgetConfig,
    prices: Prices,
    database: PathBuf,
    options: StoreOptions,
    /// Opened at the first request that a budget applies to.
    store: Mutex<Option<Store>>,
}

impl BudgetGuard {
    /// `inner` behind `budget` (its task budget is not this guard's) at `prices`, usage read
    /// from the database at `database`.
    pub fn new(
        inner: Arc<dyn ChatBackend>,
        backend_name: &str,
        budget: BudgetConfig,
        prices: Prices,
        database: PathBuf,
        options: StoreOptions,
    ) -> Self {
        Self {
            inner,
            backend_name: backend_name.to_string(),
            budget: BudgetConfig {
                task_tokens: 0,
                ..budget
            },
            prices,
            database,
            options,
            store: Mutex::new(None),
        }
    }

    /// Whether any budget could stop a request to `model`: no store is opened otherwise.
    fn applies(&self, model: &str) -> bool {
        self.budget.daily_tokens > 0
            || (self.budget.monthly_cost.micros > 0
                && self
                    .prices
                    .get(&price_key(&self.backend_name, model))
                    .is_some_and(|price| !price.is_free()))
    }

    /// The budget `request` would cross, if any.
    fn check(&self, request: &ChatRequest) -> Result<Option<LimitHit>, ModelError> {
        if !self.applies(&request.model) {
            return Ok(None);
        }
        let mut slot = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            *slot = Some(Store::open(&self.database, &self.options).map_err(unreadable)?);
        }
        let Some(store) = slot.as_ref() else {
            return Ok(None);
        };
        let pending = PendingRequest {
            backend: &self.backend_name,
            model: &request.model,
            session_tokens: 0,
            estimated_prompt_tokens: u64::from(estimate_prompt_tokens(request)),
        };
        check_request(store, &self.budget, &self.prices, &pending, now_ms()).map_err(unreadable)
    }
}

/// A store that cannot be read to check the budgets refuses the request: a budget that cannot
/// be checked is not skipped.
fn unreadable(error: crate::Error) -> ModelError {
    ModelError::Refused(Box::new(error))
}

impl ChatBackend for BudgetGuard {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    fn admit(&self, request: &ChatRequest) -> Result<(), ModelError> {
        if let Some(hit) = self.check(request)? {
            return Err(ModelError::Refused(Box::new(BudgetRefusal(hit))));
        }
        self.inner.admit(request)
    }

    fn chat(&self, request: ChatRequest) -> ChatStream {
        match self.admit(&request) {
            Ok(()) => self.inner.chat(request),
            Err(refused) => Box::pin(futures_util::stream::once(std::future::ready(Err(refused)))),
        }
    }

    fn model_identity<'a>(&'a self, model: &'a str) -> IdentityFuture<'a> {
        self.inner.model_identity(model)
    }
}
