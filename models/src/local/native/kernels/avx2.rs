//! AVX2+FMA+F16C kernels (x86-64): dot products of every 32-element type and of Q4_K, Q5_K and
//! Q6_K against quantised activations, float rows, activation quantisation and f32 helpers.
//! Each function is compiled with `#[target_feature(enable = "avx2,fma,f16c")]` and called only
//! after runtime detection (see `detected()` in the parent module); tiles of up to 4 tokens share
//! one decode of each weight block (prefill).

// Index loops mirror the block layouts lane by lane.
#![allow(clippy::needless_range_loop)]

use std::arch::x86_64::*;

use super::blocks::{BlockQ8, BlockQ8K, QK, QK_K, WeightType};
use super::scalar;

/// Tokens per gemm tile.
pub(crate) const TILE: usize = 4;

/// The horizontal sum of 8 floats.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
pub(super) fn hsum(v: __m256) -> f32 {
    let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps::<1>(v));
    let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    let s = _mm_add_ss(s, _mm_movehdup_ps(s));
    _mm_cvtss_f32(s)
}

/// The horizontal sum of 8 i32.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn hsum_i32(v: __m256i) -> i32 {
    let s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
    let s = _mm_add_epi32(s, _mm_shuffle_epi32::<0b01_00_11_10>(s));
    let s = _mm_add_epi32(s, _mm_shuffle_epi32::<0b10_11_00_01>(s));
    _mm_cvtsi128_si32(s)
}

/// Two f16 (little-endian, 4 bytes at `p`) to f32 with F16C.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn f16x2(b: [u8; 4]) -> (f32, f32) {
    let v = _mm_cvtph_ps(_mm_cvtsi32_si128(i32::from_le_bytes(b)));
    (_mm_cvtss_f32(v), _mm_cvtss_f32(_mm_movehdup_ps(v)))
}

/// One f16 to f32, exactly, in scalar registers. Not with F16C: LLVM turns a one-lane
/// `vcvtph2ps` into `vpinsrw` into whatever register is free, which tied each block's scale to
/// the previous block's sum (a false dependency that made Q4_0/Q8_0 decode ~3× slower than
/// Q4_1, whose two-lane conversion is a `vmovd`).
#[inline(always)]
fn f16x1(b: [u8; 2]) -> f32 {
    super::blocks::f16_bits_to_f32(u16::from_le_bytes(b))
}

/// 32 unaligned bytes.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn load32(b: &[u8; 32]) -> __m256i {
    // SAFETY: `b` is 32 readable bytes; loadu has no alignment requirement.
    unsafe { _mm256_loadu_si256(b.as_ptr().cast()) }
}

/// 16 unaligned bytes.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn load16(b: &[u8; 16]) -> __m128i {
    // SAFETY: `b` is 16 readable bytes; loadu has no alignment requirement.
    unsafe { _mm_loadu_si128(b.as_ptr().cast()) }
}

/// The 32 i8 of an activation block.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn load_i8x32(q: &[i8; 32]) -> __m256i {
    // SAFETY: `q` is 32 readable bytes.
    unsafe { _mm256_loadu_si256(q.as_ptr().cast()) }
}

/// A sub-array of a fixed-size block (bounds are checked at compile time after inlining).
#[inline(always)]
fn arr<const N: usize>(b: &[u8], at: usize) -> &[u8; N] {
    match b[at..at + N].try_into() {
        Ok(a) => a,
        Err(_) => unreachable!(),
    }
}

/// 16 bytes of nibbles to 32 bytes 0..15: low nibbles first (elements 0..15), then high.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn nibbles(b: &[u8; 16]) -> __m256i {
    let t = load16(b);
    let v = _mm256_set_m128i(_mm_srli_epi16::<4>(t), t);
    _mm256_and_si256(v, _mm256_set1_epi8(0x0F))
}

