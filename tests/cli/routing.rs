//! Model routing and A/B tests end to end: the real binary, a real store seeded the way the
//! product writes it, and the scripted OpenAI-protocol server answering two model names.

use agent_core::store::{ModelCall, ModelCallOutcome, NewTask, Store, StoreOptions, TaskEnding};
use agent_core::task::TaskStatus;
use serde_json::Value;

use crate::common::Home;
use crate::scripted::ScriptedServer;
use crate::task::{events, fixing_script, project};

const DESCRIPTION: &str = "fix the failing test in test_calc.py";

/// The store of `home` (created and migrated by a first command).
fn store(home: &Home) -> Store {
    home.ok(&["ab", "list"]);
    Store::open(&home.database(), &StoreOptions::default()).unwrap()
}

/// A finished task as the product leaves it: recorded, classified, run, one coder call to
/// `model` on the openai backend with `tokens` (prompt, completion), ended. Returns its id.
fn seed_task(
    store: &mut Store,
    repo: &str,
    model: &str,
    status: TaskStatus,
    tokens: (u64, u64),
) -> String {
    let id = agent_core::ids::new_id();
    store
        .create_task(&NewTask {
            id: &id,
            title: "seeded",
            description: DESCRIPTION,
            repo,
            strategy: "single",
            model,
            backend: "openai",
            approval: "auto",
            spec_json: "{}",
            retry_of: None,
        })
        .unwrap();
    // Classified as the session classifies a task (the shipped classifier, in the repository).
    let (classification, _) = agent_core::classifier::classify_task(
        None,
        DESCRIPTION,
        agent_core::classifier::Context {
            repo: Some(std::path::Path::new(repo)),
            similar_files: None,
        },
    );
    let complexity = classification.complexity;
    store
        .set_task_selection(&id, complexity.as_str(), 0.9, "seeded")
        .unwrap();
    store.set_task_status(&id, TaskStatus::Running).unwrap();
    if status == TaskStatus::Cancelled {
        store.set_task_status(&id, status).unwrap();
        return id;
    }
    store
        .record_model_call(&ModelCall {
            task_id: Some(id.clone()),
            conversation_id: None,
            agent_role: Some("coder".into()),
            backend: "openai".into(),
            model: model.into(),
            prompt_tokens: Some(tokens.0),
            completion_tokens: Some(tokens.1),
            latency_ms: Some(20),
            first_token_ms: Some(5),
            outcome: ModelCallOutcome::Ok,
            error: None,
            cache: None,
            reused_prompt_tokens: None,
        })
        .unwrap();
    store
        .set_task_ending(
            &id,
            &TaskEnding {
                summary: "seeded".into(),
                prompt_tokens: tokens.0,
                completion_tokens: tokens.1,
                ..TaskEnding::default()
            },
        )
        .unwrap();
    store.set_task_status(&id, status).unwrap();
    id
}

/// `agent task run --json` with the model from configuration (none on the command line), so
/// that routing and A/B tests may choose it. Returns the task's events.
fn run_task(
    home: &Home,
    repo: &str,
    server: &ScriptedServer,
    extra: &[(&str, &str)],
) -> Vec<Value> {
    let mut command = home.agent();
    command
        .env("AGENT_MODEL_BACKEND", "openai")
        .env("AGENT_OPENAI_BASE_URL", &server.base_url)
        .env("AGENT_ROUTING_SEED", "7");
    for (key, value) in extra {
        command.env(key, value);
    }
    let output = command
        .args([
            "task",
            "run",
            "--repo",
            repo,
            "--approval",
            "auto",
            "--strategy",
            "single",
            "--json",
            DESCRIPTION,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let id = lines[0]["task_id"].as_str().unwrap().to_string();
    // The stored log says the same as the stream.
    assert_eq!(events(home, &id), lines);
    lines
}

fn of_type<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == kind).collect()
}

