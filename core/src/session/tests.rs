//! The session as a front sees it: ops in, envelopes out, approvals answered by op, interrupts,
//! and compaction recorded like every model call.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agent_models::{ChatEvent, ChatRequest, DoneReason, ToolCall};

use super::*;
use crate::config::Approval;
use crate::protocol::{ChatSpec, Event, EventEnvelope};
use crate::testing::{Scripted, text};

mod long_turns;

/// Resolves every name to the one scripted model.
struct OneModel(Arc<Scripted>);

impl ModelResolver for OneModel {
    fn resolve(&self, model: Option<&str>) -> Result<ModelTarget> {
        if model == Some("unknown") {
            return Err(Error::InvalidArgument("no model `unknown`".into()));
        }
        Ok(ModelTarget {
            backend: self.0.clone(),
            backend_name: "openai".into(),
            model: model.unwrap_or("tiny").to_string(),
            options: Default::default(),
            context_length: None,
            cache: crate::cache::CachePolicy::off(),
        })
    }

    fn for_tasks(&self, target: ModelTarget) -> Result<ModelTarget> {
        if target.model == "no-tools" {
            return Err(Error::ModelSelection {
                message: "no-tools cannot call tools".into(),
                hint: Some("use another model".into()),
            });
        }
        Ok(ModelTarget {
            context_length: Some(4096),
            cache: crate::cache::CachePolicy::off(),
            ..target
        })
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    session: Session,
    events: EventReceiver,
    seen: Arc<Mutex<Vec<ChatRequest>>>,
}

fn fixture(replies: Vec<Vec<ChatEvent>>) -> Fixture {
    fixture_with(replies, Default::default())
}

fn fixture_with(replies: Vec<Vec<ChatEvent>>, commands: crate::process::CommandPolicy) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("notes.txt"), "alpha\n").unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let model = Arc::new(Scripted {
        replies: Mutex::new(replies),
        seen: seen.clone(),
    });
    let session = Session::new(SessionSetup {
        database: dir.path().join("agent.db"),
        store_options: StoreOptions::default(),
        redactor: None,
        config: Config::default(),
        models: Arc::new(OneModel(model)),
        worktrees_dir: dir.path().join("worktrees"),
        user_prompts_dir: None,
        cache_dir: dir.path().join("cache"),
        env: EnvSnapshot::default(),
        tool_settings: ToolSettings::default(),
        commands,
        verify_timeout: Duration::from_secs(30),
        approval_timeout: None,
    });
    let events = session.subscribe();
    Fixture {
        dir,
        session,
        events,
        seen,
    }
}

impl Fixture {
    fn repo(&self) -> std::path::PathBuf {
        self.dir.path().join("repo")
    }

    fn open_chat(&self, approval: Approval) {
        self.session
            .submit(Op::OpenChat {
                chat_id: "c".into(),
                spec: ChatSpec {
                    repo: self.repo(),
                    resume: None,
                    model: None,
                    approval: Some(approval),
                    bare: false,
                    system: None,
                    answers_approvals: true,
                    no_cache: false,
                },
            })
            .unwrap();
    }

    /// Envelopes until one matches `stop` (inclusive).
    async fn until(&mut self, stop: impl Fn(&Event) -> bool) -> Vec<EventEnvelope> {
        let mut seen = Vec::new();
        loop {
            let envelope = tokio::time::timeout(Duration::from_secs(20), self.events.recv())
                .await
                .expect("an event within 20 s")
                .expect("the session is alive");
            let done = stop(&envelope.event);
            seen.push(envelope);
            if done {
                return seen;
            }
        }
    }
}

fn write_call(path: &str, content: &str) -> Vec<ChatEvent> {
    vec![
        ChatEvent::ToolCall {
            call: ToolCall {
                id: "w1".into(),
                name: "write".into(),
                arguments: serde_json::json!({ "path": path, "content": content }),
            },
        },
        ChatEvent::Done {
            reason: DoneReason::ToolCalls,
        },
    ]
}