/// 32 bits to 32 bytes, 0xFF where bit i is set.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn bits_to_bytes(bits: u32) -> __m256i {
    let shuf = _mm256_set_epi64x(
        0x0303_0303_0303_0303,
        0x0202_0202_0202_0202,
        0x0101_0101_0101_0101,
        0,
    );
    let v = _mm256_shuffle_epi8(_mm256_set1_epi32(bits as i32), shuf);
    let v = _mm256_or_si256(v, _mm256_set1_epi64x(0x7fbf_dfef_f7fb_fdfe));
    _mm256_cmpeq_epi8(v, _mm256_set1_epi64x(-1))
}

/// Σ over pairs of u8 × i8 as 8 i32 lanes.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn madd_us(u: __m256i, s: __m256i) -> __m256i {
    _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1))
}

/// One 32-element weight block decoded: bytes as `u8` (or `i8` when signed), and the block's
/// contribution `d * d_a * Σ w·a + c * s_a`.
struct Block32 {
    q: __m256i,
    d: f32,
    c: f32,
}

/// Decodes block `b` of `w` (Q4_0, Q4_1, Q5_0, Q5_1; Q8_0 is signed and handled apart).
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn block32<const W: u8>(b: &[u8]) -> Block32 {
    match W {
        T_Q4_0 => {
            let d = f16x1(*arr::<2>(b, 0));
            Block32 {
                q: nibbles(arr::<16>(b, 2)),
                d,
                c: -8.0 * d,
            }
        }
        T_Q4_1 => {
            let (d, m) = f16x2(*arr::<4>(b, 0));
            Block32 {
                q: nibbles(arr::<16>(b, 4)),
                d,
                c: m,
            }
        }
        T_Q5_0 => {
            let d = f16x1(*arr::<2>(b, 0));
            let qh = u32::from_le_bytes(*arr::<4>(b, 2));
            let hi = _mm256_and_si256(bits_to_bytes(qh), _mm256_set1_epi8(0x10));
            Block32 {
                q: _mm256_or_si256(nibbles(arr::<16>(b, 6)), hi),
                d,
                c: -16.0 * d,
            }
        }
        _ => {
            let (d, m) = f16x2(*arr::<4>(b, 0));
            let qh = u32::from_le_bytes(*arr::<4>(b, 4));
            let hi = _mm256_and_si256(bits_to_bytes(qh), _mm256_set1_epi8(0x10));
            Block32 {
                q: _mm256_or_si256(nibbles(arr::<16>(b, 8)), hi),
                d,
                c: m,
            }
        }
    }
}

const T_Q4_0: u8 = 0;
const T_Q4_1: u8 = 1;
const T_Q5_0: u8 = 2;
const T_Q5_1: u8 = 3;
const T_Q8_0: u8 = 4;

/// Bytes of one block of the 32-element weight type `W`.
const fn block32_bytes(w: u8) -> usize {
    match w {
        T_Q4_0 => 18,
        T_Q4_1 => 20,
        T_Q5_0 => 22,
        T_Q5_1 => 24,
        _ => 34,
    }
}

