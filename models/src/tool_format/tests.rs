//! Unit tests of the tool format: the prompt, every shape the parser accepts, and rejections.

use serde_json::{Value, json};

use super::lenient_json::{MAX_DEPTH, read_all};
use super::*;
use crate::chat::{ChatMessage, ChatRequest, ToolSpec};
use crate::role::Role;

/// Six tools as a coding agent offers them.
pub(super) fn coding_tools() -> Vec<ToolSpec> {
    let tool = |name: &str, description: &str, parameters: Value| ToolSpec {
        name: name.into(),
        description: description.into(),
        parameters,
    };
    vec![
        tool(
            "read_file",
            "Read a file, optionally a range of lines",
            json!({"type": "object", "properties": {
                "path": {"type": "string", "description": "relative to the repo"},
                "start": {"type": "integer"},
                "end": {"type": "integer"}
            }, "required": ["path"]}),
        ),
        tool(
            "write_file",
            "Create or overwrite a file",
            json!({"type": "object", "properties": {
                "path": {"type": "string"}, "content": {"type": "string"}
            }, "required": ["path", "content"]}),
        ),
        tool(
            "edit_file",
            "Replace the exact text `old` with `new` in a file",
            json!({"type": "object", "properties": {
                "path": {"type": "string"}, "old": {"type": "string"}, "new": {"type": "string"}
            }, "required": ["path", "old", "new"]}),
        ),
        tool(
            "run_command",
            "Run a shell command in the repository",
            json!({"type": "object", "properties": {
                "command": {"type": "string"},
                "timeout_secs": {"type": "integer", "default": 60}
            }, "required": ["command"]}),
        ),
        tool(
            "search",
            "Search file contents with a regex",
            json!({"type": "object", "properties": {
                "pattern": {"type": "string"},
                "path": {"type": "string"},
                "case_sensitive": {"type": "boolean"}
            }, "required": ["pattern"]}),
        ),
        tool(
            "list_files",
            "List files under a directory",
            json!({"type": "object", "properties": {
                "path": {"type": "string"}, "depth": {"type": "integer"}
            }}),
        ),
    ]
}

fn parse(text: &str) -> ParsedReply {
    parse_tool_calls(text, &coding_tools())
}

/// The one call of a reply that must hold exactly one and no problems.
#[allow(clippy::unwrap_used, clippy::expect_used)]
fn only_call(text: &str) -> (String, Value) {
    let reply = parse(text);
    assert!(reply.problems.is_empty(), "problems: {:?}", reply.problems);
    assert_eq!(reply.calls.len(), 1, "calls: {:?}", reply.calls);
    let call = reply.calls.into_iter().next().expect("one call");
    assert_eq!(call.id, "call_1");
    (call.name, call.arguments)
}

fn read_src() -> (String, Value) {
    ("read_file".into(), json!({"path": "src/lib.rs"}))
}

// --- the prompt ---

#[test]
fn the_prompt_is_one_line_per_tool_and_the_calling_instruction() {
    let prompt = render_tool_prompt(&coding_tools());
    let expected = r#"# Tools
You can call these tools (`?` marks an optional argument):
read_file(path: string, start?: integer, end?: integer) — Read a file, optionally a range of lines
write_file(path: string, content: string) — Create or overwrite a file
edit_file(path: string, old: string, new: string) — Replace the exact text `old` with `new` in a file
run_command(command: string, timeout_secs?: integer = 60) — Run a shell command in the repository
search(pattern: string, path?: string, case_sensitive?: boolean) — Search file contents with a regex
list_files(path?: string, depth?: integer) — List files under a directory

To call a tool, write a block like this, one block per call, then stop and wait:
```tool
{"name":"read_file","arguments":{"path":"..."}}
```
Each result comes back in the next message, starting `Result of NAME (call_N):`.
"#;
    assert_eq!(prompt, expected);
}

#[test]
fn the_prompt_for_six_tools_stays_small() {
    let prompt = render_tool_prompt(&coding_tools());
    // About 230 tokens at four characters a token: the budget that keeps prefill cheap.
    assert!(prompt.len() < 1000, "{} chars", prompt.len());
}

#[test]
fn no_tools_means_no_prompt() {
    assert_eq!(render_tool_prompt(&[]), "");
}

