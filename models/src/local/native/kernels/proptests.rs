//! Property tests: every SIMD kernel against the scalar reference on random blocks (random bytes,
//! finite bounded f16 scales), several blocks per row, token counts that are not a multiple of
//! the gemm tile.

use proptest::prelude::*;

use super::attend::max as kernels_max;
use super::blocks::f32_to_f16_bits;
use super::tests::floats;
use super::*;

/// Random bytes from a seed.
fn bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut s = seed ^ 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 56) as u8
        })
        .collect()
}

/// Byte offsets of the f16 scales inside one block of `t`.
fn f16_fields(t: WeightType) -> &'static [usize] {
    match t {
        WeightType::Q4_0 | WeightType::Q5_0 | WeightType::Q8_0 => &[0],
        WeightType::Q4_1 | WeightType::Q5_1 | WeightType::Q4K | WeightType::Q5K => &[0, 2],
        WeightType::Q2K => &[80, 82],
        WeightType::Q3K => &[108],
        WeightType::Q6K => &[208],
        WeightType::F32 | WeightType::F16 | WeightType::BF16 => &[],
    }
}

/// `rows` random rows of `k` elements of type `t`.
fn random_rows(t: WeightType, rows: usize, k: usize, seed: u64) -> Vec<u8> {
    let rb = t.row_bytes(k).unwrap_or(0);
    match t {
        WeightType::F32 => floats(rows * k, seed)
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect(),
        WeightType::F16 => floats(rows * k, seed)
            .iter()
            .flat_map(|&v| f32_to_f16_bits(v).to_le_bytes())
            .collect(),
        WeightType::BF16 => floats(rows * k, seed)
            .iter()
            .flat_map(|&v| ((v.to_bits() >> 16) as u16).to_le_bytes())
            .collect(),
        _ => {
            let mut b = bytes(rows * rb, seed);
            let scales = floats(rows * rb, seed ^ 1);
            for (bi, blk) in b.chunks_exact_mut(t.block_bytes()).enumerate() {
                for (fi, &at) in f16_fields(t).iter().enumerate() {
                    let v = scales[bi * 2 + fi] * 0.1;
                    blk[at..at + 2].copy_from_slice(&f32_to_f16_bits(v).to_le_bytes());
                }
            }
            b
        }
    }
}

/// A tolerance for float re-association: 1e-4 of Σ|w|·|x| over the dequantised row, plus the
/// row's largest |w| (minimum terms) times Σ|x|.
fn tolerance(t: WeightType, row: &[u8], x: &[f32]) -> f32 {
    let mut w = vec![0.0; x.len()];
    dequantize_row(t, row, &mut w);
    let wmax = w.iter().fold(0.0f32, |a, v| a.max(v.abs()));
    let mag: f32 = w.iter().zip(x).map(|(a, b)| (a * b).abs()).sum::<f32>()
        + wmax * x.iter().map(|v| v.abs()).sum::<f32>();
    1e-4 * mag + 1e-6
}

