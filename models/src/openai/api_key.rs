//! Finding the API key of an OpenAI-compatible server: the environment variable's value first,
//! then secret stores in order (the OS keyring, then a private credentials file).
//!
//! The key is only ever held in an [`ApiKey`], whose `Debug` prints `ApiKey(***)`; it is sent
//! as a sensitive bearer header and never logged or written anywhere but the store it came from.
//! Stores sit behind the small [`SecretStore`] trait so tests and other fronts can pass their own.

use std::fmt;

use crate::error::Result;

/// The keyring service name under which `agent` keeps its keys.
pub const KEYRING_SERVICE: &str = "agent";

/// A secret key. Prints as `ApiKey(***)`; [`ApiKey::expose`] gives the text to send.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself, for the request header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The key as a `String` (for [`super::OpenAiBackend::new`]).
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// A place secrets are kept, by account name (`openai`, a profile name, a server's host).
///
/// Implementations may block (the OS keyring talks over D-Bus); async code calls them from
/// `tokio::task::spawn_blocking`.
pub trait SecretStore: Send + Sync {
    /// The store's name in messages: `OS keyring`, `credentials file`.
    fn name(&self) -> &'static str;

    /// The secret of `account`. `Ok(None)` when none is stored, or when the store does not exist
    /// on this machine (no keyring service, no file): a missing store is not an error.
    fn get(&self, account: &str) -> Result<Option<String>>;

    /// Stores `secret` for `account`, replacing any before it.
    fn set(&self, account: &str, secret: &str) -> Result<()>;

    /// Removes the secret of `account`; `false` when there was none.
    fn delete(&self, account: &str) -> Result<bool>;
}

/// Where a resolved key came from (for `agent doctor`; never the key itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeySource {
    /// The environment variable the caller read.
    Environment,
    /// The secret store of this name.
    Store(&'static str),
}

/// A key and where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedApiKey {
    pub key: ApiKey,
    pub source: ApiKeySource,
}

/// The key for `account`: `env_value` (the environment variable's value, read by the caller)
/// when it is set and not blank, else the first store that has one.
///
/// A store that fails is passed over so a later one can still answer; when none has a key, the
/// first failure is returned (so "the keyring is locked" is not reported as "no key"). No key
/// and no failure is `Ok(None)`: local servers need none; the caller decides whether that is an
/// error ([`crate::ModelError::MissingApiKey`]).
pub fn resolve_api_key(
    env_value: Option<&str>,
    account: &str,
    stores: &[&dyn SecretStore],
) -> Result<Option<ResolvedApiKey>> {
    if let Some(key) = env_value.map(str::trim).filter(|key| !key.is_empty()) {
        return Ok(Some(ResolvedApiKey {
            key: ApiKey::new(key),
            source: ApiKeySource::Environment,
        }));
    }
    let mut first_failure = None;
    for store in stores {
        match store.get(account) {
            Ok(Some(key)) if !key.trim().is_empty() => {
                return Ok(Some(ResolvedApiKey {
                    key: ApiKey::new(key.trim()),
                    source: ApiKeySource::Store(store.name()),
                }));
            }
            Ok(_) => {}
            Err(error) => {
                first_failure.get_or_insert(error);
            }
        }
    }
    match first_failure {
        Some(error) => Err(error),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;
    use crate::error::ModelError;

    /// A store in memory, or one that always fails.
    struct FakeStore {
        name: &'static str,
        secrets: Mutex<HashMap<String, String>>,
        broken: bool,
    }

    impl FakeStore {
        fn with(name: &'static str, pairs: &[(&str, &str)]) -> Self {
            let secrets = pairs
                .iter()
                .map(|(account, secret)| (account.to_string(), secret.to_string()))
                .collect();
            Self {
                name,
                secrets: Mutex::new(secrets),
                broken: false,
            }
        }

        fn broken(name: &'static str) -> Self {
            Self {
                broken: true,
                ..Self::with(name, &[])
            }
        }

        fn failure(&self) -> ModelError {
            ModelError::CredentialStore {
                store: self.name,
                message: "locked".into(),
            }
        }
    }

    #[allow(clippy::unwrap_used)]
    impl SecretStore for FakeStore {
        fn name(&self) -> &'static str {
            self.name
        }
        fn get(&self, account: &str) -> Result<Option<String>> {
            if self.broken {
                return Err(self.failure());
            }
            Ok(self.secrets.lock().unwrap().get(account).cloned())
        }
        fn set(&self, account: &str, secret: &str) -> Result<()> {
            self.secrets
                .lock()
                .unwrap()
                .insert(account.into(), secret.into());
            Ok(())
        }
        fn delete(&self, account: &str) -> Result<bool> {
            Ok(self.secrets.lock().unwrap().remove(account).is_some())
        }
    }

    #[test]
    fn the_environment_wins_over_every_store() {
        let keyring = FakeStore::with("OS keyring", &[("openai", "from-keyring")]);
        let found = resolve_api_key(Some(" sk-env "), "openai", &[&keyring]).unwrap();
        let found = found.unwrap();
        assert_eq!(found.key.expose(), "sk-env");
        assert_eq!(found.source, ApiKeySource::Environment);
    }

    #[test]
    fn a_blank_environment_value_falls_through_to_the_stores_in_order() {
        let keyring = FakeStore::with("OS keyring", &[("other", "x")]);
        let file = FakeStore::with("credentials file", &[("openai", "sk-file")]);
        let found = resolve_api_key(Some("  "), "openai", &[&keyring, &file])
            .unwrap()
            .unwrap();
        assert_eq!(found.key.expose(), "sk-file");
        assert_eq!(found.source, ApiKeySource::Store("credentials file"));
    }

    #[test]
    fn a_failing_store_is_passed_over_but_reported_when_nothing_is_found() {
        let broken = FakeStore::broken("OS keyring");
        let file = FakeStore::with("credentials file", &[("openai", "sk-file")]);
        let found = resolve_api_key(None, "openai", &[&broken, &file]).unwrap();
        assert_eq!(
            found.unwrap().source,
            ApiKeySource::Store("credentials file")
        );

        let empty = FakeStore::with("credentials file", &[]);
        match resolve_api_key(None, "openai", &[&broken, &empty]) {
            Err(ModelError::CredentialStore { store, .. }) => assert_eq!(store, "OS keyring"),
            other => panic!("expected the keyring's failure, got {other:?}"),
        }
        assert_eq!(resolve_api_key(None, "openai", &[&empty]).unwrap(), None);
    }

    #[test]
    fn a_key_never_prints() {
        let key = ApiKey::new("sk-secret");
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        let resolved = ResolvedApiKey {
            key,
            source: ApiKeySource::Environment,
        };
        assert!(!format!("{resolved:?}").contains("sk-secret"));
    }
}
