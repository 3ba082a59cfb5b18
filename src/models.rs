//! `agent models probe|recommend`: what this machine offers and which model fits it.

use agent_core::env::HF_ENDPOINT;
use agent_models::download::{DownloadRequest, HF_ENDPOINT_DEFAULT, download, resolve_reference};
use agent_models::families::Catalog;
use agent_models::hardware::{HardwareProfile, ProbeOptions, probe};
use agent_models::recommend::{Candidate, RecommendRequest, Recommendation, recommend};
use agent_tui::{Painter, Tone};
use anyhow::Result;

use crate::app::App;
use crate::cli::ModelsCommand;
use crate::exit::Exit;
use crate::output::{note, print, print_json};
use crate::progress::{TransferProgress, human_bytes};

pub fn run(app: &App, command: ModelsCommand) -> Result<Exit> {
    match command {
        ModelsCommand::Pull {
            reference,
            sha256,
            json,
        } => pull(app, &reference, sha256, json),
        ModelsCommand::Probe { no_bandwidth, json } => {
            let config = app.config()?;
            let profile = probe(ProbeOptions {
                measure_bandwidth: !no_bandwidth,
            });
            if json {
                print_json(&profile)?;
            } else {
                print(&render_profile(&profile, &app.stdout_painter(&config)))?;
            }
            Ok(Exit::Ok)
        }
        ModelsCommand::Recommend {
            context,
            any_family,
            json,
        } => {
            let config = app.config()?;
            let profile = probe(ProbeOptions::default());
            let request = RecommendRequest {
                context_length: context.unwrap_or(config.config.model.context_length),
                prefer_coder: !any_family,
                ..RecommendRequest::default()
            };
            let recommendation = recommend(&profile, &Catalog::builtin()?, &request);
            if json {
                print_json(&recommendation)?;
            } else {
                print(&render_recommendation(
                    &recommendation,
                    &app.stdout_painter(&config),
                ))?;
                if recommendation.best.is_none() {
                    note(
                        "hint: free memory, ask for a shorter --context, or use a remote backend (model.backend = openai)",
                    );
                }
            }
            Ok(if recommendation.best.is_some() {
                Exit::Ok
            } else {
                Exit::Failure
            })
        }
    }
}

/// Downloads a GGUF into the models directory.
fn pull(app: &App, reference: &str, sha256: Option<String>, json: bool) -> Result<Exit> {
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

/// A runtime for the async parts of a command (HTTP, streaming).
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// The HTTP client every command shares: rustls, a connect timeout, no overall timeout (streams).
pub fn reqwest_client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .user_agent(concat!("agent/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

/// Bytes in GiB with one decimal.
pub fn gib(bytes: u64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

fn render_profile(profile: &HardwareProfile, painter: &Painter) -> String {
    let cpu = &profile.cpu;
    let mut out = String::new();
    let cores = match cpu.physical_cores {
        Some(physical) => format!("{} threads, {physical} cores", cpu.logical_cores),
        None => format!("{} threads", cpu.logical_cores),
    };
    out.push_str(&format!(
        "{}     {} ({}, {cores})\n",
        painter.paint(Tone::Strong, "cpu"),
        cpu.brand,
        cpu.arch
    ));
    let simd = if cpu.simd.is_empty() {
        "none detected".to_string()
    } else {
        cpu.simd.join(" ")
    };
    out.push_str(&format!(
        "{}    {simd}\n",
        painter.paint(Tone::Strong, "simd")
    ));
    let memory = &profile.memory;
    let bandwidth = memory
        .bandwidth_bytes_per_second
        .map(|b| format!(", {:.1} GB/s read", b / 1e9))
        .unwrap_or_default();
    out.push_str(&format!(
        "{}  {} total, {} available{bandwidth}\n",
        painter.paint(Tone::Strong, "memory"),
        gib(memory.total_bytes),
        gib(memory.available_bytes)
    ));
    if profile.gpus.is_empty() {
        out.push_str(&format!(
            "{}     none found (NVIDIA needs its driver's NVML library)\n",
            painter.paint(Tone::Strong, "gpu")
        ));
    }
    for gpu in &profile.gpus {
        let memory = gpu
            .memory_bytes
            .map(gib)
            .unwrap_or_else(|| "unknown memory".into());
        let unified = if gpu.unified_memory { ", unified" } else { "" };
        out.push_str(&format!(
            "{}     {} ({memory}{unified})\n",
            painter.paint(Tone::Strong, "gpu"),
            gpu.name
        ));
    }
    out
}

fn render_recommendation(recommendation: &Recommendation, painter: &Painter) -> String {
    let budget = &recommendation.budget;
    let mut out = format!(
        "budget: {} on {}{}\n",
        gib(budget.usable_bytes),
        budget.device,
        budget
            .bandwidth_bytes_per_second
            .map(|b| format!(" at {:.1} GB/s", b / 1e9))
            .unwrap_or_default()
    );
    match &recommendation.best {
        Some(best) => {
            out.push_str(&format!(
                "\n{} {}\n",
                painter.paint(Tone::Good, "recommended:"),
                describe(best)
            ));
            out.push_str(&format!("  ollama: ollama pull {}\n", best.ollama_tag));
            out.push_str(&format!("  gguf:   {}\n", best.gguf));
        }
        None => out.push_str(&format!(
            "\n{}\n",
            painter.paint(Tone::Bad, "no known model fits this budget")
        )),
    }
    if !recommendation.alternatives.is_empty() {
        out.push_str("\nalso fits:\n");
        for candidate in &recommendation.alternatives {
            out.push_str(&format!("  {}\n", describe(candidate)));
        }
    }
    out
}

fn describe(candidate: &Candidate) -> String {
    let speed = candidate
        .estimated_decode_tokens_per_second
        .map(|s| format!(", ~{s:.0} tokens/s"))
        .unwrap_or_default();
    format!(
        "{}:{} {} with {}k context — {} (weights {}, KV cache {}){speed}",
        candidate.family,
        candidate.size,
        candidate.quantization,
        candidate.context_length / 1024,
        gib(candidate.total_bytes),
        gib(candidate.weight_bytes),
        gib(candidate.kv_cache_bytes),
    )
}
