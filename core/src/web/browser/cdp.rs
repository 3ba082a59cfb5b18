//! The Chrome DevTools Protocol over Chromium's debugging pipe (`--remote-debugging-pipe`):
//! JSON messages separated by NUL bytes, commands written to the browser's fd 3, answers and
//! events read from its fd 4. No port is opened, so no other process can drive the browser.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use crate::web::error::WebError;

/// An event the browser sent.
#[derive(Debug, Clone)]
pub struct CdpEvent {
    pub method: String,
    pub params: Value,
    /// The page session it belongs to.
    pub session: Option<String>,
}

type Answer = Result<Value, String>;
type Writer = Box<dyn AsyncWrite + Send + Unpin>;

/// A connection to the browser; cheap to clone.
#[derive(Clone)]
pub struct Cdp {
    inner: Arc<Inner>,
}

struct Inner {
    writer: tokio::sync::Mutex<Writer>,
    pending: Mutex<HashMap<u64, oneshot::Sender<Answer>>>,
    next_id: AtomicU64,
    /// Set once the pipe from the browser closed: nothing more will be answered.
    closed: AtomicBool,
}

impl Cdp {
    /// Starts reading `from` (answers to their callers, events to the receiver returned) and
    /// writes commands to `to`.
    pub fn start(
        to: impl AsyncWrite + Send + Unpin + 'static,
        from: impl AsyncRead + Send + Unpin + 'static,
    ) -> (Self, mpsc::UnboundedReceiver<CdpEvent>) {
        let inner = Arc::new(Inner {
            writer: tokio::sync::Mutex::new(Box::new(to)),
            pending: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            closed: AtomicBool::new(false),
        });
        let (events, receiver) = mpsc::unbounded_channel();
        tokio::spawn(read_messages(from, Arc::clone(&inner), events));
        (Self { inner }, receiver)
    }

    /// Sends `method` (to the page `session`, or the browser) and waits up to `timeout` for the
    /// answer's `result`.
    pub async fn call(
        &self,
        method: &str,
        params: Value,
        session: Option<&str>,
        timeout: Duration,
    ) -> Result<Value, WebError> {
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let (sender, receiver) = oneshot::channel();
        if let Ok(mut pending) = self.inner.pending.lock() {
            if self.inner.closed.load(Ordering::SeqCst) {
                return Err(failed("Chromium exited".into()));
            }
            pending.insert(id, sender);
        }
        let mut bytes = serde_json::to_vec(&message).map_err(|error| failed(error.to_string()))?;
        bytes.push(0);
        {
            let mut writer = self.inner.writer.lock().await;
            let written = async {
                writer.write_all(&bytes).await?;
                writer.flush().await
            };
            if let Err(error) = written.await {
                self.forget(id);
                return Err(failed(format!("Chromium closed its pipe ({error})")));
            }
        }
        match tokio::time::timeout(timeout, receiver).await {
            Ok(Ok(Ok(result))) => Ok(result),
            Ok(Ok(Err(message))) => Err(failed(format!("{method}: {message}"))),
            Ok(Err(_)) => Err(failed("Chromium exited".into())),
            Err(_) => {
                self.forget(id);
                Err(failed(format!(
                    "{method} got no answer within {} s",
                    timeout.as_secs()
                )))
            }
        }
    }

    fn forget(&self, id: u64) {
        if let Ok(mut pending) = self.inner.pending.lock() {
            pending.remove(&id);
        }
    }
}

fn failed(message: String) -> WebError {
    WebError::Browser { message }
}

/// Reads messages until the pipe closes; then every caller still waiting learns it.
async fn read_messages(
    from: impl AsyncRead + Unpin,
    inner: Arc<Inner>,
    events: mpsc::UnboundedSender<CdpEvent>,
) {
    let mut reader = BufReader::new(from);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        match reader.read_until(0, &mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if buffer.last() == Some(&0) {
            buffer.pop();
        }
        let Ok(message) = serde_json::from_slice::<Value>(&buffer) else {
            continue;
        };
        if let Some(id) = message.get("id").and_then(Value::as_u64) {
            let waiting = inner
                .pending
                .lock()
                .ok()
                .and_then(|mut pending| pending.remove(&id));
            if let Some(waiting) = waiting {
                let answer = match message.get("error") {
                    Some(error) => Err(error
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("an error")
                        .to_owned()),
                    None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
                };
                let _ = waiting.send(answer);
            }
        } else if let Some(method) = message.get("method").and_then(Value::as_str) {
            let _ = events.send(CdpEvent {
                method: method.to_owned(),
                params: message.get("params").cloned().unwrap_or(Value::Null),
                session: message
                    .get("sessionId")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            });
        }
    }
    if let Ok(mut pending) = inner.pending.lock() {
        inner.closed.store(true, Ordering::SeqCst);
        pending.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn answers_reach_their_callers_and_events_the_receiver() {
        let (ours, theirs) = tokio::io::duplex(4096);
        let (our_read, our_write) = tokio::io::split(ours);
        let (mut their_read, mut their_write) = tokio::io::split(theirs);
        let (cdp, mut events) = Cdp::start(our_write, our_read);
        let browser = tokio::spawn(async move {
            let mut sent = Vec::new();
            let mut byte = [0u8; 1];
            while their_read.read_exact(&mut byte).await.is_ok() && byte[0] != 0 {
                sent.push(byte[0]);
            }
            let command: Value = serde_json::from_slice(&sent).unwrap();
            assert_eq!(command["method"], "Page.navigate");
            assert_eq!(command["sessionId"], "S");
            let id = command["id"].as_u64().unwrap();
            // An event first, then the answer split across writes.
            their_write
                .write_all(b"{\"method\":\"Fetch.requestPaused\",\"params\":{\"requestId\":\"r\"},\"sessionId\":\"S\"}\0")
                .await
                .unwrap();
            let answer = format!("{{\"id\":{id},\"result\":{{\"frameId\":\"F\"}}}}\0");
            let (head, tail) = answer.split_at(5);
            their_write.write_all(head.as_bytes()).await.unwrap();
            their_write.write_all(tail.as_bytes()).await.unwrap();
            their_write
        });
        let result = cdp
            .call(
                "Page.navigate",
                json!({"url": "http://a.test/"}),
                Some("S"),
                Duration::from_secs(5),
            )
            .await
            .unwrap();
        assert_eq!(result["frameId"], "F");
        let event = events.recv().await.unwrap();
        assert_eq!(event.method, "Fetch.requestPaused");
        assert_eq!(event.session.as_deref(), Some("S"));
        drop(browser.await.unwrap());
        // The browser is gone: a call fails at once instead of waiting.
        let gone = cdp
            .call("Browser.close", json!({}), None, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(gone.to_string().contains("Chromium"), "{gone}");
    }
}
