//! Reviewing a pull request (`agent pr review`): its unified diff parsed into the lines a review
//! comment may be on; the reviewer's prompt with the pull request's text as marked data and the
//! diff cut to the model's context; one model call; the answer read forgivingly; each finding
//! placed on the nearest line of the diff or in the body; one review with its verdict.
//!
//! ```text
//! pull_diff ─▶ diff::parse ─▶ DiffIndex ─▶ prompt::build (+ pull, system prompt) ─▶ model::ask
//!   ─▶ answer::parse ─▶ compose::compose (DiffIndex::place per finding) ─▶ NewReview
//! ```

pub mod answer;
pub mod compose;
pub mod diff;
mod error;
pub mod github;
pub mod mapping;
pub mod model;
pub mod prompt;

pub use answer::{Answer, Finding, Parsed, Severity, Verdict};
pub use compose::{BodyComment, ComposeInput, Composed, PlacedComment, compose};
pub use diff::{DiffLine, FileDiff, FileStatus, LineKind, Side};
pub use error::ReviewError;
pub use github::{Posted, fetch, post};
pub use mapping::{DiffIndex, IndexedFile, MAX_DISTANCE, Outside, Placement};
pub use model::{ModelReply, ask};
pub use prompt::{Coverage, DEFAULT_ANSWER_TOKENS, PromptInput, ReviewPrompt, Truncated};

/// The name of the reviewer's prompt (`prompts/pr-review.md`, overridable like every prompt).
pub const PROMPT_NAME: &str = "pr-review";