/// The model of every chat request the server got (the tool checks are kept apart).
fn requested_models(server: &ScriptedServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .map(|body| body["model"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn cold_start_takes_the_configured_default_for_the_whole_task() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();
    let server = ScriptedServer::start(fixing_script());
    let events = run_task(
        &home,
        &repo_arg,
        &server,
        &[
            ("AGENT_MODEL_NAME", "tiny"),
            ("AGENT_ROUTING_CODER", "other,openai:tiny"),
        ],
    );
    let selected = of_type(&events, "model_selected");
    assert_eq!(selected.len(), 1, "{selected:?}");
    let coder = selected[0];
    assert_eq!(coder["role"], "coder");
    assert_eq!(coder["model"], "tiny");
    assert_eq!(coder["backend"], "openai");
    assert_eq!(coder["by"], "cold_start");
    assert!(
        coder["reason"].as_str().unwrap().contains("cold start"),
        "{coder}"
    );
    // Both candidates are listed, without history (the default and `openai:tiny` are one).
    let candidates = coder["candidates"].as_array().unwrap();
    let names: Vec<&str> = candidates
        .iter()
        .map(|c| c["model"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tiny", "other"]);
    assert!(
        candidates
            .iter()
            .all(|c| c["tasks"] == 0 && c["posterior_mean"] == 0.5)
    );
    // It comes right after the strategy, before any model request.
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    let at = |kind: &str| kinds.iter().position(|k| *k == kind).unwrap();
    assert_eq!(at("model_selected"), at("strategy_selected") + 1);
    assert!(at("model_selected") < at("model_begin"));
    assert_eq!(requested_models(&server), ["tiny", "tiny", "tiny"]);
    assert_eq!(events.last().unwrap()["status"], "succeeded");
}

#[test]
fn history_makes_the_router_prefer_the_model_that_succeeded_and_it_holds_for_the_task() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();
    let root = repo.canonicalize().unwrap().display().to_string();
    let mut store = store(&home);
    // The default ("flaky") failed 7 of 8 tasks of this complexity; "steady" succeeded 8 of 8.
    for index in 0..8 {
        let flaky = if index == 0 {
            TaskStatus::Succeeded
        } else {
            TaskStatus::Failed
        };
        seed_task(&mut store, &root, "flaky", flaky, (900, 100));
        seed_task(
            &mut store,
            &root,
            "steady",
            TaskStatus::Succeeded,
            (1500, 500),
        );
    }
    // A cancelled task says nothing about its model.
    seed_task(&mut store, &root, "steady", TaskStatus::Cancelled, (0, 0));
    drop(store);

    let server = ScriptedServer::start(fixing_script());
    let events = run_task(
        &home,
        &repo_arg,
        &server,
        &[
            ("AGENT_MODEL_NAME", "flaky"),
            ("AGENT_ROUTING_CODER", "flaky,steady"),
        ],
    );
    let selected = of_type(&events, "model_selected");
    assert_eq!(selected.len(), 1, "{selected:?}");
    let coder = selected[0];
    assert_eq!(coder["model"], "steady", "{coder}");
    assert_eq!(coder["by"], "sampled");
    assert!(
        coder["reason"]
            .as_str()
            .unwrap()
            .contains("Thompson sampling over 16"),
        "{coder}"
    );
    let candidates = coder["candidates"].as_array().unwrap();
    let find = |name: &str| candidates.iter().find(|c| c["model"] == name).unwrap();
    let (flaky, steady) = (find("flaky"), find("steady"));
    assert_eq!(
        (flaky["tasks"].as_u64(), flaky["succeeded"].as_u64()),
        (Some(8), Some(1))
    );
    assert_eq!(
        (steady["tasks"].as_u64(), steady["succeeded"].as_u64()),
        (Some(8), Some(8))
    );
    // Beta(1 + 1, 1 + 7) and Beta(1 + 8, 1 + 0): means 0.2 and 0.9.
    assert!((flaky["posterior_mean"].as_f64().unwrap() - 0.2).abs() < 1e-9);
    assert!((steady["posterior_mean"].as_f64().unwrap() - 0.9).abs() < 1e-9);
    assert_eq!(flaky["mean_tokens"], 1000);
    assert_eq!(steady["mean_tokens"], 2000);
    // The costliest candidate gives up routing.cost_weight (20 points) of its draw, the other
    // half of that.
    let penalty = |c: &Value| c["sample"].as_f64().unwrap() - c["score"].as_f64().unwrap();
    assert!((penalty(steady) - 0.2).abs() < 1e-9, "{steady}");
    assert!((penalty(flaky) - 0.1).abs() < 1e-9, "{flaky}");

    // Every request of the task went to the chosen model, and the task records it.
    assert_eq!(requested_models(&server), ["steady", "steady", "steady"]);
    let finished = events.last().unwrap();
    assert_eq!(finished["status"], "succeeded");
    let id = finished["task_id"].as_str().unwrap();
    let task = Store::open(&home.database(), &StoreOptions::default())
        .unwrap()
        .task(id)
        .unwrap();
    let spec: Value = serde_json::from_str(task.spec.as_deref().unwrap()).unwrap();
    assert_eq!(spec["role_models"]["coder"], "steady", "{spec}");
}

#[test]
fn a_model_named_on_the_command_line_is_not_routed() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();
    let server = ScriptedServer::start(fixing_script());
    let output = home
        .agent()
        .env("AGENT_ROUTING_CODER", "other")
        .args(crate::task::run_args(&repo_arg, &server))
        .args(["--json", DESCRIPTION])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains("model_selected"), "{stdout}");
    assert_eq!(requested_models(&server), ["tiny", "tiny", "tiny"]);
}

#[test]
fn ab_create_status_stop_round_trip_with_a_real_task_in_it() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();
    let root = repo.canonicalize().unwrap().display().to_string();
    let created = home.json(&[
        "ab",
        "create",
        "size",
        "--a",
        "model=small",
        "--b",
        "model=large",
        "--json",
    ]);
    assert_eq!(created["status"], "running");
    assert_eq!(created["variants"][0]["settings"]["model"], "small");
    assert_eq!(created["variants"][1]["settings"]["model"], "large");

    // a: 6 of 10 tasks succeeded, b: 9 of 10 (and one cancelled, which is not compared).
    let mut store = store(&home);
    let test_id = store.ab_test("size").unwrap().id;
    let mut seeded = Vec::new();
    for index in 0..10 {
        let ok = |yes: bool| {
            if yes {
                TaskStatus::Succeeded
            } else {
                TaskStatus::Failed
            }
        };
        let a = seed_task(&mut store, &root, "small", ok(index < 6), (300, 100));
        let b = seed_task(&mut store, &root, "large", ok(index < 9), (600, 200));
        store.assign_ab_variant(&test_id, &a, "a").unwrap();
        store.assign_ab_variant(&test_id, &b, "b").unwrap();
        seeded.push((a, 10_000));
        seeded.push((b, 30_000));
    }
    let cancelled = seed_task(&mut store, &root, "large", TaskStatus::Cancelled, (0, 0));
    store.assign_ab_variant(&test_id, &cancelled, "b").unwrap();
    drop(store);
    // Wall times: 10 s per task of a, 30 s per task of b.
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    for (id, ms) in &seeded {
        conn.execute(
            "UPDATE tasks SET started_at = 1000, finished_at = 1000 + ?2 WHERE id = ?1",
            rusqlite::params![id, ms],
        )
        .unwrap();
    }
    drop(conn);

    let status = home.json(&["ab", "status", "size", "--json"]);
    let (a, b) = (&status["variants"][0], &status["variants"][1]);
    assert_eq!(
        (
            a["assigned"].as_u64(),
            a["finished"].as_u64(),
            a["succeeded"].as_u64()
        ),
        (Some(10), Some(10), Some(6))
    );
    assert_eq!(
        (
            b["assigned"].as_u64(),
            b["finished"].as_u64(),
            b["succeeded"].as_u64()
        ),
        (Some(11), Some(10), Some(9))
    );
    assert_eq!(a["success_rate"], 0.6);
    assert_eq!(b["success_rate"], 0.9);
    assert_eq!(a["mean_tokens"], 400.0);
    assert_eq!(b["mean_tokens"], 800.0);
    assert_eq!(a["mean_seconds"], 10.0);
    assert_eq!(b["mean_seconds"], 30.0);
    // Pooled 15/20 = 0.75; SE = sqrt(0.75 · 0.25 · (1/10 + 1/10)) = 0.193649;
    // z = (0.9 − 0.6) / 0.193649 = 1.549193; two-sided p = 0.121335.
    let comparison = &status["comparison"];
    assert_eq!(
        comparison["method"],
        "two-proportion z-test (pooled, two-sided)"
    );
    assert!(
        (comparison["z"].as_f64().unwrap() - 1.549_193).abs() < 1e-5,
        "{comparison}"
    );
    assert!(
        (comparison["p_value"].as_f64().unwrap() - 0.121_335).abs() < 1e-5,
        "{comparison}"
    );
    assert_eq!(comparison["significant"], false);
    assert_eq!(comparison["better"], "b");
    let text = home.ok(&["ab", "status", "size"]);
    assert!(text.contains("two-proportion z-test (pooled, two-sided): z = 1.55, p = 0.121: not significant at 0.05 (b better so far)"), "{text}");
    assert!(
        text.contains("60.0% (6/10)") && text.contains("90.0% (9/10)"),
        "{text}"
    );
    assert!(text.contains("10/11") && text.contains("30.0 s"), "{text}");

    // A real task joins the variant with fewer tasks (a: 10 against 11) and runs its model for
    // every request, even with routing configured.
    let server = ScriptedServer::start(fixing_script());
    let events = run_task(
        &home,
        &repo_arg,
        &server,
        &[
            ("AGENT_MODEL_NAME", "tiny"),
            ("AGENT_ROUTING_CODER", "tiny,large"),
        ],
    );
    let assigned = of_type(&events, "ab_assigned");
    assert_eq!(assigned.len(), 1);
    assert_eq!(assigned[0]["test"], "size");
    assert_eq!(assigned[0]["variant"], "a");
    assert_eq!(assigned[0]["settings"]["model"], "small");
    let selected = of_type(&events, "model_selected");
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0]["by"], "ab_test");
    assert_eq!(selected[0]["model"], "small");
    assert_eq!(requested_models(&server), ["small", "small", "small"]);
    assert_eq!(events.last().unwrap()["status"], "succeeded");

    // a: 7 of 11 now. Pooled 16/21; SE = sqrt(16/21 · 5/21 · (1/11 + 1/10)) = 0.186097;
    // z = (0.9 − 7/11) / 0.186097 = 1.416659; p = 0.156587.
    let status = home.json(&["ab", "status", "size", "--json"]);
    let a = &status["variants"][0];
    assert_eq!(
        (
            a["assigned"].as_u64(),
            a["finished"].as_u64(),
            a["succeeded"].as_u64()
        ),
        (Some(11), Some(11), Some(7))
    );
    assert!(
        (status["comparison"]["z"].as_f64().unwrap() - 1.416_659).abs() < 1e-5,
        "{status}"
    );
    assert!(
        (status["comparison"]["p_value"].as_f64().unwrap() - 0.156_587).abs() < 1e-5,
        "{status}"
    );

    // Stopping keeps the better variant; the test is then stopped for good.
    let stopped = home.json(&["ab", "stop", "size", "--json"]);
    assert_eq!(stopped["status"], "stopped");
    assert_eq!(stopped["winner"], "b");
    let text = home.fails(&["ab", "stop", "size"], 2);
    assert!(text.contains("stopped already (winner b)"), "{text}");
    let list = home.json(&["ab", "list", "--json"]);
    assert_eq!(list["tests"][0]["name"], "size");
    assert_eq!(list["tests"][0]["winner"], "b");

    // A stopped test assigns no more tasks.
    let server = ScriptedServer::start(fixing_script());
    let events = run_task(&home, &repo_arg, &server, &[("AGENT_MODEL_NAME", "tiny")]);
    assert!(of_type(&events, "ab_assigned").is_empty());
    assert_eq!(requested_models(&server), ["tiny", "tiny", "tiny"]);
}