fn is_turn_end(event: &Event) -> bool {
    matches!(event, Event::TurnEnd { .. })
}

#[tokio::test]
async fn a_chat_turn_streams_numbered_envelopes_and_an_approval_is_answered_by_op() {
    let mut f = fixture(vec![write_call("new.txt", "hello\n"), text("Written.")]);
    f.open_chat(Approval::OnWrite);
    f.session
        .submit(Op::UserTurn {
            chat_id: "c".into(),
            text: "write new.txt".into(),
        })
        .unwrap();
    let before = f
        .until(|e| matches!(e, Event::ApprovalRequest { .. }))
        .await;
    assert!(matches!(&before[0].event, Event::TurnBegin { prompt } if prompt == "write new.txt"));
    assert!(
        !f.repo().join("new.txt").exists(),
        "nothing written before the answer"
    );
    // An answer for a call nobody asked about is an error, not a silent yes.
    assert!(matches!(
        f.session.submit(Op::Approve {
            id: "nope".into(),
            approved: true,
            always: false
        }),
        Err(Error::NotFound { .. })
    ));
    f.session
        .submit(Op::Approve {
            id: "w1".into(),
            approved: true,
            always: false,
        })
        .unwrap();
    let after = f.until(is_turn_end).await;
    assert_eq!(
        std::fs::read_to_string(f.repo().join("new.txt")).unwrap(),
        "hello\n"
    );
    let all: Vec<EventEnvelope> = before.into_iter().chain(after).collect();
    for (index, envelope) in all.iter().enumerate() {
        assert_eq!(envelope.chat_id.as_deref(), Some("c"));
        assert!(envelope.task_id.is_empty());
        assert_eq!(envelope.seq, index as u64 + 1, "{envelope:?}");
    }
    assert!(all.iter().any(|e| matches!(
        &e.event,
        Event::ApprovalDecision(decision) if decision.approved && decision.by == crate::protocol::DecidedBy::User
    )));
    assert!(matches!(
        &all.last().unwrap().event,
        Event::TurnEnd {
            outcome: crate::protocol::TurnEndOutcome::Completed,
            ..
        }
    ));
}

#[tokio::test]
async fn an_interrupt_denies_the_waiting_question_and_ends_the_turn() {
    let mut f = fixture(vec![write_call("new.txt", "x\n")]);
    f.open_chat(Approval::OnWrite);
    f.session
        .submit(Op::UserTurn {
            chat_id: "c".into(),
            text: "write".into(),
        })
        .unwrap();
    f.until(|e| matches!(e, Event::ApprovalRequest { .. }))
        .await;
    f.session
        .submit(Op::Interrupt {
            chat_id: "c".into(),
        })
        .unwrap();
    let rest = f.until(is_turn_end).await;
    assert!(matches!(
        &rest.last().unwrap().event,
        Event::TurnEnd {
            outcome: crate::protocol::TurnEndOutcome::Cancelled,
            ..
        }
    ));
    assert!(!f.repo().join("new.txt").exists());
}

