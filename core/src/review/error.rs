//! What reviewing a pull request can fail with (besides GitHub's own errors).

use crate::error::ErrorClass;

/// An error of `agent pr review` that is not GitHub's.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The pull request changes nothing a review could comment on.
    #[error("pull request #{number} has no changes to review")]
    EmptyDiff { number: u64 },

    /// The context window cannot hold the prompt and a useful part of the diff.
    #[error(
        "the model's context window ({context_length} tokens) is too small for a review: it needs about {needed}"
    )]
    ContextTooSmall { context_length: u32, needed: u32 },

    /// The model backend failed.
    #[error("the reviewer's model failed: {0}")]
    Model(#[source] agent_models::ModelError),

    /// The model answered nothing.
    #[error("the reviewer's model gave an empty answer")]
    EmptyAnswer,
}

impl ReviewError {
    /// How a front should treat it (exit code).
    pub fn class(&self) -> ErrorClass {
        match self {
            ReviewError::ContextTooSmall { .. } => ErrorClass::Usage,
            ReviewError::Model(error) => crate::error::model_error_class(error),
            ReviewError::EmptyDiff { .. } | ReviewError::EmptyAnswer => ErrorClass::Failure,
        }
    }

    /// The next step the user can take.
    pub fn hint(&self) -> Option<String> {
        match self {
            ReviewError::EmptyDiff { .. } => None,
            ReviewError::ContextTooSmall { .. } => Some(
                "raise the window with --context N (or model.context_length), or lower --max-tokens"
                    .into(),
            ),
            ReviewError::Model(error) => error.hint(),
            ReviewError::EmptyAnswer => Some(
                "run it again, or pick another model with --model (nothing was posted)".into(),
            ),
        }
    }
}
