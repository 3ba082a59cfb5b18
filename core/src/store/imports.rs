//! Conversations imported from other agents: placing an import's messages and keeping their
//! origins (`conversation_origins`, `message_origins`).
//!
//! Stored messages never move. Walking a session's nodes (main line first, parents before
//! children), a node whose message id is already stored is present; a new node whose parent is
//! the last message of the parent's conversation is appended to it (a session that grew); a new
//! root starts a conversation; a new node whose parent is followed by other messages starts a
//! side branch: a conversation of its own (`branch_of` the parent's), titled `… (branch)`,
//! holding the branch from where it leaves. A whole import is one transaction.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Store;
use super::conversations::{Message, insert_message};
use crate::error::Result;
use crate::ids::new_id;
use crate::import::{ImportNode, ImportSession, Tool};
use crate::time::{Millis, now_ms};

/// Where an imported conversation came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// `codex`, `claude` or `aider`.
    pub tool: String,
    /// The file it was read from (as last imported).
    pub path: String,
    /// The tool's id of the session.
    pub session: String,
    /// For a side branch: the conversation it leaves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_of: Option<String>,
}

/// One conversation an import creates, adds to, or finds complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedConversation {
    pub id: String,
    pub tool: Tool,
    pub path: String,
    pub session: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_of: Option<String>,
    /// Whether this import creates it.
    pub new: bool,
    pub messages_added: u64,
    pub messages_present: u64,
}

/// What an import of other agents' sessions did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SessionImportReport {
    pub dry_run: bool,
    pub conversations_added: u64,
    pub conversations_updated: u64,
    pub conversations_unchanged: u64,
    pub messages_added: u64,
    pub messages_present: u64,
    pub conversations: Vec<ImportedConversation>,
}

/// A conversation as planned: its report line and the messages to write.
struct Plan<'a> {
    report: ImportedConversation,
    repo: Option<String>,
    /// `(node, parent message id when the parent is in this conversation)`.
    appends: Vec<(&'a ImportNode, Option<String>)>,
}

/// The plans of a whole import and what they know across sessions.
#[derive(Default)]
struct Planner<'a> {
    plans: Vec<Plan<'a>>,
    by_id: HashMap<String, usize>,
    /// Message id → conversation id, for messages planned in this import.
    planned: HashMap<String, String>,
    /// Conversation id → id of its last message (stored or planned).
    tips: HashMap<String, Option<String>>,
}

impl Store {
    /// Imports the sessions read from other agents' files in one transaction (or, with
    /// `dry_run`, only works out what would be imported). Idempotent: see the module docs.
    pub fn import_sessions(
        &mut self,
        sessions: &[ImportSession],
        dry_run: bool,
    ) -> Result<SessionImportReport> {
        if dry_run {
            let planner = plan(&self.conn, sessions)?;
            return Ok(report(planner, true));
        }
        let tx = self.write_transaction()?;
        let planner = plan(&tx, sessions)?;
        let now = now_ms();
        for plan in &planner.plans {
            self.write_plan(&tx, plan, now)?;
        }
        tx.commit()?;
        Ok(report(planner, false))
    }

