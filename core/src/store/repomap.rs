//! The repo map's tables: symbols per git blob id, and each indexed root's stat cache (path →
//! size, mtime, blob) that lets an unchanged file keep its blob id without being read, with the
//! git index it was last listed from.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{OptionalExtension as _, params};

use super::Store;
use crate::error::Result;

/// A file of an indexed root as the stat cache remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapFileStat {
    pub size: u64,
    pub mtime_ns: i64,
    pub blob: String,
    pub lang: String,
    /// Written because git's index vouched for the file (its `lstat` matched git's record): while
    /// the root's git index is unchanged the row is git's record, and need not be read.
    pub vouched: bool,
}

/// A definition as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapDefinition {
    pub name: String,
    pub kind: String,
    pub line: u32,
    pub signature: String,
}

/// The tags of a blob parsed for the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMapBlob {
    pub blob: String,
    pub lang: String,
    pub defs: Vec<MapDefinition>,
    /// Referenced names with how often.
    pub refs: Vec<(String, u32)>,
}

/// One index run's changes to a root: blobs seen for the first time, files added or changed,
/// files gone.
#[derive(Debug, Default)]
pub struct MapUpdate {
    pub new_blobs: Vec<NewMapBlob>,
    pub files: Vec<(String, MapFileStat)>,
    pub removed: Vec<String>,
    /// The git index the files were listed from (`None`: not a git work tree, or a listing
    /// the next run must not trust: every row is read then).
    pub git_index: Option<String>,
}

/// A root's files that have stored tags. Only `map_blobs`' keys are asked for, from the index of
/// keys alone: its rows hold every name a blob has, and reading them for 10,000 files took ~50 ms.
pub(crate) const LISTED_FILES: &str = "SELECT f.path, f.blob, f.lang FROM map_files f \
     JOIN map_blobs b INDEXED BY map_blobs_key ON b.blob = f.blob AND b.lang = f.lang \
     WHERE f.root = ?1 ORDER BY f.path";

