//! `agent ci watch` (`watch.rs`: the poll loop over `agent_core::ci`) and `agent ci status`
//! (`status.rs`: what the monitor recorded).

mod status;
mod watch;

use anyhow::Result;

use crate::app::App;
use crate::cli::CiCommand;
use crate::exit::Exit;

pub use status::summary_json;

pub fn run(app: &App, command: CiCommand) -> Result<Exit> {
    match command {
        CiCommand::Watch(args) => watch::run(app, *args),
        CiCommand::Status { limit, json } => status::run(app, limit, json),
    }
}
