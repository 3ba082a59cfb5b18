//! The router and A/B enrollment against a real (in-memory) store.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::ab::{self, Variant};
use super::*;
use crate::config::Config;
use crate::protocol::StrategyChoice;
use crate::store::{ModelCall, ModelCallOutcome, NewTask};
use crate::task::TaskStatus;

fn spec(config: &Config, role_models: BTreeMap<AgentRole, String>) -> TaskSpec {
    crate::settings::resolve_task(
        crate::settings::TaskRequest {
            description: "fix it".into(),
            repo: PathBuf::from("/nonexistent"),
            base: "HEAD".into(),
            retry_of: None,
        },
        crate::settings::TaskOverrides {
            role_models,
            ..Default::default()
        },
        config,
    )
    .unwrap()
}

/// A finished task whose `role` called `model` (openai) once.
fn seed(store: &mut Store, complexity: &str, role: &str, model: &str, ok: bool) -> String {
    let id = crate::ids::new_id();
    store
        .create_task(&NewTask {
            id: &id,
            title: "t",
            description: "t",
            repo: "/r",
            strategy: "single",
            model,
            backend: "openai",
            approval: "auto",
            spec_json: "{}",
            retry_of: None,
        })
        .unwrap();
    store.set_task_selection(&id, complexity, 0.9, "").unwrap();
    store.set_task_status(&id, TaskStatus::Running).unwrap();
    store
        .record_model_call(&ModelCall {
            task_id: Some(id.clone()),
            conversation_id: None,
            agent_role: Some(role.into()),
            backend: "openai".into(),
            model: model.into(),
            prompt_tokens: Some(70),
            completion_tokens: Some(30),
            latency_ms: None,
            first_token_ms: None,
            outcome: ModelCallOutcome::Ok,
            error: None,
            cache: None,
            reused_prompt_tokens: None,
        })
        .unwrap();
    let status = if ok {
        TaskStatus::Succeeded
    } else {
        TaskStatus::Failed
    };
    store.set_task_status(&id, status).unwrap();
    id
}

fn default_model() -> Candidate {
    Candidate::parse("base", "openai")
}

#[test]
fn history_is_counted_per_role_and_complexity_class() {
    let mut store = Store::open_in_memory().unwrap();
    seed(&mut store, "simple", "coder", "good", true);
    seed(&mut store, "simple", "coder", "good", false);
    seed(&mut store, "complex", "coder", "good", true);
    seed(&mut store, "simple", "reviewer", "good", true);
    let outcomes = store.model_outcomes("coder", "simple").unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(
        (outcomes[0].tasks, outcomes[0].succeeded, outcomes[0].tokens),
        (2, 1, 200)
    );
}

#[test]
fn routing_writes_the_choice_into_the_spec_and_leaves_pinned_roles_alone() {
    let mut store = Store::open_in_memory().unwrap();
    for _ in 0..12 {
        seed(&mut store, "simple", "coder", "good", true);
        seed(&mut store, "simple", "coder", "base", false);
        seed(&mut store, "simple", "planner", "good", true);
    }
    let mut config = Config::default();
    config.routing.coder = vec!["good".into()];
    config.routing.planner = vec!["openai:good".into()];
    config.routing.seed = Some(1);
    // The front named the planner's model: it is not routed.
    let mut task = spec(
        &config,
        BTreeMap::from([(AgentRole::Planner, "mine".to_string())]),
    );
    assert!(task.pinned_roles.contains(&AgentRole::Planner));
    let events = route_task(
        &store,
        &config.routing,
        &mut task,
        &default_model(),
        Complexity::Simple,
        &BTreeMap::new(),
    )
    .unwrap();
    assert_eq!(events.len(), 1);
    let Event::ModelSelected {
        role, model, by, ..
    } = &events[0]
    else {
        panic!("{events:?}")
    };
    assert_eq!(
        (*role, model.as_str(), *by),
        (AgentRole::Coder, "good", ModelChoice::Sampled)
    );
    assert_eq!(task.role_models[&AgentRole::Coder], "good");
    assert_eq!(task.role_models[&AgentRole::Planner], "mine");

    // Another class has no history: cold start keeps the default, and the spec is unchanged.
    let mut task = spec(&config, BTreeMap::new());
    let events = route_task(
        &store,
        &config.routing,
        &mut task,
        &default_model(),
        Complexity::Complex,
        &BTreeMap::new(),
    )
    .unwrap();
    assert!(events.iter().all(|event| matches!(
        event,
        Event::ModelSelected { by: ModelChoice::ColdStart, model, .. } if model == "base"
    )));
    assert!(task.role_models.is_empty());
}

#[test]
fn enrollment_balances_the_variants_and_applies_models_strategy_and_prompts() {
    let mut store = Store::open_in_memory().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("short.md"), "Be brief.").unwrap();
    std::fs::write(dir.path().join("long.md"), "Be thorough.").unwrap();
    let variant = |name: &str, pairs: &[&str]| {
        let pairs: Vec<String> = pairs.iter().map(|p| p.to_string()).collect();
        Variant::parse(name, &pairs, dir.path()).unwrap()
    };
    let a = variant(
        "a",
        &["coder_model=small", "strategy=single", "prompt=short.md"],
    );
    let b = variant(
        "b",
        &["coder_model=large", "strategy=multi", "prompt=long.md"],
    );
    assert_eq!(a.prompts[&AgentRole::Coder], "Be brief.");
    ab::create(&store, "t", a, b).unwrap();

    let config = Config::default();
    let mut got = Vec::new();
    for _ in 0..4 {
        let mut task = spec(&config, BTreeMap::new());
        let enrollment = ab::enroll(&store, &mut task, &mut || false).unwrap();
        let (test_id, assigned) = &enrollment.assignments[0];
        let id = seed(&mut store, "simple", "coder", "x", true);
        store
            .assign_ab_variant(test_id, &id, &assigned.variant)
            .unwrap();
        let expected = if assigned.variant == "a" {
            ("small", StrategyChoice::Single, "Be brief.")
        } else {
            ("large", StrategyChoice::Multi, "Be thorough.")
        };
        assert_eq!(task.role_models[&AgentRole::Coder], expected.0);
        assert_eq!(task.strategy, expected.1);
        assert_eq!(enrollment.prompts[&AgentRole::Coder], expected.2);
        assert_eq!(enrollment.models[&AgentRole::Coder], expected.0);
        got.push(assigned.variant.clone());
    }
    // The variant with fewer tasks gets the next one; a tie goes to the coin (here: a).
    assert_eq!(got, ["a", "b", "a", "b"]);

    // A task whose coder model the front named stays out of the test.
    let mut task = spec(
        &config,
        BTreeMap::from([(AgentRole::Coder, "mine".to_string())]),
    );
    let enrollment = ab::enroll(&store, &mut task, &mut || false).unwrap();
    assert!(enrollment.assignments.is_empty());
    assert_eq!(task.role_models[&AgentRole::Coder], "mine");

    // A stopped test enrolls nobody.
    report::stop(&store, "t", None).unwrap();
    let mut task = spec(&config, BTreeMap::new());
    assert!(
        ab::enroll(&store, &mut task, &mut || false)
            .unwrap()
            .assignments
            .is_empty()
    );
}
