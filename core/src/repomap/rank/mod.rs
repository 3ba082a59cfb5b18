//! Ranking definitions by references, as Aider's repo map does: a file graph where each file
//! that references a name points at the files defining it, PageRank over it (biased towards the
//! files and names the task mentions), then each file's rank shared out along its edges to the
//! definitions it uses.
//!
//! [`RankGraph`] is the part no task changes (names interned, references resolved to the
//! definitions they may mean, weighted): built once per set of blobs, it ranks for each task's
//! focus without looking at a name again.

use std::collections::HashSet;
use std::hash::Hasher;
use std::sync::Arc;

use super::interned::{Delta, Interned, InternedFile, WEAK};
use super::walk::{self, MAX_FILE_EDGES};

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

/// The walk of the files an [`Interned`] was updated from, and how it was updated.
#[derive(Debug, Clone, Copy)]
pub struct PreviousWalk<'a> {
    /// How many files it had.
    pub files: usize,
    /// (from, to, share) by `from`, and where each file's row starts (one more than files).
    pub walk: &'a [(u32, u32, f64)],
    pub starts: &'a [usize],
    pub keep: usize,
    pub delta: &'a Delta,
}

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

    /// The walk's file graph from `previous`'s rows, numbered anew, for the files whose edges
    /// are the same: a file's row depends only on its references and on the definers of the
    /// names it references. The other rows (files read, files referencing a name redefined) are
    /// made again. `None` when a kept row points at a file gone (it cannot: the file's names
    /// are redefined, so the rows pointing at it are made again).
    fn reuse_walk(
        &self,
        interned: &Interned,
        previous: &PreviousWalk<'_>,
    ) -> Option<Vec<(u32, u32, f64)>> {
        let files = &interned.files;
        let count = files.len();
        let delta = previous.delta;
        if delta.kept_from.len() != count || previous.starts.len() != previous.files + 1 {
            return None;
        }
        let mut redefined = vec![false; interned.name_count()];
        for &id in &delta.redefined {
            *redefined.get_mut(id as usize)? = true;
        }
        let mut renumbered = vec![u32::MAX; previous.files];
        for (file, from) in delta.kept_from.iter().enumerate() {
            if let Some(from) = from {
                *renumbered.get_mut(*from as usize)? = file as u32;
            }
        }
        let again: Vec<bool> = files
            .iter()
            .zip(&delta.kept_from)
            .map(|(file, from)| {
                from.is_none()
                    || file
                        .refs
                        .iter()
                        .any(|(id, _)| redefined[(id & !WEAK) as usize])
            })
            .collect();
        let made = walk::file_graph(
            (0..count)
                .filter(|&file| again[file])
                .flat_map(|file| self.edge_starts[file]..self.edge_starts[file + 1])
                .map(|edge| {
                    let (from, slot, share) = self.edges[edge];
                    (from, self.slots[slot as usize].0, share)
                }),
            count,
            self.keep,
        );
        let mut made = made.into_iter().peekable();
        let mut graph = Vec::with_capacity(previous.walk.len());
        for (file, from) in delta.kept_from.iter().enumerate() {
            match from {
                Some(from) if !again[file] => {
                    let from = *from as usize;
                    let row = previous
                        .walk
                        .get(previous.starts[from]..previous.starts[from + 1])?;
                    for &(_, to, share) in row {
                        let to = *renumbered.get(to as usize)?;
                        if to == u32::MAX {
                            return None;
                        }
                        graph.push((file as u32, to, share));
                    }
                }
                _ => {
                    while let Some(edge) = made.next_if(|edge| edge.0 as usize == file) {
                        graph.push(edge);
                    }
                }
            }
        }
        Some(graph)
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

/// A fast hash for the short keys ranking looks up a million times (names), eight bytes at a
/// step (as rustc's FxHash); the input is the repository's own, and a collision costs time, not
/// correctness.
#[derive(Default, Clone, Copy)]
pub struct WordHash(u64);

impl WordHash {
    const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::MULTIPLIER);
    }
}

