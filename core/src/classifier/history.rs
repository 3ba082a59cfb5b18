//! Learning from the user's own finished tasks: the effort a task took becomes its label, a
//! candidate model is fitted (warm-started from the current one) on most tasks, and it becomes
//! current only when it beats the current model on the tasks held out.
//!
//! # Label mapping
//!
//! | label   | observed effort                                                                 |
//! |---------|---------------------------------------------------------------------------------|
//! | simple  | succeeded with at most 4 model requests, 1 iteration, no review round, at most 1 file and 20 lines changed |
//! | complex | failed, or 4+ files or 200+ lines changed, or 2+ review rounds, 4+ iterations, 20+ model requests or 300,000+ tokens |
//! | medium  | everything between                                                              |

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use super::Classifier;
use super::features::{self, Context};
use super::metrics::Metrics;
use super::model::{Example, Model, TrainOptions};
use crate::classify::Complexity;
use crate::error::{Error, Result};
use crate::store::{NewClassifierVersion, Store, TaskEffort};
use crate::time::Millis;

/// Training needs at least this many finished tasks.
pub const MIN_TASKS: usize = 8;
/// Of the past tasks, the newest this many are compared for similarity.
const SIMILAR_WINDOW: usize = 300;
/// Word-set overlap (Jaccard) from which a past task counts as similar.
const SIMILAR_AT: f64 = 0.3;

/// The label of a finished task's effort (the table in the module documentation).
pub fn label(effort: &TaskEffort) -> Complexity {
    if effort.status != "succeeded"
        || effort.files_changed >= 4
        || effort.lines_changed >= 200
        || effort.review_rounds >= 2
        || effort.iterations >= 4
        || effort.turns >= 20
        || effort.tokens >= 300_000
    {
        Complexity::Complex
    } else if effort.turns <= 4
        && effort.iterations <= 1
        && effort.review_rounds == 0
        && effort.files_changed <= 1
        && effort.lines_changed <= 20
    {
        Complexity::Simple
    } else {
        Complexity::Medium
    }
}

/// What `agent classify train` did.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    /// The stored version's id.
    pub version: i64,
    pub activated: bool,
    pub tasks: usize,
    pub held_out: usize,
    /// Held-out scores of the new model and of the one that was current (`previous_name`).
    pub candidate: Metrics,
    pub previous: Metrics,
    pub previous_name: String,
    /// Tasks per label: simple, medium, complex.
    pub labels: [usize; 3],
}

/// Fits a version on the tasks finished since `since`, stores it and makes it current when
/// its held-out macro-F1 (then accuracy) beats the current model's.
pub fn train(store: &Store, since: Option<Millis>, now: Millis) -> Result<TrainReport> {
    let efforts = store.finished_task_efforts(since)?;
    if efforts.len() < MIN_TASKS {
        return Err(Error::InvalidArgument(format!(
            "{} finished task(s){}; training needs at least {MIN_TASKS} (run more tasks, or drop --since)",
            efforts.len(),
            if since.is_some() {
                " in that period"
            } else {
                ""
            }
        )));
    }
    let mut examples = Vec::with_capacity(efforts.len());
    for (i, effort) in efforts.iter().enumerate() {
        let earlier = &efforts[i.saturating_sub(SIMILAR_WINDOW)..i];
        let context = Context {
            repo: Some(Path::new(&effort.repo)).filter(|p| p.is_dir()),
            similar_files: most_similar(earlier, &effort.description),
        };
        examples.push(Example {
            features: features::extract(&effort.description, context),
            label: label(effort),
        });
    }
    let mut labels = [0usize; 3];
    for example in &examples {
        labels[example.label as usize] += 1;
    }
    // Every fourth task (by position, at least two) is held out.
    let (train, held_out): (Vec<Example>, Vec<Example>) = {
        let (a, b): (Vec<_>, Vec<_>) = examples
            .into_iter()
            .enumerate()
            .partition(|(i, _)| i % 4 != 3);
        (
            a.into_iter().map(|(_, e)| e).collect(),
            b.into_iter().map(|(_, e)| e).collect(),
        )
    };
    let current = Classifier::current(store).or_else(|_| Classifier::builtin())?;
    let options = TrainOptions {
        epochs: 20,
        ..TrainOptions::default()
    };
    let mut candidate = Model::fit(&train, options, Some(&current.model));
    let candidate_scores = candidate.evaluate(&held_out);
    let previous_scores = current.model.evaluate(&held_out);
    let activated = beats(&candidate_scores, &previous_scores);
    candidate.info.trained_on = "history".to_string();
    candidate.info.held_out = Some(candidate_scores.clone());
    let metrics = serde_json::json!({
        "candidate": candidate_scores,
        "previous": previous_scores,
        "previous_name": current.name,
        "labels": labels,
    })
    .to_string();
    let model_json = candidate.to_json()?;
    let version = store.add_classifier_version(
        &NewClassifierVersion {
            trained_at: now,
            samples: train.len(),
            accuracy: candidate_scores.accuracy,
            macro_f1: candidate_scores.macro_f1,
            source: "history",
            model: &model_json,
            metrics: &metrics,
        },
        activated,
    )?;
    Ok(TrainReport {
        version,
        activated,
        tasks: efforts.len(),
        held_out: held_out.len(),
        candidate: candidate_scores,
        previous: previous_scores,
        previous_name: current.name,
        labels,
    })
}

