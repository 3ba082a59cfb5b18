//! The first run: when no model is configured, the first model-using command chooses one, in
//! this order, and says in one line what it chose and why: a model an Ollama server already has
//! that fits memory (coder models first, the largest, with a context that fits); else a GGUF
//! already on disk (agent's models directory, Ollama's blobs), run in-process; else, on a
//! terminal, an offer to download the recommended GGUF; else an error naming the one command that
//! does it. The choice is written to the user's configuration, so it is made once.
//!
//! [`plan`] finds what would be chosen without changing anything (`agent doctor` says it);
//! [`resolve`] carries it out.

mod budget;
mod disk;
mod offer;
mod ollama;
pub mod save;

use std::io::IsTerminal;

use agent_core::config::{Backend, ResolvedConfig};
use agent_models::families::Catalog;
use agent_models::recommend::{Candidate, RecommendRequest, recommend};
use anyhow::Result;

use crate::app::App;
use crate::exit::UserError;
use crate::models::block_on_thread;
use crate::models::machine::gib;
use crate::output::note;

pub use budget::{Budgets, budgets};
pub use ollama::quick_client;

/// A model chosen for this machine.
#[derive(Debug, Clone)]
pub struct Choice {
    pub backend: Backend,
    /// What `model.name` becomes.
    pub model: String,
    /// The context it runs with, fitted to memory.
    pub context: u32,
    /// What it is and why, for the one line that says so: `qwen2.5-coder:7b from Ollama at …:
    /// the largest coder model it has that fits …`.
    pub description: String,
}

/// What the first run would do here.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Use a model that is already there.
    Use(Choice),
    /// Nothing usable is there (`situation` says what was looked at); `candidate` fits.
    Download {
        candidate: Box<Candidate>,
        situation: String,
    },
    /// Nothing usable is there and no known model fits this machine.
    NothingFits { situation: String },
}

impl Plan {
    /// The one command that gets a model, for a plan that needs a download.
    pub fn pull_command(candidate: &Candidate) -> String {
        format!("agent models pull --use {}", candidate.gguf)
    }
}

/// Where to look: every place, or only the backend the user named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Anywhere,
    OnlyOllama,
    OnlyLocal,
}

/// What the first run would choose with `wanted` tokens of context, changing nothing. Errors are
/// the ones a command would stop with (only Ollama was allowed and it has nothing).
pub fn plan(app: &App, ollama_url: &str, scope: Scope, wanted: u32) -> Result<Plan> {
    let budgets = budgets(true);
    let mut situation = Vec::new();
    if scope != Scope::OnlyLocal {
        let client = quick_client(ollama_url)?;
        let ollama_budget = budgets.ollama.clone();
        let found = block_on_thread(async {
            match ollama::list(&client).await {
                ollama::Listing::Models(models) => {
                    let fitted = ollama::best_fit(&client, &models, &ollama_budget, wanted).await;
                    Ok((models.len(), fitted))
                }
                ollama::Listing::Down(why) => Err(why),
            }
        })?;
        match found {
            Ok((_, Some(fitted))) => {
                let kind = if fitted.coder { "coder model" } else { "model" };
                let larger = match fitted.too_big {
                    0 => String::new(),
                    1 => " (1 larger one does not fit)".to_string(),
                    n => format!(" ({n} larger ones do not fit)"),
                };
                return Ok(Plan::Use(Choice {
                    backend: Backend::Ollama,
                    description: format!(
                        "{} from Ollama at {ollama_url}: the largest {kind} it has that fits {}{larger}, with a {}-token context",
                        fitted.name,
                        budget::describe(&ollama_budget),
                        fitted.context
                    ),
                    model: fitted.name,
                    context: fitted.context,
                }));
            }
            Ok((count, None)) if scope == Scope::OnlyOllama => {
                return Err(UserError::usage(
                    format!(
                        "no model chosen for the ollama backend, and none of the {count} model(s) of Ollama at {ollama_url} fits {}",
                        budget::describe(&ollama_budget)
                    ),
                    match best_download(&budgets, wanted) {
                        Some(candidate) => format!(
                            "pull one that fits: agent models pull --use {}",
                            candidate.ollama_tag
                        ),
                        None => "free memory, or pass --model NAME".to_string(),
                    },
                )
                .into());
            }
            Ok((count, None)) => situation.push(format!(
                "none of the {count} model(s) of Ollama at {ollama_url} fits {}",
                budget::describe(&ollama_budget)
            )),
            Err(why) if scope == Scope::OnlyOllama => {
                return Err(UserError::usage(
                    format!(
                        "no model chosen for the ollama backend, and Ollama at {ollama_url}: {why}"
                    ),
                    "pass --model NAME, start Ollama (`ollama serve`), or drop --backend ollama to run a GGUF in-process",
                )
                .into());
            }
            Err(why) => situation.push(format!("Ollama at {ollama_url}: {why}")),
        }
    }
    let (on_disk, runnable) = disk::best_fit(app, &budgets.in_process, wanted);
    if let Some(on_disk) = on_disk {
        let kind = if on_disk.coder { "coder GGUF" } else { "GGUF" };
        let place = if on_disk.from_ollama {
            "pulled by Ollama"
        } else {
            "in the models directory"
        };
        let why = if situation.is_empty() {
            String::new()
        } else {
            format!(" ({})", situation.join("; "))
        };
        return Ok(Plan::Use(Choice {
            backend: Backend::Local,
            description: format!(
                "{} in-process: the largest {kind} {place} that fits {}, with a {}-token context{why}",
                on_disk.path.display(),
                budget::describe(&budgets.in_process),
                on_disk.context
            ),
            model: on_disk.name,
            context: on_disk.context,
        }));
    }
    situation.push(match runnable {
        0 => "no GGUF is on disk".to_string(),
        count => format!(
            "none of the {count} GGUF file(s) on disk fits {}",
            budget::describe(&budgets.in_process)
        ),
    });
    let situation = situation.join(", and ");
    Ok(match best_download(&budgets, wanted) {
        Some(candidate) => Plan::Download {
            candidate: Box::new(candidate),
            situation,
        },
        None => Plan::NothingFits { situation },
    })
}

