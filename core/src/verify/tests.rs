//! Tests for detecting and running a repository's check.

use super::*;

fn repo_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn detected(files: &[(&str, &str)]) -> Option<(String, VerifySource)> {
    let dir = repo_with(files);
    detect(dir.path()).map(|found| (found.command, found.source))
}

#[test]
fn each_marker_is_detected() {
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: [Case<'_>; 9] = [
        (&[("Cargo.toml", "[package]\n")], "cargo test", "Cargo.toml"),
        (
            &[("package.json", r#"{"scripts": {"test": "jest"}}"#)],
            "npm test",
            "package.json",
        ),
        (
            &[("pyproject.toml", "")],
            "python -m pytest -q",
            "pyproject.toml",
        ),
        (&[("pytest.ini", "")], "python -m pytest -q", "pytest.ini"),
        (
            &[("setup.cfg", "[metadata]\nname = x\n\n[tool:pytest]\n")],
            "python -m pytest -q",
            "setup.cfg",
        ),
        (
            &[("tests/unit/test_thing.py", "")],
            "python -m pytest -q",
            "tests",
        ),
        (&[("go.mod", "module x\n")], "go test ./...", "go.mod"),
        (
            &[("Makefile", "all: build\n\ntest: all\n\t./run\n")],
            "make test",
            "Makefile",
        ),
        (
            &[("makefile", "lint test: \n\ttrue\n")],
            "make test",
            "makefile",
        ),
    ];
    for (files, command, marker) in cases {
        assert_eq!(
            detected(files),
            Some((command.to_owned(), VerifySource::Detected(marker))),
            "{files:?}"
        );
    }
}

#[test]
fn near_misses_are_not_detected() {
    assert_eq!(detected(&[]), None);
    let npm_stub = r#"{"scripts": {"test": "echo \"Error: no test specified\" && exit 1"}}"#;
    assert_eq!(detected(&[("package.json", npm_stub)]), None);
    assert_eq!(detected(&[("package.json", r#"{"name": "x"}"#)]), None);
    assert_eq!(detected(&[("setup.cfg", "[metadata]\n")]), None);
    assert_eq!(detected(&[("tests/helper.py", "")]), None);
    let makefile = "build:\n\tcc x.c\n\t# test: not a target\ntest := 1\n";
    assert_eq!(detected(&[("Makefile", makefile)]), None);
}

#[test]
fn the_first_marker_wins() {
    let all = [
        ("Cargo.toml", ""),
        ("package.json", r#"{"scripts": {"test": "jest"}}"#),
        ("pyproject.toml", ""),
        ("go.mod", ""),
        ("Makefile", "test:\n"),
    ];
    for skip in 0..all.len() {
        let (command, source) = detected(&all[skip..]).unwrap();
        assert_eq!(source, VerifySource::Detected(all[skip].0), "{command}");
    }
    let python = [("tests/test_a.py", ""), ("go.mod", "")];
    assert_eq!(
        detected(&python).map(|found| found.1),
        Some(VerifySource::Detected("tests"))
    );
}

#[test]
fn sources_display_and_round_trip() {
    let command = VerifyCommand {
        command: "cargo test".to_owned(),
        source: VerifySource::Detected("Cargo.toml"),
    };
    assert_eq!(
        command.to_string(),
        "`cargo test` (detected from Cargo.toml)"
    );
    let json = serde_json::to_string(&command).unwrap();
    assert_eq!(
        json,
        r#"{"command":"cargo test","source":{"detected":"Cargo.toml"}}"#
    );
    assert_eq!(
        serde_json::from_str::<VerifyCommand>(&json).unwrap(),
        command
    );
    for source in [VerifySource::Config, VerifySource::Flag] {
        let json = serde_json::to_string(&source).unwrap();
        assert_eq!(serde_json::from_str::<VerifySource>(&json).unwrap(), source);
    }
    assert!(serde_json::from_str::<VerifySource>(r#"{"detected":"nope"}"#).is_err());
}

#[tokio::test]
async fn passing_and_failing_commands() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("here.txt"), "").unwrap();
    let long = Duration::from_secs(30);

    let outcome = run("ls", dir.path(), long).await.unwrap();
    assert!(outcome.passed);
    assert_eq!(outcome.exit_code, Some(0));
    assert_eq!(outcome.output, "here.txt\n");
    assert!(!outcome.timed_out);

    let outcome = run("echo out; echo err >&2; exit 3", dir.path(), long)
        .await
        .unwrap();
    assert!(!outcome.passed);
    assert_eq!(outcome.exit_code, Some(3));
    assert_eq!(outcome.output, "out\nerr\n");

    let outcome = run("read line; echo \"got:$line\"", dir.path(), long)
        .await
        .unwrap();
    assert_eq!(outcome.output, "got:\n", "stdin is closed");

    let outcome = run("if then fi", dir.path(), long).await.unwrap();
    assert!(!outcome.passed);
    assert!(!outcome.output.is_empty(), "syntax errors are captured");
}

#[tokio::test]
async fn timeout_kills_the_command_and_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let command = "echo started; (sleep 1; echo late > late.txt) & sleep 30; echo never";
    let outcome = run(command, dir.path(), Duration::from_millis(300))
        .await
        .unwrap();
    assert!(outcome.timed_out);
    assert!(!outcome.passed);
    assert_eq!(outcome.exit_code, None);
    assert_eq!(outcome.output, "started\n");
    assert!(
        outcome.duration < Duration::from_secs(20),
        "{:?}",
        outcome.duration
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !dir.path().join("late.txt").exists(),
        "a child of the command outlived the kill"
    );
}

#[tokio::test]
async fn long_output_keeps_head_and_tail() {
    let dir = tempfile::tempdir().unwrap();
    let command =
        "echo FIRST; i=0; while [ $i -lt 3000 ]; do echo \"line $i\"; i=$((i+1)); done; echo LAST";
    let outcome = run(command, dir.path(), Duration::from_secs(60))
        .await
        .unwrap();
    assert!(outcome.passed);
    assert!(outcome.output.starts_with("FIRST\nline 0\n"));
    assert!(outcome.output.ends_with("line 2999\nLAST\n"));
    assert!(outcome.output.contains("bytes of output omitted"));
    assert!(outcome.output.len() < HEAD_BYTES + TAIL_BYTES + 100);
    assert!(!outcome.output.contains("\nline 1500\n"));
}

#[test]
fn short_output_is_kept_whole() {
    let mut output = crate::process::HeadTail::new(HEAD_BYTES, TAIL_BYTES);
    for _ in 0..4 {
        output.push(&[b'x'; 4096]);
    }
    let text = output.render(omitted);
    assert_eq!(text.len(), HEAD_BYTES + TAIL_BYTES);
    assert!(!text.contains("omitted"));
}
