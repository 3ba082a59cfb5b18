//! Exit codes, and the errors the binary raises itself (with a hint and an exit code).

use std::process::ExitCode;

use agent_core::ErrorClass;
use agent_models::ModelError;

/// The documented exit codes (README "Exit codes"; `agent --help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked.
    Ok = 0,
    /// Something failed at run time.
    Failure = 1,
    /// A bad argument, flag, configuration key or value.
    Usage = 2,
    /// The id named does not exist.
    NotFound = 3,
    /// An input file is malformed; nothing was changed.
    InvalidData = 4,
    /// The data directory or database cannot be used.
    Storage = 5,
    /// Interrupted by Ctrl-C (or SIGTERM / SIGHUP), or the task was cancelled.
    Interrupted = 130,
}

impl Exit {
    /// The exit code for a class of core error.
    pub fn for_class(class: ErrorClass) -> Self {
        match class {
            ErrorClass::Usage => Exit::Usage,
            ErrorClass::NotFound => Exit::NotFound,
            ErrorClass::InvalidData => Exit::InvalidData,
            ErrorClass::Storage => Exit::Storage,
            ErrorClass::Failure => Exit::Failure,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

/// The exit code and hint of an error: those of the first cause agent knows (a core, git, model
/// or binary error); anything else is a failure without a hint.
pub fn classify(error: &anyhow::Error) -> (Exit, Option<String>) {
    for cause in error.chain() {
        if let Some(core) = cause.downcast_ref::<agent_core::Error>() {
            return (Exit::for_class(core.class()), core.hint());
        }
        if let Some(github) = cause.downcast_ref::<agent_core::github::GitHubError>() {
            return (Exit::for_class(github.class()), github.hint());
        }
        if let Some(git) = cause.downcast_ref::<agent_core::git::GitError>() {
            return (Exit::for_class(git.class()), git.hint());
        }
        if let Some(mcp) = cause.downcast_ref::<agent_core::mcp::McpError>() {
            return (Exit::for_class(mcp.class()), mcp.hint());
        }
        if let Some(hook) = cause.downcast_ref::<agent_core::hooks::HookError>() {
            return (Exit::for_class(hook.class()), hook.hint());
        }
        if let Some(model) = cause.downcast_ref::<ModelError>() {
            return for_model_error(model);
        }
        if let Some(web) = cause.downcast_ref::<agent_core::web::WebError>() {
            return (Exit::for_class(web.class()), web.hint());
        }
        if let Some(user) = cause.downcast_ref::<UserError>() {
            return (user.exit, user.hint.clone());
        }
    }
    (Exit::Failure, None)
}

/// The exit code and hint for a model backend's error.
pub fn for_model_error(error: &ModelError) -> (Exit, Option<String>) {
    (
        Exit::for_class(agent_core::error::model_error_class(error)),
        error.hint(),
    )
}

/// An error found by the binary itself, with what the user can do about it.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
    pub exit: Exit,
}

impl UserError {
    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: Some(hint.into()),
            exit: Exit::Usage,
        }
    }

    /// A "no such thing" error (exit 3) with a hint.
    pub fn not_found(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: Some(hint.into()),
            exit: Exit::NotFound,
        }
    }
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

/// The signals that interrupt a command, as Ctrl-C does (exit 130): SIGINT, and on Unix SIGTERM
/// (a service manager, `kill`) and SIGHUP (the terminal went away). Listening replaces their
/// default action (ending the process at once), so a task or an answer in progress ends cleanly:
/// recorded as cancelled, the store consistent.
pub struct Interrupts {
    /// SIGINT, taken over when listening starts (not at the first wait: a Ctrl-C in between
    /// would otherwise end the process at once).
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    hangup: Option<tokio::signal::unix::Signal>,
}

impl Interrupts {
    /// Starts listening. Call it inside a tokio runtime, before the work that may be interrupted.
    pub fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Self {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
                hangup: signal(SignalKind::hangup()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    /// Waits for the next interrupting signal.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            async fn next(signal: &mut Option<tokio::signal::unix::Signal>) {
                let received = match signal {
                    Some(signal) => signal.recv().await.is_some(),
                    None => false,
                };
                if !received {
                    std::future::pending::<()>().await;
                }
            }
            tokio::select! {
                () = next(&mut self.interrupt) => {}
                () = next(&mut self.terminate) => {}
                () = next(&mut self.hangup) => {}
            }
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
