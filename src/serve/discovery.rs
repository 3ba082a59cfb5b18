//! How clients of this machine find a running server: `agent serve` writes `serve.json` (its
//! URL, pid and token file, never the token) in the data directory and removes it when it stops.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

const FILE: &str = "serve.json";

/// A running server, as it announced itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Discovery {
    pub url: String,
    pub pid: u32,
    pub token_file: PathBuf,
}

impl Discovery {
    /// Announces this server (replacing a stale announcement).
    pub fn write(&self, data_dir: &Path) -> Result<()> {
        let path = data_dir.join(FILE);
        let text = serde_json::to_string_pretty(self)?;
        let temporary = data_dir.join(format!("{FILE}.{}", self.pid));
        std::fs::write(&temporary, text)
            .and_then(|()| std::fs::rename(&temporary, &path))
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// The server announced in `data_dir`, if one answers at its address now.
    pub fn read(data_dir: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(data_dir.join(FILE)).ok()?;
        let found: Self = serde_json::from_str(&text).ok()?;
        let address = found.url.strip_prefix("http://")?.parse().ok()?;
        std::net::TcpStream::connect_timeout(&address, std::time::Duration::from_millis(300))
            .ok()?;
        Some(found)
    }

    /// Withdraws the announcement of the server with `pid` (not a newer server's).
    pub fn remove(data_dir: &Path, pid: u32) {
        let path = data_dir.join(FILE);
        let ours = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| serde_json::from_str::<Self>(&text).ok())
            .is_some_and(|found| found.pid == pid);
        if ours {
            let _ = std::fs::remove_file(path);
        }
    }
}
