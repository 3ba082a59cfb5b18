//! Tool calls for models without native tool support: a compact prompt, and a forgiving parser.
//!
//! # The format
//!
//! [`render_tool_prompt`] lists the tools one per line, with a terse signature taken from each
//! JSON Schema, and says how to call them and how results come back:
//!
//! ````
//! use agent_models::ToolSpec;
//! use agent_models::tool_format::{parse_tool_calls, render_tool_prompt};
//! use serde_json::json;
//!
//! let tools = vec![
//!     ToolSpec {
//!         name: "read_file".into(),
//!         description: "Read a file".into(),
//!         parameters: json!({"type": "object", "properties": {
//!             "path": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}
//!         }, "required": ["path"]}),
//!     },
//!     ToolSpec {
//!         name: "run_command".into(),
//!         description: "Run a shell command".into(),
//!         parameters: json!({"type": "object", "properties": {
//!             "command": {"type": "string"}, "timeout_secs": {"type": "integer", "default": 60}
//!         }, "required": ["command"]}),
//!     },
//! ];
//! assert_eq!(render_tool_prompt(&tools), r#"# Tools
//! You can call these tools (`?` marks an optional argument):
//! read_file(path: string, start?: integer, end?: integer) — Read a file
//! run_command(command: string, timeout_secs?: integer = 60) — Run a shell command
//!
//! To call a tool, write a block like this, one block per call, then stop and wait:
//! ```tool
//! {"name":"read_file","arguments":{"path":"..."}}
//! ```
//! Each result comes back in the next message, starting `Result of NAME (call_N):`.
//! "#);
//!
//! let reply = parse_tool_calls(
//!     "Let me look.\n```tool\n{\"name\": \"read_file\", \"arguments\": {\"path\": \"src/lib.rs\"}}\n```",
//!     &tools,
//! );
//! assert_eq!(reply.text, "Let me look.");
//! assert_eq!(reply.calls[0].id, "call_1");
//! assert_eq!(reply.calls[0].arguments, json!({"path": "src/lib.rs"}));
//! ````
//!
//! A call is a ```` ```tool ```` fence holding `{"name": …, "arguments": {…}}`
//! ([`render_tool_call`]); several calls are several fences. Results go back as one user message
//! of [`render_tool_result`] sections: `Result of read_file (call_1):` and the output in a fence
//! longer than any backtick run inside it. [`plain_request`] does all of this to a
//! [`ChatRequest`](crate::ChatRequest).
//!
//! # What the parser accepts
//!
//! [`parse_tool_calls`] takes what models actually write, not only the format asked for:
//! - calls in ```` ```tool ```` (and `tool_call`, `function`…), ```` ```json ```` or plain
//!   fences, in `<tool_call>` / `<function_call>` / `<tool_use>` tags (Qwen, Hermes), or as bare
//!   JSON objects in the prose;
//! - one call, several, or a JSON array of calls, or `{"tool_calls": [...]}`;
//! - `{"name", "arguments"}` with the arguments under `arguments`, `parameters`, `args`,
//!   `input`, `params`, as an object or a string holding one; `{"tool": …}`;
//!   `{"function": {"name", "arguments"}}`; the flat form `{"name": "read_file", "path": …}`;
//!   a Python-style `read_file(path="x")` inside a tool block;
//! - JSON slips: single quotes, unquoted keys, trailing or missing commas, `True`/`False`/`None`,
//!   comments, raw newlines in strings, missing closing brackets at the end;
//! - names that differ in case, `_`/`-`, or a `functions.` prefix; strings where the schema
//!   wants an integer, number, boolean, array or object.
//!
//! A fence or tag meant as a call that cannot be used (an unknown tool, unreadable JSON) gives a
//! problem, with why, for the model to fix ([`ParsedReply::problem_message`]); a `json` fence or
//! bare object is only taken as a call when it names a known tool or has exactly a call's keys,
//! so JSON that is simply part of the answer stays in the text.
//!
//! # Streaming
//!
//! [`ToolCallFilter`] applies the parser to a streamed answer: prose is passed on as it comes,
//! text from a likely call marker on is held, and at the end the calls come out as
//! [`ChatEvent::ToolCall`](crate::ChatEvent)s. The local backend uses it; [`PromptTools`] puts
//! any other backend behind it.
//!
//! # The check
//!
//! [`check_tools`] asks a model to call `add_numbers` once and says which [`ToolFormat`] works
//! for it: native calls, the prompt-level format, or none.

mod backend;
mod check;
mod history;
mod lenient_json;
mod parse;
mod prompt;
mod scan;
mod shape;
mod stream;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use backend::PromptTools;
pub use check::{
    CHECK_TOOL, ToolCheck, ToolFormat, check_request, check_tool, check_tools, is_well_formed,
};
pub use history::{plain_messages, plain_request};
pub use parse::parse_tool_calls;
pub use prompt::{render_tool_call, render_tool_prompt, render_tool_result};
pub use stream::ToolCallFilter;

use crate::chat::ToolCall;

/// A model's reply split into its prose and its tool calls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedReply {
    /// The reply without the call blocks, as the user should see it.
    pub text: String,
    /// The usable calls, with ids `call_1`, `call_2`, … in order.
    pub calls: Vec<ToolCall>,
    /// Calls that were clearly meant but could not be used, each with why, to send back.
    pub problems: Vec<String>,
}

impl ParsedReply {
    /// A message telling the model which calls failed and how to write them, to send back as
    /// the next user message; `None` when every call was usable.
    pub fn problem_message(&self) -> Option<String> {
        if self.problems.is_empty() {
            return None;
        }
        Some(format!(
            "These tool calls could not be used:\n- {}\nWrite each call as a ```tool block holding {{\"name\": \"TOOL\", \"arguments\": {{...}}}}.",
            self.problems.join("\n- ")
        ))
    }
}
