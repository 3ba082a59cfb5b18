//! Unit tests of [`ToolCallFilter`]: what streams at once, what is held, and what comes out at
//! the end.

use serde_json::json;

use super::super::tests::coding_tools;
use super::*;
use crate::chat::ToolCall;

/// What a backend sends for `deltas`: each push's text as it comes (`None` marks where a push
/// returned nothing), then the events of `finish` and the done reason.
struct Run {
    streamed: Vec<Option<String>>,
    finished: Vec<ChatEvent>,
    reason: DoneReason,
}

impl Run {
    /// All the text, streamed and finished, in order.
    fn text(&self) -> String {
        let mut text: String = self.streamed.iter().flatten().cloned().collect();
        for event in &self.finished {
            if let ChatEvent::TextDelta { text: delta } = event {
                text.push_str(delta);
            }
        }
        text
    }

    fn calls(&self) -> Vec<&ToolCall> {
        self.finished
            .iter()
            .filter_map(|event| match event {
                ChatEvent::ToolCall { call } => Some(call),
                _ => None,
            })
            .collect()
    }
}

fn filtered_with(tools: &[ToolSpec], deltas: &[&str], model_reason: DoneReason) -> Run {
    let mut filter = ToolCallFilter::new(tools);
    let streamed = deltas
        .iter()
        .map(|delta| Some(filter.push(delta)).filter(|text| !text.is_empty()))
        .collect();
    let finished = filter.finish();
    Run {
        streamed,
        finished,
        reason: filter.done_reason(model_reason),
    }
}

fn filtered(deltas: &[&str]) -> Run {
    filtered_with(&coding_tools(), deltas, DoneReason::Stop)
}

/// `text` one character per delta.
fn chars(text: &str) -> Vec<String> {
    text.chars().map(String::from).collect()
}

fn call(id: &str, name: &str, arguments: serde_json::Value) -> ToolCall {
    ToolCall {
        id: id.into(),
        name: name.into(),
        arguments,
    }
}

#[test]
fn without_tools_everything_passes_through_untouched() {
    let deltas = [
        "Sure.\n<tool_call>",
        "{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}}",
        "</tool_call>",
    ];
    let run = filtered_with(&[], &deltas, DoneReason::Stop);
    let streamed: Vec<Option<String>> = deltas.iter().map(|d| Some(d.to_string())).collect();
    assert_eq!(run.streamed, streamed);
    assert!(run.finished.is_empty());
    assert_eq!(run.reason, DoneReason::Stop);
}

#[test]
fn prose_before_a_call_streams_before_the_call() {
    let run = filtered(&[
        "Let me look",
        " at it.\n",
        "<tool_call>\n{\"name\": \"read_file\", ",
        "\"arguments\": {\"path\": \"src/lib.rs\"}}\n</tool_call>",
    ]);
    assert_eq!(
        run.streamed,
        [
            Some("Let me look".to_string()),
            Some(" at it.\n".to_string()),
            None,
            None
        ]
    );
    assert_eq!(
        run.finished,
        [ChatEvent::ToolCall {
            call: call("call_1", "read_file", json!({"path": "src/lib.rs"}))
        }]
    );
    assert_eq!(run.reason, DoneReason::ToolCalls);
}

#[test]
fn a_marker_split_across_deltas_is_held_only_from_its_first_character() {
    let run = filtered(&[
        "Sure<",
        "tool_",
        "call>{\"name\":\"run_command\",\"arguments\":{\"command\":\"ls\"}}</tool_call>",
    ]);
    assert_eq!(run.streamed, [Some("Sure".to_string()), None, None]);
    assert_eq!(
        run.calls(),
        [&call("call_1", "run_command", json!({"command": "ls"}))]
    );

    let fence = filtered(&[
        "Reading.\n`",
        "``to",
        "ol\n{\"name\":\"read_file\",",
        "\"arguments\":{\"path\":\"a\"}}\n``",
        "`",
    ]);
    assert_eq!(
        fence.streamed,
        [Some("Reading.\n".to_string()), None, None, None, None]
    );
    assert_eq!(
        fence.calls(),
        [&call("call_1", "read_file", json!({"path": "a"}))]
    );
    assert_eq!(fence.text(), "Reading.\n");
}

#[test]
fn a_held_suffix_that_grows_into_no_marker_is_sent() {
    let run = filtered(&["a <t", "able> b ``", "` c {\"na", "me\": 1}"]);
    assert_eq!(
        run.streamed,
        [
            Some("a ".to_string()),
            Some("<table> b ``".to_string()),
            Some("` c {\"na".to_string()),
            Some("me\": 1}".to_string()),
        ],
        "markers of fences and bare JSON count only at the start of a line"
    );
    assert!(run.finished.is_empty());
    assert_eq!(run.reason, DoneReason::Stop);
}

