//! Fitting ranked definitions into a token budget and rendering them: best first, each with the
//! line it is defined on, grouped by file; files in the order their best definition ranked.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use agent_models::context::CHARS_PER_TOKEN;

use super::rank::RankedDef;
use crate::error::Result;
use crate::store::MapDefinition;

/// After this many ranked definitions that do not fit, stop looking.
const MAX_MISSES: usize = 32;

/// How many ranked definitions [`fit`] may look at for `budget` tokens: every line takes at
/// least 8 characters (2 tokens), plus the misses it tolerates.
pub fn candidates(budget: u32) -> usize {
    usize::try_from(budget / 2).unwrap_or(usize::MAX) + MAX_MISSES + 1
}

/// A rendered map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fitted {
    pub text: String,
    /// Definitions shown.
    pub definitions: usize,
    /// Files shown.
    pub files: usize,
}

/// The best definitions of `ranked` that fit in `budget` tokens (estimated as characters / 4),
/// rendered. `load(file)` gives a file's definitions (each file is loaded at most once).
pub fn fit(
    ranked: &[RankedDef<'_>],
    paths: &[&str],
    budget: u32,
    mut load: impl FnMut(usize) -> Result<Vec<MapDefinition>>,
) -> Result<Fitted> {
    let budget_chars = usize::try_from(budget)
        .unwrap_or(usize::MAX)
        .saturating_mul(CHARS_PER_TOKEN);
    let mut loaded: HashMap<usize, Vec<MapDefinition>> = HashMap::new();
    let mut order: Vec<usize> = Vec::new();
    let mut chosen: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut used = 0;
    let mut misses = 0;
    let mut taken: HashSet<(usize, &str)> = HashSet::new();
    for def in ranked {
        // A name defined twice in a file is ranked twice; its lines are shown once.
        if !taken.insert((def.file, def.name)) {
            continue;
        }
        let definitions = match loaded.entry(def.file) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => entry.insert(load(def.file)?),
        };
        let definitions = definitions.as_slice();
        let lines: Vec<usize> = definitions
            .iter()
            .enumerate()
            .filter(|(_, candidate)| candidate.name == def.name)
            .map(|(index, _)| index)
            .collect();
        if lines.is_empty() {
            continue;
        }
        let header = if chosen.contains_key(&def.file) {
            0
        } else {
            header(paths[def.file]).chars().count()
        };
        let cost = header
            + lines
                .iter()
                .map(|index| line(&definitions[*index]).chars().count())
                .sum::<usize>();
        if used + cost > budget_chars {
            misses += 1;
            if misses > MAX_MISSES {
                break;
            }
            continue;
        }
        used += cost;
        if header > 0 {
            order.push(def.file);
        }
        chosen.entry(def.file).or_default().extend(lines);
    }
    let mut fitted = Fitted::default();
    for file in order {
        let Some(mut lines) = chosen.remove(&file) else {
            continue;
        };
        let definitions = loaded.get(&file).map_or(&[][..], Vec::as_slice);
        lines.sort_by_key(|index| (definitions[*index].line, *index));
        lines.dedup();
        fitted.text.push_str(&header(paths[file]));
        for index in &lines {
            fitted.text.push_str(&line(&definitions[*index]));
        }
        fitted.files += 1;
        fitted.definitions += lines.len();
    }
    Ok(fitted)
}

fn header(path: &str) -> String {
    format!("{path}:\n")
}

fn line(definition: &MapDefinition) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "  {}: {}", definition.line, definition.signature);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(name: &str, line: u32) -> MapDefinition {
        MapDefinition {
            name: name.to_owned(),
            kind: "function".to_owned(),
            line,
            signature: format!("fn {name}()"),
        }
    }

    fn ranked(entries: &[(usize, &'static str)]) -> Vec<RankedDef<'static>> {
        entries
            .iter()
            .enumerate()
            .map(|(n, (file, name))| RankedDef {
                file: *file,
                name,
                score: 1.0 / (n as f64 + 1.0),
            })
            .collect()
    }

    fn files(file: usize) -> Vec<MapDefinition> {
        match file {
            0 => vec![def("zeta", 3), def("alpha", 10), def("alpha", 20)],
            _ => vec![def("beta", 1)],
        }
    }

    #[test]
    fn renders_by_file_in_rank_order_and_lines_in_file_order() {
        let ranked = ranked(&[(1, "beta"), (0, "alpha"), (0, "zeta")]);
        let fitted = fit(&ranked, &["a.rs", "b.rs"], 1_000, |file| Ok(files(file))).unwrap();
        assert_eq!(
            fitted.text,
            "b.rs:\n  1: fn beta()\na.rs:\n  3: fn zeta()\n  10: fn alpha()\n  20: fn alpha()\n"
        );
        assert_eq!((fitted.files, fitted.definitions), (2, 4));
    }

    #[test]
    fn stays_within_the_budget_and_keeps_the_best() {
        let ranked = ranked(&[(1, "beta"), (0, "alpha"), (0, "zeta")]);
        // "b.rs:\n  1: fn beta()\n" is 21 characters: 6 tokens hold it, not the rest.
        let fitted = fit(&ranked, &["a.rs", "b.rs"], 6, |file| Ok(files(file))).unwrap();
        assert_eq!(fitted.text, "b.rs:\n  1: fn beta()\n");
        let nothing = fit(&ranked, &["a.rs", "b.rs"], 2, |file| Ok(files(file))).unwrap();
        assert_eq!(nothing, Fitted::default());
        for budget in [0, 5, 9, 12, 20, 40] {
            let fitted = fit(&ranked, &["a.rs", "b.rs"], budget, |file| Ok(files(file))).unwrap();
            assert!(fitted.text.chars().count() <= budget as usize * CHARS_PER_TOKEN);
        }
    }

    #[test]
    fn each_file_is_loaded_once() {
        let ranked = ranked(&[(0, "alpha"), (0, "zeta"), (1, "beta")]);
        let mut loads = Vec::new();
        fit(&ranked, &["a.rs", "b.rs"], 1_000, |file| {
            loads.push(file);
            Ok(files(file))
        })
        .unwrap();
        assert_eq!(loads, [0, 1]);
    }
}
