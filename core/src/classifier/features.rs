//! The trained classifier's inputs: hashed word and character n-grams of the prose, and a few
//! indicators (code blocks, stack traces, file and function names, whether the files exist in
//! the repository, how many files a similar past task touched, the heuristic's cue words).
//!
//! Every feature is a name (`w:typo`, `b:fix_typo`, `c:typo`, `has:stack_trace`, …) hashed
//! into [`DIM`] buckets. The n-gram groups are normalised to unit length, so a long issue text
//! weighs as much as a one-line commit message: length alone never pushes a text to complex.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use crate::classify;

/// Hashed feature buckets.
pub const DIM: usize = 1 << 14;

/// Of a long text, only this many characters feed the n-grams (the indicators read it all).
const MAX_NGRAM_CHARS: usize = 12_000;
/// Of the words, only this many give character n-grams.
const MAX_CHAR_WORDS: usize = 400;
/// The weight of the character n-gram group against the word group.
const CHAR_WEIGHT: f32 = 0.5;

/// What the classifier may know besides the text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The repository the task is for: named files are looked up in it.
    pub repo: Option<&'a Path>,
    /// How many files the most similar finished task changed.
    pub similar_files: Option<usize>,
}

/// One active feature: its name, bucket and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub name: String,
    pub index: u32,
    pub value: f32,
}

/// The features of `text` in `context`, one entry per distinct name.
pub fn extract(text: &str, context: Context<'_>) -> Vec<Feature> {
    let mut features = Vec::new();
    let (prose, code_blocks, code_lines) = split_code_blocks(text);
    let prose = truncate(&prose, MAX_NGRAM_CHARS);

    let words = words(prose);
    let mut word_grams = BTreeSet::new();
    for (i, word) in words.iter().enumerate() {
        word_grams.insert(format!("w:{word}"));
        if let Some(next) = words.get(i + 1) {
            word_grams.insert(format!("b:{word}_{next}"));
        }
    }
    push_group(&mut features, word_grams, 1.0);

    let mut char_grams = BTreeSet::new();
    let distinct: BTreeSet<&String> = words.iter().take(MAX_CHAR_WORDS).collect();
    for word in distinct {
        let padded: Vec<char> = format!("<{word}>").chars().collect();
        for window in padded.windows(4) {
            char_grams.insert(format!("c:{}", window.iter().collect::<String>()));
        }
    }
    push_group(&mut features, char_grams, CHAR_WEIGHT);

    let mut flags: Vec<String> = vec!["bias".to_string()];
    if code_blocks > 0 {
        flags.push("has:code_block".to_string());
    }
    if code_lines > 0 {
        flags.push("has:code_lines".to_string());
    }
    if STACK_TRACE.iter().any(|re| re.is_match(text)) {
        flags.push("has:stack_trace".to_string());
    }
    let files = named_files(text);
    flags.push(format!("files:{}", bucket(files.len())));
    if let Some(repo) = context.repo {
        let existing = files.iter().filter(|f| exists_in(repo, f)).count();
        flags.push(format!("exist:{}", bucket(existing)));
    }
    let functions: BTreeSet<&str> = FUNCTION
        .as_ref()
        .map(|re| re.find_iter(text).map(|m| m.as_str()).take(64).collect())
        .unwrap_or_default();
    flags.push(format!("funcs:{}", bucket(functions.len())));
    if let Some(similar) = context.similar_files {
        flags.push(format!("similar:{}", bucket(similar)));
    }
    let heuristic = classify::features(truncate(text, MAX_NGRAM_CHARS));
    flags.push(format!("list:{}", bucket(heuristic.bullet_items)));
    for complexity in classify::Complexity::ALL {
        for cue in heuristic.cues(complexity) {
            flags.push(format!("cue:{cue}"));
        }
    }
    for name in flags {
        features.push(feature(name, 1.0));
    }
    features
}

/// `0`, `1`, `2-3` or `4+`.
pub fn bucket(count: usize) -> &'static str {
    match count {
        0 => "0",
        1 => "1",
        2 | 3 => "2-3",
        _ => "4+",
    }
}

/// The bucket of feature `name` (FNV-1a, the same on every platform).
pub fn index_of(name: &str) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % DIM as u64) as u32
}

fn feature(name: String, value: f32) -> Feature {
    Feature {
        index: index_of(&name),
        name,
        value,
    }
}

/// Adds the names of one group, each weighted so the group has length `weight`.
fn push_group(features: &mut Vec<Feature>, names: BTreeSet<String>, weight: f32) {
    if names.is_empty() {
        return;
    }
    let value = weight / (names.len() as f32).sqrt();
    features.extend(names.into_iter().map(|name| feature(name, value)));
}

/// The lowercased words of `text`: runs of letters, digits and `_`, numbers as `<num>`.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty() && w.chars().count() <= 30)
        .map(|w| {
            if w.chars().all(|c| c.is_ascii_digit()) {
                "<num>".to_string()
            } else {
                w.to_lowercase()
            }
        })
        .collect()
}

