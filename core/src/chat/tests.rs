//! The chat session against an in-process scripted model: tool use on a real directory,
//! messages kept in a real store, resume, and cancel.

use std::sync::{Arc, Mutex};

use agent_models::{ChatEvent, ChatRequest, Role};
use tokio::sync::watch;

use super::*;
use crate::config::Approval;
use crate::protocol::Event;
use crate::store::Store;
use crate::task::NoTerminal;
use crate::task::context::ModelTarget;
use crate::testing::{Scripted, read, text};
use crate::tools::ToolSettings;
use crate::turn::{Limits, TurnOutcome};

struct Setup {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    repo: std::path::PathBuf,
    seen: Arc<Mutex<Vec<ChatRequest>>>,
    events: Arc<Mutex<Vec<Event>>>,
}

fn session(
    replies: Vec<Vec<ChatEvent>>,
    resume: Option<String>,
    setup: Option<Setup>,
) -> (ChatSession, Setup) {
    session_with(replies, resume, setup, Vec::new(), Default::default())
}

fn session_with_mcp(
    replies: Vec<Vec<ChatEvent>>,
    resume: Option<String>,
    setup: Option<Setup>,
    mcp_servers: Vec<crate::config::McpServerConfig>,
) -> (ChatSession, Setup) {
    session_with(replies, resume, setup, mcp_servers, Default::default())
}

fn gated_session(
    replies: Vec<Vec<ChatEvent>>,
    resume: Option<String>,
    setup: Option<Setup>,
    gate: crate::task::ModelGate,
) -> (ChatSession, Setup) {
    session_with(replies, resume, setup, Vec::new(), gate)
}

fn session_with(
    replies: Vec<Vec<ChatEvent>>,
    resume: Option<String>,
    setup: Option<Setup>,
    mcp_servers: Vec<crate::config::McpServerConfig>,
    gate: crate::task::ModelGate,
) -> (ChatSession, Setup) {
    let setup = setup.unwrap_or_else(|| {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        std::fs::write(repo.join("notes.txt"), "alpha\nbeta\n").unwrap();
        Setup {
            db: dir.path().join("agent.db"),
            repo,
            _dir: dir,
            seen: Arc::default(),
            events: Arc::default(),
        }
    });
    let store = Store::open(&setup.db, &crate::store::StoreOptions::default()).unwrap();
    let backend = Scripted {
        replies: Mutex::new(replies),
        seen: setup.seen.clone(),
    };
    let events = setup.events.clone();
    let session = ChatSession::start(
        store,
        ChatOptions {
            repo_root: setup.repo.clone(),
            model: ModelTarget {
                backend: Arc::new(backend),
                backend_name: "openai".into(),
                model: "tiny".into(),
                options: Default::default(),
                context_length: None,
                cache: crate::cache::CachePolicy::off(),
            },
            approval: Approval::Auto,
            asker: Box::new(NoTerminal),
            tool_settings: ToolSettings::default(),
            user_prompts_dir: None,
            limits: Limits::default(),
            resume,
            bare: false,
            system: None,
            commands: Default::default(),
            mcp_servers,
            web: None,
            map: Default::default(),
            gate,
        },
        Box::new(move |event: &Event| events.lock().unwrap().push(event.clone())),
    )
    .unwrap();
    (session, setup)
}

