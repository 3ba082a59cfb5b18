//! `agent models bench`: prefill and decode speed of a model on this machine, through the same
//! backend selection as `agent ask`.

use std::time::{Duration, Instant};

use agent_core::store::{ModelCall, ModelCallOutcome};
use agent_models::{ChatEvent, ChatMessage, ChatRequest, SamplingOptions, Usage};
use anyhow::Result;
use futures_util::StreamExt;
use serde::Serialize;

use super::runtime;
use crate::app::App;
use crate::backend::select;
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
    time_to_first_token_ms: u64,
    total_ms: u64,
    /// `backend` when the backend timed prefill and decode itself, `wall-clock` otherwise.
    timing_source: &'static str,
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
    let started = Instant::now();
    let (usage, first_token, deltas) = runtime()?.block_on(async {
        let mut stream = selected.backend.chat(request);
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
        anyhow::Ok((usage, first_token, deltas))
    })?;
    let total = started.elapsed();
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
        timing_source,
    };
    if json {
        print_json(&result)?;
    } else {
        let rate = |value: Option<f64>| {
            value.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1} tokens/s"))
        };
        print(&format!(
            "prefill  {} ({} tokens)\ndecode   {} ({} tokens)\nfirst token after {} ms, {} ms in all ({} timing)\n",
            rate(result.prefill_tokens_per_second),
            result.prompt_tokens,
            rate(result.decode_tokens_per_second),
            result.completion_tokens,
            result.time_to_first_token_ms,
            result.total_ms,
            result.timing_source,
        ))?;
    }
    Ok(Exit::Ok)
}
