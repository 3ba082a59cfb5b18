//! Activations prepared once per matmul for one weight type, in a buffer reused between calls.

use super::blocks::{ActKind, BlockQ8, BlockQ8K, QK, QK_K, WeightType};
use super::{path, quantize_q8_rows, quantize_q8k_rows};

/// Activations (n rows of k floats) prepared once per matmul for one weight type: Q8 blocks
/// (with per-block sums) for the 32-element types, Q8_K blocks for the K-quants, f32 for float
/// weights. The buffers are kept between calls, so steady state does not allocate.
#[derive(Debug, Default)]
pub(crate) struct Activations {
    kind: Option<ActKind>,
    n: usize,
    k: usize,
    f: Vec<f32>,
    q8: Vec<BlockQ8>,
    q8k: Vec<BlockQ8K>,
}

impl Activations {
    pub fn new() -> Self {
        Self::default()
    }

    /// Prepares `x` (n*k floats, row-major) for weights of type `weight`; k must be a multiple
    /// of weight.block_elements() (otherwise nothing is prepared and rows() is 0).
    pub fn quantize(&mut self, weight: WeightType, x: &[f32], k: usize) {
        self.k = k;
        self.n = 0;
        self.kind = Some(weight.act_kind());
        if k == 0 || !k.is_multiple_of(weight.block_elements()) {
            return;
        }
        self.n = x.len() / k;
        let x = &x[..self.n * k];
        let simd = path();
        match weight.act_kind() {
            ActKind::F32 => {
                self.f.clear();
                self.f.extend_from_slice(x);
            }
            ActKind::Q8 => {
                self.q8.resize(x.len() / QK, BlockQ8::default());
                quantize_q8_rows(simd, x, &mut self.q8);
            }
            ActKind::Q8K => {
                self.q8k.resize(x.len() / QK_K, BlockQ8K::default());
                quantize_q8k_rows(simd, x, &mut self.q8k);
            }
        }
    }

    /// Rows prepared by the last quantize().
    pub fn rows(&self) -> usize {
        self.n
    }

    /// Elements per row.
    pub(crate) fn k(&self) -> usize {
        self.k
    }

    /// The format prepared (None before the first quantize()).
    pub(crate) fn kind(&self) -> Option<ActKind> {
        self.kind
    }

    /// Row `t` as floats (float weights).
    pub(crate) fn row_f32(&self, t: usize) -> &[f32] {
        &self.f[t * self.k..(t + 1) * self.k]
    }

    /// Row `t` as Q8 blocks (32-element weight types).
    pub(crate) fn row_q8(&self, t: usize) -> &[BlockQ8] {
        let b = self.k / QK;
        &self.q8[t * b..(t + 1) * b]
    }

    /// Row `t` as Q8_K blocks (K-quants).
    pub(crate) fn row_q8k(&self, t: usize) -> &[BlockQ8K] {
        let b = self.k / QK_K;
        &self.q8k[t * b..(t + 1) * b]
    }
}
