//! Conversations and their messages: create, append, list newest first with cursors, show, delete.

use agent_models::Role;
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use super::Store;
use super::imports::Origin;
use crate::error::{Error, Result};
use crate::ids::new_id;
use crate::time::{Millis, now_ms};

/// A conversation's header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conversation {
    pub id: String,
    pub title: String,
    /// The repository root the conversation worked in, if any.
    pub repo: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// Where an imported conversation came from (`agent history import --from`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
}

/// A conversation as listings show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConversationSummary {
    #[serde(flatten)]
    pub conversation: Conversation,
    pub message_count: u64,
    /// The first line of the first user message, for conversations without a title.
    pub preview: Option<String>,
}

/// One message of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    /// Position in the conversation, from 0.
    pub seq: u64,
    /// The message this one answers or branches from.
    pub parent_id: Option<String>,
    pub role: Role,
    pub content: String,
    pub model: Option<String>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub tool_call_id: Option<String>,
    /// Tool calls of an assistant message, as JSON text.
    pub tool_calls: Option<String>,
    pub created_at: Millis,
}

/// A message to append.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewMessage {
    pub parent_id: Option<String>,
    pub role: Option<Role>,
    pub content: String,
    pub model: Option<String>,
    pub prompt_tokens: Option<u64>,
    pub completion_tokens: Option<u64>,
    pub tool_call_id: Option<String>,
    pub tool_calls: Option<String>,
}

/// Which conversations to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: u32,
    /// Continue after this cursor (from a previous [`Page::next_cursor`]).
    pub cursor: Option<String>,
    /// Only conversations last updated before this time.
    pub before: Option<Millis>,
    /// Only conversations last updated at or after this time.
    pub since: Option<Millis>,
    /// Only conversations in this repository.
    pub repo: Option<String>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            limit: 20,
            cursor: None,
            before: None,
            since: None,
            repo: None,
        }
    }
}

/// One page of a listing and the cursor of the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// What a delete removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deleted {
    pub messages: u64,
}

const KIND: &str = "conversation";

impl Store {
    /// Starts a conversation (its title redacted).
    pub fn create_conversation(&self, title: &str, repo: Option<&str>) -> Result<Conversation> {
        let now = now_ms();
        let conversation = Conversation {
            id: new_id(),
            title: self.redacted(title).into_owned(),
            repo: repo.map(str::to_string),
            created_at: now,
            updated_at: now,
            origin: None,
        };
        self.conn.execute(
            "INSERT INTO conversations (id, title, repo, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![conversation.id, conversation.title, conversation.repo, now, now],
        )?;
        Ok(conversation)
    }

    /// Appends a message (role defaults to user) and moves the conversation's update time. Its
    /// content and tool calls are redacted; the message returned is what was written.
    pub fn append_message(
        &mut self,
        conversation_id: &str,
        message: NewMessage,
    ) -> Result<Message> {
        let tx = self.write_transaction()?;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM conversations WHERE id = ?1",
                [conversation_id],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(Error::NotFound {
                kind: KIND,
                id: conversation_id.to_string(),
            });
        }
        let seq: u64 = tx.query_row(
            "SELECT COALESCE(MAX(seq) + 1, 0) FROM messages WHERE conversation_id = ?1",
            [conversation_id],
            |r| r.get(0),
        )?;
        let created = Message {
            id: new_id(),
            conversation_id: conversation_id.to_string(),
            seq,
            parent_id: message.parent_id,
            role: message.role.unwrap_or(Role::User),
            content: match redact_text(self.redactor.as_deref(), &message.content) {
                Some(redacted) => redacted,
                None => message.content,
            },
            model: message.model,
            prompt_tokens: message.prompt_tokens,
            completion_tokens: message.completion_tokens,
            tool_call_id: message.tool_call_id,
            tool_calls: message.tool_calls.map(|calls| {
                match self.redactor.as_deref().map(|r| r.redact_json(&calls)) {
                    Some(std::borrow::Cow::Owned(redacted)) => redacted,
                    _ => calls,
                }
            }),
            created_at: now_ms(),
        };
        insert_message(&tx, &created)?;
        tx.execute(
            "UPDATE conversations SET updated_at = MAX(updated_at, ?2) WHERE id = ?1",
            params![conversation_id, created.created_at],
        )?;
        tx.commit()?;
        Ok(created)
    }

    /// Lists conversations, most recently updated first.
    pub fn list_conversations(&self, query: &ListQuery) -> Result<Page<ConversationSummary>> {
        let cursor = query.cursor.as_deref().map(parse_cursor).transpose()?;
        let (cursor_time, cursor_id) = match cursor {
            Some((time, id)) => (Some(time), Some(id)),
            None => (None, None),
        };
        let limit = i64::from(query.limit.max(1));
        let mut statement = self.conn.prepare_cached(
            "SELECT c.id, c.title, c.repo, c.created_at, c.updated_at,
                    o.tool, o.path, o.session, o.branch_of,
                    (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id),
                    (SELECT substr(m.content, 1, 200) FROM messages m
                      WHERE m.conversation_id = c.id AND m.role = 'user' ORDER BY m.seq LIMIT 1)
               FROM conversations c
               LEFT JOIN conversation_origins o ON o.conversation_id = c.id
              WHERE (?1 IS NULL OR c.repo = ?1)
                AND (?2 IS NULL OR c.updated_at >= ?2)
                AND (?3 IS NULL OR c.updated_at < ?3)
                AND (?4 IS NULL OR c.updated_at < ?4 OR (c.updated_at = ?4 AND c.id < ?5))
              ORDER BY c.updated_at DESC, c.id DESC
              LIMIT ?6",
        )?;
        let rows = statement.query_map(
            params![
                query.repo,
                query.since,
                query.before,
                cursor_time,
                cursor_id,
                limit + 1
            ],
            |row| {
                let preview: Option<String> = row.get(10)?;
                Ok(ConversationSummary {
                    conversation: conversation_from_row(row)?,
                    message_count: row.get(9)?,
                    preview: preview
                        .and_then(|p| p.lines().find(|l| !l.trim().is_empty()).map(str::to_string)),
                })
            },
        )?;
        let mut items = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        let next_cursor = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|last| format_cursor(&last.conversation))
        } else {
            None
        };
        Ok(Page { items, next_cursor })
    }

    /// The full id of the conversation whose id is `id` or starts with it (if only one does).
    pub fn resolve_conversation_id(&self, id: &str) -> Result<String> {
        self.resolve_id_prefix("conversations", KIND, id)
    }

    /// The conversation with exactly this id.
    pub fn conversation(&self, id: &str) -> Result<Conversation> {
        self.conn
            .query_row(
                "SELECT c.id, c.title, c.repo, c.created_at, c.updated_at,
                        o.tool, o.path, o.session, o.branch_of
                   FROM conversations c
                   LEFT JOIN conversation_origins o ON o.conversation_id = c.id
                  WHERE c.id = ?1",
                [id],
                conversation_from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound {
                kind: KIND,
                id: id.to_string(),
            })
    }

    /// The messages of a conversation, in order.
    pub fn messages(&self, conversation_id: &str) -> Result<Vec<Message>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, conversation_id, seq, parent_id, role, content, model, prompt_tokens,
                    completion_tokens, tool_call_id, tool_calls, created_at
               FROM messages WHERE conversation_id = ?1 ORDER BY seq",
        )?;
        let rows = statement.query_map([conversation_id], message_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every conversation id, oldest first (for exporting everything).
    pub fn all_conversation_ids(&self) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT id FROM conversations ORDER BY created_at, id")?;
        let rows = statement.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Deletes a conversation and its messages (and their search index entries).
    pub fn delete_conversation(&mut self, id: &str) -> Result<Deleted> {
        let tx = self.write_transaction()?;
        let messages: u64 = tx.query_row(
            "SELECT COUNT(*) FROM messages WHERE conversation_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let removed = tx.execute("DELETE FROM conversations WHERE id = ?1", [id])?;
        if removed == 0 {
            return Err(Error::NotFound {
                kind: KIND,
                id: id.to_string(),
            });
        }
        tx.commit()?;
        Ok(Deleted { messages })
    }

    /// How many conversations and messages the store holds.
    pub fn counts(&self) -> Result<(u64, u64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM conversations), (SELECT COUNT(*) FROM messages)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }
}