impl Hasher for WordHash {
    /// Mixed at the end (MurmurHash3's finaliser): the steps carry a late byte's difference only
    /// into high bits, and a table indexes by the low ones.
    fn finish(&self) -> u64 {
        let mut hash = self.0;
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        hash ^ (hash >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::interned::{ListedFile, StoredTags};
    use super::*;

    fn file<'a>(path: &'a str, defs: &[&'a str], refs: &[(&'a str, u32)]) -> FileSymbols<'a> {
        FileSymbols {
            path,
            defs: defs.to_vec(),
            refs: refs.to_vec(),
        }
    }

    /// A ranked definition, owning its name (the graph it came from is gone).
    #[derive(Debug)]
    struct Ranked {
        file: usize,
        name: String,
        score: f64,
    }

    fn rank(files: &[FileSymbols<'_>], focus: &Focus, limit: usize) -> Vec<Ranked> {
        rank_keeping(files, focus, limit, MAX_FILE_EDGES)
    }

    fn rank_keeping(
        files: &[FileSymbols<'_>],
        focus: &Focus,
        limit: usize,
        keep: usize,
    ) -> Vec<Ranked> {
        owned(graph(files, keep).rank(focus, limit))
    }

    fn graph(files: &[FileSymbols<'_>], keep: usize) -> RankGraph {
        RankGraph::keeping(Arc::new(Interned::from_symbols(files)), keep, None)
    }

    fn owned(ranked: Vec<RankedDef<'_>>) -> Vec<Ranked> {
        ranked
            .into_iter()
            .map(|def| Ranked {
                file: def.file,
                name: def.name.to_owned(),
                score: def.score,
            })
            .collect()
    }

    fn order(ranked: &[Ranked]) -> Vec<&str> {
        ranked.iter().map(|def| def.name.as_str()).collect()
    }

    #[test]
    fn much_referenced_definitions_rank_first() {
        let files = [
            file("util.rs", &["helper", "unused"], &[]),
            file("a.rs", &["alpha"], &[("helper", 3)]),
            file("b.rs", &["beta"], &[("helper", 1), ("alpha", 1)]),
        ];
        let ranked = rank(&files, &Focus::default(), usize::MAX);
        assert_eq!(order(&ranked)[0], "helper");
        assert_eq!(ranked.len(), 4);
        let unused = ranked.iter().position(|def| def.name == "unused").unwrap();
        let alpha = ranked.iter().position(|def| def.name == "alpha").unwrap();
        assert!(alpha < unused, "{:?}", order(&ranked));
    }

    #[test]
    fn the_task_pulls_its_files_and_names_up() {
        let files = [
            file("core.rs", &["engine"], &[]),
            file("x.rs", &["xray"], &[("engine", 5)]),
            file("y.rs", &["yankee"], &[("engine", 5)]),
            file("lonely.rs", &["lonely_target"], &[]),
        ];
        let neutral = rank(&files, &Focus::default(), usize::MAX);
        assert_eq!(neutral[0].name, "engine");
        assert_ne!(neutral[0].name, "lonely_target");
        let focus = Focus {
            names: ["lonely_target".to_owned()].into(),
            ..Focus::default()
        };
        assert_eq!(rank(&files, &focus, usize::MAX)[0].name, "lonely_target");
        let focus = Focus {
            paths: ["y.rs".to_owned()].into(),
            ..Focus::default()
        };
        let by_path = rank(&files, &focus, usize::MAX);
        let yankee = by_path.iter().position(|d| d.name == "yankee").unwrap();
        let xray = by_path.iter().position(|d| d.name == "xray").unwrap();
        assert!(yankee < xray, "{:?}", order(&by_path));
    }

    #[test]
    fn method_calls_on_values_count_for_less() {
        let files = [
            file("a.rs", &["is_empty"], &[]),
            file("b.rs", &["Engine"], &[]),
            file("c.rs", &[], &[(".is_empty", 4), ("Engine", 1)]),
        ];
        assert_eq!(
            rank(&files, &Focus::default(), usize::MAX)[0].name,
            "Engine"
        );
    }

    #[test]
    fn a_limit_keeps_the_best_in_order() {
        let files = [
            file("util.rs", &["helper", "unused"], &[]),
            file("a.rs", &["alpha"], &[("helper", 3)]),
            file("b.rs", &["beta"], &[("helper", 1), ("alpha", 1)]),
        ];
        let all = rank(&files, &Focus::default(), usize::MAX);
        let two = rank(&files, &Focus::default(), 2);
        assert_eq!(order(&two), order(&all)[..2]);
    }

    /// A hub referencing every other file, more strongly the lower its number; each of those
    /// references the next; the task names `leaf_7`.
    fn wide_tree() -> Vec<FileSymbols<'static>> {
        const NAMES: [&str; 8] = [
            "leaf_0", "leaf_1", "leaf_2", "leaf_3", "leaf_4", "leaf_5", "leaf_6", "leaf_7",
        ];
        const PATHS: [&str; 8] = [
            "l0.rs", "l1.rs", "l2.rs", "l3.rs", "l4.rs", "l5.rs", "l6.rs", "l7.rs",
        ];
        const USES: [u32; 8] = [64, 49, 36, 25, 16, 9, 4, 1];
        let mut files = vec![FileSymbols {
            path: "hub.rs",
            defs: vec!["hub_main"],
            refs: NAMES.iter().copied().zip(USES).collect(),
        }];
        for (n, (path, name)) in PATHS.iter().zip(NAMES).enumerate() {
            let next = NAMES[(n + 1) % NAMES.len()];
            files.push(file(path, &[name], &[(next, 1), ("hub_main", 1)]));
        }
        files
    }

    #[test]
    fn pruned_ranking_keeps_the_named_and_the_most_used_first() {
        let files = wide_tree();
        let full = rank_keeping(&files, &Focus::default(), usize::MAX, usize::MAX);
        let pruned = rank_keeping(&files, &Focus::default(), usize::MAX, 2);
        // `hub_main` is used by every file: first, whatever the walk follows.
        assert_eq!(order(&full)[0], "hub_main");
        assert_eq!(order(&pruned)[0], "hub_main");
        assert_eq!(pruned.len(), full.len());
        // The named file's definition comes first of the leaves and next to `hub_main` (which
        // every file uses, the named one too), whatever the walk follows.
        let first_leaf = |ranked: &[Ranked]| {
            let position = ranked.iter().position(|def| def.name != "hub_main");
            position.map(|at| (at, ranked[at].name.clone(), files[ranked[at].file].path))
        };
        let focus = Focus {
            names: ["leaf_7".to_owned()].into(),
            ..Focus::default()
        };
        for keep in [usize::MAX, 2, 1] {
            let ranked = rank_keeping(&files, &focus, usize::MAX, keep);
            let (at, name, path) = first_leaf(&ranked).unwrap();
            assert!(at <= 1, "keep {keep}: {:?}", order(&ranked));
            assert_eq!((name.as_str(), path), ("leaf_7", "l7.rs"), "keep {keep}");
        }
        let focus = Focus {
            paths: ["l5.rs".to_owned()].into(),
            ..Focus::default()
        };
        for keep in [usize::MAX, 2, 1] {
            let ranked = rank_keeping(&files, &focus, usize::MAX, keep);
            let (at, name, _) = first_leaf(&ranked).unwrap();
            assert!(at <= 1, "keep {keep}: {:?}", order(&ranked));
            assert_eq!(name, "leaf_5", "keep {keep}: {:?}", order(&ranked));
        }
    }

    #[test]
    fn a_focus_re_weighting_the_kept_walk_ranks_as_a_walk_made_anew() {
        let mut files = wide_tree();
        files.push(file(
            "extra.rs",
            &["leaf_3"],
            &[("leaf_7", 2), ("hub_main", 3)],
        ));
        let focuses = [
            Focus::default(),
            Focus {
                names: ["leaf_7".to_owned(), "leaf_3".to_owned()].into(),
                ..Focus::default()
            },
            Focus {
                names: ["hub_main".to_owned()].into(),
                paths: ["l2.rs".to_owned()].into(),
            },
        ];
        for keep in [1, 2, 3] {
            let kept = graph(&files, keep);
            let anew = graph(&files, usize::MAX);
            for focus in &focuses {
                let fast = owned(kept.rank(focus, usize::MAX));
                let slow = owned(anew.rank_keeping(focus, usize::MAX, keep));
                assert_eq!(order(&fast), order(&slow), "keep {keep}, {focus:?}");
                for (a, b) in fast.iter().zip(&slow) {
                    assert!((a.score - b.score).abs() < 1e-12, "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn a_name_most_files_reference_is_named_but_not_re_weighted() {
        // 20 files each use `common_name` and `other_thing` once; 5 others use only
        // `third_thing`. `other_thing` is used by four times as many files as `third_thing`.
        let users: Vec<String> = (0..20).map(|n| format!("user{n:02}.rs")).collect();
        let loners: Vec<String> = (0..5).map(|n| format!("loner{n}.rs")).collect();
        let mut files = vec![
            file("common.rs", &["common_name"], &[]),
            file("other.rs", &["other_thing"], &[]),
            file("third.rs", &["third_thing"], &[]),
        ];
        for path in &users {
            files.push(file(path, &[], &[("common_name", 1), ("other_thing", 1)]));
        }
        for path in &loners {
            files.push(file(path, &[], &[("third_thing", 1)]));
        }
        let position =
            |ranked: &[Ranked], name: &str| ranked.iter().position(|def| def.name == name).unwrap();
        let neutral = rank(&files, &Focus::default(), usize::MAX);
        assert!(position(&neutral, "other_thing") < position(&neutral, "third_thing"));
        // Mentioning `common_name` (used by 20 of 28 files, more than the 16 a name may be used
        // by and be re-weighted) shows its definition first, and leaves the others' order alone:
        // re-weighted, its references would have taken most of each user's weight from
        // `other_thing`, ranking it below `third_thing`.
        let focus = Focus {
            names: ["common_name".to_owned()].into(),
            ..Focus::default()
        };
        let focused = rank(&files, &focus, usize::MAX);
        assert_eq!(focused[0].name, "common_name");
        assert!(
            position(&focused, "other_thing") < position(&focused, "third_thing"),
            "{:?}",
            order(&focused)
        );
        // A name fewer files use is re-weighted: its users' other references count for less.
        let rare: Vec<FileSymbols<'_>> = files
            .iter()
            .filter(|file| !file.path.starts_with("user1"))
            .cloned()
            .collect();
        let focused = rank(&rare, &focus, usize::MAX);
        assert_eq!(focused[0].name, "common_name");
        assert!(
            position(&focused, "other_thing") > position(&focused, "third_thing"),
            "{:?}",
            order(&focused)
        );
    }

    /// `files` as the store lists them (a blob per content) and their tags.
    fn stored(files: &[FileSymbols<'_>]) -> (Vec<ListedFile>, HashMap<String, StoredTags>) {
        let mut listed = Vec::new();
        let mut tags = HashMap::new();
        for file in files {
            let blob = format!("{:?}{:?}", file.defs, file.refs);
            let refs: Vec<String> = file
                .refs
                .iter()
                .map(|(name, uses)| format!("{name}\t{uses}"))
                .collect();
            tags.insert(
                blob.clone(),
                StoredTags {
                    def_names: file.defs.join("\n"),
                    refs: refs.join("\n"),
                },
            );
            listed.push(ListedFile {
                path: file.path.to_owned(),
                blob,
                lang: "rust/1".to_owned(),
            });
        }
        listed.sort_by(|a, b| a.path.cmp(&b.path));
        (listed, tags)
    }

    fn updated(base: &Interned, files: &[FileSymbols<'_>]) -> (Interned, Delta) {
        let (listed, tags) = stored(files);
        Interned::update(base.clone(), listed, |blob, _| {
            Ok::<_, ()>(tags.get(blob).cloned())
        })
        .unwrap()
    }

    #[test]
    fn a_graph_updated_from_the_last_ones_walk_equals_one_made_anew() {
        let before = wide_tree();
        let (first, _) = updated(&Interned::default(), &before);
        let kept = RankGraph::keeping(Arc::new(first), 2, None);
        type Edit = dyn Fn(&mut Vec<FileSymbols<'static>>);
        let edits: [&Edit; 5] = [
            // Nothing changed.
            &|_| {},
            // A file's references change.
            &|files| files[3].refs = vec![("leaf_0", 7), ("hub_main", 1)],
            // A definition moves to another file: the rows of its users change too.
            &|files| {
                files[1].defs = vec![];
                files[5].defs.push("leaf_0");
            },
            // A file comes (numbered before others) and one goes.
            &|files| {
                files.push(file("a_new.rs", &["leaf_2"], &[("leaf_7", 3)]));
                files.remove(8);
            },
            // A name gets a sixth definer (each weighs less).
            &|files| {
                for n in 0..5 {
                    files[n + 1].defs.push("hub_main");
                }
            },
        ];
        for (number, edit) in edits.iter().enumerate() {
            let mut after = wide_tree();
            edit(&mut after);
            let (interned, delta) = updated(kept.interned(), &after);
            let (walk, starts, keep) = kept.walk();
            let previous = PreviousWalk {
                files: kept.files().len(),
                walk,
                starts,
                keep,
                delta: &delta,
            };
            let reusing = RankGraph::keeping(Arc::new(interned.clone()), 2, Some(previous));
            let (anew, _) = updated(&Interned::default(), &after);
            let anew = RankGraph::keeping(Arc::new(anew), 2, None);
            assert_eq!(reusing.walk, anew.walk, "edit {number}");
            assert_eq!(reusing.walk_starts, anew.walk_starts, "edit {number}");
            if number == 0 {
                assert_eq!(delta.read, 0);
                assert_eq!(reusing.walk, kept.walk);
            }
            let focus = Focus {
                names: ["leaf_7".to_owned()].into(),
                ..Focus::default()
            };
            let fast = owned(reusing.rank(&focus, usize::MAX));
            let slow = owned(anew.rank(&focus, usize::MAX));
            assert_eq!(order(&fast), order(&slow), "edit {number}");
            for (a, b) in fast.iter().zip(&slow) {
                assert!((a.score - b.score).abs() < 1e-12, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn empty_and_self_only_graphs_rank_without_dividing_by_zero() {
        assert!(rank(&[], &Focus::default(), 10).is_empty());
        let files = [file("a.rs", &["me"], &[("me", 4)])];
        let ranked = rank(&files, &Focus::default(), usize::MAX);
        assert_eq!(order(&ranked), ["me"]);
        assert!(ranked[0].score.is_finite());
    }
}
