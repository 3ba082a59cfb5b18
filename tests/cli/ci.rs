//! `agent ci watch` and `agent ci status` end to end: a failing run on the fake GitHub becomes a
//! fix task (Iterative) run by a scripted model, a green local check, a branch pushed to the
//! test repository's origin (a local bare repository), and a PR whose body links the run — with
//! no human step. Then: a second failure of the same job starts nothing, a poll without news is a
//! 304, and the summary (CLI and `/v1/dashboard`) counts the attempt.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Home, bytes_contain, files_under};
use crate::fake_github::{FakeGitHub, failed_job, failed_run};
use crate::scripted::ScriptedServer;
use crate::task::{fixing_script, git, project};

const TOKEN: &str = "ghp_citesttoken0123456789abcdefABCDEF";
const REPO: &str = "octo/calc";

/// The failing step's log as GitHub stores it: timestamps, a group, colours, the error marker.
fn failing_log() -> String {
    [
        "##[group]Run make test",
        "make test",
        "shell: /usr/bin/bash -e {0}",
        "##[endgroup]",
        "python3 test_calc.py",
        "Traceback (most recent call last):",
        "  File \"test_calc.py\", line 3, in <module>",
        "    assert result == 5, f\"add(2, 3) returned {result}, expected 5\"",
        "\u{1b}[31mAssertionError: add(2, 3) returned -1, expected 5\u{1b}[0m",
        "make: *** [Makefile:2: test] Error 1",
        "##[error]Process completed with exit code 2.",
    ]
    .iter()
    .map(|line| format!("2026-12-07T06:00:01.1234567Z {line}\n"))
    .collect()
}

