//! A small MCP server over streamable HTTP on loopback, for the MCP tests: JSON answers for
//! `initialize` and `tools/list`, an SSE answer for `tools/call`, 202 for notifications, 405 for
//! the GET stream; optionally a bearer token it requires, or a stall before any answer.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::common::{SeenRequest, read_request};

/// The server: its URL and every request it received.
pub struct HttpMcp {
    pub url: String,
    seen: Arc<Mutex<Vec<SeenRequest>>>,
}

/// How the server behaves.
#[derive(Clone, Copy)]
pub enum Mode {
    /// Answers requests carrying `Authorization: Bearer TOKEN` (any, when `None`).
    Serve(Option<&'static str>),
    /// Reads each request and never answers.
    Stall,
}

impl HttpMcp {
    pub fn start(mode: Mode) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/mcp", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let log = log.clone();
                std::thread::spawn(move || serve(stream, mode, &log));
            }
        });
        Self { url, seen }
    }

    /// The requests so far.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.seen.lock().unwrap().clone()
    }

    /// The `tools/call` requests so far, as JSON.
    pub fn calls(&self) -> Vec<Value> {
        self.requests()
            .iter()
            .filter_map(|request| serde_json::from_str::<Value>(&request.body).ok())
            .filter(|body| body["method"] == "tools/call")
            .collect()
    }
}

fn respond(out: &mut TcpStream, status: &str, headers: &str, body: &str) {
    let _ = write!(
        out,
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = out.flush();
}

fn serve(stream: TcpStream, mode: Mode, log: &Mutex<Vec<SeenRequest>>) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    log.lock().unwrap().push(request.clone());
    let mut out = stream;
    let token = match mode {
        Mode::Stall => {
            std::thread::sleep(Duration::from_secs(60));
            return;
        }
        Mode::Serve(token) => token,
    };
    if let Some(token) = token
        && request.authorization.as_deref() != Some(&format!("Bearer {token}"))
    {
        respond(
            &mut out,
            "401 Unauthorized",
            "WWW-Authenticate: Bearer realm=\"mcp\"\r\n",
            "no",
        );
        return;
    }
    match request.method.as_str() {
        "POST" => {}
        "DELETE" => return respond(&mut out, "200 OK", "", ""),
        _ => return respond(&mut out, "405 Method Not Allowed", "", ""),
    }
    let message: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
    let Some(id) = message.get("id").cloned() else {
        return respond(&mut out, "202 Accepted", "", "");
    };
    let json_headers = "Content-Type: application/json\r\nMcp-Session-Id: session-1\r\n";
    let answer = |result: Value| json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string();
    match message["method"].as_str().unwrap_or_default() {
        "initialize" => {
            let version = message["params"]["protocolVersion"].clone();
            let body = answer(json!({
                "protocolVersion": version,
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "web-test", "version": "2.0"}
            }));
            respond(&mut out, "200 OK", json_headers, &body);
        }
        "tools/list" => {
            let body = answer(json!({"tools": [{
                "name": "search",
                "description": "Search the web index",
                "inputSchema": {
                    "type": "object",
                    "properties": {"query": {"type": "string"}},
                    "required": ["query"]
                }
            }]}));
            respond(&mut out, "200 OK", json_headers, &body);
        }
        "tools/call" => {
            let query = message["params"]["arguments"]["query"]
                .as_str()
                .unwrap_or_default();
            let body = answer(json!({
                "content": [{"type": "text", "text": format!("3 results for {query}")}]
            }));
            let event = format!("event: message\ndata: {body}\n\n");
            respond(
                &mut out,
                "200 OK",
                "Content-Type: text/event-stream\r\n",
                &event,
            );
        }
        other => {
            let body = json!({"jsonrpc": "2.0", "id": id,
                "error": {"code": -32601, "message": format!("no method {other}")}})
            .to_string();
            respond(&mut out, "200 OK", json_headers, &body);
        }
    }
}
