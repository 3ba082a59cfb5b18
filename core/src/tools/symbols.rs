//! `symbols {name}`: where a name is defined in the workspace, from the repo map's index
//! (brought up to date first, so files the model just wrote are found).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use super::args::Args;
use super::{ToolError, ToolOutput, Workspace};
use crate::redact::Redactor;
use crate::store::{Store, StoreOptions};

/// Where the `symbols` tool keeps its index: the agent's database.
#[derive(Debug, Clone)]
pub struct SymbolIndex {
    pub database: PathBuf,
    pub options: StoreOptions,
    /// What the store redacts before it writes (signatures may hold a credential).
    pub redactor: Option<Arc<Redactor>>,
}

/// Runs `symbols`.
pub(crate) fn symbols(
    workspace: &Workspace,
    index: &SymbolIndex,
    args: &Args,
) -> Result<ToolOutput, ToolError> {
    let name = args.string("name")?.trim();
    if name.is_empty() || name.len() > 200 {
        return Err(ToolError::invalid("`name` must be one identifier"));
    }
    let mut store = Store::open(&index.database, &index.options)
        .map_err(|error| ToolError::failed(format!("cannot open the symbol index: {error}")))?;
    if let Some(redactor) = &index.redactor {
        store.set_redactor(redactor.clone());
    }
    let found = crate::repomap::lookup(&mut store, workspace.root(), name)
        .map_err(|error| ToolError::failed(format!("cannot index the workspace: {error}")))?;
    if found.is_empty() {
        return Ok(ToolOutput::success(format!(
            "no definition of `{name}` found; try search"
        )));
    }
    let mut text = String::new();
    for (path, definition) in &found {
        let _ = writeln!(
            text,
            "{path}:{}: {} ({})",
            definition.line, definition.signature, definition.kind
        );
    }
    if found.len() >= crate::repomap::MAX_LOOKUP {
        text.push_str("… more; narrow with search\n");
    }
    Ok(ToolOutput::success(text.trim_end().to_owned()))
}
