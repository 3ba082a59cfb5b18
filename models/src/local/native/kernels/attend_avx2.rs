//! AVX2+FMA+F16C paths of the attention loops in `attend.rs`: a group of up to eight query
//! heads scored against each key row converted once, value rows summed eight columns at a time
//! with the accumulators in registers, and an eight-lane exp. Called only after runtime
//! detection (see `detected()` in the parent module).

use std::arch::x86_64::*;

use super::attend::{F16Rows, scalar_exp_shifted};
use super::avx2::{hsum, load_f8, load_h8};

/// Query heads scored in one pass over the keys.
const MAX_GROUP: usize = 8;

#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn group_scores(
    keys: F16Rows<'_>,
    first: usize,
    queries: &[f32],
    scale: f32,
    scores: &mut [f32],
) {
    let width = keys.width;
    let groups = queries.len() / width;
    let n = scores.len() / groups;
    let mut g0 = 0;
    while g0 < groups {
        let take = (groups - g0).min(MAX_GROUP);
        let queries = &queries[g0 * width..(g0 + take) * width];
        let scores = &mut scores[g0 * n..(g0 + take) * n];
        match take {
            1 => scores_of::<1>(keys, first, queries, scale, scores, n),
            2 => scores_of::<2>(keys, first, queries, scale, scores, n),
            3 => scores_of::<3>(keys, first, queries, scale, scores, n),
            4 => scores_of::<4>(keys, first, queries, scale, scores, n),
            5 => scores_of::<5>(keys, first, queries, scale, scores, n),
            6 => scores_of::<6>(keys, first, queries, scale, scores, n),
            7 => scores_of::<7>(keys, first, queries, scale, scores, n),
            _ => scores_of::<8>(keys, first, queries, scale, scores, n),
        }
        g0 += take;
    }
}

/// [`group_scores`] for exactly `G` query rows.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn scores_of<const G: usize>(
    keys: F16Rows<'_>,
    first: usize,
    queries: &[f32],
    scale: f32,
    scores: &mut [f32],
    n: usize,
) {
    let width = keys.width;
    let body = width - width % 8;
    for p in 0..n {
        let key = keys.row(first + p);
        let mut acc = [_mm256_setzero_ps(); G];
        let mut i = 0;
        while i < body {
            let k = load_h8(key, i);
            for (g, acc) in acc.iter_mut().enumerate() {
                *acc = _mm256_fmadd_ps(k, load_f8(queries, g * width + i), *acc);
            }
            i += 8;
        }
        for (g, acc) in acc.iter().enumerate() {
            let query = &queries[g * width..(g + 1) * width];
            let tail: f32 = key[body..]
                .iter()
                .zip(&query[body..])
                .map(|(&k, q)| super::blocks::f16_to_f32(k) * q)
                .sum();
            scores[g * n + p] = (hsum(*acc) + tail) * scale;
        }
    }
}

#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn group_weighted_sum(
    values: F16Rows<'_>,
    first: usize,
    weights: &[f32],
    outputs: &mut [f32],
) {
    let width = values.width;
    let groups = outputs.len() / width;
    let n = weights.len() / groups;
    let mut g0 = 0;
    while g0 < groups {
        let take = (groups - g0).min(MAX_GROUP);
        let weights = &weights[g0 * n..(g0 + take) * n];
        let outputs = &mut outputs[g0 * width..(g0 + take) * width];
        match take {
            1 => weighted_sum_of::<1>(values, first, weights, outputs, n),
            2 => weighted_sum_of::<2>(values, first, weights, outputs, n),
            3 => weighted_sum_of::<3>(values, first, weights, outputs, n),
            4 => weighted_sum_of::<4>(values, first, weights, outputs, n),
            5 => weighted_sum_of::<5>(values, first, weights, outputs, n),
            6 => weighted_sum_of::<6>(values, first, weights, outputs, n),
            7 => weighted_sum_of::<7>(values, first, weights, outputs, n),
            _ => weighted_sum_of::<8>(values, first, weights, outputs, n),
        }
        g0 += take;
    }
}

