//! The agent side of `scripts/bench-engines.sh`: one cold process, one repetition of agent's
//! in-process engine on one GGUF file, measured exactly like `scripts/bench-engines.mjs`
//! measures llama.cpp, printed as one JSON line on stdout (progress on stderr).
//!
//! ```text
//! AGENT_BENCH_GGUF=target/bench-gguf/bench-llama-0.5b-q4_0.gguf AGENT_BENCH_THREADS=2 \
//!     cargo bench -p agent-models --bench engine_compare
//! ```
//!
//! Environment (defaults in brackets; the same variables drive the llama.cpp side):
//!   AGENT_BENCH_GGUF=FILE        the model (without it the bench prints how to run it)
//!   AGENT_BENCH_THREADS=N        threads; also exported as RAYON_NUM_THREADS and
//!                                AGENT_LOCAL_THREADS for the engine [all cores]
//!   AGENT_BENCH_PROMPT=N         prompt tokens: time to first token and prefill [128]
//!   AGENT_BENCH_DECODE=N         greedy tokens decoded after the prompt [64]
//!   AGENT_BENCH_DEPTHS=LIST      context sizes to decode at, comma-separated [2048,4096]
//!   AGENT_BENCH_DEPTH_DECODE=N   greedy tokens decoded at each depth, ending at it [32]
//!   AGENT_BENCH_FIRST_IDS=N      first greedy ids reported [16]
//!   AGENT_BENCH_SPAWN_NS=NS      when the driver spawned this process (ns since the epoch)
//!
//! What one run measures: the time from the spawn to the first token of the prompt (load +
//! prefill, cold process); the prompt again into an empty cache (prefill tok/s, warm) and
//! `DECODE` greedy tokens after it (decode tok/s = `DECODE - 1` forward passes over the time
//! from the first token to the last); then, per depth, fresh ids filled in chunks of 512 up to
//! `depth - DEPTH_DECODE` tokens of context and `DEPTH_DECODE` greedy tokens decoded there.
//! Token ids are `3 + (i * 2654435761 mod 2^32) mod (vocab - 3)` (prompt i = 0..,
//! depth fill i = 100000..), so both engines see the same tokens without either tokenizer.

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::ops::ControlFlow;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use agent_models::local::{GenerationConfig, LocalModel};
use candle_core::Device;

type BenchResult<T> = std::result::Result<T, Box<dyn Error>>;

/// llama.cpp's default batch size: the depth fill is fed in pieces of this many tokens.
const FILL_CHUNK: usize = 512;

fn env_usize(name: &str, default: usize) -> BenchResult<usize> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value
            .trim()
            .parse()
            .map_err(|_| format!("{name}={value:?} is not a whole number"))?),
        _ => Ok(default),
    }
}

/// The benchmark's token ids: deterministic, no special tokens (0, 1, 2 in the test tokenizer).
fn token_ids(start: u64, count: usize, vocab: usize) -> Vec<u32> {
    let range = vocab.saturating_sub(3).max(1) as u64;
    (start..start + count as u64)
        .map(|i| (3 + (i.wrapping_mul(2_654_435_761) % (1 << 32)) % range) as u32)
        .collect()
}

/// Seconds since the driver spawned this process (`AGENT_BENCH_SPAWN_NS`), else since `main`.
fn since_spawn(main_start: Instant) -> f64 {
    let spawn = std::env::var("AGENT_BENCH_SPAWN_NS")
        .ok()
        .and_then(|value| value.trim().parse::<u128>().ok());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .ok();
    match (spawn, now) {
        (Some(spawn), Some(now)) if now >= spawn => (now - spawn) as f64 / 1e9,
        _ => main_start.elapsed().as_secs_f64(),
    }
}

/// Greedy tokens after the cached ones: the ids and the seconds from the first to the last.
fn decode(model: &mut LocalModel, count: usize) -> BenchResult<(Vec<u32>, f64)> {
    let prompt = model.cached_tokens().to_vec();
    let context = model.info().max_context_length;
    let config = GenerationConfig {
        context_length: Some(context),
        ..GenerationConfig::greedy(count as u32)
    };
    let generation = model.generate(&prompt, &config, &mut |_| ControlFlow::Continue(()))?;
    if generation.reused_prompt_tokens != prompt.len() {
        return Err("the decode computed the prompt again".into());
    }
    let seconds = generation
        .usage
        .completion_duration
        .map(|d| d.as_secs_f64())
        .unwrap_or(f64::NAN);
    Ok((generation.tokens, seconds))
}

/// Appends `tokens` to the cache in chunks of [`FILL_CHUNK`]; the seconds it took.
fn fill(model: &mut LocalModel, tokens: &[u32]) -> BenchResult<f64> {
    let mut all = model.cached_tokens().to_vec();
    let start = Instant::now();
    for chunk in tokens.chunks(FILL_CHUNK) {
        all.extend_from_slice(chunk);
        model.logits_after(&all)?;
    }
    Ok(start.elapsed().as_secs_f64())
}

/// Seconds all threads of this process have run on a CPU (`/proc/self/task/*/schedstat`),
/// spinning included: a rate per CPU second compares engines on a machine busy with other work.
fn process_cpu_seconds() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return f64::NAN;
    };
    let nanoseconds: u64 = tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    nanoseconds as f64 / 1e9
}

