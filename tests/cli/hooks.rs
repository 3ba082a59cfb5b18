//! `agent hook …` end to end: hooks installed into real temporary repositories, then real
//! `git commit` and `git push` (to a local bare repository) run them, against scripted model
//! servers on loopback, a server that is down, and a running `agent serve`. Git and agent get a
//! home, XDG directories and an AGENT_HOME of their own, and no system git configuration.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Home;
use crate::scripted::{Reply, ScriptedServer, text};
use crate::server::Server;

const OLD_HOOK: &str = "#!/bin/sh\necho \"old hook ran\" >> \"$(git rev-parse --git-common-dir)/old-hook.log\"\n[ ! -e refuse ] || { echo 'old hook refuses' >&2; exit 1; }\n";

/// A repository with one commit, in a home of its own.
struct Fixture {
    home: Home,
    repo: PathBuf,
}

/// Where the model is for a `git` run: hooks read it from `AGENT_*` variables.
enum Model<'a> {
    /// No model configured at all.
    None,
    /// An OpenAI-compatible server at this base URL (`tiny`).
    At(&'a str),
}

impl Fixture {
    fn new() -> Self {
        let home = Home::new();
        let repo = home.work_dir().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        let fixture = Self { home, repo };
        std::fs::create_dir_all(fixture.user_home().join(".config")).unwrap();
        fixture.git_ok(&["init", "-q", "-b", "main"]);
        fixture.git_ok(&["config", "user.name", "Test User"]);
        fixture.git_ok(&["config", "user.email", "test@example.com"]);
        fixture.write("calc.py", "def add(a, b):\n    return a + b\n");
        fixture.git_ok(&["add", "-A"]);
        fixture.git_ok(&["commit", "-q", "-m", "initial"]);
        fixture
    }

    fn user_home(&self) -> PathBuf {
        self.home.root.path().join("user")
    }

