//! Prometheus metrics of the server: HTTP requests by route and status with latency
//! histograms, SSE subscribers, and, from the session's events, model calls, tokens and tool
//! calls. Tasks by status are read from the store when scraped.

use std::sync::{Mutex, PoisonError};

use agent_core::protocol::{Event, EventEnvelope};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ToolLabels {
    tool: String,
    ok: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    result: String,
}

/// Every metric, registered once.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    tasks: Family<StatusLabels, Gauge>,
    model_calls: Counter,
    tokens: Family<TokenLabels, Counter>,
    tool_calls: Family<ToolLabels, Counter>,
    model_cache: Family<CacheLabels, Counter>,
    sse_subscribers: Gauge,
    /// Statuses set at the last scrape (so a status that emptied reads 0, not its old count).
    seen_statuses: Mutex<Vec<String>>,
}

fn latency_histogram() -> Histogram {
    // 0.1 ms to ~3.3 s.
    Histogram::new(exponential_buckets(0.0001, 2.0, 16))
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("agent");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency =
            Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> _);
        let tasks = Family::<StatusLabels, Gauge>::default();
        let model_calls = Counter::default();
        let tokens = Family::<TokenLabels, Counter>::default();
        let tool_calls = Family::<ToolLabels, Counter>::default();
        let model_cache = Family::<CacheLabels, Counter>::default();
        let sse_subscribers = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request (to the first byte of a stream), by route",
            latency.clone(),
        );
        registry.register("tasks", "Tasks in the store, by status", tasks.clone());
        registry.register(
            "model_calls",
            "Model requests finished by tasks and chats of this server",
            model_calls.clone(),
        );
        registry.register(
            "model_tokens",
            "Tokens of finished model requests, by kind (prompt, completion)",
            tokens.clone(),
        );
        registry.register(
            "tool_calls",
            "Tool calls finished, by tool and outcome",
            tool_calls.clone(),
        );
        registry.register(
            "model_cache_lookups",
            "Cacheable (temperature-0) model requests, by result: hit (answered from the answer cache, no request sent) or miss",
            model_cache.clone(),
        );
        // Both results exist from the start, so a scrape reads 0 rather than nothing.
        for result in ["hit", "miss"] {
            let _ = model_cache.get_or_create(&CacheLabels {
                result: result.to_string(),
            });
        }
        registry.register(
            "sse_subscribers",
            "Event streams open now",
            sse_subscribers.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            tasks,
            model_calls,
            tokens,
            tool_calls,
            model_cache,
            sse_subscribers,
            seen_statuses: Mutex::default(),
        }
    }

    /// Counts one answered request.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_string(),
            })
            .observe(seconds);
    }

    /// Counts what an event of the session says about model and tool use.
    pub fn observe(&self, envelope: &EventEnvelope) {
        match &envelope.event {
            Event::ModelEnd {
                prompt_tokens,
                completion_tokens,
                cache,
                ..
            } => {
                self.model_calls.inc();
                if let Some(cache) = cache {
                    self.model_cache
                        .get_or_create(&CacheLabels {
                            result: cache.as_str().to_string(),
                        })
                        .inc();
                }
                for (kind, count) in [("prompt", prompt_tokens), ("completion", completion_tokens)]
                {
                    self.tokens
                        .get_or_create(&TokenLabels {
                            kind: kind.to_string(),
                        })
                        .inc_by(u64::from(*count));
                }
            }
            Event::ToolCallEnd { name, ok, .. } => {
                self.tool_calls
                    .get_or_create(&ToolLabels {
                        tool: name.clone(),
                        ok: ok.to_string(),
                    })
                    .inc();
            }
            _ => {}
        }
    }

    /// An event stream opened; the guard counts it closed when dropped.
    pub fn stream_opened(&self) -> StreamGuard {
        self.sse_subscribers.inc();
        StreamGuard(self.sse_subscribers.clone())
    }

    /// The text exposition, with tasks by status as `by_status` says now.
    pub fn render(&self, by_status: &[(String, u64)]) -> String {
        {
            let mut seen = self
                .seen_statuses
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            for status in seen.iter() {
                self.tasks
                    .get_or_create(&StatusLabels {
                        status: status.clone(),
                    })
                    .set(0);
            }
            for (status, count) in by_status {
                self.tasks
                    .get_or_create(&StatusLabels {
                        status: status.clone(),
                    })
                    .set(i64::try_from(*count).unwrap_or(i64::MAX));
                if !seen.contains(status) {
                    seen.push(status.clone());
                }
            }
        }
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}

/// Counts an event stream as open while it lives.
pub struct StreamGuard(Gauge);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}
