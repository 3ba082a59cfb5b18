//! Tests for applying and undoing task commits in the user's checkout.

use super::super::test_support::{Fixture, git, write};
use super::super::{commit_all, create_worktree};
use super::*;

/// A repository plus a task commit (made in a worktree) that edits `a.txt`, adds `new.txt` and
/// deletes `b.txt`.
fn task_commit(fixture: &Fixture) -> String {
    let path = fixture.worktree_path("task");
    create_worktree(&fixture.root, &path, "agent/task", "HEAD").unwrap();
    write(&path, "a.txt", "alpha from the task\n");
    write(&path, "new.txt", "new from the task\n");
    std::fs::remove_file(path.join("b.txt")).unwrap();
    commit_all(&path, "task: edit a, add new, drop b")
        .unwrap()
        .unwrap()
}

/// Unrelated work in progress: a staged edit, an unstaged edit on top of another staged one,
/// a staged new file and an untracked file.
fn unrelated_changes(fixture: &Fixture) {
    fixture.write("src/lib.rs", "pub fn one() -> u32 {\n    11\n}\n");
    fixture.write("staged.txt", "staged\n");
    fixture.git(&["add", "src/lib.rs", "staged.txt"]);
    fixture.write("src/lib.rs", "pub fn one() -> u32 {\n    111\n}\n");
    fixture.write("untracked.txt", "untracked\n");
}

/// The uncommitted state of the unrelated paths, to compare byte for byte.
fn unrelated_state(fixture: &Fixture) -> (String, String, String, String) {
    (
        fixture.git(&["diff", "--cached", "--", "src/lib.rs", "staged.txt"]),
        fixture.git(&["diff", "--", "src/lib.rs", "staged.txt"]),
        fixture.read("src/lib.rs"),
        fixture.read("untracked.txt"),
    )
}

#[test]
fn apply_keeps_unrelated_staged_and_unstaged_changes() {
    let fixture = Fixture::with_commit();
    let task = task_commit(&fixture);
    unrelated_changes(&fixture);
    let before = unrelated_state(&fixture);
    let old_head = fixture.head();

    let applied = apply_commit(&fixture.root, &task).unwrap();

    assert_eq!(fixture.head(), applied);
    assert_eq!(git(&fixture.root, &["rev-parse", "HEAD^"]).trim(), old_head);
    assert_eq!(
        fixture.git(&["log", "-1", "--format=%s%n%an"]),
        "task: edit a, add new, drop b\nTest User\n"
    );
    assert_eq!(unrelated_state(&fixture), before);
    assert_eq!(fixture.read("a.txt"), "alpha from the task\n");
    assert_eq!(fixture.read("new.txt"), "new from the task\n");
    assert!(!fixture.root.join("b.txt").exists());
    let status = fixture.git(&["status", "--porcelain=v1", "-uall"]);
    assert_eq!(status, "MM src/lib.rs\nA  staged.txt\n?? untracked.txt\n");
}

#[test]
fn apply_refuses_when_a_touched_path_is_dirty() {
    for dirty in ["unstaged", "staged", "untracked"] {
        let fixture = Fixture::with_commit();
        let task = task_commit(&fixture);
        match dirty {
            "unstaged" => fixture.write("a.txt", "user edit\n"),
            "staged" => {
                fixture.write("b.txt", "user edit\n");
                fixture.git(&["add", "b.txt"]);
            }
            _ => fixture.write("new.txt", "user's own new file\n"),
        }
        let before = fixture.snapshot();
        let error = apply_commit(&fixture.root, &task).unwrap_err();
        let GitError::DirtyPaths { paths } = &error else {
            panic!("{dirty}: {error:?}");
        };
        let expected = match dirty {
            "unstaged" => "a.txt",
            "staged" => "b.txt",
            _ => "new.txt",
        };
        assert_eq!(paths, &[expected.to_owned()], "{dirty}");
        assert!(error.hint().is_some());
        assert_eq!(fixture.snapshot(), before, "{dirty}: nothing changed");
    }
}

#[test]
fn apply_refuses_conflicts_and_changes_nothing() {
    let fixture = Fixture::with_commit();
    let task = task_commit(&fixture);
    fixture.write("a.txt", "alpha changed on main\n");
    fixture.commit_all("main edits a");
    let before = fixture.snapshot();
    let error = apply_commit(&fixture.root, &task).unwrap_err();
    let GitError::Conflict {
        operation, paths, ..
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*operation, "cherry-pick");
    assert_eq!(paths, &["a.txt".to_owned()]);
    assert_eq!(fixture.snapshot(), before);
}

#[test]
fn apply_merges_with_unrelated_commits_on_the_branch() {
    let fixture = Fixture::with_commit();
    let task = task_commit(&fixture);
    fixture.write("src/lib.rs", "pub fn one() -> u32 {\n    1\n}\n// more\n");
    let main_head = fixture.commit_all("main edits lib");
    let applied = apply_commit(&fixture.root, &task).unwrap();
    assert_eq!(
        git(&fixture.root, &["rev-parse", "HEAD^"]).trim(),
        main_head
    );
    assert!(fixture.read("src/lib.rs").ends_with("// more\n"));
    assert_eq!(fixture.read("a.txt"), "alpha from the task\n");
    assert!(fixture.git(&["status", "--porcelain"]).is_empty());
    let error = apply_commit(&fixture.root, &applied).unwrap_err();
    assert!(
        matches!(error, GitError::NothingToApply { .. }),
        "{error:?}"
    );
}

