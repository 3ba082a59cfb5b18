//! The one error type of agent-models, and which failures a retry can fix.

use std::path::PathBuf;

/// Result with [`ModelError`].
pub type Result<T, E = ModelError> = std::result::Result<T, E>;

/// Everything a model backend can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The server did not answer (refused, timed out, DNS). A retry helps once it runs.
    #[error("cannot reach {backend} at {url}")]
    Unreachable {
        backend: &'static str,
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The backend does not have this model. Pulling or naming another model helps.
    #[error("model `{model}` not found on {backend}")]
    ModelNotFound {
        backend: &'static str,
        model: String,
    },

    /// The server answered with an error status. Retrying may help for 429/5xx.
    #[error("{backend} answered HTTP {status}: {message}")]
    Http {
        backend: &'static str,
        status: u16,
        message: String,
    },

    /// The server began answering, then reported a failure in the stream (the model runner died, a
    /// pull failed). Retrying may help when the cause was passing; the message says.
    #[error("{backend} failed while answering: {message}")]
    ServerFailed {
        backend: &'static str,
        message: String,
    },

    /// The server sent something that is not the documented protocol. Retrying rarely helps.
    #[error("{backend} sent a malformed reply: {message}")]
    Protocol {
        backend: &'static str,
        message: String,
    },

    /// The prompt does not fit the context window. A larger context or a shorter prompt helps.
    #[error(
        "the prompt needs {prompt_tokens} tokens but the context holds {context_length} (answer budget {reserved})"
    )]
    ContextOverflow {
        prompt_tokens: u32,
        context_length: u32,
        reserved: u32,
    },

    /// The OS keyring or the credentials file holds a key but cannot be read or written.
    /// Retrying does not help; fix the store or pass the key in the environment.
    #[error("cannot use the {store}: {message}")]
    CredentialStore {
        store: &'static str,
        message: String,
    },

    /// A model file cannot be read or is not a usable GGUF. Retrying does not help.
    #[error("cannot load model file {path}: {message}")]
    ModelFile { path: PathBuf, message: String },

    /// A file operation failed (downloads, the models directory).
    #[error("cannot {action} {path}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// No API key was found for a server that needs one.
    #[error("no API key for {backend}: set {env_var} or store one in the keyring")]
    MissingApiKey {
        backend: &'static str,
        env_var: String,
    },

    /// The inference engine failed while running (out of memory, a kernel error).
    #[error("inference failed: {0}")]
    Inference(String),

    /// A request option is invalid for this backend.
    #[error("{0}")]
    InvalidRequest(String),

    /// A guard in front of the backend (a budget) refused to send the request; nothing was sent.
    /// The caller that set the guard up knows the inner error's type (and so its details).
    #[error("{0}")]
    Refused(Box<dyn std::error::Error + Send + Sync>),
}

impl ModelError {
    /// What the user can do about this error, when there is something.
    pub fn hint(&self) -> Option<String> {
        match self {
            ModelError::Unreachable { backend, url, .. } => Some(match *backend {
                "ollama" => format!("start Ollama (`ollama serve`) or point agent elsewhere: --base-url, ollama.url or OLLAMA_HOST (tried {url})"),
                "openai" => format!("start the server or fix --base-url / openai.base_url (tried {url})"),
                _ => "check the address and your network, then run the same command again".to_string(),
            }),
            ModelError::ModelNotFound { .. } => Some(
                "`agent models list` shows the models you have; `agent models pull NAME` fetches one".into(),
            ),
            ModelError::Http { status, .. } if *status == 429 || *status >= 500 => {
                Some("the server is busy or failing; try again shortly".into())
            }
            ModelError::CredentialStore { .. } => Some(
                "set the API key in the environment instead, or fix the credentials store".into(),
            ),
            ModelError::ContextOverflow { .. } => Some(
                "raise the context (--context N or model.context_length) or shorten the prompt".into(),
            ),
            ModelError::ModelFile { .. } => {
                Some("download it again (`agent models pull`) or choose another model".into())
            }
            ModelError::MissingApiKey { env_var, .. } => Some(format!(
                "export {env_var}=... or store the key in the OS keyring"
            )),
            _ => None,
        }
    }

    /// True when the same call may succeed later without changes (server down, overloaded).
    pub fn is_retryable(&self) -> bool {
        match self {
            ModelError::Unreachable { .. } => true,
            ModelError::Http { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }
}
