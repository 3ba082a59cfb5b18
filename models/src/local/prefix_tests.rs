//! The prefix store on the tiny GGUF fixtures: a stored system prompt gives the same greedy
//! answer as one computed and counts as reused; another model file, other tokens, a damaged
//! file or candle never use it; the size cap removes the least recently used file. In one
//! process, a request that parts from the cached one after the system prompt keeps that part.

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use candle_core::Device;
use futures_util::StreamExt;

use super::prefix_store::{DEFAULT_MAX_BYTES, KvPrefix, ModelDigest};
use super::*;
use crate::chat::{ChatBackend, ChatEvent, ChatMessage, ChatRequest, ToolSpec};

/// A system prompt like a task's: instructions, then the tools the template adds.
const SYSTEM: &str = "You are agent, a coding agent working in a git worktree of the user's \
    repository. Paths are relative to the repository root. Do the task with the tools. Read and \
    search before you edit; make the smallest change that does the task and keep the style.";

fn fixture(name: &str) -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/gguf"
    ))
    .join(name)
}

fn read_file_tool() -> ToolSpec {
    ToolSpec {
        name: "read_file".into(),
        description: "Read a file of the repository".into(),
        parameters: serde_json::json!({"type": "object",
            "properties": {"path": {"type": "string"}}, "required": ["path"]}),
    }
}

fn request(model: &Path, system: &str, user: &str) -> ChatRequest {
    let mut request = ChatRequest::new(
        model.to_string_lossy(),
        vec![ChatMessage::system(system), ChatMessage::user(user)],
    );
    request.tools = vec![read_file_tool()];
    request
}

#[allow(clippy::unwrap_used)]
fn load(path: &Path, store: Option<&PrefixStore>) -> LocalModel {
    let mut model = LocalModel::load(path, &Device::Cpu).unwrap();
    assert_eq!(model.engine(), EngineKind::Native);
    assert_eq!(model.use_prefix_store(store.cloned()), store.is_some());
    model
}

/// What one greedy answer (end tokens do not stop it) did.
#[derive(Debug)]
struct Answer {
    tokens: Vec<u32>,
    reused: usize,
    stable: usize,
    prompt: Vec<u32>,
}

#[allow(clippy::unwrap_used)]
fn answer(model: &mut LocalModel, request: &ChatRequest) -> Answer {
    let prompt = model.chat_prompt(request).unwrap();
    let generation = model
        .generate_chat(&prompt, &GenerationConfig::greedy(16), &mut |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
    Answer {
        tokens: generation.tokens,
        reused: generation.reused_prompt_tokens,
        stable: prompt.stable,
        prompt: prompt.tokens,
    }
}

#[allow(clippy::unwrap_used)]
fn stored_files(store: &PrefixStore) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(store.dir()) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "kv"))
        .collect();
    files.sort();
    files
}

