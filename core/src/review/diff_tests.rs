//! Tests of the diff parser: hand-written diffs of every kind, real `git diff` output, and
//! random files diffed by `similar` whose parsed diff must rebuild the new file.

use super::*;

/// Rebuilds the new file from the old one and the parsed diff, checking every line's numbers
/// against both files on the way.
fn rebuild(old: &[&str], new: &[&str], file: &FileDiff) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cursor = 0usize;
    for line in &file.lines {
        if let Some(n) = line.new {
            assert_eq!(new[n as usize - 1], line.text, "new line {n}: {line:?}");
        }
        if let Some(n) = line.old {
            assert_eq!(old[n as usize - 1], line.text, "old line {n}: {line:?}");
            while cursor < n as usize - 1 {
                out.push(old[cursor].to_string());
                cursor += 1;
            }
        } else if let Some(n) = line.new {
            while out.len() < n as usize - 1 {
                out.push(old[cursor].to_string());
                cursor += 1;
            }
        }
        match line.kind {
            LineKind::Context => {
                out.push(line.text.clone());
                cursor += 1;
            }
            LineKind::Added => out.push(line.text.clone()),
            LineKind::Removed => cursor += 1,
            LineKind::Hunk | LineKind::NoNewline => {}
        }
    }
    out.extend(old[cursor..].iter().map(|line| line.to_string()));
    out
}

fn lines(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<&str> = text.split('\n').collect();
    if text.ends_with('\n') {
        lines.pop();
    }
    lines
}

