//! `cargo bench --bench serve`: `agent serve` measured as its clients see it (release build, real
//! loopback HTTP). Four numbers (docs/benchmarks.md):
//!
//! 1. `GET /v1/tasks?limit=50` on a store of 100,000 tasks, open-loop at a fixed rate (default
//!    1,000 requests/s for 10 s): p50 / p99 / max latency; the same listing answered from the
//!    server's cache, then every request a different page (no cache).
//! 2. Resident memory of the idle server, and with 100 SSE subscribers open.
//! 3. Time from sending `POST /v1/tasks` to the model server receiving the task's first request,
//!    on a warm server (the model is a local OpenAI-protocol stub that answers at once).
//!
//! Environment: `AGENT_BENCH_TASKS` (100000), `AGENT_BENCH_RATE` (1000 per second),
//! `AGENT_BENCH_SECONDS` (10), `AGENT_BENCH_SUBSCRIBERS` (100), `AGENT_BENCH_POSTS` (30).

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let tasks = setting("AGENT_BENCH_TASKS", 100_000);
    let rate = setting("AGENT_BENCH_RATE", 1000);
    let seconds = setting("AGENT_BENCH_SECONDS", 10);
    let subscribers = setting("AGENT_BENCH_SUBSCRIBERS", 100);
    let posts = setting("AGENT_BENCH_POSTS", 30);

    let work = tempfile::tempdir().expect("temp dir");
    let home = work.path().join("home");
    let seeding = Instant::now();
    seed_tasks(&home, tasks);
    println!(
        "seeded {tasks} tasks in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let model = runtime.block_on(ModelStub::start());
    let mut server = Server::start(&home, &model.base_url);
    let client = reqwest::Client::new();

    runtime.block_on(async {
        // Warm up: the pool's connections, the store's caches.
        for _ in 0..50 {
            server.get(&client, "/v1/tasks?limit=50").await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let idle = rss_kib(server.child.id());
        println!("idle server RSS: {:.1} MiB", idle as f64 / 1024.0);
        let streams = open_streams(&server, &client, subscribers).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!(
            "RSS with {subscribers} SSE subscribers (before the load): {:.1} MiB",
            rss_kib(server.child.id()) as f64 / 1024.0
        );
        drop(streams);

        let latencies = load(&server, &client, rate, seconds, false).await;
        report_latencies(&format!("GET /v1/tasks?limit=50 at {rate}/s"), &latencies);
        report_server_time(&server, &client).await;
        // Every request a different page: no answer can come from the cache.
        let latencies = load(&server, &client, rate, seconds, true).await;
        report_latencies(
            &format!("GET /v1/tasks?limit=50&cursor=… (each a new page) at {rate}/s"),
            &latencies,
        );
        println!(
            "RSS after the load: {:.1} MiB",
            rss_kib(server.child.id()) as f64 / 1024.0
        );

        let streams = open_streams(&server, &client, subscribers).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        println!(
            "RSS with {subscribers} SSE subscribers (after the load): {:.1} MiB",
            rss_kib(server.child.id()) as f64 / 1024.0
        );
        drop(streams);

        let repo = work.path().join("repo");
        make_repo(&repo);
        let delays = post_to_first_request(&server, &client, &model, &repo, posts).await;
        report_latencies("POST /v1/tasks → first model request", &delays);
    });
    server.stop();
}

/// A store of `count` finished tasks, written straight into the database in one transaction.
fn seed_tasks(home: &Path, count: u64) {
    let database = home.join("data/agent.db");
    std::fs::create_dir_all(database.parent().expect("data dir")).expect("data dir");
    drop(
        agent_core::store::Store::open(&database, &agent_core::store::StoreOptions::default())
            .expect("store"),
    );
    let mut conn = rusqlite::Connection::open(&database).expect("database");
    let transaction = conn.transaction().expect("transaction");
    {
        let mut insert = transaction
            .prepare(
                "INSERT INTO tasks (id, title, description, repo, strategy, complexity, models, status, \
                 summary, diff_stat, prompt_tokens, completion_tokens, created_at, started_at, finished_at) \
                 VALUES (?1, ?2, ?3, ?4, 'iterative', 'medium', '{\"coder\":\"qwen2.5-coder:7b\"}', ?5, ?6, \
                 '{\"files\":2,\"insertions\":14,\"deletions\":3}', 2400, 310, ?7, ?7, ?7 + 42000)",
            )
            .expect("insert");
        let statuses = ["succeeded", "succeeded", "succeeded", "failed", "cancelled"];
        let start: i64 = 1_760_000_000_000;
        for index in 0..count {
            let id = agent_core::ids::new_id();
            let created = start + i64::try_from(index).unwrap_or(0) * 60_000;
            insert
                .execute(rusqlite::params![
                    id,
                    format!("Fix the flaky parser test number {index}"),
                    format!(
                        "The parser test {index} fails one run in ten: find the race in the tokenizer's buffer handling, fix it and make the test deterministic."
                    ),
                    format!("/home/dev/src/project-{}", index % 7),
                    statuses[usize::try_from(index % 5).unwrap_or(0)],
                    "Made the tokenizer's buffer per call; the test passes 200 runs in a row.",
                    created,
                ])
                .expect("insert task");
        }
    }
    transaction.commit().expect("commit");
}

/// `agent serve` (the build of this bench) on a free loopback port.
struct Server {
    child: Child,
    url: String,
    token: String,
}

impl Server {
    fn start(home: &Path, model_url: &str) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_agent"))
            .args(["serve", "--addr", "127.0.0.1:0", "-c", "serve.rate_limit=0"])
            .args([
                "--backend",
                "openai",
                "--base-url",
                model_url,
                "--model",
                "tiny",
            ])
            .env("AGENT_HOME", home)
            .env("AGENT_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("agent serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines.next().and_then(Result::ok).expect("first line");
        let url = first.rsplit(' ').next().expect("the address").to_string();
        std::thread::spawn(move || for _ in lines {});
        let token = std::fs::read_to_string(home.join("data/serve-token"))
            .expect("token")
            .trim()
            .to_string();
        Self { child, url, token }
    }

    async fn get(&self, client: &reqwest::Client, path: &str) -> u16 {
        let response = client
            .get(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let _ = response.bytes().await;
        status
    }

    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// Sends `rate` requests a second for `seconds`, each at its scheduled time whether or not the
/// earlier ones finished (open loop, so a slow server shows as latency, not as a lower rate).
async fn load(
    server: &Server,
    client: &reqwest::Client,
    rate: u64,
    seconds: u64,
    distinct_pages: bool,
) -> Vec<Duration> {
    let total = rate * seconds;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(total as usize)));
    let start = tokio::time::Instant::now();
    let mut handles = Vec::with_capacity(total as usize);
    for index in 0..total {
        tokio::time::sleep_until(start + interval * index as u32).await;
        let client = client.clone();
        let url = if distinct_pages {
            // A cursor inside the seeded range, one minute (one task) apart per request.
            let created = 1_760_000_000_000i64 + 60_000 * (90_000 - index as i64);
            format!("{}/v1/tasks?limit=50&cursor={created}.ffff", server.url)
        } else {
            format!("{}/v1/tasks?limit=50", server.url)
        };
        let token = server.token.clone();
        let latencies = latencies.clone();
        handles.push(tokio::spawn(async move {
            let sent = Instant::now();
            let response = client.get(url).bearer_auth(token).send().await;
            let ok = match response {
                Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                Err(_) => false,
            };
            if ok {
                latencies.lock().expect("latencies").push(sent.elapsed());
            }
        }));
    }
    for handle in handles {
        let _ = handle.await;
    }
    let latencies = latencies.lock().expect("latencies").clone();
    println!(
        "{} of {total} requests answered in {:.2} s",
        latencies.len(),
        start.elapsed().as_secs_f64()
    );
    latencies
}

/// Opens `count` streams of every task's events and keeps them open until dropped.
async fn open_streams(
    server: &Server,
    client: &reqwest::Client,
    count: u64,
) -> Vec<reqwest::Response> {
    let mut streams = Vec::new();
    for _ in 0..count {
        let response = client
            .get(format!("{}/v1/events", server.url))
            .bearer_auth(&server.token)
            .send()
            .await
            .expect("stream");
        assert_eq!(response.status().as_u16(), 200);
        streams.push(response);
    }
    streams
}

/// Starts `count` tasks one after another; for each, the time from sending the POST to the model
/// stub receiving the task's first request. The first task warms the server and is left out.
async fn post_to_first_request(
    server: &Server,
    client: &reqwest::Client,
    model: &ModelStub,
    repo: &Path,
    count: u64,
) -> Vec<Duration> {
    let mut delays = Vec::new();
    for round in 0..=count {
        model.drain().await;
        let sent = Instant::now();
        let response = client
            .post(format!("{}/v1/tasks", server.url))
            .bearer_auth(&server.token)
            .json(&serde_json::json!({
                "description": "say done",
                "repo": repo.display().to_string(),
                "strategy": "single",
                "approval": "auto",
                "verify": "true",
            }))
            .send()
            .await
            .expect("post");
        assert_eq!(
            response.status().as_u16(),
            201,
            "{:?}",
            response.text().await
        );
        let first = model.next_request().await;
        if round > 0 {
            delays.push(first.saturating_duration_since(sent));
        }
        // Let the task finish before the next one.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    delays
}

fn report_latencies(name: &str, samples: &[Duration]) {
    let mut sorted: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        println!("{name}: no samples");
        return;
    }
    let at = |quantile: f64| sorted[((sorted.len() as f64 - 1.0) * quantile).round() as usize];
    println!(
        "{name}: n={} p50={:.2} ms p95={:.2} ms p99={:.2} ms max={:.2} ms",
        sorted.len(),
        at(0.5),
        at(0.95),
        at(0.99),
        sorted[sorted.len() - 1]
    );
}

/// The server's own mean time per `GET /v1/tasks` (its latency histogram), without the client
/// and the network.
async fn report_server_time(server: &Server, client: &reqwest::Client) {
    let metrics = client
        .get(format!("{}/metrics", server.url))
        .bearer_auth(&server.token)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics text");
    let value = |name: &str| {
        metrics
            .lines()
            .find(|line| line.starts_with(name) && line.contains("route=\"/v1/tasks\""))
            .and_then(|line| line.rsplit(' ').next())
            .and_then(|value| value.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let sum = value("agent_http_request_duration_seconds_sum");
    let count = value("agent_http_request_duration_seconds_count");
    if count > 0.0 {
        println!(
            "server time per GET /v1/tasks (mean of {count}): {:.3} ms",
            sum / count * 1000.0
        );
    }
}

/// Resident memory of `pid` in KiB (Linux).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kib| kib.parse().ok())
        })
        .unwrap_or(0)
}

