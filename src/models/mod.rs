//! `agent models …`: list, show, pull, remove and benchmark models; probe this machine and
//! recommend a model for it.

mod bench;
pub mod list;
pub mod machine;
pub mod pull;
mod use_model;

use anyhow::Result;

use crate::app::App;
use crate::cli::{BackendArg, ModelsCommand};
use crate::exit::Exit;

pub fn run(app: &App, command: ModelsCommand) -> Result<Exit> {
    match command {
        ModelsCommand::List { json } => list::list(app, json),
        ModelsCommand::Show {
            name,
            base_url,
            json,
        } => list::show(app, &name, base_url.as_deref(), json),
        ModelsCommand::Pull {
            reference,
            base_url,
            sha256,
            json,
            use_it,
        } => {
            let gguf = pull::is_gguf_reference(&reference);
            let exit = if gguf {
                pull::pull_gguf(app, &reference, sha256, json)?
            } else {
                pull::pull_ollama(app, base_url.as_deref(), &reference, json)?
            };
            if use_it {
                let (name, backend) = if gguf {
                    (pull::gguf_file_name(app, &reference)?, BackendArg::Local)
                } else {
                    (reference, BackendArg::Ollama)
                };
                let line = use_model::use_model(app, &name, Some(backend), base_url.as_deref())?;
                if json {
                    crate::output::note(&line);
                } else {
                    crate::output::print(&format!("{line}\n"))?;
                }
            }
            Ok(exit)
        }
        ModelsCommand::Use {
            name,
            backend,
            base_url,
        } => use_model::use_command(app, &name, backend, base_url.as_deref()),
        ModelsCommand::Rm {
            name,
            base_url,
            yes,
        } => list::remove(app, &name, base_url.as_deref(), yes),
        ModelsCommand::Bench {
            prompt_tokens,
            decode_tokens,
            json,
            backend,
        } => bench::bench(app, prompt_tokens, decode_tokens, json, &backend),
        ModelsCommand::Probe { no_bandwidth, json } => {
            machine::probe_command(app, no_bandwidth, json)
        }
        ModelsCommand::Recommend {
            context,
            any_family,
            json,
        } => machine::recommend_command(app, context, any_family, json),
    }
}

/// A runtime for the async parts of a command (HTTP, streaming).
/// The runtime of a front that only drives the core session (reads its events, asks on the
/// terminal, forwards signals): one thread is enough, the work runs on the session's threads.
pub fn front_runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// Runs `future` to its end on a thread of its own with its own runtime, and waits for it: safe
/// from any thread, also one that is driving a runtime already (the chat's event loop).
pub fn block_on_thread<F>(future: F) -> Result<F::Output>
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map(|runtime| runtime.block_on(future))
        });
        match worker.join() {
            Ok(result) => Ok(result?),
            Err(_) => Err(anyhow::anyhow!("a worker thread stopped unexpectedly")),
        }
    })
}

/// The HTTP client every command shares: rustls, a connect timeout, no overall timeout (streams).
pub fn reqwest_client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(10))
        .user_agent(concat!("agent/", env!("CARGO_PKG_VERSION")))
        .build()?)
}
