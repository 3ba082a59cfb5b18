//! Names of things on GitHub as users write them: `owner/repo`, `owner/repo#12`, an issue or
//! pull request URL, and the repository a git remote URL points at.

use std::fmt;

use super::error::GitHubError;

/// A repository: `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct RepoName {
    pub owner: String,
    pub name: String,
}

impl RepoName {
    /// Parses `owner/name` (a trailing `.git` is dropped).
    pub fn parse(text: &str) -> Result<RepoName, GitHubError> {
        let bad = || GitHubError::BadReference(format!("`{text}` is not owner/repo"));
        let (owner, name) = text.trim().split_once('/').ok_or_else(bad)?;
        let name = name.strip_suffix(".git").unwrap_or(name);
        if !is_name(owner) || !is_name(name) {
            return Err(bad());
        }
        Ok(RepoName {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }

    /// The repository a remote URL points at on `host` (`https://host/o/r.git`,
    /// `git@host:o/r.git`, `ssh://git@host/o/r`); `None` for another host or a local path.
    pub fn from_remote_url(url: &str, host: &str) -> Option<RepoName> {
        let url = url.trim();
        let path = if let Some(rest) = url.split_once("://").map(|(_, rest)| rest) {
            let (authority, path) = rest.split_once('/')?;
            let authority_host = authority.rsplit('@').next()?;
            let authority_host = authority_host.split(':').next()?;
            if !authority_host.eq_ignore_ascii_case(host) {
                return None;
            }
            path
        } else {
            let (user_host, path) = url.split_once(':')?;
            let scp_host = user_host.rsplit('@').next()?;
            if !scp_host.eq_ignore_ascii_case(host) {
                return None;
            }
            path
        };
        RepoName::parse(path.trim_matches('/')).ok()
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// An issue or pull request: `owner/repo#12`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IssueRef {
    pub repo: RepoName,
    pub number: u64,
}

impl IssueRef {
    /// Parses `owner/repo#12`, `https://HOST/owner/repo/issues/12` or `.../pull/12`.
    pub fn parse(text: &str) -> Result<IssueRef, GitHubError> {
        let text = text.trim();
        let bad = || {
            GitHubError::BadReference(format!(
                "`{text}` is not an issue (owner/repo#123 or an issue URL)"
            ))
        };
        if let Some((_, rest)) = text.split_once("://") {
            let mut parts = rest.split('/').skip(1);
            let (Some(owner), Some(name), Some(kind), Some(number)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(bad());
            };
            if kind != "issues" && kind != "pull" && kind != "pulls" {
                return Err(bad());
            }
            let number = number.split(['#', '?']).next().unwrap_or(number);
            return Ok(IssueRef {
                repo: RepoName::parse(&format!("{owner}/{name}")).map_err(|_| bad())?,
                number: number.parse().map_err(|_| bad())?,
            });
        }
        let (repo, number) = text.split_once('#').ok_or_else(bad)?;
        Ok(IssueRef {
            repo: RepoName::parse(repo).map_err(|_| bad())?,
            number: number.parse().map_err(|_| bad())?,
        })
    }
}

impl fmt::Display for IssueRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.repo, self.number)
    }
}

/// GitHub's rule for owner and repository names: letters, digits, `-`, `_`, `.`; not `.`/`..`.
fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text != "."
        && text != ".."
        && text.len() <= 100
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_references_parse_in_short_and_url_forms() {
        let short = IssueRef::parse("octo/hello-world#42").unwrap();
        assert_eq!(short.repo.to_string(), "octo/hello-world");
        assert_eq!(short.number, 42);
        let url = IssueRef::parse("https://github.com/octo/hello-world/issues/42").unwrap();
        assert_eq!(url, short);
        let pull = IssueRef::parse("https://ghe.corp/octo/hello-world/pull/7#discussion").unwrap();
        assert_eq!(pull.number, 7);
        for bad in [
            "octo#1",
            "octo/x#y",
            "https://github.com/octo",
            "../x#1",
            "o/r/#1",
        ] {
            assert!(IssueRef::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn remote_urls_name_a_repository_only_on_the_host() {
        for url in [
            "https://github.com/octo/app.git",
            "git@github.com:octo/app.git",
            "ssh://git@github.com/octo/app",
            "https://x-access-token@github.com/octo/app",
        ] {
            let repo = RepoName::from_remote_url(url, "github.com").unwrap();
            assert_eq!(repo.to_string(), "octo/app", "{url}");
        }
        assert_eq!(
            RepoName::from_remote_url("https://gitlab.com/octo/app.git", "github.com"),
            None
        );
        assert_eq!(
            RepoName::from_remote_url("/srv/git/app.git", "github.com"),
            None
        );
    }
}
