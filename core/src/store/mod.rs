//! The SQLite store: the one place with SQL. Every front reads and writes through these typed calls.
//!
//! One database file in the data directory, WAL mode, foreign keys on, a busy timeout so that
//! several `agent` processes can write at once. Every write is committed before it returns.
//!
//! A busy database is waited for, never fatal: each statement waits up to the busy timeout, and
//! what SQLite refuses without waiting (switching a fresh file to WAL while another process
//! opens it, a write transaction that found the lock taken past the timeout) is tried again for
//! [`StoreOptions::lock_patience`] more, the whole open and migration of a fresh database
//! included.
//!
//! A store given a [`Redactor`] ([`Store::set_redactor`]) redacts the free text it writes —
//! task events, task descriptions, summaries and errors, plans, model call errors, chat
//! messages — so credentials and URL passwords never reach the file (history imports excepted:
//! they are the user's own records, kept byte for byte).

mod ab;
mod attachments;
mod ci;
mod classifier;
mod conversations;
mod fetch_cache;
mod imports;
mod leases;
pub mod migrations;
mod model_benchmarks;
mod model_cache;
mod model_calls;
mod registry;
mod repomap;
mod routing;
pub(crate) mod search;
mod stats;
mod tasks;
mod tool_checks;
mod transfer;
mod webhooks;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::error::{Error, Result};
use crate::redact::Redactor;

pub use ab::{AbTestRecord, AbVariantTotals};
pub use attachments::Attachment;
pub use ci::{
    CiRun, CiSummary, FixAttempt, FixClaim, FixCounts, FixOutcome, NewFixAttempt, RunHandling,
};
pub use classifier::{ClassifierVersion, NewClassifierVersion, TaskEffort};
pub use conversations::{
    Conversation, ConversationSummary, Deleted, ListQuery, Message, NewMessage, Page,
};
pub use fetch_cache::{CachedPage, MAX_CACHED_PAGES};
pub use imports::{ImportedConversation, Origin, SessionImportReport};
pub use leases::{HEARTBEAT, LEASE_TTL, RecoveredTask};
pub use model_benchmarks::ModelBenchmark;
pub use model_cache::CacheStats;
pub use model_calls::{ModelCall, ModelCallOutcome, ModelUsage, UsageTotals};
pub use registry::RegistryEntry;
pub use repomap::{MapDefinition, MapFileStat, MapUpdate, NewMapBlob};
pub use routing::ModelOutcomes;
pub use search::{HIGHLIGHT_END, HIGHLIGHT_START, SearchHit, SearchQuery};
pub use stats::DashboardStats;
pub use tasks::{EditOutcomeStats, NewTask, TaskCursor, TaskEnding, TaskQuery, TaskRecord};
pub use tool_checks::{TOOL_CHECK_FORGOTTEN, TOOL_CHECK_TIMED_OUT, ToolCheckRecord};
pub use transfer::{ConversationRecord, ImportReport, MessageRecord, read_jsonl};
pub use webhooks::{DELIVERY_RETENTION, MAX_DELIVERIES, WebhookDelivery};

/// How to open the store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// How long a write waits for another process's write lock before failing.
    pub busy_timeout: Duration,
    /// How long a busy database is tried again once SQLite gave up: opening and migrating it,
    /// starting a write transaction.
    pub lock_patience: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(5),
            lock_patience: Duration::from_secs(30),
        }
    }
}

