//! `agent fetch`, `agent browse` and the model's `fetch` tool through the real binary, against a
//! site served on loopback by the test. Loopback is refused unless a test allows it
//! (`fetch.allow_hosts`), which one test proves. The browser tests need Debian's `chromium`
//! (installed by `.ci/run`) and fail with a clear message without it.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::Home;
use crate::scripted::{ScriptedServer, call, text};
use crate::task::{project, run_args};

const ARTICLE: &str = r#"<!doctype html><html><head><title>Tides of Saturn</title>
<style>body { color: red }</style></head><body>
<nav><a href="/">Home</a> | <a href="/shop">Shop the catalogue</a></nav>
<main><article><h1>Tides of Saturn</h1>
<p>The rings of Saturn are made mostly of water ice, with a small fraction of rocky debris and dust.
They extend up to 282,000 kilometres from the planet, yet are typically only about ten metres thick.</p>
<p>Tidal forces from the moons sculpt the rings into gaps and waves that spacecraft have photographed.</p>
</article></main>
<footer>Copyright 2026 Planetary Gazette. All rights reserved.</footer>
<script>console.log("tracking")</script></body></html>"#;

/// A page whose text only JavaScript writes, with a small form.
const APP: &str = r#"<!doctype html><html><head><title>Search app</title></head><body>
<div id="root"></div>
<noscript>You need to enable JavaScript to run this app.</noscript>
<script>
document.getElementById('root').innerHTML = '<article><h1>Rendered</h1>'
  + '<p>This paragraph was written by JavaScript after the page loaded, long enough to read.</p>'
  + '<input id="q" name="q"><button id="go">Search</button><p id="out"></p></article>';
document.getElementById('go').onclick = function () {
  setTimeout(function () {
    var done = document.createElement('p');
    done.className = 'done';
    done.textContent = 'You searched for ' + document.getElementById('q').value;
    document.getElementById('root').appendChild(done);
  }, 300);
};
</script></body></html>"#;

/// One answer of the site.
#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    delay: Duration,
}

fn page(content_type: &str, body: &[u8]) -> Answer {
    Answer {
        status: 200,
        headers: vec![("Content-Type".into(), content_type.into())],
        body: body.to_vec(),
        delay: Duration::ZERO,
    }
}

fn redirect(location: &str) -> Answer {
    Answer {
        status: 302,
        headers: vec![("Location".into(), location.into())],
        body: Vec::new(),
        delay: Duration::ZERO,
    }
}