#[test]
fn apply_refuses_a_detached_head() {
    let fixture = Fixture::with_commit();
    let task = task_commit(&fixture);
    fixture.git(&["checkout", "-q", "--detach"]);
    let error = apply_commit(&fixture.root, &task).unwrap_err();
    assert!(matches!(error, GitError::DetachedHead), "{error:?}");
    assert!(error.hint().is_some_and(|hint| hint.contains("git switch")));
    let error = apply_commit(&fixture.root, "no-such-commit").unwrap_err();
    assert!(matches!(error, GitError::DetachedHead), "{error:?}");
}

#[test]
fn undo_right_after_apply_resets_and_keeps_unrelated_changes() {
    let fixture = Fixture::with_commit();
    let task = task_commit(&fixture);
    let original = fixture.head();
    unrelated_changes(&fixture);
    let before = unrelated_state(&fixture);
    let applied = apply_commit(&fixture.root, &task).unwrap();

    let outcome = undo_commit(&fixture.root, &applied).unwrap();

    assert_eq!(
        outcome,
        UndoOutcome::Reset {
            head: original.clone()
        }
    );
    assert_eq!(fixture.head(), original);
    assert_eq!(unrelated_state(&fixture), before);
    assert_eq!(fixture.read("a.txt"), "alpha\n");
    assert_eq!(fixture.read("b.txt"), "bravo\n");
    assert!(!fixture.root.join("new.txt").exists());
    let status = fixture.git(&["status", "--porcelain=v1", "-uall"]);
    assert_eq!(status, "MM src/lib.rs\nA  staged.txt\n?? untracked.txt\n");
}

#[test]
fn undo_refuses_when_the_user_changed_a_touched_path() {
    let fixture = Fixture::with_commit();
    let task = task_commit(&fixture);
    let applied = apply_commit(&fixture.root, &task).unwrap();
    fixture.write("new.txt", "user kept editing\n");
    let before = fixture.snapshot();
    let error = undo_commit(&fixture.root, &applied).unwrap_err();
    assert!(
        matches!(&error, GitError::DirtyPaths { paths } if paths == &["new.txt".to_owned()]),
        "{error:?}"
    );
    assert_eq!(fixture.snapshot(), before);
}

#[test]
fn undo_after_later_commits_reverts() {
    let fixture = Fixture::with_commit();
    let task = task_commit(&fixture);
    let applied = apply_commit(&fixture.root, &task).unwrap();
    fixture.write("src/lib.rs", "// later\n");
    let later = fixture.commit_all("later work");
    unrelated_changes(&fixture);
    fixture.git(&["reset", "-q", "--", "src/lib.rs"]);
    fixture.git(&["checkout", "-q", "--", "src/lib.rs"]);
    let status_before = fixture.git(&["status", "--porcelain=v1", "-uall"]);

    let outcome = undo_commit(&fixture.root, &applied).unwrap();

    let UndoOutcome::Reverted { commit } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(fixture.head(), commit);
    assert_eq!(git(&fixture.root, &["rev-parse", "HEAD^"]).trim(), later);
    let subject = fixture.git(&["log", "-1", "--format=%s"]);
    assert_eq!(subject, "Revert \"task: edit a, add new, drop b\"\n");
    assert_eq!(fixture.read("a.txt"), "alpha\n");
    assert_eq!(fixture.read("b.txt"), "bravo\n");
    assert!(!fixture.root.join("new.txt").exists());
    assert_eq!(fixture.read("src/lib.rs"), "// later\n");
    assert_eq!(
        fixture.git(&["status", "--porcelain=v1", "-uall"]),
        status_before
    );
}

#[test]
fn undo_refuses_conflicting_reverts_and_foreign_commits() {
    let fixture = Fixture::with_commit();
    let task = task_commit(&fixture);
    let applied = apply_commit(&fixture.root, &task).unwrap();
    fixture.write("a.txt", "rewritten after the task\n");
    fixture.commit_all("later edit of a");
    let before = fixture.snapshot();
    let error = undo_commit(&fixture.root, &applied).unwrap_err();
    assert!(
        matches!(
            &error,
            GitError::Conflict {
                operation: "revert",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(fixture.snapshot(), before);

    let side = fixture.worktree_path("side");
    create_worktree(&fixture.root, &side, "side", "HEAD~2").unwrap();
    write(&side, "side.txt", "elsewhere\n");
    let foreign = commit_all(&side, "side work").unwrap().unwrap();
    let error = undo_commit(&fixture.root, &foreign).unwrap_err();
    assert!(matches!(error, GitError::NotOnBranch { .. }), "{error:?}");
    assert_eq!(fixture.snapshot(), before);
}
