//! The scalar reference: block unpacking, dequantisation, activation quantisation and dot
//! products for every weight type. The SIMD paths are tested against it.

// Index loops mirror ggml's block layouts element by element.
#![allow(clippy::needless_range_loop)]

use super::blocks::{
    BlockQ8, BlockQ8K, QK, QK_K, WeightType, bf16_to_f32, f16_to_f32, le_f16, le_u16,
};

/// One 32-element block unpacked: value[i] = d * q[i] + m.
pub(crate) struct Unpacked32 {
    pub d: f32,
    pub m: f32,
    pub q: [i8; QK],
}

/// Unpacks a 32-element block of `weight` (Q4_0, Q4_1, Q5_0, Q5_1 or Q8_0).
pub(crate) fn unpack32(weight: WeightType, b: &[u8]) -> Unpacked32 {
    let mut q = [0i8; QK];
    let d = le_f16(b, 0);
    let mut m = 0.0;
    match weight {
        WeightType::Q4_0 | WeightType::Q4_1 => {
            let (qs, off) = if weight == WeightType::Q4_0 {
                (&b[2..18], -8)
            } else {
                (&b[4..20], 0)
            };
            if weight == WeightType::Q4_1 {
                m = le_f16(b, 2);
            }
            for j in 0..QK / 2 {
                q[j] = (qs[j] & 0x0F) as i8 + off;
                q[j + QK / 2] = (qs[j] >> 4) as i8 + off;
            }
        }
        WeightType::Q5_0 | WeightType::Q5_1 => {
            let base = if weight == WeightType::Q5_0 { 2 } else { 4 };
            if weight == WeightType::Q5_1 {
                m = le_f16(b, 2);
            }
            let off = if weight == WeightType::Q5_0 { -16 } else { 0 };
            let qh = u32::from_le_bytes([b[base], b[base + 1], b[base + 2], b[base + 3]]);
            let qs = &b[base + 4..base + 4 + QK / 2];
            for j in 0..QK / 2 {
                let h0 = (((qh >> j) << 4) & 0x10) as u8;
                let h1 = ((qh >> (j + 12)) & 0x10) as u8;
                q[j] = ((qs[j] & 0x0F) | h0) as i8 + off;
                q[j + QK / 2] = ((qs[j] >> 4) | h1) as i8 + off;
            }
        }
        WeightType::Q8_0 => {
            for (dst, &src) in q.iter_mut().zip(&b[2..2 + QK]) {
                *dst = src as i8;
            }
        }
        _ => unreachable!("unpack32 of {weight:?}"),
    }
    Unpacked32 { d, m, q }
}

/// One K-quant super-block unpacked into 16 groups of 16:
/// value[i] = d * scale[i / 16] * q[i] - dmin * min[i / 16].
pub(crate) struct UnpackedK {
    pub d: f32,
    pub dmin: f32,
    pub q: [i8; QK_K],
    pub scale: [i32; 16],
    pub min: [i32; 16],
}

/// The 6-bit scale and min of sub-block `j` (0..8) of Q4_K/Q5_K's packed 12 bytes.
#[inline]
pub(crate) fn scale_min_k4(j: usize, s: &[u8]) -> (u8, u8) {
    if j < 4 {
        (s[j] & 63, s[j + 4] & 63)
    } else {
        (
            (s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4),
            (s[j + 4] >> 4) | ((s[j] >> 6) << 4),
        )
    }
}

/// Q3_K's 16 6-bit scales (before the -32 offset) from its packed 12 bytes.
pub(crate) fn q3k_scales(s: &[u8]) -> [i8; 16] {
    let mut out = [0i8; 16];
    for (i, o) in out.iter_mut().enumerate() {
        let low = if i < 8 { s[i] & 0x0F } else { s[i - 8] >> 4 };
        let high = (s[8 + i % 4] >> (2 * (i / 4))) & 3;
        *o = (low | (high << 4)) as i8 - 32;
    }
    out
}

