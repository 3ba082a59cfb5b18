//! `agent history import --from codex|claude|aider [PATH] [--dry-run] [--skip-bad]`: another
//! agent's history read (agent-core's `import`) and placed in the store
//! (`Store::import_sessions`), with a report of what was, or would be, imported.

use std::path::PathBuf;

use agent_core::import::{self, BadRecord, ReadOptions, Tool};
use agent_core::store::{SessionImportReport, Store};
use agent_tui::text::{one_line, printable};
use anyhow::Result;
use serde_json::json;

use crate::app::App;
use crate::exit::Exit;
use crate::output::{note, print, print_json};

/// How many malformed records an error or a note lists.
const LISTED_BAD: usize = 10;

/// The command's arguments.
pub struct ImportArgs {
    pub tool: Tool,
    /// A file or directory; the tool's own location when absent.
    pub path: Option<PathBuf>,
    pub dry_run: bool,
    pub skip_bad: bool,
    pub json: bool,
}

pub fn run(app: &App, store: &mut Store, args: &ImportArgs) -> Result<Exit> {
    let found = import::discover(args.tool, args.path.as_deref(), &app.env, &app.cwd)?;
    let options = ReadOptions {
        time_zone: jiff::tz::TimeZone::system(),
    };
    let mut sessions = Vec::new();
    let mut bad: Vec<BadRecord> = Vec::new();
    let mut records = 0;
    for file in &found.files {
        let read = import::read_file(args.tool, file, &options)?;
        records += read.records;
        sessions.extend(read.sessions);
        bad.extend(read.bad);
    }
    if !bad.is_empty() && !args.skip_bad {
        return Err(agent_core::Error::MalformedRecords {
            records: bad.iter().take(LISTED_BAD).map(|b| b.to_string()).collect(),
            total: bad.len(),
        }
        .into());
    }
    let report = store.import_sessions(&sessions, args.dry_run)?;

    if args.json {
        print_json(&json!({
            "from": args.tool,
            "root": found.root.display().to_string(),
            "files": found.files.len(),
            "records": records,
            "skipped": bad.len(),
            "skipped_records": bad,
            "dry_run": report.dry_run,
            "conversations_added": report.conversations_added,
            "conversations_updated": report.conversations_updated,
            "conversations_unchanged": report.conversations_unchanged,
            "messages_added": report.messages_added,
            "messages_present": report.messages_present,
            "conversations": report.conversations,
        }))?;
        return Ok(Exit::Ok);
    }
    for record in bad.iter().take(LISTED_BAD) {
        note(&format!("skipped {record}"));
    }
    if found.files.is_empty() {
        note(&format!(
            "no {} history files under {}",
            args.tool.display_name(),
            printable(&found.root.display().to_string())
        ));
    }
    print(&render(args.tool, &report, found.files.len(), bad.len()))?;
    Ok(Exit::Ok)
}

/// The summary line, then one line per conversation that is (or would be) new or added to.
fn render(tool: Tool, report: &SessionImportReport, files: usize, skipped: usize) -> String {
    let verb = if report.dry_run {
        "would import"
    } else {
        "imported"
    };
    let mut out = format!(
        "{verb} from {} ({files} file(s)): {} new conversation(s), {} updated, {} message(s) added, {} already present",
        tool.display_name(),
        report.conversations_added,
        report.conversations_updated,
        report.messages_added,
        report.messages_present,
    );
    if skipped > 0 {
        out.push_str(&format!("; skipped {skipped} malformed record(s)"));
    }
    out.push('\n');
    for conversation in report.conversations.iter().filter(|c| c.messages_added > 0) {
        let state = if conversation.new { "new" } else { "updated" };
        let title = if conversation.title.trim().is_empty() {
            conversation.session.as_str()
        } else {
            conversation.title.as_str()
        };
        out.push_str(&format!(
            "  {state:<7}  {}  +{:<4}  {}  {}\n",
            conversation.id,
            conversation.messages_added,
            one_line(title, 50),
            one_line(&conversation.path, usize::MAX),
        ));
    }
    if report.dry_run {
        out.push_str("dry run: nothing was written\n");
    }
    out
}
