//! The fallback secret store: `<config dir>/credentials.toml`, readable by its owner only.
//!
//! ```toml
//! [api_keys]
//! openai = "sk-…"
//! ```
//!
//! For machines without an OS keyring (servers, containers, CI). On Unix the file is written
//! with mode 0600 (through a temporary file renamed into place), and a file that other users
//! can read is refused rather than used, as ssh does with private keys.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::api_key::SecretStore;
use crate::error::{ModelError, Result};

/// The file's name in the config directory.
pub const CREDENTIALS_FILE_NAME: &str = "credentials.toml";

const STORE_NAME: &str = "credentials file";
const TABLE: &str = "api_keys";

/// API keys in a TOML file of mode 0600.
#[derive(Debug, Clone)]
pub struct CredentialsFile {
    path: PathBuf,
}

impl CredentialsFile {
    /// The store at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The store at `<config_dir>/credentials.toml`.
    pub fn in_config_dir(config_dir: &Path) -> Self {
        Self::new(config_dir.join(CREDENTIALS_FILE_NAME))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's table, empty when there is no file.
    fn read(&self) -> Result<toml::Table> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(toml::Table::new());
            }
            Err(source) => {
                return Err(ModelError::Io {
                    action: "read",
                    path: self.path.clone(),
                    source,
                });
            }
        };
        self.check_private()?;
        // The parse error quotes the offending line, which may hold a key: say only where.
        toml::from_str(&text).map_err(|error| {
            self.failure(format!(
                "{} is not valid TOML (at byte {:?})",
                self.path.display(),
                error.span().map(|span| span.start)
            ))
        })
    }

    fn write(&self, table: &toml::Table) -> Result<()> {
        let io_error = |action, source| ModelError::Io {
            action,
            path: self.path.clone(),
            source,
        };
        let text = toml::to_string(table)
            .map_err(|error| self.failure(format!("cannot write TOML: {error}")))?;
        let directory = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(directory)
            .map_err(|source| io_error("create the directory of", source))?;
        let temporary = self.path.with_extension("toml.tmp");
        let mut file = private_file(&temporary).map_err(|source| io_error("create", source))?;
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|source| io_error("write", source))?;
        fs::rename(&temporary, &self.path).map_err(|source| io_error("replace", source))
    }

    /// Refuses a file that users other than its owner can read or write (Unix only).
    #[cfg(unix)]
    fn check_private(&self) -> Result<()> {
        use std::os::unix::fs::PermissionsExt;
        let metadata = fs::metadata(&self.path).map_err(|source| ModelError::Io {
            action: "inspect",
            path: self.path.clone(),
            source,
        })?;
        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(self.failure(format!(
                "{} has mode {mode:o}, so other users can read it; run `chmod 600` on it",
                self.path.display()
            )));
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn check_private(&self) -> Result<()> {
        Ok(())
    }

    fn failure(&self, message: String) -> ModelError {
        ModelError::CredentialStore {
            store: STORE_NAME,
            message,
        }
    }
}

impl SecretStore for CredentialsFile {
    fn name(&self) -> &'static str {
        STORE_NAME
    }

    fn get(&self, account: &str) -> Result<Option<String>> {
        let table = self.read()?;
        Ok(table
            .get(TABLE)
            .and_then(|keys| keys.get(account))
            .and_then(toml::Value::as_str)
            .map(str::to_owned))
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        let mut table = self.read()?;
        let keys = table
            .entry(TABLE)
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let Some(keys) = keys.as_table_mut() else {
            return Err(self.failure(format!(
                "`{TABLE}` in {} is not a table",
                self.path.display()
            )));
        };
        keys.insert(account.to_owned(), toml::Value::String(secret.to_owned()));
        self.write(&table)
    }

    fn delete(&self, account: &str) -> Result<bool> {
        let mut table = self.read()?;
        let removed = table
            .get_mut(TABLE)
            .and_then(toml::Value::as_table_mut)
            .and_then(|keys| keys.remove(account))
            .is_some();
        if removed {
            self.write(&table)?;
        }
        Ok(removed)
    }
}

/// A new file (truncating an old one) that only its owner can read and write.
#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    // `mode` applies only when the file is created; a leftover one is tightened too.
    file.set_permissions(fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

/// A new file (truncating an old one); its privacy is the directory's on this platform.
#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_the_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let store = CredentialsFile::in_config_dir(&dir.path().join("agent"));
        assert_eq!(store.get("openai").unwrap(), None);

        store.set("openai", "sk-one").unwrap();
        store.set("groq", "gsk-two").unwrap();
        assert_eq!(store.get("openai").unwrap().as_deref(), Some("sk-one"));
        assert_eq!(store.get("groq").unwrap().as_deref(), Some("gsk-two"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(store.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        assert!(store.delete("openai").unwrap());
        assert!(!store.delete("openai").unwrap());
        assert_eq!(store.get("openai").unwrap(), None);
        assert_eq!(store.get("groq").unwrap().as_deref(), Some("gsk-two"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CREDENTIALS_FILE_NAME);
        fs::write(&path, "[api_keys]\nopenai = \"sk-leaked\"\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        match CredentialsFile::new(&path).get("openai") {
            Err(ModelError::CredentialStore { message, .. }) => {
                assert!(message.contains("chmod 600"), "{message}");
                assert!(!message.contains("sk-leaked"));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_broken_file_is_reported_without_quoting_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CREDENTIALS_FILE_NAME);
        fs::write(&path, "[api_keys]\nopenai = sk-unquoted\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        match CredentialsFile::new(&path).get("openai") {
            Err(ModelError::CredentialStore { message, .. }) => {
                assert!(message.contains("not valid TOML"), "{message}");
                assert!(!message.contains("sk-unquoted"), "{message}");
            }
            other => panic!("expected a parse failure, got {other:?}"),
        }
    }
}
