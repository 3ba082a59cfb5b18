//! Render benchmark: a 10,000-message conversation (Markdown, code blocks, tool calls) drawn into
//! a 120×40 `TestBackend`, then 200 frames while scrolling (PageUp, PageDown, mouse wheel) and
//! 50 frames while an answer streams in at the bottom. Prints the first (full layout) frame,
//! mean / p95 / max frame times in ms and the size of the layout cache.
//!
//! `cargo bench -p agent-tui --bench render` runs it in release; run without `--bench` (as
//! `cargo test --benches` does) it uses 500 messages as a smoke check. `AGENT_BENCH_MESSAGES`
//! sets the count.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use agent_core::protocol::Event;
use agent_tui::app::{App, AppEvent, StatusInfo};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let messages: usize = std::env::var("AGENT_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 10_000 } else { 500 });

    let build_start = Instant::now();
    let mut app = App::new(StatusInfo {
        model: "qwen2.5-coder:7b".into(),
        strategy: "single-shot".into(),
        tokens_used: 12_000,
        context_length: 32_768,
        repo: "~/src/agent".into(),
        budget: None,
    });
    for update in conversation(messages) {
        app.handle(AppEvent::Chat(update));
    }
    let build = build_start.elapsed();

    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap();
    let first_start = Instant::now();
    terminal.draw(|frame| app.render(frame)).unwrap();
    let first = first_start.elapsed();

    // 200 frames: up by pages and wheel steps, then back down.
    let mut scrolling = Vec::with_capacity(200);
    for i in 0..200 {
        let event = match i {
            0..=79 => key(KeyCode::PageUp),
            80..=119 => AppEvent::ScrollUp,
            _ => key(KeyCode::PageDown),
        };
        let start = Instant::now();
        app.handle(event);
        terminal.draw(|frame| app.render(frame)).unwrap();
        scrolling.push(start.elapsed());
    }

    // 50 frames of an answer streaming in at the bottom (its entry is laid out again each time).
    app.handle(key(KeyCode::End));
    app.handle(AppEvent::Chat(model_begin()));
    let mut streaming = Vec::with_capacity(50);
    for i in 0..50 {
        let start = Instant::now();
        app.handle(AppEvent::Chat(model_delta(format!(
            "word{i} and **more** `code` "
        ))));
        terminal.draw(|frame| app.render(frame)).unwrap();
        streaming.push(start.elapsed());
    }

    println!(
        "render benchmark: {messages} messages, {WIDTH}×{HEIGHT} TestBackend ({} build)",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!("building the conversation: {:.1} ms", ms(build));
    println!(
        "first frame (lays out what is near the window): {:.1} ms",
        ms(first)
    );
    report("scrolling, 200 frames", &mut scrolling);
    report("streaming, 50 frames", &mut streaming);
    println!(
        "layout cache: {} lines for {messages} messages",
        app.layout_cache_lines()
    );
}

fn key(code: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let total: Duration = times.iter().sum();
    let mean = ms(total) / times.len().max(1) as f64;
    let p95 = times
        .get((times.len() * 95 / 100).min(times.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default();
    let max = times.last().copied().unwrap_or_default();
    println!(
        "{what}: mean {mean:.3} ms, p95 {:.3} ms, max {:.3} ms",
        ms(p95),
        ms(max)
    );
}

/// A deterministic mix: prompts, Markdown answers with lists and code, tool calls (some diffs).
fn conversation(messages: usize) -> Vec<Event> {
    let mut updates = Vec::new();
    let mut count = 0;
    let mut turn = 0usize;
    while count < messages {
        updates.push(user_message(format!(
            "Question {turn}: why does module_{turn} fail when the input is empty? 日本語 🦀"
        )));
        count += 1;
        if turn.is_multiple_of(3) && count < messages {
            let id = format!("call-{turn}");
            updates.push(Event::ToolCallBegin {
                id: id.clone(),
                name: if turn.is_multiple_of(2) {
                    "read"
                } else {
                    "edit"
                }
                .into(),
                arguments: serde_json::json!({"path": format!("src/module_{turn}.rs")}),
            });
            let output = if turn.is_multiple_of(2) {
                (1..=40)
                    .map(|l| format!("{l:>4} let value_{l} = compute({l});\n"))
                    .collect()
            } else {
                format!(
                    "--- a/src/module_{turn}.rs\n+++ b/src/module_{turn}.rs\n@@ -1,3 +1,3 @@\n fn f() {{\n-    s[0]\n+    s.chars().next()\n }}\n"
                )
            };
            updates.push(Event::ToolCallEnd {
                name: String::new(),
                diff: None,
                id,
                ok: true,
                output,
                changed_paths: Vec::new(),
            });
            count += 1;
        }
        if count < messages {
            updates.push(model_begin());
            updates.push(model_delta(format!(
                "## Answer {turn}\n\nThe function indexes the string **without** checking its \
                 length, so an empty input panics. Here is what to change:\n\n\
                 1. Check for the *empty* case first\n2. Return an `Option` instead\n\
                 - keep the public signature\n- add a test for `\"\"`\n\n\
                 ```rust\nfn first(s: &str) -> Option<char> {{\n    // no panic here\n    \
                 s.chars().next()\n}}\n```\n\nSee [the docs](https://doc.rust-lang.org) for more."
            )));
            updates.push(model_end(1_000, 200));
            count += 1;
        }
        turn += 1;
    }
    updates
}

fn user_message(prompt: String) -> Event {
    Event::TurnBegin { prompt }
}

fn model_begin() -> Event {
    Event::ModelBegin {
        id: "m".into(),
        role: agent_core::protocol::AgentRole::Chat,
        model: "bench".into(),
        turn: 1,
        messages: 1,
        estimated_prompt_tokens: 0,
    }
}

fn model_delta(text: String) -> Event {
    Event::ModelDelta {
        id: "m".into(),
        text,
    }
}

fn model_end(prompt_tokens: u32, completion_tokens: u32) -> Event {
    Event::ModelEnd {
        id: "m".into(),
        reason: agent_core::protocol::FinishReason::Stop,
        prompt_tokens,
        completion_tokens,
        duration_ms: 1,
        decode_tokens_per_second: None,
        cache: None,
        reused_prompt_tokens: 0,
    }
}