#[test]
fn ab_stop_takes_the_winner_given_and_bad_input_gets_one_line_and_a_hint() {
    let home = Home::new();
    home.ok(&[
        "ab",
        "create",
        "strat",
        "--a",
        "strategy=single",
        "--b",
        "strategy=iterative",
    ]);
    let text = home.ok(&["ab", "stop", "strat", "--winner", "a"]);
    assert!(text.contains("winner a"), "{text}");
    assert!(
        text.contains("to keep it: agent config set task.strategy single"),
        "{text}"
    );

    let error = home.fails(
        &[
            "ab",
            "create",
            "x",
            "--a",
            "colour=red",
            "--b",
            "colour=blue",
        ],
        2,
    );
    assert!(
        error.contains("unknown A/B key `colour`") && error.contains("hint: use one of: model"),
        "{error}"
    );
    let error = home.fails(
        &[
            "ab",
            "create",
            "x",
            "--a",
            "model=one",
            "--b",
            "strategy=multi",
        ],
        2,
    );
    assert!(error.contains("the same keys"), "{error}");
    let error = home.fails(
        &[
            "ab",
            "create",
            "strat",
            "--a",
            "model=one",
            "--b",
            "model=two",
        ],
        2,
    );
    assert!(error.contains("exists already"), "{error}");
    let error = home.fails(
        &[
            "ab",
            "create",
            "p",
            "--a",
            "prompt=missing.md",
            "--b",
            "prompt=other.md",
        ],
        2,
    );
    assert!(error.contains("cannot read the prompt file"), "{error}");
    home.ok(&[
        "ab",
        "create",
        "m1",
        "--a",
        "coder_model=one",
        "--b",
        "coder_model=two",
    ]);
    let error = home.fails(
        &["ab", "create", "m2", "--a", "model=one", "--b", "model=two"],
        2,
    );
    assert!(
        error.contains("A/B test `m1` already sets coder_model")
            && error.contains("agent ab stop m1"),
        "{error}"
    );
    let error = home.fails(&["ab", "status", "nope"], 3);
    assert!(
        error.contains("hint: `agent ab list` shows the tests"),
        "{error}"
    );
}

