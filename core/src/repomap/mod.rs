//! The repo map: a short, ranked list of the definitions in a repository, for the model's
//! system prompt and `agent map`, and the `symbols` tool's lookups.
//!
//! `tags.rs` reads definitions and references with tree-sitter tags queries (`lang.rs`: Rust,
//! Python, JavaScript, TypeScript/TSX, Go); `index.rs` keeps them in the store per git blob id,
//! parsing only content it has never seen; `rank/` ranks definitions PageRank-style over the
//! graph of which file references which file's names (`walk.rs`: the walk over each file's
//! strongest edges), biased towards what the task mentions; `fit.rs` renders the best of them
//! within a token budget. The graph of the root last mapped is kept in the process while the
//! root's files are unchanged.

mod fit;
mod gitlist;
mod index;
mod interned;
mod lang;
mod packed;
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
use interned::{Delta, Interned, ListedFile, StoredTags};
use rank::{Focus, PreviousWalk, RankGraph};

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
    let files = loaded.graph.files();
    let paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let focus = focus_of(task, &paths);
    let ranked = loaded.graph.rank(&focus, fit::candidates(budget));
    let fitted = fit::fit(&ranked, &paths, budget, |file| {
        store.map_definitions(&files[file].blob, &files[file].lang)
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

/// A root's ranking graph as of one generation of its files.
struct LoadedGraph {
    root: String,
    generation: Option<String>,
    graph: RankGraph,
    /// How many files were read since the files last saved in the store (at most: a file read
    /// twice counts twice).
    unsaved: usize,
}

/// The graph of the root last mapped in this process: a long-lived one (a chat, `agent serve`)
/// ranks each prompt without loading and resolving every name again while the root's files are
/// the same generation, and after a change reads only the changed files.
static LAST_GRAPH: Mutex<Option<Arc<LoadedGraph>>> = Mutex::new(None);

/// The files saved in the store (`map_graph`) are saved again once this many files were read
/// since: a new process reads those files' tags again, the rest as ids.
const SAVE_AFTER_FILES: usize = 32;

/// Forgets the ranking graph this process keeps, as a new process starts without one (the next
/// map starts from the files saved in the store): for benchmarks.
pub fn forget_kept_graph() {
    if let Ok(mut last) = LAST_GRAPH.lock() {
        *last = None;
    }
}

/// The ranking graph of `key`'s files: the one kept from the last map while it is current,
/// else the files kept in the process or saved in the store, brought up to date with the
/// files that changed since (and kept, and saved when many did).
fn loaded_graph(store: &Store, key: &str) -> Result<Arc<LoadedGraph>> {
    // Read before the files: a graph built from newer files is only ever labelled older.
    let generation = store.map_generation(key)?;
    let last = LAST_GRAPH
        .lock()
        .ok()
        .and_then(|last| last.as_ref().map(Arc::clone))
        .filter(|last| last.root == key);
    if let Some(last) = &last
        && generation.is_some()
        && last.generation == generation
    {
        return Ok(Arc::clone(last));
    }
    // The files as of some generation, with their walk: the process's, the store's, or none.
    let mut saved_walk = None;
    let (base, base_generation, unsaved) = match &last {
        Some(last) => (
            Interned::clone(last.graph.interned()),
            last.generation.clone(),
            last.unsaved,
        ),
        None => {
            let saved = store
                .map_graph(key)?
                .and_then(|(saved, bytes)| Some((saved, packed::unpack(&bytes)?)));
            match saved {
                Some((saved, (interned, walk))) => {
                    saved_walk = Some(walk);
                    (interned, Some(saved), 0)
                }
                None => (Interned::default(), None, 0),
            }
        }
    };
    let base_files = base.files.len();
    let (interned, delta) = if generation.is_some() && base_generation == generation {
        let delta = Delta {
            kept_from: (0..base_files as u32).map(Some).collect(),
            ..Delta::default()
        };
        (base, delta)
    } else {
        let listed = store
            .map_listed_files(key)?
            .into_iter()
            .map(|(path, blob, lang)| ListedFile { path, blob, lang })
            .collect();
        Interned::update(base, listed, |blob, lang| {
            Ok::<_, crate::error::Error>(
                store
                    .map_blob_tags(blob, lang)?
                    .map(|(def_names, refs)| StoredTags { def_names, refs }),
            )
        })?
    };
    let previous = match (&last, &saved_walk) {
        (Some(last), _) => {
            let (walk, starts, keep) = last.graph.walk();
            Some((walk, starts, keep))
        }
        (None, Some(saved)) => Some((&saved.walk[..], &saved.starts[..], saved.keep)),
        (None, None) => None,
    };
    let graph = RankGraph::new(
        Arc::new(interned),
        previous.map(|(walk, starts, keep)| PreviousWalk {
            files: base_files,
            walk,
            starts,
            keep,
            delta: &delta,
        }),
    );
    let mut unsaved = unsaved.saturating_add(delta.read);
    if let Some(generation) = &generation
        && unsaved >= SAVE_AFTER_FILES.min(graph.files().len().max(1))
    {
        // A help for the next process: a failure (a busy database) costs it time only.
        let (walk, starts, keep) = graph.walk();
        let bytes = packed::pack(graph.interned(), walk, starts, keep);
        match store.map_save_graph(key, generation, &bytes) {
            Ok(()) => unsaved = 0,
            Err(error) => tracing::debug!(%error, "repo map graph not saved"),
        }
    }
    let loaded = Arc::new(LoadedGraph {
        root: key.to_owned(),
        generation,
        graph,
        unsaved,
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