#[test]
fn a_modified_file_with_two_hunks_has_numbers_and_positions() {
    let diff = "\
diff --git a/src/main.rs b/src/main.rs
index 83db48f..bf12a3c 100644
--- a/src/main.rs
+++ b/src/main.rs
@@ -1,3 +1,4 @@
 use std::io;
+use std::fs;
 
 fn main() {
@@ -20,3 +21,2 @@ fn helper() {
     let x = 1;
-    let y = 2;
     x
";
    let files = parse(diff);
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert_eq!(file.path(), "src/main.rs");
    assert_eq!(file.status, FileStatus::Modified);
    assert_eq!(
        file.commentable(Side::Right)
            .into_iter()
            .collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 21, 22]
    );
    assert_eq!(
        file.commentable(Side::Left).into_iter().collect::<Vec<_>>(),
        vec![1, 2, 3, 20, 21, 22]
    );
    // Positions count from the line under the first hunk header; the second header counts.
    assert_eq!(file.position_of(Side::Right, 1), Some(1));
    assert_eq!(file.position_of(Side::Right, 2), Some(2));
    assert_eq!(file.position_of(Side::Right, 4), Some(4));
    assert_eq!(file.lines[5].kind, LineKind::Hunk);
    assert_eq!(file.lines[5].position, 5);
    assert_eq!(file.position_of(Side::Right, 21), Some(6));
    assert_eq!(file.position_of(Side::Left, 21), Some(7));
    assert_eq!(file.position_of(Side::Right, 22), Some(8));
    assert_eq!(file.counts(), (1, 1));
    // The empty context line (a lone space) is line 3 on both sides.
    assert_eq!(file.lines[3].text, "");
    assert_eq!((file.lines[3].old, file.lines[3].new), (Some(2), Some(3)));
}

/// Old path, new path, status, binary, number of lines.
type Summary<'a> = (Option<&'a str>, Option<&'a str>, FileStatus, bool, usize);

#[test]
fn new_deleted_renamed_copied_binary_and_mode_only_files() {
    let diff = "\
diff --git a/new.txt b/new.txt
new file mode 100644
index 0000000..3b18e51
--- /dev/null
+++ b/new.txt
@@ -0,0 +1,2 @@
+hello
+world
diff --git a/old.txt b/old.txt
deleted file mode 100644
index 3b18e51..0000000
--- a/old.txt
+++ /dev/null
@@ -1 +0,0 @@
-bye
diff --git a/docs/a.md b/guide/b.md
similarity index 90%
rename from docs/a.md
rename to guide/b.md
index 1111111..2222222 100644
--- a/docs/a.md
+++ b/guide/b.md
@@ -3 +3 @@ title
-old
+new
diff --git a/moved.rs b/elsewhere/moved.rs
similarity index 100%
rename from moved.rs
rename to elsewhere/moved.rs
diff --git a/x.rs b/y.rs
similarity index 95%
copy from x.rs
copy to y.rs
diff --git a/logo.png b/logo.png
new file mode 100644
index 0000000..e69de29
Binary files /dev/null and b/logo.png differ
diff --git a/run.sh b/run.sh
old mode 100644
new mode 100755
";
    let files = parse(diff);
    let summary: Vec<Summary<'_>> = files
        .iter()
        .map(|f| {
            (
                f.old_path.as_deref(),
                f.new_path.as_deref(),
                f.status,
                f.binary,
                f.lines.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (None, Some("new.txt"), FileStatus::Added, false, 3),
            (Some("old.txt"), None, FileStatus::Deleted, false, 2),
            (
                Some("docs/a.md"),
                Some("guide/b.md"),
                FileStatus::Renamed,
                false,
                3
            ),
            (
                Some("moved.rs"),
                Some("elsewhere/moved.rs"),
                FileStatus::Renamed,
                false,
                0
            ),
            (Some("x.rs"), Some("y.rs"), FileStatus::Copied, false, 0),
            (None, Some("logo.png"), FileStatus::Added, true, 0),
            (
                Some("run.sh"),
                Some("run.sh"),
                FileStatus::Modified,
                false,
                0
            ),
        ]
    );
    assert_eq!(files[0].commentable(Side::Right).len(), 2);
    assert!(files[0].commentable(Side::Left).is_empty());
    assert_eq!(files[1].path(), "old.txt");
    assert_eq!(
        files[1]
            .commentable(Side::Left)
            .into_iter()
            .collect::<Vec<_>>(),
        vec![1]
    );
    assert_eq!(files[2].path(), "guide/b.md");
    assert_eq!(files[2].position_of(Side::Right, 3), Some(2));
}

#[test]
fn no_newline_markers_count_as_positions_but_not_as_lines() {
    let diff = "\
diff --git a/a.txt b/a.txt
--- a/a.txt
+++ b/a.txt
@@ -1,2 +1,2 @@
 one
-two
\\ No newline at end of file
+two
+three
\\ No newline at end of file
";
    // The header says +1,2 but three new-side lines follow: the hunk ends at its count.
    let files = parse(diff);
    let file = &files[0];
    let kinds: Vec<LineKind> = file.lines.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        vec![
            LineKind::Hunk,
            LineKind::Context,
            LineKind::Removed,
            LineKind::NoNewline,
            LineKind::Added,
        ]
    );
    let well_formed = diff.replace("+1,2", "+1,3");
    let file = &parse(&well_formed)[0];
    assert_eq!(file.lines.len(), 7);
    assert_eq!(file.lines[6].kind, LineKind::NoNewline);
    assert_eq!(file.position_of(Side::Right, 3), Some(5));
    assert_eq!(
        file.commentable(Side::Right)
            .into_iter()
            .collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}

#[test]
fn removed_lines_that_look_like_headers_stay_content() {
    let diff = "\
diff --git a/notes.md b/notes.md
--- a/notes.md
+++ b/notes.md
@@ -1,3 +1,3 @@
--- a/fake
+++ b/fake
-diff --git a/x b/x
+@@ -1 +1 @@
 end
";
    let files = parse(diff);
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert_eq!(file.counts(), (2, 2));
    assert_eq!(file.lines[1].text, "-- a/fake");
    assert_eq!(file.lines[3].text, "diff --git a/x b/x");
    assert_eq!(file.lines[4].kind, LineKind::Added);
}

#[test]
fn quoted_and_spaced_paths() {
    let diff = "\
diff --git \"a/caf\\303\\251 \\\"x\\\".txt\" \"b/caf\\303\\251 \\\"x\\\".txt\"
index 1..2 100644
--- \"a/caf\\303\\251 \\\"x\\\".txt\"
+++ \"b/caf\\303\\251 \\\"x\\\".txt\"
@@ -1 +1 @@
-a
+b
diff --git a/my file.txt b/my file.txt
index 1..2 100644
--- a/my file.txt\t
+++ b/my file.txt\t
@@ -1 +1 @@
-a
+b
diff --git a/two words.bin b/two words.bin
index 1..2 100644
Binary files a/two words.bin and b/two words.bin differ
";
    let files = parse(diff);
    let paths: Vec<&str> = files.iter().map(FileDiff::path).collect();
    assert_eq!(
        paths,
        vec!["café \"x\".txt", "my file.txt", "two words.bin"]
    );
    assert!(files[2].binary);
}

#[test]
fn plain_unified_diffs_and_crlf_lines_parse() {
    let diff = "--- a.txt\t2024-01-01 00:00:00\r\n+++ a.txt\t2024-01-02 00:00:00\r\n@@ -1 +1 @@\r\n-x\r\n+y\r\n--- b.txt\n+++ b.txt\n@@ -2,0 +3 @@\n+z\n";
    let files = parse(diff);
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].path(), "a.txt");
    assert_eq!(files[0].lines[2].text, "y");
    assert_eq!(files[1].path(), "b.txt");
    assert_eq!(
        files[1]
            .commentable(Side::Right)
            .into_iter()
            .collect::<Vec<_>>(),
        vec![3]
    );
}

