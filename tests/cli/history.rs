//! `agent history`: import, list, show, search, export and rm against the conversations fixture.

use crate::common::{Home, fixture};

#[test]
fn import_then_list_show_and_export_reproduce_the_fixture() {
    let home = Home::new();
    let fixture_text = std::fs::read_to_string(fixture()).unwrap();
    let report = home.json(&["history", "import", fixture().to_str().unwrap(), "--json"]);
    assert_eq!(report["conversations_added"], 5);
    assert_eq!(report["messages_added"], 14);

    // list: newest first, with counts.
    let list = home.json(&["history", "list", "--json"]);
    let ids: Vec<&str> = list["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "untitled-chat",
            "search-rank",
            "long-log",
            "unicode-talk",
            "parser-fix"
        ]
    );
    assert_eq!(list["conversations"][4]["message_count"], 5);
    assert_eq!(list["next_cursor"], serde_json::Value::Null);

    // show --json of each conversation is exactly its fixture line.
    for line in fixture_text.lines() {
        let expected: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = expected["id"].as_str().unwrap();
        assert_eq!(
            home.json(&["history", "show", id, "--json"]),
            expected,
            "show {id}"
        );
    }

    // export --all is byte-for-byte the fixture (fixture order is creation order).
    assert_eq!(home.ok(&["history", "export", "--all"]), fixture_text);
    // export of one conversation by id prefix is its line.
    let unicode_line = fixture_text
        .lines()
        .find(|l| l.contains("\"unicode-talk\""))
        .unwrap();
    assert_eq!(
        home.ok(&["history", "export", "unicode"]),
        format!("{unicode_line}\n")
    );

    // The human views show the text too.
    let shown = home.ok(&["history", "show", "unicode-talk"]);
    assert!(
        shown.contains("こんにちは！ Can you explain ownership in Rust?"),
        "{shown}"
    );
    let long = home.ok(&["history", "show", "long-log"]);
    assert!(
        long.contains("line 1499: the quick brown fox"),
        "the long message is shown whole"
    );
    let table = home.ok(&["history", "list"]);
    assert!(table.contains("日本語のテスト — Ünïcödé 🦀"), "{table}");
    assert!(
        table.contains("How do I rebase onto main"),
        "untitled shows its first line: {table}"
    );
}

#[test]
fn importing_the_same_file_twice_adds_nothing() {
    let home = Home::new();
    home.import_fixture();
    let before = home.counts();
    let report = home.json(&["history", "import", fixture().to_str().unwrap(), "--json"]);
    assert_eq!(report["conversations_added"], 0);
    assert_eq!(report["messages_added"], 0);
    assert_eq!(report["conversations_present"], 5);
    assert_eq!(report["messages_present"], 14);
    assert_eq!(home.counts(), before);
    assert_eq!(before, (5, 14));
}

#[test]
fn import_reads_stdin() {
    let home = Home::new();
    let output = home
        .agent()
        .args(["history", "import", "-"])
        .write_stdin(std::fs::read(fixture()).unwrap())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(home.counts(), (5, 14));
}

#[test]
fn search_finds_a_rare_word_and_ranks_the_exact_phrase_first() {
    let home = Home::new();
    home.import_fixture();
    let rare = home.json(&["history", "search", "xylophonist", "--json"]);
    let results = rare["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["message_id"], "sr-3");
    assert!(
        results[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("[xylophonist]")
    );

    // sr-1 mentions "error" and "handling" more often, but only sr-2 has the phrase.
    let ranked = home.json(&["history", "search", "error handling", "--json"]);
    let ids: Vec<&str> = ranked["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sr-2", "sr-1"]);
    assert_eq!(ranked["results"][0]["exact_phrase"], true);

    // Non-ASCII words.
    let cyrillic = home.json(&["history", "search", "заимствование", "--json"]);
    assert_eq!(cyrillic["results"].as_array().unwrap().len(), 2);

    let human = home.ok(&["history", "search", "xylophonist"]);
    assert!(
        human.contains("search-rank") && human.contains("[xylophonist]"),
        "{human}"
    );
}

#[test]
fn search_filters_by_repository() {
    let home = Home::new();
    home.import_fixture();
    let in_parser = home.json(&[
        "history",
        "search",
        "fix",
        "--repo",
        "/home/dev/parser",
        "--json",
    ]);
    for hit in in_parser["results"].as_array().unwrap() {
        let id = hit["conversation_id"].as_str().unwrap();
        assert!(id == "parser-fix" || id == "search-rank", "{id}");
    }
    assert!(!in_parser["results"].as_array().unwrap().is_empty());
}

#[test]
fn list_pages_with_cursors_and_filters_by_time_and_repo() {
    let home = Home::new();
    home.import_fixture();
    let mut cursor: Option<String> = None;
    let mut seen = Vec::new();
    for _ in 0..5 {
        let mut args = vec!["history", "list", "--limit", "2", "--json"];
        if let Some(c) = &cursor {
            args.extend(["--cursor", c.as_str()]);
        }
        let page = home.json(&args);
        for c in page["conversations"].as_array().unwrap() {
            seen.push(c["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "untitled-chat",
            "search-rank",
            "long-log",
            "unicode-talk",
            "parser-fix"
        ]
    );

    let ids = |args: &[&str]| -> Vec<String> {
        home.json(args)["conversations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        ids(&["history", "list", "--since", "2026-11-06", "--json"]),
        ["untitled-chat", "search-rank"]
    );
    assert_eq!(
        ids(&["history", "list", "--before", "2026-11-03", "--json"]),
        ["parser-fix"]
    );
    assert_eq!(
        ids(&["history", "list", "--repo", "/home/dev/parser", "--json"]),
        ["search-rank", "parser-fix"]
    );

    // The human listing prints the next cursor on stderr, not in the data.
    let output = home
        .agent()
        .args(["history", "list", "--limit", "2"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stderr.contains("agent history list --cursor "), "{stderr}");
}

#[test]
fn export_markdown_is_a_readable_transcript() {
    let home = Home::new();
    home.import_fixture();
    let md = home.ok(&["history", "export", "parser-fix", "--format", "md"]);
    assert!(md.starts_with("# Fix the failing parser test\n"), "{md}");
    assert!(md.contains("## assistant · `qwen2.5-coder:7b`"), "{md}");
    assert!(
        md.contains("```rust\npub fn parse(s: &str) -> Option<Token> {"),
        "{md}"
    );

    let out = home.root.path().join("all.md");
    home.ok(&[
        "history",
        "export",
        "--all",
        "--format",
        "md",
        "-o",
        out.to_str().unwrap(),
    ]);
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(written.matches("\n---\n").count(), 4);
}

#[test]
fn rm_asks_for_confirmation_and_deletes_with_yes() {
    let home = Home::new();
    home.import_fixture();
    let stderr = home.fails(&["history", "rm", "parser-fix"], 2);
    assert!(stderr.contains("--yes"), "{stderr}");
    assert_eq!(home.counts(), (5, 14));

    let out = home.ok(&["history", "rm", "parser", "--yes"]);
    assert!(
        out.contains("deleted conversation parser-fix (5 message(s))"),
        "{out}"
    );
    assert_eq!(home.counts(), (4, 9));
    home.fails(&["history", "show", "parser-fix"], 3);
    // Deleted messages are gone from the search index too.
    let hits = home.json(&["history", "search", "parses_empty_input", "--json"]);
    assert!(hits["results"].as_array().unwrap().is_empty());
}
