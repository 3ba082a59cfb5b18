//! `agent hook run HOOK`: the work of an installed hook. pre-commit reviews the staged diff and
//! refuses the commit only on findings of a severity in `hooks.block_on`; commit-msg writes the
//! message (or improves it, `--mode rewrite`). Nothing else refuses a commit: without a model,
//! with a server down, past `hooks.timeout`, or on any error of its own, a hook says why in one
//! line and exits 0. With `AGENT_HOOK` set (agent's own work) it does nothing.

use std::path::Path;

use agent_core::config::ResolvedConfig;
use agent_core::env::AGENT_HOOK;
use agent_core::hooks::{CommitMsgMode, Finding, HookKind, findings, message, prompt};
use agent_core::task::prompts::{PromptSources, repo_prompts_dir};
use anyhow::{Context, Result, bail};

use super::model::{self, Unavailable};
use super::{git, say};
use crate::app::App;
use crate::exit::Exit;
use crate::output::note;

/// Most lines of a reply without findings that are shown.
const REPLY_LINES: usize = 12;

pub fn run(
    app: &App,
    kind: HookKind,
    mode: Option<CommitMsgMode>,
    args: &[String],
) -> Result<Exit> {
    if app
        .env
        .get(AGENT_HOOK)
        .is_some_and(|value| !value.trim().is_empty())
    {
        return Ok(Exit::Ok);
    }
    let outcome = match kind {
        HookKind::PreCommit => pre_commit(app),
        HookKind::CommitMsg => commit_msg(app, mode.unwrap_or_default(), args),
        HookKind::PrePush => super::check::pre_push(app),
    };
    outcome.or_else(|error| {
        let goes_on = match kind {
            HookKind::PrePush => "the push goes on",
            HookKind::PreCommit | HookKind::CommitMsg => "the commit goes on",
        };
        say(kind, &format!("{error:#}; {goes_on}"));
        Ok(Exit::Ok)
    })
}

fn pre_commit(app: &App) -> Result<Exit> {
    let kind = HookKind::PreCommit;
    let diff = git::staged_diff(&app.cwd)?;
    if diff.trim().is_empty() {
        return Ok(Exit::Ok);
    }
    let resolved = app.config()?;
    let request = prompt::review(&prompt_sources(app), &diff, budget(&resolved));
    let reply = match model::ask(app, &resolved, "pre-commit review", request) {
        Ok(reply) => reply,
        Err(Unavailable(why)) => {
            say(kind, &format!("no review: {why}; the commit goes on"));
            return Ok(Exit::Ok);
        }
    };
    let found = findings::parse(&reply);
    if found.is_empty() {
        report_no_findings(&reply);
        return Ok(Exit::Ok);
    }
    let block_on = &resolved.config.hooks.block_on;
    let blocking = findings::blocking(&found, block_on);
    let mut out = format!(
        "agent pre-commit: {} finding{}\n",
        found.len(),
        plural(found.len())
    );
    for finding in &found {
        out.push_str(&format_finding(finding));
    }
    note(out.trim_end());
    if blocking.is_empty() {
        return Ok(Exit::Ok);
    }
    say(
        kind,
        &format!(
            "commit refused: {} finding{} of a severity in hooks.block_on ({}); fix {}, or commit with --no-verify",
            blocking.len(),
            plural(blocking.len()),
            block_on.join(", "),
            if blocking.len() == 1 { "it" } else { "them" },
        ),
    );
    Ok(Exit::Failure)
}

fn commit_msg(app: &App, mode: CommitMsgMode, args: &[String]) -> Result<Exit> {
    let kind = HookKind::CommitMsg;
    let Some(file) = args.first() else {
        bail!("git gave the hook no message file");
    };
    let path = app.cwd.join(file);
    let original = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the message file {}", path.display()))?;
    let comment = git::comment_char(&app.cwd);
    let authored = message::authored(&original, comment);
    let wanted = match mode {
        CommitMsgMode::Draft => authored.is_empty(),
        CommitMsgMode::Rewrite => !is_git_generated(&authored),
    };
    if !wanted {
        return Ok(Exit::Ok);
    }
    let diff = git::staged_diff(&app.cwd)?;
    if diff.trim().is_empty() {
        return Ok(Exit::Ok);
    }
    let resolved = app.config()?;
    let to_improve = (mode == CommitMsgMode::Rewrite).then_some(authored.as_str());
    let request =
        prompt::commit_message(&prompt_sources(app), &diff, to_improve, budget(&resolved));
    let kept = if authored.is_empty() {
        "the message stays empty"
    } else {
        "your message is kept"
    };
    let reply = match model::ask(app, &resolved, "commit message", request) {
        Ok(reply) => reply,
        Err(Unavailable(why)) => {
            say(kind, &format!("no message written: {why}; {kept}"));
            return Ok(Exit::Ok);
        }
    };
    let Some(written) = message::from_reply(&reply) else {
        say(
            kind,
            &format!("the model's reply is not a commit message; {kept}"),
        );
        return Ok(Exit::Ok);
    };
    write(&path, &message::compose(&written, &original, comment))?;
    let subject = written.lines().next().unwrap_or_default();
    say(kind, &format!("wrote the message: {subject}"));
    Ok(Exit::Ok)
}

/// Messages git wrote that must stay as they are: merges, reverts, and the `fixup!`,
/// `squash!` and `amend!` subjects `git rebase --autosquash` reads.
fn is_git_generated(authored: &str) -> bool {
    ["Merge ", "Revert \"", "fixup! ", "squash! ", "amend! "]
        .iter()
        .any(|prefix| authored.starts_with(prefix))
}

fn report_no_findings(reply: &str) {
    let trimmed = reply.trim();
    let said_none = trimmed
        .trim_matches(|c: char| c == '.' || c == '`' || c == '*' || c.is_whitespace())
        .eq_ignore_ascii_case("none");
    if said_none || trimmed.is_empty() {
        say(HookKind::PreCommit, "no findings");
        return;
    }
    let mut out =
        String::from("agent pre-commit: no findings in the form asked for; the model said:\n");
    for line in trimmed.lines().take(REPLY_LINES) {
        out.push_str(&format!("  {line}\n"));
    }
    if trimmed.lines().count() > REPLY_LINES {
        out.push_str("  …\n");
    }
    note(out.trim_end());
}

fn format_finding(finding: &Finding) -> String {
    let location = finding
        .location
        .as_deref()
        .map(|place| format!("{place}  "))
        .unwrap_or_default();
    format!(
        "  {:<8} {location}{}\n",
        finding.severity.name(),
        finding.message
    )
}

/// Where the hook prompts are looked up: the repository's `.agent/prompts`, the user's, then
/// the built-in ones.
fn prompt_sources(app: &App) -> PromptSources {
    PromptSources {
        repo_dir: app.repo_root().map(|root| repo_prompts_dir(&root)),
        user_dir: Some(app.paths.config_dir.join("prompts")),
    }
}

/// Bytes of diff a request may hold: what fits the configured context.
fn budget(resolved: &ResolvedConfig) -> usize {
    prompt::diff_budget(resolved.config.model.context_length)
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text)
        .with_context(|| format!("cannot write the message file {}", path.display()))
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
