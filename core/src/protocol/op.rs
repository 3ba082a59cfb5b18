//! Operations a front submits to the core's [`crate::session::Session`]: the only way in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a front asks the core to do. Ids of chats are chosen by the front (so it can route the
/// chat's events before the core answers); task ids are chosen by the core and returned by
/// `submit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Op {
    /// Start a task.
    RunTask {
        spec: TaskSpec,
        /// Whether the front answers approval questions (with [`Op::Approve`]); when it does
        /// not, whatever the policy would ask about is refused and the model is told.
        #[serde(default = "yes")]
        answers_approvals: bool,
    },
    /// Stop a running task: it ends Cancelled, with nothing half-written. A task of another
    /// process is asked through the store.
    Cancel { task_id: String },
    /// Answer an approval request (the `id` of its tool call).
    Approve {
        id: String,
        approved: bool,
        /// Approve this kind of action for the rest of the task or chat.
        #[serde(default)]
        always: bool,
    },
    /// Open a chat: a conversation with the model and the tools on a repository.
    OpenChat { chat_id: String, spec: ChatSpec },
    /// Send a user message to a chat and run its turn.
    UserTurn { chat_id: String, text: String },
    /// Stop a chat's running turn (what was streamed is kept); pending questions are denied.
    Interrupt { chat_id: String },
    /// Replace a chat's conversation with the model's summary of it.
    Compact { chat_id: String },
    /// Start a new conversation in a chat (the old one stays in the store).
    NewConversation { chat_id: String },
    /// Continue a stored conversation (an id or a unique prefix) in a chat.
    ResumeConversation {
        chat_id: String,
        conversation_id: String,
    },
    /// Change a chat's model or approval policy for its next turns.
    ConfigureChat {
        chat_id: String,
        #[serde(default)]
        model: Option<String>,
        #[serde(default)]
        approval: Option<crate::config::Approval>,
        /// Skip the answer cache from now on (`true`) or use it again (`false`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        no_cache: Option<bool>,
    },
    /// Close a chat; its running turn is stopped.
    CloseChat { chat_id: String },
}

fn yes() -> bool {
    true
}

fn is_false(value: &bool) -> bool {
    !*value
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
    pub strategy: super::StrategyChoice,
    /// The project's check (with where it was set); `None` detects it.
    #[serde(default)]
    pub verify: Option<crate::verify::VerifyCommand>,
    /// The approval policy (`auto`, `on-write`, `on-command`, `always`).
    pub approval: crate::config::Approval,
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
    /// The model of every role without one of its own; `None` is the configured default.
    #[serde(default)]
    pub model: Option<String>,
    /// Models of particular roles, by role name (`planner`, `coder`, `reviewer`, `tester`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub role_models: BTreeMap<super::AgentRole, String>,
    /// Roles whose model the front named itself (a flag, a request's body): neither the router
    /// nor an A/B test changes them.
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub pinned_roles: std::collections::BTreeSet<super::AgentRole>,
    /// Set when the task was started from untrusted text (a GitHub comment, a CI log): its
    /// commands must match an allowlist and get no credentials ([`crate::untrusted`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub untrusted: Option<crate::untrusted::UntrustedOrigin>,
    /// Ask the model even where the answer cache has the answer (`--no-cache`); nothing is kept.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_cache: bool,
}

/// How a chat is set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatSpec {
    /// The directory the tools work in (the repository's root for a chat on a repository).
    pub repo: std::path::PathBuf,
    /// Continue this stored conversation (an id or a unique prefix).
    #[serde(default)]
    pub resume: Option<String>,
    /// The model; `None` is the configured default.
    #[serde(default)]
    pub model: Option<String>,
    /// The approval policy; `None` is `chat.approval` from the configuration.
    #[serde(default)]
    pub approval: Option<crate::config::Approval>,
    /// A bare chat has no tools and no built-in system prompt: the model gets `system` (if any)
    /// and the messages, nothing else (`agent ask`).
    #[serde(default)]
    pub bare: bool,
    /// The system prompt of a bare chat.
    #[serde(default)]
    pub system: Option<String>,
    /// Whether the front answers approval questions.
    #[serde(default = "yes")]
    pub answers_approvals: bool,
    /// Ask the model even where the answer cache has the answer (`--no-cache`); nothing is kept.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_cache: bool,
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