fn check_type(
    t: WeightType,
    rows: usize,
    blocks: usize,
    n: usize,
    seed: u64,
) -> Result<(), TestCaseError> {
    let k = blocks * t.block_elements().max(16);
    let rb = t.row_bytes(k).unwrap_or(0);
    let w = random_rows(t, rows, k, seed);
    let x: Vec<f32> = floats(n * k, seed ^ 7).iter().map(|v| v * 3.0).collect();
    let mut acts = Activations::new();
    acts.quantize(t, &x, k);
    let mut scalar_acts = Activations::new();
    with_scalar(|| scalar_acts.quantize(t, &x, k));
    for tok in 0..n {
        match t.act_kind() {
            ActKind::Q8 => prop_assert_eq!(acts.row_q8(tok), scalar_acts.row_q8(tok)),
            ActKind::Q8K => prop_assert_eq!(acts.row_q8k(tok), scalar_acts.row_q8k(tok)),
            ActKind::F32 => prop_assert_eq!(acts.row_f32(tok), scalar_acts.row_f32(tok)),
        }
    }
    let mut gemm = vec![0.0; rows * n];
    let mut gemm_ref = vec![0.0; rows * n];
    gemm_rows(t, &w, &acts, &mut gemm);
    with_scalar(|| gemm_rows(t, &w, &acts, &mut gemm_ref));
    for tok in 0..n {
        let mut simd = vec![0.0; rows];
        let mut reference = vec![0.0; rows];
        dot_rows(t, &w, &acts, tok, &mut simd);
        with_scalar(|| dot_rows(t, &w, &acts, tok, &mut reference));
        for r in 0..rows {
            let tol = tolerance(t, &w[r * rb..(r + 1) * rb], &x[tok * k..(tok + 1) * k]);
            prop_assert!(
                (simd[r] - reference[r]).abs() <= tol,
                "{} dot row {} tok {}: {} vs {} (tol {})",
                t.name(),
                r,
                tok,
                simd[r],
                reference[r],
                tol
            );
            let (g, gr) = (gemm[r * n + tok], gemm_ref[r * n + tok]);
            prop_assert!(
                (g - gr).abs() <= tol,
                "{} gemm row {} tok {}: {} vs {} (tol {})",
                t.name(),
                r,
                tok,
                g,
                gr,
                tol
            );
            prop_assert!(
                (g - reference[r]).abs() <= tol,
                "{} gemm vs dot row {} tok {}",
                t.name(),
                r,
                tok
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn attention_loops_simd_match_scalar(
        groups in 1usize..11,
        width in 1usize..40,
        n in 1usize..40,
        first in 0usize..5,
        seed in any::<u64>(),
    ) {
        let stride = 2 * width + 3;
        let data: Vec<u16> = floats((first + n) * stride, seed)
            .iter()
            .map(|&v| f32_to_f16_bits(v))
            .collect();
        let rows = F16Rows { data: &data, stride, width };
        let queries = floats(groups * width, seed ^ 1);
        let mut scores = vec![0.0; groups * n];
        let mut scores_ref = vec![0.0; groups * n];
        group_scores(rows, first, &queries, 0.125, &mut scores);
        with_scalar(|| group_scores(rows, first, &queries, 0.125, &mut scores_ref));
        for (p, q) in scores.iter().zip(&scores_ref) {
            prop_assert!((p - q).abs() <= 1e-5 * width as f32, "{} vs {}", p, q);
        }
        let weights = floats(groups * n, seed ^ 2);
        let mut outputs = floats(groups * width, seed ^ 3);
        let mut outputs_ref = outputs.clone();
        group_weighted_sum(rows, first, &weights, &mut outputs);
        with_scalar(|| group_weighted_sum(rows, first, &weights, &mut outputs_ref));
        for (p, q) in outputs.iter().zip(&outputs_ref) {
            prop_assert!((p - q).abs() <= 1e-5 * n as f32, "{} vs {}", p, q);
        }
    }

    #[test]
    fn exp_simd_matches_scalar(len in 0usize..40, seed in any::<u64>(), spread in 0.0f32..120.0) {
        let x: Vec<f32> = floats(len, seed).iter().map(|v| v * spread).collect();
        let max = kernels_max(&x);
        let (mut simd, mut reference) = (x.clone(), x.clone());
        let sum = exp_shifted(&mut simd, max);
        let sum_ref = with_scalar(|| exp_shifted(&mut reference, max));
        for (p, q) in simd.iter().zip(&reference) {
            // Within 3 ulp where the result is a normal float; shifted values below -87.3 are 0.
            prop_assert!((p - q).abs() <= 3.0 * f32::EPSILON * q + 2e-38, "{} vs {}", p, q);
        }
        prop_assert!((sum - sum_ref).abs() <= 1e-6 * sum_ref.max(1.0));
    }


    #[test]
    fn simd_matches_scalar_for_every_type(rows in 1usize..6, blocks in 1usize..4, n in 1usize..10, seed in any::<u64>()) {
        for t in ALL_TYPES {
            check_type(t, rows, blocks, n, seed)?;
        }
    }

    #[test]
    fn float_helpers_simd_match_scalar(len in 0usize..80, seed in any::<u64>(), a in -4.0f32..4.0) {
        let x = floats(len, seed);
        let y = floats(len, seed ^ 3);
        let mut h = vec![0u16; len];
        let mut h_ref = vec![0u16; len];
        f32_to_f16(&x, &mut h);
        with_scalar(|| f32_to_f16(&x, &mut h_ref));
        prop_assert_eq!(&h, &h_ref);
        let mag: f32 = x.iter().zip(&y).map(|(p, q)| (p * q).abs()).sum::<f32>() + 1e-6;
        prop_assert!((dot_f32(&x, &y) - with_scalar(|| dot_f32(&x, &y))).abs() <= 1e-5 * mag);
        prop_assert!((dot_f16(&h, &y) - with_scalar(|| dot_f16(&h, &y))).abs() <= 1e-5 * mag + 1e-6);
        let (mut y1, mut y2) = (y.clone(), y.clone());
        axpy_f32(&mut y1, a, &x);
        with_scalar(|| axpy_f32(&mut y2, a, &x));
        for (p, q) in y1.iter().zip(&y2) {
            prop_assert!((p - q).abs() <= 1e-5 * (1.0 + q.abs()));
        }
        let (mut y1, mut y2) = (y.clone(), y.clone());
        axpy_f16(&mut y1, a, &h);
        with_scalar(|| axpy_f16(&mut y2, a, &h));
        for (p, q) in y1.iter().zip(&y2) {
            prop_assert!((p - q).abs() <= 1e-5 * (1.0 + q.abs()));
        }
    }
}

#[test]
fn the_widest_path_is_in_use() {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
        && std::arch::is_x86_feature_detected!("f16c")
    {
        assert_eq!(simd_path(), "avx2+fma");
    }
}
