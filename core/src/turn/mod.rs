//! The turn loop: a pure state machine ([`machine`]) and the driver that performs its effects
//! against a model backend, the tools and the task's event log ([`driver`]).

mod ledger;
mod limits;
mod machine;

pub use ledger::TurnLedger;
pub use limits::{LimitHit, Limits, Usage};
pub use machine::{Effect, Input, TurnLoop, TurnOutcome};

#[cfg(test)]
mod tests;
