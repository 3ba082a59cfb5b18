//! Choosing a model for this machine: the largest model and quantisation whose weights, KV cache
//! for the wanted context and headroom fit the memory budget, with a decode speed measured on
//! this machine by `agent models bench` where one applies, else estimated from memory bandwidth
//! (each generated token reads every weight once).
//!
//! A measurement applies to a candidate when it is of the candidate's Ollama tag, or of a local
//! GGUF file of the same quantisation (`Q4_K` files count for `Q4_K_M`): then the decode speed is
//! the measured one scaled by weight bytes (measured × file bytes ÷ candidate bytes, as decode
//! reads every weight once per token), from the measured file closest in size. Within ±20 % of
//! the candidate's bytes it is `measured`, further away `scaled`.

use serde::Serialize;

use crate::families::{Catalog, Family, SizeSpec};
use crate::hardware::HardwareProfile;

/// Quantisations worth recommending, from smallest to largest; F16 and below-4-bit are left out.
const QUANTIZATION_LADDER: [&str; 4] = ["Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"];
/// Share of peak bandwidth decode reaches in practice.
const BANDWIDTH_EFFICIENCY: f64 = 0.6;
/// Decode speed above which a larger quantisation is worth its slower tokens.
const COMFORTABLE_TOKENS_PER_SECOND: f64 = 10.0;
/// A GPU smaller than this is not worth offloading to.
const MIN_GPU_BYTES: u64 = 2 << 30;
/// A measured file within this factor of a candidate's weight bytes counts as measured, not
/// scaled.
const SAME_SIZE_FACTOR: f64 = 1.2;

/// A decode speed measured on this machine (`agent models bench`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasuredSpeed {
    /// `local`, `ollama` or `openai`.
    pub backend: String,
    /// The GGUF file name, or the model as the server names it (an Ollama tag).
    pub model: String,
    /// The weight type of most of a local file's bytes.
    pub quantization: Option<String>,
    pub weight_bytes: Option<u64>,
    pub decode_tokens_per_second: f64,
    pub prefill_tokens_per_second: Option<f64>,
    /// The in-process engine (`candle`, `native`), `None` for servers.
    pub engine: Option<String>,
    pub threads: Option<u32>,
    /// Whether its weights, headroom and the KV cache of the context fit the budget (filled in
    /// by [`recommend`]; a file's KV cache size is not known, so only weights and headroom).
    #[serde(default)]
    pub fits: bool,
}

/// Where a candidate's decode speed comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeedSource {
    /// Measured here on this model or a file of its quantisation and size.
    Measured,
    /// Measured here on a file of the same quantisation and another size, scaled by bytes.
    Scaled,
    /// From the machine's memory bandwidth.
    Estimated,
    /// Nothing measured and no bandwidth known.
    Unknown,
}

/// What the user wants from the model.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendRequest {
    /// Context window to plan the KV cache for, tokens.
    pub context_length: u32,
    /// Prefer families trained for code when any fits.
    pub prefer_coder: bool,
    /// Skip models estimated slower than this (when bandwidth is known).
    pub min_decode_tokens_per_second: f64,
    /// Decode speeds measured on this machine; they win over the bandwidth estimate.
    pub measured: Vec<MeasuredSpeed>,
}

impl Default for RecommendRequest {
    fn default() -> Self {
        Self {
            context_length: 8192,
            prefer_coder: true,
            min_decode_tokens_per_second: 4.0,
            measured: Vec::new(),
        }
    }
}

/// The memory a model may use, and where.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Budget {
    /// `cpu`, or the GPU's name.
    pub device: String,
    pub usable_bytes: u64,
    pub bandwidth_bytes_per_second: Option<f64>,
}