    fn write_plan(&self, conn: &Connection, plan: &Plan<'_>, now: Millis) -> Result<()> {
        let conversation = &plan.report;
        if plan.appends.is_empty() {
            return Ok(());
        }
        let first = plan.appends.iter().map(|(n, _)| n.message.created_at).min();
        let last = plan.appends.iter().map(|(n, _)| n.message.created_at).max();
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(());
        };
        if conversation.new {
            conn.execute(
                "INSERT INTO conversations (id, title, repo, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    conversation.id,
                    self.redacted(&conversation.title),
                    plan.repo,
                    first,
                    last
                ],
            )?;
            conn.execute(
                "INSERT INTO conversation_origins
                    (conversation_id, tool, path, session, branch_of, imported_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![
                    conversation.id,
                    conversation.tool.as_str(),
                    conversation.path,
                    conversation.session,
                    conversation.branch_of,
                    now
                ],
            )?;
        } else {
            conn.execute(
                "UPDATE conversations SET updated_at = MAX(updated_at, ?2) WHERE id = ?1",
                params![conversation.id, last],
            )?;
            conn.execute(
                "UPDATE conversation_origins SET path = ?2, updated_at = ?3
                  WHERE conversation_id = ?1",
                params![conversation.id, conversation.path, now],
            )?;
        }
        let mut seq: u64 = conn.query_row(
            "SELECT COALESCE(MAX(seq) + 1, 0) FROM messages WHERE conversation_id = ?1",
            [&conversation.id],
            |r| r.get(0),
        )?;
        for (node, parent_id) in &plan.appends {
            let imported = &node.message;
            let message = Message {
                id: node.message_id().to_string(),
                conversation_id: conversation.id.clone(),
                seq,
                parent_id: parent_id.clone(),
                role: imported.role,
                content: self.redacted(&imported.content).into_owned(),
                model: imported.model.clone(),
                prompt_tokens: None,
                completion_tokens: None,
                tool_call_id: imported.tool_call_id.clone(),
                tool_calls: imported
                    .tool_calls
                    .as_deref()
                    .map(|calls| self.redacted_json(calls).into_owned()),
                created_at: imported.created_at,
            };
            if insert_message(conn, &message)? == 1 {
                seq += 1;
                conn.prepare_cached(
                    "INSERT OR REPLACE INTO message_origins (message_id, line, record, content_hash)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![message.id, node.line as i64, node.record, node.hash])?;
            }
        }
        Ok(())
    }
}

/// Works out where every node of every session goes.
fn plan<'a>(conn: &Connection, sessions: &'a [ImportSession]) -> Result<Planner<'a>> {
    let mut planner = Planner::default();
    for session in sessions {
        plan_session(conn, session, &mut planner)?;
    }
    Ok(planner)
}

fn plan_session<'a>(
    conn: &Connection,
    session: &'a ImportSession,
    planner: &mut Planner<'a>,
) -> Result<()> {
    // The conversation each node is in, once placed.
    let mut placed: Vec<Option<String>> = vec![None; session.nodes.len()];
    for (index, node) in session.nodes.iter().enumerate() {
        let id = node.message_id();
        let stored = match planner.planned.get(id) {
            Some(conversation) => Some(conversation.clone()),
            None => stored_conversation_of(conn, id)?,
        };
        if let Some(conversation) = stored {
            let at = planner.existing(conn, session, &conversation)?;
            planner.plans[at].report.messages_present += 1;
            placed[index] = Some(conversation);
            continue;
        }

        let parent = node
            .parent
            .and_then(|p| placed[p].clone().map(|conversation| (p, conversation)));
        let (at, parent_id) = match parent {
            Some((p, conversation)) => {
                let parent_id = session.nodes[p].message_id().to_string();
                let tip = planner.tip(conn, &conversation)?;
                if tip.as_deref() == Some(parent_id.as_str()) {
                    (
                        planner.existing(conn, session, &conversation)?,
                        Some(parent_id),
                    )
                } else {
                    (
                        planner.branch(conn, session, node, Some(conversation))?,
                        None,
                    )
                }
            }
            None => (planner.branch(conn, session, node, None)?, None),
        };
        let conversation = planner.plans[at].report.id.clone();
        planner.plans[at].appends.push((node, parent_id));
        planner.plans[at].report.messages_added += 1;
        planner.planned.insert(id.to_string(), conversation.clone());
        planner
            .tips
            .insert(conversation.clone(), Some(id.to_string()));
        placed[index] = Some(conversation);
    }
    Ok(())
}

