//! A task's events as log lines: the one wording `agent task logs` prints and the chat's tasks
//! view shows, each line with the tone it is painted in (`None`: plain).

use agent_core::protocol::Event;
use agent_core::task::TaskStatus;

use crate::style::Tone;

/// One event as text (possibly several lines) and its tone; `None` for events a log leaves
/// out. Model text comes back as it streamed: a log joins consecutive deltas itself.
pub fn describe(event: &Event) -> Option<(Option<Tone>, String)> {
    let ok_or_bad = |ok: bool| Some(if ok { Tone::Good } else { Tone::Bad });
    let suffix = |detail: &str| {
        if detail.is_empty() {
            String::new()
        } else {
            format!(": {detail}")
        }
    };
    Some(match event {
        Event::TaskCreated {
            title,
            model,
            backend,
            ..
        } => (
            Some(Tone::Strong),
            format!("task created: {title} (model {model} on {backend})"),
        ),
        Event::TaskStatus(change) => (
            Some(status_tone(change.to)),
            format!(
                "status {} → {}{}",
                change.from,
                change.to,
                suffix(change.reason.as_deref().unwrap_or(""))
            ),
        ),
        Event::StrategySelected { reason, .. } => (None, format!("strategy: {reason}")),
        Event::ModelSelected {
            role,
            model,
            backend,
            reason,
            ..
        } => (
            None,
            format!("{role} model: {model} on {backend} ({reason})"),
        ),
        Event::AbAssigned(assigned) => (
            None,
            format!(
                "A/B test {}: variant {} ({})",
                assigned.test,
                assigned.variant,
                assigned
                    .settings
                    .iter()
                    .map(|(key, value)| format!("{key}={value}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        Event::PlanReady { plan } => (
            None,
            format!(
                "plan: {} step(s)\n{}",
                plan.steps.len(),
                plan.render().trim_end()
            ),
        ),
        Event::ReviewVerdict {
            round,
            approved,
            comments,
        } => (
            ok_or_bad(*approved),
            format!(
                "review round {round}: {}\n{comments}",
                if *approved {
                    "approved"
                } else {
                    "changes requested"
                }
            )
            .trim_end()
            .to_string(),
        ),
        Event::WorkspaceReady {
            branch, worktree, ..
        } => (None, format!("worktree {worktree} on {branch}")),
        Event::StepBegin {
            step,
            role,
            iteration,
            detail,
            ..
        } => (
            Some(Tone::Highlight),
            format!(
                "step {} begins{}{}{}",
                step,
                role.map(|r| format!(" ({r})")).unwrap_or_default(),
                iteration
                    .map(|n| format!(", round {n}"))
                    .unwrap_or_default(),
                suffix(detail)
            ),
        ),
        Event::StepEnd { ok, detail, .. } => (
            ok_or_bad(*ok),
            format!(
                "step ends {}{}",
                if *ok { "ok" } else { "failed" },
                suffix(detail)
            ),
        ),
        Event::ModelBegin {
            role,
            model,
            turn,
            estimated_prompt_tokens,
            ..
        } => (
            None,
            format!("{role} turn {turn} → {model} (~{estimated_prompt_tokens} prompt tokens)"),
        ),
        Event::ModelDelta { text, .. } => (Some(Tone::Assistant), text.clone()),
        Event::ModelEnd {
            reason,
            prompt_tokens,
            completion_tokens,
            duration_ms,
            cache,
            reused_prompt_tokens,
            ..
        } => (
            Some(Tone::Dim),
            format!(
                "model done: {reason}, {prompt_tokens}+{completion_tokens} tokens{}, {:.1} s{}",
                reused_note(*reused_prompt_tokens),
                *duration_ms as f64 / 1000.0,
                if *cache == Some(agent_core::protocol::CacheOutcome::Hit) {
                    " (from the answer cache)"
                } else {
                    ""
                }
            ),
        ),
        Event::ToolCallBegin {
            name, arguments, ..
        } => (Some(Tone::Tool), format!("tool {name} {arguments}")),
        Event::ToolCallEnd {
            name, ok, output, ..
        } => (
            ok_or_bad(*ok),
            format!(
                "tool {name} {}: {}",
                if *ok { "ok" } else { "failed" },
                output.lines().next().unwrap_or("")
            ),
        ),
        Event::ApprovalRequest { kind, subject, .. } => (
            Some(Tone::Warn),
            format!("approval asked: {kind:?} {subject}"),
        ),
        Event::ApprovalDecision(decision) => (
            ok_or_bad(decision.approved),
            format!(
                "approval {} by {:?}{}",
                if decision.approved {
                    "given"
                } else {
                    "refused"
                },
                decision.by,
                suffix(&decision.reason)
            ),
        ),
        Event::Usage { .. }
        | Event::TurnBegin { .. }
        | Event::TurnEnd { .. }
        | Event::ConversationLoaded { .. } => return None,
        Event::VerifyBegin { command, source } => (None, format!("verify `{command}` ({source})")),
        Event::VerifyEnd {
            passed,
            exit_code,
            timed_out,
            duration_ms,
            output,
        } => {
            let mut text = format!(
                "verify {} (exit code {}{}) in {:.1} s",
                if *passed { "passed" } else { "failed" },
                exit_code.map_or("none".into(), |c| c.to_string()),
                if *timed_out { ", timed out" } else { "" },
                *duration_ms as f64 / 1000.0
            );
            if !passed {
                text.push('\n');
                text.push_str(output.trim_end());
            }
            (ok_or_bad(*passed), text)
        }
        Event::LimitReached { limit, detail, .. } => (
            Some(Tone::Bad),
            format!("limit reached ({}): {detail}", limit.as_str()),
        ),
        Event::FallbackUsed {
            reason, to, detail, ..
        } => (
            Some(Tone::Warn),
            format!("fallback to {to} ({}): {detail}", reason.as_str()),
        ),
        Event::Committed {
            commit,
            branch,
            subject,
            diff_stat,
        } => (
            Some(Tone::Good),
            format!(
                "committed {} on {branch}: {subject} ({diff_stat})",
                commit.chars().take(12).collect::<String>()
            ),
        ),
        Event::PullRequestOpened {
            repo, number, url, ..
        } => (
            Some(Tone::Good),
            format!("pull request {repo}#{number}: {url}"),
        ),
        Event::Error { message, hint, .. } => (
            Some(Tone::Bad),
            match hint {
                Some(hint) => format!("error: {message}\nhint: {hint}"),
                None => format!("error: {message}"),
            },
        ),
        Event::TaskFinished {
            status, summary, ..
        } => (
            Some(status_tone(*status)),
            format!("finished {status}: {summary}"),
        ),
    })
}

/// The tone a task status is painted in.
pub fn status_tone(status: TaskStatus) -> Tone {
    match status {
        TaskStatus::Succeeded => Tone::Good,
        TaskStatus::Failed => Tone::Bad,
        TaskStatus::Cancelled => Tone::Warn,
        TaskStatus::Pending | TaskStatus::Running | TaskStatus::Verifying => Tone::Highlight,
    }
}

/// ` (N reused)`: prompt tokens the backend did not compute again; nothing when none were.
fn reused_note(reused: u32) -> String {
    if reused == 0 {
        String::new()
    } else {
        format!(" ({reused} reused)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agent_core::protocol::TaskStatusChange;

    #[test]
    fn a_model_call_says_how_many_prompt_tokens_were_reused() {
        let end = |reused_prompt_tokens| Event::ModelEnd {
            id: "r1".into(),
            reason: agent_core::protocol::FinishReason::Stop,
            prompt_tokens: 500,
            completion_tokens: 8,
            duration_ms: 1200,
            decode_tokens_per_second: None,
            cache: None,
            reused_prompt_tokens,
        };
        assert_eq!(
            describe(&end(420)).unwrap().1,
            "model done: stop, 500+8 tokens (420 reused), 1.2 s"
        );
        assert_eq!(
            describe(&end(0)).unwrap().1,
            "model done: stop, 500+8 tokens, 1.2 s"
        );
    }

    #[test]
    fn a_failed_check_shows_its_output_and_usage_is_left_out() {
        let (tone, text) = describe(&Event::VerifyEnd {
            passed: false,
            exit_code: Some(2),
            timed_out: false,
            duration_ms: 400,
            output: "assert failed: 6 != 5\n".into(),
        })
        .unwrap();
        assert_eq!(tone, Some(Tone::Bad));
        assert_eq!(
            text,
            "verify failed (exit code 2) in 0.4 s\nassert failed: 6 != 5"
        );
        assert!(
            describe(&Event::Usage {
                role: agent_core::protocol::AgentRole::Coder,
                prompt_tokens: 1,
                completion_tokens: 1,
                total_prompt_tokens: 1,
                total_completion_tokens: 1,
            })
            .is_none()
        );
    }

    #[test]
    fn statuses_carry_their_tone_and_reason() {
        let (tone, text) = describe(&Event::TaskStatus(TaskStatusChange {
            from: TaskStatus::Verifying,
            to: TaskStatus::Failed,
            reason: Some("verification failed".into()),
        }))
        .unwrap();
        assert_eq!(tone, Some(Tone::Bad));
        assert_eq!(text, "status verifying → failed: verification failed");
    }
}
