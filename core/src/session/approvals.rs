//! Approval questions waiting for a front's answer, kept by tool call id inside the core. A
//! front answers with `Op::Approve`; a front that goes away leaves them pending until the task
//! or chat is cancelled or interrupted, or until the session's approval timeout (if set)
//! refuses them.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::oneshot;

use crate::protocol::EventEnvelope;
use crate::task::{Answer, ApprovalQuestion, Asker};

/// Who asked: a task or a chat, by id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Owner {
    Task(String),
    Chat(String),
}

/// One question's channel: its sender waits for the front's answer, its receiver for the asker.
struct Slot {
    answer: Option<oneshot::Sender<Answer>>,
    wait: Option<oneshot::Receiver<Answer>>,
    /// The `approval_request` event that announced the question.
    request: Option<EventEnvelope>,
}

/// The questions waiting for an answer. A question's slot opens when its `approval_request`
/// event is published — before any front can see it, so an answer can never arrive too early —
/// and closes with its `approval_decision`.
#[derive(Default)]
pub(crate) struct PendingApprovals {
    slots: Mutex<HashMap<(Owner, String), Slot>>,
}

impl PendingApprovals {
    /// Opens the slot of a question about to be announced by `request`.
    pub(crate) fn open(&self, owner: Owner, call_id: &str, request: &EventEnvelope) {
        let (answer, wait) = oneshot::channel();
        self.lock().insert(
            (owner, call_id.to_string()),
            Slot {
                answer: Some(answer),
                wait: Some(wait),
                request: Some(request.clone()),
            },
        );
    }

    /// The `approval_request` events of the questions still waiting for an answer, oldest first.
    pub(crate) fn waiting(&self) -> Vec<EventEnvelope> {
        let mut requests: Vec<EventEnvelope> = self
            .lock()
            .values()
            .filter(|slot| slot.answer.is_some())
            .filter_map(|slot| slot.request.clone())
            .collect();
        requests.sort_by_key(|request| request.at);
        requests
    }

    /// Closes a question's slot (it was decided).
    pub(crate) fn close(&self, owner: &Owner, call_id: &str) {
        self.lock().remove(&(owner.clone(), call_id.to_string()));
    }

    /// Where the asker waits for the answer to `call_id`.
    fn wait_for(&self, owner: &Owner, call_id: &str) -> oneshot::Receiver<Answer> {
        let mut slots = self.lock();
        let slot = slots
            .entry((owner.clone(), call_id.to_string()))
            .or_insert_with(|| {
                let (answer, wait) = oneshot::channel();
                Slot {
                    answer: Some(answer),
                    wait: Some(wait),
                    request: None,
                }
            });
        match slot.wait.take() {
            Some(wait) => wait,
            // Asked twice under one id: a fresh channel for the second question.
            None => {
                let (answer, wait) = oneshot::channel();
                slot.answer = Some(answer);
                wait
            }
        }
    }

    /// Answers the question of tool call `call_id`; `owner` picks among questions of several
    /// tasks or chats that share a call id. Returns whether a question was waiting.
    pub(crate) fn answer(&self, owner: Option<&Owner>, call_id: &str, answer: Answer) -> bool {
        let mut slots = self.lock();
        let key = match owner {
            Some(owner) => Some((owner.clone(), call_id.to_string())),
            None => {
                let mut matching = slots
                    .iter()
                    .filter(|((_, id), slot)| id == call_id && slot.answer.is_some())
                    .map(|(key, _)| key);
                match (matching.next(), matching.next()) {
                    (Some(key), None) => Some(key.clone()),
                    _ => None,
                }
            }
        };
        let sender = key
            .and_then(|key| slots.get_mut(&key))
            .and_then(|slot| slot.answer.take());
        match sender {
            Some(sender) => sender.send(answer).is_ok(),
            None => false,
        }
    }

    /// Answers every open question of `owner` with `answer` (an interrupt says no).
    pub(crate) fn answer_all(&self, owner: &Owner, answer: Answer) {
        for ((slot_owner, _), slot) in self.lock().iter_mut() {
            if slot_owner == owner
                && let Some(sender) = slot.answer.take()
            {
                let _ = sender.send(answer);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Owner, String), Slot>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Asks through the session: the question waits in [`PendingApprovals`] (the event announcing it
/// is already out) until a front answers, the owner is cancelled, or the timeout passes.
pub(crate) struct SessionAsker {
    pending: Arc<PendingApprovals>,
    owner: Owner,
    timeout: Option<Duration>,
}

impl SessionAsker {
    pub(crate) fn new(
        pending: Arc<PendingApprovals>,
        owner: Owner,
        timeout: Option<Duration>,
    ) -> Self {
        Self {
            pending,
            owner,
            timeout,
        }
    }
}

impl Asker for SessionAsker {
    fn ask<'a>(
        &'a mut self,
        question: &'a ApprovalQuestion,
    ) -> Pin<Box<dyn Future<Output = Option<Answer>> + Send + 'a>> {
        Box::pin(async move {
            let receiver = self.pending.wait_for(&self.owner, &question.call_id);
            let answer = match self.timeout {
                Some(limit) => tokio::time::timeout(limit, receiver).await.ok(),
                None => Some(receiver.await),
            };
            // Timed out, or the slot went away: nobody answered.
            answer.and_then(Result::ok)
        })
    }
}
