//! The Ollama backend against a local server that replays Ollama's documented wire format.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use tokio::sync::mpsc;

use agent_models::ollama::{DEFAULT_CONTEXT_LENGTH, OllamaBackend, OllamaClient};
use agent_models::{
    ChatBackend, ChatEvent, ChatMessage, ChatRequest, DoneReason, ModelError, ToolCall, ToolSpec,
    Usage,
};
use support::{End, Reply, TestServer, collect, split_error, unused_url};

#[allow(clippy::unwrap_used)]
fn backend(server: &TestServer) -> OllamaBackend {
    OllamaBackend::new(
        OllamaClient::new(&server.url).unwrap(),
        DEFAULT_CONTEXT_LENGTH,
    )
}

fn request() -> ChatRequest {
    ChatRequest::new("llama3.2", vec![ChatMessage::user("Why is the sky blue?")])
}

fn text_line(text: &str) -> serde_json::Value {
    json!({"model": "llama3.2", "created_at": "2026-01-01T00:00:00Z",
           "message": {"role": "assistant", "content": text}, "done": false})
}

fn done_line(reason: &str, prompt: u64, eval: u64) -> serde_json::Value {
    json!({"model": "llama3.2", "created_at": "2026-01-01T00:00:01Z",
           "message": {"role": "assistant", "content": ""}, "done": true, "done_reason": reason,
           "total_duration": 5_000_000_000u64, "load_duration": 1_000_000u64,
           "prompt_eval_count": prompt, "prompt_eval_duration": 250_000_000u64,
           "eval_count": eval, "eval_duration": 1_500_000_000u64})
}

#[tokio::test]
async fn streamed_text_ends_with_usage_and_done() {
    let server = TestServer::start(|_| {
        Reply::ndjson(
            &[
                text_line("The"),
                text_line(" sky"),
                text_line(" is blue"),
                done_line("stop", 26, 3),
            ],
            End::Complete,
        )
    })
    .await;

    let items = collect(backend(&server).chat(request())).await;
    let (events, error) = split_error(items);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        events,
        vec![
            ChatEvent::TextDelta { text: "The".into() },
            ChatEvent::TextDelta {
                text: " sky".into()
            },
            ChatEvent::TextDelta {
                text: " is blue".into()
            },
            ChatEvent::Usage {
                usage: Usage {
                    prompt_tokens: 26,
                    completion_tokens: 3,
                    prompt_duration: Some(Duration::from_millis(250)),
                    completion_duration: Some(Duration::from_millis(1500)),
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
        ("POST", "/api/chat")
    );
    let body = sent.json();
    assert_eq!(body["model"], "llama3.2");
    assert_eq!(body["stream"], true);
    assert_eq!(
        body["messages"],
        json!([{"role": "user", "content": "Why is the sky blue?"}])
    );
    // No context length in the request: the backend's default is still sent.
    assert_eq!(body["options"], json!({"num_ctx": DEFAULT_CONTEXT_LENGTH}));
}

#[tokio::test]
async fn num_ctx_and_sampling_options_are_sent() {
    let server =
        TestServer::start(|_| Reply::ndjson(&[done_line("stop", 10, 0)], End::Complete)).await;
    let mut request = request();
    request.context_length = Some(32768);
    request.options.temperature = Some(0.25);
    request.options.top_p = Some(0.9);
    request.options.top_k = Some(40);
    request.options.seed = Some(42);
    request.options.max_tokens = Some(256);
    request.options.stop = vec!["</answer>".into()];
    request.options.repeat_penalty = Some(1.5);

    let (_, error) = split_error(collect(backend(&server).chat(request)).await);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        server.only_request().json()["options"],
        json!({"num_ctx": 32768, "temperature": 0.25, "top_p": 0.9, "top_k": 40, "seed": 42,
               "num_predict": 256, "stop": ["</answer>"], "repeat_penalty": 1.5})
    );
}

#[tokio::test]
async fn tool_calls_get_ids_and_tool_results_go_back_by_name() {
    let server = TestServer::start(|_| {
        Reply::ndjson(
            &[
                json!({"model": "llama3.2", "message": {"role": "assistant", "content": "",
                    "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}}]},
                    "done": false}),
                json!({"model": "llama3.2", "message": {"role": "assistant", "content": "",
                    "tool_calls": [{"id": "srv-7", "function": {"index": 1, "name": "get_time",
                        "arguments": {}}}]}, "done": false}),
                done_line("stop", 80, 20),
            ],
            End::Complete,
        )
    })
    .await;

    let earlier_call = ToolCall {
        id: "call_0".into(),
        name: "get_weather".into(),
        arguments: json!({"city": "Paris"}),
    };
    let mut assistant = ChatMessage::assistant("");
    assistant.tool_calls.push(earlier_call.clone());
    let mut request = ChatRequest::new(
        "llama3.2",
        vec![
            ChatMessage::user("Weather in Paris, then Tokyo?"),
            assistant,
            ChatMessage::tool_result(&earlier_call, "rainy"),
        ],
    );
    request.tools.push(ToolSpec {
        name: "get_weather".into(),
        description: "The weather in a city".into(),
        parameters: json!({"type": "object", "properties": {"city": {"type": "string"}}}),
    });

    let (events, error) = split_error(collect(backend(&server).chat(request)).await);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        events[0],
        ChatEvent::ToolCall {
            call: ToolCall {
                id: "call_0".into(),
                name: "get_weather".into(),
                arguments: json!({"city": "Tokyo"}),
            }
        }
    );
    assert_eq!(
        events[1],
        ChatEvent::ToolCall {
            call: ToolCall {
                id: "srv-7".into(),
                name: "get_time".into(),
                arguments: json!({}),
            }
        }
    );
    assert!(matches!(events[2], ChatEvent::Usage { .. }));
    assert_eq!(
        events[3],
        ChatEvent::Done {
            reason: DoneReason::ToolCalls
        }
    );

    let body = server.only_request().json();
    assert_eq!(
        body["messages"][1]["tool_calls"],
        json!([{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}])
    );
    assert_eq!(
        body["messages"][2],
        json!({"role": "tool", "content": "rainy", "tool_name": "get_weather"})
    );
    assert_eq!(body["tools"][0]["type"], "function");
    assert_eq!(body["tools"][0]["function"]["name"], "get_weather");
}

#[tokio::test]
async fn a_length_stop_within_the_window_is_length() {
    let server = TestServer::start(|_| {
        Reply::ndjson(
            &[text_line("a"), done_line("length", 100, 50)],
            End::Complete,
        )
    })
    .await;
    let mut request = request();
    request.options.max_tokens = Some(50);
    let (events, error) = split_error(collect(backend(&server).chat(request)).await);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        events.last(),
        Some(&ChatEvent::Done {
            reason: DoneReason::Length
        })
    );
}

