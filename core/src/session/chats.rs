//! The chats of a session: each a [`ChatSession`] on a thread of its own, taking one request at
//! a time (turns queue), its events numbered per chat and published to every subscriber.

use std::sync::Arc;

use tokio::sync::{mpsc, watch};

use super::approvals::{Owner, SessionAsker};
use super::hub::ChatStream;
use super::{Shared, lock, thread_runtime};
use crate::chat::{ChatOptions, ChatSession};
use crate::config::Approval;
use crate::error::{Error, Result};
use crate::protocol::{ChatSpec, Event, TurnEndOutcome};
use crate::task::{Answer, Asker, ModelTarget, NoTerminal};
use crate::turn::Limits;

/// What a chat's thread is asked to do.
pub(crate) enum Request {
    Turn(String, watch::Receiver<bool>),
    Compact(watch::Receiver<bool>),
    NewConversation,
    Resume(String),
    SetModel(ModelTarget),
    SetApproval(Approval),
    /// Skip the answer cache (`true`) or use it.
    SetNoCache(bool),
}

/// An open chat: where its requests go, and the cancel switches of its unfinished turns.
pub(crate) struct ChatHandle {
    requests: mpsc::UnboundedSender<Request>,
    turns: Vec<watch::Sender<bool>>,
    /// Whether the chat skips the answer cache (the spec's `no_cache`, then `configure`'s).
    no_cache: bool,
}

/// Opens a chat (resuming a stored conversation if asked) and starts its thread.
pub(crate) fn open(shared: &Arc<Shared>, chat_id: String, spec: ChatSpec) -> Result<()> {
    if lock(&shared.chats).contains_key(&chat_id) {
        return Err(Error::InvalidArgument(format!(
            "a chat `{chat_id}` is already open in this session"
        )));
    }
    let setup = &shared.setup;
    let mut model = setup.models.resolve(spec.model.as_deref())?;
    model.cache.configure(&setup.config.cache, spec.no_cache);
    let no_cache = spec.no_cache;
    let store = shared.open_store()?;
    let stream = Arc::new(ChatStream::new(&chat_id));
    let asker: Box<dyn Asker> = if spec.answers_approvals {
        Box::new(SessionAsker::new(
            shared.approvals.clone(),
            Owner::Chat(chat_id.clone()),
            setup.approval_timeout,
        ))
    } else {
        Box::new(NoTerminal)
    };
    let publisher = shared.clone();
    let sink_stream = stream.clone();
    let sink = Box::new(move |event: &Event| {
        publisher.publish(&sink_stream.envelope(event.clone()));
    });
    let session = ChatSession::start(
        store,
        ChatOptions {
            repo_root: spec.repo,
            model,
            approval: spec.approval.unwrap_or(setup.config.chat.approval),
            asker,
            tool_settings: setup.tool_settings,
            user_prompts_dir: setup.user_prompts_dir.clone(),
            limits: Limits {
                max_turns: setup.config.task.max_turns,
                ..Limits::default()
            },
            resume: spec.resume,
            bare: spec.bare,
            system: spec.system,
            commands: setup.commands.clone(),
            mcp_servers: setup.config.mcp_servers.clone(),
            web: if spec.bare { None } else { setup.web_tools() },
            map: (&setup.config.map).into(),
            gate: crate::task::ModelGate::new(&setup.config, setup.models.fallback()?),
        },
        sink,
    )?;
    if let Some(id) = session.conversation_id() {
        shared.publish(&stream.envelope(Event::ConversationLoaded {
            conversation_id: Some(id.to_string()),
            messages: session.history().to_vec(),
        }));
    }
    let (requests, receiver) = mpsc::unbounded_channel();
    let thread_shared = shared.clone();
    std::thread::Builder::new()
        .name(format!("chat-{chat_id}"))
        .spawn(move || serve(thread_shared, stream, session, receiver))
        .map_err(|source| Error::Io {
            action: "start a thread for the chat in",
            path: setup.database.clone(),
            source,
        })?;
    lock(&shared.chats).insert(
        chat_id,
        ChatHandle {
            requests,
            turns: Vec::new(),
            no_cache,
        },
    );
    Ok(())
}

/// Queues a user message; its turn runs when the chat's earlier requests are done.
pub(crate) fn turn(shared: &Shared, chat_id: &str, text: String) -> Result<()> {
    let (switch, cancel) = watch::channel(false);
    with_chat(shared, chat_id, |chat| {
        chat.turns.retain(|turn| !turn.is_closed());
        chat.turns.push(switch);
        chat.send(Request::Turn(text, cancel))
    })
}

/// Queues a compaction of the chat's conversation (interruptible like a turn).
pub(crate) fn compact(shared: &Shared, chat_id: &str) -> Result<()> {
    let (switch, cancel) = watch::channel(false);
    with_chat(shared, chat_id, |chat| {
        chat.turns.retain(|turn| !turn.is_closed());
        chat.turns.push(switch);
        chat.send(Request::Compact(cancel))
    })
}

