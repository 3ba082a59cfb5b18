//! `agent models …` and `agent ask` against a fake Ollama server.

use crate::common::Home;
use crate::fake_ollama::serve_ollama;

#[test]
fn list_show_and_cache_ollama_models() {
    let home = Home::new();
    let (base, _) = serve_ollama();
    let list = home
        .agent()
        .env("OLLAMA_HOST", &base)
        .args(["models", "list", "--json"])
        .output()
        .unwrap();
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let listed: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let model = &listed["models"][0];
    assert_eq!(
        (model["backend"].as_str(), model["name"].as_str()),
        (Some("ollama"), Some("qwen2.5-coder:7b"))
    );
    assert_eq!(model["details"]["quantization"], "Q4_K_M");
    assert!(listed["unreachable"].as_array().unwrap().is_empty());

    // With the server gone, the list comes from the cache and says so.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let output = home
        .agent()
        .env("OLLAMA_HOST", &down)
        .args(["models", "list"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("qwen2.5-coder:7b") && stdout.contains("(cached)"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("not reachable"));

    let shown = home.json(&[
        "models",
        "show",
        "qwen2.5-coder:7b",
        "--base-url",
        &base,
        "--json",
    ]);
    assert_eq!(shown["context_length"], 32768);
    assert_eq!(shown["tools"], true);
    let stderr = home.fails(
        &["models", "show", "qwen2.5-cod:7b", "--base-url", &base],
        3,
    );
    assert!(stderr.contains("not found"), "{stderr}");
}

#[test]
fn pull_through_ollama_reports_progress() {
    let home = Home::new();
    let (base, requests) = serve_ollama();
    let output = home
        .agent()
        .args(["models", "pull", "llama3.2:1b", "--base-url", &base])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("llama3.2:1b: pulling manifest"), "{stderr}");
    assert!(stderr.contains("(100%)"), "{stderr}");
    assert!(stderr.contains("llama3.2:1b: success"), "{stderr}");
    let body: serde_json::Value = serde_json::from_str(&requests.lock().unwrap()[0].body).unwrap();
    assert_eq!(body["model"], "llama3.2:1b");

    // The registry has no such model.
    let stderr = home.fails(&["models", "pull", "nosuch:1b", "--base-url", &base], 3);
    assert!(
        stderr.contains("model `nosuch:1b` not found on ollama"),
        "{stderr}"
    );
}

#[test]
fn rm_deletes_through_ollama() {
    let home = Home::new();
    let (base, requests) = serve_ollama();
    home.fails(
        &["models", "rm", "qwen2.5-coder:7b", "--base-url", &base],
        2,
    );
    assert!(
        requests.lock().unwrap().is_empty(),
        "nothing is deleted without --yes"
    );
    home.ok(&[
        "models",
        "rm",
        "qwen2.5-coder:7b",
        "--base-url",
        &base,
        "--yes",
    ]);
    let seen = requests.lock().unwrap().clone();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("DELETE", "/api/delete")
    );
}

#[test]
fn ask_through_ollama_sends_the_context_length() {
    let home = Home::new();
    let (base, requests) = serve_ollama();
    let output = home
        .agent()
        .env("OLLAMA_HOST", &base)
        .args([
            "ask",
            "hi",
            "--model",
            "qwen2.5-coder:7b",
            "--context",
            "16384",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), "Hi there\n");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("12 prompt + 2 answer tokens, 5.0 tokens/s"),
        "{stderr}"
    );
    let chat = requests
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.path == "/api/chat")
        .cloned()
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(&chat.body).unwrap();
    assert_eq!(body["options"]["num_ctx"], 16384);

    let stderr = home.fails(&["ask", "hi", "--base-url", &base, "--model", "nosuch"], 3);
    assert!(stderr.contains("nosuch"), "{stderr}");
    // A near miss names the model the server has.
    let stderr = home.fails(
        &[
            "ask",
            "hi",
            "--base-url",
            &base,
            "--model",
            "qwen2.5-coder:14b",
        ],
        3,
    );
    assert!(
        stderr.contains("hint: did you mean qwen2.5-coder:7b?"),
        "{stderr}"
    );
}

#[test]
fn bench_reports_prefill_and_decode_speed() {
    let home = Home::new();
    let (base, _) = serve_ollama();
    let result = home.json(&[
        "models",
        "bench",
        "--base-url",
        &base,
        "--model",
        "qwen2.5-coder:7b",
        "--json",
    ]);
    // The fake server reports 12 prompt tokens in 0.1 s and 2 answer tokens in 0.4 s.
    assert_eq!(result["timing_source"], "backend");
    assert_eq!(result["prefill_tokens_per_second"], 120.0);
    assert_eq!(result["decode_tokens_per_second"], 5.0);
    // Nothing is loaded in this process for a server, and no engine threads are ours.
    assert_eq!(result["load_ms"], serde_json::Value::Null);
    assert_eq!(result["threads"], serde_json::Value::Null);
}

#[test]
fn doctor_checks_the_backend_and_the_default_model() {
    let home = Home::new();
    let (base, _) = serve_ollama();
    let doctor = |model: &str, host: &str| {
        let output = home
            .agent()
            .env("OLLAMA_HOST", host)
            .env("AGENT_MODEL_NAME", model)
            .args(["doctor", "--json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        (output.status.code(), report)
    };
    let check = |report: &serde_json::Value, name: &str| -> serde_json::Value {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap()
    };

    let (code, report) = doctor("qwen2.5-coder:7b", &base);
    assert_eq!(code, Some(0), "{report}");
    assert!(
        check(&report, "ollama")["detail"]
            .as_str()
            .unwrap()
            .contains("Ollama 0.5.1")
    );
    assert!(
        check(&report, "default model")["detail"]
            .as_str()
            .unwrap()
            .contains("32768 context, tools yes")
    );

    let (code, report) = doctor("missing:1b", &base);
    assert_eq!(code, Some(1));
    assert_eq!(check(&report, "default model")["ok"], false);

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (code, report) = doctor("qwen2.5-coder:7b", &down);
    assert_eq!(code, Some(1));
    let ollama = check(&report, "ollama");
    assert_eq!(ollama["ok"], false);
    assert!(
        ollama["detail"].as_str().unwrap().contains("ollama serve"),
        "{ollama}"
    );

    // No default model is a warning, not a failure.
    let output = home
        .agent()
        .env("OLLAMA_HOST", &base)
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert_eq!(check(&report, "default model")["warning"], true);
}

#[test]
fn doctor_checks_a_local_default_model() {
    let home = Home::new();
    let model = crate::common::gguf_fixture("tiny-qwen2-f32.gguf");
    let output = home
        .agent()
        .env("AGENT_MODEL_BACKEND", "local")
        .env("AGENT_MODEL_NAME", &model)
        .args(["doctor"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("qwen2 F32"), "{stdout}");
}