#[test]
fn signatures_spell_out_enums_arrays_unions_and_nested_objects() {
    let tool = ToolSpec {
        name: "t".into(),
        description: "Does\n  things".into(),
        parameters: json!({"type": "object", "properties": {
            "mode": {"enum": ["fast", "slow"]},
            "paths": {"type": "array", "items": {"type": "string"}},
            "ids": {"type": "array", "items": {"type": ["integer", "string"]}},
            "limit": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            "range": {"type": "object", "properties": {"from": {"type": "integer"}}, "required": ["from"]},
            "anything": {},
            "flag": {"const": true}
        }, "required": ["mode"]}),
    };
    let prompt = render_tool_prompt(std::slice::from_ref(&tool));
    assert!(prompt.contains(
        r#"t(mode: "fast"|"slow", paths?: string[], ids?: (integer|string)[], limit?: integer|null, range?: {from: integer}, anything?: any, flag?: true) — Does things"#
    ), "{prompt}");
    assert!(
        prompt.contains(r#"{"name":"t","arguments":{"mode":"..."}}"#),
        "{prompt}"
    );
}

#[test]
fn a_tool_without_arguments_renders_empty_parentheses() {
    let tool = ToolSpec {
        name: "git_status".into(),
        description: String::new(),
        parameters: json!({"type": "object"}),
    };
    let prompt = render_tool_prompt(&[tool]);
    assert!(prompt.contains("\ngit_status()\n"), "{prompt}");
    assert!(prompt.contains(r#"{"name":"git_status","arguments":{}}"#));
}

#[test]
fn a_call_renders_as_a_tool_fence_of_compact_json() {
    let call = ToolCall {
        id: "call_1".into(),
        name: "read_file".into(),
        arguments: json!({"path": "a b.rs", "start": 3}),
    };
    assert_eq!(
        render_tool_call(&call),
        "```tool\n{\"name\":\"read_file\",\"arguments\":{\"path\":\"a b.rs\",\"start\":3}}\n```"
    );
}

#[test]
fn a_result_is_fenced_longer_than_any_fence_inside_it() {
    let call = ToolCall {
        id: "call_2".into(),
        name: "read_file".into(),
        arguments: json!({}),
    };
    assert_eq!(
        render_tool_result(&call, "fn main() {}\n"),
        "Result of read_file (call_2):\n```\nfn main() {}\n```"
    );
    let markdown = "# Title\n```rust\nfn x() {}\n```";
    assert_eq!(
        render_tool_result(&call, markdown),
        format!("Result of read_file (call_2):\n````\n{markdown}\n````")
    );
    assert_eq!(
        render_tool_result(&call, "  \n"),
        "Result of read_file (call_2): (no output)"
    );
}

// --- accepted shapes ---

#[test]
fn the_documented_format_with_prose_around_it() {
    let reply = parse(
        "Let me look at the file.\n\n```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}\n```\n\nThen I will edit it.",
    );
    assert_eq!(
        reply.text,
        "Let me look at the file.\n\nThen I will edit it."
    );
    assert!(reply.problems.is_empty());
    assert_eq!(
        reply.calls,
        vec![ToolCall {
            id: "call_1".into(),
            name: "read_file".into(),
            arguments: json!({"path": "src/lib.rs"}),
        }]
    );
}

#[test]
fn json_and_plain_fences() {
    let json_fence =
        "```json\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}\n```";
    assert_eq!(only_call(json_fence), read_src());
    let plain = "```\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}\n```";
    assert_eq!(only_call(plain), read_src());
    let tilde =
        "~~~tool_call\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}\n~~~";
    assert_eq!(only_call(tilde), read_src());
}

#[test]
fn bare_json_in_the_prose() {
    let reply = parse(
        "I'll read it: {\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}} and then edit.",
    );
    assert_eq!(reply.calls.len(), 1);
    assert_eq!(reply.calls[0].arguments, json!({"path": "src/lib.rs"}));
    assert_eq!(reply.text, "I'll read it: and then edit.");
    let alone = parse("{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}");
    assert_eq!(alone.calls.len(), 1);
    assert_eq!(alone.text, "");
}

#[test]
fn qwen_and_hermes_tool_call_tags() {
    let reply = parse(
        "Reading both.\n<tool_call>\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"a.rs\"}}\n</tool_call>\n<tool_call>\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"b.rs\"}}\n</tool_call>",
    );
    assert!(reply.problems.is_empty(), "{:?}", reply.problems);
    let paths: Vec<&Value> = reply
        .calls
        .iter()
        .map(|call| &call.arguments["path"])
        .collect();
    assert_eq!(paths, [&json!("a.rs"), &json!("b.rs")]);
    assert_eq!(reply.text, "Reading both.");
    let ids: Vec<&str> = reply.calls.iter().map(|call| call.id.as_str()).collect();
    assert_eq!(ids, ["call_1", "call_2"]);
}

#[test]
fn tags_without_closers_with_inner_fences_or_in_a_fence() {
    let unclosed = "<tool_call>{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}}\n<tool_call>{\"name\": \"read_file\", \"arguments\": {\"path\": \"b\"}}";
    assert_eq!(parse(unclosed).calls.len(), 2);
    let inner_fence = "<TOOL_CALL>\n```json\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}\n```\n</TOOL_CALL>";
    assert_eq!(only_call(inner_fence), read_src());
    let in_fence = "```xml\n<tool_call>{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}</tool_call>\n```";
    let reply = parse(in_fence);
    assert_eq!(reply.calls.len(), 1);
    assert_eq!(reply.text, "");
    let function_call = "<function_call>{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}</function_call>";
    assert_eq!(only_call(function_call), read_src());
}

#[test]
fn json_slips_are_repaired() {
    let cases = [
        "```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\",},}\n```",
        "```tool\n{'name': 'read_file', 'arguments': {'path': 'src/lib.rs'}}\n```",
        "```tool\n{name: \"read_file\", arguments: {path: \"src/lib.rs\"}}\n```",
        "```tool\n{\"name\": \"read_file\" \"arguments\": {\"path\": \"src/lib.rs\"}}\n```",
        "```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}\n```",
        "```tool\n// reading\n{\"name\": \"read_file\", /* why */ \"arguments\": {\"path\": \"src/lib.rs\"}}\n```",
        "```tool\n{name: read_file, arguments: {path: src/lib.rs}}\n```",
    ];
    for case in cases {
        assert_eq!(only_call(case), read_src(), "{case}");
    }
}

#[test]
fn python_literals_become_json_ones() {
    let (name, arguments) = only_call(
        "```tool\n{'name': 'search', 'arguments': {'pattern': 'fn main', 'case_sensitive': False, 'path': None}}\n```",
    );
    assert_eq!(name, "search");
    assert_eq!(
        arguments,
        json!({"pattern": "fn main", "case_sensitive": false, "path": null})
    );
    let (_, arguments) = only_call(
        "```tool\n{\"name\": \"search\", \"arguments\": {\"pattern\": \"x\", \"case_sensitive\": True}}\n```",
    );
    assert_eq!(arguments["case_sensitive"], json!(true));
}

#[test]
fn arguments_given_as_a_json_string() {
    let openai = r#"```tool
{"name": "read_file", "arguments": "{\"path\": \"src/lib.rs\"}"}
```"#;
    assert_eq!(only_call(openai), read_src());
    let sloppy = r#"{"name": "read_file", "arguments": "{'path': 'src/lib.rs',}"}"#;
    assert_eq!(only_call(sloppy), read_src());
    let empty = r#"```tool
{"name": "list_files", "arguments": ""}
```"#;
    assert_eq!(only_call(empty), ("list_files".into(), json!({})));
}

#[test]
fn arguments_under_other_keys() {
    for key in ["parameters", "args", "input", "params"] {
        let text = format!(
            "```tool\n{{\"name\": \"read_file\", \"{key}\": {{\"path\": \"src/lib.rs\"}}}}\n```"
        );
        assert_eq!(only_call(&text), read_src(), "{key}");
    }
    let anthropic = r#"{"type": "tool_use", "id": "toolu_1", "name": "read_file", "input": {"path": "src/lib.rs"}}"#;
    assert_eq!(only_call(anthropic), read_src());
    let null = r#"```tool
{"name": "list_files", "arguments": null}
```"#;
    assert_eq!(only_call(null), ("list_files".into(), json!({})));
}

#[test]
fn the_flat_form_takes_the_other_keys_as_arguments() {
    let (name, arguments) = only_call(
        "```tool\n{\"name\": \"edit_file\", \"path\": \"a.rs\", \"old\": \"x\", \"new\": \"y\"}\n```",
    );
    assert_eq!(name, "edit_file");
    assert_eq!(arguments, json!({"path": "a.rs", "old": "x", "new": "y"}));
    let bare = "Reading: {\"name\": \"read_file\", \"path\": \"src/lib.rs\"}";
    assert_eq!(only_call(bare), read_src());
}

#[test]
fn tool_and_function_shapes() {
    let tool = r#"```tool
{"tool": "read_file", "arguments": {"path": "src/lib.rs"}}
```"#;
    assert_eq!(only_call(tool), read_src());
    let openai = r#"```json
{"id": "call_abc", "type": "function", "function": {"name": "read_file", "arguments": "{\"path\":\"src/lib.rs\"}"}}
```"#;
    assert_eq!(only_call(openai), read_src());
    let function_name = r#"```tool
{"function": "read_file", "parameters": {"path": "src/lib.rs"}}
```"#;
    assert_eq!(only_call(function_name), read_src());
    let tool_name_wins = r#"```tool
{"tool": "write_file", "path": "a", "content": "b", "name": "ignored?"}
```"#;
    let (name, arguments) = only_call(tool_name_wins);
    assert_eq!(name, "write_file");
    // `name` is not a property of write_file, yet in the flat form it is left for the tool to judge.
    assert_eq!(arguments["content"], json!("b"));
    let wrapper = r#"{"tool_calls": [{"function": {"name": "read_file", "arguments": {"path": "src/lib.rs"}}}]}"#;
    assert_eq!(only_call(wrapper), read_src());
}

#[test]
fn several_calls_in_blocks_or_an_array() {
    let blocks = parse(
        "First:\n```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}}\n```\nSecond:\n```tool\n{\"name\": \"list_files\", \"arguments\": {}}\n```\nDone.",
    );
    assert_eq!(blocks.text, "First:\n\nSecond:\n\nDone.");
    let names: Vec<&str> = blocks.calls.iter().map(|call| call.name.as_str()).collect();
    assert_eq!(names, ["read_file", "list_files"]);
    let ids: Vec<&str> = blocks.calls.iter().map(|call| call.id.as_str()).collect();
    assert_eq!(ids, ["call_1", "call_2"]);

    let array = parse(
        "```json\n[{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}}, {\"name\": \"read_file\", \"arguments\": {\"path\": \"b\"}}]\n```",
    );
    assert_eq!(array.calls.len(), 2);
    assert_eq!(array.calls[1].id, "call_2");
    let lines = parse(
        "```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}}\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"b\"}}\n```",
    );
    assert_eq!(lines.calls.len(), 2);
    let mistral =
        parse("[TOOL_CALLS] [{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}}]");
    assert_eq!(mistral.calls.len(), 1);
}

#[test]
fn strings_holding_fences_and_raw_newlines() {
    let content = "# Readme\n```sh\ncargo test\n```\n";
    let text = format!(
        "```tool\n{{\"name\": \"write_file\", \"arguments\": {{\"path\": \"README.md\", \"content\": \"{}\"}}}}\n```\nWritten.",
        content
    );
    let reply = parse(&text);
    assert!(reply.problems.is_empty(), "{:?}", reply.problems);
    assert_eq!(reply.calls[0].arguments["content"], json!(content));
    assert_eq!(reply.text, "Written.");
    let triple = "```tool\n{\"name\": \"write_file\", \"arguments\": {\"path\": \"a.py\", \"content\": \"\"\"print('hi')\n\"\"\"}}\n```";
    let (_, arguments) = only_call(triple);
    assert_eq!(arguments["content"], json!("print('hi')\n"));
}

#[test]
fn fences_closed_on_the_json_line_or_written_on_one_line() {
    let closed_inline =
        "```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}```\nok";
    let reply = parse(closed_inline);
    assert_eq!(reply.calls.len(), 1);
    assert_eq!(reply.text, "ok");
    let one_line =
        "```tool {\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}} ```";
    assert_eq!(only_call(one_line), read_src());
    let unclosed =
        "Reading.\n```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}";
    let reply = parse(unclosed);
    assert_eq!(reply.calls.len(), 1);
    assert_eq!(reply.text, "Reading.");
}

#[test]
fn python_style_calls_in_a_tool_block() {
    let (name, arguments) =
        only_call("```tool\nread_file(path=\"src/lib.rs\", start=10, end=20)\n```");
    assert_eq!(name, "read_file");
    assert_eq!(
        arguments,
        json!({"path": "src/lib.rs", "start": 10, "end": 20})
    );
    let reply = parse("```tool\nread_file(\"src/lib.rs\")\n```");
    assert!(reply.calls.is_empty());
    assert_eq!(reply.problems.len(), 1);
    assert!(
        reply.problems[0].contains("write it as JSON"),
        "{:?}",
        reply.problems
    );
}

#[test]
fn qwen3_coder_xml_calls() {
    let text = "Editing.\n<tool_call>\n<function=read_file>\n<parameter=path>\nsrc/lib.rs\n</parameter>\n<parameter=start>\n10\n</parameter>\n</function>\n</tool_call>";
    let reply = parse(text);
    assert!(reply.problems.is_empty(), "{:?}", reply.problems);
    assert_eq!(reply.text, "Editing.");
    assert_eq!(reply.calls[0].name, "read_file");
    assert_eq!(
        reply.calls[0].arguments,
        json!({"path": "src/lib.rs", "start": 10})
    );
    let content = "<tool_call><function=write_file><parameter=path>a.rs</parameter><parameter=content>\nfn main() {}\n\n</parameter></function></tool_call>";
    let (_, arguments) = only_call(content);
    assert_eq!(
        arguments,
        json!({"path": "a.rs", "content": "fn main() {}\n"})
    );
}

#[test]
fn a_bare_call_in_inline_code_takes_its_backticks() {
    let reply = parse("Run `{\"name\": \"list_files\"}` first.");
    assert_eq!(reply.calls.len(), 1);
    assert_eq!(reply.text, "Run first.");
}

#[test]
fn names_that_differ_in_spelling_are_matched() {
    for name in [
        "ReadFile",
        "read-file",
        "READ_FILE",
        "functions.read_file",
        " read_file ",
    ] {
        let text = format!(
            "```tool\n{{\"name\": \"{name}\", \"arguments\": {{\"path\": \"src/lib.rs\"}}}}\n```"
        );
        assert_eq!(only_call(&text), read_src(), "{name}");
    }
}

#[test]
fn strings_are_turned_into_the_types_the_schema_wants() {
    let (_, arguments) = only_call(
        r#"```tool
{"name": "read_file", "arguments": {"path": "a", "start": "10", "end": " 20 "}}
```"#,
    );
    assert_eq!(arguments, json!({"path": "a", "start": 10, "end": 20}));
    let (_, arguments) = only_call(
        r#"```tool
{"name": "search", "arguments": {"pattern": "42", "case_sensitive": "TRUE"}}
```"#,
    );
    assert_eq!(arguments, json!({"pattern": "42", "case_sensitive": true}));
    let (_, arguments) = only_call(
        r#"```tool
{"name": "read_file", "arguments": {"path": "a", "start": "ten"}}
```"#,
    );
    assert_eq!(arguments["start"], json!("ten"));
}

#[test]
fn extra_keys_that_are_properties_join_the_arguments() {
    let (_, arguments) = only_call(
        r#"```tool
{"name": "read_file", "arguments": {"path": "a"}, "start": 5, "reason": "look"}
```"#,
    );
    assert_eq!(arguments, json!({"path": "a", "start": 5}));
}

// --- rejections ---

#[test]
fn unknown_tools_are_problems_with_the_closest_name() {
    let reply = parse("```tool\n{\"name\": \"reed_file\", \"arguments\": {\"path\": \"a\"}}\n```");
    assert!(reply.calls.is_empty());
    assert_eq!(reply.problems.len(), 1);
    assert!(
        reply.problems[0].starts_with("unknown tool `reed_file`; the closest is `read_file`"),
        "{}",
        reply.problems[0]
    );
    assert_eq!(reply.text, "");
    let strict_shape = parse("{\"name\": \"delete_repo\", \"arguments\": {}}");
    assert_eq!(strict_shape.problems.len(), 1);
    assert!(strict_shape.problems[0].contains("delete_repo"));
    let none = parse_tool_calls(
        "<tool_call>{\"name\": \"x\", \"arguments\": {}}</tool_call>",
        &[],
    );
    assert_eq!(none.problems, ["unknown tool `x`: no tools are available"]);
}

#[test]
fn ordinary_json_in_the_answer_is_not_a_call() {
    let package = "Here is the manifest:\n```json\n{\"name\": \"my-app\", \"version\": \"1.0.0\", \"scripts\": {\"test\": \"jest\"}}\n```";
    let reply = parse(package);
    assert_eq!(
        reply,
        ParsedReply {
            text: package.into(),
            ..ParsedReply::default()
        }
    );
    let schema = "The schema is {\"type\": \"object\", \"properties\": {}} as usual.";
    assert_eq!(parse(schema).text, schema);
    assert!(parse(schema).calls.is_empty());
    let code = "```rust\nlet call = json!({\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}});\n```";
    let reply = parse(code);
    assert!(reply.calls.is_empty() && reply.problems.is_empty());
    assert_eq!(reply.text, code);
}

#[test]
fn prose_alone_is_kept_exactly() {
    let text = "  No tools needed.\n\nThe answer is {42}.\n";
    assert_eq!(
        parse(text),
        ParsedReply {
            text: text.into(),
            ..ParsedReply::default()
        }
    );
}

#[test]
fn unreadable_blocks_are_problems_with_a_position() {
    let reply = parse(
        "Reading.\n```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\" ! }}\n```",
    );
    assert!(reply.calls.is_empty());
    assert_eq!(reply.problems.len(), 1);
    assert!(
        reply.problems[0].contains("expected `,` or `}` after a member at line 3 column"),
        "{}",
        reply.problems[0]
    );
    assert_eq!(reply.text, "Reading.");
    let cut = parse(
        "<tool_call>{\"name\": \"write_file\", \"arguments\": {\"path\": \"a\", \"content\": \"fn main",
    );
    assert!(
        cut.problems[0].contains("unterminated string"),
        "{:?}",
        cut.problems
    );
    let empty = parse("```tool\n\n```");
    assert_eq!(empty.problems, ["an empty tool call block"]);
    let prose = parse("```tool\nI want to read the file\n```");
    assert!(
        prose.problems[0].starts_with("no JSON call"),
        "{:?}",
        prose.problems
    );
}

#[test]
fn calls_without_a_name_or_with_bad_arguments_are_problems() {
    let nameless = parse("```tool\n{\"arguments\": {\"path\": \"a\"}}\n```");
    assert!(
        nameless.problems[0].contains("no tool name"),
        "{:?}",
        nameless.problems
    );
    let number = parse("```tool\n{\"name\": \"read_file\", \"arguments\": 5}\n```");
    assert!(
        number.problems[0].contains("must be a JSON object"),
        "{:?}",
        number.problems
    );
    let broken_string = parse(
        r#"```tool
{"name": "read_file", "arguments": "{\"path\": \"a"}
```"#,
    );
    assert!(
        broken_string.problems[0].contains("is not a JSON object: unterminated string"),
        "{:?}",
        broken_string.problems
    );
    let not_object = parse("```tool\n[1, 2]\n```");
    assert_eq!(not_object.problems.len(), 2);
    let empty_list = parse("```tool\n[]\n```");
    assert_eq!(empty_list.problems, ["the list of calls is empty"]);
}

#[test]
fn a_broken_bare_call_naming_a_tool_is_a_problem() {
    let reply = parse("Now {\"name\": \"read_file\", \"arguments\": {\"path\": \"a\" ; }} ok");
    assert!(reply.calls.is_empty());
    assert_eq!(reply.problems.len(), 1, "{:?}", reply.problems);
    let unrelated = parse("Set {name: value ; } in the config");
    assert!(unrelated.problems.is_empty());
}

#[test]
fn deep_nesting_is_a_problem_not_a_crash() {
    let deep = format!("```tool\n{}\n```", "[".repeat(10_000));
    let reply = parse(&deep);
    assert!(reply.calls.is_empty());
    assert!(
        reply.problems[0].contains("nested deeper than"),
        "{:?}",
        reply.problems
    );
    let deep_bare = format!("{}x", "{\"name\": ".repeat(5_000));
    assert!(parse(&deep_bare).calls.is_empty());
}

#[test]
fn good_and_bad_calls_keep_their_order() {
    let reply = parse(
        "```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"a\"}}\n```\n```tool\n{\"name\": \"nope\"}\n```\n```tool\n{\"name\": \"list_files\"}\n```",
    );
    let ids: Vec<(&str, &str)> = reply
        .calls
        .iter()
        .map(|call| (call.id.as_str(), call.name.as_str()))
        .collect();
    assert_eq!(ids, [("call_1", "read_file"), ("call_2", "list_files")]);
    assert_eq!(reply.problems.len(), 1);
    let message = reply.problem_message().unwrap_or_default();
    assert!(message.starts_with("These tool calls could not be used:\n- unknown tool `nope`"));
    assert_eq!(parse("hi").problem_message(), None);
}

// --- the lenient reader ---

#[test]
fn the_reader_decodes_escapes_and_keeps_unknown_ones() {
    assert_eq!(
        read_all(r#""a\n\t\"\u00e9\ud83e\udd80\d C:\dir \ud800x""#),
        Ok(json!("a\n\t\"é🦀\\d C:\\dir \u{FFFD}x"))
    );
    assert_eq!(read_all(r"'it\'s'"), Ok(json!("it's")));
    assert_eq!(read_all("\"\\u+041\""), Ok(json!("\\u+041")));
}

#[test]
fn the_reader_reads_numbers_as_json_does_and_words_as_strings() {
    assert_eq!(
        read_all("[1, -2, +3, 1.5, 1e3, 18446744073709551615, 1e999, 1.2.3, .5]"),
        Ok(json!([
            1,
            -2,
            3,
            1.5,
            1000.0,
            18446744073709551615u64,
            "1e999",
            "1.2.3",
            0.5
        ]))
    );
    assert_eq!(
        read_all("[None, nil, undefined, TRUE]"),
        Ok(json!([null, null, null, true]))
    );
    assert_eq!(read_all("{a: b c}"), Ok(json!({"a": "b c"})));
}

#[test]
fn the_reader_limits_depth() {
    let nested_ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(read_all(&nested_ok).is_ok());
    let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert!(read_all(&too_deep).is_err());
}

// --- whole requests ---

#[test]
fn a_request_is_rewritten_for_a_plain_model_and_its_calls_read_back() {
    let call = ToolCall {
        id: "call_9".into(),
        name: "read_file".into(),
        arguments: json!({"path": "src/lib.rs"}),
    };
    let other = ToolCall {
        id: "call_10".into(),
        name: "list_files".into(),
        arguments: json!({}),
    };
    let mut assistant = ChatMessage::assistant("Looking.");
    assistant.tool_calls = vec![call.clone(), other.clone()];
    let mut request = ChatRequest::new(
        "qwen",
        vec![
            ChatMessage::system("You are helpful."),
            ChatMessage::user("Read lib.rs"),
            assistant,
            ChatMessage::tool_result(&call, "pub mod chat;"),
            ChatMessage::tool_result(&other, "src/"),
        ],
    );
    request.tools = coding_tools();
    let plain = plain_request(request);
    assert!(plain.tools.is_empty());
    let roles: Vec<Role> = plain.messages.iter().map(|message| message.role).collect();
    assert_eq!(
        roles,
        [Role::System, Role::User, Role::Assistant, Role::User]
    );
    assert!(
        plain.messages[0]
            .content
            .starts_with("You are helpful.\n\n# Tools\n")
    );
    assert_eq!(
        plain.messages[3].content,
        "Result of read_file (call_9):\n```\npub mod chat;\n```\n\nResult of list_files (call_10):\n```\nsrc/\n```"
    );
    let reply = parse(&plain.messages[2].content);
    assert_eq!(reply.text, "Looking.");
    let calls: Vec<(&str, &Value)> = reply
        .calls
        .iter()
        .map(|call| (call.name.as_str(), &call.arguments))
        .collect();
    assert_eq!(
        calls,
        [
            ("read_file", &call.arguments),
            ("list_files", &other.arguments)
        ]
    );
}

#[test]
fn a_request_without_a_system_message_gets_one() {
    let mut request = ChatRequest::new("m", vec![ChatMessage::user("hi")]);
    request.tools = coding_tools();
    let plain = plain_request(request);
    assert_eq!(plain.messages[0].role, Role::System);
    assert!(plain.messages[0].content.starts_with("# Tools\n"));
    let untouched = plain_request(ChatRequest::new("m", vec![ChatMessage::user("hi")]));
    assert_eq!(untouched.messages, vec![ChatMessage::user("hi")]);
}

#[test]
fn past_sixteen_problems_the_rest_are_counted() {
    let text = "```tool\n{\"name\": \"nope\"}\n```\n".repeat(20);
    let reply = parse(&text);
    assert_eq!(reply.problems.len(), 17);
    assert_eq!(reply.problems[16], "4 more tool calls could not be used");
    assert_eq!(reply.text, "");
}
