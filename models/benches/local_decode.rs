//! Prefill and decode speed of the in-process candle backend on one GGUF file, plus prefill of a
//! new turn with and without the KV cache of the conversation so far (see
//! docs/benchmarks-models.md and scripts/bench-llama-cpp.sh, which runs llama.cpp on the same
//! file with the same token ids).
//!
//! ```text
//! AGENT_BENCH_GGUF=target/bench-gguf/bench-llama-0.5b-q8_0.gguf \
//!     cargo bench -p agent-models --bench local_decode
//! ```
//!
//! Environment (defaults in brackets):
//!   AGENT_BENCH_GGUF=FILE       the model (required; without it the bench prints how to run it)
//!   AGENT_BENCH_PROMPT=N        prompt tokens for the prefill/decode runs [256]
//!   AGENT_BENCH_DECODE=N        greedy tokens decoded after it [128]
//!   AGENT_BENCH_REPS=N          timed repetitions, median reported [5]
//!   AGENT_BENCH_PREFIX=N        conversation tokens already cached before the new turn [1000]
//!   AGENT_BENCH_TURN=N          tokens of the new turn [50]
//!   AGENT_BENCH_TURN_REPS=N     repetitions of the turn-N measurement [3]
//!   AGENT_BENCH_JSON=FILE       also append the medians as one JSON line to FILE
//!
//! Prefill is `logits_after(prompt)` on an empty cache; decode is `generate` of greedy tokens
//! (end tokens ignored) right after it, the prompt's logits already cached, so it times only
//! sampling and one-token forward passes. Each is reported per wall-clock second and per CPU
//! second of the process (utime + stime from /proc/self/stat): with 1 thread the latter hardly
//! depends on what else runs on the machine, with more threads it also counts spinning.
//!
//! The prompts are fixed token ids, `3 + (i * 2654435761 mod 2^32) mod (vocab - 3)`, so that
//! llama.cpp gets exactly the same tokens without depending on either engine's tokenizer; the
//! prefill/decode prompt uses i = 0.., the turn-N conversation i = 100000.. . The engine is the
//! one `agent` picks (native on the CPU when it runs the file); `AGENT_LOCAL_ENGINE=candle|native`
//! forces one. Threads: the native engine uses one per physical core (AGENT_LOCAL_THREADS=N),
//! candle rayon's pool (all cores, or RAYON_NUM_THREADS).

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::io::Write;
use std::ops::ControlFlow;
use std::time::Instant;

use agent_models::local::{EngineKind, GenerationConfig, LocalModel};
use candle_core::Device;

type BenchResult<T> = std::result::Result<T, Box<dyn Error>>;

fn env_usize(name: &str, default: usize) -> BenchResult<usize> {
    match std::env::var(name) {
        Ok(value) => Ok(value
            .trim()
            .parse()
            .map_err(|_| format!("{name}={value:?} is not a number"))?),
        Err(_) => Ok(default),
    }
}

/// The benchmark's token ids: deterministic, no special tokens (0, 1, 2 in the test tokenizer).
fn token_ids(start: u64, count: usize, vocab: usize) -> Vec<u32> {
    let range = vocab.saturating_sub(3).max(1) as u64;
    (start..start + count as u64)
        .map(|i| (3 + (i.wrapping_mul(2_654_435_761) % (1 << 32)) % range) as u32)
        .collect()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

fn spread(values: &[f64]) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{min:.1}–{max:.1}")
}

/// CPU seconds used by this process so far, all threads (Linux: utime + stime from
/// /proc/self/stat, in USER_HZ = 100 ticks per second); `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Wall-clock and CPU seconds of `run`.
fn timed<T>(run: impl FnOnce() -> BenchResult<T>) -> BenchResult<(T, f64, f64)> {
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let value = run()?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = match (cpu_start, cpu_seconds()) {
        (Some(before), Some(after)) => after - before,
        _ => f64::NAN,
    };
    Ok((value, wall, cpu))
}

