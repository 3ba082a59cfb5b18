//! The OpenAI-compatible backend against a local server that replays the documented SSE stream.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::mpsc;

use agent_models::{
    ChatBackend, ChatEvent, ChatMessage, ChatRequest, DoneReason, ModelError, OpenAiBackend,
    ToolCall, Usage,
};
use support::{End, Reply, TestServer, collect, split_error, unused_url};

#[allow(clippy::unwrap_used)]
fn backend(server: &TestServer) -> OpenAiBackend {
    OpenAiBackend::new(&format!("{}/v1", server.url), Some("sk-test".into())).unwrap()
}

fn request() -> ChatRequest {
    ChatRequest::new("tiny", vec![ChatMessage::user("Say hi")])
}

fn content(text: &str) -> String {
    json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "tiny",
           "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]})
    .to_string()
}

fn finish(reason: &str) -> String {
    json!({"id": "c1", "object": "chat.completion.chunk", "model": "tiny",
           "choices": [{"index": 0, "delta": {}, "finish_reason": reason}]})
    .to_string()
}

fn usage(prompt: u64, completion: u64) -> String {
    json!({"id": "c1", "object": "chat.completion.chunk", "model": "tiny", "choices": [],
           "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                     "total_tokens": prompt + completion}})
    .to_string()
}

fn role() -> String {
    json!({"id": "c1", "object": "chat.completion.chunk", "model": "tiny",
           "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": null}]})
    .to_string()
}

fn tool_piece(index: u32, id: Option<&str>, name: Option<&str>, arguments: &str) -> String {
    let mut call = json!({"index": index, "function": {"arguments": arguments}});
    if let Some(id) = id {
        call["id"] = json!(id);
        call["type"] = json!("function");
    }
    if let Some(name) = name {
        call["function"]["name"] = json!(name);
    }
    json!({"id": "c1", "object": "chat.completion.chunk", "model": "tiny",
           "choices": [{"index": 0, "delta": {"tool_calls": [call]}, "finish_reason": null}]})
    .to_string()
}

#[tokio::test]
async fn streamed_text_then_usage_then_done() {
    let events_on_wire = [
        role(),
        content("Hi"),
        content(" there"),
        finish("stop"),
        usage(9, 2),
        "[DONE]".to_owned(),
    ];
    let server = TestServer::start(move |_| {
        let data: Vec<&str> = events_on_wire.iter().map(String::as_str).collect();
        Reply::sse(&data, End::Complete)
    })
    .await;

    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        events,
        vec![
            ChatEvent::TextDelta { text: "Hi".into() },
            ChatEvent::TextDelta {
                text: " there".into()
            },
            ChatEvent::Usage {
                usage: Usage {
                    prompt_tokens: 9,
                    completion_tokens: 2,
                    prompt_duration: None,
                    completion_duration: None,
                    reused_prompt_tokens: 0,
                }
            },
            ChatEvent::Done {
                reason: DoneReason::Stop
            },
        ]
    );

    let sent = server.only_request();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(sent.header("authorization"), Some("Bearer sk-test"));
    let body = sent.json();
    assert_eq!(body["model"], "tiny");
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": "Say hi"}])
    );
}

#[tokio::test]
async fn sampling_options_are_sent_and_no_key_means_no_header() {
    let server =
        TestServer::start(|_| Reply::sse(&[&finish("stop"), "[DONE]"], End::Complete)).await;
    let backend = OpenAiBackend::new(&format!("{}/v1/", server.url), None).unwrap();
    let mut request = request();
    request.options.temperature = Some(0.5);
    request.options.top_p = Some(0.75);
    request.options.seed = Some(3);
    request.options.max_tokens = Some(100);
    request.options.stop = vec!["\n\n".into()];
    let (_, error) = split_error(collect(backend.chat(request)).await);
    assert!(error.is_none(), "{error:?}");

    let sent = server.only_request();
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("authorization"), None);
    let body = sent.json();
    assert_eq!(body["temperature"], 0.5);
    assert_eq!(body["top_p"], 0.75);
    assert_eq!(body["seed"], 3);
    assert_eq!(body["max_tokens"], 100);
    assert_eq!(body["stop"], json!(["\n\n"]));
    assert!(body.get("top_k").is_none() && body.get("repeat_penalty").is_none());
}

