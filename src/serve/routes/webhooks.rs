//! `POST /v1/webhooks/github`: GitHub's deliveries, authenticated by their signature (not the
//! bearer token), each delivery id taken once; and `GET /v1/webhooks/github/deliveries`, what
//! became of the latest ones (with the token).
//!
//! Answers: 200 for `ping`; 202 for a delivery taken (acted on in the background, or ignored:
//! the body says which); 401 for a missing or wrong signature (nothing stored, nothing run, one
//! log line); 409 for a delivery id seen before (a replay, or GitHub's "Redeliver"); 400 for a
//! signed request without the event or delivery header or with a malformed known payload; 404
//! while `serve.webhook_secret_file` is unset.

use agent_core::github::webhook::{
    DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, parse_event, verify_signature,
};
use agent_core::store::WebhookDelivery;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use utoipa::ToSchema;

use crate::serve::error::{ApiError, ApiQuery};
use crate::serve::state::SharedState;
use crate::serve::webhooks;

/// What the server made of a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryAnswer {
    /// `X-GitHub-Delivery`.
    pub delivery: String,
    /// `X-GitHub-Event`.
    pub event: String,
    /// `pong: …`, `accepted: …` (work started) or `ignored: …` (and why).
    pub outcome: String,
}

#[utoipa::path(post, path = "/v1/webhooks/github", tag = "webhooks",
    security(()),
    request_body(content = Object, description = "a GitHub webhook payload (application/json), signed in X-Hub-Signature-256"),
    responses((status = 200, body = DeliveryAnswer, description = "ping"),
        (status = 202, body = DeliveryAnswer, description = "taken: acted on in the background, or ignored"),
        (status = 400, body = crate::serve::error::ErrorBody),
        (status = 401, body = crate::serve::error::ErrorBody, description = "no or a wrong signature"),
        (status = 404, body = crate::serve::error::ErrorBody, description = "webhooks are off"),
        (status = 409, body = crate::serve::error::ErrorBody, description = "a delivery id seen before")))]
pub async fn github(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: bytes::Bytes,
) -> Result<(StatusCode, Json<DeliveryAnswer>), ApiError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty())
    };
    let Some(setup) = state.webhooks.clone() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "GitHub webhooks are off on this server",
            Some("set serve.webhook_secret_file to a file holding the webhook's secret, and github.repos".to_string()),
        ));
    };
    let event = header(EVENT_HEADER).unwrap_or("");
    let delivery = header(DELIVERY_HEADER).unwrap_or("");
    if let Err(error) = verify_signature(setup.secret.bytes(), &body, header(SIGNATURE_HEADER)) {
        tracing::warn!(
            event = %printable(event),
            delivery = %printable(delivery),
            %error,
            "refused a webhook delivery"
        );
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            error.to_string(),
            Some("give the webhook on GitHub the secret in serve.webhook_secret_file".to_string()),
        ));
    }
    if event.is_empty() || !is_token(event) {
        return Err(ApiError::bad_request(
            "the request has no valid X-GitHub-Event header",
        ));
    }
    if delivery.is_empty() || !is_token(delivery) {
        return Err(ApiError::bad_request(
            "the request has no valid X-GitHub-Delivery header",
        ));
    }
    crate::serve::routes::tasks::refuse_when_stopping(&state)?;
    let parsed =
        parse_event(event, &body).map_err(|error| ApiError::bad_request(error.to_string()))?;
    let repo = parsed.repo().map(ToString::to_string);
    let (id, name) = (delivery.to_string(), event.to_string());
    let taken = state
        .stores
        .run(move |store| Ok(store.take_webhook_delivery(&id, &name, repo.as_deref())?))
        .await?;
    if !taken {
        tracing::warn!(%delivery, %event, "refused a webhook delivery seen before");
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("delivery {delivery} was taken before"),
            Some("each delivery is acted on once; a redelivery of it is refused".to_string()),
        ));
    }
    let taken = webhooks::dispatch(&state, &setup, parsed);
    tracing::info!(%delivery, %event, outcome = %taken.outcome, "webhook delivery");
    // The first outcome is recorded before the work starts, so the work's own comes after it.
    webhooks::record(&state, delivery, taken.outcome.clone()).await;
    if let Some(work) = taken.work {
        webhooks::spawn_recorded(&state, delivery, work);
    }
    let status = if taken.pong {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((
        status,
        Json(DeliveryAnswer {
            delivery: delivery.to_string(),
            event: event.to_string(),
            outcome: taken.outcome,
        }),
    ))
}

/// GitHub's event names and delivery ids: letters, digits, `-`, `_`, `.`, at most 100.
fn is_token(text: &str) -> bool {
    text.len() <= 100
        && text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// A header value for a log line: what an unauthenticated caller sent, cut and cleaned.
fn printable(text: &str) -> String {
    text.chars()
        .take(100)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeliveriesParams {
    /// At most this many (1–500) [default: 50].
    pub limit: Option<usize>,
}

/// The latest deliveries.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deliveries {
    #[schema(value_type = Vec<Object>)]
    pub deliveries: Vec<WebhookDelivery>,
}

#[utoipa::path(get, path = "/v1/webhooks/github/deliveries", tag = "webhooks",
    params(DeliveriesParams),
    responses((status = 200, body = Deliveries)))]
pub async fn deliveries(
    State(state): State<SharedState>,
    ApiQuery(params): ApiQuery<DeliveriesParams>,
) -> Result<Json<Deliveries>, ApiError> {
    let limit = params.limit.unwrap_or(50).clamp(1, 500);
    let deliveries = state
        .stores
        .run(move |store| Ok(store.webhook_deliveries(limit)?))
        .await?;
    Ok(Json(Deliveries { deliveries }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_tokens_are_short_and_plain() {
        assert!(is_token("issue_comment"));
        assert!(is_token("72d3162e-cc78-11e3-81ab-4c9367dc0958"));
        assert!(!is_token("a b"));
        assert!(!is_token("x\ny"));
        assert!(!is_token(&"a".repeat(101)));
        assert_eq!(printable("a\nb\u{7f}é"), "a?b??");
    }
}