fn main() -> BenchResult<()> {
    // `cargo bench` passes `--bench`; a filter argument is accepted and ignored.
    let Some(path) = std::env::var_os("AGENT_BENCH_GGUF") else {
        println!(
            "local_decode: set AGENT_BENCH_GGUF to a GGUF file (scripts/make-bench-gguf.py writes \
             random-weight ones); see docs/benchmarks-models.md"
        );
        return Ok(());
    };
    let prompt_len = env_usize("AGENT_BENCH_PROMPT", 256)?;
    let decode_len = env_usize("AGENT_BENCH_DECODE", 128)?;
    let reps = env_usize("AGENT_BENCH_REPS", 5)?.max(1);
    let prefix_len = env_usize("AGENT_BENCH_PREFIX", 1000)?;
    let turn_len = env_usize("AGENT_BENCH_TURN", 50)?;
    let turn_reps = env_usize("AGENT_BENCH_TURN_REPS", 3)?.max(1);

    let load_start = Instant::now();
    let mut model = LocalModel::load(&path, &Device::Cpu)?;
    let load_seconds = load_start.elapsed().as_secs_f64();
    let info = model.info().clone();
    let vocab = model.tokenizer().vocab_size();
    let file_name = info
        .path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let threads = match model.engine() {
        EngineKind::Native => model.threads().to_string(),
        EngineKind::Candle => std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| {
            std::thread::available_parallelism()
                .map(|n| n.get().to_string())
                .unwrap_or_else(|_| "?".to_string())
        }),
    };
    eprintln!(
        "loaded {file_name} ({}, {} layers, dim {}, {:.0} MB) in {load_seconds:.2} s; {} engine, {threads} threads",
        info.weight_type,
        info.block_count,
        info.embedding_length,
        info.file_size as f64 / 1e6,
        model.engine_description()
    );

    let prompt = token_ids(0, prompt_len, vocab);
    let greedy = GenerationConfig::greedy(decode_len as u32);
    let mut ignore = |_: &str| ControlFlow::Continue(());

    // Warm-up: page the weights in, let rayon spin up, fill allocator caches.
    model.clear_cache();
    model.generate(
        &prompt[..prompt_len.min(64)],
        &GenerationConfig::greedy(8),
        &mut ignore,
    )?;

    let mut prefill = Samples::default();
    let mut decode = Samples::default();
    let mut first_tokens = Vec::new();
    for rep in 0..reps {
        // Prefill: the prompt into an empty cache.
        model.clear_cache();
        let ((), wall, cpu) = timed(|| Ok(model.logits_after(&prompt).map(|_| ())?))?;
        prefill.push(prompt_len, wall, cpu);
        // Decode: the prompt is cached with its logits, so this only samples and steps.
        let (generation, wall, cpu) =
            timed(|| Ok(model.generate(&prompt, &greedy, &mut ignore)?))?;
        if generation.reused_prompt_tokens != prompt_len {
            return Err("the decode run computed the prompt again".into());
        }
        decode.push(generation.tokens.len(), wall, cpu);
        eprintln!(
            "  rep {}/{reps}: prefill {:.1} tok/s ({:.1} per CPU-s), decode {:.1} tok/s ({:.1} per CPU-s)",
            rep + 1,
            prefill.rate.last().copied().unwrap_or_default(),
            prefill.cpu_rate.last().copied().unwrap_or_default(),
            decode.rate.last().copied().unwrap_or_default(),
            decode.cpu_rate.last().copied().unwrap_or_default(),
        );
        if first_tokens.is_empty() {
            first_tokens = generation.tokens.iter().take(8).copied().collect();
        }
    }

    // Turn N: a conversation of `prefix_len` tokens, then a new turn of `turn_len` tokens.
    let conversation = token_ids(100_000, prefix_len + turn_len, vocab);
    let prefix = &conversation[..prefix_len];
    let one = GenerationConfig::greedy(1);
    let mut with_reuse = Vec::new();
    let mut without_reuse = Vec::new();
    for rep in 0..turn_reps {
        // With reuse: the previous turn left the prefix in the cache.
        model.clear_cache();
        model.logits_after(prefix)?;
        let (generation, reused_seconds, _) =
            timed(|| Ok(model.generate(&conversation, &one, &mut ignore)?))?;
        if generation.reused_prompt_tokens != prefix_len {
            return Err(format!(
                "expected {prefix_len} reused tokens, the backend reused {}",
                generation.reused_prompt_tokens
            )
            .into());
        }
        // Without reuse: the whole conversation is computed again.
        model.clear_cache();
        let (_, full_seconds, _) =
            timed(|| Ok(model.generate(&conversation, &one, &mut ignore)?))?;
        eprintln!(
            "  turn rep {}/{turn_reps}: with reuse {:.0} ms, without {:.0} ms",
            rep + 1,
            reused_seconds * 1e3,
            full_seconds * 1e3
        );
        with_reuse.push(reused_seconds * 1e3);
        without_reuse.push(full_seconds * 1e3);
    }

    let with_median = median(&mut with_reuse.clone());
    let without_median = median(&mut without_reuse.clone());

    println!();
    println!(
        "candle ({file_name}, {threads} threads, median of {reps}; turn N median of {turn_reps})"
    );
    println!();
    println!("| measurement | median | range | per CPU-second |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| prefill, {prompt_len}-token prompt | {:.1} tok/s | {} | {:.1} tok |",
        prefill.median(),
        spread(&prefill.rate),
        prefill.cpu_median()
    );
    println!(
        "| decode, {decode_len} greedy tokens | {:.1} tok/s | {} | {:.1} tok |",
        decode.median(),
        spread(&decode.rate),
        decode.cpu_median()
    );
    println!(
        "| turn N: {turn_len} new tokens after {prefix_len} cached (KV reuse) | {with_median:.0} ms | {} | |",
        spread(&with_reuse)
    );
    println!(
        "| turn N: all {} tokens again (no reuse) | {without_median:.0} ms | {} | |",
        prefix_len + turn_len,
        spread(&without_reuse)
    );
    println!(
        "| turn N speed-up from reuse | {:.1}× | | |",
        without_median / with_median
    );
    println!();
    println!("first greedy ids: {first_tokens:?}");

    if let Some(json_path) = std::env::var_os("AGENT_BENCH_JSON") {
        let line = serde_json::json!({
            "engine": model.engine().as_str(),
            "engine_description": model.engine_description(),
            "file": file_name,
            "weight_type": info.weight_type,
            "threads": threads,
            "load_s": load_seconds,
            "prompt_tokens": prompt_len,
            "decode_tokens": decode_len,
            "reps": reps,
            "prefill_tok_s": prefill.median(),
            "decode_tok_s": decode.median(),
            "prefill_tok_per_cpu_s": prefill.cpu_median(),
            "decode_tok_per_cpu_s": decode.cpu_median(),
            "prefill_tok_s_all": prefill.rate,
            "decode_tok_s_all": decode.rate,
            "prefix_tokens": prefix_len,
            "turn_tokens": turn_len,
            "turn_with_reuse_ms": with_median,
            "turn_without_reuse_ms": without_median,
            "turn_with_reuse_ms_all": with_reuse,
            "turn_without_reuse_ms_all": without_reuse,
            "first_ids": first_tokens,
            "loadavg": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
        });
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(json_path)?;
        writeln!(file, "{line}")?;
    }
    Ok(())
}

/// Tokens per wall-clock second and per CPU second of each repetition.
#[derive(Default)]
struct Samples {
    rate: Vec<f64>,
    cpu_rate: Vec<f64>,
}

impl Samples {
    fn push(&mut self, tokens: usize, wall: f64, cpu: f64) {
        self.rate.push(tokens as f64 / wall);
        self.cpu_rate.push(tokens as f64 / cpu);
    }

    fn median(&self) -> f64 {
        median(&mut self.rate.clone())
    }

    fn cpu_median(&self) -> f64 {
        median(&mut self.cpu_rate.clone())
    }
}
