//! Key handling and state transitions, no terminal needed (a render only where the viewport
//! size matters).

use agent_core::protocol::ToolEffectKind;
use crossterm::event::{KeyCode, KeyModifiers};

use super::*;
use crate::app::{Command, CustomCommand, Loaded, View};

#[test]
fn enter_sends_and_clears() {
    let mut app = app();
    type_text(&mut app, "hello there");
    assert_eq!(
        app.handle(key(KeyCode::Enter)),
        [Command::SendPrompt("hello there".into())]
    );
    assert!(app.editor.is_empty());
    assert!(app.is_busy());
    // Blank input sends nothing.
    chat(&mut app, turn_end());
    assert!(!app.is_busy());
    type_text(&mut app, "   ");
    assert!(app.handle(key(KeyCode::Enter)).is_empty());
}

#[test]
fn shift_and_alt_enter_insert_newlines() {
    let mut app = app();
    type_text(&mut app, "one");
    assert!(
        app.handle(with(KeyModifiers::SHIFT, KeyCode::Enter))
            .is_empty()
    );
    type_text(&mut app, "two");
    assert!(
        app.handle(with(KeyModifiers::ALT, KeyCode::Enter))
            .is_empty()
    );
    type_text(&mut app, "three");
    assert_eq!(app.editor.text(), "one\ntwo\nthree");
    app.handle(key(KeyCode::Up));
    app.handle(key(KeyCode::Home));
    app.handle(key(KeyCode::Delete));
    assert_eq!(app.editor.text(), "one\nwo\nthree");
    assert_eq!(
        app.handle(key(KeyCode::Enter)),
        [Command::SendPrompt("one\nwo\nthree".into())]
    );
}

#[test]
fn paste_is_inserted_whole_and_not_sent() {
    let mut app = app();
    let big: String = (0..2_000).map(|i| format!("line {i}\r\n")).collect();
    assert!(app.handle(AppEvent::Paste(big.clone())).is_empty());
    assert_eq!(app.editor.text(), big.replace("\r\n", "\n"));
    assert!(!app.is_busy());
}

#[test]
fn up_and_down_browse_prompt_history() {
    let mut app = app();
    for prompt in ["first", "second"] {
        type_text(&mut app, prompt);
        app.handle(key(KeyCode::Enter));
        chat(&mut app, turn_end());
    }
    type_text(&mut app, "dra");
    app.handle(key(KeyCode::Up));
    assert_eq!(app.editor.text(), "second");
    app.handle(key(KeyCode::Up));
    assert_eq!(app.editor.text(), "first");
    app.handle(key(KeyCode::Down));
    assert_eq!(app.editor.text(), "second");
    app.handle(key(KeyCode::Down));
    assert_eq!(app.editor.text(), "dra");
}

#[test]
fn ctrl_r_finds_an_older_prompt() {
    let mut app = app();
    for prompt in ["fix the parser", "write docs", "fix the lexer", "run tests"] {
        type_text(&mut app, prompt);
        app.handle(key(KeyCode::Enter));
        chat(&mut app, turn_end());
    }
    app.handle(ctrl('r'));
    type_text(&mut app, "fix");
    assert_eq!(app.editor.search_match(), Some("fix the lexer"));
    app.handle(ctrl('r'));
    assert_eq!(app.editor.search_match(), Some("fix the parser"));
    // No older match: stays on the oldest.
    app.handle(ctrl('r'));
    assert_eq!(app.editor.search_match(), Some("fix the parser"));
    assert!(app.handle(key(KeyCode::Enter)).is_empty());
    assert_eq!(app.editor.text(), "fix the parser");
    assert!(app.editor.search.is_none());
    // Esc leaves a search without changing the input.
    app.handle(ctrl('r'));
    type_text(&mut app, "docs");
    app.handle(key(KeyCode::Esc));
    assert_eq!(app.editor.text(), "fix the parser");
}

#[test]
fn esc_interrupts_only_when_busy() {
    let mut app = app();
    assert!(app.handle(key(KeyCode::Esc)).is_empty());
    type_text(&mut app, "go");
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.handle(key(KeyCode::Esc)), [Command::Interrupt]);
    chat(&mut app, turn_end());
    assert!(app.handle(key(KeyCode::Esc)).is_empty());
}

