//! Task rows, their event logs, cancel requests, apply/undo bookkeeping and edit outcomes.

use super::*;
use crate::protocol::{Event, TaskStatusChange};

fn store_with_task(id: &str) -> Store {
    let store = Store::open_in_memory().unwrap();
    store
        .create_task(&NewTask {
            id,
            title: "Fix the parser",
            description: "Fix the parser\nIt drops the last token.",
            repo: "/src/proj",
            strategy: "single",
            model: "tiny",
            backend: "openai",
            approval: "auto",
            spec_json: "{}",
            retry_of: None,
        })
        .unwrap();
    store
}

#[test]
fn a_new_task_is_pending_and_resolvable_by_prefix() {
    let store = store_with_task("abcdef0123456789");
    let task = store.task("abcdef0123456789").unwrap();
    assert_eq!(task.status, TaskStatus::Pending);
    assert_eq!(task.model.as_deref(), Some("tiny"));
    assert_eq!(store.resolve_task_id("abcd").unwrap(), "abcdef0123456789");
    assert!(matches!(
        store.resolve_task_id("zz"),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        store.resolve_task_id(""),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn status_changes_follow_the_life_cycle_and_stamp_times() {
    let mut store = store_with_task("t1");
    assert_eq!(
        store.set_task_status("t1", TaskStatus::Running).unwrap(),
        TaskStatus::Pending
    );
    assert!(store.task("t1").unwrap().started_at.is_some());
    assert!(matches!(
        store.set_task_status("t1", TaskStatus::Pending),
        Err(Error::InvalidTransition { .. })
    ));
    store.set_task_status("t1", TaskStatus::Succeeded).unwrap();
    let task = store.task("t1").unwrap();
    assert!(task.finished_at.is_some());
    let refused = store.set_task_status("t1", TaskStatus::Failed).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "task t1 cannot go from succeeded to failed"
    );
    assert_eq!(store.task("t1").unwrap().status, TaskStatus::Succeeded);
}

#[test]
fn events_get_consecutive_sequence_numbers_and_read_back_in_order() {
    let mut store = store_with_task("t1");
    for to in [TaskStatus::Running, TaskStatus::Verifying] {
        let envelope = store
            .append_task_event(
                "t1",
                Event::TaskStatus(TaskStatusChange {
                    from: TaskStatus::Pending,
                    to,
                    reason: None,
                }),
            )
            .unwrap();
        assert_eq!(envelope.v, SCHEMA_VERSION);
    }
    store
        .append_task_event(
            "t1",
            Event::Error {
                message: "x".into(),
                hint: None,
                class: None,
            },
        )
        .unwrap();
    let events = store.task_events("t1", 0).unwrap();
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(store.task_events("t1", 2).unwrap().len(), 1);
    assert!(store.task_events("other", 0).unwrap().is_empty());
    let kind: String = store
        .conn
        .query_row(
            "SELECT kind FROM task_events WHERE task_id = 't1' AND seq = 3",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kind, "error");
}

#[test]
fn an_event_for_an_unknown_task_is_refused() {
    let mut store = Store::open_in_memory().unwrap();
    let result = store.append_task_event(
        "missing",
        Event::Error {
            message: "x".into(),
            hint: None,
            class: None,
        },
    );
    assert!(result.is_err());
}

#[test]
fn cancel_requests_are_recorded_once() {
    let store = store_with_task("t1");
    assert!(!store.task_cancel_requested("t1").unwrap());
    store.request_task_cancel("t1").unwrap();
    let first = store.task("t1").unwrap().cancel_requested_at;
    store.request_task_cancel("t1").unwrap();
    assert!(store.task_cancel_requested("t1").unwrap());
    assert_eq!(store.task("t1").unwrap().cancel_requested_at, first);
}

#[test]
fn the_last_applied_task_is_the_newest_not_undone_in_that_repo() {
    let store = store_with_task("t1");
    assert!(store.last_applied_task("/src/proj").unwrap().is_none());
    store.mark_task_applied("t1", "/src/proj", "c1").unwrap();
    let last = store.last_applied_task("/src/proj").unwrap().unwrap();
    assert_eq!(last.applied_commit.as_deref(), Some("c1"));
    assert!(store.last_applied_task("/elsewhere").unwrap().is_none());
    store.mark_task_undone("t1").unwrap();
    assert!(store.last_applied_task("/src/proj").unwrap().is_none());
}

#[test]
fn edit_outcomes_accumulate_per_model_and_form() {
    let store = Store::open_in_memory().unwrap();
    store
        .record_edit_outcome("ollama", "qwen", "search_replace", true)
        .unwrap();
    store
        .record_edit_outcome("ollama", "qwen", "search_replace", false)
        .unwrap();
    store
        .record_edit_outcome("ollama", "qwen", "search_replace", true)
        .unwrap();
    store
        .record_edit_outcome("ollama", "qwen", "whole_file", true)
        .unwrap();
    let stats = store.edit_outcomes().unwrap();
    assert_eq!(stats.len(), 2);
    assert_eq!(
        (stats[0].form.as_str(), stats[0].applied, stats[0].failed),
        ("search_replace", 2, 1)
    );
    assert_eq!(
        (stats[1].form.as_str(), stats[1].applied, stats[1].failed),
        ("whole_file", 1, 0)
    );
}

#[test]
fn the_ending_and_the_diff_stat_round_trip() {
    let store = store_with_task("t1");
    let stat = DiffStat {
        files_changed: 2,
        insertions: 5,
        deletions: 1,
        files: vec!["a.rs".into(), "b.rs".into()],
    };
    store
        .set_task_ending(
            "t1",
            &TaskEnding {
                summary: "Fix it".into(),
                error: None,
                diff_stat: Some(stat.clone()),
                commit_id: Some("abc".into()),
                prompt_tokens: 100,
                completion_tokens: 20,
            },
        )
        .unwrap();
    let task = store.task("t1").unwrap();
    assert_eq!(task.diff_stat, Some(stat));
    assert_eq!(task.commit_id.as_deref(), Some("abc"));
    assert_eq!((task.prompt_tokens, task.completion_tokens), (100, 20));
    let listed = store
        .list_tasks(&TaskQuery {
            status: Some(TaskStatus::Pending),
            repo: Some("/src/proj".into()),
            limit: 10,
            after: None,
        })
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        store
            .list_tasks(&TaskQuery {
                status: Some(TaskStatus::Failed),
                ..TaskQuery::default()
            })
            .unwrap()
            .is_empty()
    );
}

#[test]
fn events_of_a_newer_agent_are_skipped_not_fatal() {
    let mut store = store_with_task("t1");
    store
        .conn
        .execute(
            "INSERT INTO task_events (task_id, seq, kind, payload, created_at) VALUES ('t1', 1, 'future', \
             '{\"v\":2,\"task_id\":\"t1\",\"seq\":1,\"at\":0,\"type\":\"future\"}', 0)",
            [],
        )
        .unwrap();
    let next = store
        .append_task_event(
            "t1",
            Event::Error {
                message: "x".into(),
                hint: None,
                class: None,
            },
        )
        .unwrap();
    assert_eq!(next.seq, 2);
    let events = store.task_events("t1", 0).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].seq, 2);
}

