//! `agent history list|show|search|export|import|rm`.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Write};
use std::path::Path;

use agent_core::markdown::conversation_markdown;
use agent_core::store::{
    ConversationSummary, HIGHLIGHT_END, HIGHLIGHT_START, ListQuery, SearchQuery, Store, read_jsonl,
};
use agent_core::time::{format_short, now_ms, parse_point_in_time};
use agent_tui::text::{one_line, pad, terminal_width};
use agent_tui::transcript::render_conversation;
use agent_tui::{Painter, Tone};
use anyhow::{Context, Result};
use serde_json::json;

use crate::app::App;
use crate::cli::{ExportFormat, HistoryCommand, ListArgs};
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};

pub fn run(app: &App, command: HistoryCommand) -> Result<Exit> {
    let (config, mut store) = app.config_and_store()?;
    let painter = app.stdout_painter(&config);
    match command {
        HistoryCommand::List(args) => {
            list(app, &store, &painter, config.config.history.page_size, args)
        }
        HistoryCommand::Show { id, json } => show(&store, &painter, &id, json),
        HistoryCommand::Search {
            query,
            limit,
            repo,
            json,
        } => {
            let query = SearchQuery {
                text: query,
                limit,
                repo: repo.map(|dir| app.repo_filter(&dir)),
            };
            search(&store, &painter, &query, json)
        }
        HistoryCommand::Export {
            id,
            all,
            format,
            output,
        } => {
            let ids = match id {
                Some(id) if !all => vec![store.resolve_conversation_id(&id)?],
                _ => store.all_conversation_ids()?,
            };
            let text = export(&store, &ids, format)?;
            match output {
                Some(path) => {
                    write_file_atomically(&path, text.as_bytes())?;
                    note(&format!(
                        "exported {} conversation(s) to {}",
                        ids.len(),
                        path.display()
                    ));
                }
                None => print(&text)?,
            }
            Ok(Exit::Ok)
        }
        HistoryCommand::Import {
            file,
            from: Some(from),
            dry_run,
            skip_bad,
            json,
        } => crate::history_import::run(
            app,
            &mut store,
            &crate::history_import::ImportArgs {
                tool: from.tool(),
                path: file,
                dry_run,
                skip_bad,
                json,
            },
        ),
        HistoryCommand::Import {
            file,
            json,
            from: None,
            ..
        } => {
            let file = file.ok_or_else(|| {
                UserError::usage(
                    "history import needs a FILE (or --from AGENT)",
                    "agent history import conversations.jsonl",
                )
            })?;
            import(&mut store, &file, json)
        }
        HistoryCommand::Rm { id, yes } => remove(&mut store, &id, yes),
    }
}

fn list(
    app: &App,
    store: &Store,
    painter: &Painter,
    page_size: u32,
    args: ListArgs,
) -> Result<Exit> {
    let now = now_ms();
    let query = ListQuery {
        limit: args.limit.unwrap_or(page_size),
        cursor: args.cursor,
        before: args
            .before
            .as_deref()
            .map(|t| parse_point_in_time(t, now))
            .transpose()?,
        since: args
            .since
            .as_deref()
            .map(|t| parse_point_in_time(t, now))
            .transpose()?,
        repo: args.repo.as_deref().map(|dir| app.repo_filter(dir)),
    };
    let page = store.list_conversations(&query)?;
    if args.json {
        print_json(&json!({
            "conversations": page.items,
            "next_cursor": page.next_cursor,
        }))?;
        return Ok(Exit::Ok);
    }
    if page.items.is_empty() {
        note("no conversations");
        return Ok(Exit::Ok);
    }
    print(&render_list(&page.items, painter, terminal_width()))?;
    if let Some(cursor) = page.next_cursor {
        note(&format!("more: agent history list --cursor {cursor}"));
    }
    Ok(Exit::Ok)
}

