//! The turn state machine, driven by hand: no IO, no async.

use agent_models::{ChatMessage, Role, ToolCall};
use serde_json::json;

use super::*;
use crate::protocol::LimitKind;

fn start_loop(limits: Limits) -> (TurnLoop, Vec<Effect>) {
    let mut turn = TurnLoop::new(
        vec![ChatMessage::system("sys"), ChatMessage::user("fix it")],
        limits,
    );
    let effects = turn.start();
    (turn, effects)
}

fn call(id: &str, name: &str) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        arguments: json!({"path": "a.rs"}),
    }
}

#[test]
fn a_reply_without_tool_calls_completes_in_one_request() {
    let (mut turn, effects) = start_loop(Limits::default());
    assert!(
        matches!(&effects[..], [Effect::RequestModel { turn: 1, messages, max_tokens: None }] if messages.len() == 2)
    );
    assert!(turn.handle(Input::ModelText("Done".into())).is_empty());
    assert!(turn.handle(Input::ModelText(": fixed".into())).is_empty());
    let effects = turn.handle(Input::ModelDone);
    assert_eq!(
        effects,
        vec![Effect::Finish(TurnOutcome::Completed {
            final_text: "Done: fixed".into()
        })]
    );
    assert!(turn.is_finished());
    assert_eq!(turn.used().turns, 1);
    assert_eq!(
        turn.messages().last().map(|m| m.role),
        Some(Role::Assistant)
    );
}

#[test]
fn tool_calls_run_in_order_and_their_results_go_back_to_the_model() {
    let (mut turn, _) = start_loop(Limits::default());
    turn.handle(Input::ModelToolCall(call("a", "read")));
    turn.handle(Input::ModelToolCall(call("b", "edit")));
    turn.handle(Input::ModelUsage {
        prompt_tokens: 100,
        completion_tokens: 20,
    });
    assert_eq!(
        turn.handle(Input::ModelDone),
        vec![Effect::RunTool(call("a", "read"))]
    );
    // A result for a call that is not running is ignored.
    assert!(
        turn.handle(Input::ToolResult {
            call_id: "b".into(),
            output: "early".into()
        })
        .is_empty()
    );
    assert_eq!(
        turn.handle(Input::ToolResult {
            call_id: "a".into(),
            output: "1\tfn main() {}".into()
        }),
        vec![Effect::RunTool(call("b", "edit"))]
    );
    let effects = turn.handle(Input::ToolResult {
        call_id: "b".into(),
        output: "edited".into(),
    });
    let [
        Effect::RequestModel {
            messages, turn: 2, ..
        },
    ] = &effects[..]
    else {
        panic!("expected a second request, got {effects:?}");
    };
    // system, user, assistant (with two calls), two tool results
    assert_eq!(messages.len(), 5);
    assert_eq!(messages[2].tool_calls.len(), 2);
    assert_eq!(messages[3].tool_call_id.as_deref(), Some("a"));
    assert_eq!(messages[4].content, "edited");
    assert_eq!(turn.used().tool_calls, 2);
    assert_eq!(turn.used().tokens(), 120);
}

#[test]
fn calls_without_ids_get_distinct_ones() {
    let (mut turn, _) = start_loop(Limits::default());
    turn.handle(Input::ModelToolCall(call("", "read")));
    turn.handle(Input::ModelToolCall(call(" ", "read")));
    let effects = turn.handle(Input::ModelDone);
    let [Effect::RunTool(first)] = &effects[..] else {
        panic!("{effects:?}")
    };
    let first_id = first.id.clone();
    let effects = turn.handle(Input::ToolResult {
        call_id: first_id.clone(),
        output: String::new(),
    });
    let [Effect::RunTool(second)] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert!(!first_id.trim().is_empty());
    assert_ne!(first_id, second.id);
}

#[test]
fn the_turn_limit_ends_the_loop_before_another_request() {
    let limits = Limits {
        max_turns: 1,
        ..Limits::default()
    };
    let (mut turn, _) = start_loop(limits);
    turn.handle(Input::ModelToolCall(call("a", "read")));
    turn.handle(Input::ModelDone);
    let effects = turn.handle(Input::ToolResult {
        call_id: "a".into(),
        output: String::new(),
    });
    let [Effect::Finish(TurnOutcome::Limit(hit))] = &effects[..] else {
        panic!("{effects:?}")
    };
    assert_eq!(hit.kind, LimitKind::Turns);
    assert!(hit.detail.contains("--max-turns"));
    assert!(turn.is_finished());
    assert!(turn.handle(Input::ModelDone).is_empty());
}

