//! Repo map benchmark: indexes a tree of real source files (by default 10,000 files of the
//! crates under `~/.cargo/registry/src`), then times a re-index with nothing changed, a
//! re-index after one file changed, the map for a prompt (the process keeping its ranking graph
//! from one prompt to the next), the first map after a file changed (the graph brought up to
//! date) and the first map in a new process (as each `agent task run` is: the files saved in the
//! store as ids), printing a Markdown table.
//!
//! `cargo bench -p agent-core --bench repomap`. Environment variables:
//!
//! - `AGENT_BENCH_MAP_SRC`: the directory the files come from (default
//!   `$CARGO_HOME/registry/src`, `~/.cargo/registry/src` without `CARGO_HOME`);
//! - `AGENT_BENCH_MAP_FILES` (default 10000): how many source files (Rust, Python, JavaScript,
//!   TypeScript, Go; first by path) go into the tree. They are hard-linked into a temporary
//!   directory (copied where linking fails); the file that is changed is copied first, so the
//!   source is never written;
//! - `AGENT_BENCH_MAP_RUNS` (default 20): timed runs of each re-index and map;
//! - `AGENT_BENCH_MAP_DIR=DIR`: build the tree and the database in `DIR` and keep them; a tree
//!   already there is reused (its "full index" is then the re-index it needs);
//! - `AGENT_BENCH_MAP_GIT` (default 1): make the tree a git repository (`git init`, `git add
//!   -A`) before the first index, as a user's checkout is; `0` leaves it a plain directory (the
//!   walk is timed instead of git's index);
//! - `AGENT_BENCH_MAP_PRINT` (set): print the map for the prompt after the table.
//!
//! Run without `--bench` (as `cargo test --benches` does) it uses 200 files as a smoke check.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::Instant;

use agent_core::repomap::{self, Lang};
use agent_core::store::{Store, StoreOptions};

type BenchResult<T> = Result<T, Box<dyn Error>>;

fn main() -> BenchResult<()> {
    let smoke = !std::env::args().any(|arg| arg == "--bench");
    let source = match std::env::var_os("AGENT_BENCH_MAP_SRC") {
        Some(dir) => PathBuf::from(dir),
        None => cargo_home()?.join("registry/src"),
    };
    let wanted: usize = match std::env::var("AGENT_BENCH_MAP_FILES") {
        Ok(count) => count.parse()?,
        Err(_) if smoke => 200,
        Err(_) => 10_000,
    };
    let runs: usize = match std::env::var("AGENT_BENCH_MAP_RUNS") {
        Ok(count) => count.parse()?,
        Err(_) if smoke => 3,
        Err(_) => 20,
    };
    if smoke {
        println!("(smoke run: pass `--bench`, as `cargo bench` does, for the full size)\n");
    }
    let temporary = tempfile::tempdir()?;
    let work = match std::env::var_os("AGENT_BENCH_MAP_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => temporary.path().to_path_buf(),
    };
    let tree = work.join("tree");
    let (files, bytes) = if tree.is_dir() {
        let mut paths = Vec::new();
        collect(&tree, &mut paths)?;
        let bytes = paths
            .iter()
            .map(|path| std::fs::metadata(path).map_or(0, |m| m.len()))
            .sum();
        (paths.len(), bytes)
    } else {
        link_tree(&source, &tree, wanted)?
    };
    let tree = tree.canonicalize()?;
    let git = std::env::var("AGENT_BENCH_MAP_GIT").map_or(true, |value| value != "0");
    if git && !tree.join(".git").exists() {
        let started = Instant::now();
        for args in [&["init", "-q"][..], &["add", "-A"][..]] {
            let status = std::process::Command::new("git")
                .args(args)
                .current_dir(&tree)
                .status()?;
            if !status.success() {
                return Err(format!("git {args:?} failed in {}", tree.display()).into());
            }
        }
        println!("git init + add: {:.0} ms", ms(started));
    }
    println!(
        "tree: {files} source files, {:.1} MiB, from {}\n",
        bytes as f64 / (1 << 20) as f64,
        source.display()
    );
    let mut store = Store::open(&work.join("agent.db"), &StoreOptions::default())?;

    let started = Instant::now();
    let full = repomap::refresh(&mut store, &tree)?;
    let full_ms = ms(started);
    // Files with the same content (a file unchanged between two versions of a crate) are one
    // blob, parsed once.
    assert!(full.parsed <= full.files, "{full:?}");

    let unchanged = time_runs(runs, || {
        let report = repomap::refresh(&mut store, &tree)?;
        assert_eq!(report.parsed, 0);
        Ok(())
    })?;

    let victim = first_source_file(&tree)?;
    let original = std::fs::read(&victim)?;
    // Break the hard link: the change goes to a copy, never to the source tree.
    std::fs::remove_file(&victim)?;
    std::fs::write(&victim, &original)?;
    let mut generation = 0_u32;
    let one_changed = time_runs(runs, || {
        generation += 1;
        let mut content = original.clone();
        content.extend_from_slice(format!("\nfn bench_change_{generation}() {{}}\n").as_bytes());
        std::fs::write(&victim, content)?;
        let report = repomap::refresh(&mut store, &tree)?;
        assert_eq!(report.parsed, 1, "{report:?}");
        Ok(())
    })?;

    let task = "fix the parser: parse_args returns Err on an empty Vec and Serialize panics";
    let mut shown = (0, 0, 0);
    let mut text = String::new();
    let render = time_runs(runs, || {
        let map = repomap::render(&store, &tree, repomap::DEFAULT_TOKENS, task)?;
        shown = (map.tokens, map.definitions, map.files_shown);
        text = map.text;
        Ok(())
    })?;
    let prompt = time_runs(runs, || {
        repomap::build(&mut store, &tree, repomap::DEFAULT_TOKENS, task)?;
        Ok(())
    })?;
    // The first map after an edit: the ranking graph a process keeps is made again.
    let after_change = time_runs(runs.div_ceil(2), || {
        generation += 1;
        let mut content = original.clone();
        content.extend_from_slice(format!("\nfn bench_change_{generation}() {{}}\n").as_bytes());
        std::fs::write(&victim, content)?;
        let map = repomap::build(&mut store, &tree, repomap::DEFAULT_TOKENS, task)?;
        assert_eq!(map.index.parsed, 1, "{:?}", map.index);
        Ok(())
    })?;

    // A new process (as each `agent task run` is): no graph kept, the files saved in the store
    // (as ids) brought up to date.
    let new_process = time_runs(runs, || {
        repomap::forget_kept_graph();
        repomap::render(&store, &tree, repomap::DEFAULT_TOKENS, task)?;
        Ok(())
    })?;
    let mut map_part = Vec::new();
    let new_process_changed = time_runs(runs.div_ceil(2), || {
        generation += 1;
        let mut content = original.clone();
        content.extend_from_slice(format!("\nfn bench_change_{generation}() {{}}\n").as_bytes());
        std::fs::write(&victim, content)?;
        repomap::forget_kept_graph();
        let map = repomap::build(&mut store, &tree, repomap::DEFAULT_TOKENS, task)?;
        assert_eq!(map.index.parsed, 1, "{:?}", map.index);
        map_part.push(map.map_ms);
        Ok(())
    })?;
    map_part.sort_by(f64::total_cmp);

    println!("| step | runs | p50 ms | max ms |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| full index ({} files, {} distinct blobs parsed) | 1 | {full_ms:.0} | {full_ms:.0} |",
        full.files, full.parsed
    );
    row("re-index, nothing changed", &unchanged);
    row("re-index, one file changed", &one_changed);
    row("map for a prompt (rank + fit, index current)", &render);
    row("map for a prompt (re-index + rank + fit)", &prompt);
    row(
        "first map after one file changed (re-index + graph + rank + fit)",
        &after_change,
    );
    row(
        "first map in a new process, files unchanged (rank + fit)",
        &new_process,
    );
    row(
        "first map in a new process after one file changed (re-index + rank + fit)",
        &new_process_changed,
    );
    row("  of which the map (graph + rank + fit)", &map_part);
    println!(
        "\nmap: {} tokens, {} definitions in {} files (budget {})",
        shown.0,
        shown.1,
        shown.2,
        repomap::DEFAULT_TOKENS
    );
    if std::env::var_os("AGENT_BENCH_MAP_PRINT").is_some() {
        println!("\n{text}");
    }
    Ok(())
}

