//! A fake GitHub REST API on loopback, with state: repositories, issues, comments, pull requests
//! (JSON and the diff media type), reviews whose line comments are checked against the diff,
//! collaborator permissions, Actions runs (ETag / 304), jobs, and run logs answered with a 302 to
//! a second "storage" host that serves the zip. Every answer carries the rate-limit headers;
//! a wrong token gets 401 `Bad credentials`. Every request is recorded with its headers.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// One request the fake saw.
#[derive(Debug, Clone)]
pub struct GitHubRequest {
    pub method: String,
    /// The path with its query.
    pub path: String,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl GitHubRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// What the fake holds; tests seed and inspect it through [`FakeGitHub::state`].
#[derive(Debug, Default)]
pub struct State {
    /// Requests to the API host.
    pub requests: Vec<GitHubRequest>,
    /// Requests to the storage host (log downloads after the redirect).
    pub storage_requests: Vec<GitHubRequest>,
    /// The token the API accepts (`Bearer` value); `None` accepts any request.
    pub token: Option<String>,
    /// Issues and pull requests share numbers per repository, as on GitHub.
    pub issues: BTreeMap<(String, u64), Value>,
    pub pulls: BTreeMap<(String, u64), Value>,
    /// The unified diff of a pull request.
    pub diffs: HashMap<(String, u64), String>,
    pub comments: Vec<((String, u64), Value)>,
    pub reviews: Vec<((String, u64), Value)>,
    pub requested_reviewers: Vec<((String, u64), Value)>,
    pub labels: Vec<((String, u64), Value)>,
    /// login → permission (`admin`, `write`, `read`, `none`); unknown logins have `none`.
    pub permissions: HashMap<String, String>,
    /// Workflow runs per repository, newest first.
    pub runs: HashMap<String, Vec<Value>>,
    /// Jobs per run id.
    pub jobs: HashMap<u64, Vec<Value>>,
    /// The logs zip per run id.
    pub logs: HashMap<u64, Vec<u8>>,
    pub rate_remaining: u64,
    next_number: u64,
    next_id: u64,
}

/// A running fake.
#[derive(Clone)]
pub struct FakeGitHub {
    /// The API's base URL (the value of `github.api_url`).
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FakeGitHub {
    /// Starts the API host and the storage host; `token` is the one token it accepts.
    pub fn start(token: Option<&str>) -> FakeGitHub {
        let state = Arc::new(Mutex::new(State {
            token: token.map(str::to_string),
            rate_remaining: 5000,
            next_number: 1,
            next_id: 1000,
            ..State::default()
        }));
        let storage = TcpListener::bind("127.0.0.1:0").unwrap();
        // `localhost`, not 127.0.0.1: another host, so clients must drop the token on redirect.
        let storage_url = format!("http://localhost:{}", storage.local_addr().unwrap().port());
        let storage_state = state.clone();
        std::thread::spawn(move || {
            for stream in storage.incoming() {
                let Ok(stream) = stream else { return };
                let state = storage_state.clone();
                std::thread::spawn(move || serve_storage(stream, &state));
            }
        });
        let api = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", api.local_addr().unwrap());
        let api_state = state.clone();
        std::thread::spawn(move || {
            for stream in api.incoming() {
                let Ok(stream) = stream else { return };
                let state = api_state.clone();
                let storage_url = storage_url.clone();
                std::thread::spawn(move || serve_api(stream, &state, &storage_url));
            }
        });
        FakeGitHub { url, state }
    }

    /// The state, locked.
    pub fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// Requests to the API whose path starts with `prefix` (method and path).
    pub fn requests_to(&self, method: &str, prefix: &str) -> Vec<GitHubRequest> {
        self.state()
            .requests
            .iter()
            .filter(|r| r.method == method && r.path.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// Adds an issue; returns its number.
    pub fn add_issue(&self, repo: &str, title: &str, body: &str) -> u64 {
        let mut state = self.state();
        let number = state.next_number;
        state.next_number += 1;
        let issue = json!({
            "number": number, "title": title, "body": body, "state": "open",
            "html_url": format!("https://github.com/{repo}/issues/{number}"),
            "user": {"login": "reporter"}, "labels": [],
        });
        state.issues.insert((repo.to_string(), number), issue);
        number
    }

    /// Adds an open pull request with its diff; returns its number.
    pub fn add_pull(&self, repo: &str, title: &str, head: &str, head_sha: &str, diff: &str) -> u64 {
        let mut state = self.state();
        let number = state.next_number;
        state.next_number += 1;
        let pull = pull_json(repo, number, title, "", head, head_sha, "main", false);
        state.pulls.insert((repo.to_string(), number), pull);
        state
            .diffs
            .insert((repo.to_string(), number), diff.to_string());
        number
    }

    /// Adds a workflow run (newest first) with its jobs and logs zip; returns its id.
    pub fn add_run(&self, repo: &str, run: Value, jobs: Vec<Value>, logs: Vec<u8>) -> u64 {
        let mut state = self.state();
        let id = run["id"].as_u64().unwrap();
        state
            .runs
            .entry(repo.to_string())
            .or_default()
            .insert(0, run);
        state.jobs.insert(id, jobs);
        state.logs.insert(id, logs);
        id
    }

    /// Sets a user's permission on every repository.
    pub fn set_permission(&self, login: &str, permission: &str) {
        self.state()
            .permissions
            .insert(login.to_string(), permission.to_string());
    }
}

/// A pull request as GitHub shows it.
#[allow(clippy::too_many_arguments)]
pub fn pull_json(
    repo: &str,
    number: u64,
    title: &str,
    body: &str,
    head: &str,
    head_sha: &str,
    base: &str,
    draft: bool,
) -> Value {
    let owner = repo.split('/').next().unwrap_or("");
    json!({
        "number": number, "title": title, "body": body, "state": "open", "draft": draft,
        "merged": false, "html_url": format!("https://github.com/{repo}/pull/{number}"),
        "user": {"login": "agent-user"}, "labels": [],
        "head": {"ref": head, "sha": head_sha, "label": format!("{owner}:{head}")},
        "base": {"ref": base, "sha": "0000000000000000000000000000000000000000", "label": format!("{owner}:{base}")},
    })
}

/// A failed workflow run on `branch` at `sha`.
pub fn failed_run(id: u64, repo: &str, branch: &str, sha: &str) -> Value {
    json!({
        "id": id, "name": "CI", "head_branch": branch, "head_sha": sha, "status": "completed",
        "conclusion": "failure", "event": "push", "run_attempt": 1,
        "html_url": format!("https://github.com/{repo}/actions/runs/{id}"),
        "created_at": "2026-12-07T06:00:00Z",
    })
}

/// A job of a run whose step `failed_step` failed.
pub fn failed_job(id: u64, name: &str, failed_step: &str) -> Value {
    json!({
        "id": id, "name": name, "status": "completed", "conclusion": "failure",
        "html_url": format!("https://github.com/o/r/actions/runs/1/job/{id}"),
        "steps": [
            {"name": "Set up job", "number": 1, "status": "completed", "conclusion": "success"},
            {"name": failed_step, "number": 2, "status": "completed", "conclusion": "failure"},
        ],
    })
}

fn read(stream: &TcpStream) -> Option<GitHubRequest> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line).ok()?;
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body).ok()?;
    let mut parts = request_line.split_whitespace();
    Some(GitHubRequest {
        method: parts.next()?.to_string(),
        path: parts.next()?.to_string(),
        headers,
        body: String::from_utf8_lossy(&body).into(),
    })
}

/// An answer: status line, extra headers, content type and body.
struct Reply {
    status: &'static str,
    headers: Vec<(String, String)>,
    content_type: &'static str,
    body: Vec<u8>,
}

fn reply(status: &'static str, body: Value) -> Reply {
    Reply {
        status,
        headers: Vec::new(),
        content_type: "application/json; charset=utf-8",
        body: body.to_string().into_bytes(),
    }
}

fn error(status: &'static str, message: &str) -> Reply {
    reply(
        status,
        json!({"message": message, "documentation_url": "https://docs.github.com/rest"}),
    )
}

fn write_reply(mut stream: TcpStream, reply: Reply, rate: Option<u64>) {
    let mut head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    if let Some(remaining) = rate {
        head.push_str(&format!(
            "x-ratelimit-limit: 5000\r\nx-ratelimit-remaining: {remaining}\r\nx-ratelimit-reset: 1893456000\r\n"
        ));
    }
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&reply.body);
    let _ = stream.flush();
}

