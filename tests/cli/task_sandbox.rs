//! The sandbox around a task's commands, end to end: a model that only edits files turns the
//! project's check into an attack (write outside the worktree, install a git hook and change the
//! config in the user's repository, connect out), and `run` commands look for credentials and the
//! network. With `sandbox.mode=off` the same attack succeeds, which shows it is real.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::{events, git, only_task_id, project, run_args, task_json};
use crate::common::Home;
use crate::scripted::{ScriptedServer, call, text};

/// The project's test file rewritten to attack from inside `make test`: each attempt is
/// reported, and the check fails unless all of them succeed.
fn attack_script(outside: &Path, port: u16) -> String {
    format!(
        r##"import os, socket, subprocess, sys
results = []
def attempt(name, action):
    try:
        action()
        results.append(name + ": DONE")
    except Exception as error:
        results.append(name + ": refused (" + str(error) + ")")
common = subprocess.check_output(["git", "rev-parse", "--git-common-dir"], text=True).strip()
def hook():
    path = os.path.join(common, "hooks", "pre-commit")
    with open(path, "w") as f:
        f.write("#!/bin/sh\necho pwned\n")
    os.chmod(path, 0o755)
def config():
    with open(os.path.join(common, "config"), "a") as f:
        f.write("[core]\n\thooksPath = /tmp\n")
attempt("outside", lambda: open({outside:?}, "w").write("escaped"))
attempt("hook", hook)
attempt("config", config)
attempt("network", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=5).close())
print("\n".join(results))
sys.exit(0 if all(r.endswith("DONE") for r in results) else 1)
"##,
        outside = outside.display().to_string()
    )
}

/// Runs a task whose model rewrites the test so the check attacks; returns the task, the
/// check's output and whether the listener on `listener` was connected to.
fn attack(home: &Home, repo: &Path, outside: &Path, flags: &[&str]) -> (Value, String, bool) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = ScriptedServer::start(vec![
        call(
            "write",
            json!({"path": "test_calc.py", "content": attack_script(outside, port)}),
        ),
        text("Make the tests more thorough"),
    ]);
    let repo_arg = repo.display().to_string();
    let mut args: Vec<&str> = flags.to_vec();
    args.extend(run_args(&repo_arg, &server));
    args.push("make the tests more thorough");
    let output = home.agent().args(&args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let id = only_task_id(home);
    let task = task_json(home, &id);
    let verify_end = events(home, &id)
        .into_iter()
        .find(|e| e["type"] == "verify_end")
        .unwrap_or_else(|| panic!("no check ran: {stdout}\n{stderr}"));
    listener.set_nonblocking(true).unwrap();
    let connected = listener.accept().is_ok();
    (
        task,
        verify_end["output"].as_str().unwrap().to_string(),
        connected,
    )
}

fn hook_and_config(repo: &Path) -> (PathBuf, String) {
    let common = repo.join(".git");
    (
        common.join("hooks/pre-commit"),
        std::fs::read_to_string(common.join("config")).unwrap(),
    )
}

#[test]
fn the_check_cannot_write_outside_the_worktree_install_a_hook_or_connect_out() {
    let home = Home::new();
    let repo = project(&home);
    let outside = home.work_dir().join("escaped.txt");
    let (hook, config_before) = hook_and_config(&repo);
    let (task, output, connected) = attack(
        &home,
        &repo,
        &outside,
        &["-c", "sandbox.network_check=false"],
    );

    // Nothing happened outside the worktree…
    assert!(!outside.exists(), "{output}");
    assert!(!hook.exists(), "{output}");
    assert_eq!(hook_and_config(&repo).1, config_before, "{output}");
    assert!(!connected, "{output}");
    // …the check ran and said why…
    for name in ["outside", "hook", "config", "network"] {
        assert!(
            output.contains(&format!("{name}: refused")),
            "{name}: {output}"
        );
    }
    assert!(output.contains("Permission denied"), "{output}");
    // …and the task failed on it.
    assert_eq!(task["status"], "failed", "{task}");
    assert!(
        task["error"]
            .as_str()
            .unwrap()
            .contains("verification failed"),
        "{task}"
    );
    // The user's repository never runs the hook: a commit there works as before.
    std::fs::write(repo.join("note.txt"), "x").unwrap();
    git(&repo, &["add", "note.txt"]);
    let commit = std::process::Command::new("git")
        .args(["commit", "-q", "-m", "note"])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(commit.status.success());
    assert!(!String::from_utf8_lossy(&commit.stdout).contains("pwned"));
}

