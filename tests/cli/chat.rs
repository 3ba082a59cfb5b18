//! The chat TUI end to end under a real pseudo-terminal (tmux): type a prompt, see the
//! streamed reply and a tool call on screen, quit cleanly.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::Home;
use crate::scripted::{ScriptedServer, call, text};

pub(crate) struct Tmux {
    name: String,
}

impl Tmux {
    pub(crate) fn start(home: &Home, dir: &Path, command: &str) -> Self {
        Self::start_with(home, dir, &[], command)
    }

    /// [`Tmux::start`] with more environment variables for agent.
    pub(crate) fn start_with(home: &Home, dir: &Path, env: &[(&str, &str)], command: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static SESSIONS: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "agent-test-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::Relaxed)
        );
        let agent = assert_cmd::cargo::cargo_bin!("agent");
        let extra: String = env
            .iter()
            .map(|(key, value)| format!("{key}={value} "))
            .collect();
        let script = format!(
            "cd {} && {extra}AGENT_HOME={} TERM=xterm-256color {} {command}; echo \"EXIT=$?\" > {}/exit-code-$$; mv {}/exit-code-$$ {}/exit-code; sleep 30",
            dir.display(),
            home.path().display(),
            agent.display(),
            home.root.path().display(),
            home.root.path().display(),
            home.root.path().display(),
        );
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "100",
                "-y",
                "30",
                &script,
            ])
            .status()
            .expect("tmux must be installed to test the TUI (apt-get install tmux)");
        assert!(status.success());
        Self { name }
    }

    pub(crate) fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .arg("send-keys")
            .arg("-t")
            .arg(&self.name)
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub(crate) fn screen(&self) -> String {
        let output = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits for the command to end and returns its exit line.
    pub(crate) fn wait_exit(&self, home: &Home) -> String {
        let exit_file = home.root.path().join("exit-code");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !exit_file.exists() {
            assert!(
                Instant::now() < deadline,
                "the chat did not quit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let line = std::fs::read_to_string(&exit_file)
            .unwrap()
            .trim()
            .to_string();
        std::fs::remove_file(&exit_file).unwrap();
        line
    }

    pub(crate) fn wait_for(&self, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(what) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "waited for {what:?}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

#[test]
fn the_chat_streams_a_reply_shows_a_tool_call_and_quits_cleanly() {
    let home = Home::new();
    let repo = home.work_dir().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("notes.txt"), "alpha\nbeta\n").unwrap();
    crate::common::git_init(&repo);
    let server = ScriptedServer::start(vec![
        call("read", json!({"path": "notes.txt"})),
        text("The notes say **alpha** and beta."),
    ]);
    let tmux = Tmux::start(
        &home,
        &repo,
        &format!(
            "chat --backend openai --base-url {} --model tiny",
            server.base_url
        ),
    );
    tmux.wait_for("tiny");
    tmux.keys(&["what is in notes.txt?"]);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("The notes say alpha and beta.");
    assert!(screen.contains("what is in notes.txt?"), "{screen}");
    assert!(screen.contains("read"), "the tool call is shown:\n{screen}");
    assert!(screen.contains("notes.txt"), "{screen}");
    // The model saw the file the tool read.
    assert!(server.request_text(1).contains("alpha"));

    tmux.keys(&["/quit"]);
    tmux.keys(&["Enter"]);
    let exit_file = home.root.path().join("exit-code");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !exit_file.exists() {
        assert!(
            Instant::now() < deadline,
            "the chat did not quit:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        std::fs::read_to_string(&exit_file).unwrap().trim(),
        "EXIT=0"
    );
    // The terminal is back to normal: the alternate screen is gone.
    let screen = tmux.screen();
    assert!(!screen.contains("The notes say"), "{screen}");

    // The conversation was kept.
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let messages: i64 = conn
        .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(messages, 4);
}

#[test]
fn continue_restores_the_last_conversation_on_screen() {
    let home = Home::new();
    let repo = home.work_dir().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    crate::common::git_init(&repo);
    let server = ScriptedServer::start(vec![
        text("Hello from the first session."),
        text("Still here."),
    ]);
    let command = format!(
        "chat --backend openai --base-url {} --model tiny",
        server.base_url
    );
    let first = Tmux::start(&home, &repo, &command);
    first.wait_for("tiny");
    first.keys(&["hi there"]);
    first.keys(&["Enter"]);
    first.wait_for("Hello from the first session.");
    first.keys(&["C-c"]);
    first.keys(&["C-c"]);
    assert_eq!(first.wait_exit(&home), "EXIT=0");
    drop(first);

    let second = Tmux::start(&home, &repo, &format!("{command} --continue"));
    let screen = second.wait_for("Hello from the first session.");
    assert!(screen.contains("hi there"), "{screen}");
    second.keys(&["and now?"]);
    second.keys(&["Enter"]);
    second.wait_for("Still here.");
    // The second request carried the first exchange.
    let request = server.request_text(1);
    assert!(request.contains("hi there") && request.contains("Hello from the first session."));
    second.keys(&["/quit"]);
    second.keys(&["Enter"]);
    assert_eq!(second.wait_exit(&home), "EXIT=0");
}

#[test]
fn task_run_on_a_terminal_asks_before_a_command_and_runs_it_when_allowed() {
    let home = Home::new();
    let repo = crate::task::project(&home);
    let server = ScriptedServer::start(vec![
        call("run", json!({"command": "touch ran.txt"})),
        text("Record that the command ran"),
    ]);
    let tmux = Tmux::start(
        &home,
        &repo,
        &format!(
            "task run --backend openai --base-url {} --model tiny --approval on-command --strategy single --verify true 'run the thing'",
            server.base_url
        ),
    );
    tmux.wait_for("Allow the task to run `touch ran.txt`?");
    tmux.keys(&["y", "Enter"]);
    assert_eq!(tmux.wait_exit(&home), "EXIT=0", "{}", tmux.screen());
    let id = crate::task::only_task_id(&home);
    let task = crate::task::task_json(&home, &id);
    let files = crate::task::git(
        &repo,
        &[
            "ls-tree",
            "-r",
            "--name-only",
            task["branch"].as_str().unwrap(),
        ],
    );
    assert!(files.contains("ran.txt"), "{files}");
    let decision = crate::task::events(&home, &id)
        .into_iter()
        .find(|e| e["type"] == "approval_decision")
        .unwrap();
    assert_eq!(decision["approved"], true);
    assert_eq!(decision["by"], "user");
}