/// Hard-links (or copies) the first `wanted` source files under `source` into `tree`.
fn link_tree(source: &Path, tree: &Path, wanted: usize) -> BenchResult<(usize, u64)> {
    let mut paths = Vec::new();
    collect(source, &mut paths)?;
    paths.sort();
    let mut bytes = 0;
    let mut count = 0;
    for path in paths.into_iter().take(wanted) {
        let relative = path.strip_prefix(source)?;
        let target = tree.join(relative);
        std::fs::create_dir_all(target.parent().ok_or("no parent")?)?;
        if std::fs::hard_link(&path, &target).is_err() {
            std::fs::copy(&path, &target)?;
        }
        bytes += std::fs::metadata(&target)?.len();
        count += 1;
    }
    Ok((count, bytes))
}

/// Every source file under `dir` (no hidden entries, no symlinks).
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> BenchResult<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            collect(&path, out)?;
        } else if kind.is_file()
            && Lang::of_path(&path).is_some()
            && entry.metadata()?.len() <= 1 << 20
        {
            out.push(path);
        }
    }
    Ok(())
}

fn first_source_file(tree: &Path) -> BenchResult<PathBuf> {
    let mut paths = Vec::new();
    collect(tree, &mut paths)?;
    paths.sort();
    paths
        .into_iter()
        .find(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .ok_or_else(|| "no Rust file in the tree".into())
}

fn time_runs(runs: usize, mut step: impl FnMut() -> BenchResult<()>) -> BenchResult<Vec<f64>> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        step()?;
        times.push(ms(started));
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

fn row(name: &str, sorted: &[f64]) {
    let p50 = sorted[sorted.len() / 2];
    let max = sorted[sorted.len() - 1];
    println!("| {name} | {} | {p50:.1} | {max:.1} |", sorted.len());
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

fn cargo_home() -> BenchResult<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Ok(PathBuf::from(home));
    }
    let home = std::env::var_os("HOME").ok_or("neither CARGO_HOME nor HOME is set")?;
    Ok(PathBuf::from(home).join(".cargo"))
}
