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
    /// Interrupted by Ctrl-C.
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
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}