#[test]
fn several_calls_come_in_order_with_the_prose_between_them() {
    let text = "I will read both.\n```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"a.rs\"}}\n```\nand\n```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"b.rs\"}}\n```\n";
    let deltas = chars(text);
    let run = filtered(&deltas.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        run.finished,
        [
            ChatEvent::TextDelta {
                text: "\nand".into()
            },
            ChatEvent::ToolCall {
                call: call("call_1", "read_file", json!({"path": "a.rs"}))
            },
            ChatEvent::ToolCall {
                call: call("call_2", "read_file", json!({"path": "b.rs"}))
            },
        ]
    );
    assert_eq!(run.text(), "I will read both.\n\nand");
    assert_eq!(run.reason, DoneReason::ToolCalls);
}

#[test]
fn a_bare_call_object_at_a_line_start_is_a_call() {
    let run = filtered(&[
        "{\"name\": \"search\", ",
        "\"arguments\": {\"pattern\": \"fn main\"}}",
    ]);
    assert_eq!(run.streamed, [None, None]);
    assert_eq!(
        run.calls(),
        [&call("call_1", "search", json!({"pattern": "fn main"}))]
    );
    assert_eq!(run.text(), "");
}

#[test]
fn calls_end_the_answer_with_tool_calls_whatever_stopped_the_model() {
    let deltas = ["<tool_call>{\"name\": \"list_files\", \"arguments\": {}}"];
    let with_call = filtered_with(&coding_tools(), &deltas, DoneReason::Length);
    assert_eq!(with_call.reason, DoneReason::ToolCalls);
    let without = filtered_with(&coding_tools(), &["just text"], DoneReason::Length);
    assert_eq!(without.reason, DoneReason::Length);
}

#[test]
fn a_json_block_that_is_no_call_comes_back_unchanged() {
    let text = "Here is the data:\n```json\n{\"a\":1}\n```";
    let deltas = chars(text);
    let run = filtered(&deltas.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.text(), text);
    assert!(run.calls().is_empty());
    assert_eq!(run.reason, DoneReason::Stop);

    let alone = filtered(&["```json\n{\"a\":1}\n```"]);
    assert_eq!(
        alone.finished,
        [ChatEvent::TextDelta {
            text: "```json\n{\"a\":1}\n```".into()
        }]
    );
}

#[test]
fn text_after_a_closed_block_without_a_call_streams_again() {
    let text =
        "Data:\n```json\n{\"name\": \"Bob\"}\n```\nMore prose.\n{\"name\": \"Ann\"}\nThe end.";
    let deltas = chars(text);
    let run = filtered(&deltas.iter().map(String::as_str).collect::<Vec<_>>());
    let streamed: String = run.streamed.iter().flatten().cloned().collect();
    assert_eq!(streamed, text, "nothing waited for the end of the answer");
    assert!(run.finished.is_empty());
}

#[test]
fn an_unusable_call_comes_back_as_the_text_it_was() {
    let text =
        "Trying.\n<tool_call>{\"name\": \"delete_everything\", \"arguments\": {}}</tool_call>";
    let run = filtered(&[text]);
    assert!(run.calls().is_empty());
    assert_eq!(run.text(), text);
    assert_eq!(run.reason, DoneReason::Stop);
}

#[test]
fn ordinary_code_blocks_keep_streaming() {
    let run = filtered(&[
        "Here:\n",
        "```",
        "\n",
        "fn main() {}\n",
        "```\n",
        "and\n",
        "```rust\n",
        "let x = 1;\n",
        "```",
    ]);
    let sent = |text: &str| Some(text.to_string());
    assert_eq!(
        run.streamed,
        [
            sent("Here:\n"),
            None,
            None,
            sent("```\nfn main() {}\n"),
            None,
            sent("```\nand\n"),
            sent("```rust\n"),
            sent("let x = 1;\n"),
            None,
        ],
        "a bare fence line is held only until the next line shows it opens no call"
    );
    assert_eq!(run.finished, [ChatEvent::TextDelta { text: "```".into() }]);
}

#[test]
fn a_call_in_a_bare_fence_leaves_no_stray_fence() {
    let run =
        filtered(&["Ok.\n```\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"x\"}}\n```"]);
    assert_eq!(run.text(), "Ok.\n");
    assert_eq!(
        run.calls(),
        [&call("call_1", "read_file", json!({"path": "x"}))]
    );
}

#[test]
fn text_without_calls_comes_back_byte_for_byte_however_it_is_split() {
    let texts = [
        "plain prose, naïve café ☕ and <b>bold</b> <t",
        "```json\n{\"a\": [1, 2]}\n```\nafter ```tool mention\n``",
        "{\"name\": \"Bob\", \"age\": 3}\n  {\"name\"",
        "<tool_call>{\"name\": \"nope\"}</tool_call> tail é",
        "x\n```tool\nnot json at all\n```\n\ny",
        "```\n{\"name\": 1}\n```\n[{\"name\": \"a\"}]\n",
    ];
    for text in texts {
        for split in 0..=text.len() {
            if !text.is_char_boundary(split) {
                continue;
            }
            let run = filtered(&[&text[..split], &text[split..]]);
            assert_eq!(run.text(), text, "split at {split}");
            assert!(run.calls().is_empty(), "{text}");
        }
        let deltas = chars(text);
        let run = filtered(&deltas.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(run.text(), text, "one character at a time");
    }
}
