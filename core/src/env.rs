//! Every environment variable agent reads, by name, and a snapshot of them taken once at start-up.
//!
//! Library code never calls `std::env::var`: the binary takes an [`EnvSnapshot`] and passes it in,
//! so tests can describe an environment without touching the process's own.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

/// Moves configuration, data and cache under one directory (tests, portable installs).
pub const AGENT_HOME: &str = "AGENT_HOME";
/// Prefix of the variables that override configuration keys: `model.backend` is `AGENT_MODEL_BACKEND`.
pub const CONFIG_PREFIX: &str = "AGENT_";
/// The bearer token a client (`--attach`) presents to `agent serve`, instead of the token file.
pub const AGENT_SERVE_TOKEN: &str = "AGENT_SERVE_TOKEN";
/// Set (to `1`) in everything agent starts — a git hook's commands, a task's or the chat's
/// commands and checks — so that a git hook they trigger does not call agent again. agent's git
/// hook scripts do nothing of their own while it is set (a chained hook still runs).
pub const AGENT_HOOK: &str = "AGENT_HOOK";
/// Disables colour when set to anything non-empty (<https://no-color.org>).
pub const NO_COLOR: &str = "NO_COLOR";
/// Forces colour when set to anything but `0`.
pub const CLICOLOR_FORCE: &str = "CLICOLOR_FORCE";
/// The user's preferred editor for `agent config edit`, tried before [`EDITOR`].
pub const VISUAL: &str = "VISUAL";
/// The fallback editor for `agent config edit`.
pub const EDITOR: &str = "EDITOR";
/// Ollama's own variable for its server address (`host:port` or a URL), honoured like its CLI does.
pub const OLLAMA_HOST: &str = "OLLAMA_HOST";
/// Where Ollama keeps pulled models (default `~/.ollama/models`); agent loads their GGUF blobs.
pub const OLLAMA_MODELS: &str = "OLLAMA_MODELS";
/// Replaces `https://huggingface.co` for `agent models pull owner/repo/file.gguf` (mirrors, tests).
pub const HF_ENDPOINT: &str = "HF_ENDPOINT";
/// Where cargo builds; when unset, tasks on a Rust project share one per repository (see
/// `task::build_cache`).
pub const CARGO_TARGET_DIR: &str = "CARGO_TARGET_DIR";
/// Where Go caches builds; when unset, tasks on a Go module share one under agent's cache (the
/// default, `~/.cache/go-build`, is outside what sandboxed commands may write).
pub const GOCACHE: &str = "GOCACHE";

/// The user's home directory: where other agents keep their histories (`~/.codex`, `~/.claude`).
pub const HOME: &str = "HOME";
/// Codex CLI's home (default `~/.codex`); `agent history import --from codex` reads its `sessions/`.
pub const CODEX_HOME: &str = "CODEX_HOME";
/// Claude Code's configuration directory (default `~/.claude`); `agent history import --from
/// claude` reads its `projects/`.
pub const CLAUDE_CONFIG_DIR: &str = "CLAUDE_CONFIG_DIR";

/// The environment as agent sees it: the variables it cares about, captured once.
#[derive(Debug, Clone, Default)]
pub struct EnvSnapshot {
    vars: BTreeMap<String, OsString>,
}

impl EnvSnapshot {
    /// Captures the current process environment.
    pub fn capture() -> Self {
        Self::from_pairs(std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v))))
    }

    /// Builds a snapshot from explicit pairs (tests, embedding).
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<OsString>,
    {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `name` as UTF-8 text, if set and valid.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).and_then(|v| v.to_str())
    }

    /// The value of `name` as a path, if set and non-empty.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.vars
            .get(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }

    /// Every variable, for handing on to the commands a task runs (less credentials; see
    /// `process::EnvFilter`).
    pub fn vars(&self) -> impl Iterator<Item = (String, OsString)> + '_ {
        self.vars
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
    }

    /// True when `name` is set to a non-empty value.
    pub fn is_set(&self, name: &str) -> bool {
        self.vars.get(name).is_some_and(|v| !v.is_empty())
    }

    /// Every variable, by name (for finding credentials to redact).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &std::ffi::OsStr)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_os_str()))
    }
}
