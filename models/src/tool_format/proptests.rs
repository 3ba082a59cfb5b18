//! Property tests: no input makes the parser panic, and rendered calls read back unchanged.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Value};

use super::tests::coding_tools;
use super::*;

fn config() -> Config {
    Config {
        cases: 256,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Pieces of text that steer the parser into its corners when strung together.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            "(",
            ")",
            "\"",
            "'",
            "\"\"\"",
            ":",
            "=",
            ",",
            "\\",
            "\\u",
            "\\ud83e",
            "\\udd80",
            "```",
            "```tool\n",
            "```json\n",
            "~~~",
            "\n```\n",
            "<tool_call>",
            "</tool_call>",
            "<TOOL_CALL>",
            "\"name\"",
            "name:",
            "\"arguments\"",
            "\"read_file\"",
            "'read_file'",
            "read_file(",
            "\"function\"",
            "\"tool_calls\"",
            "\"parameters\"",
            "True",
            "None",
            "-1e9",
            "1.5",
            "//",
            "/*",
            "*/",
            "#",
            "\n",
            " ",
            "\t",
            "é",
            "🦀",
            "\u{2028}",
            "\0",
            "<function=",
            "<parameter=",
            ">",
            "</parameter>",
            "</function>",
        ])
        .prop_map(String::from),
        "[a-z_0-9 ]{0,4}",
    ]
}

fn json_ish_text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..48).prop_map(|pieces| pieces.concat())
}

/// Arbitrary JSON, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |float| float.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((any::<String>(), json_value()), 0..6)
        .prop_map(|members| members.into_iter().collect())
}

/// Checks what holds for any reply: calls name known tools and are numbered in order.
fn assert_well_formed(reply: &ParsedReply) -> Result<(), TestCaseError> {
    let tools = coding_tools();
    for (index, call) in reply.calls.iter().enumerate() {
        prop_assert_eq!(&call.id, &format!("call_{}", index + 1));
        prop_assert!(tools.iter().any(|tool| tool.name == call.name));
        prop_assert!(call.arguments.is_object());
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let reply = parse_tool_calls(&text, &coding_tools());
        assert_well_formed(&reply)?;
    }

    #[test]
    fn json_ish_text_never_panics(text in json_ish_text()) {
        let reply = parse_tool_calls(&text, &coding_tools());
        assert_well_formed(&reply)?;
        let _ = reply.problem_message();
    }

    #[test]
    fn deeply_nested_brackets_never_panic(
        depth in 0usize..3_000,
        opener in prop::sample::select(vec!["[", "{", "{\"name\":", "{a:[", "(", "<tool_call>{\"x\":"]),
        wrapper in prop::sample::select(vec!["", "```tool\n", "```json\n", "<tool_call>"]),
        closed in any::<bool>(),
    ) {
        let mut text = format!("{wrapper}{}", opener.repeat(depth));
        if closed {
            text.push_str(&"}]".repeat(depth));
        }
        let reply = parse_tool_calls(&text, &coding_tools());
        assert_well_formed(&reply)?;
    }

    #[test]
    fn rendered_calls_parse_back_unchanged(
        calls in prop::collection::vec(
            (prop::sample::select(coding_tools()), json_object()),
            1..4,
        ),
        prose in prop::collection::vec("[a-zA-Z .,!?\n]{0,40}", 4),
    ) {
        // A key that names a typed property could be repaired (a string into an integer), which
        // a valid call never needs: such draws are not valid calls.
        for (tool, arguments) in &calls {
            let properties = tool.parameters.get("properties").and_then(Value::as_object);
            prop_assume!(arguments.keys().all(|key| properties.is_none_or(|p| !p.contains_key(key))));
        }
        let mut text = String::new();
        let mut expected_prose = Vec::new();
        for (index, (tool, arguments)) in calls.iter().enumerate() {
            let piece = &prose[index % prose.len()];
            text.push_str(piece);
            text.push('\n');
            if !piece.trim().is_empty() {
                expected_prose.push(piece.trim());
            }
            let call = ToolCall {
                id: String::new(),
                name: tool.name.clone(),
                arguments: Value::Object(arguments.clone()),
            };
            text.push_str(&render_tool_call(&call));
            text.push('\n');
        }
        let last = &prose[prose.len() - 1];
        text.push_str(last);
        if !last.trim().is_empty() {
            expected_prose.push(last.trim());
        }

        let reply = parse_tool_calls(&text, &coding_tools());
        prop_assert!(reply.problems.is_empty(), "{:?}", reply.problems);
        prop_assert_eq!(reply.calls.len(), calls.len());
        for (index, (call, (tool, arguments))) in reply.calls.iter().zip(&calls).enumerate() {
            prop_assert_eq!(&call.id, &format!("call_{}", index + 1));
            prop_assert_eq!(&call.name, &tool.name);
            prop_assert_eq!(&call.arguments, &Value::Object(arguments.clone()));
        }
        prop_assert_eq!(reply.text, expected_prose.join("\n\n"));
    }

    #[test]
    fn a_result_fence_never_closes_inside_the_output(output in any::<String>(), backticks in 0usize..8) {
        let output = format!("{output}{}", "`".repeat(backticks));
        let call = ToolCall { id: "call_1".into(), name: "read_file".into(), arguments: Value::Null };
        let rendered = render_tool_result(&call, &output);
        if !output.trim().is_empty() {
            let fence = rendered.lines().nth(1).unwrap_or_default();
            prop_assert!(fence.len() >= 3 && fence.bytes().all(|byte| byte == b'`'));
            prop_assert!(!output.contains(fence));
            prop_assert!(rendered.contains(&output));
        }
    }
}
