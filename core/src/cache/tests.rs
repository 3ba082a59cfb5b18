//! The answer cache through the one model-call path: a chat session on a scripted model and a
//! real store.

use std::sync::{Arc, Mutex};

use agent_models::{ChatEvent, ChatRequest, SamplingOptions};
use tokio::sync::watch;

use super::*;
use crate::chat::{ChatOptions, ChatSession};
use crate::config::{Approval, CacheConfig};
use crate::protocol::{CacheOutcome, Event};
use crate::store::StoreOptions;
use crate::task::NoTerminal;
use crate::testing::{Scripted, read, text};
use crate::tools::ToolSettings;
use crate::turn::{Limits, TurnOutcome};

struct Chat {
    _dir: tempfile::TempDir,
    session: ChatSession,
    seen: Arc<Mutex<Vec<ChatRequest>>>,
    events: Arc<Mutex<Vec<Event>>>,
}

const ON: CacheConfig = CacheConfig {
    enabled: true,
    ttl: 3600,
    prefill: true,
    prefill_max_mb: 512,
};

fn chat(
    replies: Vec<Vec<ChatEvent>>,
    temperature: f32,
    config: &CacheConfig,
    no_cache: bool,
) -> Chat {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("notes.txt"), "alpha\n").unwrap();
    let store = Store::open(&dir.path().join("agent.db"), &StoreOptions::default()).unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let events = Arc::new(Mutex::new(Vec::new()));
    let mut cache = CachePolicy::off();
    cache.configure(config, no_cache);
    let model = ModelTarget {
        backend: Arc::new(Scripted {
            replies: Mutex::new(replies),
            seen: seen.clone(),
        }),
        backend_name: "openai".into(),
        model: "tiny".into(),
        options: SamplingOptions {
            temperature: Some(temperature),
            ..SamplingOptions::default()
        },
        context_length: None,
        cache,
    };
    let sink_events = events.clone();
    let session = ChatSession::start(
        store,
        ChatOptions {
            repo_root: repo,
            model,
            approval: Approval::Auto,
            asker: Box::new(NoTerminal),
            tool_settings: ToolSettings::default(),
            user_prompts_dir: None,
            limits: Limits::default(),
            resume: None,
            bare: false,
            system: None,
            commands: Default::default(),
            mcp_servers: Vec::new(),
            web: None,
            map: Default::default(),
            gate: Default::default(),
        },
        Box::new(move |event: &Event| sink_events.lock().unwrap().push(event.clone())),
    )
    .unwrap();
    Chat {
        _dir: dir,
        session,
        seen,
        events,
    }
}

impl Chat {
    async fn ask(&mut self, question: &str) -> TurnOutcome {
        let (_tx, cancel) = watch::channel(false);
        self.session.new_conversation();
        self.session.send(question, cancel).await.unwrap().outcome
    }

    fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    /// The `cache` field of every model_end so far.
    fn cache_fields(&self) -> Vec<Option<CacheOutcome>> {
        self.events
            .lock()
            .unwrap()
            .iter()
            .filter_map(|event| match event {
                Event::ModelEnd { cache, .. } => Some(*cache),
                _ => None,
            })
            .collect()
    }

    /// (prompt tokens, completion tokens, cache) of every model_calls row, oldest first.
    fn calls(self) -> Vec<(Option<u64>, Option<u64>, Option<CacheOutcome>)> {
        let store = self.session.into_store();
        store
            .recent_model_calls(100)
            .unwrap()
            .into_iter()
            .map(|call| (call.prompt_tokens, call.completion_tokens, call.cache))
            .collect()
    }
}

fn completed(text: &str) -> TurnOutcome {
    TurnOutcome::Completed {
        final_text: text.into(),
    }
}

