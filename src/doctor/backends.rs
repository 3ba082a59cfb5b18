//! Doctor checks for models: the configured backend answers, the default model is there and
//! readable, the context it runs with and how it calls tools; without a default model, what the
//! first run would choose. Ends with the one next step to take.

use agent_core::config::{Backend, ResolvedConfig};
use agent_models::OpenAiBackend;

use super::Check;
use crate::app::App;
use crate::backend::{is_set, local_context, local_model_path, ollama_url, openai_api_key};
use crate::models::{reqwest_client, runtime};

/// The model checks, and the next step they lead to when nothing failed.
pub(super) struct ModelReport {
    pub checks: Vec<Check>,
    pub next: String,
}

/// Checks the configured backend, the OpenAI-compatible server when one is configured, and the
/// default model; without one, says what the first run would choose.
pub(super) fn check_models(app: &App, resolved: &ResolvedConfig) -> ModelReport {
    let mut checks = check_backends(app, resolved);
    let config = &resolved.config;
    let next = match &config.model.name {
        Some(name) => {
            checks.extend(context_and_tools(app, resolved, name));
            "run `agent` in a repository to chat, or `agent task run \"…\"` for a task".to_string()
        }
        None => {
            let (check, next) = first_run(app, resolved);
            checks.push(check);
            next
        }
    };
    ModelReport { checks, next }
}

/// What the first run would choose, as a check and the next step.
fn first_run(app: &App, resolved: &ResolvedConfig) -> (Check, String) {
    use crate::firstrun::{Plan, Scope};
    let scope = match is_set(resolved, "model.backend").then_some(resolved.config.model.backend) {
        None => Scope::Anywhere,
        Some(Backend::Ollama) => Scope::OnlyOllama,
        Some(Backend::Local) => Scope::OnlyLocal,
        Some(Backend::OpenAi) => {
            return (
                Check::warn("default model", "none set for the openai backend"),
                "choose the server's model: agent models use NAME --backend openai".into(),
            );
        }
    };
    let url = ollama_url(app, resolved, None);
    let wanted = resolved.config.model.context_length;
    match crate::firstrun::plan(app, &url, scope, wanted) {
        Ok(Plan::Use(choice)) => (
            Check::warn(
                "default model",
                format!(
                    "none set; the first model-using command will choose {}",
                    choice.description
                ),
            ),
            format!(
                "run `agent` in a repository: it will use {} and save the choice",
                choice.model
            ),
        ),
        Ok(Plan::Download {
            candidate,
            situation,
        }) => (
            Check::warn(
                "default model",
                format!("none set, and none to use here: {situation}"),
            ),
            format!(
                "{} (downloads {}:{} {}, {})",
                Plan::pull_command(&candidate),
                candidate.family,
                candidate.size,
                candidate.quantization,
                crate::models::machine::gib(candidate.weight_bytes)
            ),
        ),
        Ok(Plan::NothingFits { situation }) => (
            Check::warn(
                "default model",
                format!("none set: {situation}; no known model fits this machine"),
            ),
            "use a remote model: agent config set openai.base_url URL, then agent models use NAME --backend openai".into(),
        ),
        Err(error) => {
            let hint = error
                .downcast_ref::<crate::exit::UserError>()
                .and_then(|user| user.hint.clone())
                .unwrap_or_else(|| "agent models use NAME".into());
            (
                Check::warn("default model", format!("none set: {error}")),
                hint,
            )
        }
    }
}

/// The context the default model runs with and how it calls tools (its check, if it ran).
fn context_and_tools(app: &App, resolved: &ResolvedConfig, name: &str) -> Vec<Check> {
    let config = &resolved.config;
    let mut checks = Vec::new();
    let (backend, model, context) = match config.model.backend {
        Backend::Local => match local_model_path(app, name) {
            Ok(path) => {
                let explicit = is_set(resolved, "model.context_length");
                let context = local_context(&path, config.model.context_length, explicit);
                (
                    "local",
                    path.display().to_string(),
                    format!(
                        "{context} tokens{}",
                        if explicit { "" } else { " (fitted to memory)" }
                    ),
                )
            }
            Err(_) => return checks,
        },
        other => (
            other.as_str(),
            name.to_string(),
            format!(
                "{} tokens (model.context_length)",
                config.model.context_length
            ),
        ),
    };
    checks.push(Check::pass("context", context));
    let stored = app
        .open_store(resolved)
        .ok()
        .and_then(|store| store.tool_check(backend, &model).ok().flatten());
    checks.push(match stored {
        None => Check::pass(
            "tool calls",
            "not checked yet: checked before the first task",
        ),
        Some(record) if record.format == "none" => Check::warn(
            "tool calls",
            format!(
                "none: {} cannot run tasks ({}); chat and ask still work",
                name, record.detail
            ),
        ),
        Some(record) => Check::pass(
            "tool calls",
            format!("{} ({})", record.format, record.detail),
        ),
    });
    checks
}

/// Checks the configured backend, the OpenAI-compatible server when one is configured, and the
/// default model.
fn check_backends(app: &App, resolved: &ResolvedConfig) -> Vec<Check> {
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
                // Without a default model Ollama is one option among others: not a failure.
                Err(error) if model.is_none() => {
                    checks.push(Check::warn(
                        "ollama",
                        format!(
                            "{error}; agent runs GGUF models in-process without it (or start it with `ollama serve`)"
                        ),
                    ));
                    return checks;
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
    checks
}
