//! `agent hook install/uninstall/status` (`manage.rs`) and `agent hook run`, what the installed
//! scripts call (`run.rs`: pre-commit and commit-msg, `check.rs`: pre-push), with the model asked
//! through the announced `agent serve` or this process's own session (`model.rs`) and git read
//! through its command line (`git.rs`), which honours the index a hook is given.

mod check;
mod git;
mod manage;
mod model;
mod run;

use agent_core::hooks::{CommitMsgMode, HookKind};
use anyhow::Result;

use crate::app::App;
use crate::cli::{HookCommand, HookMode, HookName};
use crate::exit::Exit;

pub fn run(app: &App, command: HookCommand) -> Result<Exit> {
    match command {
        HookCommand::Install(args) => manage::install(app, args),
        HookCommand::Uninstall { hook, repo } => manage::uninstall(app, hook.map(kind), repo),
        HookCommand::Status { repo, json } => manage::status(app, repo, json),
        HookCommand::Run { hook, mode, args } => {
            run::run(app, kind(hook), mode.map(mode_of), &args)
        }
    }
}

/// Whether the command line is `agent hook run …`, what the installed scripts call.
pub fn is_hook_run(mut args: impl Iterator<Item = std::ffi::OsString>) -> bool {
    args.nth(1).is_some_and(|arg| arg == "hook") && args.next().is_some_and(|arg| arg == "run")
}

/// Says on one line why `agent hook run` could not do its work, and lets git go on (exit 0).
pub fn let_git_go_on(why: &str) -> std::process::ExitCode {
    crate::output::note(&format!(
        "agent hook: {}; git goes on without it",
        one_line(why)
    ));
    std::process::ExitCode::SUCCESS
}

/// The core's name of a hook the command line named.
fn kind(name: HookName) -> HookKind {
    match name {
        HookName::PreCommit => HookKind::PreCommit,
        HookName::CommitMsg => HookKind::CommitMsg,
        HookName::PrePush => HookKind::PrePush,
    }
}

fn mode_of(mode: HookMode) -> CommitMsgMode {
    match mode {
        HookMode::Draft => CommitMsgMode::Draft,
        HookMode::Rewrite => CommitMsgMode::Rewrite,
    }
}

/// One line on stderr from a hook, prefixed with its name: `agent pre-commit: …`.
fn say(kind: HookKind, text: &str) {
    crate::output::note(&format!("agent {kind}: {}", one_line(text)));
}

/// `text` on one line (a model's or a server's error may span several).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
