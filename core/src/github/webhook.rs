//! GitHub webhooks: the signature over the raw body (`X-Hub-Signature-256`, HMAC-SHA256 with the
//! webhook's secret, compared in constant time) and the events agent acts on, typed: issue and
//! pull request comments, review comments, finished workflow runs and `ping`. Every other event
//! parses as [`WebhookEvent::Other`].
//!
//! A payload is untrusted even with a good signature: its texts (titles, bodies, comments) reach a
//! model only through [`crate::untrusted::as_data`], and who wrote a comment is checked with the
//! API, not by the payload's `author_association`.

use std::time::Duration;

use hmac::{Hmac, KeyInit as _, Mac as _};
use serde::Deserialize;

use super::refs::RepoName;
use super::types::WorkflowRun;

/// The header with the body's signature: `sha256=<64 hex digits>`.
pub const SIGNATURE_HEADER: &str = "x-hub-signature-256";
/// The header naming the event (`issue_comment`, `workflow_run`, `ping`…).
pub const EVENT_HEADER: &str = "x-github-event";
/// The header with the delivery's unique id (a GUID; a redelivery keeps it).
pub const DELIVERY_HEADER: &str = "x-github-delivery";
/// A delivery whose event (a comment written, a run updated) is older than this is stale and is
/// not acted on: well inside the time delivery ids are kept for the replay guard
/// ([`crate::store::DELIVERY_RETENTION`]), so an old signed payload cannot be replayed after its
/// id was forgotten.
pub const MAX_EVENT_AGE: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// Why a delivery is refused before anything is done with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("the request has no X-Hub-Signature-256 header")]
    MissingSignature,
    #[error("the X-Hub-Signature-256 header is not sha256=<64 hex digits>")]
    MalformedSignature,
    #[error("the signature does not match the body and this server's webhook secret")]
    BadSignature,
    #[error("the webhook secret is empty")]
    EmptySecret,
    #[error("the `{event}` payload is not what GitHub sends: {message}")]
    Payload { event: String, message: String },
}

type HmacSha256 = Hmac<sha2::Sha256>;

/// Checks `header` (`X-Hub-Signature-256`) against `body` signed with `secret`, in constant time.
pub fn verify_signature(
    secret: &[u8],
    body: &[u8],
    header: Option<&str>,
) -> Result<(), WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    let header = header.ok_or(WebhookError::MissingSignature)?;
    let hex = header
        .trim()
        .strip_prefix("sha256=")
        .ok_or(WebhookError::MalformedSignature)?;
    let expected = decode_hex(hex).ok_or(WebhookError::MalformedSignature)?;
    if expected.len() != 32 {
        return Err(WebhookError::MalformedSignature);
    }
    let mut mac = HmacSha256::new_from_slice(secret).map_err(|_| WebhookError::EmptySecret)?;
    mac.update(body);
    mac.verify_slice(&expected)
        .map_err(|_| WebhookError::BadSignature)
}

/// The `X-Hub-Signature-256` value GitHub sends for `body` signed with `secret`.
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let digest = match HmacSha256::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(body);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    };
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok())
        .collect()
}

/// An event agent knows, or another one (acknowledged and ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    /// Sent when the webhook is made or pinged from its settings page.
    Ping(PingEvent),
    /// A comment on an issue or pull request (`issue_comment`), or on a line of a pull
    /// request's diff (`pull_request_review_comment`).
    Comment(CommentEvent),
    /// A workflow run was requested, is in progress or completed (`workflow_run`).
    WorkflowRun(WorkflowRunEvent),
    /// Any other event.
    Other {
        event: String,
        action: Option<String>,
        repo: Option<RepoName>,
    },
}

/// `ping`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PingEvent {
    pub zen: String,
    pub hook_id: Option<u64>,
    pub repo: Option<RepoName>,
}

/// The issue or pull request a comment is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentedIssue {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub html_url: String,
    /// Whether it is a pull request.
    pub is_pull: bool,
}

/// A comment, as the payload tells it (every text in it is untrusted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentEvent {
    /// `created`, `edited` or `deleted`.
    pub action: String,
    pub repo: RepoName,
    pub issue: CommentedIssue,
    pub comment_id: u64,
    pub body: String,
    pub html_url: String,
    /// The comment's author's login.
    pub author: String,
    /// What the payload says the author is (`OWNER`, `MEMBER`, `CONTRIBUTOR`, `NONE`…): a hint
    /// only; write access is checked with the API.
    pub author_association: String,
    pub created_at: Option<String>,
    /// A review comment on a line of the diff.
    pub on_diff: bool,
}

