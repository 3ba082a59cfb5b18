//! `agent serve` end to end: the real binary on a loopback port, real tasks on temp git
//! repositories with the scripted model server, auth and browser guards, every route, SSE
//! resumption, many subscribers, and stopping (SIGTERM) or dying (SIGKILL) mid-task.

use std::time::Duration;

use serde_json::{Value, json};

use crate::common::Home;
use crate::scripted::{ScriptedServer, call, text};
use crate::server::{Server, kind, read_sse};
use crate::task::{FIXED, fixing_script, git, project};

const LONG: Duration = Duration::from_secs(60);

fn serve_with_model(home: &Home, model: &ScriptedServer, extra: &[&str]) -> Server {
    let mut args = vec![
        "--backend",
        "openai",
        "--base-url",
        &model.base_url,
        "--model",
        "tiny",
    ];
    args.extend_from_slice(extra);
    Server::start(home, &args)
}

fn task_body(repo: &std::path::Path, approval: &str) -> Value {
    json!({
        "description": "fix the failing test in test_calc.py",
        "repo": repo.display().to_string(),
        "strategy": "single",
        "approval": approval,
    })
}

fn is_finished(event: &Value) -> bool {
    kind(event) == "task_finished"
}

#[test]
fn tokens_origins_rates_and_sizes_are_checked_before_any_route() {
    let home = Home::new();
    let server = Server::start(&home, &["-c", "serve.cors_origins=https://ok.example"]);

    // The token file is private and long.
    let token_file = home.path().join("data/serve-token");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(server.token.len(), 64);

    // /healthz, the API description and the page shell are open; everything else needs the
    // token.
    let health = server.send(server.http.get(server.url_of("/healthz")));
    assert_eq!(health.status, 200);
    assert_eq!(health.json["ok"], true);
    assert!(health.headers.contains_key("x-request-id"));
    for path in ["/openapi.json", "/docs", "/", "/favicon.ico"] {
        let open = server.send(server.http.get(server.url_of(path)));
        assert!(open.status == 200 || open.status == 204, "{path}");
        assert!(!open.text.contains(&server.token));
    }
    for path in [
        "/v1/tasks",
        "/v1/stats",
        "/v1/events",
        "/v1/approvals",
        "/v1/conversations",
        "/metrics",
        "/readyz",
    ] {
        let bare = server.send(server.http.get(server.url_of(path)));
        assert_eq!(bare.status, 401, "{path}");
        assert!(bare.json["hint"].as_str().unwrap().contains("Bearer"));
        let wrong = server.send(
            server
                .http
                .get(server.url_of(path))
                .header("authorization", format!("Bearer {}", "0".repeat(64))),
        );
        assert_eq!(wrong.status, 401, "{path}");
    }

    // A page of another site is refused even with the token; a listed origin is not.
    let foreign = server.send(
        server
            .http
            .get(server.url_of("/v1/tasks"))
            .header("authorization", server.bearer())
            .header("origin", "http://evil.example"),
    );
    assert_eq!(foreign.status, 403);
    assert!(
        foreign.json["hint"]
            .as_str()
            .unwrap()
            .contains("cors_origins")
    );
    // DNS rebinding: the foreign name as both Origin and Host is still foreign.
    let port = server.url.rsplit(':').next().unwrap().to_string();
    let rebound = server.send(
        server
            .http
            .get(server.url_of("/v1/tasks"))
            .header("authorization", server.bearer())
            .header("origin", format!("http://evil.example:{port}"))
            .header("host", format!("evil.example:{port}")),
    );
    assert_eq!(rebound.status, 403);
    // The server's own page (same origin on loopback) is allowed.
    let own = server.send(
        server
            .http
            .get(server.url_of("/v1/tasks"))
            .header("authorization", server.bearer())
            .header("origin", server.url.clone()),
    );
    assert_eq!(own.status, 200);
    let listed = server.send(
        server
            .http
            .get(server.url_of("/v1/tasks"))
            .header("authorization", server.bearer())
            .header("origin", "https://ok.example"),
    );
    assert_eq!(listed.status, 200);
    assert_eq!(
        listed.headers["access-control-allow-origin"],
        "https://ok.example"
    );
    // A preflight is answered without the token.
    let preflight = server.send(
        server
            .http
            .request(reqwest::Method::OPTIONS, server.url_of("/v1/tasks"))
            .header("origin", "https://ok.example")
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            ),
    );
    assert_eq!(preflight.status, 200);
    assert_eq!(
        preflight.headers["access-control-allow-origin"],
        "https://ok.example"
    );

    // Bodies over 1 MiB are refused, from their announced length, before they are read.
    {
        use std::io::{Read, Write};
        let address = server.url.strip_prefix("http://").unwrap();
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "POST /v1/classify HTTP/1.1\r\nHost: {address}\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            server.bearer(),
            2 * 1024 * 1024
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 413");
    }

    // Malformed input is a 400 naming the problem; unknown ids are 404s.
    let malformed = server.send(
        server
            .http
            .post(server.url_of("/v1/tasks"))
            .header("authorization", server.bearer())
            .header("content-type", "application/json")
            .body("{\"description\": "),
    );
    assert_eq!(malformed.status, 400);
    assert!(
        malformed.json["error"].as_str().unwrap().contains("EOF"),
        "{}",
        malformed.text
    );
    let unknown_field = server.post(
        "/v1/tasks",
        json!({"description": "x", "repo": "/", "colour": 1}),
    );
    assert_eq!(unknown_field.status, 422, "{}", unknown_field.text);
    assert!(
        unknown_field.json["error"]
            .as_str()
            .unwrap()
            .contains("colour")
    );
    assert_eq!(server.get("/v1/tasks/0123456789abcdef").status, 404);
    assert_eq!(server.get("/v1/conversations/nope").status, 404);
    assert_eq!(server.get("/v1/nothing-here").status, 404);
    let bad_status = server.get("/v1/tasks?status=sleeping");
    assert_eq!(bad_status.status, 400);
    assert!(
        bad_status.json["hint"]
            .as_str()
            .unwrap()
            .contains("succeeded")
    );

    // Not a repository: 422 with the CLI's hint.
    let outside = home.work_dir();
    let refused = server.post(
        "/v1/tasks",
        json!({"description": "fix it", "repo": outside.display().to_string()}),
    );
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.json["error"]
            .as_str()
            .unwrap()
            .contains("not a git repository")
    );
    assert!(refused.json["hint"].is_string());
    let relative = server.post(
        "/v1/tasks",
        json!({"description": "fix it", "repo": "proj"}),
    );
    assert_eq!(relative.status, 422);
    drop(server);

    // A low rate limit answers 429 with Retry-After.
    let limited = Server::start(&home, &["-c", "serve.rate_limit=5"]);
    let statuses: Vec<u16> = (0..12).map(|_| limited.get("/v1/stats").status).collect();
    assert!(statuses[..5].iter().all(|s| *s == 200), "{statuses:?}");
    let refused = limited.get("/v1/stats");
    assert_eq!(refused.status, 429, "{statuses:?}");
    let retry: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
}