/// out[j] = row · acts[j] for a tile of T activation rows, 32-element weight type W. The block
/// size is a constant of `W` and the activation rows are cut to the row's blocks first, so the
/// loop carries no bounds checks.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn tile32<const W: u8, const T: usize>(row: &[u8], acts: [&[BlockQ8]; T]) -> [f32; T] {
    let blocks = acts
        .iter()
        .fold(row.len() / block32_bytes(W), |n, a| n.min(a.len()));
    let mut acc = [_mm256_setzero_ps(); T];
    let mut extra = [0.0f32; T];
    let row = &row[..blocks * block32_bytes(W)];
    for (i, b) in row.chunks_exact(block32_bytes(W)).enumerate() {
        if W == T_Q8_0 {
            let d = f16x1(*arr::<2>(b, 0));
            let w = load32(arr::<32>(b, 2));
            let aw = _mm256_sign_epi8(w, w);
            for j in 0..T {
                // SAFETY: `i < blocks`, at most the length of every activation row.
                let a = unsafe { acts[j].get_unchecked(i) };
                let x = _mm256_sign_epi8(load_i8x32(&a.qs), w);
                let p = _mm256_cvtepi32_ps(madd_us(aw, x));
                acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(d * a.d), p, acc[j]);
            }
        } else {
            let blk = block32::<W>(b);
            for j in 0..T {
                // SAFETY: `i < blocks`, at most the length of every activation row.
                let a = unsafe { acts[j].get_unchecked(i) };
                let p = _mm256_cvtepi32_ps(madd_us(blk.q, load_i8x32(&a.qs)));
                acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(blk.d * a.d), p, acc[j]);
                extra[j] += blk.c * a.s;
            }
        }
    }
    let mut out = [0.0; T];
    for j in 0..T {
        out[j] = hsum(acc[j]) + extra[j];
    }
    out
}

/// Q4_K/Q5_K: the 8 6-bit scales (bytes 0..8) and mins (bytes 8..16) of a super-block.
#[inline(always)]
fn scales_mins_k4(s: &[u8; 12]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for j in 0..8 {
        let (scale, min) = scalar::scale_min_k4(j, s);
        out[j] = scale;
        out[8 + j] = min;
    }
    out
}

/// From the scales and mins of [`scales_mins_k4`]: each scale as i16 broadcast over a whole
/// register (sub-block `s` uses `scales[s]`), and the mins as 16 i16 each repeated twice (the
/// pairs of 16-element block sums of a sub-block).
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn k4_scale_vectors(packed: &[u8; 16]) -> ([__m256i; 8], __m256i) {
    let bytes = load16(packed);
    let scales16 = _mm256_cvtepu8_epi16(bytes);
    let low = _mm256_permute2x128_si256::<0x00>(scales16, scales16);
    let mut scales = [_mm256_setzero_si256(); 8];
    for (v, mask) in scales.iter_mut().zip(&I16_BROADCAST_MASKS) {
        *v = _mm256_shuffle_epi8(low, load_mask(mask));
    }
    let mins_twice = _mm_shuffle_epi8(
        bytes,
        _mm_setr_epi8(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15),
    );
    (scales, _mm256_cvtepu8_epi16(mins_twice))
}

/// out[j] = row · acts[j] for Q4_K (H = false) or Q5_K (H = true).
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn tile_q45k<const H: bool, const T: usize>(row: &[u8], acts: [&[BlockQ8K]; T]) -> [f32; T] {
    let bb = if H { 176 } else { 144 };
    let mut acc = [_mm256_setzero_ps(); T];
    let mut extra = [0.0f32; T];
    let m4 = _mm256_set1_epi8(0x0F);
    for (i, b) in row.chunks_exact(bb).enumerate() {
        let (d, dmin) = f16x2(*arr::<4>(b, 0));
        let (sv, mins) = k4_scale_vectors(&scales_mins_k4(arr::<12>(b, 4)));
        let qs_at = if H { 48 } else { 16 };
        let hbits = if H {
            load32(arr::<32>(b, 16))
        } else {
            _mm256_setzero_si256()
        };
        // Decode the 4 chunks of 64 once for the whole tile.
        let mut q = [_mm256_setzero_si256(); 8];
        for c in 0..4 {
            let raw = load32(arr::<32>(b, qs_at + 32 * c));
            let mut lo = _mm256_and_si256(raw, m4);
            let mut hi = _mm256_and_si256(_mm256_srli_epi16::<4>(raw), m4);
            if H {
                let one = _mm256_set1_epi8(1);
                let s = _mm_cvtsi32_si128(2 * c as i32);
                let s1 = _mm_cvtsi32_si128(2 * c as i32 + 1);
                let hl = _mm256_and_si256(_mm256_srl_epi16(hbits, s), one);
                let hh = _mm256_and_si256(_mm256_srl_epi16(hbits, s1), one);
                lo = _mm256_or_si256(lo, _mm256_slli_epi16::<4>(hl));
                hi = _mm256_or_si256(hi, _mm256_slli_epi16::<4>(hh));
            }
            q[2 * c] = lo;
            q[2 * c + 1] = hi;
        }
        for j in 0..T {
            let a = &acts[j][i];
            let mut sumi = _mm256_setzero_si256();
            for s in 0..8 {
                let x = load_i8x32(arr_i8(&a.qs, 32 * s));
                let p = _mm256_maddubs_epi16(q[s], x);
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, sv[s]));
            }
            // SAFETY: `bsums` is 16 i16 = 32 readable bytes; loadu has no alignment requirement.
            let bsums = unsafe { _mm256_loadu_si256(a.bsums.as_ptr().cast()) };
            let msum = hsum_i32(_mm256_madd_epi16(mins, bsums));
            acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(d * a.d), _mm256_cvtepi32_ps(sumi), acc[j]);
            extra[j] -= dmin * a.d * msum as f32;
        }
    }
    let mut out = [0.0; T];
    for j in 0..T {
        out[j] = hsum(acc[j]) + extra[j];
    }
    out
}