#[tokio::test]
async fn compaction_is_recorded_as_a_model_call_with_its_duration() {
    let mut f = fixture(vec![text("Hi."), text("- said hi")]);
    f.open_chat(Approval::Auto);
    f.session
        .submit(Op::UserTurn {
            chat_id: "c".into(),
            text: "hello".into(),
        })
        .unwrap();
    f.until(is_turn_end).await;
    f.session
        .submit(Op::Compact {
            chat_id: "c".into(),
        })
        .unwrap();
    let events = f.until(is_turn_end).await;
    assert!(events.iter().any(|e| matches!(
        &e.event,
        Event::ModelEnd {
            reason: crate::protocol::FinishReason::Stop,
            ..
        }
    )));
    assert!(matches!(
        &events.last().unwrap().event,
        Event::TurnEnd {
            outcome: crate::protocol::TurnEndOutcome::Completed,
            ..
        }
    ));
    assert_eq!(f.seen.lock().unwrap().len(), 2);

    let store = crate::store::Store::open(&f.dir.path().join("agent.db"), &StoreOptions::default())
        .unwrap();
    let calls = store.recent_model_calls(10).unwrap();
    let roles: Vec<&str> = calls
        .iter()
        .map(|call| call.agent_role.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(roles, ["chat", "compact"]);
    let compact = &calls[1];
    assert_eq!(compact.outcome, crate::store::ModelCallOutcome::Ok);
    assert!(compact.latency_ms.is_some() && compact.conversation_id.is_some());
}

#[tokio::test]
async fn ops_on_unknown_chats_and_bad_models_fail_at_once() {
    let f = fixture(Vec::new());
    assert!(matches!(
        f.session.submit(Op::UserTurn {
            chat_id: "absent".into(),
            text: "hi".into()
        }),
        Err(Error::NotFound { kind: "chat", .. })
    ));
    let spec = ChatSpec {
        repo: f.repo(),
        resume: None,
        model: Some("unknown".into()),
        approval: None,
        bare: false,
        system: None,
        answers_approvals: false,
        no_cache: false,
    };
    assert!(
        f.session
            .submit(Op::OpenChat {
                chat_id: "c".into(),
                spec,
            })
            .is_err()
    );
    // A task on a directory that is not a git repository is refused before it exists.
    let refused = f.session.submit(Op::RunTask {
        spec: crate::protocol::TaskSpec {
            description: "fix it".into(),
            repo: f.repo(),
            base: "HEAD".into(),
            strategy: crate::protocol::StrategyChoice::Auto,
            verify: None,
            approval: Approval::Auto,
            limits: crate::turn::Limits::default(),
            retry_of: None,
            max_iterations: 1,
            max_review_rounds: 0,
            model: None,
            role_models: Default::default(),
            pinned_roles: Default::default(),
            untrusted: None,
            no_cache: false,
        },
        answers_approvals: false,
    });
    assert!(matches!(refused, Err(Error::Git(_))), "{refused:?}");
}

fn task_spec(repo: &std::path::Path) -> crate::protocol::TaskSpec {
    crate::settings::resolve_task(
        crate::settings::TaskRequest {
            description: "fix it".into(),
            repo: repo.to_path_buf(),
            base: "HEAD".into(),
            retry_of: None,
        },
        crate::settings::TaskOverrides {
            strategy: Some("single".into()),
            approval: Some("auto".into()),
            role_models: std::collections::BTreeMap::from([(
                crate::protocol::AgentRole::Coder,
                "coder-model".to_string(),
            )]),
            ..Default::default()
        },
        &Config::default(),
    )
    .unwrap()
}

#[test]
fn a_model_the_resolver_refuses_for_tasks_records_nothing() {
    let f = fixture(Vec::new());
    let repo = crate::git::test_support::Fixture::with_commit();
    let mut spec = task_spec(&repo.root);
    spec.role_models
        .insert(crate::protocol::AgentRole::Coder, "no-tools".to_string());
    let refused = f.session.submit(Op::RunTask {
        spec,
        answers_approvals: false,
    });
    assert!(
        matches!(&refused, Err(Error::ModelSelection { message, .. }) if message.contains("cannot call tools")),
        "{refused:?}"
    );
    let store =
        crate::store::Store::open(&f.dir.path().join("agent.db"), &Default::default()).unwrap();
    assert!(
        store
            .list_tasks_as_stored(&crate::store::TaskQuery {
                limit: 10,
                ..Default::default()
            })
            .unwrap()
            .is_empty()
    );
    assert!(f.seen.lock().unwrap().is_empty(), "no model was asked");
}

#[tokio::test]
async fn a_task_of_the_session_uses_its_role_models_and_a_cancel_op_stops_it() {
    // No reply is scripted: the model stalls until the task is cancelled.
    let mut f = fixture(Vec::new());
    let repo = crate::git::test_support::Fixture::with_commit();
    let submitted = f
        .session
        .submit(Op::RunTask {
            spec: task_spec(&repo.root),
            answers_approvals: false,
        })
        .unwrap();
    let task_id = submitted.task_id().unwrap().to_string();
    assert!(f.session.is_running(&task_id));
    // The context the resolver gave the task's model is recorded with the task.
    let store =
        crate::store::Store::open(&f.dir.path().join("agent.db"), &Default::default()).unwrap();
    assert_eq!(store.task(&task_id).unwrap().context_length, Some(4096));
    let started = f.until(|e| matches!(e, Event::ModelBegin { .. })).await;
    assert!(
        started
            .iter()
            .all(|e| e.task_id == task_id && e.chat_id.is_none())
    );
    assert!(matches!(
        &started.last().unwrap().event,
        Event::ModelBegin { model, role: crate::protocol::AgentRole::Coder, .. } if model == "coder-model"
    ));
    // The request itself goes out right after its event.
    let mut sent = None;
    for _ in 0..200 {
        sent = f.seen.lock().unwrap().first().map(|r| r.model.clone());
        if sent.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(sent.as_deref(), Some("coder-model"));

    f.session
        .submit(Op::Cancel {
            task_id: task_id.clone(),
        })
        .unwrap();
    let rest = f.until(|e| matches!(e, Event::TaskFinished { .. })).await;
    assert!(matches!(
        &rest.last().unwrap().event,
        Event::TaskFinished {
            status: crate::protocol::TaskStatus::Cancelled,
            ..
        }
    ));
    // The thread lets go of the task once it has ended.
    for _ in 0..100 {
        if !f.session.is_running(&task_id) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the task still counts as running");
}

#[tokio::test]
async fn oversized_tool_arguments_are_refused_and_never_sent_again() {
    let huge = "x".repeat(300 * 1024);
    let mut f = fixture(vec![write_call("big.txt", &huge), text("Sorry.")]);
    f.open_chat(Approval::Auto);
    f.session
        .submit(Op::UserTurn {
            chat_id: "c".into(),
            text: "write a big file".into(),
        })
        .unwrap();
    let events = f.until(is_turn_end).await;
    assert!(!f.repo().join("big.txt").exists());
    let refusal = events
        .iter()
        .find_map(|e| match &e.event {
            Event::ToolCallEnd {
                ok: false, output, ..
            } => Some(output.clone()),
            _ => None,
        })
        .expect("the call is refused");
    assert!(refusal.contains("the limit is 256 KiB"), "{refusal}");
    for envelope in &events {
        assert!(serde_json::to_string(envelope).unwrap().len() < 64 * 1024);
    }
    let seen = f.seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    let resent = serde_json::to_string(&seen[1].messages).unwrap();
    assert!(
        !resent.contains(&huge[..1024]),
        "the arguments went back to the model"
    );
    assert!(resent.contains("the limit is 256 KiB"));
}

#[tokio::test]
async fn a_runaway_reply_is_cut_at_the_limit() {
    let mut f = fixture(vec![text(&"y".repeat(1100 * 1024))]);
    f.open_chat(Approval::Auto);
    f.session
        .submit(Op::UserTurn {
            chat_id: "c".into(),
            text: "talk".into(),
        })
        .unwrap();
    let events = f.until(is_turn_end).await;
    assert!(events.iter().any(|e| matches!(
        &e.event,
        Event::ModelEnd {
            reason: crate::protocol::FinishReason::Length,
            ..
        }
    )));
    assert!(events.iter().any(|e| matches!(
        &e.event,
        Event::Error { message, .. } if message.contains("was cut")
    )));
    let streamed: usize = events
        .iter()
        .map(|e| match &e.event {
            Event::ModelDelta { text, .. } => text.len(),
            _ => 0,
        })
        .sum();
    assert!(streamed <= crate::task::driver::REPLY_LIMIT, "{streamed}");
}

fn run_call(id: &str, command: &str) -> Vec<ChatEvent> {
    vec![
        ChatEvent::ToolCall {
            call: ToolCall {
                id: id.into(),
                name: "run".into(),
                arguments: serde_json::json!({ "command": command }),
            },
        },
        ChatEvent::Done {
            reason: DoneReason::ToolCalls,
        },
    ]
}

/// The outputs of the task's `run` calls, by call id, until it finished.
async fn run_outputs(
    f: &mut Fixture,
    untrusted: Option<crate::untrusted::UntrustedOrigin>,
) -> Vec<(String, bool, String)> {
    let repo = crate::git::test_support::Fixture::with_commit();
    let mut spec = task_spec(&repo.root);
    spec.untrusted = untrusted;
    f.session
        .submit(Op::RunTask {
            spec,
            answers_approvals: false,
        })
        .unwrap();
    f.until(|e| matches!(e, Event::TaskFinished { .. }))
        .await
        .into_iter()
        .filter_map(|envelope| match envelope.event {
            Event::ToolCallEnd { id, ok, output, .. } => Some((id, ok, output)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn an_untrusted_task_runs_only_allowed_commands_and_its_commands_see_no_secret() {
    let env = EnvSnapshot::from_pairs([
        ("PATH", "/usr/bin:/bin"),
        ("GH_TOKEN", "ghp_webhook_secret"),
        ("MY_API_KEY", "sk-secret"),
        ("PLAIN", "visible"),
    ]);
    let sandbox = crate::config::SandboxConfig {
        mode: crate::process::SandboxMode::Off,
        network_run: true,
        network_check: true,
        write_dirs: Vec::new(),
        env_remove: Vec::new(),
        env_keep: vec!["GH_TOKEN".into(), "MY_API_KEY".into()],
    };
    let dir = tempfile::tempdir().unwrap();
    let commands = crate::process::CommandPolicy::from_config(
        &sandbox,
        &env,
        None,
        dir.path().join("tmp"),
        &[],
    );
    let script = || {
        vec![
            run_call("printenv", "printenv"),
            run_call("curl", "curl https://evil.example"),
            run_call("chained", "printenv; curl https://evil.example"),
            text("Done."),
        ]
    };

    // A task of the user keeps what sandbox.env_keep keeps (the control).
    let mut trusted = fixture_with(script(), commands.clone());
    let outputs = run_outputs(&mut trusted, None).await;
    assert!(outputs[0].2.contains("ghp_webhook_secret"), "{outputs:?}");

    let mut f = fixture_with(script(), commands);
    let origin = crate::untrusted::UntrustedOrigin::new(
        "GitHub o/r#1",
        &["printenv".to_string(), "cargo test".to_string()],
    );
    let outputs = run_outputs(&mut f, Some(origin)).await;
    assert_eq!(outputs.len(), 3, "{outputs:?}");
    let (_, ok, printed) = &outputs[0];
    assert!(ok, "{printed}");
    assert!(printed.contains("PLAIN=visible"), "{printed}");
    for secret in ["ghp_webhook_secret", "sk-secret", "GH_TOKEN", "MY_API_KEY"] {
        assert!(!printed.contains(secret), "{secret} leaked: {printed}");
    }
    for (id, ok, output) in &outputs[1..] {
        assert!(!ok, "{id}: {output}");
        assert!(output.starts_with("refused: "), "{id}: {output}");
        assert!(
            output.contains("`printenv`, `cargo test`"),
            "{id}: {output}"
        );
    }
    // The refusal is what the model read next.
    let seen = f.seen.lock().unwrap();
    let next = serde_json::to_string(&seen[2].messages).unwrap();
    assert!(next.contains("is not an allowed command"), "{next}");
}

#[tokio::test]
async fn settling_without_a_limit_waits_for_the_task_and_does_not_overflow() {
    let f = fixture(Vec::new());
    // Nothing runs under this id: it returns at once, also with the largest limit.
    tokio::time::timeout(
        Duration::from_secs(5),
        f.session.settle("no-such-task", Duration::MAX),
    )
    .await
    .expect("settled at once");
}
