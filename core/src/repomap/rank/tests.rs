//! Ranking tests: hand-made files through `RankGraph`, and graphs updated from a previous walk
//! against graphs made anew.

use std::collections::HashMap;

use super::super::interned::{Delta, ListedFile, StoredTags};
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
