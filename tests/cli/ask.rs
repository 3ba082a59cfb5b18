//! `agent ask` end to end: against a local OpenAI-protocol server and against a tiny GGUF.

use crate::common::{Home, gguf_fixture, serve_openai};

#[test]
fn ask_streams_the_answer_and_keeps_it_in_history() {
    let home = Home::new();
    let (base, requests) = serve_openai(&["Hello", ", ", "wörld", "!"]);
    let output = home
        .agent()
        .args([
            "ask",
            "say hello",
            "--backend",
            "openai",
            "--base-url",
            &base,
            "--model",
            "tiny",
            "--temperature",
            "0",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "Hello, wörld!\n");
    assert!(stderr.contains("9 prompt + 4 answer tokens"), "{stderr}");

    let seen = requests.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body["model"], "tiny");
    assert_eq!(body["stream"], true);
    assert_eq!(body["temperature"], 0.0);
    assert_eq!(body["messages"][0]["content"], "say hello");

    // The exchange is a conversation, and the call is in model_calls.
    let list = home.json(&["history", "list", "--json"]);
    let id = list["conversations"][0]["id"].as_str().unwrap().to_string();
    let shown = home.json(&["history", "show", &id, "--json"]);
    assert_eq!(shown["messages"][1]["content"], "Hello, wörld!");
    assert_eq!(shown["messages"][1]["model"], "tiny");
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let (backend, outcome, completion): (String, String, i64) = conn
        .query_row(
            "SELECT backend, outcome, completion_tokens FROM model_calls",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (backend.as_str(), outcome.as_str(), completion),
        ("openai", "ok", 4)
    );
}

#[test]
fn ask_json_prints_the_event_stream() {
    let home = Home::new();
    let (base, _) = serve_openai(&["a", "b"]);
    let stdout = home.ok(&[
        "ask",
        "x",
        "--json",
        "--backend",
        "openai",
        "--base-url",
        &base,
        "--model",
        "tiny",
    ]);
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The session's events: the same envelopes every front reads (a chat's carry its chat id).
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"turn_begin"), "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"turn_end"), "{kinds:?}");
    assert!(kinds.contains(&"model_begin"), "{kinds:?}");
    let text: String = events
        .iter()
        .filter(|e| e["type"] == "model_delta")
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "ab");
    let end = events.iter().find(|e| e["type"] == "model_end").unwrap();
    assert_eq!(end["reason"], "stop");
    for (index, event) in events.iter().enumerate() {
        assert_eq!(event["v"], 1);
        assert_eq!(event["chat_id"], "ask");
        assert_eq!(event["seq"], index as u64 + 1);
    }
    assert_eq!(events.last().unwrap()["outcome"], "completed");
}

#[test]
fn ask_uses_configured_defaults() {
    let home = Home::new();
    let (base, requests) = serve_openai(&["ok"]);
    home.ok(&["config", "set", "model.backend", "openai"]);
    home.ok(&["config", "set", "openai.base_url", &base]);
    home.ok(&["config", "set", "model.name", "tiny"]);
    assert_eq!(home.ok(&["ask", "x", "-q"]), "ok\n");
    assert_eq!(requests.lock().unwrap().len(), 1);
}

#[test]
fn ask_explains_a_server_that_is_down_and_a_missing_model() {
    let home = Home::new();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let stderr = home.fails(
        &[
            "ask",
            "x",
            "--backend",
            "ollama",
            "--base-url",
            &url,
            "--model",
            "llama3.2",
        ],
        1,
    );
    assert!(
        stderr.contains(&format!("cannot reach ollama at {url}")),
        "{stderr}"
    );
    assert!(stderr.contains("hint: start Ollama"), "{stderr}");

    let stderr = home.fails(&["ask", "x", "--backend", "ollama", "--base-url", &url], 2);
    assert!(stderr.contains("no model chosen"), "{stderr}");

    let stderr = home.fails(&["ask", "x", "--model", "/nope/missing.gguf"], 3);
    assert!(stderr.contains("missing.gguf"), "{stderr}");
}