fn make_repo(repo: &Path) {
    std::fs::create_dir_all(repo).expect("repo");
    std::fs::write(repo.join("README.md"), "# bench\n").expect("file");
    for args in [
        &["init", "-q", "-b", "main"][..],
        &[
            "-c",
            "user.name=B",
            "-c",
            "user.email=b@example.com",
            "add",
            "-A",
        ],
        &[
            "-c",
            "user.name=B",
            "-c",
            "user.email=b@example.com",
            "commit",
            "-qm",
            "initial",
        ],
    ] {
        let status = Command::new("git")
            .args(args)
            .current_dir(repo)
            .status()
            .expect("git");
        assert!(status.success());
    }
}

/// A model server speaking the OpenAI protocol that answers every chat request with "done" at
/// once and notes when each arrived.
struct ModelStub {
    base_url: String,
    arrivals: tokio::sync::Mutex<tokio::sync::mpsc::UnboundedReceiver<Instant>>,
}

impl ModelStub {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base_url = format!("http://{}/v1", listener.local_addr().expect("address"));
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let sender = sender.clone();
                tokio::spawn(answer(stream, sender));
            }
        });
        Self {
            base_url,
            arrivals: tokio::sync::Mutex::new(receiver),
        }
    }

    /// Forgets the arrivals so far (later requests of an earlier task).
    async fn drain(&self) {
        let mut arrivals = self.arrivals.lock().await;
        while arrivals.try_recv().is_ok() {}
    }

    /// When the next chat request arrived.
    async fn next_request(&self) -> Instant {
        self.arrivals
            .lock()
            .await
            .recv()
            .await
            .expect("model request")
    }
}