/// Whether `new` beats `old`: a higher macro-F1, or the same and a higher accuracy.
pub fn beats(new: &Metrics, old: &Metrics) -> bool {
    const EPSILON: f64 = 1e-9;
    new.macro_f1 > old.macro_f1 + EPSILON
        || ((new.macro_f1 - old.macro_f1).abs() <= EPSILON && new.accuracy > old.accuracy + EPSILON)
}

/// How many files the finished task most like `text` changed, if one is alike enough.
pub fn similar_files(store: &Store, text: &str) -> Option<usize> {
    let efforts = store.finished_task_efforts(None).ok()?;
    let start = efforts.len().saturating_sub(SIMILAR_WINDOW);
    most_similar(&efforts[start..], text)
}

fn most_similar(efforts: &[TaskEffort], text: &str) -> Option<usize> {
    let words = word_set(text);
    if words.is_empty() {
        return None;
    }
    efforts
        .iter()
        .map(|e| (jaccard(&words, &word_set(&e.description)), e.files_changed))
        .filter(|(score, _)| *score >= SIMILAR_AT)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, files)| files.max(0) as usize)
}

fn word_set(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .take(400)
        .map(str::to_lowercase)
        .collect()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let common = a.intersection(b).count();
    let all = a.len() + b.len() - common;
    if all == 0 {
        0.0
    } else {
        common as f64 / all as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effort(status: &str, turns: i64, files: i64, lines: i64) -> TaskEffort {
        TaskEffort {
            id: "t".into(),
            description: "d".into(),
            repo: "/nowhere".into(),
            status: status.into(),
            strategy: None,
            turns,
            iterations: 1,
            review_rounds: 0,
            tokens: 1000,
            files_changed: files,
            lines_changed: lines,
            finished_at: 0,
        }
    }

    #[test]
    fn effort_maps_to_labels() {
        assert_eq!(label(&effort("succeeded", 2, 1, 5)), Complexity::Simple);
        assert_eq!(label(&effort("succeeded", 6, 2, 40)), Complexity::Medium);
        assert_eq!(label(&effort("succeeded", 3, 5, 40)), Complexity::Complex);
        assert_eq!(label(&effort("failed", 1, 0, 0)), Complexity::Complex);
    }

    #[test]
    fn similar_tasks_are_found_by_word_overlap() {
        let mut a = effort("succeeded", 2, 3, 10);
        a.description = "add a retry flag to the upload command".into();
        let mut b = effort("succeeded", 2, 7, 10);
        b.description = "rewrite the storage engine".into();
        assert_eq!(
            most_similar(
                &[a.clone(), b.clone()],
                "add a retry flag to the download command"
            ),
            Some(3)
        );
        assert_eq!(most_similar(&[a, b], "something unrelated entirely"), None);
    }
}