impl<'a> Planner<'a> {
    /// The plan of a conversation that exists (stored, or planned earlier in this import).
    fn existing(
        &mut self,
        conn: &Connection,
        session: &ImportSession,
        conversation: &str,
    ) -> Result<usize> {
        if let Some(&at) = self.by_id.get(conversation) {
            return Ok(at);
        }
        let (title, branch_of): (String, Option<String>) = conn
            .query_row(
                "SELECT c.title, o.branch_of FROM conversations c
                   LEFT JOIN conversation_origins o ON o.conversation_id = c.id
                  WHERE c.id = ?1",
                [conversation],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or_default();
        Ok(self.add(Plan {
            report: ImportedConversation {
                id: conversation.to_string(),
                tool: session.tool,
                path: session.path.display().to_string(),
                session: session.session.clone(),
                title,
                branch_of,
                new: false,
                messages_added: 0,
                messages_present: 0,
            },
            repo: session.repo.clone(),
            appends: Vec::new(),
        }))
    }

    /// A new conversation starting at `node`: the session's first, or a side branch of
    /// `branch_of`.
    fn branch(
        &mut self,
        conn: &Connection,
        session: &ImportSession,
        node: &ImportNode,
        branch_of: Option<String>,
    ) -> Result<usize> {
        let mut id = conversation_id(&node.hash);
        if self.by_id.contains_key(&id) || conversation_exists(conn, &id)? {
            id = new_id();
        }
        // The tool's title, else the first line the user typed (as a chat's title is).
        let base = session
            .title
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| first_user_line(session));
        let title = match (&branch_of, base.is_empty()) {
            (None, _) => base,
            (Some(_), true) => "(branch)".to_string(),
            (Some(_), false) => format!("{base} (branch)"),
        };
        self.tips.insert(id.clone(), None);
        Ok(self.add(Plan {
            report: ImportedConversation {
                id,
                tool: session.tool,
                path: session.path.display().to_string(),
                session: session.session.clone(),
                title,
                branch_of,
                new: true,
                messages_added: 0,
                messages_present: 0,
            },
            repo: session.repo.clone(),
            appends: Vec::new(),
        }))
    }

    fn add(&mut self, plan: Plan<'a>) -> usize {
        let at = self.plans.len();
        self.by_id.insert(plan.report.id.clone(), at);
        self.plans.push(plan);
        at
    }

    /// The id of the last message of a conversation, stored or planned.
    fn tip(&mut self, conn: &Connection, conversation: &str) -> Result<Option<String>> {
        if let Some(tip) = self.tips.get(conversation) {
            return Ok(tip.clone());
        }
        let tip: Option<String> = conn
            .query_row(
                "SELECT id FROM messages WHERE conversation_id = ?1 ORDER BY seq DESC LIMIT 1",
                [conversation],
                |r| r.get(0),
            )
            .optional()?;
        self.tips.insert(conversation.to_string(), tip.clone());
        Ok(tip)
    }
}

fn report(planner: Planner<'_>, dry_run: bool) -> SessionImportReport {
    let mut report = SessionImportReport {
        dry_run,
        ..SessionImportReport::default()
    };
    for plan in planner.plans {
        let conversation = plan.report;
        report.messages_added += conversation.messages_added;
        report.messages_present += conversation.messages_present;
        if conversation.new {
            report.conversations_added += 1;
        } else if conversation.messages_added > 0 {
            report.conversations_updated += 1;
        } else {
            report.conversations_unchanged += 1;
        }
        report.conversations.push(conversation);
    }
    report
}

/// The conversation a stored message is in.
fn stored_conversation_of(conn: &Connection, message_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT conversation_id FROM messages WHERE id = ?1")?
        .query_row([message_id], |r| r.get(0))
        .optional()?)
}

fn conversation_exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM conversations WHERE id = ?1",
            [id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// A new conversation's id: 16 hex digits of a hash of its first message's hash.
fn conversation_id(first_hash: &str) -> String {
    let digest = Sha256::digest(format!("conversation\n{first_hash}").as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The first line of the session's first user message that is no command (Aider's `/add …`),
/// else of its first user message, shortened.
fn first_user_line(session: &ImportSession) -> String {
    let lines: Vec<&str> = session
        .nodes
        .iter()
        .filter(|n| n.message.role == agent_models::Role::User)
        .filter_map(|n| n.message.content.lines().find(|l| !l.trim().is_empty()))
        .collect();
    lines
        .iter()
        .find(|l| !l.trim_start().starts_with('/'))
        .or(lines.first())
        .map(|l| crate::import::shorten_title(l))
        .unwrap_or_default()
}
