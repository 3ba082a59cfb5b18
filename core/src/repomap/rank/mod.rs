//! Ranking definitions by references, as Aider's repo map does: a file graph where each file
//! that references a name points at the files defining it, PageRank over it (biased towards the
//! files and names the task mentions), then each file's rank shared out along its edges to the
//! definitions it uses.
//!
//! [`RankGraph`] is the part no task changes (names interned, references resolved to the
//! definitions they may mean, weighted): built once per set of blobs, it ranks for each task's
//! focus without looking at a name again.

use std::collections::HashSet;
use std::sync::Arc;

use super::interned::{Interned, InternedFile, WEAK};
use super::walk::{self, MAX_FILE_EDGES};

mod reuse;

pub use reuse::PreviousWalk;

/// One file as ranking sees it, its names as text (tests: the store's files come as
/// [`Interned`]).
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSymbols<'a> {
    pub path: &'a str,
    /// Distinct names it defines.
    pub defs: Vec<&'a str>,
    /// Names it references, with how often; a method call on a value is the name after
    /// [`WEAK_PREFIX`](super::tags::WEAK_PREFIX).
    pub refs: Vec<(&'a str, u32)>,
}

/// What the task mentions: paths (relative to the root) and identifiers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Focus {
    pub paths: HashSet<String>,
    pub names: HashSet<String>,
}

/// A definition with its score: `file` indexes the ranked files.
#[derive(Debug, Clone, PartialEq)]
pub struct RankedDef<'a> {
    pub file: usize,
    pub name: &'a str,
    pub score: f64,
}

/// How much a method call on a value (`x.len()`) counts against a plain reference: the
/// receiver's type is unknown, and the name is most often a standard library method.
const WEAK_WEIGHT: f64 = 0.1;
/// A name defined in more files than this gives no edges.
const MAX_DEFINERS: usize = 32;
/// How much more a reference to a name the task mentions counts.
const FOCUS_WEIGHT: f64 = 10.0;

/// An edge of the walk's file graph: (from, to, share).
pub type FileEdge = (u32, u32, f64);

/// A name the task mentions that more than this share (1/N) of the files reference, and at
/// least [`COMMON_MIN_FILES`], is not re-weighted: like a word in most documents (`parse`, `new`,
/// `Result`), it says little about which files the task means, and re-weighting it would make
/// the walk's row of nearly every file again. Its definitions still count as named.
const COMMON_SHARE: usize = 10;
const COMMON_MIN_FILES: usize = 16;

/// The files of a root with their definitions and the references between them, weighted as
/// no task has mentioned anything yet, and the walk's file graph for that case: a task's focus
/// only re-weights the edges to the names it mentions, and the rows of the files that have some.
#[derive(Debug, Default)]
pub struct RankGraph {
    /// The files and their names as ids.
    interned: Arc<Interned>,
    /// Every definition: (file, name id).
    slots: Vec<(u32, u32)>,
    /// (referencing file, definition slot, share of the file's weight), ordered by file.
    edges: Vec<(u32, u32, f64)>,
    /// Where each file's edges start in `edges` (one more entry than files).
    edge_starts: Vec<usize>,
    /// Each file's summed edge weight.
    out_weight: Vec<f64>,
    /// Each name's edges (indexes into `edges`): `name_edges[name_starts[id]..name_starts[id + 1]]`.
    name_starts: Vec<usize>,
    name_edges: Vec<u32>,
    /// How many files have edges to each name.
    name_files: Vec<u32>,
    /// The walk's file graph without focus (each file's strongest `keep` edges), and where each
    /// file's row starts in it.
    keep: usize,
    walk: Vec<(u32, u32, f64)>,
    walk_starts: Vec<usize>,
}

impl RankGraph {
    /// The graph of `interned`'s files (index = file number); `previous`, the walk of the files
    /// they were updated from, gives the rows of the files whose edges cannot have changed.
    pub fn new(interned: Arc<Interned>, previous: Option<PreviousWalk<'_>>) -> Self {
        Self::keeping(interned, MAX_FILE_EDGES, previous)
    }

