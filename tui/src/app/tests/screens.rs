//! Screens: `TestBackend` frames snapshotted with insta, driven only by `AppEvent`s, plus checks
//! of colours in the buffer where a snapshot cannot show them.

use agent_core::protocol::{StepKind, TaskStatusChange, ToolEffectKind};
use crossterm::event::KeyCode;
use ratatui::style::Color;

use super::*;
use crate::app::{DashboardData, HistoryItem, Loaded};

const DIFF: &str = "--- a/src/lib.rs\n+++ b/src/lib.rs\n@@ -1,3 +1,3 @@\n pub fn first(s: &str) -> char {\n-    s[0]\n+    s.chars().next().unwrap_or(' ')\n }\n";

fn streaming_app() -> App {
    let mut app = app();
    type_text(&mut app, "Why does parse panic on empty input?");
    app.handle(key(KeyCode::Enter));
    chat(
        &mut app,
        user_message("Why does parse panic on empty input?".into()),
    );
    chat(&mut app, model_begin());
    for delta in [
        "## The cause\n\nIt indexes the string **without** checking ",
        "its length:\n\n- `s[0]` panics on `\"\"`\n- the *caller* passes user input\n\n",
        "1. Check for empty input\n2. Return an [Option](https://doc.rust-lang.org/std/option/)\n\n",
        "```rust\nfn first(s: &str) -> Option<char> {\n    // no panic here\n    s.chars().next()\n",
    ] {
        chat(&mut app, model_delta(delta.into()));
    }
    app
}

#[test]
fn chat_while_streaming() {
    let mut app = streaming_app();
    app.handle(AppEvent::Tick);
    let terminal = draw(&mut app, 80, 24);
    insta::assert_snapshot!(terminal.backend());
}

fn tool_app() -> App {
    let mut app = app();
    chat(&mut app, user_message("What does lib.rs export?".into()));
    chat(
        &mut app,
        Event::ToolCallBegin {
            id: "call-1".into(),
            name: "read".into(),
            arguments: serde_json::json!({"path": "src/lib.rs"}),
        },
    );
    let output: String = (1..=24)
        .map(|i| format!("{i:>3} pub mod module_{i};\n"))
        .collect();
    chat(
        &mut app,
        Event::ToolCallEnd {
            name: String::new(),
            diff: None,
            id: "call-1".into(),
            ok: true,
            output,
            changed_paths: Vec::new(),
        },
    );
    chat(
        &mut app,
        Event::ToolCallBegin {
            id: "call-2".into(),
            name: "run".into(),
            arguments: serde_json::json!({"command": "cargo check"}),
        },
    );
    chat(
        &mut app,
        Event::ToolCallEnd {
            name: String::new(),
            diff: None,
            id: "call-2".into(),
            ok: false,
            output: "error[E0425]: cannot find value `x`\n".into(),
            changed_paths: Vec::new(),
        },
    );
    chat(
        &mut app,
        Event::Error {
            message: "the model stopped: context window full".into(),
            hint: Some("run /compact or start a /new conversation".into()),
            class: None,
        },
    );
    app
}