/// Unpacks one super-block of a K-quant type.
pub(crate) fn unpack_k(weight: WeightType, b: &[u8]) -> UnpackedK {
    let mut u = UnpackedK {
        d: 0.0,
        dmin: 0.0,
        q: [0; QK_K],
        scale: [0; 16],
        min: [0; 16],
    };
    match weight {
        WeightType::Q2K => {
            let (scales, qs) = (&b[0..16], &b[16..80]);
            u.d = le_f16(b, 80);
            u.dmin = le_f16(b, 82);
            for g in 0..16 {
                u.scale[g] = i32::from(scales[g] & 0x0F);
                u.min[g] = i32::from(scales[g] >> 4);
            }
            for half in 0..2 {
                for j in 0..4 {
                    for l in 0..32 {
                        u.q[half * 128 + j * 32 + l] = ((qs[half * 32 + l] >> (2 * j)) & 3) as i8;
                    }
                }
            }
        }
        WeightType::Q3K => {
            let (hmask, qs, scales) = (&b[0..32], &b[32..96], &b[96..108]);
            u.d = le_f16(b, 108);
            for (g, s) in q3k_scales(scales).into_iter().enumerate() {
                u.scale[g] = i32::from(s);
            }
            for half in 0..2 {
                for j in 0..4 {
                    let bit = half * 4 + j;
                    for l in 0..32 {
                        let low = ((qs[half * 32 + l] >> (2 * j)) & 3) as i8;
                        let high = if hmask[l] & (1 << bit) != 0 { 0 } else { 4 };
                        u.q[half * 128 + j * 32 + l] = low - high;
                    }
                }
            }
        }
        WeightType::Q4K | WeightType::Q5K => {
            u.d = le_f16(b, 0);
            u.dmin = le_f16(b, 2);
            let scales = &b[4..16];
            let (qh, qs) = if weight == WeightType::Q5K {
                (Some(&b[16..48]), &b[48..176])
            } else {
                (None, &b[16..144])
            };
            for j in 0..8 {
                let (sc, m) = scale_min_k4(j, scales);
                u.scale[2 * j] = i32::from(sc);
                u.scale[2 * j + 1] = i32::from(sc);
                u.min[2 * j] = i32::from(m);
                u.min[2 * j + 1] = i32::from(m);
            }
            for chunk in 0..4 {
                for l in 0..32 {
                    let byte = qs[chunk * 32 + l];
                    let (mut lo, mut hi) = (byte & 0x0F, byte >> 4);
                    if let Some(qh) = qh {
                        lo |= ((qh[l] >> (2 * chunk)) & 1) << 4;
                        hi |= ((qh[l] >> (2 * chunk + 1)) & 1) << 4;
                    }
                    u.q[chunk * 64 + l] = lo as i8;
                    u.q[chunk * 64 + 32 + l] = hi as i8;
                }
            }
        }
        WeightType::Q6K => {
            let (ql, qh, scales) = (&b[0..128], &b[128..192], &b[192..208]);
            u.d = le_f16(b, 208);
            for g in 0..16 {
                u.scale[g] = i32::from(scales[g] as i8);
            }
            for half in 0..2 {
                let (ql, qh) = (&ql[half * 64..], &qh[half * 32..]);
                let y = &mut u.q[half * 128..];
                for l in 0..32 {
                    let h = qh[l];
                    y[l] = ((ql[l] & 0x0F) | ((h & 3) << 4)) as i8 - 32;
                    y[l + 32] = ((ql[l + 32] & 0x0F) | (((h >> 2) & 3) << 4)) as i8 - 32;
                    y[l + 64] = ((ql[l] >> 4) | (((h >> 4) & 3) << 4)) as i8 - 32;
                    y[l + 96] = ((ql[l + 32] >> 4) | (((h >> 6) & 3) << 4)) as i8 - 32;
                }
            }
        }
        _ => unreachable!("unpack_k of {weight:?}"),
    }
    u
}

/// A weight row back to f32.
pub(crate) fn dequantize_row(weight: WeightType, row: &[u8], out: &mut [f32]) {
    match weight {
        WeightType::F32 => {
            for (o, c) in out.iter_mut().zip(row.chunks_exact(4)) {
                *o = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            }
        }
        WeightType::F16 => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = f16_to_f32(le_u16(row, 2 * i));
            }
        }
        WeightType::BF16 => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = bf16_to_f32(le_u16(row, 2 * i));
            }
        }
        WeightType::Q4_0
        | WeightType::Q4_1
        | WeightType::Q5_0
        | WeightType::Q5_1
        | WeightType::Q8_0 => {
            for (b, o) in row
                .chunks_exact(weight.block_bytes())
                .zip(out.chunks_exact_mut(QK))
            {
                let u = unpack32(weight, b);
                for (o, &q) in o.iter_mut().zip(&u.q) {
                    *o = u.d * f32::from(q) + u.m;
                }
            }
        }
        WeightType::Q2K | WeightType::Q3K | WeightType::Q4K | WeightType::Q5K | WeightType::Q6K => {
            for (b, o) in row
                .chunks_exact(weight.block_bytes())
                .zip(out.chunks_exact_mut(QK_K))
            {
                let u = unpack_k(weight, b);
                for (i, o) in o.iter_mut().enumerate() {
                    let g = i / 16;
                    let dl = u.d * u.scale[g] as f32;
                    let ml = u.dmin * u.min[g] as f32;
                    *o = dl * f32::from(u.q[i]) - ml;
                }
            }
        }
    }
}

