//! `agent task …` end to end: the real binary on real temp git repositories, with a scripted
//! OpenAI-protocol model server on loopback.

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use serde_json::{Value, json};

use crate::common::Home;
use crate::scripted::{Reply, ScriptedServer, call, raw_call, text};

#[path = "task_sandbox.rs"]
mod sandbox;

pub(crate) const BUGGY: &str = "def add(a, b):\n    return a - b\n";
pub(crate) const FIXED: &str = "def add(a, b):\n    return a + b\n";

/// A small Python project in a git repository: a bug, a test that catches it, and a Makefile
/// whose `test` target agent detects as the project's check.
pub(crate) fn project(home: &Home) -> PathBuf {
    let repo = home.work_dir().join("proj");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("calc.py"), BUGGY).unwrap();
    std::fs::write(
        repo.join("test_calc.py"),
        "from calc import add\nresult = add(2, 3)\nassert result == 5, f\"add(2, 3) returned {result}, expected 5\"\nprint('ok')\n",
    )
    .unwrap();
    std::fs::write(repo.join("Makefile"), "test:\n\tpython3 test_calc.py\n").unwrap();
    std::fs::write(repo.join(".gitignore"), "__pycache__/\n").unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["config", "user.name", "Test User"]);
    git(&repo, &["config", "user.email", "test@example.com"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "initial"]);
    repo
}

pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let output = StdCommand::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The state of a checkout a task must not touch: HEAD, branch, status, and every file.
fn snapshot(repo: &Path) -> (String, String, String, Vec<(String, Vec<u8>)>) {
    let mut files = Vec::new();
    for entry in walk(repo) {
        let relative = entry.strip_prefix(repo).unwrap().display().to_string();
        if !relative.starts_with(".git/") {
            files.push((relative, std::fs::read(&entry).unwrap()));
        }
    }
    files.sort();
    (
        git(repo, &["rev-parse", "HEAD"]),
        git(repo, &["branch", "--show-current"]),
        git(repo, &["status", "--porcelain", "--untracked-files=all"]),
        files,
    )
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

pub(crate) fn run_args<'a>(repo: &'a str, server: &'a ScriptedServer) -> Vec<&'a str> {
    vec![
        "task",
        "run",
        "--repo",
        repo,
        "--backend",
        "openai",
        "--base-url",
        &server.base_url,
        "--model",
        "tiny",
        "--approval",
        "auto",
        "--strategy",
        "single",
    ]
}

/// The replies of a model that reads, fixes the bug and writes a commit message.
pub(crate) fn fixing_script() -> Vec<Reply> {
    vec![
        call("read", json!({"path": "calc.py"})),
        call(
            "edit",
            json!({"path": "calc.py", "old": "return a - b", "new": "return a + b"}),
        ),
        text("Fix add to return the sum\n\nadd subtracted its arguments."),
    ]
}

pub(crate) fn task_json(home: &Home, id: &str) -> Value {
    home.json(&["task", "show", id, "--json"])
}

pub(crate) fn events(home: &Home, id: &str) -> Vec<Value> {
    home.ok(&["task", "logs", id, "--json"])
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

pub(crate) fn kinds(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

pub(crate) fn only_task_id(home: &Home) -> String {
    let list = home.json(&["task", "list", "--json"]);
    let tasks = list["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{list}");
    tasks[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn single_shot_fixes_the_bug_verifies_and_commits_on_a_branch() {
    let home = Home::new();
    let repo = project(&home);
    let before = snapshot(&repo);
    let server = ScriptedServer::start(fixing_script());
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("fix the failing test in test_calc.py");
    let output = home.agent().args(&args).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("succeeded"), "{stdout}");
    assert!(stdout.contains("`make test` passed"), "{stdout}");
    assert!(
        stdout.contains("1 file changed, 1 insertion(+), 1 deletion(-)"),
        "{stdout}"
    );

    // The user's checkout is byte for byte what it was.
    assert_eq!(snapshot(&repo), before);

    // The task branch holds one commit with the fix and the model's message.
    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    assert_eq!(task["status"], "succeeded");
    let branch = task["branch"].as_str().unwrap();
    assert!(
        branch.starts_with(&format!("agent/{}-fix-the-failing-test", &id[..8])),
        "{branch}"
    );
    assert_eq!(git(&repo, &["show", &format!("{branch}:calc.py")]), FIXED);
    let message = git(&repo, &["log", "-1", "--format=%B", branch]);
    assert!(
        message.starts_with("Fix add to return the sum\n\nadd subtracted its arguments."),
        "{message}"
    );
    assert!(message.contains(&format!("Agent-Task: {id}")), "{message}");
    assert_eq!(git(&repo, &["rev-parse", &format!("{branch}~1")]), before.0);

    // The model saw the file it read in its second request, and three requests in all.
    assert_eq!(server.requests().len(), 3);
    assert!(server.request_text(1).contains("return a - b"));
    assert_eq!(server.requests()[0]["model"], "tiny");
    let requests = server.requests();
    let tools: Vec<&str> = requests[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tools,
        [
            "read", "list", "search", "edit", "write", "run", "diff", "symbols"
        ]
    );

    // Events, in order.
    let events = events(&home, &id);
    let kinds = kinds(&events);
    let position = |kind: &str| {
        kinds
            .iter()
            .position(|k| k == kind)
            .unwrap_or_else(|| panic!("no {kind} in {kinds:?}"))
    };
    assert_eq!(kinds.first().map(String::as_str), Some("task_created"));
    assert_eq!(kinds.last().map(String::as_str), Some("task_finished"));
    assert!(position("workspace_ready") < position("model_begin"));
    assert!(position("model_begin") < position("tool_call_begin"));
    assert!(position("tool_call_end") < position("verify_begin"));
    assert!(position("verify_end") < position("committed"));
    assert!(position("committed") < position("task_finished"));
    let statuses: Vec<String> = events
        .iter()
        .filter(|e| e["type"] == "task_status")
        .map(|e| e["to"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["running", "verifying", "succeeded"]);
    for (index, event) in events.iter().enumerate() {
        assert_eq!(event["seq"], index as u64 + 1);
        assert_eq!(event["task_id"], id.as_str());
    }
    // The edit's result carries its diff for people (the model read the one-line result).
    let edit_end = events
        .iter()
        .find(|e| e["type"] == "tool_call_end" && e["name"] == "edit")
        .unwrap();
    let diff = edit_end["diff"].as_str().unwrap();
    assert!(
        diff.contains("-    return a - b\n+    return a + b"),
        "{diff}"
    );
    assert!(!server.request_text(2).contains("+    return a + b"));
    let verify_end = &events[position("verify_end")];
    assert_eq!(verify_end["passed"], true);

    // The edit form was recorded for the model.
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let (applied, failed): (i64, i64) = conn
        .query_row(
            "SELECT applied, failed FROM edit_outcomes WHERE model = 'tiny' AND form = 'search_replace'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((applied, failed), (1, 0));
    let calls: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM model_calls WHERE task_id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(calls, 3);
}

#[test]
fn a_failing_check_fails_the_task_keeps_the_branch_and_logs_the_output() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![
        call(
            "edit",
            json!({"path": "calc.py", "old": "return a - b", "new": "return a * b"}),
        ),
        text("Use multiplication in add"),
    ]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("fix add");
    let output = home.agent().args(&args).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("failed"), "{stdout}");

    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    assert_eq!(task["status"], "failed");
    assert!(
        task["error"]
            .as_str()
            .unwrap()
            .contains("verification failed"),
        "{task}"
    );
    let branch = task["branch"].as_str().unwrap();
    assert!(git(&repo, &["branch", "--list", branch]).contains(branch));
    assert!(git(&repo, &["show", &format!("{branch}:calc.py")]).contains("a * b"));
    assert!(git(&repo, &["log", "-1", "--format=%s", branch]).starts_with("wip: "));

    let events = events(&home, &id);
    let verify_end = events.iter().find(|e| e["type"] == "verify_end").unwrap();
    assert_eq!(verify_end["passed"], false);
    assert!(
        verify_end["output"]
            .as_str()
            .unwrap()
            .contains("add(2, 3) returned 6, expected 5"),
        "{verify_end}"
    );
    // And `task logs` shows it to a person too.
    let logs = home.ok(&["task", "logs", &id]);
    assert!(logs.contains("add(2, 3) returned 6, expected 5"), "{logs}");

    // The failed attempt is not applied by accident, and there is nothing to undo yet.
    let refused = home.fails(&["task", "apply", &id], 2);
    assert!(refused.contains("unfinished attempt"), "{refused}");
    assert!(refused.contains("--force"), "{refused}");
    let nothing = home
        .agent()
        .args(["undo", "--repo", &repo_arg])
        .output()
        .unwrap();
    assert_eq!(nothing.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&nothing.stderr);
    assert!(stderr.contains("no applied task to undo"), "{stderr}");
    assert!(stderr.contains("agent task apply ID"), "{stderr}");
}

#[test]
fn refused_paths_and_malformed_calls_are_reported_to_the_model_and_the_task_goes_on() {
    let home = Home::new();
    let repo = project(&home);
    let outside = home.work_dir().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("escape")).unwrap();
    git(&repo, &["add", "escape"]);
    git(&repo, &["commit", "-q", "-m", "a symlink out"]);
    let server = ScriptedServer::start(vec![
        call("write", json!({"path": "../evil.txt", "content": "x"})),
        call("write", json!({"path": "escape/evil.txt", "content": "x"})),
        call("write", json!({"path": ".git/config", "content": "x"})),
        raw_call("edit", "{\"path\": \"calc.py\", \"old\": "),
        call("frobnicate", json!({})),
        call(
            "edit",
            json!({"path": "calc.py", "old": "return a - b", "new": "return a + b"}),
        ),
        text("Fix add"),
    ]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("fix add");
    let output = home.agent().args(&args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!home.work_dir().join("evil.txt").exists());
    assert!(!outside.join("evil.txt").exists());
    assert_eq!(server.requests().len(), 7);
    // Each refusal reached the model as the result of its call.
    let results: Vec<String> = (1..6)
        .map(|i| {
            let request = &server.requests()[i];
            let messages = request["messages"].as_array().unwrap();
            messages.last().unwrap()["content"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        results[0].contains("outside the workspace"),
        "{}",
        results[0]
    );
    assert!(results[1].contains("symlink"), "{}", results[1]);
    assert!(results[2].contains(".git"), "{}", results[2]);
    assert!(!results[3].is_empty(), "malformed arguments get an error");
    assert!(
        results[4].contains("unknown tool `frobnicate`"),
        "{}",
        results[4]
    );
    let id = only_task_id(&home);
    assert_eq!(task_json(&home, &id)["status"], "succeeded");
}

#[test]
fn limits_end_the_task_as_failed_with_the_reason() {
    let cases: [(&[&str], &str); 3] = [
        (&["--max-turns", "2"], "2 model turns"),
        (&["--max-tool-calls", "1"], "1 tool calls"),
        (&["--max-tokens-total", "50"], "tokens"),
    ];
    for (flags, reason) in cases {
        let home = Home::new();
        let repo = project(&home);
        let reads = (0..5)
            .map(|_| call("read", json!({"path": "calc.py"})))
            .collect();
        let server = ScriptedServer::start(reads);
        let repo_arg = repo.display().to_string();
        let mut args = run_args(&repo_arg, &server);
        args.extend_from_slice(flags);
        args.push("read forever");
        let output = home.agent().args(&args).output().unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(1), "{flags:?}: {stdout}");
        let id = only_task_id(&home);
        let task = task_json(&home, &id);
        assert_eq!(task["status"], "failed");
        assert!(
            task["error"].as_str().unwrap().contains(reason),
            "{flags:?}: {task}"
        );
        assert!(kinds(&events(&home, &id)).contains(&"limit_reached".to_string()));
    }
}

#[test]
fn a_backend_that_is_down_fails_the_task_with_a_hint() {
    let home = Home::new();
    let repo = project(&home);
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/v1");
    let output = home
        .agent()
        .args([
            "task",
            "run",
            "--repo",
            repo.to_str().unwrap(),
            "--backend",
            "openai",
            "--base-url",
            &url,
            "--model",
            "tiny",
            "fix add",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot reach openai"), "{stderr}");
    assert!(stderr.contains("hint: start the server"), "{stderr}");
    let id = only_task_id(&home);
    assert_eq!(task_json(&home, &id)["status"], "failed");
}

#[test]
fn json_output_is_one_versioned_event_per_line() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(fixing_script());
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.extend(["--json", "fix add"]);
    let stdout = home.ok(&args);
    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(lines.len() > 10);
    for (index, event) in lines.iter().enumerate() {
        assert_eq!(event["v"], 1, "{event}");
        assert_eq!(event["seq"], index as u64 + 1);
        assert!(event["type"].is_string());
    }
    assert_eq!(lines.last().unwrap()["type"], "task_finished");
    assert_eq!(lines.last().unwrap()["status"], "succeeded");
    // The same events are in the store.
    let id = lines[0]["task_id"].as_str().unwrap();
    assert_eq!(events(&home, id), lines);
}

#[test]
fn without_a_terminal_the_approval_policy_refuses_and_the_model_is_told() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![
        call("run", json!({"command": "touch ran.txt"})),
        call(
            "edit",
            json!({"path": "calc.py", "old": "return a - b", "new": "return a + b"}),
        ),
        text("Fix add"),
    ]);
    let output = home
        .agent()
        .args([
            "task",
            "run",
            "--repo",
            repo.to_str().unwrap(),
            "--backend",
            "openai",
            "--base-url",
            &server.base_url,
            "--model",
            "tiny",
            "--approval",
            "on-command",
            "fix add",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    let branch = task["branch"].as_str().unwrap();
    let files = git(&repo, &["ls-tree", "-r", "--name-only", branch]);
    assert!(
        files.contains("calc.py") && !files.contains("ran.txt"),
        "{files}"
    );
    // The worktree is gone once the work is committed; the branch stays.
    assert!(task["worktree"].is_null(), "{task}");
    let worktrees = home.path().join("data/worktrees");
    assert_eq!(std::fs::read_dir(worktrees).unwrap().count(), 0);
    let told = server.request_text(1);
    assert!(
        told.contains("refused") && told.contains("on-command"),
        "{told}"
    );
    let events = events(&home, &id);
    let decision = events
        .iter()
        .find(|e| e["type"] == "approval_decision")
        .unwrap();
    assert_eq!(decision["approved"], false);
    assert_eq!(decision["by"], "no_terminal");
}

#[test]
fn apply_discard_and_undo_leave_unrelated_user_changes_alone() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(fixing_script());
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("fix add");
    home.ok(&args);
    let id = only_task_id(&home);

    // The user has unrelated work in progress: staged, unstaged and untracked.
    std::fs::write(repo.join("notes.txt"), "mine\n").unwrap();
    std::fs::write(
        repo.join("Makefile"),
        "test:\n\tpython3 test_calc.py\n# edited\n",
    )
    .unwrap();
    std::fs::write(repo.join("staged.txt"), "staged\n").unwrap();
    git(&repo, &["add", "staged.txt"]);
    let status_before = git(&repo, &["status", "--porcelain"]);

    let stdout = home.ok(&["task", "apply", &id[..8]]);
    assert!(stdout.contains("applied task"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(repo.join("calc.py")).unwrap(),
        FIXED
    );
    assert_eq!(
        git(&repo, &["log", "-1", "--format=%s"]).trim(),
        "Fix add to return the sum"
    );
    assert_eq!(git(&repo, &["status", "--porcelain"]), status_before);
    assert_eq!(
        std::fs::read_to_string(repo.join("notes.txt")).unwrap(),
        "mine\n"
    );

    let stdout = home
        .agent()
        .args(["undo"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(
        stdout.status.success(),
        "{}",
        String::from_utf8_lossy(&stdout.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("calc.py")).unwrap(),
        BUGGY
    );
    assert_eq!(git(&repo, &["log", "-1", "--format=%s"]).trim(), "initial");
    assert_eq!(git(&repo, &["status", "--porcelain"]), status_before);
    // Nothing left to undo.
    let output = home
        .agent()
        .args(["undo"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));

    let branch = task_json(&home, &id)["branch"]
        .as_str()
        .unwrap()
        .to_string();
    home.ok(&["task", "discard", &id]);
    assert!(git(&repo, &["branch", "--list", &branch]).trim().is_empty());
    assert_eq!(git(&repo, &["worktree", "list"]).lines().count(), 1);
    assert_eq!(git(&repo, &["status", "--porcelain"]), status_before);
}

#[test]
fn logs_follow_shows_events_while_the_task_runs_and_cancel_stops_it() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![
        call("read", json!({"path": "calc.py"})),
        Reply::After(
            std::time::Duration::from_secs(30),
            Box::new(text("too late")),
        ),
    ]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.extend(["--json", "fix add"]);
    let mut runner = home
        .process()
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();

    // Wait for the second model request: the task is running and stalled.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while server.requests().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the task never reached its second turn"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let id = only_task_id(&home);
    assert_eq!(task_json(&home, &id)["status"], "running");

    let mut follower = home
        .process()
        .args(["task", "logs", &id, "--follow", "--json"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(follower.stdout.take().unwrap()).lines();
    // Events already written arrive while the task is still running.
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["type"], "task_created");
    assert_eq!(task_json(&home, &id)["status"], "running");

    let stdout = home.ok(&["task", "cancel", &id]);
    assert!(stdout.contains("cancel"), "{stdout}");
    let rest: Vec<Value> = lines
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert!(follower.wait().unwrap().success());
    let last = rest.last().unwrap();
    assert_eq!(last["type"], "task_finished");
    assert_eq!(last["status"], "cancelled");

    let status = runner.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(task_json(&home, &id)["status"], "cancelled");
}

#[test]
fn interrupting_a_task_cancels_it_cleanly() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![Reply::After(
        std::time::Duration::from_secs(30),
        Box::new(text("too late")),
    )]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("fix add");
    let runner = home
        .process()
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while server.requests().is_empty() {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let status = StdCommand::new("kill")
        .args(["-INT", &runner.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = runner.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    let id = only_task_id(&home);
    assert_eq!(task_json(&home, &id)["status"], "cancelled");
    home.assert_database_sound();
}

#[test]
fn outside_a_git_repository_the_task_is_refused_with_a_hint() {
    let home = Home::new();
    let server = ScriptedServer::start(vec![]);
    let dir = home.work_dir().join("plain");
    std::fs::create_dir_all(&dir).unwrap();
    let stderr = home.fails(
        &[
            "task",
            "run",
            "--repo",
            dir.to_str().unwrap(),
            "--backend",
            "openai",
            "--base-url",
            &server.base_url,
            "--model",
            "tiny",
            "fix it",
        ],
        2,
    );
    assert!(
        stderr.contains("not a git repository") || stderr.contains("not in a git repository"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: run inside a git repository or pass --repo DIR"),
        "{stderr}"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn retry_runs_the_same_request_again_and_links_the_tasks() {
    let home = Home::new();
    let repo = project(&home);
    let mut replies = vec![text("I could not do it")];
    replies.extend(fixing_script());
    let server = ScriptedServer::start(replies);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.extend(["--verify", "python3 test_calc.py", "fix add"]);
    let output = home.agent().args(&args).output().unwrap();
    // The first attempt changes nothing (and so succeeds without a check).
    assert_eq!(output.status.code(), Some(0));
    let first = only_task_id(&home);
    let stdout = home.ok(&[
        "task",
        "retry",
        &first,
        "--base-url",
        &server.base_url,
        "--approval",
        "auto",
    ]);
    assert!(stdout.contains("succeeded"), "{stdout}");
    let list = home.json(&["task", "list", "--json"]);
    let newest = &list["tasks"][0];
    assert_eq!(newest["retry_of"], first.as_str());
    assert_eq!(newest["description"], "fix add");
    assert_eq!(newest["verify_command"], "python3 test_calc.py");
}

#[test]
fn a_one_turn_answer_costs_one_small_request_with_the_repository_instructions() {
    let home = Home::new();
    let repo = project(&home);
    std::fs::write(repo.join("AGENTS.md"), "Always run make test.\n").unwrap();
    std::fs::create_dir_all(repo.join("lib")).unwrap();
    std::fs::write(repo.join("lib/AGENTS.md"), "Library code: no prints.\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "instructions"]);
    let server = ScriptedServer::start(vec![text("Nothing to change: add is already right")]);
    let lib = repo.join("lib").display().to_string();
    let mut args = run_args(&lib, &server);
    args.push("check whether add is right");
    let stdout = home.ok(&args);
    assert!(
        stdout.contains("finished without changing any file"),
        "{stdout}"
    );
    assert_eq!(server.requests().len(), 1);
    // Nothing to review: neither a branch nor a worktree is left behind.
    assert!(
        git(&repo, &["branch", "--list", "agent/*"])
            .trim()
            .is_empty()
    );
    assert_eq!(git(&repo, &["worktree", "list"]).lines().count(), 1);
    assert!(task_json(&home, &only_task_id(&home))["branch"].is_null());

    let request = &server.requests()[0];
    let system = request["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("Always run make test."), "{system}");
    assert!(system.contains("Library code: no prints."), "{system}");
    assert!(
        system.contains("`make test` runs to check your work"),
        "{system}"
    );
    // The repo map opens the request, before the task: the system prompt is the same for
    // every task of the repository.
    let opening = request["messages"][1]["content"].as_str().unwrap();
    assert!(opening.starts_with("Repository map"), "{opening}");
    assert!(
        opening.ends_with("\n\ncheck whether add is right"),
        "{opening}"
    );
    assert!(!system.contains("Repository map"), "{system}");
    // System prompt plus tool schemas stay well under 1,000 tokens (~4 characters each).
    let size = system.len() + request["tools"].to_string().len();
    assert!(
        size < 4_000,
        "the first request's fixed part is {size} characters"
    );
}

#[test]
fn a_repository_can_override_the_coder_prompt() {
    let home = Home::new();
    let repo = project(&home);
    std::fs::create_dir_all(repo.join(".agent/prompts")).unwrap();
    std::fs::write(
        repo.join(".agent/prompts/coder.md"),
        "You are the house coder. {{verify}}",
    )
    .unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "prompt"]);
    let server = ScriptedServer::start(vec![text("Nothing to do")]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("look around");
    home.ok(&args);
    let system = server.requests()[0]["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        system,
        "You are the house coder. When you finish, `make test` runs to check your work."
    );
}

#[test]
fn uncommitted_changes_stay_out_of_the_task_and_the_user_is_told() {
    let home = Home::new();
    let repo = project(&home);
    std::fs::write(repo.join("calc.py"), "def add(a, b):\n    return b - a\n").unwrap();
    let server = ScriptedServer::start(fixing_script());
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("fix add");
    let output = home.agent().args(&args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("1 file(s) with uncommitted changes are not part of the task"),
        "{stderr}"
    );
    // The task worked from HEAD, and the user's edit is still there.
    assert!(server.request_text(1).contains("return a - b"));
    assert_eq!(
        std::fs::read_to_string(repo.join("calc.py")).unwrap(),
        "def add(a, b):\n    return b - a\n"
    );
}

#[test]
fn tasks_of_a_cargo_project_share_one_build_directory() {
    let home = Home::new();
    let repo = project(&home);
    std::fs::write(repo.join("Cargo.toml"), "[workspace]\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "cargo"]);
    // What the check saw, for a task run with `CARGO_TARGET_DIR` as given (or unset).
    let check_output = |cargo_target_dir: Option<&str>| -> String {
        let server = ScriptedServer::start(fixing_script());
        let repo_arg = repo.display().to_string();
        let mut args = run_args(&repo_arg, &server);
        args.extend(["--verify", "echo \"target=$CARGO_TARGET_DIR\"", "fix add"]);
        let mut command = home.agent();
        match cargo_target_dir {
            Some(dir) => command.env("CARGO_TARGET_DIR", dir),
            None => command.env_remove("CARGO_TARGET_DIR"),
        };
        let output = command.args(&args).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let list = home.json(&["task", "list", "--json"]);
        let id = list["tasks"][0]["id"].as_str().unwrap().to_string();
        let end = events(&home, &id)
            .into_iter()
            .find(|e| e["type"] == "verify_end")
            .unwrap();
        end["output"].as_str().unwrap().trim().to_string()
    };
    let first = check_output(None);
    let shared = format!(
        "target={}",
        home.path().join("cache/targets/proj-").display()
    );
    assert!(first.starts_with(&shared), "{first}");
    assert_eq!(
        check_output(None),
        first,
        "both tasks use the same directory"
    );
    // A directory the user chose is kept.
    assert_eq!(
        check_output(Some("/somewhere/mine")),
        "target=/somewhere/mine"
    );
}

#[test]
fn bad_task_input_gets_one_line_errors_with_hints() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();
    let stderr = home.fails(&["task", "run", "--repo", &repo_arg, " "], 2);
    assert!(stderr.contains("hint: say what to do"), "{stderr}");
    let stderr = home.fails(&["task", "show", "nope"], 3);
    assert!(
        stderr.contains("hint: `agent task list` shows task ids"),
        "{stderr}"
    );
    // A git error keeps its class and hint: outside a repository, `undo` is a usage error.
    let outside = home.work_dir().join("plain");
    std::fs::create_dir_all(&outside).unwrap();
    let stderr = home.fails(&["undo", "--repo", outside.to_str().unwrap()], 2);
    assert!(
        stderr.contains("hint: run inside a git repository"),
        "{stderr}"
    );
}
