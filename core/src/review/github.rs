//! The review's two trips to GitHub: the pull request and its diff at one head commit, and
//! posting the one review (an author's own pull request gets its verdict as a comment).

use crate::github::{GitHub, GitHubError, NewReview, PullRequest, RepoName, Review, ReviewEvent};

/// How often the pull request is read again when its head moved while its diff was read.
const HEAD_TRIES: usize = 3;

/// The pull request and its unified diff, both of the same head commit.
pub async fn fetch(
    github: &GitHub,
    repo: &RepoName,
    number: u64,
) -> Result<(PullRequest, String), GitHubError> {
    let mut pull = github.pull(repo, number).await?;
    for _ in 0..HEAD_TRIES {
        let diff = github.pull_diff(repo, number).await?;
        let again = github.pull(repo, number).await?;
        if again.head.sha == pull.head.sha {
            return Ok((pull, diff));
        }
        pull = again;
    }
    Err(GitHubError::Status {
        status: 409,
        message: format!("{repo}#{number} kept changing while its diff was read; try again"),
    })
}

/// A review as GitHub recorded it, and the event it was posted with.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Posted {
    pub review: Review,
    pub event: ReviewEvent,
    /// Whether the verdict went into the body of a comment (the author's own pull request).
    pub verdict_as_comment: bool,
}

/// Posts `review`. GitHub refuses (422) an approval or a change request by the pull request's
/// author; the review then goes again as a comment whose body starts with the verdict.
pub async fn post(
    github: &GitHub,
    repo: &RepoName,
    number: u64,
    review: &NewReview,
) -> Result<Posted, GitHubError> {
    match github.create_review(repo, number, review).await {
        Ok(posted) => Ok(Posted {
            review: posted,
            event: review.event,
            verdict_as_comment: false,
        }),
        Err(GitHubError::Unprocessable { message })
            if review.event != ReviewEvent::Comment
                && message.to_ascii_lowercase().contains("own pull request") =>
        {
            let verdict = match review.event {
                ReviewEvent::Approve => "approve",
                _ => "request changes",
            };
            let mut again = review.clone();
            again.event = ReviewEvent::Comment;
            again.body = format!(
                "**Verdict: {verdict}** (a comment: GitHub does not let a pull request's author \
                 {verdict} it)\n\n{}",
                review.body
            );
            Ok(Posted {
                review: github.create_review(repo, number, &again).await?,
                event: ReviewEvent::Comment,
                verdict_as_comment: true,
            })
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A loopback server answering each request with the next canned (status, body); returns
    /// its URL and the request bodies it got.
    fn serve(answers: Vec<(&'static str, &'static str)>) -> (String, Arc<Mutex<Vec<String>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for (stream, (status, body)) in listener.incoming().zip(answers) {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line == "\r\n" || line.is_empty() {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().unwrap();
                    }
                }
                let mut request = vec![0; length];
                reader.read_exact(&mut request).unwrap();
                log.lock()
                    .unwrap()
                    .push(String::from_utf8(request).unwrap());
                write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                )
                .unwrap();
            }
        });
        (url, seen)
    }

    fn review(event: ReviewEvent) -> NewReview {
        NewReview {
            commit_id: "abc".into(),
            body: "Looks right.".into(),
            event,
            comments: Vec::new(),
        }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn an_authors_own_approval_is_posted_again_as_a_comment_with_the_verdict() {
        let (url, seen) = serve(vec![
            (
                "422 Unprocessable Entity",
                r#"{"message":"Unprocessable Entity","errors":["Can not approve your own pull request"]}"#,
            ),
            ("200 OK", r#"{"id":9,"state":"COMMENTED","html_url":"u"}"#),
        ]);
        let github = GitHub::new(&url, None).unwrap();
        let repo = RepoName::parse("o/r").unwrap();
        let posted = runtime()
            .block_on(post(&github, &repo, 1, &review(ReviewEvent::Approve)))
            .unwrap();
        assert_eq!(posted.event, ReviewEvent::Comment);
        assert!(posted.verdict_as_comment);
        assert_eq!(posted.review.id, 9);
        let bodies = seen.lock().unwrap().clone();
        assert_eq!(bodies.len(), 2);
        let second: serde_json::Value = serde_json::from_str(&bodies[1]).unwrap();
        assert_eq!(second["event"], "COMMENT");
        assert!(
            second["body"]
                .as_str()
                .unwrap()
                .starts_with("**Verdict: approve**")
        );
    }

    #[test]
    fn other_refusals_are_errors_and_nothing_is_posted_twice() {
        let (url, seen) = serve(vec![(
            "422 Unprocessable Entity",
            r#"{"message":"Unprocessable Entity","errors":["Line could not be resolved"]}"#,
        )]);
        let github = GitHub::new(&url, None).unwrap();
        let repo = RepoName::parse("o/r").unwrap();
        let error = runtime()
            .block_on(post(&github, &repo, 1, &review(ReviewEvent::Approve)))
            .unwrap_err();
        assert!(
            matches!(error, GitHubError::Unprocessable { .. }),
            "{error}"
        );
        assert_eq!(seen.lock().unwrap().len(), 1);
    }
}