/// Quantises 32 floats to a [`BlockQ8`] (round half to even, as the SIMD path does).
pub(crate) fn quantize_q8(x: &[f32], out: &mut BlockQ8) {
    let amax = x.iter().fold(0.0f32, |a, v| a.max(v.abs()));
    let d = amax / 127.0;
    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
    let mut sum = 0i32;
    for (q, &v) in out.qs.iter_mut().zip(x) {
        *q = (v * id).round_ties_even() as i8;
        sum += i32::from(*q);
    }
    out.d = d;
    out.s = d * sum as f32;
}

/// Quantises 256 floats to a [`BlockQ8K`].
pub(crate) fn quantize_q8k(x: &[f32], out: &mut BlockQ8K) {
    let amax = x.iter().fold(0.0f32, |a, v| a.max(v.abs()));
    let d = amax / 127.0;
    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
    for (q, &v) in out.qs.iter_mut().zip(x) {
        *q = (v * id).round_ties_even() as i8;
    }
    for (g, s) in out.bsums.iter_mut().enumerate() {
        *s = out.qs[g * 16..g * 16 + 16]
            .iter()
            .map(|&q| i16::from(q))
            .sum();
    }
    out.d = d;
}

/// A row of a 32-element type · quantised activations.
pub(crate) fn dot_q8(weight: WeightType, row: &[u8], acts: &[BlockQ8]) -> f32 {
    let mut sum = 0.0f32;
    for (b, a) in row.chunks_exact(weight.block_bytes()).zip(acts) {
        let u = unpack32(weight, b);
        let isum: i32 =
            u.q.iter()
                .zip(&a.qs)
                .map(|(&w, &x)| i32::from(w) * i32::from(x))
                .sum();
        sum += u.d * a.d * isum as f32 + u.m * a.s;
    }
    sum
}

/// A row of a K-quant type · quantised activations.
pub(crate) fn dot_q8k(weight: WeightType, row: &[u8], acts: &[BlockQ8K]) -> f32 {
    let mut sum = 0.0f32;
    for (b, a) in row.chunks_exact(weight.block_bytes()).zip(acts) {
        let u = unpack_k(weight, b);
        let mut isum = 0i32;
        let mut msum = 0i32;
        for g in 0..16 {
            let s: i32 = (0..16)
                .map(|l| i32::from(u.q[g * 16 + l]) * i32::from(a.qs[g * 16 + l]))
                .sum();
            isum += u.scale[g] * s;
            msum += u.min[g] * i32::from(a.bsums[g]);
        }
        sum += u.d * a.d * isum as f32 - u.dmin * a.d * msum as f32;
    }
    sum
}

/// A float row (F32, F16 or BF16 bytes) · f32 activations.
pub(crate) fn dot_float(weight: WeightType, row: &[u8], x: &[f32]) -> f32 {
    match weight {
        WeightType::F32 => row
            .chunks_exact(4)
            .zip(x)
            .map(|(c, &v)| f32::from_le_bytes([c[0], c[1], c[2], c[3]]) * v)
            .sum(),
        WeightType::F16 => x
            .iter()
            .enumerate()
            .map(|(i, &v)| f16_to_f32(le_u16(row, 2 * i)) * v)
            .sum(),
        WeightType::BF16 => x
            .iter()
            .enumerate()
            .map(|(i, &v)| bf16_to_f32(le_u16(row, 2 * i)) * v)
            .sum(),
        _ => unreachable!("dot_float of {weight:?}"),
    }
}

/// Σ a[i] * b[i].
pub(crate) fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// y += a * x.
pub(crate) fn axpy_f32(y: &mut [f32], a: f32, x: &[f32]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y += a * x;
    }
}

/// Σ f16(a[i]) * b[i].
pub(crate) fn dot_f16(a: &[u16], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(&x, y)| f16_to_f32(x) * y).sum()
}

/// y += a * f16(x).
pub(crate) fn axpy_f16(y: &mut [f32], a: f32, x: &[u16]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y += a * f16_to_f32(x);
    }
}
