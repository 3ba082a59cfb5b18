//! `agent serve`: the session over HTTP. The server adds transport, authentication and limits;
//! every action is an op of the one session (or a core function), every stream its events.
//!
//! Secure by default: it listens on loopback, every route but `/healthz`, the API description
//! and the dashboard page needs the bearer token made on first start, pages of other web
//! origins are refused, and an address off this machine needs a token file chosen on purpose.

mod cache;
pub mod discovery;
mod error;
mod guard;
mod metrics;
mod page;
mod rate;
mod routes;
mod state;
pub mod token;
mod webhooks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agent_core::protocol::Op;
use anyhow::{Context, Result};
use tokio::sync::watch;

use self::discovery::Discovery;
use self::metrics::Metrics;
use self::rate::RateLimiter;
use self::state::{ServerState, StorePool};
use self::token::Token;
use crate::app::App;
use crate::cli::ServeArgs;
use crate::exit::{Exit, UserError};
use crate::output::print;
use crate::session::FlagModels;

/// How long a stop waits for open connections to finish.
const DRAIN_LIMIT: Duration = Duration::from_secs(5);

/// How often the server ends tasks whose process is gone.
const RECOVERY_INTERVAL: Duration = Duration::from_secs(2);

/// How long a stop waits for running tasks to end after cancelling them.
const CANCEL_GRACE: Duration = Duration::from_secs(30);

pub fn run(app: &App, args: ServeArgs) -> Result<Exit> {
    let resolved = app.user_config()?;
    let addr = listen_address(args.addr.as_deref().unwrap_or(&resolved.config.serve.addr))?;
    let token_path = args
        .token_file
        .clone()
        .unwrap_or_else(|| app.paths.data_dir.join(token::DEFAULT_FILE));
    if !addr.ip().is_loopback() && args.token_file.is_none() {
        return Err(UserError::usage(
            format!("refusing to listen on {addr} (off this machine) without --token-file"),
            "choose the token clients will use on purpose: agent serve --addr 0.0.0.0:7878 --token-file /path/to/token (32+ characters)",
        )
        .into());
    }
    let token = Token::load_or_create(&token_path, args.token_file.is_none())?;
    // Webhooks: the secret and the served repositories are checked before anything listens.
    let webhooks = webhooks::Webhooks::load(&resolved.config, &app.cwd)?.map(Arc::new);
    if args.check {
        return check(app, addr, &token);
    }

    let open_files = agent_core::process::raise_open_files_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind(addr)).map_err(|error| {
        let hint = if error.kind() == std::io::ErrorKind::AddrInUse {
            "another program (perhaps another agent serve) listens there: stop it, or pick another port with --addr 127.0.0.1:PORT"
        } else {
            "pick another address with --addr 127.0.0.1:PORT"
        };
        anyhow::Error::new(UserError::usage(
            format!("cannot listen on {addr}: {error}"),
            hint,
        ))
    })?;
    let local_addr = listener
        .local_addr()
        .context("cannot read the bound address")?;

    // Tasks whose process died (a server killed with SIGKILL) are ended before anything else.
    let store = app.open_store(&resolved)?;
    let recovered = store.recover_orphaned_tasks()?;
    drop(store);

    let models = FlagModels::non_interactive(app, &resolved, &args.backend);
    let approval_timeout = match resolved.config.serve.approval_timeout {
        0 => None,
        seconds => Some(Duration::from_secs(seconds)),
    };
    let session = crate::session::start_with(app, &resolved, models.clone(), approval_timeout);
    let pool_app = app.clone();
    let pool_config = resolved.clone();
    let (stopping, _) = watch::channel(false);
    let state = Arc::new(ServerState {
        app: app.clone(),
        session: session.clone(),
        models,
        stores: Arc::new(StorePool::new(move || pool_app.open_store(&pool_config))),
        cache: cache::ReadCache::new(&app.paths.database_file()),
        token,
        metrics: Metrics::new(),
        limiter: RateLimiter::new(resolved.config.serve.rate_limit),
        cors_origins: resolved.config.serve.cors_origins.clone(),
        local_addr,
        stopping,
        busy_conversations: Mutex::default(),
        webhooks,
        resolved,
    });

    let url = format!("http://{local_addr}");
    let discovery = Discovery {
        url: url.clone(),
        pid: std::process::id(),
        token_file: state.token.path.clone(),
    };
    discovery.write(&app.paths.data_dir)?;
    print(&format!(
        "agent serve listening on {url}\ntoken: {}\ndashboard: {url}/ (agent serve --check prints a link that signs in)\n",
        state.token.path.display()
    ))?;
    tracing::debug!(?open_files, "open files limit");
    if !recovered.is_empty() {
        tracing::warn!(
            tasks = recovered.len(),
            "ended tasks left running by a process that is gone"
        );
    }

    let outcome = runtime.block_on(serve(listener, state.clone()));
    Discovery::remove(&app.paths.data_dir, std::process::id());
    outcome?;
    Ok(Exit::Ok)
}

