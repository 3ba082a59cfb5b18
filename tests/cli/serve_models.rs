//! The model routes of `agent serve` (`/v1/models…`, `/v1/machine`) against the fake Ollama
//! server and a fake download server: the same answers as `agent models … --json`, their
//! errors, and pulls streamed as events (a client that leaves stops the pull; the next resumes).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{Home, gguf_fixture};
use crate::fake_ollama::serve_ollama;
use crate::server::{Server, read_sse};

/// An address where nothing listens.
fn closed_url() -> String {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    url
}

/// `agent serve` with Ollama at `ollama` and `env` set, as [`Server::start`] starts it.
fn start(home: &Home, ollama: &str, env: &[(&str, &str)]) -> Server {
    let mut child = home
        .process()
        .args(["-c", &format!("ollama.url={ollama}")])
        .args(["serve", "--addr", "127.0.0.1:0"])
        .envs(env.iter().copied())
        .env("AGENT_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("agent serve listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_string();
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
    Server {
        child,
        url,
        token,
        runtime,
        http: reqwest::Client::new(),
    }
}

/// `POST /v1/models/pull {name}`: every event of the stream, which must end with `done`.
fn pull(server: &Server, name: &str) -> Vec<Value> {
    let request = server
        .http
        .post(server.url_of("/v1/models/pull"))
        .header("authorization", server.bearer())
        .json(&json!({ "name": name }));
    let events = server
        .runtime
        .block_on(read_sse(request, Duration::from_secs(30), |event| {
            event["done"] == true
        }))
        .unwrap_or_else(|events| panic!("the pull's stream ended early: {events:?}"));
    events.into_iter().map(|(_, event)| event).collect()
}

#[test]
fn serve_models_list_show_probe_and_recommend() {
    let home = Home::new();
    let (ollama, _) = serve_ollama();
    let server = start(&home, &ollama, &[]);

    // Nothing cached yet; a refresh asks Ollama and caches what it has.
    let cached = server.get("/v1/models?cached=true");
    assert_eq!(cached.status, 200, "{}", cached.text);
    assert_eq!(cached.json["models"], json!([]));
    let listed = server.get("/v1/models");
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json["unreachable"], json!([]));
    let model = &listed.json["models"][0];
    assert_eq!(
        (model["backend"].as_str(), model["name"].as_str()),
        (Some("ollama"), Some("qwen2.5-coder:7b"))
    );
    assert_eq!(model["details"]["quantization"], "Q4_K_M");
    let cached = server.get("/v1/models?cached=true");
    assert_eq!(cached.json["models"][0]["name"], "qwen2.5-coder:7b");
    // The same data as the CLI prints.
    let cli = home.json(&[
        "-c",
        &format!("ollama.url={ollama}"),
        "models",
        "list",
        "--json",
    ]);
    assert_eq!(cli["models"][0]["details"], model["details"]);
    let bad = server.get("/v1/models?cached=maybe");
    assert_eq!(bad.status, 400, "{}", bad.text);

    let shown = server.get("/v1/models/qwen2.5-coder:7b");
    assert_eq!(shown.status, 200, "{}", shown.text);
    assert_eq!(shown.json["backend"], "ollama");
    assert_eq!(shown.json["context_length"], 32768);
    assert_eq!(shown.json["tools"], true);
    let missing = server.get("/v1/models/qwen2.5-cod:7b");
    assert_eq!(missing.status, 404, "{}", missing.text);
    assert!(
        missing.json["error"]
            .as_str()
            .unwrap()
            .contains("not found"),
        "{}",
        missing.text
    );
    assert!(
        missing.json["hint"]
            .as_str()
            .unwrap()
            .contains("agent models pull"),
        "{}",
        missing.text
    );

    let machine = server.get("/v1/machine?bandwidth=false");
    assert_eq!(machine.status, 200, "{}", machine.text);
    assert!(machine.json["cpu"]["logical_cores"].as_u64().unwrap() >= 1);
    assert!(machine.json["memory"]["total_bytes"].as_u64().unwrap() > 0);
    assert!(machine.json["gpus"].is_array());

    let plan = server.get("/v1/models/recommend?context=4096");
    assert_eq!(plan.status, 200, "{}", plan.text);
    assert!(plan.json["budget"]["usable_bytes"].as_u64().unwrap() > 0);
    if let Some(best) = plan.json["best"].as_object() {
        assert_eq!(best["context_length"], 4096);
    }
    assert_eq!(server.get("/v1/models/recommend?context=0").status, 400);

    // Every route is in the OpenAPI document.
    let document = server.get("/openapi.json").json;
    for path in [
        "/v1/models",
        "/v1/models/{name}",
        "/v1/models/recommend",
        "/v1/models/pull",
        "/v1/machine",
    ] {
        assert!(
            document["paths"][path].is_object(),
            "{path} is undocumented"
        );
    }
}

