//! An Ollama server that runs, asked briefly (a machine without one must not wait), and the best
//! of its models that fits: coder models first, then the largest, with the longest context up to
//! the one wanted that fits memory.

use std::time::Duration;

use agent_models::fit::{MIN_CONTEXT, ModelShape, fit_context};
use agent_models::ollama::LocalModel;
use agent_models::recommend::Budget;
use agent_models::{ModelError, OllamaClient};

/// How long connecting to Ollama may take: it runs on this machine or the local network.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(750);
/// How long one answer (the model list, one model's details) may take.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);

/// What Ollama said when asked for its models.
pub enum Listing {
    Models(Vec<LocalModel>),
    /// It did not answer: the error, in one line.
    Down(String),
}

/// A model Ollama has that fits.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub name: String,
    pub context: u32,
    pub coder: bool,
    /// Models ranked above it that do not fit.
    pub too_big: usize,
}

/// A client of the server at `url` with short timeouts.
pub fn quick_client(url: &str) -> anyhow::Result<OllamaClient> {
    let http = reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(ANSWER_TIMEOUT)
        .user_agent(concat!("agent/", env!("CARGO_PKG_VERSION")))
        .build()?;
    Ok(OllamaClient::with_http_client(url, http)?)
}

/// The models of the server `client` talks to, or why it did not answer.
pub async fn list(client: &OllamaClient) -> Listing {
    match client.list().await {
        Ok(models) => Listing::Models(models),
        Err(ModelError::Unreachable { .. }) => Listing::Down("it does not answer".into()),
        Err(error) => Listing::Down(error.to_string()),
    }
}

/// Whether a model's name says it was trained for code.
pub fn is_coder(name: &str) -> bool {
    let name = name.to_lowercase();
    ["coder", "code", "devstral", "codestral"]
        .iter()
        .any(|word| name.contains(word))
}

/// The best model of `models` for `budget`: coder models first, then larger before smaller;
/// the first whose weights, KV cache and headroom fit with a context of at most `wanted`
/// tokens (and at least [`MIN_CONTEXT`]). Asks `/api/show` only of models whose weights fit.
pub async fn best_fit(
    client: &OllamaClient,
    models: &[LocalModel],
    budget: &Budget,
    wanted: u32,
) -> Option<Fitted> {
    let mut ranked: Vec<&LocalModel> = models
        .iter()
        .filter(|model| !looks_like_embedding(model))
        .collect();
    ranked.sort_by(|a, b| {
        is_coder(&b.name)
            .cmp(&is_coder(&a.name))
            .then(b.size.cmp(&a.size))
            .then(a.name.cmp(&b.name))
    });
    let mut too_big = 0;
    for model in ranked {
        let rough = ModelShape {
            weight_bytes: model.size,
            kv_bytes_per_token: None,
            max_context: None,
        };
        if rough.total_bytes(MIN_CONTEXT.min(wanted)) > budget.usable_bytes {
            too_big += 1;
            continue;
        }
        let info = client.show(&model.name).await.ok();
        if info.as_ref().is_some_and(|info| !info.can_complete()) {
            continue;
        }
        let shape = ModelShape {
            weight_bytes: model.size,
            kv_bytes_per_token: info.as_ref().and_then(|info| info.kv_bytes_per_token),
            max_context: info.as_ref().and_then(|info| info.context_length),
        };
        match fit_context(budget, &shape, wanted) {
            Some(context) => {
                return Some(Fitted {
                    name: model.name.clone(),
                    context,
                    coder: is_coder(&model.name),
                    too_big,
                });
            }
            None => too_big += 1,
        }
    }
    None
}

/// Embedding models (BERT families, `*embed*` names) write no text.
fn looks_like_embedding(model: &LocalModel) -> bool {
    model.name.to_lowercase().contains("embed")
        || model
            .family
            .as_deref()
            .is_some_and(|family| family.contains("bert"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coder_models_are_recognised_by_name() {
        for name in [
            "qwen2.5-coder:7b",
            "deepseek-coder-v2",
            "codellama:13b",
            "devstral",
        ] {
            assert!(is_coder(name), "{name}");
        }
        for name in ["llama3.2:3b", "qwen3:8b", "mistral"] {
            assert!(!is_coder(name), "{name}");
        }
    }
}
