//! Where agent keeps its files: configuration, data (the database, attachments, models) and cache.

use std::path::{Path, PathBuf};

use crate::env::{AGENT_HOME, EnvSnapshot};

/// The file name of the database inside the data directory.
pub const DATABASE_FILE: &str = "agent.db";
/// The file name of the user configuration inside the config directory.
pub const CONFIG_FILE: &str = "config.toml";

/// The directories agent uses, resolved once from `AGENT_HOME` or the platform's conventions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Holds `config.toml` and user commands.
    pub config_dir: PathBuf,
    /// Holds the database, attachments and downloaded models.
    pub data_dir: PathBuf,
    /// Holds what can be rebuilt (downloads in progress, indexes).
    pub cache_dir: PathBuf,
}

impl Paths {
    /// `AGENT_HOME/{config,data,cache}` when `AGENT_HOME` is set, else XDG (or the platform's
    /// equivalent): `~/.config/agent`, `~/.local/share/agent`, `~/.cache/agent` on Linux.
    /// Returns `None` only when no home directory can be found and `AGENT_HOME` is unset.
    pub fn resolve(env: &EnvSnapshot) -> Option<Self> {
        if let Some(home) = env.path(AGENT_HOME) {
            return Some(Self::under(&home));
        }
        let dirs = directories::ProjectDirs::from("", "", "agent")?;
        Some(Self {
            config_dir: dirs.config_dir().to_path_buf(),
            data_dir: dirs.data_dir().to_path_buf(),
            cache_dir: dirs.cache_dir().to_path_buf(),
        })
    }

    /// All three directories under one root.
    pub fn under(root: &Path) -> Self {
        Self {
            config_dir: root.join("config"),
            data_dir: root.join("data"),
            cache_dir: root.join("cache"),
        }
    }

    /// The user's configuration file.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join(CONFIG_FILE)
    }

    /// The database file.
    pub fn database_file(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }

    /// The content-addressed attachment store beside the database.
    pub fn attachments_dir(&self) -> PathBuf {
        self.data_dir.join("attachments")
    }

    /// Where GGUF model files live.
    pub fn models_dir(&self) -> PathBuf {
        self.data_dir.join("models")
    }

    /// The list of repositories whose `.agent/config.toml` the user trusts (`agent trust`).
    pub fn trust_file(&self) -> PathBuf {
        self.data_dir.join(crate::config::trust::TRUST_FILE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_home_moves_every_directory() {
        let env = EnvSnapshot::from_pairs([(AGENT_HOME, "/tmp/h")]);
        let paths = Paths::resolve(&env).unwrap();
        assert_eq!(
            paths.config_file(),
            PathBuf::from("/tmp/h/config/config.toml")
        );
        assert_eq!(paths.database_file(), PathBuf::from("/tmp/h/data/agent.db"));
        assert_eq!(paths.cache_dir, PathBuf::from("/tmp/h/cache"));
    }

    #[test]
    fn empty_agent_home_falls_back_to_platform_directories() {
        let env = EnvSnapshot::from_pairs([(AGENT_HOME, "")]);
        if let Some(paths) = Paths::resolve(&env) {
            assert!(paths.config_dir.ends_with("agent"), "{paths:?}");
            assert_ne!(paths.config_dir, PathBuf::from("config"));
        }
    }
}
