//! The committed completion scripts match what the binary generates, and the man page renders.

use crate::common::Home;

const SHELLS: [(&str, &str); 5] = [
    ("bash", "agent.bash"),
    ("zsh", "_agent"),
    ("fish", "agent.fish"),
    ("powershell", "_agent.ps1"),
    ("elvish", "agent.elv"),
];

#[test]
fn committed_completions_are_current() {
    let home = Home::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in SHELLS {
        let generated = home.ok(&["completions", shell]);
        assert!(
            generated.contains("history"),
            "{shell} completion lacks subcommands"
        );
        let committed = std::fs::read_to_string(dir.join(file)).unwrap_or_default();
        assert!(
            committed == generated,
            "completions/{file} is stale; regenerate with: cargo run -q -- completions {shell} > completions/{file}"
        );
    }
}

#[test]
fn man_page_renders() {
    let home = Home::new();
    let man = home.ok(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH agent"),
        "{}",
        &man[..man.len().min(200)]
    );
    assert!(man.contains("history"));
}
