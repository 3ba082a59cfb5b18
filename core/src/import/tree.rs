//! From records with parent links to the ordered, hashed nodes of a session.
//!
//! Records that are no message (Claude's system lines, thinking-only lines) stay in the tree as
//! links: a message's parent is its nearest ancestor that is a message. The main line is the path
//! from a root to the newest leaf (latest time, then latest in the file); it comes first, then
//! every side branch after the branch it leaves, so parents always precede children. A node's
//! hash is SHA-256 over the tool, the session scope, its parent's hash and its record's digest
//! (the raw bytes of a Codex line or an Aider block; a Claude record's identity fields).

use std::collections::HashMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{BadRecord, ImportNode, ImportedMessage, Tool};

/// One record as read, before placing.
#[derive(Debug, Clone)]
pub struct RawNode {
    /// Unique within the file (Claude's uuid; a line number for linear formats).
    pub id: String,
    pub parent: Option<String>,
    pub line: usize,
    /// The record's own id for provenance.
    pub record: Option<String>,
    /// SHA-256 of the record's content (see the module docs).
    pub digest: [u8; 32],
    /// `None` for a record that links the tree but is no message.
    pub message: Option<ImportedMessage>,
}

/// SHA-256 of raw bytes.
pub fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// Links each record to the one before it (formats without parent links).
pub fn chain(nodes: &mut [RawNode]) {
    let mut previous: Option<String> = None;
    for node in nodes {
        node.parent = previous.take();
        previous = Some(node.id.clone());
    }
}

/// Reorders the records of a linear session so that every tool call is followed by its results:
/// within each run of consecutive tool calls and tool results (parallel calls, whose answers a
/// tool may write in any order), each call in the order made, then the results answering it in
/// file order; results answering no call of the run follow, in file order. A strict
/// OpenAI-compatible server refuses a conversation resumed otherwise.
pub fn pair_tool_results(raw: Vec<RawNode>) -> Vec<RawNode> {
    let mut out = Vec::with_capacity(raw.len());
    let mut run: Vec<RawNode> = Vec::new();
    for node in raw {
        if is_call(&node) || answered_call(&node).is_some() {
            run.push(node);
            continue;
        }
        out.extend(pair_run(std::mem::take(&mut run)));
        out.push(node);
    }
    out.extend(pair_run(run));
    out
}

/// One run of calls and results, each call followed by its results.
fn pair_run(run: Vec<RawNode>) -> Vec<RawNode> {
    let mut results: Vec<Option<RawNode>> = Vec::new();
    let mut calls: Vec<RawNode> = Vec::new();
    for node in run {
        if is_call(&node) {
            calls.push(node);
        } else {
            results.push(Some(node));
        }
    }
    let mut out = Vec::with_capacity(calls.len() + results.len());
    for call in calls {
        let ids = call_ids(&call);
        out.push(call);
        for slot in &mut results {
            if slot
                .as_ref()
                .and_then(answered_call)
                .is_some_and(|id| ids.iter().any(|call_id| call_id == id))
                && let Some(result) = slot.take()
            {
                out.push(result);
            }
        }
    }
    out.extend(results.into_iter().flatten());
    out
}

fn is_call(node: &RawNode) -> bool {
    node.message
        .as_ref()
        .is_some_and(|m| m.role == agent_models::Role::Assistant && m.tool_calls.is_some())
}

/// The call a tool result answers.
fn answered_call(node: &RawNode) -> Option<&str> {
    let message = node.message.as_ref()?;
    (message.role == agent_models::Role::Tool)
        .then_some(message.tool_call_id.as_deref())
        .flatten()
}

