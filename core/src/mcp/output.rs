//! A tool call's answer as the model reads it: the text of its content (images, audio and
//! binary resources named, not passed on), its structured content when it has no text, capped,
//! and fenced as data from the server — a tool result, never instructions.

use serde_json::Value;

use crate::text::truncate_with_note;

/// The answer of `server.tool` (a `CallToolResult` as JSON) for the model, at most `limit`
/// bytes of the server's text; and whether the server said the call failed.
pub fn render(server: &str, tool: &str, result: &Value, limit: usize) -> (String, bool) {
    let failed = result.get("isError").and_then(Value::as_bool) == Some(true);
    let mut parts: Vec<String> = result
        .get("content")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(content)
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty()
        && let Some(structured) = result.get("structuredContent")
    {
        parts.push(structured.to_string());
    }
    let text = if parts.is_empty() {
        "(the tool returned nothing)".to_string()
    } else {
        truncate_with_note(&parts.join("\n"), limit)
    };
    let source = if failed {
        format!("the MCP tool {server}.{tool}, which reports an error")
    } else {
        format!("the MCP tool {server}.{tool}")
    };
    (crate::untrusted::as_data(&source, &text), failed)
}

/// One content block as text.
fn content(block: &Value) -> String {
    let kind = block
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mime = || {
        block
            .get("mimeType")
            .and_then(Value::as_str)
            .map(|mime| super::error::quote(mime, 40))
            .unwrap_or_else(|| "unknown type".into())
    };
    match kind {
        "text" => block
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        "image" | "audio" => {
            let size = block
                .get("data")
                .and_then(Value::as_str)
                .map_or(0, |data| data.len() * 3 / 4);
            format!("[{kind} ({}), about {size} bytes, not shown]", mime())
        }
        "resource" => {
            let resource = block.get("resource").unwrap_or(&Value::Null);
            match resource.get("text").and_then(Value::as_str) {
                Some(text) => text.to_string(),
                None => format!("[binary resource {}, not shown]", uri(resource)),
            }
        }
        "resource_link" => format!("[resource {}]", uri(block)),
        other => format!(
            "[content of type {} not shown]",
            super::error::quote(other, 30)
        ),
    }
}

fn uri(value: &Value) -> String {
    value
        .get("uri")
        .and_then(Value::as_str)
        .map(|uri| super::error::quote(uri, 200))
        .unwrap_or_else(|| "without a URI".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_fenced_capped_and_binary_named() {
        let result = json!({
            "content": [
                {"type": "text", "text": "hello ```\nworld"},
                {"type": "image", "data": "AAAA", "mimeType": "image/png"},
                {"type": "resource", "resource": {"uri": "file:///a", "text": "inside"}}
            ]
        });
        let (text, failed) = render("files", "read", &result, 1000);
        assert!(!failed);
        assert!(
            text.contains("untrusted text from the MCP tool files.read"),
            "{text}"
        );
        assert!(text.contains("hello ```\nworld"), "{text}");
        assert!(
            text.contains("````text"),
            "the fence outgrows the text's: {text}"
        );
        assert!(
            text.contains("[image (image/png), about 3 bytes, not shown]"),
            "{text}"
        );
        assert!(text.contains("inside"), "{text}");

        let long =
            json!({"content": [{"type": "text", "text": "x".repeat(5000)}], "isError": true});
        let (text, failed) = render("files", "read", &long, 100);
        assert!(failed);
        assert!(text.contains("[4900 bytes more]"), "{text}");
        assert!(text.contains("reports an error"), "{text}");

        let structured = json!({"content": [], "structuredContent": {"n": 1}});
        assert!(render("s", "t", &structured, 100).0.contains("{\"n\":1}"));
    }
}
