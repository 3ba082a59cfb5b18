//! Picking the backend, server and model for a model-using command (`ask`, later `task run` and
//! `chat`): flags first, then configuration, then the backends' own conventions (OLLAMA_HOST).

use std::path::PathBuf;

use agent_core::budget::BudgetGuard;
use agent_core::config::{Backend, Origin, ResolvedConfig};
use agent_core::env::{OLLAMA_HOST, OLLAMA_MODELS};
use agent_models::local::PrefixStore;
use agent_models::ollama::base_url_from_host;
use agent_models::openai::{SecretStore, resolve_api_key, secret_stores};
use agent_models::{ChatBackend, OllamaBackend, OllamaClient, OpenAiBackend, SamplingOptions};
use anyhow::Result;

use crate::app::App;
use crate::cli::{BackendArg, BackendArgs};
use crate::exit::UserError;
use crate::firstrun::Scope;
use crate::models::reqwest_client;

/// A backend ready to serve one model.
pub struct Selected {
    pub backend: Box<dyn ChatBackend>,
    /// `ollama`, `openai` or `local`.
    pub backend_name: &'static str,
    /// Where the model runs: a server URL, or the GGUF file.
    pub endpoint: String,
    /// The model as the backend names it (for local: the GGUF path).
    pub model: String,
    pub options: SamplingOptions,
    pub context_length: u32,
}

impl Selected {
    /// The selection as the model a task role or a chat session talks to.
    pub fn into_target(self) -> agent_core::task::ModelTarget {
        agent_core::task::ModelTarget {
            backend: std::sync::Arc::from(self.backend),
            backend_name: self.backend_name.to_string(),
            model: self.model,
            options: self.options,
            context_length: Some(self.context_length),
            cache: agent_core::cache::CachePolicy::off(),
        }
    }
}

/// Resolves flags and configuration into a backend and model. Without a model named anywhere,
/// the first run chooses one ([`crate::firstrun`]; the download offer only when `interactive`
/// and on a terminal) and saves it. The backend is behind the day's and the month's budgets
/// ([`BudgetGuard`]): every model request of this binary goes through here, so none is sent
/// once a budget is spent.
pub fn select(
    app: &App,
    resolved: &ResolvedConfig,
    args: &BackendArgs,
    interactive: bool,
) -> Result<Selected> {
    let selected = select_unguarded(app, resolved, args, interactive)?;
    Ok(Selected {
        backend: Box::new(BudgetGuard::new(
            std::sync::Arc::from(selected.backend),
            selected.backend_name,
            resolved.config.budget,
            resolved.config.prices.clone(),
            app.paths.database_file(),
            App::store_options(resolved),
        )),
        ..selected
    })
}

fn select_unguarded(
    app: &App,
    resolved: &ResolvedConfig,
    args: &BackendArgs,
    interactive: bool,
) -> Result<Selected> {
    let config = &resolved.config;
    let model = args
        .model
        .clone()
        .or_else(|| config.model.name.clone())
        .filter(|m| !m.trim().is_empty());
    let Some(model) = model else {
        return select_first_model(app, resolved, args, interactive);
    };
    let names_a_gguf = model.ends_with(".gguf") || app.cwd.join(&model).is_file();
    let backend = match (args.backend, names_a_gguf) {
        (Some(BackendArg::Local), _) | (None, true) => Backend::Local,
        (Some(BackendArg::Ollama), false) => Backend::Ollama,
        (Some(BackendArg::Openai), false) => Backend::OpenAi,
        (Some(other), true) => {
            return Err(UserError::usage(
                format!("--model names a .gguf file, which runs in-process, but --backend is {other:?}"),
                "drop --backend (a .gguf path implies --backend local), or name a model the server knows",
            )
            .into());
        }
        (None, false) => config.model.backend,
    };
    let options = SamplingOptions {
        temperature: args.temperature,
        seed: args.seed,
        max_tokens: args.max_tokens,
        ..SamplingOptions::default()
    };
    let context_length = args.context.unwrap_or(config.model.context_length);
    match backend {
        Backend::Ollama => {
            let url = ollama_url(app, resolved, args.base_url.as_deref());
            let client = OllamaClient::with_http_client(&url, reqwest_client()?)?;
            Ok(Selected {
                backend: Box::new(OllamaBackend::new(client, context_length)),
                backend_name: "ollama",
                endpoint: url,
                model,
                options,
                context_length,
            })
        }
        Backend::OpenAi => {
            let url = args
                .base_url
                .clone()
                .or_else(|| config.openai.base_url.clone())
                .ok_or_else(|| {
                    UserError::usage(
                        "no OpenAI-compatible server configured",
                        "pass --base-url http://host:port/v1 or run: agent config set openai.base_url URL",
                    )
                })?;
            let api_key = openai_api_key(app, &config.openai.api_key_env)?;
            Ok(Selected {
                backend: Box::new(OpenAiBackend::with_http_client(
                    &url,
                    api_key,
                    reqwest_client()?,
                )?),
                backend_name: "openai",
                endpoint: url,
                model,
                options,
                context_length,
            })
        }
        Backend::Local => {
            let path = local_model_path(app, &model)?;
            let explicit = args.context.is_some() || is_set(resolved, "model.context_length");
            let context_length = local_context(&path, context_length, explicit);
            let mut backend = local_backend(app);
            if config.cache.prefill {
                backend = backend.with_prefix_store(PrefixStore::new(
                    app.paths.data_dir.join("prefill"),
                    config.cache.prefill_max_mb.saturating_mul(1024 * 1024),
                ));
            }
            Ok(Selected {
                backend: Box::new(backend),
                backend_name: "local",
                endpoint: path.display().to_string(),
                model: path.display().to_string(),
                options,
                context_length,
            })
        }
    }
}