/// The ids of a call record's `tool_calls`.
fn call_ids(node: &RawNode) -> Vec<String> {
    let Some(calls) = node.message.as_ref().and_then(|m| m.tool_calls.as_deref()) else {
        return Vec::new();
    };
    let Ok(serde_json::Value::Array(calls)) = serde_json::from_str(calls) else {
        return Vec::new();
    };
    calls
        .iter()
        .filter_map(|call| call.get("id").and_then(serde_json::Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// Orders and hashes the messages of `raw`; records whose parents loop are reported as bad.
/// `scope` separates sessions whose records carry no ids of their own (the session id for Codex
/// and Aider; empty for Claude, whose uuids are unique).
pub fn build(
    tool: Tool,
    scope: &str,
    path: &Path,
    raw: Vec<RawNode>,
    bad: &mut Vec<BadRecord>,
) -> Vec<ImportNode> {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(raw.len());
    let mut duplicate = vec![false; raw.len()];
    for (i, node) in raw.iter().enumerate() {
        if index.contains_key(node.id.as_str()) {
            duplicate[i] = true;
        } else {
            index.insert(node.id.as_str(), i);
        }
    }

    // The nearest message ancestor of each message, following links through non-messages.
    let mut message_parent: Vec<Option<usize>> = vec![None; raw.len()];
    let mut looping = vec![false; raw.len()];
    for (i, node) in raw.iter().enumerate() {
        if node.message.is_none() || duplicate[i] {
            continue;
        }
        let mut steps = 0;
        let mut current = node.parent.as_deref().and_then(|p| index.get(p).copied());
        while let Some(at) = current {
            steps += 1;
            if at == i || steps > raw.len() {
                looping[i] = true;
                break;
            }
            if raw[at].message.is_some() {
                message_parent[i] = Some(at);
                break;
            }
            current = raw[at]
                .parent
                .as_deref()
                .and_then(|p| index.get(p).copied());
        }
    }

    let kept = |i: usize| raw[i].message.is_some() && !duplicate[i];
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); raw.len()];
    let mut roots = Vec::new();
    for i in (0..raw.len()).filter(|&i| kept(i) && !looping[i]) {
        match message_parent[i] {
            Some(parent) => children[parent].push(i),
            None => roots.push(i),
        }
    }

    // The main line: every ancestor of the newest leaf reachable from a root.
    let time = |i: usize| raw[i].message.as_ref().map(|m| m.created_at).unwrap_or(0);
    let mut on_main = vec![false; raw.len()];
    let mut stack: Vec<usize> = roots.clone();
    let mut reachable = Vec::new();
    while let Some(i) = stack.pop() {
        reachable.push(i);
        stack.extend(children[i].iter().copied());
    }
    if let Some(leaf) = reachable
        .iter()
        .copied()
        .filter(|&i| children[i].is_empty())
        .max_by_key(|&i| (time(i), i))
    {
        let mut at = Some(leaf);
        while let Some(i) = at {
            on_main[i] = true;
            at = message_parent[i];
        }
    }

    // Depth first, main line first, then by position in the file.
    let order_key = |i: &usize| (!on_main[*i], *i);
    roots.sort_by_key(order_key);
    for list in &mut children {
        list.sort_by_key(order_key);
    }
    let mut placed: Vec<Option<usize>> = vec![None; raw.len()];
    let mut nodes: Vec<ImportNode> = Vec::with_capacity(reachable.len());
    let mut stack: Vec<usize> = roots.iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        let parent = message_parent[i].and_then(|p| placed[p]);
        let parent_hash = parent.map(|p| nodes[p].hash.as_str()).unwrap_or("");
        let hash = chained_hash(tool, scope, parent_hash, &raw[i].digest);
        placed[i] = Some(nodes.len());
        let node = &raw[i];
        if let Some(message) = &node.message {
            nodes.push(ImportNode {
                hash,
                parent,
                line: node.line,
                record: node.record.clone(),
                message: message.clone(),
            });
        }
        stack.extend(children[i].iter().rev().copied());
    }

    for (i, node) in raw.iter().enumerate() {
        if kept(i) && placed[i].is_none() {
            bad.push(BadRecord {
                path: path.to_path_buf(),
                line: node.line,
                message: "its parent links form a loop".into(),
            });
        }
    }
    nodes
}

fn chained_hash(tool: Tool, scope: &str, parent: &str, digest: &[u8; 32]) -> String {
    let mut hasher = Sha256::new();
    for part in [
        tool.as_str().as_bytes(),
        scope.as_bytes(),
        parent.as_bytes(),
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.update(digest);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
