//! Moving conversations in and out: the JSONL record format, export, and all-or-nothing import.
//!
//! One line per conversation, its messages inline, times as RFC 3339 with milliseconds. Export
//! writes optional fields only when set, so exporting an imported file reproduces it byte for byte.
//! Import is one transaction and idempotent: conversations and messages are keyed by id, and
//! ones already present are left alone.

use std::collections::HashSet;
use std::io::BufRead;

use agent_models::Role;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::Store;
use super::conversations::{Message, insert_message};
use crate::error::{Error, Result};
use crate::ids::validate_external_id;
use crate::time::{Millis, format_rfc3339, now_ms, parse_rfc3339};

/// One conversation as a line of JSONL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationRecord {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub messages: Vec<MessageRecord>,
}

/// One message inside a [`ConversationRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRecord {
    /// Defaults to `<conversation id>:<position>` so files without ids still import idempotently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub role: Role,
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    /// Tool calls of an assistant message (any JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// What an import added and what it found already present.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub conversations_added: u64,
    pub conversations_present: u64,
    pub messages_added: u64,
    pub messages_present: u64,
}

/// A record checked and with every default filled in, ready to insert.
#[derive(Debug)]
struct CheckedRecord {
    line: usize,
    id: String,
    title: String,
    repo: Option<String>,
    created_at: Millis,
    updated_at: Millis,
    messages: Vec<Message>,
}

/// Reads JSONL conversation records; `source_name` names the input in errors (`file.jsonl:12: …`).
/// Blank lines are skipped. Any malformed line fails the whole read.
pub fn read_jsonl(
    input: impl BufRead,
    source_name: &str,
) -> Result<Vec<(usize, ConversationRecord)>> {
    let mut records = Vec::new();
    for (index, line) in input.split(b'\n').enumerate() {
        let number = index + 1;
        let invalid = |message: String| Error::InvalidImport {
            source_name: source_name.to_string(),
            line: number,
            message,
        };
        let bytes = line.map_err(|e| invalid(format!("cannot read: {e}")))?;
        let text = std::str::from_utf8(&bytes).map_err(|_| invalid("not valid UTF-8".into()))?;
        let text = text.trim_end_matches('\r');
        if text.trim().is_empty() {
            continue;
        }
        let record: ConversationRecord = serde_json::from_str(text)
            .map_err(|e| invalid(format!("not a conversation record: {e}")))?;
        records.push((number, record));
    }
    Ok(records)
}

impl Store {
    /// The record of one conversation, for export.
    pub fn export_record(&self, conversation_id: &str) -> Result<ConversationRecord> {
        let conversation = self.conversation(conversation_id)?;
        let messages = self.messages(conversation_id)?;
        let messages = messages
            .into_iter()
            .map(|m| {
                let tool_calls = m.tool_calls.as_deref().map(|text| {
                    serde_json::from_str(text)
                        .unwrap_or(serde_json::Value::String(text.to_string()))
                });
                MessageRecord {
                    id: Some(m.id),
                    parent_id: m.parent_id,
                    role: m.role,
                    content: m.content,
                    model: m.model,
                    prompt_tokens: m.prompt_tokens,
                    completion_tokens: m.completion_tokens,
                    tool_call_id: m.tool_call_id,
                    tool_calls,
                    created_at: Some(format_rfc3339(m.created_at)),
                }
            })
            .collect();
        Ok(ConversationRecord {
            id: conversation.id,
            title: conversation.title,
            repo: conversation.repo,
            created_at: Some(format_rfc3339(conversation.created_at)),
            updated_at: Some(format_rfc3339(conversation.updated_at)),
            messages,
        })
    }

