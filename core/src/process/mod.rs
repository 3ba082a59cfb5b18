//! The one way the core runs a shell command — the model's `run` tool and the project's check
//! alike: `sh -c CMD` in a directory, with an environment cleaned of credentials, a time limit,
//! its output (stdout and stderr through one pipe, so in order) kept as head + tail, inside the
//! sandbox when the configuration asks for one, and nothing it started left running afterwards.
//!
//! - `capture.rs`: [`HeadTail`], output within a byte budget.
//! - `env.rs`: [`EnvFilter`], which variables a command does not get.
//! - `sandbox.rs`: [`Sandbox`], [`SandboxMode`], [`CommandPolicy`] and what the kernel supports.
//! - `launcher.rs`: the `agent __sandbox-exec` side, which confines itself and runs the command.
//! - `supervise.rs`: the launcher as the command's supervisor (Linux).
//! - `landlock.rs`: the Landlock rules (Linux).
//! - `group.rs`: the process group every command leads, killed at the end.
//!
//! Where the sandbox lets a command write: its working directory, the directories its settings
//! name (for a task: the worktree's own git directory, the task's `TMPDIR` under
//! `<cache>/tmp/task-<id>`, the build directories, `sandbox.write_dirs`), `/dev/shm` and a few
//! devices. The process's `TMPDIR`, `TMP` and `TEMP` point at its temporary directory.
//!
//! Every command leads a new process group. Where a launcher is configured (the agent binary)
//! it leads the group and supervises the shell as a child subreaper: when the shell exits, when
//! the time limit passes, when the run is cancelled (the future dropped) and when the agent
//! itself dies (parent-death signal), it kills every process below it — `setsid` daemons and
//! double forks included — and the runner kills the group as a backstop. Without a launcher
//! (tests, embedders) the runner kills the shell's group; a child that left the group with
//! `setsid` then escapes and runs until it ends by itself, and nothing dies with the agent.
//! What the launcher cannot catch: a process that is not below it (one handed off to another
//! service, such as `systemd-run --user`, over a socket) and a launcher killed with SIGKILL by
//! someone else (its group still dies with the runner's backstop, its `setsid` children do not).

mod capture;
mod env;
pub(crate) mod group;
mod identity;
#[cfg(target_os = "linux")]
mod landlock;
pub mod launcher;
mod limits;
mod sandbox;
#[cfg(target_os = "linux")]
mod supervise;

use std::ffi::OsString;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt as _};

pub use capture::HeadTail;
pub use env::{EnvFilter, GITHUB_TOKEN_VARIABLES, looks_secret};
use group::Group;
pub use identity::{Liveness, ProcessIdentity};
pub use launcher::LAUNCHER_ARG;
pub use limits::raise_open_files_limit;
pub use sandbox::{CommandPolicy, Sandbox, SandboxMode, ScratchDir, Support, support};

/// How long to keep reading output after the command's group was killed, for a process that
/// left the group (`setsid`) and still holds the pipe.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// Why a command could not be run at all (a command that runs and fails is a [`Finished`]).
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// `sandbox.mode = "enforce"` and the command cannot be confined.
    #[error(
        "the sandbox is unavailable: {reason}; the command was not run (sandbox.mode = \"enforce\"; set it to \"warn\" to run commands unconfined)"
    )]
    SandboxUnavailable { reason: String },
    #[error("cannot start `{program}`")]
    Start {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the command's output")]
    Pipe(#[source] std::io::Error),
    #[error("cannot wait for the command")]
    Wait(#[source] std::io::Error),
}

/// How commands are started: their environment and their sandbox. Cheap to clone; one per
/// kind of command (a task's `run` tool and its check differ in network access).
#[derive(Debug, Clone, Default)]
pub struct ProcessSettings {
    /// The environment commands start from (the agent's, as the binary captured it), filtered
    /// by `env_filter`. `None` inherits the agent's process environment unfiltered: for tests and
    /// embedders that configure nothing.
    pub base_env: Option<Arc<[(String, OsString)]>>,
    /// Which variables of `base_env` commands do not get.
    pub env_filter: EnvFilter,
    /// Set after filtering (a shared build directory).
    pub extra_env: Vec<(String, String)>,
    pub sandbox: Sandbox,
}

/// One command to run.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Run as `sh -c script`.
    pub script: &'a str,
    /// The working directory; always writable inside the sandbox.
    pub dir: &'a Path,
    pub timeout: Duration,
    /// Bytes of output kept from the start.
    pub head: usize,
    /// Bytes of output kept from the end.
    pub tail: usize,
}

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// It exited with this status.
    Exited(i32),
    /// A signal ended it (not the time limit).
    Signalled(i32),
    /// It ran past the time limit and was killed.
    TimedOut,
}

impl End {
    /// The exit code as shells report it: the status, or 128 + the signal; `None` when it timed
    /// out.
    pub fn shell_code(self) -> Option<i32> {
        match self {
            End::Exited(code) => Some(code),
            End::Signalled(signal) => Some(128 + signal),
            End::TimedOut => None,
        }
    }

    /// Exited with status 0.
    pub fn success(self) -> bool {
        self == End::Exited(0)
    }
}

