//! Layered configuration: the key table, resolving defaults → user file → repo file → `AGENT_*`
//! environment → flags into a typed [`Config`], and editing configuration files.
//!
//! - [`keys`] is the one list of keys, with kinds, defaults and docs.
//! - [`value`] turns text or TOML into a checked [`Value`] and names each layer's [`Origin`].
//! - [`layers`] reads the layers ([`load`]) and finds the repository's file.
//! - [`settings`] builds [`Config`] from the resolved entries in one function.
//! - [`mcp`] reads the `[mcp_servers.NAME]` tables (servers, not keys).
//! - [`trust`] decides which keys of an untrusted repository's file apply, and keeps the user's
//!   list of trusted repository files (`agent trust`).
//! - [`edit`] changes files in place (`agent config set/unset`) and writes the starter file.
//!
//! Nothing here reads the process environment: the caller passes an [`EnvSnapshot`](crate::env::EnvSnapshot).

pub mod edit;
pub mod keys;
pub mod layers;
pub mod mcp;
pub mod prices;
pub mod settings;
pub mod trust;
pub mod value;

pub use edit::{set_value, template, unset_value, validate_file};
pub use keys::{KEYS, KeySpec, ValueKind, env_var_name, spec, suggest};
pub use layers::{
    ConfigSources, Entry, IgnoredKey, REPO_CONFIG_DIR, ResolvedConfig, find_repo_root, load,
    repo_config_file,
};
pub use mcp::{McpApproval, McpServerConfig, McpTransport};
pub use prices::{Price, Prices, price_key};
pub use settings::{
    Approval, Backend, BrowserConfig, BudgetConfig, CacheConfig, ChatConfig, ColorMode, Config,
    FallbackConfig, FetchConfig, GitHubConfig, HistoryConfig, HooksConfig, MapConfig, ModelConfig,
    OllamaConfig, OpenAiConfig, RolesConfig, RoutingConfig, SandboxConfig, SandboxMode,
    StoreConfig, TaskConfig, UiConfig,
};
pub use trust::{RepoTrust, TrustList, TrustStatus};
pub use value::{Decimal, Origin, Value, from_toml, parse_text};

#[cfg(test)]
mod tests;
