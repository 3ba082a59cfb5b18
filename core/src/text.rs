//! Text helpers shared across the core: an error and its causes on one line, and cutting text at
//! a byte limit without splitting a character. They live in agent-models (which cannot depend on
//! this crate) and are re-exported here so the core has one spelling of each.

pub use agent_models::text::{error_chain, truncate_at_char_boundary, truncate_with_note};
