//! Store tests against real SQLite (in memory, or files in a temp directory).

use super::*;
use crate::ErrorClass;
use agent_models::Role;
use migrations::{LATEST_VERSION, MIGRATIONS, migrate_to, schema_version};

fn user(content: &str) -> NewMessage {
    NewMessage {
        role: Some(Role::User),
        content: content.to_string(),
        ..NewMessage::default()
    }
}

fn table_names(conn: &rusqlite::Connection) -> Vec<String> {
    let mut statement = conn
        .prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger', 'index') ORDER BY name")
        .unwrap();
    statement
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<_>>>()
        .unwrap()
}

#[test]
fn migrations_from_every_older_version_twice_reach_the_same_schema() {
    let mut fresh = rusqlite::Connection::open_in_memory().unwrap();
    migrate_to(&mut fresh, LATEST_VERSION).unwrap();
    let expected = table_names(&fresh);
    assert!(expected.contains(&"messages_fts".to_string()));
    assert!(expected.contains(&"model_calls".to_string()));
    assert!(expected.contains(&"classifier_versions".to_string()));

    let versions = std::iter::once(0).chain(MIGRATIONS.iter().map(|m| m.version));
    for start in versions {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.db");
        {
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            migrate_to(&mut conn, start).unwrap();
            assert_eq!(schema_version(&conn).unwrap(), start);
            if start >= 1 {
                conn.execute(
                    "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('old', 'kept', 1, 1)",
                    [],
                )
                .unwrap();
            }
        }
        for _ in 0..2 {
            let store = Store::open(&path, &StoreOptions::default()).unwrap();
            assert_eq!(
                store.schema_version().unwrap(),
                LATEST_VERSION,
                "from version {start}"
            );
            assert_eq!(table_names(&store.conn), expected, "from version {start}");
            assert!(store.integrity_problems().unwrap().is_empty());
            if start >= 1 {
                assert_eq!(store.conversation("old").unwrap().title, "kept");
            }
        }
    }
    assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
    assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(LATEST_VERSION));
}

/// Migration 0008 makes the message index again with prefix terms: a database that already has
/// messages keeps finding them, words and prefixes alike, and new messages are indexed too.
#[test]
fn messages_written_before_the_prefix_index_are_still_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.db");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        migrate_to(&mut conn, 6).unwrap();
        conn.execute_batch(
            "INSERT INTO conversations (id, title, repo, created_at, updated_at)
                 VALUES ('c1', 'old chat', '/repo', 1, 2);
             INSERT INTO messages (id, conversation_id, seq, role, content, created_at)
                 VALUES ('m1', 'c1', 0, 'user', 'the tokenizer splits identifiers', 1),
                        ('m2', 'c1', 1, 'assistant', 'Tokenization happens before indexing', 2);",
        )
        .unwrap();
    }
    let mut store = Store::open(&path, &StoreOptions::default()).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    let definition: String = store
        .conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'messages_fts'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(definition.contains("prefix = '2 3 4'"), "{definition}");
    let page_size: i64 = store
        .conn
        .query_row(
            "SELECT v FROM messages_fts_config WHERE k = 'pgsz'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(page_size, 1000);
    let found = |store: &Store, text: &str| -> Vec<String> {
        store
            .search_messages(&SearchQuery {
                text: text.into(),
                limit: 10,
                repo: None,
            })
            .unwrap()
            .into_iter()
            .map(|h| h.message_id)
            .collect()
    };
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    assert_eq!(found(&store, "identifiers"), ["m1"]);
    assert_eq!(found(&store, "splits identifiers"), ["m1"]);
    // Prefixes of every length: one letter, those with a prefix index, and longer ones.
    for prefix in ["t*", "to*", "tok*", "toke*", "tokeni*", "TOKEN*"] {
        assert_eq!(sorted(found(&store, prefix)), ["m1", "m2"], "{prefix}");
    }
    assert_eq!(found(&store, "ind*"), ["m2"]);
    assert_eq!(found(&store, "tok* identif*"), ["m1"]);
    let new = store.append_message("c1", user("tokens again")).unwrap();
    assert_eq!(
        sorted(found(&store, "toke*")),
        sorted(vec![new.id.clone(), "m1".into(), "m2".into()])
    );
    assert_eq!(found(&store, "ag*"), [new.id]);
    store.delete_conversation("c1").unwrap();
    assert!(found(&store, "tok*").is_empty());
    assert!(store.integrity_problems().unwrap().is_empty());
    store
        .conn
        .execute(
            "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .unwrap();
}

#[test]
fn a_database_from_a_newer_agent_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", LATEST_VERSION + 1)
            .unwrap();
    }
    let err = Store::open(&path, &StoreOptions::default()).unwrap_err();
    assert!(matches!(err, Error::SchemaTooNew { .. }), "{err:?}");
}