#[test]
fn ask_runs_a_tiny_gguf_in_process() {
    let home = Home::new();
    let model = gguf_fixture("tiny-llama-f32.gguf");
    let output = home
        .agent()
        .args([
            "ask",
            "hello",
            "--model",
            model.to_str().unwrap(),
            "--temperature",
            "0",
            "--max-tokens",
            "8",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // Random weights: the text is gibberish, but it is the answer and the counts are right.
    assert!(
        stderr.contains("8 answer tokens") && stderr.contains("stopped at the token limit"),
        "{stderr}"
    );
    assert!(stderr.contains("via local"), "{stderr}");
    // Greedy decoding is reproducible.
    let again = home
        .agent()
        .args([
            "ask",
            "hello",
            "--model",
            model.to_str().unwrap(),
            "--temperature",
            "0",
            "--max-tokens",
            "8",
        ])
        .output()
        .unwrap();
    assert_eq!(again.stdout, output.stdout);
}

#[test]
fn a_question_that_never_reached_a_model_leaves_no_conversation() {
    let home = Home::new();
    let bad = home.work_dir().join("broken.gguf");
    std::fs::write(&bad, b"GGUF but not really a model").unwrap();
    let output = home
        .agent()
        .args(["ask", "hello", "--model", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    let list = home.json(&["history", "list", "--json"]);
    assert_eq!(
        list["conversations"].as_array().map(Vec::len),
        Some(0),
        "{list}"
    );
}

/// How many positions (prompt tokens) the kept prefill at `path` holds: the little-endian u32
/// after its magic, version, model digest, layer count and width
/// (`agent_models::local::prefix_store`'s header).
pub fn stored_positions(path: &std::path::Path) -> u32 {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"AGENTKV\0");
    u32::from_le_bytes(bytes[52..56].try_into().unwrap())
}

/// The kept prefills of the in-process backend (`<data>/prefill/*.kv`).
pub fn prefill_files(home: &Home) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(home.path().join("data/prefill")) else {
        return Vec::new();
    };
    entries
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "kv"))
        .collect()
}

fn modified(path: &std::path::Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

fn set_modified(path: &std::path::Path, time: std::time::SystemTime) {
    let file = std::fs::File::options().append(true).open(path).unwrap();
    file.set_modified(time).unwrap();
}

#[test]
fn ask_keeps_the_prefilled_system_prompt_for_the_next_process() {
    let home = Home::new();
    let model = gguf_fixture("tiny-llama-f32.gguf");
    let system = "You are agent, a coding agent working in a git worktree of the user's \
        repository. Read and search before you edit; make the smallest change that does the task.";
    let ask = |extra: &[&str]| {
        let mut command = home.agent();
        command.args(extra).args([
            "ask",
            "hello",
            "--model",
            model.to_str().unwrap(),
            "--system",
            system,
            "--temperature",
            "0",
            "--max-tokens",
            "8",
            "--no-cache",
        ]);
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(output.status.success(), "{stderr}");
        (output.stdout, stderr)
    };
    let (first, said) = ask(&[]);
    assert!(!said.contains("reused"), "nothing was kept yet: {said}");
    let files = prefill_files(&home);
    assert_eq!(files.len(), 1, "the system prompt was kept");
    let long_ago =
        std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    set_modified(&files[0], long_ago);

    // The next process starts from the kept prefill (reading it marks it used), says so, and
    // answers the same.
    let (second, said) = ask(&[]);
    assert_eq!(second, first);
    assert!(modified(&files[0]) > long_ago, "the kept prefill was read");
    let kept = stored_positions(&files[0]);
    assert!(
        said.contains(&format!(" prompt ({kept} reused) + 8 answer tokens")),
        "{said}"
    );
    assert_eq!(prefill_files(&home), files);

    // Switched off, it is neither read nor written.
    set_modified(&files[0], long_ago);
    ask(&["-c", "cache.prefill=false"]);
    assert_eq!(modified(&files[0]), long_ago);
    assert_eq!(prefill_files(&home), files);
}
