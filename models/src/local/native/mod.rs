//! The native CPU engine: GGUF weights memory-mapped and multiplied in place by our own kernels
//! ([`kernels`]), the llama / qwen2 / qwen3 forward pass ([`model`]) with a preallocated f16 KV
//! cache ([`attention`]) and batched prefill ([`matmul`]). Used instead of candle when the
//! device is the CPU and every tensor has a type the kernels run.

mod attention;
mod hparams;
pub(crate) mod kernels;
mod kv_prefix;
mod matmul;
mod model;
mod ops;
mod weights;

#[cfg(test)]
mod tests;

pub(crate) use hparams::HyperParams;
pub(crate) use model::NativeModel;

use super::gguf::{Architecture, GgufFile};
use crate::error::{ModelError, Result};
use kernels::{MappedFile, WeightType};

/// Threads for the engine: `AGENT_LOCAL_THREADS` when set, else the physical cores.
pub(crate) fn default_threads() -> usize {
    if let Some(threads) = std::env::var("AGENT_LOCAL_THREADS")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
        .filter(|&threads| threads > 0)
    {
        return threads;
    }
    sysinfo::System::physical_core_count()
        .ok()
        .filter(|&cores| cores > 0)
        .or_else(|| std::thread::available_parallelism().ok().map(usize::from))
        .unwrap_or(1)
}

/// Why the native engine cannot run `gguf`, or `None` when it can (every tensor type is one
/// the kernels run, one expert per layer).
pub(crate) fn unsupported_reason(gguf: &GgufFile, architecture: Architecture) -> Option<String> {
    let mut names: Vec<&String> = gguf.content.tensor_infos.keys().collect();
    names.sort();
    for name in names {
        let info = &gguf.content.tensor_infos[name];
        if WeightType::from_ggml(info.ggml_dtype).is_none() {
            return Some(format!(
                "tensor `{name}` has type {:?}, which the native engine does not run",
                info.ggml_dtype
            ));
        }
    }
    let experts = gguf
        .optional_u32(&format!("{architecture}.expert_count"))
        .ok()
        .flatten()
        .unwrap_or(0);
    if experts > 1 {
        return Some("mixture-of-experts models run on candle".to_string());
    }
    None
}

/// Maps the file of `gguf` and builds the model with `threads` threads.
pub(crate) fn load(
    gguf: &GgufFile,
    architecture: Architecture,
    threads: usize,
) -> Result<NativeModel> {
    let hp = HyperParams::from_gguf(gguf, architecture)?;
    let map = MappedFile::open(&gguf.path).map_err(|source| ModelError::Io {
        action: "map model file",
        path: gguf.path.clone(),
        source,
    })?;
    NativeModel::load(gguf, hp, map, threads)
}
