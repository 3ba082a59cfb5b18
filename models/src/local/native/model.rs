//! The forward pass of llama, qwen2 and qwen3 over the mapped weights: embedding rows
//! dequantised on lookup, pre-norm attention and SwiGLU blocks, a KV cache written in place,
//! prefill of many tokens per matrix product and logits for the last token only. Every buffer
//! is sized once (grown to the largest batch seen), so a decode step allocates nothing.

use super::attention::{self, AttentionShape, KvCache};
use super::hparams::HyperParams;
use super::kernels::{self, MappedFile, ThreadPool};
use super::matmul::{PreparedInput, matmul};
use super::ops;
use super::weights::{Matrix, TensorTable};
use crate::error::{ModelError, Result};
use crate::local::gguf::GgufFile;

/// Most tokens run through the layers at once; longer inputs go in pieces of this size.
pub(crate) const MAX_BATCH: usize = 512;

struct Layer {
    attn_norm: Vec<f32>,
    q: Matrix,
    k: Matrix,
    v: Matrix,
    q_bias: Option<Vec<f32>>,
    k_bias: Option<Vec<f32>>,
    v_bias: Option<Vec<f32>>,
    /// Qwen3's per-head RMS norms of queries and keys.
    q_norm: Option<Vec<f32>>,
    k_norm: Option<Vec<f32>>,
    o: Matrix,
    ffn_norm: Vec<f32>,
    gate: Matrix,
    up: Matrix,
    down: Matrix,
}

/// Buffers of the forward pass, for up to `tokens` tokens at once.
#[derive(Default)]
struct Scratch {
    tokens: usize,
    /// Tokens of the batch that ran last (its rows are the first of `x`).
    last_batch: usize,
    x: Vec<f32>,
    xn: Vec<f32>,
    q: Vec<f32>,
    k: Vec<f32>,
    v: Vec<f32>,
    attn: Vec<f32>,
    proj: Vec<f32>,
    gate: Vec<f32>,
    up: Vec<f32>,
    staging: Vec<f32>,
    work: Vec<f32>,
    cos: Vec<f32>,
    sin: Vec<f32>,
    logits: Vec<f32>,
    input: PreparedInput,
}

/// A model ready to run on the CPU: its hyper-parameters, the mapped file, the tensor table,
/// the KV cache and the scratch buffers.
pub(crate) struct NativeModel {
    hp: HyperParams,
    map: MappedFile,
    pool: ThreadPool,
    embedding: Matrix,
    output: Matrix,
    output_norm: Vec<f32>,
    rope_factors: Option<Vec<f32>>,
    layers: Vec<Layer>,
    feed_forward: usize,
    cache: KvCache,
    scratch: Scratch,
}

impl NativeModel {
    /// Builds the tensor table of `gguf` over `map`, checking every tensor's type, shape and
    /// extent.
    pub fn load(gguf: &GgufFile, hp: HyperParams, map: MappedFile, threads: usize) -> Result<Self> {
        let bytes = map.bytes();
        let table = TensorTable::new(gguf, bytes.len());
        let dim = hp.embedding;
        let embedding = table.matrix("token_embd.weight", None, dim)?;
        let output = if table.contains("output.weight") {
            table.matrix("output.weight", Some(embedding.rows), dim)?
        } else {
            embedding.clone()
        };
        let output_norm = table.vector(bytes, "output_norm.weight", dim)?;
        let rope_factors = table.optional_vector(bytes, "rope_freqs.weight", hp.rope_dims / 2)?;
        let (q_dim, kv_dim, head_dim) = (hp.q_dim(), hp.kv_dim(), hp.head_dim);
        let mut layers = Vec::with_capacity(hp.layers);
        let mut feed_forward = 0;
        for index in 0..hp.layers {
            let name = |suffix: &str| format!("blk.{index}.{suffix}");
            let gate = table.matrix(&name("ffn_gate.weight"), None, dim)?;
            let ff = gate.rows;
            feed_forward = feed_forward.max(ff);
            layers.push(Layer {
                attn_norm: table.vector(bytes, &name("attn_norm.weight"), dim)?,
                q: table.matrix(&name("attn_q.weight"), Some(q_dim), dim)?,
                k: table.matrix(&name("attn_k.weight"), Some(kv_dim), dim)?,
                v: table.matrix(&name("attn_v.weight"), Some(kv_dim), dim)?,
                q_bias: table.optional_vector(bytes, &name("attn_q.bias"), q_dim)?,
                k_bias: table.optional_vector(bytes, &name("attn_k.bias"), kv_dim)?,
                v_bias: table.optional_vector(bytes, &name("attn_v.bias"), kv_dim)?,
                q_norm: table.optional_vector(bytes, &name("attn_q_norm.weight"), head_dim)?,
                k_norm: table.optional_vector(bytes, &name("attn_k_norm.weight"), head_dim)?,
                o: table.matrix(&name("attn_output.weight"), Some(dim), q_dim)?,
                ffn_norm: table.vector(bytes, &name("ffn_norm.weight"), dim)?,
                gate,
                up: table.matrix(&name("ffn_up.weight"), Some(ff), dim)?,
                down: table.matrix(&name("ffn_down.weight"), Some(dim), ff)?,
            });
        }
        let cache = KvCache::new(hp.layers, kv_dim);
        let mut model = Self {
            hp,
            map,
            pool: ThreadPool::new(threads),
            embedding,
            output,
            output_norm,
            rope_factors,
            layers,
            feed_forward,
            cache,
            scratch: Scratch::default(),
        };
        model.grow_scratch(1);
        Ok(model)
    }

