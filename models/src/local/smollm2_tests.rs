//! The real model: SmolLM2-135M-Instruct Q4_1 (from `AGENT_SMOLLM2_GGUF`, else fetched once and
//! checked by `scripts/fetch-test-model.sh`) must give llama.cpp's greedy ids, recorded in
//! `tests/fixtures/smollm2_reference.json` by `scripts/llama-cpp-reference.sh --smollm2`. These
//! tests fail, not skip, when the model cannot be had.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use candle_core::Device;

use super::*;
use crate::chat::{ChatMessage, ChatRequest};

fn repository() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The model's path, fetched at most once per test process.
#[allow(clippy::unwrap_used)]
fn smollm2() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        if let Some(path) = std::env::var_os("AGENT_SMOLLM2_GGUF") {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "AGENT_SMOLLM2_GGUF={} is not a file",
                path.display()
            );
            return path;
        }
        let output = Command::new("bash")
            .arg(repository().join("scripts/fetch-test-model.sh"))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "scripts/fetch-test-model.sh failed (set AGENT_SMOLLM2_GGUF to the model): {}",
            String::from_utf8_lossy(&output.stderr)
        );
        PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
    })
}

#[allow(clippy::unwrap_used)]
fn reference() -> serde_json::Value {
    let path = repository().join("tests/fixtures/smollm2_reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ids(value: &serde_json::Value) -> Vec<u32> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|id| id.as_u64())
        .map(|id| id as u32)
        .collect()
}

/// Logits closer than this are float noise between engines: llama.cpp and this engine round
/// activations, dot-product sums and attention in different orders (about 0.1 of a logit
/// apart at SmolLM2's scale of 15–35), so where the top two are this close either may win.
const NOISE: f32 = 0.3;

/// Greedy ids equal llama.cpp's until the first near-tie (the whole France answer), and with
/// llama.cpp's ids fed back (teacher forcing), each of its 32 choices is our first, or our
/// second within [`NOISE`] of the first, and at least 90% are our first.
#[test]
fn smollm2_greedy_ids_match_llama_cpp() {
    let reference = reference();
    let mut model = LocalModel::load(smollm2(), &Device::Cpu).unwrap();
    assert_eq!(model.engine(), EngineKind::Native);
    let (mut steps, mut exact, mut prompts) = (0, 0, 0);
    for (name, case) in reference.as_object().unwrap() {
        if name.starts_with('_') {
            continue;
        }
        prompts += 1;
        let text = case["prompt"].as_str().unwrap();
        let prompt_ids = ids(&case["prompt_ids"]);
        let special = text.contains("<|im_start|>");
        assert_eq!(model.tokenize(text, special).unwrap(), prompt_ids, "{name}");
        let expected = ids(&case["greedy_ids"]);

        let generated = model
            .generate_greedy(&prompt_ids, expected.len() as u32)
            .unwrap();
        let agreed = generated
            .iter()
            .zip(&expected)
            .take_while(|(a, b)| a == b)
            .count();
        if name == "france" {
            assert_eq!(
                agreed,
                expected.len(),
                "{name}: {:?}",
                model.detokenize(&generated)
            );
        }

        let mut tokens = prompt_ids.clone();
        for (step, &want) in expected.iter().enumerate() {
            let logits = model.logits_after(&tokens).unwrap();
            let top = greedy(&logits);
            let gap = logits[top as usize] - logits[want as usize];
            assert!(
                gap <= NOISE,
                "{name} step {step}: llama.cpp's {want} is {gap} below our {top}"
            );
            if step == agreed && agreed < expected.len() {
                assert_ne!(
                    top, want,
                    "{name}: greedy diverged at {step} without a near-tie"
                );
            }
            steps += 1;
            exact += usize::from(top == want);
            tokens.push(want);
        }
        // llama.cpp stops at an end token (the France answer): so must this engine.
        if expected.len() < 32 {
            let logits = model.logits_after(&tokens).unwrap();
            assert!(
                model.tokenizer().is_end_of_generation(greedy(&logits)),
                "{name}: the answer ends where llama.cpp's does"
            );
        }
    }
    assert_eq!(prompts, 4);
    assert!(
        exact * 10 >= steps * 9,
        "only {exact} of {steps} of llama.cpp's choices are ours"
    );
}

fn greedy(logits: &[f32]) -> u32 {
    logits
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(id, _)| id as u32)
}