impl CommentEvent {
    /// The text after `/agent` when the comment is an instruction to agent (a comment that
    /// starts with `/agent` followed by a space, a newline or nothing): `/agent fix the typo` →
    /// `fix the typo`.
    pub fn agent_command(&self) -> Option<String> {
        agent_command(&self.body)
    }
}

/// `workflow_run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRunEvent {
    /// `requested`, `in_progress` or `completed`.
    pub action: String,
    pub repo: RepoName,
    pub run: WorkflowRun,
    pub updated_at: Option<String>,
}

impl WorkflowRunEvent {
    /// A run that completed with failure: the CI fix flow's business.
    pub fn failed(&self) -> bool {
        self.action == "completed" && self.run.conclusion.as_deref() == Some("failure")
    }
}

impl WebhookEvent {
    /// The repository the event is about, when the payload names one.
    pub fn repo(&self) -> Option<&RepoName> {
        match self {
            WebhookEvent::Ping(ping) => ping.repo.as_ref(),
            WebhookEvent::Comment(comment) => Some(&comment.repo),
            WebhookEvent::WorkflowRun(run) => Some(&run.repo),
            WebhookEvent::Other { repo, .. } => repo.as_ref(),
        }
    }

    /// Whether the event happened longer than [`MAX_EVENT_AGE`] before `now` (an old payload
    /// sent again): only events with a time of their own can be stale.
    pub fn is_stale(&self, now: jiff::Timestamp) -> bool {
        let time = match self {
            WebhookEvent::Comment(comment) => comment.created_at.as_deref(),
            WebhookEvent::WorkflowRun(run) => run.updated_at.as_deref(),
            WebhookEvent::Ping(_) | WebhookEvent::Other { .. } => None,
        };
        let Some(happened) = time.and_then(|text| text.parse::<jiff::Timestamp>().ok()) else {
            return false;
        };
        let age = now.as_millisecond() - happened.as_millisecond();
        age > i64::try_from(MAX_EVENT_AGE.as_millis()).unwrap_or(i64::MAX)
    }
}

/// The text after `/agent` on a comment that starts with it.
pub fn agent_command(body: &str) -> Option<String> {
    let rest = body.trim_start().strip_prefix("/agent")?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    Some(rest.trim().replace('\r', ""))
}

/// Parses the payload of the event named `event` (the `X-GitHub-Event` header).
pub fn parse_event(event: &str, body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let bad = |error: serde_json::Error| WebhookError::Payload {
        event: event.to_string(),
        message: error.to_string(),
    };
    match event {
        "ping" => {
            let ping: wire::Ping = serde_json::from_slice(body).map_err(bad)?;
            Ok(WebhookEvent::Ping(PingEvent {
                zen: ping.zen,
                hook_id: ping.hook_id,
                repo: repo_of(event, ping.repository.as_ref())?,
            }))
        }
        "issue_comment" => {
            let payload: wire::IssueComment = serde_json::from_slice(body).map_err(bad)?;
            Ok(WebhookEvent::Comment(CommentEvent {
                action: payload.action,
                repo: required_repo(event, &payload.repository)?,
                issue: CommentedIssue {
                    number: payload.issue.number,
                    title: payload.issue.title,
                    body: payload.issue.body.unwrap_or_default(),
                    html_url: payload.issue.html_url,
                    is_pull: payload.issue.pull_request.is_some(),
                },
                comment_id: payload.comment.id,
                body: payload.comment.body,
                html_url: payload.comment.html_url,
                author: payload.comment.user.login,
                author_association: payload.comment.author_association,
                created_at: payload.comment.created_at,
                on_diff: false,
            }))
        }
        "pull_request_review_comment" => {
            let payload: wire::ReviewComment = serde_json::from_slice(body).map_err(bad)?;
            Ok(WebhookEvent::Comment(CommentEvent {
                action: payload.action,
                repo: required_repo(event, &payload.repository)?,
                issue: CommentedIssue {
                    number: payload.pull_request.number,
                    title: payload.pull_request.title,
                    body: payload.pull_request.body.unwrap_or_default(),
                    html_url: payload.pull_request.html_url,
                    is_pull: true,
                },
                comment_id: payload.comment.id,
                body: payload.comment.body,
                html_url: payload.comment.html_url,
                author: payload.comment.user.login,
                author_association: payload.comment.author_association,
                created_at: payload.comment.created_at,
                on_diff: true,
            }))
        }
        "workflow_run" => {
            let payload: wire::WorkflowRunPayload = serde_json::from_slice(body).map_err(bad)?;
            Ok(WebhookEvent::WorkflowRun(WorkflowRunEvent {
                action: payload.action,
                repo: required_repo(event, &payload.repository)?,
                updated_at: payload.workflow_run.updated_at.clone(),
                run: payload.workflow_run.run,
            }))
        }
        other => {
            // Whatever it is, its action and repository label the log; a body that is not
            // JSON is still acknowledged.
            let payload: wire::Anything = serde_json::from_slice(body).unwrap_or_default();
            Ok(WebhookEvent::Other {
                event: other.to_string(),
                action: payload.action,
                repo: payload
                    .repository
                    .and_then(|repo| RepoName::parse(&repo.full_name).ok()),
            })
        }
    }
}