fn serve_storage(stream: TcpStream, state: &Mutex<State>) {
    let Some(request) = read(&stream) else { return };
    let run_id: Option<u64> = request
        .path
        .strip_prefix("/logs/")
        .and_then(|id| id.parse().ok());
    let mut state = state.lock().unwrap();
    state.storage_requests.push(request);
    let answer = match run_id.and_then(|id| state.logs.get(&id).cloned()) {
        Some(zip) => Reply {
            status: "200 OK",
            headers: Vec::new(),
            content_type: "application/zip",
            body: zip,
        },
        None => error("404 Not Found", "Not Found"),
    };
    drop(state);
    write_reply(stream, answer, None);
}

fn serve_api(stream: TcpStream, state: &Mutex<State>, storage_url: &str) {
    let Some(request) = read(&stream) else { return };
    let mut state = state.lock().unwrap();
    state.requests.push(request.clone());
    let authorized = match &state.token {
        None => true,
        Some(token) => request.header("authorization") == Some(&format!("Bearer {token}")),
    };
    let answer = if authorized {
        route(&mut state, &request, storage_url)
    } else {
        error("401 Unauthorized", "Bad credentials")
    };
    if !answer.status.starts_with("304") {
        state.rate_remaining = state.rate_remaining.saturating_sub(1);
    }
    let remaining = state.rate_remaining;
    drop(state);
    write_reply(stream, answer, Some(remaining));
}

