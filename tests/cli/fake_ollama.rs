//! A fake Ollama server on loopback that speaks the documented NDJSON protocol
//! (Ollama's REST API): tags, show, pull, delete, version and streamed chat.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;

use crate::common::{SeenRequest, read_request};

/// Starts the server; returns its base URL and the requests it saw.
pub fn serve_ollama() -> (String, Arc<Mutex<Vec<SeenRequest>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let Some(seen) = read_request(&stream) else {
                continue;
            };
            let (method, path, body) = (seen.method.clone(), seen.path.clone(), seen.body.clone());
            log.lock().unwrap().push(seen);
            let request: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let (status, content_type, reply) = respond(&method, &path, &request);
            let mut out = stream;
            let _ = write!(
                out,
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
            let _ = out.flush();
        }
    });
    (base, seen)
}

fn respond(
    method: &str,
    path: &str,
    request: &serde_json::Value,
) -> (&'static str, &'static str, String) {
    let model = request["model"].as_str().unwrap_or("");
    let known = model == "qwen2.5-coder:7b";
    let not_found = || {
        (
            "404 Not Found",
            "application/json",
            json!({"error": format!("model '{model}' not found")}).to_string(),
        )
    };
    match (method, path) {
        ("GET", "/api/version") => ("200 OK", "application/json", r#"{"version":"0.5.1"}"#.into()),
        ("GET", "/api/tags") => (
            "200 OK",
            "application/json",
            json!({"models": [{"name": "qwen2.5-coder:7b", "model": "qwen2.5-coder:7b", "modified_at": "2026-11-01T00:00:00Z",
                "size": 4_683_087_332u64, "digest": "abc123",
                "details": {"format": "gguf", "family": "qwen2", "families": ["qwen2"], "parameter_size": "7.6B", "quantization_level": "Q4_K_M"}}]})
            .to_string(),
        ),
        ("POST", "/api/show") if known => (
            "200 OK",
            "application/json",
            json!({"modelfile": "", "parameters": "", "template": "",
                "details": {"format": "gguf", "family": "qwen2", "parameter_size": "7.6B", "quantization_level": "Q4_K_M"},
                "model_info": {"general.architecture": "qwen2", "general.parameter_count": 7_615_616_512u64, "qwen2.context_length": 32768},
                "capabilities": ["completion", "tools"]})
            .to_string(),
        ),
        ("POST", "/api/show") => not_found(),
        ("POST", "/api/pull") if model == "llama3.2:1b" => {
            let lines = [
                json!({"status": "pulling manifest"}),
                json!({"status": "pulling 74701a8c35f6", "digest": "sha256:74701a8c35f6", "total": 1000}),
                json!({"status": "pulling 74701a8c35f6", "digest": "sha256:74701a8c35f6", "total": 1000, "completed": 500}),
                json!({"status": "pulling 74701a8c35f6", "digest": "sha256:74701a8c35f6", "total": 1000, "completed": 1000}),
                json!({"status": "verifying sha256 digest"}),
                json!({"status": "writing manifest"}),
                json!({"status": "success"}),
            ];
            ("200 OK", "application/x-ndjson", lines.iter().map(|l| format!("{l}\n")).collect())
        }
        ("POST", "/api/pull") => ("200 OK", "application/x-ndjson", format!("{}\n", json!({"error": "pull model manifest: file does not exist"}))),
        ("DELETE", "/api/delete") if known => ("200 OK", "application/json", String::new()),
        ("DELETE", "/api/delete") => not_found(),
        ("POST", "/api/chat") if known => {
            let lines = [
                json!({"model": model, "created_at": "2026-11-01T00:00:00Z", "message": {"role": "assistant", "content": "Hi"}, "done": false}),
                json!({"model": model, "created_at": "2026-11-01T00:00:00Z", "message": {"role": "assistant", "content": " there"}, "done": false}),
                json!({"model": model, "created_at": "2026-11-01T00:00:00Z", "message": {"role": "assistant", "content": ""}, "done": true,
                    "done_reason": "stop", "total_duration": 600_000_000u64, "prompt_eval_count": 12, "prompt_eval_duration": 100_000_000u64,
                    "eval_count": 2, "eval_duration": 400_000_000u64}),
            ];
            ("200 OK", "application/x-ndjson", lines.iter().map(|l| format!("{l}\n")).collect())
        }
        ("POST", "/api/chat") => not_found(),
        _ => ("404 Not Found", "text/plain", "404 page not found".into()),
    }
}
