//! The transformer itself behind one type: the native CPU engine ([`super::native`]) or
//! candle's quantized implementations, loaded from a GGUF file, run one forward pass at a time
//! against their internal KV cache. The native engine runs on the CPU whenever every tensor type
//! is one its kernels run; `AGENT_LOCAL_ENGINE=candle|native` forces one.

use std::panic::{AssertUnwindSafe, catch_unwind};

use candle_core::{DType, Device, Tensor};
use candle_transformers::models::{quantized_llama, quantized_qwen2, quantized_qwen3};

use super::gguf::{Architecture, GgufFile, model_file_error};
use super::native::{self, NativeModel};
use super::prefix_store::KvPrefix;
use crate::error::{ModelError, Result};

/// The environment variable that forces an engine.
pub const ENGINE_ENV: &str = "AGENT_LOCAL_ENGINE";

/// Which implementation runs a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EngineKind {
    /// The native CPU engine (memory-mapped weights, SIMD kernels).
    Native,
    /// candle's quantized transformers (CPU, CUDA, Metal).
    Candle,
}

impl EngineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Native => "native",
            EngineKind::Candle => "candle",
        }
    }

    /// The engine `AGENT_LOCAL_ENGINE` forces, `None` when it is unset or empty.
    pub fn forced() -> Result<Option<Self>> {
        match std::env::var(ENGINE_ENV) {
            Ok(value) => Self::from_env_value(&value),
            Err(_) => Ok(None),
        }
    }

    /// The engine a value of `AGENT_LOCAL_ENGINE` names (`None` for an empty one).
    pub fn from_env_value(value: &str) -> Result<Option<Self>> {
        match value.trim() {
            "" => Ok(None),
            "native" => Ok(Some(EngineKind::Native)),
            "candle" => Ok(Some(EngineKind::Candle)),
            other => Err(ModelError::InvalidRequest(format!(
                "{ENGINE_ENV}={other:?} is not an engine (use `native` or `candle`, or unset it)"
            ))),
        }
    }

    /// The engine for `gguf` on `device`: `requested` (else the environment's) when given, else
    /// native on the CPU when it runs every tensor, else candle. Forcing native on a file it
    /// cannot run is a `ModelFile` error that says why.
    pub(crate) fn choose(
        gguf: &GgufFile,
        architecture: Architecture,
        device: &Device,
        requested: Option<EngineKind>,
    ) -> Result<Self> {
        let requested = match requested {
            Some(kind) => Some(kind),
            None => Self::forced()?,
        };
        let unsupported = native::unsupported_reason(gguf, architecture);
        match (requested, unsupported) {
            (Some(EngineKind::Candle), _) => Ok(EngineKind::Candle),
            (Some(EngineKind::Native), Some(reason)) => Err(gguf.error(format!(
                "{ENGINE_ENV}=native cannot run this file: {reason} (unset {ENGINE_ENV} to use candle)"
            ))),
            (Some(EngineKind::Native), None) => Ok(EngineKind::Native),
            (None, None) if device.is_cpu() => Ok(EngineKind::Native),
            (None, _) => Ok(EngineKind::Candle),
        }
    }
}

impl std::fmt::Display for EngineKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The weights of one model on one device, with its KV cache.
pub(crate) enum Engine {
    Native(Box<NativeModel>),
    Llama(quantized_llama::ModelWeights),
    Qwen2(quantized_qwen2::ModelWeights),
    Qwen3(quantized_qwen3::ModelWeights),
}

impl Engine {
    /// Reads every tensor of `gguf` onto `device`, consuming the open file. A panic inside
    /// candle (it should not happen, but the file is untrusted input) becomes a `ModelFile`
    /// error.
    pub fn load(
        gguf: GgufFile,
        architecture: Architecture,
        device: &Device,
        kind: EngineKind,
    ) -> Result<Self> {
        if kind == EngineKind::Native {
            let threads = native::default_threads();
            let loaded = catch_unwind(AssertUnwindSafe(|| {
                native::load(&gguf, architecture, threads)
            }));
            return match loaded {
                Ok(result) => result.map(|model| Engine::Native(Box::new(model))),
                Err(panic) => Err(model_file_error(
                    &gguf.path,
                    format!(
                        "the {architecture} loader failed: {}",
                        panic_message(panic.as_ref())
                    ),
                )),
            };
        }
        let GgufFile {
            path,
            content,
            mut reader,
            ..
        } = gguf;
        let reader = &mut reader;
        let loaded = catch_unwind(AssertUnwindSafe(|| match architecture {
            Architecture::Llama => {
                quantized_llama::ModelWeights::from_gguf(content, reader, device).map(Engine::Llama)
            }
            Architecture::Qwen2 => {
                quantized_qwen2::ModelWeights::from_gguf(content, reader, device).map(Engine::Qwen2)
            }
            Architecture::Qwen3 => {
                quantized_qwen3::ModelWeights::from_gguf(content, reader, device).map(Engine::Qwen3)
            }
        }));
        match loaded {
            Ok(Ok(engine)) => Ok(engine),
            Ok(Err(error)) => Err(model_file_error(
                &path,
                format!(
                    "cannot load the {architecture} weights: {}",
                    candle_message(&error)
                ),
            )),
            Err(panic) => Err(model_file_error(
                &path,
                format!(
                    "the {architecture} loader failed: {}",
                    panic_message(panic.as_ref())
                ),
            )),
        }
    }

