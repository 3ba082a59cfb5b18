//! Ollama's management calls (tags, show, delete, ps, version, pull) against a local server that
//! replays the documented replies.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;

use agent_models::ModelError;
use agent_models::ollama::{OllamaClient, PullProgress, PullStream};
use support::{End, Reply, TestServer, unused_url};

#[allow(clippy::unwrap_used)]
fn client(server: &TestServer) -> OllamaClient {
    OllamaClient::new(&server.url).unwrap()
}

#[allow(clippy::unwrap_used)]
async fn collect_pull(stream: PullStream) -> Vec<Result<PullProgress, ModelError>> {
    tokio::time::timeout(Duration::from_secs(10), stream.collect::<Vec<_>>())
        .await
        .unwrap()
}

#[tokio::test]
async fn list_reads_the_installed_models() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!({"models": [{"name": "llama3.2:latest", "model": "llama3.2:latest",
                "modified_at": "2026-01-02T03:04:05Z", "size": 2019393189u64,
                "digest": "a80c4f17acd5", "details": {"parent_model": "", "format": "gguf",
                "family": "llama", "families": ["llama"], "parameter_size": "3.2B",
                "quantization_level": "Q4_K_M"}},
                {"name": "bare:1b", "size": 1, "digest": "d", "modified_at": "m", "details": {}}]}),
        )
    })
    .await;
    let models = client(&server).list().await.unwrap();
    assert_eq!(models.len(), 2);
    let first = &models[0];
    assert_eq!(first.name, "llama3.2:latest");
    assert_eq!(first.size, 2_019_393_189);
    assert_eq!(first.digest, "a80c4f17acd5");
    assert_eq!(first.modified_at, "2026-01-02T03:04:05Z");
    assert_eq!(first.family.as_deref(), Some("llama"));
    assert_eq!(first.parameter_size.as_deref(), Some("3.2B"));
    assert_eq!(first.quantization_level.as_deref(), Some("Q4_K_M"));
    assert_eq!(models[1].family, None);

    let sent = server.only_request();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("GET", "/api/tags")
    );
}

#[tokio::test]
async fn show_reads_the_context_length_of_the_architecture_and_the_capabilities() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!({"modelfile": "FROM x", "parameters": "", "template": "{{ .Prompt }}",
                "details": {"format": "gguf", "family": "qwen2", "parameter_size": "7.6B",
                    "quantization_level": "Q4_K_M"},
                "model_info": {"general.architecture": "qwen2", "general.parameter_count": 7615616512u64,
                    "qwen2.context_length": 32768, "qwen2.embedding_length": 3584,
                    "qwen2.block_count": 28, "qwen2.attention.head_count": 28,
                    "qwen2.attention.head_count_kv": 4},
                "capabilities": ["completion", "tools"]}),
        )
    })
    .await;
    let info = client(&server).show("qwen2.5-coder:7b").await.unwrap();
    assert_eq!(info.name, "qwen2.5-coder:7b");
    assert_eq!(info.architecture.as_deref(), Some("qwen2"));
    assert_eq!(info.context_length, Some(32768));
    assert_eq!(info.family.as_deref(), Some("qwen2"));
    assert_eq!(info.parameter_size.as_deref(), Some("7.6B"));
    assert_eq!(info.quantization_level.as_deref(), Some("Q4_K_M"));
    assert!(info.supports_tools());
    // f16 keys and values: 2 × 28 layers × 4 KV heads × (3584 / 28) dims × 2 bytes.
    assert_eq!(info.kv_bytes_per_token, Some(57_344));

    let sent = server.only_request();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("POST", "/api/show")
    );
    assert_eq!(sent.json(), json!({"model": "qwen2.5-coder:7b"}));
}

#[tokio::test]
async fn show_of_an_old_server_has_no_capabilities() {
    let server = TestServer::start(|_| {
        Reply::json(
            200,
            json!({"details": {}, "model_info": {"llama.context_length": 8192}}),
        )
    })
    .await;
    let info = client(&server).show("old").await.unwrap();
    assert_eq!(info.context_length, Some(8192));
    assert!(info.capabilities.is_empty());
    assert!(!info.supports_tools());
    assert!(info.can_complete());
    assert_eq!(info.kv_bytes_per_token, None);
}

#[tokio::test]
async fn show_and_delete_of_an_unknown_model_are_model_not_found() {
    let server =
        TestServer::start(|_| Reply::json(404, json!({"error": "model 'ghost' not found"}))).await;
    let client = client(&server);
    assert!(matches!(
        client.show("ghost").await,
        Err(ModelError::ModelNotFound { model, .. }) if model == "ghost"
    ));
    assert!(matches!(
        client.delete("ghost").await,
        Err(ModelError::ModelNotFound { model, .. }) if model == "ghost"
    ));
}

#[tokio::test]
async fn delete_sends_the_model_in_a_delete_body() {
    let server = TestServer::start(|_| Reply::text(200, "")).await;
    client(&server).delete("llama3:13b").await.unwrap();
    let sent = server.only_request();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("DELETE", "/api/delete")
    );
    assert_eq!(sent.json(), json!({"model": "llama3:13b"}));
}

