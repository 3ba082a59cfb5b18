//! Custom slash commands: Markdown prompt templates with a front matter block (name,
//! description, arguments), built in from `commands/`, then the user's
//! (`<config dir>/commands/`), then the repository's (`.agent/commands/`); later ones win by name.

use std::path::{Path, PathBuf};

/// One command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomCommand {
    pub name: String,
    pub description: String,
    /// Argument names, in order; the text after the command fills them.
    pub arguments: Vec<String>,
    /// The prompt, with `{{ argument }}` placeholders.
    pub template: String,
    /// Where it came from (`built-in` or a file).
    pub origin: String,
}

const BUILT_INS: &[(&str, &str)] = &[
    ("review.md", include_str!("../../commands/review.md")),
    ("explain.md", include_str!("../../commands/explain.md")),
    ("test.md", include_str!("../../commands/test.md")),
    ("commit.md", include_str!("../../commands/commit.md")),
];

/// Every command: built-ins, then `user_dir`, then `repo_dir`; a later one replaces an earlier
/// one of the same name. Unreadable or malformed files are skipped.
pub fn load(user_dir: Option<&Path>, repo_dir: Option<&Path>) -> Vec<CustomCommand> {
    let mut commands: Vec<CustomCommand> = BUILT_INS
        .iter()
        .filter_map(|(file, text)| parse(text, Path::new(file), "built-in"))
        .collect();
    for dir in [user_dir, repo_dir].into_iter().flatten() {
        for (path, text) in markdown_files(dir) {
            let origin = path.display().to_string();
            if let Some(command) = parse(&text, &path, &origin) {
                commands.retain(|c| c.name != command.name);
                commands.push(command);
            }
        }
    }
    commands.sort_by(|a, b| a.name.cmp(&b.name));
    commands
}

/// The repository's command directory.
pub fn repo_commands_dir(repo_root: &Path) -> PathBuf {
    repo_root.join(".agent").join("commands")
}

impl CustomCommand {
    /// The prompt for `/name REST`: the first arguments take one word each, the last takes the
    /// rest of the line; `{{ arguments }}`-style placeholders without a value become empty.
    pub fn expand(&self, rest: &str) -> String {
        let mut values: Vec<String> = Vec::new();
        let mut remaining = rest.trim();
        for index in 0..self.arguments.len() {
            if index + 1 == self.arguments.len() {
                values.push(remaining.to_string());
                remaining = "";
            } else {
                let (word, tail) = remaining
                    .split_once(char::is_whitespace)
                    .unwrap_or((remaining, ""));
                values.push(word.to_string());
                remaining = tail.trim_start();
            }
        }
        let mut text = self.template.clone();
        for (name, value) in self.arguments.iter().zip(&values) {
            for placeholder in [format!("{{{{ {name} }}}}"), format!("{{{{{name}}}}}")] {
                text = text.replace(&placeholder, value);
            }
        }
        if self.arguments.is_empty() && !rest.trim().is_empty() {
            text.push_str("\n\n");
            text.push_str(rest.trim());
        }
        text.trim().to_string()
    }
}

/// A command from a file's text; `None` without a front matter block or a name.
pub fn parse(text: &str, path: &Path, origin: &str) -> Option<CustomCommand> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text.strip_prefix("---")?;
    let (front, body) = rest.split_once("\n---")?;
    let body = body.split_once('\n').map_or("", |(_, body)| body);
    let mut name = None;
    let mut description = String::new();
    let mut arguments = Vec::new();
    for line in front.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match key.trim() {
            "name" => name = Some(value.to_string()),
            "description" => description = value.to_string(),
            "arguments" => {
                arguments = value
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .split(',')
                    .map(|a| a.trim().trim_matches('"').to_string())
                    .filter(|a| !a.is_empty())
                    .collect();
            }
            _ => {}
        }
    }
    let name = name
        .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))?
        .trim_start_matches('/')
        .to_string();
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| CustomCommand {
        name,
        description,
        arguments,
        template: body.trim().to_string(),
        origin: origin.to_string(),
    })
}

fn markdown_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(PathBuf, String)> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .filter_map(|path| std::fs::read_to_string(&path).ok().map(|text| (path, text)))
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_ins_load_and_expand() {
        let commands = load(None, None);
        let names: Vec<&str> = commands.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["commit", "explain", "review", "test"]);
        let review = commands.iter().find(|c| c.name == "review").unwrap();
        assert_eq!(review.arguments, ["focus"]);
        let prompt = review.expand("error handling in the parser");
        assert!(
            prompt.ends_with("Focus on: error handling in the parser"),
            "{prompt}"
        );
    }

    #[test]
    fn later_directories_replace_by_name_and_bad_files_are_skipped() {
        let user = tempfile::tempdir().unwrap();
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(
            user.path().join("review.md"),
            "---\nname: review\ndescription: mine\n---\nUser review.",
        )
        .unwrap();
        std::fs::write(
            repo.path().join("deploy.md"),
            "---\ndescription: Ship it\narguments: [env, note]\n---\nDeploy to {{ env }}: {{note}}",
        )
        .unwrap();
        std::fs::write(repo.path().join("broken.md"), "no front matter").unwrap();
        let commands = load(Some(user.path()), Some(repo.path()));
        let review = commands.iter().find(|c| c.name == "review").unwrap();
        assert_eq!(review.template, "User review.");
        let deploy = commands.iter().find(|c| c.name == "deploy").unwrap();
        assert_eq!(deploy.description, "Ship it");
        assert_eq!(
            deploy.expand("staging after the fix"),
            "Deploy to staging: after the fix"
        );
        assert!(!commands.iter().any(|c| c.name == "broken"));
    }
}