#[test]
fn ctrl_c_interrupts_clears_then_quits_on_the_second_press() {
    let mut app = app();
    type_text(&mut app, "go");
    app.handle(key(KeyCode::Enter));
    assert_eq!(app.handle(ctrl('c')), [Command::Interrupt]);
    assert!(!app.should_quit());
    chat(&mut app, turn_end());
    type_text(&mut app, "draft");
    assert!(app.handle(ctrl('c')).is_empty());
    assert!(app.editor.is_empty());
    // Another key in between disarms it.
    type_text(&mut app, "x");
    assert!(app.handle(ctrl('c')).is_empty());
    assert!(!app.should_quit());
    assert_eq!(app.handle(ctrl('c')), [Command::Quit]);
    assert!(app.should_quit());
}

#[test]
fn slash_lines_become_commands() {
    let mut app = app();
    type_text(&mut app, "/model llama3.2:3b");
    assert_eq!(
        app.handle(key(KeyCode::Enter)),
        [Command::SetModel("llama3.2:3b".into())]
    );
    assert_eq!(app.status.model, "llama3.2:3b");
    type_text(&mut app, "/task add a --verbose flag");
    assert_eq!(
        app.handle(key(KeyCode::Enter)),
        [Command::RunTask("add a --verbose flag".into())]
    );
    type_text(&mut app, "/history parser");
    assert_eq!(
        app.handle(key(KeyCode::Enter)),
        [Command::LoadHistory {
            query: Some("parser".into())
        }]
    );
    assert_eq!(app.view(), View::History);
    app.handle(key(KeyCode::F(1)));
    type_text(&mut app, "/nope");
    assert!(app.handle(key(KeyCode::Enter)).is_empty());
    assert!(matches!(
        app.transcript.entries().last(),
        Some(crate::app::transcript::Entry::Notice(text)) if text.contains("unknown command /nope")
    ));
    type_text(&mut app, "/quit");
    assert_eq!(app.handle(key(KeyCode::Enter)), [Command::Quit]);
    assert!(app.should_quit());
}

#[test]
fn custom_commands_join_the_popup() {
    let mut app = app();
    app.set_custom_commands(vec![CustomCommand {
        name: "explain".into(),
        description: "explain a file".into(),
        arguments: vec!["what".into()],
        template: "Explain {{ what }} in detail".into(),
        origin: "test".into(),
    }]);
    type_text(&mut app, "/ex");
    let names: Vec<String> = app.popup().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["explain"]);
}

#[test]
fn custom_command_sends_its_expanded_prompt() {
    let mut app = app();
    app.set_custom_commands(vec![CustomCommand {
        name: "explain".into(),
        description: "explain a file".into(),
        arguments: vec!["what".into()],
        template: "Explain {{ what }} in detail".into(),
        origin: "test".into(),
    }]);
    type_text(&mut app, "/expl");
    app.handle(key(KeyCode::Tab));
    assert_eq!(app.editor.text(), "/explain ");
    type_text(&mut app, "src/lib.rs");
    assert_eq!(
        app.handle(key(KeyCode::Enter)),
        [Command::SendPrompt("Explain src/lib.rs in detail".into())]
    );
    assert!(app.is_busy());
}

#[test]
fn popup_moves_and_esc_hides_it() {
    let mut app = app();
    type_text(&mut app, "/");
    let all = app.popup();
    assert!(all.len() > 10);
    app.handle(key(KeyCode::Down));
    app.handle(key(KeyCode::Tab));
    assert_eq!(app.editor.text(), format!("/{} ", all[1].name));
    app.handle(key(KeyCode::Backspace));
    assert!(!app.popup().is_empty());
    app.handle(key(KeyCode::Esc));
    assert!(app.popup().is_empty());
}

fn approval(app: &mut App, id: &str) {
    chat(
        app,
        Event::ApprovalRequest {
            id: id.into(),
            kind: ToolEffectKind::Command,
            subject: "cargo test".into(),
            preview: String::new(),
        },
    );
}

