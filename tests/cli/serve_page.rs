//! The dashboard of `agent serve` in a real browser: a home with a finished task and imported
//! conversations, the server as a child process, and headless Chromium loading the page with the
//! token in its address; the rendered DOM and a screenshot are checked, then the server stops on
//! SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::Home;
use crate::scripted::ScriptedServer;
use crate::task::{fixing_script, only_task_id, project, run_args};

/// The task's description: markup that must stay text on the page.
const HOSTILE_TASK: &str = "fix <b id=\"injected\">the</b> failing test in test_calc.py";

/// How long one browser run may take before the test gives up on it.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(30);
/// Browser runs at most, until one shows the page settled.
const BROWSER_RUNS: usize = 4;

#[test]
fn serve_page_shows_stats_tasks_log_approvals_and_conversations_in_chromium() {
    let browser = chromium();
    let home = Home::new();

    // Real data: one task run to success by a scripted model, and the conversations fixture.
    let repo = project(&home);
    let model = ScriptedServer::start(fixing_script());
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &model);
    args.push(HOSTILE_TASK);
    home.ok(&args);
    let task_id = only_task_id(&home);
    home.import_fixture();

    let mut server = Server::start(&home);
    let token = std::fs::read_to_string(&server.token_file)
        .expect("the token file named on the server's second line")
        .trim()
        .to_string();
    assert!(token.len() >= 32, "a short token: {token:?}");

    // A browser run: the DOM once the page settled, and a screenshot of it. The hash also opens
    // the task's log and searches the conversations. Virtual time waits for each request's
    // answer but not for a stream's body, so a log still streaming when the budget ran out is
    // loaded again (each run takes a second or two).
    let out = tempfile::tempdir().unwrap();
    let screenshot = out.path().join("dashboard.png");
    let address = format!("{}/#token={token}&task={task_id}&q=panic", server.url);
    let started = Instant::now();
    let mut dom = String::new();
    for attempt in 1..=BROWSER_RUNS {
        dom = browser.render(
            &address,
            &screenshot,
            &out.path().join(format!("run-{attempt}")),
        );
        if settled(&dom) {
            break;
        }
        eprintln!("browser run {attempt}: the page had not settled");
    }
    let browser_time = started.elapsed();

    // Signed in: the page loaded every section, and the token is nowhere in it.
    assert!(dom.contains("data-state=\"ready\""), "not ready:\n{dom}");
    assert!(!dom.contains(&token), "the token is in the page");
    assert!(
        dom.contains("<div id=\"notice\" role=\"alert\" hidden=\"\"></div>"),
        "an error is shown:\n{dom}"
    );

    // The overview counts one task, succeeded.
    assert_eq!(stat(&dom, "total").as_deref(), Some("1"), "{dom}");
    assert_eq!(stat(&dom, "succeeded").as_deref(), Some("1"), "{dom}");
    assert_eq!(stat(&dom, "failed").as_deref(), Some("0"), "{dom}");

    // The CI panel (GET /v1/dashboard): nothing watched yet, no rate to show.
    assert_eq!(stat(&dom, "ci-runs").as_deref(), Some("0"), "{dom}");
    assert_eq!(stat(&dom, "ci-rate").as_deref(), Some("—"), "{dom}");
    assert!(dom.contains("No fix attempts yet"), "{dom}");

    // The task is listed with its badge, its title as text (the markup did not become an element).
    assert!(
        dom.contains(&format!(
            "data-task-id=\"{task_id}\" data-status=\"succeeded\""
        )),
        "{dom}"
    );
    assert!(
        dom.contains("fix &lt;b id=\"injected\"&gt;the&lt;/b&gt; failing test"),
        "the title is not listed as text:\n{dom}"
    );
    assert!(
        !dom.contains("<b id=\"injected\">"),
        "markup from data was rendered"
    );

    // Its log streamed to the end, in readable lines (not JSON).
    let log = between(&dom, "<ol id=\"task-log\"", "</ol>");
    assert!(log.contains("data-finished=\"succeeded\""), "{log}");
    for line in [
        "Task created: fix &lt;b",
        "→ read(path=calc.py)",
        "→ edit(path=calc.py",
        "Check passed",
        "Committed ",
        "Finished: succeeded",
    ] {
        assert!(log.contains(line), "no `{line}` in the log:\n{log}");
    }
    assert!(!log.contains("\"type\":"), "raw JSON in the log:\n{log}");

    // Nothing waits for approval.
    let approvals = between(&dom, "<ul id=\"approvals\"", "</ul>");
    assert!(approvals.contains("Nothing is waiting."), "{approvals}");

    // The imported conversations are listed, and the search marks its matches.
    let conversations = between(&dom, "<ul id=\"conversations\"", "</ul>");
    assert!(
        conversations.contains("data-conversation-id=\"parser-fix\""),
        "{conversations}"
    );
    assert!(
        conversations.contains("Fix the failing parser test"),
        "{conversations}"
    );
    let hits = between(&dom, "<ol id=\"search-results\"", "</ol>");
    assert!(
        hits.contains("data-conversation-id=\"parser-fix\""),
        "{hits}"
    );
    assert!(hits.contains("<mark>panic</mark>"), "{hits}");
    assert!(!hits.contains('\u{2}') && !hits.contains('\u{3}'), "{hits}");

    // The screenshot is a 1280×900 PNG with something drawn on it.
    let png = std::fs::read(&screenshot).expect("chromium wrote no screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 900));
    assert!(
        png.len() > 20_000,
        "a {} byte screenshot is a blank page",
        png.len()
    );

    let status = server.stop();
    assert!(
        status.success(),
        "agent serve exited with {status} after SIGTERM"
    );
    assert!(
        browser_time < Duration::from_secs(30),
        "the browser took {browser_time:?}"
    );
}

