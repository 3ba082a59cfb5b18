//! `agent classify`: the trained complexity classifier through the real binary: classes with
//! reasons, `eval` metrics computed by hand, training from finished tasks in a real store (a
//! version is made current only when it beats the current one), and `auto` using the current
//! classifier in a task's `strategy_selected` event.

use serde_json::Value;

use crate::common::Home;
use crate::scripted::{ScriptedServer, text};
use crate::task::{events, project};

fn verdict(home: &Home, text: &str) -> Value {
    home.json(&["classify", "--json", text])
}

#[test]
fn ten_texts_get_sensible_classes_with_reasons() {
    let home = Home::new();
    let simple = [
        "Fix typo in README",
        "docs: fix a broken link in the installation guide",
        "Rename `cnt` to `count` in src/lib.rs",
    ];
    let medium = [
        "fix: `--color=never` is ignored when the output is piped; handle the flag in the printer and add a test",
        "The parser panics on an empty config file. Steps: create an empty config.toml, run `app check`, see the panic at src/config.rs:42. Expected: a clear error message.",
        "Add a --timeout option to the download command that cancels the request after N seconds",
        "Support reading the token from an environment variable when the config file does not set one",
    ];
    let complex = [
        "Rewrite the storage layer: move every query into a new crate, introduce a migration framework, change all callers across the workspace and add end-to-end tests for the new schema",
        "Refactor the scheduler into a multi-threaded runtime with work stealing, a new timer wheel and a blocking pool, and port the I/O driver to it",
        "Redesign the plugin architecture: plugins are loaded as separate processes, talk over a new RPC protocol, and the configuration, CLI, docs and every built-in plugin move to the new API",
    ];
    let mut seen = Vec::new();
    for (expected, texts) in [
        ("simple", &simple[..]),
        ("medium", &medium[..]),
        ("complex", &complex[..]),
    ] {
        for text in texts {
            let v = verdict(&home, text);
            let class = v["complexity"].as_str().unwrap().to_string();
            let reason = v["reason"].as_str().unwrap();
            assert!(reason.starts_with("model builtin: "), "{text}: {reason}");
            assert!(reason.contains("p = "), "{reason}");
            assert_eq!(v["classifier"], "builtin");
            let confidence = v["confidence"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&confidence), "{confidence}");
            seen.push((expected, class, text.to_string(), reason.to_string()));
        }
    }
    let report: Vec<String> = seen
        .iter()
        .map(|(e, c, t, r)| format!("{e} → {c}: {t} [{r}]"))
        .collect();
    let right = seen.iter().filter(|(e, c, _, _)| e == c).count();
    // Sensible: no simple text is called complex nor the reverse, and most are right.
    for (expected, class, text, _) in &seen {
        let opposite = matches!(
            (*expected, class.as_str()),
            ("simple", "complex") | ("complex", "simple")
        );
        assert!(!opposite, "{text}: {class}\n{report:#?}");
    }
    assert!(right >= 7, "{right}/10 right:\n{report:#?}");

    // The plain form: class, confidence and strategy, then the reason.
    let out = home.ok(&["classify", "fix", "typo", "in", "README"]);
    let mut lines = out.lines();
    let first = lines.next().unwrap();
    assert!(first.contains("% sure) → "), "{out}");
    assert!(
        lines.next().unwrap().starts_with("model builtin: "),
        "{out}"
    );
}

#[test]
fn a_long_issue_is_not_pushed_to_complex_by_its_length() {
    let home = Home::new();
    let body = "When I run `tool convert input.csv` on a file with a BOM the first column name \
        keeps the BOM, so `--select name` finds nothing. I expected the BOM to be stripped. \
        Version 2.3.1 on Linux.\n\n```\n$ tool convert input.csv --select name\nerror: no column `name`\n```\n\n";
    let long = body.repeat(12);
    let v = verdict(&home, &long);
    assert_ne!(v["complexity"], "complex", "{v}");
    let short = verdict(&home, body);
    assert_eq!(v["complexity"], short["complexity"], "{v}\n{short}");
}

#[test]
fn stdin_a_text_named_like_a_subcommand_and_no_text() {
    let home = Home::new();
    let out = home
        .agent()
        .args(["classify", "--json", "-"])
        .write_stdin("Fix typo in README\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["complexity"].is_string() && v["strategy"].is_string(),
        "{v}"
    );

    // `--` makes a subcommand's name the text.
    let v = home.json(&["classify", "--json", "--", "versions"]);
    assert!(
        v["reason"].as_str().unwrap().starts_with("model builtin"),
        "{v}"
    );

    let err = home.fails(&["classify"], 2);
    assert!(err.contains("no text to classify"), "{err}");
    let err = home.fails(&["classify", "use", "latest"], 2);
    assert!(err.contains("not a classifier version"), "{err}");
    let err = home.fails(&["classify", "use", "7"], 3);
    assert!(err.contains("classifier version"), "{err}");
}

