//! Pulling a model: `POST /api/pull` as a stream of progress lines that ends at `success`.

use std::pin::Pin;

use futures_core::Stream;

use super::BACKEND;
use super::client::OllamaClient;
use super::types::PullProgress;
use super::wire::PullLine;
use crate::error::{ModelError, Result};
use crate::http::{self, ndjson::NdjsonLines};

/// Progress of a pull. It ends after the `success` line, or with an error. Dropping it closes
/// the connection, which makes Ollama stop the download.
pub type PullStream = Pin<Box<dyn Stream<Item = Result<PullProgress>> + Send>>;

impl OllamaClient {
    /// Downloads the model `name` from its registry, reporting progress as it goes.
    ///
    /// A failure the server reports mid-stream (`{"error":"..."}`) ends the stream with
    /// [`ModelError::ServerFailed`], or [`ModelError::ModelNotFound`] when the registry has no
    /// such model. A stream that stops before `success` is [`ModelError::Protocol`].
    pub fn pull(&self, name: &str) -> PullStream {
        let state = PullState {
            client: self.clone(),
            name: name.to_owned(),
            lines: None,
            finished: false,
        };
        Box::pin(futures_util::stream::unfold(
            state,
            |mut state| async move { state.next().await.map(|item| (item, state)) },
        ))
    }
}

struct PullState {
    client: OllamaClient,
    name: String,
    lines: Option<NdjsonLines>,
    finished: bool,
}

impl PullState {
    async fn next(&mut self) -> Option<Result<PullProgress>> {
        if self.finished {
            return None;
        }
        let item = self.read().await;
        if !matches!(&item, Ok(progress) if !progress.is_success()) {
            self.finished = true;
        }
        Some(item)
    }

    async fn read(&mut self) -> Result<PullProgress> {
        let lines = match &mut self.lines {
            Some(lines) => lines,
            None => {
                let request = self
                    .client
                    .http()
                    .post(self.client.url("/api/pull"))
                    .json(&serde_json::json!({ "model": self.name, "stream": true }));
                let response = self.client.send(request, Some(&self.name)).await?;
                self.lines
                    .insert(NdjsonLines::new(Box::pin(response.bytes_stream())))
            }
        };
        let line = match lines.next_line().await {
            None => return Err(http::ended_early(BACKEND, "success", None)),
            Some(Err(error)) => return Err(error.into_model_error(BACKEND, "success")),
            Some(Ok(line)) => line,
        };
        let parsed: PullLine = serde_json::from_slice(&line)
            .map_err(|error| http::malformed(BACKEND, "pull line", &line, error))?;
        if let Some(message) = parsed.error {
            let lower = message.to_lowercase();
            if lower.contains("file does not exist") || lower.contains("not found") {
                return Err(ModelError::ModelNotFound {
                    backend: BACKEND,
                    model: self.name.clone(),
                });
            }
            return Err(ModelError::ServerFailed {
                backend: BACKEND,
                message,
            });
        }
        let status = parsed.status.ok_or_else(|| {
            http::malformed(BACKEND, "pull line", &line, "neither `status` nor `error`")
        })?;
        Ok(PullProgress {
            status,
            digest: parsed.digest,
            total: parsed.total,
            completed: parsed.completed,
        })
    }
}
