//! Newline-delimited JSON framing: a response body, however it is chunked, cut into lines.

use futures_util::StreamExt;

use super::ByteStream;
use crate::error::ModelError;

/// The longest line accepted, in bytes; a longer one is a broken or hostile server.
const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Why no line could be read.
#[derive(Debug)]
pub(crate) enum LineError {
    /// The body failed (connection reset, incomplete chunked body).
    Transport(reqwest::Error),
    /// A line grew past [`MAX_LINE_BYTES`] without a newline.
    TooLong,
}

impl LineError {
    /// The error for a stream that stopped before its `final_message` (`done`, `success`).
    pub(crate) fn into_model_error(self, backend: &'static str, final_message: &str) -> ModelError {
        match self {
            LineError::Transport(error) => super::ended_early(backend, final_message, Some(error)),
            LineError::TooLong => ModelError::Protocol {
                backend,
                message: format!("a line longer than {MAX_LINE_BYTES} bytes"),
            },
        }
    }
}

/// The lines of a body. Blank lines are skipped; a last line without a newline still counts.
pub(crate) struct NdjsonLines {
    body: ByteStream,
    buffer: Vec<u8>,
    /// Bytes of `buffer` already searched for a newline.
    scanned: usize,
    ended: bool,
}

impl NdjsonLines {
    pub(crate) fn new(body: ByteStream) -> Self {
        Self {
            body,
            buffer: Vec::new(),
            scanned: 0,
            ended: false,
        }
    }

    /// The next non-blank line without its line ending; `None` once the body ended cleanly.
    pub(crate) async fn next_line(&mut self) -> Option<Result<Vec<u8>, LineError>> {
        loop {
            if let Some(offset) = self.buffer[self.scanned..].iter().position(|&b| b == b'\n') {
                let end = self.scanned + offset;
                let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
                self.scanned = 0;
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Some(Ok(line));
            }
            self.scanned = self.buffer.len();
            if self.ended {
                if self.buffer.iter().all(u8::is_ascii_whitespace) {
                    return None;
                }
                self.scanned = 0;
                return Some(Ok(std::mem::take(&mut self.buffer)));
            }
            if self.buffer.len() > MAX_LINE_BYTES {
                self.ended = true;
                self.buffer.clear();
                return Some(Err(LineError::TooLong));
            }
            match self.body.next().await {
                Some(Ok(chunk)) => self.buffer.extend_from_slice(&chunk),
                Some(Err(error)) => {
                    self.ended = true;
                    self.buffer.clear();
                    return Some(Err(LineError::Transport(error)));
                }
                None => self.ended = true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use futures_util::stream;

    use super::*;

    fn lines_of(chunks: &[&str]) -> NdjsonLines {
        let chunks: Vec<reqwest::Result<Bytes>> = chunks
            .iter()
            .map(|chunk| Ok(Bytes::copy_from_slice(chunk.as_bytes())))
            .collect();
        NdjsonLines::new(Box::pin(stream::iter(chunks)))
    }

    async fn collect(mut lines: NdjsonLines) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().await {
            match line {
                Ok(line) => out.push(String::from_utf8_lossy(&line).into_owned()),
                Err(error) => out.push(format!("error: {error:?}")),
            }
        }
        out
    }

    #[tokio::test]
    async fn lines_split_across_chunks_are_joined() {
        let lines = lines_of(&["{\"a\":", "1}\n{\"b\"", ":2}\r\n\n", "  \n{\"c\":3}"]);
        assert_eq!(
            collect(lines).await,
            ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"]
        );
    }

    #[tokio::test]
    async fn an_empty_body_has_no_lines() {
        assert!(collect(lines_of(&[])).await.is_empty());
        assert!(collect(lines_of(&["\n", " \r\n"])).await.is_empty());
    }
}
