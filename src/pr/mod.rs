//! `agent pr`: pull requests from task branches (create), the everyday PR commands (list,
//! show, checkout, merge, close, comment) against the repository's GitHub, and a model's review
//! (review).

mod create;
mod manage;
mod review;

pub use create::{PublishRequest, publish};

use anyhow::Result;

use crate::app::App;
use crate::cli::PrCommand;
use crate::exit::Exit;

pub fn run(app: &App, command: PrCommand) -> Result<Exit> {
    match command {
        PrCommand::Create(args) => create::run(app, args),
        PrCommand::List {
            target,
            state,
            json,
        } => manage::list(app, &target, &state, json),
        PrCommand::Show {
            number,
            target,
            json,
        } => manage::show(app, number, &target, json),
        PrCommand::Checkout { number, target } => manage::checkout(app, number, &target),
        PrCommand::Merge {
            number,
            target,
            squash,
            rebase,
        } => manage::merge(app, number, &target, squash, rebase),
        PrCommand::Close { number, target } => manage::close(app, number, &target),
        PrCommand::Comment {
            number,
            body,
            target,
        } => manage::comment(app, number, &body, &target),
        PrCommand::Review(args) => review::run(app, args),
    }
}
