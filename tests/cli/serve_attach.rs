//! `agent task run --attach` and `agent chat --attach`: the CLI as a client of a real
//! `agent serve` (a child process on loopback, its models from the scripted OpenAI-protocol
//! server), with the output, exit codes and errors of a local run.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::chat::Tmux;
use crate::common::Home;
use crate::scripted::{Reply, ScriptedServer, call, text};
use crate::task::{FIXED, fixing_script, git, only_task_id, project, run_args, task_json};

/// A running `agent serve` of a home; killed when dropped.
struct Serve {
    child: Child,
    url: String,
}

impl Serve {
    /// Starts `agent serve` on a free loopback port with the scripted server's models and
    /// waits until it says where it listens.
    fn start(home: &Home, models: &ScriptedServer) -> Self {
        let log = std::fs::File::create(home.root.path().join("serve.log")).unwrap();
        let mut child = home
            .process()
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--backend",
                "openai",
                "--base-url",
                &models.base_url,
                "--model",
                "tiny",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("agent serve listening on ")
            .unwrap_or_else(|| panic!("agent serve said: {line}"))
            .to_string();
        // The rest of what it prints goes nowhere.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        Self { child, url }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `task run --attach URL` with the flags of a local test run, less the backend's.
fn attach_args<'a>(url: &'a str, repo: &'a str) -> Vec<&'a str> {
    vec![
        "task",
        "run",
        "--attach",
        url,
        "--repo",
        repo,
        "--approval",
        "auto",
        "--strategy",
        "single",
    ]
}

/// The labels of a summary's rows (`status`, `task`, …), in order.
fn labels(summary: &str) -> Vec<String> {
    summary
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn an_attached_run_looks_like_a_local_one_and_is_the_servers_task() {
    // The same task run locally, for its summary.
    let local_home = Home::new();
    let local_repo = project(&local_home);
    let local_models = ScriptedServer::start(fixing_script());
    let local_arg = local_repo.display().to_string();
    let mut args = run_args(&local_arg, &local_models);
    args.push("fix the failing test in test_calc.py");
    let local = local_home.ok(&args);

    let home = Home::new();
    let repo = project(&home);
    let models = ScriptedServer::start([fixing_script(), fixing_script()].concat());
    let serve = Serve::start(&home, &models);
    let repo_arg = repo.display().to_string();
    let mut args = attach_args(&serve.url, &repo_arg);
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
    assert_eq!(labels(&stdout), labels(&local), "{stdout}\n---\n{local}");
    // Progress went to stderr, as in a local run.
    assert!(stderr.contains("task fix the failing test"), "{stderr}");

    // The server ran it: the task is in the home's store, its branch holds the fix.
    let id = only_task_id(&home);
    assert!(stdout.contains(&id), "{stdout}");
    let task = task_json(&home, &id);
    assert_eq!(task["status"], "succeeded");
    assert_eq!(task["backend"], "openai");
    let branch = task["branch"].as_str().unwrap();
    assert_eq!(git(&repo, &["show", &format!("{branch}:calc.py")]), FIXED);

    // `--attach` alone finds the server this home announces; `--json` prints exactly the
    // events the task logged.
    let output = home
        .agent()
        .args([
            "task",
            "run",
            "--attach",
            "--repo",
            &repo_arg,
            "--approval",
            "auto",
            "--strategy",
            "single",
            "--json",
            "fix the failing test again",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let events: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let second = events[0]["task_id"].as_str().unwrap().to_string();
    assert_ne!(second, id);
    for (index, event) in events.iter().enumerate() {
        assert_eq!(event["task_id"], second.as_str(), "{event}");
        assert_eq!(event["seq"], index as u64 + 1, "{event}");
    }
    assert_eq!(events.last().unwrap()["type"], "task_finished");
    assert_eq!(events.last().unwrap()["status"], "succeeded");
    assert_eq!(home.ok(&["task", "logs", &second, "--json"]), stdout);
    let list = home.json(&["task", "list", "--json"]);
    assert_eq!(list["tasks"].as_array().unwrap().len(), 2, "{list}");
}

#[test]
fn attach_errors_say_what_to_do() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();

    // Nothing announced on this machine.
    let stderr = home.fails(
        &["task", "run", "--attach", "--repo", &repo_arg, "fix it"],
        1,
    );
    assert!(
        stderr.contains("no agent serve is running on this machine"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: start one with `agent serve`"),
        "{stderr}"
    );

    // Nothing listening at the address named.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let stderr = home.fails(
        &[&attach_args(&url, &repo_arg)[..], &["fix it"]].concat(),
        1,
    );
    assert!(
        stderr.contains(&format!("no agent serve at {url}")),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: start one with `agent serve`"),
        "{stderr}"
    );

    // The backend is the server's business; a description is no address.
    let stderr = home.fails(
        &[
            &attach_args(&url, &repo_arg)[..],
            &["--backend", "openai", "fix it"],
        ]
        .concat(),
        2,
    );
    assert!(
        stderr.contains("--backend cannot be used with --attach"),
        "{stderr}"
    );
    let output = home
        .agent()
        .args(["task", "run", "--repo", &repo_arg, "--attach", "fix it"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("is not a server address"), "{stderr}");

    let models = ScriptedServer::start(vec![]);
    let serve = Serve::start(&home, &models);

    // A token that is not the server's.
    let output = home
        .agent()
        .env("AGENT_SERVE_TOKEN", "not-the-token-of-this-server-at-all")
        .args(attach_args(&serve.url, &repo_arg))
        .arg("fix it")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("refused the token"), "{stderr}");
    assert!(
        stderr.contains("hint: AGENT_SERVE_TOKEN does not hold this server's token"),
        "{stderr}"
    );
    assert!(!stderr.contains("not-the-token"), "{stderr}");

    // What the server refuses: a directory that is no repository (422 → 2), an unknown
    // task (404 → 3); nothing was started.
    let plain = home.work_dir().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let plain_arg = plain.display().to_string();
    let stderr = home.fails(
        &[&attach_args(&serve.url, &plain_arg)[..], &["fix it"]].concat(),
        2,
    );
    assert!(stderr.contains("not a git repository"), "{stderr}");
    assert!(stderr.contains("hint: "), "{stderr}");
    let stderr = home.fails(&["task", "retry", "--attach", &serve.url, "feedface"], 3);
    assert!(stderr.contains("feedface"), "{stderr}");
    let list = home.json(&["task", "list", "--json"]);
    assert!(list["tasks"].as_array().unwrap().is_empty(), "{list}");
}

#[test]
fn ctrl_c_cancels_the_servers_task_and_exits_130() {
    let home = Home::new();
    let repo = project(&home);
    let models = ScriptedServer::start(vec![
        call("read", json!({"path": "calc.py"})),
        Reply::After(Duration::from_secs(30), Box::new(text("too late"))),
    ]);
    let serve = Serve::start(&home, &models);
    let repo_arg = repo.display().to_string();
    let client = home
        .process()
        .args(attach_args(&serve.url, &repo_arg))
        .arg("fix add")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for(
        Duration::from_secs(60),
        "the task's second model request",
        || models.requests().len() >= 2,
    );
    interrupt(client.id());
    let started = Instant::now();
    let output = client.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        output.status.code(),
        Some(130),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(stdout.contains("cancelled"), "{stdout}");
    let id = only_task_id(&home);
    assert_eq!(task_json(&home, &id)["status"], "cancelled");
    drop(serve);
}

#[test]
fn a_dropped_event_stream_resumes_without_losing_or_repeating_events() {
    let home = Home::new();
    let repo = project(&home);
    let models = ScriptedServer::start(fixing_script());
    let serve = Serve::start(&home, &models);
    let proxy = CuttingProxy::start(&serve.url);
    let repo_arg = repo.display().to_string();
    let mut args = attach_args(&proxy.url, &repo_arg);
    args.extend(["--json", "fix the failing test in test_calc.py"]);
    let output = home.agent().args(&args).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let id = only_task_id(&home);
    assert_eq!(home.ok(&["task", "logs", &id, "--json"]), stdout);
    let streams = proxy.event_requests();
    // The stream was opened (perhaps more than once while the task was being recorded), cut,
    // and resumed after the last event received.
    assert!(streams.len() >= 2, "{streams:?}");
    assert!(!streams[0].contains("last-event-id"), "{streams:?}");
    assert!(
        streams.last().unwrap().contains("last-event-id: "),
        "{streams:?}"
    );
}

/// A TCP proxy in front of a server that cuts the first event stream through it after a few
/// events, as a flaky network would; it keeps the head of every event stream request.
struct CuttingProxy {
    url: String,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl CuttingProxy {
    fn start(target: &str) -> Self {
        use std::io::{Read, Write};
        use std::net::{Shutdown, TcpListener, TcpStream};
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let address = target.strip_prefix("http://").unwrap().to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let cut_done = Arc::new(AtomicBool::new(false));
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { return };
                let mut server = TcpStream::connect(&address).unwrap();
                let (mut client_in, mut server_out) =
                    (client.try_clone().unwrap(), server.try_clone().unwrap());
                let cut_this = Arc::new(AtomicBool::new(false));
                let (seen, cut_done, marked) = (seen.clone(), cut_done.clone(), cut_this.clone());
                std::thread::spawn(move || {
                    let mut buffer = [0u8; 8192];
                    while let Ok(n) = client_in.read(&mut buffer) {
                        if n == 0 {
                            break;
                        }
                        let text = String::from_utf8_lossy(&buffer[..n]).to_ascii_lowercase();
                        if text.starts_with("get /v1/tasks/") && text.contains("/events") {
                            seen.lock().unwrap().push(text.clone());
                            if !cut_done.swap(true, Ordering::SeqCst) {
                                marked.store(true, Ordering::SeqCst);
                            }
                        }
                        if server_out.write_all(&buffer[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = server_out.shutdown(Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let mut buffer = [0u8; 8192];
                    let mut events = 0;
                    while let Ok(n) = server.read(&mut buffer) {
                        if n == 0 {
                            break;
                        }
                        if client.write_all(&buffer[..n]).is_err() {
                            break;
                        }
                        if cut_this.load(Ordering::SeqCst) {
                            events += String::from_utf8_lossy(&buffer[..n])
                                .matches("data:")
                                .count();
                            if events >= 3 {
                                let _ = client.shutdown(Shutdown::Both);
                                let _ = server.shutdown(Shutdown::Both);
                                break;
                            }
                        }
                    }
                    let _ = client.shutdown(Shutdown::Write);
                });
            }
        });
        Self { url, requests }
    }

    /// The heads of the event stream requests (lowercased), in order.
    fn event_requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

#[test]
fn the_chat_attached_to_a_server_streams_turns_and_continues_its_conversation() {
    let home = Home::new();
    let repo = home.work_dir().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("notes.txt"), "alpha\nbeta\n").unwrap();
    crate::common::git_init(&repo);
    let models = ScriptedServer::start(vec![
        call("read", json!({"path": "notes.txt"})),
        text("The notes say **alpha** and beta."),
        text("Still here."),
    ]);
    let serve = Serve::start(&home, &models);
    let command = format!("chat --attach {} --model tiny", serve.url);
    let first = Tmux::start(&home, &repo, &command);
    first.wait_for("tiny");
    first.keys(&["what is in notes.txt?"]);
    first.keys(&["Enter"]);
    let screen = first.wait_for("The notes say alpha and beta.");
    assert!(screen.contains("notes.txt"), "{screen}");
    first.keys(&["C-c"]);
    first.keys(&["C-c"]);
    assert_eq!(first.wait_exit(&home), "EXIT=0");
    drop(first);

    // The server kept the conversation (user, the call, its result, the answer).
    let list = home.json(&["history", "list", "--json"]);
    assert_eq!(list["conversations"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(messages(&home), 4);

    // `--continue` draws it again from the server, and the next turn goes on in it.
    let second = Tmux::start(&home, &repo, &format!("{command} --continue"));
    let screen = second.wait_for("The notes say alpha and beta.");
    assert!(screen.contains("what is in notes.txt?"), "{screen}");
    second.keys(&["anything else?"]);
    second.keys(&["Enter"]);
    second.wait_for("Still here.");
    second.keys(&["C-c"]);
    second.keys(&["C-c"]);
    assert_eq!(second.wait_exit(&home), "EXIT=0");
    assert_eq!(messages(&home), 6);
    // The model had the first turn in its context.
    assert!(models.request_text(2).contains("alpha"));
}

fn messages(home: &Home) -> i64 {
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    conn.query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
        .unwrap()
}

fn interrupt(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_for(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
