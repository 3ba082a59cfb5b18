//! Closed sets the protocol names: who worked (agent role), how a model reply ended, how a
//! strategy was chosen, how a chat turn ended. Enums so the compiler catches a misspelling;
//! their serde names are the strings the JSON always had.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An agent role: the roles of a task's strategies, and the chat's own (named so it does not
/// clash with a chat message's role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentRole {
    Planner,
    Coder,
    Reviewer,
    Tester,
    /// A chat's turns.
    Chat,
    /// A bare chat's turn (`agent ask`).
    Ask,
    /// The summary of a chat's `/compact`.
    Compact,
}

impl AgentRole {
    /// The roles a task's strategies run, for configuration (`roles.<role>.model`) and flags.
    pub const TASK_ROLES: [AgentRole; 4] = [
        AgentRole::Planner,
        AgentRole::Coder,
        AgentRole::Reviewer,
        AgentRole::Tester,
    ];

    /// The name in prompts, events, `model_calls` and configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            AgentRole::Planner => "planner",
            AgentRole::Coder => "coder",
            AgentRole::Reviewer => "reviewer",
            AgentRole::Tester => "tester",
            AgentRole::Chat => "chat",
            AgentRole::Ask => "ask",
            AgentRole::Compact => "compact",
        }
    }

    /// The role named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            AgentRole::Planner,
            AgentRole::Coder,
            AgentRole::Reviewer,
            AgentRole::Tester,
            AgentRole::Chat,
            AgentRole::Ask,
            AgentRole::Compact,
        ]
        .into_iter()
        .find(|role| role.as_str() == name)
    }
}

impl fmt::Display for AgentRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a model's reply ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinishReason {
    /// The model finished its answer.
    Stop,
    /// It stopped at the token limit.
    Length,
    /// It asked for tools.
    ToolCalls,
    /// The backend failed.
    Error,
    /// The caller stopped it (a cancel, the wall-time limit).
    Cancelled,
    /// It was stopped for repeating itself ([`crate::turn::RepetitionDetector`]).
    Repetition,
}

/// What the answer cache did for a model request (`cache.enabled`, temperature 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheOutcome {
    /// Answered from the cache: no request went to the model, no tokens were spent.
    Hit,
    /// Not in the cache: the model answered, and a complete answer was kept.
    Miss,
}

impl CacheOutcome {
    /// The name in events and in `model_calls.cache`.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheOutcome::Hit => "hit",
            CacheOutcome::Miss => "miss",
        }
    }

    /// The outcome stored as `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "hit" => Some(CacheOutcome::Hit),
            "miss" => Some(CacheOutcome::Miss),
            _ => None,
        }
    }
}

/// Who chose a task's strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectedBy {
    /// The task's estimated complexity (`--strategy auto`).
    Auto,
    /// `--strategy NAME` (or the configuration).
    Flag,
}

/// How a chat turn ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TurnEndOutcome {
    /// The model answered.
    Completed,
    /// A limit (turns, tool calls, tokens, time) ended it.
    Limit,
    /// The model failed, or the turn could not run.
    Failed,
    /// It was interrupted.
    Cancelled,
}

/// Steps a strategy goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Creating the worktree.
    Workspace,
    /// A role's turn loop (model ⇄ tools).
    Turns,
    /// Running the project's check.
    Verify,
    /// Committing on the task branch.
    Commit,
    /// The planner writing the plan.
    Plan,
    /// The reviewer reading the diff.
    Review,
    /// The tester adding and running tests.
    Test,
}

/// The serde name of each variant, for text output.
macro_rules! names {
    ($type:ty { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $type {
            pub fn as_str(self) -> &'static str {
                match self {
                    $(<$type>::$variant => $name),+
                }
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

names!(FinishReason {
    Stop => "stop",
    Length => "length",
    ToolCalls => "tool_calls",
    Error => "error",
    Cancelled => "cancelled",
    Repetition => "repetition",
});

names!(SelectedBy {
    Auto => "auto",
    Flag => "flag",
});

names!(TurnEndOutcome {
    Completed => "completed",
    Limit => "limit",
    Failed => "failed",
    Cancelled => "cancelled",
});

names!(StepKind {
    Workspace => "workspace",
    Turns => "turns",
    Verify => "verify",
    Commit => "commit",
    Plan => "plan",
    Review => "review",
    Test => "test",
});

/// A strategy that runs a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyKind {
    /// One coder pass, then the check (SingleShot).
    #[serde(alias = "singleshot", alias = "single-shot")]
    Single,
    /// Edit → check → fix rounds.
    Iterative,
    /// Planner, coder, reviewer and tester.
    #[serde(alias = "multiagent", alias = "multi-agent")]
    Multi,
}

/// The strategy a task asks for: one by name, or `auto` (chosen by the task's complexity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategyChoice {
    Auto,
    #[serde(alias = "singleshot", alias = "single-shot")]
    Single,
    Iterative,
    #[serde(alias = "multiagent", alias = "multi-agent")]
    Multi,
}

impl StrategyChoice {
    /// Every choice's name, for help and errors.
    pub const NAMES: [&'static str; 4] = ["auto", "single", "iterative", "multi"];

    /// The choice written as `name` (the aliases of older versions included).
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "auto" => Some(StrategyChoice::Auto),
            "single" | "singleshot" | "single-shot" => Some(StrategyChoice::Single),
            "iterative" => Some(StrategyChoice::Iterative),
            "multi" | "multiagent" | "multi-agent" => Some(StrategyChoice::Multi),
            _ => None,
        }
    }

    /// The strategy named, or `None` for `auto`.
    pub fn fixed(self) -> Option<StrategyKind> {
        match self {
            StrategyChoice::Auto => None,
            StrategyChoice::Single => Some(StrategyKind::Single),
            StrategyChoice::Iterative => Some(StrategyKind::Iterative),
            StrategyChoice::Multi => Some(StrategyKind::Multi),
        }
    }
}

names!(StrategyKind {
    Single => "single",
    Iterative => "iterative",
    Multi => "multi",
});

names!(StrategyChoice {
    Auto => "auto",
    Single => "single",
    Iterative => "iterative",
    Multi => "multi",
});
