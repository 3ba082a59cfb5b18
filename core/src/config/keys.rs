//! The one table of configuration keys agent knows: name, kind of value, default and doc line.

use agent_models::names::edit_distance;

use std::fmt;

use crate::env::CONFIG_PREFIX;

/// What kind of value a key holds, and so how its text is parsed and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Any string, empty included.
    String,
    /// A string where empty means unset.
    OptionalString,
    /// A URL starting with `http://` or `https://`.
    Url,
    /// An `http://` or `https://` URL, or empty for unset.
    OptionalUrl,
    /// An integer in `min..=max`.
    Integer { min: i64, max: i64 },
    /// A non-negative decimal number (a price, an amount of money) up to `max`, kept exactly to
    /// six decimals.
    Decimal { max: u64 },
    /// `true` or `false`.
    Bool,
    /// One of the listed words.
    Enum(&'static [&'static str]),
    /// Comma-separated words from the list (in a file also an array of them), or empty for none.
    EnumList(&'static [&'static str]),
    /// Comma-separated strings (in a file also an array of strings), or empty for none.
    List,
}

impl ValueKind {
    /// True for kinds where an empty string means "no value".
    pub fn is_optional(&self) -> bool {
        matches!(
            self,
            ValueKind::OptionalString
                | ValueKind::OptionalUrl
                | ValueKind::EnumList(_)
                | ValueKind::List
        )
    }
}

/// Reads as the expected value in an error message: "an integer from 1 to 1000".
impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueKind::String => f.write_str("a string"),
            ValueKind::OptionalString => f.write_str("a string, or empty for none"),
            ValueKind::Url => f.write_str("an http:// or https:// URL"),
            ValueKind::OptionalUrl => f.write_str("an http:// or https:// URL, or empty for none"),
            ValueKind::Integer { min, max } => write!(f, "an integer from {min} to {max}"),
            ValueKind::Decimal { max } => write!(f, "a decimal number from 0 to {max}"),
            ValueKind::Bool => f.write_str("true or false"),
            ValueKind::Enum(allowed) => write!(f, "one of {}", allowed.join(", ")),
            ValueKind::EnumList(allowed) => write!(
                f,
                "a comma-separated list of {}, or empty for none",
                allowed.join(", ")
            ),
            ValueKind::List => f.write_str("a comma-separated list, or empty for none"),
        }
    }
}

/// One configuration key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    /// `section.name`, as written with `-c` and `agent config set`.
    pub key: &'static str,
    /// What the value may be.
    pub kind: ValueKind,
    /// The default in the kind's text syntax; `""` means unset for optional kinds.
    pub default: &'static str,
    /// One line for `agent config show` and the starter file.
    pub doc: &'static str,
}

impl KeySpec {
    /// The table the key lives in: `model` for `model.backend`.
    pub fn section(&self) -> &'static str {
        split_key(self.key).0
    }

    /// The key's name inside its table: `backend` for `model.backend`.
    pub fn name(&self) -> &'static str {
        split_key(self.key).1
    }

    /// The environment variable that overrides this key: `AGENT_MODEL_BACKEND`.
    pub fn env_var(&self) -> String {
        env_var_name(self.key)
    }
}

