//! `agent history import --from codex|claude|aider`: other agents' histories from the fixtures in
//! `tests/fixtures/imports/` (written from each tool's documented format), through the binary.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Home, git_init};

const CODEX_SESSION: &str = "0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
const CLAUDE_SESSION: &str = "5b1c0a2e-9d8f-4e3a-b6c7-1d2e3f4a5b6c";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/imports")
}

fn codex_file() -> PathBuf {
    fixtures().join(format!(
        "codex/2025/05/01/rollout-2025-05-01T10-00-00-{CODEX_SESSION}.jsonl"
    ))
}

fn claude_file() -> PathBuf {
    fixtures().join(format!(
        "claude/-home-user-projects-parser/{CLAUDE_SESSION}.jsonl"
    ))
}

fn aider_file() -> PathBuf {
    fixtures().join("aider/.aider.chat.history.md")
}

/// `agent` in `home` with UTC as the local zone and a HOME of its own (never the real one).
fn agent(home: &Home) -> assert_cmd::Command {
    let user_home = home.root.path().join("user-home");
    std::fs::create_dir_all(&user_home).unwrap();
    let mut command = home.agent();
    command
        .env("TZ", "UTC")
        .env("HOME", user_home)
        .env_remove("CODEX_HOME")
        .env_remove("CLAUDE_CONFIG_DIR");
    command
}

fn ok_in(home: &Home, dir: &Path, args: &[&str]) -> String {
    let output = agent(home).current_dir(dir).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "agent {args:?} failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn ok(home: &Home, args: &[&str]) -> String {
    ok_in(home, &home.work_dir(), args)
}