/// One model, quantisation and context, with its memory and speed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub family: String,
    pub size: String,
    pub parameters_billions: f64,
    pub quantization: String,
    pub context_length: u32,
    pub weight_bytes: u64,
    pub kv_cache_bytes: u64,
    pub total_bytes: u64,
    /// From memory bandwidth, whether or not a measurement applies.
    pub estimated_decode_tokens_per_second: Option<f64>,
    /// The speed the pick used: measured (or scaled) when a measurement applies, else the
    /// estimate.
    pub decode_tokens_per_second: Option<f64>,
    pub speed_source: SpeedSource,
    /// The measured model the speed comes from, when `measured` or `scaled`.
    pub measured_from: Option<String>,
    pub ollama_tag: String,
    pub gguf: String,
}

/// The pick and the runners-up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub budget: Budget,
    pub best: Option<Candidate>,
    pub alternatives: Vec<Candidate>,
    /// Every model measured on this machine, fitting the budget or not.
    pub measured: Vec<MeasuredSpeed>,
}

/// Where the model will run and how much memory it may take.
pub fn budget(profile: &HardwareProfile) -> Budget {
    let gpu = profile
        .gpus
        .iter()
        .filter_map(|gpu| Some((gpu, gpu.free_bytes.or(gpu.memory_bytes)?)))
        .filter(|(_, bytes)| *bytes >= MIN_GPU_BYTES)
        .max_by_key(|(_, bytes)| *bytes);
    match gpu {
        Some((gpu, bytes)) => Budget {
            device: gpu.name.clone(),
            usable_bytes: ((bytes as f64 * 0.9) as u64).saturating_sub(512 << 20),
            bandwidth_bytes_per_second: gpu
                .bandwidth_bytes_per_second
                .or(profile.memory.bandwidth_bytes_per_second),
        },
        None => Budget {
            device: "cpu".to_string(),
            usable_bytes: (profile.memory.available_bytes.saturating_sub(1 << 30) as f64 * 0.9)
                as u64,
            bandwidth_bytes_per_second: profile.memory.bandwidth_bytes_per_second,
        },
    }
}

/// Recommends a model from `catalog` for `profile`.
pub fn recommend(
    profile: &HardwareProfile,
    catalog: &Catalog,
    request: &RecommendRequest,
) -> Recommendation {
    let budget = budget(profile);
    let pick = |coder_only: bool| -> Vec<Candidate> {
        let mut best_per_size: Vec<Candidate> = catalog
            .families
            .iter()
            .filter(|family| !coder_only || family.coder)
            .flat_map(|family| family.sizes.iter().map(move |size| (family, size)))
            .filter_map(|(family, size)| best_quantization(family, size, catalog, &budget, request))
            .collect();
        best_per_size.sort_by(|a, b| {
            b.parameters_billions
                .total_cmp(&a.parameters_billions)
                .then(b.weight_bytes.cmp(&a.weight_bytes))
        });
        best_per_size
    };
    let mut ranked = if request.prefer_coder {
        pick(true)
    } else {
        Vec::new()
    };
    if ranked.is_empty() {
        ranked = pick(false);
    }
    let mut ranked = ranked.into_iter();
    let best = ranked.next();
    let measured = request
        .measured
        .iter()
        .map(|speed| MeasuredSpeed {
            fits: speed.weight_bytes.is_some_and(|bytes| {
                bytes + crate::fit::headroom_bytes(bytes) <= budget.usable_bytes
            }),
            ..speed.clone()
        })
        .collect();
    Recommendation {
        budget,
        best,
        alternatives: ranked.take(3).collect(),
        measured,
    }
}

/// True when a file whose most bytes are `measured` counts as quantisation `candidate`.
fn same_quantization(measured: &str, candidate: &str) -> bool {
    let measured = measured.to_ascii_uppercase();
    let candidate = candidate.to_ascii_uppercase();
    candidate == measured
        || candidate
            .strip_prefix(&measured)
            .is_some_and(|rest| ["_M", "_S", "_L"].contains(&rest))
}

