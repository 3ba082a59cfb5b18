//! The agent roles a strategy runs (coder, planner, reviewer, tester): each has its own system
//! prompt in `prompts/`, may have its own model, and some may only read.

/// A role: its name (in prompts, events, model_calls and `roles.<name>.model`) and whether it
/// is limited to the tools that change nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    pub name: &'static str,
    pub read_only: bool,
}

pub const CODER: Role = Role {
    name: "coder",
    read_only: false,
};
pub const PLANNER: Role = Role {
    name: "planner",
    read_only: true,
};
pub const REVIEWER: Role = Role {
    name: "reviewer",
    read_only: true,
};
pub const TESTER: Role = Role {
    name: "tester",
    read_only: false,
};

/// Every role, for configuration and flags.
pub const ALL: [Role; 4] = [PLANNER, CODER, REVIEWER, TESTER];

/// The tools a read-only role gets.
pub const READ_ONLY_TOOLS: &[&str] = &["read", "list", "search", "diff"];

impl Role {
    /// Whether this role may call the tool `name`.
    pub fn may_use(&self, tool: &str) -> bool {
        !self.read_only || READ_ONLY_TOOLS.contains(&tool)
    }
}