#[tokio::test]
async fn a_tool_call_split_across_chunks_is_assembled() {
    let events_on_wire = [
        role(),
        tool_piece(0, Some("call_1"), Some("read_file"), ""),
        tool_piece(0, None, None, "{\"path\":"),
        tool_piece(1, Some("call_2"), Some("list_dir"), "{\"dir\""),
        tool_piece(0, None, None, "\"src/lib.rs\"}"),
        tool_piece(1, None, None, ": \".\"}"),
        finish("tool_calls"),
        usage(50, 30),
        "[DONE]".to_owned(),
    ];
    let server = TestServer::start(move |_| {
        let data: Vec<&str> = events_on_wire.iter().map(String::as_str).collect();
        Reply::sse(&data, End::Complete)
    })
    .await;

    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        events,
        vec![
            ChatEvent::ToolCall {
                call: ToolCall {
                    id: "call_1".into(),
                    name: "read_file".into(),
                    arguments: json!({"path": "src/lib.rs"}),
                }
            },
            ChatEvent::ToolCall {
                call: ToolCall {
                    id: "call_2".into(),
                    name: "list_dir".into(),
                    arguments: json!({"dir": "."}),
                }
            },
            ChatEvent::Usage {
                usage: Usage {
                    prompt_tokens: 50,
                    completion_tokens: 30,
                    ..Usage::default()
                }
            },
            ChatEvent::Done {
                reason: DoneReason::ToolCalls
            },
        ]
    );
}

#[tokio::test]
async fn invalid_tool_arguments_are_kept_as_a_string() {
    let server = TestServer::start(|_| {
        Reply::sse(
            &[
                &tool_piece(0, Some("call_9"), Some("edit"), "{\"path\": src/main.rs"),
                &finish("tool_calls"),
                "[DONE]",
            ],
            End::Complete,
        )
    })
    .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        events[0],
        ChatEvent::ToolCall {
            call: ToolCall {
                id: "call_9".into(),
                name: "edit".into(),
                arguments: json!("{\"path\": src/main.rs"),
            }
        }
    );
}

#[tokio::test]
async fn events_split_anywhere_and_llama_cpp_timings_are_read() {
    let last = json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "length"}],
        "usage": {"prompt_tokens": 4, "completion_tokens": 8},
        "timings": {"cache_n": 3, "prompt_n": 4, "prompt_ms": 12.5, "predicted_n": 8,
            "predicted_ms": 400.0}})
    .to_string();
    let whole = format!(
        "data: {}\r\n\r\n: a comment\n\ndata: {}\n\ndata: {last}\n\ndata: [DONE]\n\n",
        content("Hel"),
        content("lo")
    );
    // Cut the byte stream at awkward places: inside "data:", inside JSON, between \r and \n.
    let cuts = [3, 40, whole.find("\r\n").unwrap() + 1, whole.len() - 5];
    let mut pieces = Vec::new();
    let mut start = 0;
    for cut in cuts {
        pieces.push(whole[start..cut].to_owned());
        start = cut;
    }
    pieces.push(whole[start..].to_owned());
    let server = TestServer::start(move |_| {
        let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
        Reply::sse_raw(&pieces, End::Complete)
    })
    .await;

    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        events,
        vec![
            ChatEvent::TextDelta { text: "Hel".into() },
            ChatEvent::TextDelta { text: "lo".into() },
            ChatEvent::Usage {
                usage: Usage {
                    prompt_tokens: 4,
                    completion_tokens: 8,
                    prompt_duration: Some(Duration::from_micros(12_500)),
                    completion_duration: Some(Duration::from_millis(400)),
                    // llama.cpp's `cache_n`: prompt tokens its cache already held.
                    reused_prompt_tokens: 3,
                }
            },
            ChatEvent::Done {
                reason: DoneReason::Length
            },
        ]
    );
}

#[tokio::test]
async fn openai_cached_prompt_tokens_are_counted_as_reused() {
    let last = json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 2048, "completion_tokens": 5,
            "prompt_tokens_details": {"cached_tokens": 1920}}})
    .to_string();
    let server = TestServer::start(move |_| {
        let pieces = [
            format!("data: {}\n\n", content("ok")),
            format!("data: {last}\n\n"),
            "data: [DONE]\n\n".to_string(),
        ];
        let pieces: Vec<&str> = pieces.iter().map(String::as_str).collect();
        Reply::sse_raw(&pieces, End::Complete)
    })
    .await;

    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(error.is_none(), "{error:?}");
    let usage = events.iter().find_map(|e| match e {
        ChatEvent::Usage { usage } => Some(*usage),
        _ => None,
    });
    let usage = usage.expect("a usage event");
    assert_eq!(usage.prompt_tokens, 2048);
    assert_eq!(usage.reused_prompt_tokens, 1920);
}

