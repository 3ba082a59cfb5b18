//! The repo map: a short, ranked list of the definitions in a repository, for the model's
//! system prompt and `agent map`, and the `symbols` tool's lookups.
//!
//! `tags.rs` reads definitions and references with tree-sitter tags queries (`lang.rs`: Rust,
//! Python, JavaScript, TypeScript/TSX, Go); `index.rs` keeps them in the store per git blob id,
//! parsing only content it has never seen; `rank.rs` ranks definitions PageRank-style over the
//! graph of which file references which file's names (`walk.rs`: the walk over each file's
//! strongest edges), biased towards what the task mentions; `fit.rs` renders the best of them
//! within a token budget. The graph of the root last mapped is kept in the process while the
//! root's files are unchanged.

mod fit;
mod gitlist;
mod index;
mod lang;
mod rank;
mod tags;
mod walk;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

pub use index::{IndexReport, MAX_FILES};
pub use lang::Lang;

use crate::error::Result;
use crate::store::{MapDefinition, Store};
use rank::{FileSymbols, Focus, RankGraph};

/// The map's budget when nothing else is configured, in estimated tokens.
pub const DEFAULT_TOKENS: u32 = 1_024;
/// A budget below this is no map at all: too few lines to be worth the words around them.
pub const MIN_TOKENS: u32 = 128;
/// The map takes at most this share (1/N) of a model's context window.
pub const CONTEXT_SHARE: u32 = 8;
/// The context window assumed for a model that does not say its own (`model.context_length`'s
/// default).
pub const ASSUMED_CONTEXT: u32 = 8_192;
/// The most definitions the `symbols` tool returns for one name.
pub const MAX_LOOKUP: usize = 20;

/// Whether and how large a map goes into system prompts (`map.enabled`, `map.tokens`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapSettings {
    pub enabled: bool,
    pub tokens: u32,
}

impl Default for MapSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            tokens: DEFAULT_TOKENS,
        }
    }
}

impl From<&crate::config::MapConfig> for MapSettings {
    fn from(config: &crate::config::MapConfig) -> Self {
        Self {
            enabled: config.enabled,
            tokens: config.tokens,
        }
    }
}

impl MapSettings {
    /// The budget of a prompt's map for a model with `context_length` tokens: `tokens`, at most
    /// an eighth of the context; `None` when the map is off or the context is too small for one.
    pub fn prompt_budget(&self, context_length: u32) -> Option<u32> {
        if !self.enabled {
            return None;
        }
        let budget = self.tokens.min(context_length / CONTEXT_SHARE);
        (budget >= MIN_TOKENS).then_some(budget)
    }
}

/// A rendered map and how it was made.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RepoMap {
    /// `path:` lines, each followed by `  LINE: signature` lines.
    pub text: String,
    pub budget: u32,
    /// Estimated tokens of `text`.
    pub tokens: u32,
    /// Definitions and files shown.
    pub definitions: usize,
    pub files_shown: usize,
    /// What bringing the index up to date did.
    pub index: IndexReport,
    pub index_ms: f64,
    /// Ranking and fitting.
    pub map_ms: f64,
}

/// Brings the index of `root` up to date and renders its map within `budget` tokens, ranked
/// towards what `task` mentions. `root` should be absolute and canonical.
pub fn build(store: &mut Store, root: &Path, budget: u32, task: &str) -> Result<RepoMap> {
    let started = Instant::now();
    let index = index::index(store, root)?;
    let index_ms = millis_since(started);
    let started = Instant::now();
    let mut map = render(store, root, budget, task)?;
    map.index = index;
    map.index_ms = index_ms;
    map.map_ms = millis_since(started);
    Ok(map)
}

/// Brings the index of `root` up to date without rendering.
pub fn refresh(store: &mut Store, root: &Path) -> Result<IndexReport> {
    index::index(store, root)
}

/// The map of an index already up to date.
pub fn render(store: &Store, root: &Path, budget: u32, task: &str) -> Result<RepoMap> {
    let key = index::root_key(root);
    let loaded = loaded_graph(store, &key)?;
    let paths: Vec<&str> = loaded.graph.paths().iter().map(String::as_str).collect();
    let focus = focus_of(task, &paths);
    let ranked = loaded.graph.rank(&focus, fit::candidates(budget));
    let fitted = fit::fit(&ranked, &paths, budget, |file| {
        let (blob, lang) = &loaded.blobs[file];
        store.map_definitions(blob, lang)
    })?;
    Ok(RepoMap {
        tokens: agent_models::estimate_tokens(&fitted.text),
        text: fitted.text,
        budget,
        definitions: fitted.definitions,
        files_shown: fitted.files,
        ..RepoMap::default()
    })
}