/// 32 activations of a Q8_K block starting at `at`.
#[inline(always)]
fn arr_i8(q: &[i8; QK_K], at: usize) -> &[i8; 32] {
    match q[at..at + 32].try_into() {
        Ok(a) => a,
        Err(_) => unreachable!(),
    }
}

/// out[j] = row · acts[j] for Q6_K.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn tile_q6k<const T: usize>(row: &[u8], acts: [&[BlockQ8K]; T]) -> [f32; T] {
    let mut acc = [_mm256_setzero_ps(); T];
    let mut extra = [0.0f32; T];
    let m4 = _mm256_set1_epi8(0x0F);
    let m3 = _mm256_set1_epi8(0x03);
    for (i, b) in row.chunks_exact(210).enumerate() {
        let d = f16x1(*arr::<2>(b, 208));
        let scales: &[u8; 16] = arr::<16>(b, 192);
        let mut q = [_mm256_setzero_si256(); 8];
        for h in 0..2 {
            let ql0 = load32(arr::<32>(b, 64 * h));
            let ql1 = load32(arr::<32>(b, 64 * h + 32));
            let qh = load32(arr::<32>(b, 128 + 32 * h));
            let h0 = _mm256_slli_epi16::<4>(_mm256_and_si256(qh, m3));
            let h1 = _mm256_slli_epi16::<4>(_mm256_and_si256(_mm256_srli_epi16::<2>(qh), m3));
            let h2 = _mm256_slli_epi16::<4>(_mm256_and_si256(_mm256_srli_epi16::<4>(qh), m3));
            let h3 = _mm256_slli_epi16::<4>(_mm256_and_si256(_mm256_srli_epi16::<6>(qh), m3));
            q[4 * h] = _mm256_or_si256(_mm256_and_si256(ql0, m4), h0);
            q[4 * h + 1] = _mm256_or_si256(_mm256_and_si256(ql1, m4), h1);
            q[4 * h + 2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16::<4>(ql0), m4), h2);
            q[4 * h + 3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16::<4>(ql1), m4), h3);
        }
        // The 16 scales as i16; chunk s of 32 weights uses scale 2s for its first 16 and 2s + 1
        // for its last 16: one byte shuffle per chunk spreads them over the two 128-bit lanes.
        let scales16 = _mm256_cvtepi8_epi16(load16(scales));
        let halves = [
            _mm256_permute2x128_si256::<0x00>(scales16, scales16),
            _mm256_permute2x128_si256::<0x11>(scales16, scales16),
        ];
        let mut sv = [_mm256_setzero_si256(); 8];
        for (s, v) in sv.iter_mut().enumerate() {
            *v = _mm256_shuffle_epi8(halves[s / 4], load_mask(&I16_PAIR_MASKS[s % 4]));
        }
        for j in 0..T {
            let a = &acts[j][i];
            let mut sumi = _mm256_setzero_si256();
            for s in 0..8 {
                let x = load_i8x32(arr_i8(&a.qs, 32 * s));
                let p = _mm256_maddubs_epi16(q[s], x);
                sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, sv[s]));
            }
            // SAFETY: `bsums` is 16 i16 = 32 readable bytes; loadu has no alignment requirement.
            let bsums = unsafe { _mm256_loadu_si256(a.bsums.as_ptr().cast()) };
            let sc32 = hsum_i32(_mm256_madd_epi16(scales16, bsums));
            acc[j] = _mm256_fmadd_ps(_mm256_set1_ps(d * a.d), _mm256_cvtepi32_ps(sumi), acc[j]);
            extra[j] -= 32.0 * d * a.d * sc32 as f32;
        }
    }
    let mut out = [0.0; T];
    for j in 0..T {
        out[j] = hsum(acc[j]) + extra[j];
    }
    out
}