/// Every key agent knows, in the order `agent config show` lists them.
pub const KEYS: &[KeySpec] = &[
    KeySpec {
        key: "model.backend",
        kind: ValueKind::Enum(BACKENDS),
        default: "ollama",
        doc: "which backend serves models",
    },
    KeySpec {
        key: "model.name",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "model to use; empty picks one that fits the hardware",
    },
    KeySpec {
        key: "model.context_length",
        kind: ValueKind::Integer {
            min: 512,
            max: 1_048_576,
        },
        default: "8192",
        doc: "context window in tokens",
    },
    KeySpec {
        key: "model.tool_check_timeout",
        kind: ValueKind::Integer { min: 1, max: 3600 },
        default: "180",
        doc: "seconds a model's one-time tool-calling check may take (a model may have to load first); one that times out is not checked again for a day",
    },
    KeySpec {
        key: "ollama.url",
        kind: ValueKind::Url,
        default: "http://127.0.0.1:11434",
        doc: "address of the Ollama server",
    },
    KeySpec {
        key: "openai.base_url",
        kind: ValueKind::OptionalUrl,
        default: "",
        doc: "base URL of an OpenAI-compatible server; empty uses the OpenAI API",
    },
    KeySpec {
        key: "openai.api_key_env",
        kind: ValueKind::String,
        default: "OPENAI_API_KEY",
        doc: "environment variable holding the API key",
    },
    KeySpec {
        key: "task.approval",
        kind: ValueKind::Enum(APPROVALS),
        default: "on-command",
        doc: "when a task asks before acting",
    },
    KeySpec {
        key: "task.max_turns",
        kind: ValueKind::Integer { min: 1, max: 1000 },
        default: "40",
        doc: "most model turns one task may take",
    },
    KeySpec {
        key: "task.verify",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "command that checks a task; empty detects it",
    },
    KeySpec {
        key: "task.strategy",
        kind: ValueKind::Enum(STRATEGIES),
        default: "auto",
        doc: "how tasks run; auto picks by the task's complexity",
    },
    KeySpec {
        key: "task.max_iterations",
        kind: ValueKind::Integer { min: 1, max: 50 },
        default: "4",
        doc: "most edit → check → fix rounds of the iterative strategy",
    },
    KeySpec {
        key: "task.max_review_rounds",
        kind: ValueKind::Integer { min: 0, max: 20 },
        default: "2",
        doc: "most reviewer change requests the multi-agent strategy follows",
    },
    KeySpec {
        key: "task.max_turn_tokens",
        kind: ValueKind::Integer {
            min: 64,
            max: 32768,
        },
        default: "2048",
        doc: "most tokens one model reply of a task role may have; a cut reply is reported to the model",
    },
    KeySpec {
        key: "roles.planner.model",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "model of the planner role; empty uses model.name",
    },
    KeySpec {
        key: "roles.coder.model",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "model of the coder role; empty uses model.name",
    },
    KeySpec {
        key: "roles.reviewer.model",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "model of the reviewer role; empty uses model.name",
    },
    KeySpec {
        key: "roles.tester.model",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "model of the tester role; empty uses model.name",
    },
    KeySpec {
        key: "routing.planner",
        kind: ValueKind::List,
        default: "",
        doc: "candidate models of the planner role, one picked per task from past outcomes; empty: no routing",
    },
    KeySpec {
        key: "routing.coder",
        kind: ValueKind::List,
        default: "",
        doc: "candidate models of the coder role (`backend:model` or a name), one picked per task from past outcomes; empty: no routing",
    },
    KeySpec {
        key: "routing.reviewer",
        kind: ValueKind::List,
        default: "",
        doc: "candidate models of the reviewer role, one picked per task from past outcomes; empty: no routing",
    },
    KeySpec {
        key: "routing.tester",
        kind: ValueKind::List,
        default: "",
        doc: "candidate models of the tester role, one picked per task from past outcomes; empty: no routing",
    },
    KeySpec {
        key: "routing.cost_weight",
        kind: ValueKind::Integer { min: 0, max: 100 },
        default: "20",
        doc: "how many points of success probability the costliest candidate's tokens weigh against it",
    },
    KeySpec {
        key: "routing.seed",
        kind: ValueKind::Integer {
            min: 0,
            max: i64::MAX,
        },
        default: "0",
        doc: "seed of the router's random draws (the same history then gives the same choice); 0: fresh each task",
    },
    KeySpec {
        key: "chat.approval",
        kind: ValueKind::Enum(APPROVALS),
        default: "on-write",
        doc: "when the chat asks before acting (its edits go straight into your files)",
    },
    KeySpec {
        key: "sandbox.mode",
        kind: ValueKind::Enum(SANDBOX_MODES),
        default: "enforce",
        doc: "confining task commands: enforce (refuse when the kernel cannot), warn (run unconfined with a warning) or off",
    },
    KeySpec {
        key: "sandbox.network_run",
        kind: ValueKind::Bool,
        default: "false",
        doc: "whether commands the model runs (`run`) may use the network",
    },
    KeySpec {
        key: "sandbox.network_check",
        kind: ValueKind::Bool,
        default: "true",
        doc: "whether the project's check may use the network",
    },
    KeySpec {
        key: "sandbox.write_dirs",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "comma-separated absolute directories commands may write besides the worktree, its temp and build directories",
    },
    KeySpec {
        key: "sandbox.env_remove",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "comma-separated variables (`*` globs) kept from commands, besides keys, tokens, secrets and passwords",
    },
    KeySpec {
        key: "sandbox.env_keep",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "comma-separated variables (`*` globs) commands get even though they look like secrets",
    },
    KeySpec {
        key: "github.api_url",
        kind: ValueKind::String,
        default: "https://api.github.com",
        doc: "the GitHub REST API; GitHub Enterprise Server is https://HOST/api/v3",
    },
    KeySpec {
        key: "github.allowed_commands",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "comma-separated command prefixes (`*` globs) tasks started from GitHub text may run, besides the project's check",
    },
    KeySpec {
        key: "github.repos",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "comma-separated owner/name=/local/checkout pairs whose webhooks `agent serve` acts on",
    },
    KeySpec {
        key: "serve.addr",
        kind: ValueKind::String,
        default: "127.0.0.1:7878",
        doc: "where `agent serve` listens (host:port); an address off this machine needs --token-file",
    },
    KeySpec {
        key: "serve.cors_origins",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "comma-separated web origins (https://host:port) whose pages may call `agent serve`; empty: none",
    },
    KeySpec {
        key: "serve.rate_limit",
        kind: ValueKind::Integer {
            min: 0,
            max: 1_000_000,
        },
        default: "1000",
        doc: "requests per second one token may make to `agent serve` (0: no limit)",
    },
    KeySpec {
        key: "serve.shutdown",
        kind: ValueKind::Enum(SHUTDOWN_MODES),
        default: "cancel",
        doc: "what `agent serve` does with running tasks when stopped: cancel them, or finish (wait for them)",
    },
    KeySpec {
        key: "serve.approval_timeout",
        kind: ValueKind::Integer {
            min: 0,
            max: 86_400,
        },
        default: "900",
        doc: "seconds a served task's question waits for an answer before it counts as no (0: forever)",
    },
    KeySpec {
        key: "serve.webhook_secret_file",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "a file (mode 0600) holding the secret GitHub signs webhooks with; empty: POST /v1/webhooks/github is off",
    },
    KeySpec {
        key: "hooks.block_on",
        kind: ValueKind::EnumList(SEVERITIES),
        default: "",
        doc: "severities of pre-commit review findings that refuse the commit; empty: findings only print",
    },
    KeySpec {
        key: "hooks.model",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "model the git hooks ask; empty uses model.name",
    },
    KeySpec {
        key: "hooks.timeout",
        kind: ValueKind::Integer { min: 5, max: 3600 },
        default: "120",
        doc: "seconds a git hook waits for the model before it lets the commit through",
    },
    KeySpec {
        key: "hooks.check_timeout",
        kind: ValueKind::Integer {
            min: 10,
            max: 86_400,
        },
        default: "1200",
        doc: "seconds the pre-push hook's check may run; past it the push is refused",
    },
    KeySpec {
        key: "hooks.attach",
        kind: ValueKind::Enum(HOOK_ATTACH),
        default: "auto",
        doc: "whether git hooks use the `agent serve` this machine announces (auto) or always run locally (never)",
    },
    KeySpec {
        key: "fetch.tool",
        kind: ValueKind::Bool,
        default: "false",
        doc: "whether the model gets the `fetch` and `browser` tools (web pages; asked like commands)",
    },
    KeySpec {
        key: "fetch.allow_hosts",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "comma-separated hosts, addresses or CIDR ranges on this machine or its network that fetch and the browser may reach; empty: public addresses only",
    },
    KeySpec {
        key: "fetch.timeout",
        kind: ValueKind::Integer { min: 1, max: 600 },
        default: "30",
        doc: "seconds one web request may take",
    },
    KeySpec {
        key: "fetch.max_bytes",
        kind: ValueKind::Integer {
            min: 1024,
            max: 1_073_741_824,
        },
        default: "5000000",
        doc: "the largest page body fetched, in bytes",
    },
    KeySpec {
        key: "fetch.cache_ttl",
        kind: ValueKind::Integer {
            min: 0,
            max: 86_400,
        },
        default: "900",
        doc: "seconds a fetched page is reused from the store (0: no cache)",
    },
    KeySpec {
        key: "browser.path",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "the Chromium or Chrome binary for pages that need JavaScript; empty looks on PATH",
    },
    KeySpec {
        key: "budget.task_tokens",
        kind: ValueKind::Integer {
            min: 0,
            max: 1_000_000_000_000,
        },
        default: "0",
        doc: "tokens one task (or one chat or `ask` session) may use; 0 is no budget",
    },
    KeySpec {
        key: "budget.daily_tokens",
        kind: ValueKind::Integer {
            min: 0,
            max: 1_000_000_000_000,
        },
        default: "0",
        doc: "tokens all model calls may use per day (UTC); 0 is no budget",
    },
    KeySpec {
        key: "budget.monthly_cost",
        kind: ValueKind::Decimal { max: 1_000_000 },
        default: "0",
        doc: "US dollars model calls may cost per month (UTC), priced by [prices.\"backend:model\"]; 0 is no budget",
    },
    KeySpec {
        key: "fallback.backend",
        kind: ValueKind::Enum(FALLBACK_BACKENDS),
        default: "none",
        doc: "where a turn goes when the model is down, too slow or its context too small; none turns fallback off",
    },
    KeySpec {
        key: "fallback.model",
        kind: ValueKind::OptionalString,
        default: "",
        doc: "the fallback backend's model",
    },
    KeySpec {
        key: "fallback.base_url",
        kind: ValueKind::OptionalUrl,
        default: "",
        doc: "the fallback's server; empty uses openai.base_url (openai) or ollama.url (ollama)",
    },
    KeySpec {
        key: "fallback.min_tokens_per_second",
        kind: ValueKind::Integer {
            min: 0,
            max: 100_000,
        },
        default: "0",
        doc: "a model that decodes slower than this over a turn sends the next turns to the fallback; 0 never",
    },
    KeySpec {
        key: "ui.color",
        kind: ValueKind::Enum(COLOR_MODES),
        default: "auto",
        doc: "when to use colour in output",
    },
    KeySpec {
        key: "history.page_size",
        kind: ValueKind::Integer { min: 1, max: 1000 },
        default: "20",
        doc: "conversations per page in `agent history list`",
    },
    KeySpec {
        key: "map.enabled",
        kind: ValueKind::Bool,
        default: "true",
        doc: "put a repo map (ranked definitions) in the system prompt of tasks and chats",
    },
    KeySpec {
        key: "map.tokens",
        kind: ValueKind::Integer {
            min: 0,
            max: 65_536,
        },
        default: "1024",
        doc: "the repo map's budget in tokens (at most an eighth of the context window)",
    },
    KeySpec {
        key: "store.busy_timeout_ms",
        kind: ValueKind::Integer {
            min: 0,
            max: 600_000,
        },
        default: "5000",
        doc: "how long to wait for a database locked by another agent, in milliseconds",
    },
    KeySpec {
        key: "cache.enabled",
        kind: ValueKind::Bool,
        default: "true",
        doc: "answer identical temperature-0 model requests from the store instead of the model (`--no-cache` skips it once)",
    },
    KeySpec {
        key: "cache.ttl",
        kind: ValueKind::Integer {
            min: 1,
            max: 31_536_000,
        },
        default: "604800",
        doc: "seconds a cached answer is served (default a week)",
    },
    KeySpec {
        key: "cache.prefill",
        kind: ValueKind::Bool,
        default: "true",
        doc: "keep the in-process backend's prefilled system prompt and tools in the data directory (`prefill/`) so the next process does not compute them again (native engine only)",
    },
    KeySpec {
        key: "cache.prefill_max_mb",
        kind: ValueKind::Integer {
            min: 1,
            max: 1_048_576,
        },
        default: "512",
        doc: "the most MiB the kept prefills take; the least recently used go first",
    },
];

