//! The redactor's cost per task event: `cargo bench -p agent-core --bench redact`. An 8 KB
//! `run` output (an `env`-like listing and build log) with and without a secret in it, through
//! `Redactor::redact`, and through what `Store::append_task_event` does (serialize, look, and
//! only on a hit redact every string and read the event back).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use agent_core::protocol::{Event, EventEnvelope};
use agent_core::redact::Redactor;

const KEY: &str = "sk-test-0123456789abcdef";

/// About 8 KB of what a `run` call prints: environment lines and compiler output.
fn payload(with_secret: bool) -> String {
    let mut text = String::new();
    let mut line = 0;
    while text.len() < 8 * 1024 {
        line += 1;
        text.push_str(&format!(
            "   Compiling crate-{line} v0.{line}.0 (/home/dev/src/project/crates/crate-{line})\n\
             VAR_{line}=/usr/local/lib/something/{line}:/usr/lib/x86_64-linux-gnu\n"
        ));
        if with_secret && line == 40 {
            text.push_str(&format!("OPENAI_API_KEY={KEY}\n"));
        }
    }
    text
}

fn redactor(secrets: usize) -> Redactor {
    let mut values = vec![
        KEY.to_string(),
        "AKIAIOSFODNN7EXAMPLEwJalrXUtnFEMI/K7MDENG".to_string(),
        "ghp_0123456789abcdefghijklmnopqrstuvwxyz".to_string(),
    ];
    for i in values.len()..secrets {
        values.push(format!("secret-value-{i:04}-abcdefgh"));
    }
    Redactor::new(values)
}

fn event(output: &str) -> Event {
    Event::ToolCallEnd {
        id: "call_1".into(),
        name: "run".into(),
        ok: true,
        output: output.to_string(),
        changed_paths: Vec::new(),
        diff: None,
    }
}

/// What the store does with an event before writing it.
fn store_path(redactor: Option<&Redactor>, event: &Event) -> String {
    let envelope = EventEnvelope {
        v: 1,
        task_id: "0123456789abcdef".into(),
        chat_id: None,
        seq: 12,
        at: 1_700_000_000_000,
        event: event.clone(),
    };
    let payload = serde_json::to_string(&envelope).unwrap();
    match redactor {
        Some(redactor) if redactor.finds(&payload) => {
            let mut value = serde_json::to_value(&envelope).unwrap();
            redactor.redact_value(&mut value);
            let back: EventEnvelope = serde_json::from_value(value.clone()).unwrap();
            black_box(back);
            serde_json::to_string(&value).unwrap()
        }
        _ => payload,
    }
}

fn time(name: &str, mut f: impl FnMut()) {
    for _ in 0..200 {
        f();
    }
    let mut runs = 0u32;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(700) {
        f();
        runs += 1;
    }
    let per = start.elapsed() / runs;
    println!("{name:<58} {:>9.2} µs", per.as_secs_f64() * 1e6);
}

fn main() {
    let clean = payload(false);
    let dirty = payload(true);
    println!("payload: {} bytes", clean.len());
    for secrets in [3, 50] {
        let r = redactor(secrets);
        println!("-- {secrets} secrets");
        time("redact, no secret in it", || {
            black_box(r.redact(black_box(&clean)));
        });
        time("redact, one secret in it", || {
            black_box(r.redact(black_box(&dirty)));
        });
    }
    let r = redactor(3);
    let (clean_event, dirty_event) = (event(&clean), event(&dirty));
    println!("-- an event as the store writes it (3 secrets)");
    time("serialize only (no redactor)", || {
        black_box(store_path(None, black_box(&clean_event)));
    });
    time("serialize + look, no secret", || {
        black_box(store_path(Some(&r), black_box(&clean_event)));
    });
    time("serialize + look + redact + read back, one secret", || {
        black_box(store_path(Some(&r), black_box(&dirty_event)));
    });
    let redacted = store_path(Some(&r), &dirty_event);
    assert!(redacted.contains("OPENAI_API_KEY=[redacted]") && !redacted.contains(KEY));
}
