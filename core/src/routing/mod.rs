//! Model routing and A/B tests: which model each role of a task talks to, chosen once per task
//! (so prompt caches hold) before the task is recorded.
//!
//! For a role with candidates (`routing.<role>`), the router reads the store's history for the
//! task's complexity class (finished tasks in which the role called each candidate, their
//! successes and tokens, [`Store::model_outcomes`]) and picks by Thompson sampling
//! ([`thompson`]). While no candidate has a finished task of that class (cold start) the role
//! keeps its configured default (`roles.<role>.model`, else the task's model), which is always
//! a candidate. A running A/B test ([`ab`]) sets what its variants set before the router runs;
//! a role whose model the front named itself is left alone. Every choice is a `model_selected`
//! event with the numbers behind it.

pub mod ab;
pub mod candidate;
pub mod report;
pub mod significance;
pub mod thompson;

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::config::RoutingConfig;
use crate::error::Result;
use crate::protocol::{AgentRole, CandidateScore, Complexity, Event, ModelChoice, TaskSpec};
use crate::store::Store;

pub use candidate::Candidate;

/// A random source for one task: from `seed` mixed with `salt` (the same seed and history give
/// the same draws), or fresh.
pub fn rng(seed: Option<u64>, salt: u64) -> StdRng {
    match seed {
        Some(seed) => StdRng::seed_from_u64(seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        None => StdRng::from_os_rng(),
    }
}

/// Chooses the model of each routed role of a task and writes the choices into
/// `spec.role_models`. `default` is the task's model as resolved (its backend serves bare
/// candidate names); `ab_models` are the role models an A/B test set (not routed, but said).
/// Returns the `model_selected` events, in role order.
pub fn route_task(
    store: &Store,
    config: &RoutingConfig,
    spec: &mut TaskSpec,
    default: &Candidate,
    complexity: Complexity,
    ab_models: &BTreeMap<AgentRole, String>,
) -> Result<Vec<Event>> {
    let mut events = Vec::new();
    for role in AgentRole::TASK_ROLES {
        let configured = config.candidates(role);
        if configured.is_empty() || spec.pinned_roles.contains(&role) {
            continue;
        }
        if let Some(model) = ab_models.get(&role) {
            let chosen = Candidate::parse(model, &default.backend);
            events.push(Event::ModelSelected {
                role,
                model: chosen.spec,
                backend: chosen.backend,
                by: ModelChoice::AbTest,
                complexity,
                reason: "set by a running A/B test (see ab_assigned)".into(),
                candidates: Vec::new(),
            });
            continue;
        }
        let role_default = spec
            .role_models
            .get(&role)
            .map(|name| Candidate::parse(name, &default.backend))
            .unwrap_or_else(|| default.clone());
        let (chosen, event) =
            route_role(store, config, role, complexity, &role_default, configured)?;
        if !chosen.same_model(&role_default) {
            spec.role_models.insert(role, chosen.spec.clone());
        }
        events.push(event);
    }
    Ok(events)
}

/// Chooses `role`'s model among `configured` and `default` from the history of `complexity`.
pub fn route_role(
    store: &Store,
    config: &RoutingConfig,
    role: AgentRole,
    complexity: Complexity,
    default: &Candidate,
    configured: &[String],
) -> Result<(Candidate, Event)> {
    let mut candidates = vec![default.clone()];
    for spec in configured {
        let candidate = Candidate::parse(spec, &default.backend);
        if !candidate.model.is_empty() && !candidates.iter().any(|c| c.same_model(&candidate)) {
            candidates.push(candidate);
        }
    }
    let history = store.model_outcomes(role.as_str(), complexity.as_str())?;
    let arms: Vec<thompson::Arm> = candidates
        .iter()
        .map(|candidate| {
            history
                .iter()
                .find(|o| o.backend == candidate.backend && o.model == candidate.model)
                .map_or_else(thompson::Arm::default, |o| thompson::Arm {
                    tasks: o.tasks,
                    succeeded: o.succeeded,
                    mean_tokens: (o.tasks > 0).then(|| o.tokens as f64 / o.tasks as f64),
                })
        })
        .collect();
    let observed: u64 = arms.iter().map(|arm| arm.tasks).sum();
    let score = |index: usize, draw: Option<&thompson::Draw>| CandidateScore {
        model: candidates[index].spec.clone(),
        backend: candidates[index].backend.clone(),
        tasks: arms[index].tasks,
        succeeded: arms[index].succeeded,
        posterior_mean: arms[index].posterior_mean(),
        mean_tokens: arms[index].mean_tokens.map(|tokens| tokens.round() as u64),
        sample: draw.map(|d| d.sample),
        score: draw.map(|d| d.score),
    };
    if observed == 0 {
        let scores = (0..candidates.len()).map(|i| score(i, None)).collect();
        let reason = format!(
            "cold start: no finished {complexity} task of the {role}'s candidates yet; the configured default"
        );
        return Ok((
            default.clone(),
            selected(
                role,
                &candidates[0],
                ModelChoice::ColdStart,
                complexity,
                reason,
                scores,
            ),
        ));
    }
    let salt = observed ^ (role as u64).wrapping_shl(32);
    let weight = f64::from(config.cost_weight.min(100)) / 100.0;
    let (best, draws) = thompson::choose(&arms, weight, &mut rng(config.seed, salt));
    let scores: Vec<CandidateScore> = draws
        .iter()
        .enumerate()
        .map(|(i, draw)| score(i, Some(draw)))
        .collect();
    let winner = &scores[best];
    let reason = format!(
        "Thompson sampling over {observed} finished {complexity} task(s): {} drew {:.2} − cost {:.2} = {:.2}, the best of {} (posterior mean {:.2} over {} task(s))",
        winner.model,
        winner.sample.unwrap_or_default(),
        winner.sample.unwrap_or_default() - winner.score.unwrap_or_default(),
        winner.score.unwrap_or_default(),
        scores.len(),
        winner.posterior_mean,
        winner.tasks,
    );
    Ok((
        candidates[best].clone(),
        selected(
            role,
            &candidates[best],
            ModelChoice::Sampled,
            complexity,
            reason,
            scores,
        ),
    ))
}

fn selected(
    role: AgentRole,
    chosen: &Candidate,
    by: ModelChoice,
    complexity: Complexity,
    reason: String,
    candidates: Vec<CandidateScore>,
) -> Event {
    Event::ModelSelected {
        role,
        model: chosen.spec.clone(),
        backend: chosen.backend.clone(),
        by,
        complexity,
        reason,
        candidates,
    }
}

#[cfg(test)]
mod tests;
