//! The local backend against the repository's tiny GGUF fixtures (`tests/fixtures/gguf/`, written
//! by `scripts/make-test-gguf.py`) and llama.cpp's reference output for them, plus files these
//! tests write themselves (cut-off, unknown architecture, a tiny Qwen3).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use candle_core::quantized::gguf_file::{self, Content, Value};
use candle_core::quantized::{GgmlDType, QTensor};
use candle_core::{Device, Tensor};
use futures_util::StreamExt;

use super::*;
use crate::chat::{ChatBackend, ChatEvent, ChatMessage, ChatRequest, DoneReason, SamplingOptions};
use crate::error::ModelError;

const F32_FILES: [&str; 2] = ["tiny-llama-f32.gguf", "tiny-qwen2-f32.gguf"];
const QUANTISED_FILES: [&str; 2] = ["tiny-llama-q8_0.gguf", "tiny-llama-q4_0.gguf"];
const PROMPTS: [&str; 2] = ["raw", "chatml"];

/// The vocabulary size of every fixture.
const FIXTURE_VOCAB: usize = 658;
/// Tokens of the ChatML prompt of one user message `hello` (the reference's `chatml` prompt).
const HELLO_PROMPT_TOKENS: u32 = 15;

/// The repository's GGUF fixtures folder, checked once.
fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/gguf"
        ));
        if !dir.join("llama_cpp_reference.json").is_file() {
            panic!(
                "model fixtures not found at {} (tests/fixtures/gguf/ of the repository)",
                dir.display()
            );
        }
        dir.to_path_buf()
    })
}

fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

#[allow(clippy::unwrap_used)]
fn reference() -> &'static serde_json::Value {
    static REFERENCE: OnceLock<serde_json::Value> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let text = std::fs::read_to_string(fixture("llama_cpp_reference.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    })
}

#[allow(clippy::unwrap_used)]
fn reference_ids(file: &str, prompt: &str, field: &str) -> Vec<u32> {
    reference()[file][prompt][field]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_u64().unwrap() as u32)
        .collect()
}

