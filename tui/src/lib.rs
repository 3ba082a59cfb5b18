//! agent-tui: how agent looks in a terminal.
//!
//! Today: the colour policy (`NO_COLOR`, `--color`, TTY detection), plain-text layout helpers,
//! and the transcript renderer that `agent history show` prints. The ratatui chat client is
//! built here on top of these, so the scrollback and the full-screen view render alike.

pub mod app;
pub mod style;
pub mod text;
pub mod transcript;

pub use style::{Painter, Tone};
