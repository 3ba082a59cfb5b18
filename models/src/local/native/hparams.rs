//! The transformer's shape and constants, read from the GGUF metadata of a llama, qwen2 or qwen3
//! file (the keys llama.cpp reads for these architectures).

use super::super::gguf::{Architecture, GgufFile};
use candle_core::quantized::gguf_file::Value;

use crate::error::Result;

/// How rotary embeddings pair the dimensions of a head (llama.cpp's rope types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RopeStyle {
    /// Adjacent pairs `(2i, 2i + 1)`: llama, mistral.
    Normal,
    /// Halves `(i, i + n_rot / 2)`: qwen2, qwen3.
    Neox,
}

/// Everything the forward pass needs to know besides the weights.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HyperParams {
    pub architecture: Architecture,
    pub embedding: usize,
    pub layers: usize,
    pub heads: usize,
    pub kv_heads: usize,
    pub head_dim: usize,
    /// Dimensions of each head that rotate (the first `rope_dims`; usually all of them).
    pub rope_dims: usize,
    pub rope_base: f32,
    /// Positions are multiplied by this before rotating (linear rope scaling; 1 without).
    pub rope_position_scale: f32,
    pub rope_style: RopeStyle,
    pub rms_eps: f32,
    pub context_length: usize,
}

impl HyperParams {
    /// Reads the metadata of `gguf`, refusing shapes the forward pass cannot run.
    pub fn from_gguf(gguf: &GgufFile, architecture: Architecture) -> Result<Self> {
        let arch = architecture.as_str();
        let key = |name: &str| format!("{arch}.{name}");
        let required = |name: &str| -> Result<usize> { Ok(gguf.u32(&key(name))? as usize) };
        let embedding = required("embedding_length")?;
        let layers = required("block_count")?;
        let heads = required("attention.head_count")?;
        let kv_heads = match gguf.optional_u32(&key("attention.head_count_kv"))? {
            Some(count) => count as usize,
            None => heads,
        };
        if heads == 0 || kv_heads == 0 || heads % kv_heads != 0 {
            return Err(gguf.error(format!(
                "{heads} attention heads cannot share {kv_heads} key/value heads"
            )));
        }
        let head_dim = match gguf.optional_u32(&key("attention.key_length"))? {
            Some(length) => length as usize,
            None => embedding / heads,
        };
        if let Some(value_length) = gguf.optional_u32(&key("attention.value_length"))?
            && value_length as usize != head_dim
        {
            return Err(gguf.error(format!(
                "keys of {head_dim} and values of {value_length} dimensions are not supported"
            )));
        }
        let rope_dims = match gguf.optional_u32(&key("rope.dimension_count"))? {
            Some(dims) => dims as usize,
            None => head_dim,
        };
        if head_dim == 0
            || head_dim % 2 != 0
            || head_dim > super::attention::MAX_HEAD_DIM
            || rope_dims % 2 != 0
            || rope_dims > head_dim
        {
            return Err(gguf.error(format!(
                "a head of {head_dim} dimensions rotating {rope_dims} of them is not supported"
            )));
        }
        let rope_base = float(gguf, &key("rope.freq_base")).unwrap_or(10_000.0);
        let rope_position_scale = match gguf.optional_string(&key("rope.scaling.type")) {
            Some("linear") => match float(gguf, &key("rope.scaling.factor")) {
                Some(factor) if factor > 0.0 => 1.0 / factor,
                _ => 1.0,
            },
            _ => 1.0,
        };
        let rms_eps = float(gguf, &key("attention.layer_norm_rms_epsilon")).unwrap_or(1e-5);
        let context_length = required("context_length")?;
        let rope_style = match architecture {
            Architecture::Llama => RopeStyle::Normal,
            Architecture::Qwen2 | Architecture::Qwen3 => RopeStyle::Neox,
        };
        Ok(Self {
            architecture,
            embedding,
            layers,
            heads,
            kv_heads,
            head_dim,
            rope_dims,
            rope_base,
            rope_position_scale,
            rope_style,
            rms_eps,
            context_length,
        })
    }

    /// Width of all query heads together.
    pub fn q_dim(&self) -> usize {
        self.heads * self.head_dim
    }

    /// Width of all key (or value) heads together.
    pub fn kv_dim(&self) -> usize {
        self.kv_heads * self.head_dim
    }
}

/// A float metadata value (any float or integer type), `None` when absent or not a number.
fn float(gguf: &GgufFile, key: &str) -> Option<f32> {
    match gguf.content.metadata.get(key)? {
        Value::F32(value) => Some(*value),
        Value::F64(value) => Some(*value as f32),
        Value::U32(value) => Some(*value as f32),
        Value::I32(value) => Some(*value as f32),
        Value::U64(value) => Some(*value as f32),
        Value::I64(value) => Some(*value as f32),
        _ => None,
    }
}