    pub fn threads(&self) -> usize {
        self.pool.threads()
    }

    /// Rows of the embedding: the vocabulary size.
    pub fn vocab(&self) -> usize {
        self.embedding.rows
    }

    /// Empties the KV cache (its memory stays for the next conversation).
    pub fn clear_cache(&mut self) {}

    pub(super) fn cache(&self) -> &KvCache {
        &self.cache
    }

    pub(super) fn cache_mut(&mut self) -> &mut KvCache {
        &mut self.cache
    }

    /// Runs `tokens` at positions `position..` and returns the logits after the last one.
    pub fn forward(&mut self, tokens: &[u32], position: usize) -> Result<Vec<f32>> {
        if tokens.is_empty() {
            return Err(ModelError::Inference("no tokens to run".to_string()));
        }
        if let Some(&bad) = tokens.iter().find(|&&t| t as usize >= self.vocab()) {
            return Err(ModelError::Inference(format!(
                "token id {bad} is outside the vocabulary of {} tokens",
                self.vocab()
            )));
        }
        self.cache.reserve(position + tokens.len());
        let mut start = position;
        for batch in tokens.chunks(MAX_BATCH) {
            self.run_batch(batch, start)?;
            start += batch.len();
        }
        self.logits()?;
        Ok(self.scratch.logits.clone())
    }

    fn grow_scratch(&mut self, tokens: usize) {
        let s = &mut self.scratch;
        if tokens <= s.tokens {
            return;
        }
        let hp = &self.hp;
        let (dim, q_dim, kv_dim, ff) = (hp.embedding, hp.q_dim(), hp.kv_dim(), self.feed_forward);
        s.tokens = tokens;
        s.x.resize(tokens * dim, 0.0);
        s.xn.resize(tokens * dim, 0.0);
        s.q.resize(tokens * q_dim, 0.0);
        s.k.resize(tokens * kv_dim, 0.0);
        s.v.resize(tokens * kv_dim, 0.0);
        s.attn.resize(tokens * q_dim, 0.0);
        s.proj.resize(tokens * dim, 0.0);
        s.gate.resize(tokens * ff, 0.0);
        s.up.resize(tokens * ff, 0.0);
        let widest = (q_dim + 2 * kv_dim).max(2 * ff).max(dim);
        s.staging
            .resize((tokens * widest).max(self.output.rows), 0.0);
        s.cos.resize(tokens * hp.rope_dims / 2, 0.0);
        s.sin.resize(tokens * hp.rope_dims / 2, 0.0);
        s.logits.resize(self.output.rows, 0.0);
    }

    fn run_batch(&mut self, tokens: &[u32], start: usize) -> Result<()> {
        let n = tokens.len();
        self.grow_scratch(n);
        self.scratch.last_batch = n;
        let hp = &self.hp;
        let dim = hp.embedding;
        let map = self.map.bytes();
        let s = &mut self.scratch;
        for (&token, row) in tokens.iter().zip(s.x.chunks_exact_mut(dim)) {
            let t = token as usize;
            let bytes = self.embedding.rows_bytes(map, t, t + 1)?;
            kernels::dequantize_row(self.embedding.wtype, bytes, row);
        }
        let pairs = hp.rope_dims / 2;
        for (t, (cos, sin)) in s
            .cos
            .chunks_exact_mut(pairs.max(1))
            .zip(s.sin.chunks_exact_mut(pairs.max(1)))
            .take(n)
            .enumerate()
        {
            ops::rope_angles(
                start + t,
                hp.rope_base,
                hp.rope_position_scale,
                self.rope_factors.as_deref(),
                cos,
                sin,
            );
        }
        let shape = AttentionShape {
            heads: hp.heads,
            kv_heads: hp.kv_heads,
            head_dim: hp.head_dim,
            start,
            tokens: n,
        };
        if s.work.len() < shape.work_len() {
            s.work.resize(shape.work_len(), 0.0);
        }
        for (index, layer) in self.layers.iter().enumerate() {
            layer_forward(
                hp,
                &self.pool,
                map,
                &mut self.cache,
                s,
                index,
                layer,
                &shape,
            )?;
        }
        Ok(())
    }

