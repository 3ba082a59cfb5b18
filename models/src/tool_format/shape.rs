//! Turns a value a model wrote into a call: recognises the shapes models use for one, matches
//! the tool name against the known tools, and repairs arguments against the tool's schema.

use serde_json::{Map, Value};

use super::lenient_json::{number, read_all};
use crate::chat::ToolSpec;
use crate::names::edit_distance;

/// Keys that name the tool, most specific first: with `{"tool": "x", "name": "y"}` the tool is
/// `x` and `name` is an argument.
const NAME_KEYS: &[&str] = &["tool_name", "tool", "function", "name"];

/// Keys that hold the arguments object, as Hermes, Llama, Anthropic and others spell them.
const ARGUMENT_KEYS: &[&str] = &[
    "arguments",
    "parameters",
    "args",
    "input",
    "params",
    "tool_input",
    "kwargs",
];

/// Keys of a call's envelope that are not arguments (unless the tool's schema has them).
const META_KEYS: &[&str] = &["id", "type", "call_id", "index"];

/// What a value turned out to be.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// A call of a known tool; `name` is the tool's own spelling.
    Call { name: String, arguments: Value },
    /// Meant as a call but unusable, with why.
    Problem(String),
    /// Not a call at all (a JSON example in prose, a package.json).
    NotACall,
}

/// Interprets a value: a call object, an array of them, or `{"tool_calls": [...]}`. With
/// `explicit` the value sits where only calls belong (a ```` ```tool ```` fence, a
/// `<tool_call>` tag), so whatever is not a usable call is a problem; else it is a call only when
/// it names a known tool or has exactly a call's keys.
pub(crate) fn interpret(value: Value, tools: &[ToolSpec], explicit: bool) -> Vec<Shape> {
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut object) => match object.remove("tool_calls") {
            Some(Value::Array(items)) if object.is_empty() => items,
            Some(other) => {
                object.insert("tool_calls".into(), other);
                vec![Value::Object(object)]
            }
            None => vec![Value::Object(object)],
        },
        _ => return vec![not_a_call(explicit, "expected a JSON object for the call")],
    };
    if items.is_empty() {
        return vec![not_a_call(explicit, "the list of calls is empty")];
    }
    items
        .into_iter()
        .map(|item| match item {
            Value::Object(object) => interpret_object(object, tools, explicit),
            _ => not_a_call(explicit, "expected a JSON object for each call"),
        })
        .collect()
}

/// The tool `raw` names: exactly, or ignoring case, `_`/`-`/spaces and a `functions.` prefix,
/// when that leaves one tool.
pub(crate) fn resolve_name<'a>(raw: &str, tools: &'a [ToolSpec]) -> Option<&'a ToolSpec> {
    let raw = raw.trim();
    if let Some(tool) = tools.iter().find(|tool| tool.name == raw) {
        return Some(tool);
    }
    let unprefixed = raw.rsplit(['.', ':', '/']).next().unwrap_or(raw);
    for candidate in [raw, unprefixed] {
        let key = simplify(candidate);
        let mut matches = tools.iter().filter(|tool| simplify(&tool.name) == key);
        if let (Some(tool), None) = (matches.next(), matches.next()) {
            return Some(tool);
        }
    }
    None
}

/// The problem for an unknown tool name, with the closest known one.
pub(crate) fn unknown_tool(raw: &str, tools: &[ToolSpec]) -> String {
    let shown: String = raw.chars().take(60).collect();
    let key = simplify(raw);
    let closest = tools
        .iter()
        .min_by_key(|tool| edit_distance(&key, &simplify(&tool.name)));
    match closest {
        None => format!("unknown tool `{shown}`: no tools are available"),
        Some(closest) => {
            let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_str()).collect();
            format!(
                "unknown tool `{shown}`; the closest is `{}` (tools: {})",
                closest.name,
                names.join(", ")
            )
        }
    }
}

fn not_a_call(explicit: bool, why: &str) -> Shape {
    if explicit {
        Shape::Problem(why.to_string())
    } else {
        Shape::NotACall
    }
}

