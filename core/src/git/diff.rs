//! The unified patch of a task worktree against its base commit, and its summary numbers.

use std::fmt;
use std::path::Path;

use git2::{DiffFormat, DiffOptions};

use super::{GitError, open_repository, resolve_commit};

pub use crate::protocol::DiffStat;

impl fmt::Display for DiffStat {
    /// Git's summary line: `3 files changed, 10 insertions(+), 2 deletions(-)`, leaving out a
    /// zero count unless both are zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |count: usize| if count == 1 { "" } else { "s" };
        write!(
            f,
            "{} file{} changed",
            self.files_changed,
            plural(self.files_changed)
        )?;
        let both_zero = self.insertions == 0 && self.deletions == 0;
        if self.insertions > 0 || both_zero {
            let count = self.insertions;
            write!(f, ", {count} insertion{}(+)", plural(count))?;
        }
        if self.deletions > 0 || both_zero {
            let count = self.deletions;
            write!(f, ", {count} deletion{}(-)", plural(count))?;
        }
        Ok(())
    }
}

/// The unified patch of the worktree's current state against `base_commit`, and its stat.
///
/// Covers staged and unstaged changes alike, deletions, and untracked files that are not
/// ignored (shown as added in full). Binary files appear as git's "Binary files … differ" line.
pub fn diff_since(worktree: &Path, base_commit: &str) -> Result<(String, DiffStat), GitError> {
    let repository = open_repository(worktree)?;
    let base_tree = resolve_commit(&repository, base_commit)?.tree()?;
    let mut options = DiffOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .show_untracked_content(true)
        .include_typechange(true);
    let diff = repository.diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut options))?;

    let mut patch = Vec::new();
    diff.print(DiffFormat::Patch, |_delta, _hunk, line| {
        if matches!(line.origin(), '+' | '-' | ' ') {
            let mut prefix = [0; 4];
            patch.extend_from_slice(line.origin().encode_utf8(&mut prefix).as_bytes());
        }
        patch.extend_from_slice(line.content());
        true
    })?;

    let stats = diff.stats()?;
    let files = diff
        .deltas()
        .filter_map(|delta| delta.new_file().path().or(delta.old_file().path()))
        .map(|path| path.to_string_lossy().replace('\\', "/"))
        .collect();
    let stat = DiffStat {
        files_changed: stats.files_changed(),
        insertions: stats.insertions(),
        deletions: stats.deletions(),
        files,
    };
    Ok((String::from_utf8_lossy(&patch).into_owned(), stat))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{Fixture, write};
    use super::super::{commit_all, create_worktree};
    use super::*;

    #[test]
    fn stat_reads_like_git() {
        let mut stat = DiffStat {
            files_changed: 3,
            insertions: 10,
            deletions: 2,
            files: Vec::new(),
        };
        assert_eq!(
            stat.to_string(),
            "3 files changed, 10 insertions(+), 2 deletions(-)"
        );
        stat.files_changed = 1;
        stat.insertions = 1;
        stat.deletions = 0;
        assert_eq!(stat.to_string(), "1 file changed, 1 insertion(+)");
        stat.insertions = 0;
        assert_eq!(
            stat.to_string(),
            "1 file changed, 0 insertions(+), 0 deletions(-)"
        );
        let json = serde_json::to_string(&stat).unwrap();
        assert_eq!(serde_json::from_str::<DiffStat>(&json).unwrap(), stat);
    }

    #[test]
    fn diff_covers_modified_new_and_deleted_files_but_not_ignored_ones() {
        let fixture = Fixture::with_commit();
        let path = fixture.worktree_path("t");
        let task = create_worktree(&fixture.root, &path, "t", "HEAD").unwrap();
        write(&path, "a.txt", "alpha\nmore\n");
        write(&path, "new/dir/file.txt", "brand new\n");
        std::fs::remove_file(path.join("b.txt")).unwrap();
        write(&path, "target/build.log", "ignored\n");

        let (patch, stat) = diff_since(&path, &task.base_commit).unwrap();
        assert!(patch.contains("diff --git a/a.txt b/a.txt"), "{patch}");
        assert!(patch.contains("+more\n"), "{patch}");
        assert!(patch.contains("+brand new\n"), "{patch}");
        assert!(patch.contains("-bravo\n"), "{patch}");
        assert!(!patch.contains("ignored"), "{patch}");
        assert_eq!(stat.files_changed, 3);
        assert_eq!(stat.insertions, 2);
        assert_eq!(stat.deletions, 1);
        let mut files = stat.files.clone();
        files.sort();
        assert_eq!(files, ["a.txt", "b.txt", "new/dir/file.txt"]);
    }

    #[test]
    fn diff_includes_committed_work_since_the_base() {
        let fixture = Fixture::with_commit();
        let path = fixture.worktree_path("t");
        let task = create_worktree(&fixture.root, &path, "t", "HEAD").unwrap();
        write(&path, "src/lib.rs", "pub fn two() -> u32 {\n    2\n}\n");
        commit_all(&path, "change").unwrap();
        write(&path, "a.txt", "alpha\nlater\n");

        let (patch, stat) = diff_since(&path, &task.base_commit).unwrap();
        assert!(patch.contains("+pub fn two"), "{patch}");
        assert!(patch.contains("+later"), "{patch}");
        assert_eq!(stat.files_changed, 2);
    }

    #[test]
    fn clean_worktree_has_an_empty_diff() {
        let fixture = Fixture::with_commit();
        let path = fixture.worktree_path("t");
        let task = create_worktree(&fixture.root, &path, "t", "HEAD").unwrap();
        let (patch, stat) = diff_since(&path, &task.base_commit).unwrap();
        assert!(patch.is_empty());
        assert_eq!(stat, DiffStat::default());
    }
}
