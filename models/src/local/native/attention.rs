//! The KV cache (f16, one buffer per layer for keys and one for values, written in place and
//! grown by doubling) and causal grouped-query attention over it: each query head reads its
//! key/value head's rows where they are, nothing is copied per head. A few queries over a long
//! context split the positions between the threads (each task scores a range of positions for
//! all query heads of one KV head; partial softmaxes are merged after).

use super::kernels::{self, F16Rows, ThreadPool};
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
/// Positions one task reads when a few queries split a long context between the threads.
const POSITIONS_PER_TASK: usize = 128;

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

/// Raw access for saving and restoring a prefix of the cache ([`super::kv_prefix`]).
impl KvCache {
    pub(super) fn layers(&self) -> usize {
        self.keys.len()
    }

    pub(super) fn kv_dim(&self) -> usize {
        self.kv_dim
    }

    /// Keys and values of `layer` for positions `..positions`, if reserved that far.
    pub(super) fn rows(&self, layer: usize, positions: usize) -> Option<(&[u16], &[u16])> {
        let end = positions.checked_mul(self.kv_dim)?;
        Some((
            self.keys.get(layer)?.get(..end)?,
            self.values.get(layer)?.get(..end)?,
        ))
    }

    /// [`KvCache::rows`], writable.
    pub(super) fn rows_mut(
        &mut self,
        layer: usize,
        positions: usize,
    ) -> Option<(&mut [u16], &mut [u16])> {
        let end = positions.checked_mul(self.kv_dim)?;
        Some((
            self.keys.get_mut(layer)?.get_mut(..end)?,
            self.values.get_mut(layer)?.get_mut(..end)?,
        ))
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
    /// Query heads per KV head.
    fn group(&self) -> usize {
        self.heads / self.kv_heads.max(1)
    }

    /// Whether the queries take the one-row path (llama.cpp's rounding, see [`ONE_ROW_BELOW`]).
    fn one_row(&self) -> bool {
        self.tokens < ONE_ROW_BELOW && self.start + self.tokens <= ONE_ROW_MAX_POSITIONS
    }

    /// Whether a few queries over a long context split the positions between tasks.
    fn split(&self) -> bool {
        self.tokens < ONE_ROW_BELOW && !self.one_row()
    }

    /// Ranges of [`POSITIONS_PER_TASK`] positions the last query sees.
    fn position_chunks(&self) -> usize {
        (self.start + self.tokens).div_ceil(POSITIONS_PER_TASK)
    }

    /// Tasks of a split call: one per query token, KV head and range of positions.
    fn split_tasks(&self) -> usize {
        self.tokens * self.kv_heads * self.position_chunks()
    }

    /// Floats of one split task's work area: the group's partial outputs, their maxima and
    /// sums, then their scores.
    fn split_task_len(&self) -> usize {
        self.group() * (self.head_dim + 2 + POSITIONS_PER_TASK)
    }

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
        if self.split() {
            self.split_tasks() * self.split_task_len()
        } else {
            self.heads * self.blocks() * self.task_len()
        }
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
    if shape.split() {
        return attention_split(pool, keys, values, cache.kv_dim, shape, q, work, out);
    }
    let head_dim = shape.head_dim;
    let q_dim = shape.heads * head_dim;
    let kv_dim = cache.kv_dim;
    let group = shape.group();
    let blocks = shape.blocks();
    let block_len = shape.block_len();
    let task_len = shape.task_len();
    let tasks = shape.heads * blocks;
    let scale = 1.0 / (head_dim as f32).sqrt();
    let one_row = shape.one_row();
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
            let key_rows = head_rows(keys, kv_offset, kv_dim, head_dim);
            kernels::group_scores(key_rows, 0, query, scale, scores);
            let sum = kernels::exp_shifted(scores, kernels::max(scores));
            output.fill(0.0);
            let value_rows = head_rows(values, kv_offset, kv_dim, head_dim);
            kernels::group_weighted_sum(value_rows, 0, scores, output);
            let inverse = if sum > 0.0 { 1.0 / sum } else { 0.0 };
            output.iter_mut().for_each(|o| *o *= inverse);
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

/// [`attention`] for a few queries over a long context (decode): one task per query token, KV
/// head and range of [`POSITIONS_PER_TASK`] positions scores the range for every query head of
/// the group (each key and value row read once for the group), keeping its maximum, its sum of
/// exponentials and its weighted values; the ranges are merged per head after.
#[allow(clippy::too_many_arguments)]
fn attention_split(
    pool: &ThreadPool,
    keys: &[u16],
    values: &[u16],
    kv_dim: usize,
    shape: &AttentionShape,
    q: &[f32],
    work: &mut [f32],
    out: &mut [f32],
) -> Result<()> {
    let head_dim = shape.head_dim;
    let group = shape.group();
    let q_dim = shape.heads * head_dim;
    let chunks = shape.position_chunks();
    let task_len = shape.split_task_len();
    let tasks = shape.split_tasks();
    let scale = 1.0 / (head_dim as f32).sqrt();
    let work = work
        .get_mut(..tasks * task_len)
        .ok_or_else(|| ModelError::Inference("attention work area too small".to_string()))?;
    pool.for_each_chunk(work, task_len, |task, area| {
        let t = task / (shape.kv_heads * chunks);
        let kv_head = task / chunks % shape.kv_heads;
        let first = task % chunks * POSITIONS_PER_TASK;
        let seen = shape.start + t + 1;
        let (outputs, rest) = area.split_at_mut(group * head_dim);
        let (stats, scores) = rest.split_at_mut(2 * group);
        let (maxima, sums) = stats.split_at_mut(group);
        outputs.fill(0.0);
        if first >= seen {
            maxima.fill(f32::NEG_INFINITY);
            sums.fill(0.0);
            return;
        }
        let n = (seen - first).min(POSITIONS_PER_TASK);
        let scores = &mut scores[..group * n];
        let queries = &q[t * q_dim + kv_head * group * head_dim..][..group * head_dim];
        let offset = kv_head * head_dim;
        let key_rows = head_rows(keys, offset, kv_dim, head_dim);
        kernels::group_scores(key_rows, first, queries, scale, scores);
        for ((scores, max), sum) in scores.chunks_exact_mut(n).zip(maxima).zip(sums) {
            *max = kernels::max(scores);
            *sum = kernels::exp_shifted(scores, *max);
        }
        let value_rows = head_rows(values, offset, kv_dim, head_dim);
        kernels::group_weighted_sum(value_rows, first, scores, outputs);
    })
    .map_err(|panic| ModelError::Inference(format!("attention failed: {panic}")))?;
    for t in 0..shape.tokens {
        for head in 0..shape.heads {
            let (kv_head, g) = (head / group, head % group);
            let area = |chunk: usize| {
                let task = (t * shape.kv_heads + kv_head) * chunks + chunk;
                &work[task * task_len..][..task_len]
            };
            let stat =
                |chunk: usize, which: usize| area(chunk)[group * head_dim + which * group + g];
            let max = (0..chunks)
                .map(|c| stat(c, 0))
                .fold(f32::NEG_INFINITY, f32::max);
            let output = &mut out[t * q_dim + head * head_dim..][..head_dim];
            output.fill(0.0);
            let mut total = 0f32;
            for chunk in 0..chunks {
                let weight = (stat(chunk, 0) - max).exp();
                if weight == 0.0 || weight.is_nan() {
                    continue;
                }
                total += weight * stat(chunk, 1);
                let partial = &area(chunk)[g * head_dim..][..head_dim];
                kernels::axpy_f32(output, weight, partial);
            }
            let inverse = if total > 0.0 { 1.0 / total } else { 0.0 };
            output.iter_mut().for_each(|o| *o *= inverse);
        }
    }
    Ok(())
}

/// The rows of the KV head at `offset` in a layer's keys or values.
fn head_rows(data: &[u16], offset: usize, kv_dim: usize, head_dim: usize) -> F16Rows<'_> {
    F16Rows {
        data: data.get(offset..).unwrap_or_default(),
        stride: kv_dim,
        width: head_dim,
    }
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
        // Fused multiply-adds on the SIMD path, as llama.cpp's ggml_vec_mad_f16.
        kernels::axpy_f16(output, weight, rows.value(position));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic values in [-1, 1).
    fn values(n: usize, seed: u32) -> Vec<f32> {
        (0..n as u32)
            .map(|i| {
                let x = (i.wrapping_mul(2_654_435_761) ^ seed.wrapping_mul(40_503)) >> 8;
                (x % 2001) as f32 / 1000.0 - 1.0
            })
            .collect()
    }

    /// softmax(q·k / √d) v in f64 over the f16-rounded cache, for query `t` and head `head`.
    fn reference(
        cache: &KvCache,
        shape: &AttentionShape,
        q: &[f32],
        t: usize,
        head: usize,
    ) -> Vec<f64> {
        let d = shape.head_dim;
        let group = shape.heads / shape.kv_heads;
        let offset = head / group * d;
        let query = &q[(t * shape.heads + head) * d..][..d];
        let seen = shape.start + t + 1;
        let row = |data: &[u16], p: usize| -> Vec<f64> {
            data[p * cache.kv_dim + offset..][..d]
                .iter()
                .map(|&b| f64::from(ops::f16_to_f32(b)))
                .collect()
        };
        let scores: Vec<f64> = (0..seen)
            .map(|p| {
                let key = row(&cache.keys[0], p);
                key.iter()
                    .zip(query)
                    .map(|(k, &q)| k * f64::from(q))
                    .sum::<f64>()
                    / (d as f64).sqrt()
            })
            .collect();
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
        let total: f64 = weights.iter().sum();
        let mut out = vec![0f64; d];
        for (p, w) in weights.iter().enumerate() {
            for (o, v) in out.iter_mut().zip(row(&cache.values[0], p)) {
                *o += w / total * v;
            }
        }
        out
    }

    #[test]
    fn every_path_computes_grouped_softmax_attention() {
        let pool = ThreadPool::new(2);
        // (start, tokens): one-row, split over several ranges of positions, batched.
        for (start, tokens) in [(5, 3), (700, 3), (0, 70), (600, 1)] {
            let shape = AttentionShape {
                heads: 6,
                kv_heads: 2,
                head_dim: 20,
                start,
                tokens,
            };
            let kv_dim = shape.kv_heads * shape.head_dim;
            let positions = start + tokens;
            let mut cache = KvCache::new(1, kv_dim);
            cache.reserve(positions);
            let k = values(positions * kv_dim, 1);
            let v = values(positions * kv_dim, 2);
            cache.write(0, 0, &k, &v).unwrap();
            let q = values(tokens * shape.heads * shape.head_dim, 3);
            let mut work = vec![0.0; shape.work_len()];
            let mut out = vec![0.0; q.len()];
            attention(&pool, &cache, 0, &shape, &q, &mut work, &mut out).unwrap();
            for t in 0..tokens {
                for head in 0..shape.heads {
                    let want = reference(&cache, &shape, &q, t, head);
                    let got = &out[(t * shape.heads + head) * shape.head_dim..][..shape.head_dim];
                    for (g, w) in got.iter().zip(&want) {
                        assert!(
                            (f64::from(*g) - w).abs() < 2e-3,
                            "start {start} tokens {tokens} t {t} head {head}: {g} vs {w}"
                        );
                    }
                }
            }
        }
    }
}