fn render_list(items: &[ConversationSummary], painter: &Painter, width: Option<usize>) -> String {
    let id_width = items
        .iter()
        .map(|s| s.conversation.id.chars().count())
        .max()
        .unwrap_or(2)
        .max(2);
    // id, two spaces, "YYYY-MM-DD HH:MM", two spaces, message count (5), two spaces.
    let fixed = id_width + 2 + 16 + 2 + 5 + 2;
    let title_width = width.unwrap_or(120).saturating_sub(fixed).max(20);
    let mut out = String::new();
    out.push_str(&painter.paint(
        Tone::Dim,
        &format!(
            "{}  {}  {:>5}  TITLE",
            pad("ID", id_width),
            pad("UPDATED", 16),
            "MSGS"
        ),
    ));
    out.push('\n');
    for summary in items {
        let c = &summary.conversation;
        // An imported conversation's title starts with where it came from: `[codex] …`.
        let origin = c
            .origin
            .as_ref()
            .map(|o| format!("[{}] ", o.tool))
            .unwrap_or_default();
        let title_width = title_width.saturating_sub(origin.chars().count()).max(10);
        let title = if c.title.trim().is_empty() {
            painter.paint(
                Tone::Dim,
                &one_line(summary.preview.as_deref().unwrap_or("(empty)"), title_width),
            )
        } else {
            one_line(&c.title, title_width)
        };
        let title = if origin.is_empty() {
            title
        } else {
            format!("{}{title}", painter.paint(Tone::Dim, &origin))
        };
        out.push_str(&format!(
            "{}  {}  {:>5}  {title}\n",
            painter.paint(Tone::Strong, &pad(&c.id, id_width)),
            format_short(c.updated_at),
            summary.message_count,
        ));
    }
    out
}

fn show(store: &Store, painter: &Painter, id: &str, json: bool) -> Result<Exit> {
    let id = store.resolve_conversation_id(id)?;
    let conversation = store.conversation(&id)?;
    if json {
        let mut record = serde_json::to_value(store.export_record(&id)?)?;
        if let (Some(origin), Some(object)) = (&conversation.origin, record.as_object_mut()) {
            object.insert("origin".into(), serde_json::to_value(origin)?);
        }
        print_json(&record)?;
        return Ok(Exit::Ok);
    }
    let messages = store.messages(&id)?;
    print(&render_conversation(&conversation, &messages, painter))?;
    Ok(Exit::Ok)
}

fn search(store: &Store, painter: &Painter, query: &SearchQuery, json: bool) -> Result<Exit> {
    let hits = store.search_messages(query)?;
    if json {
        let plain: Vec<_> = hits
            .iter()
            .map(|hit| {
                let mut hit = hit.clone();
                hit.snippet = highlight(&hit.snippet, &Painter::plain());
                hit
            })
            .collect();
        print_json(&json!({ "results": plain }))?;
        return Ok(Exit::Ok);
    }
    if hits.is_empty() {
        note(&format!("no messages match `{}`", query.text));
        return Ok(Exit::Ok);
    }
    let mut out = String::new();
    for hit in &hits {
        let title = if hit.conversation_title.trim().is_empty() {
            "(untitled)"
        } else {
            hit.conversation_title.as_str()
        };
        out.push_str(&format!(
            "{}  {}  {}\n    {}\n",
            painter.paint(Tone::Strong, &hit.conversation_id),
            one_line(title, 60),
            painter.paint(
                Tone::Dim,
                &format!("{} · {}", hit.role, format_short(hit.created_at))
            ),
            highlight(&one_line_keep_marks(&hit.snippet), painter),
        ));
    }
    print(&out)?;
    Ok(Exit::Ok)
}