#[test]
fn eval_prints_accuracy_macro_f1_and_the_confusion_matrix() {
    let home = Home::new();
    // The heuristic's verdicts on these texts are fixed (core/src/classify.rs tests):
    // "fix the typo in README.md" → simple, "fix the failing test in parser.rs" → medium,
    // the refactor → complex.
    let typo = "fix the typo in README.md";
    let failing = "fix the failing test in parser.rs";
    let refactor = "redesign the plugin architecture so every module registers itself, migrate all callers, and add end-to-end tests";
    let rows = [
        (typo, "simple"),      // S → S
        (typo, "medium"),      // M → S
        (failing, "medium"),   // M → M
        (failing, "medium"),   // M → M
        (refactor, "complex"), // C → C
        (failing, "complex"),  // C → M
    ];
    let file = home.work_dir().join("labelled.jsonl");
    let lines: Vec<String> = rows
        .iter()
        .map(|(t, l)| serde_json::json!({"text": t, "label": l}).to_string())
        .collect();
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    // By hand: accuracy 4/6. simple: tp 1, 1 true, 2 predicted → F1 2/3; medium: tp 2, 3 true,
    // 3 predicted → 2/3; complex: tp 1, 2 true, 1 predicted → 2/3. Macro-F1 2/3.
    let out = home.ok(&[
        "classify",
        "eval",
        file.to_str().unwrap(),
        "--classifier",
        "heuristic",
    ]);
    assert!(out.contains("classifier: heuristic\n"), "{out}");
    assert!(out.contains("samples: 6\n"), "{out}");
    assert!(out.contains("accuracy: 0.667\n"), "{out}");
    assert!(out.contains("macro-F1: 0.667\n"), "{out}");
    assert!(
        out.contains("F1: simple 0.667, medium 0.667, complex 0.667"),
        "{out}"
    );
    let table: Vec<Vec<String>> = out
        .lines()
        .skip_while(|l| !l.starts_with("confusion"))
        .skip(2)
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect();
    assert_eq!(
        table,
        [
            ["simple", "1", "0", "0"],
            ["medium", "1", "2", "0"],
            ["complex", "0", "1", "1"]
        ]
    );
    let json = home.json(&[
        "classify",
        "eval",
        file.to_str().unwrap(),
        "--classifier",
        "heuristic",
        "--json",
    ]);
    assert_eq!(
        json["metrics"]["confusion"],
        serde_json::json!([[1, 0, 0], [1, 2, 0], [0, 1, 1]])
    );

    // The shipped model on the same file: it runs and counts every line.
    let json = home.json(&["classify", "eval", file.to_str().unwrap(), "--json"]);
    assert_eq!(json["classifier"], "builtin");
    assert_eq!(json["metrics"]["samples"], 6);

    // --predictions writes one verdict per line, in the file's order, agreeing with the
    // confusion matrix.
    let predictions = home.work_dir().join("verdicts.jsonl");
    let json = home.json(&[
        "classify",
        "eval",
        file.to_str().unwrap(),
        "--predictions",
        predictions.to_str().unwrap(),
        "--json",
    ]);
    let verdicts: Vec<serde_json::Value> = std::fs::read_to_string(&predictions)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(verdicts.len(), rows.len());
    let mut confusion = [[0u64; 3]; 3];
    let class = |name: &serde_json::Value| {
        ["simple", "medium", "complex"]
            .iter()
            .position(|c| name == c)
            .unwrap()
    };
    for (verdict, (_, label)) in verdicts.iter().zip(&rows) {
        assert_eq!(verdict["label"], *label);
        let sum: f64 = verdict["probabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_f64().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 1e-3, "{verdict}");
        confusion[class(&verdict["label"])][class(&verdict["predicted"])] += 1;
    }
    assert_eq!(json["metrics"]["confusion"], serde_json::json!(confusion));
    // A path that cannot be written: one error naming it, with a hint, exit 1.
    let missing = home.work_dir().join("no-such-dir").join("verdicts.jsonl");
    let err = home.fails(
        &[
            "classify",
            "eval",
            file.to_str().unwrap(),
            "--predictions",
            missing.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains("cannot write") && err.contains("no-such-dir"),
        "{err}"
    );
    assert!(
        err.contains("hint: give a path in an existing directory"),
        "{err}"
    );

    // A malformed line is named, exit 4.
    std::fs::write(
        &file,
        "{\"text\": \"a\", \"label\": \"simple\"}\n{\"text\": \"b\", \"label\": \"hard\"}\n",
    )
    .unwrap();
    let err = home.fails(&["classify", "eval", file.to_str().unwrap()], 4);
    assert!(err.contains("labelled.jsonl:2"), "{err}");
}

/// Stores `n` finished tasks: descriptions with made-up words the shipped model cannot know,
/// "zorblax …" tasks that took six files (complex) and "plimp …" tasks that took one line
/// (simple).
fn seed_finished_tasks(home: &Home, repo: &str, n: usize) {
    home.ok(&["classify", "versions"]); // creates the database
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    for i in 0..n {
        let (description, stat, status) = if i % 3 == 0 {
            (
                format!("zorblax the quuxifier number {i}"),
                r#"{"files_changed":6,"insertions":300,"deletions":20,"files":[]}"#,
                "succeeded",
            )
        } else {
            (
                format!("plimp the wozzle {i}"),
                r#"{"files_changed":1,"insertions":1,"deletions":1,"files":[]}"#,
                "succeeded",
            )
        };
        conn.execute(
            "INSERT INTO tasks (id, title, description, repo, status, strategy, diff_stat, \
             iterations, review_rounds, created_at, finished_at) \
             VALUES (?1, ?2, ?2, ?3, ?4, 'single', ?5, 1, 0, ?6, ?6)",
            rusqlite::params![
                format!("seed{i:02}"),
                description,
                repo,
                status,
                stat,
                1_000 + i as i64
            ],
        )
        .unwrap();
    }
}

#[test]
fn train_from_history_stores_a_version_and_activates_it_only_when_better() {
    let home = Home::new();
    let repo = home.work_dir().display().to_string();

    // Too few finished tasks: a clear error, nothing stored.
    seed_finished_tasks(&home, &repo, 3);
    let err = home.fails(&["classify", "train"], 2);
    assert!(err.contains("training needs at least 8"), "{err}");

    let home = Home::new();
    seed_finished_tasks(&home, &repo, 24);
    let report = home.json(&["classify", "train", "--json"]);
    assert_eq!(report["tasks"], 24);
    assert_eq!(report["held_out"], 6);
    assert_eq!(report["labels"], serde_json::json!([16, 0, 8]));
    assert_eq!(report["previous_name"], "builtin");
    assert_eq!(report["activated"], true, "{report}");
    assert_eq!(report["candidate"]["accuracy"], 1.0, "{report}");
    let v1 = report["version"].as_i64().unwrap();

    let versions = home.json(&["classify", "versions", "--json"]);
    assert_eq!(versions["builtin_current"], false);
    assert_eq!(versions["versions"][0]["id"], v1);
    assert_eq!(versions["versions"][0]["active"], true);
    assert_eq!(versions["versions"][0]["source"], "history");
    assert_eq!(versions["versions"][0]["samples"], 18);

    let zorblax = home.json(&["classify", "--json", "zorblax the quuxifier again"]);
    assert_eq!(zorblax["complexity"], "complex", "{zorblax}");
    assert_eq!(zorblax["classifier"], format!("v{v1}"));
    assert!(
        zorblax["reason"]
            .as_str()
            .unwrap()
            .starts_with(&format!("model v{v1}: "))
    );

    // The same tasks again: the new version cannot beat v1 (already right on every held-out
    // task), so it is stored but v1 stays current.
    let again = home.json(&["classify", "train", "--json"]);
    assert_eq!(again["activated"], false, "{again}");
    assert_eq!(again["previous_name"], format!("v{v1}"));
    let versions = home.json(&["classify", "versions", "--json"]);
    let list = versions["versions"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    let active: Vec<i64> = list
        .iter()
        .filter(|v| v["active"] == true)
        .map(|v| v["id"].as_i64().unwrap())
        .collect();
    assert_eq!(active, [v1]);

    // --since after every task: too few.
    let err = home.fails(&["classify", "train", "--since", "2000-01-01"], 2);
    assert!(err.contains("in that period"), "{err}");

    // `use builtin` goes back to the shipped model; `use N` forward again.
    home.ok(&["classify", "use", "builtin"]);
    let versions = home.json(&["classify", "versions", "--json"]);
    assert_eq!(versions["builtin_current"], true);
    let plain = home.ok(&["classify", "versions"]);
    assert!(plain.lines().any(|l| l.starts_with("* builtin")), "{plain}");
    home.ok(&["classify", "use", &format!("v{v1}")]);
    let v = home.json(&["classify", "--json", "zorblax it"]);
    assert_eq!(v["classifier"], format!("v{v1}"));
}

#[test]
fn auto_strategy_uses_the_current_classifier() {
    let home = Home::new();
    let repo = project(&home);
    let repo_arg = repo.display().to_string();
    seed_finished_tasks(&home, &repo_arg, 24);
    home.ok(&["classify", "train"]);

    let server = ScriptedServer::start((0..12).map(|_| text("APPROVE")).collect());
    let description = "plimp the wozzle in calc.py";
    home.ok(&[
        "task",
        "run",
        "--repo",
        &repo_arg,
        "--backend",
        "openai",
        "--base-url",
        &server.base_url,
        "--model",
        "tiny",
        "--approval",
        "auto",
        "--strategy",
        "auto",
        description,
    ]);
    let conn = rusqlite::Connection::open(home.database()).unwrap();
    let id: String = conn
        .query_row(
            "SELECT id FROM tasks WHERE description = ?1",
            [description],
            |r| r.get(0),
        )
        .unwrap();
    let selected = events(&home, &id)
        .into_iter()
        .find(|e| e["type"] == "strategy_selected")
        .unwrap();
    assert_eq!(selected["by"], "auto");
    let reason = selected["reason"].as_str().unwrap();
    assert!(reason.starts_with("simple task ("), "{reason}");
    assert!(reason.contains("model v1: "), "{reason}");
    // The top features are named: here the most similar finished task changed one file.
    assert!(reason.contains("similar:1 +"), "{reason}");
    assert_eq!(selected["strategy"], "single", "{reason}");
}
