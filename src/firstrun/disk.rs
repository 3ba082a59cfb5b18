//! GGUF files already on disk that the in-process engine can run: agent's models directory and
//! the models Ollama pulled (its blobs), the best that fits memory first.

use std::path::PathBuf;

use agent_models::fit::{ModelShape, fit_context};
use agent_models::recommend::Budget;

use super::ollama::is_coder;
use crate::app::App;

/// A GGUF on disk that fits.
#[derive(Debug, Clone)]
pub struct OnDisk {
    /// What `model.name` becomes: the file's name in the models directory, or the Ollama name.
    pub name: String,
    pub path: PathBuf,
    pub context: u32,
    pub coder: bool,
    /// Pulled by Ollama (its blob), rather than in agent's models directory.
    pub from_ollama: bool,
}

/// Every runnable GGUF on disk, as (name, path, from Ollama).
fn candidates(app: &App) -> Vec<(String, PathBuf, bool)> {
    let mut found: Vec<(String, PathBuf, bool)> = crate::models::list::gguf_files(app)
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, path, false)
        })
        .collect();
    found.extend(
        agent_models::local::list_ollama_models(&crate::backend::ollama_models_dir(app))
            .into_iter()
            .map(|(name, blob)| (name, blob, true)),
    );
    found
}

/// The best GGUF on disk for `budget` with at most `wanted` tokens of context: coder models
/// first, then the largest file; files the engine cannot run are passed over. Also says how many
/// runnable files there are.
pub fn best_fit(app: &App, budget: &Budget, wanted: u32) -> (Option<OnDisk>, usize) {
    let mut readable: Vec<(OnDisk, agent_models::local::ModelInfo)> = candidates(app)
        .into_iter()
        .filter_map(|(name, path, from_ollama)| {
            let info = agent_models::local::inspect(&path).ok()?;
            let coder = is_coder(&name) || info.name.as_deref().is_some_and(is_coder);
            Some((
                OnDisk {
                    name,
                    path,
                    context: 0,
                    coder,
                    from_ollama,
                },
                info,
            ))
        })
        .collect();
    readable.sort_by(|(a, a_info), (b, b_info)| {
        b.coder
            .cmp(&a.coder)
            .then(b_info.file_size.cmp(&a_info.file_size))
            .then(a.name.cmp(&b.name))
    });
    let count = readable.len();
    let best = readable.into_iter().find_map(|(mut on_disk, info)| {
        let shape = ModelShape {
            weight_bytes: info.file_size,
            kv_bytes_per_token: info.kv_bytes_per_token,
            max_context: Some(info.max_context_length),
        };
        on_disk.context = fit_context(budget, &shape, wanted)?;
        Some(on_disk)
    });
    (best, count)
}
