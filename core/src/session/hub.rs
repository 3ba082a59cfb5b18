//! The session's event fan-out: every event of every task and chat reaches every subscriber, in
//! the order it was emitted, and a subscriber that went away costs nothing.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use tokio::sync::mpsc;

use crate::protocol::{Event, EventEnvelope, SCHEMA_VERSION};

/// A subscriber's end of the event stream.
pub type EventReceiver = mpsc::UnboundedReceiver<EventEnvelope>;

/// Hands each published envelope to every live subscriber.
#[derive(Default)]
pub(crate) struct Hub {
    subscribers: Mutex<Vec<mpsc::UnboundedSender<EventEnvelope>>>,
}

impl Hub {
    pub(crate) fn subscribe(&self) -> EventReceiver {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.lock().push(sender);
        receiver
    }

    /// Sends `envelope` to every subscriber; closed ones are dropped.
    pub(crate) fn publish(&self, envelope: &EventEnvelope) {
        self.lock()
            .retain(|subscriber| subscriber.send(envelope.clone()).is_ok());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<mpsc::UnboundedSender<EventEnvelope>>> {
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Numbers a chat's events (chats have no stored log: their messages are the record).
pub(crate) struct ChatStream {
    chat_id: String,
    seq: AtomicU64,
}

impl ChatStream {
    pub(crate) fn new(chat_id: &str) -> Self {
        Self {
            chat_id: chat_id.to_string(),
            seq: AtomicU64::new(0),
        }
    }

    /// The next envelope of this chat.
    pub(crate) fn envelope(&self, event: Event) -> EventEnvelope {
        EventEnvelope {
            v: SCHEMA_VERSION,
            task_id: String::new(),
            chat_id: Some(self.chat_id.clone()),
            seq: self.seq.fetch_add(1, Ordering::Relaxed) + 1,
            at: crate::time::now_ms(),
            event,
        }
    }
}

/// An envelope for a task event that could not be stored (the store itself failed).
pub(crate) fn unstored_task_event(task_id: &str, event: Event) -> EventEnvelope {
    EventEnvelope {
        v: SCHEMA_VERSION,
        task_id: task_id.to_string(),
        chat_id: None,
        seq: 0,
        at: crate::time::now_ms(),
        event,
    }
}
