//! `agent classify [TEXT|-]`, `versions`, `use`, `eval`, `train`: the task-complexity
//! classifier that `--strategy auto` uses (agent_core::classifier).

use std::io::Read;
use std::path::Path;

use agent_core::classifier::{
    self, Classifier, Context, Example, Metrics, Model, TrainOptions, dataset, features, history,
    model,
};
use agent_core::classify::{self, Complexity};
use agent_core::store::Store;
use agent_core::time::{format_short, now_ms, parse_point_in_time};
use anyhow::{Context as _, Result};
use serde_json::json;

use crate::app::App;
use crate::cli::{ClassifyArgs, ClassifyCommand};
use crate::exit::{Exit, UserError};
use crate::output::{print, print_json};

pub fn run(app: &App, args: ClassifyArgs) -> Result<Exit> {
    match args.command {
        Some(command) => run_command(app, command),
        None => classify_text(app, &args),
    }
}

fn classify_text(app: &App, args: &ClassifyArgs) -> Result<Exit> {
    let text = match args.text.as_slice() {
        [] => {
            return Err(UserError::usage(
                "no text to classify",
                "agent classify TEXT, or `-` to read it from stdin (agent classify --help)",
            )
            .into());
        }
        [dash] if dash == "-" => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .context("cannot read the text from stdin")?;
            text
        }
        words => words.join(" "),
    };
    let repo = args.repo.clone().or_else(|| app.repo_root());
    let (classification, min_confidence) = if args.heuristic {
        (classify::classify(&text), 0.0)
    } else {
        let (_, store) = app.config_and_store()?;
        classifier::classify_task(
            Some(&store),
            &text,
            Context {
                repo: repo.as_deref(),
                similar_files: None,
            },
        )
    };
    let (strategy, cheaper) = classifier::choose_strategy(&classification, min_confidence);
    if args.json {
        let mut value = serde_json::to_value(&classification)?;
        if let Some(object) = value.as_object_mut() {
            object.insert("strategy".into(), json!(strategy.as_str()));
            object.insert("min_confidence".into(), json!(min_confidence));
        }
        print_json(&value)?;
    } else {
        print(&format!(
            "{} ({:.0}% sure) → {}{}\n{}\n",
            classification.complexity,
            classification.confidence * 100.0,
            strategy,
            cheaper.map(|why| format!(" ({why})")).unwrap_or_default(),
            classification.reason
        ))?;
    }
    Ok(Exit::Ok)
}

fn run_command(app: &App, command: ClassifyCommand) -> Result<Exit> {
    match command {
        ClassifyCommand::Versions { json } => {
            let (_, store) = app.config_and_store()?;
            versions(&store, json)
        }
        ClassifyCommand::Use { name: version } => {
            let (_, store) = app.config_and_store()?;
            let id = match parse_version(&version)? {
                Which::Builtin => None,
                Which::Version(id) => Some(id),
                Which::Heuristic | Which::File(_) => {
                    return Err(UserError::usage(
                        format!("{version} cannot be made current"),
                        "use a version number or `builtin`; `agent classify --heuristic TEXT` tries the heuristic",
                    )
                    .into());
                }
            };
            store.use_classifier_version(id)?;
            print(&format!(
                "classifier {} is current\n",
                id.map_or("builtin".to_string(), |id| format!("v{id}"))
            ))?;
            Ok(Exit::Ok)
        }
        ClassifyCommand::Eval {
            file,
            classifier,
            predictions,
            json,
        } => eval(
            app,
            &file,
            classifier.as_deref(),
            predictions.as_deref(),
            json,
        ),
        ClassifyCommand::Train {
            since,
            data,
            output,
            test,
            folds,
            json,
        } => match (data, output) {
            (Some(data), Some(output)) => {
                train_on_file(&data, &output, test.as_deref(), folds, json)
            }
            _ => train_on_history(app, since.as_deref(), json),
        },
    }
}

enum Which {
    Builtin,
    /// A model file (`classify train --data … --output FILE`), for `eval` only.
    File(String),
    Heuristic,
    Version(i64),
}

fn parse_version(text: &str) -> Result<Which> {
    let text = text.trim();
    match text {
        "builtin" => Ok(Which::Builtin),
        "heuristic" => Ok(Which::Heuristic),
        _ if text.ends_with(".json") => Ok(Which::File(text.to_string())),
        _ => text
            .trim_start_matches('v')
            .parse::<i64>()
            .map(Which::Version)
            .map_err(|_| {
                UserError::usage(
                    format!("{text:?} is not a classifier version"),
                    "a number from `agent classify versions`, or `builtin`",
                )
                .into()
            }),
    }
}