/// Byte shuffles (per 128-bit lane) of a lane holding eight i16: mask `s` fills both lanes
/// with i16 number `s`.
const I16_BROADCAST_MASKS: [[u8; 32]; 8] = {
    let mut masks = [[0u8; 32]; 8];
    let mut s = 0;
    while s < 8 {
        let mut i = 0;
        while i < 32 {
            masks[s][i] = (2 * s + i % 2) as u8;
            i += 1;
        }
        s += 1;
    }
    masks
};

/// Byte shuffles of a lane holding eight i16: mask `p` fills the low lane with i16 number `2p`
/// and the high lane with number `2p + 1`.
const I16_PAIR_MASKS: [[u8; 32]; 4] = {
    let mut masks = [[0u8; 32]; 4];
    let mut p = 0;
    while p < 4 {
        let mut i = 0;
        while i < 32 {
            let number = 2 * p + i / 16;
            masks[p][i] = (2 * number + i % 2) as u8;
            i += 1;
        }
        p += 1;
    }
    masks
};

/// A shuffle mask from its table.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn load_mask(mask: &[u8; 32]) -> __m256i {
    load32(mask)
}

/// 8 weights of a float row at element `i` as f32.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn load_w8<const W: u8>(row: &[u8], i: usize) -> __m256 {
    match W {
        T_F32 => {
            let b = arr::<32>(row, 4 * i);
            // SAFETY: 32 readable bytes = 8 f32; loadu has no alignment requirement.
            unsafe { _mm256_loadu_ps(b.as_ptr().cast()) }
        }
        T_F16 => _mm256_cvtph_ps(load16(arr::<16>(row, 2 * i))),
        _ => {
            let v = _mm256_cvtepu16_epi32(load16(arr::<16>(row, 2 * i)));
            _mm256_castsi256_ps(_mm256_slli_epi32::<16>(v))
        }
    }
}

const T_F32: u8 = 10;
const T_F16: u8 = 11;
const T_BF16: u8 = 12;

/// 8 f32 at `x[i..]`.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
pub(super) fn load_f8(x: &[f32], i: usize) -> __m256 {
    let a: &[f32; 8] = match x[i..i + 8].try_into() {
        Ok(a) => a,
        Err(_) => unreachable!(),
    };
    // SAFETY: `a` is 8 readable f32.
    unsafe { _mm256_loadu_ps(a.as_ptr()) }
}

