//! The answer cache through the real binary: identical temperature-0 requests are answered from
//! the store without a request to the loopback model server; `--no-cache`, a sampled request,
//! a disabled cache and an expired answer ask the model; `agent serve` counts hits in /metrics
//! and the dashboard.

use std::time::Duration;

use serde_json::json;

use crate::common::{Home, serve_openai};
use crate::scripted::{ScriptedServer, text};
use crate::server::{Server, kind, read_sse};

type Seen = std::sync::Arc<std::sync::Mutex<Vec<crate::common::SeenRequest>>>;

/// Chat requests the server received (not model listings).
fn chat_requests(seen: &Seen) -> usize {
    seen.lock()
        .unwrap()
        .iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .count()
}

/// `agent ask` against the server at `base`: (stdout, stderr).
fn ask(home: &Home, base: &str, extra: &[&str]) -> (String, String) {
    let mut args = vec![
        "ask",
        "name a prime",
        "--backend",
        "openai",
        "--base-url",
        base,
        "--model",
        "tiny",
    ];
    args.extend_from_slice(extra);
    let output = home.agent().args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(output.status.success(), "{stderr}");
    (String::from_utf8_lossy(&output.stdout).to_string(), stderr)
}

/// (prompt tokens, completion tokens, cache) of every model call, oldest first.
fn calls(home: &Home) -> Vec<(i64, i64, Option<String>)> {
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let mut statement = conn
        .prepare("SELECT prompt_tokens, completion_tokens, cache FROM model_calls ORDER BY id")
        .unwrap();
    statement
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_second_identical_ask_at_temperature_zero_sends_no_request() {
    let home = Home::new();
    let (base, seen) = serve_openai(&["Seven", "."]);
    let (first, _) = ask(&home, &base, &["--temperature", "0"]);
    assert_eq!(first, "Seven.\n");
    assert_eq!(chat_requests(&seen), 1);

    let (second, stderr) = ask(&home, &base, &["--temperature", "0"]);
    assert_eq!(second, first, "the same answer");
    assert_eq!(chat_requests(&seen), 1, "no request for a cached answer");
    assert!(stderr.contains("from the answer cache"), "{stderr}");

    // The hit is a model call that spent nothing, marked as such; the miss kept its tokens.
    let calls = calls(&home);
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0], (9, 2, Some("miss".into())));
    assert_eq!(calls[1], (0, 0, Some("hit".into())));

    // The event stream says it: the same events, model_end marked `cache: hit`.
    let events = home.ok(&[
        "ask",
        "name a prime",
        "--json",
        "--backend",
        "openai",
        "--base-url",
        &base,
        "--model",
        "tiny",
        "--temperature",
        "0",
    ]);
    let events: Vec<serde_json::Value> = events
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "turn_begin",
            "model_begin",
            "model_delta",
            "model_end",
            "usage",
            "turn_end"
        ]
    );
    let end = events.iter().find(|e| e["type"] == "model_end").unwrap();
    assert_eq!(end["cache"], "hit");
    assert_eq!(end["prompt_tokens"], 0);
    assert_eq!(chat_requests(&seen), 1);

    // The key is a hash: the question's text is not stored with the answer.
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let (key, response, hits): (String, String, i64) = conn
        .query_row("SELECT key, response, hits FROM model_cache", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(key.len(), 64);
    assert!(!response.contains("prime"), "{response}");
    assert_eq!(hits, 2);
}

#[test]
fn no_cache_a_sampled_request_and_a_disabled_cache_ask_the_model() {
    let home = Home::new();
    let (base, seen) = serve_openai(&["Seven."]);
    ask(&home, &base, &["--temperature", "0"]);
    assert_eq!(chat_requests(&seen), 1);

    let (answer, stderr) = ask(&home, &base, &["--temperature", "0", "--no-cache"]);
    assert_eq!(answer, "Seven.\n");
    assert!(!stderr.contains("answer cache"), "{stderr}");
    assert_eq!(chat_requests(&seen), 2, "--no-cache asks the model");

    ask(&home, &base, &["--temperature", "0.7"]);
    ask(&home, &base, &["--temperature", "0.7"]);
    assert_eq!(chat_requests(&seen), 4, "a sampled answer is never cached");
    ask(&home, &base, &[]);
    assert_eq!(
        chat_requests(&seen),
        5,
        "the backend's default temperature is not 0"
    );

    home.ok(&["config", "set", "cache.enabled", "false"]);
    ask(&home, &base, &["--temperature", "0"]);
    assert_eq!(
        chat_requests(&seen),
        6,
        "cache.enabled = false asks the model"
    );
    let cached: Vec<Option<String>> = calls(&home).into_iter().map(|c| c.2).collect();
    assert_eq!(
        cached,
        [Some("miss".to_string()), None, None, None, None, None]
    );

    home.ok(&["config", "set", "cache.enabled", "true"]);
    ask(&home, &base, &["--temperature", "0"]);
    assert_eq!(chat_requests(&seen), 6, "on again: the kept answer serves");
}

