//! A temporary agent home and helpers to run the real binary in it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The conversations fixture: several conversations with non-ASCII text, a very long message,
/// code blocks, tool calls and a conversation without a title, in export (canonical) form.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conversations.jsonl")
}

/// A temporary AGENT_HOME and a working directory outside any git repository.
pub struct Home {
    pub root: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Self {
        Self {
            root: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.root.path().join("home")
    }

    pub fn work_dir(&self) -> PathBuf {
        let dir = self.root.path().join("work");
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    pub fn database(&self) -> PathBuf {
        self.path().join("data/agent.db")
    }

    /// Asserts that SQLite finds the database sound (`PRAGMA integrity_check`).
    pub fn assert_database_sound(&self) {
        let conn = rusqlite::Connection::open(self.database()).unwrap();
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
    }

    /// `agent` with AGENT_HOME set, no colour, no inherited AGENT_* variables.
    pub fn agent(&self) -> Command {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin!("agent"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("AGENT_") {
                command.env_remove(&key);
            }
        }
        command
            .env("AGENT_HOME", self.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .current_dir(self.work_dir());
        command
    }

    /// `agent` as a plain process (to spawn, signal and read while it runs), set up like
    /// [`Home::agent`].
    pub fn process(&self) -> std::process::Command {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin!("agent"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("AGENT_") {
                command.env_remove(&key);
            }
        }
        command
            .env("AGENT_HOME", self.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .current_dir(self.work_dir());
        command
    }

    /// Runs `agent ARGS`, asserts success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.agent().args(args).output().unwrap();
        assert!(
            output.status.success(),
            "agent {args:?} failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs `agent ARGS --json` (ARGS should include --json), asserts success, parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let stdout = self.ok(args);
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("agent {args:?} printed invalid JSON ({e}):\n{stdout}"))
    }

    /// Runs `agent ARGS`, asserts it fails with `code`, returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let output = self.agent().args(args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(code), "agent {args:?}: {stderr}");
        assert!(
            !stderr.contains("panicked"),
            "agent {args:?} panicked: {stderr}"
        );
        assert!(stderr.starts_with("error: "), "agent {args:?}: {stderr}");
        stderr
    }

    pub fn import_fixture(&self) {
        self.ok(&["history", "import", fixture().to_str().unwrap()]);
    }

    /// Conversation and message counts, read straight from the database file.
    pub fn counts(&self) -> (i64, i64) {
        let conn = rusqlite::Connection::open(self.database()).unwrap();
        conn.query_row(
            "SELECT (SELECT COUNT(*) FROM conversations), (SELECT COUNT(*) FROM messages)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }
}

/// Makes `dir` a git repository (`git init`).
pub fn git_init(dir: &Path) {
    let status = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success());
}

/// A tiny GGUF model of the repository's fixtures (`tests/fixtures/gguf/`, see its README).
pub fn gguf_fixture(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gguf")
        .join(name);
    assert!(path.exists(), "missing fixture {}", path.display());
    path
}

/// Serves `body` for every GET on a loopback port until the test ends; returns the base URL and
/// the request paths seen.
pub fn serve_bytes(body: Vec<u8>) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let paths = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let text = String::from_utf8_lossy(&request);
            let path = text.split_whitespace().nth(1).unwrap_or("").to_string();
            paths.lock().unwrap().push(path);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (base, seen)
}

/// A request the fake model server received: method, path and body.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    pub method: String,
    pub path: String,
    pub body: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
}

/// An OpenAI-compatible server on loopback: `POST …/chat/completions` streams `reply` as SSE
/// content chunks (one per piece) with usage and `[DONE]`; `GET …/models` lists `tiny`.
pub fn serve_openai(
    reply: &[&str],
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<SeenRequest>>>) {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let pieces: Vec<String> = reply.iter().map(|s| s.to_string()).collect();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let Some(request) = read_request(&stream) else {
                continue;
            };
            let path = request.path.clone();
            log.lock().unwrap().push(request);
            let mut out = stream;
            if path.ends_with("/models") {
                let json = r#"{"object":"list","data":[{"id":"tiny","object":"model","owned_by":"test"}]}"#;
                let _ = write!(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{json}",
                    json.len()
                );
                continue;
            }
            let _ = write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
            );
            let chunk = |delta: serde_json::Value, finish: serde_json::Value| serde_json::json!({"id":"c","object":"chat.completion.chunk","model":"tiny","choices":[{"index":0,"delta":delta,"finish_reason":finish}]});
            let _ = write!(
                out,
                "data: {}\n\n",
                chunk(
                    serde_json::json!({"role":"assistant"}),
                    serde_json::Value::Null
                )
            );
            for piece in &pieces {
                let _ = write!(
                    out,
                    "data: {}\n\n",
                    chunk(
                        serde_json::json!({"content": piece}),
                        serde_json::Value::Null
                    )
                );
                let _ = out.flush();
            }
            let _ = write!(
                out,
                "data: {}\n\n",
                chunk(serde_json::json!({}), serde_json::json!("stop"))
            );
            let usage = serde_json::json!({"id":"c","object":"chat.completion.chunk","model":"tiny","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":pieces.len(),"total_tokens":9 + pieces.len()}});
            let _ = write!(out, "data: {usage}\n\ndata: [DONE]\n\n");
            let _ = out.flush();
        }
    });
    (base, seen)
}

/// Reads one HTTP/1.1 request (request line, headers, a Content-Length body) from a test client.
pub fn read_request(stream: &std::net::TcpStream) -> Option<SeenRequest> {
    use std::io::{BufRead, BufReader, Read};
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut length = 0usize;
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap_or(0);
        }
        if line.to_ascii_lowercase().starts_with("authorization:") {
            authorization = Some(line["authorization:".len()..].trim().to_string());
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    let mut parts = request_line.split_whitespace();
    Some(SeenRequest {
        method: parts.next().unwrap_or("").to_string(),
        path: parts.next().unwrap_or("").to_string(),
        body: String::from_utf8_lossy(&body).into(),
        authorization,
    })
}

/// Every file under `dir`, with its bytes (for greps of the whole data directory).
pub fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path.display().to_string(), bytes));
        }
    }
    out
}

/// Whether `needle` occurs in `haystack`.
pub fn bytes_contain(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}
