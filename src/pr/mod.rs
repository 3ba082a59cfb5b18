//! `agent pr`: pull requests on GitHub (`review` here; the lead's create/list/show/checkout/
//! merge/close/comment join on merge).

mod review;

use anyhow::Result;

use crate::app::App;
use crate::cli::PrCommand;
use crate::exit::Exit;

pub fn run(app: &App, command: PrCommand) -> Result<Exit> {
    match command {
        PrCommand::Review(args) => review::run(app, args),
    }
}
