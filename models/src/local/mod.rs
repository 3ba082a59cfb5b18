//! In-process inference of GGUF models: the `local` chat backend.
//!
//! A request's model is a `.gguf` path (or an Ollama model name, see [`ollama_blobs`]). The file
//! is opened and checked ([`gguf`]), its tokenizer rebuilt from metadata ([`tokenizer`]), its
//! chat template compiled ([`template`]) and its weights loaded into the native CPU engine
//! (`native`: memory-mapped, SIMD kernels) or candle's quantized transformer ([`engine`]). A [`LocalModel`] keeps the KV cache of one conversation and runs
//! the generation loop ([`session`]) with [`sampler`] and [`decode`]; [`LocalBackend`] puts that
//! on a thread behind the streaming [`ChatBackend`](crate::ChatBackend) API.

mod backend;
pub mod decode;
pub mod device;
mod engine;
pub mod gguf;
mod native;
pub mod ollama_blobs;
pub mod prefix_store;
pub mod sampler;
pub mod session;
pub mod template;
pub mod tokenizer;

#[cfg(test)]
mod prefix_tests;
#[cfg(test)]
mod smollm2_tests;
#[cfg(test)]
mod tests;

pub use backend::{LocalBackend, resolve_model_path};
pub use device::{DevicePreference, SelectedDevice, select_device};
pub use engine::{ENGINE_ENV, EngineKind};
pub use gguf::{Architecture, ModelInfo};
pub use ollama_blobs::{OllamaName, list_ollama_models, resolve_ollama_model};
pub use prefix_store::PrefixStore;
pub use sampler::SamplerConfig;
pub use session::{
    ChatPrompt, DEFAULT_CONTEXT_CAP, FinishReason, Generation, GenerationConfig, LocalModel,
};
pub use template::ChatTemplate;
pub use tokenizer::{GgufTokenizer, PreTokenizer, TokenType};

/// The inference engine [`LocalModel::load`] runs a CPU model with: the one
/// `AGENT_LOCAL_ENGINE` forces, else `native` (candle runs what native cannot: GPU devices and
/// weight types without a native kernel). `agent models bench` labels its results with it.
pub fn engine_name() -> &'static str {
    match engine::EngineKind::forced() {
        Ok(Some(kind)) => kind.as_str(),
        _ => engine::EngineKind::Native.as_str(),
    }
}

/// Reads a GGUF's header (architecture, context, weight type, size) without loading the weights.
pub fn inspect(path: &std::path::Path) -> crate::Result<ModelInfo> {
    gguf::GgufFile::open(path)?.info()
}