#[tokio::test]
async fn version_and_running_models() {
    let server = TestServer::start(|request| match request.path.as_str() {
        "/api/version" => Reply::json(200, json!({"version": "0.5.1"})),
        "/api/ps" => Reply::json(
            200,
            json!({"models": [{"name": "llama3.2:latest", "model": "llama3.2:latest",
                "size": 5137025024u64, "digest": "a80c", "details": {"family": "llama"},
                "expires_at": "2026-01-02T03:09:05Z", "size_vram": 5137025024u64,
                "context_length": 8192}]}),
        ),
        _ => Reply::text(404, "404 page not found"),
    })
    .await;
    let client = client(&server);
    assert_eq!(client.version().await.unwrap(), "0.5.1");
    let running = client.running().await.unwrap();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0].name, "llama3.2:latest");
    assert_eq!(running[0].size, 5_137_025_024);
    assert_eq!(running[0].size_vram, 5_137_025_024);
    assert_eq!(
        running[0].expires_at.as_deref(),
        Some("2026-01-02T03:09:05Z")
    );
    assert_eq!(running[0].context_length, Some(8192));
}

#[tokio::test]
async fn a_reply_that_is_not_the_documented_json_is_a_protocol_error() {
    let server = TestServer::start(|_| Reply::text(200, "<html>proxy login</html>")).await;
    match client(&server).version().await {
        Err(ModelError::Protocol { message, .. }) => {
            assert!(message.contains("proxy login"), "{message}");
        }
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[tokio::test]
async fn management_calls_to_a_stopped_server_are_unreachable() {
    let client = OllamaClient::new(&unused_url()).unwrap();
    assert!(matches!(
        client.list().await,
        Err(ModelError::Unreachable {
            backend: "ollama",
            ..
        })
    ));
}

#[tokio::test]
async fn pull_reports_progress_until_success() {
    let server = TestServer::start(|_| {
        Reply::ndjson(
            &[
                json!({"status": "pulling manifest"}),
                json!({"status": "pulling 6a0746a1ec1a", "digest": "sha256:6a0746a1ec1a",
                       "total": 2142590208u64}),
                json!({"status": "pulling 6a0746a1ec1a", "digest": "sha256:6a0746a1ec1a",
                       "total": 2142590208u64, "completed": 241970}),
                json!({"status": "verifying sha256 digest"}),
                json!({"status": "writing manifest"}),
                json!({"status": "removing any unused layers"}),
                json!({"status": "success"}),
            ],
            End::Complete,
        )
    })
    .await;
    let items = collect_pull(client(&server).pull("llama3.2")).await;
    let progress: Vec<PullProgress> = items.into_iter().map(Result::unwrap).collect();
    assert_eq!(progress.len(), 7);
    assert_eq!(progress[0].status, "pulling manifest");
    assert_eq!(progress[1].digest.as_deref(), Some("sha256:6a0746a1ec1a"));
    assert_eq!(progress[1].total, Some(2_142_590_208));
    assert_eq!(progress[1].completed, None);
    assert_eq!(progress[2].completed, Some(241_970));
    assert!(progress[6].is_success());
    assert!(progress[..6].iter().all(|p| !p.is_success()));

    let sent = server.only_request();
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("POST", "/api/pull")
    );
    assert_eq!(sent.json(), json!({"model": "llama3.2", "stream": true}));
}

#[tokio::test]
async fn a_pull_of_a_model_the_registry_lacks_is_model_not_found() {
    let server = TestServer::start(|_| {
        Reply::ndjson(
            &[
                json!({"status": "pulling manifest"}),
                json!({"error": "pull model manifest: file does not exist"}),
            ],
            End::Complete,
        )
    })
    .await;
    let items = collect_pull(client(&server).pull("no-such-model")).await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert!(matches!(
        &items[1],
        Err(ModelError::ModelNotFound { model, .. }) if model == "no-such-model"
    ));
}

#[tokio::test]
async fn a_pull_that_fails_mid_way_ends_with_the_server_message() {
    let server = TestServer::start(|_| {
        Reply::ndjson(
            &[
                json!({"status": "pulling manifest"}),
                json!({"error": "max retries exceeded: unexpected EOF"}),
            ],
            End::Complete,
        )
    })
    .await;
    let items = collect_pull(client(&server).pull("llama3.2")).await;
    assert!(matches!(
        items.last(),
        Some(Err(ModelError::ServerFailed { message, .. })) if message.contains("unexpected EOF")
    ));
}

#[tokio::test]
async fn a_pull_whose_connection_drops_is_stream_ended_before_success() {
    let server =
        TestServer::start(|_| Reply::ndjson(&[json!({"status": "pulling manifest"})], End::Drop))
            .await;
    let items = collect_pull(client(&server).pull("llama3.2")).await;
    assert_eq!(items.len(), 2);
    assert!(matches!(
        &items[1],
        Err(ModelError::Protocol { message, .. }) if message.starts_with("stream ended before success")
    ));
}
