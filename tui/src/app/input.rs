//! The multi-line prompt editor: cursor movement by character, prompt history on Up/Down at the
//! first/last line, and Ctrl-R reverse search through that history.

use super::wrap::char_width;

/// A reverse search through prompt history in progress.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ReverseSearch {
    pub query: String,
    /// How many newer matches Ctrl-R skipped.
    pub skip: usize,
}

/// The editor's text (one `String` per line), cursor and history.
#[derive(Debug, Clone)]
pub(crate) struct Editor {
    lines: Vec<String>,
    /// Cursor line.
    row: usize,
    /// Cursor position in characters within the line.
    col: usize,
    history: Vec<String>,
    /// Position while browsing history (an index into `history`).
    browsing: Option<usize>,
    /// What was typed before browsing started.
    draft: String,
    pub search: Option<ReverseSearch>,
}

impl Default for Editor {
    fn default() -> Self {
        Self {
            lines: vec![String::new()],
            row: 0,
            col: 0,
            history: Vec::new(),
            browsing: None,
            draft: String::new(),
            search: None,
        }
    }
}

fn byte_index(line: &str, col: usize) -> usize {
    line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
}

fn char_count(line: &str) -> usize {
    line.chars().count()
}

impl Editor {
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines.len() == 1 && self.lines[0].is_empty()
    }

    /// Cursor as (line, column in terminal cells).
    pub fn cursor(&self) -> (usize, usize) {
        let line = self.lines.get(self.row).map_or("", String::as_str);
        let cells = line.chars().take(self.col).map(char_width).sum();
        (self.row, cells)
    }

    /// Replaces the text and puts the cursor at its end.
    /// The line the caret is on and the text before the caret on it.
    pub fn before_caret(&self) -> &str {
        let line = self.lines.get(self.row).map_or("", String::as_str);
        &line[..byte_index(line, self.col)]
    }

    /// Replaces the `chars` characters before the caret with `text`.
    pub fn replace_before_caret(&mut self, chars: usize, text: &str) {
        let chars = chars.min(self.col);
        if let Some(line) = self.lines.get_mut(self.row) {
            let start = byte_index(line, self.col - chars);
            let end = byte_index(line, self.col);
            line.replace_range(start..end, text);
            self.col = self.col - chars + char_count(text);
        }
    }

    pub fn set_text(&mut self, text: &str) {
        self.lines = text.split('\n').map(str::to_string).collect();
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.row = self.lines.len() - 1;
        self.col = char_count(&self.lines[self.row]);
    }

    pub fn clear(&mut self) {
        self.set_text("");
        self.browsing = None;
        self.search = None;
    }

    /// Takes the text out, remembering it in history when it is not blank.
    pub fn submit(&mut self) -> String {
        let text = self.text();
        if !text.trim().is_empty() && self.history.last() != Some(&text) {
            self.history.push(text.clone());
        }
        self.clear();
        text
    }

    pub fn insert_str(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            for c in part.chars() {
                self.insert_char(c);
            }
        }
    }

    pub fn insert_char(&mut self, c: char) {
        if c == '\n' {
            self.newline();
            return;
        }
        let c = if c == '\t' { ' ' } else { c };
        if c.is_control() {
            return;
        }
        let line = &mut self.lines[self.row];
        let at = byte_index(line, self.col);
        line.insert(at, c);
        self.col += 1;
    }

    pub fn newline(&mut self) {
        let line = &mut self.lines[self.row];
        let at = byte_index(line, self.col);
        let rest = line.split_off(at);
        self.row += 1;
        self.lines.insert(self.row, rest);
        self.col = 0;
    }

    pub fn backspace(&mut self) {
        if self.col > 0 {
            let line = &mut self.lines[self.row];
            let at = byte_index(line, self.col - 1);
            line.remove(at);
            self.col -= 1;
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.col = char_count(&self.lines[self.row]);
            self.lines[self.row].push_str(&line);
        }
    }

    pub fn delete(&mut self) {
        let len = char_count(&self.lines[self.row]);
        if self.col < len {
            let line = &mut self.lines[self.row];
            let at = byte_index(line, self.col);
            line.remove(at);
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
        }
    }

    pub fn left(&mut self) {
        if self.col > 0 {
            self.col -= 1;
        } else if self.row > 0 {
            self.row -= 1;
            self.col = char_count(&self.lines[self.row]);
        }
    }

    pub fn right(&mut self) {
        if self.col < char_count(&self.lines[self.row]) {
            self.col += 1;
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    pub fn home(&mut self) {
        self.col = 0;
    }

    pub fn end(&mut self) {
        self.col = char_count(&self.lines[self.row]);
    }

    /// Up: the line above, or the previous prompt when on the first line.
    pub fn up(&mut self) {
        if self.row > 0 {
            self.row -= 1;
            self.col = self.col.min(char_count(&self.lines[self.row]));
            return;
        }
        let next = match self.browsing {
            None if self.history.is_empty() => return,
            None => {
                self.draft = self.text();
                self.history.len() - 1
            }
            Some(0) => return,
            Some(i) => i - 1,
        };
        self.browsing = Some(next);
        let text = self.history[next].clone();
        self.set_text(&text);
    }

    /// Down: the line below, or the next prompt (then the draft) when on the last line.
    pub fn down(&mut self) {
        if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = self.col.min(char_count(&self.lines[self.row]));
            return;
        }
        let Some(i) = self.browsing else {
            return;
        };
        if i + 1 < self.history.len() {
            self.browsing = Some(i + 1);
            let text = self.history[i + 1].clone();
            self.set_text(&text);
        } else {
            self.browsing = None;
            let draft = std::mem::take(&mut self.draft);
            self.set_text(&draft);
        }
    }

    /// The prompt a reverse search points at, newest first.
    pub fn search_match(&self) -> Option<&str> {
        let search = self.search.as_ref()?;
        self.history
            .iter()
            .rev()
            .filter(|h| h.contains(&search.query))
            .nth(search.skip)
            .map(String::as_str)
    }

    /// Ctrl-R: starts a search, or looks further back.
    pub fn search_older(&mut self) {
        match &mut self.search {
            None => self.search = Some(ReverseSearch::default()),
            Some(search) => {
                search.skip += 1;
                if self.search_match().is_none()
                    && let Some(search) = &mut self.search
                {
                    search.skip -= 1;
                }
            }
        }
    }

    pub fn search_type(&mut self, c: char) {
        if let Some(search) = &mut self.search {
            search.query.push(c);
            search.skip = 0;
        }
    }

    pub fn search_backspace(&mut self) {
        if let Some(search) = &mut self.search {
            search.query.pop();
            search.skip = 0;
        }
    }

    /// Ends the search, putting the match (if any) into the editor.
    pub fn search_accept(&mut self) {
        if let Some(found) = self.search_match().map(str::to_string) {
            self.set_text(&found);
        }
        self.search = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_across_lines_and_wide_characters() {
        let mut editor = Editor::default();
        editor.insert_str("日本\nab");
        assert_eq!(editor.cursor(), (1, 2));
        editor.up();
        assert_eq!(editor.cursor(), (0, 4));
        editor.left();
        editor.backspace();
        assert_eq!(editor.text(), "本\nab");
        editor.end();
        editor.delete();
        assert_eq!(editor.text(), "本ab");
        editor.home();
        editor.right();
        editor.newline();
        assert_eq!(editor.lines(), ["本", "ab"]);
    }

    #[test]
    fn history_browses_and_returns_to_the_draft() {
        let mut editor = Editor::default();
        editor.insert_str("first");
        editor.submit();
        editor.insert_str("second");
        editor.submit();
        editor.insert_str("draft");
        editor.up();
        assert_eq!(editor.text(), "second");
        editor.up();
        assert_eq!(editor.text(), "first");
        editor.up();
        assert_eq!(editor.text(), "first");
        editor.down();
        editor.down();
        assert_eq!(editor.text(), "draft");
    }
}