    /// Runs `tokens` at positions `position..`, extending the KV cache, and returns the logits
    /// of the next token. `position` 0 starts a new sequence.
    pub fn forward(
        &mut self,
        tokens: &[u32],
        position: usize,
        device: &Device,
    ) -> Result<Vec<f32>> {
        if let Engine::Native(model) = self {
            return model.forward(tokens, position);
        }
        let input = Tensor::new(tokens, device)
            .and_then(|tensor| tensor.unsqueeze(0))
            .map_err(inference_error)?;
        let logits = match self {
            Engine::Llama(model) => model.forward(&input, position),
            Engine::Qwen2(model) => model.forward(&input, position),
            Engine::Qwen3(model) => model.forward(&input, position),
            Engine::Native(model) => return model.forward(tokens, position),
        }
        .map_err(inference_error)?;
        logits
            .squeeze(0)
            .and_then(|logits| logits.to_dtype(DType::F32))
            .and_then(|logits| logits.to_vec1::<f32>())
            .map_err(inference_error)
    }

    /// Which implementation this is.
    pub fn kind(&self) -> EngineKind {
        match self {
            Engine::Native(_) => EngineKind::Native,
            _ => EngineKind::Candle,
        }
    }

    /// `native (<kernel path>)` or `candle`.
    pub fn description(&self) -> String {
        match self {
            Engine::Native(_) => format!("native ({})", native::kernels::simd_path()),
            _ => "candle".to_string(),
        }
    }

    /// The native engine's threads; 1 for candle.
    pub fn threads(&self) -> usize {
        match self {
            Engine::Native(model) => model.threads(),
            _ => 1,
        }
    }

    /// The cached keys and values of positions `..positions`; `None` for candle (its cache is
    /// private) or when fewer are cached.
    pub fn export_prefix(&self, positions: usize) -> Option<KvPrefix> {
        match self {
            Engine::Native(model) => model.export_prefix(positions),
            _ => None,
        }
    }

    /// Puts a prefix exported by the same model back at positions `..prefix.positions`.
    pub fn import_prefix(&mut self, prefix: &KvPrefix) -> Result<()> {
        match self {
            Engine::Native(model) => model.import_prefix(prefix),
            _ => Err(ModelError::Inference(
                "candle cannot take a stored prefix".to_string(),
            )),
        }
    }

    /// Empties the KV cache.
    pub fn clear_cache(&mut self) {
        match self {
            Engine::Native(model) => model.clear_cache(),
            Engine::Llama(model) => model.clear_kv_cache(),
            Engine::Qwen2(model) => model.clear_kv_cache(),
            Engine::Qwen3(model) => model.clear_kv_cache(),
        }
    }
}

fn inference_error(error: candle_core::Error) -> ModelError {
    ModelError::Inference(candle_message(&error))
}

/// A candle error's message without the backtrace candle attaches to it when `RUST_BACKTRACE`
/// is set: messages are for users, and end up in task logs.
pub(crate) fn candle_message(error: &candle_core::Error) -> String {
    match error {
        candle_core::Error::WithBacktrace { inner, .. } => candle_message(inner),
        candle_core::Error::Context { inner, context } => {
            format!("{}: {context}", candle_message(inner))
        }
        candle_core::Error::WithPath { inner, path } => {
            format!("{}: {}", path.display(), candle_message(inner))
        }
        other => other.to_string(),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_variable_names_one_of_two_engines() {
        assert_eq!(
            EngineKind::from_env_value("native").unwrap(),
            Some(EngineKind::Native)
        );
        assert_eq!(
            EngineKind::from_env_value(" candle\n").unwrap(),
            Some(EngineKind::Candle)
        );
        assert_eq!(EngineKind::from_env_value("").unwrap(), None);
        let error = EngineKind::from_env_value("llama.cpp").unwrap_err();
        assert!(error.to_string().contains("native` or `candle"), "{error}");
    }

    #[test]
    fn candle_messages_leave_the_backtrace_out() {
        let error = candle_core::Error::WithBacktrace {
            inner: Box::new(candle_core::Error::Msg("unknown magic 0x1234".into())),
            backtrace: Box::new(std::backtrace::Backtrace::force_capture()),
        };
        assert!(
            error.to_string().contains('\n'),
            "candle's own message has it"
        );
        assert_eq!(candle_message(&error), "unknown magic 0x1234");
        let wrapped = candle_core::Error::Context {
            inner: Box::new(error),
            context: Box::new("loading blk.0"),
        };
        assert_eq!(
            candle_message(&wrapped),
            "unknown magic 0x1234: loading blk.0"
        );
    }
}