#[test]
fn a_repository_adds_routing_candidates_only_once_trusted() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();
    std::fs::create_dir_all(repo.join(".agent")).unwrap();
    std::fs::write(
        repo.join(".agent/config.toml"),
        "[routing]\ncoder = [\"openai:elsewhere\", \"local:/tmp/theirs.gguf\"]\nseed = 5\n",
    )
    .unwrap();
    let get = |key: &str| {
        let output = home
            .agent()
            .current_dir(&repo)
            .args(["config", "get", key])
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    // Untrusted: the candidates are ignored (the seed, harmless, applies), nothing is routed.
    assert_eq!(get("routing.coder"), "\n");
    assert_eq!(get("routing.seed"), "5\n");
    let server = ScriptedServer::start(fixing_script());
    let events = run_task(&home, &repo_arg, &server, &[("AGENT_MODEL_NAME", "tiny")]);
    assert!(of_type(&events, "model_selected").is_empty());
    assert_eq!(requested_models(&server), ["tiny", "tiny", "tiny"]);
    // Trusted, the array applies as the list it is.
    home.agent()
        .current_dir(&repo)
        .arg("trust")
        .assert()
        .success();
    assert_eq!(
        get("routing.coder"),
        "openai:elsewhere,local:/tmp/theirs.gguf\n"
    );
}

