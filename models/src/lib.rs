//! agent-models: the vocabulary of chat models shared by every backend (roles and messages).
//!
//! This crate knows nothing of tasks, SQLite or git. The streaming chat API over Ollama,
//! OpenAI-compatible servers and in-process candle, the hardware probe and the model registry
//! are built here on top of these types.

pub mod role;

pub use role::{ParseRoleError, Role};
