//! agent-models: one streaming chat API over local and remote model backends.
//!
//! [`ChatBackend`] is the trait every backend implements: Ollama and OpenAI-compatible servers
//! over HTTP, and GGUF models in-process with candle. This crate knows nothing of tasks, SQLite
//! or git; the hardware probe and the model registry that choose a model live here too.

pub mod chat;
pub mod context;
pub mod download;
pub mod error;
pub mod families;
pub mod fit;
pub mod hardware;
mod http;
pub mod local;
pub mod names;
pub mod ollama;
pub mod openai;
pub mod recommend;
pub mod role;
pub mod text;
pub mod tool_format;

pub use chat::{
    ChatBackend, ChatEvent, ChatMessage, ChatRequest, ChatStream, DoneReason, IdentityFuture,
    SamplingOptions, ToolCall, ToolSpec, Usage,
};
pub use context::{estimate_prompt_tokens, estimate_tokens, fits_context};
pub use error::{ModelError, Result};
pub use ollama::{OllamaBackend, OllamaClient};
pub use openai::OpenAiBackend;
pub use role::{ParseRoleError, Role};
