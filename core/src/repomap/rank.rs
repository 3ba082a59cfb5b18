//! Ranking definitions by references, as Aider's repo map does: a file graph where each file
//! that references a name points at the files defining it, PageRank over it (biased towards the
//! files and names the task mentions), then each file's rank shared out along its edges to the
//! definitions it uses.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use super::tags::WEAK_PREFIX;

/// One file as ranking sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSymbols<'a> {
    pub path: &'a str,
    /// Distinct names it defines.
    pub defs: Vec<&'a str>,
    /// Names it references, with how often; a method call on a value is the name after
    /// [`WEAK_PREFIX`].
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
/// Damping of the random walk.
const DAMPING: f64 = 0.85;
/// Iterations at most; the walk usually settles well before.
const ITERATIONS: usize = 40;
/// Stop once the ranks move less than this in total.
const TOLERANCE: f64 = 1e-6;

/// The `limit` best definitions of `files`, best first (ties by path, then name).
pub fn rank<'a>(files: &[FileSymbols<'a>], focus: &Focus, limit: usize) -> Vec<RankedDef<'a>> {
    let count = files.len();
    if count == 0 {
        return Vec::new();
    }
    // Every definition gets a slot; a defined name, interned, lists its (file, slot)s.
    let mut ids: FastMap<&str, u32> = FastMap::default();
    let mut definers: Vec<Vec<(u32, u32)>> = Vec::new();
    let mut slots: Vec<(u32, &'a str)> = Vec::new();
    for (index, file) in files.iter().enumerate() {
        for name in &file.defs {
            let next = u32::try_from(definers.len()).unwrap_or(u32::MAX);
            let id = *ids.entry(name).or_insert(next);
            if id == next {
                definers.push(Vec::new());
            }
            let slot = u32::try_from(slots.len()).unwrap_or(u32::MAX);
            slots.push((index as u32, name));
            definers[id as usize].push((index as u32, slot));
        }
    }
    // Edges: referencing file → the slot of a definition it uses, weighted. Built file by file,
    // so they are ordered by the referencing file.
    let mut edges: Vec<(u32, u32, f64)> = Vec::new();
    let mut out_weight = vec![0.0_f64; count];
    for (from, file) in files.iter().enumerate() {
        for (name, uses) in &file.refs {
            let (name, strength) = match name.strip_prefix(WEAK_PREFIX) {
                Some(name) => (name, WEAK_WEIGHT),
                None => (*name, 1.0),
            };
            let Some(&id) = ids.get(name) else {
                continue;
            };
            let targets = &definers[id as usize];
            // `new`, `fmt`, `from`: defined everywhere, they say nothing about which file is
            // meant, and their edges would grow with the square of the tree.
            if targets.len() > MAX_DEFINERS {
                continue;
            }
            let weight = strength
                * name_weight(name, targets.len(), focus, strength < 1.0)
                * f64::from(*uses).sqrt();
            for &(to, slot) in targets {
                if to as usize == from {
                    continue;
                }
                edges.push((from as u32, slot, weight));
                out_weight[from] += weight;
            }
        }
    }
    // Each edge's share of its file's rank.
    for edge in &mut edges {
        edge.2 /= out_weight[edge.0 as usize];
    }
    let mentioned = mentioned(files, focus);
    let personal = personalization(&mentioned);
    let ranks = pagerank(&edges, &slots, &out_weight, &personal);

    // A definition's score: the rank flowing to it along edges, plus a little of its own file's
    // rank (all of it for the names and paths the task mentions), so the unreferenced
    // definitions of an important file still rank above those of unimportant files.
    let mut scores: Vec<f64> = slots
        .iter()
        .map(|(file, name)| {
            let named =
                focus.names.contains(*name) || focus.paths.contains(files[*file as usize].path);
            let own = if named { 1.0 } else { 0.01 };
            ranks[*file as usize] * own
        })
        .collect();
    for &(from, slot, share) in &edges {
        scores[slot as usize] += ranks[from as usize] * share;
    }
    let order = |a: &RankedDef<'a>, b: &RankedDef<'a>| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| files[a.file].path.cmp(files[b.file].path))
            .then_with(|| a.name.cmp(b.name))
    };
    let mut ranked: Vec<RankedDef<'a>> = slots
        .iter()
        .zip(scores)
        .map(|((file, name), score)| RankedDef {
            file: *file as usize,
            name,
            score,
        })
        .collect();
    if limit < ranked.len() {
        ranked.select_nth_unstable_by(limit, order);
        ranked.truncate(limit);
    }
    ranked.sort_by(order);
    ranked
}

/// How much a reference to `name` counts: names the task mentions and long, specific names
/// more (not as methods called on values: `is_empty`, `to_string`); private-looking names and
/// names defined in many files (`new`, `run`) less.
fn name_weight(name: &str, definers: usize, focus: &Focus, weak: bool) -> f64 {
    let mut weight = 1.0;
    if focus.names.contains(name) {
        weight *= 10.0;
    }
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

/// Which files the task mentions: by path, or as the file defining a name it mentions.
fn mentioned(files: &[FileSymbols<'_>], focus: &Focus) -> Vec<bool> {
    files
        .iter()
        .map(|file| {
            focus.paths.contains(file.path)
                || file.defs.iter().any(|name| focus.names.contains(*name))
        })
        .collect()
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

/// Power iteration of PageRank with restart vector `personal`: each edge passes its share of
/// its file's rank to the file of its definition slot; the rank of files without edges
/// restarts like the rest.
fn pagerank(
    edges: &[(u32, u32, f64)],
    slots: &[(u32, &str)],
    out_weight: &[f64],
    personal: &[f64],
) -> Vec<f64> {
    let count = personal.len();
    let mut ranks = personal.to_vec();
    let mut next = vec![0.0; count];
    for _ in 0..ITERATIONS {
        let dangling: f64 = (0..count)
            .filter(|&index| out_weight[index] <= 0.0)
            .map(|index| ranks[index])
            .sum();
        for (index, value) in next.iter_mut().enumerate() {
            *value = (1.0 - DAMPING + DAMPING * dangling) * personal[index];
        }
        for &(from, slot, share) in edges {
            next[slots[slot as usize].0 as usize] += DAMPING * ranks[from as usize] * share;
        }
        let moved: f64 = ranks
            .iter()
            .zip(&next)
            .map(|(old, new)| (old - new).abs())
            .sum();
        std::mem::swap(&mut ranks, &mut next);
        if moved < TOLERANCE {
            break;
        }
    }
    ranks
}

/// FNV-1a: a fast hash for the short keys ranking looks up a million times (names, id pairs);
/// the input is the repository's own, and a collision costs time, not correctness.
#[derive(Default, Clone, Copy)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

#[cfg(test)]
mod tests {
    use super::*;

    fn file<'a>(path: &'a str, defs: &[&'a str], refs: &[(&'a str, u32)]) -> FileSymbols<'a> {
        FileSymbols {
            path,
            defs: defs.to_vec(),
            refs: refs.to_vec(),
        }
    }

    fn order<'a>(ranked: &[RankedDef<'a>]) -> Vec<&'a str> {
        ranked.iter().map(|def| def.name).collect()
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

    #[test]
    fn empty_and_self_only_graphs_rank_without_dividing_by_zero() {
        assert!(rank(&[], &Focus::default(), 10).is_empty());
        let files = [file("a.rs", &["me"], &[("me", 4)])];
        let ranked = rank(&files, &Focus::default(), usize::MAX);
        assert_eq!(order(&ranked), ["me"]);
        assert!(ranked[0].score.is_finite());
    }
}