/// The prose of `text`, and how many fenced code blocks and code lines outside them it had.
///
/// Issue reports paste code, shell sessions and tracebacks, often without fences; their words
/// say little about the effort and would crowd the prose's n-grams (which are normalised as a
/// group), so lines that look like code are left out of the prose too.
fn split_code_blocks(text: &str) -> (String, usize, usize) {
    let mut prose = String::with_capacity(text.len());
    let mut inside = false;
    let mut blocks = 0;
    let mut code_lines = 0;
    for line in text.lines() {
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            if !inside {
                blocks += 1;
            }
            inside = !inside;
            continue;
        }
        if inside {
            continue;
        }
        if looks_like_code(line) {
            code_lines += 1;
        } else {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    (prose, blocks, code_lines)
}

/// An indented code line, a shell or REPL prompt, or a line of a Python traceback.
fn looks_like_code(line: &str) -> bool {
    let trimmed = line.trim_start();
    if trimmed.is_empty() {
        return false;
    }
    line.starts_with("    ")
        || line.starts_with('\t')
        || ["$ ", ">>> ", "... ", "Traceback (most recent call last)"]
            .iter()
            .any(|prefix| trimmed.starts_with(prefix))
        || (trimmed.starts_with("File \"") && trimmed.contains("\", line "))
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The distinct file names and paths `text` mentions.
fn named_files(text: &str) -> BTreeSet<String> {
    text.split_whitespace()
        .filter_map(|token| {
            let token = token
                .trim_start_matches(|c: char| "`'\"([{<".contains(c))
                .trim_end_matches(|c: char| "`'\"()[]{}<>,;:!?.".contains(c));
            let token = token.split(':').next().unwrap_or(token);
            (classify::features(token).files_named == 1).then(|| token.to_string())
        })
        .take(64)
        .collect()
}

/// Whether `name` is a file in `repo`: the path as given, or (for a bare name) in one of the
/// usual source directories.
fn exists_in(repo: &Path, name: &str) -> bool {
    let relative = name.trim_start_matches("./");
    if relative.starts_with('/') || relative.contains("..") {
        return false;
    }
    if repo.join(relative).exists() {
        return true;
    }
    !relative.contains('/')
        && ["src", "lib", "core/src", "pkg", "app"]
            .iter()
            .any(|dir| repo.join(dir).join(relative).exists())
}

static STACK_TRACE: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"Traceback \(most recent call last\)",
        r#"(?m)^\s*File "[^"]+", line \d+"#,
        r"(?m)^\s+at [\w$.<>/]+ ?\(",
        r"panicked at",
        r"(?m)^goroutine \d+ \[",
        r"Exception in thread",
        r"(?m)^\s*\d+: [\w:<>]+::",
    ]
    .iter()
    .filter_map(|p| Regex::new(p).ok())
    .collect()
});

/// `name(`, `Type::name` or `obj.method(`: a function or method named in the text.
static FUNCTION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"\b[A-Za-z_][A-Za-z0-9_]*(?:(?:::|\.)[A-Za-z_][A-Za-z0-9_]*)*\(|\b[A-Za-z_][A-Za-z0-9_]*::[A-Za-z_][A-Za-z0-9_]*",
    )
    .ok()
});

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> BTreeSet<String> {
        extract(text, Context::default())
            .into_iter()
            .map(|f| f.name)
            .collect()
    }

    #[test]
    fn pasted_code_and_tracebacks_stay_out_of_the_prose() {
        let prose = "Saving a model with a nullable field fails\n\nIt worked before the upgrade.\n";
        let report = format!(
            "{prose}\n    model = Model(name=None)\n    model.save()\n\n$ python manage.py migrate\n\
             Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n\
             >>> print(value)\n"
        );
        let words = |names: &BTreeSet<String>| -> BTreeSet<String> {
            names
                .iter()
                .filter(|n| n.starts_with("w:") || n.starts_with("b:"))
                .cloned()
                .collect()
        };
        let with_code = names(&report);
        assert_eq!(words(&with_code), words(&names(prose)));
        assert!(with_code.contains("has:code_lines"));
        assert!(with_code.contains("has:stack_trace"));
        assert!(!names(prose).contains("has:code_lines"));
    }

    #[test]
    fn prose_lines_are_not_taken_for_code() {
        for line in [
            "Fix the parser when a file ends in a comment",
            "  - keep the old name as an alias",
            "File names with spaces are quoted now",
            "",
        ] {
            assert!(!looks_like_code(line), "{line:?}");
        }
        for line in [
            "    let x = 1;",
            "\tfoo()",
            "$ cargo build",
            ">>> import os",
        ] {
            assert!(looks_like_code(line), "{line:?}");
        }
    }
}
