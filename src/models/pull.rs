//! `agent models pull`: a GGUF into the models directory, or a model through Ollama.

use agent_core::env::HF_ENDPOINT;
use agent_models::download::{DownloadRequest, HF_ENDPOINT_DEFAULT, download, resolve_reference};
use anyhow::Result;

use super::{reqwest_client, runtime};
use crate::app::App;
use crate::exit::Exit;
use crate::output::{note, print, print_json};
use crate::progress::{TransferProgress, human_bytes};

/// Downloads a GGUF into the models directory.
pub fn pull_gguf(app: &App, reference: &str, sha256: Option<String>, json: bool) -> Result<Exit> {
    app.config()?;
    let endpoint = app
        .env
        .get(HF_ENDPOINT)
        .filter(|e| !e.is_empty())
        .unwrap_or(HF_ENDPOINT_DEFAULT);
    let (url, file_name) = resolve_reference(reference, endpoint)?;
    let dest = app.paths.models_dir().join(&file_name);
    if dest.exists() {
        note(&format!("{} is already downloaded", dest.display()));
        if json {
            print_json(&serde_json::json!({ "path": dest, "already_present": true }))?;
        }
        return Ok(Exit::Ok);
    }
    let request = DownloadRequest {
        url,
        dest,
        expected_sha256: sha256.map(|s| s.to_lowercase()),
    };
    let runtime = runtime()?;
    let mut progress = TransferProgress::new(&file_name);
    let mut last = (0, None);
    let client = reqwest_client()?;
    let result = runtime.block_on(download(&client, &request, |p| {
        last = (p.downloaded, p.total);
        progress.update(p.downloaded, p.total);
    }));
    let done = match result {
        Ok(done) => {
            progress.finish(last.0, last.1);
            done
        }
        Err(error) => {
            progress.abandon();
            return Err(error.into());
        }
    };
    if json {
        print_json(&serde_json::json!({
            "path": done.path,
            "size": done.size,
            "sha256": done.sha256,
            "resumed_from": done.resumed_from,
        }))?;
    } else {
        print(&format!(
            "downloaded {} ({}, sha256 {})\n",
            done.path.display(),
            human_bytes(done.size),
            done.sha256
        ))?;
    }
    Ok(Exit::Ok)
}

/// True when `reference` names a GGUF download rather than an Ollama model.
pub fn is_gguf_reference(reference: &str) -> bool {
    reference.starts_with("https://")
        || reference.starts_with("http://")
        || reference.ends_with(".gguf")
}

/// Pulls `name` through the Ollama server, showing the progress of each layer.
pub fn pull_ollama(app: &App, base_url: Option<&str>, name: &str, json: bool) -> Result<Exit> {
    use futures_util::StreamExt;

    let plain = |c: char| c.is_ascii_alphanumeric() || "._-:/".contains(c);
    if name.is_empty() || !name.chars().all(plain) {
        return Err(crate::exit::UserError::usage(
            format!("`{name}` is neither a GGUF reference nor an Ollama model name"),
            "pull a GGUF with an https:// URL or owner/repo/file.gguf, or an Ollama model such as qwen2.5-coder:7b",
        )
        .into());
    }
    agent_models::local::OllamaName::parse(name)?;
    let resolved = app.config()?;
    let url = crate::backend::ollama_url(app, &resolved, base_url);
    let client = agent_models::OllamaClient::with_http_client(&url, reqwest_client()?)?;
    let runtime = runtime()?;
    let outcome: Result<Vec<String>> = runtime.block_on(async {
        let mut stream = client.pull(name);
        let mut progress: Option<(String, TransferProgress)> = None;
        let mut statuses = Vec::new();
        while let Some(item) = stream.next().await {
            let line = match item {
                Ok(line) => line,
                Err(error) => {
                    if let Some((_, bar)) = progress.take() {
                        bar.abandon();
                    }
                    return Err(error.into());
                }
            };
            match (&line.digest, line.total) {
                (Some(digest), Some(total)) => {
                    let short = digest
                        .trim_start_matches("sha256:")
                        .chars()
                        .take(12)
                        .collect::<String>();
                    if progress
                        .as_ref()
                        .is_none_or(|(current, _)| *current != short)
                    {
                        if let Some((_, bar)) = progress.take() {
                            bar.finish(total, Some(total));
                        }
                        progress = Some((
                            short.clone(),
                            TransferProgress::new(&format!("{name} {short}")),
                        ));
                    }
                    if let Some((_, bar)) = progress.as_mut() {
                        bar.update(line.completed.unwrap_or(0), Some(total));
                    }
                }
                _ => {
                    if let Some((_, bar)) = progress.take() {
                        bar.abandon();
                    }
                    if statuses.last() != Some(&line.status) {
                        note(&format!("{name}: {}", line.status));
                        statuses.push(line.status.clone());
                    }
                }
            }
            if line.is_success() {
                break;
            }
        }
        Ok(statuses)
    });
    let statuses = outcome?;
    if json {
        print_json(
            &serde_json::json!({ "model": name, "backend": "ollama", "statuses": statuses }),
        )?;
    } else {
        print(&format!("pulled {name} into Ollama at {url}\n"))?;
    }
    Ok(Exit::Ok)
}