/// The redacted text, when redacting changed it.
fn redact_text(redactor: Option<&crate::redact::Redactor>, text: &str) -> Option<String> {
    match redactor.map(|r| r.redact(text)) {
        Some(std::borrow::Cow::Owned(redacted)) => Some(redacted),
        _ => None,
    }
}

pub(super) fn insert_message(
    conn: &rusqlite::Connection,
    message: &Message,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO messages (id, conversation_id, seq, parent_id, role, content, model,
                prompt_tokens, completion_tokens, tool_call_id, tool_calls, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        message.id,
        message.conversation_id,
        message.seq,
        message.parent_id,
        message.role.as_str(),
        message.content,
        message.model,
        message.prompt_tokens,
        message.completion_tokens,
        message.tool_call_id,
        message.tool_calls,
        message.created_at,
    ])
}

/// A conversation from columns `id, title, repo, created_at, updated_at` followed by its
/// origin's `tool, path, session, branch_of` (NULL when it was not imported).
fn conversation_from_row(row: &Row<'_>) -> rusqlite::Result<Conversation> {
    let tool: Option<String> = row.get(5)?;
    let origin = match tool {
        Some(tool) => Some(Origin {
            tool,
            path: row.get(6)?,
            session: row.get(7)?,
            branch_of: row.get(8)?,
        }),
        None => None,
    };
    Ok(Conversation {
        id: row.get(0)?,
        title: row.get(1)?,
        repo: row.get(2)?,
        created_at: row.get(3)?,
        updated_at: row.get(4)?,
        origin,
    })
}

fn message_from_row(row: &Row<'_>) -> rusqlite::Result<Message> {
    let role: String = row.get(4)?;
    let role = role.parse::<Role>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Message {
        id: row.get(0)?,
        conversation_id: row.get(1)?,
        seq: row.get(2)?,
        parent_id: row.get(3)?,
        role,
        content: row.get(5)?,
        model: row.get(6)?,
        prompt_tokens: row.get(7)?,
        completion_tokens: row.get(8)?,
        tool_call_id: row.get(9)?,
        tool_calls: row.get(10)?,
        created_at: row.get(11)?,
    })
}

/// A cursor is `<updated_at>.<id>` of the last conversation shown; opaque to users.
fn format_cursor(conversation: &Conversation) -> String {
    format!("{}.{}", conversation.updated_at, conversation.id)
}

fn parse_cursor(cursor: &str) -> Result<(Millis, String)> {
    cursor
        .split_once('.')
        .and_then(|(time, id)| Some((time.parse::<Millis>().ok()?, id.to_string())))
        .filter(|(_, id)| !id.is_empty())
        .ok_or_else(|| {
            Error::InvalidArgument(format!(
                "invalid cursor `{cursor}`: pass the value printed after the previous page"
            ))
        })
}
