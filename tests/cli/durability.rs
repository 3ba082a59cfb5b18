//! Tasks survive their process: a task whose `agent` was killed is found and ended, SIGTERM and
//! SIGHUP end a task as Ctrl-C does, eight tasks at once on one repository all get their
//! branches, and a task that cannot start (no commits, unknown base) leaves nothing behind.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::Home;
use crate::scripted::{Reply, ScriptedServer, call, text};
use crate::task::{events, git, project, run_args, task_json};

/// Starts `agent task run` on `repo` against a model that answers one call, then stalls for
/// 30 s; returns once the task is waiting on that stalled request.
fn stalled_task(home: &Home, repo: &Path) -> (Child, ScriptedServer) {
    let server = ScriptedServer::start(vec![
        call("read", json!({"path": "calc.py"})),
        Reply::After(Duration::from_secs(30), Box::new(text("too late"))),
    ]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.extend(["--json", "fix add"]);
    let runner = home
        .process()
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(
        Duration::from_secs(60),
        "the task's second model request",
        || server.requests().len() >= 2,
    );
    (runner, server)
}

fn wait_for(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn only_task(home: &Home) -> Value {
    let list = home.json(&["task", "list", "--json"]);
    let tasks = list["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{list}");
    tasks[0].clone()
}

#[test]
fn a_task_whose_process_was_killed_shows_as_interrupted_and_can_be_discarded() {
    let home = Home::new();
    let repo = project(&home);
    let (mut runner, _server) = stalled_task(&home, &repo);
    let pid = runner.id();
    runner.kill().unwrap(); // SIGKILL: nothing of agent runs after it.

    // Not even collected yet (a zombie): `task list` already knows it is gone.
    let task = only_task(&home);
    runner.wait().unwrap();
    let id = task["id"].as_str().unwrap().to_string();
    assert_eq!(task["status"], "cancelled", "{task}");
    let reason = format!("its process {pid} ended without finishing");
    assert_eq!(task["error"], reason.as_str(), "{task}");
    assert_eq!(
        task["summary"],
        format!("interrupted: {reason}").as_str(),
        "{task}"
    );
    let show = home.ok(&["task", "show", &id]);
    assert!(show.contains(&reason), "{show}");

    // Its log ends like any other task's, so `logs --follow` ends too.
    let log = events(&home, &id);
    let last = log.last().unwrap();
    assert_eq!(last["type"], "task_finished", "{last}");
    assert_eq!(last["status"], "cancelled");
    let follow = home.ok(&["task", "logs", &id, "--follow", "--json"]);
    assert!(follow.contains("task_finished"), "{follow}");

    // Its worktree and branch were kept, as for a cancel; discard removes both.
    let branch = task["branch"].as_str().unwrap().to_string();
    let worktree = PathBuf::from(task["worktree"].as_str().unwrap());
    assert!(worktree.exists());
    let stdout = home.ok(&["task", "discard", &id]);
    assert!(stdout.contains(&branch), "{stdout}");
    assert!(git(&repo, &["branch", "--list", &branch]).trim().is_empty());
    assert!(!worktree.exists());
    assert_eq!(git(&repo, &["worktree", "list"]).lines().count(), 1);
    home.assert_database_sound();
}

#[test]
fn cancelling_a_task_whose_process_died_takes_effect_at_once() {
    let home = Home::new();
    let repo = project(&home);
    let (mut runner, _server) = stalled_task(&home, &repo);
    let pid = runner.id();
    runner.kill().unwrap();
    runner.wait().unwrap();
    // Read the id straight from the database: no command that recovers may run before cancel.
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let (id, status): (String, String) = conn
        .query_row("SELECT id, status FROM tasks", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(status, "running");
    let started = Instant::now();
    let stdout = home.ok(&["task", "cancel", &id]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        stdout.contains(&format!("its process {pid} ended without finishing")),
        "{stdout}"
    );
    assert_eq!(task_json(&home, &id)["status"], "cancelled");
}

#[test]
fn sigterm_and_sighup_end_a_task_as_ctrl_c_does() {
    let home = Home::new();
    let repo = project(&home);
    for signal in ["-TERM", "-HUP"] {
        let (runner, _server) = stalled_task(&home, &repo);
        let status = std::process::Command::new("kill")
            .args([signal, &runner.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let output = runner.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(130),
            "{signal}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let list = home.json(&["task", "list", "--json"]);
    let tasks = list["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2, "{list}");
    for task in tasks {
        assert_eq!(task["status"], "cancelled", "{task}");
        // Ended by the runner itself, not found orphaned later.
        assert_eq!(task["error"], Value::Null, "{task}");
    }
    home.assert_database_sound();
}

/// A repository with one commit and no check to detect.
fn plain_repo(home: &Home) -> PathBuf {
    let repo = home.work_dir().join("plain");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("README.md"), "# plain\n").unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["config", "user.name", "Test User"]);
    git(&repo, &["config", "user.email", "test@example.com"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "initial"]);
    repo
}

#[test]
fn eight_tasks_at_once_on_one_repository_all_get_their_branch() {
    const TASKS: usize = 8;
    // A fresh home: the eight processes also race to create and migrate the database.
    let home = Home::new();
    let repo = plain_repo(&home);
    let repo_arg = repo.display().to_string();
    let servers: Vec<ScriptedServer> = (0..TASKS)
        .map(|i| {
            ScriptedServer::start(vec![
                call(
                    "write",
                    json!({"path": format!("note{i}.txt"), "content": format!("note {i}\n")}),
                ),
                text(&format!("Add note {i}\n\nA note.")),
            ])
        })
        .collect();
    let runners: Vec<Child> = servers
        .iter()
        .enumerate()
        .map(|(i, server)| {
            let mut args = run_args(&repo_arg, server);
            let description = format!("add note {i}");
            args.push(&description);
            home.process()
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, runner) in runners.into_iter().enumerate() {
        let output = runner.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "task {i}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let list = home.json(&["task", "list", "--json"]);
    let tasks = list["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), TASKS, "{list}");
    let mut branches = Vec::new();
    for task in tasks {
        assert_eq!(task["status"], "succeeded", "{task}");
        let branch = task["branch"].as_str().unwrap().to_string();
        let files = git(&repo, &["ls-tree", "--name-only", &branch]);
        assert_eq!(files.lines().count(), 2, "{branch}: {files}");
        branches.push(branch);
    }
    branches.sort();
    let listed = git(
        &repo,
        &["branch", "--list", "agent/*", "--format=%(refname:short)"],
    );
    let mut listed: Vec<String> = listed.lines().map(str::to_string).collect();
    listed.sort();
    assert_eq!(listed, branches);

    // Discarding them all at once removes every branch it says it removed.
    let discards: Vec<Child> = tasks
        .iter()
        .map(|task| {
            home.process()
                .args(["task", "discard", task["id"].as_str().unwrap()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for discard in discards {
        let output = discard.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(git(&repo, &["branch", "--list", "agent/*"]), "");
    home.assert_database_sound();
}

#[test]
fn a_task_that_cannot_start_exits_2_and_records_nothing() {
    let home = Home::new();
    let server = ScriptedServer::start(vec![]);

    let empty = home.work_dir().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    git(&empty, &["init", "-q", "-b", "main"]);
    let empty_arg = empty.display().to_string();
    let mut args = run_args(&empty_arg, &server);
    args.push("fix it");
    let stderr = home.fails(&args, 2);
    assert!(stderr.contains("has no commits yet"), "{stderr}");
    assert!(stderr.contains("hint: make a first commit"), "{stderr}");

    let repo = plain_repo(&home);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.extend(["--base", "no-such-branch", "fix it"]);
    let stderr = home.fails(&args, 2);
    assert!(
        stderr.contains("unknown revision `no-such-branch`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: pass a commit, branch or tag"),
        "{stderr}"
    );

    let list = home.json(&["task", "list", "--json"]);
    assert_eq!(list["tasks"], json!([]), "{list}");
    assert!(server.requests().is_empty());
}

#[test]
fn task_show_separates_every_label_from_its_value() {
    let home = Home::new();
    let repo = plain_repo(&home);
    let server = ScriptedServer::start(vec![text("Nothing to do\n\nAll good.")]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("fix the typo in the readme");
    home.ok(&args);
    let id = only_task(&home)["id"].as_str().unwrap().to_string();
    let show = home.ok(&["task", "show", &id]);
    // Labels take ten columns, then at least one space: `complexity` is ten letters long.
    for line in show.lines() {
        assert_eq!(line.chars().nth(10), Some(' '), "{line:?}\n{show}");
    }
    assert!(show.contains("complexity simple"), "{show}");
}

#[test]
fn rust_backtrace_puts_no_backtrace_into_an_error_message() {
    let home = Home::new();
    let bad = home.work_dir().join("bad.gguf");
    std::fs::write(
        &bad,
        b"NOPE\x03\x00\x00\x00 this is not a model file at all",
    )
    .unwrap();
    let output = home
        .agent()
        .env("RUST_BACKTRACE", "1")
        .args(["models", "show", bad.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("not a readable GGUF file (unknown magic 0x45504f4e)\n"),
        "{stderr}"
    );
    assert!(!stderr.contains("candle_core"), "{stderr}");
    assert!(!stderr.contains("   0: "), "{stderr}");
    assert_eq!(stderr.lines().count(), 2, "error and hint only: {stderr}");
}
