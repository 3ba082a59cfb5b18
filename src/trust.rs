//! `agent trust [PATH]`, `agent trust --revoke [PATH]`, `agent trust --list`: which repositories'
//! `.agent/config.toml` may set every key (see docs/security.md).

use std::path::{Path, PathBuf};

use agent_core::config::trust::{RepoFile, TrustStatus, digest};
use agent_core::config::{self, TrustList};
use anyhow::Result;
use serde_json::json;

use crate::app::App;
use crate::cli::TrustArgs;
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};

pub fn run(app: &App, args: TrustArgs) -> Result<Exit> {
    if args.list {
        return list(app, args.json);
    }
    let dir = app.cwd.join(args.path.unwrap_or_default());
    if args.revoke {
        revoke(app, &dir, args.json)
    } else {
        trust(app, &dir, args.json)
    }
}

/// The repository root containing `dir`, canonical.
fn repo_root(dir: &Path) -> Result<PathBuf> {
    let canonical = dir.canonicalize().map_err(|e| {
        UserError::usage(
            format!("cannot use {}: {e}", dir.display()),
            "name a directory inside a git repository",
        )
    })?;
    config::find_repo_root(&canonical).ok_or_else(|| {
        UserError::usage(
            format!("{} is not inside a git repository", canonical.display()),
            "run `agent trust` inside the repository, or name it: agent trust ~/src/project",
        )
        .into()
    })
}

fn trust(app: &App, dir: &Path, json: bool) -> Result<Exit> {
    let root = repo_root(dir)?;
    let Some(file) = RepoFile::read(&root)? else {
        note(&format!(
            "{} has no {}: there is nothing to trust (a file added later needs `agent trust`)",
            root.display(),
            config::repo_config_file(Path::new("")).display()
        ));
        return Ok(Exit::Ok);
    };
    let mut list = app.trust_list()?;
    list.trust(&root, file.text.as_bytes(), agent_core::time::now_ms());
    list.save()?;
    let keys = file.keys_needing_trust();
    let sha256 = digest(file.text.as_bytes());
    if json {
        let keys: Vec<_> = keys
            .iter()
            .map(|(key, value)| json!({"key": key, "value": value}))
            .collect();
        let servers: Vec<_> = file
            .mcp_servers
            .iter()
            .map(|server| json!({"name": server.name, "target": server.transport.describe()}))
            .collect();
        print_json(&json!({
            "repo": root,
            "file": file.path,
            "sha256": sha256,
            "keys": keys,
            "mcp_servers": servers,
        }))?;
        return Ok(Exit::Ok);
    }
    let mut out = format!(
        "trusted {} (sha256 {})\n",
        file.path.display(),
        sha256.get(..12).unwrap_or(&sha256)
    );
    if keys.is_empty() && file.mcp_servers.is_empty() {
        out.push_str("it sets only keys that applied already\n");
    } else if !keys.is_empty() {
        out.push_str("these keys of it now apply:\n");
        for (key, value) in keys {
            out.push_str(&format!("  {key} = {}\n", value.to_toml()));
        }
    }
    if !file.mcp_servers.is_empty() {
        out.push_str("these MCP servers of it now start with tasks and chats:\n");
        for server in &file.mcp_servers {
            out.push_str(&format!(
                "  [mcp_servers.{}] {} {}\n",
                server.name,
                match server.transport {
                    agent_core::config::McpTransport::Stdio { .. } => "runs",
                    agent_core::config::McpTransport::Http { .. } => "reaches",
                },
                server.transport.describe()
            ));
        }
    }
    print(&out)?;
    Ok(Exit::Ok)
}

fn revoke(app: &App, dir: &Path, json: bool) -> Result<Exit> {
    // A repository that is gone can still be forgotten by the path it was trusted under.
    let root = repo_root(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut list = app.trust_list()?;
    let revoked = list.revoke(&root);
    if revoked {
        list.save()?;
    }
    if json {
        print_json(&json!({"repo": root, "revoked": revoked}))?;
    } else if revoked {
        print(&format!(
            "revoked trust in {}: its .agent/config.toml sets only harmless keys again\n",
            root.display()
        ))?;
    } else {
        note(&format!("{} was not trusted", root.display()));
    }
    Ok(Exit::Ok)
}

/// Where a trusted repository's file stands now.
fn current_status(repo: &str, list: &TrustList) -> &'static str {
    let root = Path::new(repo);
    match std::fs::read(config::repo_config_file(root)) {
        Ok(bytes) => match list.status(root, &bytes) {
            TrustStatus::Trusted => "trusted",
            _ => "changed",
        },
        Err(_) => "missing",
    }
}

fn list(app: &App, json: bool) -> Result<Exit> {
    let list = app.trust_list()?;
    let rows: Vec<_> = list
        .entries()
        .iter()
        .map(|entry| (entry, current_status(&entry.repo, &list)))
        .collect();
    if json {
        let rows: Vec<_> = rows
            .iter()
            .map(|(entry, status)| {
                json!({
                    "repo": entry.repo,
                    "sha256": entry.sha256,
                    "trusted_at": entry.trusted_at,
                    "status": status,
                })
            })
            .collect();
        print_json(&rows)?;
        return Ok(Exit::Ok);
    }
    if rows.is_empty() {
        note("no repository is trusted; `agent trust` in one trusts its .agent/config.toml");
        return Ok(Exit::Ok);
    }
    let mut out = String::new();
    for (entry, status) in rows {
        out.push_str(&format!(
            "{status:<8} {}  (since {})\n",
            entry.repo, entry.trusted_at
        ));
    }
    print(&out)?;
    Ok(Exit::Ok)
}
