//! The POSIX sh script agent writes for a hook, and reading one back: the marker line that makes
//! it agent's, the binary it calls and its mode.
//!
//! The script runs the hook that was there before (moved to `<hook>.agent-chained`) first, so
//! that hook's refusal stands; then, unless [`AGENT_HOOK`](crate::env::AGENT_HOOK) is set, it
//! hands over to `agent hook run <hook>`: the binary that installed it, else `agent` on `PATH`,
//! else it says so and lets git go on.

use std::path::{Path, PathBuf};

use super::kind::{CommitMsgMode, HookKind};
use crate::env::AGENT_HOOK;

/// The line that marks a script as agent's; the hook's name follows.
pub const MARKER: &str = "# agent-hook: ";
/// What the hook that was in place before agent's is renamed to: `pre-commit.agent-chained`.
pub const CHAINED_SUFFIX: &str = ".agent-chained";

/// What a script of agent's says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptInfo {
    pub kind: HookKind,
    /// The binary the script calls first.
    pub binary: PathBuf,
    /// The commit-msg hook's mode; `None` for hooks without modes.
    pub mode: Option<CommitMsgMode>,
}

/// The file name of the hook chained behind `kind`.
pub fn chained_name(kind: HookKind) -> String {
    format!("{}{CHAINED_SUFFIX}", kind.name())
}

/// The script for `kind` calling `binary` (the running agent's absolute path).
pub fn render(kind: HookKind, binary: &Path, mode: Option<CommitMsgMode>) -> String {
    let name = kind.name();
    let chained = chained_name(kind);
    let binary = quote(&binary.display().to_string());
    let mode_args = match mode {
        Some(mode) => format!(" --mode {}", mode.name()),
        None => String::new(),
    };
    format!(
        r#"#!/bin/sh
{MARKER}{name}
# Installed by `agent hook install {name}`. `agent hook uninstall {name}`
# removes it and puts back the hook it chained; changes made here are lost.
agent_bin={binary}

# The hook that was here before agent's runs first; when it refuses, so does this one.
chained="$(dirname "$0")/{chained}"
if [ -x "$chained" ]; then
    "$chained" "$@" || exit $?
fi

# agent's own work (its hooks, tasks and checks) never starts another review.
if [ -n "${{{AGENT_HOOK}:-}}" ]; then
    exit 0
fi
if [ ! -x "$agent_bin" ]; then
    agent_bin=$(command -v agent 2>/dev/null) || {{
        echo "agent {name}: the agent binary is gone; skipped (\`agent hook uninstall {name}\` removes this hook)" >&2
        exit 0
    }}
fi
exec "$agent_bin" hook run {name}{mode_args} "$@"
"#
    )
}

/// What the script `text` is, when it is one of agent's; `None` for any other file.
pub fn parse(text: &str) -> Option<ScriptInfo> {
    let mut lines = text.lines();
    if !lines.next()?.starts_with("#!") {
        return None;
    }
    let kind = HookKind::from_name(lines.next()?.strip_prefix(MARKER)?.trim())?;
    let mut binary = None;
    let mut mode = None;
    for line in text.lines() {
        if let Some(value) = line.strip_prefix("agent_bin=") {
            binary = unquote(value).map(PathBuf::from);
        }
        if let Some(rest) = line.strip_prefix("exec ") {
            mode = rest
                .split_once(" --mode ")
                .and_then(|(_, after)| after.split_whitespace().next())
                .and_then(CommitMsgMode::from_name);
        }
    }
    Some(ScriptInfo {
        kind,
        binary: binary?,
        mode: mode.or_else(|| kind.modes().first().copied()),
    })
}

/// `text` as one sh word in single quotes (`'` written as `'\''`).
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The text of a word [`quote`] wrote.
fn unquote(word: &str) -> Option<String> {
    let inner = word.trim().strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace(r"'\''", "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_script_reads_back_with_its_binary_and_mode() {
        let binary = Path::new("/opt/it's here/agent");
        let text = render(HookKind::CommitMsg, binary, Some(CommitMsgMode::Rewrite));
        assert!(
            text.starts_with("#!/bin/sh\n# agent-hook: commit-msg\n"),
            "{text}"
        );
        assert!(
            text.contains("agent_bin='/opt/it'\\''s here/agent'"),
            "{text}"
        );
        assert!(
            text.contains("hook run commit-msg --mode rewrite \"$@\""),
            "{text}"
        );
        assert!(text.contains("commit-msg.agent-chained"), "{text}");
        assert!(text.contains("${AGENT_HOOK:-}"), "{text}");
        assert_eq!(
            parse(&text),
            Some(ScriptInfo {
                kind: HookKind::CommitMsg,
                binary: binary.to_path_buf(),
                mode: Some(CommitMsgMode::Rewrite),
            })
        );
        let pre_push = parse(&render(HookKind::PrePush, Path::new("/bin/agent"), None)).unwrap();
        assert_eq!((pre_push.kind, pre_push.mode), (HookKind::PrePush, None));
    }

    #[test]
    fn other_scripts_are_not_agents() {
        assert_eq!(parse("#!/bin/sh\nexec make lint\n"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("# agent-hook: pre-commit\n"), None);
        assert_eq!(
            parse("#!/bin/sh\n# agent-hook: post-merge\nagent_bin='/a'\n"),
            None
        );
    }
}
