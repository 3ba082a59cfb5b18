//! A tool's schema for the model (asked for, or sent back with a call whose arguments do not fit
//! it), and the light check of arguments that decides: the required properties are there, and
//! the top-level ones have the declared JSON types. Deeper validation is the server's.

use serde_json::{Map, Value};

use super::catalog::ToolInfo;

/// What is wrong with `arguments` for `schema`; empty when nothing is seen to be.
pub fn problems(schema: &Value, arguments: &Map<String, Value>) -> Vec<String> {
    let mut found = Vec::new();
    let properties = schema.get("properties").and_then(Value::as_object);
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if !arguments.contains_key(name) {
                found.push(format!("`{name}` is required"));
            }
        }
    }
    for (name, value) in arguments {
        match properties.and_then(|properties| properties.get(name)) {
            Some(property) => {
                if let Some(expected) = declared_types(property)
                    && !expected.iter().any(|kind| has_type(value, kind))
                {
                    found.push(format!(
                        "`{name}` must be {}, not {}",
                        expected.join(" or "),
                        type_of(value)
                    ));
                }
            }
            None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                found.push(format!("`{name}` is not an argument of this tool"));
            }
            None => {}
        }
    }
    found
}

/// The JSON types a property declares (`"type": "string"` or `["string", "null"]`).
fn declared_types(property: &Value) -> Option<Vec<&str>> {
    match property.get("type")? {
        Value::String(kind) => Some(vec![kind.as_str()]),
        Value::Array(kinds) => Some(kinds.iter().filter_map(Value::as_str).collect()),
        _ => None,
    }
}

fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        // A type this check does not know is the server's to judge.
        _ => true,
    }
}

fn type_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The tool's description and argument schema, as the model reads them.
pub fn describe(server: &str, tool: &ToolInfo) -> String {
    let schema = serde_json::to_string(&tool.schema).unwrap_or_else(|_| "{}".into());
    crate::untrusted::as_data(
        &format!("the MCP server {server}"),
        &format!(
            "{server}.{}: {}\narguments (JSON Schema): {schema}",
            tool.name, tool.description
        ),
    ) + &format!(
        "\nCall mcp with tool=\"{server}.{}\" and arguments matching that schema.",
        tool.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn arguments(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn required_and_typed_arguments() {
        let schema = json!({
            "type": "object",
            "properties": {
                "path": {"type": "string"},
                "limit": {"type": ["integer", "null"]},
                "tags": {"type": "array"}
            },
            "required": ["path"],
            "additionalProperties": false
        });
        assert!(problems(&schema, &arguments(json!({"path": "a", "limit": 3}))).is_empty());
        assert!(problems(&schema, &arguments(json!({"path": "a", "limit": null}))).is_empty());
        let found = problems(&schema, &arguments(json!({"limit": "3", "extra": 1})));
        assert_eq!(
            found,
            [
                "`path` is required",
                "`limit` must be integer or null, not a string",
                "`extra` is not an argument of this tool"
            ]
        );
        // Without a schema worth the name, anything goes to the server.
        assert!(problems(&json!({}), &arguments(json!({"x": 1}))).is_empty());
    }
}
