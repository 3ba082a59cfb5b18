//! A tiny HTTP/1.1 server for the backend tests: it records each request and answers as the
//! test says — a whole body, a chunked stream that ends properly or drops the connection, or a
//! stream that runs until the client hangs up (reported to the test).
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use agent_models::{ChatEvent, ChatStream, ModelError};

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body is JSON")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// How a streamed body ends.
#[derive(Debug, Clone, Copy)]
pub enum End {
    /// The last chunk is sent: a complete body.
    Complete,
    /// The connection is closed mid-body.
    Drop,
}

/// What the server answers.
#[derive(Debug, Clone)]
pub enum Reply {
    Full {
        status: u16,
        content_type: &'static str,
        body: String,
    },
    /// A whole body with extra header lines (`Retry-After: 1`).
    WithHeaders {
        status: u16,
        headers: Vec<String>,
        content_type: &'static str,
        body: String,
    },
    Stream {
        status: u16,
        content_type: &'static str,
        pieces: Vec<String>,
        end: End,
    },
    /// `pieces`, then `filler` every 10 ms until the client hangs up, which is reported on
    /// `hung_up` (or 10 s pass).
    UntilHangUp {
        content_type: &'static str,
        pieces: Vec<String>,
        filler: String,
        hung_up: mpsc::UnboundedSender<()>,
    },
}

impl Reply {
    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Reply::Full {
            status,
            content_type: "application/json",
            body: value.to_string(),
        }
    }

    pub fn text(status: u16, body: &str) -> Self {
        Reply::Full {
            status,
            content_type: "text/plain",
            body: body.to_owned(),
        }
    }

    /// NDJSON lines, one chunk each, ending as `end` says.
    pub fn ndjson(lines: &[serde_json::Value], end: End) -> Self {
        Reply::Stream {
            status: 200,
            content_type: "application/x-ndjson",
            pieces: lines.iter().map(|line| format!("{line}\n")).collect(),
            end,
        }
    }

    /// Raw body pieces of an NDJSON stream.
    pub fn ndjson_raw(pieces: &[&str], end: End) -> Self {
        Reply::Stream {
            status: 200,
            content_type: "application/x-ndjson",
            pieces: pieces.iter().map(|piece| piece.to_string()).collect(),
            end,
        }
    }

    /// Server-sent events: each item is one `data:` payload.
    pub fn sse(data: &[&str], end: End) -> Self {
        Reply::Stream {
            status: 200,
            content_type: "text/event-stream",
            pieces: data
                .iter()
                .map(|data| format!("data: {data}\n\n"))
                .collect(),
            end,
        }
    }

    /// Raw body pieces of an event stream (to split events anywhere).
    pub fn sse_raw(pieces: &[&str], end: End) -> Self {
        Reply::Stream {
            status: 200,
            content_type: "text/event-stream",
            pieces: pieces.iter().map(|piece| piece.to_string()).collect(),
            end,
        }
    }
}

type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A server on 127.0.0.1 with a free port, stopped when dropped.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    pub async fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let recorded = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                let handler = Arc::clone(&handler);
                let recorded = Arc::clone(&recorded);
                tokio::spawn(async move {
                    serve(socket, handler, recorded).await;
                });
            }
        });
        Self {
            url,
            requests,
            task,
        }
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The only request received; fails when there were others or none.
    pub fn only_request(&self) -> Request {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "requests: {requests:#?}");
        requests.into_iter().next().unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A URL where nothing listens (a port just bound and released).
pub fn unused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

/// Every item of a chat stream, until it ends (at most 10 s).
pub async fn collect(stream: ChatStream) -> Vec<Result<ChatEvent, ModelError>> {
    tokio::time::timeout(Duration::from_secs(10), stream.collect::<Vec<_>>())
        .await
        .expect("the stream ends")
}

/// The events before the first error, and that error.
pub fn split_error(
    items: Vec<Result<ChatEvent, ModelError>>,
) -> (Vec<ChatEvent>, Option<ModelError>) {
    let mut events = Vec::new();
    let mut error = None;
    for item in items {
        match item {
            Ok(event) => {
                assert!(error.is_none(), "an event came after the error: {event:?}");
                events.push(event);
            }
            Err(failure) => {
                assert!(error.is_none(), "a second error: {failure:?}");
                error = Some(failure);
            }
        }
    }
    (events, error)
}

async fn serve(mut socket: TcpStream, handler: Handler, recorded: Arc<Mutex<Vec<Request>>>) {
    let Some(request) = read_request(&mut socket).await else {
        return;
    };
    recorded.lock().unwrap().push(request.clone());
    let reply = handler(&request);
    let _ = write_reply(&mut socket, reply).await;
}

async fn read_request(socket: &mut TcpStream) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(position) = buffer.windows(4).position(|window| window == b"\r\n\r\n") {
            break position + 4;
        }
        let read = socket.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[header_end..].to_vec();
    while body.len() < length {
        let read = socket.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

async fn write_reply(socket: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Full {
            status,
            content_type,
            body,
        } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            socket.write_all(head.as_bytes()).await?;
            socket.write_all(body.as_bytes()).await?;
            socket.flush().await
        }
        Reply::WithHeaders {
            status,
            headers,
            content_type,
            body,
        } => {
            let extra: String = headers.iter().map(|line| format!("{line}\r\n")).collect();
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
                body.len()
            );
            socket.write_all(head.as_bytes()).await?;
            socket.write_all(body.as_bytes()).await?;
            socket.flush().await
        }
        Reply::Stream {
            status,
            content_type,
            pieces,
            end,
        } => {
            write_stream_head(socket, status, content_type).await?;
            for piece in pieces {
                write_chunk(socket, &piece).await?;
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            match end {
                End::Complete => {
                    socket.write_all(b"0\r\n\r\n").await?;
                    socket.flush().await
                }
                End::Drop => socket.shutdown().await,
            }
        }
        Reply::UntilHangUp {
            content_type,
            pieces,
            filler,
            hung_up,
        } => {
            write_stream_head(socket, 200, content_type).await?;
            for piece in pieces {
                write_chunk(socket, &piece).await?;
            }
            for _ in 0..1000 {
                tokio::time::sleep(Duration::from_millis(10)).await;
                if write_chunk(socket, &filler).await.is_err() {
                    let _ = hung_up.send(());
                    return Ok(());
                }
            }
            Ok(())
        }
    }
}

async fn write_stream_head(
    socket: &mut TcpStream,
    status: u16,
    content_type: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await?;
    socket.flush().await
}

async fn write_chunk(socket: &mut TcpStream, piece: &str) -> std::io::Result<()> {
    let chunk = format!("{:x}\r\n{piece}\r\n", piece.len());
    socket.write_all(chunk.as_bytes()).await?;
    socket.flush().await
}
