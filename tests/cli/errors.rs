//! Bad input gets a one-line error, a hint where the user can act, the documented exit code,
//! and never a panic: corrupt database, unusable AGENT_HOME, malformed import, unknown id, bad config.

use crate::common::Home;

#[test]
fn a_corrupt_database_is_reported_with_a_hint() {
    let home = Home::new();
    std::fs::create_dir_all(home.path().join("data")).unwrap();
    std::fs::write(home.database(), "definitely not a database\n".repeat(200)).unwrap();
    let stderr = home.fails(&["history", "list"], 5);
    assert!(
        stderr.contains("is corrupt or not an agent database"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: move it aside"), "{stderr}");

    // doctor names the problem and fails, without crashing.
    let output = home.agent().args(["doctor"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("FAIL  database"), "{stdout}");
    assert!(
        stdout.contains("ok    git") || stdout.contains("FAIL  git"),
        "{stdout}"
    );
}

#[test]
fn an_unusable_agent_home_is_reported_with_a_hint() {
    let home = Home::new();
    // A file where the data directory should be: no user, root included, can create it.
    let blocker = home.root.path().join("blocker");
    std::fs::write(&blocker, "x").unwrap();
    let output = home
        .agent()
        .env("AGENT_HOME", blocker.join("home"))
        .args(["history", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("error: cannot "), "{stderr}");
    assert!(
        stderr.contains("Not a directory"),
        "the cause is shown: {stderr}"
    );
    assert!(
        stderr.contains("hint: ") && stderr.contains("AGENT_HOME"),
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1
    );

    let doctor = home
        .agent()
        .env("AGENT_HOME", blocker.join("home"))
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    assert_eq!(doctor.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&doctor.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let data = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "data directory")
        .unwrap();
    assert_eq!(data["ok"], false);
}

#[test]
fn a_malformed_import_line_is_named_and_nothing_is_imported() {
    let home = Home::new();
    let file = home.root.path().join("bad.jsonl");
    std::fs::write(
        &file,
        "{\"id\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"one\"}]}\n\
         {\"id\":\"b\",\"messages\":[{\"role\":\"user\",\"content\":\"two\"}]}\n\
         {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"content\":\"three\"}\n",
    )
    .unwrap();
    let stderr = home.fails(&["history", "import", file.to_str().unwrap()], 4);
    assert!(stderr.contains("bad.jsonl:3: "), "{stderr}");
    assert!(stderr.contains("hint: nothing was imported"), "{stderr}");
    assert_eq!(home.counts(), (0, 0));

    let missing = home.fails(&["history", "import", "/nonexistent/file.jsonl"], 1);
    assert!(missing.contains("/nonexistent/file.jsonl"), "{missing}");
}

#[test]
fn unknown_ids_exit_3() {
    let home = Home::new();
    home.import_fixture();
    for args in [
        vec!["history", "show", "nope"],
        vec!["history", "export", "nope"],
        vec!["history", "rm", "nope", "--yes"],
    ] {
        let stderr = home.fails(&args, 3);
        assert!(
            stderr.contains("no conversation matches `nope`"),
            "{stderr}"
        );
    }
    // A prefix shared by several ids is a usage error that lists them.
    std::fs::write(
        home.root.path().join("two.jsonl"),
        "{\"id\":\"dup-1\"}\n{\"id\":\"dup-2\"}\n",
    )
    .unwrap();
    home.ok(&[
        "history",
        "import",
        home.root.path().join("two.jsonl").to_str().unwrap(),
    ]);
    let stderr = home.fails(&["history", "show", "dup"], 2);
    assert!(stderr.contains("dup-1, dup-2"), "{stderr}");
}

#[test]
fn a_bad_config_value_names_the_key_and_the_file() {
    let home = Home::new();
    let config_dir = home.path().join("config");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        "[task]\nmax_turns = \"lots\"\n",
    )
    .unwrap();
    let stderr = home.fails(&["history", "list"], 2);
    assert!(stderr.contains("`task.max_turns`"), "{stderr}");
    assert!(
        stderr.contains(config_dir.join("config.toml").to_str().unwrap()),
        "{stderr}"
    );

    std::fs::write(config_dir.join("config.toml"), "[task\nmax_turns = 3\n").unwrap();
    let stderr = home.fails(&["config", "show"], 2);
    assert!(stderr.contains("cannot parse config file"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let home = Home::new();
    let output = home
        .agent()
        .args(["history", "frobnicate"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    home.fails(&["history", "list", "--since", "yesterday-ish"], 2);
    home.fails(&["history", "list", "--cursor", "not-a-cursor"], 2);
    home.fails(&["-c", "novalue", "config", "show"], 2);
    home.fails(&["-c", "model.backend=bogus", "history", "list"], 2);
    let env = home
        .agent()
        .env("AGENT_TASK_MAX_TURNS", "0")
        .args(["config", "show"])
        .output()
        .unwrap();
    assert_eq!(env.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&env.stderr).contains("AGENT_TASK_MAX_TURNS"));
}

#[test]
fn help_and_version_work_without_a_home() {
    let home = Home::new();
    let help = home.ok(&["--help"]);
    for command in ["config", "history", "doctor", "completions", "Exit codes"] {
        assert!(
            help.contains(command),
            "{command} missing from help:\n{help}"
        );
    }
    assert!(home.ok(&["help", "history"]).contains("search"));
    assert!(home.ok(&["--version"]).starts_with("agent "));
    assert!(!home.path().exists(), "help and version create no files");
}
