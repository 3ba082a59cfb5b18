//! `agent task …` and `agent undo`: run tasks, follow them, and bring their work home.

mod attached;
mod inspect;
mod issue;
pub mod manage;
mod render;
mod run;
mod turn_progress;

use anyhow::Result;

use crate::app::App;
use crate::cli::TaskCommand;
use crate::exit::Exit;

pub use manage::undo;

pub fn run(app: &App, command: TaskCommand) -> Result<Exit> {
    match command {
        TaskCommand::Run(args) => run::run(app, args),
        TaskCommand::Retry { id, options } => run::retry(app, &id, options),
        TaskCommand::List {
            status,
            repo,
            limit,
            json,
        } => inspect::list(app, status, repo, limit, json),
        TaskCommand::Show { id, json } => inspect::show(app, &id, json),
        TaskCommand::Logs { id, follow, json } => inspect::logs(app, &id, follow, json),
        TaskCommand::Cancel { id } => manage::cancel(app, &id),
        TaskCommand::Apply { id, force } => manage::apply(app, &id, force),
        TaskCommand::Discard { id } => manage::discard(app, &id),
    }
}
