//! Pages embedded in the binary: the dashboard (`/`), the OpenAPI document (`/openapi.json`)
//! and a readable rendering of it (`/docs`), written here so nothing is fetched from elsewhere.

use std::fmt::Write;

use axum::Json;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, ParameterIn};

use super::routes::ApiDoc;

/// The dashboard: one page whose script calls the API with the token it is given.
const DASHBOARD: &str = include_str!("page/index.html");

/// What the pages may load and run: only their own inline script and style, and requests to
/// this server. A script injected through data (a task title) would have nowhere to send it.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; \
    style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

pub async fn index() -> impl IntoResponse {
    (
        [
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::X_FRAME_OPTIONS, "DENY"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Html(DASHBOARD),
    )
}

/// Browsers ask for an icon on their own; there is none (the page carries its own inline).
pub async fn favicon() -> axum::http::StatusCode {
    axum::http::StatusCode::NO_CONTENT
}

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub async fn docs() -> impl IntoResponse {
    (
        [(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)],
        Html(render_docs(&ApiDoc::openapi())),
    )
}

/// The OpenAPI document as a page: each route with its parameters, body and answers.
fn render_docs(doc: &utoipa::openapi::OpenApi) -> String {
    let mut page = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>agent API</title>\
         <style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}\
         code{background:#f2f2f2;padding:0 .25rem}h2{margin-top:2rem;font-size:1.05rem}\
         .m{display:inline-block;min-width:4rem;font-weight:bold}</style></head><body>",
    );
    let _ = write!(
        page,
        "<h1>{}</h1><p>{}</p><p>The machine-readable document: <a href=\"/openapi.json\">/openapi.json</a>.</p>",
        escape(&doc.info.title),
        escape(doc.info.description.as_deref().unwrap_or_default())
    );
    for (path, item) in &doc.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("DELETE", &item.delete),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation {
                render_operation(&mut page, method, path, operation);
            }
        }
    }
    page.push_str("</body></html>");
    page
}

fn render_operation(page: &mut String, method: &str, path: &str, operation: &Operation) {
    let _ = write!(
        page,
        "<h2><span class=\"m\">{method}</span><code>{}</code></h2>",
        escape(path)
    );
    if let Some(description) = operation
        .description
        .as_deref()
        .or(operation.summary.as_deref())
    {
        let _ = write!(page, "<p>{}</p>", escape(description));
    }
    if let Some(parameters) = &operation.parameters {
        page.push_str("<ul>");
        for parameter in parameters {
            let place = match parameter.parameter_in {
                ParameterIn::Path => "path",
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            let _ = write!(
                page,
                "<li><code>{}</code> ({place}) {}</li>",
                escape(&parameter.name),
                escape(parameter.description.as_deref().unwrap_or_default())
            );
        }
        page.push_str("</ul>");
    }
    if operation.request_body.is_some() {
        page.push_str("<p>Body: JSON, see the schema in /openapi.json.</p>");
    }
    page.push_str("<p>Answers: ");
    let answers: Vec<String> = operation
        .responses
        .responses
        .keys()
        .map(|status| escape(status))
        .collect();
    page.push_str(&answers.join(", "));
    page.push_str("</p>");
}

/// Text made safe to put into HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docs_page_lists_every_route_of_the_document() {
        let doc = ApiDoc::openapi();
        let page = render_docs(&doc);
        for path in doc.paths.paths.keys() {
            assert!(page.contains(&escape(path)), "{path} missing");
        }
        assert!(page.contains("/v1/tasks/{id}/events"));
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
