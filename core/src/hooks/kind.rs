//! The hooks agent installs and the modes of the commit-msg hook, by the names git and the
//! command line use.

use std::fmt;

/// A git hook agent can install.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HookKind {
    /// Reviews the staged diff; refuses the commit only on findings of a blocking severity.
    PreCommit,
    /// Writes (or improves) the commit message.
    CommitMsg,
    /// Runs the project's check; refuses the push when it fails.
    PrePush,
}

impl HookKind {
    /// Every hook, in the order listings show them.
    pub const ALL: [HookKind; 3] = [HookKind::PreCommit, HookKind::CommitMsg, HookKind::PrePush];

    /// The hook's file name, as git names it.
    pub fn name(self) -> &'static str {
        match self {
            HookKind::PreCommit => "pre-commit",
            HookKind::CommitMsg => "commit-msg",
            HookKind::PrePush => "pre-push",
        }
    }

    /// The hook named `name`, if agent knows it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The modes this hook takes, the default first; empty when it has none.
    pub fn modes(self) -> &'static [CommitMsgMode] {
        match self {
            HookKind::CommitMsg => &CommitMsgMode::ALL,
            HookKind::PreCommit | HookKind::PrePush => &[],
        }
    }
}

impl fmt::Display for HookKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the commit-msg hook does with the message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommitMsgMode {
    /// Writes a message only when the user's is empty (or only the template's comments).
    #[default]
    Draft,
    /// Rewrites every message from the diff and the user's text; keeps the user's on failure.
    Rewrite,
}

impl CommitMsgMode {
    /// Every mode, the default first.
    pub const ALL: [CommitMsgMode; 2] = [CommitMsgMode::Draft, CommitMsgMode::Rewrite];

    /// The mode as `--mode` writes it.
    pub fn name(self) -> &'static str {
        match self {
            CommitMsgMode::Draft => "draft",
            CommitMsgMode::Rewrite => "rewrite",
        }
    }

    /// The mode named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|mode| mode.name() == name)
    }
}

impl fmt::Display for CommitMsgMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_only_commit_msg_has_modes() {
        for kind in HookKind::ALL {
            assert_eq!(HookKind::from_name(kind.name()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
        for mode in CommitMsgMode::ALL {
            assert_eq!(CommitMsgMode::from_name(mode.name()), Some(mode));
        }
        assert_eq!(HookKind::from_name("post-commit"), None);
        assert_eq!(HookKind::CommitMsg.modes()[0], CommitMsgMode::default());
        assert!(HookKind::PreCommit.modes().is_empty());
    }
}
