//! Claude Code session files (`~/.claude/projects/<dir>/<session>.jsonl`).
//!
//! Each line is a record with a `type`. `user` and `assistant` records carry `uuid`,
//! `parentUuid` (null at a root), `sessionId`, `timestamp`, `cwd`, `isSidechain`, `isMeta` and
//! the API `message` (`role`, `content`: a string or blocks — `text`, `thinking`, `tool_use`
//! {id, name, input}, `tool_result` {tool_use_id, content, is_error}, `image`). Other records with
//! a `uuid` (`system`, e.g. a `compact_boundary` whose `logicalParentUuid` links across a
//! compaction) only link the tree; `summary` records ({summary, leafUuid}) name a conversation;
//! the rest (`file-history-snapshot`, …) are skipped.
//!
//! The records form a tree: editing an earlier prompt or retrying starts a sibling branch. The
//! conversation is the main line, from the root to the newest leaf; every side branch becomes a
//! conversation of its own holding the branch from where it leaves (see `Store::import_sessions`).
//! Sub-agent records (`isSidechain`) and meta records (`isMeta`: caveats, command output
//! wrappers) are left out; a thinking-only record is no message but keeps its place in the tree.
//! A record is identified by what it says, not by its bytes: a resumed session's file repeats the
//! earlier records under its own `sessionId`, and those copies are the messages already imported.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use agent_models::Role;
use serde_json::{Map, Value};

use super::lines::{Line, for_each_line};
use super::summary;
use super::tree::{self, RawNode};
use super::{BadRecord, FileRead, ImportSession, ImportedMessage, Tool};
use crate::time::parse_rfc3339;

#[derive(Default)]
struct State {
    session: Option<String>,
    cwd: Option<String>,
    nodes: Vec<RawNode>,
    /// `(leafUuid, summary)` of each summary record.
    summaries: Vec<(String, String)>,
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
                bad.push(BadRecord {
                    path: path.to_path_buf(),
                    line: number,
                    message,
                });
                return;
            }
        };
        state.records += 1;
        if let Err(message) = read_line(&mut state, number, &text) {
            bad.push(BadRecord {
                path: path.to_path_buf(),
                line: number,
                message,
            });
        }
    })?;

    let session = state.session.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let nodes = tree::build(Tool::Claude, "", path, state.nodes, &mut bad);
    let known: HashMap<&str, ()> = nodes
        .iter()
        .filter_map(|n| n.record.as_deref().map(|r| (r, ())))
        .collect();
    let title = state
        .summaries
        .iter()
        .rev()
        .find(|(leaf, _)| known.contains_key(leaf.as_str()))
        .or(state.summaries.last())
        .and_then(|(_, text)| summary::title(text));
    let sessions = if nodes.is_empty() {
        Vec::new()
    } else {
        vec![ImportSession {
            tool: Tool::Claude,
            path: path.to_path_buf(),
            session,
            repo: state.cwd.as_deref().and_then(super::repository_of),
            title,
            nodes,
        }]
    };
    Ok(FileRead {
        sessions,
        bad,
        records: state.records,
    })
}

