//! `agent map [PATH] [--tokens N] [--focus TEXT] [--json]`: the repo map of a directory, its
//! index brought up to date first.

use std::path::PathBuf;

use agent_core::repomap;
use anyhow::Result;
use serde_json::json;

use crate::app::App;
use crate::cli::MapArgs;
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};

pub fn run(app: &App, args: MapArgs) -> Result<Exit> {
    let root = root(app, args.path)?;
    let config = app.config_in(&root)?;
    let mut store = app.open_store(&config)?;
    let budget = args.tokens.unwrap_or(config.config.map.tokens);
    let map = repomap::build(
        &mut store,
        &root,
        budget,
        args.focus.as_deref().unwrap_or(""),
    )?;
    if args.json {
        print_json(&json!({
            "root": root.display().to_string(),
            "budget": map.budget,
            "tokens": map.tokens,
            "files_shown": map.files_shown,
            "definitions": map.definitions,
            "index": map.index,
            "index_ms": map.index_ms,
            "map_ms": map.map_ms,
            "map": map.text,
        }))?;
        return Ok(Exit::Ok);
    }
    if map.index.truncated {
        note(&format!(
            "only the first {} source files are mapped",
            repomap::MAX_FILES
        ));
    }
    if map.text.is_empty() {
        note(&format!(
            "no definitions found in {} (the map reads Rust, Python, JavaScript, TypeScript and Go)",
            root.display()
        ));
        return Ok(Exit::Ok);
    }
    print(&map.text)?;
    Ok(Exit::Ok)
}

/// The directory to map: `PATH`, else the repository containing the current directory, else
/// the current directory; canonical.
fn root(app: &App, path: Option<PathBuf>) -> Result<PathBuf> {
    let named = path.is_some();
    let dir = app.cwd.join(path.unwrap_or_default());
    let canonical = dir.canonicalize().map_err(|error| {
        UserError::usage(
            format!("cannot map {}: {error}", dir.display()),
            "name a directory: agent map ~/src/project",
        )
    })?;
    if !canonical.is_dir() {
        return Err(UserError::usage(
            format!("cannot map {}: not a directory", canonical.display()),
            "name a directory: agent map ~/src/project",
        )
        .into());
    }
    if named {
        return Ok(canonical);
    }
    Ok(agent_core::config::find_repo_root(&canonical).unwrap_or(canonical))
}
