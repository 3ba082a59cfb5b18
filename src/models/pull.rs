//! `agent models pull`: a GGUF into the models directory, or a model through Ollama.
//!
//! [`pull`] does the work and reports progress to a callback; the CLI draws it on stderr, the
//! HTTP API (`POST /v1/models/pull`) streams it as events.

use std::future::Future;
use std::path::PathBuf;

use agent_core::config::ResolvedConfig;
use agent_core::env::HF_ENDPOINT;
use agent_models::download::{
    DownloadRequest, Downloaded, HF_ENDPOINT_DEFAULT, download, resolve_reference,
};
use anyhow::Result;
use serde::Serialize;

use super::{reqwest_client, runtime};
use crate::app::App;
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};
use crate::progress::{TransferProgress, human_bytes};

/// What a pull fetches, checked before anything is fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullSource {
    /// A GGUF download into the models directory.
    Gguf { url: String, file_name: String },
    /// A model the Ollama server pulls from its registry.
    Ollama { name: String },
}

impl PullSource {
    /// A GGUF reference (an URL, `owner/repo/file.gguf`) or an Ollama model name.
    pub fn parse(app: &App, reference: &str) -> Result<Self> {
        if is_gguf_reference(reference) {
            let (url, file_name) = gguf_url(app, reference)?;
            Ok(Self::Gguf { url, file_name })
        } else {
            ollama_source(reference)
        }
    }

    /// What two pulls of the same thing share: the file they write, or the Ollama model.
    pub fn key(&self) -> String {
        match self {
            Self::Gguf { file_name, .. } => format!("gguf:{file_name}"),
            Self::Ollama { name } => format!("ollama:{name}"),
        }
    }
}

/// One step of a pull: a status line, with the bytes of the file or layer being fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PullUpdate {
    /// `pulling manifest`, `pulling <digest>`, `downloading <file>`, `success`, …
    pub status: String,
    /// The Ollama layer being fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Bytes fetched so far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<u64>,
    /// Bytes in all, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// What a finished pull did.
#[derive(Debug, Clone)]
pub enum Pulled {
    /// The GGUF was in the models directory already; nothing was fetched.
    AlreadyPresent { path: PathBuf },
    /// The GGUF was downloaded and checked.
    Downloaded(Downloaded),
    /// Ollama pulled the model; `statuses` are the steps it reported.
    Ollama {
        model: String,
        url: String,
        statuses: Vec<String>,
    },
}

impl Pulled {
    /// The GGUF file a GGUF pull left in the models directory.
    pub fn gguf_path(&self) -> Option<&std::path::Path> {
        match self {
            Self::AlreadyPresent { path } => Some(path),
            Self::Downloaded(done) => Some(&done.path),
            Self::Ollama { .. } => None,
        }
    }

    /// The result as `agent models pull --json` prints it.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::AlreadyPresent { path } => {
                serde_json::json!({ "path": path, "already_present": true })
            }
            Self::Downloaded(done) => serde_json::json!({
                "path": done.path,
                "size": done.size,
                "sha256": done.sha256,
                "resumed_from": done.resumed_from,
            }),
            Self::Ollama {
                model, statuses, ..
            } => serde_json::json!({ "model": model, "backend": "ollama", "statuses": statuses }),
        }
    }
}

