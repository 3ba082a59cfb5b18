//! `/v1/conversations` and `/v1/search`: list (cursor pages), search, read and create
//! conversations, fetch attachments, and run a chat turn on a conversation, its events streamed
//! back as server-sent events until the turn ends.

use std::convert::Infallible;
use std::path::PathBuf;

use agent_core::config::Approval;
use agent_core::protocol::{ChatSpec, Event, Op};
use agent_core::session::EventReceiver;
use agent_core::store::{
    Conversation, ConversationSummary, ListQuery, Message, Page, SearchHit, SearchQuery,
};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use utoipa::{IntoParams, ToSchema};

use super::events::HEARTBEAT;
use super::tasks::refuse_when_stopping;
use crate::serve::error::{ApiError, ApiJson, ApiQuery, JsonOrDefault, absolute_path};
use crate::serve::metrics::StreamGuard;
use crate::serve::state::SharedState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// At most this many (1–200) [default: 20].
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only conversations in this repository (its root).
    pub repo: Option<String>,
}

/// A page of conversations, most recently updated first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationPage {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<ConversationSummary>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/conversations", params(ListParams), tag = "conversations",
    responses((status = 200, body = ConversationPage), (status = 400, body = crate::serve::error::ErrorBody)))]
pub async fn list(
    State(state): State<SharedState>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<ConversationPage>, ApiError> {
    let query = ListQuery {
        limit: params.limit.unwrap_or(20).clamp(1, 200),
        cursor: params.cursor,
        repo: params.repo,
        ..ListQuery::default()
    };
    let Page { items, next_cursor } = state
        .stores
        .run(move |store| Ok(store.list_conversations(&query)?))
        .await?;
    Ok(Json(ConversationPage { items, next_cursor }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// The words to look for; a word ending in `*` matches as a prefix.
    pub q: String,
    /// At most this many hits (1–100) [default: 20].
    pub limit: Option<u32>,
    /// Only conversations in this repository.
    pub repo: Option<String>,
}

/// Messages matching a search, exact phrases first. Matches inside `snippet` are between
/// U+0002 and U+0003.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    #[schema(value_type = Vec<Object>)]
    pub hits: Vec<SearchHit>,
}

#[utoipa::path(get, path = "/v1/search", params(SearchParams), tag = "conversations",
    responses((status = 200, body = SearchResults), (status = 400, body = crate::serve::error::ErrorBody)))]
pub async fn search(
    State(state): State<SharedState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    let query = SearchQuery {
        text: params.q,
        limit: params.limit.unwrap_or(20).clamp(1, 100),
        repo: params.repo,
    };
    let hits = state
        .stores
        .run(move |store| Ok(store.search_messages(&query)?))
        .await?;
    Ok(Json(SearchResults { hits }))
}

/// A conversation with its messages, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationBody {
    #[schema(value_type = Object)]
    pub conversation: Conversation,
    #[schema(value_type = Vec<Object>)]
    pub messages: Vec<Message>,
}

#[utoipa::path(get, path = "/v1/conversations/{id}", tag = "conversations",
    params(("id" = String, Path, description = "a conversation id or a unique prefix")),
    responses((status = 200, body = ConversationBody), (status = 404, body = crate::serve::error::ErrorBody)))]
pub async fn show(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Json<ConversationBody>, ApiError> {
    let body = state
        .stores
        .run(move |store| {
            let id = store.resolve_conversation_id(&id)?;
            Ok(ConversationBody {
                conversation: store.conversation(&id)?,
                messages: store.messages(&id)?,
            })
        })
        .await?;
    Ok(Json(body))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConversation {
    #[serde(default)]
    pub title: Option<String>,
    /// The repository its chat works on (an absolute path); without one the chat has no tools.
    #[serde(default)]
    pub repo: Option<String>,
}

#[utoipa::path(post, path = "/v1/conversations", tag = "conversations", request_body = CreateConversation,
    responses((status = 201, body = Object), (status = 422, body = crate::serve::error::ErrorBody)))]
