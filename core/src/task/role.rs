//! The agent roles a strategy runs (coder, planner, reviewer, tester): each has its own system
//! prompt in `prompts/`, may have its own model, and some may only read.

pub use crate::protocol::AgentRole as Role;
use crate::tools::ToolName;

pub const CODER: Role = Role::Coder;
pub const PLANNER: Role = Role::Planner;
pub const REVIEWER: Role = Role::Reviewer;
pub const TESTER: Role = Role::Tester;

/// Every role of a task, for configuration and flags.
pub const ALL: [Role; 4] = Role::TASK_ROLES;

impl Role {
    /// Whether this role only reads: the planner, the reviewer, and the roles that get no tools
    /// at all (a bare chat, a summary).
    pub fn read_only(self) -> bool {
        matches!(
            self,
            Role::Planner | Role::Reviewer | Role::Ask | Role::Compact
        )
    }

    /// Whether this role may call the tool `name`.
    pub fn may_use(&self, tool: &str) -> bool {
        !self.read_only() || ToolName::from_name(tool).is_some_and(ToolName::reads_only)
    }
}

/// The names of the tools a read-only role gets, for the model.
pub fn read_only_tools() -> String {
    ToolName::ALL
        .into_iter()
        .filter(|tool| tool.reads_only())
        .map(ToolName::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
