//! The map end to end on real files and a real (in-memory) store: incremental indexing by blob
//! id, ranking, budgets and lookups.

use std::fs;
use std::path::Path;

use super::*;

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A small project in three languages; `util.py`'s `helper` is used from everywhere.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "util.py",
        "def helper(x):\n    return x + 1\n\ndef unused():\n    pass\n",
    );
    write(
        root,
        "app.py",
        "from util import helper\n\ndef main():\n    helper(1)\n    helper(2)\n",
    );
    write(
        root,
        "cli.py",
        "from util import helper\n\ndef run():\n    return helper(3)\n",
    );
    write(
        root,
        "web/index.ts",
        "export function render(): number { return 1 }\n",
    );
    write(root, "README.md", "not code\n");
    write(root, "target/gen.rs", "fn generated() {}\n");
    write(root, ".gitignore", "target/\n");
    dir
}

fn canonical(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().canonicalize().unwrap()
}

#[test]
fn unchanged_files_are_never_parsed_again() {
    let dir = project();
    let root = canonical(&dir);
    let mut store = Store::open_in_memory().unwrap();
    let first = refresh(&mut store, &root).unwrap();
    assert_eq!((first.files, first.parsed, first.removed), (4, 4, 0));

    let again = refresh(&mut store, &root).unwrap();
    assert_eq!((again.files, again.parsed), (4, 0));

    write(
        &root,
        "cli.py",
        "from util import helper\n\ndef run():\n    return helper(4) + helper(5)\n",
    );
    let changed = refresh(&mut store, &root).unwrap();
    assert_eq!((changed.files, changed.parsed), (4, 1));

    // A copy of known content elsewhere is hashed, not parsed; a deleted file leaves the map.
    write(
        &root,
        "copy/util.py",
        &fs::read_to_string(root.join("util.py")).unwrap(),
    );
    fs::remove_file(root.join("web/index.ts")).unwrap();
    let moved = refresh(&mut store, &root).unwrap();
    assert_eq!((moved.files, moved.parsed, moved.removed), (4, 0, 1));
    let cached = store.map_file_stats(&index::root_key(&root)).unwrap();
    assert_eq!(cached["copy/util.py"].blob, cached["util.py"].blob);
    // The blob id is git's.
    let oid = git2::Oid::hash_object(
        git2::ObjectType::Blob,
        &fs::read(root.join("util.py")).unwrap(),
    )
    .unwrap();
    assert_eq!(cached["util.py"].blob, oid.to_string());
}

#[test]
fn the_map_ranks_what_is_used_and_fits_its_budget() {
    let dir = project();
    let root = canonical(&dir);
    let mut store = Store::open_in_memory().unwrap();
    let map = build(&mut store, &root, 1_000, "").unwrap();
    let first = map.text.lines().next().unwrap();
    assert_eq!(first, "util.py:", "{}", map.text);
    assert!(map.text.contains("  1: def helper(x):"), "{}", map.text);
    assert!(
        map.text
            .contains("web/index.ts:\n  1: export function render()"),
        "{}",
        map.text
    );
    assert!(
        !map.text.contains("generated"),
        "ignored files stay out: {}",
        map.text
    );
    assert!(map.tokens <= 1_000);

    let small = render(&store, &root, 10, "").unwrap();
    assert!(small.text.chars().count() <= 40, "{}", small.text);
    assert!(small.text.contains("helper"), "{}", small.text);

    let focused = render(&store, &root, 20, "make render faster").unwrap();
    assert!(
        focused.text.starts_with("web/index.ts:\n"),
        "{}",
        focused.text
    );
    assert!(!focused.text.contains("helper"), "{}", focused.text);
}

#[test]
fn lookups_find_every_definition_of_a_name() {
    let dir = project();
    let root = canonical(&dir);
    write(&root, "more.py", "class helper:\n    pass\n");
    let mut store = Store::open_in_memory().unwrap();
    let found = lookup(&mut store, &root, "helper").unwrap();
    let places: Vec<(&str, u32)> = found
        .iter()
        .map(|(path, def)| (path.as_str(), def.line))
        .collect();
    assert_eq!(places, [("more.py", 1), ("util.py", 1)]);
    assert!(
        lookup(&mut store, &root, "nothing_here")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn prompt_budgets_follow_the_context() {
    let settings = MapSettings::default();
    assert_eq!(settings.prompt_budget(32_768), Some(DEFAULT_TOKENS));
    assert_eq!(settings.prompt_budget(4_096), Some(512));
    assert_eq!(settings.prompt_budget(512), None);
    let off = MapSettings {
        enabled: false,
        ..settings
    };
    assert_eq!(off.prompt_budget(32_768), None);
}

#[test]
fn a_missing_root_is_an_error_and_no_prompt_section() {
    let mut store = Store::open_in_memory().unwrap();
    let missing = Path::new("/nonexistent/agent-map-root");
    assert!(refresh(&mut store, missing).is_err());
    assert_eq!(
        for_prompt(&mut store, missing, &MapSettings::default(), 32_768, "task"),
        ""
    );
}
