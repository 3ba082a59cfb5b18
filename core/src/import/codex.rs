//! Codex CLI rollout files (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`).
//!
//! Each line is a `RolloutLine`: `{"timestamp", "type", "payload"}` with `type` one of
//! `session_meta` (id, cwd, git), `turn_context` (model, cwd), `response_item` (the model's
//! history: `message`, `function_call`, `function_call_output`, `custom_tool_call`,
//! `custom_tool_call_output`, `local_shell_call`, `web_search_call`, `reasoning`, …),
//! `event_msg` (UI events that repeat the messages) and `compacted`. Older files begin with a bare
//! session object (`{"id", "timestamp", …}`) followed by bare response items and
//! `{"record_type": "state"}` lines; those are read too.
//!
//! Kept: user and assistant messages (not the injected `<environment_context>` and instruction
//! messages), tool calls and their output as summaries. Left out: reasoning, developer and system
//! messages, events, turn contexts, compaction summaries. Unknown types are skipped, not errors:
//! the format grows.

use std::io::BufRead;
use std::path::Path;

use agent_models::Role;
use serde_json::Value;

use super::lines::{Line, for_each_line};
use super::summary;
use super::tree::{self, RawNode};
use super::{BadRecord, FileRead, ImportSession, ImportedMessage, Tool};
use crate::time::{Millis, parse_rfc3339};

/// The response item types that older files write as bare lines.
const BARE_ITEM_TYPES: &[&str] = &[
    "message",
    "reasoning",
    "function_call",
    "function_call_output",
    "custom_tool_call",
    "custom_tool_call_output",
    "local_shell_call",
    "web_search_call",
];

/// The types of `RolloutLine`s, which carry a `payload`.
const ENVELOPE_TYPES: &[&str] = &[
    "session_meta",
    "turn_context",
    "response_item",
    "event_msg",
    "compacted",
];

/// Texts Codex puts in user messages itself (context, not the user's words).
const INJECTED_PREFIXES: &[&str] = &[
    "<environment_context>",
    "<user_instructions>",
    "<user_shell_command>",
    "# AGENTS.md instructions",
    "<INSTRUCTIONS>",
];

#[derive(Default)]
struct State {
    session: Option<String>,
    cwd: Option<String>,
    model: Option<String>,
    session_time: Option<Millis>,
    /// The latest time seen, for records without one.
    last_time: Millis,
    nodes: Vec<RawNode>,
    records: usize,
}

pub fn read(input: impl BufRead, path: &Path) -> std::io::Result<FileRead> {
    let mut state = State::default();
    let mut bad = Vec::new();
    for_each_line(input, |number, line| {
        let text = match line {
            Line::Text(text) if text.trim().is_empty() => return,
            Line::Text(text) => text,
            Line::Bad(message) => {
                bad.push(bad_record(path, number, message));
                return;
            }
        };
        state.records += 1;
        if let Err(message) = read_line(&mut state, number, &text) {
            bad.push(bad_record(path, number, message));
        }
    })?;

    let session = state
        .session
        .clone()
        .or_else(|| session_from_file_name(path))
        .unwrap_or_else(|| path.display().to_string());
    // Parallel calls' results are written as they finish: each call is stored followed by its
    // results, as chat APIs require.
    let mut raw = tree::pair_tool_results(state.nodes);
    tree::chain(&mut raw);
    let nodes = tree::build(Tool::Codex, &session, path, raw, &mut bad);
    let sessions = if nodes.is_empty() {
        Vec::new()
    } else {
        vec![ImportSession {
            tool: Tool::Codex,
            path: path.to_path_buf(),
            session,
            repo: state.cwd.as_deref().and_then(super::repository_of),
            title: None,
            nodes,
        }]
    };
    Ok(FileRead {
        sessions,
        bad,
        records: state.records,
    })
}