#[tokio::test]
async fn a_turn_uses_tools_and_every_message_is_stored() {
    let (mut chat, setup) = session(
        vec![read("notes.txt"), text("It lists alpha and beta.")],
        None,
        None,
    );
    let (_tx, cancel) = watch::channel(false);
    let turn = chat.send("what is in notes.txt?", cancel).await.unwrap();
    assert_eq!(
        turn.outcome,
        TurnOutcome::Completed {
            final_text: "It lists alpha and beta.".into()
        }
    );
    // The second request carried the file, read from the repository.
    let seen = setup.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(
        seen[0].messages[0]
            .content
            .starts_with("You are agent, a coding assistant")
    );
    assert!(seen[1].messages.iter().any(|m| m.content.contains("alpha")));
    drop(seen);
    let kinds: Vec<&str> = setup
        .events
        .lock()
        .unwrap()
        .iter()
        .map(|e| e.kind())
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    assert!(kinds.contains(&"tool_call_end"), "{kinds:?}");

    let id = chat.conversation_id().unwrap().to_string();
    let store = chat.into_store();
    let stored = store.messages(&id).unwrap();
    let roles: Vec<Role> = stored.iter().map(|m| m.role).collect();
    assert_eq!(
        roles,
        [Role::User, Role::Assistant, Role::Tool, Role::Assistant]
    );
    assert!(
        stored[1]
            .tool_calls
            .as_deref()
            .unwrap()
            .contains("notes.txt")
    );
    assert_eq!(stored[2].tool_call_id.as_deref(), Some("c1"));
    assert_eq!(
        store.conversation(&id).unwrap().title,
        "what is in notes.txt?"
    );
}

#[tokio::test]
async fn a_resumed_conversation_sends_its_history_again() {
    let (mut chat, setup) = session(vec![text("Hello!")], None, None);
    let (_tx, cancel) = watch::channel(false);
    chat.send("hi", cancel.clone()).await.unwrap();
    let id = chat.conversation_id().unwrap().to_string();
    drop(chat);

    let (mut resumed, setup) = session(
        vec![text("You said hi.")],
        Some(id[..6].to_string()),
        Some(setup),
    );
    assert_eq!(resumed.history().len(), 2);
    resumed.send("what did I say?", cancel).await.unwrap();
    let seen = setup.seen.lock().unwrap();
    let last = seen.last().unwrap();
    let contents: Vec<&str> = last
        .messages
        .iter()
        .skip(1)
        .map(|m| m.content.as_str())
        .collect();
    assert_eq!(contents, ["hi", "Hello!", "what did I say?"]);
    drop(seen);
    assert_eq!(resumed.conversation_id(), Some(id.as_str()));
    assert_eq!(resumed.into_store().messages(&id).unwrap().len(), 4);
}

#[tokio::test]
async fn cancelling_a_stalled_turn_keeps_the_question_and_what_was_shown() {
    let partial = vec![ChatEvent::TextDelta {
        text: "Yes, I am".into(),
    }];
    let (mut chat, _setup) = session(vec![partial], None, None);
    let (tx, cancel) = watch::channel(false);
    let stop = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        tx.send(true).unwrap();
    });
    let turn = chat.send("are you there?", cancel).await.unwrap();
    stop.await.unwrap();
    assert_eq!(turn.outcome, TurnOutcome::Cancelled);
    let id = chat.conversation_id().unwrap().to_string();
    let stored = chat.into_store().messages(&id).unwrap();
    assert_eq!(
        stored.len(),
        2,
        "the question and the (empty) interrupted reply"
    );
    assert_eq!(stored[0].content, "are you there?");
}

#[tokio::test]
async fn resume_switches_a_running_session_to_a_stored_conversation() {
    let (mut chat, setup) = session(vec![text("First."), text("Second.")], None, None);
    let (_tx, cancel) = watch::channel(false);
    chat.send("one", cancel.clone()).await.unwrap();
    let first = chat.conversation_id().unwrap().to_string();
    chat.new_conversation();
    chat.send("two", cancel).await.unwrap();
    assert_ne!(chat.conversation_id(), Some(first.as_str()));
    let history = chat.resume(&first).unwrap();
    let contents: Vec<&str> = history.iter().map(|m| m.content.as_str()).collect();
    assert_eq!(contents, ["one", "First."]);
    assert_eq!(chat.conversation_id(), Some(first.as_str()));
    assert!(chat.resume("nope").is_err());
    drop(setup);
}

