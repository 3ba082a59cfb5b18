//! `App`: all the TUI's state and `handle`, the pure transition from an event to new state and
//! the commands the binary must carry out.

use std::collections::VecDeque;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use agent_core::protocol::Event;
use agent_models::{ChatMessage, Role};

use super::event::{AppEvent, Command, CustomCommand, DashboardData, Loaded, StatusInfo, View};
use super::input::Editor;
use super::transcript::{Entry, ToolBlock, Transcript};
use super::views::approval::Approval;
use super::views::history::HistoryState;
use super::views::tasks::TasksState;

/// Lines a mouse wheel step scrolls.
pub(crate) const WHEEL_LINES: isize = 3;

/// The chat TUI's state. Feed it events with [`App::handle`], draw it with [`App::render`].
#[derive(Debug)]
pub struct App {
    pub(crate) status: StatusInfo,
    pub(crate) view: View,
    pub(crate) transcript: Transcript,
    pub(crate) editor: Editor,
    pub(crate) custom: Vec<CustomCommand>,
    /// The repository's files, for `@` mentions.
    pub(crate) files: Vec<String>,
    /// The highlighted line of the slash completion popup.
    pub(crate) popup_selected: usize,
    /// Esc hid the popup until the text changes.
    pub(crate) popup_dismissed: bool,
    pub(crate) busy: bool,
    /// Frame of the busy indicator, advanced by ticks.
    pub(crate) spinner: usize,
    /// A first Ctrl-C cleared the input; a second one quits.
    pub(crate) quit_armed: bool,
    pub(crate) quit: bool,
    pub(crate) approvals: VecDeque<Approval>,
    pub(crate) tasks: TasksState,
    pub(crate) history: HistoryState,
    pub(crate) dashboard: Option<DashboardData>,
    /// Rows the transcript had at the last render (for page scrolling).
    pub(crate) viewport_rows: usize,
    /// The assistant entry being streamed into.
    pub(crate) streaming: Option<usize>,
}

/// Ticks between reloads of the tasks view (the binary ticks every 120 ms).
const TASKS_REFRESH_TICKS: usize = 16;

impl App {
    pub fn new(status: StatusInfo) -> Self {
        Self {
            status,
            view: View::Chat,
            transcript: Transcript::new(),
            editor: Editor::default(),
            custom: Vec::new(),
            files: Vec::new(),
            popup_selected: 0,
            popup_dismissed: false,
            busy: false,
            spinner: 0,
            quit_armed: false,
            quit: false,
            approvals: VecDeque::new(),
            tasks: TasksState::default(),
            history: HistoryState::default(),
            dashboard: None,
            viewport_rows: 20,
            streaming: None,
        }
    }

    /// True while a turn runs (from sending a prompt until its `turn_end` event).
    pub fn is_busy(&self) -> bool {
        self.busy
    }

    pub fn view(&self) -> View {
        self.view
    }

    /// True once the user asked to quit.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Replaces what the status line shows (after a model switch, a new conversation …).
    pub fn set_status(&mut self, status: StatusInfo) {
        self.status = status;
    }

    /// Adds the binary's Markdown prompt commands to the slash commands.
    /// The repository's files (relative paths) that `@` mentions complete.
    pub fn set_files(&mut self, files: Vec<String>) {
        self.files = files;
    }

    pub fn set_custom_commands(&mut self, commands: Vec<CustomCommand>) {
        self.custom = commands;
    }

    /// Lines held in the transcript's layout cache (for the benchmark).
    pub fn layout_cache_lines(&self) -> usize {
        self.transcript.cached_lines()
    }

