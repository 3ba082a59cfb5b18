//! A multinomial logistic regression over hashed features: training (SGD with L2), temperature
//! calibration, the decision rule that favours medium when unsure, the explanation (the
//! features that pushed hardest), and a compact serialised form (weights as base64 `i16`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::features::{DIM, Feature};
use super::metrics::Metrics;
use crate::classify::Complexity;
use crate::error::{Error, Result};

/// How a model is fitted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainOptions {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// Shuffles the examples the same way on every run.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 20,
            learning_rate: 0.2,
            l2: 1e-5,
            seed: 17,
        }
    }
}

/// A text's features and its true class.
#[derive(Debug, Clone)]
pub struct Example {
    pub features: Vec<Feature>,
    pub label: Complexity,
}

/// What a model says about one text.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    pub complexity: Complexity,
    /// The calibrated probability of `complexity`.
    pub confidence: f32,
    /// Calibrated probabilities of simple, medium, complex.
    pub probabilities: [f32; 3],
    /// Whether the rule "unsure → medium" overrode the most probable class.
    pub unsure: bool,
}

/// A trained linear model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// `weights[class * DIM + bucket]`.
    weights: Vec<f32>,
    /// Logits are divided by it before the softmax (fitted on held-out examples).
    pub temperature: f32,
    /// Simple or complex wins only when its probability beats medium's by this much.
    pub medium_margin: f32,
    /// Below this confidence `auto` takes the cheaper strategy.
    pub min_confidence: f32,
    /// What it was trained on, and how well it did.
    pub info: ModelInfo,
}

/// A model's provenance and scores, kept with its weights.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// `builtin dataset`, `history`, `FILE.jsonl`.
    #[serde(default)]
    pub trained_on: String,
    #[serde(default)]
    pub samples: usize,
    /// Cross-validated (k-fold) scores, when computed.
    #[serde(default)]
    pub cross_validated: Option<Metrics>,
    /// Scores on held-out examples (the test split, or held-out tasks).
    #[serde(default)]
    pub held_out: Option<Metrics>,
}

/// The serialised form.
#[derive(Serialize, Deserialize)]
struct ModelFile {
    format: u32,
    dim: usize,
    temperature: f32,
    medium_margin: f32,
    min_confidence: f32,
    /// The weights are `i16` values times `scale`.
    scale: f32,
    weights: String,
    #[serde(default)]
    info: ModelInfo,
}

const FORMAT: u32 = 1;
const CLASSES: usize = 3;

impl Model {
    /// A model that knows nothing (every class equally likely).
    pub fn empty() -> Self {
        Model {
            weights: vec![0.0; CLASSES * DIM],
            temperature: 1.0,
            medium_margin: 0.1,
            min_confidence: 0.45,
            info: ModelInfo::default(),
        }
    }

    /// Fits a model to `examples`: a first fit on 85% of them calibrates the temperature on
    /// the other 15%, then the model is fitted on all of them. `start` warm-starts the weights.
    pub fn fit(examples: &[Example], options: TrainOptions, start: Option<&Model>) -> Model {
        let base = start.cloned().unwrap_or_else(Model::empty);
        let (fit_part, calibrate_part): (Vec<_>, Vec<_>) =
            examples.iter().enumerate().partition(|(i, _)| i % 7 != 3);
        let fit_part: Vec<Example> = fit_part.into_iter().map(|(_, e)| e.clone()).collect();
        let calibrate_part: Vec<Example> =
            calibrate_part.into_iter().map(|(_, e)| e.clone()).collect();
        let mut first = base.clone();
        first.sgd(&fit_part, options);
        let temperature = first.calibrate(&calibrate_part);

        let mut model = base;
        model.sgd(examples, options);
        model.temperature = temperature;
        model.info.samples = examples.len();
        model
    }

    /// Stochastic gradient descent on the cross-entropy with L2 on the weights touched.
    fn sgd(&mut self, examples: &[Example], options: TrainOptions) {
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut state = options.seed.max(1);
        for epoch in 0..options.epochs {
            shuffle(&mut order, &mut state);
            let rate = options.learning_rate / (1.0 + epoch as f32 * 0.5);
            for &i in &order {
                let example = &examples[i];
                let probabilities = softmax(self.logits(&example.features), 1.0);
                for (class, probability) in probabilities.iter().enumerate() {
                    let target = if class == example.label as usize {
                        1.0
                    } else {
                        0.0
                    };
                    let gradient = probability - target;
                    for feature in &example.features {
                        let w = &mut self.weights[class * DIM + feature.index as usize];
                        *w -= rate * (gradient * feature.value + options.l2 * *w);
                    }
                }
            }
        }
    }

    /// The temperature (0.25 to 5) with the least log loss on `examples`; 1 without examples.
    fn calibrate(&self, examples: &[Example]) -> f32 {
        if examples.is_empty() {
            return 1.0;
        }
        let logits: Vec<([f32; 3], usize)> = examples
            .iter()
            .map(|e| (self.logits(&e.features), e.label as usize))
            .collect();
        let loss = |t: f32| -> f32 {
            logits
                .iter()
                .map(|(z, y)| -softmax(*z, t)[*y].max(1e-7).ln())
                .sum()
        };
        (1..=20)
            .map(|step| step as f32 * 0.25)
            .min_by(|a, b| loss(*a).total_cmp(&loss(*b)))
            .unwrap_or(1.0)
    }

    /// The raw scores of simple, medium and complex.
    pub fn logits(&self, features: &[Feature]) -> [f32; 3] {
        let mut z = [0.0f32; 3];
        for (class, score) in z.iter_mut().enumerate() {
            for feature in features {
                *score += self.weights[class * DIM + feature.index as usize] * feature.value;
            }
        }
        z
    }

