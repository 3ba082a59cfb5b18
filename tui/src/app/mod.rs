//! The ratatui chat application: state, key handling and views, testable without a terminal.
//!
//! The binary owns the terminal and the model session. It turns terminal input and session
//! progress into [`AppEvent`]s, calls [`App::handle`] (a pure state transition that returns the
//! [`Command`]s to carry out), and draws with [`App::render`] into any ratatui backend. Nothing
//! here does IO or holds a channel.

mod diff;
mod event;
mod highlight;
mod input;
mod keys;
mod markdown;
mod mention;
mod slash;
mod state;
mod transcript;
mod views;
mod wrap;

#[cfg(test)]
mod tests;

pub use event::{
    AppEvent, Command, CustomCommand, DashboardData, HistoryItem, Loaded, StatusInfo, View,
};
pub use state::App;
pub use views::{MIN_HEIGHT, MIN_WIDTH};