#[test]
fn approval_keys_answer_in_order() {
    let mut app = app();
    approval(&mut app, "call-1");
    approval(&mut app, "call-2");
    approval(&mut app, "call-3");
    approval(&mut app, "call-4");
    // Other keys do not reach the editor while the dialog is up.
    assert!(type_text(&mut app, "x").is_empty());
    assert!(app.editor.is_empty());
    let answer = |id: &str, approved, always| Command::Approve {
        id: id.into(),
        approved,
        always,
    };
    assert_eq!(
        app.handle(key(KeyCode::Char('y'))),
        [answer("call-1", true, false)]
    );
    assert_eq!(
        app.handle(key(KeyCode::Char('n'))),
        [answer("call-2", false, false)]
    );
    assert_eq!(
        app.handle(key(KeyCode::Char('a'))),
        [answer("call-3", true, true)]
    );
    assert_eq!(
        app.handle(key(KeyCode::Esc)),
        [answer("call-4", false, false)]
    );
    assert!(app.approvals.is_empty());
}

#[test]
fn function_keys_and_esc_switch_views() {
    let mut app = app();
    assert_eq!(app.handle(key(KeyCode::F(2))), [Command::LoadTasks]);
    assert_eq!(app.view(), View::Tasks);
    assert_eq!(
        app.handle(key(KeyCode::F(3))),
        [Command::LoadHistory { query: None }]
    );
    assert_eq!(app.view(), View::History);
    assert_eq!(app.handle(key(KeyCode::F(4))), [Command::LoadDashboard]);
    assert_eq!(app.view(), View::Dashboard);
    app.handle(key(KeyCode::Esc));
    assert_eq!(app.view(), View::Chat);
    app.handle(key(KeyCode::F(2)));
    app.handle(key(KeyCode::Esc));
    assert_eq!(app.view(), View::Chat);
    app.handle(key(KeyCode::F(3)));
    assert!(app.handle(key(KeyCode::F(1))).is_empty());
    assert_eq!(app.view(), View::Chat);
    type_text(&mut app, "/tasks");
    assert_eq!(app.handle(key(KeyCode::Enter)), [Command::LoadTasks]);
    assert_eq!(app.view(), View::Tasks);
}

#[test]
fn tasks_view_opens_logs_and_cancels() {
    let mut app = app();
    app.handle(key(KeyCode::F(2)));
    app.handle(AppEvent::Loaded(Loaded::Tasks(vec![
        task_record("aaaa1111", "first", TaskStatus::Running, "iterative"),
        task_record("bbbb2222", "second", TaskStatus::Succeeded, "single-shot"),
    ])));
    app.handle(key(KeyCode::Down));
    assert_eq!(
        app.handle(key(KeyCode::Char('c'))),
        [Command::CancelTask("bbbb2222".into())]
    );
    app.handle(key(KeyCode::Enter));
    // Esc closes the log first, then leaves the view.
    app.handle(key(KeyCode::Esc));
    assert_eq!(app.view(), View::Tasks);
    app.handle(key(KeyCode::Esc));
    assert_eq!(app.view(), View::Chat);
}

#[test]
fn history_search_open_and_resume() {
    let mut app = app();
    app.handle(key(KeyCode::F(3)));
    app.handle(key(KeyCode::Char('/')));
    assert!(type_text(&mut app, "parser").is_empty());
    assert_eq!(
        app.handle(key(KeyCode::Enter)),
        [Command::LoadHistory {
            query: Some("parser".into())
        }]
    );
    app.handle(AppEvent::Loaded(Loaded::History(vec![
        crate::app::HistoryItem {
            id: "c1".into(),
            title: "one".into(),
            when: "today".into(),
            snippet: None,
        },
        crate::app::HistoryItem {
            id: "c2".into(),
            title: "two".into(),
            when: "today".into(),
            snippet: None,
        },
    ])));
    app.handle(key(KeyCode::Down));
    assert_eq!(
        app.handle(key(KeyCode::Enter)),
        [Command::OpenConversation("c2".into())]
    );
    app.handle(AppEvent::Loaded(Loaded::Transcript(vec![(
        agent_models::Role::User,
        "hi".into(),
    )])));
    assert_eq!(
        app.handle(key(KeyCode::Char('r'))),
        [Command::ResumeConversation("c2".into())]
    );
    assert_eq!(app.view(), View::Chat);
}

fn long_conversation(app: &mut App, messages: usize) {
    for i in 0..messages {
        chat(app, user_message(format!("question {i}")));
        chat(app, model_begin());
        chat(
            app,
            model_delta(format!("answer {i}\n\nwith a second paragraph")),
        );
        chat(app, model_end(10, 5));
    }
}

