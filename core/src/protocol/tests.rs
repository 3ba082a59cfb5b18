//! The wire shape of events: a `type` tag, the envelope's fields at the top level, round trips.

use super::*;
use crate::task::TaskStatus;

fn envelope(event: Event) -> EventEnvelope {
    EventEnvelope {
        v: SCHEMA_VERSION,
        task_id: "t1".into(),
        chat_id: None,
        seq: 3,
        at: 1_700_000_000_000,
        event,
    }
}

#[test]
fn an_envelope_is_one_flat_json_object_with_a_type_tag() {
    let json = serde_json::to_value(envelope(Event::ModelDelta {
        id: "m1".into(),
        text: "hi".into(),
    }))
    .unwrap();
    assert_eq!(json["v"], SCHEMA_VERSION);
    assert_eq!(json["task_id"], "t1");
    assert_eq!(json["seq"], 3);
    assert_eq!(json["type"], "model_delta");
    assert_eq!(json["text"], "hi");
}

#[test]
fn every_kind_matches_its_serialized_tag_and_round_trips() {
    let events = vec![
        Event::TaskStatus(TaskStatusChange {
            from: TaskStatus::Pending,
            to: TaskStatus::Running,
            reason: None,
        }),
        Event::StepBegin {
            id: "s1".into(),
            step: StepKind::Turns,
            role: Some(AgentRole::Coder),
            iteration: Some(2),
            detail: String::new(),
        },
        Event::ApprovalDecision(ApprovalDecision {
            id: "c1".into(),
            approved: false,
            by: DecidedBy::NoTerminal,
            reason: "no terminal to ask".into(),
        }),
        Event::LimitReached {
            limit: LimitKind::Turns,
            value: 3,
            detail: "x".into(),
            used: None,
        },
        Event::Error {
            message: "boom".into(),
            hint: Some("retry".into()),
            class: None,
        },
        Event::TaskFinished {
            status: TaskStatus::Failed,
            summary: "s".into(),
            branch: None,
            commit: None,
            diff_stat: None,
            prompt_tokens: 1,
            completion_tokens: 2,
            duration_ms: 3,
        },
    ];
    for event in events {
        let original = envelope(event);
        let json = serde_json::to_value(&original).unwrap();
        assert_eq!(json["type"], original.event.kind());
        let back: EventEnvelope = serde_json::from_value(json).unwrap();
        assert_eq!(back, original);
    }
}

#[test]
fn ops_are_tagged_too() {
    let op: Op = serde_json::from_str(r#"{"type":"cancel","task_id":"t1"}"#).unwrap();
    assert_eq!(
        op,
        Op::Cancel {
            task_id: "t1".into()
        }
    );
}
