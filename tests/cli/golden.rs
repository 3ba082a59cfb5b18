//! The golden event stream: `agent task run --json` of a scripted one-pass fix, pinned line by
//! line (ids, times, hashes and paths replaced by placeholders). A change to the protocol shows
//! up here as a reviewed snapshot diff; `docs/protocol.md` says which changes keep `v: 1`.

use serde_json::Value;

use crate::common::Home;
use crate::scripted::ScriptedServer;
use crate::task::{fixing_script, project, run_args};

#[test]
fn task_run_json_is_the_pinned_event_stream() {
    let home = Home::new();
    let repo = project(&home);
    let server = ScriptedServer::start(fixing_script());
    let repo_arg = repo.display().to_string();
    let mut args = run_args(&repo_arg, &server);
    args.extend(["--json", "fix add"]);
    let stdout = home.ok(&args);

    let first: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    let task_id = first["task_id"].as_str().unwrap().to_string();
    let home_dir = home.path().display().to_string();
    let canonical_home = home
        .path()
        .canonicalize()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| home_dir.clone());
    let canonical_repo = repo
        .canonicalize()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| repo_arg.clone());
    let normalize = |text: &str| {
        let text = text
            .replace(&canonical_repo, "<repo>")
            .replace(&repo_arg, "<repo>")
            .replace(&canonical_home, "<home>")
            .replace(&home_dir, "<home>")
            .replace(&task_id, "<task>")
            .replace(&task_id[..8], "<task8>");
        without_commit_ids(&text)
    };
    // Streamed text is coalesced by time (every 50 ms), so how many `model_delta` events a reply
    // takes depends on the machine's speed: consecutive deltas of one reply are joined here and
    // `seq` renumbered, which leaves everything the protocol promises in place.
    let mut events: Vec<Value> = Vec::new();
    for line in stdout.lines() {
        let event: Value = serde_json::from_str(line).unwrap();
        if let Some(previous) = events.last_mut()
            && event["type"] == "model_delta"
            && previous["type"] == "model_delta"
            && previous["id"] == event["id"]
        {
            let joined = format!(
                "{}{}",
                previous["text"].as_str().unwrap(),
                event["text"].as_str().unwrap()
            );
            previous["text"] = Value::from(joined);
            continue;
        }
        events.push(event);
    }
    let golden: Vec<String> = events
        .into_iter()
        .enumerate()
        .map(|(index, mut event)| {
            event["seq"] = Value::from(index + 1);
            event["at"] = Value::from(0);
            for timing in ["duration_ms", "decode_tokens_per_second"] {
                if event.get(timing).is_some() {
                    event[timing] = Value::from(0);
                }
            }
            normalize(&event.to_string())
        })
        .collect();
    insta::assert_snapshot!(golden.join("\n"));
}

/// `text` with every 40-hex-digit run (a commit id) replaced by `<sha>`.
fn without_commit_ids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_hexdigit() && !c.is_ascii_uppercase() {
            run.push(c);
            continue;
        }
        out.push_str(if run.len() == 40 { "<sha>" } else { &run });
        run.clear();
        out.push(c);
    }
    out.pop();
    out
}