#[test]
fn tool_call_collapsed() {
    let mut app = tool_app();
    let terminal = draw(&mut app, 80, 24);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn tool_call_expanded() {
    let mut app = tool_app();
    // Select the earlier block, then expand it.
    app.handle(key(KeyCode::BackTab));
    app.handle(key(KeyCode::BackTab));
    app.handle(key(KeyCode::Tab));
    draw(&mut app, 80, 24);
    app.handle(key(KeyCode::PageUp));
    let terminal = draw(&mut app, 80, 24);
    let shown = rows(&terminal);
    assert!(shown.iter().any(|r| r.contains("▾ read src/lib.rs")));
    assert!(shown.iter().any(|r| r.contains("│   1 pub mod module_1;")));
    insta::assert_snapshot!(terminal.backend());
}

fn diff_app() -> App {
    let mut app = app();
    chat(
        &mut app,
        Event::ToolCallBegin {
            id: "call-9".into(),
            name: "edit".into(),
            arguments: serde_json::json!({"path": "src/lib.rs"}),
        },
    );
    chat(
        &mut app,
        Event::ToolCallEnd {
            name: String::new(),
            diff: None,
            id: "call-9".into(),
            ok: true,
            output: DIFF.into(),
            changed_paths: vec!["src/lib.rs".into()],
        },
    );
    // A successful edit whose output is a diff is shown expanded without a key.
    app
}

/// The foreground colour of the first cell of the row that contains `needle`.
fn colour_of_row(terminal: &Terminal<TestBackend>, needle: &str, column: u16) -> Option<Color> {
    let y = rows(terminal).iter().position(|r| r.contains(needle))?;
    let buffer = terminal.backend().buffer();
    buffer.cell((column, u16::try_from(y).ok()?)).map(|c| c.fg)
}

#[test]
fn diff_output_is_coloured() {
    let mut app = diff_app();
    let terminal = draw(&mut app, 80, 24);
    // The bar `  │ ` takes four columns; the diff's first character is in column 4.
    assert_eq!(
        colour_of_row(&terminal, "+    s.chars()", 4),
        Some(Color::Green)
    );
    assert_eq!(colour_of_row(&terminal, "-    s[0]", 4), Some(Color::Red));
    assert_eq!(colour_of_row(&terminal, "@@ -1,3", 4), Some(Color::Cyan));
    assert_eq!(
        colour_of_row(&terminal, " pub fn first", 5),
        Some(Color::Reset)
    );
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn show_diff_result_is_coloured() {
    let mut app = app();
    app.handle(AppEvent::Loaded(Loaded::Diff(DIFF.into())));
    let terminal = draw(&mut app, 80, 24);
    assert_eq!(
        colour_of_row(&terminal, "+    s.chars()", 0),
        Some(Color::Green)
    );
    assert_eq!(colour_of_row(&terminal, "-    s[0]", 0), Some(Color::Red));
}

#[test]
fn approval_dialog() {
    let mut app = streaming_app();
    chat(
        &mut app,
        Event::ApprovalRequest {
            id: "call-3".into(),
            kind: ToolEffectKind::Write,
            subject: "src/lib.rs".into(),
            preview: DIFF.into(),
        },
    );
    let terminal = draw(&mut app, 80, 24);
    assert_eq!(
        colour_of_row(&terminal, "+    s.chars()", 4),
        Some(Color::Green)
    );
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn approval_dialog_for_a_command() {
    let mut app = app();
    chat(
        &mut app,
        Event::ApprovalRequest {
            id: "call-4".into(),
            kind: ToolEffectKind::Command,
            subject: "cargo test --workspace".into(),
            preview: String::new(),
        },
    );
    let terminal = draw(&mut app, 60, 12);
    insta::assert_snapshot!(terminal.backend());
}

fn tasks_app() -> App {
    let mut app = app();
    app.handle(key(KeyCode::F(2)));
    app.handle(AppEvent::Loaded(Loaded::Tasks(vec![
        task_record(
            "3f9a2c1d",
            "Add a --verbose flag",
            TaskStatus::Pending,
            "auto",
        ),
        task_record(
            "9e8d7c6b",
            "Fix the parser on empty input",
            TaskStatus::Succeeded,
            "single-shot",
        ),
        task_record(
            "1a2b3c4d",
            "Split the store module",
            TaskStatus::Failed,
            "multi-agent",
        ),
    ])));
    app.handle(envelope(
        "3f9a2c1d",
        1,
        agent_core::protocol::Event::TaskStatus(TaskStatusChange {
            from: TaskStatus::Pending,
            to: TaskStatus::Running,
            reason: None,
        }),
    ));
    app.handle(envelope(
        "3f9a2c1d",
        2,
        agent_core::protocol::Event::StrategySelected {
            strategy: agent_core::protocol::StrategyKind::Iterative,
            complexity: agent_core::classify::Complexity::Medium,
            confidence: 0.7,
            reason: "medium task: edit then check".into(),
            by: agent_core::protocol::SelectedBy::Auto,
        },
    ));
    app.handle(envelope(
        "3f9a2c1d",
        3,
        agent_core::protocol::Event::StepBegin {
            id: "s1".into(),
            step: StepKind::Turns,
            role: Some(agent_core::protocol::AgentRole::Coder),
            iteration: Some(2),
            detail: String::new(),
        },
    ));
    app.handle(envelope(
        "3f9a2c1d",
        4,
        agent_core::protocol::Event::ModelDelta {
            id: "m1".into(),
            text: "I will add the flag ".into(),
        },
    ));
    app.handle(envelope(
        "3f9a2c1d",
        5,
        agent_core::protocol::Event::ModelDelta {
            id: "m1".into(),
            text: "to cli.rs.".into(),
        },
    ));
    app.handle(envelope(
        "3f9a2c1d",
        6,
        agent_core::protocol::Event::ToolCallBegin {
            id: "c1".into(),
            name: "read".into(),
            arguments: serde_json::json!({"path": "src/cli.rs"}),
        },
    ));
    app
}

#[test]
fn tasks_view_with_a_running_task() {
    let mut app = tasks_app();
    let terminal = draw(&mut app, 80, 24);
    let shown = rows(&terminal);
    assert!(shown[1].contains("running") && shown[1].contains("iterative"));
    assert!(shown[1].contains("coder · turns #2"));
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn task_event_log() {
    let mut app = tasks_app();
    app.handle(key(KeyCode::Enter));
    let terminal = draw(&mut app, 80, 24);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn history_with_search_results() {
    let mut app = app();
    app.handle(key(KeyCode::F(3)));
    app.handle(key(KeyCode::Char('/')));
    type_text(&mut app, "parser");
    app.handle(key(KeyCode::Enter));
    app.handle(AppEvent::Loaded(Loaded::History(vec![
        HistoryItem {
            id: "c0ffee01".into(),
            title: "Fix the parser".into(),
            when: "2026-11-18 09:12".into(),
            snippet: Some("why does the \u{2}parser\u{3} panic on empty input".into()),
        },
        HistoryItem {
            id: "deadbeef".into(),
            title: "Parser error messages".into(),
            when: "2026-11-02 17:40".into(),
            snippet: Some("make \u{2}parser\u{3} errors point at the column".into()),
        },
        HistoryItem {
            id: "0badf00d".into(),
            title: "".into(),
            when: "2026-10-30 08:00".into(),
            snippet: None,
        },
    ])));
    app.handle(key(KeyCode::Down));
    let terminal = draw(&mut app, 80, 24);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn history_read_only_transcript() {
    let mut app = app();
    app.handle(key(KeyCode::F(3)));
    app.handle(AppEvent::Loaded(Loaded::History(vec![HistoryItem {
        id: "c0ffee01".into(),
        title: "Fix the parser".into(),
        when: "2026-11-18 09:12".into(),
        snippet: None,
    }])));
    app.handle(key(KeyCode::Enter));
    app.handle(AppEvent::Loaded(Loaded::Transcript(vec![
        (agent_models::Role::User, "Why does parse panic?".into()),
        (
            agent_models::Role::Assistant,
            "It indexes `[0]`:\n\n```rust\nlet first = s[0];\n```".into(),
        ),
    ])));
    let terminal = draw(&mut app, 60, 14);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn dashboard() {
    let mut app = app();
    app.handle(key(KeyCode::F(4)));
    app.handle(AppEvent::Loaded(Loaded::Dashboard(DashboardData {
        by_status: vec![
            ("running".into(), 1),
            ("succeeded".into(), 14),
            ("failed".into(), 4),
            ("cancelled".into(), 1),
        ],
        success_by_strategy: vec![
            ("single-shot".into(), 9, 11),
            ("iterative".into(), 4, 6),
            ("multi-agent".into(), 1, 3),
        ],
        success_by_model: vec![
            ("qwen2.5-coder:7b".into(), 10, 13),
            ("llama3.2:3b".into(), 4, 7),
            ("never-used".into(), 0, 0),
        ],
        tokens_today: 48_213,
        tokens_week: 1_204_551,
        recent: vec![
            "09:14 task 3f9a2c1d running: Add a --verbose flag".into(),
            "09:02 task 9e8d7c6b succeeded: Fix the parser on empty input".into(),
        ],
    })));
    let terminal = draw(&mut app, 80, 24);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn slash_completion_popup() {
    let mut app = streaming_app();
    chat(&mut app, turn_end());
    type_text(&mut app, "/");
    app.handle(key(KeyCode::Down));
    let terminal = draw(&mut app, 80, 24);
    insta::assert_snapshot!("slash_popup_all", terminal.backend());
    type_text(&mut app, "h");
    let terminal = draw(&mut app, 80, 24);
    insta::assert_snapshot!("slash_popup_h", terminal.backend());
}

#[test]
fn tiny_terminal() {
    let mut app = streaming_app();
    let terminal = draw(&mut app, 30, 8);
    assert!(rows(&terminal)[0].contains("terminal too small"));
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn wide_unicode_text() {
    let mut app = app();
    let question = "日本語の説明をください 🦀🦀 and mixed text that needs wrapping across the line";
    type_text(&mut app, "入力 🦀 カーソル");
    chat(&mut app, user_message(question.into()));
    chat(&mut app, model_begin());
    chat(
        &mut app,
        model_delta(
            "# 見出し 🚀\n\n- 一つ目の項目はとても長いので折り返す必要がありますね、本当に長いです。\n- 🦀 **太字** と `コード`\n\n```\nlet 名前 = \"値\"; // コメント 🎉\n```".into(),
        ),
    );
    let terminal = draw(&mut app, 50, 16);
    for row in rows(&terminal) {
        assert!(crate::text::display_width(&row) <= 50, "{row}");
    }
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn reverse_search_prompt() {
    let mut app = app();
    for prompt in ["fix the parser", "write docs"] {
        type_text(&mut app, prompt);
        app.handle(key(KeyCode::Enter));
        chat(&mut app, turn_end());
    }
    app.handle(ctrl('r'));
    type_text(&mut app, "pars");
    let terminal = draw(&mut app, 60, 10);
    assert!(rows(&terminal)[8].contains("(reverse-i-search)`pars': fix the parser"));
}

#[test]
fn status_line_shows_tokens_and_busy() {
    let mut app = app();
    type_text(&mut app, "hi");
    app.handle(key(KeyCode::Enter));
    chat(&mut app, model_end(2_000, 768));
    let terminal = draw(&mut app, 120, 10);
    let status = &rows(&terminal)[9];
    assert!(status.contains("working"), "{status}");
    // What is left of the context, and the context the model runs with.
    assert!(
        status.contains("2,768 tokens · 30,000 of 32,768 left"),
        "{status}"
    );
    chat(&mut app, turn_end());
    let terminal = draw(&mut app, 120, 10);
    assert!(!rows(&terminal)[9].contains("working"));
}
