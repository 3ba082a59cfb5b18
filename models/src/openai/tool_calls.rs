//! Tool calls streamed in pieces keyed by `index`, put back together: the first piece brings
//! the id and name, later ones append to the arguments string, parsed as JSON at the end.

use std::collections::BTreeMap;

use serde_json::Value;

use super::wire::ToolCallDelta;
use crate::chat::ToolCall;

/// The calls of one answer while they arrive.
#[derive(Debug, Default)]
pub(super) struct ToolCallAssembler {
    calls: BTreeMap<u32, PartialCall>,
}

#[derive(Debug, Default)]
struct PartialCall {
    id: Option<String>,
    name: String,
    arguments: String,
}

impl ToolCallAssembler {
    /// Adds the pieces of one chunk. A piece without `index` (some servers omit it) is taken
    /// as the call at its position in the chunk.
    pub(super) fn push(&mut self, deltas: Vec<ToolCallDelta>) {
        for (position, delta) in deltas.into_iter().enumerate() {
            let index = delta
                .index
                .unwrap_or_else(|| u32::try_from(position).unwrap_or(u32::MAX));
            let call = self.calls.entry(index).or_default();
            if let Some(id) = delta.id.filter(|id| !id.is_empty()) {
                call.id = Some(id);
            }
            if let Some(name) = delta.function.name {
                call.name.push_str(&name);
            }
            if let Some(arguments) = delta.function.arguments {
                call.arguments.push_str(&arguments);
            }
        }
    }

    /// The complete calls in index order, emptying the assembler. A call without an id gets
    /// `call_<index>`. Empty arguments are `{}`; arguments that are not valid JSON are kept as
    /// a JSON string so the caller can show or repair them.
    pub(super) fn finish(&mut self) -> Vec<ToolCall> {
        std::mem::take(&mut self.calls)
            .into_iter()
            .map(|(index, call)| ToolCall {
                id: call.id.unwrap_or_else(|| format!("call_{index}")),
                name: call.name,
                arguments: parse_arguments(call.arguments),
            })
            .collect()
    }
}

fn parse_arguments(text: String) -> Value {
    if text.trim().is_empty() {
        return Value::Object(serde_json::Map::new());
    }
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

#[cfg(test)]
mod tests {
    use super::super::wire::FunctionDelta;
    use super::*;
    use serde_json::json;

    fn delta(
        index: Option<u32>,
        id: Option<&str>,
        name: Option<&str>,
        args: &str,
    ) -> ToolCallDelta {
        ToolCallDelta {
            index,
            id: id.map(str::to_owned),
            function: FunctionDelta {
                name: name.map(str::to_owned),
                arguments: Some(args.to_owned()),
            },
        }
    }

    #[test]
    fn pieces_with_the_same_index_make_one_call() {
        let mut assembler = ToolCallAssembler::default();
        assembler.push(vec![delta(Some(0), Some("call_a"), Some("read_file"), "")]);
        assembler.push(vec![delta(Some(1), None, Some("list"), "{}")]);
        assembler.push(vec![delta(Some(0), None, None, "{\"path\":")]);
        assembler.push(vec![delta(Some(0), None, None, "\"src/lib.rs\"}")]);
        let calls = assembler.finish();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].id, "call_a");
        assert_eq!(calls[0].name, "read_file");
        assert_eq!(calls[0].arguments, json!({"path": "src/lib.rs"}));
        assert_eq!(calls[1].id, "call_1");
        assert_eq!(calls[1].arguments, json!({}));
        assert!(assembler.finish().is_empty());
    }

    #[test]
    fn invalid_arguments_are_kept_as_a_string_and_empty_ones_are_an_object() {
        let mut assembler = ToolCallAssembler::default();
        assembler.push(vec![
            delta(None, Some("x"), Some("a"), "{\"path\": src}"),
            delta(None, Some("y"), Some("b"), "  "),
        ]);
        let calls = assembler.finish();
        assert_eq!(calls[0].arguments, json!("{\"path\": src}"));
        assert_eq!(calls[1].arguments, json!({}));
    }
}
