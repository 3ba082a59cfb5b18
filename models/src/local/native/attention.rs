//! The KV cache (f16, one buffer per layer for keys and one for values, written in place and
//! grown by doubling) and causal grouped-query attention over it: each query head reads its
//! key/value head's rows where they are, nothing is copied per head.

use super::kernels::{self, ThreadPool};
use super::ops;
use crate::error::{ModelError, Result};

/// Tokens of one query head computed by one task of the pool during prefill.
const TOKENS_PER_TASK: usize = 16;
/// Batches of fewer tokens are computed as llama.cpp's CPU flash attention computes them
/// (its one-row kernel: the query rounded to f16, an online softmax, values accumulated in f16);
/// larger batches as its tiled kernel does (f32 throughout), which a plain softmax matches.
const ONE_ROW_BELOW: usize = 64;
/// Beyond this many positions the one-row path's per-position f16 rounding (scalar) costs more
/// than matching llama.cpp's last bit is worth: queries then take the SIMD f32 path, so decode
/// holds its speed at 2k–4k tokens of context.
const ONE_ROW_MAX_POSITIONS: usize = 512;
/// The widest head the one-row path takes.
pub(crate) const MAX_HEAD_DIM: usize = 512;
/// Positions the cache holds at least once anything is cached.
const MIN_CAPACITY: usize = 256;

/// Keys and values of every layer, position-major: position `p` of layer `l` is
/// `keys[l][p * kv_dim..(p + 1) * kv_dim]`, heads side by side.
pub(crate) struct KvCache {
    kv_dim: usize,
    capacity: usize,
    keys: Vec<Vec<u16>>,
    values: Vec<Vec<u16>>,
}

impl KvCache {
    pub fn new(layers: usize, kv_dim: usize) -> Self {
        Self {
            kv_dim,
            capacity: 0,
            keys: vec![Vec::new(); layers],
            values: vec![Vec::new(); layers],
        }
    }

    /// Makes room for `positions` positions, keeping what is cached: the capacity doubles, so
    /// a long conversation reallocates a few times, not per token.
    pub fn reserve(&mut self, positions: usize) {
        if positions <= self.capacity {
            return;
        }
        let capacity = positions.next_power_of_two().max(MIN_CAPACITY);
        let length = capacity * self.kv_dim;
        let kept = self.capacity * self.kv_dim;
        for buffer in self.keys.iter_mut().chain(self.values.iter_mut()) {
            let mut grown = vec![0u16; length];
            grown[..kept].copy_from_slice(&buffer[..kept]);
            *buffer = grown;
        }
        self.capacity = capacity;
    }

    /// Stores the keys and values of `k.len() / kv_dim` tokens from `position` on (f32 rows,
    /// converted to f16). The caller reserved the room.
    pub fn write(&mut self, layer: usize, position: usize, k: &[f32], v: &[f32]) -> Result<()> {
        let start = position * self.kv_dim;
        let end = start + k.len();
        let (Some(keys), Some(values)) = (
            self.keys
                .get_mut(layer)
                .and_then(|keys| keys.get_mut(start..end)),
            self.values
                .get_mut(layer)
                .and_then(|values| values.get_mut(start..end)),
        ) else {
            return Err(ModelError::Inference(format!(
                "position {position} is past the KV cache of {} positions",
                self.capacity
            )));
        };
        kernels::f32_to_f16(k, keys);
        kernels::f32_to_f16(v, values);
        Ok(())
    }
}

/// The shape of one attention call.
pub(crate) struct AttentionShape {
    pub heads: usize,
    pub kv_heads: usize,
    pub head_dim: usize,
    /// Position of the first query token; query `t` sees positions `0..=start + t`.
    pub start: usize,
    /// Query tokens.
    pub tokens: usize,
}

impl AttentionShape {
    fn blocks(&self) -> usize {
        self.tokens.div_ceil(TOKENS_PER_TASK)
    }

    fn block_len(&self) -> usize {
        self.tokens.min(TOKENS_PER_TASK)
    }

    /// Floats of one task's work area: its output rows, then one row of scores.
    fn task_len(&self) -> usize {
        self.block_len() * self.head_dim + (self.start + self.tokens).max(self.head_dim)
    }

    /// Floats of work area a call needs.
    pub fn work_len(&self) -> usize {
        self.heads * self.blocks() * self.task_len()
    }
}