fn read_line(state: &mut State, number: usize, text: &str) -> Result<(), String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not a JSON record: {e}"))?;
    let Value::Object(record) = value else {
        return Err("not a JSON object".into());
    };
    let kind = record
        .get("type")
        .and_then(Value::as_str)
        .ok_or("a record without a string `type`")?;
    let string = |key: &str| record.get(key).and_then(Value::as_str);
    match kind {
        "summary" => {
            if let (Some(leaf), Some(text)) = (string("leafUuid"), string("summary")) {
                state.summaries.push((leaf.to_string(), text.to_string()));
            }
            return Ok(());
        }
        "user" | "assistant" => {}
        _ => {
            // Other records with a uuid only link the tree.
            if let Some(uuid) = string("uuid")
                && record.get("isSidechain").and_then(Value::as_bool) != Some(true)
            {
                state.nodes.push(RawNode {
                    id: uuid.to_string(),
                    parent: parent_of(&record),
                    line: number,
                    record: Some(uuid.to_string()),
                    digest: record_digest(&record),
                    message: None,
                });
            }
            return Ok(());
        }
    }

    let uuid = string("uuid").ok_or_else(|| format!("a `{kind}` record without a `uuid`"))?;
    let time =
        string("timestamp").ok_or_else(|| format!("a `{kind}` record without a `timestamp`"))?;
    let created_at = parse_rfc3339(time).map_err(|_| {
        format!(
            "`timestamp` is not an RFC 3339 time: `{}`",
            summary::shorten(time, 40)
        )
    })?;
    let message = record
        .get("message")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("a `{kind}` record without a `message` object"))?;
    let content = message
        .get("content")
        .ok_or_else(|| format!("a `{kind}` message without `content`"))?;
    if !content.is_string() && !content.is_array() {
        return Err(format!(
            "the content of a `{kind}` message is neither text nor a list of blocks"
        ));
    }
    if record.get("isSidechain").and_then(Value::as_bool) == Some(true) {
        return Ok(());
    }
    if state.session.is_none() {
        state.session = string("sessionId").map(|s| summary::shorten(s, 128));
    }
    if state.cwd.is_none() {
        state.cwd = string("cwd").map(str::to_string);
    }
    let meta = record.get("isMeta").and_then(Value::as_bool) == Some(true);
    let imported = if meta {
        Vec::new()
    } else if kind == "user" {
        user_messages(content)
    } else {
        assistant_message(content, message.get("model").and_then(Value::as_str))
            .into_iter()
            .collect()
    };
    let digest = record_digest(&record);
    let message = |(role, content, model, tool_call_id, tool_calls): Parts| ImportedMessage {
        role,
        content,
        model,
        tool_call_id,
        tool_calls,
        created_at,
    };
    let node = |id: String, parent: Option<String>, digest, message| RawNode {
        id,
        parent,
        line: number,
        record: Some(summary::shorten(uuid, 128)),
        digest,
        message,
    };
    let count = imported.len();
    if count <= 1 {
        let imported = imported.into_iter().next().map(message);
        state
            .nodes
            .push(node(uuid.to_string(), parent_of(&record), digest, imported));
        return Ok(());
    }
    // Results of parallel calls in one record: one message each, in a chain whose last link
    // holds the record's uuid (its children hang from it).
    let mut parent = parent_of(&record);
    for (index, parts) in imported.into_iter().enumerate() {
        let id = if index + 1 == count {
            uuid.to_string()
        } else {
            format!("{uuid}#{index}")
        };
        let mut part = digest.to_vec();
        part.extend_from_slice(&(index as u64).to_le_bytes());
        state.nodes.push(node(
            id.clone(),
            parent.replace(id),
            tree::digest(&part),
            Some(message(parts)),
        ));
    }
    Ok(())
}

/// The fields of a record that say what it is; the rest (`sessionId`, `version`, `cwd`, …) may
/// differ between copies of the same record.
const IDENTITY_FIELDS: &[&str] = &[
    "type",
    "subtype",
    "uuid",
    "parentUuid",
    "logicalParentUuid",
    "isSidechain",
    "isMeta",
    "timestamp",
    "message",
    "content",
];

/// SHA-256 of a record's identity fields in a canonical form (keys sorted at every level).
///
/// `claude --resume` starts a new session file that repeats the resumed session's records with
/// the new `sessionId`; hashing what the record says rather than its bytes makes those copies the
/// messages already imported, so a resumed session continues its conversation.
fn record_digest(record: &Map<String, Value>) -> [u8; 32] {
    let mut canonical = String::new();
    for key in IDENTITY_FIELDS {
        if let Some(value) = record.get(*key) {
            canonical.push_str(key);
            canonical.push('=');
            write_canonical(value, &mut canonical);
            canonical.push('\n');
        }
    }
    tree::digest(canonical.as_bytes())
}

