//! Whether and how a command is confined: the configured mode, what the kernel supports, the
//! directories a command may write, and the policy a front builds once from the configuration
//! and turns into settings for each kind of command.
//!
//! Confinement is done by the launcher (`agent __sandbox-exec`, see `launcher.rs`): the runner
//! starts it instead of `sh`, it applies Landlock to itself and starts `sh` under it, in its
//! process group; with the sandbox off it still supervises (nothing outlives the command).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::{EnvFilter, LAUNCHER_ARG, ProcessError, ProcessSettings};
use crate::env::EnvSnapshot;
use crate::task::build_cache::is_build_dir;

/// `sandbox.mode`: what happens when a command cannot be confined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SandboxMode {
    /// Confine every command; refuse to run one that cannot be.
    Enforce,
    /// Confine every command that can be; run the others unconfined, saying so in their output.
    Warn,
    /// Run commands unconfined.
    Off,
}

impl SandboxMode {
    /// Every variant, in the key table's order.
    pub const ALL: &[SandboxMode] = &[SandboxMode::Enforce, SandboxMode::Warn, SandboxMode::Off];

    /// The value as written in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            SandboxMode::Enforce => "enforce",
            SandboxMode::Warn => "warn",
            SandboxMode::Off => "off",
        }
    }

    /// The variant written as `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == name)
    }
}

/// How commands of one kind are confined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sandbox {
    pub mode: SandboxMode,
    /// The program that confines a command (the agent binary itself); without one, no command
    /// can be confined.
    pub launcher: Option<PathBuf>,
    /// What commands may write besides their working directory (and `temp_dir`).
    pub writable: Vec<PathBuf>,
    /// Whether commands may open TCP connections and listen.
    pub network: bool,
    /// `TMPDIR` (and `TMP`, `TEMP`) for commands; writable.
    pub temp_dir: Option<PathBuf>,
}

/// No sandbox: what a [`ProcessSettings::default`] (tests, embedders) runs with.
impl Default for Sandbox {
    fn default() -> Self {
        Self {
            mode: SandboxMode::Off,
            launcher: None,
            writable: Vec::new(),
            network: true,
            temp_dir: None,
        }
    }
}

/// What the running kernel can do to confine a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Support {
    /// Landlock with this ABI version (1: files; 4: TCP; 6: signal and socket scopes).
    Landlock { abi: i32 },
    /// The kernel has Landlock but it is not enabled.
    NotEnabled,
    /// The kernel has no Landlock.
    NotInKernel,
    /// Not Linux: there is no sandbox.
    NotLinux,
    /// Asking failed.
    Failed(String),
}

/// The first Landlock ABI that can deny TCP connections.
const NETWORK_ABI: i32 = 4;

impl Support {
    /// The Landlock ABI version, when there is Landlock.
    pub fn abi(&self) -> Option<i32> {
        match self {
            Support::Landlock { abi } => Some(*abi),
            _ => None,
        }
    }

    /// Whether the kernel can deny network (TCP) access.
    pub fn network_rules(&self) -> bool {
        self.abi().is_some_and(|abi| abi >= NETWORK_ABI)
    }

    /// Why a command that must (or must not, per `network`) reach the network cannot be
    /// confined as asked; `None` when it can.
    pub fn shortfall(&self, network: bool) -> Option<String> {
        match self {
            Support::Landlock { abi } if !network && *abi < NETWORK_ABI => Some(format!(
                "this kernel's Landlock (ABI {abi}) cannot deny network access, which needs ABI {NETWORK_ABI} (Linux 6.7)"
            )),
            Support::Landlock { .. } => None,
            Support::NotEnabled => Some(
                "Landlock is not enabled in this kernel (add `landlock` to the `lsm=` boot parameter)"
                    .to_string(),
            ),
            Support::NotInKernel => {
                Some("this kernel has no Landlock (Linux 5.13 or later has it)".to_string())
            }
            Support::NotLinux => Some("the sandbox needs Linux's Landlock".to_string()),
            Support::Failed(error) => Some(format!("Landlock could not be used: {error}")),
        }
    }
}

/// What the running kernel supports, asked once per process.
pub fn support() -> &'static Support {
    static SUPPORT: OnceLock<Support> = OnceLock::new();
    SUPPORT.get_or_init(|| {
        #[cfg(target_os = "linux")]
        {
            super::landlock::probe()
        }
        #[cfg(not(target_os = "linux"))]
        {
            Support::NotLinux
        }
    })
}