fn route(state: &mut State, request: &GitHubRequest, storage_url: &str) -> Reply {
    let (path, query) = request
        .path
        .split_once('?')
        .unwrap_or((request.path.as_str(), ""));
    let query: HashMap<&str, String> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k, decode(v)))
        .collect();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let body = request.json();
    let method = request.method.as_str();
    if method == "GET" && segments == ["user"] {
        return reply("200 OK", json!({"login": "agent-user", "id": 1}));
    }
    let ["repos", owner, name, rest @ ..] = segments.as_slice() else {
        return error("404 Not Found", "Not Found");
    };
    let repo = format!("{owner}/{name}");
    let number = |text: &str| text.parse::<u64>().ok();
    match (method, rest) {
        ("GET", []) => reply(
            "200 OK",
            json!({"full_name": repo, "default_branch": "main",
                   "html_url": format!("https://github.com/{repo}")}),
        ),
        ("GET", ["issues", n]) => {
            match number(n).and_then(|n| state.issues.get(&(repo.clone(), n))) {
                Some(issue) => reply("200 OK", issue.clone()),
                None => error("404 Not Found", "Not Found"),
            }
        }
        ("GET", ["issues", n, "comments"]) => {
            let n = number(n).unwrap_or(0);
            let list: Vec<Value> = state
                .comments
                .iter()
                .filter(|(key, _)| key.0 == repo && key.1 == n)
                .map(|(_, c)| c.clone())
                .collect();
            reply("200 OK", Value::Array(list))
        }
        ("POST", ["issues", n, "comments"]) => {
            let Some(n) = number(n) else {
                return error("404 Not Found", "Not Found");
            };
            let Some(text) = body["body"].as_str() else {
                return error("422 Unprocessable Entity", "Validation Failed");
            };
            state.next_id += 1;
            let comment = json!({"id": state.next_id, "body": text, "user": {"login": "agent-user"},
                "html_url": format!("https://github.com/{repo}/issues/{n}#issuecomment-{}", state.next_id)});
            state.comments.push(((repo, n), comment.clone()));
            reply("201 Created", comment)
        }
        ("POST", ["issues", n, "labels"]) => {
            let n = number(n).unwrap_or(0);
            state.labels.push(((repo, n), body["labels"].clone()));
            reply("200 OK", json!([]))
        }
        ("GET", ["collaborators", login, "permission"]) => {
            let permission = state
                .permissions
                .get(*login)
                .cloned()
                .unwrap_or_else(|| "none".into());
            reply(
                "200 OK",
                json!({"permission": permission, "user": {"login": login}}),
            )
        }
        ("POST", ["pulls"]) => create_pull(state, &repo, &body),
        ("GET", ["pulls"]) => {
            let wanted_state = query.get("state").map_or("open", String::as_str);
            let list: Vec<Value> = state
                .pulls
                .iter()
                .rev()
                .filter(|(key, _)| key.0 == repo)
                .map(|(_, p)| p.clone())
                .filter(|p| wanted_state == "all" || p["state"] == wanted_state)
                .filter(|p| {
                    query
                        .get("head")
                        .is_none_or(|h| p["head"]["label"] == h.as_str())
                })
                .collect();
            reply("200 OK", Value::Array(list))
        }
        ("GET", ["pulls", n]) => {
            let key = (repo, number(n).unwrap_or(0));
            let wants_diff = request
                .header("accept")
                .is_some_and(|a| a.contains("vnd.github.diff"));
            match (state.pulls.get(&key), wants_diff) {
                (Some(_), true) => Reply {
                    status: "200 OK",
                    headers: Vec::new(),
                    content_type: "text/plain; charset=utf-8",
                    body: state
                        .diffs
                        .get(&key)
                        .cloned()
                        .unwrap_or_default()
                        .into_bytes(),
                },
                (Some(pull), false) => reply("200 OK", pull.clone()),
                (None, _) => error("404 Not Found", "Not Found"),
            }
        }
        ("PATCH", ["pulls", n]) => {
            let key = (repo, number(n).unwrap_or(0));
            let Some(pull) = state.pulls.get_mut(&key) else {
                return error("404 Not Found", "Not Found");
            };
            for field in ["state", "title", "body"] {
                if let Some(value) = body.get(field) {
                    pull[field] = value.clone();
                }
            }
            reply("200 OK", pull.clone())
        }
        ("PUT", ["pulls", n, "merge"]) => {
            let key = (repo, number(n).unwrap_or(0));
            let Some(pull) = state.pulls.get_mut(&key) else {
                return error("404 Not Found", "Not Found");
            };
            if pull["state"] != "open" {
                return error("405 Method Not Allowed", "Pull Request is not mergeable");
            }
            pull["state"] = json!("closed");
            pull["merged"] = json!(true);
            pull["merge_method"] = body["merge_method"].clone();
            reply(
                "200 OK",
                json!({"merged": true, "sha": "1111111111111111111111111111111111111111",
                       "message": "Pull Request successfully merged"}),
            )
        }
        ("POST", ["pulls", n, "requested_reviewers"]) => {
            let key = (repo, number(n).unwrap_or(0));
            if !state.pulls.contains_key(&key) {
                return error("404 Not Found", "Not Found");
            }
            state.requested_reviewers.push((key.clone(), body.clone()));
            reply("201 Created", state.pulls[&key].clone())
        }
        ("POST", ["pulls", n, "reviews"]) => {
            create_review(state, (repo, number(n).unwrap_or(0)), &body)
        }
        ("GET", ["actions", "runs"]) => {
            let runs: Vec<Value> = state
                .runs
                .get(&repo)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|r| {
                    query
                        .get("branch")
                        .is_none_or(|b| r["head_branch"] == b.as_str())
                })
                .collect();
            let answer = json!({"total_count": runs.len(), "workflow_runs": runs});
            let etag = format!("W/\"{:016x}\"", fnv(answer.to_string().as_bytes()));
            if request.header("if-none-match") == Some(etag.as_str()) {
                return Reply {
                    status: "304 Not Modified",
                    headers: vec![("ETag".into(), etag)],
                    content_type: "application/json",
                    body: Vec::new(),
                };
            }
            let mut answer = reply("200 OK", answer);
            answer.headers.push(("ETag".into(), etag));
            answer
        }
        ("GET", ["actions", "runs", id, "jobs"]) => {
            let jobs = number(id)
                .and_then(|id| state.jobs.get(&id))
                .cloned()
                .unwrap_or_default();
            reply("200 OK", json!({"total_count": jobs.len(), "jobs": jobs}))
        }
        ("GET", ["actions", "runs", id, "logs"]) => match number(id) {
            Some(id) if state.logs.contains_key(&id) => Reply {
                status: "302 Found",
                headers: vec![("Location".into(), format!("{storage_url}/logs/{id}"))],
                content_type: "text/plain",
                body: Vec::new(),
            },
            _ => error("404 Not Found", "Not Found"),
        },
        _ => error("404 Not Found", "Not Found"),
    }
}