#[test]
fn with_the_sandbox_off_the_same_attack_succeeds() {
    let home = Home::new();
    let repo = project(&home);
    let outside = home.work_dir().join("escaped.txt");
    let (hook, _) = hook_and_config(&repo);
    let (task, output, connected) = attack(&home, &repo, &outside, &["-c", "sandbox.mode=off"]);
    assert_eq!(
        std::fs::read_to_string(&outside).unwrap(),
        "escaped",
        "{output}"
    );
    assert!(hook.exists(), "{output}");
    assert!(connected, "{output}");
    assert!(
        output.contains("outside: DONE\nhook: DONE\nconfig: DONE\nnetwork: DONE"),
        "{output}"
    );
    assert_eq!(task["status"], "succeeded", "{task}");
}

#[test]
fn run_commands_get_no_credentials_no_network_and_a_temp_dir_of_their_own() {
    let home = Home::new();
    let repo = project(&home);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let outside = home.work_dir().join("from-run.txt");
    let server = ScriptedServer::start(vec![
        call("run", json!({"command": "env"})),
        call(
            "run",
            json!({"command": format!(
                "python3 -c \"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=5)\""
            )}),
        ),
        call(
            "run",
            json!({"command": format!(
                "echo \"tmp=$TMPDIR\"; echo x > \"$TMPDIR/scratch\" && echo wrote-temp; echo x > {}",
                outside.display()
            )}),
        ),
        text("Looked around"),
    ]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("look around");
    let output = home
        .agent()
        .env("OPENAI_API_KEY", "sk-test-secret")
        .env("GITHUB_TOKEN", "ghp-test-secret")
        .env("VISIBLE_SETTING", "plain-value")
        .args(&args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // `env` ran, and saw ordinary variables but no credentials.
    let env = server.request_text(1);
    assert!(env.contains("VISIBLE_SETTING=plain-value"), "{env}");
    assert!(env.contains("exit code: 0"), "{env}");
    assert!(!env.contains("sk-test-secret"), "{env}");
    assert!(!env.contains("ghp-test-secret"), "{env}");
    assert!(!env.contains("OPENAI_API_KEY"), "{env}");
    // A `git commit` it made would not start agent's hooks again.
    assert!(env.contains("AGENT_HOOK=1"), "{env}");

    // No network for `run` by default.
    let network = server.request_text(2);
    assert!(network.contains("Permission denied"), "{network}");
    listener.set_nonblocking(true).unwrap();
    assert!(listener.accept().is_err(), "a `run` command connected out");

    // A temporary directory of the task's own, under the agent's cache, gone with the task;
    // the user's directories stay out of reach.
    let temp = server.request_text(3);
    let temp_root = home.path().join("cache/tmp").display().to_string();
    assert!(temp.contains(&format!("tmp={temp_root}/task-")), "{temp}");
    assert!(temp.contains("wrote-temp"), "{temp}");
    assert!(temp.contains("Permission denied"), "{temp}");
    assert!(!outside.exists());
    let id = only_task_id(&home);
    assert!(!home.path().join(format!("cache/tmp/task-{id}")).exists());
}

/// Whether the process `pid` is gone or a zombie within a few seconds (Linux `/proc`).
fn process_ends(pid: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat)
                if stat
                    .rsplit(')')
                    .next()
                    .is_some_and(|rest| rest.trim_start().starts_with('Z')) =>
            {
                return true;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    false
}

/// The contents of `name` in the task's worktree once it is written.
fn wait_for_worktree_file(home: &Home, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let worktrees = home.path().join("data/worktrees");
        for entry in std::fs::read_dir(&worktrees)
            .into_iter()
            .flatten()
            .flatten()
        {
            if let Ok(text) = std::fs::read_to_string(entry.path().join(name))
                && text.ends_with('\n')
            {
                return text.trim().to_string();
            }
        }
        assert!(Instant::now() < deadline, "{name} never appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn what_a_command_leaves_running_ends_with_it_even_outside_its_group() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![
        call(
            "run",
            json!({"command": "setsid sh -c 'echo $$ > escaped.pid; exec sleep 60' >/dev/null 2>&1 & \
                               sleep 60 >/dev/null 2>&1 & echo $! > background.pid; \
                               while [ ! -s escaped.pid ]; do sleep 0.05; done; \
                               echo \"pids: $(cat escaped.pid) $(cat background.pid)\""}),
        ),
        text("Started a daemon"),
    ]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.extend(["--verify", "true", "start a daemon"]);
    let output = home.agent().args(&args).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result = server.request_text(1);
    let pids: Vec<String> = result
        .lines()
        .find_map(|line| line.strip_prefix("pids: "))
        .unwrap_or_else(|| panic!("no pids in {result}"))
        .split_whitespace()
        .map(str::to_string)
        .collect();
    assert_eq!(pids.len(), 2, "{result}");
    for pid in &pids {
        assert!(process_ends(pid), "{pid} outlived its command: {result}");
    }
}

#[test]
fn killing_the_agent_kills_every_process_its_task_started() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![
        call(
            "run",
            json!({"command": "setsid sh -c 'exec sleep 120' >/dev/null 2>&1 & echo $! > daemon.pid; \
                               sleep 120 & echo $! > background.pid; \
                               echo $$ > shell.pid; sleep 120"}),
        ),
        text("never reached"),
    ]);
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("start things and hang");
    let mut agent = home
        .process()
        .args(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let daemon = wait_for_worktree_file(&home, "daemon.pid");
    let background = wait_for_worktree_file(&home, "background.pid");
    let shell = wait_for_worktree_file(&home, "shell.pid");
    for pid in [&daemon, &background, &shell] {
        assert!(
            std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "{pid} not running"
        );
    }
    // SIGKILL: the agent cleans nothing up itself.
    agent.kill().unwrap();
    agent.wait().unwrap();
    for (what, pid) in [
        ("shell", &shell),
        ("background", &background),
        ("setsid daemon", &daemon),
    ] {
        assert!(process_ends(pid), "the {what} ({pid}) outlived the agent");
    }
}

#[test]
fn doctor_reports_what_the_kernel_can_confine() {
    let home = Home::new();
    let doctor = |flags: &[&str]| -> Value {
        let output = home
            .agent()
            .args(flags)
            .args(["doctor", "--json"])
            .output()
            .unwrap();
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let report = doctor(&[]);
    let sandbox = &report["sandbox"];
    assert_eq!(sandbox["mode"], "enforce", "{report}");
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["name"] == "sandbox")
        .unwrap_or_else(|| panic!("no sandbox check: {report}"))
        .clone();
    let detail = check["detail"].as_str().unwrap();
    match sandbox["landlock_abi"].as_i64() {
        Some(abi) => {
            assert!(detail.contains(&format!("Landlock ABI {abi}")), "{detail}");
            assert_eq!(sandbox["network_rules"], abi >= 4, "{report}");
            // The task tests above ran confined, so this kernel must satisfy the defaults.
            assert_eq!(check["ok"], abi >= 4, "{report}");
        }
        None => {
            assert_eq!(check["ok"], false, "enforce cannot be met: {report}");
            assert!(detail.contains("sandbox.mode = warn"), "{detail}");
        }
    }
    let report = doctor(&["-c", "sandbox.mode=off"]);
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["name"] == "sandbox")
        .unwrap()
        .clone();
    assert_eq!(check["warning"], true, "{check}");
    assert!(
        check["detail"].as_str().unwrap().contains("unconfined"),
        "{check}"
    );
}

