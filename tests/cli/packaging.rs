//! The Homebrew formula and the release workflow agree with the repository: the completion files
//! the formula installs are the ones kept current here, the line the workflow fills in is in the
//! formula, the formula's own test passes against this binary, and every platform is built.

use std::path::{Path, PathBuf};

use crate::common::{Home, git_init};

/// The line of the formula the release workflow replaces with the source's url and sha256.
const RELEASE_MARKER: &str = "  # release: url and sha256";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every double-quoted string in `text` that starts with `prefix`.
fn quoted_with_prefix<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|quoted| quoted.starts_with(prefix))
        .collect()
}

#[test]
fn the_formula_installs_the_committed_completions_and_carries_the_release_marker() {
    let formula = read("packaging/homebrew/agent.rb");
    let completions = quoted_with_prefix(&formula, "completions/");
    assert_eq!(
        completions,
        [
            "completions/agent.bash",
            "completions/_agent",
            "completions/agent.fish"
        ]
    );
    // The same files `completions.rs` keeps equal to what the binary generates.
    let checked = read("tests/cli/completions.rs");
    for file in &completions {
        assert!(root().join(file).is_file(), "{file} is missing");
        let name = Path::new(file).file_name().unwrap().to_str().unwrap();
        assert!(
            checked.contains(&format!("\"{name}\"")),
            "{name} is not checked"
        );
    }
    assert_eq!(
        formula
            .lines()
            .filter(|line| *line == RELEASE_MARKER)
            .count(),
        1,
        "the release workflow fills in exactly one marker line"
    );
    let workflow = read(".github/workflows/release.yml");
    assert!(
        workflow.contains(&format!("s|^{RELEASE_MARKER}\\$|")),
        "the workflow's sed must match the formula's marker line"
    );
    assert!(workflow.contains("packaging/homebrew/agent.rb"));

    let cargo = read("Cargo.toml");
    let repository = cargo
        .lines()
        .find_map(|line| line.strip_prefix("repository = "))
        .unwrap()
        .trim_matches('"');
    assert!(formula.contains(&format!("homepage \"{repository}\"")));
    assert!(formula.contains(&format!("head \"{repository}.git\"")));
}

#[test]
fn the_formulas_own_test_passes_against_this_binary() {
    let formula = read("packaging/homebrew/agent.rb");
    let expected = formula
        .lines()
        .find(|line| line.contains("agent hook status"))
        .and_then(|line| quoted_with_prefix(line, "pre-commit").first().copied())
        .expect("the formula's test reads `agent hook status`");
    let home = Home::new();
    let repo = home.work_dir().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git_init(&repo);
    let mut install = home.agent();
    install
        .current_dir(&repo)
        .args(["hook", "install", "pre-commit"]);
    install.assert().success();
    let status = home
        .agent()
        .current_dir(&repo)
        .args(["hook", "status"])
        .output()
        .unwrap();
    let status = String::from_utf8(status.stdout).unwrap();
    assert!(status.contains(expected), "{expected:?} not in:\n{status}");
}

#[test]
fn the_release_workflow_builds_every_platform_with_completions_man_page_and_checksums() {
    let workflow = read(".github/workflows/release.yml");
    assert!(workflow.contains("tags: [\"v*\"]"), "{workflow}");
    for target in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        assert!(workflow.contains(&format!("target: {target}")), "{target}");
    }
    for step in [
        "cargo build --release --locked",
        "cp -R completions",
        "\"$binary\" man > ",
        "> SHA256SUMS",
        "gh release upload",
    ] {
        assert!(workflow.contains(step), "the workflow lacks `{step}`");
    }
}
