//! Tests of reading other agents' files: see the fixtures in `tests/fixtures/imports/`.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use agent_models::Role;

use super::lines::{Line, for_each_line};
use super::tree::{self, RawNode};
use super::*;

fn fixture(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/imports")
        .join(relative)
}

fn claude(text: &str) -> FileRead {
    claude::read(Cursor::new(text.to_string()), Path::new("s.jsonl")).unwrap()
}

fn codex(text: &str) -> FileRead {
    codex::read(Cursor::new(text.to_string()), Path::new("rollout.jsonl")).unwrap()
}

/// Aider's file read with local times `hours` ahead of UTC.
fn aider(text: &str, hours: i8) -> FileRead {
    let options = ReadOptions {
        time_zone: jiff::tz::TimeZone::fixed(jiff::tz::offset(hours)),
    };
    aider::read(
        Cursor::new(text.to_string()),
        Path::new("h.md"),
        &options,
        7,
    )
    .unwrap()
}

fn contents(session: &ImportSession) -> Vec<&str> {
    session
        .nodes
        .iter()
        .map(|n| n.message.content.as_str())
        .collect()
}

/// A Claude record: `uuid`, its parent, its role and text, at second `second` of the day.
fn record(uuid: &str, parent: Option<&str>, role: &str, text: &str, second: u32) -> String {
    serde_json::json!({
        "parentUuid": parent, "isSidechain": false, "type": role, "uuid": uuid,
        "sessionId": "s", "cwd": "/nowhere/on/this/machine",
        "timestamp": format!("2025-05-02T10:00:{second:02}.000Z"),
        "message": {"role": role, "content": text},
    })
    .to_string()
}

fn lines(records: &[String]) -> String {
    records.join("\n") + "\n"
}

#[test]
fn the_main_line_ends_at_the_newest_leaf_and_side_branches_follow_it() {
    // a → b → c (older leaf), a → d → e (newest leaf): the main line is a, d, e.
    let read = claude(&lines(&[
        record("a", None, "user", "first", 0),
        record("b", Some("a"), "assistant", "old answer", 1),
        record("c", Some("b"), "user", "old follow-up", 2),
        record("d", Some("a"), "assistant", "new answer", 3),
        record("e", Some("d"), "user", "new follow-up", 4),
    ]));
    assert!(read.bad.is_empty(), "{:?}", read.bad);
    let session = &read.sessions[0];
    assert_eq!(
        contents(session),
        [
            "first",
            "new answer",
            "new follow-up",
            "old answer",
            "old follow-up"
        ]
    );
    let parents: Vec<Option<usize>> = session.nodes.iter().map(|n| n.parent).collect();
    assert_eq!(parents, [None, Some(0), Some(1), Some(0), Some(3)]);
    assert_eq!(session.nodes[3].line, 2, "each node keeps its line");
    assert_eq!(session.nodes[3].record.as_deref(), Some("b"));
    // A directory that does not exist here is kept as recorded.
    assert_eq!(session.repo.as_deref(), Some("/nowhere/on/this/machine"));
}

#[test]
fn hashes_are_stable_and_chain_through_the_parent() {
    let base = [
        record("a", None, "user", "first", 0),
        record("b", Some("a"), "assistant", "answer", 1),
    ];
    let once = claude(&lines(&base));
    let twice = claude(&lines(&base));
    let hashes = |read: &FileRead| -> Vec<String> {
        read.sessions[0]
            .nodes
            .iter()
            .map(|n| n.hash.clone())
            .collect()
    };
    assert_eq!(hashes(&once), hashes(&twice));
    assert_eq!(once.sessions[0].nodes[0].message_id().len(), 16);

    // The same child under a changed parent is another message.
    let edited = claude(&lines(&[
        record("a", None, "user", "first, edited", 0),
        base[1].clone(),
    ]));
    assert_ne!(hashes(&edited)[0], hashes(&once)[0]);
    assert_ne!(hashes(&edited)[1], hashes(&once)[1]);

    // A grown file keeps the hashes of what was there.
    let grown = claude(&lines(&[
        base[0].clone(),
        base[1].clone(),
        record("c", Some("b"), "user", "more", 2),
    ]));
    assert_eq!(hashes(&grown)[..2], hashes(&once)[..]);
}

