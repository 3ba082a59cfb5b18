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
//! The prompts are fixed token ids, `3 + (i * 2654435761 mod 2^32) mod (vocab - 3)`, so that
//! llama.cpp gets exactly the same tokens without depending on either engine's tokenizer; the
//! prefill/decode prompt uses i = 0.., the turn-N conversation i = 100000.. . Threads: candle
//! uses rayon's pool (all cores, or RAYON_NUM_THREADS).

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::io::Write;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use agent_models::local::{GenerationConfig, LocalModel};
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

fn seconds(duration: Option<Duration>) -> BenchResult<f64> {
    Ok(duration
        .ok_or("the backend reported no duration")?
        .as_secs_f64())
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
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| {
        std::thread::available_parallelism()
            .map(|n| n.get().to_string())
            .unwrap_or_else(|_| "?".to_string())
    });
    eprintln!(
        "loaded {file_name} ({}, {} layers, dim {}, {:.0} MB) in {load_seconds:.1} s; {threads} threads",
        info.weight_type,
        info.block_count,
        info.embedding_length,
        info.file_size as f64 / 1e6
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

    let mut prefill = Vec::new();
    let mut decode = Vec::new();
    let mut first_tokens = Vec::new();
    for rep in 0..reps {
        model.clear_cache();
        let generation = model.generate(&prompt, &greedy, &mut ignore)?;
        let prefill_rate = prompt_len as f64 / seconds(generation.usage.prompt_duration)?;
        let decode_rate = generation.usage.completion_tokens as f64
            / seconds(generation.usage.completion_duration)?;
        eprintln!(
            "  rep {}/{reps}: prefill {prefill_rate:.1} tok/s, decode {decode_rate:.1} tok/s",
            rep + 1
        );
        prefill.push(prefill_rate);
        decode.push(decode_rate);
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
        let generation = model.generate(&conversation, &one, &mut ignore)?;
        if generation.reused_prompt_tokens != prefix_len {
            return Err(format!(
                "expected {prefix_len} reused tokens, the backend reused {}",
                generation.reused_prompt_tokens
            )
            .into());
        }
        let reused_seconds = seconds(generation.usage.prompt_duration)?;
        // Without reuse: the whole conversation is computed again.
        model.clear_cache();
        let generation = model.generate(&conversation, &one, &mut ignore)?;
        let full_seconds = seconds(generation.usage.prompt_duration)?;
        eprintln!(
            "  turn rep {}/{turn_reps}: with reuse {:.0} ms, without {:.0} ms",
            rep + 1,
            reused_seconds * 1e3,
            full_seconds * 1e3
        );
        with_reuse.push(reused_seconds * 1e3);
        without_reuse.push(full_seconds * 1e3);
    }

    let prefill_median = median(&mut prefill.clone());
    let decode_median = median(&mut decode.clone());
    let with_median = median(&mut with_reuse.clone());
    let without_median = median(&mut without_reuse.clone());

    println!();
    println!(
        "candle ({file_name}, {threads} threads, median of {reps}; turn N median of {turn_reps})"
    );
    println!();
    println!("| measurement | median | range |");
    println!("| --- | ---: | ---: |");
    println!(
        "| prefill, {prompt_len}-token prompt | {prefill_median:.1} tok/s | {} |",
        spread(&prefill)
    );
    println!(
        "| decode, {decode_len} greedy tokens | {decode_median:.1} tok/s | {} |",
        spread(&decode)
    );
    println!(
        "| turn N: {turn_len} new tokens after {prefix_len} cached (KV reuse) | {with_median:.0} ms | {} |",
        spread(&with_reuse)
    );
    println!(
        "| turn N: all {} tokens again (no reuse) | {without_median:.0} ms | {} |",
        prefix_len + turn_len,
        spread(&without_reuse)
    );
    println!(
        "| turn N speed-up from reuse | {:.1}× | |",
        without_median / with_median
    );
    println!();
    println!("first greedy ids: {first_tokens:?}");

    if let Some(json_path) = std::env::var_os("AGENT_BENCH_JSON") {
        let line = serde_json::json!({
            "engine": "candle",
            "file": file_name,
            "weight_type": info.weight_type,
            "threads": threads,
            "load_s": load_seconds,
            "prompt_tokens": prompt_len,
            "decode_tokens": decode_len,
            "reps": reps,
            "prefill_tok_s": prefill_median,
            "decode_tok_s": decode_median,
            "prefill_tok_s_all": prefill,
            "decode_tok_s_all": decode,
            "prefix_tokens": prefix_len,
            "turn_tokens": turn_len,
            "turn_with_reuse_ms": with_median,
            "turn_without_reuse_ms": without_median,
            "first_ids": first_tokens,
        });
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(json_path)?;
        writeln!(file, "{line}")?;
    }
    Ok(())
}