#[test]
fn a_file_that_is_not_a_database_is_reported_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.db");
    std::fs::write(
        &path,
        b"this is not sqlite, just some text that is long enough ".repeat(100),
    )
    .unwrap();
    let err = Store::open(&path, &StoreOptions::default()).unwrap_err();
    assert!(matches!(err, Error::CorruptDatabase { .. }), "{err:?}");
    assert_eq!(err.class(), ErrorClass::Storage);
}

#[test]
fn appending_keeps_order_and_moves_the_update_time() {
    let mut store = Store::open_in_memory().unwrap();
    let conversation = store.create_conversation("t", Some("/repo")).unwrap();
    let first = store.append_message(&conversation.id, user("one")).unwrap();
    let second = store
        .append_message(
            &conversation.id,
            NewMessage {
                role: Some(Role::Assistant),
                parent_id: Some(first.id.clone()),
                content: "two".into(),
                ..NewMessage::default()
            },
        )
        .unwrap();
    let messages = store.messages(&conversation.id).unwrap();
    assert_eq!(
        messages
            .iter()
            .map(|m| m.content.as_str())
            .collect::<Vec<_>>(),
        ["one", "two"]
    );
    assert_eq!(messages[1].seq, 1);
    assert_eq!(messages[1].parent_id.as_deref(), Some(first.id.as_str()));
    let reloaded = store.conversation(&conversation.id).unwrap();
    assert!(reloaded.updated_at >= second.created_at);

    let err = store.append_message("missing", user("x")).unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
}

