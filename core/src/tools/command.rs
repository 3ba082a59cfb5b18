//! `run`: a shell command in the workspace root through the core's process runner
//! ([`crate::process`]: environment without credentials, sandbox, time limit, process group),
//! its output cut to the output limit by keeping the head and the tail. A task started from
//! untrusted text runs only what its [`CommandAllowlist`] allows.

use super::args::Args;
use super::{ToolError, ToolOutput, ToolSettings, Workspace};
use crate::process::{self, End, ProcessError, ProcessSettings, Request};
use crate::untrusted::CommandAllowlist;

/// `run {command}`: `sh -c command`, ending with `exit code: N`; an error unless it exits 0.
/// With an allowlist, a command it does not allow is refused without running.
pub(crate) async fn run(
    workspace: &Workspace,
    settings: &ToolSettings,
    process_settings: &ProcessSettings,
    allowlist: Option<&CommandAllowlist>,
    args: &Args,
) -> Result<ToolOutput, ToolError> {
    let command_line = args.string("command")?;
    if command_line.trim().is_empty() {
        return Err(ToolError::invalid("`command` is empty"));
    }
    if let Some(allowlist) = allowlist {
        allowlist.check(command_line).map_err(ToolError::failed)?;
    }
    let head = settings.output_limit / 2;
    let request = Request {
        script: command_line,
        dir: workspace.root(),
        timeout: settings.command_timeout,
        head,
        tail: settings.output_limit - head,
    };
    let finished = match process::run(&request, process_settings).await {
        Ok(finished) => finished,
        Err(error @ ProcessError::SandboxUnavailable { .. }) => {
            return Ok(ToolOutput::failure(error.to_string()));
        }
        Err(ProcessError::Start { program, source }) => {
            return Err(ToolError::io("start", program, source));
        }
        Err(error) => return Err(ToolError::failed(crate::text::error_chain(&error))),
    };
    let mut text = String::new();
    if let Some(warning) = &finished.warning {
        text.push_str(warning);
        text.push('\n');
    }
    text.push_str(&finished.output.render(elided));
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let Some(code) = finished.end.shell_code() else {
        text.push_str(&format!(
            "timed out after {} s; the command was killed",
            settings.command_timeout.as_secs_f64()
        ));
        return Ok(ToolOutput::failure(text));
    };
    text.push_str(&format!("exit code: {code}"));
    Ok(ToolOutput {
        is_error: finished.end != End::Exited(0),
        ..ToolOutput::success(text)
    })
}

/// The line that stands for the dropped middle of long output.
pub(crate) fn elided(bytes: usize) -> String {
    format!("… [{bytes} bytes elided] …")
}