#[test]
fn records_that_are_no_message_still_link_the_tree() {
    let system = serde_json::json!({
        "type": "system", "subtype": "compact_boundary", "uuid": "s1", "parentUuid": null,
        "logicalParentUuid": "b", "timestamp": "2025-05-02T10:00:02.000Z",
    })
    .to_string();
    let thinking = serde_json::json!({
        "type": "assistant", "uuid": "t", "parentUuid": "s1", "sessionId": "s",
        "timestamp": "2025-05-02T10:00:03.000Z",
        "message": {"role": "assistant", "content": [{"type": "thinking", "thinking": "hmm"}]},
    })
    .to_string();
    let read = claude(&lines(&[
        record("a", None, "user", "first", 0),
        record("b", Some("a"), "assistant", "answer", 1),
        system,
        thinking,
        record("c", Some("t"), "user", "after the compaction", 4),
    ]));
    let session = &read.sessions[0];
    assert_eq!(
        contents(session),
        ["first", "answer", "after the compaction"]
    );
    assert_eq!(session.nodes[2].parent, Some(1));
}

#[test]
fn claude_tool_use_and_results_become_summaries() {
    let call = serde_json::json!({
        "type": "assistant", "uuid": "b", "parentUuid": "a", "sessionId": "s",
        "timestamp": "2025-05-02T10:00:01.000Z",
        "message": {"role": "assistant", "model": "claude-x", "content": [
            {"type": "thinking", "thinking": "secret plan"},
            {"type": "text", "text": "Let me look."},
            {"type": "tool_use", "id": "toolu_9", "name": "Bash",
             "input": {"command": "ls -la\nrm -rf /", "description": "list"}},
        ]},
    })
    .to_string();
    let result = serde_json::json!({
        "type": "user", "uuid": "c", "parentUuid": "b", "sessionId": "s",
        "timestamp": "2025-05-02T10:00:02.000Z",
        "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_9", "is_error": true,
             "content": [{"type": "text", "text": "ls: cannot access\nsecond line"}]},
        ]},
    })
    .to_string();
    let read = claude(&lines(&[record("a", None, "user", "go", 0), call, result]));
    let nodes = &read.sessions[0].nodes;
    assert_eq!(
        nodes[1].message.content,
        "Let me look.\n→ Bash: ls -la rm -rf /"
    );
    assert_eq!(nodes[1].message.model.as_deref(), Some("claude-x"));
    let calls: serde_json::Value =
        serde_json::from_str(nodes[1].message.tool_calls.as_deref().unwrap()).unwrap();
    assert_eq!(calls[0]["id"], "toolu_9");
    assert_eq!(calls[0]["arguments"]["summary"], "ls -la rm -rf /");
    assert_eq!(nodes[2].message.role, Role::Tool);
    assert_eq!(nodes[2].message.tool_call_id.as_deref(), Some("toolu_9"));
    assert_eq!(
        nodes[2].message.content,
        "← error · 2 lines: ls: cannot access"
    );
    assert!(!format!("{nodes:?}").contains("secret plan"));
}