#[allow(clippy::unwrap_used)]
fn set_mtime(path: &Path, time: SystemTime) {
    std::fs::File::options()
        .append(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

#[test]
fn a_stored_system_prompt_gives_the_same_answer_and_counts_as_reused() {
    for file in [
        "tiny-llama-f32.gguf",
        "tiny-qwen2-f32.gguf",
        "tiny-llama-q4_0.gguf",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let store = PrefixStore::new(dir.path().join("prefill"), DEFAULT_MAX_BYTES);
        let path = fixture(file);
        let hello = request(&path, SYSTEM, "hello");

        let first = answer(&mut load(&path, Some(&store)), &hello);
        assert_eq!(first.reused, 0, "{file}: nothing stored yet");
        assert!(first.stable >= 32, "{file}: {first:?}");
        assert!(first.stable < first.prompt.len(), "{file}");
        assert_eq!(stored_files(&store).len(), 1, "{file}");

        // A new process: the system prompt and tools come from the file.
        let second = answer(&mut load(&path, Some(&store)), &hello);
        assert_eq!(second.reused, first.stable, "{file}");
        assert_eq!(second.tokens, first.tokens, "{file}");

        // Another task with the same system prompt: the same answer as computing it all.
        let task = request(&path, SYSTEM, "fix the failing test in src/lib.rs");
        let loaded = answer(&mut load(&path, Some(&store)), &task);
        let elsewhere = PrefixStore::new(dir.path().join("other"), DEFAULT_MAX_BYTES);
        let computed = answer(&mut load(&path, Some(&elsewhere)), &task);
        assert_eq!(loaded.reused, first.stable, "{file}");
        assert_eq!(computed.reused, 0, "{file}");
        assert_eq!(loaded.tokens, computed.tokens, "{file}");
        assert_eq!(
            stored_files(&store).len(),
            1,
            "{file}: nothing new to store"
        );
    }
}

#[test]
fn the_stable_part_is_the_system_message_with_its_tools() {
    let path = fixture("tiny-llama-f32.gguf");
    let dir = tempfile::tempdir().unwrap();
    let store = PrefixStore::new(dir.path(), DEFAULT_MAX_BYTES);
    let model = load(&path, Some(&store));
    let hello = request(&path, SYSTEM, "hello");
    let prompt = model.chat_prompt(&hello).unwrap();
    let head = model.detokenize(&prompt.tokens[..prompt.stable]);
    assert!(
        head.contains("Read a file of the repository"),
        "the tools: {head}"
    );
    assert!(!head.contains("hello"), "not the user's message: {head}");
    let tail = model.detokenize(&prompt.tokens[prompt.stable..]);
    assert!(tail.contains("hello"), "{tail}");

    // Without a store nothing is worked out; without a system message nothing is stable.
    let plain = load(&path, None);
    assert_eq!(plain.chat_prompt(&hello).unwrap().stable, 0);
    let mut no_system = hello.clone();
    no_system.messages.remove(0);
    no_system.tools.clear();
    assert_eq!(model.chat_prompt(&no_system).unwrap().stable, 0);
}

#[test]
fn another_model_file_or_other_tokens_do_not_load_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = PrefixStore::new(dir.path().join("prefill"), DEFAULT_MAX_BYTES);
    let path = dir.path().join("model.gguf");
    std::fs::copy(fixture("tiny-llama-f32.gguf"), &path).unwrap();
    let hello = request(&path, SYSTEM, "hello");
    let first = answer(&mut load(&path, Some(&store)), &hello);
    assert_eq!(stored_files(&store).len(), 1);

    // The same bytes with another modification time count as another file.
    set_mtime(
        &path,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000),
    );
    let touched = answer(&mut load(&path, Some(&store)), &hello);
    assert_eq!(touched.reused, 0);
    assert_eq!(touched.tokens, first.tokens);
    assert_eq!(
        stored_files(&store).len(),
        2,
        "stored again for the new file"
    );

    // Another system prompt shares only the template's first few tokens.
    let other = request(&path, "Answer in French, briefly and politely.", "hello");
    assert_eq!(answer(&mut load(&path, Some(&store)), &other).reused, 0);

    // A longer system prompt starting with the stored one reuses the tokens they share.
    let longer = request(
        &path,
        &format!("{SYSTEM} Never push to the main branch yourself."),
        "hello",
    );
    let mut model = load(&path, Some(&store));
    let stored = model.chat_prompt(&hello).unwrap();
    let wanted = model.chat_prompt(&longer).unwrap();
    let shared = stored.tokens[..stored.stable]
        .iter()
        .zip(&wanted.tokens)
        .take_while(|(a, b)| a == b)
        .count();
    assert!(shared >= 32 && shared < wanted.stable, "{shared}");
    assert_eq!(answer(&mut model, &longer).reused, shared);
}