/// [`group_weighted_sum`] for exactly `G` output rows: eight columns at a time, the `G`
/// accumulators stay in registers over all positions.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn weighted_sum_of<const G: usize>(
    values: F16Rows<'_>,
    first: usize,
    weights: &[f32],
    outputs: &mut [f32],
    n: usize,
) {
    let width = values.width;
    let body = width - width % 8;
    let mut i = 0;
    while i < body {
        let mut acc = [_mm256_setzero_ps(); G];
        for (g, acc) in acc.iter_mut().enumerate() {
            *acc = load_f8(outputs, g * width + i);
        }
        for p in 0..n {
            let v = load_h8(values.row(first + p), i);
            for (g, acc) in acc.iter_mut().enumerate() {
                *acc = _mm256_fmadd_ps(_mm256_set1_ps(weights[g * n + p]), v, *acc);
            }
        }
        for (g, acc) in acc.iter().enumerate() {
            let out: &mut [f32; 8] =
                match (&mut outputs[g * width + i..g * width + i + 8]).try_into() {
                    Ok(out) => out,
                    Err(_) => unreachable!(),
                };
            // SAFETY: `out` is 8 writable f32.
            unsafe { _mm256_storeu_ps(out.as_mut_ptr(), *acc) };
        }
        i += 8;
    }
    if body < width {
        for (g, output) in outputs.chunks_exact_mut(width).enumerate() {
            for p in 0..n {
                let weight = weights[g * n + p];
                let row = values.row(first + p);
                for (o, &v) in output[body..].iter_mut().zip(&row[body..]) {
                    *o += weight * super::blocks::f16_to_f32(v);
                }
            }
        }
    }
}

#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn exp_shifted(x: &mut [f32], max: f32) -> f32 {
    let body = x.len() - x.len() % 8;
    let shift = _mm256_set1_ps(max);
    let mut sum = _mm256_setzero_ps();
    let mut i = 0;
    while i < body {
        let lane: &mut [f32; 8] = match (&mut x[i..i + 8]).try_into() {
            Ok(lane) => lane,
            Err(_) => unreachable!(),
        };
        // SAFETY: `lane` is 8 readable and writable f32.
        unsafe {
            let e = exp8(_mm256_sub_ps(_mm256_loadu_ps(lane.as_ptr()), shift));
            _mm256_storeu_ps(lane.as_mut_ptr(), e);
            sum = _mm256_add_ps(sum, e);
        }
        i += 8;
    }
    hsum(sum) + scalar_exp_shifted(&mut x[body..], max)
}

/// e^x in eight lanes, within 2 ulp of `f32::exp` for |x| ≤ 87.3 (x below −87.3 gives 0,
/// above 88.3 the value at 88.3): x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by a degree-7
/// polynomial (the Taylor coefficients, adjusted for the interval), 2ⁿ built in the exponent
/// bits.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
pub(super) fn exp8(x: __m256) -> __m256 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two so n·LN2_HIGH is exact for |n| ≤ 128.
    const LN2_HIGH: f32 = 0.693_359_4;
    const LN2_LOW: f32 = -2.121_944_4e-4;
    let low = _mm256_set1_ps(-87.3);
    let underflow = _mm256_cmp_ps::<_CMP_LT_OQ>(x, low);
    let x = _mm256_min_ps(_mm256_max_ps(x, low), _mm256_set1_ps(88.3));
    let n = _mm256_round_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(_mm256_mul_ps(
        x,
        _mm256_set1_ps(LOG2_E),
    ));
    let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HIGH), x);
    let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LOW), r);
    // e^r ≈ 1 + r + r²·(1/2 + r·(1/6 + r·(1/24 + r·(1/120 + r·(1/720 + r/5040))))).
    let mut p = _mm256_set1_ps(1.0 / 5040.0);
    for c in [1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5] {
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(c));
    }
    let r2 = _mm256_mul_ps(r, r);
    let e_r = _mm256_fmadd_ps(p, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0)));
    let two_n = _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(
        _mm256_cvtps_epi32(n),
        _mm256_set1_epi32(127),
    )));
    _mm256_andnot_ps(underflow, _mm256_mul_ps(e_r, two_n))
}