#[test]
fn a_task_served_over_http_is_routed_by_the_same_session() {
    let home = Home::new();
    let repo = project(&home);
    let root = repo.canonicalize().unwrap().display().to_string();
    let mut store = store(&home);
    for _ in 0..8 {
        seed_task(&mut store, &root, "flaky", TaskStatus::Failed, (900, 100));
        seed_task(
            &mut store,
            &root,
            "steady",
            TaskStatus::Succeeded,
            (900, 100),
        );
    }
    drop(store);
    let model = ScriptedServer::start(fixing_script());
    let server = crate::server::Server::start_with_env(
        &home,
        &[],
        &[
            ("AGENT_MODEL_BACKEND", "openai"),
            ("AGENT_OPENAI_BASE_URL", &model.base_url),
            ("AGENT_MODEL_NAME", "flaky"),
            ("AGENT_ROUTING_CODER", "steady"),
            ("AGENT_ROUTING_SEED", "7"),
        ],
    );
    let created = server.post(
        "/v1/tasks",
        serde_json::json!({
            "description": DESCRIPTION,
            "repo": root,
            "strategy": "single",
            "approval": "auto",
        }),
    );
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_str().unwrap();
    let events: Vec<Value> = server
        .events_until(
            &format!("/v1/tasks/{id}/events"),
            &[],
            std::time::Duration::from_secs(60),
            |event| event["type"] == "task_finished",
        )
        .into_iter()
        .map(|(_, event)| event)
        .collect();
    let selected = of_type(&events, "model_selected");
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0]["model"], "steady");
    assert_eq!(selected[0]["by"], "sampled");
    assert_eq!(requested_models(&model), ["steady", "steady", "steady"]);
}