    /// [`RankGraph::new`], the walk following each file's strongest `keep` file → file edges.
    fn keeping(interned: Arc<Interned>, keep: usize, previous: Option<PreviousWalk<'_>>) -> Self {
        let files = &interned.files;
        let count = files.len();
        let names = interned.name_count();
        let mut graph = Self {
            keep,
            ..Self::default()
        };
        // Each name's (file, slot)s, by name: `definers[def_starts[id]..def_starts[id + 1]]`.
        let mut def_starts = vec![0_usize; names + 1];
        for file in files {
            for &id in &file.defs {
                def_starts[id as usize + 1] += 1;
            }
        }
        for id in 0..names {
            def_starts[id + 1] += def_starts[id];
        }
        let mut next = def_starts.clone();
        let mut definers = vec![(0_u32, 0_u32); def_starts[names]];
        graph.slots.reserve(def_starts[names]);
        for (index, file) in files.iter().enumerate() {
            for &id in &file.defs {
                let slot = u32::try_from(graph.slots.len()).unwrap_or(u32::MAX);
                graph.slots.push((index as u32, id));
                definers[next[id as usize]] = (index as u32, slot);
                next[id as usize] += 1;
            }
        }
        let definers_of = |id: usize| &definers[def_starts[id]..def_starts[id + 1]];
        // Each name's weight before the task, as a plain reference and as a method call (only
        // for the names some file defines: the others give no edges).
        let weights: Vec<(f64, f64)> = (0..names)
            .map(|id| {
                let targets = definers_of(id).len();
                if targets == 0 || targets > MAX_DEFINERS {
                    return (0.0, 0.0);
                }
                let name = interned.name(id as u32);
                (
                    name_weight(name, targets, false),
                    WEAK_WEIGHT * name_weight(name, targets, true),
                )
            })
            .collect();
        let mut name_counts = vec![0_usize; names + 1];
        graph.out_weight = vec![0.0; count];
        graph.edge_starts.reserve(count + 1);
        for (from, file) in files.iter().enumerate() {
            graph.edge_starts.push(graph.edges.len());
            for &(id, uses) in &file.refs {
                let weak = id & WEAK != 0;
                let id = (id & !WEAK) as usize;
                let targets = definers_of(id);
                // `new`, `fmt`, `from`: defined everywhere, they say nothing about which file
                // is meant, and their edges would grow with the square of the tree.
                if targets.is_empty() || targets.len() > MAX_DEFINERS {
                    continue;
                }
                let (plain, method) = weights[id];
                let weight = if weak { method } else { plain } * f64::from(uses).sqrt();
                for &(to, slot) in targets {
                    if to as usize != from {
                        graph.edges.push((from as u32, slot, weight));
                        graph.out_weight[from] += weight;
                        name_counts[id] += 1;
                    }
                }
            }
        }
        graph.edge_starts.push(graph.edges.len());
        for edge in &mut graph.edges {
            edge.2 /= graph.out_weight[edge.0 as usize];
        }
        // Each name's edges, for the names a task mentions, and how many files have them.
        let mut start = 0;
        graph.name_starts = name_counts
            .iter()
            .map(|count| {
                let this = start;
                start += count;
                this
            })
            .collect();
        let mut next = graph.name_starts.clone();
        graph.name_edges = vec![0; graph.edges.len()];
        graph.name_files = vec![0; names];
        let mut last_file = vec![u32::MAX; names];
        for (index, &(from, slot, _)) in graph.edges.iter().enumerate() {
            let name = graph.slots[slot as usize].1 as usize;
            graph.name_edges[next[name]] = index as u32;
            next[name] += 1;
            if last_file[name] != from {
                last_file[name] = from;
                graph.name_files[name] += 1;
            }
        }
        let reused = previous
            .filter(|previous| previous.keep == keep)
            .and_then(|previous| graph.reuse_walk(&interned, &previous));
        graph.walk = match reused {
            Some(walk) => walk,
            None => walk::file_graph(
                graph
                    .edges
                    .iter()
                    .map(|&(from, slot, share)| (from, graph.slots[slot as usize].0, share)),
                count,
                keep,
            ),
        };
        graph.walk_starts = row_starts(&graph.walk, count);
        graph.interned = interned;
        graph
    }

