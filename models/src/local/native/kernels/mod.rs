//! Compute kernels of the native engine: GGML block formats, a scalar reference, runtime-dispatched
//! SIMD dot products (AVX2+FMA+F16C on x86-64), a persistent thread pool and the memory-mapped
//! GGUF file. The only module of the native engine with `unsafe` code; every block says why it
//! is sound.
#![allow(unsafe_code)]
// The engine (native/ outside kernels/) is wired in by its own branch; until then parts of this
// API are only used by tests and benches.
#![allow(dead_code)]

mod acts;
mod attend;
#[cfg(target_arch = "x86_64")]
mod attend_avx2;
#[cfg(target_arch = "x86_64")]
mod avx2;
mod blocks;
mod mapped;
mod pool;
#[cfg(test)]
mod proptests;
mod scalar;
#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::sync::OnceLock;

pub(crate) use acts::Activations;
pub(crate) use attend::{F16Rows, exp_shifted, group_scores, group_weighted_sum, max};
pub(crate) use blocks::f16_bits_to_f32;
// The re-exports are the API the engine uses (not wired yet).
#[allow(unused_imports)]
pub(crate) use blocks::{ALL_TYPES, ActKind, BlockQ8, BlockQ8K, QK, QK_K, WeightType};
#[allow(unused_imports)]
pub(crate) use mapped::MappedFile;
#[allow(unused_imports)]
pub(crate) use pool::{PoolPanic, ThreadPool};

/// The instruction path a kernel call takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Path {
    Scalar,
    /// AVX2 + FMA + F16C, detected at run time.
    #[cfg(target_arch = "x86_64")]
    Avx2,
}

/// The widest path this CPU supports, detected once.
fn detected() -> Path {
    static DETECTED: OnceLock<Path> = OnceLock::new();
    *DETECTED.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("f16c")
        {
            return Path::Avx2;
        }
        Path::Scalar
    })
}

thread_local! {
    /// Set by [`with_scalar`]: this thread's calls take the scalar path.
    static FORCE_SCALAR: Cell<bool> = const { Cell::new(false) };
}

/// The path the current thread's kernel calls take.
#[inline]
pub(crate) fn path() -> Path {
    if FORCE_SCALAR.with(Cell::get) {
        Path::Scalar
    } else {
        detected()
    }
}

/// "avx2+fma", "neon" or "scalar": the path in use (for bench output and logs).
pub(crate) fn simd_path() -> &'static str {
    match path() {
        Path::Scalar => "scalar",
        #[cfg(target_arch = "x86_64")]
        Path::Avx2 => "avx2+fma",
    }
}

/// Runs `f` with this thread's kernel calls on the scalar path (tests and benches compare both).
pub(crate) fn with_scalar<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            FORCE_SCALAR.with(|c| c.set(self.0));
        }
    }
    let _reset = Reset(FORCE_SCALAR.with(|c| c.replace(true)));
    f()
}

/// Quantises rows of floats into Q8 blocks on `path`.
fn quantize_q8_rows(path: Path, x: &[f32], out: &mut [BlockQ8]) {
    for (src, dst) in x.chunks_exact(QK).zip(out.iter_mut()) {
        match path {
            Path::Scalar => scalar::quantize_q8(src, dst),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
            Path::Avx2 => unsafe { avx2::quantize_q8(src, dst) },
        }
    }
}

/// Quantises rows of floats into Q8_K blocks on `path`.
fn quantize_q8k_rows(path: Path, x: &[f32], out: &mut [BlockQ8K]) {
    for (src, dst) in x.chunks_exact(QK_K).zip(out.iter_mut()) {
        match path {
            Path::Scalar => scalar::quantize_q8k(src, dst),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
            Path::Avx2 => unsafe { avx2::quantize_q8k(src, dst) },
        }
    }
}

/// Whether `acts` was prepared for `weight` (a mismatch is a bug of the caller; the kernels
/// then return zeros rather than reading the wrong format).
fn acts_match(weight: WeightType, acts: &Activations) -> bool {
    acts.kind() == Some(weight.act_kind())
}

/// One weight row on the scalar path.
fn dot_scalar(weight: WeightType, row: &[u8], acts: &Activations, t: usize) -> f32 {
    match weight.act_kind() {
        ActKind::F32 => scalar::dot_float(weight, row, acts.row_f32(t)),
        ActKind::Q8 => scalar::dot_q8(weight, row, acts.row_q8(t)),
        ActKind::Q8K => scalar::dot_q8k(weight, row, acts.row_q8k(t)),
    }
}

