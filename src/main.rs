//! The `agent` binary: parses the command line, runs one command, and decides the exit code.

mod ab;
mod app;
mod ask;
mod attach;
mod auth;
mod backend;
mod budget;
mod chat;
mod ci;
mod classify;
mod cli;
mod completions;
mod config;
mod doctor;
mod exit;
mod firstrun;
mod github;
mod history;
mod history_import;
mod hook;
mod logging;
mod map;
mod mcp;
mod models;
mod output;
mod pr;
mod progress;
mod serve;
mod session;
mod task;
mod tool_check;
mod trust;
mod web;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::app::App;
use crate::cli::{Cli, Command};
use crate::exit::Exit;

fn main() -> ExitCode {
    // `agent __sandbox-exec … -- PROGRAM`: the sandbox launcher and supervisor of a command,
    // before anything else reads the command line or the environment.
    let mut args = std::env::args_os();
    if args
        .nth(1)
        .is_some_and(|arg| arg == agent_core::process::LAUNCHER_ARG)
    {
        return match agent_core::process::launcher::run(args) {
            Ok(code) => ExitCode::from(code),
            Err(error) => {
                output::note(&format!("error: {}", agent_core::text::error_chain(&error)));
                ExitCode::from(error.exit_code())
            }
        };
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if hook::is_hook_run(std::env::args_os()) => {
            // A hook script of another agent version: git goes on.
            return hook::let_git_go_on(&error.kind().to_string());
        }
        Err(error) => {
            // Help and --version print to stdout and exit 0; usage errors exit 2.
            let _ = error.print();
            return ExitCode::from(error.exit_code().clamp(0, 255) as u8);
        }
    };
    let hook_run = matches!(
        cli.command,
        Some(Command::Hook(cli::HookCommand::Run { .. }))
    );
    let exit = match run(cli) {
        Ok(exit) => exit,
        // A hook never refuses because of an error of its own (no home directory, a bad config).
        Err(error) if hook_run => return hook::let_git_go_on(&format!("{error:#}")),
        Err(error) => report(&error),
    };
    logging::flush();
    exit.into()
}

fn run(cli: Cli) -> anyhow::Result<Exit> {
    let Some(command) = cli.command else {
        // On a terminal, `agent` alone opens the chat; anywhere else it prints the help.
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
            let app = App::new(&cli.global)?;
            return chat::run(&app, cli::ChatArgs::default());
        }
        output::print(&Cli::command().render_help().to_string())?;
        return Ok(Exit::Ok);
    };
    // Commands that need no configuration or data come first, so they work anywhere.
    match command {
        Command::Completions { shell } => {
            return completions::completions(shell).map(|()| Exit::Ok);
        }
        Command::Man => return completions::man_page().map(|()| Exit::Ok),
        _ => {}
    }
    let default_filter = matches!(command, Command::Serve(_)).then_some("info");
    logging::init(cli.global.log_format, default_filter);
    let app = App::new(&cli.global)?;
    match command {
        Command::Config(command) => config::run(&app, command),
        Command::History(command) => history::run(&app, command),
        Command::Chat(args) => chat::run(&app, args),
        Command::Ask(args) => ask::run(&app, args),
        Command::Models(command) => models::run(&app, command),
        Command::Task(command) => task::run(&app, *command),
        Command::Undo { repo } => task::undo(&app, repo),
        Command::Trust(args) => trust::run(&app, args),
        Command::Map(args) => map::run(&app, args),
        Command::Serve(args) => serve::run(&app, args),
        Command::Pr(command) => pr::run(&app, command),
        Command::Auth(command) => auth::run(&app, command),
        Command::Ci(command) => ci::run(&app, command),
        Command::Ab(command) => ab::run(&app, command),
        Command::Hook(command) => hook::run(&app, command),
        Command::Mcp(command) => mcp::run(&app, command),
        Command::Budget { json } => budget::run(&app, json),
        Command::Classify(args) => classify::run(&app, args),
        Command::Doctor { json } => doctor::run(&app, json),
        Command::Fetch(args) => web::fetch(&app, args),
        Command::Browse(args) => web::browse(&app, args),
        Command::Completions { .. } | Command::Man => Ok(Exit::Ok),
    }
}

/// Prints `error: …`, its causes and a hint to stderr, and picks the exit code. Credentials in
/// the environment and passwords in URLs (`user:pass@`) are redacted from what it prints, and
/// so is any backtrace a library put into its message (with `RUST_BACKTRACE` set): the message
/// is for the user.
fn report(error: &anyhow::Error) -> Exit {
    if is_broken_pipe(error) {
        // The reader went away (`agent history list | head`): not a failure.
        return Exit::Ok;
    }
    let (exit, hint) = exit::classify(error);
    let redactor =
        agent_core::redact::Redactor::from_env(&agent_core::env::EnvSnapshot::capture(), [], []);
    let note = |line: String| output::note(&redactor.redact(without_backtrace(&line)));
    note(format!("error: {error}"));
    for cause in error.chain().skip(1) {
        note(format!("  caused by: {cause}"));
    }
    if let Some(hint) = hint {
        note(format!("hint: {hint}"));
    }
    exit
}

/// `message` up to the first line of a backtrace (`   0: frame` or `stack backtrace:`).
fn without_backtrace(message: &str) -> &str {
    let mut end = 0;
    for line in message.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let frame = trimmed.split_once(": ").is_some_and(|(number, _)| {
            !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
        });
        if frame || trimmed.starts_with("stack backtrace:") {
            break;
        }
        end += line.len();
    }
    message[..end].trim_end()
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn backtraces_are_cut_from_messages() {
        let message = "not a readable GGUF file (unknown magic 0x0e44dfd8\n   0: candle_core::error::Error::bt\n   1: read\n             at src/gguf.rs:61:21";
        assert_eq!(
            super::without_backtrace(message),
            "not a readable GGUF file (unknown magic 0x0e44dfd8"
        );
        assert_eq!(
            super::without_backtrace("two lines\nof message: kept"),
            "two lines\nof message: kept"
        );
        assert_eq!(
            super::without_backtrace("boom\nstack backtrace:\n  0: x"),
            "boom"
        );
    }
}
