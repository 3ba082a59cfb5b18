//! An event stream of `agent serve`, read as server-sent events (`eventsource-stream`) and
//! resumed with `Last-Event-ID` when the connection drops or goes quiet: no event is lost or
//! repeated. Each `data:` is one event envelope, exactly as `--json` prints it.

use std::pin::Pin;
use std::time::Duration;

use agent_core::protocol::EventEnvelope;
use anyhow::{Context, Result};
use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};

use super::client::{Server, StreamError};
use crate::exit::{Exit, UserError};

/// A stream that says nothing (the server's heartbeat comes every 15 s) for this long is dead.
const IDLE: Duration = Duration::from_secs(45);
/// Connections in a row that may fail (or end at once) before the stream is given up (about
/// half a minute of trying).
const ATTEMPTS: u32 = 10;

type Events = Pin<Box<dyn Stream<Item = Result<Event, EventStreamError<reqwest::Error>>> + Send>>;

/// One resumable event stream.
pub struct EventStream {
    server: Server,
    path: String,
    /// What to do when the stream is given up (e.g. how to follow the task otherwise).
    lost_hint: String,
    /// The `id:` of the last event received.
    last_id: Option<String>,
    events: Option<Events>,
    /// Connections made since the last event.
    attempts: u32,
    /// Why the last connection ended or failed.
    last_failure: String,
}

impl EventStream {
    pub fn new(server: Server, path: String, lost_hint: String) -> Self {
        Self {
            server,
            path,
            lost_hint,
            last_id: None,
            events: None,
            attempts: 0,
            last_failure: String::new(),
        }
    }

    /// The next event; `None` when the server ended the stream (whether that means the end
    /// is the caller's to judge; the next call connects again). Cancel-safe.
    pub async fn next(&mut self) -> Result<Option<EventEnvelope>> {
        loop {
            let Some(events) = self.events.as_mut() else {
                self.connect().await?;
                continue;
            };
            match tokio::time::timeout(IDLE, events.next()).await {
                Ok(Some(Ok(event))) => {
                    if event.data.trim().is_empty() {
                        continue;
                    }
                    let envelope: EventEnvelope =
                        serde_json::from_str(&event.data).with_context(|| {
                            format!(
                                "{} sent an event this agent does not understand",
                                self.server.url()
                            )
                        })?;
                    if !event.id.is_empty() {
                        self.last_id = Some(event.id);
                    }
                    self.attempts = 0;
                    return Ok(Some(envelope));
                }
                Ok(None) => {
                    self.events = None;
                    self.last_failure = "the server ended the stream".to_string();
                    return Ok(None);
                }
                Ok(Some(Err(error))) => {
                    tracing::debug!(%error, "event stream dropped; resuming");
                    self.last_failure = error.to_string();
                    self.events = None;
                }
                Err(_) => {
                    tracing::debug!("event stream silent; resuming");
                    self.last_failure = format!("nothing arrived for {} s", IDLE.as_secs());
                    self.events = None;
                }
            }
        }
    }

    /// Connects (again), waiting longer after each connection that brought nothing.
    async fn connect(&mut self) -> Result<()> {
        loop {
            if self.attempts >= ATTEMPTS {
                return Err(UserError {
                    message: format!(
                        "lost the event stream of agent serve at {} ({})",
                        self.server.url(),
                        self.last_failure
                    ),
                    hint: Some(self.lost_hint.clone()),
                    exit: Exit::Failure,
                }
                .into());
            }
            if self.attempts > 0 {
                tokio::time::sleep(backoff(self.attempts)).await;
            }
            self.attempts += 1;
            match self
                .server
                .open_stream(&self.path, self.last_id.as_deref())
                .await
            {
                Ok(response) => {
                    self.events = Some(Box::pin(response.bytes_stream().eventsource()));
                    return Ok(());
                }
                Err(StreamError::Retry(why)) => {
                    tracing::debug!(%why, "cannot open the event stream; trying again");
                    self.last_failure = why;
                }
                Err(StreamError::Fatal(error)) => return Err(error),
            }
        }
    }
}

/// The envelopes of an event stream that is read once (a chat turn's: it has no ids to resume
/// from).
pub fn envelopes(
    response: reqwest::Response,
) -> impl Stream<Item = Result<EventEnvelope>> + Send + Unpin {
    Box::pin(
        response
            .bytes_stream()
            .eventsource()
            .filter_map(|event| async move {
                match event {
                    Ok(event) if event.data.trim().is_empty() => None,
                    Ok(event) => Some(
                        serde_json::from_str::<EventEnvelope>(&event.data)
                            .context("the server sent an event this agent does not understand"),
                    ),
                    Err(error) => Some(Err(anyhow::anyhow!("the event stream broke off: {error}"))),
                }
            }),
    )
}

/// The wait before connection `attempt` (from 1): 0.25 s, doubling, at most 4 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250u64.saturating_mul(1 << attempt.min(5).saturating_sub(1)))
        .min(Duration::from_secs(5))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn backoff_doubles_up_to_four_seconds() {
        assert_eq!(super::backoff(1), Duration::from_millis(250));
        assert_eq!(super::backoff(2), Duration::from_millis(500));
        assert_eq!(super::backoff(5), Duration::from_secs(4));
        assert_eq!(super::backoff(9), Duration::from_secs(4));
    }
}