#[test]
fn a_store_with_a_redactor_writes_no_secret() {
    use crate::redact::Redactor;
    use crate::store::{ModelCall, ModelCallOutcome, NewMessage};

    const KEY: &str = "sk-test-0123456789abcdef";
    let mut store = Store::open_in_memory().unwrap();
    store.set_redactor(std::sync::Arc::new(Redactor::new([KEY])));
    let spec =
        serde_json::json!({"verify": {"command": format!("curl -H 'k: {KEY}' x")}}).to_string();
    store
        .create_task(&NewTask {
            id: "t1",
            title: "use sk-test-0123456789abcdef",
            description: "call http://me:hunter2pass@host/ with the key",
            repo: "/src/proj",
            strategy: "single",
            model: "tiny",
            backend: "openai",
            approval: "auto",
            spec_json: &spec,
            retry_of: None,
        })
        .unwrap();
    let envelope = store
        .append_task_event(
            "t1",
            Event::ToolCallEnd {
                id: "c1".into(),
                name: "run".into(),
                ok: true,
                output: format!("HOME=/root\nOPENAI_API_KEY={KEY}\n"),
                changed_paths: Vec::new(),
                diff: None,
            },
        )
        .unwrap();
    // What the front prints is the redacted event.
    match &envelope.event {
        Event::ToolCallEnd { output, .. } => {
            assert_eq!(output, "HOME=/root\nOPENAI_API_KEY=[redacted]\n")
        }
        other => panic!("{other:?}"),
    }
    store
        .set_task_ending(
            "t1",
            &TaskEnding {
                summary: format!("failed with {KEY}"),
                error: Some(
                    "error sending request for url (http://me:hunter2pass@127.0.0.1:9/v1)".into(),
                ),
                ..TaskEnding::default()
            },
        )
        .unwrap();
    store
        .set_task_plan("t1", &format!("{{\"goal\":\"{KEY}\"}}"))
        .unwrap();
    store
        .record_model_call(&ModelCall {
            task_id: Some("t1".into()),
            conversation_id: None,
            agent_role: None,
            backend: "openai".into(),
            model: "tiny".into(),
            prompt_tokens: None,
            completion_tokens: None,
            latency_ms: None,
            first_token_ms: None,
            outcome: ModelCallOutcome::Error,
            error: Some("connect http://me:hunter2pass@127.0.0.1:9/v1 refused".into()),
            cache: None,
            reused_prompt_tokens: None,
        })
        .unwrap();
    let conversation = store.create_conversation("chat", None).unwrap();
    let message = store
        .append_message(
            &conversation.id,
            NewMessage {
                content: format!("env printed {KEY}"),
                tool_calls: Some(format!("[{{\"arguments\":\"echo {KEY}\"}}]")),
                ..NewMessage::default()
            },
        )
        .unwrap();
    assert_eq!(message.content, "env printed [redacted]");

    // Nothing in any table holds the secret or the password.
    let mut dump = String::new();
    for table in [
        "tasks",
        "task_events",
        "model_calls",
        "messages",
        "conversations",
    ] {
        let mut statement = store
            .conn
            .prepare(&format!("SELECT * FROM {table}"))
            .unwrap();
        let columns = statement.column_count();
        let mut rows = statement.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                if let Ok(Some(text)) = row.get::<_, Option<String>>(i) {
                    dump.push_str(&text);
                    dump.push('\n');
                }
            }
        }
    }
    assert!(!dump.contains(KEY), "{dump}");
    assert!(!dump.contains("hunter2pass"), "{dump}");
    assert!(dump.contains("[redacted]"), "{dump}");
    // The redacted JSON columns still parse.
    let task = store.task("t1").unwrap();
    let spec: serde_json::Value = serde_json::from_str(task.spec.as_deref().unwrap()).unwrap();
    assert_eq!(spec["verify"]["command"], "curl -H 'k: [redacted]' x");
    assert_eq!(
        task.description,
        "call http://[redacted]@host/ with the key"
    );
    assert_eq!(store.task_events("t1", 0).unwrap().len(), 1);
}

