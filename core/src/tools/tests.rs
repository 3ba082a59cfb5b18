//! Tests of the tools through [`Toolbox::call`] and [`Toolbox::effect`], on real temp dirs.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::{Duration, Instant};

use agent_models::ToolCall;
use serde_json::{Value, json};

use super::*;

fn toolbox_with(settings: ToolSettings) -> (tempfile::TempDir, Toolbox) {
    let temp = tempfile::tempdir().unwrap();
    fs::create_dir(temp.path().join("root")).unwrap();
    let workspace = Workspace::new(&temp.path().join("root")).unwrap();
    (temp, Toolbox::new(workspace, settings))
}

fn toolbox() -> (tempfile::TempDir, Toolbox) {
    toolbox_with(ToolSettings::default())
}

fn root(toolbox: &Toolbox) -> &Path {
    toolbox.workspace().root()
}

fn put(toolbox: &Toolbox, path: &str, content: &str) {
    let path = root(toolbox).join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

fn tool_call(name: &str, arguments: Value) -> ToolCall {
    ToolCall {
        id: "call-1".to_owned(),
        name: name.to_owned(),
        arguments,
    }
}

async fn call(toolbox: &Toolbox, name: &str, arguments: Value) -> ToolOutput {
    toolbox.call(&tool_call(name, arguments)).await
}

async fn ok(toolbox: &Toolbox, name: &str, arguments: Value) -> String {
    let output = call(toolbox, name, arguments).await;
    assert!(!output.is_error, "{name} failed: {}", output.text);
    output.text
}

async fn err(toolbox: &Toolbox, name: &str, arguments: Value) -> String {
    let output = call(toolbox, name, arguments).await;
    assert!(output.is_error, "{name} should fail: {}", output.text);
    assert!(!output.text.contains('\n'), "one line: {}", output.text);
    output.text
}

#[test]
fn specs_are_short_and_name_every_tool() {
    let (_temp, toolbox) = toolbox();
    let specs = toolbox.specs();
    let names: Vec<&str> = specs.iter().map(|spec| spec.name.as_str()).collect();
    assert_eq!(
        names,
        ["read", "list", "search", "edit", "write", "run", "diff"]
    );
    let size = serde_json::to_string(&specs).unwrap().len();
    assert!(size < 1500, "specs serialize to {size} characters");
    for spec in &specs {
        assert_eq!(spec.parameters["type"], "object");
    }
}

#[tokio::test]
async fn read_numbers_lines_and_pages_past_the_limit() {
    let settings = ToolSettings {
        read_line_limit: 3,
        ..ToolSettings::default()
    };
    let (_temp, toolbox) = toolbox_with(settings);
    let content: String = (1..=10).map(|n| format!("line {n}\n")).collect();
    put(&toolbox, "src/a.txt", &content);
    let text = ok(&toolbox, "read", json!({"path": "src/a.txt"})).await;
    assert_eq!(
        text,
        "    1\tline 1\n    2\tline 2\n    3\tline 3\n… 7 more lines; call read with start=4"
    );
    let text = ok(&toolbox, "read", json!({"path": "src/a.txt", "start": 9})).await;
    assert_eq!(text, "    9\tline 9\n   10\tline 10");
    let text = ok(
        &toolbox,
        "read",
        json!({"path": "./src/a.txt", "start": "5", "end": 6}),
    )
    .await;
    assert_eq!(text, "    5\tline 5\n    6\tline 6");
    let text = err(&toolbox, "read", json!({"path": "src/a.txt", "start": 11})).await;
    assert!(text.contains("10 lines"), "{text}");
}

#[tokio::test]
async fn read_refuses_binaries_directories_and_missing_files() {
    let (_temp, toolbox) = toolbox();
    fs::write(root(&toolbox).join("image.png"), b"\x89PNG\x00\x01").unwrap();
    put(&toolbox, "src/a.txt", "a\n");
    assert!(
        err(&toolbox, "read", json!({"path": "image.png"}))
            .await
            .contains("binary")
    );
    assert!(
        err(&toolbox, "read", json!({"path": "src"}))
            .await
            .contains("use list")
    );
    assert!(
        err(&toolbox, "read", json!({"path": "nope.txt"}))
            .await
            .contains("does not exist")
    );
    assert!(err(&toolbox, "read", json!({})).await.contains("`path`"));
}

#[tokio::test]
async fn tools_refuse_paths_outside_the_workspace() {
    let (temp, toolbox) = toolbox();
    fs::create_dir(temp.path().join("outside")).unwrap();
    fs::write(temp.path().join("outside/secret.txt"), "secret\n").unwrap();
    symlink(temp.path().join("outside"), root(&toolbox).join("out")).unwrap();
    for path in [
        "../outside/secret.txt",
        "/etc/passwd",
        "out/secret.txt",
        "sub/../../x",
    ] {
        let text = err(&toolbox, "read", json!({"path": path})).await;
        assert!(text.contains("outside the workspace"), "{path}: {text}");
        let output = call(&toolbox, "write", json!({"path": path, "content": "x"})).await;
        assert!(
            output.is_error && output.text.contains("outside the workspace"),
            "{path}"
        );
        assert_eq!(output.edit, Some((EditForm::WholeFile, false)));
        let output = call(
            &toolbox,
            "edit",
            json!({"path": path, "old": "secret", "new": "x"}),
        )
        .await;
        assert!(output.is_error, "{path}");
        assert_eq!(output.edit, Some((EditForm::SearchReplace, false)));
    }
    assert!(
        err(&toolbox, "list", json!({"path": "out"}))
            .await
            .contains("symlink")
    );
    assert!(
        err(
            &toolbox,
            "search",
            json!({"pattern": "secret", "path": ".."})
        )
        .await
        .contains("outside")
    );
    // Nothing was written through the symlink, and search does not follow it.
    assert_eq!(
        fs::read_to_string(temp.path().join("outside/secret.txt")).unwrap(),
        "secret\n"
    );
    assert!(!temp.path().join("outside/x").exists());
    assert!(
        ok(&toolbox, "search", json!({"pattern": "secret"}))
            .await
            .starts_with("no matches")
    );
}

#[tokio::test]
async fn tools_refuse_git_directories() {
    let (_temp, toolbox) = toolbox();
    put(&toolbox, ".git/config", "[core]\n");
    for path in [".git/config", ".GIT/config", ".git/hooks/pre-commit"] {
        let text = err(&toolbox, "write", json!({"path": path, "content": "x"})).await;
        assert!(text.contains(".git"), "{text}");
        assert!(
            err(&toolbox, "read", json!({"path": path}))
                .await
                .contains(".git")
        );
    }
    assert_eq!(
        fs::read_to_string(root(&toolbox).join(".git/config")).unwrap(),
        "[core]\n"
    );
    assert!(!root(&toolbox).join(".git/hooks").exists());
}

#[tokio::test]
async fn write_creates_parents_and_reports_the_change() {
    let (_temp, toolbox) = toolbox();
    let output = call(
        &toolbox,
        "write",
        json!({"path": "a/b/c.txt", "content": "one\ntwo\n"}),
    )
    .await;
    assert!(!output.is_error, "{}", output.text);
    assert_eq!(output.text, "created `a/b/c.txt` (2 lines)");
    assert_eq!(output.changed_paths, ["a/b/c.txt"]);
    assert_eq!(output.edit, Some((EditForm::WholeFile, true)));
    assert_eq!(
        fs::read_to_string(root(&toolbox).join("a/b/c.txt")).unwrap(),
        "one\ntwo\n"
    );
    let text = ok(
        &toolbox,
        "write",
        json!({"path": "a/b/c.txt", "content": "three\n"}),
    )
    .await;
    assert!(text.starts_with("wrote"), "{text}");
    assert!(
        err(&toolbox, "write", json!({"path": "a", "content": "x"}))
            .await
            .contains("directory")
    );
    assert!(
        err(&toolbox, "write", json!({"path": "x.txt"}))
            .await
            .contains("`content`")
    );
}

#[tokio::test]
async fn edit_replaces_one_occurrence_and_names_the_lines() {
    let (_temp, toolbox) = toolbox();
    put(
        &toolbox,
        "main.rs",
        "fn main() {\n    println!(\"hi\");\n}\n",
    );
    let output = call(
        &toolbox,
        "edit",
        json!({"path": "main.rs", "old": "    println!(\"hi\");\n", "new": "    let x = 1;\n    println!(\"{x}\");\n"}),
    )
    .await;
    assert!(!output.is_error, "{}", output.text);
    assert_eq!(output.text, "edited `main.rs`: lines 2-3 changed");
    assert_eq!(output.changed_paths, ["main.rs"]);
    assert_eq!(output.edit, Some((EditForm::SearchReplace, true)));
    assert_eq!(
        fs::read_to_string(root(&toolbox).join("main.rs")).unwrap(),
        "fn main() {\n    let x = 1;\n    println!(\"{x}\");\n}\n"
    );
}

#[tokio::test]
async fn edit_errors_say_how_to_fix_the_call() {
    let (_temp, toolbox) = toolbox();
    let content = "a\nfn f() {\n        return 1;\n}\nx = 1\nx = 1\n";
    put(&toolbox, "f.rs", content);
    let output = call(
        &toolbox,
        "edit",
        json!({"path": "f.rs", "old": "missing", "new": "y"}),
    )
    .await;
    assert!(
        output.is_error && output.text.contains("not found"),
        "{}",
        output.text
    );
    assert_eq!(output.edit, Some((EditForm::SearchReplace, false)));
    let text = err(
        &toolbox,
        "edit",
        json!({"path": "f.rs", "old": "fn f() {\n    return 1;", "new": "y"}),
    )
    .await;
    assert!(
        text.contains("whitespace") && text.contains("line 2"),
        "{text}"
    );
    let text = err(
        &toolbox,
        "edit",
        json!({"path": "f.rs", "old": "x = 1", "new": "x = 2"}),
    )
    .await;
    assert!(
        text.contains("2 places") && text.contains("lines 5, 6"),
        "{text}"
    );
    assert!(text.contains("more surrounding lines"), "{text}");
    assert!(
        err(
            &toolbox,
            "edit",
            json!({"path": "new.rs", "old": "a", "new": "b"})
        )
        .await
        .contains("use write")
    );
    assert!(
        err(
            &toolbox,
            "edit",
            json!({"path": "f.rs", "old": "", "new": "b"})
        )
        .await
        .contains("empty")
    );
    assert_eq!(
        fs::read_to_string(root(&toolbox).join("f.rs")).unwrap(),
        content
    );
}

#[tokio::test]
async fn edit_matches_crlf_files_with_plain_newlines() {
    let (_temp, toolbox) = toolbox();
    put(&toolbox, "w.txt", "one\r\ntwo\r\nthree\r\n");
    ok(
        &toolbox,
        "edit",
        json!({"path": "w.txt", "old": "one\ntwo", "new": "1\n2"}),
    )
    .await;
    assert_eq!(
        fs::read_to_string(root(&toolbox).join("w.txt")).unwrap(),
        "1\r\n2\r\nthree\r\n"
    );
}

#[tokio::test]
async fn list_respects_ignore_files_and_hidden_files() {
    let (_temp, toolbox) = toolbox();
    put(&toolbox, ".gitignore", "target/\n*.log\n");
    put(&toolbox, "src/main.rs", "");
    put(&toolbox, "src/deep/mod.rs", "");
    put(&toolbox, "target/debug/out", "");
    put(&toolbox, "build.log", "");
    put(&toolbox, ".env", "");
    put(&toolbox, "README.md", "");
    let text = ok(&toolbox, "list", json!({})).await;
    assert_eq!(
        text,
        "README.md\nsrc/\nsrc/deep/\nsrc/deep/mod.rs\nsrc/main.rs"
    );
    let text = ok(&toolbox, "list", json!({"path": "src", "depth": 1})).await;
    assert_eq!(text, "src/deep/\nsrc/main.rs");
    assert!(
        err(&toolbox, "list", json!({"path": "README.md"}))
            .await
            .contains("use read")
    );
    assert!(
        err(&toolbox, "list", json!({"path": "nope"}))
            .await
            .contains("does not exist")
    );
}

#[tokio::test]
async fn list_is_capped() {
    let (_temp, toolbox) = toolbox();
    for n in 0..510 {
        put(&toolbox, &format!("f{n:03}.txt"), "");
    }
    let text = ok(&toolbox, "list", json!({})).await;
    assert_eq!(text.lines().count(), 501);
    assert!(
        text.ends_with("… 10 more; list a subdirectory or pass depth"),
        "{text}"
    );
}

#[tokio::test]
async fn search_finds_lines_respecting_ignore_files_and_globs() {
    let (_temp, toolbox) = toolbox();
    put(&toolbox, ".gitignore", "ignored/\n");
    put(&toolbox, "src/a.rs", "use x;\nfn alpha() {}\n");
    put(&toolbox, "src/b.py", "def alpha(): pass\n");
    put(&toolbox, "ignored/c.rs", "fn alpha() {}\n");
    let text = ok(&toolbox, "search", json!({"pattern": "alpha"})).await;
    assert_eq!(
        text,
        "src/a.rs:2: fn alpha() {}\nsrc/b.py:1: def alpha(): pass"
    );
    let text = ok(
        &toolbox,
        "search",
        json!({"pattern": "al+pha", "glob": "*.py"}),
    )
    .await;
    assert_eq!(text, "src/b.py:1: def alpha(): pass");
    let text = ok(
        &toolbox,
        "search",
        json!({"pattern": "alpha", "path": "src/a.rs"}),
    )
    .await;
    assert_eq!(text, "src/a.rs:2: fn alpha() {}");
    assert!(
        ok(&toolbox, "search", json!({"pattern": "zeta"}))
            .await
            .starts_with("no matches")
    );
}

#[tokio::test]
async fn search_reports_invalid_regex_and_caps_matches() {
    let (_temp, toolbox) = toolbox();
    let long = "x".repeat(300);
    let content: String = (0..130).map(|n| format!("hit {n} {long}\n")).collect();
    put(&toolbox, "many.txt", &content);
    let text = err(&toolbox, "search", json!({"pattern": "fn (alpha"})).await;
    assert!(
        text.contains("invalid regex") && text.contains("unclosed"),
        "{text}"
    );
    let text = ok(&toolbox, "search", json!({"pattern": "^hit"})).await;
    assert_eq!(text.lines().count(), 101);
    assert!(
        text.ends_with("… 30 more matches; narrow the pattern, path or glob"),
        "{text}"
    );
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("many.txt:1: hit 0 xxx") && first.ends_with('…'),
        "{first}"
    );
    assert!(first.chars().count() < 230, "{first}");
}