/// One weight row (row_bytes(k) bytes) · activation row `t`.
pub(crate) fn dot(weight: WeightType, row: &[u8], acts: &Activations, t: usize) -> f32 {
    let mut out = [0.0];
    dot_rows(weight, row, acts, t, &mut out);
    out[0]
}

/// out[r] = row r of `rows` (out.len() consecutive rows) · activation row `t`.
pub(crate) fn dot_rows(
    weight: WeightType,
    rows: &[u8],
    acts: &Activations,
    t: usize,
    out: &mut [f32],
) {
    let Some(rb) = weight.row_bytes(acts.k()) else {
        out.fill(0.0);
        return;
    };
    if !acts_match(weight, acts) || t >= acts.rows() || rows.len() < rb * out.len() {
        out.fill(0.0);
        return;
    }
    match path() {
        Path::Scalar => {
            for (o, row) in out.iter_mut().zip(rows.chunks_exact(rb)) {
                *o = dot_scalar(weight, row, acts, t);
            }
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
        Path::Avx2 => unsafe { avx2::dot_rows(weight, rows, rb, acts, t, out) },
    }
}

/// For prefill: out[r * n + t] for out.len()/n consecutive weight rows and all n activation
/// rows (weight-row-major output).
pub(crate) fn gemm_rows(weight: WeightType, rows: &[u8], acts: &Activations, out: &mut [f32]) {
    let n = acts.rows();
    let Some(rb) = weight.row_bytes(acts.k()) else {
        out.fill(0.0);
        return;
    };
    if n == 0 || !acts_match(weight, acts) || rows.len() < rb * (out.len() / n) {
        out.fill(0.0);
        return;
    }
    match path() {
        Path::Scalar => {
            for (orow, row) in out.chunks_exact_mut(n).zip(rows.chunks_exact(rb)) {
                for (t, o) in orow.iter_mut().enumerate() {
                    *o = dot_scalar(weight, row, acts, t);
                }
            }
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
        Path::Avx2 => unsafe { avx2::gemm_rows(weight, rows, rb, acts, out) },
    }
}

/// A weight row back to f32 (embedding lookups); out.len() elements.
pub(crate) fn dequantize_row(weight: WeightType, row: &[u8], out: &mut [f32]) {
    scalar::dequantize_row(weight, row, out);
}

/// Σ a[i] * b[i] over the shorter length.
pub(crate) fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
    match path() {
        Path::Scalar => scalar::dot_f32(a, b),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
        Path::Avx2 => unsafe { avx2::dot_f32(a, b) },
    }
}

/// y += a * x.
pub(crate) fn axpy_f32(y: &mut [f32], a: f32, x: &[f32]) {
    match path() {
        Path::Scalar => scalar::axpy_f32(y, a, x),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
        Path::Avx2 => unsafe { avx2::axpy_f32(y, a, x) },
    }
}

/// Σ f16(a[i]) * b[i] (a as f16 bits).
pub(crate) fn dot_f16(a: &[u16], b: &[f32]) -> f32 {
    match path() {
        Path::Scalar => scalar::dot_f16(a, b),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
        Path::Avx2 => unsafe { avx2::dot_f16(a, b) },
    }
}

/// y += a * f16(x).
pub(crate) fn axpy_f16(y: &mut [f32], a: f32, x: &[u16]) {
    match path() {
        Path::Scalar => scalar::axpy_f16(y, a, x),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
        Path::Avx2 => unsafe { avx2::axpy_f16(y, a, x) },
    }
}

/// Converts f32 to f16 bits (round to nearest even) over the shorter length.
pub(crate) fn f32_to_f16(src: &[f32], dst: &mut [u16]) {
    match path() {
        Path::Scalar => {
            for (d, &s) in dst.iter_mut().zip(src) {
                *d = blocks::f32_to_f16_bits(s);
            }
        }
        #[cfg(target_arch = "x86_64")]
        // SAFETY: Path::Avx2 is only chosen after avx2, fma and f16c were detected on this CPU.
        Path::Avx2 => unsafe { avx2::f32_to_f16(src, dst) },
    }
}
