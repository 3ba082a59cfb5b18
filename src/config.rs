//! `agent config path|show|get|set|unset|edit`.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

use agent_core::config::trust::{self, TrustStatus};
use agent_core::config::{self, Origin, ResolvedConfig};
use agent_core::env::{EDITOR, VISUAL};
use agent_tui::text::pad;
use agent_tui::{Painter, Tone};
use anyhow::{Context, Result};
use serde_json::json;

use crate::app::App;
use crate::cli::ConfigCommand;
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};

pub fn run(app: &App, command: ConfigCommand) -> Result<Exit> {
    match command {
        ConfigCommand::Path { json } => path(app, json),
        ConfigCommand::Show { origin, json } => show(app, origin, json),
        ConfigCommand::Get { key } => get(app, &key),
        ConfigCommand::Set { key, value, repo } => {
            let file = target_file(app, repo)?;
            let before = repo.then(|| repo_trust_before(app, &file)).transpose()?;
            let written = config::set_value(&file, &key, &value)?;
            print(&format!(
                "{key} = {} in {}\n",
                written.to_toml(),
                file.display()
            ))?;
            if let Some(before) = before {
                after_repo_edit(app, &file, before, Some(&key))?;
            }
            Ok(Exit::Ok)
        }
        ConfigCommand::Unset { key, repo } => {
            let file = target_file(app, repo)?;
            let before = repo.then(|| repo_trust_before(app, &file)).transpose()?;
            if config::unset_value(&file, &key)? {
                print(&format!("removed {key} from {}\n", file.display()))?;
            } else {
                note(&format!("{key} was not set in {}", file.display()));
            }
            if let Some(before) = before {
                after_repo_edit(app, &file, before, None)?;
            }
            Ok(Exit::Ok)
        }
        ConfigCommand::Edit { repo } => edit(app, repo),
    }
}

fn path(app: &App, json: bool) -> Result<Exit> {
    let repo_file = app.repo_root().map(|root| config::repo_config_file(&root));
    if json {
        print_json(&json!({
            "config_file": app.paths.config_file(),
            "repo_config_file": repo_file,
            "data_dir": app.paths.data_dir,
            "database": app.paths.database_file(),
            "cache_dir": app.paths.cache_dir,
        }))?;
        return Ok(Exit::Ok);
    }
    let repo = repo_file.map_or_else(
        || "(not in a git repository)".to_string(),
        |p| p.display().to_string(),
    );
    print(&format!(
        "config    {}\nrepo      {repo}\ndata      {}\ndatabase  {}\ncache     {}\n",
        app.paths.config_file().display(),
        app.paths.data_dir.display(),
        app.paths.database_file().display(),
        app.paths.cache_dir.display(),
    ))?;
    Ok(Exit::Ok)
}

fn show(app: &App, with_origin: bool, json: bool) -> Result<Exit> {
    // With --origin the ignored repository keys are in the listing itself.
    let resolved = if with_origin {
        app.config_quiet(&app.cwd)?
    } else {
        app.config()?
    };
    if json {
        if with_origin {
            let entries: Vec<serde_json::Value> = resolved
                .entries
                .iter()
                .map(|entry| {
                    let mut value = serde_json::to_value(entry).unwrap_or_default();
                    if let (Some(ignored), Some(object)) =
                        (resolved.ignored(entry.key), value.as_object_mut())
                    {
                        object.insert(
                            "ignored".into(),
                            json!({
                                "value": ignored.value,
                                "origin": Origin::RepoFile(ignored.file.clone()),
                                "reason": ignored.reason(),
                            }),
                        );
                    }
                    value
                })
                .collect();
            print_json(&entries)?;
        } else {
            let values: serde_json::Map<String, serde_json::Value> = resolved
                .entries
                .iter()
                .map(|e| {
                    (
                        e.key.to_string(),
                        serde_json::to_value(&e.value).unwrap_or_default(),
                    )
                })
                .collect();
            print_json(&values)?;
        }
        return Ok(Exit::Ok);
    }
    print(&render_show(
        &resolved,
        with_origin,
        &app.stdout_painter(&resolved),
    ))?;
    Ok(Exit::Ok)
}

