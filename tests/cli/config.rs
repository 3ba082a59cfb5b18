//! `agent config`: layers and origins, set/get/unset, paths.

use crate::common::{Home, git_init};

fn origin_of(entries: &serde_json::Value, key: &str) -> (String, String) {
    let entry = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {entries}"));
    (
        entry["value"].to_string(),
        entry["origin"].as_str().unwrap().to_string(),
    )
}

#[test]
fn every_layer_overrides_the_one_below_and_show_origin_says_which() {
    let home = Home::new();
    let work = home.work_dir();
    git_init(&work);
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(
        home.path().join("config/config.toml"),
        "[model]\nbackend = \"openai\"\nname = \"user-model\"\ncontext_length = 4096\n[history]\npage_size = 7\n",
    )
    .unwrap();
    std::fs::create_dir_all(work.join(".agent")).unwrap();
    std::fs::write(
        work.join(".agent/config.toml"),
        "[model]\nname = \"repo-model\"\ncontext_length = 16384\n",
    )
    .unwrap();
    // model.name applies from a repository only once the user trusts it (docs/security.md).
    home.ok(&["trust"]);

    let entries = |extra: &[&str]| {
        let mut command = home.agent();
        command.env("AGENT_MODEL_CONTEXT_LENGTH", "32768");
        let mut args = vec!["config", "show", "--origin", "--json"];
        args.extend(extra);
        let output = command.args(&args).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap()
    };
    let shown = entries(&["-c", "ui.color=never"]);
    let (value, origin) = origin_of(&shown, "model.backend");
    assert_eq!(value, "\"openai\"");
    assert!(origin.starts_with("user file "), "{origin}");
    let (value, origin) = origin_of(&shown, "model.name");
    assert_eq!(value, "\"repo-model\"");
    assert!(
        origin.starts_with("repo file ") && origin.ends_with(".agent/config.toml"),
        "{origin}"
    );
    assert_eq!(
        origin_of(&shown, "model.context_length"),
        ("32768".into(), "env AGENT_MODEL_CONTEXT_LENGTH".into())
    );
    assert_eq!(
        origin_of(&shown, "ui.color"),
        ("\"never\"".into(), "flag -c".into())
    );
    assert_eq!(
        origin_of(&shown, "history.page_size"),
        ("7".into(), origin_of(&shown, "model.backend").1)
    );
    assert_eq!(origin_of(&shown, "task.max_turns").1, "default");

    // --color is a flag for ui.color too, and the human view names origins.
    let output = home
        .agent()
        .args(["--color", "always", "config", "show", "--origin"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("ui.color = \"always\""), "{text}");
    assert!(text.contains("# flag -c"), "{text}");
}

#[test]
fn set_get_unset_round_trip_through_the_user_file() {
    let home = Home::new();
    home.ok(&["config", "set", "model.backend", "local"]);
    home.ok(&["config", "set", "task.max_turns", "12"]);
    assert_eq!(home.ok(&["config", "get", "model.backend"]), "local\n");
    assert_eq!(home.ok(&["config", "get", "task.max_turns"]), "12\n");
    let file = std::fs::read_to_string(home.path().join("config/config.toml")).unwrap();
    assert!(
        file.contains("backend = \"local\"") && file.contains("max_turns = 12"),
        "{file}"
    );

    home.ok(&["config", "unset", "model.backend"]);
    assert_eq!(home.ok(&["config", "get", "model.backend"]), "ollama\n");

    // Values are checked before anything is written.
    let stderr = home.fails(&["config", "set", "task.max_turns", "many"], 2);
    assert!(stderr.contains("task.max_turns"), "{stderr}");
    let stderr = home.fails(&["config", "set", "model.backnd", "x"], 2);
    assert!(stderr.contains("did you mean `model.backend`"), "{stderr}");
    assert_eq!(home.ok(&["config", "get", "task.max_turns"]), "12\n");
}

#[test]
fn set_with_repo_writes_the_repository_file() {
    let home = Home::new();
    let stderr = home.fails(&["config", "set", "--repo", "task.verify", "make check"], 2);
    assert!(stderr.contains("not inside a git repository"), "{stderr}");
    git_init(&home.work_dir());
    home.ok(&["config", "set", "--repo", "task.verify", "make check"]);
    let file = std::fs::read_to_string(home.work_dir().join(".agent/config.toml")).unwrap();
    assert!(file.contains("verify = \"make check\""), "{file}");
    assert_eq!(home.ok(&["config", "get", "task.verify"]), "make check\n");
}

#[test]
fn edit_runs_the_editor_and_checks_the_result() {
    let home = Home::new();
    // An "editor" that replaces the starter file with one setting.
    let script = home.root.path().join("editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '[ui]\\ncolor = \"never\"\\n' > \"$1\"\n",
    )
    .unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .unwrap();
    let output = home
        .agent()
        .env("EDITOR", &script)
        .env_remove("VISUAL")
        .args(["config", "edit"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(home.ok(&["config", "get", "ui.color"]), "never\n");

    // An editor that leaves a bad value: the error names the key and the file.
    let bad = home.root.path().join("bad.sh");
    std::fs::write(
        &bad,
        "#!/bin/sh\nprintf '[task]\\nmax_turns = -4\\n' > \"$1\"\n",
    )
    .unwrap();
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&bad)
        .status()
        .unwrap();
    let output = home
        .agent()
        .env("EDITOR", &bad)
        .env_remove("VISUAL")
        .args(["config", "edit"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("task.max_turns") && stderr.contains("config.toml"),
        "{stderr}"
    );
}

#[test]
fn path_reports_agent_home_locations() {
    let home = Home::new();
    let paths = home.json(&["config", "path", "--json"]);
    let root = home.path();
    assert_eq!(
        paths["config_file"],
        root.join("config/config.toml").to_str().unwrap()
    );
    assert_eq!(
        paths["database"],
        root.join("data/agent.db").to_str().unwrap()
    );
    assert_eq!(paths["repo_config_file"], serde_json::Value::Null);
    let text = home.ok(&["config", "path"]);
    assert!(
        text.contains(root.join("data/agent.db").to_str().unwrap()),
        "{text}"
    );
}
