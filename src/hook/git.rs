//! What the hooks read from git, through its command line: inside a hook, git names the index
//! being committed (`GIT_INDEX_FILE`, a temporary one for `git commit -a` or `git commit PATH`),
//! which only git itself honours. The commands run with `AGENT_HOOK` set, so nothing they set
//! off calls agent again.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The staged changes (`git diff --cached`), as a patch; empty when nothing is staged.
pub fn staged_diff(dir: &Path) -> Result<String> {
    git(
        dir,
        &[
            "diff",
            "--cached",
            "--no-color",
            "--no-ext-diff",
            "--find-renames",
        ],
    )
}

/// The character that starts a comment line of commit messages (`core.commentChar`, `#` when
/// unset or `auto`).
pub fn comment_char(dir: &Path) -> char {
    let configured = git(dir, &["config", "--get", "core.commentChar"]).unwrap_or_default();
    let mut chars = configured.trim().chars();
    match (chars.next(), chars.next()) {
        (Some(only), None) => only,
        _ => '#',
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env(agent_core::env::AGENT_HOOK, "1")
        .stdin(std::process::Stdio::null())
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
