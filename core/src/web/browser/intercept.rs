//! Every request the page makes, answered by the agent: Chromium pauses it (`Fetch.enable` on
//! every URL), the agent sends it with its own client under the address policy and the size
//! and time limits, and hands Chromium the answer (`Fetch.fulfillRequest`) or a failure
//! (`Fetch.failRequest`). Redirects go back to Chromium as they are, so each hop comes here
//! again and is checked again.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use url::Url;

use super::cdp::{Cdp, CdpEvent};
use crate::web::client::{HopRequest, WebClient};
use crate::web::error::WebError;

/// Response headers Chromium must not get from a fulfilled answer: the body handed over is
/// already whole and decoded.
const DROPPED_RESPONSE_HEADERS: &[&str] = &[
    "content-encoding",
    "transfer-encoding",
    "content-length",
    "connection",
    "keep-alive",
];

/// What the page's requests have done, shared with the browser.
#[derive(Debug)]
pub struct Traffic {
    in_flight: AtomicUsize,
    last_change: Mutex<Instant>,
    /// Requests that failed, newest last: their URL and why.
    failures: Mutex<Vec<(String, WebError)>>,
}

impl Traffic {
    pub fn new() -> Self {
        Self {
            in_flight: AtomicUsize::new(0),
            last_change: Mutex::new(Instant::now()),
            failures: Mutex::new(Vec::new()),
        }
    }

    /// Whether no request has been waiting for `quiet`.
    pub fn is_quiet(&self, quiet: Duration) -> bool {
        self.in_flight.load(Ordering::SeqCst) == 0
            && self
                .last_change
                .lock()
                .map(|at| at.elapsed() >= quiet)
                .unwrap_or(true)
    }

    /// Why the request for `url` failed, if it did.
    pub fn failure(&self, url: &str) -> Option<WebError> {
        let failures = self.failures.lock().ok()?;
        failures
            .iter()
            .rev()
            .find(|(failed, _)| failed == url)
            .map(|(_, error)| error.clone())
    }

    /// The failures so far, as one line each.
    pub fn failure_lines(&self) -> Vec<String> {
        self.failures
            .lock()
            .map(|failures| failures.iter().map(|(_, error)| error.message()).collect())
            .unwrap_or_default()
    }

    fn touch(&self) {
        if let Ok(mut at) = self.last_change.lock() {
            *at = Instant::now();
        }
    }

    fn begin(&self) {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.touch();
    }

    fn end(&self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.touch();
    }

    fn failed(&self, url: &str, error: WebError) {
        if let Ok(mut failures) = self.failures.lock() {
            if failures.len() >= 100 {
                failures.remove(0);
            }
            failures.push((url.to_owned(), error));
        }
    }
}

/// Requests of a page answered at once at most: each may hold up to `fetch.max_bytes`, so a page
/// asking for thousands cannot make the agent hold thousands of bodies.
const IN_FLIGHT: usize = 8;

/// Answers paused requests until the browser's events end.
pub async fn serve(
    cdp: Cdp,
    client: WebClient,
    traffic: Arc<Traffic>,
    mut events: mpsc::UnboundedReceiver<CdpEvent>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    while let Some(event) = events.recv().await {
        if event.method != "Fetch.requestPaused" {
            continue;
        }
        traffic.begin();
        // Waiting here leaves later requests paused in Chromium (their events queue) until a
        // slot frees.
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            traffic.end();
            return;
        };
        let (cdp, client, traffic) = (cdp.clone(), client.clone(), Arc::clone(&traffic));
        tokio::spawn(async move {
            answer(&cdp, &client, &traffic, event).await;
            traffic.end();
            drop(slot);
        });
    }
}

async fn answer(cdp: &Cdp, client: &WebClient, traffic: &Traffic, event: CdpEvent) {
    let params = &event.params;
    let Some(request_id) = params.get("requestId").and_then(Value::as_str) else {
        return;
    };
    let request = &params["request"];
    let url_text = request["url"].as_str().unwrap_or_default();
    let reply = match request_of(request) {
        Ok(hop_request) => match client.hop(&hop_request).await {
            Ok(hop) => {
                let headers: Vec<Value> = hop
                    .headers
                    .iter()
                    .filter(|(name, _)| {
                        !DROPPED_RESPONSE_HEADERS.contains(&name.to_ascii_lowercase().as_str())
                    })
                    .map(|(name, value)| json!({ "name": name, "value": value }))
                    .collect();
                (
                    "Fetch.fulfillRequest",
                    json!({
                        "requestId": request_id,
                        "responseCode": hop.status,
                        "responseHeaders": headers,
                        "body": STANDARD.encode(&hop.body),
                    }),
                )
            }
            Err(error) => failure(traffic, request_id, url_text, error),
        },
        Err(error) => failure(traffic, request_id, url_text, error),
    };
    let _ = cdp
        .call(reply.0, reply.1, event.session.as_deref(), client.timeout())
        .await;
}

fn failure(
    traffic: &Traffic,
    request_id: &str,
    url: &str,
    error: WebError,
) -> (&'static str, Value) {
    let reason = match &error {
        WebError::Refused { .. } | WebError::InvalidUrl { .. } => "BlockedByClient",
        WebError::Timeout { .. } => "TimedOut",
        WebError::Resolve { .. } => "NameNotResolved",
        _ => "Failed",
    };
    traffic.failed(url, error);
    (
        "Fetch.failRequest",
        json!({ "requestId": request_id, "errorReason": reason }),
    )
}

/// The paused request (a CDP `Network.Request`) as one to send.
fn request_of(request: &Value) -> Result<HopRequest, WebError> {
    let url_text = request["url"].as_str().unwrap_or_default();
    let url = Url::parse(url_text).map_err(|error| WebError::InvalidUrl {
        url: url_text.to_owned(),
        reason: error.to_string(),
    })?;
    let headers = request["headers"]
        .as_object()
        .map(|headers| {
            headers
                .iter()
                .filter_map(|(name, value)| Some((name.clone(), value.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let body = match request.get("postDataEntries").and_then(Value::as_array) {
        Some(entries) => Some(
            entries
                .iter()
                .filter_map(|entry| entry.get("bytes").and_then(Value::as_str))
                .filter_map(|bytes| STANDARD.decode(bytes).ok())
                .flatten()
                .collect(),
        ),
        None => request
            .get("postData")
            .and_then(Value::as_str)
            .map(|text| text.as_bytes().to_vec()),
    };
    Ok(HopRequest {
        method: request["method"].as_str().unwrap_or("GET").to_owned(),
        url,
        headers,
        body,
    })
}