#[test]
fn off_loopback_needs_a_chosen_token_and_check_says_where_things_are() {
    let home = Home::new();
    let output = home
        .agent()
        .args(["serve", "--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: refusing to listen on 0.0.0.0:0"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: "), "{stderr}");

    let short = home.work_dir().join("short-token");
    std::fs::write(&short, "tooshort\n").unwrap();
    let output = home
        .agent()
        .args(["serve", "--addr", "0.0.0.0:0", "--token-file"])
        .arg(&short)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("shorter than 32"));

    let check = home.ok(&["serve", "--check"]);
    assert!(check.contains("url: http://127.0.0.1:7878"), "{check}");
    assert!(check.contains("state: not running"), "{check}");
    let token = std::fs::read_to_string(home.path().join("data/serve-token")).unwrap();
    assert!(
        check.contains(&format!("#token={}", token.trim())),
        "{check}"
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = busy.local_addr().unwrap().to_string();
    let output = home
        .agent()
        .args(["serve", "--addr", &taken])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("another program"));
}

#[test]
fn a_task_runs_streams_resumes_and_is_applied_over_http() {
    let home = Home::new();
    let repo = project(&home);
    let mut script = fixing_script();
    script.extend(fixing_script());
    let model = ScriptedServer::start(script);
    let server = serve_with_model(&home, &model, &[]);

    // A listing answered (and cached) before the task exists does not hide it afterwards.
    let before = server.get("/v1/tasks");
    assert_eq!(before.json["tasks"].as_array().unwrap().len(), 0);
    let created = server.post("/v1/tasks", task_body(&repo, "auto"));
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_str().unwrap().to_string();
    assert_eq!(created.json["events"], format!("/v1/tasks/{id}/events"));
    let after = server.get("/v1/tasks");
    assert_eq!(after.json["tasks"][0]["id"], id.as_str());

    // The whole log, in order, ending with task_finished.
    let events = server.events_until(&format!("/v1/tasks/{id}/events"), &[], LONG, is_finished);
    let seqs: Vec<i64> = events.iter().map(|(id, _)| id.unwrap()).collect();
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>());
    assert_eq!(kind(&events[0].1), "task_created");
    assert_eq!(events.last().unwrap().1["status"], "succeeded");
    assert!(events.iter().all(|(_, e)| e["task_id"] == id.as_str()));

    // Resuming after seq 3 replays from 4.
    let resumed = server.events_until(
        &format!("/v1/tasks/{id}/events"),
        &[("last-event-id", "3")],
        LONG,
        is_finished,
    );
    assert_eq!(resumed[0].0, Some(4));
    assert_eq!(resumed.len(), events.len() - 3);
    assert_eq!(resumed[0].1, events[3].1);

    let shown = server.get(&format!("/v1/tasks/{}", &id[..8]));
    assert_eq!(shown.status, 200);
    assert_eq!(shown.json["status"], "succeeded");
    let branch = shown.json["branch"].as_str().unwrap().to_string();
    assert_eq!(git(&repo, &["show", &format!("{branch}:calc.py")]), FIXED);

    // Retry: a second task linked to the first.
    let retried = server.post(&format!("/v1/tasks/{id}/retry"), json!({}));
    assert_eq!(retried.status, 201, "{}", retried.text);
    let second = retried.json["id"].as_str().unwrap().to_string();
    let second_events = server.events_until(
        &format!("/v1/tasks/{second}/events"),
        &[],
        LONG,
        is_finished,
    );
    let second_task = server.get(&format!("/v1/tasks/{second}"));
    assert_eq!(second_task.json["retry_of"], id.as_str());

    // Listing: newest first, one per page with a cursor, filters.
    let page = server.get("/v1/tasks?limit=1");
    assert_eq!(page.json["tasks"][0]["id"], second.as_str());
    let cursor = page.json["next_cursor"].as_str().unwrap().to_string();
    let next = server.get(&format!("/v1/tasks?limit=1&cursor={cursor}"));
    assert_eq!(next.json["tasks"][0]["id"], id.as_str());
    let last = server.get(&format!(
        "/v1/tasks?limit=1&cursor={}",
        next.json["next_cursor"].as_str().unwrap()
    ));
    assert_eq!(last.json["tasks"].as_array().unwrap().len(), 0);
    assert!(last.json["next_cursor"].is_null());
    assert_eq!(
        server.get("/v1/tasks?status=failed").json["tasks"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        server.get("/v1/tasks?status=succeeded").json["tasks"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Every task's events from the feed, resumable by position.
    let feed = server.events_until("/v1/events", &[("last-event-id", "0")], LONG, {
        let second = second.clone();
        move |event| is_finished(event) && event["task_id"] == second.as_str()
    });
    let positions: Vec<i64> = feed.iter().map(|(id, _)| id.unwrap()).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]));
    assert_eq!(feed.len(), events.len() + second_events.len());
    let tail = server.events_until(
        "/v1/events",
        &[("last-event-id", &positions[positions.len() - 2].to_string())],
        LONG,
        |_| true,
    );
    assert_eq!(tail[0].0, Some(*positions.last().unwrap()));

    // Apply the first task onto the checkout; discard the second; a second apply conflicts.
    let applied = server.post(&format!("/v1/tasks/{id}/apply"), json!({}));
    assert_eq!(applied.status, 200, "{}", applied.text);
    assert_eq!(
        std::fs::read_to_string(repo.join("calc.py")).unwrap(),
        FIXED
    );
    let undone = server.post("/v1/undo", json!({"repo": repo.display().to_string()}));
    assert_eq!(undone.status, 200, "{}", undone.text);
    assert_eq!(undone.json["task_id"], id.as_str());
    assert_eq!(
        std::fs::read_to_string(repo.join("calc.py")).unwrap(),
        crate::task::BUGGY
    );
    let nothing = server.post("/v1/undo", json!({"repo": repo.display().to_string()}));
    assert_eq!(nothing.status, 404, "{}", nothing.text);
    let discarded = server.post(&format!("/v1/tasks/{second}/discard"), json!({}));
    assert_eq!(discarded.status, 200, "{}", discarded.text);
    assert_eq!(discarded.json["branches"].as_array().unwrap().len(), 1);
    let cancelled = server.post(&format!("/v1/tasks/{id}/cancel"), json!({}));
    assert_eq!(cancelled.status, 409);

    // Stats and metrics count what happened.
    let stats = server.get("/v1/stats");
    assert_eq!(stats.json["by_status"][0], json!(["succeeded", 2]));
    let metrics = server.get("/metrics").text;
    assert!(
        metrics.contains("agent_tasks{status=\"succeeded\"} 2"),
        "{metrics}"
    );
    assert!(metrics.contains("agent_model_calls_total 6"), "{metrics}");
    assert!(
        metrics.contains("agent_tool_calls_total{tool=\"edit\",ok=\"true\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "agent_http_requests_total{method=\"POST\",route=\"/v1/tasks\",status=\"201\"} 1"
        ),
        "{metrics}"
    );
    assert!(metrics.contains("agent_sse_subscribers 0"), "{metrics}");
    home.assert_database_sound();
}

#[test]
fn approvals_wait_for_a_client_and_a_thousand_subscribers_see_every_event() {
    let home = Home::new();
    let repo = project(&home);
    let model = ScriptedServer::start(fixing_script());
    let server = serve_with_model(&home, &model, &[]);

    let created = server.post("/v1/tasks", task_body(&repo, "on-write"));
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_str().unwrap().to_string();

    // The edit waits for an answer.
    let until_question = server.events_until(&format!("/v1/tasks/{id}/events"), &[], LONG, |e| {
        kind(e) == "approval_request"
    });
    let question = until_question.last().unwrap().1.clone();
    let pending = server.get("/v1/approvals");
    assert_eq!(pending.json["approvals"][0]["id"], question["id"]);
    assert_eq!(pending.json["approvals"][0]["task_id"], id.as_str());

    // A thousand streams open while it waits; then it is approved.
    let path = server.url_of(&format!("/v1/tasks/{id}/events"));
    let readers: Vec<_> = (0..1000)
        .map(|_| {
            let request = server
                .http
                .get(&path)
                .header("authorization", server.bearer());
            server
                .runtime
                .spawn(read_sse(request, Duration::from_secs(120), is_finished))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let answered = server.post(
        &format!("/v1/approvals/{}", question["id"].as_str().unwrap()),
        json!({"approved": true}),
    );
    assert_eq!(answered.status, 200, "{}", answered.text);
    let again = server.post(
        &format!("/v1/approvals/{}", question["id"].as_str().unwrap()),
        json!({"approved": true}),
    );
    assert_eq!(again.status, 404);

    let streams: Vec<Vec<Value>> = readers
        .into_iter()
        .map(|reader| {
            let events = server.runtime.block_on(reader).unwrap().unwrap();
            events.into_iter().map(|(_, event)| event).collect()
        })
        .collect();
    // Every stream holds the whole stored log, in order.
    let stored: Vec<Value> = crate::task::events(&home, &id);
    assert!(stored.len() > 20);
    for events in &streams {
        assert_eq!(events, &stored);
    }
    assert_eq!(
        server.get(&format!("/v1/tasks/{id}")).json["status"],
        "succeeded"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        server
            .get("/metrics")
            .text
            .contains("agent_sse_subscribers 0")
    );
}

#[test]
fn a_client_that_leaves_mid_stream_costs_the_task_nothing() {
    let home = Home::new();
    let repo = project(&home);
    let slow = vec![
        call("read", json!({"path": "calc.py"})),
        crate::scripted::Reply::After(
            Duration::from_millis(800),
            Box::new(call(
                "edit",
                json!({"path": "calc.py", "old": "return a - b", "new": "return a + b"}),
            )),
        ),
        text("Fix add"),
    ];
    let model = ScriptedServer::start(slow);
    let server = serve_with_model(&home, &model, &[]);
    let created = server.post("/v1/tasks", task_body(&repo, "auto"));
    let id = created.json["id"].as_str().unwrap().to_string();
    // Read two events, then hang up.
    let first = server.events_until(&format!("/v1/tasks/{id}/events"), &[], LONG, |e| {
        kind(e) == "task_status"
    });
    assert!(!first.is_empty());
    // The task still finishes.
    let rest = server.events_until(&format!("/v1/tasks/{id}/events"), &[], LONG, is_finished);
    assert_eq!(rest.last().unwrap().1["status"], "succeeded");
}

#[test]
fn a_chat_turn_streams_its_events_and_lands_in_searchable_history() {
    let home = Home::new();
    let model = ScriptedServer::start(vec![text("Tortoises outlive most keepers.")]);
    let server = serve_with_model(&home, &model, &[]);

    let created = server.post("/v1/conversations", json!({"title": "reptiles"}));
    assert_eq!(created.status, 201, "{}", created.text);
    let conversation = created.json["id"].as_str().unwrap().to_string();
    let path = server.url_of(&format!("/v1/conversations/{conversation}/turns"));
    let request = server
        .http
        .post(&path)
        .header("authorization", server.bearer())
        .json(&json!({"text": "How long do tortoises live?"}));
    let events = server
        .runtime
        .block_on(read_sse(request, LONG, |e| kind(e) == "turn_end"))
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|(_, e)| kind(e)).collect();
    assert!(kinds.contains(&"model_delta"), "{kinds:?}");
    assert_eq!(events.last().unwrap().1["outcome"], "completed");
    let chat_id = format!("http-{conversation}");
    assert!(events.iter().all(|(_, e)| e["chat_id"] == chat_id.as_str()));

    let shown = server.get(&format!("/v1/conversations/{conversation}"));
    let messages = shown.json["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "{}", shown.text);
    assert_eq!(messages[1]["content"], "Tortoises outlive most keepers.");
    let found = server.get("/v1/search?q=tortoises");
    assert_eq!(
        found.json["hits"].as_array().unwrap().len(),
        2,
        "{}",
        found.text
    );
    let listed = server.get("/v1/conversations?limit=5");
    assert_eq!(listed.json["items"][0]["id"], conversation.as_str());
    let empty = server.post(
        &format!("/v1/conversations/{conversation}/turns"),
        json!({"text": "  "}),
    );
    assert_eq!(empty.status, 422);
    let classified = server.post("/v1/classify", json!({"text": "rename a variable"}));
    assert_eq!(classified.status, 200);
    // The route answers what the classifier `auto` uses says of the text (no trained version
    // in this store: the shipped one).
    let (expected, _) = agent_core::classifier::classify_task(
        None,
        "rename a variable",
        agent_core::classifier::Context {
            repo: None,
            similar_files: None,
        },
    );
    assert_eq!(
        classified.json["complexity"],
        expected.complexity.as_str(),
        "{}",
        classified.json
    );
    assert_eq!(classified.json["reason"], expected.reason.as_str());
    assert_eq!(classified.json["classifier"], "builtin");
    let confidence = classified.json["confidence"].as_f64().unwrap();
    assert!((confidence - f64::from(expected.confidence)).abs() < 1e-6);
    let complex = server.post(
        "/v1/classify",
        json!({"text": "refactor the storage layer across every module, migrate the schema, update the API and its clients, and rewrite the tests"}),
    );
    assert_ne!(complex.json["complexity"], classified.json["complexity"]);

    // The OpenAPI document and its page cover every route.
    let openapi = server.get("/openapi.json");
    for route in [
        "/v1/tasks",
        "/v1/tasks/{id}/events",
        "/v1/events",
        "/v1/conversations/{id}/turns",
        "/v1/approvals/{id}",
        "/metrics",
    ] {
        assert!(openapi.json["paths"][route].is_object(), "{route} missing");
    }
    let docs = server.get("/docs");
    assert!(docs.text.contains("/v1/tasks/{id}/events"));
    let page = server.send(server.http.get(server.url_of("/")));
    assert_eq!(page.status, 200);
    assert!(
        page.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
}

#[test]
fn a_chat_turn_can_be_interrupted_over_http() {
    let home = Home::new();
    let model = ScriptedServer::start(vec![crate::scripted::Reply::After(
        Duration::from_secs(20),
        Box::new(text("too late")),
    )]);
    let server = serve_with_model(&home, &model, &[]);
    let created = server.post("/v1/conversations", json!({}));
    let conversation = created.json["id"].as_str().unwrap().to_string();
    let idle = server.post(
        &format!("/v1/conversations/{conversation}/interrupt"),
        json!({}),
    );
    assert_eq!(idle.status, 409);
    let request = server
        .http
        .post(server.url_of(&format!("/v1/conversations/{conversation}/turns")))
        .header("authorization", server.bearer())
        .json(&json!({"text": "take your time"}));
    let reader = server
        .runtime
        .spawn(read_sse(request, LONG, |e| kind(e) == "turn_end"));
    // Wait until the turn is asking the model, then stop it.
    let deadline = std::time::Instant::now() + LONG;
    while model.requests().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the turn never asked the model"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let stopped = server.post(
        &format!("/v1/conversations/{conversation}/interrupt"),
        json!({}),
    );
    assert_eq!(stopped.status, 202, "{}", stopped.text);
    let events = server.runtime.block_on(reader).unwrap().unwrap();
    assert_eq!(events.last().unwrap().1["outcome"], "cancelled");
}

#[test]
fn sigterm_cancels_running_work_and_sigkill_loses_nothing_committed() {
    let home = Home::new();
    let repo = project(&home);
    let model = ScriptedServer::start(fixing_script());
    let mut server = serve_with_model(&home, &model, &[]);
    assert!(home.path().join("data/serve.json").exists());
    let created = server.post("/v1/tasks", task_body(&repo, "on-write"));
    let id = created.json["id"].as_str().unwrap().to_string();
    server.events_until(&format!("/v1/tasks/{id}/events"), &[], LONG, |e| {
        kind(e) == "approval_request"
    });
    // SIGTERM: the waiting task is cancelled and recorded, the server exits 0.
    server.signal("-TERM");
    assert_eq!(server.wait_exit(Duration::from_secs(40)), Some(0));
    assert!(!home.path().join("data/serve.json").exists());
    let task = crate::task::task_json(&home, &id);
    assert_eq!(task["status"], "cancelled", "{task}");

    // SIGKILL mid-task: the next server start ends the task it left.
    let model = ScriptedServer::start(fixing_script());
    let mut server = serve_with_model(&home, &model, &[]);
    let created = server.post("/v1/tasks", task_body(&repo, "on-write"));
    let killed = created.json["id"].as_str().unwrap().to_string();
    let before = server.events_until(&format!("/v1/tasks/{killed}/events"), &[], LONG, |e| {
        kind(e) == "approval_request"
    });
    server.signal("-KILL");
    server.wait_exit(Duration::from_secs(10));
    home.assert_database_sound();
    let model = ScriptedServer::start(vec![]);
    let server = serve_with_model(&home, &model, &[]);
    let task = server.get(&format!("/v1/tasks/{killed}"));
    assert_eq!(task.json["status"], "cancelled", "{}", task.text);
    assert!(
        task.json["summary"]
            .as_str()
            .unwrap_or_default()
            .starts_with("interrupted: "),
        "{}",
        task.text
    );
    // Every event streamed before the kill is still there.
    let stored = crate::task::events(&home, &killed);
    for (position, (_, event)) in before.iter().enumerate() {
        assert_eq!(&stored[position], event);
    }
}

#[test]
fn json_logs_carry_request_ids_and_never_the_token() {
    let home = Home::new();
    let mut child = home
        .process()
        .args(["serve", "--addr", "127.0.0.1:0", "--log-format", "json"])
        .env("AGENT_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    let url = first.trim().rsplit(' ').next().unwrap().to_string();
    let token = std::fs::read_to_string(home.path().join("data/serve-token")).unwrap();
    let token = token.trim();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let request_id = runtime.block_on(async {
        let response = reqwest::Client::new()
            .get(format!("{url}/v1/stats"))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_string()
    });
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains(token), "the token reached the log");
    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let answered = lines
        .iter()
        .find(|line| line["span"]["request_id"] == request_id.as_str())
        .unwrap_or_else(|| panic!("no log line for request {request_id}: {stderr}"));
    assert_eq!(answered["span"]["path"], "/v1/stats");
    assert_eq!(answered["fields"]["status"], 200);
}