#[tokio::test]
async fn run_reports_output_and_exit_code() {
    let (_temp, toolbox) = toolbox();
    put(&toolbox, "marker.txt", "");
    let output = call(&toolbox, "run", json!({"command": "ls; echo oops >&2"})).await;
    assert!(!output.is_error, "{}", output.text);
    assert_eq!(output.text, "marker.txt\noops\nexit code: 0");
    let output = call(&toolbox, "run", json!({"command": "echo failing; exit 3"})).await;
    assert!(output.is_error);
    assert_eq!(output.text, "failing\nexit code: 3");
    assert!(
        err(&toolbox, "run", json!({"command": " "}))
            .await
            .contains("empty")
    );
}

#[tokio::test]
async fn run_starts_only_allowed_commands_when_the_task_is_untrusted() {
    let (_temp, toolbox) = toolbox();
    let toolbox = toolbox.with_command_allowlist(crate::untrusted::CommandAllowlist::new(
        &["echo allowed".to_owned()],
        ["touch checked".to_owned()],
    ));
    assert!(
        ok(&toolbox, "run", json!({"command": "echo allowed here"}))
            .await
            .starts_with("allowed here\n")
    );
    ok(&toolbox, "run", json!({"command": "touch checked"})).await;
    assert!(root(&toolbox).join("checked").exists());
    for refused in [
        "touch evil",
        "echo allowed; touch evil",
        "echo allowed > evil",
    ] {
        let message = err(&toolbox, "run", json!({ "command": refused })).await;
        assert!(message.starts_with("refused: "), "{message}");
        assert!(message.contains("untrusted"), "{message}");
    }
    assert!(!root(&toolbox).join("evil").exists(), "nothing refused ran");
}