pub async fn create(
    State(state): State<SharedState>,
    JsonOrDefault(body): JsonOrDefault<CreateConversation>,
) -> Result<(StatusCode, Json<Conversation>), ApiError> {
    let repo = match &body.repo {
        Some(path) => Some(repository_root(path)?),
        None => None,
    };
    let title = body.title.unwrap_or_default();
    let conversation = state
        .stores
        .run(move |store| {
            let repo = repo.map(|root| root.display().to_string());
            Ok(store.create_conversation(&title, repo.as_deref())?)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(conversation)))
}

/// The root of the git repository at `path` (absolute), or a 422 with the CLI's hint.
fn repository_root(path: &str) -> Result<PathBuf, ApiError> {
    let path = absolute_path(path)?;
    agent_core::git::repository_root(&path).map_err(|error| {
        ApiError::from_anyhow(&anyhow::Error::new(error), StatusCode::UNPROCESSABLE_ENTITY)
    })
}

#[utoipa::path(get, path = "/v1/attachments/{sha256}", tag = "conversations",
    params(("sha256" = String, Path, description = "the attachment's SHA-256, hex")),
    responses((status = 200, description = "the attachment's bytes, with its media type"),
        (status = 404, body = crate::serve::error::ErrorBody)))]
pub async fn attachment(
    State(state): State<SharedState>,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    let key = sha256.clone();
    let found = state
        .stores
        .run(move |store| {
            let Some(meta) = store.attachment(&key)? else {
                return Ok(None);
            };
            Ok(Some((meta, store.read_attachment(&key)?)))
        })
        .await?;
    let Some((meta, bytes)) = found else {
        return Err(ApiError::not_found("attachment", &sha256));
    };
    let media_type = meta
        .media_type
        .unwrap_or_else(|| "application/octet-stream".to_string());
    Ok((
        [
            (header::CONTENT_TYPE, media_type),
            // Never rendered as a page of this origin, whatever its type claims.
            (header::CONTENT_DISPOSITION, "attachment".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// A message for the conversation's chat.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TurnBody {
    pub text: String,
    /// The model [default: the server's]; applies from this turn on.
    #[serde(default)]
    pub model: Option<String>,
    /// auto, on-write, on-command or always [default: chat.approval].
    #[serde(default)]
    pub approval: Option<String>,
    /// Skip the answer cache (temperature-0 requests asked of the model, nothing kept) from
    /// this turn on; `false` uses it again [default: as before, else cache.enabled].
    #[serde(default)]
    pub no_cache: Option<bool>,
}

#[utoipa::path(post, path = "/v1/conversations/{id}/turns", tag = "conversations", request_body = TurnBody,
    params(("id" = String, Path, description = "a conversation id or a unique prefix")),
    responses((status = 200, description = "text/event-stream of the turn's events, ending with turn_end"),
        (status = 404, body = crate::serve::error::ErrorBody),
        (status = 409, body = crate::serve::error::ErrorBody)))]
pub async fn turn(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<TurnBody>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    refuse_when_stopping(&state)?;
    if body.text.trim().is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the message is empty",
            None,
        ));
    }
    let approval = match body.approval.as_deref() {
        Some(name) => Some(Approval::from_name(name).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("unknown approval policy `{name}`"),
                Some("one of: auto, on-write, on-command, always".to_string()),
            )
        })?),
        None => None,
    };
    let conversation = state
        .stores
        .run(move |store| {
            let id = store.resolve_conversation_id(&id)?;
            Ok(store.conversation(&id)?)
        })
        .await?;
    let busy = BusyConversation::claim(&state, &conversation.id).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "this conversation has a turn in progress",
            Some("wait for its turn_end, then send the next message".to_string()),
        )
    })?;
    let chat_id = format!("http-{}", conversation.id);
    // Subscribe before the turn starts: its first event must not be missed.
    let live = state.session.subscribe();
    let worker = state.clone();
    let opened_chat = chat_id.clone();
    let text = body.text;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let session = &worker.session;
        if session.has_chat(&opened_chat) {
            if body.model.is_some() || approval.is_some() || body.no_cache.is_some() {
                session.submit(Op::ConfigureChat {
                    chat_id: opened_chat.clone(),
                    model: body.model,
                    approval,
                    no_cache: body.no_cache,
                })?;
            }
        } else {
            let bare = conversation.repo.is_none();
            let repo = conversation
                .repo
                .clone()
                .map_or_else(|| worker.app.paths.data_dir.clone(), PathBuf::from);
            session.submit(Op::OpenChat {
                chat_id: opened_chat.clone(),
                spec: ChatSpec {
                    repo,
                    resume: Some(conversation.id.clone()),
                    model: body.model,
                    approval,
                    bare,
                    system: None,
                    answers_approvals: true,
                    no_cache: body.no_cache.unwrap_or(false),
                },
            })?;
        }
        session.submit(Op::UserTurn {
            chat_id: opened_chat,
            text,
        })?;
        Ok(())
    })
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "starting the turn stopped unexpectedly",
            None,
        )
    })?
    .map_err(|error| ApiError::from_anyhow(&error, StatusCode::UNPROCESSABLE_ENTITY))?;
    let stream = TurnStream {
        guard: state.metrics.stream_opened(),
        stopping: state.stopping_signal(),
        chat_id,
        live,
        done: false,
        busy,
    };
    Ok(
        Sse::new(futures_util::stream::unfold(stream, TurnStream::next))
            .keep_alive(KeepAlive::new().interval(HEARTBEAT)),
    )
}

