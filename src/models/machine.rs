//! `agent models probe|recommend`: what this machine offers and which model fits it.

use agent_core::store::Store;
use agent_models::families::Catalog;
use agent_models::hardware::{HardwareProfile, ProbeOptions, probe};
use agent_models::recommend::{
    Candidate, MeasuredSpeed, RecommendRequest, Recommendation, SpeedSource, recommend,
};
use agent_tui::{Painter, Tone};
use anyhow::Result;

use crate::app::App;
use crate::exit::Exit;
use crate::output::{note, print, print_json};

/// `agent models probe`.
pub fn probe_command(app: &App, no_bandwidth: bool, json: bool) -> Result<Exit> {
    let config = app.config()?;
    let profile = machine_profile(!no_bandwidth);
    if json {
        print_json(&profile)?;
    } else {
        print(&render_profile(&profile, &app.stdout_painter(&config)))?;
    }
    Ok(Exit::Ok)
}

/// `agent models recommend`.
pub fn recommend_command(
    app: &App,
    context: Option<u32>,
    any_family: bool,
    json: bool,
) -> Result<Exit> {
    let (config, store) = app.config_and_store()?;
    let recommendation = recommendation(
        context.unwrap_or(config.config.model.context_length),
        any_family,
        &store,
    )?;
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

/// This machine's hardware (CPU, memory, GPUs), measuring the memory's read bandwidth when
/// `measure_bandwidth` (it takes a few seconds). `agent models probe --json` and
/// `GET /v1/machine`. Blocking.
pub fn machine_profile(measure_bandwidth: bool) -> HardwareProfile {
    probe(ProbeOptions {
        measure_bandwidth,
        enumerate_all_gpus: true,
    })
}

/// The model that fits this machine best for `context_length` tokens of context, and the
/// others that fit (coder models first unless `any_family`), with the decode speeds
/// `agent models bench` measured on this machine where they apply. `agent models recommend
/// --json` and `GET /v1/models/recommend`. Blocking: it probes the machine.
pub fn recommendation(
    context_length: u32,
    any_family: bool,
    store: &Store,
) -> Result<Recommendation> {
    // wgpu's GPUs carry no memory size, so they cannot change the budget: skip the slow part.
    let profile = probe(ProbeOptions {
        measure_bandwidth: true,
        enumerate_all_gpus: false,
    });
    let request = RecommendRequest {
        context_length,
        prefer_coder: !any_family,
        measured: measured_speeds(store, &profile.machine_id())?,
        ..RecommendRequest::default()
    };
    Ok(recommend(&profile, &Catalog::builtin()?, &request))
}

/// The decode speeds `agent models bench` stored for `machine`: the latest per model and engine.
pub fn measured_speeds(store: &Store, machine: &str) -> Result<Vec<MeasuredSpeed>> {
    Ok(store
        .latest_model_benchmarks(machine)?
        .into_iter()
        .filter_map(|bench| {
            Some(MeasuredSpeed {
                decode_tokens_per_second: bench.decode_tokens_per_second?,
                backend: bench.backend,
                model: bench.model,
                quantization: bench.quantization,
                weight_bytes: bench.weight_bytes,
                prefill_tokens_per_second: bench.prefill_tokens_per_second,
                engine: bench.engine,
                threads: bench.threads,
                fits: false,
            })
        })
        .collect())
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
            "{}     none found (NVIDIA GPUs need the driver's NVML library; others a Vulkan, Metal or DX12 driver)\n",
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
    if !recommendation.measured.is_empty() {
        out.push_str("\nmeasured on this machine (agent models bench):\n");
        for speed in &recommendation.measured {
            out.push_str(&format!("  {}\n", describe_measured(speed)));
        }
    }
    out
}

fn describe_measured(speed: &MeasuredSpeed) -> String {
    let quantization = speed
        .quantization
        .as_deref()
        .map(|q| format!(" {q}"))
        .unwrap_or_default();
    let engine = match (&speed.engine, speed.threads) {
        (Some(engine), Some(threads)) => format!(", {engine} engine, {threads} threads"),
        (Some(engine), None) => format!(", {engine} engine"),
        _ => format!(", via {}", speed.backend),
    };
    let prefill = speed
        .prefill_tokens_per_second
        .map(|p| format!(", prefill {p:.0} tokens/s"))
        .unwrap_or_default();
    let fits = match speed.weight_bytes {
        Some(bytes) if speed.fits => format!(" — {} fits", gib(bytes)),
        Some(bytes) => format!(" — {} does not fit", gib(bytes)),
        None => String::new(),
    };
    format!(
        "{}{quantization}: {:.1} tokens/s measured{prefill}{engine}{fits}",
        speed.model, speed.decode_tokens_per_second
    )
}

fn describe(candidate: &Candidate) -> String {
    let speed = match (candidate.decode_tokens_per_second, candidate.speed_source) {
        (Some(s), SpeedSource::Measured) => format!(", ~{s:.0} tokens/s measured"),
        (Some(s), SpeedSource::Scaled) => format!(
            ", ~{s:.0} tokens/s scaled from {} measured here",
            candidate.measured_from.as_deref().unwrap_or("a file")
        ),
        (Some(s), _) => format!(", ~{s:.0} tokens/s estimated"),
        (None, _) => String::new(),
    };
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