    /// Applies one event; returns what the binary must do.
    pub fn handle(&mut self, event: AppEvent) -> Vec<Command> {
        match event {
            AppEvent::Key(key) => {
                if key.kind == KeyEventKind::Release {
                    return Vec::new();
                }
                let commands = self.key(key);
                if commands
                    .iter()
                    .any(|c| matches!(c, Command::ResumeConversation(_)))
                {
                    // The resumed conversation is drawn from scratch.
                    self.transcript.clear();
                    self.streaming = None;
                    self.view = View::Chat;
                }
                commands
            }
            AppEvent::Paste(text) => {
                if self.approvals.is_empty() && self.view == View::Chat {
                    self.editor.search = None;
                    self.editor.insert_str(&text);
                } else if self.view == View::History {
                    self.history.paste(&text);
                }
                Vec::new()
            }
            AppEvent::Resize(_, _) => Vec::new(),
            AppEvent::ScrollUp => {
                self.scroll(-WHEEL_LINES);
                Vec::new()
            }
            AppEvent::ScrollDown => {
                self.scroll(WHEEL_LINES);
                Vec::new()
            }
            AppEvent::Tick => {
                self.spinner = self.spinner.wrapping_add(1);
                // The tasks view refreshes about every two seconds, so tasks run elsewhere
                // (`agent task run` in another terminal) show up and move too.
                if self.view == View::Tasks && self.spinner.is_multiple_of(TASKS_REFRESH_TICKS) {
                    return vec![Command::LoadTasks];
                }
                Vec::new()
            }
            AppEvent::Chat(update) => {
                self.chat(update);
                Vec::new()
            }
            AppEvent::Task(envelope) => {
                self.tasks.apply(envelope);
                Vec::new()
            }
            AppEvent::Loaded(loaded) => {
                self.loaded(loaded);
                Vec::new()
            }
        }
    }

    /// Scrolls whatever the current view scrolls.
    pub(crate) fn scroll(&mut self, delta: isize) {
        if let Some(approval) = self.approvals.front_mut() {
            approval.scroll(delta);
            return;
        }
        match self.view {
            View::Chat => self.transcript.scroll(delta, self.viewport_rows),
            View::Tasks => self.tasks.scroll(delta),
            View::History => self.history.scroll(delta),
            View::Dashboard => {}
        }
    }