/// out[j] = float row · acts[j].
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn tile_float<const W: u8, const T: usize>(row: &[u8], k: usize, acts: [&[f32]; T]) -> [f32; T] {
    let mut acc = [[_mm256_setzero_ps(); 2]; T];
    let body = k - k % 16;
    let mut i = 0;
    while i < body {
        let w0 = load_w8::<W>(row, i);
        let w1 = load_w8::<W>(row, i + 8);
        for j in 0..T {
            acc[j][0] = _mm256_fmadd_ps(w0, load_f8(acts[j], i), acc[j][0]);
            acc[j][1] = _mm256_fmadd_ps(w1, load_f8(acts[j], i + 8), acc[j][1]);
        }
        i += 16;
    }
    let mut out = [0.0; T];
    let wt = match W {
        T_F32 => WeightType::F32,
        T_F16 => WeightType::F16,
        _ => WeightType::BF16,
    };
    let eb = if W == T_F32 { 4 } else { 2 };
    for j in 0..T {
        out[j] = hsum(_mm256_add_ps(acc[j][0], acc[j][1]))
            + scalar::dot_float(wt, &row[body * eb..k * eb], &acts[j][body..k]);
    }
    out
}

/// The dot product of one weight row with `T` activation rows (tokens `t0..t0+T`).
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn tile<const T: usize>(
    w: WeightType,
    row: &[u8],
    acts: &super::Activations,
    t0: usize,
) -> [f32; T] {
    let q8 = || std::array::from_fn::<_, T, _>(|j| acts.row_q8(t0 + j));
    let q8k = || std::array::from_fn::<_, T, _>(|j| acts.row_q8k(t0 + j));
    let f = || std::array::from_fn::<_, T, _>(|j| acts.row_f32(t0 + j));
    match w {
        WeightType::Q4_0 => tile32::<T_Q4_0, T>(row, q8()),
        WeightType::Q4_1 => tile32::<T_Q4_1, T>(row, q8()),
        WeightType::Q5_0 => tile32::<T_Q5_0, T>(row, q8()),
        WeightType::Q5_1 => tile32::<T_Q5_1, T>(row, q8()),
        WeightType::Q8_0 => tile32::<T_Q8_0, T>(row, q8()),
        WeightType::Q4K => tile_q45k::<false, T>(row, q8k()),
        WeightType::Q5K => tile_q45k::<true, T>(row, q8k()),
        WeightType::Q6K => tile_q6k::<T>(row, q8k()),
        WeightType::F32 => tile_float::<T_F32, T>(row, acts.k(), f()),
        WeightType::F16 => tile_float::<T_F16, T>(row, acts.k(), f()),
        WeightType::BF16 => tile_float::<T_BF16, T>(row, acts.k(), f()),
        WeightType::Q2K => std::array::from_fn(|j| scalar::dot_q8k(w, row, acts.row_q8k(t0 + j))),
        WeightType::Q3K => std::array::from_fn(|j| scalar::dot_q8k(w, row, acts.row_q8k(t0 + j))),
    }
}

/// out[r] = row r · activation row t (rows of `rb` bytes).
#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn dot_rows(
    w: WeightType,
    rows: &[u8],
    rb: usize,
    acts: &super::Activations,
    t: usize,
    out: &mut [f32],
) {
    for (o, row) in out.iter_mut().zip(rows.chunks_exact(rb)) {
        *o = tile::<1>(w, row, acts, t)[0];
    }
}

/// out[r * n + t] for all weight rows and all n activation rows, in tiles of [`TILE`] tokens.
#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn gemm_rows(
    w: WeightType,
    rows: &[u8],
    rb: usize,
    acts: &super::Activations,
    out: &mut [f32],
) {
    let n = acts.rows();
    for (orow, row) in out.chunks_exact_mut(n).zip(rows.chunks_exact(rb)) {
        let mut t = 0;
        while t + TILE <= n {
            orow[t..t + TILE].copy_from_slice(&tile::<TILE>(w, row, acts, t));
            t += TILE;
        }
        while t < n {
            orow[t] = tile::<1>(w, row, acts, t)[0];
            t += 1;
        }
    }
}

