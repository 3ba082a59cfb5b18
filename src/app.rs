//! What every command needs: the environment snapshot, paths, layered configuration, the store.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use agent_core::config::{self, ConfigSources, RepoTrust, ResolvedConfig, TrustStatus};
use agent_core::env::EnvSnapshot;
use agent_core::paths::Paths;
use agent_core::process::CommandPolicy;
use agent_core::redact::Redactor;
use agent_core::store::{Store, StoreOptions};
use agent_tui::Painter;
use anyhow::{Context, Result};

use crate::cli::GlobalArgs;
use crate::exit::UserError;

/// The context of one run of `agent`.
#[derive(Clone)]
pub struct App {
    pub env: EnvSnapshot,
    pub cwd: PathBuf,
    pub paths: Paths,
    flags: Vec<(String, String)>,
    /// Whether the note about ignored repository keys was printed (once per run).
    ignored_noted: Arc<std::sync::atomic::AtomicBool>,
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
            ignored_noted: Arc::default(),
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
    /// Keys of an untrusted repository file that need trust are left out, with one note on
    /// stderr per run naming them.
    pub fn config_in(&self, dir: &Path) -> Result<ResolvedConfig> {
        let resolved = self.config_quiet(dir)?;
        if !resolved.ignored.is_empty()
            && !self
                .ignored_noted
                .swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            crate::output::note(&ignored_note(&resolved));
        }
        Ok(resolved)
    }

    /// [`App::config_in`] without the note (for commands that show the ignored keys themselves).
    pub fn config_quiet(&self, dir: &Path) -> Result<ResolvedConfig> {
        let sources = ConfigSources {
            user_file: Some(self.paths.config_file()),
            repo_file: config::find_repo_root(dir).map(|root| config::repo_config_file(&root)),
            env: &self.env,
            flags: self.flags.clone(),
            repo_trust: RepoTrust::List(self.paths.trust_file()),
        };
        Ok(config::load(&sources)?)
    }

    /// Resolves configuration from the user's layers only (file, environment, flags): for
    /// `agent serve`, whose settings no repository may change.
    pub fn user_config(&self) -> Result<ResolvedConfig> {
        let sources = ConfigSources {
            user_file: Some(self.paths.config_file()),
            repo_file: None,
            env: &self.env,
            flags: self.flags.clone(),
            repo_trust: RepoTrust::List(self.paths.trust_file()),
        };
        Ok(config::load(&sources)?)
    }

    /// Opens (creating and migrating if needed) the database, with a redactor for the
    /// credentials this run can see: everything the store writes is redacted.
    pub fn open_store(&self, config: &ResolvedConfig) -> Result<Store> {
        let mut store = Store::open(&self.paths.database_file(), &Self::store_options(config))?;
        store.set_redactor(Arc::new(self.redactor(config)));
        Ok(store)
    }

    /// How the store is opened under `config`.
    pub fn store_options(config: &ResolvedConfig) -> StoreOptions {
        StoreOptions {
            busy_timeout: Duration::from_millis(config.config.store.busy_timeout_ms),
            ..StoreOptions::default()
        }
    }

    /// The redactor of this run: the API key variable configuration names, every variable whose
    /// name looks secret, and the keys in the user's credentials file (the OpenAI key and the
    /// GitHub token). (A key kept in the OS keyring is not read here: that would ask the keyring
    /// on every command.)
    pub fn redactor(&self, config: &ResolvedConfig) -> Redactor {
        use agent_models::openai::{CredentialsFile, SecretStore};
        let file = CredentialsFile::in_config_dir(&self.paths.config_dir);
        let github = agent_core::github::store_account(&agent_core::github::host_of_api_url(
            &config.config.github.api_url,
        ));
        let from_file = ["openai", github.as_str()]
            .into_iter()
            .filter_map(|account| file.get(account).ok().flatten());
        Redactor::from_env(
            &self.env,
            [config.config.openai.api_key_env.as_str()],
            from_file,
        )
    }

    /// Loads configuration and opens the store in one step.
    pub fn config_and_store(&self) -> Result<(ResolvedConfig, Store)> {
        let config = self.config()?;
        let store = self.open_store(&config)?;
        Ok((config, store))
    }

    /// The trust list (`agent trust`).
    pub fn trust_list(&self) -> Result<config::TrustList> {
        Ok(config::TrustList::load(&self.paths.trust_file())?)
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

/// The one note a run prints when it left out keys of the repository file.
pub fn ignored_note(resolved: &ResolvedConfig) -> String {
    let keys: Vec<&str> = resolved.ignored.iter().map(|i| i.key).collect();
    let file = resolved
        .ignored
        .first()
        .map(|i| i.file.display().to_string())
        .unwrap_or_default();
    let changed = resolved
        .ignored
        .iter()
        .any(|i| i.status == TrustStatus::Changed);
    let why = if changed {
        "it changed since you trusted it"
    } else {
        "the repository is not trusted"
    };
    format!(
        "note: ignoring {} from {file}: {why}; review the file and run `agent trust` to apply them",
        keys.join(", ")
    )
}
