//! An A/B test's numbers: per variant success rate, tokens and time of its finished tasks, the
//! significance test between them, and stopping the test with a winner.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ab::{self, VARIANTS};
use super::significance::{self, ZTest};
use crate::error::{Error, Result};
use crate::store::{AbTestRecord, Store};
use crate::time::Millis;

/// One variant's numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariantReport {
    pub name: String,
    pub settings: BTreeMap<String, String>,
    /// Tasks assigned, finished or not.
    pub assigned: u64,
    /// Tasks that succeeded or failed (the ones compared).
    pub finished: u64,
    pub succeeded: u64,
    /// succeeded / finished; `None` without finished tasks.
    pub success_rate: Option<f64>,
    /// Prompt + completion tokens per finished task.
    pub mean_tokens: Option<f64>,
    /// Wall time per finished task, in seconds.
    pub mean_seconds: Option<f64>,
}

/// The significance test between the variants.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The test's name, as printed.
    pub method: &'static str,
    /// `None` until both variants have finished tasks.
    #[serde(flatten)]
    pub test: Option<ZTest>,
    /// p-value below [`significance::ALPHA`].
    pub significant: bool,
    /// The variant with the better numbers so far (success rate, then fewer tokens).
    pub better: Option<String>,
}

/// A test's status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AbReport {
    pub name: String,
    /// `running` or `stopped`.
    pub status: String,
    pub created_at: Millis,
    pub stopped_at: Option<Millis>,
    pub winner: Option<String>,
    pub variants: Vec<VariantReport>,
    pub comparison: Comparison,
}

/// The numbers of the test called `name`.
pub fn report(store: &Store, name: &str) -> Result<AbReport> {
    let test = store.ab_test(name)?;
    report_of(store, &test)
}

/// The numbers of every test, newest first.
pub fn report_all(store: &Store) -> Result<Vec<AbReport>> {
    store
        .ab_tests()?
        .iter()
        .map(|test| report_of(store, test))
        .collect()
}

fn report_of(store: &Store, test: &AbTestRecord) -> Result<AbReport> {
    let totals = store.ab_variant_totals(&test.id)?;
    let variants: Vec<VariantReport> = ab::variants_of(test)?
        .into_iter()
        .map(|variant| {
            let total = totals
                .iter()
                .find(|total| total.variant == variant.name)
                .cloned()
                .unwrap_or_default();
            let per_task =
                |sum: u64| (total.finished > 0).then(|| sum as f64 / total.finished as f64);
            VariantReport {
                success_rate: per_task(total.succeeded),
                mean_tokens: per_task(total.tokens),
                mean_seconds: per_task(total.duration_ms).map(|ms| ms / 1000.0),
                name: variant.name,
                settings: variant.settings,
                assigned: total.assigned,
                finished: total.finished,
                succeeded: total.succeeded,
            }
        })
        .collect();
    let comparison = compare(&variants);
    Ok(AbReport {
        name: test.name.clone(),
        status: test.status.clone(),
        created_at: test.created_at,
        stopped_at: test.stopped_at,
        winner: test.winner.clone(),
        variants,
        comparison,
    })
}

fn compare(variants: &[VariantReport]) -> Comparison {
    let (Some(a), Some(b)) = (variants.first(), variants.get(1)) else {
        return Comparison {
            method: significance::METHOD,
            test: None,
            significant: false,
            better: None,
        };
    };
    let test = significance::two_proportion(a.succeeded, a.finished, b.succeeded, b.finished);
    Comparison {
        method: significance::METHOD,
        significant: test.is_some_and(|test| test.p_value < significance::ALPHA),
        test,
        better: better_of(a, b).map(|variant| variant.name.clone()),
    }
}

/// The variant with the higher success rate, then the fewer tokens per task; `None` while
/// neither has finished tasks or they are even.
fn better_of<'a>(a: &'a VariantReport, b: &'a VariantReport) -> Option<&'a VariantReport> {
    let rate = |v: &VariantReport| v.success_rate.unwrap_or(-1.0);
    if a.finished == 0 && b.finished == 0 {
        return None;
    }
    if rate(a) != rate(b) {
        return Some(if rate(a) > rate(b) { a } else { b });
    }
    let tokens = |v: &VariantReport| v.mean_tokens.unwrap_or(f64::MAX);
    match tokens(a).partial_cmp(&tokens(b)) {
        Some(std::cmp::Ordering::Less) => Some(a),
        Some(std::cmp::Ordering::Greater) => Some(b),
        _ => None,
    }
}

/// Stops the test called `name`, keeping `winner` (`a` or `b`; `None`: the better one so far,
/// `a` when they are even).
pub fn stop(store: &Store, name: &str, winner: Option<&str>) -> Result<AbReport> {
    let test = store.ab_test(name)?;
    if test.status != "running" {
        return Err(Error::AbTest {
            message: format!(
                "A/B test `{name}` was stopped already (winner {})",
                test.winner.as_deref().unwrap_or("none")
            ),
            hint: "`agent ab status NAME` shows its numbers".into(),
        });
    }
    let winner = match winner {
        Some(winner) if VARIANTS.contains(&winner) => winner.to_string(),
        Some(other) => {
            return Err(Error::AbTest {
                message: format!("`{other}` is not a variant"),
                hint: "use --winner a or --winner b".into(),
            });
        }
        None => report_of(store, &test)?
            .comparison
            .better
            .unwrap_or_else(|| VARIANTS[0].to_string()),
    };
    store.stop_ab_test(&test.id, &winner)?;
    report(store, name)
}