/// A command that ran.
#[derive(Debug, Clone)]
pub struct Finished {
    pub end: End,
    /// Stdout and stderr together, in order; render it with [`HeadTail::render`].
    pub output: HeadTail,
    pub duration: Duration,
    /// A one-line note that the command ran without the sandbox (`sandbox.mode = "warn"`).
    pub warning: Option<String>,
}

/// Runs `request` under `settings`. Fails only when the command cannot start (or the sandbox is
/// required and unavailable); a command that fails or times out is a [`Finished`].
///
/// Dropping the future (a cancelled task) kills the command's whole process group.
pub async fn run(
    request: &Request<'_>,
    settings: &ProcessSettings,
) -> Result<Finished, ProcessError> {
    let started = Instant::now();
    let plan = sandbox::plan(&settings.sandbox, request.dir)?;
    let mut command = plan.command(request.script);
    command.current_dir(request.dir);
    if let Some(base) = &settings.base_env {
        command.env_clear();
        command.envs(settings.env_filter.apply(base.iter().cloned()));
    }
    command.envs(settings.extra_env.iter().map(|(key, value)| (key, value)));
    if let Some(temp) = &settings.sandbox.temp_dir {
        for name in ["TMPDIR", "TMP", "TEMP"] {
            command.env(name, temp);
        }
    }
    // A supervising launcher is asked to stop instead (see `Group`), so it can clean up.
    command
        .stdin(Stdio::null())
        .kill_on_drop(!plan.supervised());
    let captured = Mutex::new(HeadTail::new(request.head, request.tail));
    let (mut child, readers) = spawn(command, &plan.program())?;
    // Taken now: tokio forgets the id once the child is reaped, and the group may outlive it.
    let group = Group::new(child.id(), plan.supervised());

    let drain = pump_all(readers, &captured);
    let mut drain = std::pin::pin!(drain);
    let mut drained = false;
    let waited = tokio::time::timeout(request.timeout, async {
        loop {
            tokio::select! {
                () = &mut drain, if !drained => drained = true,
                status = child.wait() => return status,
            }
        }
    })
    .await;
    let end = match waited {
        Ok(status) => end_of(status.map_err(ProcessError::Wait)?),
        Err(_elapsed) => {
            // Out of time: a supervising launcher kills everything below it when asked to stop.
            group.stop();
            if plan.supervised() {
                let _ = tokio::time::timeout(group::STOP_GRACE, child.wait()).await;
            }
            group.kill();
            let _ = child.kill().await;
            End::TimedOut
        }
    };
    // The command is done: nothing it started may go on.
    group.finish();
    if !drained {
        // What the group wrote before it died is still in the pipe; a process that left the
        // group may hold it open, so stop waiting after a grace period.
        let _ = tokio::time::timeout(DRAIN_GRACE, &mut drain).await;
    }
    let output = captured
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    Ok(Finished {
        end,
        output,
        duration: started.elapsed(),
        warning: plan.warning().map(str::to_string),
    })
}

/// The end of an exited process.
fn end_of(status: ExitStatus) -> End {
    if let Some(code) = status.code() {
        return End::Exited(code);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return End::Signalled(signal);
        }
    }
    End::Exited(-1)
}

/// The output streams of a started command.
type Readers = Vec<Box<dyn AsyncRead + Unpin + Send>>;

/// Starts `command` in a new process group with stdout and stderr on one pipe.
#[cfg(unix)]
fn spawn(
    mut command: tokio::process::Command,
    program: &str,
) -> Result<(tokio::process::Child, Readers), ProcessError> {
    use std::os::fd::OwnedFd;
    let (reader, writer) = std::io::pipe().map_err(ProcessError::Pipe)?;
    let writer_too = writer.try_clone().map_err(ProcessError::Pipe)?;
    command.stdout(writer).stderr(writer_too).process_group(0);
    let child = command.spawn().map_err(|source| ProcessError::Start {
        program: program.to_string(),
        source,
    });
    // The command holds the pipe's write ends; drop ours so the reader sees the end.
    drop(command);
    let child = child?;
    let reader = tokio::net::unix::pipe::Receiver::from_owned_fd(OwnedFd::from(reader))
        .map_err(ProcessError::Pipe)?;
    Ok((child, vec![Box::new(reader)]))
}

/// Starts `command` with stdout and stderr on two pipes (read together, so only roughly in
/// order).
#[cfg(not(unix))]
fn spawn(
    mut command: tokio::process::Command,
    program: &str,
) -> Result<(tokio::process::Child, Readers), ProcessError> {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|source| ProcessError::Start {
        program: program.to_string(),
        source,
    })?;
    let mut readers: Readers = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        readers.push(Box::new(stdout));
    }
    if let Some(stderr) = child.stderr.take() {
        readers.push(Box::new(stderr));
    }
    Ok((child, readers))
}

/// Reads every stream to its end into `captured`.
async fn pump_all(readers: Readers, captured: &Mutex<HeadTail>) {
    futures_util::future::join_all(readers.into_iter().map(|reader| pump(reader, captured))).await;
}

async fn pump(mut stream: impl AsyncRead + Unpin, captured: &Mutex<HeadTail>) {
    let mut buffer = [0u8; 8192];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(read) => captured
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(&buffer[..read]),
        }
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests;
