//! The pre-push hook: the project's check — `task.verify`, else the one detected as for tasks —
//! run in the checkout as it is, through the same command policy as a task's check (sandbox,
//! environment without credentials, `TMPDIR` of its own), within `hooks.check_timeout`. A check
//! that fails or runs too long refuses the push; no check, or one that cannot start, does not.

use std::time::Duration;

use agent_core::env::CARGO_TARGET_DIR;
use agent_core::hooks::HookKind;
use agent_core::task::build_cache;
use agent_core::verify::{self, VerifyCommand, VerifySource};
use anyhow::Result;

use super::say;
use crate::app::App;
use crate::exit::{Exit, Interrupts};
use crate::models::front_runtime;
use crate::output::note;

const KIND: HookKind = HookKind::PrePush;

pub fn pre_push(app: &App) -> Result<Exit> {
    let resolved = app.config()?;
    let root = app.repo_root().unwrap_or_else(|| app.cwd.clone());
    let command = match &resolved.config.task.verify {
        Some(command) => VerifyCommand {
            command: command.clone(),
            source: VerifySource::Config,
        },
        None => match verify::detect(&root) {
            Some(command) => command,
            None => {
                say(
                    KIND,
                    "no check found (set task.verify, or give the project a test target); the push goes on",
                );
                return Ok(Exit::Ok);
            }
        },
    };
    say(KIND, &format!("running {command}"));
    let policy = app.command_policy(&resolved.config);
    let scratch = policy.scratch_dir(&format!("hook-{}", std::process::id()));
    // The checkout builds into its own directories (it is writable); Go's cache in the home
    // directory is not, so it moves under agent's cache as for tasks.
    let env: Vec<(String, String)> =
        build_cache::command_env(&root, &app.paths.cache_dir, &app.env)
            .into_iter()
            .filter(|(name, _)| name != CARGO_TARGET_DIR)
            .collect();
    for (_, dir) in &env {
        let _ = std::fs::create_dir_all(dir);
    }
    let settings = policy.settings(
        Vec::new(),
        scratch.as_ref().map(|dir| dir.path().to_path_buf()),
        env,
        policy.network_check,
    );
    let timeout = Duration::from_secs(resolved.config.hooks.check_timeout);
    let runtime = front_runtime()?;
    let outcome = runtime.block_on(async {
        let mut interrupts = Interrupts::listen();
        tokio::select! {
            outcome = verify::run_with(&command.command, &root, timeout, &settings) => Some(outcome),
            () = interrupts.recv() => None,
        }
    });
    let outcome = match outcome {
        None => {
            say(KIND, "interrupted; the push is stopped");
            return Ok(Exit::Interrupted);
        }
        Some(Err(error)) => {
            say(
                KIND,
                &format!(
                    "cannot run `{}`: {}; the push goes on",
                    command.command,
                    agent_core::text::error_chain(&error)
                ),
            );
            return Ok(Exit::Ok);
        }
        Some(Ok(outcome)) => outcome,
    };
    let seconds = outcome.duration.as_secs_f64();
    if outcome.passed {
        say(
            KIND,
            &format!("`{}` passed ({seconds:.1} s)", command.command),
        );
        return Ok(Exit::Ok);
    }
    if !outcome.output.trim().is_empty() {
        note(outcome.output.trim_end());
    }
    let why = if outcome.timed_out {
        format!("ran past {} s (hooks.check_timeout)", timeout.as_secs())
    } else {
        match outcome.exit_code {
            Some(code) => format!("failed (exit {code}, {seconds:.1} s)"),
            None => "was ended by a signal".to_string(),
        }
    };
    say(
        KIND,
        &format!(
            "push refused: `{}` {why}; fix it, or push with --no-verify",
            command.command
        ),
    );
    Ok(Exit::Failure)
}
