//! Engine II end to end: the Iterative and MultiAgent strategies, the strategy selector and
//! per-role models, against the scripted OpenAI-protocol server.

use serde_json::{Value, json};

use crate::common::Home;
use crate::scripted::{Reply, ScriptedServer, call, text};
use crate::task::{FIXED, events, git, kinds, only_task_id, project, task_json};

fn args<'a>(repo: &'a str, server: &'a ScriptedServer, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "task",
        "run",
        "--repo",
        repo,
        "--backend",
        "openai",
        "--base-url",
        &server.base_url,
        "--model",
        "tiny",
        "--approval",
        "auto",
    ];
    args.extend_from_slice(extra);
    args
}

fn edit(old: &str, new: &str) -> Reply {
    call("edit", json!({"path": "calc.py", "old": old, "new": new}))
}

fn system_prompt(request: &Value) -> String {
    request["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_string()
}

fn last_message(request: &Value) -> String {
    let messages = request["messages"].as_array().unwrap();
    messages.last().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn iterative_feeds_the_failing_check_back_and_succeeds_on_the_second_round() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![
        edit("return a - b", "return a * b"),
        text("Use multiplication"),
        edit("return a * b", "return a + b"),
        text("Fix add to return the sum"),
    ]);
    let repo_arg = repo.display().to_string();
    let output = home
        .agent()
        .args(args(
            &repo_arg,
            &server,
            &["--strategy", "iterative", "fix add"],
        ))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}");

    // The third request (the second round) carries the failing output, in the same conversation.
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    let feedback = last_message(&requests[2]);
    assert!(feedback.contains("`make test` failed"), "{feedback}");
    assert!(
        feedback.contains("add(2, 3) returned 6, expected 5"),
        "{feedback}"
    );
    assert!(requests[2]["messages"].as_array().unwrap().len() > 4);

    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    assert_eq!(task["status"], "succeeded");
    assert_eq!(task["strategy"], "iterative");
    assert_eq!(task["iterations"], 2);
    let branch = task["branch"].as_str().unwrap();
    assert_eq!(git(&repo, &["show", &format!("{branch}:calc.py")]), FIXED);
    assert_eq!(
        git(&repo, &["log", "-1", "--format=%s", branch]).trim(),
        "Fix add to return the sum"
    );
    let statuses: Vec<String> = events(&home, &id)
        .iter()
        .filter(|e| e["type"] == "task_status")
        .map(|e| e["to"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        statuses,
        ["running", "verifying", "running", "verifying", "succeeded"]
    );
    let show = home.ok(&["task", "show", &id]);
    assert!(show.contains("rounds     2"), "{show}");
}

#[test]
fn iterative_gives_up_after_the_last_round_with_the_last_failure() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![
        edit("return a - b", "return a * b"),
        text("Use multiplication"),
        edit("return a * b", "return a ** b"),
        text("Use a power"),
    ]);
    let repo_arg = repo.display().to_string();
    let output = home
        .agent()
        .args(args(
            &repo_arg,
            &server,
            &[
                "--strategy",
                "iterative",
                "--max-iterations",
                "2",
                "fix add",
            ],
        ))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(server.requests().len(), 4);
    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    assert_eq!(task["status"], "failed");
    assert_eq!(task["iterations"], 2);
    let error = task["error"].as_str().unwrap();
    assert!(
        error.contains("still failing after 2 iterations"),
        "{error}"
    );
    let events = events(&home, &id);
    let last_check = events
        .iter()
        .rev()
        .find(|e| e["type"] == "verify_end")
        .unwrap();
    assert!(
        last_check["output"]
            .as_str()
            .unwrap()
            .contains("returned 8, expected 5"),
        "{last_check}"
    );
    let branch = task["branch"].as_str().unwrap();
    assert!(git(&repo, &["show", &format!("{branch}:calc.py")]).contains("a ** b"));
}