/// The core's runner with this binary as the launcher, on a runtime of its own.
fn run_through_launcher(
    script: &str,
    dir: &Path,
    timeout: Duration,
    mode: agent_core::process::SandboxMode,
) -> agent_core::process::Finished {
    use agent_core::process::{ProcessSettings, Request, Sandbox};
    let settings = ProcessSettings {
        sandbox: Sandbox {
            mode,
            launcher: Some(PathBuf::from(assert_cmd::cargo::cargo_bin!("agent"))),
            network: true,
            ..Sandbox::default()
        },
        ..ProcessSettings::default()
    };
    let request = Request {
        script,
        dir,
        timeout,
        head: 4096,
        tail: 4096,
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(agent_core::process::run(&request, &settings))
        .unwrap()
}

#[test]
fn through_the_launcher_exits_signals_and_the_time_limit_come_through() {
    use agent_core::process::{End, SandboxMode};
    let dir = tempfile::tempdir().unwrap();
    for mode in [SandboxMode::Warn, SandboxMode::Off] {
        let finished = run_through_launcher(
            "echo out; echo err >&2; exit 7",
            dir.path(),
            Duration::from_secs(30),
            mode,
        );
        assert_eq!(finished.end, End::Exited(7), "{mode:?}");
        assert_eq!(finished.output.render(|_| String::new()), "out\nerr\n");
        let finished =
            run_through_launcher("kill -9 $$", dir.path(), Duration::from_secs(30), mode);
        assert_eq!(finished.end, End::Signalled(9), "{mode:?}");
    }
    // Out of time: the launcher is asked to stop and takes the daemon down with it.
    let started = Instant::now();
    let finished = run_through_launcher(
        "setsid sh -c 'echo $$ > daemon.pid; exec sleep 60' >/dev/null 2>&1 & \
         while [ ! -s daemon.pid ]; do sleep 0.05; done; echo started; sleep 60",
        dir.path(),
        Duration::from_secs(1),
        SandboxMode::Warn,
    );
    assert_eq!(finished.end, End::TimedOut);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert!(
        finished
            .output
            .render(|_| String::new())
            .contains("started")
    );
    let daemon = std::fs::read_to_string(dir.path().join("daemon.pid")).unwrap();
    assert!(
        process_ends(daemon.trim()),
        "the daemon outlived the time limit"
    );
}
