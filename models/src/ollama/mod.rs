//! The Ollama backend: chat over `/api/chat` and the management calls, spoken with reqwest.
//!
//! [`OllamaClient`] is one server (list, show, pull, delete, running models, version);
//! [`OllamaBackend`] wraps a client as a [`crate::ChatBackend`]. The wire shapes are those of
//! Ollama's REST API documentation (`docs/api.md` in the ollama repository).

mod chat;
mod client;
mod host;
mod pull;
mod types;
mod wire;

pub use chat::{DEFAULT_CONTEXT_LENGTH, OllamaBackend};
pub use client::OllamaClient;
pub use host::{DEFAULT_BASE_URL, DEFAULT_PORT, base_url_from_host};
pub use pull::PullStream;
pub use types::{LocalModel, ModelInfo, PullProgress, RunningModel};

/// The backend's name in errors and `--backend`.
const BACKEND: &str = "ollama";