#[test]
fn scrolling_up_stops_following_and_end_follows_again() {
    let mut app = app();
    long_conversation(&mut app, 30);
    let terminal = draw(&mut app, 80, 24);
    assert!(rows(&terminal).iter().any(|r| r.contains("answer 29")));
    assert!(app.transcript.follow);

    app.handle(key(KeyCode::PageUp));
    assert!(!app.transcript.follow);
    let terminal = draw(&mut app, 80, 24);
    let before = rows(&terminal);
    assert!(!before.iter().any(|r| r.contains("answer 29")));
    assert!(before.iter().any(|r| r.contains("more lines")));

    // New output does not move a view that was scrolled up.
    chat(&mut app, user_message("question 30".into()));
    let terminal = draw(&mut app, 80, 24);
    assert_eq!(rows(&terminal)[..18], before[..18]);

    // Wheel down to the bottom follows again; so does End.
    for _ in 0..20 {
        app.handle(AppEvent::ScrollDown);
    }
    assert!(app.transcript.follow);
    app.handle(AppEvent::ScrollUp);
    assert!(!app.transcript.follow);
    app.handle(key(KeyCode::End));
    assert!(app.transcript.follow);
    chat(&mut app, user_message("question 31".into()));
    let terminal = draw(&mut app, 80, 24);
    assert!(rows(&terminal).iter().any(|r| r.contains("question 31")));
}

#[test]
fn layout_cache_follows_width_and_changes() {
    let mut app = app();
    long_conversation(&mut app, 5);
    draw(&mut app, 80, 24);
    let wide = app.transcript.height();
    assert_eq!(app.layout_cache_lines(), wide);
    chat(&mut app, model_begin());
    chat(&mut app, model_delta("a ".repeat(100)));
    draw(&mut app, 80, 24);
    assert!(app.transcript.height() > wide + 2);
    let before = app.transcript.height();
    draw(&mut app, 40, 24);
    assert!(app.transcript.height() > before);
    assert_eq!(app.layout_cache_lines(), app.transcript.height());
}

#[test]
fn tool_blocks_toggle_with_tab_and_ctrl_o() {
    use crate::app::transcript::Entry;
    let mut app = app();
    for id in ["t1", "t2"] {
        chat(
            &mut app,
            Event::ToolCallBegin {
                id: id.into(),
                name: "read".into(),
                arguments: serde_json::json!({"path": "src/lib.rs"}),
            },
        );
    }
    let expanded = |app: &App| -> Vec<bool> {
        app.transcript
            .entries()
            .iter()
            .filter_map(|e| match e {
                Entry::Tool(t) => Some(t.expanded),
                _ => None,
            })
            .collect()
    };
    app.handle(key(KeyCode::Tab));
    assert_eq!(expanded(&app), [false, true]);
    app.handle(key(KeyCode::BackTab));
    app.handle(key(KeyCode::Tab));
    assert_eq!(expanded(&app), [true, true]);
    app.handle(ctrl('o'));
    assert_eq!(expanded(&app), [false, false]);
    app.handle(ctrl('o'));
    assert_eq!(expanded(&app), [true, true]);
}

#[test]
fn streaming_and_tokens_update_state() {
    let mut app = app();
    chat(&mut app, model_delta("no begin first".into()));
    chat(&mut app, model_end(1_000, 234));
    assert_eq!(app.status.tokens_used, 1_234);
    assert_eq!(app.transcript.entries().len(), 1);
}

#[test]
fn no_input_panics_at_any_size() {
    let mut app = app();
    let events = [
        key(KeyCode::Backspace),
        key(KeyCode::Delete),
        key(KeyCode::Left),
        key(KeyCode::Right),
        key(KeyCode::Up),
        key(KeyCode::Down),
        key(KeyCode::PageUp),
        key(KeyCode::PageDown),
        key(KeyCode::Tab),
        key(KeyCode::BackTab),
        key(KeyCode::Enter),
        ctrl('r'),
        key(KeyCode::Char('日')),
        key(KeyCode::Esc),
        AppEvent::Paste("🦀\r\n\t\u{7}x".into()),
        AppEvent::ScrollUp,
        AppEvent::ScrollDown,
        AppEvent::Tick,
        key(KeyCode::Char('/')),
        key(KeyCode::Down),
        key(KeyCode::Up),
        key(KeyCode::Enter),
    ];
    let sizes = [
        (1, 1),
        (30, 8),
        (40, 10),
        (41, 11),
        (200, 5),
        (80, 24),
        (3, 40),
    ];
    for view in [KeyCode::F(1), KeyCode::F(2), KeyCode::F(3), KeyCode::F(4)] {
        app.handle(key(view));
        for event in events.iter().cloned() {
            app.handle(event);
            chat(&mut app, model_delta("```\n日本🦀\t".into()));
            for (width, height) in sizes {
                draw(&mut app, width, height);
            }
        }
    }
    approval(&mut app, "x");
    for (width, height) in sizes {
        draw(&mut app, width, height);
    }
}

