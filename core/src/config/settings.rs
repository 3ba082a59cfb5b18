//! The typed configuration the rest of agent reads, built from resolved entries by one function.

use super::layers::Entry;
use super::prices::Prices;
use super::value::{Decimal, Value};
pub use crate::process::SandboxMode;

/// The resolved configuration. Built by [`Config::from_entries`]; [`Config::default`] is what the
/// key table's defaults resolve to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Config {
    pub model: ModelConfig,
    pub ollama: OllamaConfig,
    pub openai: OpenAiConfig,
    pub task: TaskConfig,
    pub roles: RolesConfig,
    pub routing: RoutingConfig,
    pub chat: ChatConfig,
    pub sandbox: SandboxConfig,
    pub github: GitHubConfig,
    pub serve: ServeConfig,
    pub hooks: HooksConfig,
    pub fetch: FetchConfig,
    pub browser: BrowserConfig,
    pub ui: UiConfig,
    pub history: HistoryConfig,
    pub map: MapConfig,
    pub store: StoreConfig,
    /// `[mcp_servers.NAME]` tables: the user's, then a trusted repository's (same name:
    /// the repository's wins). Not in the key table; see [`super::mcp`].
    pub mcp_servers: Vec<super::mcp::McpServerConfig>,
    pub cache: CacheConfig,
    pub budget: BudgetConfig,
    pub fallback: FallbackConfig,
    /// `[prices."backend:model"]`: what models cost (a model not listed costs nothing).
    pub prices: Prices,
}

/// `[budget]`: what model calls may use, in every mode; 0 is no budget.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BudgetConfig {
    /// Tokens of one task (or one chat or `ask` session).
    pub task_tokens: u64,
    /// Tokens of all model calls per UTC day.
    pub daily_tokens: u64,
    /// US dollars of all model calls per UTC month, at `prices`.
    pub monthly_cost: Decimal,
}

/// `[fallback]`: the model a turn goes to when the configured one is down, too slow or too small.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FallbackConfig {
    /// `None`: no fallback.
    pub backend: Option<Backend>,
    pub model: Option<String>,
    /// The fallback's server; `None` uses `openai.base_url` or `ollama.url`.
    pub base_url: Option<String>,
    /// Decode speed (tokens/s) under which later turns go to the fallback; 0 never.
    pub min_tokens_per_second: u32,
}

/// `[model]`: which model serves the agent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ModelConfig {
    pub backend: Backend,
    /// `None` picks a model that fits the hardware.
    pub name: Option<String>,
    pub context_length: u32,
    /// Seconds the one-time tool-calling check may take.
    pub tool_check_timeout: u64,
}

/// `[ollama]`: the Ollama backend.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OllamaConfig {
    pub url: String,
}

/// `[openai]`: the OpenAI-compatible backend.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpenAiConfig {
    /// `None` uses the OpenAI API itself.
    pub base_url: Option<String>,
    /// The name of the environment variable holding the API key (not the key).
    pub api_key_env: String,
}

/// `[task]`: how tasks run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TaskConfig {
    pub approval: Approval,
    pub max_turns: u32,
    /// `None` detects the project's check command.
    pub verify: Option<String>,
    /// `auto`, `single`, `iterative` or `multi`.
    pub strategy: String,
    pub max_iterations: u32,
    pub max_review_rounds: u32,
    /// The most tokens one reply of a task role may have (the request's `max_tokens`).
    pub max_turn_tokens: u32,
}

/// `[chat]`: the chat TUI.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChatConfig {
    /// The chat edits the working tree itself, so it asks before writes by default.
    pub approval: Approval,
}

/// `[sandbox]`: how the commands of tasks (the model's `run` and the check) are confined.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SandboxConfig {
    pub mode: SandboxMode,
    pub network_run: bool,
    pub network_check: bool,
    /// Absolute directories commands may also write.
    pub write_dirs: Vec<String>,
    /// Variables (globs) commands do not get, besides the built-in credential patterns.
    pub env_remove: Vec<String>,
    /// Variables (globs) commands get even when they look like credentials.
    pub env_keep: Vec<String>,
}

/// `[roles]`: a model per agent role; `None` uses `model.name`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RolesConfig {
    pub planner: Option<String>,
    pub coder: Option<String>,
    pub reviewer: Option<String>,
    pub tester: Option<String>,
}