/// One line of `config show`: the text, and what to say after it with `--origin`.
enum Note<'a> {
    Origin(&'a Origin),
    Ignored(&'static str),
}

fn render_show(resolved: &ResolvedConfig, with_origin: bool, painter: &Painter) -> String {
    let mut lines: Vec<(String, Note<'_>)> = Vec::new();
    for entry in &resolved.entries {
        let value = entry
            .value
            .as_ref()
            .map_or_else(|| "\"\"".to_string(), |v| v.to_toml());
        lines.push((
            format!("{} = {value}", entry.key),
            Note::Origin(&entry.origin),
        ));
        if with_origin && let Some(ignored) = resolved.ignored(entry.key) {
            lines.push((
                format!("{} = {}", ignored.key, ignored.value.to_toml()),
                Note::Ignored(ignored.reason()),
            ));
        }
    }
    let width = lines
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (line, note) in lines {
        if with_origin {
            let (tone, text) = match note {
                Note::Origin(Origin::Default) => (Tone::Dim, "# default".to_string()),
                Note::Origin(origin) => (Tone::Strong, format!("# {origin}")),
                Note::Ignored(reason) => (Tone::Dim, format!("(ignored: {reason})")),
            };
            out.push_str(&pad(&line, width));
            out.push_str("  ");
            out.push_str(&painter.paint(tone, &text));
        } else {
            out.push_str(&line);
        }
        out.push('\n');
    }
    out
}

fn get(app: &App, key: &str) -> Result<Exit> {
    let resolved = app.config()?;
    let entry = resolved
        .entry(key)
        .ok_or_else(|| agent_core::Error::UnknownConfigKey {
            key: key.to_string(),
            origin: "`agent config get`".into(),
            suggestion: config::suggest(key).map(str::to_string),
        })?;
    let text = entry
        .value
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    print(&format!("{text}\n"))?;
    Ok(Exit::Ok)
}

/// The file `set`, `unset` and `edit` change: the user's, or the repository's with `--repo`.
fn target_file(app: &App, repo: bool) -> Result<PathBuf> {
    if !repo {
        return Ok(app.paths.config_file());
    }
    let root = app.repo_root().ok_or_else(|| {
        UserError::usage(
            format!("{} is not inside a git repository", app.cwd.display()),
            "run this inside the repository, or leave out --repo to change your user configuration",
        )
    })?;
    Ok(config::repo_config_file(&root))
}

/// Where the repository file stood before `agent config set/unset/edit --repo` changed it.
fn repo_trust_before(app: &App, file: &Path) -> Result<TrustStatus> {
    let Some(root) = trust::repo_root_of(file) else {
        return Ok(TrustStatus::Untrusted);
    };
    Ok(match std::fs::read(file) {
        // A file agent creates for you holds only what you write into it.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => TrustStatus::Trusted,
        Err(_) => TrustStatus::Untrusted,
        Ok(bytes) => app.trust_list()?.status(root, &bytes),
    })
}

/// After you changed the repository file through agent: a file that was trusted (or that agent
/// created) stays trusted with its new content; otherwise a key that needs trust gets a note.
fn after_repo_edit(app: &App, file: &Path, before: TrustStatus, key: Option<&str>) -> Result<()> {
    let Some(root) = trust::repo_root_of(file) else {
        return Ok(());
    };
    if before == TrustStatus::Trusted {
        let Ok(bytes) = std::fs::read(file) else {
            return Ok(());
        };
        let mut list = app.trust_list()?;
        list.trust(root, &bytes, agent_core::time::now_ms());
        list.save()?;
    } else if let Some(key) = key
        && !trust::applies_untrusted(key)
    {
        note(&format!(
            "note: {key} in {} applies only once you trust the repository: review the file and run `agent trust`",
            file.display()
        ));
    }
    Ok(())
}

fn edit(app: &App, repo: bool) -> Result<Exit> {
    let file = target_file(app, repo)?;
    let before = repo.then(|| repo_trust_before(app, &file)).transpose()?;
    if !file.exists() {
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&file, config::template())
            .with_context(|| format!("cannot write {}", file.display()))?;
    }
    let editor = app
        .env
        .get(VISUAL)
        .filter(|v| !v.trim().is_empty())
        .or_else(|| app.env.get(EDITOR).filter(|v| !v.trim().is_empty()))
        .unwrap_or("vi")
        .to_string();
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    let status = Process::new(program)
        .args(words)
        .arg(&file)
        .status()
        .map_err(|e| {
            UserError::usage(
                format!("cannot start editor `{editor}`: {e}"),
                "set VISUAL or EDITOR to your editor",
            )
        })?;
    if !status.success() {
        return Err(UserError {
            message: format!("editor `{editor}` exited with {status}; the file may be unchanged"),
            hint: None,
            exit: Exit::Failure,
        }
        .into());
    }
    config::validate_file(&file)
        .context("the edited file has a problem; run `agent config edit` again to fix it")?;
    note(&format!("{} is valid", file.display()));
    if let Some(before) = before {
        after_repo_edit(app, &file, before, None)?;
        if before != TrustStatus::Trusted {
            note("note: keys of this file that need trust apply once you run `agent trust`");
        }
    }
    Ok(Exit::Ok)
}