/// How one command will be started.
#[derive(Debug)]
pub(crate) enum Plan {
    /// `sh` itself, unconfined and unsupervised (no launcher); with a warning when a sandbox
    /// was wanted.
    Direct { warning: Option<String> },
    /// Through the launcher, which confines itself (unless the mode is off) and supervises `sh`.
    Launcher {
        launcher: PathBuf,
        args: Vec<OsString>,
        warning: Option<String>,
    },
}

impl Plan {
    /// The command for `sh -c script`.
    pub(crate) fn command(&self, script: &str) -> tokio::process::Command {
        match self {
            Plan::Direct { .. } => {
                let mut command = tokio::process::Command::new("sh");
                command.arg("-c").arg(script);
                command
            }
            Plan::Launcher { launcher, args, .. } => {
                let mut command = tokio::process::Command::new(launcher);
                command
                    .arg(LAUNCHER_ARG)
                    .args(args)
                    .args(["--", "sh", "-c", script]);
                command
            }
        }
    }

    /// The program started, for error messages.
    pub(crate) fn program(&self) -> String {
        match self {
            Plan::Direct { .. } => "sh".to_string(),
            Plan::Launcher { launcher, .. } => launcher.display().to_string(),
        }
    }

    /// Whether the launcher supervises the command (and so is the one to ask to stop).
    pub(crate) fn supervised(&self) -> bool {
        matches!(self, Plan::Launcher { .. })
    }

    /// The note that the command runs less confined than asked.
    pub(crate) fn warning(&self) -> Option<&str> {
        match self {
            Plan::Direct { warning } | Plan::Launcher { warning, .. } => warning.as_deref(),
        }
    }
}

/// Decides how a command in `dir` is started under `sandbox`.
pub(crate) fn plan(sandbox: &Sandbox, dir: &Path) -> Result<Plan, ProcessError> {
    let shortfall = match (&sandbox.launcher, sandbox.mode) {
        (_, SandboxMode::Off) => None,
        (None, _) => Some("no sandbox launcher is configured".to_string()),
        (Some(_), _) => support().shortfall(sandbox.network),
    };
    if let Some(reason) = &shortfall
        && sandbox.mode == SandboxMode::Enforce
    {
        return Err(ProcessError::SandboxUnavailable {
            reason: reason.clone(),
        });
    }
    let warning = shortfall.map(|reason| {
        format!("warning: this command is not fully sandboxed: {reason} (sandbox.mode = \"warn\")")
    });
    Ok(match &sandbox.launcher {
        None => Plan::Direct { warning },
        Some(launcher) => Plan::Launcher {
            launcher: launcher.clone(),
            args: launcher_args(sandbox, dir),
            warning,
        },
    })
}

/// The launcher's arguments before `--`.
fn launcher_args(sandbox: &Sandbox, dir: &Path) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["--parent".into(), std::process::id().to_string().into()];
    if sandbox.mode == SandboxMode::Off {
        args.push("--unconfined".into());
        return args;
    }
    let writable = std::iter::once(dir)
        .chain(sandbox.writable.iter().map(PathBuf::as_path))
        .chain(sandbox.temp_dir.as_deref());
    for path in writable {
        args.push("--write".into());
        args.push(path.as_os_str().to_owned());
    }
    if !sandbox.network {
        args.push("--no-network".into());
    }
    if sandbox.mode == SandboxMode::Warn {
        args.push("--best-effort".into());
    }
    args
}

/// How a front wants commands run, from its configuration: built once, turned into
/// [`ProcessSettings`] for each kind of command ([`CommandPolicy::settings`]).
#[derive(Debug, Clone)]
pub struct CommandPolicy {
    pub mode: SandboxMode,
    /// The agent binary, which doubles as the sandbox launcher.
    pub launcher: Option<PathBuf>,
    /// Whether the model's `run` commands may use the network.
    pub network_run: bool,
    /// Whether the project's check may use the network.
    pub network_check: bool,
    /// Extra writable directories (`sandbox.write_dirs`).
    pub writable: Vec<PathBuf>,
    /// The agent's environment; `None` inherits it unfiltered.
    pub base_env: Option<Arc<[(String, OsString)]>>,
    pub env_filter: EnvFilter,
    /// Where each task and chat session gets its own temporary directory.
    pub temp_root: Option<PathBuf>,
}