/// `[routing]`: candidate models per role, one chosen per task by the router
/// ([`crate::routing`]); an empty list leaves the role to `roles.*.model` / `model.name`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RoutingConfig {
    pub planner: Vec<String>,
    pub coder: Vec<String>,
    pub reviewer: Vec<String>,
    pub tester: Vec<String>,
    /// Points (of 100) of success probability that the costliest candidate's tokens cost it.
    pub cost_weight: u32,
    /// The seed of the router's draws; `None` draws fresh randomness per task.
    pub seed: Option<u64>,
}

impl RoutingConfig {
    /// The candidates of `role` (empty: not routed).
    pub fn candidates(&self, role: crate::protocol::AgentRole) -> &[String] {
        use crate::protocol::AgentRole;
        match role {
            AgentRole::Planner => &self.planner,
            AgentRole::Coder => &self.coder,
            AgentRole::Reviewer => &self.reviewer,
            AgentRole::Tester => &self.tester,
            _ => &[],
        }
    }
}

impl Default for RoutingConfig {
    fn default() -> Self {
        RoutingConfig {
            planner: Vec::new(),
            coder: Vec::new(),
            reviewer: Vec::new(),
            tester: Vec::new(),
            cost_weight: 20,
            seed: None,
        }
    }
}

/// `[github]`: the GitHub API (pull requests, issues, Actions).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GitHubConfig {
    /// The REST API's base URL, without a trailing slash.
    pub api_url: String,
    /// Command patterns tasks started from GitHub text may run (see
    /// [`crate::untrusted::CommandAllowlist`]).
    pub allowed_commands: Vec<String>,
    /// `owner/name=/path` pairs: the repositories whose webhooks `agent serve` acts on, and
    /// their local checkouts.
    pub repos: Vec<String>,
}

/// `[serve]`: `agent serve`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServeConfig {
    pub addr: String,
    pub cors_origins: Vec<String>,
    /// Requests per second per token; 0 is no limit.
    pub rate_limit: u32,
    /// Whether a stop cancels running tasks or waits for them.
    pub finish_on_shutdown: bool,
    /// Seconds a question waits for an answer; 0 waits until the task ends.
    pub approval_timeout: u64,
    /// The file holding the GitHub webhook secret; `None` turns webhooks off.
    pub webhook_secret_file: Option<String>,
}

/// `[hooks]`: the git hooks `agent hook install` writes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HooksConfig {
    /// Severities (`error`, `warning`, `info`) of review findings that refuse a commit; empty:
    /// findings are only printed.
    pub block_on: Vec<String>,
    /// The model hooks ask; `None` uses `model.name`.
    pub model: Option<String>,
    /// Seconds a hook waits for the model.
    pub timeout: u64,
    /// Seconds the pre-push check may run.
    pub check_timeout: u64,
    /// Whether hooks use the `agent serve` this machine announces.
    pub attach: bool,
}

/// `[fetch]`: `agent fetch` and the model's `fetch` and `browser` tools.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FetchConfig {
    /// Whether the model gets the web tools.
    pub tool: bool,
    /// Hosts, addresses and CIDR ranges reachable although not public.
    pub allow_hosts: Vec<String>,
    /// Seconds one request may take.
    pub timeout: u64,
    /// The largest body read.
    pub max_bytes: u64,
    /// Seconds a page is reused from the store's cache; 0 keeps none.
    pub cache_ttl: u64,
}

/// `[browser]`: headless Chromium.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BrowserConfig {
    /// The binary; `None` looks on PATH.
    pub path: Option<String>,
}

/// `[ui]`: terminal output.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UiConfig {
    pub color: ColorMode,
}

/// `[history]`: `agent history`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryConfig {
    pub page_size: u32,
}

/// `[map]`: the repo map in system prompts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MapConfig {
    pub enabled: bool,
    pub tokens: u32,
}

/// `[store]`: the SQLite database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoreConfig {
    pub busy_timeout_ms: u64,
}

/// `[cache]`: the answer cache of temperature-0 model requests.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CacheConfig {
    pub enabled: bool,
    /// Seconds a kept answer is served.
    pub ttl: u64,
    /// Keep the local backend's prefilled system prompt + tools between processes.
    pub prefill: bool,
    /// MiB the kept prefills may take together.
    pub prefill_max_mb: u64,
}

