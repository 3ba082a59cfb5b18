//! Where a finding may go on GitHub. The review API refuses (422) a comment on a line that is not
//! in the diff, and with it the whole review; so a finding goes to the nearest line of its file
//! that the diff shows on its side, at most [`MAX_DISTANCE`] lines away, else to the review's
//! body.

use std::collections::BTreeSet;

use super::diff::{FileDiff, Side};

/// How far (in lines) a finding may move to reach a line of the diff.
pub const MAX_DISTANCE: u32 = 3;

/// A pull request's diff with the lines of each file a comment may be on.
#[derive(Debug, Clone)]
pub struct DiffIndex {
    files: Vec<IndexedFile>,
}

/// One file of a [`DiffIndex`].
#[derive(Debug, Clone)]
pub struct IndexedFile {
    pub diff: FileDiff,
    right: BTreeSet<u32>,
    left: BTreeSet<u32>,
}

impl IndexedFile {
    /// The lines of `side` a comment may be on.
    pub fn lines(&self, side: Side) -> &BTreeSet<u32> {
        match side {
            Side::Right => &self.right,
            Side::Left => &self.left,
        }
    }
}

/// Where a finding goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// On this line of the diff (`line` may differ from the finding's by up to
    /// [`MAX_DISTANCE`]).
    Line { path: String, line: u32, side: Side },
    /// In the review's body, and why.
    Body(Outside),
}

/// Why a finding cannot be a line comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    /// The pull request does not change this file.
    UnknownFile,
    /// The file is binary, or its change has no lines (a mode change, an empty file).
    NoLines,
    /// The finding names no line.
    NoLine,
    /// The line is more than [`MAX_DISTANCE`] lines from any line of the diff.
    FarFromDiff,
}

impl Outside {
    /// A few words for the review's body.
    pub fn describe(self) -> &'static str {
        match self {
            Outside::UnknownFile => "file not in this pull request",
            Outside::NoLines => "no lines of this file in the diff",
            Outside::NoLine => "no line given",
            Outside::FarFromDiff => "line outside the diff",
        }
    }
}

impl DiffIndex {
    pub fn new(files: Vec<FileDiff>) -> DiffIndex {
        let files = files
            .into_iter()
            .map(|diff| IndexedFile {
                right: diff.commentable(Side::Right),
                left: diff.commentable(Side::Left),
                diff,
            })
            .collect();
        DiffIndex { files }
    }

    /// Parses a unified diff and indexes it.
    pub fn parse(diff: &str) -> DiffIndex {
        DiffIndex::new(super::diff::parse(diff))
    }

    pub fn files(&self) -> &[IndexedFile] {
        &self.files
    }

    /// The file a finding's path names: exactly, or without `./`, `/`, `a/` or `b/` in front,
    /// or by its old path (a renamed file), or as the one file whose path ends with it.
    pub fn file(&self, path: &str) -> Option<&IndexedFile> {
        let path = path.trim().trim_start_matches("./").trim_start_matches('/');
        if path.is_empty() {
            return None;
        }
        let named = |candidate: &str| {
            self.files
                .iter()
                .find(|file| file.diff.path() == candidate)
                .or_else(|| {
                    self.files
                        .iter()
                        .find(|file| file.diff.old_path.as_deref() == Some(candidate))
                })
        };
        if let Some(file) = named(path) {
            return Some(file);
        }
        if let Some(file) = ["a/", "b/"]
            .iter()
            .find_map(|prefix| path.strip_prefix(prefix).and_then(named))
        {
            return Some(file);
        }
        let suffix = format!("/{path}");
        let mut ends = self
            .files
            .iter()
            .filter(|file| file.diff.path().ends_with(&suffix));
        match (ends.next(), ends.next()) {
            (Some(file), None) => Some(file),
            _ => None,
        }
    }

    /// Whether a comment on `line` of `side` of `path` (exactly as the diff names it) is valid.
    pub fn is_commentable(&self, path: &str, side: Side, line: u32) -> bool {
        self.files
            .iter()
            .any(|file| file.diff.path() == path && file.lines(side).contains(&line))
    }

    /// Where a finding on `line` of `side` of `path` goes.
    pub fn place(&self, path: &str, line: Option<u32>, side: Side) -> Placement {
        let Some(file) = self.file(path) else {
            return Placement::Body(Outside::UnknownFile);
        };
        if file.right.is_empty() && file.left.is_empty() {
            return Placement::Body(Outside::NoLines);
        }
        let Some(line) = line else {
            return Placement::Body(Outside::NoLine);
        };
        // A deleted file has only an old side, an added one only a new side.
        let side = if file.lines(side).is_empty() {
            match side {
                Side::Right => Side::Left,
                Side::Left => Side::Right,
            }
        } else {
            side
        };
        match nearest(file.lines(side), line, MAX_DISTANCE) {
            Some(line) => Placement::Line {
                path: file.diff.path().to_string(),
                line,
                side,
            },
            None => Placement::Body(Outside::FarFromDiff),
        }
    }
}

