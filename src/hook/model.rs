//! A hook's one question to the model: through the `agent serve` this machine announces (a bare
//! conversation on the server: its backend and loaded model), else through this process's own
//! session as `agent ask` does. Either way the exchange is kept in the history and the call
//! recorded. Whatever goes wrong — no model configured, a server that is down, no answer within
//! `hooks.timeout` — is an [`Unavailable`] with one line saying why, never an error of the hook.

use std::time::Duration;

use agent_core::config::ResolvedConfig;
use agent_core::protocol::{ChatSpec, Event, Op};
use anyhow::{Result, bail};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;

use crate::app::App;
use crate::attach::{self, Server, segment};
use crate::cli::BackendArgs;
use crate::exit::UserError;
use crate::models::front_runtime;
use crate::serve::discovery::Discovery;
use crate::session::FlagModels;

/// The chat id of a hook's question in this process's session.
const HOOK_CHAT: &str = "hook";

/// Why the model gave no answer, in one line for the user.
#[derive(Debug)]
pub struct Unavailable(pub String);

/// Asks the model `prompt` (the conversation is titled `title`); its whole reply.
pub fn ask(
    app: &App,
    resolved: &ResolvedConfig,
    title: &str,
    prompt: String,
) -> Result<String, Unavailable> {
    let hooks = &resolved.config.hooks;
    let timeout = Duration::from_secs(hooks.timeout);
    let runtime = front_runtime().map_err(|error| Unavailable(format!("{error:#}")))?;
    if hooks.attach && Discovery::read(&app.paths.data_dir).is_some() {
        let server = attach::locate(app, "").map_err(|error| Unavailable(format!("{error:#}")))?;
        return runtime.block_on(remote(&server, title, prompt, hooks.model.clone(), timeout));
    }
    local(app, resolved, &runtime, prompt, timeout)
}

/// The question on this process's own session, as a bare chat.
fn local(
    app: &App,
    resolved: &ResolvedConfig,
    runtime: &tokio::runtime::Runtime,
    prompt: String,
    timeout: Duration,
) -> Result<String, Unavailable> {
    let flags = BackendArgs {
        model: resolved.config.hooks.model.clone(),
        ..BackendArgs::default()
    };
    // A hook never offers a download: the commit must not wait on a question.
    let models = FlagModels::non_interactive(app, resolved, &flags);
    let target = models.select(None).map_err(|error| {
        // The command line's hints name flags a hook has none of.
        let hint = if error.downcast_ref::<UserError>().is_some() {
            " (see `agent config show`: model.*, openai.*, hooks.model)"
        } else {
            ""
        };
        Unavailable(format!("{error:#}{hint}"))
    })?;
    let session = crate::session::start(app, resolved, models);
    let mut events = session.subscribe();
    let opened = session
        .submit(Op::OpenChat {
            chat_id: HOOK_CHAT.into(),
            spec: ChatSpec {
                repo: app.repo_root().unwrap_or_else(|| app.cwd.clone()),
                resume: None,
                model: None,
                approval: None,
                bare: true,
                system: None,
                answers_approvals: false,
                no_cache: false,
            },
        })
        .and_then(|_| {
            session.submit(Op::UserTurn {
                chat_id: HOOK_CHAT.into(),
                text: prompt,
            })
        });
    if let Err(error) = opened {
        return Err(Unavailable(agent_core::text::error_chain(&error)));
    }
    let answer = runtime.block_on(async {
        let reply = async {
            let mut text = String::new();
            let mut error = None;
            while let Some(envelope) = events.recv().await {
                if envelope.chat_id.as_deref() != Some(HOOK_CHAT) {
                    continue;
                }
                match envelope.event {
                    Event::ModelDelta { text: piece, .. } => text.push_str(&piece),
                    Event::Error { message, .. } => error = Some(message),
                    Event::TurnEnd { .. } => break,
                    _ => {}
                }
            }
            match error {
                Some(message) => Err(Unavailable(message)),
                None => Ok(text),
            }
        };
        tokio::time::timeout(timeout, reply).await
    });
    let answer = answer.unwrap_or_else(|_| {
        let _ = session.submit(Op::Interrupt {
            chat_id: HOOK_CHAT.into(),
        });
        Err(Unavailable(format!(
            "{} gave no answer within {} s (hooks.timeout)",
            target.model,
            timeout.as_secs()
        )))
    });
    let _ = session.submit(Op::CloseChat {
        chat_id: HOOK_CHAT.into(),
    });
    answer
}

/// The question as a bare conversation on the server.
async fn remote(
    server: &Server,
    title: &str,
    prompt: String,
    model: Option<String>,
    timeout: Duration,
) -> Result<String, Unavailable> {
    #[derive(Deserialize)]
    struct Made {
        id: String,
    }
    let unavailable =
        |error: anyhow::Error| Unavailable(format!("agent serve at {}: {error:#}", server.url()));
    let made: Made = server
        .post("/v1/conversations", &json!({ "title": title }))
        .await
        .map_err(unavailable)?;
    let conversation = segment(&made.id);
    let mut body = json!({ "text": prompt });
    if let Some(model) = model {
        body["model"] = json!(model);
    }
    match tokio::time::timeout(timeout, turn(server, &conversation, &body)).await {
        Ok(answer) => answer.map_err(unavailable),
        Err(_) => {
            let interrupt = format!("/v1/conversations/{conversation}/interrupt");
            let _ = tokio::time::timeout(
                Duration::from_secs(5),
                server.post_unless_conflict(&interrupt),
            )
            .await;
            Err(Unavailable(format!(
                "agent serve at {} gave no answer within {} s (hooks.timeout)",
                server.url(),
                timeout.as_secs()
            )))
        }
    }
}

/// One turn on the server's conversation: the reply's text, or the turn's error.
async fn turn(server: &Server, conversation: &str, body: &serde_json::Value) -> Result<String> {
    let path = format!("/v1/conversations/{conversation}/turns");
    let mut events = attach::envelopes(server.post_stream(&path, body).await?);
    let mut text = String::new();
    while let Some(envelope) = events.next().await {
        match envelope?.event {
            Event::ModelDelta { text: piece, .. } => text.push_str(&piece),
            Event::Error { message, .. } => bail!(message),
            Event::TurnEnd { .. } => return Ok(text),
            _ => {}
        }
    }
    bail!("the server ended the turn before its end")
}
