//! A fake Ollama server with the models a test puts on its shelf: `/api/tags` lists them with
//! their sizes, `/api/show` gives their attention shape (for the KV cache), and `/api/chat`
//! answers agent's tool-calling check (a request offering `add_numbers`) with a native call and
//! anything else with a short text.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::common::{SeenRequest, read_request};

/// A model on the shelf.
#[derive(Debug, Clone)]
pub struct ShelfModel {
    pub name: &'static str,
    /// Bytes on disk (the weights).
    pub size: u64,
    pub layers: u32,
    pub kv_heads: u32,
    pub context: u32,
}

/// Starts the server; returns its base URL and the requests it saw.
pub fn serve_shelf(models: Vec<ShelfModel>) -> (String, Arc<Mutex<Vec<SeenRequest>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let Some(request) = read_request(&stream) else {
                continue;
            };
            let reply = respond(&models, &request);
            log.lock().unwrap().push(request);
            let (status, content_type, body) = reply;
            let mut out = stream;
            let _ = write!(
                out,
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = out.flush();
        }
    });
    (base, seen)
}

/// The chat requests among `seen` that were tool-calling checks.
pub fn checks(seen: &[SeenRequest]) -> Vec<&SeenRequest> {
    seen.iter()
        .filter(|r| r.path == "/api/chat" && r.body.contains("add_numbers"))
        .collect()
}

/// The chat requests among `seen` that were not checks.
pub fn chats(seen: &[SeenRequest]) -> Vec<&SeenRequest> {
    seen.iter()
        .filter(|r| r.path == "/api/chat" && !r.body.contains("add_numbers"))
        .collect()
}

fn respond(models: &[ShelfModel], request: &SeenRequest) -> (&'static str, &'static str, String) {
    let body: Value = serde_json::from_str(&request.body).unwrap_or_default();
    let name = body["model"].as_str().unwrap_or("");
    let model = models.iter().find(|m| m.name == name);
    let not_found = || {
        (
            "404 Not Found",
            "application/json",
            json!({"error": format!("model '{name}' not found")}).to_string(),
        )
    };
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/api/version") => ("200 OK", "application/json", r#"{"version":"0.6.0"}"#.into()),
        ("GET", "/api/tags") => {
            let listed: Vec<Value> = models
                .iter()
                .map(|m| {
                    json!({"name": m.name, "model": m.name, "modified_at": "2026-11-01T00:00:00Z",
                        "size": m.size, "digest": "0123abcd",
                        "details": {"format": "gguf", "family": "qwen2", "parameter_size": "?", "quantization_level": "Q4_K_M"}})
                })
                .collect();
            ("200 OK", "application/json", json!({"models": listed}).to_string())
        }
        ("POST", "/api/show") => match model {
            Some(m) => (
                "200 OK",
                "application/json",
                json!({"details": {"format": "gguf", "family": "qwen2"},
                    "model_info": {"general.architecture": "qwen2", "qwen2.context_length": m.context,
                        "qwen2.block_count": m.layers, "qwen2.embedding_length": 512,
                        "qwen2.attention.head_count": 8, "qwen2.attention.head_count_kv": m.kv_heads},
                    "capabilities": ["completion", "tools"]})
                .to_string(),
            ),
            None => not_found(),
        },
        ("POST", "/api/chat") if model.is_some() => {
            let message = if request.body.contains("add_numbers") {
                json!({"role": "assistant", "content": "",
                    "tool_calls": [{"function": {"name": "add_numbers", "arguments": {"a": 2, "b": 3}}}]})
            } else {
                json!({"role": "assistant", "content": "Nothing to change."})
            };
            let lines = [
                json!({"model": name, "created_at": "2026-11-01T00:00:00Z", "message": message, "done": false}),
                json!({"model": name, "created_at": "2026-11-01T00:00:00Z", "message": {"role": "assistant", "content": ""},
                    "done": true, "done_reason": "stop", "prompt_eval_count": 20, "eval_count": 5,
                    "prompt_eval_duration": 1_000_000u64, "eval_duration": 1_000_000u64}),
            ];
            (
                "200 OK",
                "application/x-ndjson",
                lines.iter().map(|l| format!("{l}\n")).collect(),
            )
        }
        ("POST", "/api/chat") => not_found(),
        _ => ("404 Not Found", "text/plain", "404 page not found".into()),
    }
}