/// Serves until SIGINT or SIGTERM, then stops: no new connections or tasks, streams end, and
/// running tasks are cancelled (or finished, with `serve.shutdown = "finish"`) before it returns.
async fn serve(listener: tokio::net::TcpListener, state: Arc<ServerState>) -> Result<()> {
    let observer = {
        let mut events = state.session.subscribe();
        let state = state.clone();
        tokio::spawn(async move {
            while let Some(envelope) = events.recv().await {
                state.metrics.observe(&envelope);
            }
        })
    };
    // Tasks whose process died are ended every few seconds (listings no longer do it).
    let recovery = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(RECOVERY_INTERVAL);
            loop {
                every.tick().await;
                let recovered = state
                    .stores
                    .run(|store| Ok(store.recover_orphaned_tasks()?))
                    .await;
                if let Ok(tasks) = recovered
                    && !tasks.is_empty()
                {
                    tracing::warn!(tasks = tasks.len(), "ended tasks whose process is gone");
                }
            }
        })
    };
    let app = routes::router(state.clone());
    let stop = state.clone();
    let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
        crate::exit::Interrupts::listen().recv().await;
        tracing::info!("stopping: no new work; open streams end");
        stop.stopping.send_replace(true);
    });
    // Connections get a few seconds to finish once the stop began; one a client left half-open
    // does not hold the process.
    let mut stopping = state.stopping_signal();
    let drained = async move {
        let _ = stopping.wait_for(|stopping| *stopping).await;
        tokio::time::sleep(DRAIN_LIMIT).await;
    };
    tokio::select! {
        served = serving => served.context("the server stopped with an error")?,
        () = drained => tracing::warn!("connections still open {DRAIN_LIMIT:?} after the stop: closed"),
    }
    let running = state.session.running_tasks();
    if !running.is_empty() {
        if state.resolved.config.serve.finish_on_shutdown {
            tracing::info!(tasks = running.len(), "waiting for running tasks to finish");
            for id in &running {
                state.session.settle(id, Duration::MAX).await;
            }
        } else {
            tracing::info!(tasks = running.len(), "cancelling running tasks");
            for id in &running {
                let _ = state.session.submit(Op::Cancel {
                    task_id: id.clone(),
                });
            }
            for id in &running {
                state.session.settle(id, CANCEL_GRACE).await;
            }
        }
    }
    observer.abort();
    recovery.abort();
    Ok(())
}

/// `agent serve --check`: what a client needs, and whether a server answers there now.
fn check(app: &App, addr: SocketAddr, token: &Token) -> Result<Exit> {
    let running = Discovery::read(&app.paths.data_dir);
    let url = running
        .as_ref()
        .map_or_else(|| format!("http://{addr}"), |found| found.url.clone());
    let state = if running.is_some() {
        "running"
    } else {
        "not running"
    };
    print(&format!(
        "url: {url}\nstate: {state}\ntoken file: {}\ndashboard: {url}/#token={}\n",
        token.path.display(),
        token.secret()
    ))?;
    Ok(Exit::Ok)
}

/// `host:port` as a socket address; `localhost` is 127.0.0.1.
fn listen_address(text: &str) -> Result<SocketAddr> {
    let normalized = text.replace("localhost:", "127.0.0.1:");
    normalized.parse().map_err(|_| {
        UserError::usage(
            format!("`{text}` is not an address to listen on"),
            "write it as HOST:PORT, e.g. --addr 127.0.0.1:7878",
        )
        .into()
    })
}

/// The token file a client of this machine uses for `url`: the running server's, else the
/// default one.
pub fn local_token_file(app: &App) -> PathBuf {
    Discovery::read(&app.paths.data_dir).map_or_else(
        || app.paths.data_dir.join(token::DEFAULT_FILE),
        |found| found.token_file,
    )
}
