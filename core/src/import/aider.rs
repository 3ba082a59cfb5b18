//! Aider chat histories (`.aider.chat.history.md`, in the repository Aider ran in).
//!
//! Aider appends Markdown: `# aider chat started at 2025-05-01 10:00:00` (local time) opens each
//! session; the user's input is written as lines starting with `#### `; Aider's own notes (files
//! added, edits applied, commits, questions and answers) as `> ` block quotes; the model's replies
//! as plain Markdown between them. Each session becomes a conversation; every message gets the
//! session's start time (Aider records no other). Aider's notes are kept as short `system`
//! messages (a resumed chat leaves them out).
//!
//! The format is ambiguous: a reply may itself contain `#### ` headings or `> ` quotes. Lines
//! inside a fenced code block of a reply stay in the reply; outside one, such lines are read as
//! Aider wrote them for input and notes.

use std::io::BufRead;
use std::path::Path;

use agent_models::Role;

use super::lines::{Line, for_each_line};
use super::summary;
use super::tree::{self, RawNode};
use super::{BadRecord, FileRead, ImportSession, ImportedMessage, ReadOptions, Tool};
use crate::time::Millis;

const SESSION_START: &str = "# aider chat started at ";
/// The most lines of one block of Aider's notes kept.
const MAX_NOTE_LINES: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    User,
    Note,
    Reply,
}

#[derive(Debug)]
struct Block {
    kind: Kind,
    line: usize,
    lines: Vec<String>,
}

#[derive(Debug)]
struct Session {
    started: String,
    time: Millis,
    blocks: Vec<Block>,
}

struct State<'a> {
    options: &'a ReadOptions,
    fallback_time: Millis,
    sessions: Vec<Session>,
    current: Option<Block>,
    in_fence: bool,
    records: usize,
}

impl State<'_> {
    fn session(&mut self) -> &mut Session {
        if self.sessions.is_empty() {
            self.sessions.push(Session {
                started: String::new(),
                time: self.fallback_time,
                blocks: Vec::new(),
            });
        }
        let last = self.sessions.len() - 1;
        &mut self.sessions[last]
    }

    fn close(&mut self) {
        if let Some(block) = self.current.take() {
            self.records += 1;
            self.session().blocks.push(block);
        }
        self.in_fence = false;
    }

    fn push(&mut self, kind: Kind, number: usize, text: String) {
        match &mut self.current {
            Some(block) if block.kind == kind => block.lines.push(text),
            _ => {
                self.close();
                self.current = Some(Block {
                    kind,
                    line: number,
                    lines: vec![text],
                });
            }
        }
    }
}

pub fn read(
    input: impl BufRead,
    path: &Path,
    options: &ReadOptions,
    file_time: Millis,
) -> std::io::Result<FileRead> {
    let mut state = State {
        options,
        fallback_time: file_time,
        sessions: Vec::new(),
        current: None,
        in_fence: false,
        records: 0,
    };
    let mut bad = Vec::new();
    for_each_line(input, |number, line| {
        let text = match line {
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
        if let Err(message) = read_line(&mut state, number, text) {
            bad.push(BadRecord {
                path: path.to_path_buf(),
                line: number,
                message,
            });
        }
    })?;
    state.close();

    let repo = path
        .parent()
        .map(|dir| {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())
        })
        .and_then(|dir| super::repository_of(&dir.display().to_string()));
    let mut sessions = Vec::new();
    for session in state.sessions {
        let mut raw: Vec<RawNode> = session
            .blocks
            .iter()
            .filter_map(|block| node(block, session.time))
            .collect();
        tree::chain(&mut raw);
        let nodes = tree::build(Tool::Aider, &session.started, path, raw, &mut bad);
        if nodes.is_empty() {
            continue;
        }
        sessions.push(ImportSession {
            tool: Tool::Aider,
            path: path.to_path_buf(),
            session: if session.started.is_empty() {
                "(before any start line)".to_string()
            } else {
                session.started
            },
            repo: repo.clone(),
            title: None,
            nodes,
        });
    }
    Ok(FileRead {
        sessions,
        bad,
        records: state.records,
    })
}