/// Stops the chat's running and queued turns; questions waiting for an answer are denied.
pub(crate) fn interrupt(shared: &Shared, chat_id: &str) -> Result<()> {
    with_chat(shared, chat_id, |chat| {
        for turn in chat.turns.drain(..) {
            let _ = turn.send(true);
        }
        Ok(())
    })?;
    shared
        .approvals
        .answer_all(&Owner::Chat(chat_id.to_string()), Answer::No);
    Ok(())
}

/// Changes the chat's model or approval policy for its next turns.
pub(crate) fn configure(
    shared: &Shared,
    chat_id: &str,
    model: Option<String>,
    approval: Option<Approval>,
    no_cache: Option<bool>,
) -> Result<()> {
    let model = model
        .map(|name| shared.setup.models.resolve(Some(&name)))
        .transpose()?;
    with_chat(shared, chat_id, |chat| {
        if let Some(no_cache) = no_cache {
            chat.no_cache = no_cache;
        }
        if let Some(mut model) = model {
            model
                .cache
                .configure(&shared.setup.config.cache, chat.no_cache);
            chat.send(Request::SetModel(model))?;
        } else if let Some(no_cache) = no_cache {
            chat.send(Request::SetNoCache(no_cache))?;
        }
        if let Some(approval) = approval {
            chat.send(Request::SetApproval(approval))?;
        }
        Ok(())
    })
}

/// Passes a request to the chat's thread.
pub(crate) fn send(shared: &Shared, chat_id: &str, request: Request) -> Result<()> {
    with_chat(shared, chat_id, |chat| chat.send(request))
}

/// Closes the chat: its turns are stopped and its thread ends after them.
pub(crate) fn close(shared: &Shared, chat_id: &str) {
    let _ = interrupt(shared, chat_id);
    lock(&shared.chats).remove(chat_id);
}

fn with_chat<T>(
    shared: &Shared,
    chat_id: &str,
    action: impl FnOnce(&mut ChatHandle) -> Result<T>,
) -> Result<T> {
    let mut chats = lock(&shared.chats);
    let chat = chats.get_mut(chat_id).ok_or_else(|| Error::NotFound {
        kind: "chat",
        id: chat_id.to_string(),
    })?;
    action(chat)
}

impl ChatHandle {
    fn send(&self, request: Request) -> Result<()> {
        self.requests
            .send(request)
            .map_err(|_| Error::InvalidArgument("the chat has ended".into()))
    }
}

/// The chat's thread: one request at a time until the chat is closed.
fn serve(
    shared: Arc<Shared>,
    stream: Arc<ChatStream>,
    mut session: ChatSession,
    mut requests: mpsc::UnboundedReceiver<Request>,
) {
    let publish = |event: Event| shared.publish(&stream.envelope(event));
    let Ok(runtime) = thread_runtime() else {
        publish(Event::Error {
            message: "cannot start the chat's runtime".into(),
            hint: None,
            class: None,
        });
        return;
    };
    runtime.block_on(async {
        while let Some(request) = requests.recv().await {
            match request {
                Request::Turn(text, cancel) => {
                    if let Err(error) = session.send(&text, cancel).await {
                        publish(error_event(&error));
                        publish(turn_end(&session, TurnEndOutcome::Failed));
                    }
                }
                Request::Compact(cancel) => {
                    let outcome = match session.compact(cancel).await {
                        Ok(summary) if !summary.is_empty() => TurnEndOutcome::Completed,
                        Ok(_) => TurnEndOutcome::Cancelled,
                        Err(error) => {
                            publish(error_event(&error));
                            TurnEndOutcome::Failed
                        }
                    };
                    publish(turn_end(&session, outcome));
                }
                Request::NewConversation => {
                    session.new_conversation();
                    publish(Event::ConversationLoaded {
                        conversation_id: None,
                        messages: Vec::new(),
                    });
                }
                Request::Resume(id) => match session.resume(&id) {
                    Ok(messages) => {
                        let messages = messages.to_vec();
                        publish(Event::ConversationLoaded {
                            conversation_id: session.conversation_id().map(str::to_string),
                            messages,
                        });
                    }
                    Err(error) => publish(error_event(&error)),
                },
                Request::SetModel(model) => session.set_model(model),
                Request::SetNoCache(no_cache) => {
                    let mut model = session.model().clone();
                    model.cache.configure(&shared.setup.config.cache, no_cache);
                    session.set_model(model);
                }
                Request::SetApproval(approval) => session.set_approval(approval),
            }
        }
    });
}

fn error_event(error: &Error) -> Event {
    Event::Error {
        message: error.to_string(),
        hint: error.hint(),
        class: Some(error.class()),
    }
}

fn turn_end(session: &ChatSession, outcome: TurnEndOutcome) -> Event {
    let (prompt, completion) = session.total_tokens();
    Event::TurnEnd {
        outcome,
        total_prompt_tokens: prompt,
        total_completion_tokens: completion,
    }
}