    /// The logits after the last token of the last batch, into `scratch.logits`.
    fn logits(&mut self) -> Result<()> {
        let dim = self.hp.embedding;
        let s = &mut self.scratch;
        // The last batch's last row; run_batch leaves the batch in the first rows of x.
        let n = s.last_batch.max(1);
        let last = &s.x[(n - 1) * dim..n * dim];
        ops::rms_norm(last, &self.output_norm, self.hp.rms_eps, &mut s.xn[..dim]);
        let map = self.map.bytes();
        matmul(
            &self.pool,
            map,
            &[&self.output],
            &mut s.input,
            &s.xn[..dim],
            1,
            &mut s.staging,
            &mut [&mut s.logits[..]],
        )
    }
}

#[allow(clippy::too_many_arguments)]
fn layer_forward(
    hp: &HyperParams,
    pool: &ThreadPool,
    map: &[u8],
    cache: &mut KvCache,
    s: &mut Scratch,
    index: usize,
    layer: &Layer,
    shape: &AttentionShape,
) -> Result<()> {
    let n = shape.tokens;
    let (dim, q_dim, kv_dim, head_dim) = (hp.embedding, hp.q_dim(), hp.kv_dim(), hp.head_dim);
    let ff = layer.gate.rows;
    let pairs = hp.rope_dims / 2;

    ops::rms_norm(
        &s.x[..n * dim],
        &layer.attn_norm,
        hp.rms_eps,
        &mut s.xn[..n * dim],
    );
    matmul(
        pool,
        map,
        &[&layer.q, &layer.k, &layer.v],
        &mut s.input,
        &s.xn[..n * dim],
        n,
        &mut s.staging,
        &mut [
            &mut s.q[..n * q_dim],
            &mut s.k[..n * kv_dim],
            &mut s.v[..n * kv_dim],
        ],
    )?;
    for (values, bias) in [
        (&mut s.q[..n * q_dim], &layer.q_bias),
        (&mut s.k[..n * kv_dim], &layer.k_bias),
        (&mut s.v[..n * kv_dim], &layer.v_bias),
    ] {
        if let Some(bias) = bias {
            for row in values.chunks_exact_mut(bias.len()) {
                row.iter_mut().zip(bias).for_each(|(value, b)| *value += b);
            }
        }
    }
    if let Some(norm) = &layer.q_norm {
        ops::rms_norm_in_place(&mut s.q[..n * q_dim], norm, hp.rms_eps);
    }
    if let Some(norm) = &layer.k_norm {
        ops::rms_norm_in_place(&mut s.k[..n * kv_dim], norm, hp.rms_eps);
    }
    for t in 0..n {
        let angles = ops::RopeAngles {
            cos: &s.cos[t * pairs..(t + 1) * pairs],
            sin: &s.sin[t * pairs..(t + 1) * pairs],
        };
        for head in s.q[t * q_dim..(t + 1) * q_dim].chunks_exact_mut(head_dim) {
            ops::rope(head, &angles, hp.rope_style);
        }
        for head in s.k[t * kv_dim..(t + 1) * kv_dim].chunks_exact_mut(head_dim) {
            ops::rope(head, &angles, hp.rope_style);
        }
    }
    cache.write(index, shape.start, &s.k[..n * kv_dim], &s.v[..n * kv_dim])?;
    attention::attention(
        pool,
        cache,
        index,
        shape,
        &s.q[..n * q_dim],
        &mut s.work,
        &mut s.attn[..n * q_dim],
    )?;
    matmul(
        pool,
        map,
        &[&layer.o],
        &mut s.input,
        &s.attn[..n * q_dim],
        n,
        &mut s.staging,
        &mut [&mut s.proj[..n * dim]],
    )?;
    add(&mut s.x[..n * dim], &s.proj[..n * dim]);

    ops::rms_norm(
        &s.x[..n * dim],
        &layer.ffn_norm,
        hp.rms_eps,
        &mut s.xn[..n * dim],
    );
    matmul(
        pool,
        map,
        &[&layer.gate, &layer.up],
        &mut s.input,
        &s.xn[..n * dim],
        n,
        &mut s.staging,
        &mut [&mut s.gate[..n * ff], &mut s.up[..n * ff]],
    )?;
    ops::silu_mul(&mut s.gate[..n * ff], &s.up[..n * ff]);
    matmul(
        pool,
        map,
        &[&layer.down],
        &mut s.input,
        &s.gate[..n * ff],
        n,
        &mut s.staging,
        &mut [&mut s.proj[..n * dim]],
    )?;
    add(&mut s.x[..n * dim], &s.proj[..n * dim]);
    Ok(())
}

fn add(x: &mut [f32], y: &[f32]) {
    x.iter_mut().zip(y).for_each(|(a, b)| *a += b);
}
