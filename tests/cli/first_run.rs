//! The first run in a fresh home: with no model configured, `agent task run` picks a model an
//! Ollama server has that fits (and says so), else a GGUF on disk run in-process, else stops
//! without a terminal naming the one command that gets a model; the choice is saved; the
//! tool-calling check runs once per model, refuses a model that cannot call tools for tasks and
//! drives one that writes calls as text in the prompt-level format.

use std::process::Output;

use assert_cmd::Command;
use serde_json::json;

use crate::common::{Home, serve_bytes};
use crate::fake_ollama_shelf::{ShelfModel, chats, checks, serve_shelf};
use crate::scripted::{Check, ScriptedServer, text};
use crate::task::{only_task_id, project, task_json};
use crate::tiny_coder;

/// `agent` in a fresh home: Ollama (if any) at `ollama`, no models Ollama pulled on disk, no
/// download mirror, commands allowed to run unconfined where the kernel cannot confine them.
fn fresh(home: &Home, ollama: &str) -> Command {
    let mut command = home.agent();
    command
        .env("OLLAMA_HOST", ollama)
        .env("OLLAMA_MODELS", home.root.path().join("no-ollama-models"))
        .env_remove("HF_ENDPOINT")
        .env("AGENT_SANDBOX_MODE", "warn");
    command
}

/// An address where nothing listens.
fn nobody() -> String {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    url
}

fn task_run(home: &Home, ollama: &str, repo: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "task",
        "run",
        "--repo",
        repo,
        "--approval",
        "auto",
        "--strategy",
        "single",
    ];
    args.extend(extra);
    fresh(home, ollama).args(&args).output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn config(home: &Home, key: &str) -> String {
    home.ok(&["config", "get", key]).trim().to_string()
}

/// The one line that says what the first run chose.
fn choice_line(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|line| line.starts_with("no model configured, so agent chose one: "))
        .unwrap_or_else(|| panic!("no choice line in:\n{stderr}"))
}

fn database(home: &Home) -> rusqlite::Connection {
    rusqlite::Connection::open(home.database()).unwrap()
}