/// A run's logs zip in GitHub's layout: a folder per job, a file per step, a file per job.
fn logs_zip(job: &str, step: &str) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let files = [
        (
            format!("0_{job}.txt"),
            format!("whole job log\n{}", failing_log()),
        ),
        (
            format!("{job}/1_Set up job.txt"),
            "2026-12-07T06:00:00.0000000Z Current runner version: '2.320.0'\n".to_string(),
        ),
        (format!("{job}/2_{step}.txt"), failing_log()),
    ];
    for (name, text) in files {
        writer.start_file(name, options).unwrap();
        writer.write_all(text.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The project of the task tests, with a bare repository as its `origin` holding `main`.
fn project_with_origin(home: &Home) -> (PathBuf, PathBuf) {
    let repo = project(home);
    let origin = home.work_dir().join("origin.git");
    git(
        &home.work_dir(),
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            origin.to_str().unwrap(),
        ],
    );
    git(
        &repo,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    git(&repo, &["push", "-q", "origin", "main"]);
    (repo, origin)
}

/// `agent` in `repo`, pointed at the fake GitHub, with no token from the test's environment
/// or gh's configuration.
fn agent(home: &Home, repo: &Path, github: &FakeGitHub) -> assert_cmd::Command {
    let mut command = home.agent();
    command
        .current_dir(repo)
        .env("AGENT_GITHUB_API_URL", &github.url)
        .env("GH_CONFIG_DIR", home.root.path().join("gh"))
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_ENTERPRISE_TOKEN")
        .env_remove("GITHUB_ENTERPRISE_TOKEN");
    command
}

fn ci_watch(
    home: &Home,
    repo: &Path,
    github: &FakeGitHub,
    model: &ScriptedServer,
) -> std::process::Output {
    agent(home, repo, github)
        .env("GH_TOKEN", TOKEN)
        .args([
            "ci",
            "watch",
            "--once",
            "--repo",
            REPO,
            "--backend",
            "openai",
            "--base-url",
            &model.base_url,
            "--model",
            "tiny",
        ])
        .output()
        .unwrap()
}

fn runs_requests(github: &FakeGitHub) -> Vec<crate::fake_github::GitHubRequest> {
    github.requests_to("GET", &format!("/repos/{REPO}/actions/runs?"))
}

#[test]
fn a_failing_run_becomes_a_fix_task_a_green_check_a_pushed_branch_and_a_pr_linking_the_run() {
    let home = Home::new();
    let (repo, origin) = project_with_origin(&home);
    let sha = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    let github = FakeGitHub::start(Some(TOKEN));
    github.add_run(
        REPO,
        failed_run(101, REPO, "main", &sha),
        vec![failed_job(201, "test", "Run make test")],
        logs_zip("test", "Run make test"),
    );
    let model = ScriptedServer::start(fixing_script());

    // One poll: the failed run becomes a fix task, a pushed branch and a PR.
    let output = ci_watch(&home, &repo, &github, &model);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with(&format!("run failed: {REPO} CI #101 on main (jobs: test)")),
        "{stdout}"
    );
    assert!(lines[1].starts_with("fix task started: "), "{stdout}");
    assert!(lines[1].contains("for test / Run make test"), "{stdout}");
    assert!(
        lines[2].starts_with(&format!("PR opened: https://github.com/{REPO}/pull/1")),
        "{stdout}"
    );

    // The task: Iterative, from the failing commit, its check (`make test`) green.
    let list = home.json(&["task", "list", "--json"]);
    let tasks = list["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{list}");
    let task = &tasks[0];
    let task_id = task["id"].as_str().unwrap();
    assert_eq!(task["status"], "succeeded");
    assert_eq!(task["strategy"], "iterative");
    assert_eq!(task["base_commit"], sha.as_str());
    let events: Vec<Value> = home
        .ok(&["task", "logs", task_id, "--json"])
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // It ran under the untrusted-origin policy (commands limited, no credentials, no network).
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let spec: String = conn
        .query_row("SELECT spec FROM tasks WHERE id = ?1", [task_id], |r| {
            r.get(0)
        })
        .unwrap();
    let spec: Value = serde_json::from_str(&spec).unwrap();
    assert_eq!(
        spec["untrusted"]["source"],
        format!("CI run 101 of {REPO}"),
        "{spec}"
    );
    let checks: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "verify_end")
        .collect();
    assert_eq!(checks.last().unwrap()["passed"], true, "{checks:?}");

    // The model got the failing step's error lines, fenced as untrusted, and the run's link.
    let first = model.request_text(0);
    assert!(
        first.contains("AssertionError: add(2, 3) returned -1, expected 5"),
        "{first}"
    );
    assert!(
        first.contains("##[error]Process completed with exit code 2."),
        "{first}"
    );
    assert!(first.contains("untrusted"), "{first}");
    assert!(
        first.contains(&format!("https://github.com/{REPO}/actions/runs/101")),
        "{first}"
    );
    assert!(
        !first.contains("2026-12-07T06:00:01"),
        "timestamps stay out: {first}"
    );
    assert!(!first.contains('\u{1b}'), "escapes stay out: {first}");
    assert!(
        !first.contains("Current runner version"),
        "other steps stay out: {first}"
    );

    // The branch is on origin with the fix.
    let branch = task["branch"].as_str().unwrap();
    let pushed = git(&origin, &["rev-parse", &format!("refs/heads/{branch}")]);
    assert_eq!(pushed.trim(), task["commit_id"].as_str().unwrap());
    assert_eq!(
        git(&origin, &["show", &format!("{branch}:calc.py")]),
        crate::task::FIXED
    );

    // The PR: from the task's branch into the run's branch, its body linking the run and naming
    // the failed job and step.
    {
        let state = github.state();
        assert_eq!(state.pulls.len(), 1);
        let pull = state.pulls.values().next().unwrap();
        assert_eq!(pull["head"]["ref"], branch);
        assert_eq!(pull["base"]["ref"], "main");
        let body = pull["body"].as_str().unwrap();
        assert!(
            body.contains(&format!("(https://github.com/{REPO}/actions/runs/101)")),
            "{body}"
        );
        assert!(body.contains("job `test`, step `Run make test`"), "{body}");

        // The logs came from the storage host after the redirect, without the token; the API
        // got it on every request.
        assert_eq!(state.storage_requests.len(), 1);
        assert_eq!(state.storage_requests[0].header("authorization"), None);
        assert!(
            state
                .requests
                .iter()
                .all(|r| r.header("authorization") == Some(&format!("Bearer {TOKEN}") as &str))
        );
    }

    // A second poll with nothing new: If-None-Match with the last ETag, a 304, no rate limit
    // spent, nothing started.
    let remaining = github.state().rate_remaining;
    let output = ci_watch(&home, &repo, &github, &model);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout, format!("{REPO}: no new runs\n"));
    let polls = runs_requests(&github);
    assert_eq!(polls.len(), 2);
    assert_eq!(polls[0].header("if-none-match"), None);
    let etag = polls[1].header("if-none-match").expect("no If-None-Match");
    assert!(etag.starts_with("W/\""), "{etag}");
    assert_eq!(github.state().rate_remaining, remaining);

    // The same job fails again on the next commit: no second task.
    let requests_before = model.requests().len();
    github.add_run(
        REPO,
        failed_run(102, REPO, "main", &sha),
        vec![failed_job(202, "test", "Run make test")],
        logs_zip("test", "Run make test"),
    );
    let output = ci_watch(&home, &repo, &github, &model);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("run failed: octo/calc CI #102"), "{stdout}");
    assert!(
        stdout.contains("run #102: already being fixed (attempt 1), no new task"),
        "{stdout}"
    );
    assert!(!stdout.contains("fix task started"), "{stdout}");
    assert_eq!(
        home.json(&["task", "list", "--json"])["tasks"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(model.requests().len(), requests_before);
    assert_eq!(
        github.state().storage_requests.len(),
        1,
        "no second log download"
    );
    assert_eq!(github.state().pulls.len(), 1);

    // The summary: two failed runs seen, one attempt, its PR, a success rate of 1.
    let status = home.json(&["ci", "status", "--json"]);
    assert_eq!(status["runs_seen"], 2, "{status}");
    assert_eq!(status["attempts"]["pr_opened"], 1, "{status}");
    assert_eq!(status["success_rate"], 1.0, "{status}");
    let attempt = &status["recent_attempts"][0];
    assert_eq!(attempt["outcome"], "pr_opened");
    assert_eq!(attempt["task_id"], task_id);
    assert_eq!(attempt["jobs"], serde_json::json!(["test"]));
    assert_eq!(attempt["step"], "Run make test");
    assert_eq!(
        attempt["pr_url"],
        format!("https://github.com/{REPO}/pull/1")
    );
    let runs = status["recent_runs"].as_array().unwrap();
    assert_eq!(runs[0]["run_id"], 102);
    assert_eq!(runs[0]["handling"], "duplicate");
    assert_eq!(runs[1]["handling"], "fix_started");
    let text = home.ok(&["ci", "status"]);
    assert!(text.contains("fix success rate 100%"), "{text}");
    assert!(text.contains("pr_opened"), "{text}");

    // The token is nowhere in agent's files, and the model never saw it.
    for (path, bytes) in files_under(&home.path()) {
        assert!(!bytes_contain(&bytes, TOKEN), "the token is in {path}");
    }
    for index in 0..model.requests().len() {
        assert!(!model.request_text(index).contains(TOKEN));
    }

    // The dashboard route gives the same summary.
    let server = crate::server::Server::start(&home, &[]);
    let dashboard = server.get("/v1/dashboard");
    assert_eq!(dashboard.status, 200);
    assert_eq!(
        dashboard.json["ci"]["success_rate"], 1.0,
        "{}",
        dashboard.json
    );
    assert_eq!(dashboard.json["ci"]["attempts"]["pr_opened"], 1);
    assert_eq!(dashboard.json["tasks"]["by_status"][0][0], "succeeded");
    let openapi = server.get("/openapi.json");
    assert!(openapi.json["paths"]["/v1/dashboard"].is_object());
}

#[test]
fn a_fix_whose_check_stays_red_opens_no_pr_and_counts_as_failed() {
    let home = Home::new();
    let (repo, origin) = project_with_origin(&home);
    let sha = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    let github = FakeGitHub::start(Some(TOKEN));
    github.add_run(
        REPO,
        failed_run(7, REPO, "main", &sha),
        vec![failed_job(8, "test", "Run make test")],
        logs_zip("test", "Run make test"),
    );
    // A model that only talks: the check fails every round.
    let model = ScriptedServer::start(vec![]);
    let output = agent(&home, &repo, &github)
        .env("GH_TOKEN", TOKEN)
        .args([
            "ci",
            "watch",
            "--once",
            "--repo",
            REPO,
            "--max-iterations",
            "1",
            "--backend",
            "openai",
            "--base-url",
            &model.base_url,
            "--model",
            "tiny",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("fix failed: task "), "{stdout}");
    assert!(github.state().pulls.is_empty());
    let branches = git(&origin, &["branch", "--list", "--format=%(refname:short)"]);
    assert_eq!(branches.trim(), "main", "nothing pushed: {branches}");
    let status = home.json(&["ci", "status", "--json"]);
    assert_eq!(status["attempts"]["failed"], 1, "{status}");
    assert_eq!(status["success_rate"], 0.0, "{status}");
}

#[test]
fn ci_watch_outside_a_checkout_or_without_a_token_says_what_to_do() {
    let home = Home::new();
    let stderr = home.fails(&["ci", "watch", "--once", "--repo", REPO], 2);
    assert!(stderr.contains("is not in a git checkout"), "{stderr}");
    assert!(stderr.contains("hint: "), "{stderr}");

    let (repo, _) = project_with_origin(&home);
    let github = FakeGitHub::start(Some(TOKEN));
    let output = agent(&home, &repo, &github)
        .args(["ci", "watch", "--once", "--repo", REPO])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no GitHub token"), "{stderr}");
    assert!(github.state().requests.is_empty());

    // Without --repo, the remote must point at the GitHub host (here it is a local path).
    let output = agent(&home, &repo, &github)
        .env("GH_TOKEN", TOKEN)
        .args(["ci", "watch", "--once"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("remote `origin`"), "{stderr}");
    assert!(stderr.contains("--github-repo OWNER/NAME"), "{stderr}");
    assert!(github.state().requests.is_empty());

    // A status with nothing recorded says how to start.
    let text = home.ok(&["ci", "status"]);
    assert!(text.contains("agent ci watch"), "{text}");
}

const WEBHOOK_SECRET: &str = "ci-webhook-secret-0123456789abcdef";

/// A failed run delivered as GitHub's `workflow_run` webhook to `agent serve` goes through the
/// same fix flow: a fix task, a PR linking the run, the outcome on the delivery. A watcher that
/// polls the same run afterwards does nothing: one failure is fixed once.
#[test]
fn a_failed_workflow_run_webhook_becomes_a_pr_and_a_watcher_does_not_fix_it_again() {
    let home = Home::new();
    let (repo, origin) = project_with_origin(&home);
    let sha = git(&repo, &["rev-parse", "HEAD"]).trim().to_string();
    let github = FakeGitHub::start(Some(TOKEN));
    let run = failed_run(301, REPO, "main", &sha);
    github.add_run(
        REPO,
        run.clone(),
        vec![failed_job(401, "test", "Run make test")],
        logs_zip("test", "Run make test"),
    );
    let model = ScriptedServer::start(fixing_script());

    let secret = home.root.path().join("webhook-secret");
    std::fs::write(&secret, format!("{WEBHOOK_SECRET}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let gh = home.root.path().join("gh");
    let server = crate::server::Server::start_with_env(
        &home,
        &[
            "--backend",
            "openai",
            "--base-url",
            &model.base_url,
            "--model",
            "tiny",
            "-c",
            &format!("serve.webhook_secret_file={}", secret.display()),
            "-c",
            &format!("github.repos={REPO}={}", repo.display()),
        ],
        &[
            ("AGENT_GITHUB_API_URL", github.url.as_str()),
            ("GH_CONFIG_DIR", gh.to_str().unwrap()),
            ("GH_TOKEN", TOKEN),
        ],
    );
    let mut payload = serde_json::json!({
        "action": "completed",
        "workflow_run": run,
        "repository": {"full_name": REPO},
    });
    payload["workflow_run"]["updated_at"] = jiff::Timestamp::now().to_string().into();
    let body = serde_json::to_vec(&payload).unwrap();
    let answer = server.send(
        server
            .http
            .post(server.url_of("/v1/webhooks/github"))
            .header("content-type", "application/json")
            .header("x-github-event", "workflow_run")
            .header("x-github-delivery", "d-ci-301")
            .header(
                "x-hub-signature-256",
                agent_core::github::webhook::sign(WEBHOOK_SECRET.as_bytes(), &body),
            )
            .body(body),
    );
    assert_eq!(answer.status, 202, "{}", answer.text);

    // The delivery's outcome once the work is done.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let outcome = loop {
        let deliveries = server.get("/v1/webhooks/github/deliveries");
        let found = deliveries.json["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == "d-ci-301")
            .and_then(|d| d["outcome"].as_str().map(str::to_string));
        if let Some(outcome) = found
            && !outcome.starts_with("accepted")
        {
            break outcome;
        }
        assert!(std::time::Instant::now() < deadline, "{}", deliveries.text);
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(
        outcome.starts_with(&format!(
            "ci run 301: PR opened: https://github.com/{REPO}/pull/1"
        )),
        "{outcome}"
    );
    {
        let state = github.state();
        assert_eq!(state.pulls.len(), 1);
        let pull = state.pulls.values().next().unwrap();
        let body = pull["body"].as_str().unwrap();
        assert!(
            body.contains(&format!("(https://github.com/{REPO}/actions/runs/301)")),
            "{body}"
        );
        let branch = pull["head"]["ref"].as_str().unwrap();
        git(&origin, &["rev-parse", &format!("refs/heads/{branch}")]);
    }
    drop(server);

    // The watcher sees the same failed run: it was handled, nothing starts.
    let requests = model.requests().len();
    let output = ci_watch(&home, &repo, &github, &model);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("fix task started"), "{stdout}");
    assert_eq!(model.requests().len(), requests);
    assert_eq!(github.state().pulls.len(), 1);
    let status = home.json(&["ci", "status", "--json"]);
    assert_eq!(status["runs_seen"], 1, "{status}");
    assert_eq!(status["attempts"]["pr_opened"], 1, "{status}");
}

/// `agent ci watch` keeps polling (each poll after the first sends the ETag and gets a 304)
/// until Ctrl-C, which ends it with exit 130.
#[test]
fn ci_watch_polls_until_interrupted() {
    let home = Home::new();
    let (repo, _) = project_with_origin(&home);
    let github = FakeGitHub::start(Some(TOKEN));
    let model = ScriptedServer::start(vec![]);
    let child = home
        .process()
        .current_dir(&repo)
        .env("AGENT_GITHUB_API_URL", &github.url)
        .env("GH_CONFIG_DIR", home.root.path().join("gh"))
        .env("GH_TOKEN", TOKEN)
        .args([
            "ci",
            "watch",
            "--repo",
            REPO,
            "--branch",
            "main",
            "--interval",
            "1",
            "--backend",
            "openai",
            "--base-url",
            &model.base_url,
            "--model",
            "tiny",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while runs_requests(&github).len() < 3 {
        assert!(std::time::Instant::now() < deadline, "fewer than 3 polls");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = std::time::Instant::now();
    let output = child.wait_with_output().unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(
        stderr.starts_with(&format!("watching {REPO} on main every 1 s")),
        "{stderr}"
    );
    assert!(stdout.contains(&format!("{REPO}: no new runs")), "{stdout}");
    let polls = runs_requests(&github);
    assert!(polls[0].path.contains("branch=main"), "{}", polls[0].path);
    assert_eq!(polls[0].header("if-none-match"), None);
    assert!(
        polls[1..]
            .iter()
            .all(|p| p.header("if-none-match").is_some())
    );
}

/// With the rate limit nearly spent, the watcher says so and waits for the reset instead of
/// polling every interval.
#[test]
fn ci_watch_waits_for_the_reset_when_the_rate_limit_is_nearly_spent() {
    let home = Home::new();
    let (repo, _) = project_with_origin(&home);
    let github = FakeGitHub::start(Some(TOKEN));
    github.state().rate_remaining = 6;
    let model = ScriptedServer::start(vec![]);
    let child = home
        .process()
        .current_dir(&repo)
        .env("AGENT_GITHUB_API_URL", &github.url)
        .env("GH_CONFIG_DIR", home.root.path().join("gh"))
        .env("GH_TOKEN", TOKEN)
        .args(["ci", "watch", "--repo", REPO, "--interval", "1"])
        .args([
            "--backend",
            "openai",
            "--base-url",
            &model.base_url,
            "--model",
            "tiny",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while runs_requests(&github).is_empty() {
        assert!(std::time::Instant::now() < deadline, "no poll");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Three intervals pass without another poll.
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(runs_requests(&github).len(), 1);
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(130), "{stdout}");
    assert!(
        stdout.contains("rate limit nearly spent: waiting until 2030-01-01T00:00:00Z"),
        "{stdout}"
    );
}