/// The values of `model.backend`.
pub const BACKENDS: &[&str] = &["ollama", "openai", "local"];
/// The values of `fallback.backend`.
pub const FALLBACK_BACKENDS: &[&str] = &["none", "ollama", "openai", "local"];
/// The values of `task.approval`.
pub const APPROVALS: &[&str] = &["auto", "on-write", "on-command", "always"];
/// The values of `task.strategy`.
pub const STRATEGIES: &[&str] = &["auto", "single", "iterative", "multi"];
/// The values of `sandbox.mode`.
pub const SANDBOX_MODES: &[&str] = &["enforce", "warn", "off"];
/// The values of `serve.shutdown`.
pub const SHUTDOWN_MODES: &[&str] = &["cancel", "finish"];
/// The severities of review findings (`hooks.block_on`), most serious first.
pub const SEVERITIES: &[&str] = &["error", "warning", "info"];
/// The values of `hooks.attach`.
pub const HOOK_ATTACH: &[&str] = &["auto", "never"];
/// The values of `ui.color`.
pub const COLOR_MODES: &[&str] = &["auto", "always", "never"];

/// The spec of a known key, or `None`.
pub fn spec(key: &str) -> Option<&'static KeySpec> {
    KEYS.iter().find(|s| s.key == key)
}

