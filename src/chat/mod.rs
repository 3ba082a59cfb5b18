//! `agent chat` (and `agent` alone on a terminal): the ratatui chat. The screen and its state
//! live in agent-tui (`App`); this module owns the terminal, the event loop and the IO behind
//! the `Command`s the app returns: the chat session, tasks, history and the dashboard.

mod bridge;
mod commands;
mod remote;
mod terminal;

use std::io::IsTerminal;

use agent_core::protocol::{ChatSpec, Op};
use agent_core::store::ListQuery;
use agent_tui::app::{App, AppEvent, StatusInfo};
use anyhow::Result;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::app::App as Agent;
use crate::cli::ChatArgs;
use crate::exit::{Exit, UserError};
use crate::models::runtime;
use crate::session::FlagModels;

use bridge::UiMessage;
use commands::{CHAT_ID, Executor};

/// Most files offered to `@` mentions (a huge repository lists its first ones, sorted).
const MENTION_FILES: usize = 20_000;

/// What carries out the screen's commands: the session of this process ([`Executor`]), or
/// `agent serve` ([`remote::Remote`], `--attach`).
pub trait Execute {
    fn execute(&mut self, command: agent_tui::app::Command);
}

pub fn run(agent: &Agent, args: ChatArgs) -> Result<Exit> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(UserError::usage(
            "the chat needs a terminal",
            "run `agent chat` in a terminal, or use `agent ask` / `agent task run` from scripts",
        )
        .into());
    }
    if let Some(url) = args.attach.clone() {
        return remote::run(agent, args, &url);
    }
    let resolved = agent.config()?;
    let store = agent.open_store(&resolved)?;
    let models = FlagModels::new(agent, &resolved, &args.backend);
    let model = models.select(None)?;
    let repo_root = agent.repo_root().unwrap_or_else(|| agent.cwd.clone());
    let resume = match (&args.resume, args.continue_last) {
        (Some(id), _) => Some(store.resolve_conversation_id(id)?),
        (None, true) => store
            .list_conversations(&ListQuery {
                limit: 1,
                cursor: None,
                before: None,
                since: None,
                repo: Some(repo_root.display().to_string()),
            })?
            .items
            .into_iter()
            .next()
            .map(|summary| summary.conversation.id),
        (None, false) => None,
    };
    drop(store);
    let status = StatusInfo {
        model: model.model.clone(),
        strategy: resolved.config.task.strategy.clone(),
        tokens_used: 0,
        context_length: u64::from(model.context_length.unwrap_or_default()),
        repo: repo_root.display().to_string(),
        budget: crate::budget::left_summary(agent, &resolved),
    };
    let screen = screen(agent, status, &repo_root);

    let runtime = runtime()?;
    let session = crate::session::start(agent, &resolved, models.clone());
    let (ui_tx, ui_rx) = mpsc::unbounded_channel();
    let (budget_app, budget_config) = (agent.clone(), resolved.clone());
    let budget_left = move || crate::budget::left_summary(&budget_app, &budget_config);
    runtime
        .block_on(async { bridge::forward_events(&session, ui_tx.clone(), Box::new(budget_left)) });
    // A resumed conversation arrives as its first event and is drawn from it.
    session.submit(Op::OpenChat {
        chat_id: CHAT_ID.into(),
        spec: ChatSpec {
            repo: repo_root.clone(),
            resume,
            model: None,
            approval: None,
            bare: false,
            system: None,
            answers_approvals: true,
            no_cache: args.no_cache,
        },
    })?;
    let mut executor = Executor::new(agent, &resolved, repo_root, session.clone(), ui_tx)?;
    executor.skip_cache(args.no_cache);
    let mut terminal = terminal::enter()?;
    // The screen owns the terminal now: a tool check before a `/task` says nothing on stderr.
    models.set_quiet(true);
    let result = runtime.block_on(event_loop(&mut terminal, screen, &mut executor, ui_rx));
    terminal::leave(&mut terminal);
    let _ = session.submit(Op::CloseChat {
        chat_id: CHAT_ID.into(),
    });
    result.map(|()| Exit::Ok)
}

/// The screen, with the custom commands and the files `@` offers of `repo_root`.
fn screen(agent: &Agent, status: StatusInfo, repo_root: &std::path::Path) -> App {
    let commands = agent_core::commands::load(
        Some(&agent.paths.config_dir.join("commands")),
        Some(&agent_core::commands::repo_commands_dir(repo_root)),
    );
    let mut screen = App::new(status);
    screen.set_custom_commands(commands);
    screen.set_files(agent_core::tools::repository_files(
        repo_root,
        MENTION_FILES,
    ));
    screen
}

/// Draw, wait for the next key, message or tick, update, act; until the app quits.
async fn event_loop(
    terminal: &mut terminal::Term,
    mut app: App,
    executor: &mut dyn Execute,
    mut ui_rx: mpsc::UnboundedReceiver<UiMessage>,
) -> Result<()> {
    let mut keys = crossterm::event::EventStream::new();
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(120));
    loop {
        terminal.draw(|frame| app.render(frame))?;
        let event = tokio::select! {
            key = keys.next() => match key {
                Some(Ok(event)) => match terminal::app_event(event) {
                    Some(event) => event,
                    None => continue,
                },
                Some(Err(error)) => return Err(error.into()),
                None => return Ok(()),
            },
            message = ui_rx.recv() => match message {
                Some(message) => message.into_app_event(),
                None => return Ok(()),
            },
            _ = tick.tick() => AppEvent::Tick,
        };
        for command in app.handle(event) {
            executor.execute(command);
        }
        if app.should_quit() {
            return Ok(());
        }
    }
}
