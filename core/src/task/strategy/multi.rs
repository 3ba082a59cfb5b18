//! MultiAgent: the planner writes a plan, the coder carries out its steps, the reviewer reads
//! the diff and approves or asks for changes (a bounded number of rounds), the tester adds or
//! updates tests, and the project's check decides; a failing check goes back to the coder
//! (at most `max_iterations` checks in all).

use agent_models::ChatMessage;

use super::StrategyOutcome;
use super::steps::{FixRounds, Pass, check_and_fix, coder_pass, solo};
use crate::error::Result;
use crate::git;
use crate::protocol::{Event, StepKind};
use crate::task::context::TaskContext;
use crate::task::plan::Plan;
use crate::task::role::{PLANNER, REVIEWER, TESTER};

/// The most characters of the diff shown to the reviewer and the tester.
const DIFF_BUDGET: usize = 12_000;

/// Plan, code the steps, review rounds, tests, then check and fix.
pub(super) async fn run(ctx: &mut TaskContext) -> Result<StrategyOutcome> {
    // 1. The plan.
    let reply = match solo(ctx, PLANNER, StepKind::Plan, None, ctx.description.clone()).await? {
        Pass::Done(reply) => reply,
        Pass::Over(outcome) => return Ok(outcome),
    };
    let plan = Plan::parse(&reply);
    ctx.store()
        .set_task_plan(&ctx.task_id, &serde_json::to_string(&plan)?)?;
    ctx.emit(Event::PlanReady { plan: plan.clone() })?;
    let plan_text = plan.render();

    // 2. The coder carries out the steps, in one conversation.
    let mut coder: Vec<ChatMessage> = Vec::new();
    let mut commit_text = String::new();
    let total = plan.steps.len();
    for (index, step) in plan.steps.iter().enumerate() {
        let number = index + 1;
        let request = if index == 0 {
            format!(
                "{}\n\nThe plan:\n{plan_text}\nDo step 1 of {total}: {}. Reply briefly when it is done.",
                ctx.description, step.title
            )
        } else {
            format!("Now do step {number} of {total}: {}.", step.title)
        };
        let detail = format!("step {number}/{total}: {}", step.title);
        match coder_pass(ctx, &mut coder, request, None, &detail).await? {
            Pass::Done(reply) => commit_text = reply,
            Pass::Over(outcome) => return Ok(outcome),
        }
    }
    if total > 1 {
        // The last step's reply is about that step; ask for a message about the whole change.
        let request = "All steps are done. Reply with the commit message for the whole change.";
        match coder_pass(ctx, &mut coder, request.into(), None, "commit message").await? {
            Pass::Done(reply) => commit_text = reply,
            Pass::Over(outcome) => return Ok(outcome),
        }
    }

    // 3. Review rounds: each change request goes back to the coder.
    let rounds = ctx.settings.max_review_rounds;
    for round in 1..=rounds {
        let request = format!(
            "The task:\n{}\n\nThe plan:\n{plan_text}\nThe diff so far:\n```diff\n{}\n```",
            ctx.description,
            current_diff(ctx)
        );
        let verdict = match solo(ctx, REVIEWER, StepKind::Review, Some(round), request).await? {
            Pass::Done(reply) => reply,
            Pass::Over(outcome) => return Ok(outcome),
        };
        let (approved, comments) = read_verdict(&verdict);
        ctx.store().set_task_review_rounds(&ctx.task_id, round)?;
        ctx.emit(Event::ReviewVerdict {
            round,
            approved,
            comments: comments.clone(),
        })?;
        if approved {
            break;
        }
        let request = format!(
            "The reviewer asked for changes:\n{comments}\n\nMake them, then reply with the commit message for the whole change again."
        );
        let detail = format!("review round {round} changes");
        match coder_pass(ctx, &mut coder, request, Some(round + 1), &detail).await? {
            Pass::Done(reply) => {
                if !reply.trim().is_empty() {
                    commit_text = reply;
                }
            }
            Pass::Over(outcome) => return Ok(outcome),
        }
    }

    // 4. The tester adds or updates tests.
    let request = format!(
        "The task:\n{}\n\nThe plan:\n{plan_text}\nThe change:\n```diff\n{}\n```\nAdd or update tests for it and run them.",
        ctx.description,
        current_diff(ctx)
    );
    if let Pass::Over(outcome) = solo(ctx, TESTER, StepKind::Test, None, request).await? {
        return Ok(outcome);
    }

    // 5. The project's check decides; a failure goes back to the coder, as in Iterative.
    let rounds = FixRounds {
        max: ctx.settings.max_iterations,
        noun: "check",
        label_fixes: true,
    };
    check_and_fix(ctx, &mut coder, commit_text, rounds).await
}

/// The work so far as a unified diff, cut to [`DIFF_BUDGET`].
fn current_diff(ctx: &TaskContext) -> String {
    match git::diff_since(&ctx.worktree, &ctx.base_commit) {
        Ok((patch, _)) if patch.is_empty() => "(no changes)".to_string(),
        Ok((patch, stat)) if patch.len() > DIFF_BUDGET => format!(
            "{}\n… [diff cut; {stat} in all]",
            crate::text::truncate_at_char_boundary(&patch, DIFF_BUDGET)
        ),
        Ok((patch, _)) => patch,
        Err(error) => format!("(the diff is unavailable: {error})"),
    }
}

/// The reviewer's verdict: approved when the first word is APPROVE (any case, Markdown
/// stripped) and nothing asks for changes; otherwise the reply is the change request.
pub fn read_verdict(reply: &str) -> (bool, String) {
    let first = reply
        .lines()
        .map(|line| {
            line.trim()
                .trim_matches(|c: char| c == '*' || c == '#' || c == '`')
                .trim()
        })
        .find(|line| !line.is_empty())
        .unwrap_or("");
    let upper = first.to_ascii_uppercase();
    let approved = (upper.starts_with("APPROVE") || upper.starts_with("LGTM"))
        && !upper.starts_with("APPROVE WITH CHANGES");
    let comments = if approved {
        reply
            .trim()
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    } else {
        let body = reply.trim();
        body.strip_prefix("CHANGES")
            .or_else(|| body.strip_prefix("**CHANGES**"))
            .unwrap_or(body)
            .trim_start_matches(':')
            .trim()
            .to_string()
    };
    (approved, comments)
}

#[cfg(test)]
mod tests {
    use super::read_verdict;

    #[test]
    fn verdicts_are_read_from_the_first_line() {
        assert_eq!(read_verdict("APPROVE"), (true, String::new()));
        assert_eq!(read_verdict("**Approve**\nNice."), (true, "Nice.".into()));
        let (approved, comments) = read_verdict("CHANGES\n- calc.py: handle None");
        assert!(!approved);
        assert_eq!(comments, "- calc.py: handle None");
        let (approved, comments) = read_verdict("The loop is wrong; fix it.");
        assert!(!approved);
        assert_eq!(comments, "The loop is wrong; fix it.");
        assert!(!read_verdict("APPROVE WITH CHANGES: rename x").0);
        assert!(!read_verdict("").0);
    }
}
