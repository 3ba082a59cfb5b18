//! The repository's own check: finding its test command and running it with a time limit.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::process::{self, End, ProcessError, ProcessSettings, Request};

/// How much of the start of a check's output is kept.
const HEAD_BYTES: usize = 4 * 1024;
/// How much of the end of a check's output is kept.
const TAIL_BYTES: usize = 12 * 1024;

/// The marker files [`detect`] knows, in the order it tries them.
const MARKERS: [&str; 9] = [
    "Cargo.toml",
    "package.json",
    "pyproject.toml",
    "pytest.ini",
    "setup.cfg",
    "tests",
    "go.mod",
    "Makefile",
    "makefile",
];

/// The command that checks the repository, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyCommand {
    pub command: String,
    pub source: VerifySource,
}

impl fmt::Display for VerifyCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` ({})", self.command, self.source)
    }
}

/// Where a [`VerifyCommand`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifySource {
    /// The `verify` setting in a configuration file.
    Config,
    /// A command-line flag.
    Flag,
    /// Guessed from the marker file (or directory) named.
    Detected(&'static str),
}

impl fmt::Display for VerifySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config => f.write_str("from the configuration"),
            Self::Flag => f.write_str("from the command line"),
            Self::Detected(marker) => write!(f, "detected from {marker}"),
        }
    }
}

/// How long a task's check may run unless a front says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// The result of running a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyOutcome {
    /// The command exited with status 0 within the time limit.
    pub passed: bool,
    /// The exit status; `None` when a signal ended it (including the time limit).
    pub exit_code: Option<i32>,
    /// Standard output and error interleaved; when long, its first 4 KiB and last 12 KiB
    /// around a line saying how much was left out.
    pub output: String,
    pub duration: Duration,
    pub timed_out: bool,
}

/// The test command the repository at `repo_dir` most likely uses, from the first marker that
/// matches: `Cargo.toml`, a `package.json` with a real `scripts.test`, Python test
/// configuration (`pyproject.toml`, `pytest.ini`, `setup.cfg` with `[tool:pytest]`, or a `tests`
/// directory with `test_*.py` files), `go.mod`, then a Makefile with a `test` target.
pub fn detect(repo_dir: &Path) -> Option<VerifyCommand> {
    let detected = |command: &str, marker: &'static str| VerifyCommand {
        command: command.to_owned(),
        source: VerifySource::Detected(marker),
    };
    let read = |name: &str| std::fs::read_to_string(repo_dir.join(name)).ok();

    if repo_dir.join("Cargo.toml").is_file() {
        return Some(detected("cargo test", "Cargo.toml"));
    }
    if read("package.json").is_some_and(|text| has_npm_test_script(&text)) {
        return Some(detected("npm test", "package.json"));
    }
    let pytest = "python -m pytest -q";
    for marker in ["pyproject.toml", "pytest.ini"] {
        if repo_dir.join(marker).is_file() {
            return Some(detected(pytest, marker));
        }
    }
    if read("setup.cfg").is_some_and(|text| text.lines().any(|line| line.trim() == "[tool:pytest]"))
    {
        return Some(detected(pytest, "setup.cfg"));
    }
    if has_python_tests(&repo_dir.join("tests")) {
        return Some(detected(pytest, "tests"));
    }
    if repo_dir.join("go.mod").is_file() {
        return Some(detected("go test ./...", "go.mod"));
    }
    for marker in ["Makefile", "makefile"] {
        if read(marker).is_some_and(|text| has_make_test_target(&text)) {
            return Some(detected("make test", marker));
        }
    }
    None
}

/// Runs `command` with `sh -c` in `dir`, stdin closed, stdout and stderr captured together,
/// with the agent's environment and no sandbox (see [`run_with`]).
pub async fn run(
    command: &str,
    dir: &Path,
    timeout: Duration,
) -> Result<VerifyOutcome, ProcessError> {
    run_with(command, dir, timeout, &ProcessSettings::default()).await
}

/// Runs the check through the core's process runner with `settings` (environment, sandbox).
///
/// Past `timeout` the command and its whole process group are killed and the outcome says
/// `timed_out`; whatever it left running in the background is killed when it exits. Fails only
/// when the command cannot be started (or must be sandboxed and cannot be).
pub async fn run_with(
    command: &str,
    dir: &Path,
    timeout: Duration,
    settings: &ProcessSettings,
) -> Result<VerifyOutcome, ProcessError> {
    let request = Request {
        script: command,
        dir,
        timeout,
        head: HEAD_BYTES,
        tail: TAIL_BYTES,
    };
    let finished = process::run(&request, settings).await?;
    let mut output = finished
        .warning
        .map(|warning| format!("{warning}\n"))
        .unwrap_or_default();
    output.push_str(&finished.output.render(omitted));
    Ok(VerifyOutcome {
        passed: finished.end.success(),
        exit_code: match finished.end {
            End::Exited(code) => Some(code),
            End::Signalled(_) | End::TimedOut => None,
        },
        output,
        duration: finished.duration,
        timed_out: finished.end == End::TimedOut,
    })
}

/// The line that stands for the dropped middle of a long check output.
fn omitted(bytes: usize) -> String {
    format!("[… {bytes} bytes of output omitted …]")
}

/// Whether `package.json` has a `scripts.test` other than npm's "no test specified" stub.
fn has_npm_test_script(text: &str) -> bool {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    json.pointer("/scripts/test")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|script| !script.trim().is_empty() && !script.contains("no test specified"))
}

/// Whether `dir` holds (directly or below) a `test_*.py` file.
fn has_python_tests(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|entry| {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => has_python_tests(&entry.path()),
            Ok(_) => name.starts_with("test_") && name.ends_with(".py"),
            Err(_) => false,
        }
    })
}

/// Whether a Makefile declares a `test` target (`test:` or `test other:` at the line start).
fn has_make_test_target(text: &str) -> bool {
    text.lines().any(|line| {
        if line.starts_with(char::is_whitespace) || line.starts_with('#') {
            return false;
        }
        let Some((targets, rest)) = line.split_once(':') else {
            return false;
        };
        !rest.starts_with('=') && targets.split_whitespace().any(|target| target == "test")
    })
}

/// The serialized form of [`VerifySource`], whose marker is owned until matched to a known one.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum SourceRepr {
    Config,
    Flag,
    Detected(String),
}

impl<'de> Deserialize<'de> for VerifySource {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match SourceRepr::deserialize(deserializer)? {
            SourceRepr::Config => Ok(Self::Config),
            SourceRepr::Flag => Ok(Self::Flag),
            SourceRepr::Detected(marker) => MARKERS
                .iter()
                .find(|known| **known == marker)
                .map(|known| Self::Detected(known))
                .ok_or_else(|| {
                    serde::de::Error::custom(format!("unknown verify marker `{marker}`"))
                }),
        }
    }
}

#[cfg(test)]
mod tests;
