//! agent-models: one streaming chat API over local and remote model backends.
//!
//! [`ChatBackend`] is the trait every backend implements: Ollama and OpenAI-compatible servers
//! over HTTP, and GGUF models in-process with candle. This crate knows nothing of tasks, SQLite
//! or git; the hardware probe and the model registry that choose a model live here too.

pub mod chat;
pub mod error;
pub mod local;
pub mod role;

pub use chat::{
    ChatBackend, ChatEvent, ChatMessage, ChatRequest, ChatStream, DoneReason, SamplingOptions,
    ToolCall, ToolSpec, Usage,
};
pub use error::{ModelError, Result};
pub use role::{ParseRoleError, Role};