/// No sandbox and the inherited environment: for tests and embedders that configure nothing.
impl Default for CommandPolicy {
    fn default() -> Self {
        Self {
            mode: SandboxMode::Off,
            launcher: None,
            network_run: true,
            network_check: true,
            writable: Vec::new(),
            base_env: None,
            env_filter: EnvFilter::default(),
            temp_root: None,
        }
    }
}

impl CommandPolicy {
    /// The policy for `config`'s `[sandbox]`: commands start from `env` less credentials (and
    /// less `secret_names`, such as the variable the API key came from), confined by `launcher`,
    /// with their temporary directories under `temp_root`.
    pub fn from_config(
        config: &crate::config::SandboxConfig,
        env: &EnvSnapshot,
        launcher: Option<PathBuf>,
        temp_root: PathBuf,
        secret_names: &[&str],
    ) -> Self {
        let mut remove = config.env_remove.clone();
        remove.extend(secret_names.iter().map(|name| name.to_string()));
        Self {
            mode: config.mode,
            launcher,
            network_run: config.network_run,
            network_check: config.network_check,
            writable: config.write_dirs.iter().map(PathBuf::from).collect(),
            base_env: Some(env.vars().collect()),
            env_filter: EnvFilter::new(remove, config.env_keep.clone()),
            temp_root: Some(temp_root),
        }
    }

    /// Settings for commands that may write `writable` (besides their working directory), use
    /// `temp_dir`, get `extra_env` and reach the network per `network`. The build directories
    /// the environment names (`CARGO_TARGET_DIR`, `GOCACHE`) are writable too. Every command
    /// also gets [`AGENT_HOOK`](crate::env::AGENT_HOOK), so a git hook it sets off (a `git
    /// commit` of the model's, a test suite's) does not call agent again.
    pub fn settings(
        &self,
        writable: Vec<PathBuf>,
        temp_dir: Option<PathBuf>,
        mut extra_env: Vec<(String, String)>,
        network: bool,
    ) -> ProcessSettings {
        extra_env.push((crate::env::AGENT_HOOK.to_string(), "1".to_string()));
        let mut all = writable;
        all.extend(self.writable.iter().cloned());
        let from_base = self
            .base_env
            .iter()
            .flat_map(|vars| vars.iter())
            .filter(|(name, _)| is_build_dir(name))
            .map(|(_, value)| PathBuf::from(value));
        let from_extra = extra_env
            .iter()
            .filter(|(name, _)| is_build_dir(name))
            .map(|(_, value)| PathBuf::from(value));
        all.extend(
            from_base
                .chain(from_extra)
                .filter(|path| path.is_absolute()),
        );
        ProcessSettings {
            base_env: self.base_env.clone(),
            env_filter: self.env_filter.clone(),
            extra_env,
            sandbox: Sandbox {
                mode: self.mode,
                launcher: self.launcher.clone(),
                writable: all,
                network,
                temp_dir,
            },
        }
    }

    /// This policy for a task started from untrusted text ([`crate::untrusted`]): no variable
    /// that looks secret nor a GitHub token reaches its commands, whatever `sandbox.env_keep`
    /// says, and neither the model's `run` nor the check gets the network (code the task wrote
    /// could otherwise send out what it can read). Without a captured environment (embedders
    /// that configure nothing) commands start from an empty one rather than the agent's.
    pub fn for_untrusted(&self) -> CommandPolicy {
        CommandPolicy {
            network_run: false,
            network_check: false,
            base_env: Some(
                self.base_env
                    .clone()
                    .unwrap_or_else(|| Arc::from(Vec::new())),
            ),
            env_filter: self.env_filter.clone().strict(),
            ..self.clone()
        }
    }

    /// A fresh temporary directory named `name` under the temp root, removed when dropped;
    /// `None` without a temp root or when it cannot be made.
    pub fn scratch_dir(&self, name: &str) -> Option<ScratchDir> {
        let path = self.temp_root.as_ref()?.join(name);
        std::fs::create_dir_all(&path).ok()?;
        Some(ScratchDir { path })
    }
}

/// A directory that is removed with everything in it when dropped.
#[derive(Debug)]
pub struct ScratchDir {
    path: PathBuf,
}

impl ScratchDir {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
