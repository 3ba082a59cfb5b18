//! The git hooks `agent hook install` writes (pre-commit, commit-msg, pre-push): where git looks
//! for them ([`location`]), the marked POSIX sh scripts that chain the hook that was there
//! ([`script`], [`install`]), the prompts they send ([`prompt`]) and reading the model's answer
//! ([`findings`] of a review, a commit [`message`]). Running a hook is the binary's
//! (`src/hook/`): it asks the model and decides the exit status.

mod error;
pub mod findings;
pub mod install;
mod kind;
pub mod location;
pub mod message;
pub mod prompt;
pub mod script;

pub use error::HookError;
pub use findings::{Finding, Severity};
pub use install::{HookState, Installed, Uninstalled, install, state, uninstall};
pub use kind::{CommitMsgMode, HookKind};
pub use location::{HooksDir, hooks_dir};
