//! `agent doctor`: checks that agent can run here, and says what to fix when it cannot.

use std::process::Command as Process;

use agent_core::store::migrations::LATEST_VERSION;
use agent_tui::Tone;
use agent_tui::text::pad;
use anyhow::Result;
use serde::Serialize;

mod backends;

use crate::app::App;
use crate::exit::Exit;
use crate::output::{print, print_json};

/// The outcome of one check.
#[derive(Debug, Serialize)]
struct Check {
    name: &'static str,
    ok: bool,
    /// Worth a look, but not a failure (e.g. no default model chosen yet).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    warning: bool,
    detail: String,
}

impl Check {
    fn pass(name: &'static str, detail: impl Into<String>) -> Self {
        Self {
            name,
            ok: true,
            warning: false,
            detail: detail.into(),
        }
    }

    fn warn(name: &'static str, detail: impl Into<String>) -> Self {
        Self {
            name,
            ok: true,
            warning: true,
            detail: detail.into(),
        }
    }

    fn fail(name: &'static str, detail: impl Into<String>) -> Self {
        Self {
            name,
            ok: false,
            warning: false,
            detail: detail.into(),
        }
    }
}

pub fn run(app: &App, json: bool) -> Result<Exit> {
    let mut checks = Vec::new();
    let config = match app.config_quiet(&app.cwd) {
        Ok(config) => {
            checks.push(Check::pass(
                "configuration",
                "every layer parses and every key is known",
            ));
            if !config.ignored.is_empty() {
                checks.push(Check::warn(
                    "repository configuration",
                    crate::app::ignored_note(&config)
                        .trim_start_matches("note: ")
                        .to_string(),
                ));
            }
            Some(config)
        }
        Err(error) => {
            checks.push(Check::fail("configuration", chain(&error)));
            None
        }
    };
    checks.push(check_data_dir(app));
    checks.extend(check_database(app, config.as_ref()));
    checks.push(check_git());
    let sandbox_config = config
        .as_ref()
        .map(|resolved| resolved.config.sandbox.clone())
        .unwrap_or_else(|| agent_core::config::Config::default().sandbox);
    checks.push(check_sandbox(&sandbox_config));
    checks.push(check_browser(
        app,
        config
            .as_ref()
            .and_then(|c| c.config.browser.path.as_deref()),
    ));
    let mut next = None;
    if let Some(config) = &config {
        let report = backends::check_models(app, config);
        checks.extend(report.checks);
        next = Some(report.next);
    }

    let all_ok = checks.iter().all(|c| c.ok);
    // The one next step: fix the first failure, else what the model checks lead to.
    let next = match checks.iter().find(|c| !c.ok) {
        Some(failed) => format!("fix what the first FAIL above says ({})", failed.name),
        None => next.unwrap_or_else(|| "run `agent doctor` again".into()),
    };
    if json {
        let support = agent_core::process::support();
        print_json(&serde_json::json!({
            "ok": all_ok,
            "checks": checks,
            "next_step": next,
            "sandbox": {
                "mode": sandbox_config.mode,
                "landlock_abi": support.abi(),
                "network_rules": support.network_rules(),
            },
        }))?;
    } else {
        let painter = match &config {
            Some(config) => app.stdout_painter(config),
            None => agent_tui::Painter::plain(),
        };
        let width = checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        let mut out = String::new();
        for check in &checks {
            let mark = if check.warning {
                painter.paint(Tone::Warn, "warn")
            } else if check.ok {
                painter.paint(Tone::Good, "ok  ")
            } else {
                painter.paint(Tone::Bad, "FAIL")
            };
            out.push_str(&format!(
                "{mark}  {}  {}\n",
                pad(check.name, width),
                check.detail
            ));
        }
        out.push_str(&format!(
            "\n{} {next}\n",
            painter.paint(Tone::Strong, "next:")
        ));
        print(&out)?;
    }
    Ok(if all_ok { Exit::Ok } else { Exit::Failure })
}

fn check_data_dir(app: &App) -> Check {
    let dir = &app.paths.data_dir;
    let probe = dir.join(format!(".doctor-{}", std::process::id()));
    let result = std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&probe, b"ok"))
        .and_then(|()| std::fs::remove_file(&probe));
    match result {
        Ok(()) => Check::pass("data directory", format!("{} is writable", dir.display())),
        Err(error) => Check::fail(
            "data directory",
            format!(
                "{} is not writable: {error}; set AGENT_HOME to a directory you can write",
                dir.display()
            ),
        ),
    }
}

