//! `/v1/models…` and `/v1/machine`: the model operations of `agent models` (list, show, probe,
//! recommend, pull) over HTTP. Each handler calls the function the CLI command calls, on the
//! blocking pool (they run their own runtimes), and answers its data as JSON; a pull streams
//! its progress as server-sent events.
//!
//! A pull whose client goes away (or that a stop of the server ends) is stopped where it is:
//! a GGUF leaves only its `.part` file and Ollama its partial layers, which the next pull of the
//! same name resumes; nothing half-fetched is ever where a model is looked for. One pull per
//! model (or GGUF file) at a time: a second gets 409 while the first runs or winds down.

use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use agent_models::ModelError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};
use utoipa::{IntoParams, ToSchema};

use crate::models::list::{ModelsReport, details, fetch};
use crate::models::machine::{machine_profile, recommendation};
use crate::models::pull::{PullSource, PullUpdate, Pulled, pull as pull_model};
use crate::serve::error::{ApiError, ApiJson, ApiQuery};
use crate::serve::metrics::StreamGuard;
use crate::serve::state::SharedState;

/// How often an idle pull stream writes a comment (how soon a departed client is noticed).
const PULL_HEARTBEAT: Duration = Duration::from_secs(1);

/// The least time between two progress events of a pull.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(250);

/// Runs `work` (blocking, with its own runtime) on the blocking pool. Its errors get the status
/// of their exit class; a model backend that failed or could not be reached is 502.
async fn blocking<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> anyhow::Result<T> + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(model_error(&error)),
        Err(_) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request's work stopped unexpectedly",
            None,
        )),
    }
}

/// An error of a model operation as the API answers it: a bad parameter is 400, a model not
/// found 404, a backend that failed 502.
fn model_error(error: &anyhow::Error) -> ApiError {
    let mut answer = ApiError::from_anyhow(error, StatusCode::BAD_REQUEST);
    let backend_failed = error
        .chain()
        .any(|cause| cause.downcast_ref::<ModelError>().is_some());
    if answer.status == StatusCode::INTERNAL_SERVER_ERROR && backend_failed {
        answer.status = StatusCode::BAD_GATEWAY;
    }
    answer
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Answer the registry as cached, without asking the backends.
    #[serde(default)]
    pub cached: bool,
}

#[utoipa::path(get, path = "/v1/models", tag = "models", params(ListParams),
    responses((status = 200, body = ModelsReport, description = "every backend's models, as `agent models list --json`: the backends that answered are refreshed in the cache, the others (in `unreachable`) are shown as cached; with `cached=true` only the cache, none asked"),
        (status = 400, body = crate::serve::error::ErrorBody)))]
pub async fn list(
    State(state): State<SharedState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<ModelsReport>, ApiError> {
    if params.cached {
        let models = state.stores.run(|store| Ok(store.registry(None)?)).await?;
        return Ok(Json(ModelsReport {
            models,
            unreachable: Vec::new(),
        }));
    }
    // Backends are asked without a store connection; the answers are cached with one.
    let asking = state.clone();
    let fetched = blocking(move || fetch(&asking.app, &asking.resolved)).await?;
    let report = state.stores.run(move |store| fetched.cache(store)).await?;
    Ok(Json(report))
}

#[utoipa::path(get, path = "/v1/models/{name}", tag = "models",
    params(("name" = String, Path, description = "an Ollama model (`qwen2.5-coder:7b`), or a GGUF file of the models directory")),
    responses((status = 200, body = Object, description = "what `agent models show NAME --json` prints: a GGUF's header, or what Ollama says of the model"),
        (status = 400, body = crate::serve::error::ErrorBody),
        (status = 404, body = crate::serve::error::ErrorBody, description = "no such model"),
        (status = 422, body = crate::serve::error::ErrorBody, description = "the file is not a GGUF model"),
        (status = 502, body = crate::serve::error::ErrorBody, description = "the backend could not be asked")))]
pub async fn show(
    State(state): State<SharedState>,
    Path(name): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let path = std::path::Path::new(&name);
    if path.is_absolute() || path.components().any(|c| c.as_os_str() == "..") {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("`{name}` is not a model name"),
            Some("name an Ollama model or a GGUF file of the models directory".to_string()),
        ));
    }
    let details = blocking(move || details(&state.app, &state.resolved, &name, None)).await?;
    Ok(Json(details))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MachineParams {
    /// Measure the memory's read bandwidth (a few seconds); `false` skips it.
    #[serde(default = "yes")]
    pub bandwidth: bool,
}

