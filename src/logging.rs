//! Logs of the whole binary (`tracing`), on stderr: off unless `AGENT_LOG` sets a filter
//! (`info`, `agent_core=debug,…`), except for `agent serve`, which logs at `info` by default.
//! `--log-format json` writes one JSON object per line. Built with the `otlp` feature, spans are
//! also exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::cli::LogFormat;

/// The variable holding the log filter.
pub const FILTER_VAR: &str = "AGENT_LOG";

/// Starts logging with `default_filter` when `AGENT_LOG` is unset (`None`: no logs, unless
/// spans are exported).
pub fn init(format: LogFormat, default_filter: Option<&str>) {
    let exporting = otlp::wanted();
    let filter = match std::env::var(FILTER_VAR) {
        Ok(filter) if !filter.trim().is_empty() => filter,
        _ => match default_filter {
            Some(filter) => filter.to_string(),
            None if exporting => "info".to_string(),
            None => return,
        },
    };
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let lines = match format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_writer(std::io::stderr)
            .boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_target(false)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    // A second init (tests of the binary start it once per process) keeps the first.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(otlp::layer())
        .try_init();
}

/// Sends what the exporter still holds (at the end of the process).
pub fn flush() {
    otlp::flush();
}

#[cfg(feature = "otlp")]
mod otlp {
    //! OTLP/HTTP export of spans (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_HEADERS`…
    //! as the OpenTelemetry SDK reads them).

    use std::sync::OnceLock;

    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use tracing_subscriber::Layer;

    static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

    pub fn wanted() -> bool {
        std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_some()
            || std::env::var_os("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").is_some()
    }

    pub fn layer<S>() -> Option<Box<dyn Layer<S> + Send + Sync>>
    where
        S: tracing::Subscriber
            + for<'span> tracing_subscriber::registry::LookupSpan<'span>
            + Send
            + Sync,
    {
        if !wanted() {
            return None;
        }
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .build()
            .ok()?;
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(
                opentelemetry_sdk::Resource::builder()
                    .with_service_name("agent")
                    .build(),
            )
            .build();
        let tracer = provider.tracer("agent");
        let _ = PROVIDER.set(provider);
        Some(tracing_opentelemetry::layer().with_tracer(tracer).boxed())
    }

    pub fn flush() {
        if let Some(provider) = PROVIDER.get() {
            let _ = provider.shutdown();
        }
    }
}

#[cfg(not(feature = "otlp"))]
mod otlp {
    //! Without the `otlp` feature nothing is exported.

    pub fn wanted() -> bool {
        false
    }

    pub fn layer() -> Option<tracing_subscriber::layer::Identity> {
        None
    }

    pub fn flush() {}
}
