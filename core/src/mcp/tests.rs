//! The MCP client against a real stdio server (the tests' Python server): when and where a
//! task's or chat's servers start, and that a call waits for (and releases) a server not started.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;

use super::{Launch, McpTools, ToolCache, ToolInfo};
use crate::config::{McpApproval, McpServerConfig, McpTransport, Origin};

fn server_script() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/mcp_server.py")
        .display()
        .to_string()
}

/// The Python server as `notes`, writing the time it answers `initialize` to `started`.
fn slow_server(started: &Path, delay_seconds: &str) -> McpServerConfig {
    McpServerConfig {
        name: "notes".into(),
        transport: McpTransport::Stdio {
            command: "python3".into(),
            args: vec![
                server_script(),
                "--name".into(),
                "notes".into(),
                "--delay-init".into(),
                delay_seconds.into(),
                "--started".into(),
                started.display().to_string(),
            ],
            env: Vec::new(),
            cwd: None,
        },
        startup_timeout: Duration::from_secs(30),
        call_timeout: Duration::from_secs(30),
        enabled_tools: None,
        disabled_tools: Vec::new(),
        approval: McpApproval::Ask,
        enabled: true,
        origin: Origin::Default,
    }
}

fn echo_tool() -> ToolInfo {
    ToolInfo {
        name: "echo".into(),
        description: "Echo the text back".into(),
        schema: json!({"type": "object", "properties": {"text": {"type": "string"}}}),
    }
}

/// Waits (blocking this thread, never yielding to a runtime) until `path` holds a time.
fn wait_for_time(path: &PathBuf, within: Duration) -> Option<f64> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Some(time) = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| text.trim().parse::<f64>().ok())
        {
            return Some(time);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

#[test]
fn a_task_s_known_servers_start_once_released_on_a_thread_of_their_own_and_calls_wait_for_them() {
    let dir = tempfile::tempdir().unwrap();
    let started = dir.path().join("started");
    let config = slow_server(&started, "0.3");
    let cache = ToolCache::new(dir.path());
    cache.save(&config, &[echo_tool()]);
    let launch = Launch {
        workspace: dir.path().to_path_buf(),
        ..Launch::default()
    };
    // The task's runtime: one thread, as a task or chat has.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (tools, waited) = runtime.block_on(McpTools::connect(&[config], &launch, Some(&cache)));
    // Known from last time: not waited for, its cached tools offered at once.
    assert!(waited.is_empty(), "{waited:?}");
    assert!(
        tools.spec().description.contains("notes: echo"),
        "{}",
        tools.spec().description
    );
    // Held back until the first model request is answered: not even spawned (its process would
    // compete with the task's start for the CPU).
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !started.exists(),
        "the server started before it was released"
    );
    tools.release();

    // The task's thread is busy (here: blocked, its runtime never polled); the server starts
    // and answers `initialize` all the same.
    assert!(
        wait_for_time(&started, Duration::from_secs(20)).is_some(),
        "the server did not start while the task's thread was busy"
    );

    let (answer, failed) = runtime.block_on(tools.call(
        &json!({"tool": "notes.echo", "arguments": {"text": "from the task"}}),
        10_000,
    ));
    assert!(!failed, "{answer}");
    assert!(answer.contains("echo: from the task"), "{answer}");
    drop(tools);
}

#[test]
fn a_call_made_while_its_server_is_starting_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let started = dir.path().join("started");
    let config = slow_server(&started, "1");
    let cache = ToolCache::new(dir.path());
    cache.save(&config, &[echo_tool()]);
    let launch = Launch {
        workspace: dir.path().to_path_buf(),
        ..Launch::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Never released: the call itself starts the server (a bound, so that it fails, not hangs).
    let (answer, failed) = runtime.block_on(async {
        let (tools, _) = McpTools::connect(&[config], &launch, Some(&cache)).await;
        tokio::time::timeout(
            Duration::from_secs(30),
            tools.call(
                &json!({"tool": "notes.echo", "arguments": {"text": "worth the wait"}}),
                10_000,
            ),
        )
        .await
        .expect("the call waited for a server nothing started")
    });
    assert!(!failed, "{answer}");
    assert!(answer.contains("echo: worth the wait"), "{answer}");
    assert!(started.exists());
}