fn yes() -> bool {
    true
}

#[utoipa::path(get, path = "/v1/machine", tag = "models", params(MachineParams),
    responses((status = 200, body = Object, description = "this machine's hardware profile (CPU, memory, GPUs), as `agent models probe --json`")))]
pub async fn machine(
    ApiQuery(params): ApiQuery<MachineParams>,
) -> Result<Json<agent_models::hardware::HardwareProfile>, ApiError> {
    let profile = blocking(move || Ok(machine_profile(params.bandwidth))).await?;
    Ok(Json(profile))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RecommendParams {
    /// Tokens of context to plan for [default: model.context_length].
    pub context: Option<u32>,
    /// Consider every family, not coder models first.
    #[serde(default)]
    pub any_family: bool,
}

#[utoipa::path(get, path = "/v1/models/recommend", tag = "models", params(RecommendParams),
    responses((status = 200, body = Object, description = "the memory budget, the model that fits best (`best`, null when none fits) and the alternatives, as `agent models recommend --json`"),
        (status = 400, body = crate::serve::error::ErrorBody)))]
pub async fn recommend(
    State(state): State<SharedState>,
    ApiQuery(params): ApiQuery<RecommendParams>,
) -> Result<Json<agent_models::recommend::Recommendation>, ApiError> {
    let context = params
        .context
        .unwrap_or(state.resolved.config.model.context_length);
    if context == 0 {
        return Err(ApiError::bad_request("context must be at least 1 token"));
    }
    let plan = state
        .stores
        .run(move |store| recommendation(context, params.any_family, store))
        .await?;
    Ok(Json(plan))
}

/// What to pull.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PullBody {
    /// An Ollama model (`qwen2.5-coder:7b`), or a GGUF: an https:// URL or
    /// `owner/repo/file.gguf` on Hugging Face.
    pub name: String,
    /// The SHA-256 (hex) a GGUF must have.
    #[serde(default)]
    pub sha256: Option<String>,
}

/// One event of a pull's stream. Progress events have `done: false`; the last event has
/// `done: true` and either `result` (the pull worked) or `error` (it did not).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PullEvent {
    /// The step: `pulling manifest`, `pulling <digest>`, `downloading <file>`, `success`, or
    /// `error` on the last event of a failed pull.
    pub status: String,
    /// The Ollama layer being fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Bytes of the file or layer fetched so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<u64>,
    /// Bytes of the file or layer in all, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Whether this is the last event.
    pub done: bool,
    /// What `agent models pull --json` prints, on success.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    /// What went wrong, on failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What to do about it, when agent knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The HTTP status the failure would have had as a plain answer (404: no such model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
}

impl PullEvent {
    fn progress(update: PullUpdate) -> Self {
        Self {
            status: update.status,
            digest: update.digest,
            completed: update.completed,
            total: update.total,
            done: false,
            result: None,
            error: None,
            hint: None,
            code: None,
        }
    }

    fn finished(pulled: &Pulled) -> Self {
        Self {
            result: Some(pulled.to_json()),
            done: true,
            ..Self::progress(PullUpdate {
                status: "success".to_string(),
                digest: None,
                completed: None,
                total: None,
            })
        }
    }

    fn failed(error: &anyhow::Error) -> Self {
        let answer = model_error(error);
        Self {
            done: true,
            error: Some(answer.body.error),
            hint: answer.body.hint,
            code: Some(answer.status.as_u16()),
            ..Self::progress(PullUpdate {
                status: "error".to_string(),
                digest: None,
                completed: None,
                total: None,
            })
        }
    }
}

/// The pulls running in this process, by [`PullSource::key`].
static PULLING: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);

/// A pull's place in [`PULLING`], given up when dropped.
struct PullClaim(String);

impl PullClaim {
    /// The claim on `key`; `None` while another pull holds it.
    fn take(key: String) -> Option<Self> {
        let taken = PULLING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.clone());
        // Made only when taken: a claim's drop takes the lock again and gives up its key.
        if taken { Some(Self(key)) } else { None }
    }
}

impl Drop for PullClaim {
    fn drop(&mut self) {
        PULLING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.0);
    }
}