/// `model.backend`: which backend serves models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Ollama,
    OpenAi,
    Local,
}

/// `task.approval`: when a task asks before acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Approval {
    /// Never asks.
    Auto,
    /// Asks before writing files and before running commands.
    OnWrite,
    /// Asks before running commands; edits stay in the task's own worktree.
    OnCommand,
    /// Asks before every tool call, reads included.
    Always,
}

/// `ui.color`: when output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorMode {
    /// Colour on a terminal unless `NO_COLOR` is set.
    Auto,
    Always,
    Never,
}

impl Backend {
    /// Every variant, in the key table's order.
    pub const ALL: &[Backend] = &[Backend::Ollama, Backend::OpenAi, Backend::Local];

    /// The value as written in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Ollama => "ollama",
            Backend::OpenAi => "openai",
            Backend::Local => "local",
        }
    }

    /// The variant written as `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == name)
    }
}

impl Approval {
    /// Every variant, in the key table's order.
    pub const ALL: &[Approval] = &[
        Approval::Auto,
        Approval::OnWrite,
        Approval::OnCommand,
        Approval::Always,
    ];

    /// The value as written in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Approval::Auto => "auto",
            Approval::OnWrite => "on-write",
            Approval::OnCommand => "on-command",
            Approval::Always => "always",
        }
    }

    /// The variant written as `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == name)
    }
}

impl ColorMode {
    /// Every variant, in the key table's order.
    pub const ALL: &[ColorMode] = &[ColorMode::Auto, ColorMode::Always, ColorMode::Never];

    /// The value as written in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            ColorMode::Auto => "auto",
            ColorMode::Always => "always",
            ColorMode::Never => "never",
        }
    }

    /// The variant written as `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == name)
    }
}

/// The defaults of the key table, written out; a test checks the two agree.
impl Default for Config {
    fn default() -> Self {
        Config {
            model: ModelConfig {
                backend: Backend::Ollama,
                name: None,
                context_length: 8192,
                tool_check_timeout: 180,
            },
            ollama: OllamaConfig {
                url: "http://127.0.0.1:11434".to_string(),
            },
            openai: OpenAiConfig {
                base_url: None,
                api_key_env: "OPENAI_API_KEY".to_string(),
            },
            task: TaskConfig {
                approval: Approval::OnCommand,
                max_turns: 40,
                verify: None,
                strategy: "auto".to_string(),
                max_iterations: 4,
                max_review_rounds: 2,
                max_turn_tokens: 2048,
            },
            roles: RolesConfig::default(),
            routing: RoutingConfig::default(),
            chat: ChatConfig {
                approval: Approval::OnWrite,
            },
            sandbox: SandboxConfig {
                mode: SandboxMode::Enforce,
                network_run: false,
                network_check: true,
                write_dirs: Vec::new(),
                env_remove: Vec::new(),
                env_keep: Vec::new(),
            },
            github: GitHubConfig {
                api_url: "https://api.github.com".to_string(),
                allowed_commands: Vec::new(),
                repos: Vec::new(),
            },
            serve: ServeConfig {
                addr: "127.0.0.1:7878".to_string(),
                cors_origins: Vec::new(),
                rate_limit: 1000,
                finish_on_shutdown: false,
                approval_timeout: 900,
                webhook_secret_file: None,
            },
            hooks: HooksConfig {
                block_on: Vec::new(),
                model: None,
                timeout: 120,
                check_timeout: 1200,
                attach: true,
            },
            fetch: FetchConfig {
                tool: false,
                allow_hosts: Vec::new(),
                timeout: 30,
                max_bytes: 5_000_000,
                cache_ttl: 900,
            },
            browser: BrowserConfig { path: None },
            ui: UiConfig {
                color: ColorMode::Auto,
            },
            history: HistoryConfig { page_size: 20 },
            map: MapConfig {
                enabled: true,
                tokens: 1024,
            },
            store: StoreConfig {
                busy_timeout_ms: 5000,
            },
            mcp_servers: Vec::new(),
            cache: CacheConfig {
                enabled: true,
                ttl: 604_800,
                prefill: true,
                prefill_max_mb: 512,
            },
            budget: BudgetConfig::default(),
            fallback: FallbackConfig::default(),
            prices: Prices::new(),
        }
    }
}