#[test]
fn serve_models_reports_a_backend_that_is_down() {
    let home = Home::new();
    // An earlier refresh cached Ollama's models.
    let (ollama, _) = serve_ollama();
    home.json(&[
        "-c",
        &format!("ollama.url={ollama}"),
        "models",
        "list",
        "--json",
    ]);
    let down = closed_url();
    let server = start(&home, &down, &[]);

    let listed = server.get("/v1/models");
    assert_eq!(listed.status, 200, "{}", listed.text);
    let unreachable = &listed.json["unreachable"][0];
    assert_eq!(unreachable["backend"], "ollama");
    assert_eq!(unreachable["url"], down.as_str());
    assert!(!unreachable["error"].as_str().unwrap().is_empty());
    // Its models are the cached ones.
    assert_eq!(listed.json["models"][0]["name"], "qwen2.5-coder:7b");

    let shown = server.get("/v1/models/qwen2.5-coder:7b");
    assert_eq!(shown.status, 502, "{}", shown.text);
    assert!(
        shown.json["hint"]
            .as_str()
            .unwrap()
            .contains("ollama serve"),
        "{}",
        shown.text
    );
    let events = pull(&server, "llama3.2:1b");
    let last = events.last().unwrap();
    assert_eq!(last["status"], "error", "{events:?}");
    assert_eq!(last["code"], 502, "{events:?}");
}

#[test]
fn serve_models_pull_streams_progress_until_done() {
    let home = Home::new();
    let (ollama, requests) = serve_ollama();
    let gguf = std::fs::read(gguf_fixture("tiny-llama-q4_0.gguf")).unwrap();
    let (hub, paths) = crate::common::serve_bytes(gguf.clone());
    let server = &start(&home, &ollama, &[("HF_ENDPOINT", &hub)]);

    // Through Ollama: each step, the layer's bytes, then the result.
    let events = pull(server, "llama3.2:1b");
    assert_eq!(events[0]["status"], "pulling manifest", "{events:?}");
    assert!(
        events.iter().any(|e| e["digest"] == "sha256:74701a8c35f6"
            && e["completed"] == 1000
            && e["total"] == 1000),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .all(|e| e["done"] == (e == events.last().unwrap()))
    );
    let last = events.last().unwrap();
    assert_eq!(last["status"], "success", "{events:?}");
    assert_eq!(last["result"]["model"], "llama3.2:1b");
    assert_eq!(last["result"]["backend"], "ollama");
    assert_eq!(
        last["result"]["statuses"],
        json!([
            "pulling manifest",
            "verifying sha256 digest",
            "writing manifest",
            "success"
        ])
    );
    let seen = requests.lock().unwrap().clone();
    let body: Value = serde_json::from_str(&seen.last().unwrap().body).unwrap();
    assert_eq!(body["model"], "llama3.2:1b");

    // A model the registry does not have: the stream ends with the error, and what it would be.
    let events = pull(server, "nosuch:1b");
    let last = events.last().unwrap();
    assert_eq!(
        (last["status"].as_str(), last["code"].as_u64()),
        (Some("error"), Some(404)),
        "{events:?}"
    );
    assert!(
        last["error"]
            .as_str()
            .unwrap()
            .contains("model `nosuch:1b` not found on ollama"),
        "{events:?}"
    );
    assert!(last["hint"].is_string(), "{events:?}");

    // Not a name at all: refused before anything streams.
    let bad = server.post("/v1/models/pull", json!({ "name": "not a reference" }));
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert!(
        bad.json["hint"]
            .as_str()
            .unwrap()
            .contains("owner/repo/file.gguf")
    );
    let bad = server.post("/v1/models/pull", json!({ "nom": "x" }));
    assert_eq!(bad.status, 422, "{}", bad.text);

    // A GGUF from Hugging Face, as the CLI downloads it.
    let events = pull(server, "tiny/tiny-GGUF/tiny-llama-q4_0.gguf");
    let last = events.last().unwrap();
    let dest = home.path().join("data/models/tiny-llama-q4_0.gguf");
    assert_eq!(last["status"], "success", "{events:?}");
    assert_eq!(last["result"]["path"], dest.to_str().unwrap());
    assert_eq!(last["result"]["size"], gguf.len());
    let progress = &events[events.len() - 2];
    assert_eq!(progress["status"], "downloading tiny-llama-q4_0.gguf");
    assert_eq!(
        (progress["completed"].as_u64(), progress["total"].as_u64()),
        (Some(gguf.len() as u64), Some(gguf.len() as u64))
    );
    assert_eq!(std::fs::read(&dest).unwrap(), gguf);
    assert_eq!(
        paths.lock().unwrap().as_slice(),
        ["/tiny/tiny-GGUF/resolve/main/tiny-llama-q4_0.gguf"]
    );
    // A second pull finds it and fetches nothing.
    let events = pull(server, "tiny/tiny-GGUF/tiny-llama-q4_0.gguf");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["result"]["already_present"], true);
    assert_eq!(paths.lock().unwrap().len(), 1);
    // And the model is listed.
    let listed = server.get("/v1/models");
    assert!(
        listed.json["models"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["backend"] == "local" && m["name"] == "tiny-llama-q4_0.gguf"),
        "{}",
        listed.text
    );
}