/// JSON text with every object's keys sorted.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// `parentUuid`, or across a compaction `logicalParentUuid`.
fn parent_of(record: &Map<String, Value>) -> Option<String> {
    ["parentUuid", "logicalParentUuid"]
        .iter()
        .find_map(|key| record.get(*key).and_then(Value::as_str))
        .map(str::to_string)
}

type Parts = (Role, String, Option<String>, Option<String>, Option<String>);

/// A user record: the user's text, or its tool results (role `tool`, summarised), one message
/// per result (parallel calls' results may share a record); text beside results joins the last.
fn user_messages(content: &Value) -> Vec<Parts> {
    let blocks = match content {
        Value::String(text) => {
            let text = summary::message_text(text);
            return if text.trim().is_empty() {
                Vec::new()
            } else {
                vec![(Role::User, text, None, None, None)]
            };
        }
        Value::Array(blocks) => blocks,
        _ => return Vec::new(),
    };
    let mut texts = Vec::new();
    let mut results: Vec<Parts> = Vec::new();
    for block in blocks {
        match block.get("type").and_then(Value::as_str) {
            Some("text") => {
                if let Some(text) = block.get("text").and_then(Value::as_str) {
                    texts.push(text.to_string());
                }
            }
            Some("image") => texts.push("[image]".to_string()),
            Some("tool_result") => {
                let answers = block
                    .get("tool_use_id")
                    .and_then(Value::as_str)
                    .map(|id| summary::shorten(id, 128));
                let output = match block.get("content") {
                    Some(Value::String(text)) => text.clone(),
                    Some(Value::Array(parts)) => parts
                        .iter()
                        .map(|p| match p.get("type").and_then(Value::as_str) {
                            Some("image") => "[image]",
                            _ => p.get("text").and_then(Value::as_str).unwrap_or_default(),
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                    _ => String::new(),
                };
                let failed = block.get("is_error").and_then(Value::as_bool) == Some(true);
                let summary = summary::result(&output, failed);
                results.push((Role::Tool, summary, None, answers, None));
            }
            _ => {}
        }
    }
    let text = summary::message_text(&texts.join("\n"));
    if let Some(last) = results.last_mut() {
        if !text.trim().is_empty() {
            last.1.push('\n');
            last.1.push_str(&text);
        }
        return results;
    }
    if text.trim().is_empty() {
        Vec::new()
    } else {
        vec![(Role::User, text, None, None, None)]
    }
}

/// An assistant record: its text and its tool calls as summary lines (thinking left out).
fn assistant_message(content: &Value, model: Option<&str>) -> Option<Parts> {
    let model = model
        .filter(|m| !m.starts_with('<'))
        .map(|m| summary::shorten(m, 100));
    let blocks = match content {
        Value::String(text) => {
            let text = summary::message_text(text);
            return (!text.trim().is_empty()).then_some((Role::Assistant, text, model, None, None));
        }
        Value::Array(blocks) => blocks,
        _ => return None,
    };
    let mut lines = Vec::new();
    let mut calls = Vec::new();
    for block in blocks {
        match block.get("type").and_then(Value::as_str) {
            Some("text") => {
                if let Some(text) = block.get("text").and_then(Value::as_str) {
                    let text = summary::message_text(text);
                    if !text.trim().is_empty() {
                        lines.push(text);
                    }
                }
            }
            Some("tool_use") | Some("server_tool_use") => {
                let id = block.get("id").and_then(Value::as_str).unwrap_or("tool");
                let name = block.get("name").and_then(Value::as_str).unwrap_or("tool");
                let input = block.get("input").cloned().unwrap_or(Value::Null);
                let (line, call) = summary::call_parts(id, name, &input);
                lines.push(line);
                calls.push(call);
            }
            _ => {} // thinking, redacted thinking
        }
    }
    if lines.is_empty() {
        return None;
    }
    let tool_calls = (!calls.is_empty()).then(|| Value::Array(calls).to_string());
    Some((Role::Assistant, lines.join("\n"), model, None, tool_calls))
}