impl Config {
    /// Builds the typed configuration from resolved entries. The one place every key is named:
    /// a key added to the table but not here fails the test that checks every key is read.
    /// Entries come from [`super::load`], which has checked each value; a missing or mistyped
    /// entry falls back to the default.
    pub fn from_entries(entries: &[Entry]) -> Config {
        build(&mut Reader::new(entries))
    }
}

fn build(r: &mut Reader<'_>) -> Config {
    let d = Config::default();
    Config {
        model: ModelConfig {
            backend: r.choice("model.backend", Backend::from_name, d.model.backend),
            name: r.optional_string("model.name"),
            context_length: r.integer("model.context_length", d.model.context_length),
            tool_check_timeout: r.integer("model.tool_check_timeout", d.model.tool_check_timeout),
        },
        ollama: OllamaConfig {
            url: r.string("ollama.url", d.ollama.url),
        },
        openai: OpenAiConfig {
            base_url: r.optional_string("openai.base_url"),
            api_key_env: r.string("openai.api_key_env", d.openai.api_key_env),
        },
        task: TaskConfig {
            approval: r.choice("task.approval", Approval::from_name, d.task.approval),
            max_turns: r.integer("task.max_turns", d.task.max_turns),
            verify: r.optional_string("task.verify"),
            strategy: r.string("task.strategy", d.task.strategy),
            max_iterations: r.integer("task.max_iterations", d.task.max_iterations),
            max_review_rounds: r.integer("task.max_review_rounds", d.task.max_review_rounds),
            max_turn_tokens: r.integer("task.max_turn_tokens", d.task.max_turn_tokens),
        },
        chat: ChatConfig {
            approval: r.choice("chat.approval", Approval::from_name, d.chat.approval),
        },
        sandbox: SandboxConfig {
            mode: r.choice("sandbox.mode", SandboxMode::from_name, d.sandbox.mode),
            network_run: r.boolean("sandbox.network_run", d.sandbox.network_run),
            network_check: r.boolean("sandbox.network_check", d.sandbox.network_check),
            write_dirs: r.list("sandbox.write_dirs"),
            env_remove: r.list("sandbox.env_remove"),
            env_keep: r.list("sandbox.env_keep"),
        },
        roles: RolesConfig {
            planner: r.optional_string("roles.planner.model"),
            coder: r.optional_string("roles.coder.model"),
            reviewer: r.optional_string("roles.reviewer.model"),
            tester: r.optional_string("roles.tester.model"),
        },
        routing: RoutingConfig {
            planner: r.list("routing.planner"),
            coder: r.list("routing.coder"),
            reviewer: r.list("routing.reviewer"),
            tester: r.list("routing.tester"),
            cost_weight: r.integer("routing.cost_weight", d.routing.cost_weight),
            seed: Some(r.integer("routing.seed", 0u64)).filter(|seed| *seed != 0),
        },
        github: GitHubConfig {
            api_url: r.string("github.api_url", d.github.api_url),
            allowed_commands: r.list("github.allowed_commands"),
            repos: r.list("github.repos"),
        },
        serve: ServeConfig {
            addr: r.string("serve.addr", d.serve.addr),
            cors_origins: r.list("serve.cors_origins"),
            rate_limit: r.integer("serve.rate_limit", d.serve.rate_limit),
            finish_on_shutdown: r.choice(
                "serve.shutdown",
                |name| Some(name == "finish"),
                d.serve.finish_on_shutdown,
            ),
            approval_timeout: r.integer("serve.approval_timeout", d.serve.approval_timeout),
            webhook_secret_file: r.optional_string("serve.webhook_secret_file"),
        },
        hooks: HooksConfig {
            block_on: r.list("hooks.block_on"),
            model: r.optional_string("hooks.model"),
            timeout: r.integer("hooks.timeout", d.hooks.timeout),
            check_timeout: r.integer("hooks.check_timeout", d.hooks.check_timeout),
            attach: r.choice("hooks.attach", |name| Some(name == "auto"), d.hooks.attach),
        },
        fetch: FetchConfig {
            tool: r.boolean("fetch.tool", d.fetch.tool),
            allow_hosts: r.list("fetch.allow_hosts"),
            timeout: r.integer("fetch.timeout", d.fetch.timeout),
            max_bytes: r.integer("fetch.max_bytes", d.fetch.max_bytes),
            cache_ttl: r.integer("fetch.cache_ttl", d.fetch.cache_ttl),
        },
        browser: BrowserConfig {
            path: r.optional_string("browser.path"),
        },
        ui: UiConfig {
            color: r.choice("ui.color", ColorMode::from_name, d.ui.color),
        },
        history: HistoryConfig {
            page_size: r.integer("history.page_size", d.history.page_size),
        },
        map: MapConfig {
            enabled: r.boolean("map.enabled", d.map.enabled),
            tokens: r.integer("map.tokens", d.map.tokens),
        },
        store: StoreConfig {
            busy_timeout_ms: r.integer("store.busy_timeout_ms", d.store.busy_timeout_ms),
        },
        mcp_servers: Vec::new(),
        cache: CacheConfig {
            enabled: r.boolean("cache.enabled", d.cache.enabled),
            ttl: r.integer("cache.ttl", d.cache.ttl),
            prefill: r.boolean("cache.prefill", d.cache.prefill),
            prefill_max_mb: r.integer("cache.prefill_max_mb", d.cache.prefill_max_mb),
        },
        budget: BudgetConfig {
            task_tokens: r.integer("budget.task_tokens", d.budget.task_tokens),
            daily_tokens: r.integer("budget.daily_tokens", d.budget.daily_tokens),
            monthly_cost: r.decimal("budget.monthly_cost"),
        },
        fallback: FallbackConfig {
            backend: r.choice(
                "fallback.backend",
                |name| Some(Backend::from_name(name)),
                None,
            ),
            model: r.optional_string("fallback.model"),
            base_url: r.optional_string("fallback.base_url"),
            min_tokens_per_second: r.integer(
                "fallback.min_tokens_per_second",
                d.fallback.min_tokens_per_second,
            ),
        },
        prices: Prices::new(),
    }
}

