//! Committing everything in a task worktree on its branch.

use std::path::Path;

use git2::IndexAddOption;

use super::{GitError, open_repository, signature};

/// Stages everything in the worktree with `git add -A` semantics (new, modified and deleted
/// files; ignored files stay out) and commits it on the worktree's branch.
///
/// The author and committer come from the repository configuration, or are
/// `agent <agent@localhost>` when it has none. Returns `None` when there is nothing to commit,
/// otherwise the new commit's sha.
pub fn commit_all(worktree: &Path, message: &str) -> Result<Option<String>, GitError> {
    let repository = open_repository(worktree)?;
    let mut index = repository.index()?;
    index.add_all(["*"], IndexAddOption::DEFAULT, None)?;
    index.update_all(["*"], None)?;
    index.write()?;
    let tree_id = index.write_tree()?;

    let parent = match repository.head() {
        Ok(head) => Some(head.peel_to_commit()?),
        Err(error) if error.code() == git2::ErrorCode::UnbornBranch => None,
        Err(error) => return Err(error.into()),
    };
    if parent
        .as_ref()
        .is_some_and(|parent| parent.tree_id() == tree_id)
    {
        return Ok(None);
    }
    let tree = repository.find_tree(tree_id)?;
    let signature = signature(&repository)?;
    let parents: Vec<_> = parent.iter().collect();
    let commit = repository.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )?;
    Ok(Some(commit.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{Fixture, git, write};
    use super::super::{create_worktree, diff_since};
    use super::*;

    #[test]
    fn commit_all_stages_new_modified_and_deleted_files() {
        let fixture = Fixture::with_commit();
        let path = fixture.worktree_path("t");
        let task = create_worktree(&fixture.root, &path, "agent/t", "HEAD").unwrap();
        let user_head = fixture.head();
        write(&path, "a.txt", "changed\n");
        write(&path, "docs/new.md", "# new\n");
        write(&path, "target/out.bin", "ignored\n");
        std::fs::remove_file(path.join("b.txt")).unwrap();

        let sha = commit_all(&path, "task: change things").unwrap().unwrap();

        assert_eq!(git(&path, &["rev-parse", "HEAD"]).trim(), sha);
        assert_eq!(
            git(&fixture.root, &["rev-parse", "agent/t"]).trim(),
            sha,
            "the commit is on the task branch"
        );
        assert_eq!(fixture.head(), user_head, "the user's branch did not move");
        let parent = git(&path, &["rev-parse", "HEAD^"]);
        assert_eq!(parent.trim(), task.base_commit);
        let files = git(
            &path,
            &["show", "--name-status", "--format=%s%n%an", "HEAD"],
        );
        assert!(
            files.starts_with("task: change things\nTest User\n"),
            "{files}"
        );
        assert!(files.contains("M\ta.txt"), "{files}");
        assert!(files.contains("A\tdocs/new.md"), "{files}");
        assert!(files.contains("D\tb.txt"), "{files}");
        assert!(!files.contains("target"), "{files}");
        assert!(git(&path, &["status", "--porcelain"]).is_empty());
        let (patch, _) = diff_since(&path, &sha).unwrap();
        assert!(patch.is_empty(), "{patch}");
    }

    #[test]
    fn commit_all_without_changes_returns_none() {
        let fixture = Fixture::with_commit();
        let path = fixture.worktree_path("t");
        create_worktree(&fixture.root, &path, "t", "HEAD").unwrap();
        let head = git(&path, &["rev-parse", "HEAD"]);
        assert_eq!(commit_all(&path, "nothing").unwrap(), None);
        write(&path, "target/ignored.txt", "ignored\n");
        assert_eq!(commit_all(&path, "still nothing").unwrap(), None);
        assert_eq!(git(&path, &["rev-parse", "HEAD"]), head);
    }

    #[test]
    fn commit_all_falls_back_to_the_agent_identity() {
        let fixture = Fixture::with_commit();
        // An empty local identity hides any global one from libgit2, as if none were set.
        fixture.git(&["config", "user.name", ""]);
        fixture.git(&["config", "user.email", ""]);
        let path = fixture.worktree_path("t");
        create_worktree(&fixture.root, &path, "t", "HEAD").unwrap();
        write(&path, "a.txt", "changed\n");
        commit_all(&path, "anonymous").unwrap().unwrap();
        let author = git(&path, &["show", "-s", "--format=%an <%ae>", "HEAD"]);
        assert_eq!(author.trim(), "agent <agent@localhost>");
    }
}
