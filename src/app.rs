//! What every command needs: the environment snapshot, paths, layered configuration, the store.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agent_core::config::{self, ConfigSources, ResolvedConfig};
use agent_core::env::EnvSnapshot;
use agent_core::paths::Paths;
use agent_core::process::CommandPolicy;
use agent_core::store::{Store, StoreOptions};
use agent_tui::Painter;
use anyhow::{Context, Result};

use crate::cli::GlobalArgs;
use crate::exit::UserError;

/// The context of one run of `agent`.
pub struct App {
    pub env: EnvSnapshot,
    pub cwd: PathBuf,
    pub paths: Paths,
    flags: Vec<(String, String)>,
}

impl App {
    /// Captures the environment and resolves paths; reads no files yet.
    pub fn new(global: &GlobalArgs) -> Result<Self> {
        let env = EnvSnapshot::capture();
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let paths = Paths::resolve(&env).ok_or_else(|| {
            UserError::usage(
                "cannot find a home directory for configuration and data",
                "set AGENT_HOME to a directory agent may use",
            )
        })?;
        let mut flags = Vec::new();
        for pair in &global.config {
            let (key, value) = pair.split_once('=').ok_or_else(|| {
                UserError::usage(
                    format!("`-c {pair}` is not KEY=VALUE"),
                    "write it as -c model.backend=ollama",
                )
            })?;
            flags.push((key.trim().to_string(), value.to_string()));
        }
        if let Some(color) = global.color {
            flags.push(("ui.color".to_string(), color.as_str().to_string()));
        }
        Ok(Self {
            env,
            cwd,
            paths,
            flags,
        })
    }

    /// How the commands of tasks and the chat are started under `config`: the environment less
    /// credentials (the API key's variable included), the `[sandbox]` settings, this binary as the
    /// sandbox launcher and temporary directories under the cache.
    pub fn command_policy(&self, config: &config::Config) -> CommandPolicy {
        CommandPolicy::from_config(
            &config.sandbox,
            &self.env,
            std::env::current_exe().ok(),
            self.paths.cache_dir.join("tmp"),
            &[config.openai.api_key_env.as_str()],
        )
    }

    /// The git repository the current directory is in, if any.
    pub fn repo_root(&self) -> Option<PathBuf> {
        config::find_repo_root(&self.cwd)
    }

    /// Resolves configuration from every layer.
    pub fn config(&self) -> Result<ResolvedConfig> {
        self.config_in(&self.cwd)
    }

    /// Resolves configuration with the repository layer of the repository containing `dir`.
    pub fn config_in(&self, dir: &Path) -> Result<ResolvedConfig> {
        let sources = ConfigSources {
            user_file: Some(self.paths.config_file()),
            repo_file: config::find_repo_root(dir).map(|root| config::repo_config_file(&root)),
            env: &self.env,
            flags: self.flags.clone(),
        };
        Ok(config::load(&sources)?)
    }

    /// Opens (creating and migrating if needed) the database.
    pub fn open_store(&self, config: &ResolvedConfig) -> Result<Store> {
        let options = StoreOptions {
            busy_timeout: Duration::from_millis(config.config.store.busy_timeout_ms),
        };
        Ok(Store::open(&self.paths.database_file(), &options)?)
    }

    /// Loads configuration and opens the store in one step.
    pub fn config_and_store(&self) -> Result<(ResolvedConfig, Store)> {
        let config = self.config()?;
        let store = self.open_store(&config)?;
        Ok((config, store))
    }

    /// How to paint text written to stdout.
    pub fn stdout_painter(&self, config: &ResolvedConfig) -> Painter {
        Painter::new(
            config.config.ui.color,
            &self.env,
            std::io::stdout().is_terminal(),
        )
    }

    /// How to paint text written to stderr.
    pub fn stderr_painter(&self, config: &ResolvedConfig) -> Painter {
        Painter::new(
            config.config.ui.color,
            &self.env,
            std::io::stderr().is_terminal(),
        )
    }

    /// A directory given on the command line, as agent stores repositories: the repository root
    /// containing it when there is one, else the absolute path.
    pub fn repo_filter(&self, dir: &Path) -> String {
        let absolute = self.cwd.join(dir);
        let canonical = absolute.canonicalize().unwrap_or(absolute);
        config::find_repo_root(&canonical)
            .unwrap_or(canonical)
            .display()
            .to_string()
    }
}
