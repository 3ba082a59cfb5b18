//! `agent models list|show|rm`: one view over Ollama's models, GGUF files in the models directory
//! and the OpenAI-compatible server's models, cached in the store.

use std::io::IsTerminal;
use std::path::PathBuf;

use agent_core::config::ResolvedConfig;
use agent_core::store::{RegistryEntry, Store};
use agent_tui::text::pad;
use agent_tui::{Painter, Tone};
use anyhow::Result;
use serde::Serialize;
use serde_json::json;

use super::{reqwest_client, runtime};
use crate::app::App;
use crate::backend::{local_model_path, ollama_url, openai_api_key};
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};
use crate::progress::human_bytes;

/// A backend that could not be asked, and why.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Unreachable {
    /// `ollama` or `openai`.
    #[schema(value_type = String)]
    pub backend: &'static str,
    pub url: String,
    pub error: String,
}

/// Every backend's models after a refresh: `agent models list --json` and `GET /v1/models`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ModelsReport {
    /// The registry after the refresh: each backend's models, cached ones for a backend that
    /// did not answer.
    #[schema(value_type = Vec<Object>)]
    pub models: Vec<RegistryEntry>,
    /// The backends that could not be asked (their models are the cached ones).
    pub unreachable: Vec<Unreachable>,
}

/// `agent models list`.
pub fn list(app: &App, json: bool) -> Result<Exit> {
    let (resolved, mut store) = app.config_and_store()?;
    let report = refresh(app, &resolved, &mut store)?;
    if json {
        print_json(&report)?;
        return Ok(Exit::Ok);
    }
    let ModelsReport {
        models: entries,
        unreachable,
    } = report;
    let stale: Vec<&str> = unreachable.iter().map(|u| u.backend).collect();
    for problem in &unreachable {
        note(&format!(
            "{} is not reachable at {} ({}); showing the models it had last time",
            problem.backend, problem.url, problem.error
        ));
    }
    if entries.is_empty() {
        note(
            "no models yet: `agent models recommend` suggests one, `agent models pull NAME` fetches it",
        );
        return Ok(Exit::Ok);
    }
    print(&render(&entries, &stale, &app.stdout_painter(&resolved)))?;
    Ok(Exit::Ok)
}

/// Asks every backend for its models and caches what answered in the store's registry:
/// [`fetch`], then [`Fetched::cache`].
pub fn refresh(app: &App, resolved: &ResolvedConfig, store: &mut Store) -> Result<ModelsReport> {
    fetch(app, resolved)?.cache(store)
}

/// What the backends said: each one's models (name, details), and those that did not answer.
pub struct Fetched {
    answered: Vec<(&'static str, Vec<(String, serde_json::Value)>)>,
    unreachable: Vec<Unreachable>,
}

impl Fetched {
    /// Replaces the registry's entries of each backend that answered; the registry after it,
    /// with the backends that did not answer.
    pub fn cache(self, store: &mut Store) -> Result<ModelsReport> {
        for (backend, rows) in &self.answered {
            store.replace_registry(backend, rows)?;
        }
        Ok(ModelsReport {
            models: store.registry(None)?,
            unreachable: self.unreachable,
        })
    }
}

/// Asks every backend for its models: Ollama, the OpenAI-compatible server when one is
/// configured, and the GGUF files of the models directory (always readable). Needs no store, so
/// the server holds no connection while backends answer. Blocking: it runs its own runtime.
pub fn fetch(app: &App, resolved: &ResolvedConfig) -> Result<Fetched> {
    let mut answered = Vec::new();
    let mut unreachable = Vec::new();
    let runtime = runtime()?;

    // Ollama: refresh the cache when the server answers.
    let url = ollama_url(app, resolved, None);
    let client = agent_models::OllamaClient::with_http_client(&url, reqwest_client()?)?;
    match runtime.block_on(client.list()) {
        Ok(models) => {
            let rows: Vec<(String, serde_json::Value)> = models
                .iter()
                .map(|m| {
                    let details = json!({
                        "size": m.size,
                        "family": m.family,
                        "parameters": m.parameter_size,
                        "quantization": m.quantization_level,
                        "modified_at": m.modified_at,
                    });
                    (m.name.clone(), details)
                })
                .collect();
            answered.push(("ollama", rows));
        }
        Err(error) => unreachable.push(Unreachable {
            backend: "ollama",
            url,
            error: error.to_string(),
        }),
    }

    // OpenAI-compatible server, when one is configured.
    if let Some(base) = resolved.config.openai.base_url.clone() {
        let key = openai_api_key(app, &resolved.config.openai.api_key_env)?;
        let backend = agent_models::OpenAiBackend::with_http_client(&base, key, reqwest_client()?)?;
        match runtime.block_on(backend.list_models()) {
            Ok(models) => {
                let rows: Vec<(String, serde_json::Value)> = models
                    .iter()
                    .map(|m| (m.id.clone(), json!({ "owned_by": m.owned_by })))
                    .collect();
                answered.push(("openai", rows));
            }
            Err(error) => unreachable.push(Unreachable {
                backend: "openai",
                url: base,
                error: error.to_string(),
            }),
        }
    }

    // GGUF files in the models directory: always readable.
    let rows: Vec<(String, serde_json::Value)> = gguf_files(app)
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, gguf_details(&path))
        })
        .collect();
    answered.push(("local", rows));
    Ok(Fetched {
        answered,
        unreachable,
    })
}

