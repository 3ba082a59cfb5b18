//! Downloads against a local HTTP server that supports ranges and can drop the connection.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

/// How the test server behaves.
#[derive(Clone)]
struct Server {
    body: Arc<Vec<u8>>,
    /// Close the connection after sending this many body bytes (first request only).
    drop_after: Option<usize>,
    /// Send this ETag.
    etag: Option<String>,
    requests: Arc<AtomicUsize>,
    ranges_seen: Arc<std::sync::Mutex<Vec<Option<String>>>>,
}

impl Server {
    fn new(body: Vec<u8>) -> Self {
        Self {
            body: Arc::new(body),
            drop_after: None,
            etag: None,
            requests: Arc::new(AtomicUsize::new(0)),
            ranges_seen: Arc::new(std::sync::Mutex::new(Vec::new())),
        }
    }

    async fn start(self) -> (String, Self) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/o/r/resolve/main/model.gguf",
            listener.local_addr().unwrap()
        );
        let server = self.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let server = server.clone();
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        let Ok(n) = socket.read(&mut buffer).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        request.extend_from_slice(&buffer[..n]);
                    }
                    let text = String::from_utf8_lossy(&request).to_string();
                    let index = server.requests.fetch_add(1, Ordering::SeqCst);
                    let range = text
                        .lines()
                        .find_map(|l| {
                            l.strip_prefix("range: ")
                                .or_else(|| l.strip_prefix("Range: "))
                        })
                        .map(str::to_string);
                    server.ranges_seen.lock().unwrap().push(range.clone());
                    let body = &server.body;
                    let etag = server
                        .etag
                        .as_ref()
                        .map(|e| format!("ETag: \"{e}\"\r\n"))
                        .unwrap_or_default();
                    let (head, slice) = match range.and_then(|r| {
                        r.strip_prefix("bytes=")?
                            .strip_suffix('-')?
                            .parse::<usize>()
                            .ok()
                    }) {
                        Some(start) if start >= body.len() => (
                            format!(
                                "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{}\r\nContent-Length: 0\r\n{etag}\r\n",
                                body.len()
                            ),
                            &body[0..0],
                        ),
                        Some(start) => (
                            format!(
                                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {start}-{}/{}\r\nContent-Length: {}\r\n{etag}\r\n",
                                body.len() - 1,
                                body.len(),
                                body.len() - start
                            ),
                            &body[start..],
                        ),
                        None => (
                            format!(
                                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n{etag}\r\n",
                                body.len()
                            ),
                            &body[..],
                        ),
                    };
                    let _ = socket.write_all(head.as_bytes()).await;
                    let limit = match server.drop_after {
                        Some(n) if index == 0 => n.min(slice.len()),
                        _ => slice.len(),
                    };
                    let _ = socket.write_all(&slice[..limit]).await;
                    let _ = socket.flush().await;
                    // Dropping the socket closes the connection (early when limited).
                });
            }
        });
        (url, self)
    }
}

fn gguf_bytes(len: usize) -> Vec<u8> {
    let mut body = b"GGUF".to_vec();
    body.extend((0..len - 4).map(|i| (i * 7 % 251) as u8));
    body
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn downloads_whole_file_with_progress_and_checks_it() {
    let body = gguf_bytes(300_000);
    let (url, _) = Server::new(body.clone()).start().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("models/model.gguf");
    let request = DownloadRequest {
        url,
        dest: dest.clone(),
        expected_sha256: Some(sha256_hex(&body)),
    };
    let mut seen = Vec::new();
    let done = download(&reqwest::Client::new(), &request, |p| seen.push(p))
        .await
        .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    assert_eq!(done.size, 300_000);
    assert_eq!(done.sha256, sha256_hex(&body));
    assert!(!part_path(&dest).exists());
    assert_eq!(seen.last().unwrap().downloaded, 300_000);
    assert_eq!(seen.last().unwrap().total, Some(300_000));
    assert!(seen.windows(2).all(|w| w[0].downloaded <= w[1].downloaded));
}

#[tokio::test]
async fn an_interrupted_download_resumes_from_the_part_file() {
    let body = gguf_bytes(500_000);
    let mut server = Server::new(body.clone());
    server.drop_after = Some(123_456);
    let (url, server) = server.start().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("model.gguf");
    let request = DownloadRequest {
        url,
        dest: dest.clone(),
        expected_sha256: None,
    };
    let client = reqwest::Client::new();

    let first = download(&client, &request, |_| {}).await;
    assert!(first.is_err(), "the connection was dropped");
    assert!(!dest.exists(), "nothing half-written at the final path");
    let partial = std::fs::metadata(part_path(&dest)).unwrap().len();
    assert!(partial > 0 && partial <= 123_456, "{partial}");

    let done = download(&client, &request, |_| {}).await.unwrap();
    assert_eq!(done.resumed_from, partial);
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    let ranges = server.ranges_seen.lock().unwrap().clone();
    assert_eq!(ranges, vec![None, Some(format!("bytes={partial}-"))]);
}

#[tokio::test]
async fn a_part_file_that_is_already_complete_is_finished_without_refetching() {
    let body = gguf_bytes(10_000);
    let (url, _) = Server::new(body.clone()).start().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("model.gguf");
    std::fs::write(part_path(&dest), &body).unwrap();
    let request = DownloadRequest {
        url,
        dest: dest.clone(),
        expected_sha256: None,
    };
    let done = download(&reqwest::Client::new(), &request, |_| {})
        .await
        .unwrap();
    assert_eq!(done.resumed_from, 10_000);
    assert_eq!(std::fs::read(&dest).unwrap(), body);
}

#[tokio::test]
async fn a_wrong_hash_is_refused_and_removed() {
    let body = gguf_bytes(20_000);
    let mut server = Server::new(body.clone());
    server.etag = Some("0".repeat(64));
    let (url, _) = server.start().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("model.gguf");
    let request = DownloadRequest {
        url,
        dest: dest.clone(),
        expected_sha256: None,
    };
    let err = download(&reqwest::Client::new(), &request, |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot load model file"), "{err}");
    assert!(format!("{err:?}").contains("SHA-256"), "{err:?}");
    assert!(!dest.exists() && !part_path(&dest).exists());
}

#[tokio::test]
async fn a_file_that_is_not_gguf_is_refused() {
    let (url, _) = Server::new(b"<html>rate limited</html>".to_vec())
        .start()
        .await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("model.gguf");
    let request = DownloadRequest {
        url,
        dest: dest.clone(),
        expected_sha256: None,
    };
    let err = download(&reqwest::Client::new(), &request, |_| {})
        .await
        .unwrap_err();
    assert!(format!("{err:?}").contains("GGUF magic"), "{err:?}");
    assert!(!dest.exists());
}

#[tokio::test]
async fn a_server_that_is_down_is_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/x.gguf", listener.local_addr().unwrap());
    drop(listener);
    let dir = tempfile::tempdir().unwrap();
    let request = DownloadRequest {
        url,
        dest: dir.path().join("x.gguf"),
        expected_sha256: None,
    };
    let err = download(&reqwest::Client::new(), &request, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, ModelError::Unreachable { .. }), "{err:?}");
    assert!(err.is_retryable());
}