    /// The calibrated verdict on a text with `features`.
    pub fn predict(&self, features: &[Feature]) -> Prediction {
        let probabilities = softmax(self.logits(features), self.temperature);
        let best = (0..CLASSES)
            .max_by(|a, b| probabilities[*a].total_cmp(&probabilities[*b]))
            .unwrap_or(1);
        let medium = Complexity::Medium as usize;
        let unsure =
            best != medium && probabilities[best] - probabilities[medium] < self.medium_margin;
        let chosen = if unsure { medium } else { best };
        Prediction {
            complexity: Complexity::ALL[chosen],
            confidence: probabilities[chosen],
            probabilities,
            unsure,
        }
    }

    /// The features that pushed hardest towards `complexity` (against the mean of the other
    /// classes), strongest first, at most `limit`, with their contributions.
    pub fn explain(
        &self,
        features: &[Feature],
        complexity: Complexity,
        limit: usize,
    ) -> Vec<(String, f32)> {
        let class = complexity as usize;
        let mut contributions: Vec<(String, f32)> = features
            .iter()
            .filter(|f| f.name != "bias")
            .map(|f| {
                let i = f.index as usize;
                let own = self.weights[class * DIM + i];
                let others: f32 = (0..CLASSES)
                    .filter(|c| *c != class)
                    .map(|c| self.weights[c * DIM + i])
                    .sum::<f32>()
                    / 2.0;
                (f.name.clone(), (own - others) * f.value)
            })
            .filter(|(_, c)| *c > 0.0)
            .collect();
        contributions.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        contributions.truncate(limit);
        contributions
    }

    /// Scores the model on `examples`.
    pub fn evaluate(&self, examples: &[Example]) -> Metrics {
        let truth: Vec<Complexity> = examples.iter().map(|e| e.label).collect();
        let predicted: Vec<Complexity> = examples
            .iter()
            .map(|e| self.predict(&e.features).complexity)
            .collect();
        super::metrics::evaluate(&truth, &predicted)
    }

    /// The compact JSON form: the weights quantised to `i16`, base64.
    pub fn to_json(&self) -> Result<String> {
        let max = self.weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 {
            max / f32::from(i16::MAX)
        } else {
            1.0
        };
        let mut bytes = Vec::with_capacity(self.weights.len() * 2);
        for w in &self.weights {
            let q = (w / scale)
                .round()
                .clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
            bytes.extend_from_slice(&q.to_le_bytes());
        }
        Ok(serde_json::to_string(&ModelFile {
            format: FORMAT,
            dim: DIM,
            temperature: self.temperature,
            medium_margin: self.medium_margin,
            min_confidence: self.min_confidence,
            scale,
            weights: STANDARD.encode(bytes),
            info: self.info.clone(),
        })?)
    }

    /// Reads [`Model::to_json`]'s form.
    pub fn from_json(text: &str) -> Result<Model> {
        let file: ModelFile = serde_json::from_str(text)?;
        let invalid = |what: &str| Error::InvalidArgument(format!("classifier model: {what}"));
        if file.format != FORMAT || file.dim != DIM {
            return Err(invalid(&format!(
                "format {} with {} buckets, this build reads format {FORMAT} with {DIM}",
                file.format, file.dim
            )));
        }
        let bytes = STANDARD
            .decode(file.weights.as_bytes())
            .map_err(|e| invalid(&format!("weights are not base64: {e}")))?;
        if bytes.len() != CLASSES * DIM * 2 {
            return Err(invalid("the weights have the wrong length"));
        }
        let weights = bytes
            .chunks_exact(2)
            .map(|pair| f32::from(i16::from_le_bytes([pair[0], pair[1]])) * file.scale)
            .collect();
        let finite = |x: f32| x.is_finite();
        if !(finite(file.temperature) && file.temperature > 0.0 && finite(file.scale)) {
            return Err(invalid("temperature or scale out of range"));
        }
        Ok(Model {
            weights,
            temperature: file.temperature,
            medium_margin: file.medium_margin.clamp(0.0, 1.0),
            min_confidence: file.min_confidence.clamp(0.0, 1.0),
            info: file.info,
        })
    }
}

/// Softmax of `z / temperature`.
fn softmax(z: [f32; 3], temperature: f32) -> [f32; 3] {
    let scaled = z.map(|x| x / temperature);
    let max = scaled.iter().fold(f32::NEG_INFINITY, |m, x| m.max(*x));
    let exp = scaled.map(|x| (x - max).exp());
    let sum: f32 = exp.iter().sum();
    exp.map(|x| x / sum)
}

/// A Fisher–Yates shuffle driven by a xorshift generator.
fn shuffle(order: &mut [usize], state: &mut u64) {
    for i in (1..order.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        let j = (*state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}

/// Splits `examples` into `k` folds by position and scores a model fitted on the others on each;
/// returns the pooled scores.
pub fn cross_validate(examples: &[Example], k: usize, options: TrainOptions) -> Metrics {
    let k = k.max(2);
    let mut truth = Vec::new();
    let mut predicted = Vec::new();
    for fold in 0..k {
        let train: Vec<Example> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % k != fold)
            .map(|(_, e)| e.clone())
            .collect();
        let model = Model::fit(&train, options, None);
        for example in examples.iter().skip(fold).step_by(k) {
            truth.push(example.label);
            predicted.push(model.predict(&example.features).complexity);
        }
    }
    super::metrics::evaluate(&truth, &predicted)
}
