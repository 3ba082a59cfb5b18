//! `--attach`: the CLI as a client of a running `agent serve`. Finds the server (the one this
//! machine announces, or a URL) and its token, and speaks the API: JSON requests whose errors
//! become the CLI's errors (`client.rs`) and event streams that resume after a drop (`sse.rs`).

mod client;
mod sse;

use anyhow::Result;

use crate::app::App;
use crate::exit::{Exit, UserError};
use crate::serve::discovery::Discovery;

pub use client::{Server, segment};
pub use sse::{EventStream, envelopes};

/// The server of `--attach URL`, or of `--attach` alone (`url` empty): the one announced in the
/// data directory. The token is `AGENT_SERVE_TOKEN`, else the announced (or default) token file.
pub fn locate(app: &App, url: &str) -> Result<Server> {
    let announced = Discovery::read(&app.paths.data_dir);
    let (url, token_file) = if url.is_empty() {
        let Some(found) = announced else {
            return Err(UserError {
                message: "no agent serve is running on this machine".to_string(),
                hint: Some(
                    "start one with `agent serve`, or name one: --attach http://HOST:PORT"
                        .to_string(),
                ),
                exit: Exit::Failure,
            }
            .into());
        };
        (found.url, found.token_file)
    } else {
        (url.to_string(), crate::serve::local_token_file(app))
    };
    let token = match app
        .env
        .get(agent_core::env::AGENT_SERVE_TOKEN)
        .map(str::trim)
        .filter(|token| !token.is_empty())
    {
        Some(token) => Token {
            secret: Some(token.to_string()),
            source: "AGENT_SERVE_TOKEN".to_string(),
        },
        // An unreadable file is said when the server asks for the token (an address where no
        // server answers is said first).
        None => Token {
            secret: std::fs::read_to_string(&token_file)
                .ok()
                .map(|text| text.trim().to_string())
                .filter(|text| !text.is_empty()),
            source: token_file.display().to_string(),
        },
    };
    Server::new(url, token)
}

/// The bearer token, and where it came from (for the hint when the server refuses it).
#[derive(Clone)]
pub struct Token {
    /// None when the token file cannot be read.
    secret: Option<String>,
    /// `AGENT_SERVE_TOKEN` or the token file's path.
    source: String,
}

/// Refuses flags that only mean something to a local run: the server's backend runs the models.
pub fn refuse_backend_flags(backend: &crate::cli::BackendArgs) -> Result<()> {
    let given = [
        ("--backend", backend.backend.is_some()),
        ("--base-url", backend.base_url.is_some()),
        ("--temperature", backend.temperature.is_some()),
        ("--max-tokens", backend.max_tokens.is_some()),
        ("--context", backend.context.is_some()),
        ("--seed", backend.seed.is_some()),
    ];
    if let Some((flag, _)) = given.iter().find(|(_, set)| *set) {
        return Err(UserError::usage(
            format!("{flag} cannot be used with --attach: the server's backend runs the models"),
            "leave it out (the server's configuration and `agent serve --backend …` choose the backend), or run without --attach",
        )
        .into());
    }
    Ok(())
}
