//! Event streams (server-sent events): one task's (`id:` is the event's `seq`) and every task's
//! (`id:` is the event's position in the store's feed), both resumable with `Last-Event-ID`
//! and replayed from the store, then live from the session. A task run by another agent process
//! is followed by reading the store. A client that goes away drops its stream and costs nothing.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use agent_core::protocol::{Event, EventEnvelope};
use agent_core::session::EventReceiver;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::Stream;
use serde::Deserialize;
use tokio::sync::watch;
use utoipa::IntoParams;

use crate::serve::error::{ApiError, ApiQuery};
use crate::serve::metrics::StreamGuard;
use crate::serve::state::SharedState;

/// How often a stream whose task runs elsewhere reads the store.
const POLL: Duration = Duration::from_millis(500);
/// How often an idle stream sends a comment, so proxies and clients know it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// Events read from the store per query of the feed.
const FEED_BATCH: usize = 500;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StreamParams {
    /// Start after this position (the same as the `Last-Event-ID` header, which wins).
    pub after: Option<i64>,
}

/// Where a stream starts: the `Last-Event-ID` header, else `?after=`.
fn resume_point(headers: &HeaderMap, after: Option<i64>) -> Result<Option<i64>, ApiError> {
    match headers.get("last-event-id") {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|text| text.trim().parse::<i64>().ok())
            .filter(|position| *position >= 0)
            .map(Some)
            .ok_or_else(|| {
                ApiError::bad_request("Last-Event-ID is not an event id of this server")
            }),
        None => Ok(after),
    }
}

fn sse(envelope: &EventEnvelope, id: Option<i64>) -> SseEvent {
    let event = SseEvent::default()
        .json_data(envelope)
        .unwrap_or_else(|_| SseEvent::default().comment("unencodable event"));
    match id {
        Some(id) => event.id(id.to_string()),
        None => event,
    }
}

#[utoipa::path(get, path = "/v1/tasks/{id}/events", tag = "events",
    params(("id" = String, Path, description = "a task id or a unique prefix"), StreamParams,
        ("Last-Event-ID" = Option<i64>, Header, description = "the last `seq` received")),
    responses((status = 200, description = "text/event-stream of the task's events; ends after task_finished"),
        (status = 404, body = crate::serve::error::ErrorBody)))]
pub async fn task_events(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<StreamParams>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let after = resume_point(&headers, params.after)?.unwrap_or(0);
    // Subscribe before reading the store: every event is then in one or the other.
    let live = state.session.subscribe();
    // A task just submitted may not have its row yet: its id is known to the session.
    let task_id = if state.session.is_running(&id) {
        id
    } else {
        state
            .stores
            .run(move |store| Ok(store.resolve_task_id(&id)?))
            .await?
    };
    let stream = TaskStream {
        guard: state.metrics.stream_opened(),
        stopping: state.stopping_signal(),
        state,
        task_id,
        last: u64::try_from(after).unwrap_or(0),
        backlog: VecDeque::new(),
        live,
        replayed: false,
        done: false,
    };
    Ok(
        Sse::new(futures_util::stream::unfold(stream, TaskStream::next))
            .keep_alive(KeepAlive::new().interval(HEARTBEAT)),
    )
}

/// One task's events, in `seq` order, without repeats.
struct TaskStream {
    state: SharedState,
    task_id: String,
    /// The `seq` of the last event sent.
    last: u64,
    backlog: VecDeque<EventEnvelope>,
    live: EventReceiver,
    stopping: watch::Receiver<bool>,
    replayed: bool,
    done: bool,
    #[allow(dead_code)]
    guard: StreamGuard,
}

impl TaskStream {
    async fn next(mut self) -> Option<(Result<SseEvent, Infallible>, Self)> {
        loop {
            while let Some(envelope) = self.backlog.pop_front() {
                if envelope.seq <= self.last {
                    continue;
                }
                self.last = envelope.seq;
                if matches!(envelope.event, Event::TaskFinished { .. }) {
                    self.done = true;
                }
                let event = sse(&envelope, i64::try_from(envelope.seq).ok());
                return Some((Ok(event), self));
            }
            if self.done {
                return None;
            }
            if !self.replayed {
                self.replayed = true;
                self.read_store().await?;
                continue;
            }
            let running_here = self.state.session.is_running(&self.task_id);
            tokio::select! {
                envelope = self.live.recv() => match envelope {
                    Some(envelope) if envelope.task_id == self.task_id => {
                        self.backlog.push_back(envelope);
                        // Everything already queued, in one go.
                        while let Ok(more) = self.live.try_recv() {
                            if more.task_id == self.task_id {
                                self.backlog.push_back(more);
                            }
                        }
                    }
                    Some(_) => {}
                    None => return None,
                },
                () = tokio::time::sleep(POLL), if !running_here => {
                    self.read_store().await?;
                }
                _ = self.stopping.changed() => return None,
            }
        }
    }