fn create_pull(state: &mut State, repo: &str, body: &Value) -> Reply {
    let (Some(title), Some(head), Some(base)) = (
        body["title"].as_str(),
        body["head"].as_str(),
        body["base"].as_str(),
    ) else {
        return error("422 Unprocessable Entity", "Validation Failed");
    };
    let owner = repo.split('/').next().unwrap_or("");
    let label = if head.contains(':') {
        head.to_string()
    } else {
        format!("{owner}:{head}")
    };
    let exists = state.pulls.iter().any(|(key, p)| {
        key.0 == repo && p["state"] == "open" && p["head"]["label"] == label.as_str()
    });
    if exists {
        return reply(
            "422 Unprocessable Entity",
            json!({"message": "Validation Failed",
                   "errors": [{"resource": "PullRequest", "code": "custom",
                               "message": format!("A pull request already exists for {label}.")}]}),
        );
    }
    let number = state.next_number;
    state.next_number += 1;
    let branch = label.split_once(':').map_or(head, |(_, b)| b);
    let pull = pull_json(
        repo,
        number,
        title,
        body["body"].as_str().unwrap_or(""),
        branch,
        "2222222222222222222222222222222222222222",
        base,
        body["draft"].as_bool().unwrap_or(false),
    );
    state.pulls.insert((repo.to_string(), number), pull.clone());
    reply("201 Created", pull)
}

