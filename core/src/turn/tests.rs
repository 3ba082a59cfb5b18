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
        matches!(&effects[..], [Effect::RequestModel { turn: 1, messages }] if messages.len() == 2)
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
    let [Effect::RequestModel { messages, turn: 2 }] = &effects[..] else {
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