/// Typed reads of entries, remembering which keys were asked for.
struct Reader<'a> {
    entries: &'a [Entry],
    read: Vec<&'static str>,
}

impl<'a> Reader<'a> {
    fn new(entries: &'a [Entry]) -> Self {
        Reader {
            entries,
            read: Vec::new(),
        }
    }

    fn value(&mut self, key: &'static str) -> Option<&'a Value> {
        self.read.push(key);
        self.entries
            .iter()
            .find(|e| e.key == key)
            .and_then(|e| e.value.as_ref())
    }

    fn string(&mut self, key: &'static str, fallback: String) -> String {
        self.value(key)
            .and_then(Value::as_str)
            .map_or(fallback, str::to_string)
    }

    fn optional_string(&mut self, key: &'static str) -> Option<String> {
        self.value(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    fn integer<T: TryFrom<i64>>(&mut self, key: &'static str, fallback: T) -> T {
        self.value(key)
            .and_then(Value::as_integer)
            .and_then(|i| T::try_from(i).ok())
            .unwrap_or(fallback)
    }

    fn decimal(&mut self, key: &'static str) -> Decimal {
        self.value(key)
            .and_then(Value::as_decimal)
            .unwrap_or_default()
    }

    fn boolean(&mut self, key: &'static str, fallback: bool) -> bool {
        self.value(key).and_then(Value::as_bool).unwrap_or(fallback)
    }

    /// A comma-separated list; empty items are dropped.
    fn list(&mut self, key: &'static str) -> Vec<String> {
        self.optional_string(key)
            .map(|text| {
                text.split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    fn choice<T>(&mut self, key: &'static str, parse: fn(&str) -> Option<T>, fallback: T) -> T {
        self.value(key)
            .and_then(Value::as_str)
            .and_then(parse)
            .unwrap_or(fallback)
    }
}

/// The keys [`Config::from_entries`] reads, in order (for the test that none is forgotten).
#[cfg(test)]
pub(super) fn keys_read(entries: &[Entry]) -> Vec<&'static str> {
    let mut reader = Reader::new(entries);
    build(&mut reader);
    reader.read
}
