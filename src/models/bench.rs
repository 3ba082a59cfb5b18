//! `agent models bench`: prefill and decode speed of a model on this machine, through the same
//! backend selection as `agent ask`, stored per machine (`model_benchmarks`) for
//! `agent models recommend`.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::{Duration, Instant};

use agent_core::store::{ModelBenchmark, ModelCall, ModelCallOutcome};
use agent_models::hardware::{ProbeOptions, probe};
use agent_models::local::EngineKind;
use agent_models::{ChatEvent, ChatMessage, ChatRequest, SamplingOptions, Usage};
use anyhow::Result;
use futures_util::StreamExt;
use serde::Serialize;

use super::runtime;
use crate::app::App;
use crate::backend::{local_backend, select};
use crate::cli::BackendArgs;
use crate::exit::Exit;
use crate::output::{note, print, print_json};

/// What one benchmark run measured.
#[derive(Debug, Serialize)]
struct BenchResult {
    backend: &'static str,
    /// The server URL, or the GGUF file.
    endpoint: String,
    model: String,
    prompt_tokens: u32,
    completion_tokens: u32,
    prefill_tokens_per_second: Option<f64>,
    decode_tokens_per_second: Option<f64>,
    /// From the request to the first token: prefill, without loading the model or setting up.
    time_to_first_token_ms: u64,
    total_ms: u64,
    /// Loading a local model, done before the timed request (`None` for a server).
    load_ms: Option<u64>,
    /// `backend` when the backend timed prefill and decode itself, `wall-clock` otherwise.
    timing_source: &'static str,
    /// The in-process engine (`candle`, `native`), for the local backend.
    engine: Option<&'static str>,
    /// Threads the in-process engine computes with, for the local backend: the native engine's
    /// own (`AGENT_LOCAL_THREADS`, else the physical cores), candle's rayon pool.
    threads: Option<u32>,
    /// The weight type of most of a local file's bytes.
    quantization: Option<String>,
    /// The machine the result is stored under (`agent models recommend` reads it back there).
    machine: String,
}

/// Bytes hashed at each end of a model file for its digest.
const DIGEST_SPAN: u64 = 1 << 20;