    fn key(&mut self, key: KeyEvent) -> Vec<Command> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if !(ctrl && key.code == KeyCode::Char('c')) {
            self.quit_armed = false;
        }
        if let Some(approval) = self.approvals.front_mut() {
            let commands = approval.key(key);
            if !commands.is_empty() {
                self.approvals.pop_front();
            }
            return commands;
        }
        match key.code {
            KeyCode::F(1) => return self.switch(View::Chat),
            KeyCode::F(2) => return self.switch(View::Tasks),
            KeyCode::F(3) => return self.switch(View::History),
            KeyCode::F(4) => return self.switch(View::Dashboard),
            _ => {}
        }
        match self.view {
            View::Chat => self.chat_key(key),
            View::Tasks => {
                let (commands, leave) = self.tasks.key(key);
                if leave {
                    self.view = View::Chat;
                }
                commands
            }
            View::History => {
                let (commands, leave) = self.history.key(key);
                if leave {
                    self.view = View::Chat;
                }
                commands
            }
            View::Dashboard => {
                if matches!(key.code, KeyCode::Esc | KeyCode::Char('q')) {
                    self.view = View::Chat;
                } else if key.code == KeyCode::Char('r') {
                    return vec![Command::LoadDashboard];
                }
                Vec::new()
            }
        }
    }

    /// Shows `view`, asking for its data when it has any.
    pub(crate) fn switch(&mut self, view: View) -> Vec<Command> {
        self.view = view;
        match view {
            View::Chat => Vec::new(),
            View::Tasks => vec![Command::LoadTasks],
            View::History => vec![Command::LoadHistory {
                query: self.history.current_query(),
            }],
            View::Dashboard => vec![Command::LoadDashboard],
        }
    }

    /// Adds an entry, keeping the view at the bottom only if it was there.
    pub(crate) fn push_entry(&mut self, entry: Entry) {
        self.transcript.push(entry);
    }

    pub(crate) fn notice(&mut self, text: impl Into<String>) {
        self.push_entry(Entry::Notice(text.into()));
    }

    /// One event of the chat's session: its turns, the model's text, tool calls, questions.
    fn chat(&mut self, event: Event) {
        match event {
            Event::TurnBegin { prompt } => self.push_entry(Entry::User(prompt)),
            Event::ModelBegin { .. } => self.assistant_begin(),
            Event::ModelDelta { text, .. } => {
                if self.streaming.is_none() {
                    self.assistant_begin();
                }
                let index = self.streaming.unwrap_or_default();
                self.transcript.update(index, |entry| {
                    if let Entry::Assistant { text: shown, .. } = entry {
                        shown.push_str(&text);
                    }
                });
            }
            Event::ModelEnd {
                prompt_tokens,
                completion_tokens,
                ..
            } => {
                if let Some(index) = self.streaming.take() {
                    self.transcript.update(index, |entry| {
                        if let Entry::Assistant { streaming, .. } = entry {
                            *streaming = false;
                        }
                    });
                }
                self.status.tokens_used =
                    u64::from(prompt_tokens).saturating_add(u64::from(completion_tokens));
            }
            Event::ToolCallBegin {
                id,
                name,
                arguments,
            } => {
                self.streaming = None;
                self.push_entry(Entry::Tool(ToolBlock {
                    id,
                    name,
                    arguments,
                    result: None,
                    expanded: false,
                }));
            }
            Event::ToolCallEnd {
                id,
                ok,
                output,
                changed_paths,
                diff,
                ..
            } => {
                // A change shows as its diff under the one-line result.
                let output = match diff {
                    Some(diff) => format!("{output}\n{diff}"),
                    None => output,
                };
                self.tool_result(&id, ok, output, changed_paths);
            }
            Event::ApprovalRequest {
                id,
                kind,
                subject,
                preview,
            } => self
                .approvals
                .push_back(Approval::new(id, kind, subject, preview)),
            Event::Error { message, hint, .. } => {
                self.streaming = None;
                self.push_entry(Entry::Error { message, hint });
            }
            Event::TurnEnd { .. } => {
                self.busy = false;
                self.streaming = None;
            }
            Event::LimitReached { detail, limit, .. } => {
                self.streaming = None;
                self.push_entry(Entry::Error {
                    message: detail,
                    hint: agent_core::budget::hint(limit).map(str::to_string),
                });
            }
            Event::FallbackUsed { to, detail, .. } => {
                self.status.model = to.clone();
                self.notice(format!("fallback: {detail}; this turn goes to {to}"));
            }
            Event::ConversationLoaded { messages, .. } => self.show_conversation(messages),
            _ => {}
        }
    }

    fn assistant_begin(&mut self) {
        self.push_entry(Entry::Assistant {
            text: String::new(),
            streaming: true,
        });
        self.streaming = self.transcript.last_index();
    }

    fn tool_result(&mut self, id: &str, ok: bool, output: String, changed_paths: Vec<String>) {
        if let Some(index) = self.transcript.find_tool(id) {
            self.transcript.update(index, |entry| {
                if let Entry::Tool(tool) = entry {
                    // A successful edit shows its diff right away.
                    if ok && super::diff::is_unified_diff(&output) {
                        tool.expanded = true;
                    }
                    tool.result = Some((ok, output, changed_paths));
                }
            });
        }
    }

    /// Draws a stored conversation from scratch (a resumed one, or an empty new one).
    fn show_conversation(&mut self, messages: Vec<ChatMessage>) {
        self.transcript.clear();
        self.streaming = None;
        self.busy = false;
        for message in messages {
            match message.role {
                Role::User => self.push_entry(Entry::User(message.content)),
                Role::Assistant => {
                    if !message.content.trim().is_empty() {
                        self.push_entry(Entry::Assistant {
                            text: message.content,
                            streaming: false,
                        });
                    }
                    for call in message.tool_calls {
                        self.push_entry(Entry::Tool(ToolBlock {
                            id: call.id,
                            name: call.name,
                            arguments: call.arguments,
                            result: None,
                            expanded: false,
                        }));
                    }
                }
                Role::Tool => {
                    let ok = !message.content.starts_with("refused");
                    let id = message.tool_call_id.unwrap_or_default();
                    self.tool_result(&id, ok, message.content, Vec::new());
                }
                Role::System => {}
            }
        }
    }

    fn loaded(&mut self, loaded: Loaded) {
        match loaded {
            Loaded::Tasks(records) => self.tasks.load(records),
            Loaded::History(items) => self.history.load(items),
            Loaded::Dashboard(data) => self.dashboard = Some(data),
            Loaded::Diff(diff) => self.push_entry(Entry::Diff(diff)),
            Loaded::Transcript(messages) => self.history.open_transcript(messages),
            Loaded::Notice(text) => self.notice(text),
            Loaded::Budget(left) => self.status.budget = left,
        }
    }
}
