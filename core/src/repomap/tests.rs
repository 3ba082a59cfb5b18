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

/// Sets a file's mtime a minute back, so that neither git nor the map treats it as racy.
fn age(root: &Path, path: &str) {
    let file = fs::File::options()
        .write(true)
        .open(root.join(path))
        .unwrap();
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    file.set_modified(past).unwrap();
}

#[test]
fn in_a_git_work_tree_the_index_vouches_for_unchanged_files() {
    let dir = project();
    let root = canonical(&dir);
    for path in ["util.py", "app.py", "cli.py", "web/index.ts"] {
        age(&root, path);
    }
    let repo = git2::Repository::init(&root).unwrap();
    let mut git_index = repo.index().unwrap();
    git_index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    git_index.write().unwrap();
    let mut store = Store::open_in_memory().unwrap();

    let first = refresh(&mut store, &root).unwrap();
    assert_eq!((first.files, first.parsed), (4, 4), "{first:?}");
    let again = refresh(&mut store, &root).unwrap();
    assert_eq!(
        (again.files, again.parsed, again.hashed),
        (4, 0, 0),
        "{again:?}"
    );
    let cached = store.map_file_stats(&index::root_key(&root)).unwrap();
    let staged = git_index.get_path(Path::new("util.py"), 0).unwrap();
    assert_eq!(cached["util.py"].blob, staged.id.to_string());

    // A change git has not seen (not staged) is read and parsed all the same.
    write(&root, "cli.py", "def run():\n    return 0\n");
    let edited = refresh(&mut store, &root).unwrap();
    assert_eq!(
        (edited.files, edited.parsed, edited.hashed),
        (4, 1, 1),
        "{edited:?}"
    );

    // Untracked files are found (in a new directory too), ignored ones are not.
    write(&root, "extra.py", "def extra():\n    pass\n");
    write(
        &root,
        "tools/deep/tool.go",
        "package tool\n\nfunc Tool() {}\n",
    );
    write(&root, "target/also.rs", "fn also_generated() {}\n");
    let untracked = refresh(&mut store, &root).unwrap();
    assert_eq!((untracked.files, untracked.parsed), (6, 2), "{untracked:?}");
    let cached = store.map_file_stats(&index::root_key(&root)).unwrap();
    assert!(cached.contains_key("tools/deep/tool.go"), "{cached:?}");
    assert!(!cached.contains_key("target/also.rs"));

    // Found untracked files stay in the map without their directories being read again.
    age(&root, "extra.py");
    age(&root, "tools/deep/tool.go");
    let kept = refresh(&mut store, &root).unwrap();
    assert_eq!((kept.files, kept.parsed), (6, 0), "{kept:?}");

    fs::remove_file(root.join("extra.py")).unwrap();
    fs::remove_file(root.join("util.py")).unwrap();
    let gone = refresh(&mut store, &root).unwrap();
    assert_eq!((gone.files, gone.removed), (4, 2), "{gone:?}");
    let map = render(&store, &root, 1_000, "").unwrap();
    assert!(map.text.contains("tools/deep/tool.go:"), "{}", map.text);
    assert!(!map.text.contains("util.py"), "{}", map.text);
}

#[test]
fn blobs_no_root_uses_are_purged_with_the_roots_that_went() {
    let kept = project();
    let kept_root = canonical(&kept);
    let gone = project();
    let gone_root = canonical(&gone);
    write(&gone_root, "only_here.py", "def only_here():\n    pass\n");
    let db = tempfile::tempdir().unwrap();
    let mut store = Store::open(&db.path().join("agent.db"), &Default::default()).unwrap();
    refresh(&mut store, &kept_root).unwrap();
    refresh(&mut store, &gone_root).unwrap();
    // Four shared blobs and one of the second root's own: 5 blobs, 6 definitions.
    let (_, blobs, defs) = store.map_row_counts().unwrap();
    assert_eq!((blobs, defs), (5, 6));

    // A changed file's old content goes once no root has it.
    write(&kept_root, "cli.py", "def run():\n    return 0\n");
    let changed = refresh(&mut store, &kept_root).unwrap();
    assert_eq!(
        changed.purged_blobs, 0,
        "the other root still has it: {changed:?}"
    );
    assert_eq!(store.map_row_counts().unwrap().1, 6);

    drop(gone);
    let after = refresh(&mut store, &kept_root).unwrap();
    assert_eq!(
        (after.purged_roots, after.purged_blobs),
        (1, 2),
        "{after:?}"
    );
    let (files, blobs, defs) = store.map_row_counts().unwrap();
    assert_eq!((files, blobs, defs), (4, 4, 5));
    assert_eq!(store.map_roots().unwrap(), [index::root_key(&kept_root)]);

    write(&kept_root, "cli.py", "def run():\n    return 1\n");
    let again = refresh(&mut store, &kept_root).unwrap();
    assert_eq!((again.parsed, again.purged_blobs), (1, 1), "{again:?}");
    assert_eq!(store.map_row_counts().unwrap(), (4, 4, 5));
}

