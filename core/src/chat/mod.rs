//! The chat session behind `agent chat`: a conversation with a model that works on the user's
//! repository with the same tools, approval policy and turn loop as tasks, kept in the store.

mod session;

pub use session::{ChatOptions, ChatSession, ChatTurn};

#[cfg(test)]
mod tests;
