//! Keys in the chat view: the editor, sending, slash commands and their popup, reverse search,
//! interrupting, quitting, scrolling and expanding tool blocks.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::event::Command;
use super::mention;
use super::slash::{self, Completion, Slash};
use super::state::App;
use super::transcript::Entry;

impl App {
    /// What the popup offers for the current input: slash commands, or files for an `@` mention.
    pub(crate) fn popup(&self) -> Vec<Completion> {
        if self.popup_dismissed || self.editor.search.is_some() {
            return Vec::new();
        }
        if let Some(query) = mention::token(self.editor.before_caret()) {
            return mention::matches(&self.files, query)
                .into_iter()
                .map(|name| Completion {
                    name,
                    hint: String::new(),
                    description: String::new(),
                    file: true,
                })
                .collect();
        }
        if self.editor.lines().len() != 1 {
            return Vec::new();
        }
        slash::completions(&self.editor.lines()[0], &self.custom)
    }

    pub(crate) fn chat_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        if self.editor.search.is_some() {
            match key.code {
                KeyCode::Char('r') if ctrl => self.editor.search_older(),
                KeyCode::Char('c' | 'g') if ctrl => self.editor.search = None,
                KeyCode::Esc => self.editor.search = None,
                KeyCode::Enter => self.editor.search_accept(),
                KeyCode::Backspace => self.editor.search_backspace(),
                KeyCode::Char(c) if !ctrl && !alt => self.editor.search_type(c),
                _ => {
                    self.editor.search_accept();
                    return self.chat_key(key);
                }
            }
            return Vec::new();
        }
        let popup = self.popup();
        let rows = self.viewport_rows.max(2);
        let page = isize::try_from(rows - 1).unwrap_or(isize::MAX);
        match key.code {
            KeyCode::Char('c') if ctrl => return self.ctrl_c(),
            KeyCode::Char('o') if ctrl => self.toggle_all_tools(),
            KeyCode::Char('r') if ctrl => self.editor.search_older(),
            KeyCode::Char('j') if ctrl => self.edit(|e| e.newline()),
            KeyCode::Esc => {
                if self.busy {
                    return vec![Command::Interrupt];
                }
                if !popup.is_empty() {
                    self.popup_dismissed = true;
                }
            }
            KeyCode::Enter if shift || alt => self.edit(|e| e.newline()),
            KeyCode::Enter => return self.submit(),
            KeyCode::Tab => {
                if let Some(choice) =
                    popup.get(self.popup_selected.min(popup.len().saturating_sub(1)))
                {
                    if choice.file {
                        let typed = mention::token(self.editor.before_caret())
                            .map_or(0, |token| token.chars().count());
                        let text = format!("{} ", choice.name);
                        self.edit(|e| e.replace_before_caret(typed, &text));
                    } else {
                        let text = format!("/{} ", choice.name);
                        self.edit(|e| e.set_text(&text));
                    }
                } else if self.editor.is_empty() {
                    self.toggle_selected_tool();
                }
            }
            KeyCode::BackTab => self.select_previous_tool(),
            KeyCode::Up if !popup.is_empty() => {
                self.popup_selected = self
                    .popup_selected
                    .min(popup.len() - 1)
                    .checked_sub(1)
                    .unwrap_or(popup.len() - 1);
            }
            KeyCode::Down if !popup.is_empty() => {
                self.popup_selected = (self.popup_selected + 1) % popup.len();
            }
            KeyCode::Up => self.editor.up(),
            KeyCode::Down => self.editor.down(),
            KeyCode::Left => self.editor.left(),
            KeyCode::Right => self.editor.right(),
            KeyCode::Home => self.editor.home(),
            KeyCode::End if ctrl || self.editor.is_empty() => self.transcript.follow_bottom(),
            KeyCode::End => self.editor.end(),
            KeyCode::PageUp => self.transcript.scroll(-page, rows),
            KeyCode::PageDown => self.transcript.scroll(page, rows),
            KeyCode::Backspace => self.edit(|e| e.backspace()),
            KeyCode::Delete => self.edit(|e| e.delete()),
            KeyCode::Char(c) if !ctrl => self.edit(|e| e.insert_char(c)),
            _ => {}
        }
        Vec::new()
    }

    /// Changes the text: the popup shows again and its highlight starts over.
    fn edit(&mut self, change: impl FnOnce(&mut super::input::Editor)) {
        change(&mut self.editor);
        self.popup_dismissed = false;
        self.popup_selected = 0;
    }

    fn ctrl_c(&mut self) -> Vec<Command> {
        if self.busy {
            return vec![Command::Interrupt];
        }
        if self.quit_armed {
            self.quit = true;
            return vec![Command::Quit];
        }
        self.edit(|e| e.clear());
        self.quit_armed = true;
        Vec::new()
    }

    fn submit(&mut self) -> Vec<Command> {
        let text = self.editor.text();
        if text.trim().is_empty() {
            return Vec::new();
        }
        if text.trim_start().starts_with('/') {
            let line = self.editor.submit();
            self.popup_selected = 0;
            return self.slash(&line);
        }
        if self.busy {
            self.notice("a turn is running: wait for it or press Esc to interrupt");
            return Vec::new();
        }
        let text = self.editor.submit();
        self.busy = true;
        self.transcript.follow_bottom();
        vec![Command::SendPrompt(text)]
    }

    fn slash(&mut self, line: &str) -> Vec<Command> {
        match slash::parse(line, &self.custom) {
            Slash::Help => {
                let help = slash::help_text(&self.custom);
                self.notice(help);
                Vec::new()
            }
            Slash::Notice(text) => {
                self.notice(text);
                Vec::new()
            }
            Slash::Run(commands, view) => {
                for command in &commands {
                    match command {
                        Command::Quit => self.quit = true,
                        Command::Clear | Command::NewConversation => {
                            self.transcript.clear();
                            self.streaming = None;
                        }
                        Command::Compact => {
                            // The summary streams in as the new conversation's first reply.
                            self.transcript.clear();
                            self.streaming = None;
                            self.busy = true;
                        }
                        Command::SetModel(name) => self.status.model.clone_from(name),
                        Command::SetStrategy(name) => self.status.strategy.clone_from(name),
                        Command::SendPrompt(_) => {
                            self.busy = true;
                            self.transcript.follow_bottom();
                        }
                        Command::LoadHistory { query } => self.history.set_query(query.as_deref()),
                        _ => {}
                    }
                }
                if let Some(view) = view {
                    self.view = view;
                }
                commands
            }
        }
    }

    fn toggle_all_tools(&mut self) {
        let tools = self.transcript.tool_indices();
        let expand = tools.iter().any(
            |&i| matches!(self.transcript.entries().get(i), Some(Entry::Tool(t)) if !t.expanded),
        );
        for index in tools {
            self.transcript.update(index, |entry| {
                if let Entry::Tool(tool) = entry {
                    tool.expanded = expand;
                }
            });
        }
    }

    fn toggle_selected_tool(&mut self) {
        let Some(index) = self
            .transcript
            .selected_tool
            .or_else(|| self.transcript.tool_indices().last().copied())
        else {
            return;
        };
        self.transcript.select_tool(Some(index));
        self.transcript.update(index, |entry| {
            if let Entry::Tool(tool) = entry {
                tool.expanded = !tool.expanded;
            }
        });
    }

    fn select_previous_tool(&mut self) {
        let tools = self.transcript.tool_indices();
        let Some(&last) = tools.last() else {
            return;
        };
        let next = match self.transcript.selected_tool {
            Some(current) => tools
                .iter()
                .rev()
                .find(|&&i| i < current)
                .copied()
                .unwrap_or(last),
            None => last,
        };
        self.transcript.select_tool(Some(next));
    }
}