/// The environment variable for a key: `AGENT_` + the key uppercased with `.` as `_`.
pub fn env_var_name(key: &str) -> String {
    format!(
        "{CONFIG_PREFIX}{}",
        key.replace('.', "_").to_ascii_uppercase()
    )
}

/// The known key an unknown one was probably meant to be: a close spelling, or the same name
/// in another table (`backend` → `model.backend`).
pub fn suggest(unknown: &str) -> Option<&'static str> {
    let close = KEYS
        .iter()
        .map(|s| (edit_distance(unknown, s.key), s.key))
        .filter(|(distance, key)| *distance <= 3 && *distance * 3 <= key.len())
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, key)| key);
    close.or_else(|| {
        let leaf = unknown.rsplit('.').next().unwrap_or(unknown);
        // A bare name means the model's own key, not the fallback's copy of it.
        let mut same_name = KEYS
            .iter()
            .filter(|s| s.name() == leaf && s.section() != "fallback");
        match (same_name.next(), same_name.next()) {
            (Some(only), None) => Some(only.key),
            _ => None,
        }
    })
}

fn split_key(key: &'static str) -> (&'static str, &'static str) {
    key.rsplit_once('.').unwrap_or(("", key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_keys_get_no_suggestion() {
        assert_eq!(suggest("completely.different"), None);
        assert_eq!(suggest("x"), None);
    }

    #[test]
    fn a_bare_name_suggests_its_table() {
        assert_eq!(suggest("backend"), Some("model.backend"));
        assert_eq!(suggest("ui.page_size"), Some("history.page_size"));
    }
}
