//! One resolution of a task's settings from what a front was told (flags, a slash command, an
//! HTTP body) and the configuration: every front builds its [`TaskSpec`] here, so a task started
//! from the chat gets the same role models, clamps and checks as `agent task run`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::config::{Approval, Config};
use crate::error::{Error, Result};
use crate::protocol::{AgentRole, StrategyChoice, TaskSpec};
use crate::turn::Limits;
use crate::verify::{VerifyCommand, VerifySource};

/// What a front may choose for a task; `None` (or empty) takes the configuration's value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskOverrides {
    pub strategy: Option<String>,
    pub approval: Option<String>,
    pub verify: Option<String>,
    pub max_turns: Option<u32>,
    pub max_iterations: Option<u32>,
    pub max_review_rounds: Option<u32>,
    /// Limits without a configuration key (flags only); `None` is the built-in default.
    pub max_tool_calls: Option<u32>,
    pub max_tokens_total: Option<u64>,
    pub timeout_seconds: Option<u64>,
    /// The default model; `None` is the configured one.
    pub model: Option<String>,
    /// Models of particular roles (planner, coder, reviewer, tester).
    pub role_models: BTreeMap<AgentRole, String>,
    /// Skip the answer cache (`--no-cache`).
    pub no_cache: bool,
}

/// What the task is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRequest {
    pub description: String,
    pub repo: PathBuf,
    pub base: String,
    pub retry_of: Option<String>,
}

/// The task's spec: `overrides` over `config`, every value checked. The destructuring makes a
/// new override impossible to forget.
pub fn resolve_task(
    request: TaskRequest,
    overrides: TaskOverrides,
    config: &Config,
) -> Result<TaskSpec> {
    let TaskOverrides {
        strategy,
        approval,
        verify,
        max_turns,
        max_iterations,
        max_review_rounds,
        max_tool_calls,
        max_tokens_total,
        timeout_seconds,
        model,
        role_models,
        no_cache,
    } = overrides;
    let TaskRequest {
        description,
        repo,
        base,
        retry_of,
    } = request;
    let strategy_name = strategy.unwrap_or_else(|| config.task.strategy.clone());
    let strategy = StrategyChoice::from_name(&strategy_name).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "unknown strategy `{strategy_name}` (use one of: {})",
            StrategyChoice::NAMES.join(", ")
        ))
    })?;
    let approval = match approval {
        Some(name) => Approval::from_name(&name).ok_or_else(|| {
            Error::InvalidArgument(format!(
                "unknown approval policy `{name}` (use one of: auto, on-write, on-command, always)"
            ))
        })?,
        None => config.task.approval,
    };
    let verify = match (verify, &config.task.verify) {
        (Some(command), _) => Some(VerifyCommand {
            command,
            source: VerifySource::Flag,
        }),
        (None, Some(command)) => Some(VerifyCommand {
            command: command.clone(),
            source: VerifySource::Config,
        }),
        (None, None) => None,
    };
    let defaults = Limits::default();
    let mut roles: BTreeMap<AgentRole, String> = [
        (AgentRole::Planner, &config.roles.planner),
        (AgentRole::Coder, &config.roles.coder),
        (AgentRole::Reviewer, &config.roles.reviewer),
        (AgentRole::Tester, &config.roles.tester),
    ]
    .into_iter()
    .filter_map(|(role, model)| Some((role, model.clone()?)))
    .collect();
    // What the front named itself stays as it is: no routing, no A/B test.
    let pinned_roles = if model.is_some() {
        AgentRole::TASK_ROLES.into_iter().collect()
    } else {
        role_models
            .iter()
            .filter(|(_, model)| !model.trim().is_empty())
            .map(|(role, _)| *role)
            .collect()
    };
    roles.extend(role_models);
    roles.retain(|_, model| !model.trim().is_empty());
    Ok(TaskSpec {
        description,
        repo: repo.canonicalize().unwrap_or(repo),
        base,
        strategy,
        verify,
        approval,
        limits: Limits {
            max_turns: max_turns.unwrap_or(config.task.max_turns),
            max_tool_calls: max_tool_calls.unwrap_or(defaults.max_tool_calls),
            max_tokens: max_tokens_total.unwrap_or(defaults.max_tokens),
            max_seconds: timeout_seconds.unwrap_or(defaults.max_seconds),
            max_turn_tokens: Some(config.task.max_turn_tokens),
        },
        retry_of,
        max_iterations: max_iterations.unwrap_or(config.task.max_iterations).max(1),
        max_review_rounds: max_review_rounds.unwrap_or(config.task.max_review_rounds),
        model,
        role_models: roles,
        pinned_roles,
        untrusted: None,
        no_cache,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> TaskRequest {
        TaskRequest {
            description: "fix it".into(),
            repo: PathBuf::from("/nonexistent/repo"),
            base: "HEAD".into(),
            retry_of: None,
        }
    }

    #[test]
    fn configuration_fills_what_the_front_left_open_and_flags_win() {
        let mut config = Config::default();
        config.roles.planner = Some("big".into());
        config.roles.reviewer = Some("sharp".into());
        config.task.max_iterations = 0;
        config.task.verify = Some("make check".into());
        let spec = resolve_task(
            request(),
            TaskOverrides {
                role_models: BTreeMap::from([(AgentRole::Reviewer, "sharper".to_string())]),
                ..TaskOverrides::default()
            },
            &config,
        )
        .unwrap();
        assert_eq!(spec.role_models[&AgentRole::Planner], "big");
        assert_eq!(spec.role_models[&AgentRole::Reviewer], "sharper");
        assert_eq!(spec.max_iterations, 1, "at least one round");
        assert_eq!(spec.verify.unwrap().source, VerifySource::Config);
        assert_eq!(spec.strategy.as_str(), config.task.strategy);
        assert_eq!(spec.approval, config.task.approval);

        let flagged = resolve_task(
            request(),
            TaskOverrides {
                verify: Some("pytest".into()),
                approval: Some("auto".into()),
                max_turns: Some(3),
                ..TaskOverrides::default()
            },
            &config,
        )
        .unwrap();
        assert_eq!(flagged.verify.unwrap().source, VerifySource::Flag);
        assert_eq!(flagged.approval, Approval::Auto);
        assert_eq!(flagged.limits.max_turns, 3);
    }

    #[test]
    fn unknown_names_are_refused_with_the_choices() {
        let config = Config::default();
        for overrides in [
            TaskOverrides {
                strategy: Some("fast".into()),
                ..TaskOverrides::default()
            },
            TaskOverrides {
                approval: Some("never".into()),
                ..TaskOverrides::default()
            },
        ] {
            let error = resolve_task(request(), overrides, &config).unwrap_err();
            assert!(error.to_string().contains("use one of"), "{error}");
        }
    }
}
