//! The OpenAI-compatible backend: streamed chat completions (server-sent events), the model
//! list, and where the API key comes from.
//!
//! The wire shapes are OpenAI's Chat Completions API (streamed). Server-sent events are framed by
//! the `eventsource-stream` crate (the HTML spec's parser: multi-line `data:`, comments, CRLF,
//! a byte-order mark), so this module only reads JSON chunks.

mod api_key;
mod chat;
mod credentials_file;
#[cfg(feature = "keyring")]
mod keyring_store;
mod tool_calls;
mod wire;

use std::path::Path;

pub use api_key::{
    ApiKey, ApiKeySource, KEYRING_SERVICE, ResolvedApiKey, SecretStore, resolve_api_key,
};
pub use chat::{OpenAiBackend, OpenAiModel};
pub use credentials_file::{CREDENTIALS_FILE_NAME, CredentialsFile};
#[cfg(feature = "keyring")]
pub use keyring_store::KeyringStore;

/// The backend's name in errors and `--backend`.
const BACKEND: &str = "openai";

/// The stores [`resolve_api_key`] should ask, in order: the OS keyring (with the `keyring`
/// feature; absent on machines without one), then `<config_dir>/credentials.toml`.
///
/// ```
/// use agent_models::openai::{resolve_api_key, secret_stores, ApiKeySource, SecretStore};
/// let stores = secret_stores(std::path::Path::new("/home/me/.config/agent"));
/// let stores: Vec<&dyn SecretStore> = stores.iter().map(Box::as_ref).collect();
/// // The binary passes the environment variable's value; a set one wins without a lookup.
/// let key = resolve_api_key(Some("sk-from-env"), "openai", &stores).unwrap().unwrap();
/// assert_eq!(key.source, ApiKeySource::Environment);
/// ```
pub fn secret_stores(config_dir: &Path) -> Vec<Box<dyn SecretStore>> {
    vec![
        #[cfg(feature = "keyring")]
        Box::new(KeyringStore::new(KEYRING_SERVICE)),
        Box::new(CredentialsFile::in_config_dir(config_dir)),
    ]
}
