//! Versioned schema migrations keyed by SQLite's `user_version`.
//!
//! A released migration is never edited: a change to the schema is a new file appended to
//! [`MIGRATIONS`], numbered like its file. Version N means every migration numbered up to N has
//! been applied. Numbers only grow; one may be skipped (a number reserved for a change that is
//! not merged yet), and is then added in its place before any build that has the later one is
//! released.

use std::time::Duration;

use rusqlite::Connection;

use crate::error::{Error, Result};

/// One schema change: the version it brings the database to (its file's number) and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

/// Every migration, oldest first, numbers strictly increasing.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("migrations/0001_conversations.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("migrations/0002_tasks_and_model_calls.sql"),
    },
    Migration {
        version: 3,
        sql: include_str!("migrations/0003_attachments_registry_experiments.sql"),
    },
    Migration {
        version: 4,
        sql: include_str!("migrations/0004_task_runs.sql"),
    },
    Migration {
        version: 5,
        sql: include_str!("migrations/0005_strategies.sql"),
    },
    Migration {
        version: 6,
        sql: include_str!("migrations/0006_task_leases.sql"),
    },
    Migration {
        version: 7,
        sql: include_str!("migrations/0007_task_listing_and_event_feed.sql"),
    },
    Migration {
        version: 8,
        sql: include_str!("migrations/0008_search_speed.sql"),
    },
    Migration {
        version: 9,
        sql: include_str!("migrations/0009_webhook_deliveries.sql"),
    },
    Migration {
        version: 10,
        sql: include_str!("migrations/0010_ci_monitor.sql"),
    },
    Migration {
        version: 11,
        sql: include_str!("migrations/0011_tool_checks_and_task_context.sql"),
    },
    Migration {
        version: 12,
        sql: include_str!("migrations/0012_fetch_cache.sql"),
    },
    // 13 was reserved for a change that needed no table.
    Migration {
        version: 14,
        sql: include_str!("migrations/0014_import_origins.sql"),
    },
    Migration {
        version: 15,
        sql: include_str!("migrations/0015_repo_map.sql"),
    },
    Migration {
        version: 16,
        sql: include_str!("migrations/0016_classifier_metrics.sql"),
    },
    Migration {
        version: 17,
        sql: include_str!("migrations/0017_ab_winner_and_routing.sql"),
    },
    Migration {
        version: 19,
        sql: include_str!("migrations/0019_model_cache.sql"),
    },
    Migration {
        version: 20,
        sql: include_str!("migrations/0020_model_benchmarks.sql"),
    },
    Migration {
        version: 21,
        sql: include_str!("migrations/0021_map_git_stamp.sql"),
    },
    Migration {
        version: 22,
        sql: include_str!("migrations/0022_model_call_reuse.sql"),
    },
    Migration {
        version: 23,
        sql: include_str!("migrations/0023_map_graph.sql"),
    },
    Migration {
        version: 24,
        sql: include_str!("migrations/0024_map_blob_keys.sql"),
    },
];

/// The schema version this build writes and expects: the number of the last migration.
pub const LATEST_VERSION: i64 = match MIGRATIONS.last() {
    Some(last) => last.version,
    None => 0,
};

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

/// Brings the database to `target`: every migration numbered up to it (tests use it to build
/// databases at older versions).
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
    for migration in MIGRATIONS {
        if migration.version <= current || migration.version > target {
            continue;
        }
        tx.execute_batch(migration.sql)?;
        tx.pragma_update(None, "user_version", migration.version)?;
    }
    tx.commit()?;
    Ok(())
}
