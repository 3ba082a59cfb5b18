//! A running `agent serve` for tests: the real binary on a loopback port of its own, its URL
//! and token, and a small async HTTP client (reqwest) with SSE reading.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::Home;

/// A server process; killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub token: String,
    pub runtime: tokio::runtime::Runtime,
    pub http: reqwest::Client,
}

/// A response: status, headers, and the body as JSON (or `Null`) and as text.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub json: Value,
    pub text: String,
}

impl Server {
    /// Starts `agent serve --addr 127.0.0.1:0 EXTRA…` in `home` and waits for its first line.
    pub fn start(home: &Home, extra: &[&str]) -> Self {
        Self::start_with_env(home, extra, &[])
    }

    /// [`Server::start`] with extra environment variables (set after the test's own are
    /// inherited; `AGENT_*` ones are not).
    pub fn start_with_env(home: &Home, extra: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = home
            .process()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .env("AGENT_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first
            .strip_prefix("agent serve listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        // Keep reading stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let token = std::fs::read_to_string(home.path().join("data/serve-token"))
            .unwrap()
            .trim()
            .to_string();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        Self {
            child,
            url,
            token,
            runtime,
            http: reqwest::Client::new(),
        }
    }

    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    /// `GET path` with the token.
    pub fn get(&self, path: &str) -> Answer {
        self.send(
            self.http
                .get(self.url_of(path))
                .header("authorization", self.bearer()),
        )
    }

    /// `POST path` with the token and a JSON body.
    pub fn post(&self, path: &str, body: Value) -> Answer {
        self.send(
            self.http
                .post(self.url_of(path))
                .header("authorization", self.bearer())
                .json(&body),
        )
    }

    pub fn url_of(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// Sends a prepared request and reads the whole answer.
    pub fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        self.runtime.block_on(async {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let text = response.text().await.unwrap();
            let json = serde_json::from_str(&text).unwrap_or(Value::Null);
            Answer {
                status,
                headers,
                json,
                text,
            }
        })
    }

    /// Reads an SSE stream at `path` (with extra headers) until `stop` says an event is the last,
    /// or `limit` passes: each event's `id:` (if any) and its JSON data.
    pub fn events_until(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        limit: Duration,
        stop: impl Fn(&Value) -> bool,
    ) -> Vec<(Option<i64>, Value)> {
        let mut request = self
            .http
            .get(self.url_of(path))
            .header("authorization", self.bearer());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.runtime
            .block_on(read_sse(request, limit, stop))
            .unwrap_or_else(|events| panic!("the stream ended early: {events:?}"))
    }

    /// Sends a signal (`-TERM`, `-KILL`) to the server.
    pub fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits up to `limit` for the server to exit; its exit code.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("agent serve did not exit within {limit:?}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads SSE events of `request` until `stop` is true for one (`Ok`, that one included), or the
/// stream ends or `limit` passes (`Err` with what was read).
pub async fn read_sse(
    request: reqwest::RequestBuilder,
    limit: Duration,
    stop: impl Fn(&Value) -> bool,
) -> Result<Vec<(Option<i64>, Value)>, Vec<(Option<i64>, Value)>> {
    use futures_util::StreamExt;
    let mut events = Vec::new();
    let reading = async {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "stream refused");
        let mut body = response.bytes_stream();
        let mut buffer = String::new();
        let mut id = None;
        let mut data: Option<Value> = None;
        while let Some(chunk) = body.next().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            while let Some(end) = buffer.find('\n') {
                let line = buffer[..end].trim_end_matches('\r').to_string();
                buffer.drain(..=end);
                if let Some(value) = line.strip_prefix("id:") {
                    id = value.trim().parse().ok();
                } else if let Some(text) = line.strip_prefix("data:") {
                    data = Some(serde_json::from_str(text.trim()).unwrap());
                } else if line.is_empty() {
                    // The blank line ends an event (its fields come in any order).
                    if let Some(value) = data.take() {
                        let last = stop(&value);
                        events.push((id.take(), value));
                        if last {
                            return true;
                        }
                    }
                    id = None;
                }
            }
        }
        false
    };
    let finished = matches!(tokio::time::timeout(limit, reading).await, Ok(true));
    if finished { Ok(events) } else { Err(events) }
}

/// The event's `type`.
pub fn kind(event: &Value) -> &str {
    event["type"].as_str().unwrap_or_default()
}
