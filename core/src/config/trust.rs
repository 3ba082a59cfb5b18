//! Trust in a repository's `.agent/config.toml`: which of its keys apply before the user trusts
//! it ([`REPO_KEY_POLICY`]), and the user's list of trusted files (`agent trust`), each recorded
//! with the SHA-256 of its content so that a changed file needs trust again.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The file in the data directory that lists the trusted repository files.
pub const TRUST_FILE: &str = "trusted-repos.toml";

/// Whether a repository's value of one key applies without trust, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepoKeyPolicy {
    pub key: &'static str,
    /// True when the repository's value applies even before `agent trust`.
    pub untrusted_ok: bool,
    /// One line: what the key could do from a repository someone else wrote.
    pub reason: &'static str,
}

const fn needs_trust(key: &'static str, reason: &'static str) -> RepoKeyPolicy {
    RepoKeyPolicy {
        key,
        untrusted_ok: false,
        reason,
    }
}

const fn harmless(key: &'static str, reason: &'static str) -> RepoKeyPolicy {
    RepoKeyPolicy {
        key,
        untrusted_ok: true,
        reason,
    }
}

/// Every key reviewed for repository files. A key not listed here (a key added later) needs
/// trust: it is [`UNREVIEWED_REASON`] until someone decides otherwise.
pub const REPO_KEY_POLICY: &[RepoKeyPolicy] = &[
    needs_trust(
        "model.backend",
        "chooses where your code and prompts are sent",
    ),
    needs_trust(
        "model.name",
        "a `.gguf` path switches to the in-process backend and loads a file the repository chose",
    ),
    harmless(
        "model.context_length",
        "sizes the context of the model you chose; no destination, credential or command",
    ),
    needs_trust(
        "model.tool_check_timeout",
        "a short one makes your model's tool-calling check time out, and every repository then skips it for a day",
    ),
    needs_trust("ollama.url", "where requests with your code are sent"),
    needs_trust(
        "openai.base_url",
        "where requests with your code and your API key (as a bearer token) are sent",
    ),
    needs_trust(
        "openai.api_key_env",
        "which environment variable is sent as the API key: any secret could be named",
    ),
    needs_trust(
        "task.approval",
        "`auto` runs the model's commands without asking",
    ),
    harmless(
        "task.max_turns",
        "a limit (at most 1000): how long a task may go on, not what it may do",
    ),
    needs_trust("task.verify", "a command run without asking"),
    harmless(
        "task.strategy",
        "which roles work on a task; every tool call still goes through approval",
    ),
    harmless(
        "task.max_iterations",
        "a limit (at most 50) on edit → check → fix rounds",
    ),
    harmless(
        "task.max_review_rounds",
        "a limit (at most 20) on reviewer rounds",
    ),
    harmless(
        "task.max_turn_tokens",
        "a limit (64 to 32768) on one reply's length: how long a turn may run, not what it may do",
    ),
    needs_trust(
        "roles.planner.model",
        "as model.name: a `.gguf` path loads a file the repository chose",
    ),
    needs_trust(
        "roles.coder.model",
        "as model.name: a `.gguf` path loads a file the repository chose",
    ),
    needs_trust(
        "roles.reviewer.model",
        "as model.name: a `.gguf` path loads a file the repository chose",
    ),
    needs_trust(
        "roles.tester.model",
        "as model.name: a `.gguf` path loads a file the repository chose",
    ),
    needs_trust(
        "routing.planner",
        "candidates receive your code: a `backend:` prefix or a `.gguf` path sends it where the repository chose",
    ),
    needs_trust(
        "routing.coder",
        "candidates receive your code: a `backend:` prefix or a `.gguf` path sends it where the repository chose",
    ),
    needs_trust(
        "routing.reviewer",
        "candidates receive your code: a `backend:` prefix or a `.gguf` path sends it where the repository chose",
    ),
    needs_trust(
        "routing.tester",
        "candidates receive your code: a `backend:` prefix or a `.gguf` path sends it where the repository chose",
    ),
    harmless(
        "routing.cost_weight",
        "weighs cost among the candidates you chose; no destination, credential or command",
    ),
    harmless(
        "routing.seed",
        "fixes the router's random draws among the candidates you chose",
    ),
    needs_trust(
        "chat.approval",
        "`auto` lets the chat run commands and change your files without asking",
    ),
    needs_trust(
        "github.api_url",
        "where requests with your GitHub token are sent",
    ),
    needs_trust(
        "github.allowed_commands",
        "which commands tasks started from GitHub text may run",
    ),
    needs_trust(
        "github.repos",
        "which checkouts tasks started by GitHub webhooks run in",
    ),
    needs_trust(
        "serve.addr",
        "where `agent serve` listens: a repository could open it to the network",
    ),
    needs_trust(
        "serve.cors_origins",
        "which web pages may drive `agent serve` from a browser",
    ),
    needs_trust(
        "serve.rate_limit",
        "lifts the limit that stops a runaway client of `agent serve`",
    ),
    needs_trust(
        "serve.shutdown",
        "whether stopping `agent serve` waits for tasks the repository's config keeps running",
    ),
    needs_trust(
        "serve.approval_timeout",
        "how long a served task's questions wait: 0 keeps tasks waiting forever",
    ),
    needs_trust(
        "serve.webhook_secret_file",
        "the secret that lets GitHub start tasks: it belongs in your own configuration",
    ),
    needs_trust(
        "hooks.block_on",
        "whether review findings refuse your commits: a repository could silence the gate you chose",
    ),
    needs_trust(
        "hooks.model",
        "as model.name: a `.gguf` path loads a file the repository chose",
    ),
    harmless(
        "hooks.timeout",
        "a limit (at most an hour) on how long a hook waits for the model; past it the commit goes through",
    ),
    harmless(
        "hooks.check_timeout",
        "a limit on how long the pre-push check runs; the check itself is task.verify's or detected",
    ),
    harmless(
        "hooks.attach",
        "only whether hooks use your own `agent serve` on this machine or run locally; no new destination",
    ),
    needs_trust(
        "fetch.tool",
        "gives the model the web: what it reads could carry your code to any address it names",
    ),
    needs_trust(
        "fetch.allow_hosts",
        "opens this machine and its network (loopback, private, metadata addresses) to requests a web page or prompt can steer",
    ),
    harmless(
        "fetch.timeout",
        "a limit (at most 10 minutes) on one web request",
    ),
    harmless(
        "fetch.max_bytes",
        "a limit (at most 1 GiB) on one page's size",
    ),
    harmless(
        "fetch.cache_ttl",
        "how long (at most a day) a fetched page is reused; no destination",
    ),
    needs_trust("browser.path", "a program run as the browser"),
    needs_trust(
        "budget.task_tokens",
        "raises what a task may spend: budgets are yours to set",
    ),
    needs_trust(
        "budget.daily_tokens",
        "raises what a day's model calls may spend: budgets are yours to set",
    ),
    needs_trust(
        "budget.monthly_cost",
        "raises what a month's model calls may cost: budgets are yours to set",
    ),
    needs_trust(
        "fallback.backend",
        "chooses where your code and prompts are sent when the model is down or slow",
    ),
    needs_trust(
        "fallback.model",
        "chooses the model (and what it costs) your prompts go to; a `.gguf` path loads a file",
    ),
    needs_trust(
        "fallback.base_url",
        "where requests with your code and your API key are sent",
    ),
    needs_trust(
        "fallback.min_tokens_per_second",
        "a high value sends every turn to the (paid) fallback",
    ),
    harmless("ui.color", "output colour only"),
    harmless("history.page_size", "how many rows a listing shows"),
    harmless(
        "map.enabled",
        "whether the repository's own definitions are listed in the prompt; no destination, credential or command",
    ),
    harmless(
        "map.tokens",
        "how much of the prompt the repo map may take (at most an eighth of the context)",
    ),
    harmless(
        "store.busy_timeout_ms",
        "how long a write waits for the database lock; no destination, credential or command",
    ),
    harmless(
        "cache.enabled",
        "whether an identical temperature-0 request is answered from your own store; no destination, command or budget",
    ),
    harmless(
        "cache.ttl",
        "how long your own store's answers to identical requests are served; no destination, command or budget",
    ),
    harmless(
        "cache.prefill",
        "whether the in-process model's prefilled system prompt is kept in your own data directory; no destination, command or budget",
    ),
];

