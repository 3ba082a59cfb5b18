//! What the `model_selected` and `ab_assigned` events carry: how a role's model was chosen for a
//! task, with the router's numbers, and which A/B variant the task got.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How a role's model was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelChoice {
    /// No candidate has a finished task of this complexity yet: the configured default.
    ColdStart,
    /// Thompson sampling over the candidates' history.
    Sampled,
    /// A running A/B test set the model.
    AbTest,
}

impl ModelChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            ModelChoice::ColdStart => "cold_start",
            ModelChoice::Sampled => "sampled",
            ModelChoice::AbTest => "ab_test",
        }
    }
}

/// One candidate as the router saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateScore {
    /// As named in the configuration (`backend:model` or a name).
    pub model: String,
    pub backend: String,
    /// Finished tasks of this complexity where the role called this model.
    pub tasks: u64,
    pub succeeded: u64,
    /// The mean of the Beta(1 + succeeded, 1 + failed) posterior on its success rate.
    pub posterior_mean: f64,
    /// Tokens the role's calls took per task, when it has tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_tokens: Option<u64>,
    /// The success rate drawn from the posterior (absent at cold start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<f64>,
    /// The draw less the cost penalty: the highest wins (absent at cold start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

/// The variant of an A/B test a task runs with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbVariantRef {
    pub test: String,
    /// `a` or `b`.
    pub variant: String,
    /// What the variant sets (`model`, `strategy`, `prompt`, …).
    pub settings: BTreeMap<String, String>,
}
