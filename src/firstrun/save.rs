//! Writing a model choice into the user's configuration file, so that it is made once:
//! `model.backend`, `model.name` and, when it was fitted, `model.context_length`.

use std::path::PathBuf;

use agent_core::config::{Backend, set_value};
use anyhow::Result;

use crate::app::App;

/// Saves `model` on `backend` (and `context`, when given) as the user's default; returns the
/// file written.
pub fn save_choice(
    app: &App,
    backend: Backend,
    model: &str,
    context: Option<u32>,
) -> Result<PathBuf> {
    let file = app.paths.config_file();
    set_value(&file, "model.backend", backend.as_str())?;
    set_value(&file, "model.name", model)?;
    if let Some(context) = context {
        set_value(&file, "model.context_length", &context.to_string())?;
    }
    Ok(file)
}
