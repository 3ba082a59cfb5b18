//! agent-tui: how agent looks in a terminal.
//!
//! The colour policy (`NO_COLOR`, `--color`, TTY detection), plain-text layout helpers, the
//! transcript renderer that `agent history show` prints, and `app`: the ratatui chat client's
//! state and views, which the binary drives with events and draws into the terminal.

pub mod app;
pub mod event_log;
pub mod style;
pub mod text;
pub mod transcript;

pub use style::{Painter, Tone};