#[allow(clippy::unwrap_used)]
fn reference_prompt(file: &str, prompt: &str) -> String {
    reference()[file][prompt]["prompt"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Both engines, the default first.
const ENGINES: [EngineKind; 2] = [EngineKind::Native, EngineKind::Candle];

#[allow(clippy::unwrap_used)]
fn load(name: &str) -> LocalModel {
    let model = LocalModel::load(fixture(name), &Device::Cpu).unwrap();
    if std::env::var_os(ENGINE_ENV).is_none() {
        assert_eq!(model.engine(), EngineKind::Native, "the CPU default");
    }
    model
}

#[allow(clippy::unwrap_used)]
fn load_engine(name: &str, engine: EngineKind) -> LocalModel {
    let model = LocalModel::load_with_engine(fixture(name), &Device::Cpu, Some(engine)).unwrap();
    assert_eq!(model.engine(), engine);
    model
}

fn hello_request(model: &Path) -> ChatRequest {
    ChatRequest::new(model.to_string_lossy(), vec![ChatMessage::user("hello")])
}

#[allow(clippy::unwrap_used)]
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

fn collect_events(
    backend: &LocalBackend,
    request: ChatRequest,
) -> Vec<Result<ChatEvent, ModelError>> {
    block_on(backend.chat(request).collect::<Vec<_>>())
}

#[test]
fn the_tokenizer_from_metadata_gives_the_reference_prompt_ids() {
    for file in F32_FILES.into_iter().chain(QUANTISED_FILES) {
        let model = load(file);
        let raw = model
            .tokenize(&reference_prompt(file, "raw"), false)
            .unwrap();
        assert_eq!(raw, reference_ids(file, "raw", "prompt_ids"), "{file} raw");

        let request = ChatRequest::new(file, vec![ChatMessage::user("hello")]);
        let rendered = model.render_prompt(&request).unwrap();
        assert_eq!(
            rendered,
            reference_prompt(file, "chatml"),
            "{file} template"
        );
        let chatml = model.prompt_tokens(&request).unwrap();
        assert_eq!(chatml.len(), HELLO_PROMPT_TOKENS as usize, "{file}");
        assert_eq!(
            chatml,
            reference_ids(file, "chatml", "prompt_ids"),
            "{file} chatml"
        );

        // Without special-token parsing the markup is plain text.
        let plain = model.tokenize(&rendered, false).unwrap();
        assert!(!plain.contains(&1) && plain.len() > chatml.len(), "{file}");
        assert_eq!(model.detokenize(&raw), reference_prompt(file, "raw"));
    }
}

#[test]
fn end_tokens_come_from_metadata() {
    let model = load("tiny-qwen2-f32.gguf");
    let tokenizer = model.tokenizer();
    assert_eq!(tokenizer.eos_token_id(), Some(2));
    assert_eq!(tokenizer.bos_token_id(), Some(0));
    assert!(!tokenizer.adds_bos_token());
    assert_eq!(tokenizer.token_type(1), Some(TokenType::Control));
    assert!(tokenizer.is_end_of_generation(2));
    assert!(!tokenizer.is_end_of_generation(1));
    assert!(
        tokenizer.token_bytes(1).is_empty(),
        "control tokens print nothing"
    );
    assert_eq!(model.info().architecture, Architecture::Qwen2);
    assert_eq!(model.info().trained_context_length, 2048);
    assert!(model.info().notes.is_empty());
    assert_eq!(model.context_length(None), 2048);
    assert_eq!(model.context_length(Some(100_000)), 2048);
    assert_eq!(model.context_length(Some(512)), 512);
}

#[test]
fn greedy_generation_on_f32_files_matches_llama_cpp() {
    for engine in ENGINES {
        for file in F32_FILES {
            let mut model = load_engine(file, engine);
            for prompt in PROMPTS {
                let prompt_ids = reference_ids(file, prompt, "prompt_ids");
                let generated = model.generate_greedy(&prompt_ids, 32).unwrap();
                assert_eq!(
                    generated,
                    reference_ids(file, prompt, "greedy_ids"),
                    "{engine} {file} {prompt}"
                );
            }
        }
    }
}

#[test]
fn the_native_engine_gives_candles_logits() {
    let dir = tempfile::tempdir().unwrap();
    let qwen3 = dir.path().join("qwen3.gguf");
    write_tiny_qwen3(&qwen3);
    let files: Vec<PathBuf> = F32_FILES
        .into_iter()
        .chain(QUANTISED_FILES)
        .map(fixture)
        .chain([qwen3])
        .collect();
    let prompt = reference_ids("tiny-llama-f32.gguf", "chatml", "prompt_ids");
    for file in &files {
        let mut logits = Vec::new();
        for engine in ENGINES {
            let mut model = LocalModel::load_with_engine(file, &Device::Cpu, Some(engine)).unwrap();
            // The prompt in one batch, then three single-token steps.
            let mut tokens = prompt.clone();
            let mut per_step = vec![model.logits_after(&tokens).unwrap()];
            for next in [5, 77, 300] {
                tokens.push(next);
                per_step.push(model.logits_after(&tokens).unwrap());
            }
            logits.push(per_step);
        }
        let name = file.file_name().unwrap().to_string_lossy();
        // F16 keys and values in the native engine (f32 in candle): a small difference.
        let tolerance = if name.contains("q4_0") || name.contains("q8_0") {
            0.05
        } else {
            0.02
        };
        for (step, (native, candle)) in logits[0].iter().zip(&logits[1]).enumerate() {
            assert_eq!(native.len(), candle.len());
            let worst = native
                .iter()
                .zip(candle)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            let scale = candle.iter().map(|v| v.abs()).fold(0.0f32, f32::max);
            assert!(
                worst <= tolerance * scale.max(1.0),
                "{name} step {step}: logits differ by {worst} (largest {scale})"
            );
        }
    }
}

#[test]
fn quantised_files_load_give_finite_logits_and_agree_on_a_prefix() {
    // Engines quantise activations differently and random weights give near-ties, so only a
    // prefix is expected to agree (see tests/fixtures/gguf/README.md); the first 5 tokens of
    // both prompts agree for both files.
    const AGREED_PREFIX: usize = 5;
    for (engine, file) in ENGINES
        .into_iter()
        .flat_map(|engine| QUANTISED_FILES.map(|file| (engine, file)))
    {
        let mut model = load_engine(file, engine);
        assert_eq!(model.info().architecture, Architecture::Llama);
        let expected_type = if file.contains("q8_0") {
            "Q8_0"
        } else {
            "Q4_0"
        };
        assert_eq!(model.info().weight_type, expected_type);
        for prompt in PROMPTS {
            let prompt_ids = reference_ids(file, prompt, "prompt_ids");
            let logits = model.logits_after(&prompt_ids).unwrap();
            assert_eq!(logits.len(), FIXTURE_VOCAB);
            assert!(
                logits.iter().all(|logit| logit.is_finite()),
                "{file} {prompt}"
            );
            let generated = model
                .generate_greedy(&prompt_ids, AGREED_PREFIX as u32)
                .unwrap();
            let expected = reference_ids(file, prompt, "greedy_ids");
            // The native engine's Q4_0 ChatML answer meets a near-tie at its 5th token.
            let prefix = match engine {
                EngineKind::Native => AGREED_PREFIX - 1,
                EngineKind::Candle => AGREED_PREFIX,
            };
            assert_eq!(
                generated[..prefix],
                expected[..prefix],
                "{engine} {file} {prompt}"
            );
        }
    }
}

#[test]
fn greedy_and_seeded_sampling_are_reproducible() {
    let mut model = load("tiny-llama-f32.gguf");
    let prompt = reference_ids("tiny-llama-f32.gguf", "chatml", "prompt_ids");
    let sampled = |model: &mut LocalModel, seed: u64| {
        let mut config = GenerationConfig::greedy(24);
        config.sampler = SamplerConfig {
            temperature: Some(0.9),
            top_k: Some(40),
            top_p: Some(0.95),
            repeat_penalty: Some(1.1),
            seed,
        };
        model
            .generate(&prompt, &config, &mut |_| {
                std::ops::ControlFlow::Continue(())
            })
            .unwrap()
            .tokens
    };
    let first = sampled(&mut model, 7);
    // The second run reuses the cached prompt; a fresh model computes it again.
    assert_eq!(first, sampled(&mut model, 7));
    assert_eq!(first, sampled(&mut load("tiny-llama-f32.gguf"), 7));
    assert_ne!(first, sampled(&mut model, 8));

    let greedy = model.generate_greedy(&prompt, 16).unwrap();
    model.clear_cache();
    assert_eq!(greedy, model.generate_greedy(&prompt, 16).unwrap());
}

#[test]
fn continuing_from_the_kv_cache_gives_the_logits_of_a_full_recompute() {
    for file in F32_FILES.into_iter().chain(["tiny-llama-q4_0.gguf"]) {
        let mut model = load(file);
        let first = reference_ids(file, "chatml", "prompt_ids");
        let mut whole = first.clone();
        whole.extend(reference_ids(file, "raw", "prompt_ids"));

        model.logits_after(&first).unwrap();
        let continued = model.logits_after(&whole).unwrap();
        assert_eq!(model.cached_tokens(), whole.as_slice());
        // One more token through the single-token path.
        whole.push(42);
        let stepped = model.logits_after(&whole).unwrap();

        let mut fresh = load(file);
        let recomputed = fresh.logits_after(&whole[..whole.len() - 1]).unwrap();
        let recomputed_step = fresh.logits_after(&whole).unwrap();
        fresh.clear_cache();
        let from_scratch = fresh.logits_after(&whole).unwrap();

        assert_close(&continued, &recomputed, file);
        assert_close(&stepped, &recomputed_step, file);
        assert_close(&stepped, &from_scratch, file);
    }
}

fn assert_close(a: &[f32], b: &[f32], what: &str) {
    assert_eq!(a.len(), b.len());
    let worst = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0f32, f32::max);
    if worst > 1e-3 {
        panic!("{what}: logits differ by up to {worst}");
    }
}

#[test]
fn a_diverging_prompt_keeps_only_the_shared_part_of_the_cache() {
    let mut model = load("tiny-llama-f32.gguf");
    let chatml = reference_ids("tiny-llama-f32.gguf", "chatml", "prompt_ids");
    let raw = reference_ids("tiny-llama-f32.gguf", "raw", "prompt_ids");
    model.logits_after(&chatml).unwrap();
    let after_reset = model.logits_after(&raw).unwrap();
    assert_eq!(model.cached_tokens(), raw.as_slice());
    let mut fresh = load("tiny-llama-f32.gguf");
    assert_close(&after_reset, &fresh.logits_after(&raw).unwrap(), "reset");

    let config = GenerationConfig::greedy(4);
    let run = |model: &mut LocalModel, prompt: &[u32]| {
        model
            .generate(
                prompt,
                &config,
                &mut |_| std::ops::ControlFlow::Continue(()),
            )
            .unwrap()
    };
    assert_eq!(run(&mut model, &raw).reused_prompt_tokens, raw.len());
    let shared = raw.iter().zip(&chatml).take_while(|(a, b)| a == b).count();
    assert!(shared < raw.len().min(chatml.len()));
    assert_eq!(run(&mut model, &chatml).reused_prompt_tokens, shared);
}

#[test]
fn streaming_through_the_backend_equals_the_direct_answer() {
    let path = fixture("tiny-qwen2-f32.gguf");
    let mut request = hello_request(&path);
    request.options = SamplingOptions {
        temperature: Some(0.8),
        seed: Some(3),
        max_tokens: Some(20),
        ..SamplingOptions::default()
    };
    let backend = LocalBackend::with_device(select_device(DevicePreference::Cpu));
    assert_eq!(backend.name(), "local");
    let events = collect_events(&backend, request.clone());
    let events: Vec<ChatEvent> = events.into_iter().map(Result::unwrap).collect();

    let mut text = String::new();
    let mut iter = events.iter();
    let mut usage = None;
    for event in iter.by_ref() {
        match event {
            ChatEvent::TextDelta { text: delta } => {
                assert!(!delta.is_empty());
                text.push_str(delta);
            }
            ChatEvent::Usage { usage: reported } => {
                usage = Some(*reported);
                break;
            }
            other => panic!("unexpected {other:?} before usage"),
        }
    }
    assert_eq!(
        iter.next(),
        Some(&ChatEvent::Done {
            reason: DoneReason::Length
        })
    );
    assert_eq!(iter.next(), None);
    let usage = usage.unwrap();
    assert_eq!(usage.prompt_tokens, HELLO_PROMPT_TOKENS);
    assert_eq!(usage.completion_tokens, 20);
    assert!(usage.prompt_duration.is_some() && usage.decode_tokens_per_second().is_some());

    let mut model = load("tiny-qwen2-f32.gguf");
    let direct = model.complete(&request).unwrap();
    assert_eq!(direct.finish, FinishReason::Length);
    assert_eq!(text, direct.text);
    assert_eq!(text, model.detokenize(&direct.tokens));

    // The backend kept the model: a second call answers alike from the same seed.
    let again = collect_events(&backend, request);
    let again_text: String = again
        .iter()
        .filter_map(|event| match event {
            Ok(ChatEvent::TextDelta { text }) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(again_text, text);
    let loaded = backend.model(&path.to_string_lossy()).unwrap();
    assert!(!loaded.lock().unwrap().cached_tokens().is_empty());
}

#[test]
fn a_stop_string_ends_the_answer_before_it() {
    let mut model = load("tiny-llama-f32.gguf");
    let path = fixture("tiny-llama-f32.gguf");
    let mut request = hello_request(&path);
    request.options.max_tokens = Some(32);
    let full = model.complete(&request).unwrap().text;
    // A stop string from the middle of the greedy answer.
    let chars: Vec<char> = full.chars().collect();
    assert!(chars.len() > 12, "{full:?}");
    let stop: String = chars[8..11].iter().collect();
    let expected_prefix = &full[..full.find(&stop).unwrap()];
    request.options.stop = vec![stop.clone()];
    let stopped = model.complete(&request).unwrap();
    assert_eq!(stopped.finish, FinishReason::Stop);
    assert_eq!(stopped.text, expected_prefix);
    assert!(!stopped.text.contains(&stop));

    let backend = LocalBackend::with_device(select_device(DevicePreference::Cpu));
    let events = collect_events(&backend, request);
    let streamed: String = events
        .iter()
        .filter_map(|event| match event {
            Ok(ChatEvent::TextDelta { text }) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed, expected_prefix);
    assert!(matches!(
        events.last(),
        Some(Ok(ChatEvent::Done {
            reason: DoneReason::Stop
        }))
    ));
}

#[test]
fn an_end_token_ends_the_answer_and_is_not_printed() {
    // Make the fourth greedy token of the reference answer the file's EOS.
    let file = "tiny-llama-f32.gguf";
    let greedy = reference_ids(file, "chatml", "greedy_ids");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("eos.gguf");
    rewrite_fixture(
        file,
        &path,
        &[("tokenizer.ggml.eos_token_id", Value::U32(greedy[3]))],
    );
    let mut model = LocalModel::load(&path, &Device::Cpu).unwrap();
    let mut request = hello_request(&path);
    request.options.max_tokens = Some(32);
    let answer = model.complete(&request).unwrap();
    assert_eq!(answer.finish, FinishReason::Stop);
    assert_eq!(answer.tokens, greedy[..4]);
    assert_eq!(answer.text, model.detokenize(&greedy[..3]));
    assert_eq!(answer.usage.completion_tokens, 4);

    // The next turn starts with the cached conversation and computes only the new part.
    let mut next = request.clone();
    next.messages
        .push(ChatMessage::assistant(answer.text.clone()));
    next.messages.push(ChatMessage::user("more"));
    let next_prompt = model.prompt_tokens(&next).unwrap();
    let cached = model.cached_tokens().len();
    assert_eq!(
        cached,
        HELLO_PROMPT_TOKENS as usize + 3,
        "the prompt and the answer before its end token"
    );
    assert!(next_prompt.starts_with(model.cached_tokens()));
    let second = model.complete(&next).unwrap();
    assert_eq!(second.reused_prompt_tokens, cached);
    assert_eq!(second.usage.prompt_tokens as usize, next_prompt.len());
}

#[test]
fn bos_is_added_once_when_the_file_asks_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bos.gguf");
    rewrite_fixture(
        "tiny-llama-q4_0.gguf",
        &path,
        &[
            ("tokenizer.ggml.add_bos_token", Value::Bool(true)),
            (
                "tokenizer.chat_template",
                Value::String(
                    "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}".into(),
                ),
            ),
        ],
    );
    let model = LocalModel::load(&path, &Device::Cpu).unwrap();
    assert!(model.tokenizer().adds_bos_token());
    let with_template_bos = model.prompt_tokens(&hello_request(&path)).unwrap();
    assert_eq!(with_template_bos[0], 0);
    assert_ne!(with_template_bos[1], 0);
    assert_eq!(model.tokenizer().encode_prompt("hello").unwrap()[0], 0);
    assert_ne!(model.tokenize("hello", true).unwrap()[0], 0);
}

#[test]
fn a_prompt_that_does_not_fit_is_refused_with_the_numbers() {
    let path = fixture("tiny-llama-f32.gguf");
    let mut model = load("tiny-llama-f32.gguf");
    let prompt = reference_ids("tiny-llama-f32.gguf", "chatml", "prompt_ids");
    let mut config = GenerationConfig::greedy(10);
    config.context_length = Some(20);
    let error = model
        .generate(&prompt, &config, &mut |_| {
            std::ops::ControlFlow::Continue(())
        })
        .unwrap_err();
    assert!(
        matches!(
            error,
            ModelError::ContextOverflow {
                prompt_tokens: HELLO_PROMPT_TOKENS,
                context_length: 20,
                reserved: 10
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("15") && error.to_string().contains("20"));

    let mut request = hello_request(&path);
    request.context_length = Some(8);
    let backend = LocalBackend::with_device(select_device(DevicePreference::Cpu));
    let events = collect_events(&backend, request);
    assert_eq!(events.len(), 1);
    assert!(matches!(
        events[0],
        Err(ModelError::ContextOverflow {
            prompt_tokens: HELLO_PROMPT_TOKENS,
            context_length: 8,
            reserved: 0
        })
    ));
}

#[test]
fn a_long_answer_without_max_tokens_stops_at_the_context_end() {
    let mut model = load("tiny-llama-f32.gguf");
    let prompt = reference_ids("tiny-llama-f32.gguf", "raw", "prompt_ids");
    let mut config = GenerationConfig::greedy(0);
    config.max_tokens = None;
    config.context_length = Some(16);
    let generation = model
        .generate(&prompt, &config, &mut |_| {
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(generation.finish, FinishReason::Length);
    assert_eq!(generation.tokens.len(), 16 - prompt.len());
}

#[test]
fn dropping_the_stream_stops_generation() {
    let path = fixture("tiny-llama-f32.gguf");
    let mut request = hello_request(&path);
    request.options.max_tokens = Some(1500);
    let backend = LocalBackend::with_device(select_device(DevicePreference::Cpu));
    block_on(async {
        let mut stream = backend.chat(request);
        let first = stream.next().await;
        assert!(
            matches!(first, Some(Ok(ChatEvent::TextDelta { .. }))),
            "{first:?}"
        );
    });
    // The generation thread notices the closed channel and releases the model.
    let model = backend.model(&path.to_string_lossy()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(model) = model.try_lock() {
            assert!(
                model.cached_tokens().len() < HELLO_PROMPT_TOKENS as usize + 1500,
                "generation ran to the end"
            );
            break;
        }
        assert!(Instant::now() < deadline, "generation did not stop");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_cut_off_file_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("tiny-llama-q4_0.gguf")).unwrap();
    for (length, expected) in [
        (bytes.len() - 1000, "truncated"),
        (bytes.len() / 2, "truncated"),
        (200, "not a readable GGUF"),
        (3, "not a readable GGUF"),
    ] {
        let path = dir.path().join(format!("cut-{length}.gguf"));
        std::fs::write(&path, &bytes[..length]).unwrap();
        let error = LocalModel::load(&path, &Device::Cpu).err().unwrap();
        assert!(matches!(error, ModelError::ModelFile { .. }), "{error}");
        assert!(error.to_string().contains(expected), "{length}: {error}");
    }
    let path = dir.path().join("not-gguf.gguf");
    std::fs::write(&path, b"hello world, not a model at all").unwrap();
    let error = LocalModel::load(&path, &Device::Cpu).err().unwrap();
    assert!(matches!(error, ModelError::ModelFile { .. }), "{error}");

    let missing = LocalModel::load(dir.path().join("absent.gguf"), &Device::Cpu)
        .err()
        .unwrap();
    assert!(matches!(missing, ModelError::Io { .. }), "{missing}");
}

/// Rewrites a fixture with other metadata values (same tensors).
#[allow(clippy::unwrap_used)]
fn rewrite_fixture(source: &str, target: &Path, changes: &[(&str, Value)]) {
    let mut reader = BufReader::new(File::open(fixture(source)).unwrap());
    let content = Content::read(&mut reader).unwrap();
    let mut metadata: Vec<(String, Value)> = content
        .metadata
        .iter()
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    for (key, value) in changes {
        metadata.retain(|(existing, _)| existing != key);
        metadata.push((key.to_string(), value.clone()));
    }
    let tensors: Vec<(String, QTensor)> = content
        .tensor_infos
        .keys()
        .map(|name| {
            let tensor = content.tensor(&mut reader, name, &Device::Cpu).unwrap();
            (name.clone(), tensor)
        })
        .collect();
    write_gguf(target, &metadata, &tensors);
}

#[allow(clippy::unwrap_used)]
fn write_gguf(path: &Path, metadata: &[(String, Value)], tensors: &[(String, QTensor)]) {
    let metadata: Vec<(&str, &Value)> = metadata.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let tensors: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let mut file = File::create(path).unwrap();
    gguf_file::write(&mut file, &metadata, &tensors).unwrap();
}

#[test]
fn an_unknown_architecture_is_named_with_the_supported_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mamba.gguf");
    rewrite_fixture(
        "tiny-llama-f32.gguf",
        &path,
        &[("general.architecture", Value::String("mamba".into()))],
    );
    let error = LocalModel::load(&path, &Device::Cpu).err().unwrap();
    assert!(matches!(error, ModelError::ModelFile { .. }), "{error}");
    let message = error.to_string();
    assert!(message.contains("`mamba`"), "{message}");
    assert!(message.contains("llama, qwen2, qwen3"), "{message}");
}

#[test]
fn a_sentencepiece_tokenizer_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spm.gguf");
    rewrite_fixture(
        "tiny-llama-f32.gguf",
        &path,
        &[("tokenizer.ggml.model", Value::String("llama".into()))],
    );
    let error = LocalModel::load(&path, &Device::Cpu).err().unwrap();
    assert!(error.to_string().contains("SentencePiece"), "{error}");
}

#[test]
fn a_template_from_the_file_is_used_and_a_missing_one_falls_back_to_chatml() {
    let dir = tempfile::tempdir().unwrap();
    let custom = dir.path().join("custom.gguf");
    rewrite_fixture(
        "tiny-llama-f32.gguf",
        &custom,
        &[(
            "tokenizer.chat_template",
            Value::String(
                "{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}"
                    .into(),
            ),
        )],
    );
    let model = LocalModel::load(&custom, &Device::Cpu).unwrap();
    let request = hello_request(&custom);
    assert_eq!(
        model.render_prompt(&request).unwrap(),
        "[user]hello[assistant]"
    );
    assert!(!model.template().is_fallback());
    assert!(
        load("tiny-llama-f32.gguf")
            .template()
            .source()
            .contains("im_start")
    );
}

#[test]
fn an_ollama_model_name_resolves_to_its_blob() {
    let root = tempfile::tempdir().unwrap();
    let hex = "0123456789abcdef".repeat(4);
    let manifests = root
        .path()
        .join("manifests/registry.ollama.ai/library/tiny");
    std::fs::create_dir_all(&manifests).unwrap();
    std::fs::create_dir_all(root.path().join("blobs")).unwrap();
    std::fs::write(
        manifests.join("latest"),
        format!(
            r#"{{"layers":[{{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:{hex}","size":1}}]}}"#
        ),
    )
    .unwrap();
    let blob = root.path().join(format!("blobs/sha256-{hex}"));
    std::fs::copy(fixture("tiny-llama-q8_0.gguf"), &blob).unwrap();

    let backend = LocalBackend::with_device(select_device(DevicePreference::Cpu))
        .with_ollama_models(root.path());
    assert_eq!(backend.resolve("tiny").unwrap(), blob);
    let mut request = ChatRequest::new("tiny", vec![ChatMessage::user("hello")]);
    request.options.max_tokens = Some(3);
    let events = collect_events(&backend, request);
    assert!(matches!(
        events.last(),
        Some(Ok(ChatEvent::Done {
            reason: DoneReason::Length
        }))
    ));
    let missing = collect_events(&backend, ChatRequest::new("absent:7b", vec![]));
    assert!(matches!(missing[0], Err(ModelError::ModelNotFound { .. })));
}

/// A tiny random Qwen3 (q/k norms), written with candle's GGUF writer.
#[allow(clippy::unwrap_used)]
fn write_tiny_qwen3(path: &Path) {
    let mut reader = BufReader::new(File::open(fixture("tiny-llama-f32.gguf")).unwrap());
    let content = Content::read(&mut reader).unwrap();
    let mut metadata: Vec<(String, Value)> = content
        .metadata
        .iter()
        .filter(|(key, _)| key.starts_with("tokenizer."))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let (vocab, dim, heads, kv_heads, head_dim, ff, layers) = (FIXTURE_VOCAB, 64, 4, 2, 16, 96, 2);
    for (key, value) in [
        ("general.architecture", Value::String("qwen3".into())),
        ("qwen3.attention.head_count", Value::U32(heads as u32)),
        ("qwen3.attention.head_count_kv", Value::U32(kv_heads as u32)),
        ("qwen3.attention.key_length", Value::U32(head_dim as u32)),
        ("qwen3.block_count", Value::U32(layers as u32)),
        ("qwen3.embedding_length", Value::U32(dim as u32)),
        ("qwen3.context_length", Value::U32(1024)),
        ("qwen3.attention.layer_norm_rms_epsilon", Value::F32(1e-6)),
        ("qwen3.rope.freq_base", Value::F32(10000.0)),
    ] {
        metadata.push((key.to_string(), value));
    }
    let device = Device::Cpu;
    let random = |shape: &[usize], std: f64| {
        let tensor = Tensor::randn(0f32, std as f32, shape, &device).unwrap();
        QTensor::quantize(&tensor, GgmlDType::F32).unwrap()
    };
    let norm = |size: usize| {
        let tensor = (Tensor::randn(0f32, 0.1, size, &device).unwrap() + 1.0).unwrap();
        QTensor::quantize(&tensor, GgmlDType::F32).unwrap()
    };
    let mut tensors = vec![
        ("token_embd.weight".to_string(), random(&[vocab, dim], 0.15)),
        ("output_norm.weight".to_string(), norm(dim)),
        ("output.weight".to_string(), random(&[vocab, dim], 0.15)),
    ];
    for layer in 0..layers {
        let name = |suffix: &str| format!("blk.{layer}.{suffix}");
        tensors.extend([
            (name("attn_norm.weight"), norm(dim)),
            (name("ffn_norm.weight"), norm(dim)),
            (
                name("attn_q.weight"),
                random(&[heads * head_dim, dim], 0.15),
            ),
            (
                name("attn_k.weight"),
                random(&[kv_heads * head_dim, dim], 0.15),
            ),
            (
                name("attn_v.weight"),
                random(&[kv_heads * head_dim, dim], 0.15),
            ),
            (
                name("attn_output.weight"),
                random(&[dim, heads * head_dim], 0.15),
            ),
            (name("attn_q_norm.weight"), norm(head_dim)),
            (name("attn_k_norm.weight"), norm(head_dim)),
            (name("ffn_gate.weight"), random(&[ff, dim], 0.15)),
            (name("ffn_up.weight"), random(&[ff, dim], 0.15)),
            (name("ffn_down.weight"), random(&[dim, ff], 0.15)),
        ]);
    }
    write_gguf(path, &metadata, &tensors);
}

#[test]
fn a_written_qwen3_loads_and_its_cache_agrees_with_a_recompute() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("qwen3.gguf");
    write_tiny_qwen3(&path);
    let mut model = LocalModel::load(&path, &Device::Cpu).unwrap();
    assert_eq!(model.info().architecture, Architecture::Qwen3);
    let first = reference_ids("tiny-llama-f32.gguf", "chatml", "prompt_ids");
    let mut whole = first.clone();
    whole.extend(reference_ids("tiny-llama-f32.gguf", "raw", "prompt_ids"));
    model.logits_after(&first).unwrap();
    let continued = model.logits_after(&whole).unwrap();
    assert!(continued.iter().all(|logit| logit.is_finite()));
    model.clear_cache();
    assert_close(&continued, &model.logits_after(&whole).unwrap(), "qwen3");
    let greedy = model.generate_greedy(&first, 8).unwrap();
    model.clear_cache();
    assert_eq!(greedy, model.generate_greedy(&first, 8).unwrap());
}

/// Decode speed on the fixtures: `cargo test --release -p agent-models -- --ignored --nocapture
/// decode_speed`. A measurement, not a test of a goal.
#[test]
#[ignore]
fn decode_speed() {
    for file in F32_FILES.into_iter().chain(QUANTISED_FILES) {
        let mut model = load(file);
        let prompt = reference_ids(file, "chatml", "prompt_ids");
        model.generate_greedy(&prompt, 8).unwrap();
        model.clear_cache();
        let config = GenerationConfig::greedy(256);
        let generation = model
            .generate(&prompt, &config, &mut |_| {
                std::ops::ControlFlow::Continue(())
            })
            .unwrap();
        let usage = generation.usage;
        println!(
            "{file}: prefill {} tokens in {:?}, decode {:.0} tokens/s ({} tokens in {:?})",
            usage.prompt_tokens,
            usage.prompt_duration.unwrap(),
            usage.decode_tokens_per_second().unwrap(),
            usage.completion_tokens,
            usage.completion_duration.unwrap()
        );
    }
}

fn read_file_tool() -> crate::chat::ToolSpec {
    crate::chat::ToolSpec {
        name: "read_file".into(),
        description: "Read a file".into(),
        parameters: serde_json::json!({"type": "object", "properties": {"path": {"type": "string"}},
            "required": ["path"]}),
    }
}

#[test]
fn tools_go_into_the_prompt_as_text_when_the_template_does_not_read_them() {
    let path = fixture("tiny-llama-f32.gguf");
    let model = load("tiny-llama-f32.gguf");
    assert!(!model.template().reads_tools());
    let mut request = hello_request(&path);
    request.tools = vec![read_file_tool()];
    let prompt = model.render_prompt(&request).unwrap();
    assert_eq!(
        prompt,
        "<|im_start|>system\n# Tools\nYou can call these tools (`?` marks an optional argument):\n\
         read_file(path: string) — Read a file\n\n\
         To call a tool, write a block like this, one block per call, then stop and wait:\n\
         ```tool\n{\"name\":\"read_file\",\"arguments\":{\"path\":\"...\"}}\n```\n\
         Each result comes back in the next message, starting `Result of NAME (call_N):`.\n<|im_end|>\n\
         <|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n"
    );
    let without_tools = model.prompt_tokens(&hello_request(&path)).unwrap();
    assert!(model.prompt_tokens(&request).unwrap().len() > without_tools.len());

    // Earlier calls and their results are rewritten as text too.
    let call = crate::chat::ToolCall {
        id: "call_1".into(),
        name: "read_file".into(),
        arguments: serde_json::json!({"path": "a.rs"}),
    };
    let mut assistant = ChatMessage::assistant("Looking.");
    assistant.tool_calls.push(call.clone());
    request
        .messages
        .extend([assistant, ChatMessage::tool_result(&call, "fn main() {}")]);
    let prompt = model.render_prompt(&request).unwrap();
    assert!(
        prompt.ends_with(
            "<|im_start|>assistant\nLooking.\n\n```tool\n{\"name\":\"read_file\",\"arguments\":{\"path\":\"a.rs\"}}\n```<|im_end|>\n\
             <|im_start|>user\nResult of read_file (call_1):\n```\nfn main() {}\n```<|im_end|>\n<|im_start|>assistant\n"
        ),
        "{prompt}"
    );
}

#[test]
fn a_template_that_reads_tools_is_given_them() {
    let dir = tempfile::tempdir().unwrap();
    let custom = dir.path().join("tools.gguf");
    rewrite_fixture(
        "tiny-llama-f32.gguf",
        &custom,
        &[(
            "tokenizer.chat_template",
            Value::String(
                "{% if tools %}{% for tool in tools %}<tool>{{ tool.function.name }}</tool>{% endfor %}{% endif %}\
                 {% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}"
                    .into(),
            ),
        )],
    );
    let model = LocalModel::load(&custom, &Device::Cpu).unwrap();
    assert!(model.template().reads_tools());
    let mut request = hello_request(&custom);
    request.tools = vec![read_file_tool()];
    assert_eq!(
        model.render_prompt(&request).unwrap(),
        "<tool>read_file</tool>[user]hello"
    );
}
