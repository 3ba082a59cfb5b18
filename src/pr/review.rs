//! `agent pr review N`: fetch the pull request and its diff, ask the reviewer's model once
//! (`agent_core::review`), and post one review with line comments and a verdict — or, with
//! `--dry-run`, print it and post nothing.

use agent_core::github::{GitHub, ReviewEvent};
use agent_core::protocol::Event;
use agent_core::review::{
    self, ComposeInput, Coverage, DEFAULT_ANSWER_TOKENS, DiffIndex, PROMPT_NAME, PromptInput,
    ReviewError,
};
use agent_core::task::ModelTarget;
use agent_core::task::prompts::PromptSources;
use agent_core::turn::LimitHit;
use anyhow::Result;
use serde::Serialize;

use crate::app::App;
use crate::cli::PrReviewArgs;
use crate::exit::{Exit, UserError};
use crate::output::{note, print, print_json};

/// What `--json` prints.
#[derive(Debug, Serialize)]
struct Report<'a> {
    repo: String,
    number: u64,
    commit_id: &'a str,
    event: ReviewEvent,
    verdict: Option<review::Verdict>,
    /// Whether the model's answer was the JSON asked for.
    structured: bool,
    body: &'a str,
    comments: &'a [review::PlacedComment],
    in_body: &'a [review::BodyComment],
    not_reviewed: &'a Coverage,
    model: &'a str,
    backend: &'a str,
    dry_run: bool,
    /// The review as GitHub recorded it (`None` with `--dry-run`).
    posted: Option<&'a review::Posted>,
}

pub fn run(app: &App, args: PrReviewArgs) -> Result<Exit> {
    let dir = args
        .target
        .repo
        .as_deref()
        .map_or_else(|| app.cwd.clone(), |dir| app.cwd.join(dir));
    let resolved = app.config_in(&dir)?;
    let store = app.open_store(&resolved)?;
    // Posting needs a token; a dry run of a public repository does not.
    let github = if args.dry_run {
        let api_url = &resolved.config.github.api_url;
        GitHub::new(api_url, crate::github::token(app, api_url)?)?
    } else {
        crate::github::client_in(app, &dir)?
    };
    let repo = crate::github::repo_name(
        &github,
        &dir,
        args.target.github_repo.as_deref(),
        &args.target.remote,
    )?;
    let runtime = crate::models::runtime()?;

    // The model: --model, else the reviewer role's, else model.name.
    let mut flags = args.backend.clone();
    if flags.model.is_none() {
        flags.model = resolved
            .config
            .roles
            .reviewer
            .clone()
            .filter(|model| !model.trim().is_empty());
    }
    let selected = crate::backend::select(app, &resolved, &flags, true)?;
    let endpoint = selected.endpoint.clone();
    let target = selected.into_target();

    let (pull, diff) = runtime.block_on(review::fetch(&github, &repo, args.number))?;
    let index = DiffIndex::parse(&diff);
    if index.files().is_empty() {
        return Err(review_error(ReviewError::EmptyDiff {
            number: args.number,
        }));
    }
    if pull.state != "open" {
        note(&format!(
            "note: {repo}#{} is {}; reviewing it anyway",
            pull.number,
            if pull.merged { "merged" } else { &pull.state }
        ));
    }

    // Only the user's override: the checkout may be the pull request's own branch, whose
    // `.agent/prompts/pr-review.md` would be the author's.
    let sources = PromptSources {
        repo_dir: None,
        user_dir: Some(app.paths.config_dir.join("prompts")),
    };
    let system = sources
        .load(PROMPT_NAME)
        .map(|p| p.text)
        .unwrap_or_default();
    let prompt = review::prompt::build(&PromptInput {
        repo: &repo,
        pull: &pull,
        index: &index,
        system: &system,
        context_length: target
            .context_length
            .unwrap_or(resolved.config.model.context_length),
        answer_tokens: flags.max_tokens.unwrap_or(DEFAULT_ANSWER_TOKENS),
    })
    .map_err(review_error)?;
    if !args.json {
        note(&format!(
            "reviewing {repo}#{} ({} files) with {} via {}…",
            pull.number,
            index.files().len(),
            target.model,
            target.backend_name
        ));
    }

    let text = match ask(&runtime, &target, prompt.messages, &store, args.json)? {
        Some(text) => text,
        None => {
            note("interrupted; nothing was posted");
            return Ok(Exit::Interrupted);
        }
    };
    let text = match text {
        Ok(text) => text,
        Err(ReviewError::Model(error))
            if agent_core::error::model_error_class(&error) == agent_core::ErrorClass::NotFound =>
        {
            return Err(crate::backend::explain_missing_model(
                app,
                &store,
                &target.backend_name,
                &endpoint,
                &target.model,
                agent_core::text::error_chain(&error),
            )
            .into());
        }
        Err(error) => return Err(review_error(error)),
    };
    let parsed = review::answer::parse(&text);
    let composed = review::compose(
        &parsed,
        &ComposeInput {
            index: &index,
            coverage: &prompt.coverage,
            head_sha: &pull.head.sha,
            model: &target.model,
        },
    );
    if !composed.structured {
        note(
            "note: the model's answer was not the JSON asked for; it becomes a comment without a verdict",
        );
    }

    let posted = if args.dry_run {
        None
    } else {
        Some(runtime.block_on(review::post(&github, &repo, pull.number, &composed.review))?)
    };
    let report = Report {
        repo: repo.to_string(),
        number: pull.number,
        commit_id: &composed.review.commit_id,
        event: posted.as_ref().map_or(composed.review.event, |p| p.event),
        verdict: composed.verdict,
        structured: composed.structured,
        body: &composed.review.body,
        comments: &composed.comments,
        in_body: &composed.in_body,
        not_reviewed: &prompt.coverage,
        model: &target.model,
        backend: &target.backend_name,
        dry_run: args.dry_run,
        posted: posted.as_ref(),
    };
    if args.json {
        print_json(&report)?;
    } else {
        print(&render(&report))?;
    }
    Ok(Exit::Ok)
}