/// A site on a loopback address: fixed answers by path, 404 for the rest, every request
/// counted by path. Each connection is served on its own thread (a slow answer holds no other).
struct Site {
    base: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Site {
    fn start(ip: &str, routes: Vec<(&str, Answer)>) -> Self {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let counted = hits.clone();
        let routes: Arc<HashMap<String, Answer>> = Arc::new(
            routes
                .into_iter()
                .map(|(path, answer)| (path.to_string(), answer))
                .collect(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let (routes, counted) = (routes.clone(), counted.clone());
                std::thread::spawn(move || {
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 4096];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buffer) {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buffer[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&request);
                    let path = text.split_whitespace().nth(1).unwrap_or("").to_string();
                    *counted.lock().unwrap().entry(path.clone()).or_default() += 1;
                    let answer = routes.get(&path).cloned().unwrap_or(Answer {
                        status: 404,
                        headers: vec![("Content-Type".into(), "text/plain".into())],
                        body: b"not here".to_vec(),
                        delay: Duration::ZERO,
                    });
                    std::thread::sleep(answer.delay);
                    let mut head = format!("HTTP/1.1 {} X\r\n", answer.status);
                    for (name, value) in &answer.headers {
                        head.push_str(&format!("{name}: {value}\r\n"));
                    }
                    head.push_str(&format!(
                        "Content-Length: {}\r\nConnection: close\r\n\r\n",
                        answer.body.len()
                    ));
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(&answer.body);
                });
            }
        });
        Self { base, hits }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn total_hits(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

/// `agent` with loopback allowed through the environment (as a user would in their config).
fn allowed(home: &Home, args: &[&str]) -> std::process::Output {
    home.agent()
        .env("AGENT_FETCH_ALLOW_HOSTS", "127.0.0.1")
        .args(args)
        .output()
        .unwrap()
}

fn stdout_of(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "agent failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn fetch_refuses_loopback_private_and_metadata_addresses_by_default() {
    let home = Home::new();
    let site = Site::start(
        "127.0.0.1",
        vec![("/", page("text/html", ARTICLE.as_bytes()))],
    );
    let stderr = home.fails(&["fetch", &site.url("/")], 2);
    assert!(stderr.contains("loopback"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
    assert!(stderr.contains("fetch.allow_hosts"), "{stderr}");
    // A name is judged by the addresses it resolves to.
    let by_name = site.url("/").replace("127.0.0.1", "localhost");
    let stderr = home.fails(&["fetch", &by_name], 2);
    assert!(stderr.contains("loopback"), "{stderr}");
    for (address, reason) in [
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://10.0.0.1/", "private"),
        ("http://[::1]:9/", "loopback"),
        ("http://[::ffff:127.0.0.1]:9/", "loopback"),
    ] {
        let stderr = home.fails(&["fetch", address], 2);
        assert!(stderr.contains(reason), "{address}: {stderr}");
    }
    assert_eq!(site.total_hits(), 0, "a refused request reached the site");
    // Only http(s).
    let stderr = home.fails(&["fetch", "file:///etc/passwd"], 2);
    assert!(stderr.contains("only http and https"), "{stderr}");
    // A repository cannot open loopback before it is trusted.
    let repo = home.work_dir();
    crate::common::git_init(&repo);
    std::fs::create_dir_all(repo.join(".agent")).unwrap();
    std::fs::write(
        repo.join(".agent/config.toml"),
        "[fetch]\nallow_hosts = \"127.0.0.1\"\n",
    )
    .unwrap();
    let output = home
        .agent()
        .args(["fetch", &site.url("/")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ignoring fetch.allow_hosts"), "{stderr}");
    assert!(stderr.contains("error: refused to fetch"), "{stderr}");
    assert_eq!(site.total_hits(), 0);
}

#[test]
fn fetch_prints_the_article_as_markdown_and_raw_prints_the_bytes() {
    let home = Home::new();
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR binary \xff\xfe".to_vec();
    let site = Site::start(
        "127.0.0.1",
        vec![
            (
                "/saturn",
                page("text/html; charset=utf-8", ARTICLE.as_bytes()),
            ),
            ("/image.png", page("image/png", &png)),
            (
                "/notes.txt",
                page("text/plain; charset=iso-8859-1", b"caf\xe9 notes"),
            ),
        ],
    );
    let markdown = stdout_of(&allowed(&home, &["fetch", &site.url("/saturn")]));
    assert!(markdown.starts_with("# Tides of Saturn\n"), "{markdown}");
    assert!(markdown.contains("made mostly of water ice"), "{markdown}");
    assert!(
        markdown.contains("spacecraft have photographed"),
        "{markdown}"
    );
    for boilerplate in [
        "Shop the catalogue",
        "All rights reserved",
        "tracking",
        "color: red",
    ] {
        assert!(
            !markdown.contains(boilerplate),
            "{boilerplate} in {markdown}"
        );
    }
    // --raw: the body exactly as it came, any type.
    let raw = allowed(&home, &["fetch", "--raw", &site.url("/image.png")]);
    assert!(raw.status.success());
    assert_eq!(raw.stdout, png);
    let raw_html = allowed(&home, &["fetch", "--raw", &site.url("/saturn")]);
    assert_eq!(raw_html.stdout, ARTICLE.as_bytes());
    // Without --raw, a binary body is refused with the way to save it.
    let output = allowed(&home, &["fetch", &site.url("/image.png")]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("image/png, not text"), "{stderr}");
    assert!(stderr.contains("--raw"), "{stderr}");
    // Text in its charset.
    let notes = stdout_of(&allowed(&home, &["fetch", &site.url("/notes.txt")]));
    assert_eq!(notes, "café notes\n");
    // An error status: not found (exit 3).
    let output = allowed(&home, &["fetch", &site.url("/missing")]);
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("HTTP 404"));
}

#[test]
fn fetch_follows_same_host_redirects_and_reports_cross_host_ones() {
    let home = Home::new();
    let site = Site::start(
        "127.0.0.1",
        vec![
            ("/saturn", page("text/html", ARTICLE.as_bytes())),
            ("/old", redirect("/saturn")),
            ("/loop", redirect("/loop")),
        ],
    );
    let elsewhere = site.url("/saturn").replace("127.0.0.1", "localhost");
    let cross = Site::start(
        "127.0.0.1",
        vec![
            ("/away", redirect(&elsewhere)),
            (
                "/metadata",
                redirect("http://169.254.169.254/latest/meta-data/"),
            ),
        ],
    );
    let followed = allowed(&home, &["fetch", &site.url("/old")]);
    assert!(stdout_of(&followed).contains("made mostly of water ice"));
    let stderr = String::from_utf8_lossy(&followed.stderr);
    assert!(
        stderr.contains(&format!("from {}", site.url("/saturn"))),
        "{stderr}"
    );
    assert_eq!(site.hits("/saturn"), 1);

    // To another host: reported with the address, not followed.
    let output = home
        .agent()
        .env("AGENT_FETCH_ALLOW_HOSTS", "127.0.0.1,localhost")
        .args(["fetch", &cross.url("/away")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("redirects to another host"), "{stderr}");
    assert!(
        stderr.contains(&format!("agent fetch {elsewhere}")),
        "{stderr}"
    );
    assert_eq!(
        site.hits("/saturn"),
        1,
        "the cross-host redirect was followed"
    );
    // A redirect to an address the policy refuses is refused, not reported as followable.
    let output = allowed(&home, &["fetch", &cross.url("/metadata")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("metadata"));

    let output = allowed(&home, &["fetch", &site.url("/loop")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("redirected more than 10 times"));
}

#[test]
fn fetch_stops_at_the_size_cap_and_the_timeout() {
    let home = Home::new();
    let big = "x".repeat(5000);
    let mut slow = page("text/plain", b"late");
    slow.delay = Duration::from_secs(6);
    let site = Site::start(
        "127.0.0.1",
        vec![
            ("/big", page("text/plain", big.as_bytes())),
            ("/slow", slow),
        ],
    );
    let output = allowed(
        &home,
        &["-c", "fetch.max_bytes=1024", "fetch", &site.url("/big")],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("larger than the limit of 1024 bytes"),
        "{stderr}"
    );
    assert!(stderr.contains("fetch.max_bytes"), "{stderr}");
    assert!(output.stdout.is_empty());
    let started = Instant::now();
    let output = allowed(
        &home,
        &["-c", "fetch.timeout=1", "fetch", &site.url("/slow")],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did not answer within 1 s"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn fetch_answers_again_from_the_cache_within_its_time() {
    let home = Home::new();
    let site = Site::start(
        "127.0.0.1",
        vec![("/saturn", page("text/html", ARTICLE.as_bytes()))],
    );
    let first = stdout_of(&allowed(&home, &["fetch", &site.url("/saturn")]));
    let second = stdout_of(&allowed(&home, &["fetch", &site.url("/saturn")]));
    assert_eq!(first, second);
    // --json says where the page came from, and that this one came from the cache.
    let json: Value = serde_json::from_str(&stdout_of(&allowed(
        &home,
        &["fetch", "--json", &site.url("/saturn")],
    )))
    .unwrap();
    assert_eq!(json["url"], site.url("/saturn"));
    assert_eq!(json["final_url"], site.url("/saturn"));
    assert_eq!(json["from_cache"], true, "{json}");
    assert_eq!(json["rendered"], false, "{json}");
    let markdown = json["markdown"].as_str().unwrap();
    assert!(
        first.contains(markdown.trim_end()),
        "the JSON's markdown is the printed text: {json}"
    );
    let stderr = home.fails(&["fetch", "--json", "--raw", &site.url("/saturn")], 2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
    assert_eq!(
        site.hits("/saturn"),
        1,
        "the second fetch was not answered from the cache"
    );
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let cached: String = conn
        .query_row("SELECT url FROM fetch_cache", [], |row| row.get(0))
        .unwrap();
    assert_eq!(cached, site.url("/saturn"));
    // The cache answers only what the policy allows now.
    let stderr = home.fails(&["fetch", &site.url("/saturn")], 2);
    assert!(stderr.contains("loopback"), "{stderr}");
    // No cache: every fetch asks.
    stdout_of(&allowed(
        &home,
        &["-c", "fetch.cache_ttl=0", "fetch", &site.url("/saturn")],
    ));
    assert_eq!(site.hits("/saturn"), 2);
}

/// Fails the test with the way to install Chromium when it is missing.
fn require_chromium() {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).any(|dir| {
        [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ]
        .iter()
        .any(|name| dir.join(name).is_file())
    });
    assert!(
        found,
        "this test needs headless Chromium on PATH: install it (Debian or Ubuntu: apt-get install chromium)"
    );
}

#[test]
fn fetch_renders_a_page_without_text_in_chromium() {
    require_chromium();
    let home = Home::new();
    let site = Site::start(
        "127.0.0.1",
        vec![("/app", page("text/html", APP.as_bytes()))],
    );
    let output = allowed(&home, &["fetch", &site.url("/app")]);
    let markdown = stdout_of(&output);
    assert!(
        markdown.contains("written by JavaScript after the page loaded"),
        "{markdown}"
    );
    assert!(!markdown.contains("enable JavaScript"), "{markdown}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("rendered in Chromium"));
    // Without Chromium the static text comes back with one line saying how to install it.
    let empty = tempfile::tempdir().unwrap();
    let output = home
        .agent()
        .env("AGENT_FETCH_ALLOW_HOSTS", "127.0.0.1")
        .env("AGENT_FETCH_CACHE_TTL", "0")
        .env("PATH", empty.path())
        .args(["fetch", &site.url("/app")])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no text without JavaScript"), "{stderr}");
    assert!(stderr.contains("apt-get install chromium"), "{stderr}");
}

#[test]
fn browse_fills_clicks_waits_and_saves_a_screenshot_and_a_pdf() {
    require_chromium();
    let home = Home::new();
    let site = Site::start(
        "127.0.0.1",
        vec![("/app", page("text/html", APP.as_bytes()))],
    );
    let url = site.url("/app");
    let text = stdout_of(&allowed(
        &home,
        &[
            "browse",
            &url,
            "--step",
            "fill input[name=\"q\"]=tidal = waves",
            "--step",
            "click #go",
            "--step",
            "wait p.done",
        ],
    ));
    assert!(text.starts_with("# Search app\n"), "{text}");
    assert!(text.contains("You searched for tidal = waves"), "{text}");

    let out = tempfile::tempdir().unwrap();
    let png = out.path().join("page.png");
    stdout_of(&allowed(
        &home,
        &["browse", &url, "--screenshot", png.to_str().unwrap()],
    ));
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(bytes.len() > 1000, "a PNG of {} bytes", bytes.len());
    let pdf = out.path().join("page.pdf");
    stdout_of(&allowed(
        &home,
        &["browse", &url, "--pdf", pdf.to_str().unwrap()],
    ));
    assert!(
        std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"),
        "not a PDF"
    );
    // --json: the saved file and its size, or the page read, and the failed requests.
    let json: Value = serde_json::from_str(&stdout_of(&allowed(
        &home,
        &["browse", "--json", &url, "--pdf", pdf.to_str().unwrap()],
    )))
    .unwrap();
    assert_eq!(json["kind"], "pdf", "{json}");
    assert_eq!(json["path"], pdf.to_str().unwrap());
    assert_eq!(
        json["bytes"].as_u64(),
        Some(std::fs::metadata(&pdf).unwrap().len()),
        "{json}"
    );
    assert!(json["failed_requests"].is_array(), "{json}");
    let json: Value =
        serde_json::from_str(&stdout_of(&allowed(&home, &["browse", "--json", &url]))).unwrap();
    assert_eq!(json["title"], "Search app", "{json}");
    assert!(json["markdown"].is_string(), "{json}");
    assert!(json.get("kind").is_none(), "{json}");

    // A step on an element that is not there fails with its selector; a bad step is a usage error.
    let output = allowed(&home, &["browse", &url, "--step", "click #nope"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no element matches `#nope`"));
    let stderr = home.fails(&["browse", &url, "--step", "scroll down"], 2);
    assert!(stderr.contains("fill, click and wait"), "{stderr}");

    // Without Chromium: one line says how to install it.
    let empty = tempfile::tempdir().unwrap();
    let output = home
        .agent()
        .env("PATH", empty.path())
        .args(["browse", &url])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("needs Chromium"), "{stderr}");
    assert!(stderr.contains("apt-get install chromium"), "{stderr}");
    // agent doctor says so too, as a warning; with Chromium it names the binary.
    let output = home
        .agent()
        .env("PATH", empty.path())
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let browser = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["name"] == "browser")
        .unwrap();
    assert_eq!(browser["warning"], true, "{browser}");
    assert!(
        browser["detail"]
            .as_str()
            .unwrap()
            .contains("apt-get install chromium")
    );
    let output = home.agent().args(["doctor", "--json"]).output().unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let browser = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["name"] == "browser")
        .unwrap()
        .clone();
    assert_eq!(browser["ok"], true, "{browser}");
    assert!(browser.get("warning").is_none(), "{browser}");
}

#[test]
fn the_browser_page_cannot_reach_addresses_the_policy_refuses() {
    require_chromium();
    let home = Home::new();
    // The secret lives on another loopback address, which the policy does not allow.
    let secret = Site::start(
        "127.0.0.2",
        vec![("/secret", page("text/plain", b"s3cret"))],
    );
    let script = format!(
        r#"<!doctype html><html><head><title>Probe</title></head><body><article id="a">
<p>This page tries to read an address of this machine that the user did not allow it to reach.</p>
</article><script>
fetch('{}').then(r => r.text()).then(t => {{ document.getElementById('a').append('LEAKED ' + t); }})
  .catch(() => {{ document.getElementById('a').append(' blocked-as-expected'); }});
var img = new Image(); img.src = '{}';
</script></body></html>"#,
        secret.url("/secret"),
        secret.url("/secret?img")
    );
    let site = Site::start(
        "127.0.0.1",
        vec![("/probe", page("text/html", script.as_bytes()))],
    );
    let output = allowed(&home, &["browse", &site.url("/probe")]);
    let text = stdout_of(&output);
    assert!(!text.contains("LEAKED"), "{text}");
    assert!(text.contains("blocked-as-expected"), "{text}");
    assert_eq!(secret.total_hits(), 0, "the page reached a refused address");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("a request of the page failed"), "{stderr}");
    assert!(stderr.contains("127.0.0.2"), "{stderr}");
}

/// The tool message the model got in its `index`th request.
fn tool_message(server: &ScriptedServer, index: usize) -> String {
    let request = &server.requests()[index];
    request["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|message| message["role"] == "tool")
        .and_then(|message| message["content"].as_str())
        .unwrap_or_default()
        .to_string()
}

fn tool_names(request: &Value) -> Vec<String> {
    request["tools"]
        .as_array()
        .map(|tools| {
            tools
                .iter()
                .filter_map(|tool| tool["function"]["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_model_fetches_a_page_as_untrusted_data_when_fetch_tool_is_on() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();
    let site = Site::start(
        "127.0.0.1",
        vec![
            ("/saturn", page("text/html", ARTICLE.as_bytes())),
            ("/app", page("text/html", APP.as_bytes())),
        ],
    );

    // Off by default: no web tool in the first request, and a call to it is refused.
    let model = ScriptedServer::start(vec![
        call("fetch", json!({"url": site.url("/saturn")})),
        text("done"),
    ]);
    let mut args = run_args(&repo_arg, &model);
    args.push("read about saturn");
    home.ok(&args);
    let first = &model.requests()[0];
    assert!(!tool_names(first).contains(&"fetch".to_string()), "{first}");
    assert!(
        tool_message(&model, 1).contains("fetch.tool"),
        "{}",
        tool_message(&model, 1)
    );
    assert_eq!(site.total_hits(), 0);

    // On, with loopback allowed: the page comes back as fenced, untrusted Markdown; the
    // browser tool (offered because Chromium is installed) does form steps.
    require_chromium();
    let model = ScriptedServer::start(vec![
        call("fetch", json!({"url": site.url("/saturn")})),
        call(
            "browser",
            json!({"url": site.url("/app"), "steps": "fill #q=rings\nclick #go\nwait p.done"}),
        ),
        text("done"),
    ]);
    let mut args = vec!["-c", "fetch.tool=true", "-c", "fetch.allow_hosts=127.0.0.1"];
    args.extend(run_args(&repo_arg, &model));
    args.push("read about saturn");
    home.ok(&args);
    let first = &model.requests()[0];
    assert!(tool_names(first).contains(&"fetch".to_string()), "{first}");
    let system = first["messages"][0]["content"].as_str().unwrap();
    let size = system.len() + first["tools"].to_string().len();
    assert!(
        size < 4_000,
        "the first request's fixed part is {size} characters"
    );
    let page = tool_message(&model, 1);
    assert!(page.contains("untrusted text from the web page"), "{page}");
    assert!(page.contains("made mostly of water ice"), "{page}");
    assert!(!page.contains("Shop the catalogue"), "{page}");
    assert_eq!(site.hits("/saturn"), 1);
    assert!(
        tool_names(first).contains(&"browser".to_string()),
        "{first}"
    );
    let rendered = tool_message(&model, 2);
    assert!(
        rendered.contains("untrusted text from the web page"),
        "{rendered}"
    );
    assert!(rendered.contains("You searched for rings"), "{rendered}");

    // Loopback not allowed: the model reads the refusal; the site sees nothing.
    let model = ScriptedServer::start(vec![
        call("fetch", json!({"url": site.url("/other")})),
        text("done"),
    ]);
    let mut args = vec!["-c", "fetch.tool=true"];
    args.extend(run_args(&repo_arg, &model));
    args.push("read about saturn");
    home.ok(&args);
    let refused = tool_message(&model, 1);
    assert!(refused.contains("loopback"), "{refused}");
    assert_eq!(site.hits("/other"), 0);
}

#[test]
fn a_web_request_is_asked_like_a_command_and_refused_without_a_terminal() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();
    let site = Site::start(
        "127.0.0.1",
        vec![("/saturn", page("text/html", ARTICLE.as_bytes()))],
    );
    let model = ScriptedServer::start(vec![
        call("fetch", json!({"url": site.url("/saturn")})),
        text("done"),
    ]);
    let mut args = vec!["-c", "fetch.tool=true", "-c", "fetch.allow_hosts=127.0.0.1"];
    args.extend(run_args(&repo_arg, &model));
    let approval = args.iter().position(|arg| *arg == "auto").unwrap();
    args[approval] = "on-command";
    args.push("read about saturn");
    let _ = home.agent().args(&args).output().unwrap();
    let refused = tool_message(&model, 1);
    assert!(refused.contains("on-command"), "{refused}");
    assert_eq!(
        site.total_hits(),
        0,
        "the page was fetched without approval"
    );
}