#[test]
fn smollm2_answers_the_france_question_with_paris() {
    let path = smollm2();
    let mut model = LocalModel::load(path, &Device::Cpu).unwrap();
    let mut request = ChatRequest::new(
        path.to_string_lossy(),
        vec![ChatMessage::user(
            "What is the capital of France? Answer in one word.",
        )],
    );
    request.options.temperature = Some(0.0);
    request.options.max_tokens = Some(32);
    let reference = reference();
    assert_eq!(
        model.render_prompt(&request).unwrap(),
        reference["france"]["prompt"].as_str().unwrap(),
        "the file's template renders the recorded prompt"
    );
    let answer = model.complete(&request).unwrap();
    assert_eq!(answer.text, "The capital of France is Paris.");
    assert_eq!(answer.finish, FinishReason::Stop);
}

/// Where loading spends its time: `cargo test -p agent-models --release -- --ignored
/// --nocapture smollm2_load_phases`. A measurement, not a test of a goal.
#[test]
#[ignore]
#[allow(clippy::unwrap_used, clippy::print_stdout)]
fn smollm2_load_phases() {
    use std::time::Instant;
    let path = smollm2();
    for _ in 0..2 {
        let start = Instant::now();
        let gguf = gguf::GgufFile::open(path).unwrap();
        let header = start.elapsed();
        let info = gguf.info().unwrap();
        let with_info = start.elapsed();
        let tokenizer = tokenizer::GgufTokenizer::from_gguf(&gguf).unwrap();
        let with_tokenizer = start.elapsed();
        let _template =
            template::ChatTemplate::new(gguf.optional_string("tokenizer.chat_template"), "", "")
                .unwrap();
        let with_template = start.elapsed();
        drop((gguf, tokenizer, info));
        let model = LocalModel::load(path, &Device::Cpu).unwrap();
        let whole = start.elapsed() - with_template;
        println!(
            "header {header:?}, info +{:?}, tokenizer +{:?}, template +{:?}; LocalModel::load ({}) {whole:?}",
            with_info - header,
            with_tokenizer - with_info,
            with_template - with_tokenizer,
            model.engine()
        );
    }
}

/// Per step of llama.cpp's ids (teacher forcing): our top two and the gap; prints the steps
/// where they differ. `cargo test -p agent-models --release -- --ignored --nocapture smollm2_gaps`.
#[test]
#[ignore]
#[allow(clippy::unwrap_used, clippy::print_stdout)]
fn smollm2_gaps() {
    let reference = reference();
    let mut model = LocalModel::load(smollm2(), &Device::Cpu).unwrap();
    for (name, case) in reference.as_object().unwrap() {
        if name.starts_with('_') {
            continue;
        }
        let mut tokens = ids(&case["prompt_ids"]);
        let expected = ids(&case["greedy_ids"]);
        for (i, &want) in expected.iter().enumerate() {
            let logits = model.logits_after(&tokens).unwrap();
            let mut order: Vec<usize> = (0..logits.len()).collect();
            order.sort_by(|&a, &b| logits[b].total_cmp(&logits[a]));
            let gap = logits[order[0]] - logits[order[1]];
            let mark = if order[0] as u32 == want {
                ""
            } else {
                "  <-- differs"
            };
            println!(
                "{name} {i}: top {} second {} gap {gap:.4} want {want} (logit {:.4}){mark}",
                order[0], order[1], logits[want as usize]
            );
            tokens.push(want);
        }
    }
}
