//! Fitting a model that is already there (an Ollama model, a GGUF on disk) into a memory budget:
//! its weights, the KV cache of a context and headroom must fit; the context is shortened (never
//! below [`MIN_CONTEXT`]) until they do.

use serde::Serialize;

use crate::recommend::Budget;

/// The shortest context worth running a coding agent with, tokens.
pub const MIN_CONTEXT: u32 = 2048;

/// Bytes of one cached element: Ollama keeps an f16 KV cache, candle an f32 one.
pub const F16_BYTES: u64 = 2;
/// See [`F16_BYTES`].
pub const F32_BYTES: u64 = 4;

/// What decides a model's memory: its weights, its KV cache per token and its native context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ModelShape {
    /// Bytes of the weights (the file's size is close enough).
    pub weight_bytes: u64,
    /// Bytes of keys and values cached per token of context, when the model's shape is known.
    pub kv_bytes_per_token: Option<u64>,
    /// The longest context the model (and its engine) runs, tokens, when known.
    pub max_context: Option<u32>,
}

impl ModelShape {
    /// Bytes cached per token: the known value, else an estimate from the weights (about one
    /// byte per 100,000 bytes of weights, what common 1–8B models need in f16).
    pub fn kv_per_token(&self) -> u64 {
        self.kv_bytes_per_token
            .unwrap_or((self.weight_bytes / 100_000).max(1))
    }

    /// Memory the model takes with `context` tokens of context: weights, KV cache, headroom.
    pub fn total_bytes(&self, context: u32) -> u64 {
        self.weight_bytes
            .saturating_add(self.kv_per_token().saturating_mul(u64::from(context)))
            .saturating_add(headroom_bytes(self.weight_bytes))
    }
}

/// Compute buffers and runtime overhead, which grow with the model.
pub fn headroom_bytes(weight_bytes: u64) -> u64 {
    weight_bytes / 12 + (300 << 20)
}

/// Bytes of keys and values per token of context: `2 × layers × kv_heads × head_dim ×
/// element_bytes`.
pub fn kv_bytes_per_token(layers: u32, kv_heads: u32, head_dim: u32, element_bytes: u64) -> u64 {
    2 * u64::from(layers) * u64::from(kv_heads) * u64::from(head_dim) * element_bytes
}

/// The context to run `shape` with when `wanted` tokens are asked for: `wanted` capped by the
/// model's maximum, halved while the whole does not fit `budget`; `None` when not even
/// [`MIN_CONTEXT`] (or the model's maximum, when smaller) fits.
pub fn fit_context(budget: &Budget, shape: &ModelShape, wanted: u32) -> Option<u32> {
    let mut context = match shape.max_context {
        Some(max) if max > 0 => wanted.min(max),
        _ => wanted,
    }
    .max(1);
    let floor = MIN_CONTEXT.min(context);
    loop {
        if shape.total_bytes(context) <= budget.usable_bytes {
            return Some(context);
        }
        if context <= floor {
            return None;
        }
        context = (context / 2).max(floor);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    fn budget(bytes: u64) -> Budget {
        Budget {
            device: "cpu".into(),
            usable_bytes: bytes,
            bandwidth_bytes_per_second: None,
        }
    }

    #[test]
    fn a_small_model_keeps_the_context_asked_for() {
        let shape = ModelShape {
            weight_bytes: GIB,
            kv_bytes_per_token: Some(28_672),
            max_context: Some(32_768),
        };
        assert_eq!(fit_context(&budget(4 * GIB), &shape, 8192), Some(8192));
        // Capped by the model's own maximum.
        let short = ModelShape {
            max_context: Some(4096),
            ..shape
        };
        assert_eq!(fit_context(&budget(4 * GIB), &short, 8192), Some(4096));
    }

    #[test]
    fn the_context_shrinks_to_fit_and_a_model_too_big_does_not_fit() {
        // 1 MiB per token: 8192 tokens need 8 GiB of cache, 2048 tokens 2 GiB.
        let shape = ModelShape {
            weight_bytes: GIB,
            kv_bytes_per_token: Some(1 << 20),
            max_context: None,
        };
        let fitted = fit_context(&budget(4 * GIB), &shape, 8192).unwrap();
        assert_eq!(fitted, 2048);
        assert!(shape.total_bytes(fitted) <= 4 * GIB);
        assert_eq!(fit_context(&budget(2 * GIB), &shape, 8192), None);
        let huge = ModelShape {
            weight_bytes: 400 * GIB,
            kv_bytes_per_token: None,
            max_context: None,
        };
        assert_eq!(fit_context(&budget(64 * GIB), &huge, 8192), None);
    }

    #[test]
    fn kv_arithmetic() {
        // Qwen2.5-Coder 7B: 28 layers, 4 KV heads of 128, f16.
        assert_eq!(kv_bytes_per_token(28, 4, 128, F16_BYTES), 57_344);
        let unknown = ModelShape {
            weight_bytes: 4_700_000_000,
            kv_bytes_per_token: None,
            max_context: None,
        };
        assert_eq!(unknown.kv_per_token(), 47_000);
    }
}
