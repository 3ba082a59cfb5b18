//! Secrets kept out of agent's files and output: an API key in the environment that a command
//! prints, and a password in the model server's URL, appear nowhere under the data directory
//! (database, WAL, logs) nor on stdout or stderr.

use std::path::Path;

use serde_json::json;

use crate::common::{Home, bytes_contain, files_under};
use crate::scripted::{ScriptedServer, call, text};
use crate::task::{events, project};

const KEY: &str = "sk-test-0123456789abcdef";
const PASSWORD: &str = "hunter2pass";

fn with_password(url: &str) -> String {
    url.replacen("http://", &format!("http://user:{PASSWORD}@"), 1)
}

fn run(home: &Home, repo: &Path, base_url: &str, json: bool) -> (Option<i32>, String, String) {
    let mut command = home.agent();
    command.env("OPENAI_API_KEY", KEY).args([
        "task",
        "run",
        "--repo",
        repo.to_str().unwrap(),
        "--backend",
        "openai",
        "--base-url",
        base_url,
        "--model",
        "tiny",
        "--approval",
        "auto",
        "--strategy",
        "single",
    ]);
    if json {
        command.arg("--json");
    }
    let output = command.arg("print the environment").output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn an_api_key_a_command_prints_and_a_url_password_are_kept_out_of_files_and_output() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(vec![call("run", json!({"command": "env"})), text("Done")]);

    // 1. The model runs `env` with the key in agent's environment.
    let (_, stdout, stderr) = run(&home, &repo, &with_password(&server.base_url), true);
    assert!(server.requests().len() >= 2, "{stdout}\n{stderr}");
    let list = home.json(&["task", "list", "--json"]);
    let id = list["tasks"][0]["id"].as_str().unwrap().to_string();
    let env_output = events(&home, &id)
        .into_iter()
        .find(|e| e["type"] == "tool_call_end" && e["name"] == "run")
        .unwrap();
    let env_text = env_output["output"].as_str().unwrap();
    assert!(env_text.contains("PATH="), "the command ran: {env_text}");
    // Either the command never saw the key (its environment is scrubbed) or it was redacted.
    assert!(
        env_text.contains("OPENAI_API_KEY=[redacted]") || !env_text.contains("OPENAI_API_KEY"),
        "{env_text}"
    );

    // 2. A server that is not there: the error names the URL, without its password.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!(
            "http://127.0.0.1:{}/v1",
            listener.local_addr().unwrap().port()
        )
    };
    let (code, stdout2, stderr2) = run(&home, &repo, &with_password(&closed), false);
    assert_ne!(code, Some(0), "{stdout2}\n{stderr2}");
    let list = home.json(&["task", "list", "--json"]);
    let failed = &list["tasks"][0];
    let error = failed["error"].as_str().unwrap_or_default();
    assert!(!error.is_empty(), "{failed}");
    assert!(error.contains("http://[redacted]@127.0.0.1:"), "{error}");
    assert!(
        stderr2.contains("http://[redacted]@127.0.0.1:"),
        "{stderr2}"
    );

    // 3. `agent ask` against it: the error report on stderr.
    let output = home
        .agent()
        .env("OPENAI_API_KEY", KEY)
        .args([
            "ask",
            "--backend",
            "openai",
            "--base-url",
            &with_password(&closed),
            "--model",
            "tiny",
            "hello",
        ])
        .output()
        .unwrap();
    let stderr3 = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr3.starts_with("error: cannot reach openai at http://[redacted]@127.0.0.1:"),
        "{stderr3}"
    );

    // Nothing anywhere: the database, its WAL, logs, and every byte printed.
    let shown = [
        stdout.clone(),
        stderr.clone(),
        stdout2,
        stderr2,
        String::from_utf8(output.stdout).unwrap(),
        stderr3,
        home.ok(&["task", "show", &id, "--json"]),
        home.ok(&["task", "logs", &id, "--json"]),
    ];
    for text in &shown {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains(PASSWORD), "{text}");
    }
    let files = files_under(&home.path());
    assert!(
        files.iter().any(|(path, _)| path.ends_with("agent.db")),
        "{:?}",
        files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for (path, bytes) in &files {
        assert!(!bytes_contain(bytes, KEY), "{path} holds the API key");
        assert!(
            !bytes_contain(bytes, PASSWORD),
            "{path} holds the URL password"
        );
    }
}

#[test]
fn a_secret_a_tool_reads_is_redacted_before_the_model_sees_it() {
    let home = Home::new();
    let repo = project(&home);
    // A committed file holds the API key (a leaked `.env`): reading it is allowed, sending it on
    // to the model is not.
    std::fs::write(repo.join("settings.env"), format!("API_KEY={KEY}\n")).unwrap();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(&repo)
            .status()
            .unwrap();
        assert!(status.success());
    };
    git(&["add", "settings.env"]);
    git(&["commit", "-q", "-m", "settings"]);
    let server = ScriptedServer::start(vec![
        call("read", json!({"path": "settings.env"})),
        text("Done"),
    ]);
    let (_, stdout, stderr) = run(&home, &repo, &server.base_url, true);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{stdout}\n{stderr}");
    let second = requests[1].to_string();
    assert!(second.contains("API_KEY=[redacted]"), "{second}");
    for request in &requests {
        assert!(!request.to_string().contains(KEY), "{request}");
    }
    assert!(!stdout.contains(KEY), "{stdout}");
}