#[test]
fn task_show_and_the_server_say_which_model_each_role_got_and_why() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();
    let server = ScriptedServer::start(fixing_script());
    let events = run_task(
        &home,
        &repo_arg,
        &server,
        &[
            ("AGENT_MODEL_NAME", "tiny"),
            ("AGENT_ROUTING_CODER", "other,openai:tiny"),
        ],
    );
    let id = events[0]["task_id"].as_str().unwrap().to_string();
    let shown = home.json(&["task", "show", &id, "--json"]);
    let roles = shown["role_models"].as_array().unwrap();
    assert_eq!(roles.len(), 1, "{shown}");
    assert_eq!(roles[0]["role"], "coder");
    assert_eq!(roles[0]["model"], "tiny");
    assert_eq!(roles[0]["backend"], "openai");
    assert_eq!(roles[0]["by"], "cold_start");
    assert!(
        roles[0]["reason"].as_str().unwrap().contains("cold start"),
        "{shown}"
    );
    // The record's own fields are still there, at the top level.
    assert_eq!(shown["id"], id.as_str());
    let text = home.ok(&["task", "show", &id]);
    let line = text.lines().find(|l| l.starts_with("roles")).unwrap();
    assert!(
        line.contains("coder    tiny (openai), cold_start: "),
        "{text}"
    );

    // A model named on the command line is pinned: not routed.
    let pinned = ScriptedServer::start(fixing_script());
    let output = home
        .agent()
        .env("AGENT_ROUTING_CODER", "other,openai:tiny")
        .args([
            "task",
            "run",
            "--repo",
            &repo_arg,
            "--backend",
            "openai",
            "--base-url",
            &pinned.base_url,
            "--model",
            "tiny",
            "--approval",
            "auto",
            "--strategy",
            "single",
            "--json",
            DESCRIPTION,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let first: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    let second = first["task_id"].as_str().unwrap().to_string();
    let shown = home.json(&["task", "show", &second, "--json"]);
    assert_eq!(shown["role_models"][0]["role"], "coder");
    assert_eq!(shown["role_models"][0]["by"], "pinned", "{shown}");
    assert_eq!(shown["role_models"][0]["model"], "tiny");

    // The dashboard's task view reads the same from GET /v1/tasks/{id}.
    let served = crate::server::Server::start(&home, &[]);
    let answer = served.get(&format!("/v1/tasks/{id}"));
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json["role_models"][0]["by"], "cold_start");
    assert_eq!(answer.json["role_models"][0]["model"], "tiny");
    assert_eq!(answer.json["id"], id.as_str());
}
