//! A command's output kept within a byte budget: its first bytes and its last bytes, counting
//! what fell between, so a long build log still shows how it started and how it ended.

use std::collections::VecDeque;

/// Output kept as at most `head` bytes from the start and `tail` bytes from the end.
#[derive(Debug, Clone)]
pub struct HeadTail {
    head_limit: usize,
    tail_limit: usize,
    head: Vec<u8>,
    tail: VecDeque<u8>,
    elided: usize,
}

impl HeadTail {
    /// Keeps the first `head` and the last `tail` bytes.
    pub fn new(head: usize, tail: usize) -> Self {
        Self {
            head_limit: head,
            tail_limit: tail,
            head: Vec::new(),
            tail: VecDeque::new(),
            elided: 0,
        }
    }

    /// Keeps `limit` bytes in all: the first half and the last half.
    pub fn split(limit: usize) -> Self {
        let head = limit / 2;
        Self::new(head, limit - head)
    }

    /// Adds the next bytes of output.
    pub fn push(&mut self, mut bytes: &[u8]) {
        if self.head.len() < self.head_limit {
            let take = bytes.len().min(self.head_limit - self.head.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        self.tail.extend(bytes);
        let excess = self.tail.len().saturating_sub(self.tail_limit);
        self.tail.drain(..excess);
        self.elided += excess;
    }

    /// How many bytes were dropped from the middle.
    pub fn elided(&self) -> usize {
        self.elided
    }

    /// The kept text (invalid UTF-8 replaced); where the middle was dropped, a line made by
    /// `marker` from the number of bytes dropped.
    pub fn render(&self, marker: impl Fn(usize) -> String) -> String {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if self.elided > 0 {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&marker(self.elided));
            text.push('\n');
        }
        let tail: Vec<u8> = self.tail.iter().copied().collect();
        text.push_str(&String::from_utf8_lossy(&tail));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marker(bytes: usize) -> String {
        format!("[{bytes} cut]")
    }

    #[test]
    fn keeps_both_ends_and_counts_the_middle() {
        let mut kept = HeadTail::split(10);
        kept.push(b"abcdefgh");
        kept.push(b"ijklmnopqrstuvwxyz");
        assert_eq!(kept.elided(), 16);
        assert_eq!(kept.render(marker), "abcde\n[16 cut]\nvwxyz");
    }

    #[test]
    fn uneven_head_and_tail() {
        let mut kept = HeadTail::new(2, 5);
        for byte in b"0123456789" {
            kept.push(&[*byte]);
        }
        assert_eq!(kept.render(marker), "01\n[3 cut]\n56789");
    }

    #[test]
    fn under_the_limit_is_untouched() {
        let mut kept = HeadTail::split(100);
        kept.push(b"hello\n");
        kept.push(b"world\n");
        assert_eq!(kept.render(marker), "hello\nworld\n");
        let mut exact = HeadTail::new(4, 4);
        exact.push(b"12345678");
        assert_eq!(exact.render(marker), "12345678");
    }
}