fn versions(store: &Store, json: bool) -> Result<Exit> {
    let versions = store.classifier_versions()?;
    let builtin_current = !versions.iter().any(|v| v.active);
    if json {
        print_json(&json!({ "builtin_current": builtin_current, "versions": versions }))?;
        return Ok(Exit::Ok);
    }
    let mut out =
        String::from("  version  trained           samples  accuracy  macro-F1  source\n");
    let mark = |active: bool| if active { "*" } else { " " };
    let score = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{x:.3}"));
    for v in &versions {
        out.push_str(&format!(
            "{} {:<8} {:<17} {:>7}  {:>8}  {:>8}  {}\n",
            mark(v.active),
            format!("v{}", v.id),
            format_short(v.trained_at),
            v.samples,
            score(v.accuracy),
            score(v.macro_f1),
            v.source.as_deref().unwrap_or("-")
        ));
    }
    let builtin = Classifier::builtin()?;
    let held = builtin.model.info.held_out.as_ref();
    out.push_str(&format!(
        "{} {:<8} {:<17} {:>7}  {:>8}  {:>8}  {}\n",
        mark(builtin_current),
        "builtin",
        "shipped",
        builtin.model.info.samples,
        score(held.map(|m| m.accuracy)),
        score(held.map(|m| m.macro_f1)),
        builtin.model.info.trained_on
    ));
    print(&out)?;
    Ok(Exit::Ok)
}

fn read_file(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        UserError::not_found(
            format!("cannot read {}: {e}", path.display()),
            "give a JSONL file with one {\"text\": …, \"label\": \"simple|medium|complex\"} per line",
        )
        .into()
    })
}

fn eval(
    app: &App,
    file: &Path,
    version: Option<&str>,
    predictions_out: Option<&Path>,
    json: bool,
) -> Result<Exit> {
    let pairs = dataset::read_labelled(&file.display().to_string(), &read_file(file)?)?;
    let (_, store) = app.config_and_store()?;
    let classifier = match version.map(parse_version).transpose()? {
        None => Some(Classifier::current(&store)?),
        Some(Which::Builtin) => Some(Classifier::builtin()?),
        Some(Which::Heuristic) => None,
        Some(Which::Version(id)) => Some(Classifier {
            model: Model::from_json(&store.classifier_model(id)?)?,
            name: format!("v{id}"),
        }),
        Some(Which::File(path)) => Some(Classifier {
            model: Model::from_json(&read_file(Path::new(&path))?)?,
            name: path,
        }),
    };
    let name = classifier
        .as_ref()
        .map_or(classify::HEURISTIC.to_string(), |c| c.name.clone());
    let truth: Vec<Complexity> = pairs.iter().map(|(_, label)| *label).collect();
    let verdicts: Vec<serde_json::Value> = pairs
        .iter()
        .map(|(text, label)| match &classifier {
            Some(c) => {
                let verdict = c.classify(text, Context::default());
                let model = c
                    .model
                    .predict(&features::extract(text, Context::default()));
                json!({
                    "label": label.as_str(),
                    "predicted": verdict.complexity.as_str(),
                    "probabilities": model.probabilities,
                    "unsure": model.unsure,
                })
            }
            None => json!({
                "label": label.as_str(),
                "predicted": classify::classify(text).complexity.as_str(),
            }),
        })
        .collect();
    let predicted: Vec<Complexity> = verdicts
        .iter()
        .map(|v| {
            v["predicted"]
                .as_str()
                .and_then(Complexity::from_name)
                .unwrap_or(Complexity::Medium)
        })
        .collect();
    if let Some(out) = predictions_out {
        let mut lines = String::new();
        for verdict in &verdicts {
            lines.push_str(&verdict.to_string());
            lines.push('\n');
        }
        write_output(out, &lines)?;
    }
    let metrics = classifier::metrics::evaluate(&truth, &predicted);
    if json {
        print_json(&json!({ "classifier": name, "metrics": metrics }))?;
    } else {
        print(&format!("classifier: {name}\n{}", render_metrics(&metrics)))?;
    }
    Ok(Exit::Ok)
}