#[test]
fn a_damaged_file_is_removed_and_never_used() {
    let dir = tempfile::tempdir().unwrap();
    let store = PrefixStore::new(dir.path().join("prefill"), DEFAULT_MAX_BYTES);
    let path = fixture("tiny-llama-f32.gguf");
    let hello = request(&path, SYSTEM, "hello");
    let first = answer(&mut load(&path, Some(&store)), &hello);
    let file = stored_files(&store).remove(0);
    let good = std::fs::read(&file).unwrap();

    let mut flipped = good.clone();
    let last = flipped.len() - 3;
    flipped[last] ^= 0x40;
    let truncated = good[..good.len() - 100].to_vec();
    let mut other_version = good.clone();
    other_version[8] = 99;
    for damaged in [flipped, truncated, other_version, b"AGENTKV".to_vec()] {
        std::fs::write(&file, &damaged).unwrap();
        let again = answer(&mut load(&path, Some(&store)), &hello);
        assert_eq!(again.reused, 0, "the damaged file was not used");
        assert_eq!(again.tokens, first.tokens);
        assert_eq!(
            std::fs::read(&file).unwrap(),
            good,
            "replaced by a good one"
        );
    }

    // A stray file named like this model's is removed; the good one is still used.
    let name = file.file_name().unwrap().to_str().unwrap();
    let stray = file.with_file_name(format!("{}0123456789abcdef.kv", &name[..17]));
    std::fs::write(&stray, b"not a prefix at all").unwrap();
    let again = answer(&mut load(&path, Some(&store)), &hello);
    assert_eq!(again.reused, first.stable);
    assert!(!stray.exists());
}

#[test]
fn candle_never_uses_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = PrefixStore::new(dir.path(), DEFAULT_MAX_BYTES);
    let path = fixture("tiny-llama-f32.gguf");
    let mut model =
        LocalModel::load_with_engine(&path, &Device::Cpu, Some(EngineKind::Candle)).unwrap();
    assert!(!model.use_prefix_store(Some(store.clone())));
    let hello = request(&path, SYSTEM, "hello");
    let candle = answer(&mut model, &hello);
    assert_eq!((candle.stable, candle.reused), (0, 0));
    assert!(stored_files(&store).is_empty());
}

#[test]
fn the_backend_stores_the_prefix_of_a_chat() {
    let dir = tempfile::tempdir().unwrap();
    let store = PrefixStore::new(dir.path(), DEFAULT_MAX_BYTES);
    let path = fixture("tiny-llama-f32.gguf");
    let backend = LocalBackend::with_device(select_device(DevicePreference::Cpu))
        .with_prefix_store(store.clone());
    let mut hello = request(&path, SYSTEM, "hello");
    hello.options.max_tokens = Some(4);
    let events = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(backend.chat(hello).collect::<Vec<_>>());
    assert!(
        events
            .iter()
            .any(|event| matches!(event, Ok(ChatEvent::Done { .. }))),
        "{events:?}"
    );
    assert_eq!(stored_files(&store).len(), 1);
}

fn synthetic(positions: usize, fill: u16) -> KvPrefix {
    let kv_dim = 4;
    KvPrefix {
        kv_dim,
        positions,
        layers: (0..2)
            .map(|layer| {
                let keys = (0..positions * kv_dim)
                    .map(|i| fill + layer + i as u16)
                    .collect();
                (keys, vec![fill + 1000 + layer; positions * kv_dim])
            })
            .collect(),
    }
}

#[test]
fn find_cuts_the_longest_shared_prefix_and_honours_the_minimum() {
    let dir = tempfile::tempdir().unwrap();
    let store = PrefixStore::new(dir.path(), DEFAULT_MAX_BYTES);
    let model = ModelDigest::new("local /m.gguf 1 2", "native (test)");
    let short: Vec<u32> = (0..40).collect();
    let long: Vec<u32> = (0..60).collect();
    store.save(&model, &short, &synthetic(40, 1)).unwrap();
    store.save(&model, &long, &synthetic(60, 7)).unwrap();

    let mut wanted: Vec<u32> = (0..50).collect();
    wanted.push(999);
    let found = store.find(&model, &wanted, 1).unwrap();
    let mut expected = synthetic(60, 7);
    for (keys, values) in &mut expected.layers {
        keys.truncate(50 * 4);
        values.truncate(50 * 4);
    }
    expected.positions = 50;
    assert_eq!(
        found, expected,
        "the longer file, cut to the 50 shared tokens"
    );
    assert!(
        store.find(&model, &wanted, 51).is_none(),
        "below the minimum"
    );
    let other = ModelDigest::new("local /m.gguf 1 3", "native (test)");
    assert!(store.find(&other, &wanted, 1).is_none(), "another model");
    assert!(store.contains(&model, &short) && !store.contains(&other, &short));
}

