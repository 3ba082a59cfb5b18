//! The tools each server offered last time, kept in the data directory (`mcp-tools/KEY.json`),
//! so a task's or chat's first request can list them while the servers are still starting: a
//! server that takes seconds to start costs nothing before the model is first asked. The key is
//! a SHA-256 of everything that decides what the server offers (its name, transport, command,
//! arguments, environment values, URL, allow and deny lists): another configuration never
//! reads this one's list. The list is what agent already checked and cut (see `catalog.rs`);
//! calls are always checked against the live server's tools.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use super::catalog::ToolInfo;
use crate::config::{McpServerConfig, McpTransport};

/// The format of a cache file; another one is ignored.
const VERSION: u32 = 1;
/// A cache file larger than this is ignored (a server offers at most 200 checked tools).
const FILE_LIMIT: u64 = 4 * 1024 * 1024;

/// The cache directory of a data directory.
#[derive(Debug, Clone)]
pub struct ToolCache {
    dir: PathBuf,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    version: u32,
    tools: Vec<ToolInfo>,
}

impl ToolCache {
    /// The cache under `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("mcp-tools"),
        }
    }

    /// The tools `config`'s server offered last time, if they were kept.
    pub fn load(&self, config: &McpServerConfig) -> Option<Vec<ToolInfo>> {
        let path = self.path(config);
        if std::fs::metadata(&path).ok()?.len() > FILE_LIMIT {
            return None;
        }
        let entry: Entry = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
        (entry.version == VERSION).then_some(entry.tools)
    }

    /// Keeps `tools` for `config`'s server. A failure only costs the next start its wait, so it
    /// is logged, not returned.
    pub fn save(&self, config: &McpServerConfig, tools: &[ToolInfo]) {
        let path = self.path(config);
        let entry = Entry {
            version: VERSION,
            tools: tools.to_vec(),
        };
        let written = std::fs::create_dir_all(&self.dir).and_then(|()| {
            let text = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
            // Tasks run side by side: write a file of our own, then rename it into place.
            let temporary = path.with_extension(format!("{}.tmp", std::process::id()));
            std::fs::write(&temporary, text)?;
            std::fs::rename(&temporary, &path)
        });
        if let Err(error) = written {
            tracing::warn!(server = %config.name, %error, "cannot keep the MCP server's tool list");
        }
    }

    fn path(&self, config: &McpServerConfig) -> PathBuf {
        self.dir.join(format!("{}.json", key(config)))
    }
}

/// SHA-256 (hex) of what decides the server's tools.
fn key(config: &McpServerConfig) -> String {
    let mut hash = Sha256::new();
    let mut field = |value: &str| {
        hash.update((value.len() as u64).to_le_bytes());
        hash.update(value.as_bytes());
    };
    field(&config.name);
    match &config.transport {
        McpTransport::Stdio {
            command,
            args,
            env,
            cwd,
        } => {
            field("stdio");
            field(command);
            args.iter().for_each(|arg| field(arg));
            field("env");
            for (name, value) in env {
                field(name);
                field(value);
            }
            field(
                &cwd.as_ref()
                    .map(|dir| dir.display().to_string())
                    .unwrap_or_default(),
            );
        }
        McpTransport::Http {
            url,
            bearer_token_env_var,
        } => {
            field("http");
            field(url);
            field(bearer_token_env_var.as_deref().unwrap_or_default());
        }
    }
    field("enabled_tools");
    for pattern in config.enabled_tools.iter().flatten() {
        field(pattern);
    }
    field("disabled_tools");
    for pattern in &config.disabled_tools {
        field(pattern);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{McpApproval, Origin};
    use std::time::Duration;

    fn config(args: &[&str]) -> McpServerConfig {
        McpServerConfig {
            name: "files".into(),
            transport: McpTransport::Stdio {
                command: "server".into(),
                args: args.iter().map(|arg| arg.to_string()).collect(),
                env: vec![("TOKEN".into(), "a".into())],
                cwd: None,
            },
            startup_timeout: Duration::from_secs(1),
            call_timeout: Duration::from_secs(1),
            enabled_tools: None,
            disabled_tools: Vec::new(),
            approval: McpApproval::Ask,
            enabled: true,
            origin: Origin::Default,
        }
    }

    #[test]
    fn a_list_is_read_back_only_for_the_same_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ToolCache::new(dir.path());
        let tools = vec![ToolInfo {
            name: "read".into(),
            description: "Read a file".into(),
            schema: serde_json::json!({"type": "object"}),
        }];
        let first = config(&["--root", "/a"]);
        assert_eq!(cache.load(&first), None);
        cache.save(&first, &tools);
        assert_eq!(cache.load(&first), Some(tools.clone()));
        assert_eq!(cache.load(&config(&["--root", "/b"])), None);
        // `["a b"]` and `["a", "b"]` are different configurations.
        cache.save(&config(&["a b"]), &tools);
        assert_eq!(cache.load(&config(&["a", "b"])), None);
        let mut denied = first.clone();
        denied.disabled_tools = vec!["read".into()];
        assert_eq!(cache.load(&denied), None);
        let mut other_env = first.clone();
        if let McpTransport::Stdio { env, .. } = &mut other_env.transport {
            env[0].1 = "b".into();
        }
        assert_eq!(cache.load(&other_env), None);
        // A damaged file is no list.
        std::fs::write(cache.path(&first), "{").unwrap();
        assert_eq!(cache.load(&first), None);
    }
}