/// The headless Chromium of this machine: Debian's package is `chromium`.
struct Chromium {
    binary: PathBuf,
}

fn chromium() -> Chromium {
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Chromium { binary: candidate };
            }
        }
    }
    panic!(
        "this test needs headless Chromium and found none of {names:?} on PATH: \
         install it (Debian or Ubuntu: apt-get install chromium)"
    );
}

impl Chromium {
    /// Loads `address`, lets the page run, and returns its DOM; writes a screenshot to `png`.
    fn render(&self, address: &str, png: &Path, scratch: &Path) -> String {
        let profile = scratch.join("profile");
        let mut command = Command::new(&self.binary);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--mute-audio",
                "--window-size=1280,900",
                "--virtual-time-budget=8000",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--screenshot={}", png.display()))
            .arg("--dump-dom")
            .arg(address)
            .stdin(Stdio::null());
        let (code, stdout, stderr) = run_with_timeout(command, BROWSER_TIMEOUT);
        assert_eq!(code, Some(0), "chromium failed:\n{stderr}");
        assert!(
            !stdout.trim().is_empty(),
            "chromium dumped no DOM:\n{stderr}"
        );
        stdout
    }
}

/// Runs `command` to its end, killing it after `limit`: exit code, stdout, stderr.
fn run_with_timeout(mut command: Command, limit: Duration) -> (Option<i32>, String, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{command:?} ran past {limit:?}:\n{}",
                stderr.join().unwrap()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    (
        status.code(),
        stdout.join().unwrap(),
        stderr.join().unwrap(),
    )
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// `agent serve --addr 127.0.0.1:0` as a child process; killed if the test fails before
/// [`Server::stop`].
struct Server {
    child: Option<Child>,
    url: String,
    token_file: PathBuf,
}

impl Server {
    fn start(home: &Home) -> Self {
        let mut child = home
            .process()
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The first two lines: the address, then the token file. Read on a thread, so a server
        // that prints nothing fails the test instead of hanging it.
        let (lines, received) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if lines.send(line).is_err() {
                    return;
                }
            }
        });
        let next = || {
            received
                .recv_timeout(Duration::from_secs(20))
                .expect("agent serve printed no address")
        };
        let first = next();
        let url = first
            .strip_prefix("agent serve listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let second = next();
        let token_file = PathBuf::from(
            second
                .strip_prefix("token: ")
                .unwrap_or_else(|| panic!("unexpected second line: {second}")),
        );
        Self {
            child: Some(child),
            url,
            token_file,
        }
    }

    /// SIGTERM, then the exit status (within ten seconds).
    fn stop(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("agent serve did not stop within 10 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether the page finished loading: every section, the task's whole log, the search.
fn settled(dom: &str) -> bool {
    dom.contains("<body data-state=\"ready\">")
        && dom.contains("data-finished=")
        && dom.contains("<mark>")
}

/// The value of the overview's `data-stat="NAME"` card.
fn stat(dom: &str, name: &str) -> Option<String> {
    let start = dom.find(&format!("data-stat=\"{name}\""))?;
    let rest = &dom[start..];
    let value = rest.find("class=\"value\">")? + "class=\"value\">".len();
    let end = rest[value..].find('<')?;
    Some(rest[value..value + end].to_string())
}

/// The part of `dom` from `start` to the next `end`.
fn between<'a>(dom: &'a str, start: &str, end: &str) -> &'a str {
    let from = dom
        .find(start)
        .unwrap_or_else(|| panic!("no `{start}` in the page:\n{dom}"));
    let rest = &dom[from..];
    rest.find(end).map_or(rest, |to| &rest[..to])
}