#[test]
fn listing_pages_newest_first_with_cursors_and_filters() {
    let mut store = Store::open_in_memory().unwrap();
    let records: Vec<(usize, ConversationRecord)> = (0..7)
        .map(|i| {
            let line = format!(
                r#"{{"id":"c{i}","title":"t{i}","repo":"{repo}","created_at":"2026-01-0{day}T00:00:00.000Z","messages":[{{"role":"user","content":"hello {i}"}}]}}"#,
                repo = if i % 2 == 0 { "/even" } else { "/odd" },
                day = i + 1
            );
            (i + 1, serde_json::from_str(&line).unwrap())
        })
        .collect();
    store.import_records(records, "test").unwrap();

    let mut query = ListQuery {
        limit: 3,
        ..ListQuery::default()
    };
    let mut seen = Vec::new();
    loop {
        let page = store.list_conversations(&query).unwrap();
        seen.extend(page.items.iter().map(|s| s.conversation.id.clone()));
        match page.next_cursor {
            Some(cursor) => query.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen, ["c6", "c5", "c4", "c3", "c2", "c1", "c0"]);

    let odd = store
        .list_conversations(&ListQuery {
            repo: Some("/odd".into()),
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(
        odd.items
            .iter()
            .map(|s| s.conversation.id.as_str())
            .collect::<Vec<_>>(),
        ["c5", "c3", "c1"]
    );
    assert_eq!(odd.items[0].message_count, 1);
    assert_eq!(odd.items[0].preview.as_deref(), Some("hello 5"));

    let since = crate::time::parse_rfc3339("2026-01-06T00:00:00Z").unwrap();
    let before = crate::time::parse_rfc3339("2026-01-03T00:00:00Z").unwrap();
    let recent = store
        .list_conversations(&ListQuery {
            since: Some(since),
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(recent.items.len(), 2);
    let old = store
        .list_conversations(&ListQuery {
            before: Some(before),
            ..ListQuery::default()
        })
        .unwrap();
    assert_eq!(
        old.items
            .iter()
            .map(|s| s.conversation.id.as_str())
            .collect::<Vec<_>>(),
        ["c1", "c0"]
    );

    let err = store
        .list_conversations(&ListQuery {
            cursor: Some("garbage".into()),
            ..ListQuery::default()
        })
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Usage);
}

#[test]
fn ids_resolve_by_unique_prefix() {
    let mut store = Store::open_in_memory().unwrap();
    let line = |id: &str| {
        (
            1,
            serde_json::from_str(&format!(r#"{{"id":"{id}"}}"#)).unwrap(),
        )
    };
    store
        .import_records(vec![line("abc123"), line("abd456")], "t")
        .unwrap();
    assert_eq!(store.resolve_conversation_id("abc").unwrap(), "abc123");
    assert_eq!(store.resolve_conversation_id("abd456").unwrap(), "abd456");
    assert!(matches!(
        store.resolve_conversation_id("ab").unwrap_err(),
        Error::AmbiguousId { count: 2, .. }
    ));
    assert!(matches!(
        store.resolve_conversation_id("zz").unwrap_err(),
        Error::NotFound { .. }
    ));
    assert!(matches!(
        store.resolve_conversation_id("").unwrap_err(),
        Error::NotFound { .. }
    ));
}

#[test]
fn search_ranks_exact_phrase_first_and_follows_deletes() {
    let mut store = Store::open_in_memory().unwrap();
    let a = store.create_conversation("a", None).unwrap();
    let b = store.create_conversation("b", None).unwrap();
    // The scattered words appear more often here, so bm25 alone would rank it first.
    store
        .append_message(
            &a.id,
            user("handling is hard; the error in the parser, error after error"),
        )
        .unwrap();
    let exact = store
        .append_message(&b.id, user("we improved parser error handling today"))
        .unwrap();
    store
        .append_message(&b.id, user("nothing relevant"))
        .unwrap();

    let hits = store
        .search_messages(&SearchQuery {
            text: "error handling".into(),
            limit: 10,
            repo: None,
        })
        .unwrap();
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].message_id, exact.id);
    assert!(hits[0].exact_phrase);
    assert!(!hits[1].exact_phrase);
    assert!(
        hits[0].snippet.contains("\u{2}error handling\u{3}"),
        "{}",
        hits[0].snippet
    );

    let prefix = store
        .search_messages(&SearchQuery {
            text: "relev*".into(),
            limit: 10,
            repo: None,
        })
        .unwrap();
    assert_eq!(prefix.len(), 1);

    // Syntax characters are words, never FTS5 syntax errors.
    store
        .search_messages(&SearchQuery {
            text: "\"AND OR NOT ( ) : ^".into(),
            limit: 5,
            repo: None,
        })
        .unwrap();
    assert!(
        store
            .search_messages(&SearchQuery {
                text: "  ".into(),
                limit: 5,
                repo: None
            })
            .is_err()
    );

    store.delete_conversation(&b.id).unwrap();
    let hits = store
        .search_messages(&SearchQuery {
            text: "error handling".into(),
            limit: 10,
            repo: None,
        })
        .unwrap();
    assert_eq!(hits.len(), 1, "deleted messages leave the index");
    let integrity: String = store
        .conn
        .query_row("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1) RETURNING 'ok'", [], |r| r.get(0))
        .unwrap_or_else(|_| "ok".into());
    assert_eq!(integrity, "ok");
}

/// Two rare words: the exact phrase first, then the messages with both words by bm25 (more
/// occurrences in a shorter message first), then nothing with only one of them.
#[test]
fn a_phrase_of_rare_words_ranks_the_exact_phrase_then_by_relevance() {
    let mut store = Store::open_in_memory().unwrap();
    let a = store.create_conversation("a", Some("/a")).unwrap();
    let b = store.create_conversation("b", Some("/b")).unwrap();
    let exact = store
        .append_message(&a.id, user("the flaky zorbnik quuxifier again"))
        .unwrap();
    let dense = store
        .append_message(&b.id, user("quuxifier quuxifier zorbnik zorbnik"))
        .unwrap();
    let sparse = store
        .append_message(
            &b.id,
            user("zorbnik was slow and after a long while of waiting the quuxifier gave up on it"),
        )
        .unwrap();
    store.append_message(&a.id, user("zorbnik alone")).unwrap();
    let search = |text: &str, repo: Option<&str>| {
        store
            .search_messages(&SearchQuery {
                text: text.into(),
                limit: 10,
                repo: repo.map(str::to_string),
            })
            .unwrap()
    };
    let hits = search("Zorbnik quuxifier", None);
    assert_eq!(
        hits.iter()
            .map(|h| h.message_id.as_str())
            .collect::<Vec<_>>(),
        [exact.id.as_str(), dense.id.as_str(), sparse.id.as_str()]
    );
    assert_eq!(
        hits.iter().map(|h| h.exact_phrase).collect::<Vec<_>>(),
        [true, false, false]
    );
    assert!(
        hits[0].snippet.contains("\u{2}zorbnik quuxifier\u{3}"),
        "{}",
        hits[0].snippet
    );
    assert!(
        hits[1].snippet.contains("\u{2}zorbnik\u{3}"),
        "{}",
        hits[1].snippet
    );
    // The repository filter applies to both passes.
    let in_b = search("zorbnik quuxifier", Some("/b"));
    assert_eq!(
        in_b.iter()
            .map(|h| h.message_id.as_str())
            .collect::<Vec<_>>(),
        [dense.id.as_str(), sparse.id.as_str()]
    );
    // A page smaller than the matches: the exact phrase still comes first.
    let first = store
        .search_messages(&SearchQuery {
            text: "zorbnik quuxifier".into(),
            limit: 1,
            repo: None,
        })
        .unwrap();
    assert_eq!(first.len(), 1);
    assert!(first[0].exact_phrase);
}

#[test]
fn import_is_idempotent_and_export_reproduces_it() {
    let mut store = Store::open_in_memory().unwrap();
    let input = concat!(
        r#"{"id":"c1","title":"Émoji 🦀","created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:01:00.000Z","messages":[{"id":"m1","role":"user","content":"hi","created_at":"2026-01-01T00:00:00.000Z"},{"id":"m2","parent_id":"m1","role":"assistant","content":"```\ncode\n```","model":"m","prompt_tokens":3,"completion_tokens":4,"tool_calls":[{"name":"read","arguments":{"z":1,"a":2}}],"created_at":"2026-01-01T00:01:00.000Z"}]}"#,
        "\n"
    );
    let records = read_jsonl(input.as_bytes(), "in.jsonl").unwrap();
    let report = store.import_records(records.clone(), "in.jsonl").unwrap();
    assert_eq!((report.conversations_added, report.messages_added), (1, 2));
    let again = store.import_records(records, "in.jsonl").unwrap();
    assert_eq!((again.conversations_added, again.messages_added), (0, 0));
    assert_eq!(
        (again.conversations_present, again.messages_present),
        (1, 2)
    );
    assert_eq!(store.counts().unwrap(), (1, 2));

    let exported = serde_json::to_string(&store.export_record("c1").unwrap()).unwrap() + "\n";
    assert_eq!(exported, input);
}

#[test]
fn a_bad_record_imports_nothing_and_names_its_line() {
    let mut store = Store::open_in_memory().unwrap();
    let input = "{\"id\":\"ok\"}\n\n{\"id\":\"bad\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}\n";
    let err = read_jsonl(input.as_bytes(), "f.jsonl").unwrap_err();
    assert!(
        matches!(err, Error::InvalidImport { line: 3, .. }),
        "{err:?}"
    );
    assert!(err.to_string().starts_with("f.jsonl:3: "), "{err}");

    let parent = "{\"id\":\"ok\"}\n{\"id\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"parent_id\":\"nope\"}]}\n";
    let records = read_jsonl(parent.as_bytes(), "g.jsonl").unwrap();
    let err = store.import_records(records, "g.jsonl").unwrap_err();
    assert!(err.to_string().starts_with("g.jsonl:2: "), "{err}");
    assert_eq!(store.counts().unwrap(), (0, 0));
}

#[test]
fn message_ids_default_so_reimports_still_add_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let input = "{\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}\n";
    for _ in 0..2 {
        let records = read_jsonl(input.as_bytes(), "x").unwrap();
        store.import_records(records, "x").unwrap();
    }
    assert_eq!(store.counts().unwrap(), (1, 2));
    assert_eq!(store.messages("c").unwrap()[1].id, "c:1");
}

#[test]
fn attachments_are_stored_once_by_content() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("agent.db"), &StoreOptions::default()).unwrap();
    let first = store.put_attachment(b"hello", Some("text/plain")).unwrap();
    let second = store.put_attachment(b"hello", None).unwrap();
    assert_eq!(first, second);
    assert_eq!(
        first.sha256,
        "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    );
    assert_eq!(store.read_attachment(&first.sha256).unwrap(), b"hello");
    assert!(
        dir.path()
            .join("attachments/2c")
            .join(&first.sha256[2..])
            .is_file()
    );
    assert!(store.read_attachment("nothex").is_err());
}

#[test]
fn model_calls_add_up() {
    let store = Store::open_in_memory().unwrap();
    let call = ModelCall {
        task_id: None,
        conversation_id: None,
        agent_role: Some("chat".into()),
        backend: "ollama".into(),
        model: "qwen2.5-coder:7b".into(),
        prompt_tokens: Some(100),
        completion_tokens: Some(20),
        latency_ms: Some(900),
        first_token_ms: Some(120),
        outcome: ModelCallOutcome::Ok,
        error: None,
        cache: None,
        reused_prompt_tokens: None,
    };
    store.record_model_call(&call).unwrap();
    let local = ModelCall {
        backend: "local".into(),
        reused_prompt_tokens: Some(80),
        ..call.clone()
    };
    store.record_model_call(&local).unwrap();
    // What was reused is kept with the call, and read back.
    let recent = store.recent_model_calls(2).unwrap();
    assert_eq!(recent, vec![call, local]);
    let totals = store.usage_since(0).unwrap();
    assert_eq!(
        totals,
        UsageTotals {
            calls: 2,
            prompt_tokens: 200,
            completion_tokens: 40
        }
    );
}

#[test]
fn two_connections_writing_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.db");
    Store::open(&path, &StoreOptions::default()).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path, &StoreOptions::default()).unwrap();
                for i in 0..50 {
                    let c = store
                        .create_conversation(&format!("{t}-{i}"), None)
                        .unwrap();
                    store.append_message(&c.id, user("x")).unwrap();
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    let store = Store::open(&path, &StoreOptions::default()).unwrap();
    assert_eq!(store.counts().unwrap(), (200, 200));
}

#[test]
fn a_query_with_very_many_matches_lists_the_newest_first() {
    let mut store = Store::open_in_memory().unwrap();
    let conversation = store.create_conversation("many", None).unwrap();
    let total = search::RANKED_MATCHES + 5;
    let mut last = None;
    for i in 0..total {
        let text = if i % 2 == 0 {
            format!("common word {i}")
        } else {
            format!("common common common {i}")
        };
        last = Some(store.append_message(&conversation.id, user(&text)).unwrap());
    }
    let hits = store
        .search_messages(&SearchQuery {
            text: "common".into(),
            limit: 3,
            repo: None,
        })
        .unwrap();
    assert_eq!(hits.len(), 3);
    assert_eq!(
        hits[0].message_id,
        last.unwrap().id,
        "newest first past the ranking limit"
    );
    assert!(hits.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    // The phrase pass still runs first and fills the page with exact matches.
    let phrase = store
        .search_messages(&SearchQuery {
            text: "common word".into(),
            limit: 2,
            repo: None,
        })
        .unwrap();
    assert!(phrase.iter().all(|h| h.exact_phrase));
}

/// Many connections opening one database that does not exist yet, all at the same moment: each
/// creates, switches to WAL and migrates or waits for the one that does. Before the store tried
/// a busy open again, about one round in ten had one of them fail with "database is locked".
#[test]
fn a_fresh_database_opened_by_many_at_once_never_fails_busy() {
    const OPENERS: usize = 12;
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.db");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(OPENERS));
        let handles: Vec<_> = (0..OPENERS)
            .map(|t| {
                let path = path.clone();
                let barrier = barrier.clone();
                std::thread::spawn(move || -> Result<(), String> {
                    barrier.wait();
                    let mut store = Store::open(&path, &StoreOptions::default())
                        .map_err(|e| format!("open: {e}: {e:?}"))?;
                    for i in 0..5 {
                        let c = store
                            .create_conversation(&format!("{t}-{i}"), None)
                            .map_err(|e| format!("write: {e:?}"))?;
                        store
                            .append_message(&c.id, user("x"))
                            .map_err(|e| format!("write: {e:?}"))?;
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            if let Err(error) = handle.join().unwrap() {
                panic!("round {round}: {error}");
            }
        }
        let store = Store::open(&path, &StoreOptions::default()).unwrap();
        let expected = (OPENERS * 5) as u64;
        assert_eq!(store.counts().unwrap(), (expected, expected));
        assert_eq!(store.schema_version().unwrap(), migrations::LATEST_VERSION);
    }
}

/// A database agent may read but not write (a file made read-only, a read-only mount) is one of
/// agent's files being unusable: the storage class (exit 5) with a hint, not a run-time failure.
#[test]
fn a_read_only_database_is_a_storage_error_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.db");
    drop(Store::open(&path, &StoreOptions::default()).unwrap());
    let conn =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let refused = conn
        .execute(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('x', 't', 0, 0)",
            [],
        )
        .unwrap_err();
    let error = Error::Database(refused);
    assert_eq!(error.class(), ErrorClass::Storage);
    assert!(
        error.hint().is_some_and(|hint| hint.contains("read-only")),
        "{:?}",
        error.hint()
    );
}

#[test]
fn listing_a_roots_files_reads_only_the_keys_of_map_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("agent.db"), &StoreOptions::default()).unwrap();
    let plan: Vec<String> = store
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", repomap::LISTED_FILES))
        .unwrap()
        .query_map(["/repo"], |row| row.get::<_, String>(3))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    // The wide rows (every name of a blob) are never read to tell whether a blob has tags.
    assert!(
        plan.iter()
            .any(|step| step.contains("COVERING INDEX map_blobs_key")),
        "{plan:?}"
    );
    assert!(
        !plan.iter().any(|step| step.contains("PRIMARY KEY (blob")),
        "{plan:?}"
    );
}
