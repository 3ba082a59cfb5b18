//! The repository's instruction files (`AGENTS.md`, `.agent/instructions.md`) gathered for the
//! system prompt.
//!
//! The rule: the root `AGENTS.md` always counts; when the focus directory lies below the root,
//! the nearest `AGENTS.md` between it and the root (the focus directory itself included, the
//! root excluded) is added after it, so more specific guidance comes later and reads as the
//! refinement; `.agent/instructions.md` at the root comes last. Missing and blank files are
//! skipped. Each file appears under a `## <relative path>` heading, and the whole text is capped
//! at 16 KiB with a closing line saying so when cut.

use std::path::{Path, PathBuf};

/// The most instruction text that goes into a prompt.
pub const MAX_BYTES: usize = 16 * 1024;

/// The instruction file name looked for at the root and in subdirectories.
const AGENTS_FILE: &str = "AGENTS.md";
/// agent's own instruction file, relative to the repository root.
const AGENT_INSTRUCTIONS: &str = ".agent/instructions.md";

/// Instruction text for the prompt and the files it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Instructions {
    /// The files whose text was (at least partly) included, in order.
    pub files: Vec<PathBuf>,
    /// Each file under a heading naming its path relative to the repository root.
    pub text: String,
}

impl Instructions {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Collects the instruction files that apply when working in `focus_dir` (absolute, or relative
/// to `repo_root`) by the rule in the module documentation.
///
/// Fails only when a file exists but cannot be read.
pub fn load(repo_root: &Path, focus_dir: &Path) -> std::io::Result<Instructions> {
    let mut candidates = vec![repo_root.join(AGENTS_FILE)];
    candidates.extend(nearest_nested(repo_root, focus_dir));
    candidates.push(repo_root.join(AGENT_INSTRUCTIONS));

    let mut instructions = Instructions::default();
    for path in candidates {
        let content = match std::fs::read_to_string(&path) {
            Ok(content) => content,
            Err(error)
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::IsADirectory
                ) =>
            {
                continue;
            }
            Err(error) => return Err(error),
        };
        let content = content.trim();
        if content.is_empty() {
            continue;
        }
        if instructions.text.len() >= MAX_BYTES {
            append_cut_notice(&mut instructions.text);
            break;
        }
        let relative = path.strip_prefix(repo_root).unwrap_or(&path);
        let heading = relative.to_string_lossy().replace('\\', "/");
        if !instructions.text.is_empty() {
            instructions.text.push('\n');
        }
        instructions
            .text
            .push_str(&format!("## {heading}\n\n{content}\n"));
        instructions.files.push(path);
        if instructions.text.len() > MAX_BYTES {
            append_cut_notice(&mut instructions.text);
            break;
        }
    }
    Ok(instructions)
}

/// The `AGENTS.md` nearest to `focus_dir` in a directory strictly below `repo_root`, if any.
fn nearest_nested(repo_root: &Path, focus_dir: &Path) -> Option<PathBuf> {
    let focus = repo_root.join(focus_dir);
    let (root, focus) = match (repo_root.canonicalize(), focus.canonicalize()) {
        (Ok(root), Ok(focus)) => (root, focus),
        _ => (repo_root.to_path_buf(), focus),
    };
    let below = focus.strip_prefix(&root).ok()?;
    let mut directory = below.to_path_buf();
    while directory.parent().is_some() {
        let candidate = root.join(&directory).join(AGENTS_FILE);
        if candidate.is_file() {
            // Report it under the caller's spelling of the root so paths stay comparable.
            return Some(repo_root.join(&directory).join(AGENTS_FILE));
        }
        directory.pop();
    }
    None
}

/// Cuts `text` to fit [`MAX_BYTES`] with a closing line saying it was cut.
fn append_cut_notice(text: &mut String) {
    let notice = "\n[instructions cut: only the first 16 KiB are included]\n";
    let end =
        crate::text::truncate_at_char_boundary(text, MAX_BYTES.saturating_sub(notice.len())).len();
    text.truncate(end);
    text.push_str(notice);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, content) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        dir
    }

    fn names(root: &Path, instructions: &Instructions) -> Vec<String> {
        instructions
            .files
            .iter()
            .map(|path| {
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    }

    #[test]
    fn nothing_to_load() {
        let dir = repo(&[("README.md", "hi"), ("AGENTS.md", "  \n")]);
        let instructions = load(dir.path(), dir.path()).unwrap();
        assert!(instructions.is_empty());
        assert_eq!(instructions.text, "");
    }

    #[test]
    fn root_file_and_agent_instructions_under_headings() {
        let dir = repo(&[
            ("AGENTS.md", "Use tabs.\n"),
            (".agent/instructions.md", "Run make check.\n"),
        ]);
        let instructions = load(dir.path(), dir.path()).unwrap();
        assert_eq!(
            names(dir.path(), &instructions),
            ["AGENTS.md", ".agent/instructions.md"]
        );
        assert_eq!(
            instructions.text,
            "## AGENTS.md\n\nUse tabs.\n\n## .agent/instructions.md\n\nRun make check.\n"
        );
    }

    #[test]
    fn nearest_nested_file_is_added_after_the_root_one() {
        let dir = repo(&[
            ("AGENTS.md", "root rules"),
            ("crates/AGENTS.md", "crate rules"),
            ("crates/core/AGENTS.md", "core rules"),
            ("crates/core/src/lib.rs", ""),
        ]);
        let instructions = load(dir.path(), &dir.path().join("crates/core/src")).unwrap();
        assert_eq!(
            names(dir.path(), &instructions),
            ["AGENTS.md", "crates/core/AGENTS.md"]
        );
        assert!(
            instructions
                .text
                .contains("## crates/core/AGENTS.md\n\ncore rules")
        );
        assert!(!instructions.text.contains("crate rules"));

        let instructions = load(dir.path(), Path::new("crates")).unwrap();
        assert_eq!(
            names(dir.path(), &instructions),
            ["AGENTS.md", "crates/AGENTS.md"]
        );
    }

    #[test]
    fn nested_file_counts_without_a_root_one() {
        let dir = repo(&[("web/AGENTS.md", "web rules"), ("web/app/x.js", "")]);
        let instructions = load(dir.path(), &dir.path().join("web/app")).unwrap();
        assert_eq!(names(dir.path(), &instructions), ["web/AGENTS.md"]);
    }

    #[test]
    fn focus_at_or_outside_the_root_reads_only_root_files() {
        let dir = repo(&[("AGENTS.md", "root"), ("sub/AGENTS.md", "sub")]);
        let instructions = load(dir.path(), dir.path()).unwrap();
        assert_eq!(names(dir.path(), &instructions), ["AGENTS.md"]);
        let elsewhere = tempfile::tempdir().unwrap();
        let instructions = load(dir.path(), elsewhere.path()).unwrap();
        assert_eq!(names(dir.path(), &instructions), ["AGENTS.md"]);
    }

    #[test]
    fn long_text_is_cut_at_the_cap_and_says_so() {
        let long = "é".repeat(MAX_BYTES);
        let dir = repo(&[
            ("AGENTS.md", long.as_str()),
            (".agent/instructions.md", "never reached"),
        ]);
        let instructions = load(dir.path(), dir.path()).unwrap();
        assert!(instructions.text.len() <= MAX_BYTES);
        assert!(
            instructions
                .text
                .ends_with("[instructions cut: only the first 16 KiB are included]\n")
        );
        assert_eq!(names(dir.path(), &instructions), ["AGENTS.md"]);
        assert!(!instructions.text.contains("never reached"));
    }
}