    /// Imports records in one transaction: either every record lands or none does.
    pub fn import_records(
        &mut self,
        records: Vec<(usize, ConversationRecord)>,
        source_name: &str,
    ) -> Result<ImportReport> {
        let now = now_ms();
        let checked = records
            .into_iter()
            .map(|(line, record)| {
                check_record(line, record, now).map_err(|message| Error::InvalidImport {
                    source_name: source_name.to_string(),
                    line,
                    message,
                })
            })
            .collect::<Result<Vec<_>>>()?;

        let tx = self.write_transaction()?;
        let mut report = ImportReport::default();
        for record in checked {
            let added = tx.execute(
                "INSERT OR IGNORE INTO conversations (id, title, repo, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    record.id,
                    record.title,
                    record.repo,
                    record.created_at,
                    record.updated_at
                ],
            )?;
            if added == 1 {
                report.conversations_added += 1;
            } else {
                report.conversations_present += 1;
            }
            let mut next_seq: u64 = tx.query_row(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM messages WHERE conversation_id = ?1",
                [&record.id],
                |r| r.get(0),
            )?;
            for mut message in record.messages {
                let owner: Option<String> = tx
                    .prepare_cached("SELECT conversation_id FROM messages WHERE id = ?1")?
                    .query_row([&message.id], |r| r.get(0))
                    .optional()?;
                match owner {
                    Some(owner) if owner == record.id => report.messages_present += 1,
                    Some(owner) => {
                        return Err(Error::InvalidImport {
                            source_name: source_name.to_string(),
                            line: record.line,
                            message: format!(
                                "message id `{}` already belongs to conversation `{owner}`",
                                message.id
                            ),
                        });
                    }
                    None => {
                        message.seq = next_seq;
                        next_seq += 1;
                        insert_message(&tx, &message)?;
                        report.messages_added += 1;
                    }
                }
            }
            tx.execute(
                "UPDATE conversations SET updated_at = MAX(updated_at, ?2) WHERE id = ?1",
                params![record.id, record.updated_at],
            )?;
        }
        tx.commit()?;
        Ok(report)
    }
}

/// Validates a record and fills defaults; the error is the message for its line.
fn check_record(
    line: usize,
    record: ConversationRecord,
    now: Millis,
) -> std::result::Result<CheckedRecord, String> {
    validate_external_id(&record.id).map_err(|e| format!("conversation {e}"))?;
    let time = |field: &str,
                text: &Option<String>|
     -> std::result::Result<Option<Millis>, String> {
        text.as_deref()
            .map(|t| {
                parse_rfc3339(t).map_err(|_| format!("`{field}` is not an RFC 3339 time: `{t}`"))
            })
            .transpose()
    };
    let mut message_times = Vec::with_capacity(record.messages.len());
    for message in &record.messages {
        message_times.push(time("created_at", &message.created_at)?);
    }
    let created_at = time("created_at", &record.created_at)?
        .or_else(|| message_times.iter().flatten().min().copied())
        .unwrap_or(now);
    let latest_message = message_times.iter().flatten().max().copied();
    let updated_at = time("updated_at", &record.updated_at)?
        .unwrap_or_else(|| latest_message.unwrap_or(created_at).max(created_at));

    let mut seen = HashSet::new();
    let mut messages = Vec::with_capacity(record.messages.len());
    for (position, (message, created)) in record.messages.into_iter().zip(message_times).enumerate()
    {
        let id = message
            .id
            .unwrap_or_else(|| format!("{}:{position}", record.id));
        validate_external_id(&id).map_err(|e| format!("message {position}: {e}"))?;
        if let Some(parent) = &message.parent_id
            && !seen.contains(parent)
        {
            return Err(format!(
                "message `{id}`: parent `{parent}` is not an earlier message of this conversation"
            ));
        }
        if !seen.insert(id.clone()) {
            return Err(format!("message id `{id}` appears twice"));
        }
        let tool_calls = message.tool_calls.map(|value| value.to_string());
        messages.push(Message {
            id,
            conversation_id: record.id.clone(),
            seq: position as u64,
            parent_id: message.parent_id,
            role: message.role,
            content: message.content,
            model: message.model,
            prompt_tokens: message.prompt_tokens,
            completion_tokens: message.completion_tokens,
            tool_call_id: message.tool_call_id,
            tool_calls,
            created_at: created.unwrap_or(created_at),
        });
    }
    Ok(CheckedRecord {
        line,
        id: record.id,
        title: record.title,
        repo: record.repo,
        created_at,
        updated_at,
        messages,
    })
}
