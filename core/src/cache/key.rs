//! The cache key of a request: the SHA-256 of a canonical serialisation (object keys sorted, no
//! whitespace) of what decides the answer — backend, the model's identity, messages, tools,
//! sampling options and context window. Only the hash is stored.

use agent_models::ChatRequest;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The version of the key's form: a change to what goes in makes old keys miss.
const KEY_FORM: u32 = 1;

/// The key of `request` to `backend`'s model named by `identity`, as 64 hex digits.
pub fn request_key(backend: &str, identity: &str, request: &ChatRequest) -> String {
    let value = serde_json::json!({
        "form": KEY_FORM,
        "backend": backend,
        "identity": identity,
        "messages": request.messages,
        "tools": request.tools,
        "options": request.options,
        "context_length": request.context_length,
    });
    let mut canonical = String::new();
    write_canonical(&value, &mut canonical);
    hex(&Sha256::digest(canonical.as_bytes()))
}

/// `value` as JSON with every object's keys in sorted order (the workspace keeps insertion
/// order, which need not be the same for the same content).
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use agent_models::{ChatMessage, ToolCall, ToolSpec};
    use serde_json::json;

    use super::*;

    fn request() -> ChatRequest {
        let mut request = ChatRequest::new("m", vec![ChatMessage::user("hi")]);
        request.options.temperature = Some(0.0);
        request
    }

    #[test]
    fn the_same_request_has_the_same_key_and_any_change_another() {
        let base = request_key("openai", "id", &request());
        assert_eq!(base.len(), 64);
        assert_eq!(base, request_key("openai", "id", &request()));
        assert_ne!(base, request_key("ollama", "id", &request()));
        assert_ne!(base, request_key("openai", "other weights", &request()));
        let mut changed = request();
        changed.messages.push(ChatMessage::assistant("x"));
        assert_ne!(base, request_key("openai", "id", &changed));
        let mut changed = request();
        changed.options.max_tokens = Some(5);
        assert_ne!(base, request_key("openai", "id", &changed));
        let mut changed = request();
        changed.tools.push(ToolSpec {
            name: "read".into(),
            description: "d".into(),
            parameters: json!({}),
        });
        assert_ne!(base, request_key("openai", "id", &changed));
        let mut changed = request();
        changed.context_length = Some(4096);
        assert_ne!(base, request_key("openai", "id", &changed));
    }

    #[test]
    fn object_key_order_does_not_change_the_key() {
        let with = |arguments: Value| {
            let mut request = request();
            let mut message = ChatMessage::assistant("");
            message.tool_calls.push(ToolCall {
                id: "c".into(),
                name: "read".into(),
                arguments,
            });
            request.messages.push(message);
            request_key("openai", "id", &request)
        };
        let a: Value = serde_json::from_str(r#"{"path":"a","limit":1}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"limit":1,"path":"a"}"#).unwrap();
        let (a_text, b_text) = (a.to_string(), b.to_string());
        assert_ne!(a_text, b_text, "the two spellings differ as text");
        assert_eq!(with(a), with(b));
    }

    #[test]
    fn the_key_holds_no_text_of_the_request() {
        let mut request = request();
        request.messages = vec![ChatMessage::user("my password is hunter2")];
        let key = request_key("openai", "id", &request);
        assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
