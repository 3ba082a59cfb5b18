//! Kernel tests: layouts against candle's own (de)quantisation, dot products against the
//! dequantised weights, the thread pool, the memory map.

use std::sync::atomic::{AtomicUsize, Ordering};

use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};

use super::*;

/// Deterministic pseudo-random floats in [-1, 1).
pub(super) fn floats(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

fn ggml(t: WeightType) -> GgmlDType {
    match t {
        WeightType::F32 => GgmlDType::F32,
        WeightType::F16 => GgmlDType::F16,
        WeightType::BF16 => GgmlDType::BF16,
        WeightType::Q4_0 => GgmlDType::Q4_0,
        WeightType::Q4_1 => GgmlDType::Q4_1,
        WeightType::Q5_0 => GgmlDType::Q5_0,
        WeightType::Q5_1 => GgmlDType::Q5_1,
        WeightType::Q8_0 => GgmlDType::Q8_0,
        WeightType::Q2K => GgmlDType::Q2K,
        WeightType::Q3K => GgmlDType::Q3K,
        WeightType::Q4K => GgmlDType::Q4K,
        WeightType::Q5K => GgmlDType::Q5K,
        WeightType::Q6K => GgmlDType::Q6K,
    }
}

/// `rows` × `k` random weights quantised by candle: (bytes, candle's dequantisation).
pub(super) fn candle_weights(
    t: WeightType,
    rows: usize,
    k: usize,
    seed: u64,
) -> (Vec<u8>, Vec<f32>) {
    let x = floats(rows * k, seed);
    let src = Tensor::from_vec(x, (rows, k), &Device::Cpu).unwrap();
    let q = QTensor::quantize(&src, ggml(t)).unwrap();
    let bytes = q.data().unwrap().into_owned();
    let deq = q
        .dequantize(&Device::Cpu)
        .unwrap()
        .flatten_all()
        .unwrap()
        .to_vec1::<f32>()
        .unwrap();
    (bytes, deq)
}

#[test]
fn weight_types_round_trip_ggml_and_sizes_match_candle() {
    for t in ALL_TYPES {
        assert_eq!(WeightType::from_ggml(ggml(t)), Some(t));
        assert_eq!(t.block_bytes(), ggml(t).type_size(), "{}", t.name());
        assert_eq!(t.block_elements(), ggml(t).block_size(), "{}", t.name());
        assert_eq!(
            t.row_bytes(512),
            Some(512 / t.block_elements() * t.block_bytes())
        );
    }
    assert_eq!(WeightType::Q4K.row_bytes(100), None);
    assert_eq!(WeightType::Q4_0.row_bytes(48), None);
    assert_eq!(WeightType::Q4K.name(), "Q4_K");
}

#[test]
fn dequantize_row_matches_candle_for_every_type() {
    let (rows, k) = (3, 512);
    for t in ALL_TYPES {
        let (bytes, want) = candle_weights(t, rows, k, 7);
        let rb = t.row_bytes(k).unwrap();
        assert_eq!(bytes.len(), rb * rows, "{}", t.name());
        let mut got = vec![0.0; k];
        for r in 0..rows {
            dequantize_row(t, &bytes[r * rb..(r + 1) * rb], &mut got);
            for (i, (&g, &w)) in got.iter().zip(&want[r * k..(r + 1) * k]).enumerate() {
                assert!(
                    (g - w).abs() <= 1e-6 + 1e-5 * w.abs(),
                    "{} row {r} [{i}]: {g} vs {w}",
                    t.name()
                );
            }
        }
    }
}

/// The bound of the error activation quantisation may add to Σ w·x.
fn act_error_bound(t: WeightType, w: &[f32], x: &[f32]) -> f32 {
    let be = match t.act_kind() {
        ActKind::F32 => {
            return 1e-5 * w.iter().zip(x).map(|(a, b)| (a * b).abs()).sum::<f32>() + 1e-6;
        }
        ActKind::Q8 => QK,
        ActKind::Q8K => QK_K,
    };
    let mut bound = 0.0;
    for (wb, xb) in w.chunks(be).zip(x.chunks(be)) {
        let d = xb.iter().fold(0.0f32, |a, v| a.max(v.abs())) / 127.0;
        bound += wb.iter().map(|v| v.abs()).sum::<f32>() * d * 0.5;
    }
    bound * 1.01 + 1e-4 * w.iter().zip(x).map(|(a, b)| (a * b).abs()).sum::<f32>() + 1e-5
}

fn check_dot_against_dequantized(t: WeightType) {
    let (rows, k, n) = (5, 512, 3);
    let (bytes, deq) = candle_weights(t, rows, k, 11);
    let x = floats(n * k, 13);
    let mut acts = Activations::new();
    acts.quantize(t, &x, k);
    assert_eq!(acts.rows(), n);
    let rb = t.row_bytes(k).unwrap();
    let mut gemm = vec![0.0; rows * n];
    gemm_rows(t, &bytes, &acts, &mut gemm);
    for tok in 0..n {
        let mut out = vec![0.0; rows];
        dot_rows(t, &bytes, &acts, tok, &mut out);
        for r in 0..rows {
            let w = &deq[r * k..(r + 1) * k];
            let xr = &x[tok * k..(tok + 1) * k];
            let want: f32 = w.iter().zip(xr).map(|(a, b)| a * b).sum();
            let bound = act_error_bound(t, w, xr);
            assert!(
                (out[r] - want).abs() <= bound,
                "{} row {r} tok {tok}: {} vs {want} (bound {bound})",
                t.name(),
                out[r]
            );
            let one = dot(t, &bytes[r * rb..(r + 1) * rb], &acts, tok);
            assert!(
                (one - out[r]).abs() <= 1e-4 * (1.0 + one.abs()),
                "{}: dot {one} vs dot_rows {}",
                t.name(),
                out[r]
            );
            let g = gemm[r * n + tok];
            assert!(
                (g - out[r]).abs() <= 1e-4 * (1.0 + g.abs()),
                "{}: gemm {g} vs dot_rows {}",
                t.name(),
                out[r]
            );
        }
    }
}

#[test]
fn dot_matches_dequantized_weights_for_every_type() {
    for t in ALL_TYPES {
        check_dot_against_dequantized(t);
        with_scalar(|| check_dot_against_dequantized(t));
    }
}

#[test]
fn mismatched_activations_give_zeros_not_garbage() {
    let (bytes, _) = candle_weights(WeightType::Q4_0, 2, 64, 1);
    let mut acts = Activations::new();
    acts.quantize(WeightType::Q4K, &floats(256, 2), 256);
    let mut out = [1.0; 2];
    dot_rows(WeightType::Q4_0, &bytes, &acts, 0, &mut out);
    assert_eq!(out, [0.0; 2]);
    acts.quantize(WeightType::Q4_0, &floats(64, 2), 64);
    dot_rows(WeightType::Q4_0, &bytes, &acts, 1, &mut out);
    assert_eq!(out, [0.0; 2], "token out of range");
}

#[test]
fn float_helpers_match_naive_loops() {
    for n in [0, 1, 7, 8, 31, 64, 100] {
        let a = floats(n, 3);
        let b = floats(n, 4);
        let want: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot_f32(&a, &b) - want).abs() < 1e-4, "dot_f32 n={n}");
        let mut h = vec![0u16; n];
        f32_to_f16(&a, &mut h);
        let ah: Vec<f32> = h
            .iter()
            .map(|&v| half::f16::from_bits(v).to_f32())
            .collect();
        for (x, y) in a.iter().zip(&ah) {
            assert!((x - y).abs() <= 1e-3 * x.abs().max(1e-3));
        }
        let want_h: f32 = ah.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot_f16(&h, &b) - want_h).abs() < 1e-4, "dot_f16 n={n}");
        let mut y = b.clone();
        axpy_f32(&mut y, 0.5, &a);
        for i in 0..n {
            assert!((y[i] - (b[i] + 0.5 * a[i])).abs() < 1e-6);
        }
        let mut y = b.clone();
        axpy_f16(&mut y, -2.0, &h);
        for i in 0..n {
            assert!((y[i] - (b[i] - 2.0 * ah[i])).abs() < 1e-5);
        }
    }
}

