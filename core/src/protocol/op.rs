//! Operations a front submits to the core.

use serde::{Deserialize, Serialize};

/// What a front asks the core to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Op {
    /// Start a task.
    RunTask { spec: TaskSpec },
    /// Stop a running task: it ends Cancelled, with nothing half-written.
    Cancel { task_id: String },
    /// Answer an approval request (the `id` of its tool call).
    Approve {
        id: String,
        approved: bool,
        /// Approve this kind of action for the rest of the session.
        #[serde(default)]
        always: bool,
    },
}

/// What a task should do and how. Fronts fill it from flags and configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSpec {
    /// What the user asked for.
    pub description: String,
    /// A directory inside the repository to work on.
    pub repo: std::path::PathBuf,
    /// The revision the task branch starts from.
    #[serde(default = "default_base")]
    pub base: String,
    /// `auto` (chosen by the task's complexity), `single`, `iterative` or `multi`.
    pub strategy: String,
    /// The project's check (with where it was set); `None` detects it.
    #[serde(default)]
    pub verify: Option<crate::verify::VerifyCommand>,
    /// The approval policy (`auto`, `on-write`, `on-command`, `always`).
    pub approval: String,
    pub limits: crate::turn::Limits,
    /// The task this one retries, if any.
    #[serde(default)]
    pub retry_of: Option<String>,
    /// Edit → check → fix rounds of the iterative strategy.
    #[serde(default = "default_iterations")]
    pub max_iterations: u32,
    /// Reviewer change requests the multi-agent strategy follows.
    #[serde(default = "default_review_rounds")]
    pub max_review_rounds: u32,
}

fn default_base() -> String {
    "HEAD".to_string()
}

fn default_iterations() -> u32 {
    4
}

fn default_review_rounds() -> u32 {
    2
}