/// Why a key missing from [`REPO_KEY_POLICY`] needs trust.
pub const UNREVIEWED_REASON: &str =
    "not reviewed as harmless; keys are trusted from a repository only once listed";

/// The policy of `key` in a repository file; keys not in [`REPO_KEY_POLICY`] need trust.
pub fn repo_key_policy(key: &'static str) -> RepoKeyPolicy {
    REPO_KEY_POLICY
        .iter()
        .copied()
        .find(|p| p.key == key)
        .unwrap_or(needs_trust(key, UNREVIEWED_REASON))
}

/// True when a repository's value of `key` applies before the user trusts the repository.
pub fn applies_untrusted(key: &str) -> bool {
    REPO_KEY_POLICY
        .iter()
        .any(|p| p.key == key && p.untrusted_ok)
}

/// How the repository layer is trusted while resolving configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RepoTrust {
    /// Look the file up in the user's trust list at this path (`<data dir>/trusted-repos.toml`).
    List(PathBuf),
    /// Every key of the repository file applies (tests; a caller that checked trust itself).
    All,
    /// Only the harmless keys apply.
    Nothing,
}

/// Where a repository file stands with the user's trust list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrustStatus {
    /// Trusted, and unchanged since.
    Trusted,
    /// Trusted once, but its content changed since.
    Changed,
    /// Never trusted (or trust was revoked).
    Untrusted,
}