/// Writes a file the user named (`--output`, `--predictions`): an error says which and why.
fn write_output(path: &Path, contents: &str) -> Result<()> {
    std::fs::write(path, contents).map_err(|error| {
        UserError {
            message: format!("cannot write {}: {error}", path.display()),
            hint: Some("give a path in an existing directory you can write to".to_string()),
            exit: Exit::Failure,
        }
        .into()
    })
}

/// Accuracy, macro-F1, per-class F1 and the confusion matrix, one block of text.
fn render_metrics(m: &Metrics) -> String {
    let mut out = format!(
        "samples: {}\naccuracy: {:.3}\nmacro-F1: {:.3}\nF1: simple {:.3}, medium {:.3}, complex {:.3}\n\
         confusion (rows: truth, columns: predicted):\n{:<9}{:>8}{:>8}{:>8}\n",
        m.samples,
        m.accuracy,
        m.macro_f1,
        m.f1[0],
        m.f1[1],
        m.f1[2],
        "",
        "simple",
        "medium",
        "complex"
    );
    for (c, row) in Complexity::ALL.iter().zip(m.confusion) {
        out.push_str(&format!(
            "{:<9}{:>8}{:>8}{:>8}\n",
            c.as_str(),
            row[0],
            row[1],
            row[2]
        ));
    }
    out
}

fn examples(pairs: &[(String, Complexity)]) -> Vec<Example> {
    pairs
        .iter()
        .map(|(text, label)| Example {
            features: features::extract(text, Context::default()),
            label: *label,
        })
        .collect()
}

fn train_on_file(
    data: &Path,
    output: &Path,
    test: Option<&Path>,
    folds: usize,
    json: bool,
) -> Result<Exit> {
    let train = examples(&dataset::read_labelled(
        &data.display().to_string(),
        &read_file(data)?,
    )?);
    if train.is_empty() {
        return Err(UserError::usage(
            format!("{} has no labelled lines", data.display()),
            "one {\"text\": …, \"label\": …} per line",
        )
        .into());
    }
    let options = TrainOptions::default();
    let cross_validated = (folds >= 2).then(|| model::cross_validate(&train, folds, options));
    let mut fitted = Model::fit(&train, options, None);
    fitted.info.trained_on = data
        .file_name()
        .map_or("dataset".to_string(), |n| n.to_string_lossy().into_owned());
    fitted.info.cross_validated = cross_validated;
    if let Some(test) = test {
        let test_examples = examples(&dataset::read_labelled(
            &test.display().to_string(),
            &read_file(test)?,
        )?);
        fitted.info.held_out = Some(fitted.evaluate(&test_examples));
    }
    write_output(output, &fitted.to_json()?)?;
    if json {
        print_json(&json!({
            "output": output.display().to_string(),
            "samples": train.len(),
            "temperature": fitted.temperature,
            "cross_validated": fitted.info.cross_validated,
            "test": fitted.info.held_out,
        }))?;
    } else {
        let mut out = format!(
            "fitted on {} examples (temperature {:.2}), written to {}\n",
            train.len(),
            fitted.temperature,
            output.display()
        );
        if let Some(cv) = &fitted.info.cross_validated {
            out.push_str(&format!(
                "\n{folds}-fold cross-validation:\n{}",
                render_metrics(cv)
            ));
        }
        if let Some(held) = &fitted.info.held_out {
            out.push_str(&format!("\ntest split:\n{}", render_metrics(held)));
        }
        print(&out)?;
    }
    Ok(Exit::Ok)
}

fn train_on_history(app: &App, since: Option<&str>, json: bool) -> Result<Exit> {
    let (_, store) = app.config_and_store()?;
    let now = now_ms();
    let since = since.map(|t| parse_point_in_time(t, now)).transpose()?;
    let report = history::train(&store, since, now)?;
    if json {
        print_json(&report)?;
        return Ok(Exit::Ok);
    }
    let verdict = if report.activated {
        format!("v{} is now current", report.version)
    } else {
        format!(
            "v{} is stored but not current: it does not beat {} on the held-out tasks",
            report.version, report.previous_name
        )
    };
    print(&format!(
        "trained on {} finished tasks ({} simple, {} medium, {} complex), {} held out\n\
         held-out macro-F1 {:.3} (accuracy {:.3}) against {:.3} ({:.3}) for {}\n{verdict}\n",
        report.tasks,
        report.labels[0],
        report.labels[1],
        report.labels[2],
        report.held_out,
        report.candidate.macro_f1,
        report.candidate.accuracy,
        report.previous.macro_f1,
        report.previous.accuracy,
        report.previous_name
    ))?;
    Ok(Exit::Ok)
}