/// The member of `lines` closest to `line`, at most `distance` away (the earlier on a tie).
fn nearest(lines: &BTreeSet<u32>, line: u32, distance: u32) -> Option<u32> {
    lines
        .range(line.saturating_sub(distance)..=line.saturating_add(distance))
        .min_by_key(|candidate| (candidate.abs_diff(line), **candidate))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF: &str = "\
diff --git a/src/lib.rs b/src/lib.rs
index 1111111..2222222 100644
--- a/src/lib.rs
+++ b/src/lib.rs
@@ -10,4 +10,5 @@ fn main() {
 ten
-eleven
+eleven!
+eleven and a half
 twelve
 thirteen
@@ -40,2 +41,2 @@ fn tail() {
-forty
+forty!
 forty-one
diff --git a/gone.txt b/gone.txt
deleted file mode 100644
index 3333333..0000000
--- a/gone.txt
+++ /dev/null
@@ -1,2 +0,0 @@
-one
-two
diff --git a/logo.png b/logo.png
index 4444444..5555555 100644
Binary files a/logo.png and b/logo.png differ
";

    #[test]
    fn a_finding_on_a_line_of_the_diff_stays_there() {
        let index = DiffIndex::parse(DIFF);
        assert_eq!(
            index.place("src/lib.rs", Some(11), Side::Right),
            Placement::Line {
                path: "src/lib.rs".into(),
                line: 11,
                side: Side::Right
            }
        );
        assert!(index.is_commentable("src/lib.rs", Side::Left, 11));
        assert!(index.is_commentable("src/lib.rs", Side::Right, 42));
        assert!(!index.is_commentable("src/lib.rs", Side::Right, 20));
    }

    #[test]
    fn a_finding_near_the_diff_moves_to_the_nearest_line_and_a_far_one_to_the_body() {
        let index = DiffIndex::parse(DIFF);
        // Right lines: 10..=14 and 41..=42.
        let line = |n| match index.place("./src/lib.rs", Some(n), Side::Right) {
            Placement::Line { line, .. } => Some(line),
            Placement::Body(_) => None,
        };
        assert_eq!(line(16), Some(14));
        assert_eq!(line(17), Some(14));
        assert_eq!(line(18), None);
        assert_eq!(line(39), Some(41));
        assert_eq!(line(7), Some(10));
        assert_eq!(line(6), None);
        assert_eq!(
            index.place("src/lib.rs", Some(30), Side::Right),
            Placement::Body(Outside::FarFromDiff)
        );
        assert_eq!(
            index.place("src/lib.rs", None, Side::Right),
            Placement::Body(Outside::NoLine)
        );
    }

    #[test]
    fn deleted_binary_and_unknown_files() {
        let index = DiffIndex::parse(DIFF);
        assert_eq!(
            index.place("gone.txt", Some(2), Side::Right),
            Placement::Line {
                path: "gone.txt".into(),
                line: 2,
                side: Side::Left
            }
        );
        assert_eq!(
            index.place("logo.png", Some(1), Side::Right),
            Placement::Body(Outside::NoLines)
        );
        assert_eq!(
            index.place("src/main.rs", Some(1), Side::Right),
            Placement::Body(Outside::UnknownFile)
        );
        assert_eq!(
            index.place("", Some(1), Side::Right),
            Placement::Body(Outside::UnknownFile)
        );
    }

    #[test]
    fn paths_are_matched_forgivingly_but_never_ambiguously() {
        let index = DiffIndex::parse(DIFF);
        for path in ["b/src/lib.rs", "/src/lib.rs", "lib.rs", " src/lib.rs "] {
            assert_eq!(
                index.file(path).map(|f| f.diff.path()),
                Some("src/lib.rs"),
                "{path}"
            );
        }
        let two = DiffIndex::parse(
            "--- a/a/x.rs\n+++ b/a/x.rs\n@@ -1 +1 @@\n-a\n+b\n--- a/b/x.rs\n+++ b/b/x.rs\n@@ -1 +1 @@\n-a\n+b\n",
        );
        assert_eq!(two.files().len(), 2);
        assert!(two.file("x.rs").is_none());
        assert_eq!(two.file("b/x.rs").map(|f| f.diff.path()), Some("b/x.rs"));
    }
}
