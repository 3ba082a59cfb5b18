//! The one-time tool-calling check through the real binary: a check that times out is sent once
//! per process (the binary's early check and the session's do not both wait), is kept, and the
//! next task within a day sends none; `agent models use` forgets it.

use std::time::{Duration, Instant};

use crate::common::Home;
use crate::scripted::{Check, ScriptedServer};
use crate::task::{fixing_script, project, run_args};

#[test]
fn a_check_that_times_out_is_waited_for_once_and_kept() {
    let home = Home::new();
    let repo = project(&home);
    let server =
        ScriptedServer::start_checked(fixing_script(), Check::Stall(Duration::from_secs(30)));
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.push("fix the add function");

    let started = Instant::now();
    let output = home
        .agent()
        .env("AGENT_MODEL_TOOL_CHECK_TIMEOUT", "2")
        .args(&args)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    // One check, one wait: the session did not check again after the binary's early check.
    assert_eq!(server.checks().len(), 1, "{stderr}");
    assert_eq!(
        stderr.matches("did not finish within 2 s").count(),
        1,
        "{stderr}"
    );
    assert!(elapsed < Duration::from_secs(25), "{elapsed:?}");
    // The task ran with the model as its backend drives it (natively).
    assert_eq!(server.requests().len(), 3);

    // The next process does not wait for it again.
    let output = home
        .agent()
        .env("AGENT_MODEL_TOOL_CHECK_TIMEOUT", "2")
        .args(&args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(server.checks().len(), 1, "{stderr}");
    assert!(!stderr.contains("checking how"), "{stderr}");

    // Choosing the model again forgets the timeout: the next task checks it.
    home.ok(&["config", "set", "openai.base_url", &server.base_url]);
    home.ok(&["models", "use", "tiny", "--backend", "openai"]);
    home.agent()
        .env("AGENT_MODEL_TOOL_CHECK_TIMEOUT", "2")
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(server.checks().len(), 2);
}
