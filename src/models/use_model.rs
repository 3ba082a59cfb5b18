//! `agent models use NAME`: makes a model the default, written to the user's configuration
//! (`model.backend`, `model.name`, the context that fits memory in `model.context_length`), and
//! forgets its tool-calling check so that its next task checks it again. `agent models pull REF
//! --use` ends with the same.

use std::path::Path;

use agent_core::config::{Backend, set_value};
use agent_models::fit::{ModelShape, fit_context};
use anyhow::Result;

use crate::app::App;
use crate::backend::{is_set, local_model_path, ollama_url};
use crate::cli::BackendArg;
use crate::exit::{Exit, UserError};
use crate::firstrun::{budgets, quick_client, save::save_choice};
use crate::models::block_on_thread;
use crate::output::{note, print};

/// A model to make the default.
struct Chosen {
    backend: Backend,
    /// What `model.name` becomes.
    name: String,
    /// The model as the backend's requests name it (a GGUF's path), for its tool check.
    checked_as: String,
    /// The context that fits, when it is known.
    context: Option<u32>,
    /// Where it runs, for the line that says so.
    place: String,
}

/// `agent models use NAME`.
pub fn use_command(
    app: &App,
    name: &str,
    backend: Option<BackendArg>,
    base_url: Option<&str>,
) -> Result<Exit> {
    print(&format!("{}\n", use_model(app, name, backend, base_url)?))?;
    Ok(Exit::Ok)
}

/// Makes `name` the default model; returns the line saying so. `--use` of `agent models pull`
/// calls it after the pull (with the backend that pulled).
pub fn use_model(
    app: &App,
    name: &str,
    backend: Option<BackendArg>,
    base_url: Option<&str>,
) -> Result<String> {
    let resolved = app.config()?;
    let wanted = resolved.config.model.context_length;
    let chosen = choose(app, &resolved, name, backend, base_url, wanted)?;
    let file = save_choice(app, chosen.backend, &chosen.name, chosen.context)?;
    if let (Some(url), Backend::Ollama) = (base_url, chosen.backend) {
        set_value(&file, "ollama.url", url)?;
    }
    if let Ok(store) = app.open_store(&resolved) {
        let _ = store.forget_tool_check(chosen.backend.as_str(), &chosen.checked_as);
    }
    if is_set(&resolved, "model.name")
        && resolved
            .entry("model.name")
            .is_some_and(|entry| !matches!(entry.origin, agent_core::config::Origin::UserFile(_)))
    {
        note(
            "note: model.name is also set elsewhere (a repository file, AGENT_MODEL_NAME or -c), which wins over the user file",
        );
    }
    let context = chosen
        .context
        .map(|context| format!(" with a {context}-token context"))
        .unwrap_or_default();
    Ok(format!(
        "using {} {}{context} (saved in {})",
        chosen.name,
        chosen.place,
        file.display()
    ))
}

fn choose(
    app: &App,
    resolved: &agent_core::config::ResolvedConfig,
    name: &str,
    backend: Option<BackendArg>,
    base_url: Option<&str>,
    wanted: u32,
) -> Result<Chosen> {
    if name.trim().is_empty() {
        return Err(UserError::usage("the model name is empty", "agent models use NAME").into());
    }
    let names_a_file = name.ends_with(".gguf")
        || app.cwd.join(name).is_file()
        || app.paths.models_dir().join(name).is_file();
    match backend {
        Some(BackendArg::Openai) => {
            return Ok(Chosen {
                backend: Backend::OpenAi,
                name: name.to_string(),
                checked_as: name.to_string(),
                context: None,
                place: "on the OpenAI-compatible server".into(),
            });
        }
        Some(BackendArg::Local) => return local(app, name, wanted),
        None if names_a_file => return local(app, name, wanted),
        Some(BackendArg::Ollama) | None => {}
    }
    let url = ollama_url(app, resolved, base_url);
    let client = quick_client(&url)?;
    let budget = budgets(false).ollama;
    let answer = block_on_thread(async {
        let models = client.list().await?;
        let Some(model) = models
            .iter()
            .find(|model| model.name == name || model.name == format!("{name}:latest"))
        else {
            return Ok::<_, agent_models::ModelError>(None);
        };
        let info = client.show(&model.name).await.ok();
        Ok(Some((model.clone(), info)))
    })?;
    let (found, problem) = match answer {
        Ok(found) => (found, None),
        Err(error) => (None, Some(error)),
    };
    if let Some((model, info)) = found {
        let shape = ModelShape {
            weight_bytes: model.size,
            kv_bytes_per_token: info.as_ref().and_then(|info| info.kv_bytes_per_token),
            max_context: info.as_ref().and_then(|info| info.context_length),
        };
        let context = fit_context(&budget, &shape, wanted);
        if context.is_none() {
            note(&format!(
                "note: {name} may not fit in memory ({} available for it)",
                crate::models::machine::gib(budget.usable_bytes)
            ));
        }
        return Ok(Chosen {
            backend: Backend::Ollama,
            name: name.to_string(),
            checked_as: name.to_string(),
            context,
            place: format!("from Ollama at {url}"),
        });
    }
    // Not on the server (or no server): a model Ollama pulled runs in-process.
    let pulled =
        agent_models::local::resolve_ollama_model(&crate::backend::ollama_models_dir(app), name)
            .is_ok();
    if backend.is_none() && pulled {
        return local(app, name, wanted);
    }
    Err(match problem {
        None => UserError {
            message: format!("Ollama at {url} has no model `{name}`"),
            hint: Some(format!(
                "`agent models list` shows the models you have; `agent models pull {name} --use` fetches it"
            )),
            exit: Exit::NotFound,
        },
        Some(error) => UserError {
            message: format!("cannot use `{name}`: it is not a GGUF file, and {error}"),
            hint: error.hint().or_else(|| {
                Some("start Ollama, or name a .gguf file (`agent models list` shows them)".into())
            }),
            exit: Exit::Usage,
        },
    }
    .into())
}

/// A GGUF the in-process engine runs: a path, a file in the models directory, or a model Ollama
/// pulled.
fn local(app: &App, name: &str, wanted: u32) -> Result<Chosen> {
    let path = local_model_path(app, name)?;
    let info = agent_models::local::inspect(&path)?;
    let models_dir = app.paths.models_dir();
    // A file in the models directory is saved by its name; any other file by its full path.
    let saved = if path.parent() == Some(models_dir.as_path()) || !is_path(name) {
        name.to_string()
    } else {
        std::fs::canonicalize(&path)
            .unwrap_or_else(|_| path.clone())
            .display()
            .to_string()
    };
    let shape = ModelShape {
        weight_bytes: info.file_size,
        kv_bytes_per_token: info.kv_bytes_per_token,
        max_context: Some(info.max_context_length),
    };
    let context = fit_context(&budgets(false).in_process, &shape, wanted)
        .unwrap_or(wanted.min(info.max_context_length));
    let checked_as = local_model_path(app, &saved)
        .unwrap_or(path.clone())
        .display()
        .to_string();
    Ok(Chosen {
        backend: Backend::Local,
        name: saved,
        checked_as,
        context: Some(context),
        place: format!("in-process ({})", path.display()),
    })
}

/// Whether `name` is written as a path rather than a bare name.
fn is_path(name: &str) -> bool {
    Path::new(name).components().count() > 1 || Path::new(name).is_absolute()
}