#[test]
fn a_fresh_home_uses_the_ollama_model_that_fits_and_checks_its_tools_once() {
    let home = Home::new();
    let repo = project(&home);
    let repo = repo.to_str().unwrap();
    let (url, seen) = serve_shelf(vec![
        ShelfModel {
            name: "huge-coder:900b",
            size: 900_000_000_000,
            layers: 120,
            kv_heads: 16,
            context: 32_768,
        },
        ShelfModel {
            name: "small-coder:1b",
            size: 150_000_000,
            layers: 4,
            kv_heads: 1,
            context: 32_768,
        },
    ]);

    let first = task_run(&home, &url, repo, &["fix add"]);
    let said = stderr(&first);
    assert!(matches!(first.status.code(), Some(0 | 1)), "{said}");
    let line = choice_line(&said);
    assert!(
        line.contains(&format!(
            "small-coder:1b from Ollama at {url}: the largest coder model it has that fits"
        )),
        "{line}"
    );
    assert!(line.contains("(1 larger one does not fit)"), "{line}");
    assert!(line.contains("with a 8192-token context"), "{line}");
    assert!(
        line.contains("`agent models use NAME` changes it"),
        "{line}"
    );
    assert!(
        said.contains("small-coder:1b: it calls tools natively"),
        "{said}"
    );

    // The choice is saved, and the task ran with it and its context.
    assert_eq!(config(&home, "model.name"), "small-coder:1b");
    assert_eq!(config(&home, "model.backend"), "ollama");
    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    assert_eq!(
        (&task["model"], &task["backend"], &task["context_length"]),
        (&json!("small-coder:1b"), &json!("ollama"), &json!(8192))
    );
    assert!(
        home.ok(&["task", "show", &id]).contains("8192 tokens"),
        "task show names the context"
    );
    let requests = seen.lock().unwrap().clone();
    assert_eq!(checks(&requests).len(), 1, "one tool-calling check");
    let chat = chats(&requests);
    assert!(!chat.is_empty());
    let body: serde_json::Value = serde_json::from_str(&chat[0].body).unwrap();
    assert_eq!(body["model"], "small-coder:1b");
    assert_eq!(body["options"]["num_ctx"], 8192);
    assert!(
        !requests
            .iter()
            .any(|r| r.path == "/api/show" && r.body.contains("huge-coder")),
        "a model whose weights cannot fit is not even asked about"
    );
    // The check and its verdict are stored; the check was recorded as a model call.
    let format: String = database(&home)
        .query_row(
            "SELECT format FROM model_tool_checks WHERE backend = 'ollama' AND model = 'small-coder:1b'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(format, "native");
    let calls: i64 = database(&home)
        .query_row(
            "SELECT COUNT(*) FROM model_calls WHERE agent_role = 'tool_check'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(calls, 1);

    // The second task: no choice to make, and no check request.
    let second = task_run(&home, &url, repo, &["fix add, again"]);
    let said = stderr(&second);
    assert!(matches!(second.status.code(), Some(0 | 1)), "{said}");
    assert!(!said.contains("no model configured"), "{said}");
    assert!(!said.contains("calls tools"), "{said}");
    assert_eq!(checks(&seen.lock().unwrap()).len(), 1, "still one check");
    assert!(chats(&seen.lock().unwrap()).len() > chat.len());
}

#[test]
fn without_a_server_a_gguf_on_disk_runs_in_process() {
    let home = Home::new();
    let repo = project(&home);
    let repo = repo.to_str().unwrap();
    let models = home.path().join("data/models");
    std::fs::create_dir_all(&models).unwrap();
    tiny_coder::write(&models.join("tiny-coder.gguf"));
    // A file the engine cannot read is passed over.
    std::fs::write(models.join("broken.gguf"), b"not a model").unwrap();
    let url = nobody();

    let output = task_run(&home, &url, repo, &["--max-turns", "2", "fix add"]);
    let said = stderr(&output);
    assert!(matches!(output.status.code(), Some(0 | 1)), "{said}");
    let line = choice_line(&said);
    let path = models.join("tiny-coder.gguf");
    assert!(
        line.contains(&format!(
            "{} in-process: the largest coder GGUF in the models directory that fits",
            path.display()
        )),
        "{line}"
    );
    assert!(line.contains("4096-token context"), "{line}");
    assert!(
        line.contains(&format!("(Ollama at {url}: it does not answer)")),
        "{line}"
    );
    assert_eq!(config(&home, "model.backend"), "local");
    assert_eq!(config(&home, "model.name"), "tiny-coder.gguf");
    assert_eq!(config(&home, "model.context_length"), "4096");

    // The task ran in-process: its model calls went to the local backend.
    let id = only_task_id(&home);
    let task = task_json(&home, &id);
    assert_eq!(task["backend"], "local");
    assert_eq!(task["model"], path.display().to_string());
    assert_eq!(task["context_length"], 4096);
    let local_calls: i64 = database(&home)
        .query_row(
            "SELECT COUNT(*) FROM model_calls WHERE task_id = ?1 AND backend = 'local'",
            [&id],
            |row| row.get(0),
        )
        .unwrap();
    assert!(local_calls >= 1, "{said}");
    let format: String = database(&home)
        .query_row(
            "SELECT format FROM model_tool_checks WHERE backend = 'local'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(format, "native", "the in-process backend reads the calls");
}

#[test]
fn with_nothing_here_and_no_terminal_the_error_names_the_one_command() {
    let home = Home::new();
    let repo = project(&home);
    let repo = repo.to_str().unwrap();
    let url = nobody();

    let output = task_run(&home, &url, repo, &["fix add"]);
    let said = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(
        said.starts_with("error: no model configured, and none to use here: "),
        "{said}"
    );
    assert!(home.json(&["task", "list", "--json"])["tasks"] == json!([]));
    assert_eq!(config(&home, "model.name"), "");
    if said.contains("no known model fits this machine") {
        // A machine too small for any known model says so; nothing to download.
        return;
    }
    let hint = said
        .lines()
        .find(|line| line.starts_with("hint: download the one that fits this machine ("))
        .unwrap_or_else(|| panic!("{said}"));
    let command = hint.rsplit("): ").next().unwrap();
    let reference = command
        .strip_prefix("agent models pull --use ")
        .unwrap_or_else(|| panic!("{hint}"));
    assert!(
        reference.ends_with(".gguf") && reference.matches('/').count() == 2,
        "{reference}"
    );
    assert!(
        said.contains(&format!("Ollama at {url}: it does not answer")),
        "{said}"
    );
    assert!(said.contains("and no GGUF is on disk"), "{said}");

    // `ask` is a model-using command too: the same stop, the same kind of command (which
    // model fits depends on the memory bandwidth measured each time, so not always the same).
    let ask = fresh(&home, &url).args(["ask", "hi"]).output().unwrap();
    assert_eq!(ask.status.code(), Some(2));
    assert!(
        stderr(&ask).contains("this machine (")
            && stderr(&ask).contains("): agent models pull --use "),
        "{}",
        stderr(&ask)
    );
    // doctor on this machine ends with that one step.
    let doctor = fresh(&home, &url).args(["doctor"]).output().unwrap();
    let report = String::from_utf8_lossy(&doctor.stdout);
    assert!(doctor.status.success(), "{report}");
    let last = report.lines().last().unwrap();
    assert!(
        last.starts_with("next: agent models pull --use "),
        "{report}"
    );
    assert!(last.contains(".gguf (downloads "), "{report}");
    assert!(report.contains("warn  ollama"), "{report}");

    // The command does it (from a local mirror of the hub): the model is saved and runs.
    let weights = home.root.path().join("tiny-coder.gguf");
    tiny_coder::write(&weights);
    let (hub, fetched) = serve_bytes(std::fs::read(&weights).unwrap());
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let pulled = fresh(&home, &url)
        .env("HF_ENDPOINT", &hub)
        .args(&args)
        .output()
        .unwrap();
    assert!(pulled.status.success(), "{}", stderr(&pulled));
    let file = reference.rsplit('/').next().unwrap();
    let stdout = String::from_utf8_lossy(&pulled.stdout);
    assert!(
        stdout.contains(&format!("using {file} in-process")),
        "{stdout}"
    );
    assert_eq!(fetched.lock().unwrap().len(), 1);
    assert_eq!(config(&home, "model.backend"), "local");
    assert_eq!(config(&home, "model.name"), file);
    let answer = fresh(&home, &url).args(["ask", "hi"]).output().unwrap();
    assert!(answer.status.success(), "{}", stderr(&answer));
    assert!(
        String::from_utf8_lossy(&answer.stdout).contains(tiny_coder::ANSWER),
        "the in-process model answered"
    );
}

#[test]
fn a_model_that_cannot_call_tools_is_refused_for_tasks_and_still_answers() {
    let home = Home::new();
    let repo = project(&home);
    let repo = repo.to_str().unwrap();
    let server = ScriptedServer::start_checked(Vec::new(), Check::Never);
    let backend = [
        "--backend",
        "openai",
        "--base-url",
        &server.base_url,
        "--model",
        "tiny",
    ];
    let mut extra = backend.to_vec();
    extra.push("fix add");

    for attempt in 0..2 {
        let output = task_run(&home, &nobody(), repo, &extra);
        let said = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{said}");
        assert!(
            said.contains("tiny cannot call tools, so it cannot run tasks"),
            "{said}"
        );
        assert!(
            said.contains("hint: chat and ask still work with it"),
            "{said}"
        );
        // Checked once: natively, then in the prompt-level format; the second attempt asks nothing.
        assert_eq!(server.checks().len(), 2, "attempt {attempt}");
    }
    assert!(home.json(&["task", "list", "--json"])["tasks"] == json!([]));
    assert!(server.requests().is_empty());

    let mut ask = vec!["ask", "hello"];
    ask.extend(backend);
    let answer = fresh(&home, &nobody()).args(&ask).output().unwrap();
    assert!(answer.status.success(), "{}", stderr(&answer));
    assert_eq!(String::from_utf8_lossy(&answer.stdout).trim(), "Done");
}

#[test]
fn a_model_that_writes_calls_as_text_is_driven_in_the_prompt_level_format() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.to_str().unwrap();
    let block = |call: serde_json::Value| text(&format!("```tool\n{call}\n```"));
    let server = ScriptedServer::start_checked(
        vec![
            block(json!({"name": "read", "arguments": {"path": "calc.py"}})),
            block(json!({"name": "edit", "arguments":
                {"path": "calc.py", "old": "return a - b", "new": "return a + b"}})),
            text("Fix add to return the sum\n\nadd subtracted its arguments."),
        ],
        Check::AsText,
    );
    let extra = [
        "--backend",
        "openai",
        "--base-url",
        &server.base_url,
        "--model",
        "tiny",
        "fix add",
    ];
    let output = task_run(&home, &nobody(), repo_arg, &extra);
    let said = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{said}");
    assert!(
        said.contains(
            "tiny: it calls tools in the prompt-level format (driven in the prompt-level format)"
        ),
        "{said}"
    );
    assert_eq!(server.checks().len(), 2);

    // The task's requests carried no native tools: the tool list was in the system prompt, and
    // the calls the model wrote as text were carried out.
    let requests = server.requests();
    assert!(
        requests[0]["tools"]
            .as_array()
            .is_none_or(|tools| tools.is_empty()),
        "{}",
        requests[0]
    );
    assert!(server.request_text(0).contains("# Tools"));
    assert!(server.request_text(1).contains("Result of read"));
    let id = only_task_id(&home);
    assert_eq!(task_json(&home, &id)["status"], "succeeded");
    let branch = task_json(&home, &id)["branch"]
        .as_str()
        .unwrap()
        .to_string();
    let fixed = crate::task::git(&repo, &["show", &format!("{branch}:calc.py")]);
    assert_eq!(fixed, crate::task::FIXED);

    // Another task with the same model sends no check.
    let again = task_run(&home, &nobody(), repo_arg, &extra);
    assert!(
        matches!(again.status.code(), Some(0 | 1)),
        "{}",
        stderr(&again)
    );
    assert_eq!(server.checks().len(), 2);
}

#[test]
fn models_use_saves_a_default_and_forgets_its_tool_check() {
    let home = Home::new();
    let (url, _) = serve_shelf(vec![ShelfModel {
        name: "small-coder:1b",
        size: 150_000_000,
        layers: 4,
        kv_heads: 1,
        context: 32_768,
    }]);
    // A check kept from before: choosing the model again forgets it.
    home.ok(&["history", "list"]);
    database(&home)
        .execute(
            "INSERT INTO model_tool_checks (backend, model, format, detail, checked_at)
             VALUES ('ollama', 'small-coder:1b', 'none', 'no call', 0)",
            [],
        )
        .unwrap();
    let used = fresh(&home, &url)
        .args(["models", "use", "small-coder:1b"])
        .output()
        .unwrap();
    assert!(used.status.success(), "{}", stderr(&used));
    assert_eq!(
        String::from_utf8_lossy(&used.stdout)
            .lines()
            .next()
            .unwrap(),
        format!(
            "using small-coder:1b from Ollama at {url} with a 8192-token context (saved in {})",
            home.path().join("config/config.toml").display()
        )
    );
    assert_eq!(config(&home, "model.backend"), "ollama");
    assert_eq!(config(&home, "model.name"), "small-coder:1b");
    let left: i64 = database(&home)
        .query_row("SELECT COUNT(*) FROM model_tool_checks", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(left, 0);

    // A model the server does not have is not found (exit 3), and nothing changes.
    let missing = fresh(&home, &url)
        .args(["models", "use", "absent:7b"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(3), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("has no model `absent:7b`"));
    assert_eq!(config(&home, "model.name"), "small-coder:1b");

    // A GGUF in the models directory runs in-process, with the context it can run.
    let models = home.path().join("data/models");
    std::fs::create_dir_all(&models).unwrap();
    tiny_coder::write(&models.join("tiny-coder.gguf"));
    let used = fresh(&home, &url)
        .args(["models", "use", "tiny-coder.gguf"])
        .output()
        .unwrap();
    assert!(used.status.success(), "{}", stderr(&used));
    assert!(
        String::from_utf8_lossy(&used.stdout).starts_with("using tiny-coder.gguf in-process ("),
        "{}",
        String::from_utf8_lossy(&used.stdout)
    );
    assert_eq!(config(&home, "model.backend"), "local");
    assert_eq!(config(&home, "model.context_length"), "4096");
    // doctor shows the context the model runs with and that its tools are not checked yet.
    let doctor = fresh(&home, &url)
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&doctor.stdout).unwrap();
    let detail = |name: &str| {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["detail"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no {name} check: {report}"))
    };
    assert_eq!(detail("context"), "4096 tokens");
    assert!(detail("tool calls").contains("checked before the first task"));
    assert!(
        report["next_step"]
            .as_str()
            .unwrap()
            .starts_with("run `agent`"),
        "{report}"
    );
}

#[test]
fn on_a_terminal_the_first_run_offers_the_download_and_y_fetches_and_uses_it() {
    let home = Home::new();
    let weights = home.root.path().join("tiny-coder.gguf");
    tiny_coder::write(&weights);
    let (hub, fetched) = serve_bytes(std::fs::read(&weights).unwrap());
    let url = nobody();
    let no_models = home.root.path().join("no-ollama-models");
    let tmux = crate::chat::Tmux::start_with(
        &home,
        &home.work_dir(),
        &[
            ("OLLAMA_HOST", &url),
            ("OLLAMA_MODELS", no_models.to_str().unwrap()),
            ("HF_ENDPOINT", &hub),
        ],
        "ask hi",
    );
    // Long lines wrap at the terminal's width: read the screen as one line.
    let screen = tmux.wait_for("[y/N]").replace('\n', "");
    if screen.contains("no known model fits") {
        return;
    }
    assert!(
        screen.contains("no model configured, and none to use here"),
        "{screen}"
    );
    assert!(screen.contains("Download qwen2.5-coder:"), "{screen}");
    assert!(
        screen.contains(&format!(
            "into {}",
            home.path().join("data/models").display()
        )),
        "{screen}"
    );
    assert!(screen.contains("run it in-process?"), "{screen}");
    tmux.keys(&["y", "Enter"]);
    let exit = tmux.wait_exit(&home);
    let screen = tmux.screen().replace('\n', "");
    assert_eq!(exit, "EXIT=0", "{screen}");
    assert_eq!(fetched.lock().unwrap().len(), 1);
    assert!(
        screen.contains("no model configured, so agent chose one: "),
        "{screen}"
    );
    assert!(screen.contains(tiny_coder::ANSWER), "{screen}");
    assert_eq!(config(&home, "model.backend"), "local");
    let name = config(&home, "model.name");
    assert!(
        name.starts_with("qwen2.5-coder-") && name.ends_with(".gguf"),
        "{name}"
    );
    assert!(home.path().join("data/models").join(&name).is_file());
}