#[test]
fn with_scalar_switches_the_path_and_restores_it() {
    let before = simd_path();
    assert_eq!(with_scalar(simd_path), "scalar");
    assert_eq!(simd_path(), before);
}

#[test]
fn pool_visits_every_chunk_once_and_is_reusable() {
    for threads in [1, 2, 4] {
        let pool = ThreadPool::new(threads);
        assert_eq!(pool.threads(), threads);
        for round in 0..300 {
            let len = 1 + round % 97;
            let chunk = 1 + round % 7;
            let mut data = vec![0usize; len];
            pool.for_each_chunk(&mut data, chunk, |i, c| {
                for (j, v) in c.iter_mut().enumerate() {
                    *v += i * chunk + j + 1;
                }
            })
            .unwrap();
            let want: Vec<usize> = (1..=len).collect();
            assert_eq!(data, want, "threads {threads} round {round}");
            let count = AtomicUsize::new(0);
            pool.for_each(round % 13, |_| {
                count.fetch_add(1, Ordering::Relaxed);
            })
            .unwrap();
            assert_eq!(count.load(Ordering::Relaxed), round % 13);
        }
    }
}

#[test]
fn pool_reports_panics_and_keeps_working() {
    let pool = ThreadPool::new(3);
    let err = pool
        .for_each(64, |i| {
            if i == 17 {
                panic!("task {i} failed");
            }
        })
        .unwrap_err();
    assert!(err.message.contains("task 17 failed"), "{err}");
    let mut data = vec![0u8; 100];
    pool.for_each_chunk(&mut data, 10, |_, c| c.fill(1))
        .unwrap();
    assert!(data.iter().all(|&v| v == 1));
}