#[test]
fn the_size_cap_removes_the_least_recently_used() {
    let dir = tempfile::tempdir().unwrap();
    let model = ModelDigest::new("local /m.gguf 1 2", "native (test)");
    let tokens = |start: u32| -> Vec<u32> { (start..start + 40).collect() };
    let probe = PrefixStore::new(dir.path().join("probe"), DEFAULT_MAX_BYTES);
    probe.save(&model, &tokens(0), &synthetic(40, 1)).unwrap();
    let size = std::fs::metadata(&stored_files(&probe)[0]).unwrap().len();

    let store = PrefixStore::new(dir.path().join("capped"), 2 * size + size / 2);
    let now = SystemTime::now();
    let [a, b, c] = [tokens(0), tokens(100), tokens(200)];
    store.save(&model, &a, &synthetic(40, 1)).unwrap();
    set_mtime(&stored_files(&store)[0], now - Duration::from_secs(300));
    store.save(&model, &b, &synthetic(40, 2)).unwrap();
    for file in stored_files(&store) {
        if std::fs::metadata(&file).unwrap().modified().unwrap() > now - Duration::from_secs(60) {
            set_mtime(&file, now - Duration::from_secs(200));
        }
    }
    // Using `a` makes it the most recent: `b` is the one to go.
    assert!(store.find(&model, &a, 1).is_some());
    store.save(&model, &c, &synthetic(40, 3)).unwrap();
    assert!(store.contains(&model, &a));
    assert!(!store.contains(&model, &b));
    assert!(store.contains(&model, &c));
    assert_eq!(stored_files(&store).len(), 2);
}

#[test]
fn a_request_parting_after_the_system_prompt_keeps_it_and_answers_as_a_cold_run() {
    for file in ["tiny-llama-f32.gguf", "tiny-qwen2-f32.gguf"] {
        let path = fixture(file);
        let first = request(&path, SYSTEM, "fix the add function in calc.py");
        let second = request(&path, SYSTEM, "rename area to surface in geometry.py");

        let mut warm = load(&path, None);
        let before = answer(&mut warm, &first);
        assert_eq!(before.reused, 0, "{file}");
        let after = answer(&mut warm, &second);
        let shared = before
            .prompt
            .iter()
            .zip(&after.prompt)
            .take_while(|(a, b)| a == b)
            .count();
        // The system prompt and tools came from the cache; the rest was computed.
        assert!(shared >= 32, "{file}: {shared}");
        assert!(shared < after.prompt.len(), "{file}");
        assert_eq!(after.reused, shared, "{file}");

        let cold = answer(&mut load(&path, None), &second);
        assert_eq!(cold.reused, 0, "{file}");
        assert_eq!(after.tokens, cold.tokens, "{file}: the same greedy answer");
    }
}

#[test]
fn candle_starts_again_when_a_request_parts_from_the_cached_one() {
    let path = fixture("tiny-llama-f32.gguf");
    let mut model =
        LocalModel::load_with_engine(&path, &Device::Cpu, Some(EngineKind::Candle)).unwrap();
    answer(&mut model, &request(&path, SYSTEM, "fix the add function"));
    let other = answer(&mut model, &request(&path, SYSTEM, "rename area"));
    assert_eq!(other.reused, 0, "candle's cache only grows");
    let cold = answer(
        &mut LocalModel::load_with_engine(&path, &Device::Cpu, Some(EngineKind::Candle)).unwrap(),
        &request(&path, SYSTEM, "rename area"),
    );
    assert_eq!(other.tokens, cold.tokens);
}
