//! `agent auth`: store a GitHub token in the OS keyring (or the 0600 credentials file where
//! there is no keyring), say where the token in use comes from, and remove a stored one.

use std::io::{IsTerminal, Read};

use agent_core::github::{GitHub, host_of_api_url, store_account, token_variables};
use agent_models::openai::secret_stores;
use anyhow::{Context, Result};

use crate::app::App;
use crate::cli::AuthCommand;
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};

pub fn run(app: &App, command: AuthCommand) -> Result<Exit> {
    match command {
        AuthCommand::Github { with_token } => store_token(app, with_token),
        AuthCommand::Status { json } => status(app, json),
        AuthCommand::Logout => logout(app),
    }
}

fn store_token(app: &App, with_token: bool) -> Result<Exit> {
    let api_url = crate::github::api_url(app, &app.cwd)?;
    let host = host_of_api_url(&api_url);
    let token = if with_token || !std::io::stdin().is_terminal() {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the token from stdin")?;
        text
    } else {
        note(&format!(
            "Paste a GitHub token for {host} (fine-grained: contents, pull requests, issues, actions: read/write). Input is hidden."
        ));
        read_hidden_line()?
    };
    let token = token.trim();
    if token.is_empty() || token.contains(char::is_whitespace) {
        return Err(UserError::usage(
            "no token given (or it has spaces)",
            "echo \"$TOKEN\" | agent auth github --with-token",
        )
        .into());
    }
    // Check it before keeping it: a mistyped token should fail now, not in the middle of a task.
    let github = GitHub::new(
        &api_url,
        Some(agent_core::github::ResolvedToken {
            token: agent_core::github::GitHubToken::new(token),
            source: agent_core::github::TokenSource::Store {
                store: "the token just given".into(),
            },
        }),
    )?;
    let runtime = crate::models::runtime()?;
    let login: serde_json::Value = runtime.block_on(github.get("user"))?;
    let login = login["login"].as_str().unwrap_or("?").to_string();
    let stores = secret_stores(&app.paths.config_dir);
    let mut last_error = None;
    for store in &stores {
        match store.set(&store_account(&host), token) {
            Ok(()) => {
                note(&format!(
                    "Signed in to {host} as {login}; the token is in the {}.",
                    store.name()
                ));
                return Ok(Exit::Ok);
            }
            Err(error) => last_error = Some(error),
        }
    }
    Err(match last_error {
        Some(error) => anyhow::Error::new(error).context("cannot store the token"),
        None => anyhow::anyhow!("no place to store the token"),
    })
}

/// Reads one line from the terminal without echoing it.
fn read_hidden_line() -> Result<String> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    crossterm::terminal::enable_raw_mode().context("cannot use the terminal")?;
    let mut line = String::new();
    let result = loop {
        match read() {
            Ok(Event::Key(key)) if key.kind == KeyEventKind::Press => match key.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(anyhow::anyhow!("cancelled"));
                }
                KeyCode::Char(c) => line.push(c),
                KeyCode::Backspace => {
                    line.pop();
                }
                _ => {}
            },
            Ok(Event::Paste(text)) => line.push_str(&text),
            Ok(_) => {}
            Err(error) => break Err(error.into()),
        }
    };
    let _ = crossterm::terminal::disable_raw_mode();
    note("");
    result.map(|()| line)
}

#[derive(serde::Serialize)]
struct Status {
    host: String,
    api_url: String,
    /// Where the token comes from; `None` when there is none.
    source: Option<agent_core::github::TokenSource>,
    /// The variables read, in order.
    variables: Vec<&'static str>,
}

fn status(app: &App, json: bool) -> Result<Exit> {
    let api_url = crate::github::api_url(app, &app.cwd)?;
    let host = host_of_api_url(&api_url);
    let found = crate::github::token(app, &api_url)?;
    let status = Status {
        host: host.clone(),
        api_url,
        source: found.map(|token| token.source),
        variables: token_variables(&host).to_vec(),
    };
    if json {
        print_json(&status)?;
    } else {
        match &status.source {
            Some(source) => print(&format!("github: {host}: token from {source}\n"))?,
            None => print(&format!(
                "github: {host}: no token (looked in {}, agent's secret stores and gh's config); `agent auth github` stores one\n",
                status.variables.join(", ")
            ))?,
        }
    }
    Ok(if status.source.is_some() {
        Exit::Ok
    } else {
        Exit::NotFound
    })
}

fn logout(app: &App) -> Result<Exit> {
    let api_url = crate::github::api_url(app, &app.cwd)?;
    let host = host_of_api_url(&api_url);
    let mut removed = Vec::new();
    for store in secret_stores(&app.paths.config_dir) {
        if store.delete(&store_account(&host))? {
            removed.push(store.name());
        }
    }
    if removed.is_empty() {
        note(&format!("No token for {host} was stored by agent."));
    } else {
        note(&format!(
            "Removed the token for {host} from the {}.",
            removed.join(" and ")
        ));
    }
    Ok(Exit::Ok)
}