/// One trusted repository: its root, the hash of its `.agent/config.toml` when it was trusted,
/// and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrustEntry {
    /// The repository root, canonical.
    pub repo: String,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// RFC 3339.
    pub trusted_at: String,
}

#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct TrustFile {
    #[serde(default, rename = "repository")]
    repositories: Vec<TrustEntry>,
}

/// The user's trust list, read from and written to one TOML file.
#[derive(Debug, Clone)]
pub struct TrustList {
    path: PathBuf,
    entries: Vec<TrustEntry>,
}

impl TrustList {
    /// Reads the list at `path`; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(Error::Io {
                    action: "read the list of trusted repositories",
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let file: TrustFile = toml::from_str(&text).map_err(|e| Error::ConfigSyntax {
            path: path.to_path_buf(),
            message: super::layers::syntax_message(&text, e.message(), e.span()),
        })?;
        Ok(TrustList {
            path: path.to_path_buf(),
            entries: file.repositories,
        })
    }

    /// The file the list lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The trusted repositories, in the order they were trusted.
    pub fn entries(&self) -> &[TrustEntry] {
        &self.entries
    }

    /// The entry of the repository at `repo_root`, if it was trusted.
    pub fn entry(&self, repo_root: &Path) -> Option<&TrustEntry> {
        let key = repo_key(repo_root);
        self.entries.iter().find(|e| e.repo == key)
    }

    /// Whether the repository at `repo_root`, whose config file holds `content`, is trusted.
    pub fn status(&self, repo_root: &Path, content: &[u8]) -> TrustStatus {
        match self.entry(repo_root) {
            Some(entry) if entry.sha256 == digest(content) => TrustStatus::Trusted,
            Some(_) => TrustStatus::Changed,
            None => TrustStatus::Untrusted,
        }
    }

    /// Trusts the repository at `repo_root` with its config file holding `content` (replacing
    /// any earlier trust in it). Call [`TrustList::save`] to keep it.
    pub fn trust(&mut self, repo_root: &Path, content: &[u8], now: crate::time::Millis) {
        let key = repo_key(repo_root);
        self.entries.retain(|e| e.repo != key);
        self.entries.push(TrustEntry {
            repo: key,
            sha256: digest(content),
            trusted_at: crate::time::format_rfc3339(now),
        });
    }

    /// Forgets the repository at `repo_root` (or recorded under exactly that path); `false`
    /// when it was not trusted.
    pub fn revoke(&mut self, repo_root: &Path) -> bool {
        let key = repo_key(repo_root);
        let literal = repo_root.display().to_string();
        let before = self.entries.len();
        self.entries.retain(|e| e.repo != key && e.repo != literal);
        self.entries.len() != before
    }

    /// Writes the list (to a temporary file renamed over the old one).
    pub fn save(&self) -> Result<()> {
        let io = |action: &'static str, path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io {
                action,
                path,
                source,
            }
        };
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::DataDirectory {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let file = TrustFile {
            repositories: self.entries.clone(),
        };
        let body = toml::to_string(&file).map_err(|e| Error::Io {
            action: "encode the list of trusted repositories for",
            path: self.path.clone(),
            source: std::io::Error::other(e.to_string()),
        })?;
        let text = format!(
            "# Repositories whose .agent/config.toml you trusted with `agent trust`.\n\
             # A file whose SHA-256 no longer matches is not trusted until you run it again.\n\n{body}"
        );
        let temporary = self.path.with_extension("toml.tmp");
        std::fs::write(&temporary, text).map_err(io("write", &temporary))?;
        std::fs::rename(&temporary, &self.path).map_err(io("replace", &self.path))
    }
}

