//! `agent ab create/list/status/stop`: A/B tests between two variants of settings, their numbers
//! per variant and the significance test between them (see `agent_core::routing`).

use agent_core::routing::ab::{self, Variant};
use agent_core::routing::report::{self, AbReport};
use anyhow::Result;

use crate::app::App;
use crate::cli::AbCommand;
use crate::exit::Exit;
use crate::output::{print, print_json};

pub fn run(app: &App, command: AbCommand) -> Result<Exit> {
    let (_, store) = app.config_and_store()?;
    match command {
        AbCommand::Create { name, a, b, json } => {
            let a = Variant::parse("a", &a, &app.cwd)?;
            let b = Variant::parse("b", &b, &app.cwd)?;
            ab::create(&store, &name, a, b)?;
            let report = report::report(&store, name.trim())?;
            if json {
                print_json(&report)?;
            } else {
                print(&format!(
                    "started A/B test {}: a = {}, b = {}\nnew tasks get a variant each; `agent ab status {}` compares them\n",
                    report.name,
                    settings_of(&report, 0),
                    settings_of(&report, 1),
                    report.name
                ))?;
            }
        }
        AbCommand::List { json } => {
            let reports = report::report_all(&store)?;
            if json {
                print_json(&serde_json::json!({ "tests": reports }))?;
            } else if reports.is_empty() {
                print(
                    "no A/B tests; start one with `agent ab create NAME --a KEY=VALUE --b KEY=VALUE`\n",
                )?;
            } else {
                let mut out = String::new();
                for report in &reports {
                    out.push_str(&summary_line(report));
                    out.push('\n');
                }
                print(&out)?;
            }
        }
        AbCommand::Status { name, json } => {
            let report = report::report(&store, &name)?;
            if json {
                print_json(&report)?;
            } else {
                print(&render(&report))?;
            }
        }
        AbCommand::Stop { name, winner, json } => {
            let report = report::stop(&store, &name, winner.as_deref())?;
            if json {
                print_json(&report)?;
            } else {
                let mut out = render(&report);
                out.push_str(&keep_hint(&report));
                print(&out)?;
            }
        }
    }
    Ok(Exit::Ok)
}

/// `model=x, strategy=y` of variant `index`.
fn settings_of(report: &AbReport, index: usize) -> String {
    report
        .variants
        .get(index)
        .map(|variant| {
            variant
                .settings
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// One line per test for `ab list`.
fn summary_line(report: &AbReport) -> String {
    let rates: Vec<String> = report
        .variants
        .iter()
        .map(|v| format!("{} {}", v.name, rate(v.succeeded, v.finished)))
        .collect();
    let state = match &report.winner {
        Some(winner) => format!("stopped, winner {winner}"),
        None => report.status.clone(),
    };
    format!(
        "{}  {state}  {}  (a: {}; b: {})",
        report.name,
        rates.join(", "),
        settings_of(report, 0),
        settings_of(report, 1)
    )
}

fn rate(succeeded: u64, finished: u64) -> String {
    if finished == 0 {
        return "–".to_string();
    }
    format!(
        "{:.1}% ({succeeded}/{finished})",
        succeeded as f64 * 100.0 / finished as f64
    )
}

/// The table of `ab status` and `ab stop`.
fn render(report: &AbReport) -> String {
    let since = agent_core::time::format_short(report.created_at);
    let mut out = match (&report.winner, report.stopped_at) {
        (Some(winner), Some(stopped)) => format!(
            "A/B test {} (stopped {}, winner {winner})\n",
            report.name,
            agent_core::time::format_short(stopped)
        ),
        _ => format!("A/B test {} (running since {since})\n", report.name),
    };
    let rows: Vec<[String; 6]> = report
        .variants
        .iter()
        .map(|v| {
            [
                v.name.clone(),
                settings_of(report, usize::from(v.name != "a")),
                format!("{}/{}", v.finished, v.assigned),
                rate(v.succeeded, v.finished),
                v.mean_tokens
                    .map_or("–".into(), |tokens| format!("{tokens:.0}")),
                v.mean_seconds
                    .map_or("–".into(), |seconds| format!("{seconds:.1} s")),
            ]
        })
        .collect();
    let header = [
        "variant".to_string(),
        "settings".into(),
        "finished/tasks".into(),
        "success".into(),
        "tokens/task".into(),
        "time/task".into(),
    ];
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let cells: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    let comparison = &report.comparison;
    let verdict = match comparison.test {
        None => "needs finished tasks of both variants".to_string(),
        Some(test) => format!(
            "z = {:.2}, p = {:.3}: {} at 0.05",
            test.z,
            test.p_value,
            if comparison.significant {
                "significant"
            } else {
                "not significant"
            }
        ),
    };
    let better = comparison
        .better
        .as_ref()
        .map(|better| format!(" ({better} better so far)"))
        .unwrap_or_default();
    out.push_str(&format!("{}: {verdict}{better}\n", comparison.method));
    out
}

/// How to keep the winner's settings after the test.
fn keep_hint(report: &AbReport) -> String {
    let Some(winner) = report
        .winner
        .as_ref()
        .and_then(|name| report.variants.iter().find(|v| &v.name == name))
    else {
        return String::new();
    };
    let mut out = String::new();
    for (key, value) in &winner.settings {
        let line = match key.as_str() {
            "model" => format!("agent config set model.name {value}"),
            "strategy" => format!("agent config set task.strategy {value}"),
            "prompt" => format!("cp {value} <config dir>/prompts/coder.md"),
            other => match other.split_once('_') {
                Some((role, "model")) => format!("agent config set roles.{role}.model {value}"),
                Some((role, "prompt")) => format!("cp {value} <config dir>/prompts/{role}.md"),
                _ => continue,
            },
        };
        out.push_str(&format!("to keep it: {line}\n"));
    }
    out
}