#[test]
fn garbage_and_truncated_input_never_panics() {
    for text in [
        "",
        "\n\n",
        "<html>not a diff</html>",
        "diff --git",
        "diff --git a/x b/x\n@@ -1,5 +1,5 @@\n x\n",
        "diff --git a/x b/x\n@@ bogus @@\n+x\n",
        "@@ -1 +1 @@\n+x\n",
        "diff --git \"a/unterminated",
        "diff --git a/x b/x\n@@ -4294967295,1 +4294967295,1 @@\n x\n",
    ] {
        let _ = parse(text);
    }
    let cut = parse("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,5 +1,5 @@\n x\n-y\n");
    assert_eq!(cut[0].lines.len(), 3);
}

/// A small xorshift generator: the same cases on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[test]
fn random_diffs_rebuild_the_new_file() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let words = [
        "a", "b", "", "--- x", "+++ y", "@@ z", " c", "\\ d", "fn x() {", "}",
    ];
    for case in 0..400 {
        let size = rng.below(40) as usize;
        let old: Vec<String> = (0..size)
            .map(|_| words[rng.below(words.len() as u64) as usize].to_string())
            .collect();
        let mut new = old.clone();
        for _ in 0..rng.below(8) {
            let at = rng.below(new.len() as u64 + 1) as usize;
            match rng.below(3) {
                0 if at < new.len() => {
                    new.remove(at);
                }
                1 if at < new.len() => {
                    new[at] = format!("changed {case}");
                }
                _ => new.insert(at, format!("added {}", rng.below(100))),
            }
        }
        let join = |lines: &[String], newline: bool| {
            let mut text = lines.join("\n");
            if newline && !lines.is_empty() {
                text.push('\n');
            }
            text
        };
        let old_text = join(&old, rng.below(4) != 0);
        let new_text = join(&new, rng.below(4) != 0);
        let radius = rng.below(4) as usize;
        let unified = similar::TextDiff::from_lines(&old_text, &new_text)
            .unified_diff()
            .context_radius(radius)
            .header("a/f.txt", "b/f.txt")
            .to_string();
        let files = parse(&unified);
        if old_text == new_text {
            assert!(files.iter().all(|f| f.lines.is_empty()), "case {case}");
            continue;
        }
        assert_eq!(files.len(), 1, "case {case}:\n{unified}");
        let file = &files[0];
        assert_eq!(file.path(), "f.txt");
        let rebuilt = rebuild(&lines(&old_text), &lines(&new_text), file);
        assert_eq!(rebuilt, lines(&new_text), "case {case}:\n{unified}");
        // Positions are the line's index under the first hunk header.
        for (index, line) in file.lines.iter().enumerate() {
            assert_eq!(line.position as usize, index, "case {case}");
        }
    }
}

fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "git {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_real_git_diff_of_every_kind_of_change_parses() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["config", "user.email", "t@example.com"]);
    git(root, &["config", "user.name", "t"]);
    let long: String = (1..=60).map(|n| format!("line {n}\n")).collect();
    let before = [
        ("edited.txt", long.clone()),
        (
            "renamed-before.txt",
            (1..=20).map(|n| format!("r{n}\n")).collect(),
        ),
        ("deleted.txt", "gone\nfor good\n".to_string()),
        ("no-newline.txt", "a\nb".to_string()),
        ("my file.txt", "x\n".to_string()),
        ("café.txt", "é\n".to_string()),
    ];
    for (name, text) in &before {
        std::fs::write(root.join(name), text).unwrap();
    }
    std::fs::write(root.join("blob.bin"), [0u8, 1, 2, 3, 0, 255]).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "before"]);

    let edited = long
        .replace("line 3\n", "line three\n")
        .replace("line 40\n", "")
        .replace("line 55\n", "line 55\nline 55.5\n");
    let renamed: String = (1..=20)
        .map(|n| {
            if n == 10 {
                "r-ten\n".to_string()
            } else {
                format!("r{n}\n")
            }
        })
        .collect();
    let after = [
        ("edited.txt", edited),
        ("renamed-after.txt", renamed),
        ("no-newline.txt", "a\nb\nc".to_string()),
        ("my file.txt", "y\n".to_string()),
        ("café.txt", "è\n".to_string()),
        ("added.txt", "new\nfile\n".to_string()),
    ];
    std::fs::remove_file(root.join("renamed-before.txt")).unwrap();
    std::fs::remove_file(root.join("deleted.txt")).unwrap();
    for (name, text) in &after {
        std::fs::write(root.join(name), text).unwrap();
    }
    std::fs::write(root.join("blob.bin"), [9u8, 0, 8]).unwrap();
    git(root, &["add", "-A"]);
    git(root, &["commit", "-qm", "after"]);
    let diff = git(root, &["diff", "-M", "HEAD~1", "HEAD"]);
    let files = parse(&diff);

    let by_path = |path: &str| {
        files
            .iter()
            .find(|f| f.path() == path)
            .unwrap_or_else(|| panic!("{path} not in {files:#?}"))
    };
    assert_eq!(files.len(), 8, "{diff}");
    assert_eq!(by_path("added.txt").status, FileStatus::Added);
    assert_eq!(by_path("deleted.txt").status, FileStatus::Deleted);
    let renamed_file = by_path("renamed-after.txt");
    assert_eq!(renamed_file.status, FileStatus::Renamed);
    assert_eq!(renamed_file.old_path.as_deref(), Some("renamed-before.txt"));
    assert!(by_path("blob.bin").binary);
    assert_eq!(by_path("café.txt").status, FileStatus::Modified);
    assert_eq!(by_path("my file.txt").status, FileStatus::Modified);

    // Every line agrees with the files on both sides.
    let show = |rev: &str, path: &str| git(root, &["show", &format!("{rev}:{path}")]);
    for file in files.iter().filter(|f| !f.binary) {
        let old = match &file.old_path {
            Some(path) if file.status != FileStatus::Added => show("HEAD~1", path),
            _ => String::new(),
        };
        let new = match &file.new_path {
            Some(path) if file.status != FileStatus::Deleted => show("HEAD", path),
            _ => String::new(),
        };
        let rebuilt = rebuild(&lines(&old), &lines(&new), file);
        assert_eq!(rebuilt, lines(&new), "{}", file.path());
    }
    let edited_file = by_path("edited.txt");
    assert!(edited_file.commentable(Side::Right).contains(&3));
    assert!(edited_file.commentable(Side::Left).contains(&40));
    assert!(edited_file.commentable(Side::Right).contains(&55));
    assert!(!edited_file.commentable(Side::Right).contains(&20));
    assert_eq!(
        by_path("no-newline.txt")
            .lines
            .iter()
            .filter(|l| l.kind == LineKind::NoNewline)
            .count(),
        2
    );
}
