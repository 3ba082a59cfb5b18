//! The chat session on a thread of its own (its own runtime and database connection), and the
//! messages it sends the screen: the session's progress, approval questions, loaded data.

use std::path::Path;

use agent_core::chat::{ChatOptions, ChatSession};
use agent_core::config::ResolvedConfig;
use agent_core::protocol::{Event, EventEnvelope};
use agent_core::store::Store;
use agent_core::task::{Answer, ApprovalQuestion, Asker, ModelTarget};
use agent_core::tools::ToolSettings;
use agent_core::turn::Limits;
use agent_models::{ChatMessage, Role};
use agent_tui::app::{AppEvent, ChatUpdate, Loaded};
use anyhow::Result;
use tokio::sync::{mpsc, oneshot, watch};

use crate::app::App as Agent;

/// What reaches the event loop from the workers.
pub enum UiMessage {
    Chat(ChatUpdate),
    Task(EventEnvelope),
    Loaded(Loaded),
    /// An approval question and where its answer goes.
    Approval(ApprovalQuestion, oneshot::Sender<Answer>),
    /// An event for the app as it is (a replayed conversation).
    App(AppEvent),
}

/// Requests to the session's thread.
pub enum SessionRequest {
    Send(String, watch::Receiver<bool>),
    NewConversation,
    Resume(String),
    Compact(watch::Receiver<bool>),
    SetModel(ModelTarget),
}

/// The running session: send it requests; its progress arrives as [`UiMessage`]s.
pub struct SessionHandle {
    pub requests: mpsc::UnboundedSender<SessionRequest>,
    /// The conversation shown at start (when resuming), to draw it again.
    pub restored: Vec<ChatMessage>,
}

impl SessionHandle {
    pub fn start(
        agent: &Agent,
        resolved: &ResolvedConfig,
        store: Store,
        model: ModelTarget,
        repo_root: &Path,
        resume: Option<String>,
        ui: mpsc::UnboundedSender<UiMessage>,
    ) -> Result<Self> {
        let sink_ui = ui.clone();
        let sink = Box::new(move |event: &Event| {
            if let Some(update) = chat_update(event) {
                let _ = sink_ui.send(UiMessage::Chat(update));
            }
        });
        let session = ChatSession::start(
            store,
            ChatOptions {
                repo_root: repo_root.to_path_buf(),
                model,
                approval: resolved.config.chat.approval,
                asker: Box::new(ScreenAsker::new(ui.clone())),
                tool_settings: ToolSettings::default(),
                user_prompts_dir: Some(agent.paths.config_dir.join("prompts")),
                limits: Limits {
                    max_turns: resolved.config.task.max_turns,
                    ..Limits::default()
                },
                resume,
                commands: agent.command_policy(&resolved.config),
            },
            sink,
        )?;
        let restored = session.history().to_vec();
        let (requests, receiver) = mpsc::unbounded_channel();
        std::thread::spawn(move || serve(session, receiver, ui));
        Ok(Self { requests, restored })
    }
}

/// The session's thread: one request at a time.
fn serve(
    mut session: ChatSession,
    mut requests: mpsc::UnboundedReceiver<SessionRequest>,
    ui: mpsc::UnboundedSender<UiMessage>,
) {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        let _ = ui.send(UiMessage::Chat(ChatUpdate::Error {
            message: "cannot start the chat session's runtime".into(),
            hint: None,
        }));
        return;
    };
    runtime.block_on(async move {
        while let Some(request) = requests.recv().await {
            match request {
                SessionRequest::Send(prompt, cancel) => {
                    if let Err(error) = session.send(&prompt, cancel).await {
                        let _ = ui.send(UiMessage::Chat(ChatUpdate::Error {
                            message: error.to_string(),
                            hint: error.hint(),
                        }));
                    }
                    let _ = ui.send(UiMessage::Chat(ChatUpdate::TurnDone));
                }
                SessionRequest::NewConversation => session.new_conversation(),
                SessionRequest::Resume(id) => match session.resume(&id) {
                    Ok(history) => {
                        for event in replay(history) {
                            let _ = ui.send(UiMessage::App(event));
                        }
                    }
                    Err(error) => {
                        let _ = ui.send(UiMessage::Chat(ChatUpdate::Error {
                            message: error.to_string(),
                            hint: error.hint(),
                        }));
                    }
                },
                SessionRequest::SetModel(model) => session.set_model(model),
                SessionRequest::Compact(cancel) => {
                    if let Err(error) = session.compact(cancel).await {
                        let _ = ui.send(UiMessage::Chat(ChatUpdate::Error {
                            message: error.to_string(),
                            hint: error.hint(),
                        }));
                    }
                    let _ = ui.send(UiMessage::Chat(ChatUpdate::TurnDone));
                }
            }
        }
    });
}