#[test]
fn codex_fixture_reads_without_bad_records() {
    let path = fixture(
        "codex/2025/05/01/rollout-2025-05-01T10-00-00-0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.jsonl",
    );
    let read = read_file(Tool::Codex, &path, &ReadOptions::default()).unwrap();
    assert!(read.bad.is_empty(), "{:?}", read.bad);
    assert_eq!(read.records, 14);
    let session = &read.sessions[0];
    assert_eq!(session.session, "0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    assert_eq!(session.nodes.len(), 6);
    // A linear file: each message's parent is the one before it.
    for (i, node) in session.nodes.iter().enumerate() {
        assert_eq!(node.parent, i.checked_sub(1));
    }
}

#[test]
fn codex_leaves_out_context_reasoning_and_unknown_types_and_reports_bad_lines() {
    let read = codex(concat!(
        r#"{"timestamp":"2025-05-01T10:00:00Z","type":"session_meta","payload":{"id":"sid","cwd":"/x"}}"#,
        "\n",
        r#"{"timestamp":"2025-05-01T10:00:01Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"<user_instructions>be nice</user_instructions>"}]}}"#,
        "\n",
        r#"{"timestamp":"2025-05-01T10:00:02Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"hello"},{"type":"input_image","image_url":"data:"}]}}"#,
        "\n",
        r#"{"timestamp":"2025-05-01T10:00:03Z","type":"some_future_type","payload":{"x":1}}"#,
        "\n",
        r#"{"timestamp":"2025-05-01T10:00:04Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{}"}}"#,
        "\n",
        "[1, 2]\n",
        "\n",
        r#"{"timestamp":"2025-05-01T10:00:05Z","type":"response_item","payload":{"type":"local_shell_call","call_id":"c9","action":{"type":"exec","command":["git","commit","-m","a message"]}}}"#,
        "\n",
    ));
    let bad: Vec<String> = read.bad.iter().map(ToString::to_string).collect();
    assert_eq!(
        bad,
        [
            "rollout.jsonl:5: a `function_call` item without a string `call_id`",
            "rollout.jsonl:6: not a JSON object",
        ]
    );
    let session = &read.sessions[0];
    assert_eq!(
        contents(session),
        ["hello\n[image]", "→ shell: git commit -m 'a message'"]
    );
    assert_eq!(session.repo.as_deref(), Some("/x"));
}

#[test]
fn aider_reads_sessions_in_the_local_zone_and_keeps_fenced_marks_in_the_reply() {
    let text = std::fs::read_to_string(fixture("aider/.aider.chat.history.md")).unwrap();
    let read = aider(&text, 2);
    assert!(read.bad.is_empty(), "{:?}", read.bad);
    assert_eq!(read.sessions.len(), 2);
    // 14:00 at UTC+2 is 12:00 UTC.
    let first = &read.sessions[0];
    assert_eq!(first.session, "2025-05-03 14:00:00");
    assert_eq!(
        first.nodes[0].message.created_at,
        jiff::Timestamp::from_second(1_746_273_600)
            .unwrap()
            .as_millisecond()
    );
    let second = &read.sessions[1];
    let roles: Vec<Role> = second.nodes.iter().map(|n| n.message.role).collect();
    assert_eq!(roles, [Role::System, Role::User, Role::Assistant]);
    assert!(
        second.nodes[2]
            .message
            .content
            .ends_with("```\n#### like this\n> and this is a note\n```")
    );

    // Without a start line the file's time is used; a long note is cut.
    let notes: String = (0..12).map(|i| format!("> note {i}\n")).collect();
    let read = aider(&format!("#### hi\n\n{notes}"), 0);
    let session = &read.sessions[0];
    assert_eq!(session.nodes[0].message.created_at, 7);
    assert!(
        session.nodes[1]
            .message
            .content
            .ends_with("note 7\n… (4 more lines)")
    );
}

#[test]
fn lines_are_numbered_and_bad_bytes_reported() {
    let input: &[u8] = b"one\r\n\xff\xfe\nthree";
    let mut seen = Vec::new();
    for_each_line(input, |number, line| {
        seen.push(match line {
            Line::Text(text) => format!("{number}:{text}"),
            Line::Bad(why) => format!("{number}!{why}"),
        })
    })
    .unwrap();
    assert_eq!(seen, ["1:one", "2!not valid UTF-8", "3:three"]);
}

#[test]
fn duplicate_ids_keep_the_first_record() {
    let digest = tree::digest(b"x");
    let message = |text: &str| ImportedMessage {
        role: Role::User,
        content: text.into(),
        model: None,
        tool_call_id: None,
        tool_calls: None,
        created_at: 0,
    };
    let raw = vec![
        RawNode {
            id: "a".into(),
            parent: None,
            line: 1,
            record: None,
            digest,
            message: Some(message("first")),
        },
        RawNode {
            id: "a".into(),
            parent: None,
            line: 2,
            record: None,
            digest,
            message: Some(message("again")),
        },
    ];
    let mut bad = Vec::new();
    let nodes = tree::build(Tool::Claude, "", Path::new("f"), raw, &mut bad);
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0].message.content, "first");
    assert!(bad.is_empty());
}

#[test]
fn tool_names_parse_and_unknown_ones_say_which_exist() {
    assert_eq!("codex".parse::<Tool>(), Ok(Tool::Codex));
    assert_eq!(
        "cursor".parse::<Tool>(),
        Err("unknown tool `cursor` (codex, claude or aider)".to_string())
    );
}