fn render(entries: &[RegistryEntry], stale: &[&str], painter: &Painter) -> String {
    let name_width = entries
        .iter()
        .map(|e| e.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = painter.paint(
        Tone::Dim,
        &format!(
            "{}  {}  {:>9}  {:<8}  {:<8}  {}",
            pad("BACKEND", 7),
            pad("NAME", name_width),
            "SIZE",
            "PARAMS",
            "QUANT",
            "FAMILY"
        ),
    );
    out.push('\n');
    for entry in entries {
        let d = &entry.details;
        let text = |key: &str| d[key].as_str().unwrap_or("").to_string();
        let size = d["size"].as_u64().map(human_bytes).unwrap_or_default();
        let cached = if stale.contains(&entry.backend.as_str()) {
            painter.paint(Tone::Warn, " (cached)")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{}  {}  {:>9}  {:<8}  {:<8}  {}{cached}\n",
            pad(&entry.backend, 7),
            painter.paint(Tone::Strong, &pad(&entry.name, name_width)),
            size,
            text("parameters"),
            text("quantization"),
            text("family"),
        ));
    }
    out
}

/// `.gguf` files in the models directory, by name.
pub(crate) fn gguf_files(app: &App) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(app.paths.models_dir())
        .map(|dir| {
            dir.filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.extension().is_some_and(|e| e == "gguf") && path.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// What a GGUF's header says, or the error reading it.
fn gguf_details(path: &std::path::Path) -> serde_json::Value {
    match agent_models::local::inspect(path) {
        Ok(info) => json!({
            "size": info.file_size,
            "family": info.architecture.as_str(),
            "name": info.name,
            "quantization": info.weight_type,
            "context_length": info.trained_context_length,
            "path": path,
        }),
        Err(error) => json!({
            "size": std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            "error": error.to_string(),
            "path": path,
        }),
    }
}

/// `agent models show NAME`.
pub fn show(app: &App, name: &str, base_url: Option<&str>, json: bool) -> Result<Exit> {
    let resolved = app.config()?;
    let details = details(app, &resolved, name, base_url)?;
    print_details(&details, json)
}

/// What is known of one model: a GGUF's header (a path, or a file in the models directory), else
/// what Ollama says of the model it has under `name`. `agent models show NAME --json` and
/// `GET /v1/models/{name}`. Blocking: it runs its own runtime.
pub fn details(
    app: &App,
    resolved: &ResolvedConfig,
    name: &str,
    base_url: Option<&str>,
) -> Result<serde_json::Value> {
    if name.ends_with(".gguf")
        || app.cwd.join(name).is_file()
        || app.paths.models_dir().join(name).is_file()
    {
        let path = local_model_path(app, name)?;
        let info = agent_models::local::inspect(&path)?;
        return Ok(json!({
            "backend": "local",
            "path": path,
            "architecture": info.architecture.as_str(),
            "name": info.name,
            "quantization": info.weight_type,
            "context_length": info.trained_context_length,
            "max_context_length": info.max_context_length,
            "layers": info.block_count,
            "embedding_length": info.embedding_length,
            "size": info.file_size,
            "notes": info.notes,
        }));
    }
    let url = ollama_url(app, resolved, base_url);
    let client = agent_models::OllamaClient::with_http_client(&url, reqwest_client()?)?;
    let info = runtime()?.block_on(client.show(name))?;
    let mut details = serde_json::to_value(&info)?;
    details["backend"] = json!("ollama");
    details["tools"] = json!(info.supports_tools());
    Ok(details)
}

fn print_details(details: &serde_json::Value, json: bool) -> Result<Exit> {
    if json {
        print_json(details)?;
        return Ok(Exit::Ok);
    }
    let mut out = String::new();
    if let Some(map) = details.as_object() {
        let width = map.keys().map(|k| k.len()).max().unwrap_or(0);
        for (key, value) in map {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            out.push_str(&format!("{}  {text}\n", pad(key, width)));
        }
    }
    print(&out)?;
    Ok(Exit::Ok)
}

/// `agent models rm NAME`.
pub fn remove(app: &App, name: &str, base_url: Option<&str>, yes: bool) -> Result<Exit> {
    let (resolved, mut store) = app.config_and_store()?;
    let local = app.paths.models_dir().join(name);
    let is_local = local.is_file() && local.extension().is_some_and(|e| e == "gguf");
    let what = if is_local {
        format!("{}", local.display())
    } else {
        format!("Ollama model {name}")
    };
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(UserError::usage(
                format!("not deleting {what} without confirmation"),
                "pass --yes to delete without asking",
            )
            .into());
        }
        eprint!("delete {what}? [y/N] ");
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
            note("nothing deleted");
            return Ok(Exit::Ok);
        }
    }
    if is_local {
        std::fs::remove_file(&local).map_err(|source| agent_core::Error::Io {
            action: "delete",
            path: local.clone(),
            source,
        })?;
        forget(&mut store, "local", name)?;
    } else {
        let url = ollama_url(app, &resolved, base_url);
        let client = agent_models::OllamaClient::with_http_client(&url, reqwest_client()?)?;
        runtime()?.block_on(client.delete(name))?;
        forget(&mut store, "ollama", name)?;
    }
    print(&format!("deleted {what}\n"))?;
    Ok(Exit::Ok)
}

/// Drops one model from the registry cache.
fn forget(store: &mut Store, backend: &str, name: &str) -> Result<()> {
    let kept: Vec<(String, serde_json::Value)> = store
        .registry(Some(backend))?
        .into_iter()
        .filter(|entry| entry.name != name)
        .map(|entry| (entry.name, entry.details))
        .collect();
    store.replace_registry(backend, &kept)?;
    Ok(())
}