fn read_line(state: &mut State<'_>, number: usize, text: String) -> Result<(), String> {
    let in_reply = matches!(&state.current, Some(b) if b.kind == Kind::Reply);
    if in_reply && state.in_fence {
        if is_fence(&text) {
            state.in_fence = false;
        }
        state.push(Kind::Reply, number, text);
        return Ok(());
    }
    if let Some(started) = text.strip_prefix(SESSION_START) {
        state.close();
        let started = started.trim().to_string();
        let time = parse_local_time(&started, &state.options.time_zone);
        state.sessions.push(Session {
            started: started.clone(),
            time: time.unwrap_or(state.fallback_time),
            blocks: Vec::new(),
        });
        return match time {
            Some(_) => Ok(()),
            None => Err(format!(
                "the session start `{}` is not a time like 2025-05-01 10:00:00",
                summary::shorten(&started, 40)
            )),
        };
    }
    if let Some(input) = text
        .strip_prefix("####")
        .filter(|rest| rest.is_empty() || rest.starts_with(' '))
    {
        let input = input.strip_prefix(' ').unwrap_or(input);
        state.push(Kind::User, number, input.trim_end().to_string());
        return Ok(());
    }
    if let Some(note) = text
        .strip_prefix('>')
        .filter(|rest| rest.is_empty() || rest.starts_with(' '))
    {
        let note = note.strip_prefix(' ').unwrap_or(note);
        state.push(Kind::Note, number, note.trim_end().to_string());
        return Ok(());
    }
    if text.trim().is_empty() {
        match &mut state.current {
            Some(block) if block.kind == Kind::Reply => block.lines.push(String::new()),
            _ => state.close(),
        }
        return Ok(());
    }
    if is_fence(&text) {
        let opening = !state.in_fence;
        state.push(Kind::Reply, number, text);
        state.in_fence = opening;
        return Ok(());
    }
    state.push(Kind::Reply, number, text);
    Ok(())
}

fn is_fence(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("```") || line.starts_with("~~~")
}

/// Aider's start line: `datetime.now().strftime("%Y-%m-%d %H:%M:%S")`, local time.
fn parse_local_time(text: &str, zone: &jiff::tz::TimeZone) -> Option<Millis> {
    let civil = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", text).ok()?;
    let zoned = zone.to_ambiguous_zoned_datetime(civil).compatible().ok()?;
    Some(zoned.timestamp().as_millisecond())
}

fn node(block: &Block, time: Millis) -> Option<RawNode> {
    // Blank lines around a block depend on what Aider wrote after it; they are no part of it.
    let start = block.lines.iter().position(|l| !l.trim().is_empty())?;
    let end = block.lines.iter().rposition(|l| !l.trim().is_empty())?;
    let raw = block.lines[start..=end].join("\n");
    let (role, content) = match block.kind {
        Kind::User => (Role::User, summary::message_text(&raw)),
        Kind::Reply => (Role::Assistant, summary::message_text(&raw)),
        Kind::Note => {
            let lines: Vec<&str> = block
                .lines
                .iter()
                .map(|l| l.trim())
                .filter(|l| !l.is_empty())
                .collect();
            let mut kept: Vec<String> = lines
                .iter()
                .take(MAX_NOTE_LINES)
                .map(|l| summary::shorten(l, summary::MAX_SUMMARY_CHARS))
                .collect();
            if lines.len() > MAX_NOTE_LINES {
                kept.push(format!("… ({} more lines)", lines.len() - MAX_NOTE_LINES));
            }
            (Role::System, kept.join("\n"))
        }
    };
    if content.trim().is_empty() {
        return None;
    }
    Some(RawNode {
        id: block.line.to_string(),
        parent: None,
        line: block.line,
        record: None,
        digest: tree::digest(format!("{:?}\n{raw}", block.kind).as_bytes()),
        message: Some(ImportedMessage {
            role,
            content,
            model: None,
            tool_call_id: None,
            tool_calls: None,
            created_at: time,
        }),
    })
}