/// An open database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    attachments_dir: Option<PathBuf>,
    /// Redacts the text written, when the front gave one.
    redactor: Option<Arc<Redactor>>,
    /// How long a busy database is tried again ([`StoreOptions::lock_patience`]).
    lock_patience: Duration,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it to the latest schema.
    /// Attachments live in `attachments/` beside the file.
    pub fn open(path: &Path, options: &StoreOptions) -> Result<Self> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::DataDirectory {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        // Several processes opening a fresh database at once can find it busy in ways SQLite
        // does not wait for; the whole open is tried again.
        let deadline = Instant::now() + options.lock_patience;
        let mut attempt = 0;
        loop {
            match Self::open_once(path, options) {
                Err(error) if error.is_busy() && Instant::now() < deadline => {
                    attempt += 1;
                    std::thread::sleep(busy_pause(attempt));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path, options: &StoreOptions) -> Result<Self> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| classify_open_error(path, e))?;
        let attachments_dir = path.parent().map(|dir| dir.join("attachments"));
        let mut store = Self {
            conn,
            path: path.to_path_buf(),
            attachments_dir,
            redactor: None,
            lock_patience: options.lock_patience,
        };
        store
            .configure(options)
            .map_err(|e| classify_open_error(path, e))?;
        store.migrate().map_err(|e| match e {
            Error::Database(source) => classify_open_error(path, source),
            other => other,
        })?;
        Ok(store)
    }

    /// A private in-memory database with the real schema (tests, dry runs). No attachments.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        let mut store = Self {
            conn,
            path: PathBuf::from(":memory:"),
            attachments_dir: None,
            redactor: None,
            lock_patience: StoreOptions::default().lock_patience,
        };
        store.configure(&StoreOptions::default())?;
        store.migrate()?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// From now on, every free text this store writes passes through `redactor` (see the
    /// module docs for which); replaces any redactor set before.
    pub fn set_redactor(&mut self, redactor: Arc<Redactor>) {
        self.redactor = Some(redactor);
    }

    /// The redactor set with [`Store::set_redactor`], if any.
    pub fn redactor(&self) -> Option<&Arc<Redactor>> {
        self.redactor.as_ref()
    }

    /// `text` as it may be written: redacted when the store has a redactor.
    pub(crate) fn redacted<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match &self.redactor {
            Some(redactor) => redactor.redact(text),
            None => Cow::Borrowed(text),
        }
    }

    /// JSON text as it may be written: every string in it redacted, the structure kept.
    pub(crate) fn redacted_json<'a>(&self, json: &'a str) -> Cow<'a, str> {
        match &self.redactor {
            Some(redactor) => redactor.redact_json(json),
            None => Cow::Borrowed(json),
        }
    }

    /// An optional text as it may be written.
    pub(crate) fn redacted_option(&self, text: Option<&str>) -> Option<String> {
        text.map(|t| self.redacted(t).into_owned())
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        migrations::schema_version(&self.conn)
    }

    /// Runs `PRAGMA integrity_check`; an empty list means the database is sound.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
        let mut problems = Vec::new();
        for row in rows {
            let line = row?;
            if line != "ok" {
                problems.push(line);
            }
        }
        Ok(problems)
    }

    /// The full id of the row of `table` (a fixed name) whose id is `id` or starts with it, if
    /// only one does; `kind` names the record in errors.
    pub(crate) fn resolve_id_prefix(
        &self,
        table: &'static str,
        kind: &'static str,
        id: &str,
    ) -> Result<String> {
        let not_found = || Error::NotFound {
            kind,
            id: id.to_string(),
        };
        if id.is_empty() {
            return Err(not_found());
        }
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT id FROM {table} WHERE substr(id, 1, length(?1)) = ?1 ORDER BY id LIMIT 4"
        ))?;
        let matches = statement
            .query_map([id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if matches.iter().any(|m| m == id) {
            return Ok(id.to_string());
        }
        match matches.as_slice() {
            [] => Err(not_found()),
            [only] => Ok(only.clone()),
            _ => {
                let count: usize = self.conn.query_row(
                    &format!("SELECT COUNT(*) FROM {table} WHERE substr(id, 1, length(?1)) = ?1"),
                    [id],
                    |r| r.get(0),
                )?;
                Err(Error::AmbiguousId {
                    kind,
                    id: id.to_string(),
                    count,
                    examples: matches.join(", "),
                })
            }
        }
    }

    fn configure(&mut self, options: &StoreOptions) -> rusqlite::Result<()> {
        self.conn.busy_timeout(options.busy_timeout)?;
        // WAL lets readers run beside one writer, across processes. It is a property of the
        // file: once set, it stays, and setting it again would take a lock for nothing. Setting
        // it needs the file to itself, and SQLite answers "busy" at once rather than wait
        // while another process opens the same fresh file, so that is tried again.
        let mode: String = self
            .conn
            .pragma_query_value(None, "journal_mode", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            let conn = &self.conn;
            let _mode: String = retry_busy(options.lock_patience, || {
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            })?;
        }
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        migrations::migrate_patiently(&mut self.conn, self.lock_patience)
    }

    /// Starts a write (`BEGIN IMMEDIATE`) transaction, waiting for another process's write as
    /// long as the busy timeout and then the lock patience allow.
    pub(crate) fn write_transaction(&self) -> rusqlite::Result<Transaction<'_>> {
        begin_immediate(&self.conn, self.lock_patience)
    }
}

/// `BEGIN IMMEDIATE` on `conn`, tried again for `patience` after SQLite's own busy wait ran out.
pub(crate) fn begin_immediate(
    conn: &Connection,
    patience: Duration,
) -> rusqlite::Result<Transaction<'_>> {
    retry_busy(patience, || {
        Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
    })
}

/// Runs `attempt` until it is not refused as busy or `patience` has passed.
pub(crate) fn retry_busy<T>(
    patience: Duration,
    mut attempt: impl FnMut() -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let deadline = Instant::now() + patience;
    let mut tries = 0;
    loop {
        match attempt() {
            Err(error) if is_busy(&error) && Instant::now() < deadline => {
                tries += 1;
                std::thread::sleep(busy_pause(tries));
            }
            other => return other,
        }
    }
}

/// Whether SQLite refused because another connection holds a lock (also once every wait ran
/// out).
pub fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(
                failure.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            )
    )
}

/// The pause before try `tries` (from 1): 5 ms doubling to 160 ms, with a little jitter so that
/// processes that collided once do not collide again in step.
fn busy_pause(tries: u32) -> Duration {
    let base = 5u64 << tries.min(5);
    let jitter = u64::from(std::process::id() ^ tries.wrapping_mul(2_654_435_761)) % (base / 2 + 1);
    Duration::from_millis(base + jitter)
}

fn classify_open_error(path: &Path, error: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    match &error {
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(
                failure.code,
                ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt
            ) =>
        {
            Error::CorruptDatabase {
                path: path.to_path_buf(),
                source: error,
            }
        }
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(
                failure.code,
                ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied
            ) =>
        {
            Error::DataDirectory {
                path: path.to_path_buf(),
                source: std::io::Error::other(error.to_string()),
            }
        }
        _ => Error::Database(error),
    }
}

#[cfg(test)]
mod tests;