#[tokio::test]
async fn a_repeated_temperature_zero_turn_is_answered_from_the_store_tool_calls_and_all() {
    let mut chat = chat(
        vec![read("notes.txt"), text("It says alpha.")],
        0.0,
        &ON,
        false,
    );
    assert_eq!(
        chat.ask("what is in notes.txt?").await,
        completed("It says alpha.")
    );
    assert_eq!(chat.requests(), 2);
    // The same question in a new conversation: both requests are identical, both kept.
    assert_eq!(
        chat.ask("what is in notes.txt?").await,
        completed("It says alpha.")
    );
    assert_eq!(chat.requests(), 2, "a hit sends no request");
    let hit = Some(CacheOutcome::Hit);
    let miss = Some(CacheOutcome::Miss);
    assert_eq!(chat.cache_fields(), vec![miss, miss, hit, hit]);
    // The replayed tool call ran the tool again: its result is in the transcript.
    let tool_ends = chat
        .events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, Event::ToolCallEnd { ok: true, .. }))
        .count();
    assert_eq!(tool_ends, 2);
    let calls = chat.calls();
    assert_eq!(calls.len(), 4);
    assert_eq!(calls[1], (Some(10), Some(2), miss));
    assert_eq!(calls[2], (Some(0), Some(0), hit), "a hit spends no tokens");
    assert_eq!(calls[3], (Some(0), Some(0), hit));
}

#[tokio::test]
async fn a_sampled_request_always_asks_the_model() {
    let mut chat = chat(vec![text("one"), text("two")], 0.7, &ON, false);
    assert_eq!(chat.ask("hi").await, completed("one"));
    assert_eq!(chat.ask("hi").await, completed("two"));
    assert_eq!(chat.requests(), 2);
    assert_eq!(chat.cache_fields(), vec![None, None]);
}

#[tokio::test]
async fn no_cache_and_a_disabled_cache_ask_the_model_and_keep_nothing() {
    for (config, no_cache) in [
        (ON, true),
        (
            CacheConfig {
                enabled: false,
                ..ON
            },
            false,
        ),
    ] {
        let mut chat = chat(vec![text("one"), text("two")], 0.0, &config, no_cache);
        assert_eq!(chat.ask("hi").await, completed("one"));
        assert_eq!(chat.ask("hi").await, completed("two"));
        assert_eq!(chat.requests(), 2);
        let store = chat.session.into_store();
        assert_eq!(store.cache_stats(0).unwrap().entries, 0);
    }
}

#[tokio::test]
async fn an_answer_that_broke_off_is_not_kept() {
    // The first reply never finishes; the turn is cancelled; the next identical one asks again.
    let broken = vec![ChatEvent::TextDelta { text: "par".into() }];
    let mut chat = chat(vec![broken, text("whole")], 0.0, &ON, false);
    let (tx, cancel) = watch::channel(false);
    chat.session.new_conversation();
    let turn = chat.session.send("hi", cancel);
    let cancel_soon = async {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        tx.send(true).unwrap();
    };
    let (outcome, ()) = tokio::join!(turn, cancel_soon);
    assert_eq!(outcome.unwrap().outcome, TurnOutcome::Cancelled);
    assert_eq!(chat.ask("hi").await, completed("whole"));
    assert_eq!(chat.requests(), 2);
    assert_eq!(chat.ask("hi").await, completed("whole"));
    assert_eq!(chat.requests(), 2, "the whole answer was kept");
}

#[test]
fn an_expired_answer_is_not_served_and_is_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("agent.db"), &StoreOptions::default()).unwrap();
    store
        .keep_answer(
            "k",
            "openai",
            "tiny",
            r#"{"events":[],"done":"stop"}"#,
            1_000,
        )
        .unwrap();
    assert!(store.cached_answer("k", 500, 2_000).unwrap().is_some());
    assert!(store.cached_answer("k", 1_001, 2_000).unwrap().is_none());
    assert_eq!(store.cache_stats(0).unwrap().entries, 0);
}

#[test]
fn the_kept_answer_is_redacted_like_every_text_of_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("agent.db"), &StoreOptions::default()).unwrap();
    store.set_redactor(Arc::new(crate::redact::Redactor::new([
        "sekrit-value-123456",
    ])));
    let answer = CachedAnswer {
        events: vec![ChatEvent::TextDelta {
            text: "the token is sekrit-value-123456".into(),
        }],
        usage: None,
        done: agent_models::DoneReason::Stop,
    };
    let json = serde_json::to_string(&answer).unwrap();
    store.keep_answer("k", "openai", "tiny", &json, 1).unwrap();
    let kept = store.cached_answer("k", 0, 2).unwrap().unwrap();
    assert!(!kept.contains("sekrit-value-123456"), "{kept}");
}
