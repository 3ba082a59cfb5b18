//! Resolving the layers — defaults, user file, repo file, `AGENT_*` environment, flags — into one
//! value and origin per key.

use std::path::{Path, PathBuf};

use crate::env::EnvSnapshot;
use crate::error::{Error, Result};
use crate::paths::CONFIG_FILE;

use super::keys::{self, KEYS, KeySpec};
use super::mcp::{self, MCP_SERVERS, McpServerConfig};
use super::prices::{self, PRICES_TABLE, Prices};
use super::settings::Config;
use super::trust::{self, RepoTrust, TrustList, TrustStatus};
use super::value::{self, Origin, Value};

/// The directory inside a repository that holds its agent configuration.
pub const REPO_CONFIG_DIR: &str = ".agent";

/// Everything configuration is resolved from; the binary fills it, tests describe it.
#[derive(Debug, Clone)]
pub struct ConfigSources<'a> {
    /// The user's `config.toml`; `None` skips the layer.
    pub user_file: Option<PathBuf>,
    /// The repository's `.agent/config.toml`; `None` skips the layer.
    pub repo_file: Option<PathBuf>,
    /// The environment; only the `AGENT_*` variable of each known key is read.
    pub env: &'a EnvSnapshot,
    /// `(key, value)` pairs from `-c key=value` and typed flags, later ones winning.
    pub flags: Vec<(String, String)>,
    /// Which keys of the repository file apply: all of them once the user trusts the file
    /// (`agent trust`), only the harmless ones ([`trust::REPO_KEY_POLICY`]) before.
    pub repo_trust: RepoTrust,
}

/// One key's resolved value and the layer that set it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub key: &'static str,
    /// `None` for an optional key left empty.
    pub value: Option<Value>,
    pub origin: Origin,
}

/// A value of the repository file that was left out because the repository is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IgnoredKey {
    pub key: &'static str,
    pub value: Value,
    /// The repository's `.agent/config.toml`.
    pub file: PathBuf,
    /// [`TrustStatus::Untrusted`] or [`TrustStatus::Changed`].
    pub status: TrustStatus,
}

impl IgnoredKey {
    /// Why it was left out and what to do: `.agent/config.toml of an untrusted repository; run
    /// `agent trust``.
    pub fn reason(&self) -> &'static str {
        match self.status {
            TrustStatus::Changed => {
                ".agent/config.toml changed since it was trusted; review it and run `agent trust` again"
            }
            _ => ".agent/config.toml of an untrusted repository; run `agent trust`",
        }
    }
}

/// The outcome of [`load`]: every key with its origin, and the typed configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedConfig {
    /// One entry per known key, in [`KEYS`] order.
    pub entries: Vec<Entry>,
    pub config: Config,
    /// Values of the repository file left out because the repository is not trusted, by
    /// table and key name.
    pub ignored: Vec<IgnoredKey>,
}

impl ResolvedConfig {
    /// The entry of `key`, if it is a known key.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// The repository value of `key` that was left out, if any.
    pub fn ignored(&self, key: &str) -> Option<&IgnoredKey> {
        self.ignored.iter().find(|i| i.key == key)
    }

    /// The names of the repository's `[mcp_servers.NAME]` tables left out because the
    /// repository is not trusted, and why.
    pub fn ignored_mcp_servers(&self) -> Option<(Vec<String>, &'static str)> {
        let ignored = self.ignored(MCP_SERVERS)?;
        let names = ignored
            .value
            .as_str()
            .unwrap_or_default()
            .split(", ")
            .map(str::to_string)
            .collect();
        Some((names, ignored.reason()))
    }
}

/// Resolves every layer, lowest first. A missing file is skipped; an unreadable one, bad TOML,
/// an unknown key or a bad value anywhere is an error naming the key and where it was found.
pub fn load(sources: &ConfigSources) -> Result<ResolvedConfig> {
    let mut entries = default_entries();
    let mut ignored = Vec::new();
    let mut prices = Prices::new();

    let mut servers = Vec::new();
    if let Some(path) = &sources.user_file {
        apply_file(&mut entries, &mut servers, &mut prices, path)?;
    }
    if let Some(path) = &sources.repo_file
        && sources.user_file.as_ref() != Some(path)
    {
        apply_repo_file(
            &mut entries,
            &mut servers,
            &mut prices,
            &mut ignored,
            path,
            &sources.repo_trust,
        )?;
    }
    apply_env(&mut entries, sources.env)?;
    for (key, text) in &sources.flags {
        let origin = format!("-c {key}={text}");
        // `-c prices."openai:gpt-4o".input_per_mtok=0.15`: a flag is the user's own.
        if let Some(rest) = key.strip_prefix(&format!("{PRICES_TABLE}.")) {
            prices::apply_flag(&mut prices, rest, text, &origin)?;
            continue;
        }
        let spec = known(key, &origin)?;
        let value = value::parse_text(spec, text, &origin)?;
        set(&mut entries, spec, value, Origin::Flag);
    }

    let mut config = Config::from_entries(&entries);
    config.mcp_servers = servers;
    config.prices = prices;
    Ok(ResolvedConfig {
        entries,
        config,
        ignored,
    })
}

