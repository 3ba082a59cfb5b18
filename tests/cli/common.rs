//! A temporary agent home and helpers to run the real binary in it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The conversations fixture: several conversations with non-ASCII text, a very long message,
/// code blocks, tool calls and a conversation without a title, in export (canonical) form.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conversations.jsonl")
}

/// A temporary AGENT_HOME and a working directory outside any git repository.
pub struct Home {
    pub root: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Self {
            root: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.root.path().join("home")
    }

    pub fn work_dir(&self) -> PathBuf {
        let dir = self.root.path().join("work");
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    pub fn database(&self) -> PathBuf {
        self.path().join("data/agent.db")
    }

    /// `agent` with AGENT_HOME set, no colour, no inherited AGENT_* variables.
    pub fn agent(&self) -> Command {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin!("agent"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("AGENT_") {
                command.env_remove(&key);
            }
        }
        command
            .env("AGENT_HOME", self.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .current_dir(self.work_dir());
        command
    }

    /// Runs `agent ARGS`, asserts success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.agent().args(args).output().unwrap();
        assert!(
            output.status.success(),
            "agent {args:?} failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs `agent ARGS --json` (ARGS should include --json), asserts success, parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let stdout = self.ok(args);
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("agent {args:?} printed invalid JSON ({e}):\n{stdout}"))
    }

    /// Runs `agent ARGS`, asserts it fails with `code`, returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let output = self.agent().args(args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(code), "agent {args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked"),
            "agent {args:?} panicked: {stderr}"
        );
        assert!(stderr.starts_with("error: "), "agent {args:?}: {stderr}");
        stderr
    }

    pub fn import_fixture(&self) {
        self.ok(&["history", "import", fixture().to_str().unwrap()]);
    }

    /// Conversation and message counts, read straight from the database file.
    pub fn counts(&self) -> (i64, i64) {
        let conn = rusqlite::Connection::open(self.database()).unwrap();
        conn.query_row(
            "SELECT (SELECT COUNT(*) FROM conversations), (SELECT COUNT(*) FROM messages)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }
}

/// Makes `dir` a git repository (`git init`).
pub fn git_init(dir: &Path) {
    let status = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success());
}
