//! The webhook secret: read once at start from `serve.webhook_secret_file` (the user's
//! configuration or `AGENT_SERVE_WEBHOOK_SECRET_FILE`, never a repository's), a private file.

use std::path::Path;

use anyhow::Result;

use crate::exit::UserError;

/// The secret GitHub signs deliveries with. Its `Debug` never shows it.
pub struct WebhookSecret(Vec<u8>);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

/// The shortest secret taken.
const MIN_LENGTH: usize = 16;

impl WebhookSecret {
    /// Reads the secret from `path`: its content less surrounding whitespace, at least 16
    /// characters, in a file only its owner may read.
    pub fn load(path: &Path) -> Result<Self> {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|error| {
            UserError::usage(
                format!("cannot read the webhook secret file {shown}: {error}"),
                "write the secret you gave GitHub into it (one line), or unset serve.webhook_secret_file",
            )
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)?.permissions().mode();
            if mode & 0o077 != 0 {
                return Err(UserError::usage(
                    format!(
                        "the webhook secret file {shown} can be read by others (mode {:o})",
                        mode & 0o777
                    ),
                    format!("chmod 600 {shown}"),
                )
                .into());
            }
        }
        let secret = text.trim();
        if secret.chars().count() < MIN_LENGTH {
            return Err(UserError::usage(
                format!("the webhook secret in {shown} is shorter than {MIN_LENGTH} characters"),
                "make a long random one, e.g. `openssl rand -hex 32`, and give GitHub the same",
            )
            .into());
        }
        Ok(Self(secret.as_bytes().to_vec()))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}