#[test]
fn the_tool_call_limit_ends_the_loop_before_the_call() {
    let limits = Limits {
        max_tool_calls: 1,
        ..Limits::default()
    };
    let (mut turn, _) = start_loop(limits);
    turn.handle(Input::ModelToolCall(call("a", "read")));
    turn.handle(Input::ModelToolCall(call("b", "read")));
    assert_eq!(
        turn.handle(Input::ModelDone),
        vec![Effect::RunTool(call("a", "read"))]
    );
    let effects = turn.handle(Input::ToolResult {
        call_id: "a".into(),
        output: String::new(),
    });
    assert!(
        matches!(&effects[..], [Effect::Finish(TurnOutcome::Limit(hit))] if hit.kind == LimitKind::ToolCalls)
    );
}

#[test]
fn the_token_limit_ends_the_loop_before_the_next_request() {
    let limits = Limits {
        max_tokens: 500,
        ..Limits::default()
    };
    let (mut turn, _) = start_loop(limits);
    turn.handle(Input::ModelToolCall(call("a", "read")));
    turn.handle(Input::ModelUsage {
        prompt_tokens: 450,
        completion_tokens: 60,
    });
    turn.handle(Input::ModelDone);
    let effects = turn.handle(Input::ToolResult {
        call_id: "a".into(),
        output: String::new(),
    });
    assert!(
        matches!(&effects[..], [Effect::Finish(TurnOutcome::Limit(hit))] if hit.kind == LimitKind::Tokens)
    );
}

#[test]
fn cancel_time_up_and_model_failure_finish_from_any_state() {
    let (mut turn, _) = start_loop(Limits::default());
    assert_eq!(
        turn.handle(Input::Cancel),
        vec![Effect::Finish(TurnOutcome::Cancelled)]
    );

    let (mut turn, _) = start_loop(Limits::default());
    turn.handle(Input::ModelToolCall(call("a", "run")));
    turn.handle(Input::ModelDone);
    let effects = turn.handle(Input::TimeUp);
    assert!(
        matches!(&effects[..], [Effect::Finish(TurnOutcome::Limit(hit))] if hit.kind == LimitKind::WallTime)
    );

    let (mut turn, _) = start_loop(Limits::default());
    assert_eq!(
        turn.handle(Input::ModelFailed("connection refused".into())),
        vec![Effect::Finish(TurnOutcome::ModelFailed(
            "connection refused".into()
        ))]
    );
}

#[test]
fn inputs_out_of_place_are_ignored() {
    let (mut turn, _) = start_loop(Limits::default());
    assert!(
        turn.handle(Input::ToolResult {
            call_id: "x".into(),
            output: String::new()
        })
        .is_empty()
    );
    turn.handle(Input::ModelToolCall(call("a", "read")));
    turn.handle(Input::ModelDone);
    // While a tool runs, model input is out of place.
    assert!(turn.handle(Input::ModelText("late".into())).is_empty());
    assert!(turn.handle(Input::ModelDone).is_empty());
    assert_eq!(turn.used().turns, 1);
}

#[test]
fn a_budget_stop_ends_the_loop_with_its_limit() {
    let mut turn = TurnLoop::new(vec![ChatMessage::user("hi")], Limits::default());
    turn.start();
    let hit = LimitHit {
        kind: crate::protocol::LimitKind::DailyTokens,
        value: 100,
        detail: "daily budget".into(),
        used: Some(120),
    };
    let effects = turn.handle(Input::Stopped(hit.clone()));
    assert_eq!(effects, vec![Effect::Finish(TurnOutcome::Limit(hit))]);
    assert!(turn.is_finished());
}

fn capped(cap: u32) -> Limits {
    Limits {
        max_turn_tokens: Some(cap),
        ..Limits::default()
    }
}

#[test]
fn every_request_carries_the_output_cap() {
    let (mut turn, effects) = start_loop(capped(2048));
    assert!(matches!(
        &effects[..],
        [Effect::RequestModel {
            max_tokens: Some(2048),
            ..
        }]
    ));
    turn.handle(Input::ModelToolCall(call("a", "read")));
    turn.handle(Input::ModelDone);
    let effects = turn.handle(Input::ToolResult {
        call_id: "a".into(),
        output: String::new(),
    });
    assert!(matches!(
        &effects[..],
        [Effect::RequestModel {
            turn: 2,
            max_tokens: Some(2048),
            ..
        }]
    ));
}

#[test]
fn a_reply_cut_at_the_cap_is_reported_to_the_model_instead_of_taken_as_final() {
    let (mut turn, _) = start_loop(capped(100));
    turn.handle(Input::ModelText("Here is the first half of".into()));
    turn.handle(Input::ModelTruncated);
    let effects = turn.handle(Input::ModelDone);
    let [
        Effect::RequestModel {
            messages, turn: 2, ..
        },
    ] = &effects[..]
    else {
        panic!("expected another request, got {effects:?}");
    };
    // system, user, the cut reply, the note
    assert_eq!(messages.len(), 4);
    assert_eq!(messages[2].content, "Here is the first half of");
    assert_eq!(messages[3].role, Role::User);
    assert!(
        messages[3].content.contains("cut off"),
        "{}",
        messages[3].content
    );
    assert!(messages[3].content.contains("100 tokens"));
    // The next reply, complete, ends the loop.
    turn.handle(Input::ModelText("the answer.".into()));
    assert_eq!(
        turn.handle(Input::ModelDone),
        vec![Effect::Finish(TurnOutcome::Completed {
            final_text: "the answer.".into()
        })]
    );
}

