//! Versioned schema migrations keyed by SQLite's `user_version`.
//!
//! A released migration is never edited: a change to the schema is a new file appended to
//! [`MIGRATIONS`]. Version N means the first N migrations have been applied.

use std::time::Duration;

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The SQL of every migration, oldest first.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_conversations.sql"),
    include_str!("migrations/0002_tasks_and_model_calls.sql"),
    include_str!("migrations/0003_attachments_registry_experiments.sql"),
    include_str!("migrations/0004_task_runs.sql"),
    include_str!("migrations/0005_strategies.sql"),
    include_str!("migrations/0006_task_leases.sql"),
    include_str!("migrations/0007_task_listing_and_event_feed.sql"),
];

/// The schema version this build writes and expects.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// The database's schema version (`PRAGMA user_version`).
pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Brings the database to [`LATEST_VERSION`]. Safe to call from several processes at once: the
/// version is read again inside an immediate (write-locked) transaction, so each migration runs
/// exactly once, and a migration and its version bump commit together.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, LATEST_VERSION)
}

/// [`migrate`], waiting up to `patience` more for the write lock once SQLite's busy timeout ran
/// out (several processes opening a fresh database at once).
pub(crate) fn migrate_patiently(conn: &mut Connection, patience: Duration) -> Result<()> {
    migrate_within(conn, LATEST_VERSION, patience)
}

/// Brings the database to `target` (tests use it to build databases at older versions).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    migrate_within(conn, target, Duration::ZERO)
}

fn migrate_within(conn: &mut Connection, target: i64, patience: Duration) -> Result<()> {
    let current = schema_version(conn)?;
    if current > LATEST_VERSION {
        return Err(Error::SchemaTooNew {
            found: current,
            supported: LATEST_VERSION,
        });
    }
    if current >= target {
        return Ok(());
    }
    let tx = super::begin_immediate(conn, patience)?;
    let current = schema_version(&tx)?;
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= current || version > target {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
    }
    tx.commit()?;
    Ok(())
}