/// `project()` as a git work tree with every file staged and aged (git vouches for them all).
fn git_project() -> (tempfile::TempDir, std::path::PathBuf, git2::Repository) {
    let dir = project();
    let root = canonical(&dir);
    for path in ["util.py", "app.py", "cli.py", "web/index.ts"] {
        age(&root, path);
    }
    let repo = git2::Repository::init(&root).unwrap();
    stage_all(&repo);
    (dir, root, repo)
}

fn stage_all(repo: &git2::Repository) {
    let mut git_index = repo.index().unwrap();
    git_index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    git_index.write().unwrap();
}

/// Path → (blob, lang) of every file row: what the map is made of, whatever the stat data.
fn blobs_of(store: &Store, root: &Path) -> Vec<(String, String, String)> {
    let mut rows: Vec<(String, String, String)> = store
        .map_file_stats(&index::root_key(root))
        .unwrap()
        .into_iter()
        .filter(|(path, _)| !path.ends_with('/'))
        .map(|(path, stat)| (path, stat.blob, stat.lang))
        .collect();
    rows.sort();
    rows
}

#[test]
fn an_unchanged_git_index_spares_reading_the_rows_it_vouched_for() {
    let (_dir, root, _repo) = git_project();
    let mut store = Store::open_in_memory().unwrap();
    refresh(&mut store, &root).unwrap();
    let key = index::root_key(&root);
    assert!(store.map_git_index(&key).unwrap().is_some());
    // Only directories are left to read: every tracked file's row is git's record.
    let unvouched = store.map_unvouched_file_stats(&key).unwrap();
    assert!(
        unvouched.keys().all(|path| path.ends_with('/')),
        "{unvouched:?}"
    );
    let all = store.map_file_stats(&key).unwrap();
    assert!(all["util.py"].vouched && all["web/index.ts"].vouched);

    // An edit git has not seen is read, and its row is read on every run until it is staged.
    write(&root, "cli.py", "def run():\n    return 0\n");
    age(&root, "cli.py");
    let edited = refresh(&mut store, &root).unwrap();
    assert_eq!((edited.parsed, edited.hashed), (1, 1), "{edited:?}");
    let unvouched = store.map_unvouched_file_stats(&key).unwrap();
    assert!(unvouched.contains_key("cli.py"), "{unvouched:?}");
    let again = refresh(&mut store, &root).unwrap();
    assert_eq!((again.parsed, again.hashed), (0, 0), "{again:?}");
    let map = render(&store, &root, 1_000, "").unwrap();
    assert!(map.text.contains("def run():"), "{}", map.text);
    assert!(!map.text.contains("helper(3)"), "{}", map.text);
}

#[test]
fn a_vouched_file_that_went_and_came_back_unchanged_is_mapped_again() {
    let (_dir, root, _repo) = git_project();
    let mut store = Store::open_in_memory().unwrap();
    refresh(&mut store, &root).unwrap();
    refresh(&mut store, &root).unwrap();
    let aside = tempfile::tempdir().unwrap();
    // A rename keeps the mtime: back in place, git's record matches the file again.
    fs::rename(root.join("util.py"), aside.path().join("util.py")).unwrap();
    let gone = refresh(&mut store, &root).unwrap();
    assert_eq!((gone.files, gone.removed), (3, 1), "{gone:?}");
    assert!(
        !render(&store, &root, 1_000, "")
            .unwrap()
            .text
            .contains("util.py")
    );
    fs::rename(aside.path().join("util.py"), root.join("util.py")).unwrap();
    let back = refresh(&mut store, &root).unwrap();
    assert_eq!((back.files, back.parsed), (4, 0), "{back:?}");
    let map = render(&store, &root, 1_000, "").unwrap();
    assert!(map.text.starts_with("util.py:\n"), "{}", map.text);
}