#[test]
fn a_cut_reply_with_a_tool_call_runs_the_call() {
    let (mut turn, _) = start_loop(capped(100));
    turn.handle(Input::ModelToolCall(call("a", "read")));
    turn.handle(Input::ModelTruncated);
    assert_eq!(
        turn.handle(Input::ModelDone),
        vec![Effect::RunTool(call("a", "read"))]
    );
}

#[test]
fn without_a_cap_a_cut_reply_ends_the_loop_as_before() {
    let (mut turn, _) = start_loop(Limits::default());
    turn.handle(Input::ModelText("partial".into()));
    turn.handle(Input::ModelTruncated);
    assert_eq!(
        turn.handle(Input::ModelDone),
        vec![Effect::Finish(TurnOutcome::Completed {
            final_text: "partial".into()
        })]
    );
}

fn looping(text: &str) -> Repetition {
    let mut detector = RepetitionDetector::new();
    detector.push(text).cloned().expect("a loop")
}

#[test]
fn a_repeating_reply_is_cut_and_the_model_told_then_the_loop_ends() {
    let sentence = "I will fix the add function now. ";
    let reply = format!("Plan:\n{}", sentence.repeat(20));
    let (mut turn, _) = start_loop(capped(2048));
    turn.handle(Input::ModelText(reply.clone()));
    turn.handle(Input::ModelToolCall(call("a", "read")));
    turn.handle(Input::ModelRepeated(looping(&reply)));
    let effects = turn.handle(Input::ModelDone);
    let [
        Effect::RequestModel {
            messages, turn: 2, ..
        },
    ] = &effects[..]
    else {
        panic!("expected another request, got {effects:?}");
    };
    assert_eq!(messages.len(), 4);
    // Only the start of the loop is kept, and its tool calls are dropped.
    assert_eq!(messages[2].content, format!("Plan:\n{sentence} […]"));
    assert!(messages[2].tool_calls.is_empty());
    assert!(
        messages[3].content.contains("repeated itself"),
        "{}",
        messages[3].content
    );
    assert!(
        messages[3]
            .content
            .contains("I will fix the add function now.")
    );

    turn.handle(Input::ModelText(reply.clone()));
    turn.handle(Input::ModelRepeated(looping(&reply)));
    let effects = turn.handle(Input::ModelDone);
    let [Effect::Finish(TurnOutcome::Limit(hit))] = &effects[..] else {
        panic!("expected the loop to end, got {effects:?}");
    };
    assert_eq!(hit.kind, LimitKind::Repetition);
    assert_eq!(hit.value, u64::from(super::machine::MAX_REPETITIONS));
    assert!(hit.detail.contains("repeating itself"), "{}", hit.detail);
    assert!(turn.is_finished());
}

#[test]
fn a_good_reply_after_a_repeating_one_completes() {
    let reply = "again and again ".repeat(40);
    let (mut turn, _) = start_loop(Limits::default());
    turn.handle(Input::ModelText(reply.clone()));
    turn.handle(Input::ModelRepeated(looping(&reply)));
    assert!(matches!(
        &turn.handle(Input::ModelDone)[..],
        [Effect::RequestModel { .. }]
    ));
    turn.handle(Input::ModelText("Fixed.".into()));
    assert_eq!(
        turn.handle(Input::ModelDone),
        vec![Effect::Finish(TurnOutcome::Completed {
            final_text: "Fixed.".into()
        })]
    );
}

#[test]
fn unusable_calls_are_sent_back_with_why_a_few_times_then_the_reply_stands() {
    let (mut turn, _) = start_loop(Limits::default());
    for round in 0..super::machine::MAX_CALL_PROBLEMS {
        turn.handle(Input::ModelText(
            "```tool\n{\"name\": \"nope\"}\n```".into(),
        ));
        turn.handle(Input::ModelCallProblems(
            "These tool calls could not be used: nope".into(),
        ));
        let effects = turn.handle(Input::ModelDone);
        let [Effect::RequestModel { messages, .. }] = &effects[..] else {
            panic!("round {round}: {effects:?}");
        };
        assert!(
            messages
                .last()
                .unwrap()
                .content
                .contains("could not be used")
        );
    }
    turn.handle(Input::ModelText("still broken".into()));
    turn.handle(Input::ModelCallProblems(
        "These tool calls could not be used".into(),
    ));
    assert_eq!(
        turn.handle(Input::ModelDone),
        vec![Effect::Finish(TurnOutcome::Completed {
            final_text: "still broken".into()
        })]
    );
}