/// The nearest directory at or above `start` that holds a `.git` file or directory.
pub fn find_repo_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").symlink_metadata().is_ok())
        .map(Path::to_path_buf)
}

/// The repository configuration file under `root`: `<root>/.agent/config.toml`.
pub fn repo_config_file(root: &Path) -> PathBuf {
    root.join(REPO_CONFIG_DIR).join(CONFIG_FILE)
}

/// Reads and checks one configuration file. `Ok(None)` when it does not exist.
pub(crate) fn read_file(path: &Path) -> Result<Option<Vec<(&'static KeySpec, Value)>>> {
    match read_text(path)? {
        Some(text) => parse_file_text(path, &text).map(Some),
        None => Ok(None),
    }
}

/// The text of a configuration file; `Ok(None)` when it does not exist.
pub(crate) fn read_text(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io {
            action: "read config file",
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Checks the text of a configuration file; `path` is only used in errors.
pub(crate) fn parse_file_text(path: &Path, text: &str) -> Result<Vec<(&'static KeySpec, Value)>> {
    // Servers and prices are checked too: a file with a bad `[mcp_servers.NAME]` or
    // `[prices]` is a bad file.
    parse_file(path, text, &Origin::UserFile(path.to_path_buf())).map(|parsed| parsed.keys)
}

/// A configuration file's keys, its `[mcp_servers.NAME]` tables and its `[prices]` table,
/// checked.
#[derive(Debug, Clone)]
pub(crate) struct ParsedFile {
    pub keys: Vec<(&'static KeySpec, Value)>,
    pub servers: Vec<McpServerConfig>,
    pub prices: Prices,
}

/// Checks the text of a configuration file; its servers record `origin`.
pub(crate) fn parse_file(path: &Path, text: &str, origin: &Origin) -> Result<ParsedFile> {
    let table = text
        .parse::<toml::Table>()
        .map_err(|e| Error::ConfigSyntax {
            path: path.to_path_buf(),
            message: syntax_message(text, e.message(), e.span()),
        })?;
    let label = path.display().to_string();
    let mut keys = Vec::new();
    collect(&table, "", &label, &mut keys)?;
    let servers = mcp::parse_servers(&table, path, origin)?;
    let prices = prices::parse_prices(&table, path)?;
    Ok(ParsedFile {
        keys,
        servers,
        prices,
    })
}

/// Formats a TOML parse error as one line: `line 3, column 7: expected ...`.
pub(crate) fn syntax_message(
    text: &str,
    message: &str,
    span: Option<std::ops::Range<usize>>,
) -> String {
    let message = message.trim();
    let Some(span) = span else {
        return message.to_string();
    };
    let before = text.get(..span.start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}: {message}")
}

fn default_entries() -> Vec<Entry> {
    KEYS.iter()
        .map(|spec| Entry {
            key: spec.key,
            value: value::default_value(spec),
            origin: Origin::Default,
        })
        .collect()
}

fn apply_file(
    entries: &mut [Entry],
    servers: &mut Vec<McpServerConfig>,
    prices: &mut Prices,
    path: &Path,
) -> Result<()> {
    let Some(text) = read_text(path)? else {
        return Ok(());
    };
    let origin = Origin::UserFile(path.to_path_buf());
    let parsed = parse_file(path, &text, &origin)?;
    for (spec, value) in parsed.keys {
        set(entries, spec, value, origin.clone());
    }
    add_servers(servers, parsed.servers);
    prices.extend(parsed.prices);
    Ok(())
}

/// Applies the repository file: every key and server when it is trusted, the harmless keys
/// otherwise (the rest, servers included, are recorded in `ignored`). The text is read once, so
/// the hash that is checked is the hash of what applies.
fn apply_repo_file(
    entries: &mut [Entry],
    servers: &mut Vec<McpServerConfig>,
    prices: &mut Prices,
    ignored: &mut Vec<IgnoredKey>,
    path: &Path,
    repo_trust: &RepoTrust,
) -> Result<()> {
    let Some(text) = read_text(path)? else {
        return Ok(());
    };
    let origin = Origin::RepoFile(path.to_path_buf());
    let parsed = parse_file(path, &text, &origin)?;
    // A server is a program to start or a place requests go, and a lower price raises what the
    // monthly budget allows: never without trust.
    let needs_trust = !parsed.servers.is_empty()
        || !parsed.prices.is_empty()
        || parsed
            .keys
            .iter()
            .any(|(spec, _)| !trust::applies_untrusted(spec.key));
    let status = match repo_trust {
        _ if !needs_trust => TrustStatus::Trusted,
        RepoTrust::All => TrustStatus::Trusted,
        RepoTrust::Nothing => TrustStatus::Untrusted,
        RepoTrust::List(list) => match trust::repo_root_of(path) {
            Some(root) => TrustList::load(list)?.status(root, text.as_bytes()),
            None => TrustStatus::Untrusted,
        },
    };
    if status == TrustStatus::Trusted {
        prices.extend(parsed.prices);
    } else {
        ignored.extend(parsed.prices.into_keys().map(|model| IgnoredKey {
            key: PRICES_TABLE,
            value: Value::String(model),
            file: path.to_path_buf(),
            status,
        }));
    }
    for (spec, value) in parsed.keys {
        if status == TrustStatus::Trusted || trust::applies_untrusted(spec.key) {
            set(entries, spec, value, origin.clone());
        } else {
            ignored.push(IgnoredKey {
                key: spec.key,
                value,
                file: path.to_path_buf(),
                status,
            });
        }
    }
    if status == TrustStatus::Trusted {
        add_servers(servers, parsed.servers);
    } else if !parsed.servers.is_empty() {
        let names: Vec<&str> = parsed.servers.iter().map(|s| s.name.as_str()).collect();
        ignored.push(IgnoredKey {
            key: MCP_SERVERS,
            value: Value::String(names.join(", ")),
            file: path.to_path_buf(),
            status,
        });
    }
    Ok(())
}

/// Adds a layer's servers; one named like an earlier layer's replaces it.
fn add_servers(servers: &mut Vec<McpServerConfig>, layer: Vec<McpServerConfig>) {
    for server in layer {
        servers.retain(|earlier| earlier.name != server.name);
        servers.push(server);
    }
}

/// Reads the variable of each known key. An empty variable counts as unset.
fn apply_env(entries: &mut [Entry], env: &EnvSnapshot) -> Result<()> {
    for spec in KEYS {
        let name = spec.env_var();
        let origin = format!("environment variable {name}");
        let text = match env.get(&name) {
            Some(text) => text,
            None if env.is_set(&name) => {
                return Err(Error::ConfigValue {
                    key: spec.key.to_string(),
                    origin,
                    message: "the value is not valid UTF-8".to_string(),
                });
            }
            None => continue,
        };
        if text.is_empty() {
            continue;
        }
        let value = value::parse_text(spec, text, &origin)?;
        set(entries, spec, value, Origin::Env(name));
    }
    Ok(())
}

fn set(entries: &mut [Entry], spec: &KeySpec, value: Value, origin: Origin) {
    if let Some(entry) = entries.iter_mut().find(|e| e.key == spec.key) {
        entry.value = value::normalize(spec, value);
        entry.origin = origin;
    }
}

/// The spec of `key`, or the unknown-key error naming `origin`.
pub(crate) fn known(key: &str, origin: &str) -> Result<&'static KeySpec> {
    keys::spec(key).ok_or_else(|| unknown_key(key, origin))
}

fn unknown_key(key: &str, origin: &str) -> Error {
    Error::UnknownConfigKey {
        key: key.to_string(),
        origin: origin.to_string(),
        suggestion: keys::suggest(key).map(str::to_string),
    }
}

/// Walks nested (or dotted) tables, checking each leaf against the key table.
fn collect(
    table: &toml::Table,
    prefix: &str,
    origin: &str,
    found: &mut Vec<(&'static KeySpec, Value)>,
) -> Result<()> {
    for (name, item) in table {
        if prefix.is_empty() && name == MCP_SERVERS {
            // Servers are a table of their own, read by `mcp::parse_servers`.
            continue;
        }
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if let Some(spec) = keys::spec(&key) {
            found.push((spec, value::from_toml(spec, item, origin)?));
            continue;
        }
        if key == PRICES_TABLE {
            // Model names as keys: read by `prices::parse_prices`.
            continue;
        }
        match item {
            toml::Value::Table(inner) if is_section(&key) || !inner.is_empty() => {
                collect(inner, &key, origin, found)?;
            }
            _ => return Err(unknown_key(&key, origin)),
        }
    }
    Ok(())
}

fn is_section(key: &str) -> bool {
    KEYS.iter().any(|s| s.section() == key)
}
