//! The server's bearer token: made on first start (32 random bytes, hex) in a file only its
//! owner can read, and checked in constant time.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use subtle::ConstantTimeEq;

use crate::exit::UserError;

/// The token file in the data directory when `--token-file` is not given.
pub const DEFAULT_FILE: &str = "serve-token";

/// A token shorter than this is refused: it could be guessed.
const MIN_LENGTH: usize = 32;

/// The token clients must present as `Authorization: Bearer <token>`.
#[derive(Clone)]
pub struct Token {
    secret: String,
    /// The file it was read from (printed, never the token itself).
    pub path: PathBuf,
}

impl Token {
    /// Reads the token in `path`, creating the file (mode 0600) with a fresh token when it does
    /// not exist and `create` is true.
    pub fn load_or_create(path: &Path, create: bool) -> Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let secret = text.trim().to_string();
                if secret.len() < MIN_LENGTH || secret.chars().any(char::is_whitespace) {
                    return Err(UserError::usage(
                        format!(
                            "the token in {} is shorter than {MIN_LENGTH} characters or has spaces",
                            path.display()
                        ),
                        format!(
                            "put a longer token there, or remove the file and agent serve makes one: rm {}",
                            path.display()
                        ),
                    )
                    .into());
                }
                Ok(Self {
                    secret,
                    path: path.to_path_buf(),
                })
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && create => {
                let secret = fresh_secret()?;
                write_private(path, &secret)
                    .with_context(|| format!("cannot write the token file {}", path.display()))?;
                Ok(Self {
                    secret,
                    path: path.to_path_buf(),
                })
            }
            Err(error) => Err(anyhow::Error::new(error)
                .context(format!("cannot read the token file {}", path.display()))),
        }
    }

    /// Whether an `Authorization` header value carries this token.
    pub fn accepts(&self, authorization: &[u8]) -> bool {
        let Some(presented) = authorization.strip_prefix(b"Bearer ") else {
            return false;
        };
        // Equal lengths are compared byte by byte in constant time; the length itself is no
        // secret (every token agent makes has the same).
        presented.ct_eq(self.secret.as_bytes()).into()
    }

    /// The token itself, for a client of this machine.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// A short, non-reversible name of the token for rate limiting and logs.
    pub fn fingerprint(authorization: &[u8]) -> [u8; 8] {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(authorization);
        let mut short = [0u8; 8];
        short.copy_from_slice(&digest[..8]);
        short
    }
}

fn fresh_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| anyhow::anyhow!("no randomness: {error}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes `text` to a new file only its owner can read and write.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_token_is_private_long_and_accepted_only_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t");
        let token = Token::load_or_create(&path, true).unwrap();
        assert_eq!(token.secret().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let header = format!("Bearer {}", token.secret());
        assert!(token.accepts(header.as_bytes()));
        assert!(!token.accepts(&header.as_bytes()[..header.len() - 1]));
        assert!(!token.accepts(token.secret().as_bytes()));
        assert!(!token.accepts(b"Bearer "));
        // The same token on the next start.
        let again = Token::load_or_create(&path, true).unwrap();
        assert_eq!(again.secret(), token.secret());
    }

    #[test]
    fn a_short_token_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t");
        std::fs::write(&path, "short\n").unwrap();
        let error = Token::load_or_create(&path, true).err().unwrap();
        assert!(error.to_string().contains("shorter than 32"), "{error}");
        assert!(Token::load_or_create(&dir.path().join("none"), false).is_err());
    }
}