/// Asks approval questions on the screen (a dialog) and waits for the answer.
pub struct ScreenAsker {
    ui: mpsc::UnboundedSender<UiMessage>,
}

impl ScreenAsker {
    pub fn new(ui: mpsc::UnboundedSender<UiMessage>) -> Self {
        Self { ui }
    }
}

impl Asker for ScreenAsker {
    fn ask<'a>(
        &'a mut self,
        question: &'a ApprovalQuestion,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<Answer>> + Send + 'a>> {
        Box::pin(async move {
            let (answer, wait) = oneshot::channel();
            self.ui
                .send(UiMessage::Approval(question.clone(), answer))
                .ok()?;
            wait.await.ok()
        })
    }
}

/// The screen's view of a session event; approvals come through the asker instead.
pub fn chat_update(event: &Event) -> Option<ChatUpdate> {
    Some(match event {
        Event::ModelBegin { .. } => ChatUpdate::AssistantBegin,
        Event::ModelDelta { text, .. } => ChatUpdate::AssistantDelta(text.clone()),
        Event::ModelEnd {
            prompt_tokens,
            completion_tokens,
            ..
        } => ChatUpdate::AssistantEnd {
            prompt_tokens: u64::from(*prompt_tokens),
            completion_tokens: u64::from(*completion_tokens),
        },
        Event::ToolCallBegin {
            id,
            name,
            arguments,
        } => ChatUpdate::ToolBegin {
            id: id.clone(),
            name: name.clone(),
            arguments: arguments.clone(),
        },
        Event::ToolCallEnd {
            id,
            ok,
            output,
            changed_paths,
            diff,
            ..
        } => ChatUpdate::ToolEnd {
            id: id.clone(),
            ok: *ok,
            // A change shows as its diff under the one-line result.
            output: match diff {
                Some(diff) => format!("{output}\n{diff}"),
                None => output.clone(),
            },
            changed_paths: changed_paths.clone(),
        },
        Event::Error { message, hint } => ChatUpdate::Error {
            message: message.clone(),
            hint: hint.clone(),
        },
        _ => return None,
    })
}

/// A stored conversation as the updates that draw it.
pub fn replay(messages: &[ChatMessage]) -> Vec<AppEvent> {
    let mut events = Vec::new();
    for message in messages {
        match message.role {
            Role::User => events.push(AppEvent::Chat(ChatUpdate::UserMessage(
                message.content.clone(),
            ))),
            Role::Assistant => {
                if !message.content.trim().is_empty() {
                    events.push(AppEvent::Chat(ChatUpdate::AssistantBegin));
                    events.push(AppEvent::Chat(ChatUpdate::AssistantDelta(
                        message.content.clone(),
                    )));
                    events.push(AppEvent::Chat(ChatUpdate::AssistantEnd {
                        prompt_tokens: 0,
                        completion_tokens: 0,
                    }));
                }
                for call in &message.tool_calls {
                    events.push(AppEvent::Chat(ChatUpdate::ToolBegin {
                        id: call.id.clone(),
                        name: call.name.clone(),
                        arguments: call.arguments.clone(),
                    }));
                }
            }
            Role::Tool => events.push(AppEvent::Chat(ChatUpdate::ToolEnd {
                id: message.tool_call_id.clone().unwrap_or_default(),
                ok: !message.content.starts_with("refused"),
                output: message.content.clone(),
                changed_paths: Vec::new(),
            })),
            Role::System => {}
        }
    }
    if !events.is_empty() {
        events.push(AppEvent::Chat(ChatUpdate::TurnDone));
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_shows_its_diff_under_the_result() {
        let end = Event::ToolCallEnd {
            id: "c1".into(),
            name: "edit".into(),
            ok: true,
            output: "edited `calc.py`: line 2 changed".into(),
            changed_paths: vec!["calc.py".into()],
            diff: Some("--- a/calc.py\n+++ b/calc.py\n@@ -2 +2 @@\n-a\n+b\n".into()),
        };
        let Some(ChatUpdate::ToolEnd { output, .. }) = chat_update(&end) else {
            panic!("a tool end");
        };
        assert_eq!(
            output,
            "edited `calc.py`: line 2 changed\n--- a/calc.py\n+++ b/calc.py\n@@ -2 +2 @@\n-a\n+b\n"
        );
    }
}
