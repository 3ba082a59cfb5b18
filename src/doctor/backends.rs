//! Doctor checks for models: the configured backend answers, and the default model is there and
//! readable.

use agent_core::config::{Backend, ResolvedConfig};
use agent_models::OpenAiBackend;

use super::Check;
use crate::app::App;
use crate::backend::{local_model_path, ollama_url, openai_api_key};
use crate::models::{reqwest_client, runtime};

/// Checks the configured backend, the OpenAI-compatible server when one is configured, and the
/// default model.
pub(super) fn check_backends(app: &App, resolved: &ResolvedConfig) -> Vec<Check> {
    let config = &resolved.config;
    let Ok(runtime) = runtime() else {
        return vec![Check::fail("backend", "cannot start the async runtime")];
    };
    let Ok(http) = reqwest_client() else {
        return vec![Check::fail("backend", "cannot build an HTTP client")];
    };
    let mut checks = Vec::new();
    let model = config.model.name.clone();
    match config.model.backend {
        Backend::Ollama => {
            let url = ollama_url(app, resolved, None);
            let client = match agent_models::OllamaClient::with_http_client(&url, http.clone()) {
                Ok(client) => client,
                Err(error) => return vec![Check::fail("ollama", error.to_string())],
            };
            match runtime.block_on(client.version()) {
                Ok(version) => {
                    checks.push(Check::pass("ollama", format!("Ollama {version} at {url}")))
                }
                Err(error) => {
                    checks.push(Check::fail(
                        "ollama",
                        format!(
                            "{error}; start it with `ollama serve`, or set ollama.url / OLLAMA_HOST"
                        ),
                    ));
                    return checks;
                }
            }
            if let Some(name) = &model {
                checks.push(match runtime.block_on(client.show(name)) {
                    Ok(info) => Check::pass(
                        "default model",
                        format!(
                            "{name}: {} context, tools {}",
                            info.context_length
                                .map_or("unknown".to_string(), |c| c.to_string()),
                            if info.supports_tools() { "yes" } else { "no" }
                        ),
                    ),
                    Err(error) => Check::fail(
                        "default model",
                        format!("{error}; `agent models pull {name}` fetches it"),
                    ),
                });
            }
        }
        Backend::OpenAi => {}
        Backend::Local => {
            if let Some(name) = &model {
                let found = local_model_path(app, name)
                    .map_err(|e| e.to_string())
                    .and_then(|path| {
                        agent_models::local::inspect(&path)
                            .map_err(|e| e.to_string())
                            .map(|info| (path, info))
                    });
                checks.push(match found {
                    Ok((path, info)) => Check::pass(
                        "default model",
                        format!(
                            "{} ({} {}, {} context)",
                            path.display(),
                            info.architecture.as_str(),
                            info.weight_type,
                            info.max_context_length
                        ),
                    ),
                    Err(error) => Check::fail("default model", error),
                });
            }
        }
    }
    if let Some(base) = config.openai.base_url.clone() {
        let key = openai_api_key(app, &config.openai.api_key_env)
            .ok()
            .flatten();
        let listed = OpenAiBackend::with_http_client(&base, key, http)
            .map_err(|e| e.to_string())
            .and_then(|backend| {
                runtime
                    .block_on(backend.list_models())
                    .map_err(|e| e.to_string())
            });
        checks.push(match listed {
            Ok(models) => {
                let mut check =
                    Check::pass("openai", format!("{} model(s) at {base}", models.len()));
                if config.model.backend == Backend::OpenAi
                    && let Some(name) = &model
                    && !models.iter().any(|m| &m.id == name)
                {
                    check = Check::fail(
                        "openai",
                        format!("{base} does not list the default model `{name}`"),
                    );
                }
                check
            }
            Err(error) => Check::fail("openai", error),
        });
    } else if config.model.backend == Backend::OpenAi {
        checks.push(Check::fail(
            "openai",
            "model.backend is openai but openai.base_url is not set",
        ));
    }
    if model.is_none() {
        checks.push(Check::warn(
            "default model",
            "none set; `agent models recommend` suggests one, then `agent config set model.name NAME`",
        ));
    }
    checks
}
