//! The one error type of agent-core, and what a front should tell the user about each case.

use std::path::PathBuf;

/// Result with agent-core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How a front should treat an error: it decides the exit code, the core only classifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The user asked for something malformed: a bad argument, config key or value.
    Usage,
    /// The thing named (a conversation, a task) does not exist.
    NotFound,
    /// Input data (an import file) is malformed; nothing was changed.
    InvalidData,
    /// agent's own files cannot be used: the data directory or a config file is unwritable or
    /// unreadable, or the database is corrupt or too new.
    Storage,
    /// Anything else that went wrong at run time.
    Failure,
}

/// Everything agent-core can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration file is not valid TOML. Returned while loading layers; fix the file to retry.
    #[error("cannot parse config file {path}: {message}")]
    ConfigSyntax { path: PathBuf, message: String },

    /// A configuration key is not one agent knows. Returned while loading layers or by `config set`.
    #[error("unknown config key `{key}` in {origin}")]
    UnknownConfigKey {
        key: String,
        origin: String,
        suggestion: Option<String>,
    },

    /// A configuration value has the wrong type or is out of range. Retrying needs a new value.
    #[error("invalid value for `{key}` in {origin}: {message}")]
    ConfigValue {
        key: String,
        origin: String,
        message: String,
    },

    /// A file system operation failed. Retrying may help if the cause was transient.
    #[error("cannot {action} {path}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The data directory or database file cannot be created or written (permissions, a file in
    /// the way, a read-only file system). Retrying does not help until the cause is fixed.
    #[error("cannot use data directory {path}")]
    DataDirectory {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The database file is damaged or not a SQLite database. Retrying does not help.
    #[error("database {path} is corrupt or not an agent database")]
    CorruptDatabase {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    /// The database was written by a newer agent. Retrying does not help; upgrade agent.
    #[error("database schema version {found} is newer than this agent supports ({supported})")]
    SchemaTooNew { found: i64, supported: i64 },

    /// A SQLite call failed for another reason (disk full, locked past the busy timeout).
    #[error("database error")]
    Database(#[from] rusqlite::Error),

    /// No record of that kind has that id (or id prefix).
    #[error("no {kind} matches `{id}`")]
    NotFound { kind: &'static str, id: String },

    /// An id prefix matches several records; a longer prefix resolves it.
    #[error("`{id}` matches {count} {kind}s: {examples}")]
    AmbiguousId {
        kind: &'static str,
        id: String,
        count: usize,
        examples: String,
    },

    /// A line of an import file is malformed; the import changed nothing.
    #[error("{source_name}:{line}: {message}")]
    InvalidImport {
        source_name: String,
        line: usize,
        message: String,
    },

    /// The file or directory to import another agent's history from does not exist.
    #[error("{message}")]
    ImportSource { message: String, hint: String },

    /// Records of the files to import from another agent are malformed; nothing was imported.
    /// `records` are the first few as `file:line: why`; `total` counts them all.
    #[error("{}", malformed_message(records, *total))]
    MalformedRecords { records: Vec<String>, total: usize },

    /// An argument is malformed (a date, a cursor, a query).
    #[error("{0}")]
    InvalidArgument(String),

    /// A task cannot move from its status to the one asked for (it already ended, or the step
    /// is out of order). A bug in the caller or a race with another process; retrying does not help.
    #[error("task {id} cannot go from {from} to {to}")]
    InvalidTransition {
        id: String,
        from: crate::task::TaskStatus,
        to: crate::task::TaskStatus,
    },
    /// A git operation on the user's repository or a task's worktree failed; the variant says
    /// whether the user can act (not a repository, dirty paths, a conflict).
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
    /// A GitHub request failed or no token was found; the variant says what the user can do.
    #[error(transparent)]
    GitHub(#[from] crate::github::GitHubError),
    /// A model could not be chosen or set up for a task or chat (no model configured, an unknown
    /// backend, a missing key). Returned by `Session::submit`; fix the model or the flags.
    #[error("{message}")]
    ModelSelection {
        message: String,
        hint: Option<String>,
    },
    /// A task is not in a state for what was asked (applying a task without a commit, or an
    /// unfinished one). Retrying does not help; the hint says what does.
    #[error("{message}")]
    TaskState { message: String, hint: String },
    /// An A/B test cannot be created, changed or read as asked (a name taken, a bad variant, a
    /// test that is not running); the hint says what to do.
    #[error("{message}")]
    AbTest { message: String, hint: String },
    /// `undo` found no applied task in the repository.
    #[error("no applied task to undo in {repo}")]
    NothingApplied { repo: String },
    /// Encoding a record as JSON failed (a bug, not a user error).
    #[error("cannot encode JSON")]
    Json(#[from] serde_json::Error),
}

/// `file:line: why` for one malformed record; a count and one record a line for several.
fn malformed_message(records: &[String], total: usize) -> String {
    match records {
        [only] if total == 1 => only.clone(),
        _ => {
            let mut message = format!("{total} malformed records:");
            for record in records {
                message.push_str("\n  ");
                message.push_str(record);
            }
            if total > records.len() {
                message.push_str(&format!("\n  … and {} more", total - records.len()));
            }
            message
        }
    }
}

/// Which kind of failure a model backend's error is (a model that is not there is "not found",
/// a file that is not a model is invalid data, a request the model cannot take is usage).
pub fn model_error_class(error: &agent_models::ModelError) -> ErrorClass {
    use agent_models::ModelError;
    match error {
        ModelError::ModelNotFound { .. } => ErrorClass::NotFound,
        ModelError::ContextOverflow { .. }
        | ModelError::MissingApiKey { .. }
        | ModelError::InvalidRequest(_) => ErrorClass::Usage,
        ModelError::ModelFile { .. } => ErrorClass::InvalidData,
        _ => ErrorClass::Failure,
    }
}

/// Whether SQLite refused to write because the database (or its directory) is read-only.
fn is_read_only(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(
                failure.code,
                rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen
            )
    )
}

impl Error {
    /// Whether the database was too busy (another process held its lock past every wait).
    pub fn is_busy(&self) -> bool {
        matches!(self, Error::Database(error) if crate::store::is_busy(error))
    }

    /// Which kind of failure this is, for exit codes and status codes.
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::ConfigSyntax { .. }
            | Error::UnknownConfigKey { .. }
            | Error::ConfigValue { .. }
            | Error::InvalidArgument(_)
            | Error::ModelSelection { .. }
            | Error::TaskState { .. }
            | Error::AbTest { .. }
            | Error::AmbiguousId { .. } => ErrorClass::Usage,
            Error::NotFound { .. } | Error::NothingApplied { .. } | Error::ImportSource { .. } => {
                ErrorClass::NotFound
            }
            Error::InvalidImport { .. } | Error::MalformedRecords { .. } => ErrorClass::InvalidData,
            Error::DataDirectory { .. }
            | Error::CorruptDatabase { .. }
            | Error::SchemaTooNew { .. } => ErrorClass::Storage,
            Error::Database(error) if is_read_only(error) => ErrorClass::Storage,
            Error::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::PermissionDenied
                | std::io::ErrorKind::ReadOnlyFilesystem
                | std::io::ErrorKind::NotADirectory
                | std::io::ErrorKind::StorageFull => ErrorClass::Storage,
                _ => ErrorClass::Failure,
            },
            Error::Git(git) => git.class(),
            Error::GitHub(github) => github.class(),
            Error::Database(_) | Error::Json(_) | Error::InvalidTransition { .. } => {
                ErrorClass::Failure
            }
        }
    }

    /// A next step the user can take, when there is one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Git(git) => git.hint(),
            Error::GitHub(github) => github.hint(),
            Error::ModelSelection { hint, .. } => hint.clone(),
            Error::TaskState { hint, .. } | Error::AbTest { hint, .. } => Some(hint.clone()),
            Error::ImportSource { hint, .. } => Some(hint.clone()),
            Error::MalformedRecords { .. } => Some(
                "nothing was imported; fix those records, or pass --skip-bad to import the rest"
                    .into(),
            ),
            Error::NothingApplied { .. } => {
                Some("`agent task apply ID` applies one; `agent task list` shows them".into())
            }
            Error::ConfigSyntax { path, .. } => Some(format!(
                "fix the file, or move it aside: mv {} {}.bak",
                path.display(),
                path.display()
            )),
            Error::UnknownConfigKey { suggestion, .. } => Some(match suggestion {
                Some(s) => format!("did you mean `{s}`? `agent config show` lists every key"),
                None => "`agent config show` lists every key".to_string(),
            }),
            Error::ConfigValue { .. } => Some(
                "`agent config show --origin` shows every key with its value and source".into(),
            ),
            Error::Io { source, path, .. } => match source.kind() {
                std::io::ErrorKind::PermissionDenied
                | std::io::ErrorKind::ReadOnlyFilesystem
                | std::io::ErrorKind::NotADirectory
                | std::io::ErrorKind::AlreadyExists => Some(format!(
                    "make {} writable, or set AGENT_HOME to a directory you can write",
                    path.display()
                )),
                _ => None,
            },
            Error::DataDirectory { .. } => {
                Some("make it writable, or set AGENT_HOME to a directory you can write".into())
            }
            Error::CorruptDatabase { path, .. } => Some(format!(
                "move it aside (mv {0} {0}.corrupt) and agent starts a new one; `agent doctor` checks it",
                path.display()
            )),
            Error::SchemaTooNew { .. } => {
                Some("install a newer agent to read this database".into())
            }
            Error::Database(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                Some("another agent process holds the database; try again".into())
            }
            Error::Database(error) if is_read_only(error) => Some(
                "the database is read-only: make it and its directory writable (`agent config path` shows where), or set AGENT_HOME to a directory you can write"
                    .into(),
            ),
            Error::NotFound { kind, .. } => Some(match *kind {
                "task" => "`agent task list` shows task ids".to_string(),
                "A/B test" => "`agent ab list` shows the tests".to_string(),
                _ => format!("`agent history list` shows {kind} ids"),
            }),
            Error::AmbiguousId { .. } => Some("give more characters of the id".into()),
            Error::InvalidImport { .. } => {
                Some("nothing was imported; fix that line and import the file again".into())
            }
            _ => None,
        }
    }
}
