//! Long and degenerate model turns of a task: the per-turn output cap, a reply cut there,
//! a reply that loops, and how many `model_delta` rows a long reply becomes.

use agent_models::{ChatEvent, DoneReason};

use super::*;
use crate::protocol::{FinishReason, LimitKind, TaskStatus};

fn done(reason: DoneReason) -> ChatEvent {
    ChatEvent::Done { reason }
}

fn delta(text: &str) -> ChatEvent {
    ChatEvent::TextDelta { text: text.into() }
}

/// Runs the task of `task_spec` to its end; its id and every envelope.
async fn run_task(f: &mut Fixture, repo: &std::path::Path) -> (String, Vec<EventEnvelope>) {
    let submitted = f
        .session
        .submit(Op::RunTask {
            spec: task_spec(repo),
            answers_approvals: false,
        })
        .unwrap();
    let task_id = submitted.task_id().unwrap().to_string();
    let events = f.until(|e| matches!(e, Event::TaskFinished { .. })).await;
    (task_id, events)
}

fn store(f: &Fixture) -> crate::store::Store {
    crate::store::Store::open(&f.dir.path().join("agent.db"), &Default::default()).unwrap()
}

#[tokio::test]
async fn every_task_request_is_capped_and_a_cut_reply_is_reported_to_the_model() {
    let mut f = fixture(vec![
        vec![delta("Here is my plan: first I"), done(DoneReason::Length)],
        text("Done."),
    ]);
    let repo = crate::git::test_support::Fixture::with_commit();
    let (_, events) = run_task(&mut f, &repo.root).await;
    assert!(events.iter().any(|e| matches!(
        e.event,
        Event::ModelEnd {
            reason: FinishReason::Length,
            ..
        }
    )));
    let seen = f.seen.lock().unwrap();
    assert_eq!(
        seen.len(),
        2,
        "the cut reply was not taken as the last word"
    );
    for request in seen.iter() {
        assert_eq!(
            request.options.max_tokens,
            Some(2048),
            "task.max_turn_tokens"
        );
    }
    let note = &seen[1].messages.last().unwrap().content;
    assert!(
        note.contains("cut off") && note.contains("2048 tokens"),
        "{note}"
    );
    assert_eq!(
        seen[1].messages[seen[1].messages.len() - 2].content,
        "Here is my plan: first I"
    );
}

/// A reply that says one sentence over and over, 200 times, then stops.
fn looping_reply() -> Vec<ChatEvent> {
    let mut events: Vec<ChatEvent> = (0..200)
        .map(|_| delta("The bug is in calc.py and I will fix it now. "))
        .collect();
    events.push(done(DoneReason::Stop));
    events
}

#[tokio::test]
async fn a_looping_reply_is_stopped_and_told_and_the_second_fails_the_task_with_the_reason() {
    let mut f = fixture(vec![looping_reply(), looping_reply(), text("never asked")]);
    let repo = crate::git::test_support::Fixture::with_commit();
    let (task_id, events) = run_task(&mut f, &repo.root).await;

    let ends: Vec<FinishReason> = events
        .iter()
        .filter_map(|e| match e.event {
            Event::ModelEnd { reason, .. } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(ends, [FinishReason::Repetition, FinishReason::Repetition]);
    // Stopped early: far less than the 200 sentences streamed.
    let streamed: usize = events
        .iter()
        .map(|e| match &e.event {
            Event::ModelDelta { text, .. } => text.len(),
            _ => 0,
        })
        .sum();
    assert!(streamed < 2 * 20 * 46, "{streamed} bytes streamed");
    assert!(events.iter().any(|e| matches!(
        e.event,
        Event::LimitReached {
            limit: LimitKind::Repetition,
            ..
        }
    )));
    assert!(matches!(
        events.last().unwrap().event,
        Event::TaskFinished {
            status: TaskStatus::Failed,
            ..
        }
    ));

    let seen = f.seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "the second loop ends the task");
    let told = &seen[1].messages.last().unwrap().content;
    assert!(told.contains("repeated itself"), "{told}");
    assert!(told.contains("The bug is in calc.py"), "{told}");
    // Only the start of the loop went back to the model.
    let kept = &seen[1].messages[seen[1].messages.len() - 2].content;
    assert!(kept.len() < 200, "{kept}");

    let record = store(&f).task(&task_id).unwrap();
    assert_eq!(record.status, TaskStatus::Failed);
    let reason = record.error.unwrap_or_default();
    assert!(reason.contains("repeating itself"), "{reason}");
}

#[tokio::test]
async fn a_long_reply_is_a_few_delta_rows_not_thousands() {
    // 3,600 small deltas (about 25 KB), as a local model streams them.
    let mut reply: Vec<ChatEvent> = (0..3600).map(|i| delta(&format!("w{i} "))).collect();
    reply.push(done(DoneReason::Stop));
    let whole: String = (0..3600).map(|i| format!("w{i} ")).collect();
    let mut f = fixture(vec![reply]);
    let repo = crate::git::test_support::Fixture::with_commit();
    let (task_id, _) = run_task(&mut f, &repo.root).await;

    let rows = store(&f).task_events(&task_id, 0).unwrap();
    let deltas: Vec<&str> = rows
        .iter()
        .filter_map(|e| match &e.event {
            Event::ModelDelta { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(deltas.concat(), whole, "no text lost or reordered");
    let most = whole.len() / crate::task::driver::DeltaFlush::STORED.bytes + 2;
    assert!(
        deltas.len() <= most,
        "{} delta rows for 3,600 pieces (at most {most})",
        deltas.len()
    );
}
