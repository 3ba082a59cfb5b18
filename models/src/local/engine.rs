//! The transformer itself: candle's quantized implementations behind one type, loaded from a
//! GGUF file, run one forward pass at a time against their internal KV cache.

use std::panic::{AssertUnwindSafe, catch_unwind};

use candle_core::{DType, Device, Tensor};
use candle_transformers::models::{quantized_llama, quantized_qwen2, quantized_qwen3};

use super::gguf::{Architecture, GgufFile, model_file_error};
use crate::error::{ModelError, Result};

/// The weights of one model on one device, with the KV cache candle keeps inside them.
pub(crate) enum Engine {
    Llama(quantized_llama::ModelWeights),
    Qwen2(quantized_qwen2::ModelWeights),
    Qwen3(quantized_qwen3::ModelWeights),
}

impl Engine {
    /// Reads every tensor of `gguf` onto `device`, consuming the open file. A panic inside
    /// candle (it should not happen, but the file is untrusted input) becomes a `ModelFile`
    /// error.
    pub fn load(gguf: GgufFile, architecture: Architecture, device: &Device) -> Result<Self> {
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
        let input = Tensor::new(tokens, device)
            .and_then(|tensor| tensor.unsqueeze(0))
            .map_err(inference_error)?;
        let logits = match self {
            Engine::Llama(model) => model.forward(&input, position),
            Engine::Qwen2(model) => model.forward(&input, position),
            Engine::Qwen3(model) => model.forward(&input, position),
        }
        .map_err(inference_error)?;
        logits
            .squeeze(0)
            .and_then(|logits| logits.to_dtype(DType::F32))
            .and_then(|logits| logits.to_vec1::<f32>())
            .map_err(inference_error)
    }

    /// Empties the KV cache.
    pub fn clear_cache(&mut self) {
        match self {
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
