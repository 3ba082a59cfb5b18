//! Ranking definitions by references, as Aider's repo map does: a file graph where each file
//! that references a name points at the files defining it, PageRank over it (biased towards the
//! files and names the task mentions), then each file's rank shared out along its edges to the
//! definitions it uses.

use std::collections::{HashMap, HashSet};

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
/// Damping of the random walk.
const DAMPING: f64 = 0.85;
/// Iterations at most; the walk usually settles well before.
const ITERATIONS: usize = 40;
/// Stop once the ranks move less than this in total.
const TOLERANCE: f64 = 1e-7;

/// Every definition of `files`, best first. Ties keep the order of paths and names.
pub fn rank<'a>(files: &[FileSymbols<'a>], focus: &Focus) -> Vec<RankedDef<'a>> {
    let count = files.len();
    if count == 0 {
        return Vec::new();
    }
    let mut definers: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, file) in files.iter().enumerate() {
        for name in &file.defs {
            definers.entry(name).or_default().push(index);
        }
    }
    // Edges: referencing file → defining file, weighted, with the name they stand for.
    let mut edges: Vec<(usize, usize, f64, &str)> = Vec::new();
    let mut out_weight = vec![0.0_f64; count];
    for (from, file) in files.iter().enumerate() {
        for (name, uses) in &file.refs {
            let (name, strength) = match name.strip_prefix(WEAK_PREFIX) {
                Some(name) => (name, WEAK_WEIGHT),
                None => (*name, 1.0),
            };
            let Some((name, targets)) = definers.get_key_value(name) else {
                continue;
            };
            let weight = strength
                * name_weight(name, targets.len(), focus, strength < 1.0)
                * f64::from(*uses).sqrt();
            for &to in targets {
                if to == from {
                    continue;
                }
                edges.push((from, to, weight, name));
                out_weight[from] += weight;
            }
        }
    }
    let personal = personalization(files, focus);
    let ranks = pagerank(count, &edges, &out_weight, &personal);

    let mut scores: HashMap<(usize, &str), f64> = HashMap::new();
    for &(from, to, weight, name) in &edges {
        *scores.entry((to, name)).or_default() += ranks[from] * weight / out_weight[from];
    }
    // Every definition gets a little of its own file's rank, so the unreferenced definitions of
    // an important file (or ones the task names) still rank above those of unimportant files.
    for (index, file) in files.iter().enumerate() {
        for name in &file.defs {
            let own = if focus.names.contains(*name) {
                1.0
            } else {
                0.01
            };
            *scores.entry((index, name)).or_default() += ranks[index] * own;
        }
    }
    let mut ranked: Vec<RankedDef<'a>> = files
        .iter()
        .enumerate()
        .flat_map(|(index, file)| {
            let scores = &scores;
            file.defs.iter().map(move |name| RankedDef {
                file: index,
                name,
                score: scores.get(&(index, *name)).copied().unwrap_or(0.0),
            })
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| files[a.file].path.cmp(files[b.file].path))
            .then_with(|| a.name.cmp(b.name))
    });
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

/// Where the walk restarts: uniform, or mostly the files the task mentions (by path, or defining
/// a name it mentions) when there are any.
fn personalization(files: &[FileSymbols<'_>], focus: &Focus) -> Vec<f64> {
    let count = files.len();
    let uniform = 1.0 / count as f64;
    let mentioned: Vec<bool> = files
        .iter()
        .map(|file| {
            focus.paths.contains(file.path)
                || file.defs.iter().any(|name| focus.names.contains(*name))
        })
        .collect();
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

/// Power iteration of PageRank with restart vector `personal`; rank of files without outgoing
/// edges restarts like the rest.
fn pagerank(
    count: usize,
    edges: &[(usize, usize, f64, &str)],
    out_weight: &[f64],
    personal: &[f64],
) -> Vec<f64> {
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
        for &(from, to, weight, _) in edges {
            next[to] += DAMPING * ranks[from] * weight / out_weight[from];
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
        let ranked = rank(&files, &Focus::default());
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
        let neutral = rank(&files, &Focus::default());
        assert_eq!(neutral[0].name, "engine");
        assert_ne!(neutral[0].name, "lonely_target");
        let focus = Focus {
            names: ["lonely_target".to_owned()].into(),
            ..Focus::default()
        };
        assert_eq!(rank(&files, &focus)[0].name, "lonely_target");
        let focus = Focus {
            paths: ["y.rs".to_owned()].into(),
            ..Focus::default()
        };
        let by_path = rank(&files, &focus);
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
        assert_eq!(rank(&files, &Focus::default())[0].name, "Engine");
    }

    #[test]
    fn empty_and_self_only_graphs_rank_without_dividing_by_zero() {
        assert!(rank(&[], &Focus::default()).is_empty());
        let files = [file("a.rs", &["me"], &[("me", 4)])];
        let ranked = rank(&files, &Focus::default());
        assert_eq!(order(&ranked), ["me"]);
        assert!(ranked[0].score.is_finite());
    }
}
