//! The trained task-complexity classifier: a multinomial logistic regression over hashed
//! n-grams and a few indicators ([`features`]), shipped trained on public commits
//! (`data/classifier/`, the weights in `builtin.json`), retrained from the user's own finished
//! tasks ([`history`]), stored per version in `classifier_versions`.
//!
//! [`Classifier::current`] is the version marked current in the store, else the shipped
//! model; the heuristic ([`crate::classify`]) answers when neither can be read.
//! [`choose_strategy`] turns a verdict into a strategy: below the model's confidence
//! threshold `auto` takes the cheaper strategy.

pub mod dataset;
pub mod features;
pub mod history;
pub mod metrics;
pub mod model;

use crate::classify::{self, Classification, Complexity};
use crate::error::Result;
use crate::protocol::StrategyKind;
use crate::store::Store;
use crate::task::strategy;

pub use features::Context;
pub use metrics::Metrics;
pub use model::{Example, Model, Prediction, TrainOptions};

/// The shipped model (see `data/classifier/SOURCES.md` and `scripts/classifier-dataset.py`).
const BUILTIN: &str = include_str!("builtin.json");

/// How many features the reason names.
const EXPLAINED: usize = 4;

/// A model ready to classify, and which one it is.
#[derive(Debug, Clone)]
pub struct Classifier {
    pub model: Model,
    /// `builtin` or `vN`.
    pub name: String,
}

impl Classifier {
    /// The shipped model.
    pub fn builtin() -> Result<Classifier> {
        Ok(Classifier {
            model: Model::from_json(BUILTIN)?,
            name: "builtin".to_string(),
        })
    }

    /// The version marked current in `store`, else the shipped model.
    pub fn current(store: &Store) -> Result<Classifier> {
        match store.active_classifier()? {
            Some((id, json)) => Ok(Classifier {
                model: Model::from_json(&json)?,
                name: format!("v{id}"),
            }),
            None => Classifier::builtin(),
        }
    }

    /// Classifies `text`; the reason names the model, the features that pushed hardest and
    /// the probabilities.
    pub fn classify(&self, text: &str, context: Context<'_>) -> Classification {
        let features = features::extract(text, context);
        let prediction = self.model.predict(&features);
        let heuristic = classify::features(text);
        if heuristic.words == 0 {
            let mut empty = classify::classify(text);
            empty.classifier = self.name.clone();
            return empty;
        }
        let top = self
            .model
            .explain(&features, prediction.complexity, EXPLAINED);
        let named = if top.is_empty() {
            "no feature stands out".to_string()
        } else {
            top.iter()
                .map(|(name, weight)| format!("{name} +{weight:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let [s, m, c] = prediction.probabilities;
        let mut reason = format!("model {}: {named}; p = {s:.2}/{m:.2}/{c:.2}", self.name);
        if prediction.unsure {
            reason.push_str("; unsure, medium favoured");
        }
        Classification {
            complexity: prediction.complexity,
            confidence: prediction.confidence,
            reason,
            features: heuristic,
            classifier: self.name.clone(),
        }
    }
}

/// Classifies a task's text with the current classifier, falling back to the shipped model and
/// then to the heuristic when a stored model cannot be read; returns the verdict and the
/// confidence below which `auto` takes the cheaper strategy.
pub fn classify_task(
    store: Option<&Store>,
    text: &str,
    context: Context<'_>,
) -> (Classification, f32) {
    let classifier = match store.map(Classifier::current) {
        Some(Ok(classifier)) => Ok(classifier),
        Some(Err(error)) => {
            tracing::warn!(%error, "the current classifier cannot be read; using the shipped one");
            Classifier::builtin()
        }
        None => Classifier::builtin(),
    };
    let context = Context {
        similar_files: context
            .similar_files
            .or_else(|| store.and_then(|s| history::similar_files(s, text))),
        ..context
    };
    match classifier {
        Ok(classifier) => (
            classifier.classify(text, context),
            classifier.model.min_confidence,
        ),
        Err(error) => {
            tracing::warn!(%error, "the shipped classifier cannot be read; using the heuristic");
            (classify::classify(text), 0.0)
        }
    }
}

/// The strategy for `classification`: the complexity's own, or the next cheaper one when the
/// confidence is below `min_confidence` (then the second value says so in a few words).
pub fn choose_strategy(
    classification: &Classification,
    min_confidence: f32,
) -> (StrategyKind, Option<String>) {
    let own = strategy::for_complexity(classification.complexity);
    if classification.confidence >= min_confidence {
        return (own, None);
    }
    let cheaper = match classification.complexity {
        Complexity::Complex => Complexity::Medium,
        _ => Complexity::Simple,
    };
    let kind = strategy::for_complexity(cheaper);
    if kind == own {
        return (own, None);
    }
    (
        kind,
        Some(format!(
            "below {:.0}% sure, the cheaper {kind}",
            min_confidence * 100.0
        )),
    )
}