fn repo_of(
    event: &str,
    repository: Option<&wire::Repository>,
) -> Result<Option<RepoName>, WebhookError> {
    repository
        .map(|repo| required_repo(event, repo))
        .transpose()
}

fn required_repo(event: &str, repository: &wire::Repository) -> Result<RepoName, WebhookError> {
    RepoName::parse(&repository.full_name).map_err(|error| WebhookError::Payload {
        event: event.to_string(),
        message: error.to_string(),
    })
}

/// The payloads' JSON, as far as agent reads it.
mod wire {
    use super::{Deserialize, WorkflowRun};
    use crate::github::User;

    #[derive(Debug, Deserialize)]
    pub struct Repository {
        pub full_name: String,
    }

    #[derive(Debug, Default, Deserialize)]
    pub struct Anything {
        #[serde(default)]
        pub action: Option<String>,
        #[serde(default)]
        pub repository: Option<Repository>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Ping {
        #[serde(default)]
        pub zen: String,
        #[serde(default)]
        pub hook_id: Option<u64>,
        #[serde(default)]
        pub repository: Option<Repository>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Comment {
        pub id: u64,
        #[serde(default)]
        pub body: String,
        #[serde(default)]
        pub html_url: String,
        pub user: User,
        #[serde(default)]
        pub author_association: String,
        #[serde(default)]
        pub created_at: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct Issue {
        pub number: u64,
        #[serde(default)]
        pub title: String,
        #[serde(default)]
        pub body: Option<String>,
        #[serde(default)]
        pub html_url: String,
        #[serde(default)]
        pub pull_request: Option<serde_json::Value>,
    }

    #[derive(Debug, Deserialize)]
    pub struct IssueComment {
        pub action: String,
        pub issue: Issue,
        pub comment: Comment,
        pub repository: Repository,
    }

    #[derive(Debug, Deserialize)]
    pub struct Pull {
        pub number: u64,
        #[serde(default)]
        pub title: String,
        #[serde(default)]
        pub body: Option<String>,
        #[serde(default)]
        pub html_url: String,
    }

    #[derive(Debug, Deserialize)]
    pub struct ReviewComment {
        pub action: String,
        pub pull_request: Pull,
        pub comment: Comment,
        pub repository: Repository,
    }

    #[derive(Debug, Deserialize)]
    pub struct Run {
        #[serde(flatten)]
        pub run: WorkflowRun,
        #[serde(default)]
        pub updated_at: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub struct WorkflowRunPayload {
        pub action: String,
        pub workflow_run: Run,
        pub repository: Repository,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_checked_against_the_raw_body() {
        // The example of GitHub's documentation ("Validating webhook deliveries").
        let secret = b"It's a Secret to Everybody";
        let body = b"Hello, World!";
        let good = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assert_eq!(sign(secret, body), good);
        assert_eq!(verify_signature(secret, body, Some(good)), Ok(()));
        assert_eq!(
            verify_signature(secret, b"Hello, World?", Some(good)),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify_signature(b"another secret", body, Some(good)),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify_signature(secret, body, None),
            Err(WebhookError::MissingSignature)
        );
        for malformed in [
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            "sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            "sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            "sha256=757107ea",
            "sha256=",
            "sha256=é5",
        ] {
            assert_eq!(
                verify_signature(secret, body, Some(malformed)),
                Err(WebhookError::MalformedSignature),
                "{malformed}"
            );
        }
        assert_eq!(
            verify_signature(b"", body, Some(good)),
            Err(WebhookError::EmptySecret)
        );
    }

    #[test]
    fn agent_commands_start_the_comment() {
        assert_eq!(
            agent_command("/agent fix the typo").as_deref(),
            Some("fix the typo")
        );
        assert_eq!(
            agent_command("  /agent\r\nfix it\r\nplease ").as_deref(),
            Some("fix it\nplease")
        );
        assert_eq!(agent_command("/agent").as_deref(), Some(""));
        assert_eq!(agent_command("/agents are cool"), None);
        assert_eq!(agent_command("please /agent fix"), None);
        assert_eq!(agent_command("fix the typo"), None);
    }

    fn comment_payload(created_at: &str) -> Vec<u8> {
        serde_json::json!({
            "action": "created",
            "issue": {"number": 7, "title": "Typo in README", "body": "teh", "html_url": "https://github.com/o/r/issues/7",
                      "user": {"login": "reporter"}},
            "comment": {"id": 99, "body": "/agent fix the typo", "html_url": "https://github.com/o/r/issues/7#issuecomment-99",
                        "user": {"login": "maintainer"}, "author_association": "OWNER", "created_at": created_at},
            "repository": {"full_name": "o/r", "default_branch": "main"},
            "sender": {"login": "maintainer"}
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn known_events_parse_into_their_types() {
        let now = jiff::Timestamp::now();
        let WebhookEvent::Comment(comment) =
            parse_event("issue_comment", &comment_payload(&now.to_string())).unwrap()
        else {
            panic!("a comment");
        };
        assert_eq!(comment.repo.to_string(), "o/r");
        assert_eq!(comment.issue.number, 7);
        assert!(!comment.issue.is_pull);
        assert_eq!(comment.author, "maintainer");
        assert_eq!(comment.agent_command().as_deref(), Some("fix the typo"));

        let stale = parse_event("issue_comment", &comment_payload("2020-01-01T00:00:00Z")).unwrap();
        assert!(stale.is_stale(now));
        let fresh = parse_event("issue_comment", &comment_payload(&now.to_string())).unwrap();
        assert!(!fresh.is_stale(now));

        let run = serde_json::json!({
            "action": "completed",
            "workflow_run": {"id": 30, "name": "CI", "head_branch": "main", "head_sha": "abc", "status": "completed",
                             "conclusion": "failure", "html_url": "https://github.com/o/r/actions/runs/30",
                             "updated_at": now.to_string()},
            "repository": {"full_name": "o/r"}
        });
        let WebhookEvent::WorkflowRun(run) =
            parse_event("workflow_run", run.to_string().as_bytes()).unwrap()
        else {
            panic!("a run");
        };
        assert!(run.failed());
        assert_eq!(run.run.id, 30);

        let ping = parse_event(
            "ping",
            br#"{"zen":"Keep it simple.","hook_id":5,"repository":{"full_name":"o/r"}}"#,
        )
        .unwrap();
        assert!(
            matches!(&ping, WebhookEvent::Ping(p) if p.zen == "Keep it simple." && p.hook_id == Some(5))
        );
        assert_eq!(ping.repo().unwrap().to_string(), "o/r");

        let other = parse_event(
            "star",
            br#"{"action":"created","repository":{"full_name":"o/r"}}"#,
        )
        .unwrap();
        assert!(
            matches!(&other, WebhookEvent::Other { event, action: Some(a), .. } if event == "star" && a == "created")
        );
        assert!(matches!(
            parse_event("push", b"not json").unwrap(),
            WebhookEvent::Other { .. }
        ));
    }

    #[test]
    fn a_known_event_with_a_foreign_shape_is_an_error_not_a_panic() {
        for (event, body) in [
            ("issue_comment", &b"{}"[..]),
            ("issue_comment", b"[1,2]"),
            ("workflow_run", br#"{"action":"completed"}"#),
            ("ping", b"\xff\xfe"),
            ("issue_comment", br#"{"action":"created","issue":{"number":1},"comment":{"id":1,"user":{"login":"u"}},"repository":{"full_name":"not a repo"}}"#),
        ] {
            assert!(
                matches!(parse_event(event, body), Err(WebhookError::Payload { .. })),
                "{event}"
            );
        }
    }
}