#[test]
fn at_mentions_complete_repository_files() {
    let mut app = app();
    app.set_files(vec![
        "src/lib.rs".into(),
        "src/parser.rs".into(),
        "README.md".into(),
    ]);
    type_text(&mut app, "explain @pars");
    let names: Vec<String> = app.popup().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["src/parser.rs"]);
    app.handle(key(KeyCode::Tab));
    assert_eq!(app.editor.text(), "explain @src/parser.rs ");
    assert!(app.popup().is_empty(), "the mention is finished");
    type_text(&mut app, "and @");
    assert_eq!(app.popup().len(), 3);
}

#[test]
fn a_long_conversation_lays_out_only_what_is_near_the_window() {
    let mut app = app();
    long_conversation(&mut app, 2_000);
    let terminal = draw(&mut app, 80, 24);
    assert!(rows(&terminal).iter().any(|r| r.contains("answer 1999")));
    // Only a few screens' worth of lines are laid out, not 2,000 messages.
    assert!(
        app.layout_cache_lines() < 200,
        "{}",
        app.layout_cache_lines()
    );

    // Scrolling to the very top shows the first message, laid out on the way.
    for _ in 0..1_000 {
        app.handle(key(KeyCode::PageUp));
        draw(&mut app, 80, 24);
    }
    let terminal = draw(&mut app, 80, 24);
    let screen = rows(&terminal);
    assert!(
        screen.iter().any(|r| r.contains("question 0")),
        "{screen:?}"
    );
    assert!(screen.iter().any(|r| r.contains("answer 0")), "{screen:?}");
    // Back to the bottom.
    app.handle(AppEvent::Key(ctrl_end()));
    let terminal = draw(&mut app, 80, 24);
    assert!(rows(&terminal).iter().any(|r| r.contains("answer 1999")));
}

fn ctrl_end() -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(KeyCode::End, crossterm::event::KeyModifiers::CONTROL)
}

#[test]
fn the_tasks_view_reloads_on_ticks() {
    let mut app = app();
    let mut reloads = 0;
    for _ in 0..64 {
        reloads += app
            .handle(AppEvent::Tick)
            .iter()
            .filter(|c| **c == Command::LoadTasks)
            .count();
    }
    assert_eq!(reloads, 0, "not while chatting");
    app.handle(key(KeyCode::F(2)));
    for _ in 0..64 {
        reloads += app
            .handle(AppEvent::Tick)
            .iter()
            .filter(|c| **c == Command::LoadTasks)
            .count();
    }
    assert_eq!(reloads, 4);
}

#[test]
fn a_loaded_conversation_replaces_the_transcript_and_ends_the_busy_state() {
    let mut app = App::new(status());
    chat(&mut app, user_message("an old question".into()));
    let call = agent_models::ToolCall {
        id: "c1".into(),
        name: "read".into(),
        arguments: serde_json::json!({"path": "calc.py"}),
    };
    let mut assistant = agent_models::ChatMessage::assistant("Reading it.");
    assistant.tool_calls = vec![call.clone()];
    chat(
        &mut app,
        Event::ConversationLoaded {
            conversation_id: Some("3f9c".into()),
            messages: vec![
                agent_models::ChatMessage::user("what does calc.py do?"),
                assistant,
                agent_models::ChatMessage::tool_result(&call, "def add(a, b)"),
                agent_models::ChatMessage::assistant("It adds."),
            ],
        },
    );
    assert!(!app.busy);
    let screen = rows(&draw(&mut app, 80, 24)).join("\n");
    assert!(screen.contains("what does calc.py do?"), "{screen}");
    assert!(screen.contains("It adds."), "{screen}");
    assert!(screen.contains("read"), "{screen}");
    assert!(!screen.contains("an old question"), "{screen}");
}
