//! The OS keyring as a [`SecretStore`], through keyring-core (the crate under keyring 4).
//!
//! On Linux the store is the Secret Service (GNOME Keyring, KWallet) over D-Bus, spoken by the
//! pure-Rust zbus store. A machine without a D-Bus session (a server, a container, CI) has no
//! keyring: the store is then *absent*, which is not an error — `get` finds nothing and the
//! next store (the credentials file) answers. The kernel keyutils store is deliberately not
//! used: its keys vanish at reboot (and the persistent keyring expires them after days), which
//! would lose an API key silently. Other platforms get no keyring in this build.
//!
//! Every call blocks (D-Bus round trips); async code uses `spawn_blocking`.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::api_key::SecretStore;
use crate::error::{ModelError, Result};

const STORE_NAME: &str = "OS keyring";

/// Secrets in the OS keyring under one service name (see [`super::KEYRING_SERVICE`]).
pub struct KeyringStore {
    service: String,
    /// The connected store, or why there is none on this machine.
    store: std::result::Result<Arc<CredentialStore>, String>,
}

impl std::fmt::Debug for KeyringStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyringStore")
            .field("service", &self.service)
            .field("available", &self.store.is_ok())
            .finish()
    }
}

impl KeyringStore {
    /// Connects to the platform's keyring for `service`; never fails (see [`Self::is_available`]).
    pub fn new(service: &str) -> Self {
        Self {
            service: service.to_owned(),
            store: connect(),
        }
    }

    /// True when this machine has a keyring this build can use.
    pub fn is_available(&self) -> bool {
        self.store.is_ok()
    }

    /// Why there is no keyring, when there is none.
    pub fn unavailable_reason(&self) -> Option<&str> {
        self.store.as_ref().err().map(String::as_str)
    }

    fn entry(&self, account: &str) -> Result<Option<Entry>> {
        let Ok(store) = &self.store else {
            return Ok(None);
        };
        Entry::new_in_store(store, &self.service, account)
            .map(Some)
            .map_err(failure)
    }
}

impl SecretStore for KeyringStore {
    fn name(&self) -> &'static str {
        STORE_NAME
    }

    fn get(&self, account: &str) -> Result<Option<String>> {
        let Some(entry) = self.entry(account)? else {
            return Ok(None);
        };
        match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(error) => Err(failure(error)),
        }
    }

    fn set(&self, account: &str, secret: &str) -> Result<()> {
        let Some(entry) = self.entry(account)? else {
            return Err(ModelError::CredentialStore {
                store: STORE_NAME,
                message: self.unavailable_reason().unwrap_or_default().to_owned(),
            });
        };
        entry.set_password(secret).map_err(failure)
    }

    fn delete(&self, account: &str) -> Result<bool> {
        let Some(entry) = self.entry(account)? else {
            return Ok(false);
        };
        match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring_core::Error::NoEntry) => Ok(false),
            Err(error) => Err(failure(error)),
        }
    }
}

#[cfg(target_os = "linux")]
fn connect() -> std::result::Result<Arc<CredentialStore>, String> {
    match zbus_secret_service_keyring_store::Store::new() {
        Ok(store) => Ok(store),
        Err(error) => Err(format!(
            "no Secret Service on this machine (is a D-Bus session running?): {}",
            describe(&error)
        )),
    }
}

#[cfg(not(target_os = "linux"))]
fn connect() -> std::result::Result<Arc<CredentialStore>, String> {
    Err("this build has no keyring support for this platform".to_owned())
}

fn failure(error: keyring_core::Error) -> ModelError {
    ModelError::CredentialStore {
        store: STORE_NAME,
        message: describe(&error),
    }
}

/// The error's message, never the secret bytes some variants carry.
fn describe(error: &keyring_core::Error) -> String {
    match error {
        keyring_core::Error::BadEncoding(_) => "the stored secret is not UTF-8".to_owned(),
        keyring_core::Error::BadDataFormat(_, cause) => {
            format!("the stored secret is not in the expected format: {cause}")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_without_a_keyring_finds_nothing_and_says_why_on_set() {
        let store = KeyringStore::new("agent-test");
        if store.is_available() {
            // A desktop with a keyring: the absent path cannot be exercised here.
            return;
        }
        assert_eq!(store.get("openai").unwrap(), None);
        assert!(!store.delete("openai").unwrap());
        match store.set("openai", "sk-x") {
            Err(ModelError::CredentialStore { store, message }) => {
                assert_eq!(store, STORE_NAME);
                assert!(!message.is_empty());
            }
            other => panic!("expected the keyring to be unavailable, got {other:?}"),
        }
    }
}