fn interpret_object(mut object: Map<String, Value>, tools: &[ToolSpec], explicit: bool) -> Shape {
    // OpenAI's shape: {"id": …, "type": "function", "function": {"name": …, "arguments": …}}.
    if let Some(Value::Object(inner)) = object.get("function")
        && NAME_KEYS
            .iter()
            .any(|key| inner.get(*key).is_some_and(Value::is_string))
    {
        object = inner.clone();
    }
    let found = NAME_KEYS.iter().find_map(|key| {
        object
            .get(*key)
            .and_then(Value::as_str)
            .map(|name| (*key, name.to_string()))
    });
    let Some((name_key, raw_name)) = found else {
        return not_a_call(
            explicit,
            r#"the call has no tool name; write {"name": "TOOL", "arguments": {…}}"#,
        );
    };
    let Some(tool) = resolve_name(&raw_name, tools) else {
        return if explicit || has_only_call_keys(&object, name_key) {
            Shape::Problem(unknown_tool(&raw_name, tools))
        } else {
            Shape::NotACall
        };
    };
    object.remove(name_key);
    match arguments(object, tool) {
        Ok(mut arguments) => {
            repair_types(&mut arguments, &tool.parameters);
            Shape::Call {
                name: tool.name.clone(),
                arguments: Value::Object(arguments),
            }
        }
        Err(problem) => Shape::Problem(problem),
    }
}

/// True when every key is the name, an arguments key or envelope, and arguments are present.
fn has_only_call_keys(object: &Map<String, Value>, name_key: &str) -> bool {
    object
        .keys()
        .any(|key| ARGUMENT_KEYS.contains(&key.as_str()))
        && object.keys().all(|key| {
            key == name_key
                || ARGUMENT_KEYS.contains(&key.as_str())
                || META_KEYS.contains(&key.as_str())
        })
}

/// The arguments object of a call whose name key is already removed: under an arguments key
/// (an object, or a string holding one), else the flat form where the other keys are arguments.
fn arguments(
    mut object: Map<String, Value>,
    tool: &ToolSpec,
) -> Result<Map<String, Value>, String> {
    let properties = tool.parameters.get("properties").and_then(Value::as_object);
    let is_property = |key: &str| properties.is_some_and(|properties| properties.contains_key(key));
    let nested = ARGUMENT_KEYS
        .iter()
        .find(|key| object.contains_key(**key))
        .map(|key| (*key, object.get(*key).cloned().unwrap_or(Value::Null)));
    if let Some((key, value)) = nested {
        let arguments = match value {
            Value::Object(arguments) => Some(arguments),
            Value::Null => Some(Map::new()),
            Value::String(text) if text.trim().is_empty() => Some(Map::new()),
            Value::String(text) => match read_all(&text) {
                Ok(Value::Object(arguments)) => Some(arguments),
                _ if is_property(key) => None,
                Ok(_) => {
                    return Err(format!(
                        "the `{key}` of `{}` must be a JSON object of arguments",
                        tool.name
                    ));
                }
                Err(error) => {
                    return Err(format!(
                        "the `{key}` string of `{}` is not a JSON object: {}",
                        tool.name,
                        error.describe(&text)
                    ));
                }
            },
            _ if is_property(key) => None,
            _ => {
                return Err(format!(
                    "the `{key}` of `{}` must be a JSON object of arguments",
                    tool.name
                ));
            }
        };
        if let Some(mut arguments) = arguments {
            object.remove(key);
            for (extra, value) in object {
                if is_property(&extra) && !arguments.contains_key(&extra) {
                    arguments.insert(extra, value);
                }
            }
            return Ok(arguments);
        }
    }
    object.retain(|key, _| !META_KEYS.contains(&key.as_str()) || is_property(key));
    Ok(object)
}

/// Turns strings into the integer, number, boolean, array or object the schema asks for, where
/// they read as one (`"start": "10"` → `10`). Other values are left for the tool to judge.
fn repair_types(arguments: &mut Map<String, Value>, schema: &Value) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (key, value) in arguments.iter_mut() {
        let Value::String(text) = value else {
            continue;
        };
        let wanted = properties
            .get(key)
            .and_then(|property| property.get("type"))
            .and_then(Value::as_str);
        let repaired = match wanted {
            Some("integer") => number(text.trim()).filter(|n| n.is_i64() || n.is_u64()),
            Some("number") => number(text.trim()),
            Some("boolean") => match text.trim().to_ascii_lowercase().as_str() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            Some("array") => read_all(text).ok().filter(Value::is_array),
            Some("object") => read_all(text).ok().filter(Value::is_object),
            _ => None,
        };
        if let Some(repaired) = repaired {
            *value = repaired;
        }
    }
}

/// Lowercase without `_`, `-` and whitespace: `ReadFile`, `read-file` and `read_file` agree.
fn simplify(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-') && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}