#[test]
fn pool_nested_and_concurrent_calls_do_not_deadlock() {
    let pool = ThreadPool::new(2);
    let total = AtomicUsize::new(0);
    pool.for_each(4, |_| {
        pool.for_each(3, |_| {
            total.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
    })
    .unwrap();
    assert_eq!(total.load(Ordering::Relaxed), 12);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                for _ in 0..50 {
                    pool.for_each(5, |_| {
                        total.fetch_add(1, Ordering::Relaxed);
                    })
                    .unwrap();
                }
            });
        }
    });
    assert_eq!(total.load(Ordering::Relaxed), 12 + 3 * 50 * 5);
}

#[test]
fn pool_default_threads_is_positive() {
    assert!(ThreadPool::default_threads() >= 1);
}

#[test]
fn mapped_file_reads_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.bin");
    std::fs::write(&path, b"GGUF\x03\x00").unwrap();
    let m = MappedFile::open(&path).unwrap();
    assert_eq!(m.bytes(), b"GGUF\x03\x00");
    assert!(MappedFile::open(&dir.path().join("missing")).is_err());
}

#[test]
fn exp_shifted_gives_exponentials_and_their_sum_on_every_path() {
    for scalar in [false, true] {
        let run = |x: &mut [f32], max: f32| {
            if scalar {
                with_scalar(|| exp_shifted(x, max))
            } else {
                exp_shifted(x, max)
            }
        };
        let mut x = [
            0.0,
            -1.0,
            2.0,
            -200.0,
            f32::NEG_INFINITY,
            1.0,
            0.5,
            -0.5,
            2.0,
            -3.0,
        ];
        let sum = run(&mut x, 2.0);
        let want = [
            -2.0f32,
            -3.0,
            0.0,
            -202.0,
            f32::NEG_INFINITY,
            -1.0,
            -1.5,
            -2.5,
            0.0,
            -5.0,
        ]
        .map(f32::exp);
        for (got, want) in x.iter().zip(&want) {
            assert!(
                (got - want).abs() <= 4.0 * f32::EPSILON * want,
                "{got} vs {want}"
            );
        }
        assert_eq!(x[4], 0.0, "exp(-inf) is 0");
        assert_eq!(x[3], 0.0, "far below the maximum is 0");
        assert!((sum - want.iter().sum::<f32>()).abs() < 1e-6);
    }
}

#[test]
fn grouped_scores_read_each_head_s_rows_at_their_stride() {
    // Two rows of width 2 at stride 3: [1, 2, x], [3, 4, x].
    let data = [1.0f32, 2.0, 99.0, 3.0, 4.0, 99.0].map(blocks::f32_to_f16_bits);
    let rows = F16Rows {
        data: &data,
        stride: 3,
        width: 2,
    };
    assert_eq!(rows.rows(), 2);
    let queries = [1.0, 0.0, 0.0, 1.0];
    let mut scores = [0.0; 4];
    group_scores(rows, 0, &queries, 2.0, &mut scores);
    assert_eq!(scores, [2.0, 6.0, 4.0, 8.0]);
    let mut one = [0.0; 2];
    group_scores(rows, 1, &queries, 1.0, &mut one);
    assert_eq!(one, [3.0, 4.0]);
    let mut outputs = [0.0; 4];
    group_weighted_sum(rows, 0, &[1.0, 0.5, 0.0, 2.0], &mut outputs);
    assert_eq!(outputs, [2.5, 4.0, 6.0, 8.0]);
}

#[test]
fn the_fast_half_conversion_is_exact_for_every_bit_pattern() {
    for bits in 0..=u16::MAX {
        let (fast, reference) = (blocks::f16_bits_to_f32(bits), blocks::f16_to_f32(bits));
        if reference.is_nan() {
            assert!(fast.is_nan(), "{bits:#06x}");
        } else {
            assert_eq!(fast.to_bits(), reference.to_bits(), "{bits:#06x}");
        }
    }
}