impl Store {
    /// The stat cache of `root`: every file indexed there, by relative path.
    pub fn map_file_stats(&self, root: &str) -> Result<HashMap<String, MapFileStat>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT path, size, mtime_ns, blob, lang, vouched FROM map_files WHERE root = ?1",
        )?;
        let rows = statement.query_map([root], file_stat)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The rows of `root`'s stat cache git's index did not vouch for (untracked and edited files,
    /// watched directories): the rest equal git's record while its index is unchanged.
    pub fn map_unvouched_file_stats(&self, root: &str) -> Result<HashMap<String, MapFileStat>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT path, size, mtime_ns, blob, lang, vouched FROM map_files \
             WHERE root = ?1 AND vouched = 0",
        )?;
        let rows = statement.query_map([root], file_stat)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The generation of `root`'s files: it changes with every index run that changed them.
    pub fn map_generation(&self, root: &str) -> Result<Option<String>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT generation FROM map_root_state WHERE root = ?1")?;
        Ok(statement.query_row([root], |row| row.get(0)).optional()?)
    }

    /// The git index `root` was last listed from, if the last run left one to trust.
    pub fn map_git_index(&self, root: &str) -> Result<Option<String>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT git_index FROM map_root_state WHERE root = ?1")?;
        Ok(statement
            .query_row([root], |row| row.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// Whether the tags of `blob` read as `lang` are stored.
    pub fn map_has_blob(&self, blob: &str, lang: &str) -> Result<bool> {
        let mut statement = self.conn.prepare_cached(
            "SELECT 1 FROM map_blobs INDEXED BY map_blobs_key WHERE blob = ?1 AND lang = ?2",
        )?;
        Ok(statement
            .query_row(params![blob, lang], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Applies one index run to `root` in one transaction.
    pub fn map_update(&mut self, root: &str, update: &MapUpdate) -> Result<()> {
        let tx = self.write_transaction()?;
        {
            let mut blob_row = tx.prepare_cached(
                "INSERT OR IGNORE INTO map_blobs (blob, lang, def_names, refs) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut def_row = tx.prepare_cached(
                "INSERT INTO map_defs (blob, lang, name, kind, line, signature) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for blob in &update.new_blobs {
                let mut names: Vec<&str> = blob.defs.iter().map(|d| d.name.as_str()).collect();
                names.sort_unstable();
                names.dedup();
                let refs: Vec<String> = blob
                    .refs
                    .iter()
                    .map(|(name, count)| format!("{name}\t{count}"))
                    .collect();
                let inserted = blob_row.execute(params![
                    blob.blob,
                    blob.lang,
                    names.join("\n"),
                    refs.join("\n")
                ])?;
                if inserted == 0 {
                    continue;
                }
                for def in &blob.defs {
                    // A signature is a line of code, which may hold a credential.
                    def_row.execute(params![
                        blob.blob,
                        blob.lang,
                        def.name,
                        def.kind,
                        def.line,
                        self.redacted(&def.signature)
                    ])?;
                }
            }
            let mut file_row = tx.prepare_cached(
                "INSERT OR REPLACE INTO map_files (root, path, size, mtime_ns, blob, lang, vouched) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for (path, stat) in &update.files {
                file_row.execute(params![
                    root,
                    path,
                    stat.size,
                    stat.mtime_ns,
                    stat.blob,
                    stat.lang,
                    stat.vouched
                ])?;
            }
            let mut gone =
                tx.prepare_cached("DELETE FROM map_files WHERE root = ?1 AND path = ?2")?;
            for path in &update.removed {
                gone.execute(params![root, path])?;
            }
            let changed = !(update.new_blobs.is_empty()
                && update.files.is_empty()
                && update.removed.is_empty());
            // A new generation when the files changed; the same one (a new root: a first) when
            // only the git index did.
            let sql = if changed {
                "INSERT OR REPLACE INTO map_root_state (root, git_index, generation) \
                 VALUES (?1, ?2, ?3)"
            } else {
                "INSERT INTO map_root_state (root, git_index, generation) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (root) DO UPDATE SET git_index = excluded.git_index"
            };
            tx.prepare_cached(sql)?
                .execute(params![root, update.git_index, new_generation()])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every file of `root` with stored tags: (path, blob, lang), by path.
    pub fn map_listed_files(&self, root: &str) -> Result<Vec<(String, String, String)>> {
        let mut statement = self.conn.prepare_cached(LISTED_FILES)?;
        let rows =
            statement.query_map([root], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The tags of one blob: (distinct defined names, one per line; `name\tcount` per line).
    pub fn map_blob_tags(&self, blob: &str, lang: &str) -> Result<Option<(String, String)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT def_names, refs FROM map_blobs WHERE blob = ?1 AND lang = ?2",
        )?;
        Ok(statement
            .query_row(params![blob, lang], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?)
    }

    /// The ranking input saved for `root` (`repomap/packed.rs`): (generation, bytes).
    pub fn map_graph(&self, root: &str) -> Result<Option<(String, Vec<u8>)>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT generation, data FROM map_graph WHERE root = ?1")?;
        Ok(statement
            .query_row([root], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?)
    }

    /// Saves the ranking input of `root` as of `generation`, replacing the one before.
    pub fn map_save_graph(&self, root: &str, generation: &str, data: &[u8]) -> Result<()> {
        let mut statement = self.conn.prepare_cached(
            "INSERT OR REPLACE INTO map_graph (root, generation, data) VALUES (?1, ?2, ?3)",
        )?;
        statement.execute(params![root, generation, data])?;
        Ok(())
    }

    /// Every root with files in the map.
    pub fn map_roots(&self) -> Result<Vec<String>> {
        // One index step per root (a skip scan of the primary key), not a scan of every file.
        let mut statement = self.conn.prepare_cached(
            "WITH RECURSIVE roots(root) AS ( \
                 SELECT MIN(root) FROM map_files \
                 UNION ALL \
                 SELECT (SELECT MIN(root) FROM map_files WHERE root > roots.root) FROM roots \
                 WHERE roots.root IS NOT NULL) \
             SELECT root FROM roots WHERE root IS NOT NULL",
        )?;
        let rows = statement.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Forgets every file of `root` (a directory that is gone); its blobs stay until
    /// [`Store::map_purge_blobs`].
    pub fn map_forget_root(&mut self, root: &str) -> Result<usize> {
        let tx = self.write_transaction()?;
        let removed = tx.execute("DELETE FROM map_files WHERE root = ?1", [root])?;
        tx.execute("DELETE FROM map_root_state WHERE root = ?1", [root])?;
        tx.execute("DELETE FROM map_graph WHERE root = ?1", [root])?;
        tx.commit()?;
        Ok(removed)
    }

    /// Deletes the tags and definitions of blobs no root's file has any more: of `candidates`
    /// (blob, lang), or of every stored blob when `None`. Returns how many blobs went.
    pub fn map_purge_blobs(&mut self, candidates: Option<&[(String, String)]>) -> Result<usize> {
        // Chosen inside the write, so that no other process can index one of them meanwhile.
        let tx = self.write_transaction()?;
        let orphans: Vec<(String, String)> = match candidates {
            None => {
                let mut statement = tx.prepare(
                    "SELECT blob, lang FROM map_blobs \
                     WHERE (blob, lang) NOT IN (SELECT blob, lang FROM map_files)",
                )?;
                let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
                rows.collect::<rusqlite::Result<_>>()?
            }
            Some(candidates) => {
                let mut used = tx.prepare_cached(
                    "SELECT 1 FROM map_files WHERE blob = ?1 AND lang = ?2 LIMIT 1",
                )?;
                let mut orphans = Vec::new();
                for (blob, lang) in candidates {
                    if used
                        .query_row(params![blob, lang], |_| Ok(()))
                        .optional()?
                        .is_none()
                    {
                        orphans.push((blob.clone(), lang.clone()));
                    }
                }
                orphans
            }
        };
        let mut purged = 0;
        {
            let mut defs =
                tx.prepare_cached("DELETE FROM map_defs WHERE blob = ?1 AND lang = ?2")?;
            let mut blobs =
                tx.prepare_cached("DELETE FROM map_blobs WHERE blob = ?1 AND lang = ?2")?;
            for (blob, lang) in &orphans {
                defs.execute(params![blob, lang])?;
                purged += blobs.execute(params![blob, lang])?;
            }
        }
        tx.commit()?;
        Ok(purged)
    }

    /// Rows of the map's tables: (files and watched directories, blobs, definitions).
    pub fn map_row_counts(&self) -> Result<(i64, i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM map_files), (SELECT COUNT(*) FROM map_blobs), \
             (SELECT COUNT(*) FROM map_defs)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )?)
    }

    /// The definitions of one blob, by line.
    pub fn map_definitions(&self, blob: &str, lang: &str) -> Result<Vec<MapDefinition>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT name, kind, line, signature FROM map_defs WHERE blob = ?1 AND lang = ?2 ORDER BY line",
        )?;
        let rows = statement.query_map(params![blob, lang], definition)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Where `name` is defined in `root`: (path, definition), by path and line, at most `limit`.
    pub fn map_lookup(
        &self,
        root: &str,
        name: &str,
        limit: usize,
    ) -> Result<Vec<(String, MapDefinition)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT f.path, d.name, d.kind, d.line, d.signature FROM map_defs d \
             JOIN map_files f ON f.blob = d.blob AND f.lang = d.lang \
             WHERE d.name = ?1 AND f.root = ?2 ORDER BY f.path, d.line LIMIT ?3",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = statement.query_map(params![name, root, limit], |row| {
            Ok((row.get::<_, String>(0)?, definition_at(row, 1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A generation no other run (of this or another process, on this or another database) has
/// written: the time in ns, the process id and a count.
fn new_generation() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let count = COUNT.fetch_add(1, Ordering::Relaxed);
    format!("{nanos:x}-{:x}-{count:x}", std::process::id())
}

fn file_stat(row: &rusqlite::Row<'_>) -> rusqlite::Result<(String, MapFileStat)> {
    Ok((
        row.get(0)?,
        MapFileStat {
            size: row.get(1)?,
            mtime_ns: row.get(2)?,
            blob: row.get(3)?,
            lang: row.get(4)?,
            vouched: row.get(5)?,
        },
    ))
}

fn definition(row: &rusqlite::Row<'_>) -> rusqlite::Result<MapDefinition> {
    definition_at(row, 0)
}

fn definition_at(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<MapDefinition> {
    Ok(MapDefinition {
        name: row.get(first)?,
        kind: row.get(first + 1)?,
        line: row.get(first + 2)?,
        signature: row.get(first + 3)?,
    })
}
