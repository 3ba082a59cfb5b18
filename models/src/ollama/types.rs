//! What Ollama's management endpoints report, as this crate hands it on: installed models,
//! model details, running models and pull progress.

use serde::{Deserialize, Serialize};

/// An installed model, from `GET /api/tags`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalModel {
    /// `name:tag`, as chat requests name it.
    pub name: String,
    /// Size on disk, in bytes.
    pub size: u64,
    pub digest: String,
    /// When the model was last changed, as the server wrote it (RFC 3339).
    pub modified_at: String,
    /// The model family (`llama`, `qwen2`), when reported.
    pub family: Option<String>,
    /// `3.2B`, `8B`, … when reported.
    pub parameter_size: Option<String>,
    /// `Q4_K_M`, `F16`, … when reported.
    pub quantization_level: Option<String>,
}

/// Details of one model, from `POST /api/show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    /// `general.architecture` (`llama`, `qwen2`, …).
    pub architecture: Option<String>,
    /// The context window the model was trained for (`<arch>.context_length`), in tokens.
    pub context_length: Option<u32>,
    pub family: Option<String>,
    pub parameter_size: Option<String>,
    pub quantization_level: Option<String>,
    /// What the model can do: `completion`, `tools`, `vision`, `thinking`, `embedding`, …
    /// Empty when the server is too old to say.
    pub capabilities: Vec<String>,
    /// Bytes of the f16 KV cache per token of context, when `model_info` gives the attention
    /// shape (`<arch>.block_count`, `.attention.head_count_kv`, `.attention.key_length` or
    /// `.embedding_length / .attention.head_count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_bytes_per_token: Option<u64>,
}

impl ModelInfo {
    /// True when the server says the model can call tools.
    pub fn supports_tools(&self) -> bool {
        self.capabilities
            .iter()
            .any(|capability| capability == "tools")
    }

    /// False when the server says the model cannot write text (an embedding model).
    pub fn can_complete(&self) -> bool {
        self.capabilities.is_empty()
            || self
                .capabilities
                .iter()
                .any(|capability| capability == "completion")
    }
}

/// A model loaded in memory, from `GET /api/ps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunningModel {
    pub name: String,
    /// Memory it takes, in bytes.
    pub size: u64,
    /// The part of `size` in GPU memory, in bytes.
    pub size_vram: u64,
    pub digest: String,
    /// When it will be unloaded, as the server wrote it (RFC 3339).
    pub expires_at: Option<String>,
    /// The context window it was loaded with, when reported.
    pub context_length: Option<u32>,
}

/// One progress line of `POST /api/pull`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullProgress {
    /// `pulling manifest`, `pulling <digest>`, `verifying sha256 digest`, `writing manifest`,
    /// `success`, …
    pub status: String,
    /// The layer being downloaded.
    pub digest: Option<String>,
    /// The layer's size, in bytes.
    pub total: Option<u64>,
    /// Bytes of the layer downloaded so far (missing at first).
    pub completed: Option<u64>,
}

impl PullProgress {
    /// True for the last line of a pull that worked.
    pub fn is_success(&self) -> bool {
        self.status == "success"
    }
}