#[test]
fn a_store_without_a_redactor_writes_what_it_is_given() {
    let mut store = store_with_task("t1");
    let event = Event::Error {
        message: "http://me:pw@host".into(),
        hint: None,
        class: None,
    };
    let envelope = store.append_task_event("t1", event.clone()).unwrap();
    assert_eq!(envelope.event, event);
}

#[test]
fn pages_of_tasks_follow_their_cursor_without_gaps_or_repeats() {
    let store = store_with_task("t00");
    for index in 1..7 {
        let id = format!("t{index:02}");
        store
            .create_task(&NewTask {
                id: &id,
                title: "Another",
                description: "Another",
                repo: "/src/proj",
                strategy: "single",
                model: "tiny",
                backend: "openai",
                approval: "auto",
                spec_json: "{}",
                retry_of: None,
            })
            .unwrap();
    }
    // Several tasks share a creation time: the id breaks the tie.
    store
        .conn
        .execute(
            "UPDATE tasks SET created_at = 1000 WHERE id IN ('t02', 't03', 't04')",
            [],
        )
        .unwrap();
    let everything: Vec<String> = store
        .list_tasks(&TaskQuery {
            limit: 100,
            ..TaskQuery::default()
        })
        .unwrap()
        .into_iter()
        .map(|task| task.id)
        .collect();
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_tasks(&TaskQuery {
                limit: 2,
                after: after.clone(),
                ..TaskQuery::default()
            })
            .unwrap();
        let Some(last) = page.last() else { break };
        let token = TaskCursor::after(last).encode();
        after = Some(TaskCursor::decode(&token).unwrap());
        paged.extend(page.into_iter().map(|task| task.id));
    }
    assert_eq!(paged, everything);
    assert_eq!(paged.len(), 7);
    assert_eq!(TaskCursor::decode("not a cursor"), None);
}

#[test]
fn the_feed_orders_every_task_event_and_resumes_after_a_position() {
    let mut store = store_with_task("a");
    store
        .create_task(&NewTask {
            id: "b",
            title: "B",
            description: "B",
            repo: "/src/proj",
            strategy: "single",
            model: "tiny",
            backend: "openai",
            approval: "auto",
            spec_json: "{}",
            retry_of: None,
        })
        .unwrap();
    assert_eq!(store.feed_head().unwrap(), 0);
    let change = |to| {
        Event::TaskStatus(TaskStatusChange {
            from: TaskStatus::Pending,
            to,
            reason: None,
        })
    };
    store
        .append_task_event("a", change(TaskStatus::Running))
        .unwrap();
    store
        .append_task_event("b", change(TaskStatus::Running))
        .unwrap();
    store
        .append_task_event("a", change(TaskStatus::Failed))
        .unwrap();
    let feed = store.feed_events(0, 100).unwrap();
    let order: Vec<(i64, &str, u64)> = feed
        .iter()
        .map(|(position, envelope)| (*position, envelope.task_id.as_str(), envelope.seq))
        .collect();
    assert_eq!(order, [(1, "a", 1), (2, "b", 1), (3, "a", 2)]);
    assert_eq!(store.feed_head().unwrap(), 3);
    let rest = store.feed_events(1, 100).unwrap();
    assert_eq!(rest.len(), 2);
    assert_eq!(store.feed_events(1, 1).unwrap().len(), 1);
}
