//! Speed of the native engine's matmul kernels, scalar against the runtime-selected SIMD path,
//! one thread: decode (`dot_rows`, one token against every weight row) and prefill (`gemm_rows`,
//! 128 tokens), per weight type.
//!
//! ```text
//! cargo bench -p agent-models --bench kernels            # ~0.5 s per measurement
//! cargo bench -p agent-models --bench kernels -- --quick # ~0.1 s per measurement
//! AGENT_BENCH_CPU_TIME=1 cargo bench …                   # time on the CPU, for a busy machine
//! ```
//!
//! Columns: weight GB/s streamed by decode, and the prefill cost per token relative to decode
//! (`prefill×` = decode time per token / prefill time per token: how much the tiled GEMM gains).
//! The kernels are pub(crate) inside agent-models, so this bench compiles their module from
//! source (`#[path]`) instead of widening the crate's public API.

#![allow(clippy::print_stdout)]

#[allow(unused_imports)]
#[path = "../src/local/native/kernels/mod.rs"]
mod kernels;

use std::hint::black_box;
use std::time::{Duration, Instant};

use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use kernels::{Activations, WeightType};

const K: usize = 2048;
const ROWS: usize = 1024;
const PREFILL: usize = 128;

fn floats(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

/// Nanoseconds this thread has run on a CPU (`/proc/thread-self/schedstat`), when readable.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Repeats `f` until `budget` has passed, returns seconds per call. With `AGENT_BENCH_CPU_TIME=1`
/// the seconds are the thread's time on a CPU rather than wall time, so that a machine shared
/// with other work still compares kernels (not the scheduler).
fn time(budget: Duration, mut f: impl FnMut()) -> f64 {
    let on_cpu = std::env::var("AGENT_BENCH_CPU_TIME").is_ok_and(|v| v == "1");
    f();
    let start = Instant::now();
    let cpu_start = cpu_ns();
    let mut calls = 0u32;
    while start.elapsed() < budget || calls < 2 {
        f();
        calls += 1;
    }
    let seconds = match (on_cpu, cpu_start, cpu_ns()) {
        (true, Some(from), Some(to)) => (to - from) as f64 / 1e9,
        _ => start.elapsed().as_secs_f64(),
    };
    seconds / f64::from(calls)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::args().any(|a| a == "--quick");
    let budget = Duration::from_millis(if quick { 100 } else { 500 });
    let types = [
        (WeightType::Q4_1, GgmlDType::Q4_1),
        (WeightType::Q8_0, GgmlDType::Q8_0),
        (WeightType::Q4_0, GgmlDType::Q4_0),
        (WeightType::Q4K, GgmlDType::Q4K),
        (WeightType::Q6K, GgmlDType::Q6K),
        (WeightType::F16, GgmlDType::F16),
        (WeightType::Q5K, GgmlDType::Q5K),
        (WeightType::Q5_0, GgmlDType::Q5_0),
        (WeightType::Q5_1, GgmlDType::Q5_1),
        (WeightType::F32, GgmlDType::F32),
    ];
    println!(
        "kernels: {ROWS} rows × k={K}, prefill {PREFILL} tokens, 1 thread, SIMD path: {}",
        kernels::simd_path()
    );
    println!(
        "{:<6} | {:>14} {:>14} {:>8} | {:>14} {:>14} {:>8} | {:>9} {:>9}",
        "type",
        "decode scalar",
        "decode simd",
        "speedup",
        "prefill scalar",
        "prefill simd",
        "speedup",
        "prefill× s",
        "prefill× v"
    );
    let x1 = floats(K, 3);
    let xn = floats(K * PREFILL, 4);
    for (t, g) in types {
        let w = Tensor::from_vec(floats(ROWS * K, 1), (ROWS, K), &Device::Cpu)?;
        let bytes = QTensor::quantize(&w, g)?.data()?.into_owned();
        let mut out1 = vec![0.0f32; ROWS];
        let mut outn = vec![0.0f32; ROWS * PREFILL];
        let (mut a1, mut an) = (Activations::new(), Activations::new());
        let mut measure = || {
            a1.quantize(t, &x1, K);
            an.quantize(t, &xn, K);
            let decode = time(budget, || {
                kernels::dot_rows(t, black_box(&bytes), &a1, 0, &mut out1)
            });
            let prefill = time(budget, || {
                kernels::gemm_rows(t, black_box(&bytes), &an, &mut outn)
            });
            (decode, prefill)
        };
        let (ds, ps) = kernels::with_scalar(&mut measure);
        let (dv, pv) = measure();
        let gbs = |s: f64| bytes.len() as f64 / s / 1e9;
        let tps = |s: f64| PREFILL as f64 / s;
        println!(
            "{:<6} | {:>10.2} GB/s {:>9.2} GB/s {:>7.1}× | {:>9.1} tok/s {:>8.1} tok/s {:>7.1}× | {:>9.2} {:>9.2}",
            t.name(),
            gbs(ds),
            gbs(dv),
            ds / dv,
            tps(ps),
            tps(pv),
            ps / pv,
            ds * PREFILL as f64 / ps,
            dv * PREFILL as f64 / pv,
        );
    }
    Ok(())
}