    /// The walk's file graph without focus, each file's row after the one before, and how many
    /// edges it keeps a file: for the next graph's [`PreviousWalk`].
    pub fn walk(&self) -> (&[FileEdge], &[usize], usize) {
        (&self.walk, &self.walk_starts, self.keep)
    }

    /// The files, by file number.
    pub fn files(&self) -> &[InternedFile] {
        &self.interned.files
    }

    /// The files and names the graph was made from.
    pub fn interned(&self) -> &Arc<Interned> {
        &self.interned
    }

    /// The `limit` best definitions for `focus`, best first (ties by path, then name).
    pub fn rank(&self, focus: &Focus, limit: usize) -> Vec<RankedDef<'_>> {
        self.rank_keeping(focus, limit, self.keep)
    }

    /// [`RankGraph::rank`], the walk following each file's strongest `keep` file → file edges:
    /// the kept walk re-weighted where `keep` is the graph's own, else one made anew.
    fn rank_keeping(&self, focus: &Focus, limit: usize, keep: usize) -> Vec<RankedDef<'_>> {
        let files = &self.interned.files;
        let count = files.len();
        if count == 0 {
            return Vec::new();
        }
        let mut named_ids = self.interned.find(focus.names.iter().map(String::as_str));
        named_ids.sort_unstable();
        let mut focused = vec![false; self.interned.name_count()];
        for &id in &named_ids {
            focused[id as usize] = true;
        }
        // Only the names few files reference are re-weighted (see COMMON_SHARE).
        let common = (count / COMMON_SHARE).max(COMMON_MIN_FILES);
        let focused_names: Vec<u32> = named_ids
            .iter()
            .copied()
            .filter(|&id| self.name_files[id as usize] as usize <= common)
            .collect();
        let mut boosted = vec![false; self.interned.name_count()];
        for &id in &focused_names {
            boosted[id as usize] = true;
        }
        let named_path: Vec<bool> = files
            .iter()
            .map(|file| focus.paths.contains(&file.path))
            .collect();
        // A reference to a name the task mentions counts FOCUS_WEIGHT times: the files with
        // some have their other edges' shares scaled down by `scale`.
        let mut extra = vec![0.0_f64; count];
        for &id in &focused_names {
            for &edge in self.edges_of(id) {
                let (from, _, share) = self.edges[edge as usize];
                extra[from as usize] += (FOCUS_WEIGHT - 1.0) * share;
            }
        }
        let scale: Vec<f64> = extra.iter().map(|extra| 1.0 / (1.0 + extra)).collect();
        let share = |edge: usize| {
            let (from, slot, share) = self.edges[edge];
            let boost = if boosted[self.slots[slot as usize].1 as usize] {
                FOCUS_WEIGHT
            } else {
                1.0
            };
            share * boost * scale[from as usize]
        };
        // The files the task mentions: by path, or as the file defining a name it mentions.
        let mut mentioned = named_path.clone();
        for &(file, name) in &self.slots {
            mentioned[file as usize] |= focused[name as usize];
        }
        let personal = personalization(&mentioned);
        let graph = if keep == self.keep {
            // The kept walk, with the rows of the files whose shares the focus changed made
            // again (all in one pass: they are ordered by file).
            let changed = walk::file_graph(
                (0..count)
                    .filter(|&file| extra[file] > 0.0)
                    .flat_map(|file| self.edge_starts[file]..self.edge_starts[file + 1])
                    .map(|edge| {
                        let (from, slot, _) = self.edges[edge];
                        (from, self.slots[slot as usize].0, share(edge))
                    }),
                count,
                keep,
            );
            let mut changed = changed.into_iter().peekable();
            let mut graph = Vec::with_capacity(self.walk.len());
            for (file, extra) in extra.iter().enumerate() {
                if *extra > 0.0 {
                    while let Some(edge) = changed.next_if(|edge| edge.0 as usize == file) {
                        graph.push(edge);
                    }
                } else {
                    let row = self.walk_starts[file]..self.walk_starts[file + 1];
                    graph.extend_from_slice(&self.walk[row]);
                }
            }
            graph
        } else {
            walk::file_graph(
                (0..self.edges.len()).map(|edge| {
                    let (from, slot, _) = self.edges[edge];
                    (from, self.slots[slot as usize].0, share(edge))
                }),
                count,
                keep,
            )
        };
        let has_edges: Vec<bool> = self.out_weight.iter().map(|weight| *weight > 0.0).collect();
        let ranks = walk::pagerank(&graph, &has_edges, &personal);

        // A definition's score: the rank flowing to it along edges, plus a little of its own
        // file's rank (all of it for the names and paths the task mentions), so the
        // unreferenced definitions of an important file still rank above those of unimportant
        // files.
        let mut scores: Vec<f64> = self
            .slots
            .iter()
            .map(|&(file, name)| {
                let named = focused[name as usize] || named_path[file as usize];
                let own = if named { 1.0 } else { 0.01 };
                ranks[file as usize] * own
            })
            .collect();
        for &(from, slot, share) in &self.edges {
            scores[slot as usize] += ranks[from as usize] * share * scale[from as usize];
        }
        for &id in &focused_names {
            for &edge in self.edges_of(id) {
                let (from, slot, share) = self.edges[edge as usize];
                scores[slot as usize] +=
                    ranks[from as usize] * share * scale[from as usize] * (FOCUS_WEIGHT - 1.0);
            }
        }
        let order = |a: &(f64, u32), b: &(f64, u32)| {
            let (a_file, a_name) = self.slots[a.1 as usize];
            let (b_file, b_name) = self.slots[b.1 as usize];
            b.0.total_cmp(&a.0)
                .then_with(|| {
                    files[a_file as usize]
                        .path
                        .cmp(&files[b_file as usize].path)
                })
                .then_with(|| self.interned.name(a_name).cmp(self.interned.name(b_name)))
        };
        let mut ranked: Vec<(f64, u32)> = scores
            .into_iter()
            .enumerate()
            .map(|(slot, score)| (score, slot as u32))
            .collect();
        if limit < ranked.len() {
            ranked.select_nth_unstable_by(limit, order);
            ranked.truncate(limit);
        }
        ranked.sort_by(order);
        ranked
            .into_iter()
            .map(|(score, slot)| {
                let (file, name) = self.slots[slot as usize];
                RankedDef {
                    file: file as usize,
                    name: self.interned.name(name),
                    score,
                }
            })
            .collect()
    }

    /// The edges to definitions of name `id`.
    fn edges_of(&self, id: u32) -> &[u32] {
        let id = id as usize;
        &self.name_edges[self.name_starts[id]..self.name_starts[id + 1]]
    }
}

