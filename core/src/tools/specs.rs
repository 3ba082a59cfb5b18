//! The JSON schemas of the tools as the model sees them, kept short: every token of them is
//! prefilled on each turn of a local model.

use agent_models::ToolSpec;
use serde_json::{Map, Value, json};

use super::ToolName;

/// The specs of every tool, in the order the model sees them.
pub(crate) fn all() -> Vec<ToolSpec> {
    vec![
        spec(
            ToolName::Read,
            "Read a text file as numbered lines; start and end are 1-based, inclusive",
            &[("path", "string"), ("start", "integer"), ("end", "integer")],
            &["path"],
        ),
        spec(
            ToolName::List,
            "List files under a directory",
            &[("path", "string"), ("depth", "integer")],
            &[],
        ),
        spec(
            ToolName::Search,
            "Regex search in files; glob filters file names",
            &[
                ("pattern", "string"),
                ("path", "string"),
                ("glob", "string"),
            ],
            &["pattern"],
        ),
        spec(
            ToolName::Edit,
            "Replace the exact text old, which must occur once, with new",
            &[("path", "string"), ("old", "string"), ("new", "string")],
            &["path", "old", "new"],
        ),
        spec(
            ToolName::Write,
            "Write a whole file",
            &[("path", "string"), ("content", "string")],
            &["path", "content"],
        ),
        spec(
            ToolName::Run,
            "Run a shell command in the workspace root",
            &[("command", "string")],
            &["command"],
        ),
        spec(
            ToolName::Diff,
            "Show your changes so far as a unified diff",
            &[],
            &[],
        ),
        spec(
            ToolName::Fetch,
            "Fetch a web page as Markdown",
            &[("url", "string")],
            &["url"],
        ),
        spec(
            ToolName::Browser,
            "Open a web page in Chromium; steps, one per line: fill SELECTOR=TEXT, click SELECTOR, wait SELECTOR",
            &[("url", "string"), ("steps", "string")],
            &["url"],
        ),
        spec(
            ToolName::Symbols,
            "Find where a name is defined",
            &[("name", "string")],
            &["name"],
        ),
    ]
}

/// One spec: an object schema of typed properties without descriptions.
fn spec(
    name: ToolName,
    description: &str,
    properties: &[(&str, &str)],
    required: &[&str],
) -> ToolSpec {
    let properties: Map<String, Value> = properties
        .iter()
        .map(|(property, kind)| ((*property).to_owned(), json!({ "type": kind })))
        .collect();
    let mut schema = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    ToolSpec {
        name: name.as_str().to_owned(),
        description: description.to_owned(),
        parameters: schema,
    }
}
