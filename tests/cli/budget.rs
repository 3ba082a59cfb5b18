//! Budgets and the cloud fallback through the real binary: usage seeded by real runs against the
//! scripted OpenAI-protocol server, budgets set with `agent config set`, a model server that is
//! down (a closed port) and a second loopback server as the fallback.

use serde_json::Value;

use crate::common::Home;
use crate::scripted::{ScriptedServer, text};
use crate::task::{events, fixing_script, kinds, only_task_id, project, run_args, task_json};

/// A loopback port nobody listens on.
fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}/v1")
}

/// `agent ask` against `url` with model `model`, as JSON events.
fn ask_args<'a>(url: &'a str, model: &'a str, prompt: &'a str) -> Vec<&'a str> {
    vec![
        "ask",
        "--backend",
        "openai",
        "--base-url",
        url,
        "--model",
        model,
        "--json",
        prompt,
    ]
}

fn lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn of_type<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == kind).collect()
}

fn set(home: &Home, key: &str, value: &str) {
    home.ok(&["config", "set", key, value]);
}

/// Prices `openai:big` at $1,000 per million tokens, so a few hundred tokens cost cents.
fn price_big(home: &Home) {
    let file = home.path().join("config").join("config.toml");
    let mut text = std::fs::read_to_string(&file).unwrap_or_default();
    text.push_str("\n[prices.\"openai:big\"]\ninput_per_mtok = 1000\noutput_per_mtok = 1000\n");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, text).unwrap();
}

#[test]
fn a_daily_budget_stops_ask_before_its_request() {
    let home = Home::new();
    let server = ScriptedServer::start(vec![text("first answer"), text("never sent")]);
    // A real run records its tokens (the scripted server counts a quarter of the body).
    home.ok(&ask_args(&server.base_url, "tiny", "hello"));
    assert_eq!(server.requests().len(), 1);
    let report = home.json(&["budget", "--json"]);
    let used = report["today"]["tokens"].as_u64().unwrap();
    assert!(used > 7, "{report}");
    assert_eq!(report["today"]["left"], Value::Null);

    set(&home, "budget.daily_tokens", &(used + 2).to_string());
    let output = home
        .agent()
        .args(ask_args(&server.base_url, "tiny", "hello again"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: budget reached"), "{stderr}");
    assert!(stderr.contains("budget.daily_tokens"), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1
    );
    let events = lines(&output.stdout);
    let limit = of_type(&events, "limit_reached");
    assert_eq!(limit.len(), 1, "{events:?}");
    assert_eq!(limit[0]["limit"], "daily_tokens");
    assert_eq!(limit[0]["value"], used + 2);
    assert_eq!(limit[0]["used"], used);
    assert!(of_type(&events, "model_begin").is_empty());
    // Nothing was sent.
    assert_eq!(server.requests().len(), 1);

    let report = home.json(&["budget", "--json"]);
    assert_eq!(report["today"]["limit"], used + 2);
    assert_eq!(report["today"]["left"], 2);
    let text = home.ok(&["budget"]);
    assert!(text.contains("2 tokens left"), "{text}");
}

#[test]
fn a_monthly_cost_budget_stops_a_task_with_the_event_and_exit_code() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![text("seeded")]);
    price_big(&home);
    // Spend some of the month on the priced model.
    home.ok(&ask_args(&server.base_url, "big", "hello"));
    let report = home.json(&["budget", "--json"]);
    let spent = report["month"]["cost_usd"].as_f64().unwrap();
    assert!(spent > 0.0, "{report}");
    assert_eq!(report["month"]["models"][0]["priced"], true);
    let budget = format!("{:.2}", spent + 0.01);
    set(&home, "budget.monthly_cost", &budget);

    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    let model = args.iter().position(|a| *a == "tiny").unwrap();
    args[model] = "big";
    args.push("fix the add function");
    let requests_before = server.requests().len();
    let output = home.agent().args(&args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("budget reached"), "{stdout}");
    assert!(stdout.contains("budget.monthly_cost"), "{stdout}");
    assert_eq!(
        server.requests().len(),
        requests_before,
        "a request was sent"
    );

    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    assert_eq!(task["status"], "failed");
    let events = events(&home, &id);
    let limit: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "limit_reached")
        .collect();
    assert_eq!(limit.len(), 1);
    assert_eq!(limit[0]["limit"], "monthly_cost");
    let micros = (budget.parse::<f64>().unwrap() * 1e6).round() as u64;
    assert_eq!(limit[0]["value"].as_u64().unwrap(), micros);
    // What was spent when it stopped: the seeding run and the model's tool-calling check.
    let after = home.json(&["budget", "--json"])["month"]["cost_usd"]
        .as_f64()
        .unwrap();
    assert_eq!(
        limit[0]["used"].as_u64().unwrap(),
        (after * 1e6).round() as u64
    );
    assert!(after >= spent);
    assert!(!kinds(&events).contains(&"model_begin".to_string()));
}