#[tokio::test]
async fn compact_replaces_the_conversation_with_its_summary() {
    let (mut chat, setup) = session(
        vec![
            text("Done."),
            text("- goal: fix add\n- done: calc.py"),
            text("Next?"),
        ],
        None,
        None,
    );
    let (_tx, cancel) = watch::channel(false);
    chat.send("fix add", cancel.clone()).await.unwrap();
    let old = chat.conversation_id().unwrap().to_string();
    let summary = chat.compact(cancel.clone()).await.unwrap();
    assert_eq!(summary, "- goal: fix add\n- done: calc.py");
    let new = chat.conversation_id().unwrap().to_string();
    assert_ne!(new, old);
    chat.send("what now?", cancel).await.unwrap();
    // The next request carries only the summary, not the old turns.
    let seen = setup.seen.lock().unwrap();
    let last: Vec<&str> = seen
        .last()
        .unwrap()
        .messages
        .iter()
        .skip(1)
        .map(|m| m.content.as_str())
        .collect();
    assert_eq!(last.len(), 3);
    assert!(last[0].starts_with("Summarize our conversation"));
    assert_eq!(last[1], "- goal: fix add\n- done: calc.py");
    assert_eq!(last[2], "what now?");
    drop(seen);
    let store = chat.into_store();
    assert!(
        store
            .conversation(&new)
            .unwrap()
            .title
            .starts_with("Compacted: fix add")
    );
    assert_eq!(store.messages(&old).unwrap().len(), 2);
}