/// A root's ranking graph and each file's (blob, lang), as of one generation of its files.
struct LoadedGraph {
    root: String,
    generation: Option<String>,
    graph: RankGraph,
    blobs: Vec<(String, String)>,
}

/// The graph of the root last mapped in this process: a long-lived one (a chat, `agent serve`)
/// ranks each prompt without loading and resolving every name again while the root's files are
/// the same generation.
static LAST_GRAPH: Mutex<Option<Arc<LoadedGraph>>> = Mutex::new(None);

/// The ranking graph of `key`'s files: the one kept from the last map while it is current,
/// else loaded from the store (and kept).
fn loaded_graph(store: &Store, key: &str) -> Result<Arc<LoadedGraph>> {
    // Read before the files: a graph built from newer files is only ever labelled older.
    let generation = store.map_generation(key)?;
    if generation.is_some()
        && let Ok(last) = LAST_GRAPH.lock()
        && let Some(last) = last.as_ref()
        && last.root == key
        && last.generation == generation
    {
        return Ok(Arc::clone(last));
    }
    let stored = store.map_files_tags(key)?;
    let files: Vec<FileSymbols<'_>> = stored
        .iter()
        .map(|file| FileSymbols {
            path: &file.path,
            defs: file
                .def_names
                .lines()
                .filter(|name| !name.is_empty())
                .collect(),
            refs: file
                .refs
                .lines()
                .filter_map(|line| {
                    let (name, count) = line.split_once('\t')?;
                    Some((name, count.parse().unwrap_or(1)))
                })
                .collect(),
        })
        .collect();
    let graph = RankGraph::new(&files);
    drop(files);
    let loaded = Arc::new(LoadedGraph {
        root: key.to_owned(),
        blobs: stored
            .into_iter()
            .map(|file| (file.blob, file.lang))
            .collect(),
        generation,
        graph,
    });
    if loaded.generation.is_some()
        && let Ok(mut last) = LAST_GRAPH.lock()
    {
        *last = Some(Arc::clone(&loaded));
    }
    Ok(loaded)
}

/// Where `name` is defined under `root` (index brought up to date first): (path, definition),
/// at most [`MAX_LOOKUP`].
pub fn lookup(store: &mut Store, root: &Path, name: &str) -> Result<Vec<(String, MapDefinition)>> {
    index::index(store, root)?;
    store.map_lookup(&index::root_key(root), name, MAX_LOOKUP)
}

/// The map as a section of a system prompt (the `{{map}}` placeholder): a blank line, a heading
/// and the map; empty when there is nothing to show.
pub fn prompt_section(map: &RepoMap) -> String {
    if map.text.is_empty() {
        return String::new();
    }
    format!(
        "\nRepository map (the most used definitions, `path:` then `line: code`):\n{}",
        map.text
    )
}

/// The map for a system prompt: its section, or empty when the map is off, the context too small,
/// or indexing fails (the map is a help, never a reason for a task or chat to fail).
pub fn for_prompt(
    store: &mut Store,
    root: &Path,
    settings: &MapSettings,
    context_length: u32,
    task: &str,
) -> String {
    let Some(budget) = settings.prompt_budget(context_length) else {
        return String::new();
    };
    match build(store, root, budget, task) {
        Ok(map) => prompt_section(&map),
        Err(error) => {
            tracing::warn!(root = %root.display(), %error, "no repo map");
            String::new()
        }
    }
}

/// What the task mentions: paths of the root (in full, or by file name) and identifiers.
fn focus_of(task: &str, paths: &[&str]) -> Focus {
    let words: Vec<&str> = task
        .split(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '/' | '.' | '-')))
        .map(|word| word.trim_matches(|c| c == '.' || c == '-'))
        .filter(|word| word.len() >= 2)
        .collect();
    let mentioned: HashSet<&str> = words.iter().copied().collect();
    let mut focus = Focus::default();
    for path in paths {
        let name = path.rsplit('/').next().unwrap_or(path);
        if mentioned.contains(path) || mentioned.contains(name) {
            focus.paths.insert((*path).to_owned());
        }
    }
    for word in words {
        for part in word.split(['/', '.', '-']) {
            if part.len() >= 3 && !part.chars().all(|c| c.is_ascii_digit()) {
                focus.names.insert(part.to_owned());
            }
        }
    }
    focus
}

fn millis_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}
