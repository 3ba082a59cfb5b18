//! Time to the first token of a fresh process's first request, with and without the prefilled
//! system prompt + tool schemas kept by the prefix store (see docs/benchmarks.md, "Prefill state
//! of the in-process backend across processes").
//!
//! ```text
//! AGENT_BENCH_GGUF=$(scripts/fetch-test-model.sh) \
//!     cargo bench -p agent-models --bench prefix_prefill
//! ```
//!
//! Environment (defaults in brackets):
//!   AGENT_BENCH_GGUF=FILE   the model (required; without it the bench prints how to run it)
//!   AGENT_BENCH_REPS=N      repetitions of each case, median reported [7]
//!
//! Each repetition loads the model anew (as a new process would; the file's pages stay in the
//! page cache) and answers a task request whose system message is the coder's prompt with a
//! check sentence and repository instructions, plus the ten tool schemas the agent sends, then
//! a task. It times `load` and the request up to the first sampled token, in three cases:
//! `off` (no store), `cold` (store on, empty: prefill the system part, write it, prefill the
//! rest) and `warm` (store on, the file there: read it, prefill the rest); and for comparison
//! `memory`: the system part already in this process's KV cache, so only the rest is prefilled
//! (the floor a file can approach). The answers of `cold`
//! and `warm` are compared (eight greedy tokens) before timing.
//!
//! Two more cases time *another* task of the same repository: the file was written by task A's
//! request (its repo map and description), then task B's is answered in a new process.
//! `other`: the layout the agent sends, the map opening the first user message, so the whole
//! system part is read from the file; `other-old`: the layout before it, the map at the end of
//! the system message (before the tools SmolLM2's template writes there), so the file is cut
//! where the maps part and the tools are prefilled again.

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::ops::ControlFlow;
use std::path::Path;
use std::time::Instant;

use agent_models::local::{GenerationConfig, LocalModel, PrefixStore};
use agent_models::{ChatMessage, ChatRequest, ToolSpec};
use candle_core::Device;
use serde_json::json;

type BenchResult<T> = std::result::Result<T, Box<dyn Error>>;

const SYSTEM: &str = "You are agent, a coding agent working in a git worktree of the user's \
repository. Paths are relative to the repository root.

Do the task with the tools. Read and search before you edit; make the smallest change that does \
the task and keep the project's style. Use `edit` to change a file (copy `old` exactly from \
`read` output, without the line numbers, with enough context to be unique); use `write` only for \
new files or full rewrites. When you finish, `cargo test --workspace` runs to check your work.

When the task is done, stop calling tools and reply with a commit message: a subject line in the \
imperative (at most 72 characters, no trailing period), a blank line, then a short body saying \
what changed and why.

# Instructions of this repository (AGENTS.md)
- Rust 2024, workspace of four crates: `models`, `core`, `tui` and the binary in `src/`.
- Every file opens with a `//!` line saying what it owns; keep files under 400 lines.
- No `unwrap()` outside tests; errors are typed per crate with thiserror.
- Tests assert behaviour: real SQLite files and git repositories in temporary directories.
- Run `cargo fmt --all` and `cargo clippy --all-targets -- -D warnings` before committing.";

const TASK: &str = "The `agent history list` command prints conversations oldest first; print \
the newest first, as the help text says, and add a test that fails without the change.";

