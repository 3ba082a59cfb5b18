//! The prompts a task sends: built in from the project's `prompts/` directory, overridable per
//! user (`<config dir>/prompts/NAME.md`) and per repository (`.agent/prompts/NAME.md`, which wins).

use std::path::{Path, PathBuf};

/// A built-in prompt: its name (the file stem) and text.
struct BuiltIn {
    name: &'static str,
    text: &'static str,
}

const BUILT_INS: &[BuiltIn] = &[
    BuiltIn {
        name: "chat",
        text: include_str!("../../../prompts/chat.md"),
    },
    BuiltIn {
        name: "coder",
        text: include_str!("../../../prompts/coder.md"),
    },
    BuiltIn {
        name: "hook-commit-msg",
        text: include_str!("../../../prompts/hook-commit-msg.md"),
    },
    BuiltIn {
        name: "hook-review",
        text: include_str!("../../../prompts/hook-review.md"),
    },
    BuiltIn {
        name: "planner",
        text: include_str!("../../../prompts/planner.md"),
    },
    BuiltIn {
        name: "pr-review",
        text: include_str!("../../../prompts/pr-review.md"),
    },
    BuiltIn {
        name: "reviewer",
        text: include_str!("../../../prompts/reviewer.md"),
    },
    BuiltIn {
        name: "tester",
        text: include_str!("../../../prompts/tester.md"),
    },
];

/// Where prompts are looked up, most specific first.
#[derive(Debug, Clone, Default)]
pub struct PromptSources {
    /// `.agent/prompts` in the repository.
    pub repo_dir: Option<PathBuf>,
    /// `prompts` in the user's configuration directory.
    pub user_dir: Option<PathBuf>,
}

/// A prompt's text and where it came from (a file, or `built-in`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub text: String,
    pub origin: String,
}

impl PromptSources {
    /// The prompt called `name`: the repository's override, the user's, or the built-in one.
    pub fn load(&self, name: &str) -> Option<Prompt> {
        for dir in [&self.repo_dir, &self.user_dir].into_iter().flatten() {
            let file = dir.join(format!("{name}.md"));
            if let Ok(text) = std::fs::read_to_string(&file) {
                return Some(Prompt {
                    text,
                    origin: file.display().to_string(),
                });
            }
        }
        BUILT_INS.iter().find(|p| p.name == name).map(|p| Prompt {
            text: p.text.to_string(),
            origin: "built-in".into(),
        })
    }
}

/// The placeholder of the repo map. The built-in prompts leave it out: the map opens the first
/// request instead, so the system prompt is the same for every task of a repository.
pub const MAP_PLACEHOLDER: &str = "{{map}}";

/// A first user message opened by the repo map section `map` (nothing when it is empty).
pub fn with_map(map: &str, request: String) -> String {
    let map = map.trim();
    if map.is_empty() {
        request
    } else {
        format!("{map}\n\n{request}")
    }
}

/// Fills `{{name}}` placeholders; unknown ones are left as they are.
pub fn render(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (name, value) in values {
        text = text.replace(&format!("{{{{{name}}}}}"), value);
    }
    text
}

/// The `{{instructions}}` text: the repository's instruction files (see [`crate::instructions`])
/// under a heading, or nothing when it has none.
pub fn instructions_block(repo_root: &Path, focus: &Path) -> String {
    let text = crate::instructions::load(repo_root, focus)
        .map(|found| found.text)
        .unwrap_or_default();
    if text.trim().is_empty() {
        String::new()
    } else {
        format!("\nThe repository's instructions:\n\n{text}")
    }
}

/// The repository's prompt override directory.
pub fn repo_prompts_dir(repo_root: &Path) -> PathBuf {
    repo_root.join(".agent").join("prompts")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_prompts_load_and_overrides_win_in_order() {
        let sources = PromptSources::default();
        let built_in = sources.load("coder").unwrap();
        assert_eq!(built_in.origin, "built-in");
        assert!(built_in.text.contains("{{verify}}"));

        let user = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(user.path().join("coder.md"), "user prompt").unwrap();
        let sources = PromptSources {
            repo_dir: Some(repo.path().to_path_buf()),
            user_dir: Some(user.path().to_path_buf()),
        };
        assert_eq!(sources.load("coder").unwrap().text, "user prompt");
        std::fs::write(repo.path().join("coder.md"), "repo prompt").unwrap();
        assert_eq!(sources.load("coder").unwrap().text, "repo prompt");
        assert!(sources.load("nope").is_none());
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            render("run {{verify}} then {{other}}", &[("verify", "cargo test")]),
            "run cargo test then {{other}}"
        );
    }
}