fn bad_record(path: &Path, line: usize, message: String) -> BadRecord {
    BadRecord {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// The uuid at the end of `rollout-2025-05-01T10-00-00-<uuid>.jsonl`.
fn session_from_file_name(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    let rest = stem.strip_prefix("rollout-")?;
    (rest.len() >= 36).then(|| rest[rest.len() - 36..].to_string())
}

fn read_line(state: &mut State, number: usize, text: &str) -> Result<(), String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not a JSON record: {e}"))?;
    let Value::Object(record) = &value else {
        return Err("not a JSON object".into());
    };
    let time = match record.get("timestamp") {
        Some(Value::String(t)) => Some(parse_rfc3339(t).map_err(|_| {
            format!(
                "`timestamp` is not an RFC 3339 time: `{}`",
                summary::shorten(t, 40)
            )
        })?),
        Some(_) => return Err("`timestamp` is not a string".into()),
        None => None,
    };
    if let Some(t) = time {
        state.last_time = state.last_time.max(t);
    }
    if record.contains_key("record_type") {
        return Ok(()); // an old file's state line
    }
    let kind = record.get("type").and_then(Value::as_str);
    match (kind, record.get("payload")) {
        (Some(kind), Some(payload)) => read_item(state, number, text, kind, payload, time),
        (Some(kind), None) if BARE_ITEM_TYPES.contains(&kind) => {
            read_response_item(state, number, text, &value, time)
        }
        (None, _) if record.contains_key("id") && state.session.is_none() => {
            read_session_meta(state, &value)
        }
        (None, _) => Err("a record without `type`".into()),
        (Some(kind), None) if ENVELOPE_TYPES.contains(&kind) => {
            Err(format!("a `{kind}` record without `payload`"))
        }
        (Some(_), None) => Ok(()), // an unknown bare line
    }
}

fn read_item(
    state: &mut State,
    number: usize,
    text: &str,
    kind: &str,
    payload: &Value,
    time: Option<Millis>,
) -> Result<(), String> {
    if !payload.is_object() {
        return Err(format!("the payload of `{kind}` is not an object"));
    }
    match kind {
        "session_meta" => read_session_meta(state, payload),
        "turn_context" => {
            if let Some(model) = payload.get("model").and_then(Value::as_str) {
                state.model = Some(summary::shorten(model, 100));
            }
            if state.cwd.is_none() {
                state.cwd = payload
                    .get("cwd")
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            Ok(())
        }
        "response_item" => read_response_item(state, number, text, payload, time),
        _ => Ok(()), // event_msg, compacted and types added later
    }
}

fn read_session_meta(state: &mut State, meta: &Value) -> Result<(), String> {
    let id = meta
        .get("id")
        .and_then(Value::as_str)
        .ok_or("session_meta without an `id`")?;
    if state.session.is_none() {
        state.session = Some(summary::shorten(id, 128));
        state.cwd = meta.get("cwd").and_then(Value::as_str).map(str::to_string);
        state.session_time = meta
            .get("timestamp")
            .and_then(Value::as_str)
            .and_then(|t| parse_rfc3339(t).ok());
        if let Some(t) = state.session_time {
            state.last_time = state.last_time.max(t);
        }
    }
    Ok(())
}

fn read_response_item(
    state: &mut State,
    number: usize,
    text: &str,
    item: &Value,
    time: Option<Millis>,
) -> Result<(), String> {
    let kind = item
        .get("type")
        .and_then(Value::as_str)
        .ok_or("a response item without `type`")?;
    let str_field = |key: &str| item.get(key).and_then(Value::as_str);
    let required = |key: &str| {
        str_field(key).ok_or_else(|| format!("a `{kind}` item without a string `{key}`"))
    };
    let (role, content, tool_call_id, tool_calls, record) = match kind {
        "message" => {
            let role = required("role")?;
            let parts = item
                .get("content")
                .and_then(Value::as_array)
                .ok_or("a `message` item without a `content` list")?;
            let role = match role {
                "user" => Role::User,
                "assistant" => Role::Assistant,
                _ => return Ok(()), // developer and system messages are Codex's own prompts
            };
            let text = message_text(parts);
            if text.trim().is_empty()
                || (role == Role::User
                    && INJECTED_PREFIXES
                        .iter()
                        .any(|p| text.trim_start().starts_with(p)))
            {
                return Ok(());
            }
            (role, summary::message_text(&text), None, None, None)
        }
        "function_call" => {
            let name = required("name")?;
            let call_id = required("call_id")?;
            let arguments = summary::parse_arguments(str_field("arguments").unwrap_or(""));
            let (content, calls) = summary::call(call_id, name, &arguments);
            let id = Some(call_id.to_string());
            (Role::Assistant, content, None, Some(calls), id)
        }
        "custom_tool_call" => {
            let name = required("name")?;
            let call_id = required("call_id")?;
            let input = Value::String(str_field("input").unwrap_or("").to_string());
            let (content, calls) = summary::call(call_id, name, &input);
            let id = Some(call_id.to_string());
            (Role::Assistant, content, None, Some(calls), id)
        }
        "local_shell_call" => {
            let call_id = str_field("call_id").or(str_field("id")).unwrap_or("shell");
            let action = item.get("action").cloned().unwrap_or(Value::Null);
            let (content, calls) = summary::call(call_id, "shell", &action);
            let id = Some(call_id.to_string());
            (Role::Assistant, content, None, Some(calls), id)
        }
        "web_search_call" => {
            let action = item.get("action").cloned().unwrap_or(Value::Null);
            let call_id = str_field("id").unwrap_or("web_search");
            let (content, calls) = summary::call(call_id, "web_search", &action);
            (Role::Assistant, content, None, Some(calls), None)
        }
        "function_call_output" | "custom_tool_call_output" => {
            let call_id = required("call_id")?;
            let output = match item.get("output") {
                Some(Value::String(text)) => text.clone(),
                Some(Value::Array(parts)) => message_text(parts),
                Some(Value::Object(object)) => object
                    .get("content")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                _ => return Err(format!("a `{kind}` item without `output`")),
            };
            let failed = item
                .get("output")
                .and_then(|o| o.get("success"))
                .and_then(Value::as_bool)
                == Some(false);
            let content = summary::result(&output, failed);
            let id = Some(summary::shorten(call_id, 128));
            (Role::Tool, content, id.clone(), None, id)
        }
        _ => return Ok(()), // reasoning, snapshots, compaction and types added later
    };
    let created_at = time.or(state.session_time).unwrap_or(state.last_time);
    state.nodes.push(RawNode {
        id: number.to_string(),
        parent: None,
        line: number,
        record,
        digest: tree::digest(text.as_bytes()),
        message: Some(ImportedMessage {
            role,
            content,
            model: (role == Role::Assistant)
                .then(|| state.model.clone())
                .flatten(),
            tool_call_id,
            tool_calls,
            created_at,
        }),
    });
    Ok(())
}

/// The text of a message's content parts (`input_text`, `output_text`; images as `[image]`).
fn message_text(parts: &[Value]) -> String {
    let mut texts = Vec::new();
    for part in parts {
        match part.get("type").and_then(Value::as_str) {
            Some("input_image") | Some("image") => texts.push("[image]".to_string()),
            _ => {
                if let Some(text) = part.get("text").and_then(Value::as_str) {
                    texts.push(text.to_string());
                }
            }
        }
    }
    texts.join("\n")
}