/// The measured decode speed that applies to a candidate: its source, speed and model.
fn measured_speed(
    measured: &[MeasuredSpeed],
    ollama_tag: &str,
    quantization: &str,
    weight_bytes: u64,
) -> Option<(SpeedSource, f64, String)> {
    if let Some(exact) = measured.iter().find(|m| m.model == ollama_tag) {
        return Some((
            SpeedSource::Measured,
            exact.decode_tokens_per_second,
            exact.model.clone(),
        ));
    }
    let distance = |bytes: u64| (bytes as f64 / weight_bytes.max(1) as f64).ln().abs();
    let closest = measured
        .iter()
        .filter(|m| {
            m.quantization
                .as_deref()
                .is_some_and(|q| same_quantization(q, quantization))
        })
        .filter_map(|m| Some((m, m.weight_bytes.filter(|b| *b > 0)?)))
        .min_by(|(_, a), (_, b)| distance(*a).total_cmp(&distance(*b)))?;
    let (m, bytes) = closest;
    let speed = m.decode_tokens_per_second * bytes as f64 / weight_bytes.max(1) as f64;
    let source = if distance(bytes) <= SAME_SIZE_FACTOR.ln() {
        SpeedSource::Measured
    } else {
        SpeedSource::Scaled
    };
    Some((source, speed, m.model.clone()))
}