/// SHA-256 of `content`, lowercase hex.
pub fn digest(content: &[u8]) -> String {
    Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The repository root as the list records it: canonical when it exists.
fn repo_key(repo_root: &Path) -> String {
    repo_root
        .canonicalize()
        .unwrap_or_else(|_| repo_root.to_path_buf())
        .display()
        .to_string()
}

/// The repository root of a repository config file (`<root>/.agent/config.toml`).
pub fn repo_root_of(config_file: &Path) -> Option<&Path> {
    config_file.parent()?.parent()
}

/// A repository's `.agent/config.toml` as read for `agent trust`: the text whose hash is
/// recorded, and the checked keys in it.
#[derive(Debug, Clone)]
pub struct RepoFile {
    /// `<root>/.agent/config.toml`.
    pub path: PathBuf,
    pub text: String,
    pub keys: Vec<(&'static super::KeySpec, super::Value)>,
    /// Its `[mcp_servers.NAME]` tables: each needs trust.
    pub mcp_servers: Vec<super::McpServerConfig>,
}

impl RepoFile {
    /// Reads and checks the repository file under `root`; `Ok(None)` when there is none. A file
    /// with a syntax error, an unknown key or a bad value is an error: it cannot be trusted.
    pub fn read(root: &Path) -> Result<Option<Self>> {
        let path = super::repo_config_file(root);
        let Some(text) = super::layers::read_text(&path)? else {
            return Ok(None);
        };
        let origin = super::Origin::RepoFile(path.clone());
        let parsed = super::layers::parse_file(&path, &text, &origin)?;
        Ok(Some(RepoFile {
            path,
            text,
            keys: parsed.keys,
            mcp_servers: parsed.servers,
        }))
    }

    /// The keys in the file that apply only once it is trusted, with their values.
    pub fn keys_needing_trust(&self) -> Vec<(&'static str, &super::Value)> {
        self.keys
            .iter()
            .filter(|(spec, _)| !applies_untrusted(spec.key))
            .map(|(spec, value)| (spec.key, value))
            .collect()
    }
}