/// A download server whose first answer sends half the file and then stalls (until `release`),
/// and whose later answers honour `Range`. Returns its URL and the `Range` headers it saw.
fn serve_stalling(
    body: Vec<u8>,
    release: Arc<AtomicBool>,
) -> (String, Arc<Mutex<Vec<Option<String>>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let ranges = seen.clone();
    std::thread::spawn(move || {
        for (index, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { return };
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let text = String::from_utf8_lossy(&request).to_lowercase();
            let range = text
                .lines()
                .find_map(|line| line.strip_prefix("range: bytes="))
                .map(|r| r.trim().trim_end_matches('-').to_string());
            ranges.lock().unwrap().push(range.clone());
            if index == 0 {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body[..body.len() / 2]);
                let _ = stream.flush();
                let release = release.clone();
                // Hold the connection open without sending more.
                std::thread::spawn(move || {
                    while !release.load(Ordering::SeqCst) {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    drop(stream);
                });
                continue;
            }
            let start: usize = range.and_then(|r| r.parse().ok()).unwrap_or(0);
            let head = if start > 0 {
                format!(
                    "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {start}-{}/{}\r\nConnection: close\r\n\r\n",
                    body.len() - start,
                    body.len() - 1,
                    body.len()
                )
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                )
            };
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body[start..]);
        }
    });
    (base, seen)
}

/// `POST path` with a JSON body over a plain blocking connection (usable inside the test's
/// runtime): the status and the body.
fn plain_post(server: &Server, path: &str, body: &Value) -> (u16, String) {
    let address = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let body = body.to_string();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        server.bearer(),
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn serve_models_pull_stops_when_its_client_leaves_and_resumes() {
    let home = Home::new();
    let gguf = std::fs::read(gguf_fixture("tiny-llama-q4_0.gguf")).unwrap();
    let release = Arc::new(AtomicBool::new(false));
    let (hub, ranges) = serve_stalling(gguf.clone(), release.clone());
    let server = start(&home, &closed_url(), &[("HF_ENDPOINT", &hub)]);
    let reference = "tiny/tiny-GGUF/tiny-llama-q4_0.gguf";
    let dest = home.path().join("data/models/tiny-llama-q4_0.gguf");
    let part = home.path().join("data/models/tiny-llama-q4_0.gguf.part");
    let half = (gguf.len() / 2) as u64;

    // Read until half the file arrived; meanwhile a second pull of the same file is refused.
    // Then leave.
    let request = server
        .http
        .post(server.url_of("/v1/models/pull"))
        .header("authorization", server.bearer())
        .json(&json!({ "name": reference }));
    let meanwhile = Mutex::new(None);
    let events = server
        .runtime
        .block_on(read_sse(request, Duration::from_secs(30), |event| {
            let halfway = event["completed"].as_u64() == Some(half);
            if halfway {
                *meanwhile.lock().unwrap() = Some(plain_post(
                    &server,
                    "/v1/models/pull",
                    &json!({ "name": reference }),
                ));
            }
            halfway
        }))
        .unwrap_or_else(|events| panic!("no progress: {events:?}"));
    assert_eq!(events.last().unwrap().1["done"], false);
    let (status, body) = meanwhile.into_inner().unwrap().unwrap();
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("is being pulled already"), "{body}");
    // Only the `.part` file holds what came; no model is where models are looked for.
    assert!(!dest.exists());
    assert_eq!(std::fs::metadata(&part).unwrap().len(), half);
    // The stream (and its connection) went with `read_sse`'s future: the pull stops, and the
    // next pull of the file is accepted.
    let started = Instant::now();
    let second = loop {
        let answer = server.send(
            server
                .http
                .post(server.url_of("/v1/models/pull"))
                .header("authorization", server.bearer())
                .json(&json!({ "name": reference })),
        );
        if answer.status != 409 {
            break answer;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the pull went on after its client left"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    release.store(true, Ordering::SeqCst);
    // The second pull resumed from the `.part` file.
    assert_eq!(second.status, 200, "{}", second.text);
    let last: Value = second
        .text
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|data| serde_json::from_str(data.trim()).unwrap())
        .next_back()
        .unwrap();
    assert_eq!(last["status"], "success", "{}", second.text);
    assert_eq!(last["result"]["resumed_from"], half);
    assert_eq!(
        ranges.lock().unwrap().as_slice(),
        [None, Some(half.to_string())]
    );
    assert_eq!(std::fs::read(&dest).unwrap(), gguf);
    assert!(!part.exists());
}