#[tokio::test]
async fn run_times_out_and_kills_the_command() {
    let settings = ToolSettings {
        command_timeout: Duration::from_secs(1),
        ..ToolSettings::default()
    };
    let (_temp, toolbox) = toolbox_with(settings);
    let started = Instant::now();
    let output = call(
        &toolbox,
        "run",
        json!({"command": "echo started; sleep 30 & echo $! > bg.pid; sleep 30"}),
    )
    .await;
    assert!(output.is_error);
    assert!(output.text.starts_with("started\n"), "{}", output.text);
    assert!(
        output
            .text
            .ends_with("timed out after 1 s; the command was killed"),
        "{}",
        output.text
    );
    // The background sleep shared the output pipe: it was killed with the group, not waited for.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let pid = fs::read_to_string(root(&toolbox).join("bg.pid")).unwrap();
    assert!(
        process_ends(pid.trim()),
        "background process {pid} survived"
    );
}

/// Whether the process `pid` is gone or a zombie within a few seconds (Linux `/proc`).
fn process_ends(pid: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        match fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat)
                if stat
                    .rsplit(')')
                    .next()
                    .is_some_and(|rest| rest.trim_start().starts_with('Z')) =>
            {
                return true;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    false
}

#[tokio::test]
async fn run_does_not_wait_for_background_processes() {
    let (_temp, toolbox) = toolbox();
    let started = Instant::now();
    let text = ok(
        &toolbox,
        "run",
        json!({"command": "(sleep 30 &); echo done"}),
    )
    .await;
    assert_eq!(text, "done\nexit code: 0");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn run_elides_the_middle_of_long_output() {
    let settings = ToolSettings {
        output_limit: 100,
        ..ToolSettings::default()
    };
    let (_temp, toolbox) = toolbox_with(settings);
    let text = ok(&toolbox, "run", json!({"command": "seq 1 10000"})).await;
    assert!(text.starts_with("1\n2\n3\n"), "{text}");
    assert!(text.ends_with("9999\n10000\nexit code: 0"), "{text}");
    let total: usize = (1..=10000).map(|n: u32| n.to_string().len() + 1).sum();
    assert!(
        text.contains(&format!("… [{} bytes elided] …", total - 100)),
        "{text}"
    );
}

#[test]
fn effects_classify_calls_for_approval() {
    let (_temp, toolbox) = toolbox();
    put(&toolbox, "a.txt", "one\ntwo\n");
    let effect = |name: &str, arguments: Value| toolbox.effect(&tool_call(name, arguments));
    assert_eq!(effect("read", json!({"path": "a.txt"})), ToolEffect::Read);
    assert_eq!(effect("search", json!({"pattern": "x"})), ToolEffect::Read);
    assert_eq!(effect("nope", json!({})), ToolEffect::Read);
    assert_eq!(effect("write", json!({"path": 1})), ToolEffect::Read);
    assert_eq!(
        effect("run", json!({"command": "cargo test"})),
        ToolEffect::Command {
            command: "cargo test".to_owned()
        }
    );
    let ToolEffect::Write { path, preview } =
        effect("edit", json!({"path": "./a.txt", "old": "two", "new": "2"}))
    else {
        panic!("edit is a write");
    };
    assert_eq!(path, "a.txt");
    assert!(
        preview.contains("--- a/a.txt") && preview.contains("-two\n+2\n"),
        "{preview}"
    );
    let ToolEffect::Write { path, preview } =
        effect("write", json!({"path": "b.txt", "content": "new\n"}))
    else {
        panic!("write is a write");
    };
    assert_eq!(path, "b.txt");
    assert!(preview.contains("+new\n"), "{preview}");
    // An edit that would fail still needs approval, but has no preview.
    assert_eq!(
        effect(
            "edit",
            json!({"path": "a.txt", "old": "absent", "new": "x"})
        ),
        ToolEffect::Write {
            path: "a.txt".to_owned(),
            preview: String::new()
        }
    );
    assert_eq!(
        fs::read_to_string(root(&toolbox).join("a.txt")).unwrap(),
        "one\ntwo\n"
    );
}

#[tokio::test]
async fn unknown_tools_and_malformed_arguments_are_errors() {
    let (_temp, toolbox) = toolbox();
    let text = err(&toolbox, "frobnicate", json!({})).await;
    assert!(
        text.contains("unknown tool `frobnicate`") && text.contains("read, list"),
        "{text}"
    );
    assert!(
        err(&toolbox, "read", json!("not json"))
            .await
            .contains("not a JSON object")
    );
    let output = call(&toolbox, "write", json!([1])).await;
    assert_eq!(output.edit, Some((EditForm::WholeFile, false)));
    put(&toolbox, "a.txt", "a\n");
    assert!(
        ok(&toolbox, "read", json!("{\"path\": \"a.txt\"}"))
            .await
            .contains("a")
    );
    assert_eq!(EditForm::SearchReplace.as_str(), "search_replace");
    assert_eq!(
        serde_json::to_value(EditForm::WholeFile).unwrap(),
        "whole_file"
    );
}

#[tokio::test]
async fn diff_shows_the_work_since_the_base_commit() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(root)
            .status()
            .unwrap();
        assert!(status.success());
    };
    git(&["init", "-q"]);
    std::fs::write(root.join("a.txt"), "one\n").unwrap();
    git(&["add", "-A"]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@t",
        "commit",
        "-q",
        "-m",
        "base",
    ]);
    let toolbox = Toolbox::new(Workspace::new(root).unwrap(), ToolSettings::default())
        .with_base_commit("HEAD");
    let call = ToolCall {
        id: "d".into(),
        name: "diff".into(),
        arguments: serde_json::json!({}),
    };
    assert_eq!(toolbox.call(&call).await.text, "no changes yet");
    std::fs::write(root.join("a.txt"), "two\n").unwrap();
    std::fs::write(root.join("b.txt"), "new\n").unwrap();
    let output = toolbox.call(&call).await;
    assert!(!output.is_error, "{}", output.text);
    assert!(output.text.contains("-one\n+two"), "{}", output.text);
    assert!(output.text.contains("b.txt"), "{}", output.text);
    assert!(output.text.contains("2 files changed"), "{}", output.text);
}

#[test]
fn repository_files_skip_ignored_and_hidden_files() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    fs::create_dir_all(root.join("src")).unwrap();
    fs::create_dir_all(root.join("target")).unwrap();
    fs::write(root.join(".gitignore"), "target/\n").unwrap();
    fs::write(root.join("src/lib.rs"), "").unwrap();
    fs::write(root.join("target/out"), "").unwrap();
    fs::write(root.join(".env"), "").unwrap();
    fs::write(root.join("README.md"), "").unwrap();
    assert_eq!(repository_files(root, 100), ["README.md", "src/lib.rs"]);
    assert_eq!(repository_files(root, 1).len(), 1);
}