/// Another task of the same repository, and the maps ranked towards each.
const OTHER_TASK: &str = "`agent map --tokens 0` prints a map anyway; print nothing and say why.";
const MAP: &str = "Repository map (the most used definitions, `path:` then `line: code`):
src/history.rs:
  41: pub fn list(app: &App, args: &ListArgs) -> Result<Exit> {
  88: fn print_conversations(conversations: &[Conversation], painter: &Painter) {
core/src/store/conversations.rs:
  120: pub fn list_conversations(&self, limit: usize) -> Result<Vec<Conversation>> {";
const OTHER_MAP: &str = "Repository map (the most used definitions, `path:` then `line: code`):
src/map.rs:
  23: pub fn run(app: &App, args: &MapArgs) -> Result<Exit> {
core/src/repomap/mod.rs:
  75: pub fn prompt_budget(&self, context_length: u32) -> Option<usize> {
  104: pub fn build(store: &mut Store, root: &Path, budget: usize, task: &str) -> Result<RepoMap> {";

/// Where a request puts its repo map.
#[derive(Clone, Copy)]
enum Layout {
    /// Opening the first user message (what the agent sends).
    Opening,
    /// At the end of the system message (the agent's layout before).
    System,
}

fn tool(name: &str, description: &str, properties: &[(&str, &str)], required: &[&str]) -> ToolSpec {
    let properties: serde_json::Map<String, serde_json::Value> = properties
        .iter()
        .map(|(name, kind)| (name.to_string(), json!({"type": kind})))
        .collect();
    ToolSpec {
        name: name.to_string(),
        description: description.to_string(),
        parameters: json!({"type": "object", "properties": properties, "required": required}),
    }
}

/// The agent's tools as `core/src/tools/specs.rs` writes them.
fn tools() -> Vec<ToolSpec> {
    vec![
        tool(
            "read",
            "Read a text file as numbered lines; start and end are 1-based, inclusive",
            &[("path", "string"), ("start", "integer"), ("end", "integer")],
            &["path"],
        ),
        tool(
            "list",
            "List files under a directory",
            &[("path", "string"), ("depth", "integer")],
            &[],
        ),
        tool(
            "search",
            "Regex search in files; glob filters file names",
            &[
                ("pattern", "string"),
                ("path", "string"),
                ("glob", "string"),
            ],
            &["pattern"],
        ),
        tool(
            "edit",
            "Replace the exact text old, which must occur once, with new",
            &[("path", "string"), ("old", "string"), ("new", "string")],
            &["path", "old", "new"],
        ),
        tool(
            "write",
            "Write a whole file",
            &[("path", "string"), ("content", "string")],
            &["path", "content"],
        ),
        tool(
            "run",
            "Run a shell command in the workspace root",
            &[("command", "string")],
            &["command"],
        ),
        tool(
            "diff",
            "Show your changes so far as a unified diff",
            &[],
            &[],
        ),
        tool(
            "fetch",
            "Fetch a web page as Markdown",
            &[("url", "string")],
            &["url"],
        ),
        tool(
            "browser",
            "Open a web page in Chromium; steps, one per line: fill SELECTOR=TEXT, click SELECTOR, wait SELECTOR",
            &[("url", "string"), ("steps", "string")],
            &["url"],
        ),
        tool(
            "symbols",
            "Find where a name is defined",
            &[("name", "string")],
            &["name"],
        ),
    ]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// One case's timings: model load, request to first token (ms), and the answer.
struct Run {
    load_ms: f64,
    first_token_ms: f64,
    reused: usize,
    tokens: Vec<u32>,
}

fn task_request(path: &Path, task: &str) -> ChatRequest {
    let mut request = ChatRequest::new(
        path.to_string_lossy(),
        vec![ChatMessage::system(SYSTEM), ChatMessage::user(task)],
    );
    request.tools = tools();
    request
}

/// A task's request with its repo map where `layout` puts it.
fn mapped_request(path: &Path, map: &str, task: &str, layout: Layout) -> ChatRequest {
    let (system, user) = match layout {
        Layout::Opening => (SYSTEM.to_string(), format!("{map}\n\n{task}")),
        Layout::System => (format!("{SYSTEM}\n\n{map}"), task.to_string()),
    };
    let mut request = ChatRequest::new(
        path.to_string_lossy(),
        vec![ChatMessage::system(system), ChatMessage::user(user)],
    );
    request.tools = tools();
    request
}

/// Task B's request in a new process after task A's process kept its prefill in `store` (an
/// empty store first): how much of B's prompt the file gave, and the time to B's first token.
fn other_task(path: &Path, store: &PrefixStore, layout: Layout) -> BenchResult<Run> {
    let _ = std::fs::remove_dir_all(store.dir());
    let answer = |request: &ChatRequest| -> BenchResult<Run> {
        let started = Instant::now();
        let mut model = LocalModel::load(path, &Device::Cpu)?;
        model.use_prefix_store(Some(store.clone()));
        let loaded = Instant::now();
        let prompt = model.chat_prompt(request)?;
        let generation = model.generate_chat(&prompt, &GenerationConfig::greedy(1), &mut |_| {
            ControlFlow::Continue(())
        })?;
        Ok(Run {
            load_ms: (loaded - started).as_secs_f64() * 1000.0,
            first_token_ms: loaded.elapsed().as_secs_f64() * 1000.0,
            reused: generation.reused_prompt_tokens,
            tokens: generation.tokens,
        })
    };
    answer(&mapped_request(path, MAP, TASK, layout))?;
    answer(&mapped_request(path, OTHER_MAP, OTHER_TASK, layout))
}

/// One request on a newly loaded model; with `system_cached`, the system part is prefilled
/// first, untimed (the KV cache of this process already holds it).
fn run(
    path: &Path,
    store: Option<&PrefixStore>,
    answer_tokens: u32,
    system_cached: bool,
) -> BenchResult<Run> {
    let started = Instant::now();
    let mut model = LocalModel::load(path, &Device::Cpu)?;
    model.use_prefix_store(store.cloned());
    let mut loaded = Instant::now();
    let load_ms = (loaded - started).as_secs_f64() * 1000.0;
    if system_cached {
        let prompt = model.chat_prompt(&task_request(path, TASK))?;
        model.logits_after(&prompt.tokens[..prompt.stable])?;
        loaded = Instant::now();
    }
    let request = task_request(path, TASK);
    let prompt = model.chat_prompt(&request)?;
    let generation = model.generate_chat(
        &prompt,
        &GenerationConfig::greedy(answer_tokens),
        &mut |_| ControlFlow::Continue(()),
    )?;
    let first_token = loaded.elapsed();
    Ok(Run {
        load_ms,
        first_token_ms: first_token.as_secs_f64() * 1000.0,
        reused: generation.reused_prompt_tokens,
        tokens: generation.tokens,
    })
}

fn main() -> BenchResult<()> {
    let Ok(gguf) = std::env::var("AGENT_BENCH_GGUF") else {
        println!(
            "prefix_prefill: set AGENT_BENCH_GGUF to a GGUF file, e.g. \
             AGENT_BENCH_GGUF=$(scripts/fetch-test-model.sh) cargo bench -p agent-models --bench prefix_prefill"
        );
        return Ok(());
    };
    let reps: usize = match std::env::var("AGENT_BENCH_REPS") {
        Ok(value) => value.trim().parse()?,
        Err(_) => 7,
    };
    let path = Path::new(&gguf);
    let dir = tempfile::tempdir()?;
    let store_dir = dir.path().join("prefill");
    let store = PrefixStore::new(
        &store_dir,
        agent_models::local::prefix_store::DEFAULT_MAX_BYTES,
    );
    // The `memory` case needs the stable part's length, which only a store in use gives; this
    // one is never written (the cache holds the part).
    let unused = PrefixStore::new(dir.path().join("unused"), 1);

    // The three cases give the same answer; the warm one reuses the system part.
    let off = run(path, None, 8, false)?;
    let cold = run(path, Some(&store), 8, false)?;
    let warm = run(path, Some(&store), 8, false)?;
    if cold.tokens != warm.tokens || cold.reused != 0 || warm.reused == 0 {
        return Err(format!(
            "the stored prefix changed the answer or was not used: cold {:?} reused {}, warm {:?} reused {}",
            cold.tokens, cold.reused, warm.tokens, warm.reused
        )
        .into());
    }
    let model = LocalModel::load(path, &Device::Cpu)?;
    let prompt_tokens = model.prompt_tokens(&task_request(path, TASK))?.len();
    let file_bytes: u64 = std::fs::read_dir(&store_dir)?
        .flatten()
        .filter_map(|entry| entry.metadata().ok())
        .map(|meta| meta.len())
        .sum();
    println!(
        "model {gguf}\nengine {} ({} threads)\nprompt {prompt_tokens} tokens, stored system part {} tokens ({:.1} MiB file); answers agree ({} tokens; without a store: {})",
        model.engine_description(),
        model.threads(),
        warm.reused,
        file_bytes as f64 / (1024.0 * 1024.0),
        warm.tokens.len(),
        if off.tokens == warm.tokens {
            "same"
        } else {
            "differs in the last bits of a split prefill"
        },
    );
    for (name, layout) in [("other", Layout::Opening), ("other-old", Layout::System)] {
        let run = other_task(path, &store, layout)?;
        let prompt = model
            .prompt_tokens(&mapped_request(path, OTHER_MAP, OTHER_TASK, layout))?
            .len();
        println!(
            "{name}: task B's prompt {prompt} tokens, {} read from task A's file",
            run.reused
        );
    }
    drop(model);

    let mut results: Vec<(&str, Vec<f64>, Vec<f64>)> = Vec::new();
    for case in ["off", "cold", "warm", "other", "other-old", "memory"] {
        results.push((case, Vec::new(), Vec::new()));
    }
    for _ in 0..reps {
        for (case, loads, first_tokens) in &mut results {
            let run = match *case {
                "off" => run(path, None, 1, false)?,
                "cold" => {
                    let _ = std::fs::remove_dir_all(&store_dir);
                    run(path, Some(&store), 1, false)?
                }
                "warm" => run(path, Some(&store), 1, false)?,
                "other" => other_task(path, &store, Layout::Opening)?,
                "other-old" => other_task(path, &store, Layout::System)?,
                _ => run(path, Some(&unused), 1, true)?,
            };
            loads.push(run.load_ms);
            first_tokens.push(run.first_token_ms);
        }
    }
    println!("case      load ms   request → first token ms (median of {reps}; min–max)");
    for (case, loads, first_tokens) in &mut results {
        let min = first_tokens.iter().copied().fold(f64::INFINITY, f64::min);
        let max = first_tokens
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        println!(
            "{case:<9} {:>7.1}   {:>8.1} ({min:.1}–{max:.1})",
            median(loads),
            median(first_tokens)
        );
    }
    Ok(())
}