async fn answer(
    mut stream: tokio::net::TcpStream,
    arrivals: tokio::sync::mpsc::UnboundedSender<Instant>,
) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    let mut arrived = None;
    loop {
        let Ok(read) = stream.read(&mut buffer).await else {
            return;
        };
        if read == 0 {
            return;
        }
        arrived.get_or_insert_with(Instant::now);
        request.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&request);
        let Some(head_end) = text.find("\r\n\r\n") else {
            continue;
        };
        let length = text[..head_end]
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())
                    .flatten()
            })
            .unwrap_or(0);
        if request.len() >= head_end + 4 + length {
            break;
        }
    }
    let text = String::from_utf8_lossy(&request);
    let reply = if text.starts_with("GET") {
        let body =
            r#"{"object":"list","data":[{"id":"tiny","object":"model","owned_by":"bench"}]}"#;
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
    } else {
        if let Some(arrived) = arrived {
            let _ = arrivals.send(arrived);
        }
        let chunk = |delta: &str, finish: &str| {
            format!(
                "data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"tiny\",\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{finish}}}]}}\n\n"
            )
        };
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n{}{}{}data: [DONE]\n\n",
            chunk(r#"{"role":"assistant"}"#, "null"),
            chunk(r#"{"content":"done"}"#, "null"),
            chunk("{}", "\"stop\"")
        )
    };
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}
