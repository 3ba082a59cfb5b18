//! [`OllamaClient`]: the connection to one Ollama server and its management calls (installed
//! models, model details, running models, delete, version).

use serde::de::DeserializeOwned;

use super::BACKEND;
use super::types::{LocalModel, ModelInfo, RunningModel};
use super::wire::{PsReply, ShowReply, TagsReply, VersionReply};
use crate::error::{ModelError, Result};
use crate::http;

/// A client of one Ollama server. Cheap to clone; clones share connections.
#[derive(Debug, Clone)]
pub struct OllamaClient {
    http: reqwest::Client,
    base_url: String,
}

impl OllamaClient {
    /// A client of the server at `base_url` (see [`super::base_url_from_host`] for
    /// `OLLAMA_HOST`). Fails only on a URL that is not http(s).
    pub fn new(base_url: &str) -> Result<Self> {
        Self::with_http_client(base_url, http::build_client()?)
    }

    /// A client that sends through `http` (to share a connection pool or set proxies).
    pub fn with_http_client(base_url: &str, http: reqwest::Client) -> Result<Self> {
        Ok(Self {
            http,
            base_url: http::normalize_base_url(BACKEND, base_url)?,
        })
    }

    /// The server's base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server's version (`GET /api/version`), e.g. `0.5.1`.
    pub async fn version(&self) -> Result<String> {
        let reply: VersionReply = self.get_json("/api/version").await?;
        Ok(reply.version)
    }

    /// The installed models (`GET /api/tags`).
    pub async fn list(&self) -> Result<Vec<LocalModel>> {
        let reply: TagsReply = self.get_json("/api/tags").await?;
        Ok(reply
            .models
            .into_iter()
            .map(|model| LocalModel {
                name: model.name,
                size: model.size,
                digest: model.digest,
                modified_at: model.modified_at,
                family: model.details.family,
                parameter_size: model.details.parameter_size,
                quantization_level: model.details.quantization_level,
            })
            .collect())
    }

    /// Details of the model `name` (`POST /api/show`): trained context length, family, size,
    /// quantisation and capabilities. An unknown model is [`ModelError::ModelNotFound`].
    pub async fn show(&self, name: &str) -> Result<ModelInfo> {
        let request = self
            .http
            .post(self.url("/api/show"))
            .json(&serde_json::json!({ "model": name }));
        let response = self.send(request, Some(name)).await?;
        let reply: ShowReply = read_json(response).await?;
        let architecture = reply
            .model_info
            .get("general.architecture")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        let context_length = architecture
            .as_ref()
            .and_then(|arch| reply.model_info.get(&format!("{arch}.context_length")))
            .or_else(|| {
                // No architecture key: any `<arch>.context_length` will do.
                reply
                    .model_info
                    .iter()
                    .find(|(key, _)| key.ends_with(".context_length"))
                    .map(|(_, value)| value)
            })
            .and_then(serde_json::Value::as_u64)
            .map(saturating_u32);
        let kv_bytes_per_token = architecture
            .as_deref()
            .and_then(|arch| kv_bytes_per_token(&reply.model_info, arch));
        Ok(ModelInfo {
            name: name.to_owned(),
            architecture,
            context_length,
            family: reply.details.family,
            parameter_size: reply.details.parameter_size,
            quantization_level: reply.details.quantization_level,
            capabilities: reply.capabilities,
            kv_bytes_per_token,
        })
    }

    /// The models loaded in memory now (`GET /api/ps`).
    pub async fn running(&self) -> Result<Vec<RunningModel>> {
        let reply: PsReply = self.get_json("/api/ps").await?;
        Ok(reply
            .models
            .into_iter()
            .map(|model| RunningModel {
                name: model.name,
                size: model.size,
                size_vram: model.size_vram,
                digest: model.digest,
                expires_at: model.expires_at,
                context_length: model.context_length.map(saturating_u32),
            })
            .collect())
    }

    /// Deletes the model `name` (`DELETE /api/delete`). An unknown model is
    /// [`ModelError::ModelNotFound`].
    pub async fn delete(&self, name: &str) -> Result<()> {
        let request = self
            .http
            .delete(self.url("/api/delete"))
            .json(&serde_json::json!({ "model": name }));
        self.send(request, Some(name)).await?;
        Ok(())
    }

    /// The full URL of an endpoint path such as `/api/chat`.
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub(super) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Sends `request`; a failure to connect is [`ModelError::Unreachable`] naming the base URL,
    /// a non-2xx status the server's error (`model` names the model a 404 is about).
    pub(super) async fn send(
        &self,
        request: reqwest::RequestBuilder,
        model: Option<&str>,
    ) -> Result<reqwest::Response> {
        let response = http::send_patiently(request)
            .await
            .map_err(|error| http::send_error(BACKEND, &self.base_url, error))?;
        if !response.status().is_success() {
            return Err(http::status_error(BACKEND, response, model).await);
        }
        Ok(response)
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let response = self.send(self.http.get(self.url(path)), None).await?;
        read_json(response).await
    }
}

/// The whole body of `response` as `T`; a body that is not is [`ModelError::Protocol`].
async fn read_json<T: DeserializeOwned>(response: reqwest::Response) -> Result<T> {
    let body = response
        .bytes()
        .await
        .map_err(|error| ModelError::Protocol {
            backend: BACKEND,
            message: format!("cannot read the reply: {error}"),
        })?;
    serde_json::from_slice(&body).map_err(|error| ModelError::Protocol {
        backend: BACKEND,
        message: format!(
            "unexpected reply ({error}): {}",
            http::excerpt(&String::from_utf8_lossy(&body))
        ),
    })
}

pub(super) fn saturating_u32(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// Bytes of Ollama's f16 KV cache per token, from `/api/show`'s `model_info`.
fn kv_bytes_per_token(
    info: &std::collections::BTreeMap<String, serde_json::Value>,
    arch: &str,
) -> Option<u64> {
    let number = |key: &str| {
        info.get(&format!("{arch}.{key}"))
            .and_then(serde_json::Value::as_u64)
            .map(saturating_u32)
    };
    let layers = number("block_count")?;
    let heads = number("attention.head_count")?;
    let kv_heads = number("attention.head_count_kv").unwrap_or(heads);
    let head_dim = match number("attention.key_length") {
        Some(length) => length,
        None => number("embedding_length")?.checked_div(heads)?,
    };
    Some(crate::fit::kv_bytes_per_token(
        layers,
        kv_heads,
        head_dim,
        crate::fit::F16_BYTES,
    ))
}