/// 32 floats to i8 (round half to even) with their scale; bit-identical to the scalar path.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
fn quantize32(x: &[f32], qs: &mut [i8; 32]) -> (f32, i32) {
    let sign = _mm256_set1_ps(-0.0);
    let v = [load_f8(x, 0), load_f8(x, 8), load_f8(x, 16), load_f8(x, 24)];
    let mut m = _mm256_andnot_ps(sign, v[0]);
    for vi in &v[1..] {
        m = _mm256_max_ps(m, _mm256_andnot_ps(sign, *vi));
    }
    let m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps::<1>(m));
    let m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    let m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    let amax = _mm_cvtss_f32(m4);
    let d = amax / 127.0;
    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
    let idv = _mm256_set1_ps(id);
    let r: [__m256i; 4] = std::array::from_fn(|i| {
        let s = _mm256_round_ps::<{ _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC }>(
            _mm256_mul_ps(v[i], idv),
        );
        _mm256_cvtps_epi32(s)
    });
    let sum = hsum_i32(_mm256_add_epi32(
        _mm256_add_epi32(r[0], r[1]),
        _mm256_add_epi32(r[2], r[3]),
    ));
    let p01 = _mm256_packs_epi32(r[0], r[1]);
    let p23 = _mm256_packs_epi32(r[2], r[3]);
    let p = _mm256_packs_epi16(p01, p23);
    let p = _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    // SAFETY: `qs` is 32 writable bytes; storeu has no alignment requirement.
    unsafe { _mm256_storeu_si256(qs.as_mut_ptr().cast(), p) };
    (d, sum)
}

/// 32 floats to a Q8 block.
#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn quantize_q8(x: &[f32], out: &mut BlockQ8) {
    let (d, sum) = quantize32(&x[..QK], &mut out.qs);
    out.d = d;
    out.s = d * sum as f32;
}

/// 256 floats to a Q8_K block (one scale for the super-block, as the scalar path).
#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn quantize_q8k(x: &[f32], out: &mut BlockQ8K) {
    let sign = _mm256_set1_ps(-0.0);
    let mut m = _mm256_setzero_ps();
    for i in (0..QK_K).step_by(8) {
        m = _mm256_max_ps(m, _mm256_andnot_ps(sign, load_f8(x, i)));
    }
    let amax = {
        let mut lanes = [0.0f32; 8];
        // SAFETY: `lanes` is 8 writable f32.
        unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), m) };
        lanes.iter().fold(0.0f32, |a, &v| a.max(v))
    };
    let d = amax / 127.0;
    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
    let idv = _mm256_set1_ps(id);
    for g in 0..QK_K / 16 {
        let a = _mm256_cvtps_epi32(_mm256_round_ps::<
            { _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC },
        >(_mm256_mul_ps(load_f8(x, 16 * g), idv)));
        let b = _mm256_cvtps_epi32(_mm256_round_ps::<
            { _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC },
        >(_mm256_mul_ps(load_f8(x, 16 * g + 8), idv)));
        out.bsums[g] = hsum_i32(_mm256_add_epi32(a, b)) as i16;
        let p = _mm256_packs_epi32(a, b); // [a0..3 b0..3 | a4..7 b4..7] as i16
        let p = _mm256_permute4x64_epi64::<0b11_01_10_00>(p); // a0..7 b0..7
        let p8 = _mm_packs_epi16(_mm256_castsi256_si128(p), _mm256_extracti128_si256::<1>(p));
        let dst: &mut [i8; 16] = match (&mut out.qs[16 * g..16 * g + 16]).try_into() {
            Ok(a) => a,
            Err(_) => unreachable!(),
        };
        // SAFETY: `dst` is 16 writable bytes.
        unsafe { _mm_storeu_si128(dst.as_mut_ptr().cast(), p8) };
    }
    out.d = d;
}

/// Σ a·b.
#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let body = n - n % 16;
    let (mut s0, mut s1) = (_mm256_setzero_ps(), _mm256_setzero_ps());
    let mut i = 0;
    while i < body {
        s0 = _mm256_fmadd_ps(load_f8(a, i), load_f8(b, i), s0);
        s1 = _mm256_fmadd_ps(load_f8(a, i + 8), load_f8(b, i + 8), s1);
        i += 16;
    }
    hsum(_mm256_add_ps(s0, s1)) + scalar::dot_f32(&a[body..n], &b[body..n])
}