#[tokio::test]
async fn http_500_reports_the_error_message() {
    let server = TestServer::start(|_| {
        Reply::json(
            500,
            json!({"error": {"message": "the server is overloaded", "type": "server_error", "code": null}}),
        )
    })
    .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(events.is_empty());
    match error {
        Some(error @ ModelError::Http { .. }) => {
            assert!(error.is_retryable());
            assert!(
                matches!(&error, ModelError::Http { backend: "openai", status: 500, message } if message == "the server is overloaded"),
                "{error:?}"
            );
        }
        other => panic!("expected HTTP 500, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bad_key_is_http_401_and_an_unknown_model_is_model_not_found() {
    let server = TestServer::start(|request| {
        if request.json()["model"] == "ghost" {
            Reply::json(
                404,
                json!({"error": {"message": "The model `ghost` does not exist", "code": "model_not_found"}}),
            )
        } else {
            Reply::json(401, json!({"error": {"message": "Incorrect API key provided"}}))
        }
    })
    .await;
    let backend = backend(&server);
    let (_, error) = split_error(collect(backend.chat(request())).await);
    assert!(
        matches!(&error, Some(ModelError::Http { status: 401, message, .. }) if message == "Incorrect API key provided"),
        "{error:?}"
    );
    let mut ghost = request();
    ghost.model = "ghost".into();
    let (_, error) = split_error(collect(backend.chat(ghost)).await);
    assert!(
        matches!(&error, Some(ModelError::ModelNotFound { model, .. }) if model == "ghost"),
        "{error:?}"
    );
}

#[tokio::test]
async fn llama_cpp_context_refusal_is_context_overflow() {
    let server = TestServer::start(|_| {
        Reply::json(
            400,
            json!({"error": {"code": 400, "message": "the request exceeds the available context size, try increasing it",
                "type": "exceed_context_size_error", "n_prompt_tokens": 5000, "n_ctx": 4096}}),
        )
    })
    .await;
    let (_, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(
        matches!(
            error,
            Some(ModelError::ContextOverflow {
                prompt_tokens: 5000,
                context_length: 4096,
                ..
            })
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_malformed_event_is_a_protocol_error_quoting_it() {
    let server = TestServer::start(|_| {
        Reply::sse(
            &[&content("ok"), "{\"choices\": [oops]}", "[DONE]"],
            End::Complete,
        )
    })
    .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert_eq!(events, vec![ChatEvent::TextDelta { text: "ok".into() }]);
    match error {
        Some(ModelError::Protocol { message, .. }) => {
            assert!(message.contains("[oops]"), "{message}");
        }
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_chunk_mid_stream_ends_it_with_the_message() {
    let server = TestServer::start(|_| {
        Reply::sse(
            &[
                &content("Once"),
                "{\"error\":{\"message\":\"generation failed\"}}",
            ],
            End::Complete,
        )
    })
    .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert_eq!(events.len(), 1);
    assert!(
        matches!(&error, Some(ModelError::ServerFailed { message, .. }) if message == "generation failed"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_connection_dropped_mid_stream_is_stream_ended_before_done() {
    let server = TestServer::start(|_| Reply::sse(&[&role(), &content("Hi")], End::Drop)).await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert_eq!(events, vec![ChatEvent::TextDelta { text: "Hi".into() }]);
    assert!(
        matches!(&error, Some(ModelError::Protocol { message, .. }) if message.starts_with("stream ended before done")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_stream_without_done_but_with_a_finish_reason_is_forgiven() {
    let server =
        TestServer::start(|_| Reply::sse(&[&content("Hi"), &finish("stop")], End::Complete)).await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        events.last(),
        Some(&ChatEvent::Done {
            reason: DoneReason::Stop
        })
    );
}

#[tokio::test]
async fn a_refused_connection_is_unreachable_with_the_url() {
    let url = unused_url();
    let backend = OpenAiBackend::new(&url, None).unwrap();
    let (_, error) = split_error(collect(backend.chat(request())).await);
    match error {
        Some(error @ ModelError::Unreachable { .. }) => {
            assert!(error.to_string().contains(&url), "{error}");
        }
        other => panic!("expected unreachable, got {other:?}"),
    }
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    let (hung_up, mut hang_ups) = mpsc::unbounded_channel();
    let server = TestServer::start(move |_| Reply::UntilHangUp {
        content_type: "text/event-stream",
        pieces: vec![format!("data: {}\n\n", content("first"))],
        filler: format!("data: {}\n\n", content(" more")),
        hung_up: hung_up.clone(),
    })
    .await;
    let mut stream = backend(&server).chat(request());
    let first = stream.next().await;
    assert!(
        matches!(&first, Some(Ok(ChatEvent::TextDelta { text })) if text == "first"),
        "{first:?}"
    );
    drop(stream);
    let seen = tokio::time::timeout(Duration::from_secs(5), hang_ups.recv()).await;
    assert!(
        matches!(seen, Ok(Some(()))),
        "the server saw the client hang up"
    );
}

#[tokio::test]
async fn list_models_reads_the_model_ids() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!({"object": "list", "data": [
                {"id": "tiny", "object": "model", "owned_by": "llamacpp", "created": 1700000000},
                {"id": "other", "object": "model"}]}),
        )
    })
    .await;
    let models = backend(&server).list_models().await.unwrap();
    assert_eq!(models.len(), 2);
    assert_eq!(models[0].id, "tiny");
    assert_eq!(models[0].owned_by.as_deref(), Some("llamacpp"));
    assert_eq!(models[0].created, Some(1_700_000_000));
    assert_eq!(models[1].owned_by, None);
    let sent = server.only_request();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(sent.header("authorization"), Some("Bearer sk-test"));
}

#[test]
fn the_backend_is_called_openai_and_hides_its_key() {
    let backend = OpenAiBackend::new("http://127.0.0.1:8080/v1", Some("sk-secret".into())).unwrap();
    assert_eq!(backend.name(), "openai");
    assert_eq!(backend.base_url(), "http://127.0.0.1:8080/v1");
    assert!(!format!("{backend:?}").contains("sk-secret"));
}

/// A 429 or 503 with the server's `Retry-After`.
fn busy(status: u16, retry_after: &str) -> Reply {
    Reply::WithHeaders {
        status,
        headers: vec![format!("Retry-After: {retry_after}")],
        content_type: "application/json",
        body: json!({"error": {"message": "slow down", "type": "rate_limit"}}).to_string(),
    }
}

fn answer() -> Reply {
    Reply::sse(&[&content("hi"), &finish("stop"), "[DONE]"], End::Complete)
}

#[tokio::test]
async fn a_busy_server_is_asked_again_after_the_wait_it_names() {
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    let server =
        TestServer::start(
            move |_| match seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
                0 => busy(429, "1"),
                1 => busy(503, "0"),
                _ => answer(),
            },
        )
        .await;
    let started = std::time::Instant::now();
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(error.is_none(), "{error:?}");
    assert!(events.contains(&ChatEvent::TextDelta { text: "hi".into() }));
    assert_eq!(server.requests().len(), 3);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the wait was honoured"
    );
    // The same request each time.
    let bodies: Vec<_> = server.requests().iter().map(|r| r.json()).collect();
    assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]));
}

#[tokio::test]
async fn busy_answers_are_tried_three_times_and_long_waits_not_at_all() {
    let server = TestServer::start(|_| busy(429, "0")).await;
    let (_, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(
        matches!(&error, Some(ModelError::Http { status: 429, message, .. }) if message == "slow down"),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 3);

    // A server that asks for more than the 30 s agent waits in all gets its answer reported.
    let server = TestServer::start(|_| busy(503, "120")).await;
    let started = std::time::Instant::now();
    let (_, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(
        matches!(&error, Some(ModelError::Http { status: 503, .. })),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);
    assert!(started.elapsed() < Duration::from_secs(5));

    // A 429 that names no wait is a quota, not a moment: reported at once.
    let server =
        TestServer::start(|_| Reply::json(429, json!({"error": {"message": "quota exceeded"}})))
            .await;
    let (_, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(
        matches!(&error, Some(ModelError::Http { status: 429, .. })),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_web_page_instead_of_an_event_stream_is_named() {
    let server = TestServer::start(|_| Reply::Full {
        status: 200,
        content_type: "text/html; charset=utf-8",
        body: "<!doctype html>\n<html><head><title>Sign in</title></head><body>Please sign in</body></html>".into(),
    })
    .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(events.is_empty());
    match error {
        Some(ModelError::Protocol { message, .. }) => {
            assert!(
                message.starts_with(
                    "the server answered text/html, not an event stream: <!doctype html> <html>"
                ),
                "{message}"
            );
        }
        other => panic!("expected a protocol error, got {other:?}"),
    }
}
