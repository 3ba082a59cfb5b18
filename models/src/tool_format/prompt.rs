//! What a model without native tool support is shown: the compact tool list with the calling
//! instruction, its own earlier calls as blocks, and tool results as text.

use serde_json::{Map, Value};

use crate::chat::{ToolCall, ToolSpec};

/// How deep object types are spelled out in a signature before they become plain `object`.
const MAX_TYPE_DEPTH: usize = 2;

/// The system-prompt section that lists `tools` and says how to call them; empty without tools.
///
/// One line per tool, `name(arg: type, optional?: type = default) — description`, then the
/// calling instruction with an example built from the first tool that has required arguments.
/// Argument descriptions are left out to save prefill: what a model must know about an argument
/// belongs in the tool's description. See the module documentation for the exact text.
pub fn render_tool_prompt(tools: &[ToolSpec]) -> String {
    if tools.is_empty() {
        return String::new();
    }
    let mut prompt =
        String::from("# Tools\nYou can call these tools (`?` marks an optional argument):\n");
    for tool in tools {
        prompt.push_str(&tool_line(tool));
        prompt.push('\n');
    }
    let example_tool = tools
        .iter()
        .find(|tool| !required(&tool.parameters).is_empty())
        .unwrap_or(&tools[0]);
    let example = ToolCall {
        id: "call_1".into(),
        name: example_tool.name.clone(),
        arguments: Value::Object(example_arguments(&example_tool.parameters)),
    };
    prompt.push_str(
        "\nTo call a tool, write a block like this, one block per call, then stop and wait:\n",
    );
    prompt.push_str(&render_tool_call(&example));
    prompt.push_str(
        "\nEach result comes back in the next message, starting `Result of NAME (call_N):`.\n",
    );
    prompt
}

/// A call as the model is asked to write it: a ```` ```tool ```` fence holding one line of
/// compact JSON, `{"name":…,"arguments":{…}}`. Used for the example in the prompt and to replay
/// the model's earlier calls in its own turns.
pub fn render_tool_call(call: &ToolCall) -> String {
    let mut object = Map::new();
    object.insert("name".into(), Value::String(call.name.clone()));
    object.insert("arguments".into(), call.arguments.clone());
    let json = serde_json::to_string(&Value::Object(object)).unwrap_or_default();
    format!("```tool\n{json}\n```")
}

/// A tool's output as text for the model, to send as a user (or tool) message:
/// `Result of NAME (ID):` and the output in a fence longer than any backtick run inside it, or
/// `Result of NAME (ID): (no output)`.
pub fn render_tool_result(call: &ToolCall, output: &str) -> String {
    let header = if call.id.is_empty() {
        format!("Result of {}:", call.name)
    } else {
        format!("Result of {} ({}):", call.name, call.id)
    };
    if output.trim().is_empty() {
        return format!("{header} (no output)");
    }
    let fence = "`".repeat(longest_backtick_run(output).max(2) + 1);
    let newline = if output.ends_with('\n') { "" } else { "\n" };
    format!("{header}\n{fence}\n{output}{newline}{fence}")
}

/// `name(args) — description` with the description on one line.
fn tool_line(tool: &ToolSpec) -> String {
    let description = tool
        .description
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let arguments = arguments_signature(&tool.parameters, 0);
    if description.is_empty() {
        format!("{}({arguments})", tool.name)
    } else {
        format!("{}({arguments}) — {description}", tool.name)
    }
}

/// `path: string, start?: integer = 1` for an object schema's properties, in schema order.
fn arguments_signature(schema: &Value, depth: usize) -> String {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return String::new();
    };
    let required = required(schema);
    properties
        .iter()
        .map(|(name, property)| {
            let optional = if required.contains(&name.as_str()) {
                ""
            } else {
                "?"
            };
            let default = property
                .get("default")
                .map(|value| format!(" = {}", compact(value)))
                .unwrap_or_default();
            format!("{name}{optional}: {}{default}", type_name(property, depth))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A terse type for a property schema: `string`, `integer[]`, `"a"|"b"`, `{x: number}`, `any`.
fn type_name(schema: &Value, depth: usize) -> String {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.iter().map(compact).collect::<Vec<_>>().join("|");
    }
    if let Some(value) = schema.get("const") {
        return compact(value);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema.get(key).and_then(Value::as_array) {
            let mut names: Vec<String> = Vec::new();
            for option in options {
                let name = type_name(option, depth + 1);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            return names.join("|");
        }
    }
    match schema.get("type") {
        Some(Value::String(kind)) => named_type(kind, schema, depth),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .map(|kind| named_type(kind, schema, depth))
            .collect::<Vec<_>>()
            .join("|"),
        _ if schema.get("properties").is_some() => named_type("object", schema, depth),
        _ => "any".into(),
    }
}

fn named_type(kind: &str, schema: &Value, depth: usize) -> String {
    match kind {
        "array" => match schema.get("items") {
            Some(items) if depth < MAX_TYPE_DEPTH => {
                let item = type_name(items, depth + 1);
                if item.contains('|') {
                    format!("({item})[]")
                } else {
                    format!("{item}[]")
                }
            }
            _ => "array".into(),
        },
        "object" if depth < MAX_TYPE_DEPTH => {
            let members = arguments_signature(schema, depth + 1);
            if members.is_empty() {
                "object".into()
            } else {
                format!("{{{members}}}")
            }
        }
        other => other.into(),
    }
}

/// The names in a schema's `required` list.
fn required(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Placeholder arguments for the example call: each required property's first example, its
/// default, or a value of its type.
fn example_arguments(schema: &Value) -> Map<String, Value> {
    let properties = schema.get("properties").and_then(Value::as_object);
    required(schema)
        .into_iter()
        .map(|name| {
            let property = properties.and_then(|properties| properties.get(name));
            let value = property
                .and_then(|property| {
                    property
                        .get("examples")
                        .and_then(|examples| examples.get(0))
                        .or_else(|| property.get("default"))
                        .cloned()
                })
                .unwrap_or_else(|| placeholder(property));
            (name.to_string(), value)
        })
        .collect()
}

fn placeholder(property: Option<&Value>) -> Value {
    let kind = property
        .and_then(|property| property.get("type"))
        .and_then(Value::as_str);
    match kind {
        Some("integer" | "number") => Value::from(1),
        Some("boolean") => Value::Bool(true),
        Some("array") => Value::Array(Vec::new()),
        Some("object") => Value::Object(Map::new()),
        _ => Value::String("...".into()),
    }
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}