#[test]
fn an_incremental_index_maps_as_a_fresh_one_does() {
    let (_dir, root, repo) = git_project();
    let mut store = Store::open_in_memory().unwrap();
    refresh(&mut store, &root).unwrap();
    let task = "the helper in util.py";
    // Edits git has not seen, a new untracked file, a deleted one; then some of it staged.
    write(
        &root,
        "cli.py",
        "from util import helper\n\ndef run():\n    return helper(4) + helper(5)\n",
    );
    write(&root, "lib/more.py", "def more():\n    return helper(9)\n");
    fs::remove_file(root.join("web/index.ts")).unwrap();
    for step in 0..2 {
        let report = refresh(&mut store, &root).unwrap();
        let mut fresh = Store::open_in_memory().unwrap();
        let from_scratch = refresh(&mut fresh, &root).unwrap();
        assert_eq!(report.files, from_scratch.files, "step {step}");
        assert_eq!(
            blobs_of(&store, &root),
            blobs_of(&fresh, &root),
            "step {step}"
        );
        let incremental = render(&store, &root, 1_000, task).unwrap();
        let scratch = render(&fresh, &root, 1_000, task).unwrap();
        assert_eq!(incremental.text, scratch.text, "step {step}");
        assert!(
            incremental.text.starts_with("util.py:\n"),
            "{}",
            incremental.text
        );
        assert!(
            incremental.text.contains("lib/more.py:"),
            "{}",
            incremental.text
        );
        assert!(
            !incremental.text.contains("index.ts"),
            "{}",
            incremental.text
        );
        // Staging changes git's index: every row is compared once, then vouched for again.
        stage_all(&repo);
    }
}

#[test]
fn a_new_process_maps_from_the_saved_files_as_a_fresh_index_does() {
    let dir = project();
    let root = canonical(&dir);
    let key = index::root_key(&root);
    let mut store = Store::open_in_memory().unwrap();
    refresh(&mut store, &root).unwrap();
    let task = "the helper in util.py";
    render(&store, &root, 1_000, task).unwrap();
    // The first map read every file: they are saved, as of the root's generation.
    let (saved, _) = store.map_graph(&key).unwrap().unwrap();
    assert_eq!(Some(&saved), store.map_generation(&key).unwrap().as_ref());
    // A definition moves to another file, a file comes, one goes.
    write(&root, "util.py", "def unused():\n    pass\n");
    write(
        &root,
        "lib/helpers.py",
        "def helper(x):\n    return x + 2\n",
    );
    write(
        &root,
        "web/more.ts",
        "export function shown(): number { return 2 }\n",
    );
    fs::remove_file(root.join("web/index.ts")).unwrap();
    refresh(&mut store, &root).unwrap();
    let mut fresh = Store::open_in_memory().unwrap();
    refresh(&mut fresh, &root).unwrap();
    let scratch = render(&fresh, &root, 1_000, task).unwrap();
    assert!(
        scratch.text.starts_with("lib/helpers.py:\n"),
        "{}",
        scratch.text
    );
    // A new process: only the saved files, older than the root's, brought up to date.
    forget_kept_graph();
    let from_saved = render(&store, &root, 1_000, task).unwrap();
    assert_eq!(from_saved.text, scratch.text);
    let (still, _) = store.map_graph(&key).unwrap().unwrap();
    assert_eq!(still, saved, "three files read are not saved again");
    // Saved bytes that do not read back are no graph: the map is made from the tags.
    store.map_save_graph(&key, &saved, b"not a graph").unwrap();
    forget_kept_graph();
    assert_eq!(
        render(&store, &root, 1_000, task).unwrap().text,
        scratch.text
    );
}
