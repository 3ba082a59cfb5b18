//! Content-addressed attachments: files stored once by SHA-256 beside the database.

use std::io::Write;
use std::path::PathBuf;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Store;
use crate::error::{Error, Result};
use crate::time::{Millis, now_ms};

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub sha256: String,
    pub size: u64,
    pub media_type: Option<String>,
    pub created_at: Millis,
}

impl Store {
    /// Stores `bytes` (once, however often it is added) and returns its record.
    /// The file is written and renamed into place before the row is committed.
    pub fn put_attachment(&self, bytes: &[u8], media_type: Option<&str>) -> Result<Attachment> {
        let sha256 = hex(&Sha256::digest(bytes));
        let path = self.attachment_path(&sha256)?;
        if !path.exists() {
            write_atomically(&path, bytes)?;
        }
        let now = now_ms();
        self.conn.execute(
            "INSERT OR IGNORE INTO attachments (sha256, size, media_type, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![sha256, bytes.len() as u64, media_type, now],
        )?;
        self.attachment(&sha256)?.ok_or(Error::NotFound {
            kind: "attachment",
            id: sha256,
        })
    }

    /// The record of a stored file, if present.
    pub fn attachment(&self, sha256: &str) -> Result<Option<Attachment>> {
        Ok(self
            .conn
            .query_row(
                "SELECT sha256, size, media_type, created_at FROM attachments WHERE sha256 = ?1",
                [sha256],
                |row| {
                    Ok(Attachment {
                        sha256: row.get(0)?,
                        size: row.get(1)?,
                        media_type: row.get(2)?,
                        created_at: row.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// The bytes of a stored file, checked against its hash.
    pub fn read_attachment(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.attachment_path(sha256)?;
        let bytes = std::fs::read(&path).map_err(|source| Error::Io {
            action: "read attachment",
            path: path.clone(),
            source,
        })?;
        if hex(&Sha256::digest(&bytes)) != sha256 {
            return Err(Error::Io {
                action: "verify attachment",
                path,
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "content does not match its hash",
                ),
            });
        }
        Ok(bytes)
    }

    fn attachment_path(&self, sha256: &str) -> Result<PathBuf> {
        let dir = self.attachments_dir.as_ref().ok_or_else(|| {
            Error::InvalidArgument("an in-memory store keeps no attachments".into())
        })?;
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::InvalidArgument(format!(
                "`{sha256}` is not a SHA-256 hex digest"
            )));
        }
        Ok(dir.join(&sha256[..2]).join(&sha256[2..]))
    }
}

fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let io = |action: &'static str, path: &std::path::Path| {
        let path = path.to_path_buf();
        move |source| Error::Io {
            action,
            path,
            source,
        }
    };
    let dir = path.parent().unwrap_or(path);
    std::fs::create_dir_all(dir).map_err(io("create directory", dir))?;
    let temporary = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = std::fs::File::create(&temporary).map_err(io("create", &temporary))?;
    file.write_all(bytes).map_err(io("write", &temporary))?;
    file.sync_all().map_err(io("sync", &temporary))?;
    std::fs::rename(&temporary, path).map_err(io("rename into place", path))?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