/// The known model that fits the in-process budget best.
fn best_download(budgets: &Budgets, wanted: u32) -> Option<Candidate> {
    let catalog = Catalog::builtin().ok()?;
    let request = RecommendRequest {
        context_length: wanted,
        prefer_coder: true,
        ..RecommendRequest::default()
    };
    recommend(&budgets.in_process_profile, &catalog, &request).best
}

/// Chooses a model when none is configured ([`plan`], then the download offer on a terminal when
/// `interactive`), saves the choice in the user's configuration and says on stderr what it chose
/// and why. `wanted` is the context asked for.
pub fn resolve(
    app: &App,
    resolved: &ResolvedConfig,
    ollama_url: &str,
    scope: Scope,
    wanted: u32,
    interactive: bool,
) -> Result<Choice> {
    let choice = match plan(app, ollama_url, scope, wanted)? {
        Plan::Use(choice) => choice,
        Plan::Download {
            candidate,
            situation,
        } => download(app, &candidate, &situation, interactive)?,
        Plan::NothingFits { situation } => {
            return Err(UserError::usage(
                format!(
                    "no model configured, and none to use here: {situation}; no known model fits this machine"
                ),
                "free memory, or use a remote model: agent config set model.backend openai, then openai.base_url and model.name",
            )
            .into());
        }
    };
    let context =
        (choice.context != resolved.config.model.context_length).then_some(choice.context);
    let file = save::save_choice(app, choice.backend, &choice.model, context)?;
    note(&format!(
        "no model configured, so agent chose one: {}. Saved in {}; `agent models use NAME` changes it",
        choice.description,
        file.display()
    ));
    Ok(choice)
}

/// The download of `candidate`: offered on a terminal, else an error naming the command.
fn download(
    app: &App,
    candidate: &Candidate,
    situation: &str,
    interactive: bool,
) -> Result<Choice> {
    let command = Plan::pull_command(candidate);
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !(interactive && terminal) {
        return Err(UserError::usage(
            format!("no model configured, and none to use here: {situation}"),
            format!(
                "download the one that fits this machine ({}): {command}",
                gib(candidate.weight_bytes)
            ),
        )
        .into());
    }
    note(&format!(
        "no model configured, and none to use here: {situation}."
    ));
    let question = offer::question(candidate, &app.paths.models_dir());
    let yes = offer::ask(
        &question,
        &mut std::io::stdin().lock(),
        &mut std::io::stderr(),
    )?;
    if !yes {
        return Err(UserError::usage(
            "no model configured, and none downloaded",
            format!("download it with: {command} (or choose one: agent models use NAME)"),
        )
        .into());
    }
    let pulled = crate::models::pull::fetch_gguf(app, &candidate.gguf, None)?;
    let path = pulled
        .gguf_path()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Choice {
        backend: Backend::Local,
        description: format!(
            "{} in-process: {}:{} {}, downloaded and checked, the model that fits this machine best, with a {}-token context",
            path.display(),
            candidate.family,
            candidate.size,
            candidate.quantization,
            candidate.context_length
        ),
        model: name,
        context: candidate.context_length,
    })
}