/// The process's peak resident set (`VmHWM`), in bytes; 0 where /proc is not there.
fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kib| kib * 1024)
}

fn main() -> BenchResult<()> {
    let main_start = Instant::now();
    // `cargo bench` passes `--bench`; a filter argument is accepted and ignored.
    let Some(path) = std::env::var_os("AGENT_BENCH_GGUF") else {
        println!(
            "engine_compare: set AGENT_BENCH_GGUF to a GGUF file; scripts/bench-engines.sh runs \
             it against llama.cpp (docs/benchmarks-models.md)"
        );
        return Ok(());
    };
    let threads = env_usize("AGENT_BENCH_THREADS", 0)?;
    let prompt_len = env_usize("AGENT_BENCH_PROMPT", 128)?.max(1);
    let decode_len = env_usize("AGENT_BENCH_DECODE", 64)?.max(2);
    let depth_decode = env_usize("AGENT_BENCH_DEPTH_DECODE", 32)?.max(2);
    let first_ids_len = env_usize("AGENT_BENCH_FIRST_IDS", 16)?;
    let depths = std::env::var("AGENT_BENCH_DEPTHS").unwrap_or_else(|_| "2048,4096".into());
    let depths = depths
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.parse::<usize>().map_err(|_| format!("bad depth {d:?}")))
        .collect::<Result<Vec<_>, _>>()?;

    let load_start = Instant::now();
    let mut model = LocalModel::load(&path, &Device::Cpu)?;
    let load_seconds = load_start.elapsed().as_secs_f64();
    let vocab = model.tokenizer().vocab_size();
    let info = model.info().clone();
    let file_name = info
        .path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();

    let prompt = token_ids(0, prompt_len, vocab);
    // Cold: load + prefill of the prompt, as a user's first request pays it.
    let cold_start = Instant::now();
    model.logits_after(&prompt)?;
    let cold_prefill = cold_start.elapsed().as_secs_f64();
    let ttft = since_spawn(main_start);
    // Warm: the prompt again into an empty cache, then the decode.
    model.clear_cache();
    let start = Instant::now();
    let cpu_start = process_cpu_seconds();
    model.logits_after(&prompt)?;
    let prefill_seconds = start.elapsed().as_secs_f64();
    let prefill_cpu = process_cpu_seconds() - cpu_start;
    let cpu_start = process_cpu_seconds();
    let (ids, decode_seconds) = decode(&mut model, decode_len)?;
    let decode_cpu = process_cpu_seconds() - cpu_start;
    let prefill_rate = prompt_len as f64 / prefill_seconds;
    let decode_rate = (decode_len - 1) as f64 / decode_seconds;
    let first_ids: Vec<u32> = ids.iter().take(first_ids_len).copied().collect();
    eprintln!(
        "agent ({}) {file_name}: ttft {ttft:.2} s, prefill {prefill_rate:.1} tok/s, decode \
         {decode_rate:.1} tok/s; first ids {first_ids:?}",
        model.engine_name()
    );

    let peak_rss_short = peak_rss_bytes();
    model.clear_cache();
    let mut next = 100_000u64;
    let mut depth_rows = Vec::new();
    for depth in depths {
        let cached = model.cached_tokens().len();
        let Some(count) = depth.checked_sub(depth_decode + cached).filter(|n| *n > 0) else {
            continue;
        };
        let tokens = token_ids(next, count, vocab);
        next += count as u64;
        let fill_seconds = fill(&mut model, &tokens)?;
        let (_, seconds) = decode(&mut model, depth_decode)?;
        let row = serde_json::json!({
            "depth": depth,
            "fill_tokens": count,
            "fill_tok_s": count as f64 / fill_seconds,
            "decode_tok_s": (depth_decode - 1) as f64 / seconds,
        });
        eprintln!(
            "  at {depth}: fill {:.1} tok/s, decode {:.1} tok/s",
            count as f64 / fill_seconds,
            (depth_decode - 1) as f64 / seconds
        );
        depth_rows.push(row);
    }

    let line = serde_json::json!({
        "engine": model.engine_name(),
        "engine_version": format!("agent-models {}", env!("CARGO_PKG_VERSION")),
        "file": file_name,
        "weight_type": info.weight_type,
        "threads": threads,
        "vocab": vocab,
        "prompt_tokens": prompt_len,
        "decode_tokens": decode_len,
        "load_s": load_seconds,
        "ttft_s": ttft,
        "cold_prefill_s": cold_prefill,
        "prefill_tok_s": prefill_rate,
        "decode_tok_s": decode_rate,
        "prefill_cpu_tok_s": prompt_len as f64 / prefill_cpu,
        "decode_cpu_tok_s": (decode_len - 1) as f64 / decode_cpu,
        "first_ids": first_ids,
        "depths": depth_rows,
        "file_size": info.file_size,
        "kv_bytes_per_token": info.kv_bytes_per_token,
        "peak_rss_short_bytes": peak_rss_short,
        "peak_rss_bytes": peak_rss_bytes(),
        "max_context": model.cached_tokens().len().max(prompt_len + decode_len),
        "loadavg": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
    });
    println!("{line}");
    Ok(())
}
