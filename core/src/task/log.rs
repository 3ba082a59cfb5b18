//! A task's event log: every event is committed to the store first, then handed to the front's
//! sink, and strategy steps are numbered here (`s1`, `s2`, …) so no caller writes an id by hand.

use super::context::EventSink;
use crate::error::Result;
use crate::protocol::{AgentRole, Event, StepKind};
use crate::store::Store;

/// The store, the task's id and the front's sink, together.
pub struct TaskLog {
    store: Store,
    task_id: String,
    sink: EventSink,
    steps: u32,
}

impl TaskLog {
    pub fn new(store: Store, task_id: &str, sink: EventSink) -> Self {
        Self {
            store,
            task_id: task_id.to_string(),
            sink,
            steps: 0,
        }
    }

    /// Commits `event` to the task's log, then hands it to the front.
    pub fn emit(&mut self, event: Event) -> Result<()> {
        let envelope = self.store.append_task_event(&self.task_id, event)?;
        (self.sink)(&envelope);
        Ok(())
    }

    /// Starts a step (of round `iteration`, for an iterating strategy) and returns its id for
    /// [`TaskLog::end_step`].
    pub fn begin_step(
        &mut self,
        step: StepKind,
        role: Option<AgentRole>,
        iteration: Option<u32>,
        detail: &str,
    ) -> Result<String> {
        self.steps += 1;
        let id = format!("s{}", self.steps);
        self.emit(Event::StepBegin {
            id: id.clone(),
            step,
            role,
            iteration,
            detail: detail.to_string(),
        })?;
        Ok(id)
    }

    pub fn end_step(&mut self, id: String, ok: bool, detail: &str) -> Result<()> {
        self.emit(Event::StepEnd {
            id,
            ok,
            detail: detail.to_string(),
        })
    }

    pub fn task_id(&self) -> &str {
        &self.task_id
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Gives the store back when the task is over.
    pub fn into_store(self) -> Store {
        self.store
    }
}