#[utoipa::path(post, path = "/v1/models/pull", tag = "models", request_body = PullBody,
    responses((status = 200, body = PullEvent, content_type = "text/event-stream", description = "text/event-stream of `PullEvent`s as the pull goes, as `agent models pull` shows them; it ends after the event with `done: true`. A client that goes away stops the pull (the next pull resumes it)."),
        (status = 400, body = crate::serve::error::ErrorBody, description = "neither a GGUF reference nor an Ollama model name"),
        (status = 409, body = crate::serve::error::ErrorBody, description = "the same model is being pulled"),
        (status = 503, body = crate::serve::error::ErrorBody, description = "the server is stopping")))]
pub async fn pull(
    State(state): State<SharedState>,
    ApiJson(body): ApiJson<PullBody>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    super::tasks::refuse_when_stopping(&state)?;
    let PullBody { name, sha256 } = body;
    let source = PullSource::parse(&state.app, &name).map_err(|error| model_error(&error))?;
    let claim = PullClaim::take(source.key()).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            format!("`{name}` is being pulled already"),
            Some("wait for that pull to end, then ask again".to_string()),
        )
    })?;
    let (events, receiver) = mpsc::unbounded_channel();
    let stream = PullStream {
        receiver,
        stopping: state.stopping_signal(),
        backlog: VecDeque::new(),
        sent_at: None,
        done: false,
        guard: state.metrics.stream_opened(),
    };
    tokio::task::spawn_blocking(move || {
        let _claim = claim;
        let outcome = pull_model(
            &state.app,
            &state.resolved,
            None,
            &source,
            sha256,
            |update| {
                let _ = events.send(PullEvent::progress(update));
            },
            // The stream is gone: its client left, or the server stops.
            events.closed(),
        );
        let last = match outcome {
            Ok(pulled) => PullEvent::finished(&pulled),
            Err(error) => {
                tracing::info!(model = %name, error = %format!("{error:#}"), "pull ended without the model");
                PullEvent::failed(&error)
            }
        };
        let _ = events.send(last);
    });
    // A client that left is noticed only when something is written to it: a pull that stalls
    // writes a comment every second, so a stalled pull whose client left stops at once.
    Ok(
        Sse::new(futures_util::stream::unfold(stream, PullStream::next))
            .keep_alive(KeepAlive::new().interval(PULL_HEARTBEAT)),
    )
}

/// A pull's events until the last one (or a stop of the server). Progress comes at most every
/// [`PROGRESS_INTERVAL`]: what arrived meanwhile is sent as each step's latest event.
struct PullStream {
    receiver: mpsc::UnboundedReceiver<PullEvent>,
    stopping: watch::Receiver<bool>,
    backlog: VecDeque<PullEvent>,
    /// When the last progress event went out.
    sent_at: Option<Instant>,
    done: bool,
    #[allow(dead_code)]
    guard: StreamGuard,
}

impl PullStream {
    async fn next(mut self) -> Option<(Result<SseEvent, Infallible>, Self)> {
        loop {
            if let Some(event) = self.backlog.pop_front() {
                self.done = event.done;
                if !event.done {
                    self.sent_at = Some(Instant::now());
                }
                let sse = SseEvent::default()
                    .json_data(&event)
                    .unwrap_or_else(|_| SseEvent::default().comment("unencodable event"));
                return Some((Ok(sse), self));
            }
            if self.done {
                return None;
            }
            let first = tokio::select! {
                event = self.receiver.recv() => event?,
                _ = self.stopping.changed() => return None,
            };
            let wait = self.sent_at.map_or(Duration::ZERO, |at| {
                PROGRESS_INTERVAL.saturating_sub(at.elapsed())
            });
            if !first.done && !wait.is_zero() {
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    _ = self.stopping.changed() => return None,
                }
            }
            self.queue(first);
            while let Ok(more) = self.receiver.try_recv() {
                self.queue(more);
            }
        }
    }

    /// Queues `event`, replacing a queued progress event of the same step.
    fn queue(&mut self, event: PullEvent) {
        if let Some(last) = self.backlog.back_mut()
            && !last.done
            && !event.done
            && last.status == event.status
            && last.digest == event.digest
        {
            *last = event;
            return;
        }
        self.backlog.push_back(event);
    }
}