#[tokio::test]
async fn lines_split_across_chunks_are_reassembled() {
    let server = TestServer::start(|_| {
        Reply::ndjson_raw(
            &[
                "{\"message\":{\"role\":\"assistant\",\"con",
                "tent\":\"Hel\"},\"done\":false}\n{\"message\":{\"role\":\"assistant\",",
                "\"content\":\"lo\"},\"done\":false}\n",
                "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}",
            ],
            End::Complete,
        )
    })
    .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        events,
        vec![
            ChatEvent::TextDelta { text: "Hel".into() },
            ChatEvent::TextDelta { text: "lo".into() },
            ChatEvent::Done {
                reason: DoneReason::Stop
            },
        ]
    );
}

#[tokio::test]
async fn http_500_reports_the_error_message() {
    let server = TestServer::start(|_| {
        Reply::json(500, json!({"error": "llama runner process has terminated"}))
    })
    .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(events.is_empty());
    match error {
        Some(ModelError::Http {
            backend,
            status,
            message,
        }) => {
            assert_eq!((backend, status), ("ollama", 500));
            assert_eq!(message, "llama runner process has terminated");
        }
        other => panic!("expected HTTP 500, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_model_is_model_not_found() {
    let server =
        TestServer::start(|_| Reply::json(404, json!({"error": "model 'nope' not found"}))).await;
    let mut request = request();
    request.model = "nope".into();
    let (_, error) = split_error(collect(backend(&server).chat(request)).await);
    match error {
        Some(ModelError::ModelNotFound { backend, model }) => {
            assert_eq!((backend, model.as_str()), ("ollama", "nope"));
        }
        other => panic!("expected model not found, got {other:?}"),
    }
}

#[tokio::test]
async fn a_404_that_is_not_about_a_model_stays_http() {
    let server = TestServer::start(|_| Reply::text(404, "404 page not found")).await;
    let (_, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(
        matches!(&error, Some(ModelError::Http { status: 404, message, .. }) if message == "404 page not found"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_malformed_line_is_a_protocol_error_quoting_it() {
    let server = TestServer::start(|_| {
        Reply::ndjson_raw(
            &[
                &format!("{}\n", text_line("ok")),
                "{\"message\": this is not json}\n",
                &format!("{}\n", done_line("stop", 1, 1)),
            ],
            End::Complete,
        )
    })
    .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert_eq!(events, vec![ChatEvent::TextDelta { text: "ok".into() }]);
    match error {
        Some(ModelError::Protocol { message, .. }) => {
            assert!(message.contains("this is not json"), "{message}");
        }
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_line_mid_stream_ends_it_with_the_message() {
    let server = TestServer::start(|_| {
        Reply::ndjson(
            &[text_line("Once"), json!({"error": "an error was encountered while running the model: CUDA out of memory"})],
            End::Complete,
        )
    })
    .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert_eq!(
        events,
        vec![ChatEvent::TextDelta {
            text: "Once".into()
        }]
    );
    match error {
        Some(ModelError::ServerFailed { backend, message }) => {
            assert_eq!(backend, "ollama");
            assert!(message.contains("CUDA out of memory"), "{message}");
        }
        other => panic!("expected a server failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_connection_dropped_mid_stream_is_stream_ended_before_done() {
    let server =
        TestServer::start(|_| Reply::ndjson(&[text_line("The"), text_line(" sky")], End::Drop))
            .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert_eq!(events.len(), 2);
    match error {
        Some(ModelError::Protocol { message, .. }) => {
            assert!(message.starts_with("stream ended before done"), "{message}");
        }
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_that_ends_without_a_done_line_is_an_error_too() {
    let server = TestServer::start(|_| Reply::ndjson(&[text_line("The")], End::Complete)).await;
    let (_, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(
        matches!(&error, Some(ModelError::Protocol { message, .. }) if message == "stream ended before done"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_prompt_that_filled_the_window_is_context_overflow_after_usage() {
    let server = TestServer::start(|_| {
        Reply::ndjson(
            &[text_line("hm"), done_line("stop", 2048, 1)],
            End::Complete,
        )
    })
    .await;
    let mut request = request();
    request.context_length = Some(2048);
    let (events, error) = split_error(collect(backend(&server).chat(request)).await);
    assert!(
        matches!(events.last(), Some(ChatEvent::Usage { .. })),
        "{events:?}"
    );
    match error {
        Some(ModelError::ContextOverflow {
            prompt_tokens,
            context_length,
            ..
        }) => assert_eq!((prompt_tokens, context_length), (2048, 2048)),
        other => panic!("expected a context overflow, got {other:?}"),
    }
}

#[tokio::test]
async fn an_answer_cut_by_a_full_window_is_context_overflow() {
    let server = TestServer::start(|_| {
        Reply::ndjson(
            &[text_line("long"), done_line("length", 1900, 148)],
            End::Complete,
        )
    })
    .await;
    let mut request = request();
    request.context_length = Some(2048);
    let (_, error) = split_error(collect(backend(&server).chat(request)).await);
    assert!(
        matches!(
            error,
            Some(ModelError::ContextOverflow {
                prompt_tokens: 1900,
                context_length: 2048,
                reserved: 148
            })
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_prompt_estimated_over_the_window_is_refused_before_sending() {
    let server =
        TestServer::start(|_| Reply::ndjson(&[done_line("stop", 1, 1)], End::Complete)).await;
    let backend = backend(&server);
    let mut request = ChatRequest::new("llama3.2", vec![ChatMessage::user("word ".repeat(2000))]);
    request.context_length = Some(1024);
    assert!(backend.fits_context(&request).is_err());

    let (_, error) = split_error(collect(backend.chat(request)).await);
    assert!(
        matches!(
            error,
            Some(ModelError::ContextOverflow {
                prompt_tokens: 2504,
                context_length: 1024,
                reserved: 0
            })
        ),
        "{error:?}"
    );
    assert!(server.requests().is_empty(), "nothing is sent");
}

#[tokio::test]
async fn a_refused_connection_is_unreachable_with_the_url() {
    let url = unused_url();
    let backend = OllamaBackend::new(OllamaClient::new(&url).unwrap(), DEFAULT_CONTEXT_LENGTH);
    let (_, error) = split_error(collect(backend.chat(request())).await);
    match error {
        Some(error @ ModelError::Unreachable { .. }) => {
            assert!(error.to_string().contains(&url), "{error}");
            assert!(error.is_retryable());
        }
        other => panic!("expected unreachable, got {other:?}"),
    }
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    let (hung_up, mut hang_ups) = mpsc::unbounded_channel();
    let server = TestServer::start(move |_| Reply::UntilHangUp {
        content_type: "application/x-ndjson",
        pieces: vec![format!("{}\n", text_line("first"))],
        filler: format!("{}\n", text_line(" more")),
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

#[test]
fn the_backend_is_called_ollama() {
    let client = OllamaClient::new("http://127.0.0.1:11434").unwrap();
    assert_eq!(OllamaBackend::new(client, 4096).name(), "ollama");
    assert!(matches!(
        OllamaClient::new("127.0.0.1:11434"),
        Err(ModelError::InvalidRequest(_))
    ));
}

#[tokio::test]
async fn a_busy_ollama_is_asked_again() {
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    let server = TestServer::start(move |_| {
        if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            Reply::WithHeaders {
                status: 503,
                headers: vec!["Retry-After: 0".into()],
                content_type: "application/json",
                body: json!({"error": "server busy, please try again"}).to_string(),
            }
        } else {
            Reply::ndjson(&[text_line("hi"), done_line("stop", 5, 1)], End::Complete)
        }
    })
    .await;
    let (events, error) = split_error(collect(backend(&server).chat(request())).await);
    assert!(error.is_none(), "{error:?}");
    assert!(events.contains(&ChatEvent::TextDelta { text: "hi".into() }));
    assert_eq!(server.requests().len(), 2);
}
