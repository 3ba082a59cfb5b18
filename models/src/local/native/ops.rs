//! The small element-wise steps of the forward pass, computed as llama.cpp computes them: RMS
//! norm (sum of squares in f64), rotary embeddings (angles by repeated multiplication, both
//! pairings) and SiLU gating.

use super::hparams::RopeStyle;

/// `out = x / rms(x) * weight` for each row of `weight.len()` values.
pub(crate) fn rms_norm(x: &[f32], weight: &[f32], eps: f32, out: &mut [f32]) {
    let width = weight.len();
    for (row, out_row) in x.chunks_exact(width).zip(out.chunks_exact_mut(width)) {
        let scale = rms_scale(row, eps);
        for ((out, &value), &w) in out_row.iter_mut().zip(row).zip(weight) {
            *out = value * scale * w;
        }
    }
}

/// [`rms_norm`] in place.
pub(crate) fn rms_norm_in_place(x: &mut [f32], weight: &[f32], eps: f32) {
    let width = weight.len();
    for row in x.chunks_exact_mut(width) {
        let scale = rms_scale(row, eps);
        for (value, &w) in row.iter_mut().zip(weight) {
            *value = *value * scale * w;
        }
    }
}

fn rms_scale(row: &[f32], eps: f32) -> f32 {
    let sum: f64 = row.iter().map(|&v| f64::from(v) * f64::from(v)).sum();
    let mean = (sum / row.len().max(1) as f64) as f32;
    1.0 / (mean + eps).sqrt()
}

/// The rotation of one position: `(cos, sin)` of each rotating pair, `rope_dims / 2` of them.
pub(crate) struct RopeAngles<'a> {
    pub cos: &'a [f32],
    pub sin: &'a [f32],
}

/// Fills `cos` and `sin` (`rope_dims / 2` each) for `position` as llama.cpp's rope cache does:
/// the angle starts at the position and is multiplied by `base^(-2/rope_dims)` per pair, then
/// divided by the pair's frequency factor (Llama 3 `rope_freqs.weight`) and multiplied by
/// `position_scale`.
pub(crate) fn rope_angles(
    position: usize,
    base: f32,
    position_scale: f32,
    freq_factors: Option<&[f32]>,
    cos: &mut [f32],
    sin: &mut [f32],
) {
    let pairs = cos.len();
    let theta_scale = base.powf(-2.0 / (2 * pairs) as f32);
    let mut theta = position as f32;
    for i in 0..pairs {
        let factor = freq_factors.and_then(|f| f.get(i)).copied().unwrap_or(1.0);
        let angle = position_scale * (theta / factor);
        cos[i] = angle.cos();
        sin[i] = angle.sin();
        theta *= theta_scale;
    }
}

/// Rotates the first `2 * angles.cos.len()` dimensions of one head in place.
pub(crate) fn rope(head: &mut [f32], angles: &RopeAngles<'_>, style: RopeStyle) {
    let pairs = angles.cos.len();
    for i in 0..pairs {
        let (a, b) = match style {
            RopeStyle::Normal => (2 * i, 2 * i + 1),
            RopeStyle::Neox => (i, i + pairs),
        };
        let (x0, x1) = (head[a], head[b]);
        let (cos, sin) = (angles.cos[i], angles.sin[i]);
        head[a] = x0 * cos - x1 * sin;
        head[b] = x0 * sin + x1 * cos;
    }
}

/// `gate = silu(gate) * up`, element-wise.
pub(crate) fn silu_mul(gate: &mut [f32], up: &[f32]) {
    for (g, &u) in gate.iter_mut().zip(up) {
        *g = *g / (1.0 + (-*g).exp()) * u;
    }
}

/// An f16 (as bits) to f32, exactly (inlined integer arithmetic: the `half` crate's runtime
/// F16C dispatch is a call per element, 2 % of decode in the one-row attention).
#[inline]
pub(crate) fn f16_to_f32(bits: u16) -> f32 {
    super::kernels::f16_bits_to_f32(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_rope_styles_pair_different_dimensions() {
        let mut cos = [0.0; 2];
        let mut sin = [0.0; 2];
        rope_angles(1, 10_000.0, 1.0, None, &mut cos, &mut sin);
        assert!((cos[0] - 1f32.cos()).abs() < 1e-6);
        assert!((cos[1] - 0.01f32.cos()).abs() < 1e-6, "base^(-2/4) = 0.01");
        let angles = RopeAngles {
            cos: &cos,
            sin: &sin,
        };
        let mut normal = [1.0, 0.0, 0.0, 0.0];
        rope(&mut normal, &angles, RopeStyle::Normal);
        assert!((normal[1] - 1f32.sin()).abs() < 1e-6, "{normal:?}");
        let mut neox = [1.0, 0.0, 0.0, 0.0];
        rope(&mut neox, &angles, RopeStyle::Neox);
        assert!((neox[2] - 1f32.sin()).abs() < 1e-6, "{neox:?}");
        assert_eq!(neox[1], 0.0);
    }

    #[test]
    fn f16_bits_convert_exactly() {
        for (bits, value) in [
            (0x3c00u16, 1.0f32),
            (0xc000, -2.0),
            (0x0001, 5.960_464_5e-8),
            (0x7bff, 65504.0),
            (0x7c00, f32::INFINITY),
            (0x3555, 0.333_251_95),
        ] {
            assert_eq!(f16_to_f32(bits), value, "{bits:#x}");
        }
        assert!(f16_to_f32(0x7e00).is_nan());
        for bits in (0..=u16::MAX).step_by(97).filter(|b| b & 0x7c00 != 0x7c00) {
            let mut back = [0u16];
            crate::local::native::kernels::f32_to_f16(&[f16_to_f32(bits)], &mut back);
            assert_eq!(back[0], bits, "{bits:#x} round trip");
        }
    }

    #[test]
    fn rms_norm_scales_by_the_root_mean_square() {
        let mut out = [0.0; 2];
        rms_norm(&[3.0, 4.0], &[1.0, 2.0], 0.0, &mut out);
        let rms = (12.5f32).sqrt();
        assert!((out[0] - 3.0 / rms).abs() < 1e-6 && (out[1] - 8.0 / rms).abs() < 1e-6);
    }
}
