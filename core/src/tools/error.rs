//! The error type of the tools, and the one-line message the model reads for each case.

use std::io;

/// Everything a tool can fail with. [`super::Toolbox::call`] never returns it: it turns each one
/// into an error output whose text is [`ToolError::message`], so the model can correct the call.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The path leaves the workspace (`..` past the root, or an absolute path elsewhere).
    /// Returned by [`super::Workspace`]; retrying helps only with a path inside the workspace.
    #[error("`{path}` is outside the workspace; use a path relative to the workspace root")]
    OutsideWorkspace { path: String },

    /// The path is inside a `.git` directory (any case). Returned by [`super::Workspace`] for
    /// reads and writes alike; retrying does not help, use `run` with git commands instead.
    #[error("`{path}` is inside .git, which the file tools may not touch; use git commands")]
    GitDirectory { path: String },

    /// The path goes through a symlink that resolves outside the workspace. Returned by
    /// [`super::Workspace`]; retrying does not help.
    #[error("`{path}` goes through a symlink that leads outside the workspace")]
    SymlinkEscape { path: String },

    /// Resolving the path followed more symlinks than allowed (a loop). Retrying does not help.
    #[error("`{path}` has too many levels of symlinks")]
    SymlinkLoop { path: String },

    /// The file or directory does not exist. Retrying helps with the right path.
    #[error("`{path}` does not exist; use list to see the files")]
    NotFound { path: String },

    /// The call's arguments are missing, of the wrong type or out of range. Retrying helps with
    /// corrected arguments.
    #[error("invalid arguments: {message}")]
    InvalidArguments { message: String },

    /// The tool ran but cannot do what was asked (a binary file, a missing or ambiguous edit, an
    /// invalid regex). The message says what to change; retrying helps with a changed call.
    #[error("{message}")]
    Failed { message: String },

    /// A file system operation failed for another reason (permissions, a file where a directory
    /// is needed). Retrying may help if the cause was transient.
    #[error("cannot {action} `{path}`")]
    Io {
        action: &'static str,
        path: String,
        #[source]
        source: io::Error,
    },
}

impl ToolError {
    /// An I/O error on `path`; a missing file becomes [`ToolError::NotFound`].
    pub(crate) fn io(action: &'static str, path: impl Into<String>, source: io::Error) -> Self {
        let path = path.into();
        if source.kind() == io::ErrorKind::NotFound {
            Self::NotFound { path }
        } else {
            Self::Io {
                action,
                path,
                source,
            }
        }
    }

    /// Shorthand for [`ToolError::Failed`].
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Self::Failed {
            message: message.into(),
        }
    }

    /// Shorthand for [`ToolError::InvalidArguments`].
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidArguments {
            message: message.into(),
        }
    }

    /// The error and its causes on one line, joined by `: `, as the model reads it.
    pub fn message(&self) -> String {
        crate::text::error_chain(self).replace('\n', " ")
    }
}
