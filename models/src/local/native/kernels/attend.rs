//! The inner loops of attention over the f16 KV cache, one call per head and range of positions
//! rather than one per position: the scores of a group of query heads against key rows (grouped
//! query attention reads each key once for the whole group), the weighted sum of value rows, and
//! the shifted exponentials of a softmax. Each has a scalar reference and an AVX2 path.

use super::blocks::f16_to_f32;
use super::{Path, path};

/// Rows of one KV head in a layer's cache: row `p` is `data[p * stride..][..width]`.
#[derive(Clone, Copy)]
pub(crate) struct F16Rows<'a> {
    pub data: &'a [u16],
    pub stride: usize,
    pub width: usize,
}

impl<'a> F16Rows<'a> {
    /// Row `position`; panics past the data, which callers size by the cache they read.
    #[inline]
    pub fn row(&self, position: usize) -> &'a [u16] {
        &self.data[position * self.stride..][..self.width]
    }

    /// How many whole rows the data holds.
    pub fn rows(&self) -> usize {
        if self.data.len() < self.width {
            0
        } else {
            (self.data.len() - self.width) / self.stride.max(1) + 1
        }
    }
}

/// `scores[g * n + p] = scale · (queries[g] · keys.row(first + p))` for each query row `g` of
/// `keys.width` floats in `queries` and `n = scores.len() / groups` positions.
///
/// # Panics
/// When `first + n` passes `keys.rows()` (a caller bug, not user input).
pub(crate) fn group_scores(
    keys: F16Rows<'_>,
    first: usize,
    queries: &[f32],
    scale: f32,
    scores: &mut [f32],
) {
    let groups = queries.len() / keys.width.max(1);
    if groups == 0 {
        return;
    }
    assert!(
        first + scores.len() / groups <= keys.rows(),
        "key rows out of range"
    );
    match path() {
        Path::Scalar => scalar_group_scores(keys, first, queries, scale, scores),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
        Path::Avx2 => unsafe {
            super::attend_avx2::group_scores(keys, first, queries, scale, scores)
        },
    }
}

/// `outputs[g * width + i] += Σ_p weights[g * n + p] · values.row(first + p)[i]` for each of the
/// `groups = outputs.len() / values.width` output rows and `n = weights.len() / groups`
/// positions.
///
/// # Panics
/// When `first + n` passes `values.rows()` (a caller bug, not user input).
pub(crate) fn group_weighted_sum(
    values: F16Rows<'_>,
    first: usize,
    weights: &[f32],
    outputs: &mut [f32],
) {
    let groups = outputs.len() / values.width.max(1);
    if groups == 0 {
        return;
    }
    assert!(
        first + weights.len() / groups <= values.rows(),
        "value rows out of range"
    );
    match path() {
        Path::Scalar => scalar_group_weighted_sum(values, first, weights, outputs),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
        Path::Avx2 => unsafe {
            super::attend_avx2::group_weighted_sum(values, first, weights, outputs)
        },
    }
}

/// `x[i] = exp(x[i] - max)` in place; returns the sum of the results.
pub(crate) fn exp_shifted(x: &mut [f32], max: f32) -> f32 {
    match path() {
        Path::Scalar => scalar_exp_shifted(x, max),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
        Path::Avx2 => unsafe { super::attend_avx2::exp_shifted(x, max) },
    }
}

/// The largest value of `x` (negative infinity when empty).
pub(crate) fn max(x: &[f32]) -> f32 {
    x.iter().copied().fold(f32::NEG_INFINITY, f32::max)
}

pub(super) fn scalar_group_scores(
    keys: F16Rows<'_>,
    first: usize,
    queries: &[f32],
    scale: f32,
    scores: &mut [f32],
) {
    let width = keys.width;
    let groups = queries.len() / width;
    let n = scores.len() / groups;
    for (query, scores) in queries.chunks_exact(width).zip(scores.chunks_exact_mut(n)) {
        for (p, score) in scores.iter_mut().enumerate() {
            let key = keys.row(first + p);
            let dot: f32 = key.iter().zip(query).map(|(&k, q)| f16_to_f32(k) * q).sum();
            *score = dot * scale;
        }
    }
}

pub(super) fn scalar_group_weighted_sum(
    values: F16Rows<'_>,
    first: usize,
    weights: &[f32],
    outputs: &mut [f32],
) {
    let width = values.width;
    let groups = outputs.len() / width;
    let n = weights.len() / groups;
    for (output, weights) in outputs.chunks_exact_mut(width).zip(weights.chunks_exact(n)) {
        for (p, &weight) in weights.iter().enumerate() {
            for (o, &v) in output.iter_mut().zip(values.row(first + p)) {
                *o += weight * f16_to_f32(v);
            }
        }
    }
}

pub(super) fn scalar_exp_shifted(x: &mut [f32], max: f32) -> f32 {
    let mut sum = 0f32;
    for value in x.iter_mut() {
        *value = (*value - max).exp();
        sum += *value;
    }
    sum
}