/// `out` (tokens × heads × head_dim) = softmax(q kᵀ / √head_dim, causal) v for layer `layer`,
/// whose keys and values for positions `..start + tokens` are in `cache`. `work` holds at
/// least `shape.work_len()` floats.
pub(crate) fn attention(
    pool: &ThreadPool,
    cache: &KvCache,
    layer: usize,
    shape: &AttentionShape,
    q: &[f32],
    work: &mut [f32],
    out: &mut [f32],
) -> Result<()> {
    let (Some(keys), Some(values)) = (cache.keys.get(layer), cache.values.get(layer)) else {
        return Err(ModelError::Inference(format!(
            "no KV cache for layer {layer}"
        )));
    };
    let head_dim = shape.head_dim;
    let q_dim = shape.heads * head_dim;
    let kv_dim = cache.kv_dim;
    let group = shape.heads / shape.kv_heads;
    let blocks = shape.blocks();
    let block_len = shape.block_len();
    let task_len = shape.task_len();
    let tasks = shape.heads * blocks;
    let scale = 1.0 / (head_dim as f32).sqrt();
    let one_row =
        shape.tokens < ONE_ROW_BELOW && shape.start + shape.tokens <= ONE_ROW_MAX_POSITIONS;
    let work = work
        .get_mut(..tasks * task_len)
        .ok_or_else(|| ModelError::Inference("attention work area too small".to_string()))?;
    pool.for_each_chunk(work, task_len, |task, chunk| {
        let head = task / blocks;
        let block = task % blocks;
        let kv_offset = (head / group) * head_dim;
        let (outputs, scores) = chunk.split_at_mut(block_len * head_dim);
        let first = block * block_len;
        let last = (first + block_len).min(shape.tokens);
        for (t, output) in (first..last).zip(outputs.chunks_exact_mut(head_dim)) {
            let query = &q[t * q_dim + head * head_dim..][..head_dim];
            let seen = shape.start + t + 1;
            if one_row {
                let rows = KvRows {
                    keys,
                    values,
                    kv_dim,
                    offset: kv_offset,
                    head_dim,
                };
                attend_one_row(query, &rows, seen, scale, &mut scores[..head_dim], output);
                continue;
            }
            let scores = &mut scores[..seen];
            for (position, score) in scores.iter_mut().enumerate() {
                let key = &keys[position * kv_dim + kv_offset..][..head_dim];
                *score = kernels::dot_f16(key, query) * scale;
            }
            super::ops::softmax(scores);
            output.fill(0.0);
            for (position, &weight) in scores.iter().enumerate() {
                let value = &values[position * kv_dim + kv_offset..][..head_dim];
                kernels::axpy_f16(output, weight, value);
            }
        }
    })
    .map_err(|panic| ModelError::Inference(format!("attention failed: {panic}")))?;
    for task in 0..tasks {
        let head = task / blocks;
        let block = task % blocks;
        let chunk = &work[task * task_len..][..block_len * head_dim];
        let first = block * block_len;
        let last = (first + block_len).min(shape.tokens);
        for (t, output) in (first..last).zip(chunk.chunks_exact(head_dim)) {
            out[t * q_dim + head * head_dim..][..head_dim].copy_from_slice(output);
        }
    }
    Ok(())
}

/// One KV head's rows in a layer's cache.
struct KvRows<'a> {
    keys: &'a [u16],
    values: &'a [u16],
    kv_dim: usize,
    offset: usize,
    head_dim: usize,
}

impl KvRows<'_> {
    fn key(&self, position: usize) -> &[u16] {
        &self.keys[position * self.kv_dim + self.offset..][..self.head_dim]
    }

    fn value(&self, position: usize) -> &[u16] {
        &self.values[position * self.kv_dim + self.offset..][..self.head_dim]
    }
}

/// One query over positions `0..seen` as llama.cpp's one-row flash attention computes it: the
/// query rounded to f16, an online softmax, the weighted values accumulated with f16 rounding
/// after every position. `query16` is scratch of head_dim floats.
fn attend_one_row(
    query: &[f32],
    rows: &KvRows<'_>,
    seen: usize,
    scale: f32,
    query16: &mut [f32],
    output: &mut [f32],
) {
    let mut bits = [0u16; MAX_HEAD_DIM];
    let bits = &mut bits[..rows.head_dim];
    round_to_f16(query, bits, query16);
    let mut max = f32::NEG_INFINITY;
    let mut sum = 0f32;
    output.fill(0.0);
    for position in 0..seen {
        let score = kernels::dot_f16(rows.key(position), query16) * scale;
        let mut rescale = 1.0;
        let mut weight = 1.0;
        if score > max {
            let old = max;
            max = score;
            rescale = (old - max).exp();
            for value in output.iter_mut() {
                *value *= rescale;
            }
            kernels::f32_to_f16(output, bits);
            bits.iter()
                .zip(output.iter_mut())
                .for_each(|(&b, o)| *o = ops::f16_to_f32(b));
        } else {
            weight = (score - max).exp();
        }
        for (o, &v) in output.iter_mut().zip(rows.value(position)) {
            *o = ops::f16_to_f32(v).mul_add(weight, *o);
        }
        kernels::f32_to_f16(output, bits);
        bits.iter()
            .zip(output.iter_mut())
            .for_each(|(&b, o)| *o = ops::f16_to_f32(b));
        sum = sum * rescale + weight;
    }
    let inverse = if sum == 0.0 { 0.0 } else { 1.0 / sum };
    output.iter_mut().for_each(|o| *o *= inverse);
}

/// `out` = `values` rounded to f16 precision (`bits` is scratch of the same length).
fn round_to_f16(values: &[f32], bits: &mut [u16], out: &mut [f32]) {
    kernels::f32_to_f16(values, bits);
    for (o, &b) in out.iter_mut().zip(bits.iter()) {
        *o = ops::f16_to_f32(b);
    }
}
