//! `run`: a shell command in the workspace root with a timeout, its stdout and stderr captured
//! together and cut to the output limit by keeping the head and the tail.

use std::pin::pin;
use std::process::Stdio;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use futures_util::future::join;
use tokio::io::{AsyncRead, AsyncReadExt as _};
use tokio::process::Command;

use super::args::Args;
use super::{ToolError, ToolOutput, ToolSettings, Workspace};

/// How long to wait for the output pipes to close after the shell exits, in case a background
/// process still holds it.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// `run {command}`: `sh -c command`, ending with `exit code: N`; an error unless it exits 0.
pub(crate) async fn run(
    workspace: &Workspace,
    settings: &ToolSettings,
    env: &[(String, String)],
    args: &Args,
) -> Result<ToolOutput, ToolError> {
    let command_line = args.string("command")?;
    if command_line.trim().is_empty() {
        return Err(ToolError::invalid("`command` is empty"));
    }
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(command_line)
        .current_dir(workspace.root())
        .envs(env.iter().map(|(key, value)| (key, value)))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command
        .spawn()
        .map_err(|source| ToolError::io("start", "sh", source))?;
    // Taken now: tokio forgets the id once the child is reaped, and the group may outlive it.
    let pid = child.id();
    let captured = Mutex::new(HeadTail::new(settings.output_limit));
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let mut drain = pin!(join(pump(stdout, &captured), pump(stderr, &captured)));
    let mut drained = false;

    let timeout = settings.command_timeout;
    let waited = tokio::time::timeout(timeout, async {
        loop {
            tokio::select! {
                _ = &mut drain, if !drained => drained = true,
                status = child.wait() => return status,
            }
        }
    })
    .await;
    let status = match waited {
        Ok(status) => Some(status.map_err(|source| ToolError::io("wait for", "sh", source))?),
        Err(_) => {
            kill_group(pid);
            let _ = child.kill().await;
            None
        }
    };
    if !drained && tokio::time::timeout(DRAIN_GRACE, &mut drain).await.is_err() {
        // A background process still holds the output pipes: stop it, keep what was read.
        kill_group(pid);
    }
    let mut text = captured
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .render();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let Some(status) = status else {
        text.push_str(&format!(
            "timed out after {} s; the command was killed",
            timeout.as_secs_f64()
        ));
        return Ok(ToolOutput::failure(text));
    };
    let code = exit_code(status);
    text.push_str(&format!("exit code: {code}"));
    Ok(ToolOutput {
        is_error: code != 0,
        ..ToolOutput::success(text)
    })
}

/// Reads one output stream to its end into `captured`.
async fn pump(stream: Option<impl AsyncRead + Unpin>, captured: &Mutex<HeadTail>) {
    let Some(mut stream) = stream else { return };
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

/// The exit code, or 128 + the signal for a process killed by one (as shells report it).
fn exit_code(status: std::process::ExitStatus) -> i32 {
    if let Some(code) = status.code() {
        return code;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(signal) = status.signal() {
            return 128 + signal;
        }
    }
    -1
}

/// Kills the process group the command leads, so its children die with it.
fn kill_group(pid: Option<u32>) {
    #[cfg(unix)]
    if let Some(pid) = pid {
        let _ = std::process::Command::new("sh")
            // `kill -9 -PID` is the spelling every shell's builtin accepts (dash has no `--`).
            .args(["-c", &format!("kill -9 -{pid}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    #[cfg(not(unix))]
    let _ = pid;
}

/// Output kept within a byte limit: the first half and the last half, counting what falls
/// between.
#[derive(Debug)]
pub(crate) struct HeadTail {
    limit: usize,
    head: Vec<u8>,
    tail: std::collections::VecDeque<u8>,
    elided: usize,
}

impl HeadTail {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            head: Vec::new(),
            tail: std::collections::VecDeque::new(),
            elided: 0,
        }
    }

    pub(crate) fn push(&mut self, mut bytes: &[u8]) {
        let head_limit = self.limit / 2;
        let tail_limit = self.limit - head_limit;
        if self.head.len() < head_limit {
            let take = bytes.len().min(head_limit - self.head.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        self.tail.extend(bytes);
        let excess = self.tail.len().saturating_sub(tail_limit);
        self.tail.drain(..excess);
        self.elided += excess;
    }

    /// The kept text, with `… [N bytes elided] …` where the middle was dropped.
    pub(crate) fn render(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        if self.elided > 0 {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!("… [{} bytes elided] …\n", self.elided));
        }
        text.push_str(&String::from_utf8_lossy(&tail));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn head_tail_keeps_both_ends_and_counts_the_middle() {
        let mut kept = HeadTail::new(10);
        kept.push(b"abcdefgh");
        kept.push(b"ijklmnopqrstuvwxyz");
        let text = kept.render();
        assert!(text.starts_with("abcde\n"), "{text}");
        assert!(text.ends_with("vwxyz"), "{text}");
        assert!(text.contains("[16 bytes elided]"), "{text}");
    }

    #[test]
    fn head_tail_under_the_limit_is_untouched() {
        let mut kept = HeadTail::new(100);
        kept.push(b"hello\n");
        kept.push(b"world\n");
        assert_eq!(kept.render(), "hello\nworld\n");
    }
}
