//! The turn loop: a pure state machine ([`machine`]) and the driver that performs its effects
//! against a model backend, the tools and the task's event log ([`driver`]).

mod ledger;
mod limits;
mod machine;
pub mod repetition;

pub use ledger::TurnLedger;
pub use limits::{LimitHit, Limits, Usage};
pub use machine::{Effect, Input, TurnLoop, TurnOutcome};
pub use repetition::{Repetition, RepetitionDetector};

#[cfg(test)]
mod tests;
