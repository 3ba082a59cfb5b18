//! Which model each role of a task got, and why: routed (Thompson sampling, or the default on a
//! cold start), set by an A/B test, pinned by the front (`--model`, `--<role>-model`, a
//! request's body), configured (`roles.<role>`), the task's default, or the fallback that took
//! over. Read from the task's `model_selected`, `fallback_used` and `model_begin` events and its
//! stored spec, for `agent task show` and `GET /v1/tasks/{id}`.

use serde::Serialize;

use crate::protocol::{AgentRole, Event, EventEnvelope, TaskSpec};
use crate::store::TaskRecord;

/// One role's model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleModel {
    pub role: AgentRole,
    /// As the task names it (`backend:model` for a candidate on another backend).
    pub model: String,
    pub backend: String,
    /// `sampled`, `cold_start`, `ab_test`, `pinned`, `configured`, `default` or `fallback`.
    pub by: &'static str,
    /// One line: why this model.
    pub reason: String,
}

/// A task as `task show --json` and `GET /v1/tasks/{id}` answer it: its record and its roles'
/// models.
#[derive(Debug, Serialize)]
pub struct TaskView {
    #[serde(flatten)]
    pub task: TaskRecord,
    pub role_models: Vec<RoleModel>,
}

impl TaskView {
    /// `task` with its roles' models read from its `events`.
    pub fn new(task: TaskRecord, events: &[EventEnvelope]) -> Self {
        let role_models = role_models(&task, events);
        Self { task, role_models }
    }
}

/// The models of `task`'s roles, from its `events` and stored spec: the roles that were routed,
/// set or asked, in role order (the coder alone when none was).
pub fn role_models(task: &TaskRecord, events: &[EventEnvelope]) -> Vec<RoleModel> {
    let spec: Option<TaskSpec> = task
        .spec
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    let default_model = task.model.clone().unwrap_or_default();
    let default_backend = task.backend.clone().unwrap_or_default();
    let mut roles: Vec<AgentRole> = Vec::new();
    let mut note = |role: AgentRole| {
        if !roles.contains(&role) && AgentRole::TASK_ROLES.contains(&role) {
            roles.push(role);
        }
    };
    for envelope in events {
        match &envelope.event {
            Event::ModelSelected { role, .. } | Event::ModelBegin { role, .. } => note(*role),
            _ => {}
        }
    }
    if let Some(spec) = &spec {
        spec.role_models.keys().copied().for_each(&mut note);
    }
    if roles.is_empty() {
        roles.push(AgentRole::Coder);
    }
    roles.sort();

    roles
        .into_iter()
        .map(|role| {
            let mut chosen = chosen_for(role, spec.as_ref(), events, &default_model);
            if chosen.backend.is_empty() {
                chosen.backend = default_backend.clone();
            }
            fallback_of(&mut chosen, events);
            chosen
        })
        .collect()
}

/// The model `role` was given before the task ran: the router's or an A/B test's choice, else
/// the spec's.
fn chosen_for(
    role: AgentRole,
    spec: Option<&TaskSpec>,
    events: &[EventEnvelope],
    default_model: &str,
) -> RoleModel {
    let selected = events
        .iter()
        .rev()
        .find_map(|envelope| match &envelope.event {
            Event::ModelSelected {
                role: r,
                model,
                backend,
                by,
                reason,
                ..
            } if *r == role => Some(RoleModel {
                role,
                model: model.clone(),
                backend: backend.clone(),
                by: by.as_str(),
                reason: reason.clone(),
            }),
            _ => None,
        });
    if let Some(selected) = selected {
        return selected;
    }
    let own = spec.and_then(|spec| spec.role_models.get(&role));
    let pinned = spec.is_some_and(|spec| spec.pinned_roles.contains(&role));
    match (own, pinned) {
        (Some(model), true) => RoleModel {
            role,
            model: model.clone(),
            backend: String::new(),
            by: "pinned",
            reason: format!("named for the {role} by the front (--{role}-model or the request)"),
        },
        (None, true) => RoleModel {
            role,
            model: default_model.to_string(),
            backend: String::new(),
            by: "pinned",
            reason: "named by the front (--model or the request); not routed".into(),
        },
        (Some(model), false) => RoleModel {
            role,
            model: model.clone(),
            backend: String::new(),
            by: "configured",
            reason: format!("roles.{role} in the configuration"),
        },
        (None, false) => RoleModel {
            role,
            model: default_model.to_string(),
            backend: String::new(),
            by: "default",
            reason: "the task's model (no candidates in routing.".to_string() + role.as_str() + ")",
        },
    }
}

/// Marks `chosen` as the fallback's when the task went to the fallback and the role's requests
/// after that went there.
fn fallback_of(chosen: &mut RoleModel, events: &[EventEnvelope]) {
    let Some((at, reason, from, to, detail)) =
        events
            .iter()
            .enumerate()
            .find_map(|(index, envelope)| match &envelope.event {
                Event::FallbackUsed {
                    reason,
                    from,
                    to,
                    detail,
                } => Some((index, reason, from, to, detail)),
                _ => None,
            })
    else {
        return;
    };
    let (backend, model) = to.split_once(':').unwrap_or(("", to.as_str()));
    let went = events[at..].iter().any(|envelope| {
        matches!(&envelope.event, Event::ModelBegin { role, model: m, .. }
            if *role == chosen.role && m == model)
    });
    if went {
        chosen.reason = format!(
            "the fallback ({}: {detail}); {from} was chosen ({}: {})",
            reason.as_str(),
            chosen.by,
            chosen.reason
        );
        chosen.model = model.to_string();
        chosen.backend = backend.to_string();
        chosen.by = "fallback";
    }
}
