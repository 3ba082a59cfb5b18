//! The data types events carry: a task's status, its complexity, a plan, a diff's numbers. They
//! live here, below the modules that compute them (`task`, `classify`, `git`), so the protocol
//! depends on nothing above it; those modules add their behaviour in their own `impl` blocks.

use serde::{Deserialize, Serialize};

/// Where a task is in its life cycle.
///
/// ```text
/// Pending ─▶ Running ─▶ Verifying ─▶ Succeeded
///    │          │  ▲         │
///    │          │  └─────────┤ (a strategy that iterates goes back to work)
///    ▼          ▼            ▼
///  Failed | Cancelled (from any non-final status)
/// ```
/// `Running ─▶ Succeeded` is allowed for a task that changed nothing (nothing to verify).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Pending,
    Running,
    Verifying,
    Succeeded,
    Failed,
    Cancelled,
}

/// How much a diff changes, as `git diff --stat` summarises it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffStat {
    pub files_changed: usize,
    pub insertions: usize,
    pub deletions: usize,
    /// The changed paths, relative to the repository root with `/` separators.
    pub files: Vec<String>,
}

/// How much work a task looks like, which decides the strategy that runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Complexity {
    /// One focused change: SingleShot.
    Simple,
    /// A change that needs an edit → test → fix loop: Iterative.
    Medium,
    /// Several parts or a cross-cutting change: MultiAgent (planner, coder, reviewer, tester).
    Complex,
}

/// A structured plan for a complex task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// One or two sentences on the approach.
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub steps: Vec<PlanStep>,
    /// What must be true when the task is done.
    #[serde(default)]
    pub acceptance: Vec<String>,
}

/// One step of a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStep {
    pub title: String,
    #[serde(default)]
    pub files: Vec<String>,
    #[serde(default)]
    pub details: String,
}