#[test]
fn an_answer_older_than_cache_ttl_is_asked_again() {
    let home = Home::new();
    let (base, seen) = serve_openai(&["Seven."]);
    home.ok(&["config", "set", "cache.ttl", "60"]);
    ask(&home, &base, &["--temperature", "0"]);
    ask(&home, &base, &["--temperature", "0"]);
    assert_eq!(chat_requests(&seen), 1);

    // Make the kept answer 61 seconds old: past the TTL it is not served.
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    conn.execute("UPDATE model_cache SET created_at = created_at - 61000", [])
        .unwrap();
    let (answer, stderr) = ask(&home, &base, &["--temperature", "0"]);
    assert_eq!(answer, "Seven.\n");
    assert!(!stderr.contains("answer cache"), "{stderr}");
    assert_eq!(chat_requests(&seen), 2);
    // The fresh answer is kept again and serves the next one.
    ask(&home, &base, &["--temperature", "0"]);
    assert_eq!(chat_requests(&seen), 2);
    let rows: i64 = conn
        .query_row("SELECT COUNT(*) FROM model_cache", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);

    let stderr = home.fails(&["config", "set", "cache.ttl", "0"], 2);
    assert!(stderr.contains("cache.ttl"), "{stderr}");
}

#[test]
fn serve_counts_cache_hits_in_metrics_and_the_dashboard() {
    let home = Home::new();
    let model = ScriptedServer::start(vec![text("Seven."), text("Eleven.")]);
    let server = Server::start(
        &home,
        &[
            "--backend",
            "openai",
            "--base-url",
            &model.base_url,
            "--model",
            "tiny",
            "--temperature",
            "0",
        ],
    );
    let turn = |no_cache: Option<bool>| {
        let created = server.post("/v1/conversations", json!({}));
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.json["id"].as_str().unwrap().to_string();
        let mut body = json!({"text": "name a prime"});
        if let Some(no_cache) = no_cache {
            body["no_cache"] = json!(no_cache);
        }
        let request = server
            .http
            .post(server.url_of(&format!("/v1/conversations/{id}/turns")))
            .header("authorization", server.bearer())
            .json(&body);
        let events = server
            .runtime
            .block_on(read_sse(request, Duration::from_secs(60), |e| {
                kind(e) == "turn_end"
            }))
            .unwrap();
        let text: String = events
            .iter()
            .filter(|(_, e)| kind(e) == "model_delta")
            .map(|(_, e)| e["text"].as_str().unwrap().to_string())
            .collect();
        let cache = events
            .iter()
            .find(|(_, e)| kind(e) == "model_end")
            .map(|(_, e)| e["cache"].clone())
            .unwrap();
        (text, cache)
    };
    assert_eq!(turn(None), ("Seven.".to_string(), json!("miss")));
    // A new conversation asking the same: answered from the cache, streamed as deltas.
    assert_eq!(turn(None), ("Seven.".to_string(), json!("hit")));
    assert_eq!(model.requests().len(), 1);
    // An API client can skip the cache too.
    assert_eq!(turn(Some(true)), ("Eleven.".to_string(), json!(null)));
    assert_eq!(model.requests().len(), 2);

    let metrics = server.get("/metrics").text;
    assert!(
        metrics.contains("agent_model_cache_lookups_total{result=\"hit\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("agent_model_cache_lookups_total{result=\"miss\"} 1"),
        "{metrics}"
    );
    let dashboard = server.get("/v1/dashboard");
    assert_eq!(dashboard.json["cache"]["hits"], 1, "{}", dashboard.text);
    assert_eq!(dashboard.json["cache"]["misses"], 1);
    assert_eq!(dashboard.json["cache"]["hit_rate"], 0.5);
    assert_eq!(dashboard.json["cache"]["entries"], 1);
}

#[test]
fn an_ollama_model_is_known_by_its_digest_and_cached() {
    let home = Home::new();
    let (base, seen) = crate::fake_ollama::serve_ollama();
    let ask = || {
        let output = home
            .agent()
            .env("OLLAMA_HOST", &base)
            .args([
                "ask",
                "hi",
                "--model",
                "qwen2.5-coder:7b",
                "--temperature",
                "0",
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    let chats = || {
        seen.lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == "/api/chat")
            .count()
    };
    assert_eq!(ask(), "Hi there\n");
    assert_eq!(chats(), 1);
    assert_eq!(ask(), "Hi there\n");
    assert_eq!(chats(), 1, "the same digest: answered from the cache");
    // The digest was asked of the server (`/api/tags`), once per process.
    assert!(seen.lock().unwrap().iter().any(|r| r.path == "/api/tags"));
}

#[test]
fn retry_attach_refuses_no_cache_since_the_server_runs_the_stored_request() {
    let home = Home::new();
    let stderr = home.fails(
        &[
            "task",
            "retry",
            "0123456789abcdef",
            "--attach",
            "http://127.0.0.1:9",
            "--no-cache",
        ],
        2,
    );
    assert!(
        stderr.contains("--no-cache cannot be used with `task retry --attach`"),
        "{stderr}"
    );
}
