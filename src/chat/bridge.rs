//! What reaches the chat's event loop from elsewhere: the core session's events (of the chat and
//! of tasks started from it) and data loaded for the screen, each turned into an `AppEvent`.

use agent_core::protocol::{Event, EventEnvelope};
use agent_core::session::Session;
use agent_tui::app::{AppEvent, Loaded};
use tokio::sync::mpsc;

/// What reaches the event loop from the workers.
pub enum UiMessage {
    /// An event of the session: the chat's, or a task's.
    Core(EventEnvelope),
    /// An event of the chat made by this front (`--attach`: a conversation loaded, a turn
    /// ended by a lost stream).
    Chat(Event),
    Loaded(Loaded),
}

impl UiMessage {
    /// The app's view of the message: chat events by themselves, task events with their
    /// envelope (the tasks view keys them by task).
    pub fn into_app_event(self) -> AppEvent {
        match self {
            UiMessage::Core(envelope) if envelope.chat_id.is_some() => {
                AppEvent::Chat(envelope.event)
            }
            UiMessage::Core(envelope) => AppEvent::Task(envelope),
            UiMessage::Chat(event) => AppEvent::Chat(event),
            UiMessage::Loaded(loaded) => AppEvent::Loaded(loaded),
        }
    }
}

/// What is left of the budgets, read again after each turn of the chat.
pub type BudgetLeft = Box<dyn Fn() -> Option<String> + Send>;

/// Forwards every event of `session` to the event loop until either side goes away; after each
/// turn of the chat, what is left of the budgets too.
pub fn forward_events(
    session: &Session,
    ui: mpsc::UnboundedSender<UiMessage>,
    budget_left: BudgetLeft,
) {
    let mut events = session.subscribe();
    tokio::spawn(async move {
        while let Some(envelope) = events.recv().await {
            let turn_ended =
                envelope.chat_id.is_some() && matches!(envelope.event, Event::TurnEnd { .. });
            if ui.send(UiMessage::Core(envelope)).is_err() {
                return;
            }
            if turn_ended {
                // One small query on the store: a few milliseconds, once a turn.
                let left = budget_left();
                if ui.send(UiMessage::Loaded(Loaded::Budget(left))).is_err() {
                    return;
                }
            }
        }
    });
}