/// Asks the model, recording the call; `None` when Ctrl-C (or SIGTERM, SIGHUP) stopped it.
fn ask(
    runtime: &tokio::runtime::Runtime,
    target: &ModelTarget,
    messages: Vec<agent_models::ChatMessage>,
    store: &agent_core::store::Store,
    json: bool,
) -> Result<Option<Result<String, ReviewError>>> {
    let redactor = store.redactor().cloned();
    let reply = runtime.block_on(async {
        let mut interrupts = crate::exit::Interrupts::listen();
        tokio::select! {
            reply = review::ask(target, messages, redactor.as_deref()) => Some(reply),
            () = interrupts.recv() => None,
        }
    });
    let Some(reply) = reply else {
        return Ok(None);
    };
    if let Some(hit) = reply.error.as_ref().and_then(agent_core::budget::refusal) {
        // Nothing was sent, so there is no call to record.
        return Err(budget_stop(hit, json));
    }
    store.record_model_call(&reply.record(target))?;
    Ok(Some(reply.into_text()))
}

/// The budget that stopped the review before its request: with `--json` its `limit_reached`
/// event on stdout (as `ask` and `task run` print it), and the error line with the budget's hint
/// (exit 1).
fn budget_stop(hit: &LimitHit, json: bool) -> anyhow::Error {
    if json {
        let event = Event::LimitReached {
            limit: hit.kind,
            value: hit.value,
            detail: hit.detail.clone(),
            used: hit.used,
        };
        let line = serde_json::to_string(&event).map(|text| text + "\n");
        if let Err(error) = line
            .map_err(anyhow::Error::from)
            .and_then(|line| print(&line))
        {
            return error;
        }
    }
    UserError {
        message: hit.detail.clone(),
        hint: agent_core::budget::hint(hit.kind).map(str::to_string),
        exit: Exit::Failure,
    }
    .into()
}

fn review_error(error: ReviewError) -> anyhow::Error {
    UserError {
        message: error.to_string(),
        hint: error.hint(),
        exit: Exit::for_class(error.class()),
    }
    .into()
}

/// The review as text: the verdict, the body, each line comment.
fn render(report: &Report<'_>) -> String {
    let event = match report.event {
        ReviewEvent::Approve => "approve",
        ReviewEvent::RequestChanges => "request changes",
        ReviewEvent::Comment => "comment",
    };
    let mut out = format!(
        "Review of {}#{} at {}: {event}, {} line comments, {} in the body\n\n{}\n",
        report.repo,
        report.number,
        short_sha(report.commit_id),
        report.comments.len(),
        report.in_body.len(),
        report.body
    );
    for comment in report.comments {
        out.push_str(&format!(
            "\n{}:{} ({}, {})\n",
            comment.path,
            comment.line,
            comment.side.as_str(),
            comment.severity.as_str()
        ));
        for line in comment.body.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    match report.posted {
        Some(posted) => {
            if posted.verdict_as_comment {
                out.push_str(
                    "\nGitHub does not let a pull request's author approve or request changes: the verdict went into a comment.",
                );
            }
            if posted.review.html_url.is_empty() {
                out.push_str(&format!("\nPosted review {}.\n", posted.review.id));
            } else {
                out.push_str(&format!("\nPosted: {}\n", posted.review.html_url));
            }
        }
        None => out.push_str("\nNot posted (--dry-run).\n"),
    }
    out
}

fn short_sha(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}
