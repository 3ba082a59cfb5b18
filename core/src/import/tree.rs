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
    let order = paired_order(&run.iter().collect::<Vec<_>>());
    let mut slots: Vec<Option<RawNode>> = run.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|at| slots.get_mut(at).and_then(Option::take))
        .collect()
}

/// The order of a run of calls and results (positions in `run`): each call as made, followed by
/// the results answering it in their order; then the results answering no call of the run.
fn paired_order(run: &[&RawNode]) -> Vec<usize> {
    let (calls, results): (Vec<usize>, Vec<usize>) =
        (0..run.len()).partition(|&at| is_call(run[at]));
    let mut taken = vec![false; results.len()];
    let mut out = Vec::with_capacity(run.len());
    for call in calls {
        let ids = call_ids(run[call]);
        out.push(call);
        for (slot, &result) in results.iter().enumerate() {
            if !taken[slot]
                && answered_call(run[result]).is_some_and(|id| ids.iter().any(|call| call == id))
            {
                taken[slot] = true;
                out.push(result);
            }
        }
    }
    out.extend(
        results
            .iter()
            .zip(&taken)
            .filter(|(_, taken)| !**taken)
            .map(|(result, _)| *result),
    );
    out
}

/// [`pair_tool_results`] for a tree (Claude's records, linked by parent ids): every chain of
/// calls and results, each the only child of the one before (parallel calls written one record
/// each, then their results), is reordered so each call is followed by its results; whatever
/// hung from the chain's last record hangs from its new last. `parents` holds each message's
/// nearest message ancestor and is rewritten; `members` are the messages placed in the tree.
fn pair_in_tree(raw: &[RawNode], parents: &mut [Option<usize>], members: &[usize]) {
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); raw.len()];
    for &i in members {
        if let Some(parent) = parents[i] {
            children[parent].push(i);
        }
    }
    let in_run = |i: usize| is_call(&raw[i]) || answered_call(&raw[i]).is_some();
    // Each reordered run: its records in the new order, and its first record's parent.
    let mut runs: Vec<(Vec<usize>, Option<usize>)> = Vec::new();
    // A run's old last record → its new last record.
    let mut ends: HashMap<usize, usize> = HashMap::new();
    for &first in members {
        let continues = parents[first].is_some_and(|p| in_run(p) && children[p].len() == 1);
        if !in_run(first) || continues {
            continue;
        }
        let mut run = vec![first];
        while let [only] = children[run[run.len() - 1]].as_slice()
            && in_run(*only)
        {
            run.push(*only);
        }
        let nodes: Vec<&RawNode> = run.iter().map(|&i| &raw[i]).collect();
        let order: Vec<usize> = paired_order(&nodes).into_iter().map(|at| run[at]).collect();
        if order != run {
            ends.insert(run[run.len() - 1], order[order.len() - 1]);
            runs.push((order, parents[first]));
        }
    }
    if runs.is_empty() {
        return;
    }
    let moved = |parent: Option<usize>| parent.map(|p| ends.get(&p).copied().unwrap_or(p));
    for &i in members {
        parents[i] = moved(parents[i]);
    }
    for (order, parent) in runs {
        parents[order[0]] = moved(parent);
        for pair in order.windows(2) {
            parents[pair[1]] = Some(pair[0]);
        }
    }
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
    let members: Vec<usize> = (0..raw.len()).filter(|&i| kept(i) && !looping[i]).collect();
    // Parallel calls each followed by their results, as chat APIs require.
    pair_in_tree(&raw, &mut message_parent, &members);
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); raw.len()];
    let mut roots = Vec::new();
    for &i in &members {
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
