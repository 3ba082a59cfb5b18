//! Which repositories' webhooks the server acts on, and where their checkouts are:
//! `github.repos = "owner/name=/path/to/checkout, other/repo=/srv/other"` in the user's
//! configuration. A delivery for any other repository is acknowledged and ignored.

use std::path::PathBuf;

use agent_core::github::RepoName;
use anyhow::Result;

use crate::exit::UserError;

/// One served repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedRepo {
    pub name: RepoName,
    /// The checkout's root (tasks run in worktrees of it).
    pub checkout: PathBuf,
}

/// The served repositories, from `github.repos` entries (`owner/name=/absolute/path`); each
/// checkout must be a git repository.
pub fn parse(entries: &[String]) -> Result<Vec<ServedRepo>> {
    let mut served = Vec::new();
    for entry in entries {
        let bad = |why: String| {
            UserError::usage(
                format!("github.repos entry `{entry}`: {why}"),
                "write owner/name=/absolute/path/to/its/checkout, entries separated by commas",
            )
        };
        let (name, path) = entry
            .split_once('=')
            .ok_or_else(|| bad("it has no `=`".to_string()))?;
        let name = RepoName::parse(name).map_err(|error| bad(error.to_string()))?;
        let path = PathBuf::from(path.trim());
        if !path.is_absolute() {
            return Err(bad(format!("{} is not an absolute path", path.display())).into());
        }
        let checkout = agent_core::git::repository_root(&path)
            .map_err(|error| bad(format!("{}: {error}", path.display())))?;
        if served
            .iter()
            .any(|known: &ServedRepo| same(&known.name, &name))
        {
            return Err(bad(format!("{name} is listed twice")).into());
        }
        served.push(ServedRepo { name, checkout });
    }
    Ok(served)
}

/// The served repository named `name` (GitHub's names ignore case).
pub fn find<'a>(served: &'a [ServedRepo], name: &RepoName) -> Option<&'a ServedRepo> {
    served.iter().find(|repo| same(&repo.name, name))
}

fn same(a: &RepoName, b: &RepoName) -> bool {
    a.owner.eq_ignore_ascii_case(&b.owner) && a.name.eq_ignore_ascii_case(&b.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_name_a_repository_and_its_checkout() {
        let dir = tempfile::tempdir().unwrap();
        let checkout = dir.path().join("r");
        std::fs::create_dir(&checkout).unwrap();
        let status = std::process::Command::new("git")
            .args(["init", "-q"])
            .current_dir(&checkout)
            .status()
            .unwrap();
        assert!(status.success());
        let served = parse(&[format!("Octo/Repo={}", checkout.display())]).unwrap();
        let found = find(&served, &RepoName::parse("octo/repo").unwrap()).unwrap();
        assert_eq!(found.checkout, checkout.canonicalize().unwrap());
        assert!(find(&served, &RepoName::parse("octo/other").unwrap()).is_none());

        for bad in [
            "octo/repo".to_string(),
            "octo=/tmp".to_string(),
            "octo/repo=relative/path".to_string(),
            format!("octo/repo={}", dir.path().join("missing").display()),
        ] {
            let error = parse(std::slice::from_ref(&bad)).unwrap_err().to_string();
            assert!(error.contains("github.repos entry"), "{bad}: {error}");
        }
        let twice = parse(&[
            format!("o/r={}", checkout.display()),
            format!("O/R={}", checkout.display()),
        ]);
        assert!(twice.unwrap_err().to_string().contains("twice"));
    }
}