#[tokio::test]
async fn replies_and_tool_results_are_stored_while_the_turn_still_runs() {
    let (mut chat, setup) = session(vec![read("notes.txt")], None, None);
    let (tx, cancel) = watch::channel(false);
    let running = tokio::spawn(async move {
        let turn = chat.send("read the notes", cancel).await.unwrap();
        (turn, chat)
    });
    // The second request stalls; by then the reply with the tool call and its result are stored.
    let reader = Store::open(&setup.db, &crate::store::StoreOptions::default()).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let stored = loop {
        let conversations = reader
            .list_conversations(&crate::store::ListQuery {
                limit: 1,
                cursor: None,
                before: None,
                since: None,
                repo: None,
            })
            .unwrap();
        if let Some(summary) = conversations.items.first() {
            let messages = reader.messages(&summary.conversation.id).unwrap();
            if messages.len() >= 3 {
                break messages;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "messages were not stored during the turn"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(
        stored.iter().map(|m| m.role).collect::<Vec<_>>(),
        [Role::User, Role::Assistant, Role::Tool]
    );
    assert!(stored[2].content.contains("alpha"));
    tx.send(true).unwrap();
    let (turn, chat) = running.await.unwrap();
    assert_eq!(turn.outcome, TurnOutcome::Cancelled);
    assert_eq!(chat.history().len(), 3);
}

#[tokio::test]
async fn a_chat_offers_mcp_tools_and_calls_them() {
    use crate::config::{McpApproval, McpServerConfig, McpTransport, Origin};
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/mcp_server.py")
        .display()
        .to_string();
    let server = McpServerConfig {
        name: "notes".into(),
        transport: McpTransport::Stdio {
            command: "python3".into(),
            args: vec![script],
            env: Vec::new(),
            cwd: None,
        },
        startup_timeout: std::time::Duration::from_secs(30),
        call_timeout: std::time::Duration::from_secs(30),
        enabled_tools: None,
        disabled_tools: Vec::new(),
        approval: McpApproval::Ask,
        enabled: true,
        origin: Origin::Default,
    };
    let call = vec![
        ChatEvent::ToolCall {
            call: agent_models::ToolCall {
                id: "m1".into(),
                name: "mcp".into(),
                arguments: serde_json::json!({"tool": "notes.add", "arguments": {"a": 2, "b": 3}}),
            },
        },
        ChatEvent::Done {
            reason: agent_models::DoneReason::ToolCalls,
        },
    ];
    let (mut chat, setup) =
        session_with_mcp(vec![call, text("2 + 3 = 5")], None, None, vec![server]);
    let (_tx, cancel) = watch::channel(false);
    chat.send("add 2 and 3", cancel).await.unwrap();
    let seen = setup.seen.lock().unwrap();
    let mcp = seen[0]
        .tools
        .iter()
        .find(|tool| tool.name == "mcp")
        .unwrap();
    assert!(
        mcp.description.contains("notes: echo"),
        "{}",
        mcp.description
    );
    let result = seen[1].messages.last().unwrap();
    assert!(
        result
            .content
            .contains("untrusted text from the MCP tool notes.add")
            && result.content.contains("\n5\n"),
        "{}",
        result.content
    );
}

#[tokio::test]
async fn a_budget_stops_the_turn_before_its_request_with_the_limit_event() {
    let config = crate::config::Config {
        budget: crate::config::BudgetConfig {
            task_tokens: 10,
            ..Default::default()
        },
        ..Default::default()
    };
    let gate = crate::task::ModelGate::new(&config, None);
    let (mut chat, setup) = gated_session(vec![text("never sent")], None, None, gate);
    let (_tx, cancel) = watch::channel(false);
    let turn = chat.send("what is in notes.txt?", cancel).await.unwrap();
    let TurnOutcome::Limit(hit) = turn.outcome else {
        panic!("{:?}", turn.outcome)
    };
    assert_eq!(hit.kind, crate::protocol::LimitKind::TaskTokens);
    assert!(setup.seen.lock().unwrap().is_empty(), "a request was sent");
    let events = setup.events.lock().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.kind()).collect();
    assert!(!kinds.contains(&"model_begin"), "{kinds:?}");
    let at = kinds.iter().position(|k| *k == "limit_reached").unwrap();
    assert_eq!(kinds[at + 1], "turn_end");
    assert!(matches!(
        &events[at + 1],
        Event::TurnEnd {
            outcome: crate::protocol::TurnEndOutcome::Limit,
            ..
        }
    ));
}

#[tokio::test]
async fn a_slow_turn_sends_the_next_ones_to_the_fallback_and_says_so() {
    let slow = vec![
        ChatEvent::TextDelta {
            text: "slowly".into(),
        },
        ChatEvent::Usage {
            usage: agent_models::Usage {
                prompt_tokens: 10,
                completion_tokens: 20,
                completion_duration: Some(std::time::Duration::from_secs(10)),
                ..Default::default()
            },
        },
        ChatEvent::Done {
            reason: agent_models::DoneReason::Stop,
        },
    ];
    let fallback_seen = Arc::new(Mutex::new(Vec::new()));
    let fallback = ModelTarget {
        backend: Arc::new(Scripted {
            replies: Mutex::new(vec![text("quickly")]),
            seen: fallback_seen.clone(),
        }),
        backend_name: "openai".into(),
        model: "big".into(),
        options: Default::default(),
        context_length: None,
        cache: crate::cache::CachePolicy::off(),
    };
    let config = crate::config::Config {
        fallback: crate::config::FallbackConfig {
            min_tokens_per_second: 5,
            ..Default::default()
        },
        ..Default::default()
    };
    let gate = crate::task::ModelGate::new(&config, Some(fallback));
    let (mut chat, setup) = gated_session(vec![slow], None, None, gate);
    let (_tx, cancel) = watch::channel(false);
    chat.send("first", cancel.clone()).await.unwrap();
    let turn = chat.send("second", cancel).await.unwrap();
    assert_eq!(
        turn.outcome,
        TurnOutcome::Completed {
            final_text: "quickly".into()
        }
    );
    assert_eq!(setup.seen.lock().unwrap().len(), 1);
    assert_eq!(fallback_seen.lock().unwrap().len(), 1);
    assert_eq!(fallback_seen.lock().unwrap()[0].model, "big");
    let events = setup.events.lock().unwrap();
    let used: Vec<&Event> = events
        .iter()
        .filter(|e| e.kind() == "fallback_used")
        .collect();
    assert_eq!(used.len(), 1);
    let Event::FallbackUsed {
        reason, from, to, ..
    } = used[0]
    else {
        unreachable!()
    };
    assert_eq!(*reason, crate::protocol::FallbackReason::Slow);
    assert_eq!((from.as_str(), to.as_str()), ("openai:tiny", "openai:big"));
}