fn check_database(app: &App, config: Option<&agent_core::config::ResolvedConfig>) -> Vec<Check> {
    let path = app.paths.database_file();
    let opened = match config {
        Some(config) => app.open_store(config),
        None => agent_core::store::Store::open(&path, &Default::default()).map_err(Into::into),
    };
    let store = match opened {
        Ok(store) => store,
        Err(error) => {
            return vec![Check::fail(
                "database",
                format!("{}: {}", path.display(), chain(&error)),
            )];
        }
    };
    let integrity = match store.integrity_problems() {
        Ok(problems) if problems.is_empty() => Check::pass(
            "database",
            format!("{} passes integrity_check", path.display()),
        ),
        Ok(problems) => Check::fail(
            "database",
            format!("{}: {}", path.display(), problems.join("; ")),
        ),
        Err(error) => Check::fail("database", format!("{}: {error}", path.display())),
    };
    let schema = match store.schema_version() {
        Ok(version) if version == LATEST_VERSION => {
            Check::pass("schema", format!("version {version} (current)"))
        }
        Ok(version) => Check::fail(
            "schema",
            format!("version {version}, expected {LATEST_VERSION}"),
        ),
        Err(error) => Check::fail("schema", error.to_string()),
    };
    vec![integrity, schema]
}

/// What the kernel can confine, and whether the commands of tasks will run under
/// `sandbox.mode` with the configured network choices.
fn check_sandbox(config: &agent_core::config::SandboxConfig) -> Check {
    use agent_core::config::SandboxMode;
    const NAME: &str = "sandbox";
    let support = agent_core::process::support();
    let kernel = match support.abi() {
        Some(abi) => format!(
            "Landlock ABI {abi}: writes confined; network rules {}",
            if support.network_rules() {
                "available"
            } else {
                "unavailable (ABI 4, Linux 6.7)"
            }
        ),
        None => support
            .shortfall(true)
            .unwrap_or_else(|| "no sandbox".to_string()),
    };
    // The first kind of command that cannot be confined as configured.
    let shortfall = [
        ("`run` commands", config.network_run),
        ("the check", config.network_check),
    ]
    .into_iter()
    .find_map(|(what, network)| {
        support
            .shortfall(network)
            .map(|reason| format!("{what}: {reason}"))
    });
    match (config.mode, shortfall) {
        (SandboxMode::Off, _) => Check::warn(
            NAME,
            format!("{kernel}; sandbox.mode = off, so commands run unconfined"),
        ),
        (SandboxMode::Enforce, Some(reason)) => Check::fail(
            NAME,
            format!(
                "{kernel}; {reason}, so sandbox.mode = enforce refuses to run them (set sandbox.mode = warn to run them unconfined)"
            ),
        ),
        (SandboxMode::Warn, Some(reason)) => Check::warn(
            NAME,
            format!("{kernel}; {reason}, so they run unconfined (sandbox.mode = warn)"),
        ),
        (mode, None) => Check::pass(NAME, format!("{kernel}; sandbox.mode = {}", mode.as_str())),
    }
}

fn check_git() -> Check {
    match Process::new("git").arg("--version").output() {
        Ok(output) if output.status.success() => Check::pass(
            "git",
            String::from_utf8_lossy(&output.stdout).trim().to_string(),
        ),
        Ok(output) => Check::fail(
            "git",
            format!(
                "`git --version` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        ),
        Err(error) => Check::fail(
            "git",
            format!("git is not available ({error}); install git"),
        ),
    }
}

/// Chromium for `agent browse` and pages that need JavaScript: a warning when missing, since
/// everything else works without it.
fn check_browser(app: &App, configured: Option<&str>) -> Check {
    let path = app.env.get("PATH").map(std::ffi::OsStr::new);
    match agent_core::web::browser::find_chromium(configured.map(std::path::Path::new), path) {
        Ok(binary) => Check::pass("browser", binary.display().to_string()),
        Err(missing) => Check::warn(
            "browser",
            format!(
                "{missing}: agent browse and pages that need JavaScript cannot be read; {}",
                missing.hint().unwrap_or_default()
            ),
        ),
    }
}

fn chain(error: &anyhow::Error) -> String {
    let text = agent_core::text::error_chain(error.as_ref());
    agent_core::redact::redact_url_credentials(&text).into_owned()
}
