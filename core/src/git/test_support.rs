//! Temporary git repositories for the git module's tests, driven through the `git` binary so the
//! fixtures are built independently of the code under test.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// A temporary repository on branch `main`, with a local identity configured.
pub struct Fixture {
    /// Keeps the directory alive; holds `repo/` and room for worktrees beside it.
    pub dir: TempDir,
    pub root: PathBuf,
}

impl Fixture {
    /// A repository with no commits.
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        git(&root, &["init", "-q", "-b", "main"]);
        git(&root, &["config", "user.name", "Test User"]);
        git(&root, &["config", "user.email", "test@example.com"]);
        git(&root, &["config", "commit.gpgsign", "false"]);
        Self { dir, root }
    }

    /// A repository with one commit holding `a.txt`, `b.txt`, `src/lib.rs` and a `.gitignore`
    /// that ignores `target/`.
    pub fn with_commit() -> Self {
        let fixture = Self::empty();
        fixture.write("a.txt", "alpha\n");
        fixture.write("b.txt", "bravo\n");
        fixture.write("src/lib.rs", "pub fn one() -> u32 {\n    1\n}\n");
        fixture.write(".gitignore", "target/\n");
        fixture.commit_all("initial");
        fixture
    }

    /// A path for a worktree beside the repository.
    pub fn worktree_path(&self, name: &str) -> PathBuf {
        self.dir.path().join("worktrees").join(name)
    }

    pub fn write(&self, relative: &str, content: &str) {
        write(&self.root, relative, content);
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.root.join(relative)).unwrap()
    }

    pub fn git(&self, args: &[&str]) -> String {
        git(&self.root, args)
    }

    pub fn commit_all(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.head()
    }

    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }

    /// `git status --porcelain` plus the staged and unstaged diffs: everything a change to the
    /// user's checkout would show up in.
    pub fn snapshot(&self) -> String {
        [
            self.git(&["status", "--porcelain=v1", "-uall"]),
            self.git(&["diff", "--cached"]),
            self.git(&["diff"]),
            self.git(&["rev-parse", "HEAD"]),
            self.git(&["symbolic-ref", "HEAD"]),
        ]
        .join("\n---\n")
    }
}

pub fn write(root: &Path, relative: &str, content: &str) {
    let path = root.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, content).unwrap();
}

/// Runs `git` in `dir`, panicking with its stderr when it fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}