#[test]
fn codex_parallel_calls_are_each_followed_by_their_results() {
    let line = |second: u32, payload: serde_json::Value| {
        serde_json::json!({
            "timestamp": format!("2025-05-01T10:00:{second:02}Z"),
            "type": "response_item",
            "payload": payload,
        })
        .to_string()
    };
    let text = [
        r#"{"timestamp":"2025-05-01T10:00:00Z","type":"session_meta","payload":{"id":"par","cwd":"/x"}}"#.to_string(),
        line(1, serde_json::json!({"type": "message", "role": "user",
            "content": [{"type": "input_text", "text": "look around"}]})),
        line(2, serde_json::json!({"type": "function_call", "name": "shell",
            "call_id": "call_a", "arguments": "{\"command\":[\"ls\"]}"})),
        line(2, serde_json::json!({"type": "function_call", "name": "shell",
            "call_id": "call_b", "arguments": "{\"command\":[\"pwd\"]}"})),
        // The second call finished first.
        line(3, serde_json::json!({"type": "function_call_output", "call_id": "call_b",
            "output": "/x"})),
        line(4, serde_json::json!({"type": "function_call_output", "call_id": "call_a",
            "output": "README.md"})),
        line(5, serde_json::json!({"type": "message", "role": "assistant",
            "content": [{"type": "output_text", "text": "done"}]})),
    ]
    .join("\n");
    let read = codex(&text);
    assert!(read.bad.is_empty(), "{:?}", read.bad);
    let nodes = &read.sessions[0].nodes;
    let order: Vec<(Role, Option<&str>, Option<&str>)> = nodes
        .iter()
        .map(|n| {
            (
                n.message.role,
                n.message.tool_call_id.as_deref(),
                n.record.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (Role::User, None, None),
            (Role::Assistant, None, Some("call_a")),
            (Role::Tool, Some("call_a"), Some("call_a")),
            (Role::Assistant, None, Some("call_b")),
            (Role::Tool, Some("call_b"), Some("call_b")),
            (Role::Assistant, None, None),
        ]
    );
    assert!(nodes[2].message.content.contains("README.md"), "{nodes:?}");
    // Still one line: each message's parent is the one before it.
    for (i, node) in nodes.iter().enumerate() {
        assert_eq!(node.parent, i.checked_sub(1));
    }
}

#[test]
fn claude_parallel_calls_are_each_followed_by_their_results() {
    // Claude Code writes each block of a turn as a record of its own (sharing the API message
    // id); parallel calls' results follow as user records, in the order they finished, or
    // together in one record.
    let path = fixture("claude-parallel/7d3e5f10-2a4b-4c6d-8e9f-0a1b2c3d4e5f.jsonl");
    let read = read_file(Tool::Claude, &path, &ReadOptions::default()).unwrap();
    assert!(read.bad.is_empty(), "{:?}", read.bad);
    assert_eq!(read.sessions.len(), 1);
    let nodes = &read.sessions[0].nodes;
    let uuid = |n: u32| format!("c2000000-0000-4000-8000-{n:012}");
    let order: Vec<(Role, Option<&str>, Option<&str>, String)> = nodes
        .iter()
        .map(|n| {
            (
                n.message.role,
                n.message.tool_call_id.as_deref(),
                n.message.tool_calls.as_deref().map(|calls| {
                    if calls.contains("toolu_C") {
                        "C+D"
                    } else {
                        "call"
                    }
                }),
                n.record.clone().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (Role::User, None, None, uuid(1)),
            (Role::Assistant, None, None, uuid(3)),
            (Role::Assistant, None, Some("call"), uuid(4)),
            (Role::Tool, Some("toolu_A"), None, uuid(7)),
            (Role::Assistant, None, Some("call"), uuid(5)),
            (Role::Tool, Some("toolu_B"), None, uuid(6)),
            (Role::Assistant, None, Some("C+D"), uuid(8)),
            (Role::Tool, Some("toolu_D"), None, uuid(9)),
            (Role::Tool, Some("toolu_C"), None, uuid(9)),
            (Role::Assistant, None, None, uuid(10)),
        ]
    );
    assert!(
        nodes[2]
            .message
            .tool_calls
            .as_deref()
            .unwrap()
            .contains("toolu_A")
    );
    assert!(nodes[3].message.content.contains("wallaby"), "{nodes:?}");
    assert!(nodes[5].message.content.contains("quokka"), "{nodes:?}");
    // Still one conversation, one line: each message's parent is the one before it.
    for (i, node) in nodes.iter().enumerate() {
        assert_eq!(node.parent, i.checked_sub(1), "{i}");
    }
    // Read again, the same messages (a second import adds nothing).
    let again = read_file(Tool::Claude, &path, &ReadOptions::default()).unwrap();
    assert_eq!(again.sessions[0].nodes, *nodes);
}
