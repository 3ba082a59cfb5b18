//! Resolving the layers — defaults, user file, repo file, `AGENT_*` environment, flags — into one
//! value and origin per key.

use std::path::{Path, PathBuf};

use crate::env::EnvSnapshot;
use crate::error::{Error, Result};
use crate::paths::CONFIG_FILE;

use super::keys::{self, KEYS, KeySpec};
use super::settings::Config;
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
}

/// One key's resolved value and the layer that set it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub key: &'static str,
    /// `None` for an optional key left empty.
    pub value: Option<Value>,
    pub origin: Origin,
}

/// The outcome of [`load`]: every key with its origin, and the typed configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedConfig {
    /// One entry per known key, in [`KEYS`] order.
    pub entries: Vec<Entry>,
    pub config: Config,
}

impl ResolvedConfig {
    /// The entry of `key`, if it is a known key.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// Resolves every layer, lowest first. A missing file is skipped; an unreadable one, bad TOML,
/// an unknown key or a bad value anywhere is an error naming the key and where it was found.
pub fn load(sources: &ConfigSources) -> Result<ResolvedConfig> {
    let mut entries = default_entries();

    if let Some(path) = &sources.user_file {
        apply_file(&mut entries, path, Origin::UserFile)?;
    }
    if let Some(path) = &sources.repo_file
        && sources.user_file.as_ref() != Some(path)
    {
        apply_file(&mut entries, path, Origin::RepoFile)?;
    }
    apply_env(&mut entries, sources.env)?;
    for (key, text) in &sources.flags {
        let origin = format!("-c {key}={text}");
        let spec = known(key, &origin)?;
        let value = value::parse_text(spec, text, &origin)?;
        set(&mut entries, spec, value, Origin::Flag);
    }

    let config = Config::from_entries(&entries);
    Ok(ResolvedConfig { entries, config })
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
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Io {
                action: "read config file",
                path: path.to_path_buf(),
                source,
            });
        }
    };
    parse_file_text(path, &text).map(Some)
}

/// Checks the text of a configuration file; `path` is only used in errors.
pub(crate) fn parse_file_text(path: &Path, text: &str) -> Result<Vec<(&'static KeySpec, Value)>> {
    let table = text
        .parse::<toml::Table>()
        .map_err(|e| Error::ConfigSyntax {
            path: path.to_path_buf(),
            message: syntax_message(text, e.message(), e.span()),
        })?;
    let origin = path.display().to_string();
    let mut found = Vec::new();
    collect(&table, "", &origin, &mut found)?;
    Ok(found)
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

fn apply_file(entries: &mut [Entry], path: &Path, origin: fn(PathBuf) -> Origin) -> Result<()> {
    for (spec, value) in read_file(path)?.unwrap_or_default() {
        set(entries, spec, value, origin(path.to_path_buf()));
    }
    Ok(())
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
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        if let Some(spec) = keys::spec(&key) {
            found.push((spec, value::from_toml(spec, item, origin)?));
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