/// y += a·x.
#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn axpy_f32(y: &mut [f32], a: f32, x: &[f32]) {
    let n = y.len().min(x.len());
    let body = n - n % 8;
    let av = _mm256_set1_ps(a);
    for i in (0..body).step_by(8) {
        let yi: &mut [f32; 8] = match (&mut y[i..i + 8]).try_into() {
            Ok(v) => v,
            Err(_) => unreachable!(),
        };
        // SAFETY: `yi` is 8 readable and writable f32.
        unsafe {
            let r = _mm256_fmadd_ps(av, load_f8(x, i), _mm256_loadu_ps(yi.as_ptr()));
            _mm256_storeu_ps(yi.as_mut_ptr(), r);
        }
    }
    scalar::axpy_f32(&mut y[body..n], a, &x[body..n]);
}

/// 8 f16 (bits) at `a[i..]` as f32.
#[inline]
#[target_feature(enable = "avx2,fma,f16c")]
pub(super) fn load_h8(a: &[u16], i: usize) -> __m256 {
    let h: &[u16; 8] = match a[i..i + 8].try_into() {
        Ok(v) => v,
        Err(_) => unreachable!(),
    };
    // SAFETY: `h` is 16 readable bytes.
    _mm256_cvtph_ps(unsafe { _mm_loadu_si128(h.as_ptr().cast()) })
}

/// Σ f16(a)·b.
#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn dot_f16(a: &[u16], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let body = n - n % 16;
    let (mut s0, mut s1) = (_mm256_setzero_ps(), _mm256_setzero_ps());
    let mut i = 0;
    while i < body {
        s0 = _mm256_fmadd_ps(load_h8(a, i), load_f8(b, i), s0);
        s1 = _mm256_fmadd_ps(load_h8(a, i + 8), load_f8(b, i + 8), s1);
        i += 16;
    }
    hsum(_mm256_add_ps(s0, s1)) + scalar::dot_f16(&a[body..n], &b[body..n])
}

/// y += a·f16(x).
#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn axpy_f16(y: &mut [f32], a: f32, x: &[u16]) {
    let n = y.len().min(x.len());
    let body = n - n % 8;
    let av = _mm256_set1_ps(a);
    for i in (0..body).step_by(8) {
        let yi: &mut [f32; 8] = match (&mut y[i..i + 8]).try_into() {
            Ok(v) => v,
            Err(_) => unreachable!(),
        };
        // SAFETY: `yi` is 8 readable and writable f32.
        unsafe {
            let r = _mm256_fmadd_ps(av, load_h8(x, i), _mm256_loadu_ps(yi.as_ptr()));
            _mm256_storeu_ps(yi.as_mut_ptr(), r);
        }
    }
    scalar::axpy_f16(&mut y[body..n], a, &x[body..n]);
}

/// f32 → f16 bits (round to nearest even).
#[target_feature(enable = "avx2,fma,f16c")]
pub(crate) fn f32_to_f16(src: &[f32], dst: &mut [u16]) {
    let n = src.len().min(dst.len());
    let body = n - n % 8;
    for i in (0..body).step_by(8) {
        let h = _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(load_f8(src, i));
        let d: &mut [u16; 8] = match (&mut dst[i..i + 8]).try_into() {
            Ok(v) => v,
            Err(_) => unreachable!(),
        };
        // SAFETY: `d` is 16 writable bytes.
        unsafe { _mm_storeu_si128(d.as_mut_ptr().cast(), h) };
    }
    for (d, &s) in dst[body..n].iter_mut().zip(&src[body..n]) {
        *d = super::blocks::f32_to_f16_bits(s);
    }
}