/// Where each file's row starts in `graph` (ordered by file), one more entry than files.
fn row_starts(graph: &[(u32, u32, f64)], count: usize) -> Vec<usize> {
    let mut starts = Vec::with_capacity(count + 1);
    let mut index = 0;
    for file in 0..=count {
        while index < graph.len() && (graph[index].0 as usize) < file {
            index += 1;
        }
        starts.push(index);
    }
    starts
}

/// How much a reference to `name` counts before any task: long, specific names more (not as
/// methods called on values: `is_empty`, `to_string`); private-looking names and names defined
/// in many files (`new`, `run`) less.
fn name_weight(name: &str, definers: usize, weak: bool) -> f64 {
    let mut weight = 1.0;
    let specific = !weak
        && name.len() >= 8
        && (name.contains('_') || name.chars().skip(1).any(|c| c.is_ascii_uppercase()));
    if specific {
        weight *= 10.0;
    }
    if name.starts_with('_') {
        weight *= 0.1;
    }
    if definers > 5 {
        weight *= 0.1;
    }
    weight
}

/// Where the walk restarts: uniform, or mostly the files the task mentions when there are any.
fn personalization(mentioned: &[bool]) -> Vec<f64> {
    let count = mentioned.len();
    let uniform = 1.0 / count as f64;
    let chosen = mentioned.iter().filter(|m| **m).count();
    if chosen == 0 {
        return vec![uniform; count];
    }
    let share = 0.9 / chosen as f64;
    mentioned
        .iter()
        .map(|m| 0.1 * uniform + if *m { share } else { 0.0 })
        .collect()
}

#[cfg(test)]
mod tests;