/// The quantisation of `size` to run: the highest that fits and decodes at a comfortable speed,
/// else the fastest that fits and still meets the minimum speed; `None` when none qualifies.
fn best_quantization(
    family: &Family,
    size: &SizeSpec,
    catalog: &Catalog,
    budget: &Budget,
    request: &RecommendRequest,
) -> Option<Candidate> {
    let context_length = request.context_length.min(size.context);
    let usable: Vec<Candidate> = QUANTIZATION_LADDER
        .iter()
        .filter_map(|name| Some((*name, *catalog.quantizations.get(*name)?)))
        .map(|(name, bits)| {
            let weight_bytes = size.weight_bytes(bits);
            let kv_cache_bytes = size.kv_cache_bytes(context_length);
            let headroom = crate::fit::headroom_bytes(weight_bytes);
            let estimated = budget
                .bandwidth_bytes_per_second
                .map(|bandwidth| bandwidth * BANDWIDTH_EFFICIENCY / weight_bytes as f64);
            let ollama_tag = size.ollama_tag(name);
            let (speed_source, speed, measured_from) =
                match measured_speed(&request.measured, &ollama_tag, name, weight_bytes) {
                    Some((source, speed, from)) => (source, Some(speed), Some(from)),
                    None if estimated.is_some() => (SpeedSource::Estimated, estimated, None),
                    None => (SpeedSource::Unknown, None, None),
                };
            Candidate {
                family: family.name.clone(),
                size: size.tag.clone(),
                parameters_billions: size.parameters,
                quantization: name.to_string(),
                context_length,
                weight_bytes,
                kv_cache_bytes,
                total_bytes: weight_bytes + kv_cache_bytes + headroom,
                estimated_decode_tokens_per_second: estimated,
                decode_tokens_per_second: speed,
                speed_source,
                measured_from,
                ollama_tag,
                gguf: size.gguf_reference(name),
            }
        })
        .filter(|c| {
            c.total_bytes <= budget.usable_bytes
                && c.decode_tokens_per_second
                    .is_none_or(|speed| speed >= request.min_decode_tokens_per_second)
        })
        .collect();
    let comfortable = usable.iter().rev().find(|c| {
        c.decode_tokens_per_second
            .is_none_or(|speed| speed >= COMFORTABLE_TOKENS_PER_SECOND)
    });
    comfortable.or(usable.first()).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::{CpuInfo, GpuInfo, GpuSource, MemoryInfo};

    const GIB: u64 = 1 << 30;

    fn machine(available: u64, bandwidth: Option<f64>, gpus: Vec<GpuInfo>) -> HardwareProfile {
        HardwareProfile {
            cpu: CpuInfo {
                brand: "test".into(),
                arch: "x86_64".into(),
                logical_cores: 8,
                physical_cores: Some(4),
                simd: vec!["avx2".into()],
            },
            memory: MemoryInfo {
                total_bytes: available * 2,
                available_bytes: available,
                bandwidth_bytes_per_second: bandwidth,
            },
            gpus,
        }
    }

    fn pick(profile: &HardwareProfile, context: u32) -> Recommendation {
        let request = RecommendRequest {
            context_length: context,
            ..RecommendRequest::default()
        };
        recommend(profile, &Catalog::builtin().unwrap(), &request)
    }

    #[test]
    fn more_memory_gets_a_bigger_model() {
        let small = pick(&machine(4 * GIB, None, vec![]), 8192).best.unwrap();
        let large = pick(&machine(24 * GIB, None, vec![]), 8192).best.unwrap();
        assert!(
            large.parameters_billions > small.parameters_billions,
            "{small:?} vs {large:?}"
        );
        assert_eq!(small.family, "qwen2.5-coder", "coder families come first");
        for candidate in [&small, &large] {
            assert!(candidate.total_bytes <= budget(&machine(24 * GIB, None, vec![])).usable_bytes);
        }
    }

    #[test]
    fn the_kv_cache_of_a_long_context_counts() {
        let machine = machine(8 * GIB, None, vec![]);
        let short = pick(&machine, 4096).best.unwrap();
        let long = pick(&machine, 32768).best.unwrap();
        assert!(long.kv_cache_bytes > short.kv_cache_bytes);
        assert!(
            long.weight_bytes <= short.weight_bytes,
            "a long context leaves less room for weights"
        );
        assert!(long.total_bytes <= budget(&machine).usable_bytes);
    }

    #[test]
    fn slow_memory_rules_out_models_that_would_crawl() {
        // 10 GB/s × 0.6 / 4 tok/s ⇒ at most 1.5 GB of weights per token.
        let best = pick(&machine(64 * GIB, Some(10e9), vec![]), 8192)
            .best
            .unwrap();
        assert!(best.weight_bytes <= 1_500_000_000, "{best:?}");
        assert!(best.estimated_decode_tokens_per_second.unwrap() >= 4.0);
    }

    #[test]
    fn a_slow_machine_keeps_the_faster_quantisation() {
        // 11 GB/s: qwen2.5-coder 1.5b at Q8_0 would decode ~4 tok/s, at Q4_K_M ~7 tok/s.
        let best = pick(&machine(20 * GIB, Some(11e9), vec![]), 8192)
            .best
            .unwrap();
        assert_eq!(
            (best.size.as_str(), best.quantization.as_str()),
            ("1.5b", "Q4_K_M")
        );
        // With ample bandwidth the same size gets the largest quantisation that fits 1.8 GiB.
        let fast = pick(&machine(3 * GIB, Some(200e9), vec![]), 8192)
            .best
            .unwrap();
        assert_eq!(
            (fast.size.as_str(), fast.quantization.as_str()),
            ("1.5b", "Q6_K"),
            "{fast:?}"
        );
    }

    #[test]
    fn a_gpu_with_enough_memory_is_the_budget() {
        let gpu = GpuInfo {
            name: "RTX".into(),
            vendor: "NVIDIA".into(),
            memory_bytes: Some(24 * GIB),
            free_bytes: Some(23 * GIB),
            unified_memory: false,
            bandwidth_bytes_per_second: Some(900e9),
            source: GpuSource::Nvml,
        };
        let recommendation = pick(&machine(8 * GIB, Some(20e9), vec![gpu]), 8192);
        assert_eq!(recommendation.budget.device, "RTX");
        let best = recommendation.best.unwrap();
        assert!(best.parameters_billions >= 14.0, "{best:?}");
    }

    fn measured(model: &str, quantization: &str, bytes: u64, decode: f64) -> MeasuredSpeed {
        MeasuredSpeed {
            backend: "local".into(),
            model: model.into(),
            quantization: Some(quantization.into()),
            weight_bytes: Some(bytes),
            decode_tokens_per_second: decode,
            prefill_tokens_per_second: None,
            engine: Some("candle".into()),
            threads: Some(2),
            fits: false,
        }
    }

    fn pick_measured(profile: &HardwareProfile, measured: Vec<MeasuredSpeed>) -> Recommendation {
        let request = RecommendRequest {
            measured,
            ..RecommendRequest::default()
        };
        recommend(profile, &Catalog::builtin().unwrap(), &request)
    }

    #[test]
    fn a_measured_speed_wins_over_the_estimate() {
        // Ample bandwidth: the estimate alone picks qwen2.5-coder 1.5b at Q6_K (see above).
        let machine = machine(3 * GIB, Some(200e9), vec![]);
        let estimated = pick_measured(&machine, vec![]).best.unwrap();
        assert_eq!(estimated.quantization, "Q6_K");
        assert_eq!(estimated.speed_source, SpeedSource::Estimated);
        // Measured here: Q6_K crawls at 3 tok/s on a file of that size, Q5_K at 8, Q4_K at 12.
        let q6_bytes = (1.54e9 * 6.56 / 8.0) as u64;
        let q5_bytes = (1.54e9 * 5.69 / 8.0) as u64;
        let q4_bytes = (1.54e9 * 4.89 / 8.0) as u64;
        let recommendation = pick_measured(
            &machine,
            vec![
                measured("q6.gguf", "Q6_K", q6_bytes, 3.0),
                measured("q5.gguf", "Q5_K", q5_bytes, 8.0),
                measured("q4.gguf", "Q4_K", q4_bytes, 12.0),
            ],
        );
        let best = recommendation.best.unwrap();
        assert_eq!(
            (best.size.as_str(), best.quantization.as_str()),
            ("1.5b", "Q4_K_M"),
            "{best:?}"
        );
        assert_eq!(best.speed_source, SpeedSource::Measured);
        assert_eq!(best.measured_from.as_deref(), Some("q4.gguf"));
        assert!((best.decode_tokens_per_second.unwrap() - 12.0).abs() < 0.1);
        assert!(best.estimated_decode_tokens_per_second.unwrap() > 50.0);
        assert_eq!(recommendation.measured.len(), 3);
        assert!(recommendation.measured.iter().all(|m| m.fits));
    }

    #[test]
    fn a_measurement_of_another_size_is_scaled_by_bytes() {
        let machine = machine(3 * GIB, None, vec![]);
        let q6_bytes = (1.54e9 * 6.56 / 8.0) as u64;
        // A Q6_K file a tenth of the size decoding at 120 tok/s: ~12 tok/s at 1.5b.
        let best = pick_measured(
            &machine,
            vec![measured("small.gguf", "Q6_K", q6_bytes / 10, 120.0)],
        )
        .best
        .unwrap();
        assert_eq!(
            (best.size.as_str(), best.quantization.as_str()),
            ("1.5b", "Q6_K")
        );
        assert_eq!(best.speed_source, SpeedSource::Scaled);
        assert_eq!(best.measured_from.as_deref(), Some("small.gguf"));
        assert!((best.decode_tokens_per_second.unwrap() - 12.0).abs() < 0.1);
        // An Ollama tag measured as such is measured, whatever its size.
        let tagged = MeasuredSpeed {
            backend: "ollama".into(),
            quantization: None,
            weight_bytes: None,
            ..measured("qwen2.5-coder:1.5b-instruct-q6_k", "", 0, 42.0)
        };
        let best = pick_measured(&machine, vec![tagged]).best.unwrap();
        assert_eq!(best.ollama_tag, "qwen2.5-coder:1.5b-instruct-q6_k");
        assert_eq!(best.speed_source, SpeedSource::Measured);
        assert_eq!(best.decode_tokens_per_second, Some(42.0));
    }

    #[test]
    fn quantization_names_match_their_mixtures() {
        assert!(same_quantization("Q4_K", "Q4_K_M"));
        assert!(same_quantization("q8_0", "Q8_0"));
        assert!(!same_quantization("Q4_0", "Q4_K_M"));
        assert!(!same_quantization("Q4_K", "Q4_0"));
    }

    #[test]
    fn nothing_fits_a_tiny_machine() {
        let recommendation = pick(&machine(GIB, None, vec![]), 8192);
        assert!(recommendation.best.is_none());
        assert!(recommendation.alternatives.is_empty());
    }
}