/// Pulls `source`: a GGUF into the models directory (resumable, checked, renamed into place
/// only when whole; `sha256` is the hash it must have), or a model through the Ollama server
/// (`base_url`, else the configured one). Each step goes to `on_update`. When `stop` completes
/// first, the transfer stops where it is: a GGUF leaves only its `.part` file and Ollama its
/// partial layers, both resumed by the next pull, never a model that looks whole. Blocking: it
/// runs its own runtime.
pub fn pull(
    app: &App,
    resolved: &ResolvedConfig,
    base_url: Option<&str>,
    source: &PullSource,
    sha256: Option<String>,
    mut on_update: impl FnMut(PullUpdate),
    stop: impl Future<Output = ()>,
) -> Result<Pulled> {
    let stopped = || -> anyhow::Error {
        UserError {
            message: "the pull stopped before it finished".into(),
            hint: Some("pull it again: the download resumes where it stopped".into()),
            exit: Exit::Interrupted,
        }
        .into()
    };
    match source {
        PullSource::Gguf { url, file_name } => {
            let dest = app.paths.models_dir().join(file_name);
            if dest.exists() {
                return Ok(Pulled::AlreadyPresent { path: dest });
            }
            let request = DownloadRequest {
                url: url.clone(),
                dest,
                expected_sha256: sha256.map(|s| s.to_lowercase()),
            };
            let runtime = runtime()?;
            let client = reqwest_client()?;
            let status = format!("downloading {file_name}");
            let work = download(&client, &request, |p| {
                on_update(PullUpdate {
                    status: status.clone(),
                    digest: None,
                    completed: Some(p.downloaded),
                    total: p.total,
                });
            });
            runtime.block_on(async {
                tokio::select! {
                    biased;
                    done = work => Ok(Pulled::Downloaded(done?)),
                    () = stop => Err(stopped()),
                }
            })
        }
        PullSource::Ollama { name } => {
            use futures_util::StreamExt;

            let url = crate::backend::ollama_url(app, resolved, base_url);
            let client = agent_models::OllamaClient::with_http_client(&url, reqwest_client()?)?;
            let runtime = runtime()?;
            let work = async {
                let mut stream = client.pull(name);
                let mut statuses: Vec<String> = Vec::new();
                while let Some(item) = stream.next().await {
                    let line = item?;
                    let layer = line.digest.is_some() && line.total.is_some();
                    if !layer && statuses.last() != Some(&line.status) {
                        statuses.push(line.status.clone());
                    }
                    let success = line.is_success();
                    on_update(PullUpdate {
                        status: line.status,
                        digest: line.digest,
                        completed: line.completed,
                        total: line.total,
                    });
                    if success {
                        break;
                    }
                }
                anyhow::Ok(statuses)
            };
            let statuses = runtime.block_on(async {
                tokio::select! {
                    biased;
                    statuses = work => statuses,
                    () = stop => Err(stopped()),
                }
            })?;
            Ok(Pulled::Ollama {
                model: name.clone(),
                url,
                statuses,
            })
        }
    }
}

/// The URL of a GGUF reference and the file it becomes in the models directory.
fn gguf_url(app: &App, reference: &str) -> Result<(String, String)> {
    let endpoint = app
        .env
        .get(HF_ENDPOINT)
        .filter(|e| !e.is_empty())
        .unwrap_or(HF_ENDPOINT_DEFAULT);
    Ok(resolve_reference(reference, endpoint)?)
}

fn ollama_source(name: &str) -> Result<PullSource> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "._-:/".contains(c);
    if name.is_empty() || !name.chars().all(plain) {
        return Err(UserError::usage(
            format!("`{name}` is neither a GGUF reference nor an Ollama model name"),
            "pull a GGUF with an https:// URL or owner/repo/file.gguf, or an Ollama model such as qwen2.5-coder:7b",
        )
        .into());
    }
    agent_models::local::OllamaName::parse(name)?;
    Ok(PullSource::Ollama {
        name: name.to_string(),
    })
}

/// Downloads a GGUF into the models directory.
pub fn pull_gguf(app: &App, reference: &str, sha256: Option<String>, json: bool) -> Result<Exit> {
    let pulled = fetch_gguf(app, reference, sha256)?;
    match &pulled {
        Pulled::AlreadyPresent { path } => {
            note(&format!("{} is already downloaded", path.display()));
            if json {
                print_json(&pulled.to_json())?;
            }
        }
        Pulled::Downloaded(done) if !json => print(&format!(
            "downloaded {} ({}, sha256 {})\n",
            done.path.display(),
            human_bytes(done.size),
            done.sha256
        ))?,
        _ => print_json(&pulled.to_json())?,
    }
    Ok(Exit::Ok)
}

