//! `agent hook install`, `uninstall` and `status`: agent's scripts in the repository's hooks
//! directory, calling this binary (by the `PATH` entry that leads to it when there is one, so
//! that an upgrade that moves the binary keeps the hook working).

use std::path::{Path, PathBuf};

use agent_core::hooks::{self, HookKind, HookState, HooksDir, Installed, Uninstalled};
use anyhow::{Context, Result};
use serde_json::json;

use crate::app::App;
use crate::cli::HookInstallArgs;
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};

pub fn install(app: &App, args: HookInstallArgs) -> Result<Exit> {
    let kinds: Vec<HookKind> = dedup(args.hooks.into_iter().map(super::kind));
    let mode = args.mode.map(super::mode_of);
    if mode.is_some() && !kinds.contains(&HookKind::CommitMsg) {
        return Err(UserError::usage(
            "--mode is for the commit-msg hook",
            "install commit-msg with it: agent hook install commit-msg --mode rewrite",
        )
        .into());
    }
    let dir = hooks_dir(app, args.repo.as_deref())?;
    let binary = installed_binary()?;
    let checkout = app.cwd.join(args.repo.as_deref().unwrap_or(Path::new("")));
    let mut out = String::new();
    for kind in kinds {
        let mode = (kind == HookKind::CommitMsg).then(|| mode.unwrap_or_default());
        let outcome = hooks::install(&dir, kind, &binary, mode)?;
        let path = dir.path.join(kind.name());
        let what = match mode {
            Some(mode) => format!("{kind} (mode {mode})"),
            None => kind.to_string(),
        };
        out.push_str(&match outcome {
            Installed::New => format!("installed {what}: {}\n", path.display()),
            Installed::Updated => format!("updated {what}: {}\n", path.display()),
            Installed::Chained(chained) => format!(
                "installed {what}: {}; the hook that was there runs first, from {}\n",
                path.display(),
                chained.display()
            ),
        });
    }
    print(&out)?;
    if let Ok(root) = agent_core::git::repository_root(&checkout)
        && dir.path.starts_with(root.canonicalize().unwrap_or(root))
        && !dir.path.components().any(|part| part.as_os_str() == ".git")
    {
        note(&format!(
            "note: {} is in the working tree (core.hooksPath): agent's scripts name this machine's agent binary; keep them out of commits",
            dir.path.display()
        ));
    }
    advise(app, &dir);
    Ok(Exit::Ok)
}

pub fn uninstall(app: &App, hook: Option<HookKind>, repo: Option<PathBuf>) -> Result<Exit> {
    let dir = hooks_dir(app, repo.as_deref())?;
    let kinds = hook.map_or(HookKind::ALL.to_vec(), |kind| vec![kind]);
    let mut out = String::new();
    for kind in kinds {
        match hooks::uninstall(&dir, kind)? {
            Uninstalled::Removed { restored: true } => out.push_str(&format!(
                "removed {kind}; the hook it chained is back in {}\n",
                dir.path.join(kind.name()).display()
            )),
            Uninstalled::Removed { restored: false } => {
                out.push_str(&format!("removed {kind}\n"));
            }
            Uninstalled::NotAgents if hook.is_some() => {
                note(&format!("{kind} is not agent's hook; left alone"));
            }
            Uninstalled::NotInstalled if hook.is_some() => {
                note(&format!("{kind} is not installed"));
            }
            Uninstalled::NotAgents | Uninstalled::NotInstalled => {}
        }
    }
    if out.is_empty() && hook.is_none() {
        note(&format!("no hook of agent's in {}", dir.path.display()));
    }
    print(&out)?;
    Ok(Exit::Ok)
}

pub fn status(app: &App, repo: Option<PathBuf>, json: bool) -> Result<Exit> {
    let dir = hooks_dir(app, repo.as_deref())?;
    let states: Vec<(HookKind, HookState)> = HookKind::ALL
        .into_iter()
        .map(|kind| Ok((kind, hooks::state(&dir, kind)?)))
        .collect::<Result<_>>()?;
    if json {
        let hooks: Vec<_> = states
            .iter()
            .map(|(kind, state)| {
                let mut row = serde_json::to_value(state)?;
                row["hook"] = json!(kind.name());
                Ok(row)
            })
            .collect::<Result<_>>()?;
        print_json(&json!({
            "hooks_dir": dir.path,
            "core_hooks_path": dir.from_hooks_path,
            "hooks": hooks,
        }))?;
        return Ok(Exit::Ok);
    }
    let from = if dir.from_hooks_path {
        " (core.hooksPath)"
    } else {
        ""
    };
    let mut out = format!("hooks in {}{from}\n", dir.path.display());
    for (kind, state) in &states {
        let line = match state {
            HookState::Absent => "not installed".to_string(),
            HookState::Other => "another hook, not agent's".to_string(),
            HookState::Installed {
                binary,
                binary_exists,
                mode,
                chained,
            } => {
                let mut line = "installed".to_string();
                if let Some(mode) = mode {
                    line.push_str(&format!(", mode {mode}"));
                }
                if *chained {
                    line.push_str(&format!(
                        ", runs the previous hook first ({})",
                        agent_core::hooks::script::chained_name(*kind)
                    ));
                }
                if !binary_exists {
                    line.push_str(&format!(
                        "; {} is gone, so it runs `agent` from PATH (install again to fix)",
                        binary.display()
                    ));
                }
                line
            }
        };
        out.push_str(&format!("  {:<11} {line}\n", kind.name()));
    }
    print(&out)?;
    Ok(Exit::Ok)
}

/// The hooks directory of the repository containing `repo` (default: the current directory).
fn hooks_dir(app: &App, repo: Option<&Path>) -> Result<HooksDir> {
    let dir = app.cwd.join(repo.unwrap_or(Path::new("")));
    Ok(hooks::hooks_dir(&dir)?)
}

/// The path the scripts call: this binary, by its `PATH` entry when one leads to it (a symlink
/// a package manager keeps across upgrades), else by its own path.
fn installed_binary() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("cannot find the agent binary's own path")?;
    let canonical = exe.canonicalize().unwrap_or_else(|_| exe.clone());
    let on_path = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join("agent"))
        .find(|candidate| {
            candidate
                .canonicalize()
                .is_ok_and(|resolved| resolved == canonical)
        });
    Ok(on_path.unwrap_or(canonical))
}

/// Notes on what the installed hooks will do with the configuration as it is.
fn advise(app: &App, dir: &HooksDir) {
    let Ok(resolved) = app.config() else {
        return;
    };
    let hooks = &resolved.config.hooks;
    let pre_commit = matches!(
        hooks::state(dir, HookKind::PreCommit),
        Ok(HookState::Installed { .. })
    );
    if pre_commit && hooks.block_on.is_empty() {
        note(
            "note: review findings are printed but refuse no commit; to refuse commits with errors: agent config set hooks.block_on error",
        );
    }
    let model = hooks.model.as_ref().or(resolved.config.model.name.as_ref());
    let served =
        hooks.attach && crate::serve::discovery::Discovery::read(&app.paths.data_dir).is_some();
    if model.is_none() && !served {
        note(
            "note: no model is configured, so the hooks will only say so; set one: agent config set model.name NAME",
        );
    }
}

fn dedup(kinds: impl Iterator<Item = HookKind>) -> Vec<HookKind> {
    let mut out = Vec::new();
    for kind in kinds {
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    out
}
