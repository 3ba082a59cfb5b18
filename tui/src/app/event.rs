//! What flows into the chat TUI (`AppEvent`) and what it asks the binary to do (`Command`).
//!
//! The app never does IO: keys, terminal changes, the chat session's progress, task events and
//! data the binary fetched all arrive as [`AppEvent`]s, and everything with an effect outside the
//! screen leaves as a [`Command`].

use agent_core::protocol::{Event, EventEnvelope};
use agent_core::store::TaskRecord;
use agent_models::Role;
use crossterm::event::KeyEvent;

/// The screens of the TUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The conversation, the input editor and the status line.
    Chat,
    /// Background tasks and their event logs.
    Tasks,
    /// Past conversations with a search box.
    History,
    /// Tasks by status, success rates and token totals.
    Dashboard,
}

/// Everything the app reacts to.
#[derive(Debug, Clone)]
pub enum AppEvent {
    /// A key press (release events are ignored).
    Key(KeyEvent),
    /// Bracketed paste: inserted whole, never sent by its newlines.
    Paste(String),
    /// The terminal's new size (columns, rows).
    Resize(u16, u16),
    /// The mouse wheel turned up.
    ScrollUp,
    /// The mouse wheel turned down.
    ScrollDown,
    /// A timer tick: animates the busy indicator.
    Tick,
    /// An event of the chat's session (turns, the model's text, tool calls, approval
    /// questions, errors, a loaded conversation): the protocol's own events.
    Chat(Event),
    /// A running task's events (the protocol `--json` prints).
    Task(EventEnvelope),
    /// Data the binary fetched for a [`Command`].
    Loaded(Loaded),
}

/// Data the binary fetched in answer to a [`Command`].
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// For [`Command::LoadTasks`].
    Tasks(Vec<TaskRecord>),
    /// For [`Command::LoadHistory`].
    History(Vec<HistoryItem>),
    /// For [`Command::LoadDashboard`].
    Dashboard(DashboardData),
    /// For [`Command::ShowDiff`]: a unified diff, shown coloured in the chat.
    Diff(String),
    /// For [`Command::OpenConversation`]: shown read-only in the history view.
    Transcript(Vec<(Role, String)>),
    /// A line to show in the chat (the result of apply, undo, compact …).
    Notice(String),
    /// What is left of the budgets, for the status line (after each turn).
    Budget(Option<String>),
}

/// One past conversation in the history view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryItem {
    pub id: String,
    pub title: String,
    /// When it was last updated, already formatted.
    pub when: String,
    /// The matching text of a search, if any.
    pub snippet: Option<String>,
}

/// What the dashboard shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardData {
    /// Task count per status name.
    pub by_status: Vec<(String, u64)>,
    /// Strategy name, tasks succeeded, tasks finished.
    pub success_by_strategy: Vec<(String, u64, u64)>,
    /// Model name, tasks succeeded, tasks finished.
    pub success_by_model: Vec<(String, u64, u64)>,
    pub tokens_today: u64,
    pub tokens_week: u64,
    /// Recent activity, one line each, newest first.
    pub recent: Vec<String>,
}

/// What the binary must do; the app only asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Send a prompt to the model (the app is busy until the turn's `turn_end` event).
    SendPrompt(String),
    /// Stop the running turn.
    Interrupt,
    /// Answer an approval request; `always` allows this kind for the rest of the session.
    Approve {
        id: String,
        approved: bool,
        always: bool,
    },
    /// Start a background task with this description.
    RunTask(String),
    CancelTask(String),
    /// Apply a task's commit (the latest finished task when `None`).
    ApplyTask(Option<String>),
    Undo,
    /// Load the diff of the working tree or the last task (answered with [`Loaded::Diff`]).
    ShowDiff,
    LoadTasks,
    LoadHistory {
        query: Option<String>,
    },
    LoadDashboard,
    /// Load a conversation to read (answered with [`Loaded::Transcript`]).
    OpenConversation(String),
    /// Continue a past conversation in the chat.
    ResumeConversation(String),
    NewConversation,
    SetModel(String),
    SetStrategy(String),
    Compact,
    Clear,
    Quit,
}

/// What the status line shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusInfo {
    pub model: String,
    pub strategy: String,
    /// Tokens the conversation's context holds now.
    pub tokens_used: u64,
    /// The model's context window.
    pub context_length: u64,
    /// The repository the session works in.
    pub repo: String,
    /// What is left of the budgets (`8.2k tokens left today · $4.02 left this month`); `None`
    /// when no budget is set.
    pub budget: Option<String>,
}

/// A Markdown prompt command (`commands/`, `.agent/commands/`, the user's config directory);
/// the text after `/name` fills its arguments ([`CustomCommand::expand`]).
pub use agent_core::commands::CustomCommand;
