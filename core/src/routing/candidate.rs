//! A candidate model as configured: `backend:model` (`openai:gpt-4o-mini`,
//! `ollama:qwen2.5-coder:7b`, `local:/models/x.gguf`) or a bare name served by the configured
//! backend.

use crate::config::keys::BACKENDS;

/// Splits a `backend:` prefix off `name` when it names a known backend; a bare name (Ollama's
/// `qwen2.5-coder:7b` included) has none.
pub fn split_backend(name: &str) -> (Option<&'static str>, &str) {
    if let Some((prefix, rest)) = name.split_once(':')
        && !rest.is_empty()
        && let Some(backend) = BACKENDS.iter().find(|backend| **backend == prefix)
    {
        return (Some(backend), rest);
    }
    (None, name)
}

/// A candidate with the backend and model its calls are recorded under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// As configured; what the model resolver is asked for.
    pub spec: String,
    pub backend: String,
    pub model: String,
}

impl Candidate {
    /// `spec` as a candidate; a bare name runs on `default_backend`.
    pub fn parse(spec: &str, default_backend: &str) -> Self {
        let spec = spec.trim();
        let (backend, model) = split_backend(spec);
        Candidate {
            spec: spec.to_string(),
            backend: backend.unwrap_or(default_backend).to_string(),
            model: model.to_string(),
        }
    }

    /// Whether both name the same model on the same backend.
    pub fn same_model(&self, other: &Candidate) -> bool {
        self.backend == other.backend && self.model == other.model
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_backend_prefix_is_split_and_a_tag_is_not() {
        assert_eq!(
            split_backend("openai:gpt-4o-mini"),
            (Some("openai"), "gpt-4o-mini")
        );
        assert_eq!(
            split_backend("ollama:qwen2.5-coder:7b"),
            (Some("ollama"), "qwen2.5-coder:7b")
        );
        assert_eq!(
            split_backend("qwen2.5-coder:7b"),
            (None, "qwen2.5-coder:7b")
        );
        assert_eq!(split_backend("openai:"), (None, "openai:"));
        let bare = Candidate::parse(" tiny ", "openai");
        assert_eq!(
            (bare.backend.as_str(), bare.model.as_str()),
            ("openai", "tiny")
        );
        assert!(bare.same_model(&Candidate::parse("openai:tiny", "ollama")));
        assert!(!bare.same_model(&Candidate::parse("ollama:tiny", "openai")));
    }
}