    /// Queues the stored events after the last one sent; ends the stream (`None`) when the
    /// task is over and nothing is left to send, or the store cannot be read.
    async fn read_store(&mut self) -> Option<()> {
        let task_id = self.task_id.clone();
        let after = self.last;
        let (events, finished) = self
            .state
            .stores
            .run(move |store| {
                let events = store.task_events(&task_id, after)?;
                // No row yet: the task was submitted a moment ago.
                let finished = store
                    .task(&task_id)
                    .is_ok_and(|task| task.status.is_final());
                Ok((events, finished))
            })
            .await
            .ok()?;
        if events.is_empty() && finished && !self.state.session.is_running(&self.task_id) {
            // Over, and every event sent (a task ended by recovery has no task_finished).
            self.done = true;
        }
        self.backlog.extend(events);
        Some(())
    }
}

#[utoipa::path(get, path = "/v1/events", tag = "events",
    params(StreamParams,
        ("Last-Event-ID" = Option<i64>, Header, description = "the last feed position received")),
    responses((status = 200, description = "text/event-stream of every task's events (with `id:`) and every chat's (without)")))]
pub async fn all_events(
    State(state): State<SharedState>,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<StreamParams>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, ApiError> {
    let resume = resume_point(&headers, params.after)?;
    let live = state.session.subscribe();
    let cursor = match resume {
        Some(position) => position,
        // No resume point: only what happens from now on.
        None => state.stores.run(|store| Ok(store.feed_head()?)).await?,
    };
    let stream = FeedStream {
        guard: state.metrics.stream_opened(),
        stopping: state.stopping_signal(),
        state,
        cursor,
        backlog: VecDeque::new(),
        live,
        caught_up: false,
    };
    Ok(
        Sse::new(futures_util::stream::unfold(stream, FeedStream::next))
            .keep_alive(KeepAlive::new().interval(HEARTBEAT)),
    )
}

/// Every event: tasks' from the store's feed (so order and resumption are the store's), chats'
/// live as they come.
struct FeedStream {
    state: SharedState,
    /// The feed position of the last task event sent.
    cursor: i64,
    backlog: VecDeque<SseEvent>,
    live: EventReceiver,
    stopping: watch::Receiver<bool>,
    caught_up: bool,
    #[allow(dead_code)]
    guard: StreamGuard,
}

impl FeedStream {
    async fn next(mut self) -> Option<(Result<SseEvent, Infallible>, Self)> {
        loop {
            if let Some(event) = self.backlog.pop_front() {
                return Some((Ok(event), self));
            }
            if !self.caught_up {
                self.caught_up = self.read_feed().await?;
                continue;
            }
            tokio::select! {
                envelope = self.live.recv() => {
                    let envelope = envelope?;
                    let mut read = envelope.chat_id.is_none();
                    if !read {
                        self.backlog.push_back(sse(&envelope, None));
                    }
                    while let Ok(more) = self.live.try_recv() {
                        if more.chat_id.is_some() {
                            self.backlog.push_back(sse(&more, None));
                        } else {
                            read = true;
                        }
                    }
                    if read {
                        self.caught_up = self.read_feed().await?;
                    }
                }
                // Tasks of other agent processes reach the store, not this session.
                () = tokio::time::sleep(POLL * 2) => {
                    self.caught_up = self.read_feed().await?;
                }
                _ = self.stopping.changed() => return None,
            }
        }
    }

    /// Queues the next batch of the feed; true when the batch reached its end.
    async fn read_feed(&mut self) -> Option<bool> {
        let after = self.cursor;
        let events = self
            .state
            .stores
            .run(move |store| Ok(store.feed_events(after, FEED_BATCH)?))
            .await
            .ok()?;
        let complete = events.len() < FEED_BATCH;
        for (position, envelope) in events {
            self.cursor = position;
            self.backlog.push_back(sse(&envelope, Some(position)));
        }
        Some(complete)
    }
}
