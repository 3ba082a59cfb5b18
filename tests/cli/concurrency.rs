//! Several processes at once, and a process killed mid-import: the database stays sound.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::Home;

/// Writes `conversations` conversations of `messages` messages each, ids prefixed by `prefix`.
fn write_jsonl(path: &Path, prefix: &str, conversations: usize, messages: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for c in 0..conversations {
        let msgs: Vec<String> = (0..messages)
            .map(|m| {
                format!(
                    r#"{{"role":"{}","content":"message {m} of {prefix}-{c}: the quick brown fox jumps over the lazy dog, then refactors the parser and runs the tests again"}}"#,
                    if m % 2 == 0 { "user" } else { "assistant" }
                )
            })
            .collect();
        writeln!(
            file,
            r#"{{"id":"{prefix}-{c}","title":"conversation {c}","created_at":"2026-01-01T00:00:00.000Z","messages":[{}]}}"#,
            msgs.join(",")
        )
        .unwrap();
    }
    file.flush().unwrap();
}

#[test]
fn two_processes_importing_at_once_both_succeed() {
    let home = Home::new();
    let a = home.root.path().join("a.jsonl");
    let b = home.root.path().join("b.jsonl");
    write_jsonl(&a, "a", 400, 6);
    write_jsonl(&b, "b", 400, 6);
    let spawn = |file: &Path| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin!("agent"))
            .env("AGENT_HOME", home.path())
            // The test is about correctness under a concurrent writer, not the default 5 s
            // wait: on a loaded 2-core CI machine one import can hold the lock longer.
            .env("AGENT_STORE_BUSY_TIMEOUT_MS", "60000")
            .args(["history", "import", file.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    // Both start on a database that does not exist yet, so they also race to create and migrate it.
    let first = spawn(&a);
    let second = spawn(&b);
    for child in [first, second] {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(home.counts(), (800, 4800));
}

#[test]
fn a_process_killed_mid_import_leaves_all_or_nothing() {
    let home = Home::new();
    let file = home.root.path().join("big.jsonl");
    let (conversations, messages) = (6000, 10);
    write_jsonl(&file, "big", conversations, messages);
    home.ok(&["history", "list"]); // create the database; the WAL is checkpointed away on exit
    let wal = home.path().join("data/agent.db-wal");

    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("agent"))
        .env("AGENT_HOME", home.path())
        .args(["history", "import", file.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import transaction is spilling pages into the WAL, then kill -9.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut killed_while_running = false;
    while Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if size > 512 * 1024 {
            child.kill().unwrap(); // SIGKILL on Unix
            killed_while_running = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = child.wait().unwrap();
    assert!(
        killed_while_running,
        "the import finished before it could be killed ({status})"
    );

    home.assert_database_sound();
    let counts = home.counts();
    let all = (conversations as i64, (conversations * messages) as i64);
    assert!(
        counts == (0, 0) || counts == all,
        "partial import: {counts:?}"
    );

    // The next run recovers and the same import then completes.
    home.ok(&["history", "import", file.to_str().unwrap()]);
    assert_eq!(home.counts(), all);
    let output = home.agent().args(["doctor", "--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for name in ["database", "schema"] {
        let check = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap();
        assert_eq!(check["ok"], true, "{report}");
    }
}