/// Flattens a snippet onto one line without touching the highlight marks (which are control
/// characters that `one_line` would blank).
fn one_line_keep_marks(snippet: &str) -> String {
    snippet
        .chars()
        .map(|c| {
            if c != HIGHLIGHT_START && c != HIGHLIGHT_END && c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Turns the store's highlight marks into colour, or `[brackets]` when not colouring.
fn highlight(snippet: &str, painter: &Painter) -> String {
    let mut out = String::new();
    let mut rest = snippet;
    while let Some(start) = rest.find(HIGHLIGHT_START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + HIGHLIGHT_START.len_utf8()..];
        let (word, tail) = match after.find(HIGHLIGHT_END) {
            Some(end) => (&after[..end], &after[end + HIGHLIGHT_END.len_utf8()..]),
            None => (after, ""),
        };
        if painter.is_color() {
            out.push_str(&painter.paint(Tone::Highlight, word));
        } else {
            out.push('[');
            out.push_str(word);
            out.push(']');
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn export(store: &Store, ids: &[String], format: ExportFormat) -> Result<String> {
    let mut text = String::new();
    for (index, id) in ids.iter().enumerate() {
        let record = store.export_record(id)?;
        match format {
            ExportFormat::Jsonl => {
                text.push_str(&serde_json::to_string(&record)?);
                text.push('\n');
            }
            ExportFormat::Md => {
                if index > 0 {
                    text.push_str("\n---\n\n");
                }
                text.push_str(&conversation_markdown(&record));
            }
        }
    }
    Ok(text)
}

fn import(store: &mut Store, file: &Path, json: bool) -> Result<Exit> {
    let (records, source_name) = if file == Path::new("-") {
        (
            read_jsonl(std::io::stdin().lock(), "<stdin>")?,
            "<stdin>".to_string(),
        )
    } else {
        let name = file.display().to_string();
        let handle = File::open(file).map_err(|source| agent_core::Error::Io {
            action: "open",
            path: file.to_path_buf(),
            source,
        })?;
        (read_jsonl(BufReader::new(handle), &name)?, name)
    };
    let report = store.import_records(records, &source_name)?;
    if json {
        print_json(&report)?;
    } else {
        print(&format!(
            "imported {} conversation(s) and {} message(s) from {source_name}; already present: {} conversation(s), {} message(s)\n",
            report.conversations_added,
            report.messages_added,
            report.conversations_present,
            report.messages_present,
        ))?;
    }
    Ok(Exit::Ok)
}

fn remove(store: &mut Store, id: &str, yes: bool) -> Result<Exit> {
    let id = store.resolve_conversation_id(id)?;
    let conversation = store.conversation(&id)?;
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(UserError::usage(
                format!("not deleting conversation {id} without confirmation"),
                "pass --yes to delete without asking",
            )
            .into());
        }
        let count = store.messages(&id)?.len();
        let title = if conversation.title.is_empty() {
            "(untitled)"
        } else {
            &conversation.title
        };
        eprint!(
            "delete conversation {id} \"{}\" and its {count} message(s)? [y/N] ",
            one_line(title, 60)
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .context("cannot read the answer")?;
        if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
            note("nothing deleted");
            return Ok(Exit::Ok);
        }
    }
    let deleted = store.delete_conversation(&id)?;
    print(&format!(
        "deleted conversation {id} ({} message(s))\n",
        deleted.messages
    ))?;
    Ok(Exit::Ok)
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees half a file.
fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temporary = tempfile_in(dir)?;
    temporary
        .1
        .write_all(bytes)
        .with_context(|| format!("cannot write {}", temporary.0.display()))?;
    temporary.1.sync_all().ok();
    std::fs::rename(&temporary.0, path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn tempfile_in(dir: &Path) -> Result<(std::path::PathBuf, File)> {
    let path = dir.join(format!(".agent-export-{}.tmp", std::process::id()));
    let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_become_brackets_without_colour() {
        let snippet = format!("a {HIGHLIGHT_START}word{HIGHLIGHT_END} here");
        assert_eq!(highlight(&snippet, &Painter::plain()), "a [word] here");
    }
}