/// Downloads the GGUF `reference` into the models directory with its progress on stderr (a bar
/// on a terminal): resumable, its size, SHA-256 (`sha256`, else the one the server reports) and
/// GGUF magic checked before it is renamed into place.
pub fn fetch_gguf(app: &App, reference: &str, sha256: Option<String>) -> Result<Pulled> {
    let resolved = app.config()?;
    let (url, file_name) = gguf_url(app, reference)?;
    let source = PullSource::Gguf {
        url,
        file_name: file_name.clone(),
    };
    let mut progress: Option<TransferProgress> = None;
    let mut last = (0, None);
    let result = pull(
        app,
        &resolved,
        None,
        &source,
        sha256,
        |update| {
            last = (update.completed.unwrap_or(0), update.total);
            progress
                .get_or_insert_with(|| TransferProgress::new(&file_name))
                .update(last.0, last.1);
        },
        std::future::pending(),
    );
    match result {
        Ok(pulled) => {
            if let Some(progress) = progress {
                progress.finish(last.0, last.1);
            }
            Ok(pulled)
        }
        Err(error) => {
            if let Some(progress) = progress {
                progress.abandon();
            }
            Err(error)
        }
    }
}

/// The file a GGUF reference becomes in the models directory.
pub fn gguf_file_name(app: &App, reference: &str) -> Result<String> {
    Ok(gguf_url(app, reference)?.1)
}

/// True when `reference` names a GGUF download rather than an Ollama model.
pub fn is_gguf_reference(reference: &str) -> bool {
    reference.starts_with("https://")
        || reference.starts_with("http://")
        || reference.ends_with(".gguf")
}

/// Pulls `name` through the Ollama server, showing the progress of each layer.
pub fn pull_ollama(app: &App, base_url: Option<&str>, name: &str, json: bool) -> Result<Exit> {
    let source = ollama_source(name)?;
    let resolved = app.config()?;
    let mut view = OllamaProgress {
        name,
        layer: None,
        last_status: None,
    };
    let result = pull(
        app,
        &resolved,
        base_url,
        &source,
        None,
        |update| view.update(&update),
        std::future::pending(),
    );
    let pulled = match result {
        Ok(pulled) => pulled,
        Err(error) => {
            view.abandon();
            return Err(error);
        }
    };
    if json {
        print_json(&pulled.to_json())?;
    } else if let Pulled::Ollama { url, .. } = &pulled {
        print(&format!("pulled {name} into Ollama at {url}\n"))?;
    }
    Ok(Exit::Ok)
}

/// An Ollama pull on stderr: a bar for each layer, a line for each other step.
struct OllamaProgress<'a> {
    name: &'a str,
    /// The layer shown (its short digest) and its bar.
    layer: Option<(String, TransferProgress)>,
    last_status: Option<String>,
}

impl OllamaProgress<'_> {
    fn update(&mut self, update: &PullUpdate) {
        match (&update.digest, update.total) {
            (Some(digest), Some(total)) => {
                let short = digest
                    .trim_start_matches("sha256:")
                    .chars()
                    .take(12)
                    .collect::<String>();
                if self
                    .layer
                    .as_ref()
                    .is_none_or(|(current, _)| *current != short)
                {
                    if let Some((_, bar)) = self.layer.take() {
                        bar.finish(total, Some(total));
                    }
                    self.layer = Some((
                        short.clone(),
                        TransferProgress::new(&format!("{} {short}", self.name)),
                    ));
                }
                if let Some((_, bar)) = self.layer.as_mut() {
                    bar.update(update.completed.unwrap_or(0), Some(total));
                }
            }
            _ => {
                if let Some((_, bar)) = self.layer.take() {
                    bar.abandon();
                }
                if self.last_status.as_ref() != Some(&update.status) {
                    note(&format!("{}: {}", self.name, update.status));
                    self.last_status = Some(update.status.clone());
                }
            }
        }
    }

    fn abandon(mut self) {
        if let Some((_, bar)) = self.layer.take() {
            bar.abandon();
        }
    }
}