#[test]
fn a_task_token_budget_stops_the_task_at_the_request_that_would_cross_it() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(fixing_script());
    let repo_arg = repo.display().to_string();
    // Enough for the first request (about 600 tokens here), not for the second.
    set(&home, "budget.task_tokens", "1000");
    let mut args = run_args(&repo_arg, &server);
    args.push("fix the add function");
    let output = home.agent().args(&args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert_eq!(server.requests().len(), 1, "{stdout}");
    assert!(stdout.contains("budget.task_tokens"), "{stdout}");
}

/// The user config of a fallback to `model` on `url`.
fn fallback_to(home: &Home, url: &str, model: &str) {
    set(home, "fallback.backend", "openai");
    set(home, "fallback.model", model);
    set(home, "fallback.base_url", url);
}

#[test]
fn ask_falls_back_when_the_model_server_is_down() {
    let home = Home::new();
    let cloud = ScriptedServer::start(vec![text("from the cloud")]);
    fallback_to(&home, &cloud.base_url, "big");
    let down = closed_port_url();

    let output = home
        .agent()
        .args([
            "ask",
            "--backend",
            "openai",
            "--base-url",
            &down,
            "--model",
            "tiny",
            "hello",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        "from the cloud"
    );
    let said: Vec<&str> = stderr.lines().filter(|l| l.contains("fallback")).collect();
    assert_eq!(said.len(), 1, "{stderr}");
    assert!(said[0].contains("openai:big"), "{stderr}");
    assert_eq!(cloud.requests().len(), 1);
    assert_eq!(cloud.requests()[0]["model"], "big");

    // With --json, the event says why, before the fallback's model_begin.
    let cloud = ScriptedServer::start(vec![text("again")]);
    fallback_to(&home, &cloud.base_url, "big");
    let output = home
        .agent()
        .args(ask_args(&down, "tiny", "hello"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let events = lines(&output.stdout);
    let used = of_type(&events, "fallback_used");
    assert_eq!(used.len(), 1, "{events:?}");
    assert_eq!(used[0]["reason"], "unreachable");
    assert_eq!(used[0]["from"], "openai:tiny");
    assert_eq!(used[0]["to"], "openai:big");
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    let at = kinds.iter().position(|k| *k == "fallback_used").unwrap();
    assert_eq!(kinds[at + 1], "model_begin");
    assert_eq!(events[at + 1]["model"], "big");
    // Both calls are recorded: the failed one and the fallback's.
    let report = home.json(&["budget", "--json"]);
    let models: Vec<&str> = report["month"]["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["model"].as_str().unwrap())
        .collect();
    assert!(
        models.contains(&"tiny") && models.contains(&"big"),
        "{report}"
    );
}

#[test]
fn a_task_falls_back_when_the_model_server_is_down() {
    let home = Home::new();
    let repo = project(&home);
    let cloud = ScriptedServer::start(fixing_script());
    fallback_to(&home, &cloud.base_url, "big");
    let down = closed_port_url();
    let repo_arg = repo.display().to_string();
    let output = home
        .agent()
        .args([
            "task",
            "run",
            "--repo",
            &repo_arg,
            "--backend",
            "openai",
            "--base-url",
            &down,
            "--model",
            "tiny",
            "--approval",
            "auto",
            "--strategy",
            "single",
            "fix the add function",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    // One line on the front (progress goes to stderr when stdout is not a terminal).
    let said = format!("{stdout}{stderr}");
    assert_eq!(
        said.lines().filter(|l| l.contains("fallback")).count(),
        1,
        "{said}"
    );
    assert!(cloud.requests().iter().all(|r| r["model"] == "big"));
    let id = only_task_id(&home);
    assert_eq!(task_json(&home, &id)["status"], "succeeded");
    let events = events(&home, &id);
    let used: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "fallback_used")
        .collect();
    assert_eq!(used.len(), 1);
    assert_eq!(used[0]["reason"], "unreachable");
    // `task show` names the fallback as the coder's model, and why.
    let shown = task_json(&home, &id);
    let coder = &shown["role_models"][0];
    assert_eq!(coder["role"], "coder", "{shown}");
    assert_eq!(coder["by"], "fallback", "{shown}");
    assert_eq!(coder["model"], "big");
    assert_eq!(coder["backend"], "openai");
    let reason = coder["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("the fallback (unreachable: "),
        "{reason}"
    );
    assert!(
        reason.contains("openai:tiny was chosen (pinned: "),
        "{reason}"
    );
}

#[test]
fn a_prompt_too_long_for_the_model_goes_to_the_fallback() {
    let home = Home::new();
    let local = ScriptedServer::start(vec![text("too small to answer")]);
    let cloud = ScriptedServer::start(vec![text("a long answer")]);
    fallback_to(&home, &cloud.base_url, "big");
    // About 1,000 tokens by the estimate; the model's window is 512.
    let prompt = "explain this: ".to_string() + &"word ".repeat(800);
    let output = home
        .agent()
        .args([
            "ask",
            "--backend",
            "openai",
            "--base-url",
            &local.base_url,
            "--model",
            "tiny",
            "--context",
            "512",
            "--json",
            &prompt,
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let events = lines(&output.stdout);
    let used = of_type(&events, "fallback_used");
    assert_eq!(used.len(), 1, "{events:?}");
    assert_eq!(used[0]["reason"], "context");
    assert!(
        local.requests().is_empty(),
        "the small model got the prompt"
    );
    assert_eq!(cloud.requests().len(), 1);
}

#[test]
fn a_budget_blocks_the_fallback_too() {
    let home = Home::new();
    let cloud = ScriptedServer::start(vec![text("seeded"), text("never sent")]);
    price_big(&home);
    // This month's spending on the fallback model, by a real run.
    home.ok(&ask_args(&cloud.base_url, "big", "hello"));
    let spent = home.json(&["budget", "--json"])["month"]["cost_usd"]
        .as_f64()
        .unwrap();
    set(&home, "budget.monthly_cost", &format!("{spent:.2}"));
    fallback_to(&home, &cloud.base_url, "big");

    let down = closed_port_url();
    let output = home
        .agent()
        .args(ask_args(&down, "tiny", "hello"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("budget reached"), "{stderr}");
    assert!(stderr.contains("openai:big"), "{stderr}");
    let events = lines(&output.stdout);
    assert!(of_type(&events, "fallback_used").is_empty(), "{events:?}");
    let limit = of_type(&events, "limit_reached");
    assert_eq!(limit.len(), 1);
    assert_eq!(limit[0]["limit"], "monthly_cost");
    assert_eq!(
        cloud.requests().len(),
        1,
        "the fallback was asked over budget"
    );
}

#[test]
fn a_repository_cannot_raise_budgets_without_trust() {
    let home = Home::new();
    let repo = project(&home);
    set(&home, "budget.daily_tokens", "10");
    std::fs::create_dir_all(repo.join(".agent")).unwrap();
    std::fs::write(
        repo.join(".agent/config.toml"),
        "[budget]\ndaily_tokens = 100000000\n[prices.\"openai:big\"]\ninput_per_mtok = 0\n",
    )
    .unwrap();
    let output = home
        .agent()
        .current_dir(&repo)
        .args(["budget", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["today"]["limit"], 10);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("budget.daily_tokens"), "{stderr}");
}

#[test]
fn a_served_chat_turn_stops_at_the_budget_and_the_dashboard_shows_what_is_left() {
    let home = Home::new();
    let model = ScriptedServer::start(vec![text("first"), text("never sent")]);
    home.ok(&ask_args(&model.base_url, "tiny", "hello"));
    let used = home.json(&["budget", "--json"])["today"]["tokens"]
        .as_u64()
        .unwrap();
    set(&home, "budget.daily_tokens", &(used + 1).to_string());
    let server = crate::server::Server::start(
        &home,
        &[
            "--backend",
            "openai",
            "--base-url",
            &model.base_url,
            "--model",
            "tiny",
        ],
    );
    let dashboard = server.get("/v1/dashboard");
    assert_eq!(dashboard.status, 200, "{}", dashboard.text);
    assert_eq!(dashboard.json["budget"]["today"]["left"], 1);
    assert_eq!(dashboard.json["budget"]["today"]["tokens"], used);

    let created = server.post("/v1/conversations", serde_json::json!({"title": "budget"}));
    let conversation = created.json["id"].as_str().unwrap().to_string();
    let request = server
        .http
        .post(server.url_of(&format!("/v1/conversations/{conversation}/turns")))
        .header("authorization", server.bearer())
        .json(&serde_json::json!({"text": "one more question"}));
    let events = server
        .runtime
        .block_on(crate::server::read_sse(
            request,
            std::time::Duration::from_secs(60),
            |e| crate::server::kind(e) == "turn_end",
        ))
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|(_, e)| crate::server::kind(e)).collect();
    assert!(!kinds.contains(&"model_begin"), "{kinds:?}");
    let limit = events
        .iter()
        .find(|(_, e)| crate::server::kind(e) == "limit_reached")
        .map(|(_, e)| e.clone())
        .unwrap_or_else(|| panic!("no limit_reached: {kinds:?}"));
    assert_eq!(limit["limit"], "daily_tokens");
    assert_eq!(events.last().unwrap().1["outcome"], "limit");
    assert_eq!(model.requests().len(), 1);
}

/// Spends today's tokens with one `ask` and sets `budget.daily_tokens` just above them: the next
/// request of any size crosses it. Returns the tokens used.
pub(crate) fn spend_the_day(home: &Home, server: &ScriptedServer) -> u64 {
    home.ok(&ask_args(&server.base_url, "tiny", "hello"));
    let used = home.json(&["budget", "--json"])["today"]["tokens"]
        .as_u64()
        .unwrap();
    set(home, "budget.daily_tokens", &(used + 2).to_string());
    used
}

#[test]
fn a_spent_daily_budget_sends_no_tool_calling_check_and_stops_the_task() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![text("seeded")]);
    // `ask` needs no tool-calling check: the model is still unchecked.
    let used = spend_the_day(&home, &server);
    assert!(server.checks().is_empty());

    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("fix the add function");
    let output = home.agent().args(&args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    // Neither the check nor the task's first request was sent.
    assert!(server.checks().is_empty(), "{stderr}");
    assert_eq!(server.requests().len(), 1);
    assert!(
        stderr.contains("the tool-calling check of tiny was not sent: budget reached"),
        "{stderr}"
    );
    let id = only_task_id(&home);
    let events = events(&home, &id);
    let limit = of_type(&events, "limit_reached");
    assert_eq!(limit.len(), 1, "{events:?}");
    assert_eq!(limit[0]["limit"], "daily_tokens");
    assert_eq!(limit[0]["used"], used);
    assert!(!kinds(&events).contains(&"model_begin".to_string()));
    // Nothing was kept of a check that was not sent: with the budget raised, the next task
    // checks the model.
    set(&home, "budget.daily_tokens", "0");
    home.agent().args(&args).output().unwrap();
    assert_eq!(server.checks().len(), 1);
}