/// Lines a review may comment on: per path, the new-side (`RIGHT`) and old-side (`LEFT`)
/// line numbers inside the diff's hunks.
fn commentable(diff: &str) -> HashMap<(String, String), Vec<u64>> {
    let mut lines: HashMap<(String, String), Vec<u64>> = HashMap::new();
    let (mut path, mut old, mut new) = (String::new(), 0u64, 0u64);
    for line in diff.lines() {
        if let Some(p) = line.strip_prefix("+++ ") {
            path = p.strip_prefix("b/").unwrap_or(p).to_string();
        } else if line.starts_with("--- ")
            || line.starts_with("diff ")
            || line.starts_with("index ")
        {
        } else if let Some(header) = line.strip_prefix("@@ ") {
            let mut parts = header.split_whitespace();
            let start = |part: Option<&str>| {
                part.and_then(|p| p[1..].split(',').next().and_then(|n| n.parse::<u64>().ok()))
                    .unwrap_or(0)
            };
            old = start(parts.next());
            new = start(parts.next());
        } else if line.starts_with('+') {
            lines
                .entry((path.clone(), "RIGHT".into()))
                .or_default()
                .push(new);
            new += 1;
        } else if line.starts_with('-') {
            lines
                .entry((path.clone(), "LEFT".into()))
                .or_default()
                .push(old);
            old += 1;
        } else if line.starts_with(' ') || line.is_empty() {
            lines
                .entry((path.clone(), "RIGHT".into()))
                .or_default()
                .push(new);
            lines
                .entry((path.clone(), "LEFT".into()))
                .or_default()
                .push(old);
            old += 1;
            new += 1;
        }
    }
    lines
}

fn create_review(state: &mut State, key: (String, u64), body: &Value) -> Reply {
    let Some(diff) = state.diffs.get(&key).cloned() else {
        return error("404 Not Found", "Not Found");
    };
    let allowed = commentable(&diff);
    for comment in body["comments"].as_array().cloned().unwrap_or_default() {
        let path = comment["path"].as_str().unwrap_or("").to_string();
        let side = comment["side"].as_str().unwrap_or("RIGHT").to_string();
        let line = comment["line"].as_u64().unwrap_or(0);
        if !allowed
            .get(&(path, side))
            .is_some_and(|l| l.contains(&line))
        {
            return reply(
                "422 Unprocessable Entity",
                json!({"message": "Unprocessable Entity",
                       "errors": ["Pull request review thread line must be part of the diff"]}),
            );
        }
    }
    let event = body["event"].as_str().unwrap_or("");
    let review_state = match event {
        "APPROVE" => "APPROVED",
        "REQUEST_CHANGES" => "CHANGES_REQUESTED",
        "COMMENT" => "COMMENTED",
        _ => return error("422 Unprocessable Entity", "Validation Failed"),
    };
    state.next_id += 1;
    let review = json!({"id": state.next_id, "state": review_state,
        "html_url": format!("https://github.com/{}/pull/{}#pullrequestreview-{}", key.0, key.1, state.next_id)});
    state.reviews.push((key, body.clone()));
    reply("200 OK", review)
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x100000001b3)
    })
}