/// A turn stopped.
#[derive(Debug, Serialize, ToSchema)]
pub struct Interrupted {
    pub conversation_id: String,
}

#[utoipa::path(post, path = "/v1/conversations/{id}/interrupt", tag = "conversations",
    params(("id" = String, Path, description = "a conversation id or a unique prefix")),
    responses((status = 202, body = Interrupted, description = "the turn stops; its stream ends with turn_end (cancelled)"),
        (status = 404, body = crate::serve::error::ErrorBody),
        (status = 409, body = crate::serve::error::ErrorBody)))]
pub async fn interrupt(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Interrupted>), ApiError> {
    let conversation_id = state
        .stores
        .run(move |store| Ok(store.resolve_conversation_id(&id)?))
        .await?;
    let busy = state
        .busy_conversations
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .contains(&conversation_id);
    let chat_id = format!("http-{conversation_id}");
    if !busy || !state.session.has_chat(&chat_id) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "this conversation has no turn in progress",
            None,
        ));
    }
    state.session.submit(Op::Interrupt { chat_id })?;
    Ok((StatusCode::ACCEPTED, Json(Interrupted { conversation_id })))
}

/// The events of one chat turn, up to its `turn_end`. A client that goes away does not stop the
/// turn; the conversation takes the next message once the turn ends.
struct TurnStream {
    chat_id: String,
    live: EventReceiver,
    stopping: watch::Receiver<bool>,
    done: bool,
    busy: BusyConversation,
    #[allow(dead_code)]
    guard: StreamGuard,
}

impl TurnStream {
    async fn next(mut self) -> Option<(Result<SseEvent, Infallible>, Self)> {
        if self.done {
            return None;
        }
        loop {
            tokio::select! {
                envelope = self.live.recv() => {
                    let envelope = envelope?;
                    if envelope.chat_id.as_deref() != Some(self.chat_id.as_str()) {
                        continue;
                    }
                    if matches!(envelope.event, Event::TurnEnd { .. }) {
                        self.done = true;
                        self.busy.release();
                    }
                    let event = SseEvent::default()
                        .json_data(&envelope)
                        .unwrap_or_else(|_| SseEvent::default().comment("unencodable event"));
                    return Some((Ok(event), self));
                }
                _ = self.stopping.changed() => return None,
            }
        }
    }
}

/// A conversation marked as having a turn in progress; unmarked when the turn ends, or when
/// the stream is dropped.
struct BusyConversation {
    state: SharedState,
    id: Option<String>,
}

impl BusyConversation {
    fn claim(state: &SharedState, id: &str) -> Option<Self> {
        let mut busy = state
            .busy_conversations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        busy.insert(id.to_string()).then(|| Self {
            state: state.clone(),
            id: Some(id.to_string()),
        })
    }

    fn release(&mut self) {
        if let Some(id) = self.id.take() {
            self.state
                .busy_conversations
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&id);
        }
    }
}

impl Drop for BusyConversation {
    fn drop(&mut self) {
        // A stream dropped mid-turn (the client left): the turn goes on in the chat, whose
        // queue takes the next message after it.
        self.release();
    }
}
