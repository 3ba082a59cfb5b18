//! Choosing the next token from logits: repeat penalty, then greedy or top-k / top-p /
//! temperature sampling with a seeded generator, so a seed reproduces an answer.

use crate::chat::SamplingOptions;

/// How many recent tokens the repeat penalty looks at (llama.cpp's and Ollama's default).
pub const REPEAT_PENALTY_WINDOW: usize = 64;

/// Resolved sampling settings. `temperature` `None` or `<= 0` means greedy (argmax).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SamplerConfig {
    pub temperature: Option<f32>,
    pub top_k: Option<usize>,
    pub top_p: Option<f32>,
    /// 1.0 (or `None`) is off.
    pub repeat_penalty: Option<f32>,
    pub seed: u64,
}

impl SamplerConfig {
    /// Greedy decoding with no penalty.
    pub fn greedy() -> Self {
        Self {
            temperature: None,
            top_k: None,
            top_p: None,
            repeat_penalty: None,
            seed: 0,
        }
    }

    /// Settings from a request; `fallback_seed` is used when the request has no seed.
    pub fn from_options(options: &SamplingOptions, fallback_seed: u64) -> Self {
        Self {
            temperature: options.temperature,
            top_k: options.top_k.map(|k| k as usize).filter(|&k| k > 0),
            top_p: options.top_p.filter(|&p| p > 0.0 && p < 1.0),
            repeat_penalty: options.repeat_penalty,
            seed: options.seed.unwrap_or(fallback_seed),
        }
    }

    pub fn is_greedy(&self) -> bool {
        self.temperature.is_none_or(|t| t <= 0.0 || !t.is_finite())
    }
}

/// Picks tokens one at a time; owns the random generator so a sequence of picks is
/// reproducible from the seed.
pub struct Sampler {
    config: SamplerConfig,
    rng: SplitMix64,
}

impl Sampler {
    pub fn new(config: SamplerConfig) -> Self {
        Self {
            config,
            rng: SplitMix64::new(config.seed),
        }
    }

    /// The next token given the logits for it and the tokens so far (prompt and answer).
    pub fn sample(&mut self, logits: &mut [f32], history: &[u32]) -> u32 {
        if let Some(penalty) = self.config.repeat_penalty
            && penalty != 1.0
            && penalty > 0.0
        {
            apply_repeat_penalty(logits, history, penalty);
        }
        if self.config.is_greedy() {
            return argmax(logits);
        }
        let temperature = self.config.temperature.unwrap_or(1.0);
        let mut candidates: Vec<(u32, f32)> = logits
            .iter()
            .enumerate()
            .filter(|(_, logit)| !logit.is_nan())
            .map(|(id, &logit)| (id as u32, logit))
            .collect();
        if candidates.is_empty() {
            return 0;
        }
        candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        if let Some(k) = self.config.top_k {
            candidates.truncate(k.max(1));
        }
        if let Some(top_p) = self.config.top_p {
            let probabilities = softmax(candidates.iter().map(|(_, logit)| *logit), 1.0);
            let mut cumulative = 0.0;
            let mut keep = candidates.len();
            for (index, probability) in probabilities.iter().enumerate() {
                cumulative += probability;
                if cumulative >= f64::from(top_p) {
                    keep = index + 1;
                    break;
                }
            }
            candidates.truncate(keep.max(1));
        }
        let probabilities = softmax(candidates.iter().map(|(_, logit)| *logit), temperature);
        let mut target = self.rng.next_f64() * probabilities.iter().sum::<f64>();
        for (index, probability) in probabilities.iter().enumerate() {
            if target < *probability {
                return candidates[index].0;
            }
            target -= probability;
        }
        candidates[candidates.len() - 1].0
    }
}

/// The index of the largest logit (the first one on ties), NaN ignored.
pub fn argmax(logits: &[f32]) -> u32 {
    let mut best = 0usize;
    let mut best_value = f32::NEG_INFINITY;
    for (index, &value) in logits.iter().enumerate() {
        if value > best_value {
            best = index;
            best_value = value;
        }
    }
    best as u32
}

/// llama.cpp's repeat penalty: logits of tokens seen in the last
/// [`REPEAT_PENALTY_WINDOW`] tokens are divided by `penalty` when positive, multiplied when
/// negative; each token once.
pub fn apply_repeat_penalty(logits: &mut [f32], history: &[u32], penalty: f32) {
    let start = history.len().saturating_sub(REPEAT_PENALTY_WINDOW);
    let mut seen = std::collections::HashSet::new();
    for &token in &history[start..] {
        if !seen.insert(token) {
            continue;
        }
        if let Some(logit) = logits.get_mut(token as usize) {
            *logit = if *logit > 0.0 {
                *logit / penalty
            } else {
                *logit * penalty
            };
        }
    }
}

