//! Tests of the chat app driven only by `AppEvent`s: key handling and state transitions
//! (`keys.rs`) and `TestBackend` screens snapshotted with insta (`screens.rs`).

mod keys;
mod screens;

use agent_core::protocol::{Event, EventEnvelope, SCHEMA_VERSION};
use agent_core::store::TaskRecord;
use agent_core::task::TaskStatus;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{App, AppEvent, StatusInfo};

fn status() -> StatusInfo {
    StatusInfo {
        model: "qwen2.5-coder:7b".into(),
        strategy: "single-shot".into(),
        tokens_used: 0,
        context_length: 32_768,
        repo: "~/src/agent".into(),
        budget: None,
    }
}

fn app() -> App {
    App::new(status())
}

fn key(code: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn with(modifiers: KeyModifiers, code: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(code, modifiers))
}

fn ctrl(c: char) -> AppEvent {
    with(KeyModifiers::CONTROL, KeyCode::Char(c))
}

/// Types `text` key by key; returns every command that came out.
fn type_text(app: &mut App, text: &str) -> Vec<super::Command> {
    text.chars()
        .flat_map(|c| app.handle(key(KeyCode::Char(c))))
        .collect()
}

fn chat(app: &mut App, event: Event) {
    assert!(app.handle(AppEvent::Chat(event)).is_empty());
}

/// The chat events of a turn, as the core sends them.
fn user_message(prompt: String) -> Event {
    Event::TurnBegin { prompt }
}

fn model_begin() -> Event {
    Event::ModelBegin {
        id: "m1".into(),
        role: agent_core::protocol::AgentRole::Chat,
        model: "qwen2.5-coder:7b".into(),
        turn: 1,
        messages: 2,
        estimated_prompt_tokens: 100,
    }
}

fn model_delta(text: String) -> Event {
    Event::ModelDelta {
        id: "m1".into(),
        text,
    }
}

fn model_end(prompt_tokens: u32, completion_tokens: u32) -> Event {
    Event::ModelEnd {
        id: "m1".into(),
        reason: agent_core::protocol::FinishReason::Stop,
        prompt_tokens,
        completion_tokens,
        duration_ms: 10,
        decode_tokens_per_second: None,
        cache: None,
        reused_prompt_tokens: 0,
    }
}

fn turn_end() -> Event {
    Event::TurnEnd {
        outcome: agent_core::protocol::TurnEndOutcome::Completed,
        total_prompt_tokens: 0,
        total_completion_tokens: 0,
    }
}

fn draw(app: &mut App, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| app.render(frame)).unwrap();
    terminal
}

/// The screen's rows as text.
fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in 0..buffer.area.width {
                let symbol = buffer.cell((x, y)).map_or(" ", |c| c.symbol());
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                skip = crate::text::display_width(symbol).saturating_sub(1);
                row.push_str(symbol);
            }
            row
        })
        .collect()
}

fn envelope(task_id: &str, seq: u64, event: Event) -> AppEvent {
    AppEvent::Task(EventEnvelope {
        v: SCHEMA_VERSION,
        task_id: task_id.into(),
        chat_id: None,
        seq,
        at: 1_795_000_000_000 + seq as i64 * 1_000,
        event,
    })
}

fn task_record(id: &str, title: &str, status: TaskStatus, strategy: &str) -> TaskRecord {
    TaskRecord {
        id: id.into(),
        title: title.into(),
        description: title.into(),
        repo: "/src/agent".into(),
        base_commit: None,
        branch: None,
        worktree: None,
        strategy: Some(strategy.into()),
        complexity: None,
        model: Some("qwen2.5-coder:7b".into()),
        backend: Some("ollama".into()),
        approval: None,
        verify_command: None,
        status,
        summary: None,
        error: None,
        diff_stat: None,
        commit_id: None,
        prompt_tokens: 0,
        completion_tokens: 0,
        created_at: 1_795_000_000_000,
        started_at: None,
        finished_at: None,
        retry_of: None,
        spec: None,
        pid: None,
        cancel_requested_at: None,
        applied_commit: None,
        applied_to: None,
        applied_at: None,
        undone_at: None,
        complexity_confidence: None,
        selection_reason: None,
        iterations: None,
        review_rounds: None,
        plan: None,
        context_length: None,
    }
}
