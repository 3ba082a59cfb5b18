//! Logs of the whole binary (`tracing`), on stderr: off unless `AGENT_LOG` sets a filter
//! (`info`, `agent_core=debug,…`), except for `agent serve`, which logs at `info` by default.
//! `--log-format json` writes one JSON object per line.

use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;

/// The variable holding the log filter.
pub const FILTER_VAR: &str = "AGENT_LOG";

/// Starts logging with `default_filter` when `AGENT_LOG` is unset (`None`: no logs).
pub fn init(format: LogFormat, default_filter: Option<&str>) {
    let filter = match std::env::var(FILTER_VAR) {
        Ok(filter) if !filter.trim().is_empty() => filter,
        _ => match default_filter {
            Some(filter) => filter.to_string(),
            None => return,
        },
    };
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    // A second init (tests of the binary start it once per process) keeps the first.
    let _ = match format {
        LogFormat::Json => builder.json().with_current_span(true).try_init(),
        LogFormat::Text => builder.with_ansi(false).try_init(),
    };
}