    /// What every process of a test gets: its own home and XDG config, no system git config,
    /// and none of the runner's `GIT_*` or `AGENT_*` variables (`AGENT_HOOK` above all).
    fn environment(&self) -> (Vec<OsString>, Vec<(&'static str, OsString)>) {
        let remove = std::env::vars_os()
            .map(|(key, _)| key)
            .filter(|key| {
                let key = key.to_string_lossy();
                key.starts_with("GIT_") || key.starts_with("AGENT_")
            })
            .collect();
        let set = vec![
            ("HOME", self.user_home().into_os_string()),
            ("XDG_CONFIG_HOME", self.user_home().join(".config").into()),
            ("GIT_CONFIG_NOSYSTEM", "1".into()),
            ("AGENT_HOME", self.home.path().into_os_string()),
        ];
        (remove, set)
    }

    fn git_command(&self, dir: &Path, model: &Model) -> Command {
        let mut command = Command::new("git");
        let (remove, set) = self.environment();
        for key in remove {
            command.env_remove(key);
        }
        command.envs(set).current_dir(dir);
        match model {
            Model::None => {}
            Model::At(base_url) => {
                command
                    .env("AGENT_MODEL_BACKEND", "openai")
                    .env("AGENT_OPENAI_BASE_URL", base_url)
                    .env("AGENT_MODEL_NAME", "tiny");
            }
        }
        command
    }

    fn git_ok(&self, args: &[&str]) -> String {
        let output = self
            .git_command(&self.repo, &Model::None)
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// `git ARGS` in the repository with `model` and extra variables, whatever its status.
    fn git_with(&self, model: &Model, vars: &[(&str, &str)], args: &[&str]) -> Output {
        self.git_command(&self.repo, model)
            .envs(vars.iter().copied())
            .args(args)
            .output()
            .unwrap()
    }

    fn agent(&self) -> assert_cmd::Command {
        let mut command = self.home.agent();
        let (remove, set) = self.environment();
        for key in remove {
            command.env_remove(key);
        }
        command.envs(set).current_dir(&self.repo);
        command
    }

    fn agent_ok(&self, args: &[&str]) -> (String, String) {
        let output = self.agent().args(args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(output.status.success(), "agent {args:?}: {stderr}");
        (String::from_utf8(output.stdout).unwrap(), stderr)
    }

    fn status(&self) -> Value {
        let (stdout, _) = self.agent_ok(&["hook", "status", "--json"]);
        serde_json::from_str(&stdout).unwrap()
    }

    fn write(&self, name: &str, content: &str) {
        let path = self.repo.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// Stages `content` as `name`.
    fn stage(&self, name: &str, content: &str) {
        self.write(name, content);
        self.git_ok(&["add", name]);
    }

    fn head(&self) -> String {
        self.git_ok(&["rev-parse", "HEAD"]).trim().to_string()
    }

    fn last_message(&self) -> String {
        self.git_ok(&["log", "-1", "--format=%B"])
            .trim_end()
            .to_string()
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The lines of `text` that agent's hooks printed.
fn hook_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| line.starts_with("agent "))
        .collect()
}

/// A loopback address where nothing listens.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}/v1")
}

fn state<'a>(status: &'a Value, hook: &str) -> &'a Value {
    status["hooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["hook"] == hook)
        .unwrap()
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn install_chains_the_existing_hook_status_reports_it_and_uninstall_restores_it() {
    let fx = Fixture::new();
    let hooks = fx.repo.join(".git/hooks");
    let old = hooks.join("pre-commit");
    std::fs::write(&old, OLD_HOOK).unwrap();
    make_executable(&old);

    let (stdout, _) = fx.agent_ok(&["hook", "install", "pre-commit", "commit-msg", "pre-push"]);
    assert!(stdout.contains("pre-commit.agent-chained"), "{stdout}");
    let status = fx.status();
    assert_eq!(
        Path::new(status["hooks_dir"].as_str().unwrap()),
        hooks.canonicalize().unwrap()
    );
    assert_eq!(status["core_hooks_path"], false);
    for hook in ["pre-commit", "commit-msg", "pre-push"] {
        assert_eq!(state(&status, hook)["state"], "installed", "{status}");
        let binary = state(&status, hook)["binary"].as_str().unwrap();
        assert!(Path::new(binary).is_file(), "{binary}");
    }
    assert_eq!(state(&status, "pre-commit")["chained"], true);
    assert_eq!(state(&status, "commit-msg")["mode"], "draft");
    let chained = hooks.join("pre-commit.agent-chained");
    assert_eq!(std::fs::read_to_string(&chained).unwrap(), OLD_HOOK);

    // Installing again rewrites only agent's script: the chained hook is not chained twice.
    let (stdout, _) = fx.agent_ok(&["hook", "install", "pre-commit"]);
    assert!(stdout.starts_with("updated pre-commit"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&chained).unwrap(), OLD_HOOK);
    let text_status = fx.agent_ok(&["hook", "status"]).0;
    assert!(
        text_status.contains("pre-commit  installed, runs the previous hook first"),
        "{text_status}"
    );

    // A real commit runs the old hook first, then agent's (which has no model and says so).
    fx.stage("calc.py", "def add(a, b):\n    return b + a\n");
    let output = fx.git_with(&Model::None, &[], &["commit", "-m", "swap"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let log = std::fs::read_to_string(fx.repo.join(".git/old-hook.log")).unwrap();
    assert_eq!(log, "old hook ran\n");
    assert_eq!(fx.last_message(), "swap");

    // The old hook's refusal stands.
    fx.write("refuse", "");
    fx.stage("calc.py", "def add(a, b):\n    return a + b\n");
    let before = fx.head();
    let output = fx.git_with(&Model::None, &[], &["commit", "-m", "refused"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("old hook refuses"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fx.head(), before);
    std::fs::remove_file(fx.repo.join("refuse")).unwrap();

    let (stdout, _) = fx.agent_ok(&["hook", "uninstall"]);
    assert!(
        stdout.contains("removed pre-commit; the hook it chained is back"),
        "{stdout}"
    );
    assert!(stdout.contains("removed commit-msg") && stdout.contains("removed pre-push"));
    assert_eq!(std::fs::read_to_string(&old).unwrap(), OLD_HOOK);
    assert!(!chained.exists());
    assert!(!hooks.join("commit-msg").exists() && !hooks.join("pre-push").exists());
    let status = fx.status();
    assert_eq!(state(&status, "pre-commit")["state"], "other");
    assert_eq!(state(&status, "commit-msg")["state"], "absent");
    // Uninstalling what is not agent's leaves it alone.
    let output = fx
        .agent()
        .args(["hook", "uninstall", "pre-commit"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(stderr(&output).contains("not agent's hook; left alone"));
    assert_eq!(std::fs::read_to_string(&old).unwrap(), OLD_HOOK);
}

#[test]
fn core_hooks_path_is_where_hooks_go_and_git_runs_them_from_there() {
    let fx = Fixture::new();
    fx.git_ok(&["config", "core.hooksPath", ".githooks"]);
    let sub = fx.repo.join("src");
    std::fs::create_dir_all(&sub).unwrap();
    let (_, notes) = fx.agent_ok(&["hook", "install", "pre-commit", "--repo", "src"]);
    assert!(
        notes.contains("is in the working tree (core.hooksPath)"),
        "{notes}"
    );
    assert!(fx.repo.join(".githooks/pre-commit").is_file());
    assert!(!fx.repo.join(".git/hooks/pre-commit").exists());
    let status = fx.status();
    assert_eq!(status["core_hooks_path"], true);
    assert_eq!(
        Path::new(status["hooks_dir"].as_str().unwrap()),
        fx.repo.join(".githooks").canonicalize().unwrap()
    );

    let down = closed_port_url();
    fx.stage("calc.py", "def add(a, b):\n    return a + b  # same\n");
    let output = fx.git_with(&Model::At(&down), &[], &["commit", "-m", "comment"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        hook_lines(&err)
            .iter()
            .any(|line| line.starts_with("agent pre-commit: no review:")),
        "{err}"
    );
}

#[test]
fn hooks_installed_from_a_worktree_serve_every_worktree_of_the_repository() {
    let fx = Fixture::new();
    let worktree = fx.home.work_dir().join("wt");
    fx.git_ok(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "side",
        worktree.to_str().unwrap(),
    ]);
    fx.agent_ok(&[
        "hook",
        "install",
        "pre-commit",
        "--repo",
        worktree.to_str().unwrap(),
    ]);
    // The common git directory's hooks: the main checkout's too.
    assert!(fx.repo.join(".git/hooks/pre-commit").is_file());
    std::fs::write(worktree.join("calc.py"), "print('side')\n").unwrap();
    let mut add = fx.git_command(&worktree, &Model::None);
    assert!(add.args(["add", "-A"]).status().unwrap().success());
    let output = fx
        .git_command(&worktree, &Model::None)
        .args(["commit", "-m", "side work"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert_eq!(hook_lines(&err).len(), 1, "{err}");
    assert!(err.contains("agent pre-commit: no review:"), "{err}");
}

#[test]
fn pre_commit_refuses_only_findings_of_a_blocking_severity() {
    let fx = Fixture::new();
    fx.agent_ok(&["hook", "install", "pre-commit"]);
    let server = ScriptedServer::start(vec![
        text("error calc.py:2: subtracts instead of adding"),
        text("warning calc.py:2: no test covers negative numbers"),
        text("1. **Error**: calc.py:2 subtracts instead of adding"),
        text("Looks risky to me, but ```json {\"findings\": [ broken"),
    ]);
    let block = [("AGENT_HOOKS_BLOCK_ON", "error")];
    let model = Model::At(&server.base_url);
    fx.stage("calc.py", "def add(a, b):\n    return a - b\n");
    let before = fx.head();

    // An error, and errors block: the commit is refused.
    let output = fx.git_with(&model, &block, &["commit", "-m", "subtract"]);
    let err = stderr(&output);
    assert!(!output.status.success(), "{err}");
    assert_eq!(fx.head(), before);
    assert!(err.contains("agent pre-commit: 1 finding"), "{err}");
    assert!(
        err.contains("error    calc.py:2  subtracts instead of adding"),
        "{err}"
    );
    assert!(
        err.contains(
            "agent pre-commit: commit refused: 1 finding of a severity in hooks.block_on (error)"
        ),
        "{err}"
    );
    // The model got the review prompt and the staged diff.
    let asked = server.request_text(0);
    assert!(asked.contains("SEVERITY FILE:LINE: MESSAGE"), "{asked}");
    assert!(
        asked.contains("-    return a + b\n+    return a - b"),
        "{asked}"
    );

    // A warning does not block: the commit is made and the finding shown.
    let output = fx.git_with(&model, &block, &["commit", "-m", "subtract"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert_ne!(fx.head(), before);
    assert!(
        err.contains("warning  calc.py:2  no test covers negative numbers"),
        "{err}"
    );

    // Without hooks.block_on, even an error only prints.
    fx.stage("calc.py", "def add(a, b):\n    return a - b - 0\n");
    let output = fx.git_with(&model, &[], &["commit", "-m", "again"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(
        err.contains("error    calc.py:2  subtracts instead of adding"),
        "{err}"
    );
    assert_eq!(fx.last_message(), "again");

    // A reply that is no findings never blocks, whatever blocks.
    fx.stage("calc.py", "def add(a, b):\n    return a - b - 1\n");
    let output = fx.git_with(
        &model,
        &[("AGENT_HOOKS_BLOCK_ON", "error,warning,info")],
        &["commit", "-m", "garbled review"],
    );
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("no findings in the form asked for"), "{err}");
    assert_eq!(fx.last_message(), "garbled review");
    assert_eq!(server.requests().len(), 4);
}

#[test]
fn with_the_model_down_a_commit_is_made_with_one_line_saying_so() {
    let fx = Fixture::new();
    fx.agent_ok(&["hook", "install", "pre-commit", "commit-msg"]);
    let down = closed_port_url();
    fx.stage("calc.py", "def add(a, b):\n    return a + b + 0\n");
    let before = fx.head();
    let output = fx.git_with(
        &Model::At(&down),
        &[("AGENT_HOOKS_BLOCK_ON", "error,warning,info")],
        &["commit", "-m", "still commits"],
    );
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert_ne!(fx.head(), before);
    assert_eq!(fx.last_message(), "still commits");
    let lines = hook_lines(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("agent pre-commit: no review: "),
        "{err}"
    );
    assert!(lines[0].ends_with("; the commit goes on"), "{err}");

    // No model configured at all: the same.
    fx.stage("calc.py", "def add(a, b):\n    return a + b + 1\n");
    let output = fx.git_with(&Model::None, &[], &["commit", "-m", "no model"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("no model configured"), "{err}");
    assert_eq!(hook_lines(&err).len(), 1, "{err}");
}

#[test]
fn a_model_that_does_not_answer_in_time_lets_the_commit_through() {
    let fx = Fixture::new();
    fx.agent_ok(&["hook", "install", "pre-commit"]);
    let server = ScriptedServer::start(vec![Reply::After(
        Duration::from_secs(60),
        Box::new(text("error calc.py:1: too late")),
    )]);
    fx.stage("calc.py", "x = 1\n");
    let started = Instant::now();
    let output = fx.git_with(
        &Model::At(&server.base_url),
        &[
            ("AGENT_HOOKS_TIMEOUT", "5"),
            ("AGENT_HOOKS_BLOCK_ON", "error"),
        ],
        &["commit", "-m", "slow model"],
    );
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert!(err.contains("within 5 s (hooks.timeout)"), "{err}");
    assert_eq!(fx.last_message(), "slow model");
}

#[test]
fn commit_msg_fills_an_empty_message_and_leaves_a_written_one_alone() {
    let fx = Fixture::new();
    fx.agent_ok(&["hook", "install", "commit-msg"]);
    let server = ScriptedServer::start(vec![
        text("Make add subtract\n\nThe tests expect the difference now."),
        text("```\nSwap the operands of add\n```"),
    ]);
    let model = Model::At(&server.base_url);
    fx.stage("calc.py", "def add(a, b):\n    return a - b\n");
    let output = fx.git_with(&model, &[], &["commit", "-m", ""]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert_eq!(
        fx.last_message(),
        "Make add subtract\n\nThe tests expect the difference now."
    );
    assert!(
        err.contains("agent commit-msg: wrote the message: Make add subtract"),
        "{err}"
    );
    let asked = server.request_text(0);
    assert!(asked.contains("imperative"), "{asked}");
    assert!(asked.contains("+    return a - b"), "{asked}");

    // The editor's template alone (an editor that changes nothing) counts as empty too.
    fx.stage("calc.py", "def add(a, b):\n    return b - a\n");
    let output = fx.git_with(&model, &[("GIT_EDITOR", "true")], &["commit"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fx.last_message(), "Swap the operands of add");

    // A written message is the author's: no model is asked.
    fx.stage("calc.py", "def add(a, b):\n    return a - b\n");
    let output = fx.git_with(&model, &[], &["commit", "-m", "Swap them back"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fx.last_message(), "Swap them back");
    assert_eq!(
        server.requests().len(),
        2,
        "a written message asks no model"
    );
}

#[test]
fn commit_msg_rewrite_improves_the_message_and_keeps_it_when_the_model_fails() {
    let fx = Fixture::new();
    fx.agent_ok(&["hook", "install", "commit-msg", "--mode", "rewrite"]);
    let status = fx.status();
    assert_eq!(state(&status, "commit-msg")["mode"], "rewrite");
    let server = ScriptedServer::start(vec![text("Fix the sign in add\n")]);
    fx.stage("calc.py", "def add(a, b):\n    return a + b + 0\n");
    let message = "fixd add\n\nSigned-off-by: Test User <test@example.com>";
    let output = fx.git_with(
        &Model::At(&server.base_url),
        &[],
        &["commit", "-m", message],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        fx.last_message(),
        "Fix the sign in add\n\nSigned-off-by: Test User <test@example.com>"
    );
    assert!(server.request_text(0).contains("fixd add"));

    fx.stage("calc.py", "def add(a, b):\n    return a + b + 1\n");
    let down = closed_port_url();
    let output = fx.git_with(&Model::At(&down), &[], &["commit", "-m", "keep my words"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert_eq!(fx.last_message(), "keep my words");
    assert!(err.contains("your message is kept"), "{err}");

    // --mode belongs to commit-msg.
    let output = fx
        .agent()
        .args(["hook", "install", "pre-commit", "--mode", "rewrite"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--mode is for the commit-msg hook"));
}

#[test]
fn pre_push_runs_the_check_and_refuses_a_failing_push() {
    let fx = Fixture::new();
    fx.write("Makefile", "test:\n\ttest ! -e broken\n");
    fx.git_ok(&["add", "Makefile"]);
    fx.git_ok(&["commit", "-q", "-m", "check"]);
    let remote = fx.home.work_dir().join("remote.git");
    let output = fx
        .git_command(fx.home.work_dir().as_path(), &Model::None)
        .args(["init", "-q", "--bare", remote.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success());
    fx.git_ok(&["remote", "add", "origin", remote.to_str().unwrap()]);
    fx.agent_ok(&["hook", "install", "pre-push"]);

    fx.stage("broken", "");
    fx.git_ok(&["commit", "-q", "-m", "break the check"]);
    let output = fx.git_with(&Model::None, &[], &["push", "-q", "origin", "main"]);
    let err = stderr(&output);
    assert!(!output.status.success(), "{err}");
    assert!(
        err.contains("agent pre-push: running `make test` (detected from Makefile)"),
        "{err}"
    );
    assert!(
        err.contains("agent pre-push: push refused: `make test` failed"),
        "{err}"
    );
    let remote_heads = fx
        .git_command(&remote, &Model::None)
        .args(["for-each-ref", "refs/heads"])
        .output()
        .unwrap();
    assert!(remote_heads.stdout.is_empty(), "the push went through");

    fx.git_ok(&["rm", "-q", "broken"]);
    fx.git_ok(&["commit", "-q", "-m", "repair the check"]);
    let output = fx.git_with(&Model::None, &[], &["push", "-q", "origin", "main"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("agent pre-push: `make test` passed"), "{err}");
    let pushed = fx
        .git_command(&remote, &Model::None)
        .args(["rev-parse", "refs/heads/main"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&pushed.stdout).trim(), fx.head());

    // agent's own work (AGENT_HOOK set) runs no check of agent's.
    fx.stage("broken", "");
    fx.git_ok(&["commit", "-q", "-m", "break it again"]);
    let output = fx.git_with(
        &Model::None,
        &[("AGENT_HOOK", "1")],
        &["push", "-q", "origin", "main"],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(hook_lines(&stderr(&output)).is_empty());
}

#[test]
fn a_running_agent_serve_answers_the_hooks() {
    let fx = Fixture::new();
    fx.agent_ok(&["hook", "install", "pre-commit"]);
    let models = ScriptedServer::start(vec![text("warning calc.py:2: served review")]);
    let server = Server::start(
        &fx.home,
        &[
            "--backend",
            "openai",
            "--base-url",
            &models.base_url,
            "--model",
            "tiny",
        ],
    );
    fx.stage("calc.py", "def add(a, b):\n    return a + b + 2\n");
    // No model of its own: the review comes from the server's.
    let output = fx.git_with(&Model::None, &[], &["commit", "-m", "served"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert!(err.contains("warning  calc.py:2  served review"), "{err}");
    assert_eq!(models.requests().len(), 1);
    let conversations = server.get("/v1/conversations");
    assert_eq!(conversations.status, 200);
    assert_eq!(
        conversations.json["items"][0]["title"], "pre-commit review",
        "{}",
        conversations.text
    );
}

#[test]
fn errors_of_the_hook_itself_never_refuse_a_commit() {
    let fx = Fixture::new();
    fx.agent_ok(&["hook", "install", "pre-commit"]);
    // A configuration file agent cannot read.
    let config = fx.home.path().join("config/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, "[model\nname = ").unwrap();
    fx.stage("calc.py", "def add(a, b):\n    return a + b + 3\n");
    let output = fx.git_with(&Model::None, &[], &["commit", "-m", "bad config"]);
    let err = stderr(&output);
    assert!(output.status.success(), "{err}");
    assert_eq!(fx.last_message(), "bad config");
    let lines = hook_lines(&err);
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains("config.toml"), "{err}");
    assert!(lines[0].ends_with("the commit goes on"), "{err}");

    // A script of another agent version calling with arguments this one does not know.
    let output = fx
        .agent()
        .args(["hook", "run", "pre-commit", "--mode", "future"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("git goes on without it"),
        "{}",
        stderr(&output)
    );
}