/// The fallback model of `fallback.*` (`None` when `fallback.backend` is `none`), selected like
/// any model but never by a first run. An OpenAI-compatible fallback is a cloud model whose window
/// agent does not know: its context is left to the server.
pub fn select_fallback(
    app: &App,
    resolved: &ResolvedConfig,
) -> Result<Option<agent_core::task::ModelTarget>> {
    let fallback = &resolved.config.fallback;
    let Some(backend) = fallback.backend else {
        return Ok(None);
    };
    let model = fallback.model.clone().ok_or_else(|| {
        UserError::usage(
            "fallback.backend is set but fallback.model is not",
            "name the fallback's model: agent config set fallback.model NAME (or turn it off: agent config set fallback.backend none)",
        )
    })?;
    let args = BackendArgs {
        backend: Some(match backend {
            Backend::Ollama => BackendArg::Ollama,
            Backend::OpenAi => BackendArg::Openai,
            Backend::Local => BackendArg::Local,
        }),
        base_url: fallback.base_url.clone(),
        model: Some(model),
        ..BackendArgs::default()
    };
    let mut target = select(app, resolved, &args, false)?.into_target();
    if backend == Backend::OpenAi {
        target.context_length = None;
    }
    Ok(Some(target))
}

/// No model named by a flag or the configuration: the first run chooses one among what the
/// backend the user named (if any) can run, saves it, and it is selected like a configured one.
fn select_first_model(
    app: &App,
    resolved: &ResolvedConfig,
    args: &BackendArgs,
    interactive: bool,
) -> Result<Selected> {
    let named = match args.backend {
        Some(BackendArg::Ollama) => Some(Backend::Ollama),
        Some(BackendArg::Openai) => Some(Backend::OpenAi),
        Some(BackendArg::Local) => Some(Backend::Local),
        None => is_set(resolved, "model.backend").then_some(resolved.config.model.backend),
    };
    let scope = match named {
        None => Scope::Anywhere,
        Some(Backend::Ollama) => Scope::OnlyOllama,
        Some(Backend::Local) => Scope::OnlyLocal,
        Some(Backend::OpenAi) => {
            return Err(UserError::usage(
                "no model chosen for the openai backend",
                "pass --model NAME or choose one: agent models use NAME --backend openai",
            )
            .into());
        }
    };
    let url = ollama_url(app, resolved, args.base_url.as_deref());
    let wanted = args.context.unwrap_or(resolved.config.model.context_length);
    let choice = crate::firstrun::resolve(app, resolved, &url, scope, wanted, interactive)?;
    let chosen = BackendArgs {
        backend: Some(match choice.backend {
            Backend::Ollama => BackendArg::Ollama,
            Backend::OpenAi => BackendArg::Openai,
            Backend::Local => BackendArg::Local,
        }),
        model: Some(choice.model),
        context: Some(choice.context),
        ..args.clone()
    };
    select_unguarded(app, resolved, &chosen, interactive)
}

/// Whether `key` is set anywhere but its default (a file, the environment, a flag).
pub fn is_set(resolved: &ResolvedConfig, key: &str) -> bool {
    resolved
        .entry(key)
        .is_some_and(|entry| !matches!(entry.origin, Origin::Default))
}

