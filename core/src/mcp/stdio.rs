//! Starting a stdio server: a process group of its own (killed when the connection goes), an
//! environment cleaned of credentials like a command's (`process/env.rs`) plus the server's
//! `env`, its first bytes on stdout kept to tell garbage from a slow start, and the tail of its
//! stderr kept for error messages.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt as _, ReadBuf};
use tokio::process::{Child, ChildStdin, ChildStdout};

use super::error::{McpError, quote};
use crate::process::EnvFilter;
use crate::process::group::Group;

/// Bytes of stdout kept from the start, to quote a server that does not speak JSON-RPC.
const FIRST_BYTES: usize = 512;
/// Bytes of stderr kept from the end.
const STDERR_TAIL: usize = 2048;

/// Where and with what environment servers start.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// The agent's environment (as the binary captured it); `None` inherits it unfiltered (tests
    /// and embedders that configure nothing).
    pub base_env: Option<Arc<[(String, OsString)]>>,
    /// Which of its variables a server does not get (the commands' filter).
    pub env_filter: EnvFilter,
    /// The working directory of servers without `cwd`, and what a relative `cwd` is relative to.
    pub workspace: PathBuf,
}

impl Launch {
    /// The value of `name` in the agent's environment (for a bearer token), unfiltered.
    pub(crate) fn variable(&self, name: &str) -> Option<String> {
        self.base_env
            .as_ref()?
            .iter()
            .find(|(key, _)| key == name)
            .and_then(|(_, value)| value.to_str().map(str::to_string))
    }
}

/// A started server process and what it said so far.
pub(crate) struct Process {
    pub child: Child,
    /// Killed when dropped: nothing the server started outlives the connection.
    group: Option<Group>,
    first: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// The stdio of a started server: what rmcp reads from and writes to.
pub(crate) type Pipes = (Tap<ChildStdout>, ChildStdin);

/// Starts `command args` for the server `server`.
pub(crate) fn spawn(
    server: &str,
    command: &str,
    args: &[String],
    env: &[(String, String)],
    cwd: Option<&Path>,
    launch: &Launch,
) -> Result<(Process, Pipes), McpError> {
    let dir = match cwd {
        Some(dir) => launch.workspace.join(dir),
        None => launch.workspace.clone(),
    };
    let mut process = tokio::process::Command::new(command);
    process.args(args).current_dir(&dir);
    if let Some(base) = &launch.base_env {
        process.env_clear();
        process.envs(launch.env_filter.apply(base.iter().cloned()));
    }
    process
        .envs(env.iter().map(|(name, value)| (name, value)))
        // A hook the server sets off (a git commit of its own) must not call agent again.
        .env(crate::env::AGENT_HOOK, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    process.process_group(0);
    let mut child = process.spawn().map_err(|error| McpError::Spawn {
        server: server.to_string(),
        command: command.to_string(),
        reason: if dir.is_dir() {
            error.to_string()
        } else {
            format!("its working directory {} does not exist", dir.display())
        },
    })?;
    let group = Group::new(child.id(), false);
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(McpError::Spawn {
            server: server.to_string(),
            command: command.to_string(),
            reason: "its stdin and stdout could not be connected".into(),
        });
    };
    let stderr = Arc::new(Mutex::new(Vec::new()));
    if let Some(pipe) = child.stderr.take() {
        tokio::spawn(keep_tail(pipe, stderr.clone()));
    }
    let first = Arc::new(Mutex::new(Vec::new()));
    let tap = Tap {
        inner: stdout,
        first: first.clone(),
    };
    Ok((
        Process {
            child,
            group: Some(group),
            first,
            stderr,
        },
        (tap, stdin),
    ))
}

impl Process {
    /// Why a handshake or call that went wrong did: the server exited, or wrote garbage; `None`
    /// when it is still running and said nothing wrong (then it was slow, or the protocol
    /// failed).
    pub(crate) async fn diagnose(&mut self, server: &str, when: &str) -> Option<McpError> {
        // A server that is closing its pipes is given a moment to be reaped.
        let status =
            match tokio::time::timeout(std::time::Duration::from_millis(200), self.child.wait())
                .await
            {
                Ok(Ok(status)) => {
                    // Reaped: what is left of its group dies now, and the id is forgotten.
                    if let Some(group) = self.group.take() {
                        group.finish();
                    }
                    Some(status)
                }
                _ => None,
            };
        if let Some(sample) = self.garbage() {
            return Some(McpError::Garbage {
                server: server.to_string(),
                sample,
            });
        }
        let status = status?;
        let tail = self.stderr_tail();
        Some(McpError::Exited {
            server: server.to_string(),
            status: describe_status(status),
            when: when.to_string(),
            stderr: if tail.is_empty() {
                String::new()
            } else {
                format!("; it wrote on stderr: {tail}")
            },
        })
    }

    /// The first line it wrote on stdout, quoted, when that is not a JSON object.
    fn garbage(&self) -> Option<String> {
        let first = self.first.lock().unwrap_or_else(PoisonError::into_inner);
        let text = String::from_utf8_lossy(&first);
        let line = text.trim_start().lines().next()?.trim();
        if line.is_empty() || serde_json::from_str::<serde_json::Value>(line).is_ok() {
            return None;
        }
        // A line cut by the byte budget may be JSON that did not fit; only a line that does not
        // even start like JSON counts.
        if line.starts_with('{') && first.len() >= FIRST_BYTES {
            return None;
        }
        Some(quote(line, 80))
    }

    /// The end of what it wrote on stderr, quoted.
    pub(crate) fn stderr_tail(&self) -> String {
        let tail = self.stderr.lock().unwrap_or_else(PoisonError::into_inner);
        quote(&String::from_utf8_lossy(&tail), 200)
    }
}

/// `with status 1`, `on signal 9`.
fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("with status {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return format!("on signal {signal}");
        }
    }
    "abnormally".to_string()
}

/// Reads a pipe to its end, keeping its last [`STDERR_TAIL`] bytes.
async fn keep_tail(mut pipe: impl AsyncRead + Unpin, tail: Arc<Mutex<Vec<u8>>>) {
    let mut buffer = [0u8; 4096];
    while let Ok(read) = pipe.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        let mut tail = tail.lock().unwrap_or_else(PoisonError::into_inner);
        tail.extend_from_slice(&buffer[..read]);
        let excess = tail.len().saturating_sub(STDERR_TAIL);
        tail.drain(..excess);
    }
}

/// A reader that keeps the first [`FIRST_BYTES`] bytes that pass through it.
pub(crate) struct Tap<R> {
    inner: R,
    first: Arc<Mutex<Vec<u8>>>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Tap<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let mut first = self.first.lock().unwrap_or_else(PoisonError::into_inner);
            let room = FIRST_BYTES.saturating_sub(first.len());
            if room > 0 {
                let new = &buf.filled()[before..];
                first.extend_from_slice(&new[..new.len().min(room)]);
            }
        }
        polled
    }
}