#[test]
fn multi_agent_plans_codes_reviews_and_tests_with_a_prompt_per_role() {
    let home = Home::new();
    let repo = project(&home);
    let plan = json!({
        "summary": "Make add add",
        "steps": [{"title": "Fix add in calc.py", "files": ["calc.py"], "details": "use +"}],
        "acceptance": ["make test passes"]
    });
    let server = ScriptedServer::start(vec![
        // planner
        text(&format!("```json\n{plan}\n```")),
        // coder: step 1
        edit("return a - b", "return a + b"),
        text("Fix add to return the sum"),
        // reviewer, round 1: changes
        text("CHANGES\n- calc.py: give add a docstring"),
        // coder: the change request
        edit(
            "def add(a, b):\n",
            "def add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n",
        ),
        text("Fix add and document it\n\nadd subtracted its arguments."),
        // reviewer, round 2: approve
        text("APPROVE"),
        // tester
        call(
            "write",
            json!({"path": "test_more.py", "content": "from calc import add\nassert add(-1, 1) == 0\n"}),
        ),
        call("run", json!({"command": "python3 test_more.py"})),
        text("Added test_more.py"),
    ]);
    let repo_arg = repo.display().to_string();
    let output = home
        .agent()
        .args(args(
            &repo_arg,
            &server,
            &["--strategy", "multi", "fix add"],
        ))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}");

    let requests = server.requests();
    assert_eq!(requests.len(), 10);
    let roles: Vec<&str> = requests
        .iter()
        .map(|r| {
            let system = system_prompt(r);
            if system.starts_with("You are the planner") {
                "planner"
            } else if system.starts_with("You are the reviewer") {
                "reviewer"
            } else if system.starts_with("You are the tester") {
                "tester"
            } else if system.starts_with("You are agent, a coding agent") {
                "coder"
            } else {
                panic!("unknown system prompt: {system}")
            }
        })
        .collect();
    assert_eq!(
        roles,
        [
            "planner", "coder", "coder", "reviewer", "coder", "coder", "reviewer", "tester",
            "tester", "tester"
        ]
    );
    // The planner and reviewer only get tools that change nothing.
    let tools = |index: usize| -> Vec<String> {
        requests[index]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["function"]["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(tools(0), ["read", "list", "search", "diff", "symbols"]);
    assert_eq!(tools(3), ["read", "list", "search", "diff", "symbols"]);
    assert!(tools(1).contains(&"edit".to_string()));
    // The coder got the plan; the reviewer the diff; the change request went back to the coder.
    assert!(last_message(&requests[1]).contains("1. Fix add in calc.py (calc.py)"));
    assert!(last_message(&requests[3]).contains("+    return a + b"));
    assert!(last_message(&requests[4]).contains("give add a docstring"));

    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    assert_eq!(task["status"], "succeeded", "{task}");
    assert_eq!(task["strategy"], "multi");
    assert_eq!(task["plan"]["steps"][0]["title"], "Fix add in calc.py");
    assert_eq!(task["review_rounds"], 2);
    let kinds = kinds(&events(&home, &id));
    assert!(kinds.contains(&"plan_ready".to_string()));
    assert_eq!(kinds.iter().filter(|k| *k == "review_verdict").count(), 2);

    // The tester's test is in the commit, with the coder's fix and message.
    let branch = task["branch"].as_str().unwrap();
    let files = git(&repo, &["show", "--name-only", "--format=%s", branch]);
    assert!(files.starts_with("Fix add and document it\n"), "{files}");
    assert!(
        files.contains("test_more.py") && files.contains("calc.py"),
        "{files}"
    );

    let show = home.ok(&["task", "show", &id]);
    assert!(show.contains("1. Fix add in calc.py (calc.py)"), "{show}");
    assert!(
        show.contains("planner 1, coder 4, reviewer 2, tester 3"),
        "{show}"
    );
}

#[test]
fn auto_picks_the_strategy_by_complexity_and_the_flag_overrides_it() {
    let cases = [
        ("fix the typo in README.md", "single", "simple"),
        (
            "the CLI panics when the config file is empty; handle it and add a test",
            "iterative",
            "medium",
        ),
        (
            "Refactor the storage layer:\n- split the SQL into its own module across the crate\n- migrate the schema to version 2\n- update every caller in src/ and tests/\n- add end-to-end tests for the migration",
            "multi",
            "complex",
        ),
    ];
    for (description, strategy, complexity) in cases {
        let home = Home::new();
        let repo = project(&home);
        let server = ScriptedServer::start((0..12).map(|_| text("APPROVE")).collect());
        let repo_arg = repo.display().to_string();
        home.ok(&args(&repo_arg, &server, &[description]));
        let id = only_task_id(&home);
        let task = task_json(&home, &id);
        assert_eq!(task["strategy"], strategy, "{description}");
        assert_eq!(task["complexity"], complexity, "{description}");
        let selected = events(&home, &id)
            .into_iter()
            .find(|e| e["type"] == "strategy_selected")
            .unwrap();
        assert_eq!(selected["by"], "auto");
        assert_eq!(selected["strategy"], strategy);
        assert!(selected["reason"].as_str().unwrap().contains(complexity));
    }

    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start((0..4).map(|_| text("APPROVE")).collect());
    let repo_arg = repo.display().to_string();
    home.ok(&args(
        &repo_arg,
        &server,
        &["--strategy", "single", "redesign the plugin architecture so every module registers itself, migrate all callers, and add end-to-end tests"],
    ));
    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    assert_eq!(task["strategy"], "single");
    assert_eq!(task["complexity"], "complex");
    let reason = task["selection_reason"].as_str().unwrap();
    assert!(reason.starts_with("--strategy single"), "{reason}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_role_with_its_own_model_sends_its_requests_with_that_model() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start((0..8).map(|_| text("APPROVE")).collect());
    let repo_arg = repo.display().to_string();
    let mut arguments = vec!["-c", "roles.planner.model=big-planner"];
    arguments.extend(args(
        &repo_arg,
        &server,
        &[
            "--strategy",
            "multi",
            "--reviewer-model",
            "sharp-reviewer",
            "look at add",
        ],
    ));
    home.ok(&arguments);
    let requests = server.requests();
    let models: Vec<(String, String)> = requests
        .iter()
        .map(|r| {
            let system = system_prompt(r);
            let role = system.split_whitespace().nth(3).unwrap_or("").to_string();
            (role, r["model"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(
        models[0],
        ("planner".to_string(), "big-planner".to_string())
    );
    assert!(
        models
            .iter()
            .any(|(role, model)| role == "reviewer" && model == "sharp-reviewer"),
        "{models:?}"
    );
    assert!(
        models
            .iter()
            .filter(|(role, _)| role != "planner" && role != "reviewer")
            .all(|(_, model)| model == "tiny"),
        "{models:?}"
    );
    // The model of each call is recorded with its role.
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let planner: String = conn
        .query_row(
            "SELECT model FROM model_calls WHERE agent_role = 'planner'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(planner, "big-planner");
}

#[test]
fn multi_agent_sends_a_failing_check_back_to_the_coder() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![
        text(r#"{"steps": [{"title": "Fix add", "files": ["calc.py"]}]}"#),
        edit("return a - b", "return a * b"),
        text("Use multiplication"),
        text("APPROVE"),
        text("The existing test covers it"),
        // The check fails; the coder gets its output and fixes the code.
        edit("return a * b", "return a + b"),
        text("Fix add to return the sum"),
    ]);
    let repo_arg = repo.display().to_string();
    let output = home
        .agent()
        .args(args(
            &repo_arg,
            &server,
            &["--strategy", "multi", "--max-review-rounds", "1", "fix add"],
        ))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let requests = server.requests();
    assert_eq!(requests.len(), 7);
    assert!(system_prompt(&requests[5]).starts_with("You are agent, a coding agent"));
    let feedback = last_message(&requests[5]);
    assert!(
        feedback.contains("add(2, 3) returned 6, expected 5"),
        "{feedback}"
    );
    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    assert_eq!(task["status"], "succeeded");
    assert_eq!(task["iterations"], 2);
    let branch = task["branch"].as_str().unwrap();
    assert_eq!(git(&repo, &["show", &format!("{branch}:calc.py")]), FIXED);
}