/// The context an in-process model runs with when `requested` tokens are asked for: at most
/// what the engine runs for the file, and, when the user did not ask for a context (`explicit`),
/// the longest that fits memory. Lowering a context the user asked for is said on stderr.
pub fn local_context(path: &std::path::Path, requested: u32, explicit: bool) -> u32 {
    let Ok(info) = agent_models::local::inspect(path) else {
        // An unreadable file fails with its own error when it is loaded.
        return requested;
    };
    let context = requested.min(info.max_context_length.max(1));
    if explicit {
        if context < requested {
            crate::output::note(&format!(
                "note: the context is {context} tokens, not {requested}: the in-process engine runs this {} model with at most {context}",
                info.architecture
            ));
        }
        return context;
    }
    let shape = agent_models::fit::ModelShape {
        weight_bytes: info.file_size,
        kv_bytes_per_token: info.kv_bytes_per_token,
        max_context: Some(info.max_context_length),
    };
    let budget = crate::firstrun::budgets(false).in_process;
    agent_models::fit::fit_context(&budget, &shape, context).unwrap_or(context)
}

/// Ollama's address: `--base-url`, else `ollama.url` when set anywhere but the default, else
/// `OLLAMA_HOST` as Ollama's own CLI reads it, else the default.
pub fn ollama_url(app: &App, resolved: &ResolvedConfig, flag: Option<&str>) -> String {
    if let Some(url) = flag {
        return url.trim_end_matches('/').to_string();
    }
    let configured = is_set(resolved, "ollama.url");
    match app.env.get(OLLAMA_HOST).filter(|h| !h.trim().is_empty()) {
        Some(host) if !configured => base_url_from_host(Some(host)),
        _ => resolved.config.ollama.url.trim_end_matches('/').to_string(),
    }
}

/// The API key for an OpenAI-compatible server: the configured environment variable, else the
/// OS keyring, else the user's credentials file. `None` is fine for local servers.
pub fn openai_api_key(app: &App, env_var: &str) -> Result<Option<String>> {
    let stores = secret_stores(&app.paths.config_dir);
    let stores: Vec<&dyn SecretStore> = stores.iter().map(Box::as_ref).collect();
    let resolved = resolve_api_key(app.env.get(env_var), "openai", &stores)?;
    Ok(resolved.map(|key| key.key.into_string()))
}

/// The in-process backend, able to load Ollama's pulled blobs.
pub fn local_backend(app: &App) -> agent_models::local::LocalBackend {
    agent_models::local::LocalBackend::new().with_ollama_models(ollama_models_dir(app))
}

/// Where Ollama keeps pulled models: `OLLAMA_MODELS`, else `~/.ollama/models`.
pub fn ollama_models_dir(app: &App) -> PathBuf {
    app.env
        .path(OLLAMA_MODELS)
        .or_else(|| app.env.path("HOME").map(|home| home.join(".ollama/models")))
        .unwrap_or_else(|| PathBuf::from(".ollama/models"))
}

/// A GGUF for the in-process backend: a path (relative to the working directory), a file in the
/// models directory (with or without `.gguf`), or an Ollama model name whose blob is on disk.
pub fn local_model_path(app: &App, model: &str) -> Result<PathBuf> {
    let as_path = app.cwd.join(model);
    if as_path.is_file() {
        return Ok(as_path);
    }
    let models_dir = app.paths.models_dir();
    for candidate in [
        models_dir.join(model),
        models_dir.join(format!("{model}.gguf")),
    ] {
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    if model.ends_with(".gguf") || model.contains(std::path::MAIN_SEPARATOR) {
        return Err(agent_models::ModelError::ModelNotFound {
            backend: "local",
            model: format!(
                "{model} (no such file; models directory {})",
                models_dir.display()
            ),
        }
        .into());
    }
    Ok(local_backend(app).resolve(model)?)
}

/// A "model not found" error from `backend_name` at `endpoint`, with a hint naming the closest
/// models the backend has.
pub fn explain_missing_model(
    app: &App,
    store: &agent_core::store::Store,
    backend_name: &str,
    endpoint: &str,
    model: &str,
    message: String,
) -> UserError {
    let mut names: Vec<String> = store
        .registry(Some(backend_name))
        .map(|entries| entries.into_iter().map(|e| e.name).collect())
        .unwrap_or_default();
    if backend_name == "ollama"
        && let Ok(client) = OllamaClient::new(endpoint)
        && let Ok(runtime) = crate::models::runtime()
        && let Ok(models) = runtime.block_on(client.list())
    {
        names.extend(models.into_iter().map(|m| m.name));
    }
    if backend_name == "local"
        && let Ok(dir) = std::fs::read_dir(app.paths.models_dir())
    {
        names.extend(
            dir.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned()),
        );
    }
    let close = agent_models::names::closest_names(model, names.iter().map(String::as_str), 3);
    let hint = if close.is_empty() {
        "`agent models list` shows the models you have; `agent models pull NAME` fetches one"
            .to_string()
    } else {
        format!(
            "did you mean {}? `agent models list` shows them all",
            close.join(", ")
        )
    };
    UserError {
        message,
        hint: Some(hint),
        exit: crate::exit::Exit::NotFound,
    }
}
