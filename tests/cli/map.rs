//! `agent map` and the repo map in tasks: tree-sitter tags of a real git repository, kept in the
//! store by blob id (only new content is parsed), ranked, fitted to a budget; the map in the
//! task's system prompt and the `symbols` tool answering the model.

use std::path::PathBuf;

use serde_json::json;

use crate::common::Home;
use crate::scripted::{ScriptedServer, call, text};
use crate::task::{git, project, run_args};

/// A small repository in four languages: `core/engine.rs`'s `Engine` is the most used.
fn polyglot(home: &Home) -> PathBuf {
    let repo = home.work_dir().join("poly");
    let files: &[(&str, &str)] = &[
        (
            "core/engine.rs",
            "pub struct Engine {\n    speed: u32,\n}\n\nimpl Engine {\n    pub fn start(&self) -> bool {\n        true\n    }\n}\n",
        ),
        (
            "core/main.rs",
            "mod engine;\nuse engine::Engine;\n\nfn main() {\n    let e = Engine { speed: 1 };\n    e.start();\n    drive(&e);\n}\n\nfn drive(e: &Engine) {\n    e.start();\n}\n",
        ),
        (
            "core/garage.rs",
            "use crate::engine::Engine;\n\npub fn park(e: &Engine) -> bool {\n    e.start()\n}\n",
        ),
        (
            "tools/report.py",
            "import json\n\nclass Report:\n    def render(self):\n        return summarize(self)\n\ndef summarize(report):\n    return json.dumps({})\n",
        ),
        (
            "web/app.ts",
            "export interface Config { url: string }\n\nexport function loadConfig(): Config {\n  return { url: '' }\n}\n",
        ),
        (
            "web/main.js",
            "import { loadConfig } from './app'\nloadConfig()\n",
        ),
        (
            "svc/server.go",
            "package svc\n\ntype Server struct{}\n\nfunc (s *Server) Serve() { listen() }\n\nfunc listen() {}\n",
        ),
        ("README.md", "# Poly\n"),
        ("build/generated.rs", "pub fn generated_code() {}\n"),
        (".gitignore", "build/\n"),
    ];
    for (path, content) in files {
        let path = repo.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(
        &repo,
        &[
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "initial",
        ],
    );
    repo
}

fn map_json(home: &Home, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["map", "--json"];
    all.extend_from_slice(args);
    home.json(&all)
}

fn blobs_stored(home: &Home) -> i64 {
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    conn.query_row("SELECT COUNT(*) FROM map_blobs", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn the_map_ranks_definitions_and_parses_only_new_content() {
    let home = Home::new();
    let repo = polyglot(&home);
    let path = repo.display().to_string();

    let first = map_json(&home, &[&path]);
    assert_eq!(first["index"]["files"], 7, "{first}");
    assert_eq!(first["index"]["parsed"], 7, "{first}");
    assert_eq!(blobs_stored(&home), 7);
    let map = first["map"].as_str().unwrap();
    // The most referenced file comes first, each definition with its line.
    assert!(
        map.starts_with("core/engine.rs:\n  1: pub struct Engine {\n"),
        "{map}"
    );
    assert!(map.contains("  6: pub fn start(&self) -> bool {"), "{map}");
    assert!(map.contains("tools/report.py:\n"), "{map}");
    assert!(map.contains("  3: class Report:"), "{map}");
    assert!(map.contains("web/app.ts:\n"), "{map}");
    assert!(
        map.contains("export function loadConfig(): Config {"),
        "{map}"
    );
    assert!(map.contains("svc/server.go:\n"), "{map}");
    assert!(
        map.contains("func (s *Server) Serve() { listen() }"),
        "{map}"
    );
    assert!(
        !map.contains("generated_code"),
        "ignored files stay out: {map}"
    );
    assert!(!map.contains("README"), "{map}");

    // Nothing changed: nothing is parsed again.
    let again = map_json(&home, &[&path]);
    assert_eq!(again["index"]["parsed"], 0, "{again}");
    assert_eq!(again["map"], first["map"]);

    // One file changed: that file alone is parsed, and the map shows the change.
    std::fs::write(
        repo.join("tools/report.py"),
        "import json\n\nclass Report:\n    def render(self):\n        return summarize(self)\n\ndef summarize(report):\n    return json.dumps({})\n\ndef archive(report):\n    pass\n",
    )
    .unwrap();
    let changed = map_json(&home, &[&path]);
    assert_eq!(changed["index"]["parsed"], 1, "{changed}");
    assert_eq!(changed["index"]["files"], 7, "{changed}");
    // The old content is still git's (the edit is not staged): kept for checkouts of it.
    assert_eq!(changed["index"]["purged_blobs"], 0, "{changed}");
    assert_eq!(blobs_stored(&home), 8);
    assert!(
        changed["map"]
            .as_str()
            .unwrap()
            .contains("def archive(report):"),
        "{changed}"
    );

    // Another checkout of the same content (as a task's worktree is) parses nothing.
    let copy = home.work_dir().join("copy");
    git(
        &home.work_dir(),
        &["clone", "-q", &path, copy.to_str().unwrap()],
    );
    let cloned = map_json(&home, &[copy.to_str().unwrap()]);
    assert_eq!(cloned["index"]["files"], 7, "{cloned}");
    assert_eq!(cloned["index"]["parsed"], 0, "{cloned}");

    // The first checkout deleted (a task's worktree removed): its rows go at the next index,
    // and the blobs only it had go with them.
    std::fs::write(copy.join("extra.py"), "def only_in_copy():\n    pass\n").unwrap();
    let extra = map_json(&home, &[copy.to_str().unwrap()]);
    assert_eq!(extra["index"]["parsed"], 1, "{extra}");
    assert_eq!(blobs_stored(&home), 9);
    std::fs::remove_dir_all(&copy).unwrap();
    let after = map_json(&home, &[&path]);
    assert_eq!(after["index"]["purged_roots"], 1, "{after}");
    // Its own file and the committed `report.py` no remaining tree has.
    assert_eq!(after["index"]["purged_blobs"], 2, "{after}");
    assert_eq!(blobs_stored(&home), 7);
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let roots: i64 = conn
        .query_row("SELECT COUNT(DISTINCT root) FROM map_files", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(roots, 1);
    let defs: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM map_defs WHERE name = 'only_in_copy'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(defs, 0);
}

#[test]
fn the_budget_and_the_focus_shape_the_map() {
    let home = Home::new();
    let repo = polyglot(&home);
    let path = repo.display().to_string();
    let small = home.ok(&["map", "--tokens", "12", &path]);
    assert!(small.chars().count() <= 48, "{small}");
    assert!(small.starts_with("core/engine.rs:\n"), "{small}");

    let focused = home.ok(&[
        "map",
        "--tokens",
        "12",
        "--focus",
        "speed up svc/server.go",
        &path,
    ]);
    assert!(focused.starts_with("svc/server.go:\n"), "{focused}");

    // Without PATH: the repository containing the current directory.
    let inside = home
        .agent()
        .args(["map", "--tokens", "12"])
        .current_dir(repo.join("tools"))
        .output()
        .unwrap();
    assert!(inside.status.success());
    assert_eq!(String::from_utf8(inside.stdout).unwrap(), small);
}

#[test]
fn bad_paths_and_empty_trees_get_one_line() {
    let home = Home::new();
    let missing = home.work_dir().join("missing");
    let stderr = home.fails(&["map", missing.to_str().unwrap()], 2);
    assert!(stderr.contains("cannot map"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
    let stderr = home.fails(&["map", "--tokens", "0"], 2);
    assert!(stderr.contains("--tokens"), "{stderr}");

    let empty = home.work_dir().join("docs");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::write(empty.join("notes.md"), "# notes\n").unwrap();
    let output = home
        .agent()
        .args(["map", empty.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("no definitions found"), "{stderr}");
}

fn system_prompt(request: &serde_json::Value) -> &str {
    request["messages"][0]["content"].as_str().unwrap()
}

/// The first user message: the map (when there is one), then the task.
fn opening(request: &serde_json::Value) -> &str {
    request["messages"][1]["content"].as_str().unwrap()
}

fn tool_names(request: &serde_json::Value) -> Vec<String> {
    request["tools"]
        .as_array()
        .map(|tools| {
            tools
                .iter()
                .map(|tool| tool["function"]["name"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_task_gets_the_map_in_its_prompt_and_looks_symbols_up() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![
        call("symbols", json!({"name": "add"})),
        call("symbols", json!({"name": "nothing_like_this"})),
        text("add is defined in calc.py"),
    ]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("where is add defined?");
    home.ok(&args);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    // The map opens the first request; the system prompt stays the same from task to task.
    let system = system_prompt(&requests[0]);
    assert!(!system.contains("Repository map"), "{system}");
    let first = opening(&requests[0]);
    assert!(first.starts_with("Repository map"), "{first}");
    assert!(first.contains("calc.py:\n  1: def add(a, b):"), "{first}");
    assert!(first.ends_with("\n\nwhere is add defined?"), "{first}");
    assert!(tool_names(&requests[0]).contains(&"symbols".to_owned()));
    let found = requests[1].to_string();
    assert!(
        found.contains("calc.py:1: def add(a, b): (function)"),
        "{found}"
    );
    let missing = requests[2].to_string();
    assert!(
        missing.contains("no definition of `nothing_like_this` found"),
        "{missing}"
    );
    // The first request stays small with the map and the tool (≈ 4 characters a token).
    let size = system.len() + first.len() + requests[0]["tools"].to_string().len();
    assert!(
        size < 4_000,
        "the first request's fixed part is {size} characters"
    );
}

#[test]
fn map_enabled_false_leaves_the_map_and_the_tool_out() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![text("nothing to do")]);
    let repo_arg = repo.display().to_string();
    let mut args = vec!["-c", "map.enabled=false"];
    args.extend(run_args(&repo_arg, &server));
    args.push("look at add");
    home.ok(&args);
    let request = &server.requests()[0];
    assert_eq!(opening(request), "look at add");
    assert!(!tool_names(request).contains(&"symbols".to_owned()));
    assert!(tool_names(request).contains(&"read".to_owned()));

    // A tiny context has no room for a map.
    let server = ScriptedServer::start(vec![text("nothing to do")]);
    let mut args = run_args(&repo_arg, &server);
    args.extend(["--context", "600", "look at add"]);
    home.ok(&args);
    assert_eq!(opening(&server.requests()[0]), "look at add");
}