/// Probabilities of `logits / temperature`, in f64 for a stable sum.
fn softmax(logits: impl Iterator<Item = f32> + Clone, temperature: f32) -> Vec<f64> {
    let temperature = f64::from(temperature);
    let max = logits
        .clone()
        .map(f64::from)
        .fold(f64::NEG_INFINITY, f64::max);
    let exps: Vec<f64> = logits
        .map(|logit| ((f64::from(logit) - max) / temperature).exp())
        .collect();
    let sum: f64 = exps.iter().sum();
    if sum > 0.0 && sum.is_finite() {
        exps.into_iter().map(|value| value / sum).collect()
    } else {
        let count = exps.len().max(1) as f64;
        vec![1.0 / count; exps.len()]
    }
}

/// A small, fast, well-mixed generator (SplitMix64): the same seed gives the same tokens on
/// every platform and version of this crate.
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampled(config: SamplerConfig, logits: &[f32], count: usize) -> Vec<u32> {
        let mut sampler = Sampler::new(config);
        (0..count)
            .map(|_| sampler.sample(&mut logits.to_vec(), &[]))
            .collect()
    }

    #[test]
    fn no_temperature_is_greedy() {
        let logits = [0.1, 2.0, 2.0, -1.0];
        assert!(SamplerConfig::greedy().is_greedy());
        assert_eq!(sampled(SamplerConfig::greedy(), &logits, 3), vec![1, 1, 1]);
        let zero = SamplerConfig {
            temperature: Some(0.0),
            ..SamplerConfig::greedy()
        };
        assert_eq!(sampled(zero, &logits, 1), vec![1]);
    }

    #[test]
    fn the_same_seed_gives_the_same_tokens_and_another_seed_others() {
        let logits: Vec<f32> = (0..50).map(|i| (i % 7) as f32 * 0.3).collect();
        let config = SamplerConfig {
            temperature: Some(1.0),
            seed: 42,
            ..SamplerConfig::greedy()
        };
        let first = sampled(config, &logits, 40);
        assert_eq!(first, sampled(config, &logits, 40));
        let other = SamplerConfig { seed: 43, ..config };
        assert_ne!(first, sampled(other, &logits, 40));
    }

    #[test]
    fn top_k_one_and_tiny_top_p_are_greedy() {
        let logits = [0.5, 3.0, 2.9, 0.0];
        let top_k = SamplerConfig {
            temperature: Some(5.0),
            top_k: Some(1),
            seed: 7,
            ..SamplerConfig::greedy()
        };
        assert_eq!(sampled(top_k, &logits, 20), vec![1; 20]);
        let top_p = SamplerConfig {
            temperature: Some(5.0),
            top_p: Some(0.01),
            seed: 7,
            ..SamplerConfig::greedy()
        };
        assert_eq!(sampled(top_p, &logits, 20), vec![1; 20]);
    }

    #[test]
    fn top_k_keeps_only_the_best_tokens() {
        let logits = [5.0, 4.9, 0.0, 0.0, 0.0, 0.0];
        let config = SamplerConfig {
            temperature: Some(100.0),
            top_k: Some(2),
            seed: 1,
            ..SamplerConfig::greedy()
        };
        let picks = sampled(config, &logits, 200);
        assert!(picks.iter().all(|&id| id < 2));
        assert!(picks.contains(&0) && picks.contains(&1));
    }

    #[test]
    fn repeat_penalty_lowers_recent_tokens_once() {
        let mut logits = [2.0, -2.0, 1.0];
        apply_repeat_penalty(&mut logits, &[0, 0, 1], 2.0);
        assert_eq!(logits, [1.0, -4.0, 1.0]);
        let config = SamplerConfig {
            repeat_penalty: Some(3.0),
            ..SamplerConfig::greedy()
        };
        let mut sampler = Sampler::new(config);
        assert_eq!(sampler.sample(&mut [2.0, 1.0], &[0]), 1);
    }

    #[test]
    fn options_map_to_config() {
        let options = SamplingOptions {
            temperature: Some(0.7),
            top_k: Some(0),
            top_p: Some(1.0),
            seed: None,
            ..SamplingOptions::default()
        };
        let config = SamplerConfig::from_options(&options, 99);
        assert_eq!(config.top_k, None);
        assert_eq!(config.top_p, None);
        assert_eq!(config.seed, 99);
        assert!(!config.is_greedy());
    }
}