fn json(home: &Home, args: &[&str]) -> Value {
    let stdout = ok(home, args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn fails(home: &Home, args: &[&str], code: i32) -> String {
    let output = agent(home).args(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(code), "agent {args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

fn import(home: &Home, from: &str, path: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "history",
        "import",
        "--from",
        from,
        path.to_str().unwrap(),
        "--json",
    ];
    args.extend_from_slice(extra);
    json(home, &args)
}

/// The conversations listed, newest first.
fn listed(home: &Home) -> Vec<Value> {
    json(home, &["history", "list", "--json", "--limit", "100"])["conversations"]
        .as_array()
        .unwrap()
        .clone()
}

fn shown(home: &Home, id: &str) -> Value {
    json(home, &["history", "show", id, "--json"])
}

fn roles(conversation: &Value) -> Vec<String> {
    conversation["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap().to_string())
        .collect()
}

fn contents(conversation: &Value) -> Vec<String> {
    conversation["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_string())
        .collect()
}

/// The id of the one listed conversation whose origin session is `session`.
fn id_of_session(home: &Home, session: &str) -> String {
    let matching: Vec<String> = listed(home)
        .iter()
        .filter(|c| c["origin"]["session"] == session && c["origin"]["branch_of"].is_null())
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(matching.len(), 1, "{matching:?}");
    matching[0].clone()
}

/// The first `lines` lines of `from`, written to `to`.
fn write_head(from: &Path, to: &Path, lines: usize) {
    let text = std::fs::read_to_string(from).unwrap();
    let head: String = text.lines().take(lines).map(|l| format!("{l}\n")).collect();
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::write(to, head).unwrap();
}

#[test]
fn codex_sessions_keep_messages_roles_tool_summaries_repo_and_times() {
    let home = Home::new();
    let report = import(&home, "codex", &fixtures().join("codex"), &[]);
    assert_eq!(report["files"], 2, "{report}");
    assert_eq!(report["conversations_added"], 2);
    assert_eq!(report["messages_added"], 10);
    assert_eq!(report["skipped"], 0);

    let id = id_of_session(&home, CODEX_SESSION);
    let conversation = shown(&home, &id);
    // Codex's own context (developer prompt, <environment_context>), reasoning, events and token
    // counts are left out; tool calls and their output are one-line summaries.
    assert_eq!(
        roles(&conversation),
        [
            "user",
            "assistant",
            "tool",
            "assistant",
            "tool",
            "assistant"
        ]
    );
    assert_eq!(
        contents(&conversation)[..5],
        [
            "Why does the tokenizer drop the last quokka token?",
            "→ shell: cargo test -p tokenizer",
            "← exit 101 · 2 lines: running 4 tests",
            "→ apply_patch: update src/tokenizer.rs",
            "← exit 0 · 2 lines: Success. Updated the following files:",
        ]
    );
    let messages = conversation["messages"].as_array().unwrap();
    let calls: Value = messages[1]["tool_calls"].clone();
    assert_eq!(calls[0]["id"], "call_A1");
    assert_eq!(calls[0]["name"], "shell");
    assert_eq!(messages[2]["tool_call_id"], "call_A1");
    assert_eq!(messages[5]["model"], "gpt-5-codex");
    assert!(messages[0]["model"].is_null());
    // Times are the records' own; the repository is the session's cwd.
    assert_eq!(messages[0]["created_at"], "2025-05-01T10:00:05.000Z");
    assert_eq!(messages[5]["created_at"], "2025-05-01T10:00:30.000Z");
    assert_eq!(conversation["created_at"], "2025-05-01T10:00:05.000Z");
    assert_eq!(conversation["updated_at"], "2025-05-01T10:00:30.000Z");
    assert_eq!(conversation["repo"], "/home/user/projects/parser");
    assert_eq!(
        conversation["title"],
        "Why does the tokenizer drop the last quokka token?"
    );
    // Provenance: which tool, which file, which session.
    assert_eq!(conversation["origin"]["tool"], "codex");
    assert_eq!(conversation["origin"]["session"], CODEX_SESSION);
    assert_eq!(
        conversation["origin"]["path"],
        codex_file().display().to_string()
    );
    let text = ok(&home, &["history", "show", &id]);
    assert!(text.contains("imported from codex"), "{text}");
    assert!(!text.contains("environment_context"), "{text}");
    assert!(
        !text.contains("Running the tests first"),
        "reasoning: {text}"
    );
    // Tool calls read as their summaries, the call ids in the headings; no JSON repeated.
    assert!(
        text.contains("calls call_A1 ──\n→ shell: cargo test -p tokenizer\n"),
        "{text}"
    );
    assert!(text.contains("answers call_A1 ──\n← exit 101"), "{text}");
    assert!(!text.contains("tool calls:"), "{text}");

    // …and which record: the line of each message in its file.
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let lines: Vec<(i64, Option<String>)> = conn
        .prepare(
            "SELECT o.line, o.record FROM message_origins o JOIN messages m ON m.id = o.message_id
              WHERE m.conversation_id = ?1 ORDER BY m.seq",
        )
        .unwrap()
        .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        lines,
        [
            (5, None),
            (8, Some("call_A1".to_string())),
            (9, Some("call_A1".to_string())),
            (10, Some("call_A2".to_string())),
            (11, Some("call_A2".to_string())),
            (13, None),
        ]
    );

    // The older format (a bare session object, bare items, state lines) reads too.
    let legacy = id_of_session(&home, "5973b6c0-94b8-487b-a530-2aeb6098ae0e");
    let legacy = shown(&home, &legacy);
    assert_eq!(roles(&legacy), ["user", "assistant", "tool", "assistant"]);
    assert_eq!(contents(&legacy)[1], "→ shell: rg -n 'fn main'");
    assert_eq!(
        legacy["messages"][0]["created_at"],
        "2025-05-02T09:30:00.000Z"
    );
}

#[test]
fn claude_takes_the_main_line_to_the_newest_leaf_and_keeps_the_side_branch_apart() {
    let home = Home::new();
    let report = import(&home, "claude", &fixtures().join("claude"), &[]);
    assert_eq!(report["conversations_added"], 2, "{report}");
    assert_eq!(report["messages_added"], 13);

    let conversations = listed(&home);
    let main = conversations
        .iter()
        .find(|c| c["origin"]["branch_of"].is_null())
        .unwrap();
    let branch = conversations
        .iter()
        .find(|c| !c["origin"]["branch_of"].is_null())
        .unwrap();
    assert_eq!(branch["origin"]["branch_of"], main["id"]);
    assert_eq!(
        main["title"], "Fix tokenizer off-by-one",
        "the session's summary"
    );
    assert_eq!(branch["title"], "Fix tokenizer off-by-one (branch)");

    let main = shown(&home, main["id"].as_str().unwrap());
    assert_eq!(
        roles(&main),
        [
            "user",
            "assistant",
            "assistant",
            "tool",
            "assistant",
            "user",
            "assistant",
            "tool",
            "assistant",
            "tool",
            "assistant"
        ]
    );
    let texts = contents(&main);
    assert_eq!(
        texts[0],
        "The tokenizer drops the last wombat token; find out why."
    );
    assert_eq!(
        texts[2],
        "→ Read: /home/user/projects/parser/src/tokenizer.rs"
    );
    assert_eq!(texts[5], "Yes, fix it and run the tests.");
    assert_eq!(texts[8], "→ Bash: cargo test");
    assert_eq!(texts[9], "← 2 lines: running 4 tests");
    assert_eq!(
        texts[10],
        "Fixed: the loop now covers the last byte, and all 4 tests pass."
    );
    let all = texts.join("\n");
    // Left out: meta records, thinking, the side branch, the sub-agent's sidechain.
    for absent in ["Caveat", "numbat", "echidna", "dingo"] {
        assert!(!all.contains(absent), "{absent} in {all}");
    }
    let messages = main["messages"].as_array().unwrap();
    assert_eq!(messages[3]["tool_call_id"], "toolu_01");
    assert_eq!(messages[2]["tool_calls"][0]["id"], "toolu_01");
    assert_eq!(messages[1]["model"], "claude-sonnet-4-5-20250929");
    assert_eq!(messages[0]["created_at"], "2025-05-02T10:00:01.000Z");
    // The system record between the last result and the answer only links them.
    assert_eq!(messages[10]["parent_id"], messages[9]["id"]);
    assert_eq!(main["repo"], "/home/user/projects/parser");

    let branch = shown(&home, branch["id"].as_str().unwrap());
    assert_eq!(
        contents(&branch),
        [
            "No, just explain the echidna case.",
            "With `i + 1 < len`, the final index is never visited."
        ]
    );
    let text = ok(&home, &["history", "show", branch["id"].as_str().unwrap()]);
    assert!(text.contains("a branch of"), "{text}");
}

#[test]
fn aider_sessions_come_from_the_repository_by_default() {
    let home = Home::new();
    let repo = home.root.path().join("repo");
    std::fs::create_dir_all(repo.join("src")).unwrap();
    git_init(&repo);
    std::fs::copy(aider_file(), repo.join(".aider.chat.history.md")).unwrap();

    // From a subdirectory, without PATH: the repository root's history.
    let stdout = ok_in(
        &home,
        &repo.join("src"),
        &["history", "import", "--from", "aider"],
    );
    assert!(
        stdout.starts_with("imported from Aider (1 file(s)): 2 new conversation(s)"),
        "{stdout}"
    );

    let conversations = listed(&home);
    assert_eq!(conversations.len(), 2);
    let canonical = repo.canonicalize().unwrap().display().to_string();
    for conversation in &conversations {
        assert_eq!(conversation["repo"], canonical.as_str());
        assert_eq!(conversation["origin"]["tool"], "aider");
    }
    let first = conversations
        .iter()
        .find(|c| c["origin"]["session"] == "2025-05-03 14:00:00")
        .unwrap();
    // Aider gives no title: the first line typed that is no command is the title.
    assert_eq!(
        first["title"],
        "The tokenizer drops the platypus token at the end."
    );
    let first = shown(&home, first["id"].as_str().unwrap());
    assert_eq!(
        roles(&first),
        ["system", "user", "system", "user", "assistant", "system"]
    );
    let texts = contents(&first);
    assert_eq!(texts[1], "/add src/tokenizer.py");
    assert_eq!(
        texts[3],
        "The tokenizer drops the platypus token at the end.\nPlease fix it."
    );
    assert!(texts[4].starts_with("The loop stops one character early."));
    assert!(texts[4].contains(">>>>>>> REPLACE\n```"), "{}", texts[4]);
    assert!(texts[5].contains("Applied edit to src/tokenizer.py"));
    // Aider's local start time (TZ=UTC here) for every message of the session.
    assert_eq!(
        first["messages"][4]["created_at"],
        "2025-05-03T14:00:00.000Z"
    );

    let second = conversations
        .iter()
        .find(|c| c["origin"]["session"] == "2025-05-04 09:15:00")
        .unwrap();
    let second = shown(&home, second["id"].as_str().unwrap());
    assert_eq!(roles(&second), ["system", "user", "assistant"]);
    // Marks inside a reply's code block stay in the reply.
    assert!(
        contents(&second)[2].contains("```\n#### like this\n> and this is a note\n```"),
        "{second}"
    );
}

#[test]
fn importing_again_adds_nothing() {
    let home = Home::new();
    for (from, path) in [
        ("codex", fixtures().join("codex")),
        ("claude", fixtures().join("claude")),
        ("aider", aider_file()),
    ] {
        let first = import(&home, from, &path, &[]);
        assert!(first["messages_added"].as_u64().unwrap() > 0);
        let before = home.counts();
        let again = import(&home, from, &path, &[]);
        assert_eq!(again["conversations_added"], 0, "{from}: {again}");
        assert_eq!(again["conversations_updated"], 0, "{from}: {again}");
        assert_eq!(again["messages_added"], 0, "{from}: {again}");
        assert_eq!(again["messages_present"], first["messages_added"]);
        assert_eq!(home.counts(), before, "{from}");
    }
    assert_eq!(home.counts(), (6, 32));
    home.assert_database_sound();
}

#[test]
fn a_grown_codex_session_gets_only_its_new_messages_appended() {
    let home = Home::new();
    let file = home.root.path().join(format!(
        "sessions/rollout-2025-05-01T10-00-00-{CODEX_SESSION}.jsonl"
    ));
    write_head(&codex_file(), &file, 9);
    let first = import(&home, "codex", &file, &[]);
    assert_eq!(first["messages_added"], 3, "{first}");
    let id = id_of_session(&home, CODEX_SESSION);

    // Codex appended the rest of the session.
    std::fs::copy(codex_file(), &file).unwrap();
    let grown = import(&home, "codex", &file, &[]);
    assert_eq!(grown["conversations_added"], 0, "{grown}");
    assert_eq!(grown["conversations_updated"], 1);
    assert_eq!(grown["messages_added"], 3);
    assert_eq!(grown["messages_present"], 3);
    assert_eq!(grown["conversations"][0]["id"], id.as_str());

    let conversation = shown(&home, &id);
    assert_eq!(
        roles(&conversation),
        [
            "user",
            "assistant",
            "tool",
            "assistant",
            "tool",
            "assistant"
        ]
    );
    // The same conversation as importing the whole file at once.
    let fresh = Home::new();
    import(&fresh, "codex", &codex_file(), &[]);
    let whole = shown(&fresh, &id);
    assert_eq!(whole["messages"], conversation["messages"]);
    assert_eq!(home.counts(), (1, 6));
}

#[test]
fn a_grown_aider_history_appends_to_its_last_session_and_adds_the_next() {
    let home = Home::new();
    let file = home.root.path().join("proj/.aider.chat.history.md");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::copy(aider_file(), &file).unwrap();
    import(&home, "aider", &file, &[]);
    assert_eq!(home.counts(), (2, 9));

    // Aider wrote another exchange, then a new session.
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n#### thanks, and the kangaroo case?  \n\nThat one was already right.\n\n");
    text.push_str("\n# aider chat started at 2025-05-05 08:00:00\n\n#### hello again  \n");
    std::fs::write(&file, text).unwrap();
    let grown = import(&home, "aider", &file, &[]);
    assert_eq!(grown["conversations_added"], 1, "{grown}");
    assert_eq!(grown["conversations_updated"], 1);
    assert_eq!(grown["messages_added"], 3);
    assert_eq!(home.counts(), (3, 12));
    let second = listed(&home)
        .into_iter()
        .find(|c| c["origin"]["session"] == "2025-05-04 09:15:00")
        .unwrap();
    let second = shown(&home, second["id"].as_str().unwrap());
    assert_eq!(
        roles(&second),
        ["system", "user", "assistant", "user", "assistant"]
    );
}

#[test]
fn a_claude_edit_after_an_import_starts_a_branch_and_moves_nothing() {
    let home = Home::new();
    let file = home
        .root
        .path()
        .join(format!("projects/p/{CLAUDE_SESSION}.jsonl"));
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::copy(claude_file(), &file).unwrap();
    import(&home, "claude", &file, &[]);
    let main = id_of_session(&home, CLAUDE_SESSION);
    assert_eq!(home.counts(), (2, 13));

    // Later the user went back to the first question and asked something else; then the main
    // line went on too.
    let record = |uuid: &str, parent: &str, kind: &str, time: &str, text: &str| {
        serde_json::json!({
            "parentUuid": parent, "isSidechain": false, "type": kind, "uuid": uuid,
            "sessionId": CLAUDE_SESSION, "cwd": "/home/user/projects/parser",
            "timestamp": time, "message": {"role": kind, "content": text},
        })
        .to_string()
    };
    let mut text = std::fs::read_to_string(&file).unwrap();
    for line in [
        record(
            "b2000000-0000-4000-8000-000000000001",
            "a1000000-0000-4000-8000-000000000002",
            "assistant",
            "2025-05-02T11:00:00.000Z",
            "A different first answer about the bilby.",
        ),
        record(
            "b2000000-0000-4000-8000-000000000002",
            "a1000000-0000-4000-8000-000000000018",
            "user",
            "2025-05-02T11:05:00.000Z",
            "Thanks, now commit it.",
        ),
    ] {
        text.push_str(&line);
        text.push('\n');
    }
    std::fs::write(&file, text).unwrap();
    let grown = import(&home, "claude", &file, &[]);
    assert_eq!(grown["conversations_added"], 1, "{grown}");
    assert_eq!(grown["conversations_updated"], 1);
    assert_eq!(grown["messages_added"], 2);
    assert_eq!(home.counts(), (3, 15));

    let main = shown(&home, &main);
    assert_eq!(main["messages"].as_array().unwrap().len(), 12);
    assert_eq!(contents(&main)[11], "Thanks, now commit it.");
    let bilby = listed(&home)
        .into_iter()
        .find(|c| c["message_count"] == 1)
        .unwrap();
    assert_eq!(bilby["origin"]["branch_of"], main["id"]);
    let bilby = shown(&home, bilby["id"].as_str().unwrap());
    assert_eq!(
        contents(&bilby),
        ["A different first answer about the bilby."]
    );
}

#[test]
fn malformed_records_fail_with_file_and_line_and_nothing_is_written() {
    let home = Home::new();
    let dir = home.root.path().join("sessions");
    let file = dir.join(format!("rollout-2025-05-01T10-00-00-{CODEX_SESSION}.jsonl"));
    write_head(&codex_file(), &file, 14);
    let mut lines: Vec<String> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    lines.insert(
        6,
        "{\"timestamp\": \"2025-05-01T10:00:06Z\", \"type\": \"response_item\"".into(),
    );
    lines.insert(
        9,
        r#"{"timestamp":"yesterday","type":"response_item","payload":{"type":"message","role":"user","content":[]}}"#.into(),
    );
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let path = file.to_str().unwrap();

    let stderr = fails(&home, &["history", "import", "--from", "codex", path], 4);
    assert!(stderr.contains("2 malformed records"), "{stderr}");
    assert!(
        stderr.contains(&format!("{path}:7: not a JSON record")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{path}:10: `timestamp` is not an RFC 3339 time")),
        "{stderr}"
    );
    assert!(stderr.contains("--skip-bad"), "{stderr}");
    assert_eq!(home.counts(), (0, 0));

    // With --skip-bad the rest is imported, and the report says how many were skipped.
    let stdout = ok(
        &home,
        &["history", "import", "--from", "codex", path, "--skip-bad"],
    );
    assert!(stdout.contains("skipped 2 malformed record(s)"), "{stdout}");
    assert_eq!(home.counts(), (1, 6));

    // Claude and Aider records are reported the same way.
    let claude = home.root.path().join("claude.jsonl");
    let mut text = std::fs::read_to_string(claude_file()).unwrap();
    text.push_str(r#"{"type":"user","timestamp":"2025-05-02T12:00:00Z","message":{"role":"user","content":"x"}}"#);
    std::fs::write(&claude, text).unwrap();
    let claude = claude.to_str().unwrap();
    let stderr = fails(&home, &["history", "import", "--from", "claude", claude], 4);
    assert!(
        stderr.contains(&format!("{claude}:21: a `user` record without a `uuid`")),
        "{stderr}"
    );
    let aider = home.root.path().join(".aider.chat.history.md");
    std::fs::write(
        &aider,
        "# aider chat started at someday\n\n#### hi  \n\nhello\n",
    )
    .unwrap();
    let aider = aider.to_str().unwrap();
    let stderr = fails(&home, &["history", "import", "--from", "aider", aider], 4);
    assert!(
        stderr.contains(&format!("{aider}:1: the session start")),
        "{stderr}"
    );
    assert_eq!(home.counts(), (1, 6));
}

#[test]
fn hostile_records_lose_control_characters_and_parent_loops_are_malformed() {
    let home = Home::new();
    let file = home.root.path().join("hostile.jsonl");
    let record = |uuid: &str, parent: Option<&str>, text: &str| {
        serde_json::json!({
            "parentUuid": parent, "type": "user", "uuid": uuid, "sessionId": "s",
            "timestamp": "2025-05-02T10:00:00Z", "message": {"role": "user", "content": text},
        })
        .to_string()
    };
    let lines = [
        record("r1", None, "clear \u{1b}[2J\u{1b}]0;pwned\u{7}screen"),
        record("l1", Some("l2"), "loop one"),
        record("l2", Some("l1"), "loop two"),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let path = file.to_str().unwrap();
    let stderr = fails(&home, &["history", "import", "--from", "claude", path], 4);
    assert!(
        stderr.contains(&format!("{path}:2: its parent links form a loop")),
        "{stderr}"
    );
    let report = import(&home, "claude", &file, &["--skip-bad"]);
    assert_eq!(report["skipped"], 2);
    assert_eq!(report["messages_added"], 1);
    let id = listed(&home)[0]["id"].as_str().unwrap().to_string();
    assert_eq!(contents(&shown(&home, &id)), ["clear [2J]0;pwnedscreen"]);

    // A file's name and what a message quotes of a record reach the terminal without escapes.
    let named = home.root.path().join("evil\u{1b}]0;owned\u{7}.jsonl");
    let line = r#"{"type":"user","uuid":"u","timestamp":"\u001b[2Jsoon","message":{"role":"user","content":"x"}}"#;
    std::fs::write(&named, format!("{line}\n")).unwrap();
    let stderr = fails(
        &home,
        &[
            "history",
            "import",
            "--from",
            "claude",
            named.to_str().unwrap(),
        ],
        4,
    );
    assert!(
        stderr.contains("evil]0;owned.jsonl:1: `timestamp` is not an RFC 3339 time: `[2Jsoon`"),
        "{stderr:?}"
    );
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    let text = ok(&home, &["history", "show", &id]);
    assert!(!text.contains('\u{1b}'), "{text:?}");
}

#[test]
fn dry_run_says_what_would_be_imported_and_writes_nothing() {
    let home = Home::new();
    let report = import(&home, "claude", &fixtures().join("claude"), &["--dry-run"]);
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["conversations_added"], 2);
    assert_eq!(report["messages_added"], 13);
    assert_eq!(report["skipped"], 0);
    assert_eq!(home.counts(), (0, 0));

    let text = ok(
        &home,
        &[
            "history",
            "import",
            "--from",
            "codex",
            fixtures().join("codex").to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert!(
        text.starts_with("would import from Codex (2 file(s)): 2 new conversation(s), 0 updated, 10 message(s) added"),
        "{text}"
    );
    assert!(text.contains("dry run: nothing was written"), "{text}");
    assert_eq!(home.counts(), (0, 0));

    // After a real import, a dry run of a grown file counts only the new part.
    import(&home, "claude", &fixtures().join("claude"), &[]);
    let again = import(&home, "claude", &fixtures().join("claude"), &["--dry-run"]);
    assert_eq!(again["messages_added"], 0);
    assert_eq!(again["messages_present"], 13);
}

#[test]
fn default_locations_are_each_tools_own_and_a_missing_one_is_not_found() {
    let home = Home::new();
    // Nothing there: exit 3 and how to name a path.
    let stderr = fails(&home, &["history", "import", "--from", "codex"], 3);
    assert!(stderr.contains("no Codex history at"), "{stderr}");
    assert!(stderr.contains(".codex/sessions"), "{stderr}");
    assert!(
        stderr.contains("hint: pass the file or directory"),
        "{stderr}"
    );

    // ~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl under HOME.
    let sessions = home
        .root
        .path()
        .join("user-home/.codex/sessions/2025/05/01");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::copy(
        codex_file(),
        sessions.join(codex_file().file_name().unwrap()),
    )
    .unwrap();
    std::fs::write(sessions.join("notes.jsonl"), "not a rollout\n").unwrap();
    // Symbolic links under the directory are not followed: not to a file, not to a directory.
    let elsewhere = home.root.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let outside = elsewhere.join("rollout-2025-05-02T09-30-00-outside.jsonl");
    std::fs::copy(
        fixtures()
            .join("codex/2025/05/02")
            .read_dir()
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path(),
        &outside,
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, sessions.join("rollout-linked.jsonl")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, sessions.join("linked-dir")).unwrap();
    let report = json(&home, &["history", "import", "--from", "codex", "--json"]);
    assert_eq!(report["files"], 1, "{report}");
    assert_eq!(report["messages_added"], 6);

    // $CLAUDE_CONFIG_DIR/projects.
    let config = home.root.path().join("claude-config");
    let project = config.join("projects/-home-user-projects-parser");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::copy(
        claude_file(),
        project.join(claude_file().file_name().unwrap()),
    )
    .unwrap();
    let output = agent(&home)
        .env("CLAUDE_CONFIG_DIR", &config)
        .args(["history", "import", "--from", "claude", "--json"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["messages_added"], 13);
}

#[test]
fn imported_conversations_are_searchable_and_listed_with_their_origin() {
    let home = Home::new();
    import(&home, "codex", &fixtures().join("codex"), &[]);
    import(&home, "claude", &fixtures().join("claude"), &[]);

    let hits = json(&home, &["history", "search", "quokka", "--json"]);
    let hits = hits["results"].as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(
        hits[0]["conversation_id"],
        id_of_session(&home, CODEX_SESSION).as_str()
    );
    // Tool summaries are searchable too.
    let hits = json(&home, &["history", "search", "apply_patch", "--json"]);
    assert_eq!(hits["results"].as_array().unwrap().len(), 1, "{hits}");
    let hits = json(&home, &["history", "search", "echidna", "--json"]);
    assert_eq!(
        hits["results"][0]["conversation_title"],
        "Fix tokenizer off-by-one (branch)"
    );

    let table = ok(&home, &["history", "list"]);
    assert!(
        table.contains("[codex] Why does the tokenizer drop the last quokka"),
        "{table}"
    );
    assert!(
        table.contains("[claude] Fix tokenizer off-by-one"),
        "{table}"
    );
    // The recorded repository filters like any other.
    let in_repo = json(
        &home,
        &[
            "history",
            "list",
            "--json",
            "--repo",
            "/home/user/projects/parser",
        ],
    );
    assert_eq!(in_repo["conversations"].as_array().unwrap().len(), 3);
}

#[test]
fn the_own_format_import_is_unchanged_and_the_new_flags_need_from() {
    let home = Home::new();
    let report = json(
        &home,
        &[
            "history",
            "import",
            crate::common::fixture().to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(report["conversations_added"], 5);
    assert!(listed(&home).iter().all(|c| c.get("origin").is_none()));
    let output = agent(&home)
        .args(["history", "import", "x.jsonl", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = agent(&home).args(["history", "import"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = agent(&home)
        .args(["history", "import", "--from", "cursor"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn secrets_in_imported_text_are_redacted_before_they_are_stored() {
    const KEY: &str = "sk-import-test-0123456789abcdefghij";
    let home = Home::new();
    let file = home.root.path().join("leak.jsonl");
    let line = serde_json::json!({
        "type": "user", "uuid": "u1", "parentUuid": null, "sessionId": "s",
        "timestamp": "2025-05-02T10:00:00Z",
        "message": {"role": "user", "content": format!("my key is {KEY}")},
    });
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let output = agent(&home)
        .env("OPENAI_API_KEY", KEY)
        .args([
            "history",
            "import",
            "--from",
            "claude",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let id = listed(&home)[0]["id"].as_str().unwrap().to_string();
    let content = &contents(&shown(&home, &id))[0];
    assert!(!content.contains(KEY), "{content}");
    assert!(content.contains("[redacted]"), "{content}");
    for suffix in ["", "-wal"] {
        let path = format!("{}{suffix}", home.database().display());
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert!(
            !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
            "the key is in {path}"
        );
    }
}

#[test]
fn a_resumed_claude_session_continues_its_conversation() {
    let home = Home::new();
    let project = home.root.path().join("projects/-home-user-projects-parser");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::copy(
        claude_file(),
        project.join(claude_file().file_name().unwrap()),
    )
    .unwrap();
    import(&home, "claude", &project, &[]);
    let main = id_of_session(&home, CLAUDE_SESSION);
    assert_eq!(home.counts(), (2, 13));

    // `claude --resume` wrote a new file: the old records again under the new session id (keys
    // in another order, another version), then the new exchange.
    const RESUMED: &str = "9e8d7c6b-5a49-4382-b1c0-d9e8f7a6b5c4";
    let mut text = String::new();
    for line in std::fs::read_to_string(claude_file()).unwrap().lines() {
        let mut record: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
        if record.contains_key("sessionId") {
            record.insert("sessionId".into(), RESUMED.into());
            record.insert("version".into(), "2.0.20".into());
        }
        let mut reordered: Vec<(String, Value)> = record.into_iter().collect();
        reordered.reverse();
        let reordered: serde_json::Map<String, Value> = reordered.into_iter().collect();
        text.push_str(&Value::Object(reordered).to_string());
        text.push('\n');
    }
    let next = serde_json::json!({
        "parentUuid": "a1000000-0000-4000-8000-000000000018", "isSidechain": false,
        "type": "user", "uuid": "c3000000-0000-4000-8000-000000000001", "sessionId": RESUMED,
        "cwd": "/home/user/projects/parser", "timestamp": "2025-05-03T08:00:00.000Z",
        "message": {"role": "user", "content": "Now add a test for the koala case."},
    });
    text.push_str(&format!("{next}\n"));
    std::fs::write(project.join(format!("{RESUMED}.jsonl")), text).unwrap();

    let report = import(&home, "claude", &project, &[]);
    assert_eq!(report["conversations_added"], 0, "{report}");
    assert_eq!(report["conversations_updated"], 1, "{report}");
    assert_eq!(report["messages_added"], 1, "{report}");
    assert_eq!(home.counts(), (2, 14));
    let main = shown(&home, &main);
    assert_eq!(
        contents(&main).last().unwrap(),
        "Now add a test for the koala case."
    );
}