/// SHA-256 of a file's length, first and last MiB: a content identity of a multi-GB model
/// file that costs two reads, not a pass over the whole file.
fn file_digest(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut file = std::fs::File::open(path)?;
    let length = file.metadata()?.len();
    let mut hasher = Sha256::new();
    hasher.update(length.to_le_bytes());
    let mut buffer = Vec::new();
    (&mut file).take(DIGEST_SPAN).read_to_end(&mut buffer)?;
    hasher.update(&buffer);
    if length > DIGEST_SPAN {
        file.seek(SeekFrom::Start(
            length.saturating_sub(DIGEST_SPAN).max(DIGEST_SPAN),
        ))?;
        buffer.clear();
        file.take(DIGEST_SPAN).read_to_end(&mut buffer)?;
        hasher.update(&buffer);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

/// Threads of candle's engine, which computes on rayon's pool: `RAYON_NUM_THREADS`, else every
/// logical core.
fn rayon_threads() -> u32 {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|value| value.trim().parse::<u32>().ok())
        .filter(|n| *n > 0)
        .or_else(|| {
            std::thread::available_parallelism()
                .ok()
                .map(|n| n.get() as u32)
        })
        .unwrap_or(1)
}

/// The loaded local model's engine, its threads and how long loading took.
struct LocalFacts {
    engine: &'static str,
    threads: u32,
    load_ms: u64,
}

/// What the benchmark row says about a local GGUF file: digest, architecture, weight type,
/// size. Unreadable headers leave them empty: the speed is still worth keeping.
struct FileFacts {
    name: String,
    digest: Option<String>,
    architecture: Option<String>,
    quantization: Option<String>,
    weight_bytes: Option<u64>,
}

fn file_facts(path: &Path) -> FileFacts {
    let info = agent_models::local::inspect(path).ok();
    FileFacts {
        name: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
        digest: file_digest(path).ok(),
        architecture: info.as_ref().map(|info| info.architecture.to_string()),
        quantization: info.as_ref().map(|info| info.weight_type.clone()),
        weight_bytes: info
            .as_ref()
            .map(|info| info.file_size)
            .or_else(|| std::fs::metadata(path).ok().map(|meta| meta.len())),
    }
}

pub fn bench(
    app: &App,
    prompt_tokens: u32,
    decode_tokens: u32,
    json: bool,
    args: &BackendArgs,
) -> Result<Exit> {
    let (resolved, store) = app.config_and_store()?;
    let mut args = args.clone();
    args.temperature = Some(args.temperature.unwrap_or(0.0));
    let selected = select(app, &resolved, &args, true)?;
    // ~4 characters a token for English text; the backend reports the real count.
    let sentence =
        "The quick brown fox jumps over the lazy dog while the compiler checks every lifetime. ";
    let repeats = (prompt_tokens as usize * 4).div_ceil(sentence.len()).max(1);
    let prompt = format!("{}\nContinue the text.", sentence.repeat(repeats));
    let request = ChatRequest {
        options: SamplingOptions {
            max_tokens: Some(decode_tokens),
            ..selected.options.clone()
        },
        context_length: Some(selected.context_length),
        ..ChatRequest::new(selected.model.clone(), vec![ChatMessage::user(prompt)])
    };
    if !json {
        note(&format!(
            "benchmarking {} via {} ({} prompt tokens, {} to generate)…",
            selected.model, selected.backend_name, prompt_tokens, decode_tokens
        ));
    }
    // A local model is loaded (and its engine and threads read) before the clock starts: the
    // first token's time is the request's alone.
    let runtime = runtime()?;
    let local = selected.backend_name == "local";
    let mut backend = selected.backend;
    let mut loaded: Option<LocalFacts> = None;
    if local {
        let own = local_backend(app);
        let loading = Instant::now();
        let model = own.model(&selected.model)?;
        let (engine, threads) = {
            let model = model
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let threads = match model.engine() {
                EngineKind::Native => u32::try_from(model.threads()).unwrap_or(u32::MAX),
                EngineKind::Candle => rayon_threads(),
            };
            (model.engine_name(), threads)
        };
        loaded = Some(LocalFacts {
            engine,
            threads,
            load_ms: loading.elapsed().as_millis() as u64,
        });
        backend = Box::new(own);
    }
    let (usage, first_token, deltas, total) = runtime.block_on(async {
        let started = Instant::now();
        let mut stream = backend.chat(request);
        let mut usage = Usage::default();
        let mut first_token: Option<Duration> = None;
        let mut deltas = 0u32;
        while let Some(event) = stream.next().await {
            match event? {
                ChatEvent::TextDelta { .. } => {
                    first_token.get_or_insert_with(|| started.elapsed());
                    deltas += 1;
                }
                ChatEvent::Usage { usage: reported } => usage = reported,
                ChatEvent::Done { .. } => break,
                ChatEvent::ToolCall { .. } => {}
            }
        }
        anyhow::Ok((usage, first_token, deltas, started.elapsed()))
    })?;
    let first_token = first_token.unwrap_or(total);
    let completion_tokens = if usage.completion_tokens > 0 {
        usage.completion_tokens
    } else {
        deltas
    };
    let (prefill, decode, timing_source) = match (
        usage.prefill_tokens_per_second(),
        usage.decode_tokens_per_second(),
    ) {
        (Some(prefill), Some(decode)) => (Some(prefill), Some(decode), "backend"),
        _ => {
            let decode_time = total.saturating_sub(first_token).as_secs_f64();
            let prefill = (first_token.as_secs_f64() > 0.0 && usage.prompt_tokens > 0)
                .then(|| f64::from(usage.prompt_tokens) / first_token.as_secs_f64());
            let decode = (decode_time > 0.0 && completion_tokens > 1)
                .then(|| f64::from(completion_tokens - 1) / decode_time);
            (prefill, decode, "wall-clock")
        }
    };
    store.record_model_call(&ModelCall {
        task_id: None,
        conversation_id: None,
        agent_role: Some("bench".into()),
        backend: selected.backend_name.into(),
        model: selected.model.clone(),
        prompt_tokens: Some(u64::from(usage.prompt_tokens)),
        completion_tokens: Some(u64::from(completion_tokens)),
        latency_ms: Some(total.as_millis() as u64),
        first_token_ms: Some(first_token.as_millis() as u64),
        outcome: ModelCallOutcome::Ok,
        error: None,
        cache: None,
        reused_prompt_tokens: Some(u64::from(usage.reused_prompt_tokens)),
    })?;
    let machine = probe(ProbeOptions {
        measure_bandwidth: false,
        enumerate_all_gpus: false,
    })
    .machine_id();
    let facts = local.then(|| file_facts(Path::new(&selected.endpoint)));
    let engine = loaded.as_ref().map(|loaded| loaded.engine);
    let threads = loaded.as_ref().map(|loaded| loaded.threads);
    store.record_model_benchmark(&ModelBenchmark {
        machine: machine.clone(),
        backend: selected.backend_name.into(),
        model: facts
            .as_ref()
            .map_or_else(|| selected.model.clone(), |facts| facts.name.clone()),
        file_digest: facts.as_ref().and_then(|facts| facts.digest.clone()),
        architecture: facts.as_ref().and_then(|facts| facts.architecture.clone()),
        quantization: facts.as_ref().and_then(|facts| facts.quantization.clone()),
        weight_bytes: facts.as_ref().and_then(|facts| facts.weight_bytes),
        engine: engine.map(str::to_string),
        threads,
        prompt_tokens: u64::from(usage.prompt_tokens),
        completion_tokens: u64::from(completion_tokens),
        prefill_tokens_per_second: prefill,
        decode_tokens_per_second: decode,
        first_token_ms: Some(first_token.as_millis() as u64),
        created_at: 0,
    })?;
    let result = BenchResult {
        backend: selected.backend_name,
        endpoint: selected.endpoint,
        model: selected.model,
        prompt_tokens: usage.prompt_tokens,
        completion_tokens,
        prefill_tokens_per_second: prefill,
        decode_tokens_per_second: decode,
        time_to_first_token_ms: first_token.as_millis() as u64,
        total_ms: total.as_millis() as u64,
        load_ms: loaded.as_ref().map(|loaded| loaded.load_ms),
        timing_source,
        engine,
        threads,
        quantization: facts.and_then(|facts| facts.quantization),
        machine,
    };
    if json {
        print_json(&result)?;
    } else {
        let rate = |value: Option<f64>| {
            value.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1} tokens/s"))
        };
        let engine = match (result.engine, result.threads, result.load_ms) {
            (Some(engine), Some(threads), Some(load)) => {
                format!(
                    "engine   {engine}, {threads} threads (model loaded in {load} ms, not timed)\n"
                )
            }
            _ => String::new(),
        };
        print(&format!(
            "prefill  {} ({} tokens)\ndecode   {} ({} tokens)\nfirst token after {} ms, {} ms in all ({} timing)\n{engine}stored as this machine's measured speed ({}); `agent models recommend` uses it\n",
            rate(result.prefill_tokens_per_second),
            result.prompt_tokens,
            rate(result.decode_tokens_per_second),
            result.completion_tokens,
            result.time_to_first_token_ms,
            result.total_ms,
            result.timing_source,
            result.machine,
        ))?;
    }
    Ok(Exit::Ok)
}
