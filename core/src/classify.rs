//! The heuristic task-complexity classifier: maps a task description to Simple, Medium or
//! Complex so the engine can pick a strategy (SingleShot, Iterative, MultiAgent).
//!
//! It is deliberately transparent: [`features`] extracts countable signals, [`classify`] scores
//! them with the fixed weights below and says in [`Classification::reason`] which signals won.
//! The trained classifier ([`crate::classifier`]) decides for `auto`; this heuristic is its
//! fallback (`agent classify --heuristic`), and its cue words are among that model's inputs.
//!
//! # Scoring
//!
//! Each complexity gets a score; the highest wins, and a tie goes to the more complex side (a
//! more careful strategy is the cheaper mistake).
//!
//! | signal                                   | simple | medium | complex |
//! |------------------------------------------|--------|--------|---------|
//! | prior                                    | 0.5    |        |         |
//! | each distinct cue word of the class      | 1.5    | 1.25   | 1.5     |
//! | at most 12 words                         | 0.5    |        |         |
//! | 13 to 60 words                           |        | 0.5    |         |
//! | more than 60 / more than 150 words       |        |        | 1 / 2   |
//! | 4 or more non-blank lines                |        |        | 0.5     |
//! | 2 list items                             |        | 0.5    |         |
//! | 3 or more list items                     |        |        | 1 + 0.25 per item past 3, at most 2 |
//! | 3 or more / 6 or more files named        |        |        | 1 / 2   |
//!
//! Then a description that mentions tests is at least Medium. Cue words match case-insensitively
//! on word boundaries ("prefix" is not "fix"), each cue counts once however often it appears.
//! The confidence grows with the margin `m` between the winner's score and the best other score:
//! `0.5 + 0.45 · m / (m + 2)`, clamped to 0.5..=0.95; an empty description is Simple at 0.5.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};

pub use crate::protocol::Complexity;

impl Complexity {
    /// Every complexity, from least to most.
    pub const ALL: [Complexity; 3] = [Complexity::Simple, Complexity::Medium, Complexity::Complex];

    /// The complexity as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Complexity::Simple => "simple",
            Complexity::Medium => "medium",
            Complexity::Complex => "complex",
        }
    }

    /// The complexity named `name` (any case, surrounding whitespace ignored).
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for Complexity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The classifier's verdict on one description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub complexity: Complexity,
    /// How sure the heuristic is, in 0.5..=0.95.
    pub confidence: f32,
    /// One line naming the signals that decided, e.g.
    /// `2 files named, words: refactor, across; 48 words`.
    pub reason: String,
    pub features: Features,
    /// Which classifier decided: `heuristic`, `builtin` (the shipped model) or `vN` (a version
    /// trained from history, see [`crate::classifier`]).
    #[serde(default)]
    pub classifier: String,
}

/// The countable signals of a description.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Features {
    /// Whitespace-separated words.
    pub words: usize,
    /// Non-blank lines.
    pub lines: usize,
    /// Distinct file paths and names (`src/parser.rs`, `parser.rs`, `Makefile`, `foo/bar/`).
    pub files_named: usize,
    /// The cues found for each complexity, by canonical name (`fix`, `every module`), in the
    /// order of the cue table.
    pub simple_cues: Vec<String>,
    pub medium_cues: Vec<String>,
    pub complex_cues: Vec<String>,
    /// Whether the description mentions tests (test, tests, tested, testing).
    pub mentions_tests: bool,
    /// Lines that are bulleted (`-`, `*`, `+`, `•`) or numbered (`1.`, `2)`) list items.
    pub bullet_items: usize,
}

/// The name of this classifier in [`Classification::classifier`].
pub const HEURISTIC: &str = "heuristic";

/// Extracts the signals of `description`.
pub fn features(description: &str) -> Features {
    let lowered = description.to_lowercase();
    let bullet_items = description
        .lines()
        .filter(|line| found(&BULLET, line.trim_start()))
        .count();

    let mut features = Features {
        words: description.split_whitespace().count(),
        lines: description
            .lines()
            .filter(|line| !line.trim().is_empty())
            .count(),
        files_named: files_named(description),
        mentions_tests: found(&MENTIONS_TESTS, &lowered),
        bullet_items,
        ..Features::default()
    };
    if let Some(set) = CUES.as_ref() {
        for index in set.matches(&lowered).iter() {
            let (complexity, name, _) = CUE_TABLE[index];
            features.cues_mut(complexity).push(name.to_string());
        }
    }
    // "implement … with several parts": a list, or two separators in the same sentence.
    if found(&IMPLEMENT_SEVERAL, &lowered) || (bullet_items >= 2 && found(&IMPLEMENT, &lowered)) {
        features.complex_cues.push("implement".to_string());
    }
    if found(&API, &lowered) && found(&STORAGE, &lowered) {
        features.complex_cues.push("api + storage".to_string());
    }
    features
}

/// Classifies `description` by the scoring described in the module documentation.
pub fn classify(description: &str) -> Classification {
    let features = features(description);
    if features.words == 0 {
        return Classification {
            complexity: Complexity::Simple,
            confidence: 0.5,
            reason: "empty description".to_string(),
            features,
            classifier: HEURISTIC.to_string(),
        };
    }

    let scores = scores(&features);
    let score = |c: Complexity| scores[c as usize];
    // `max_by` keeps the last of equal elements, so a tie goes to the more complex side.
    let mut complexity = Complexity::ALL
        .into_iter()
        .max_by(|a, b| score(*a).total_cmp(&score(*b)))
        .unwrap_or(Complexity::Simple);
    let raised_by_tests = complexity == Complexity::Simple && features.mentions_tests;
    if raised_by_tests {
        complexity = Complexity::Medium;
    }
    let runner_up = Complexity::ALL
        .into_iter()
        .filter(|c| *c != complexity)
        .map(score)
        .fold(0.0_f32, f32::max);
    let margin = (score(complexity) - runner_up).max(0.0);
    let confidence = (0.5 + 0.45 * margin / (margin + 2.0)).clamp(0.5, 0.95);

    Classification {
        complexity,
        confidence,
        reason: reason(&features, complexity, raised_by_tests),
        features,
        classifier: HEURISTIC.to_string(),
    }
}

impl Features {
    /// The cues found for `complexity`.
    pub fn cues(&self, complexity: Complexity) -> &[String] {
        match complexity {
            Complexity::Simple => &self.simple_cues,
            Complexity::Medium => &self.medium_cues,
            Complexity::Complex => &self.complex_cues,
        }
    }

    fn cues_mut(&mut self, complexity: Complexity) -> &mut Vec<String> {
        match complexity {
            Complexity::Simple => &mut self.simple_cues,
            Complexity::Medium => &mut self.medium_cues,
            Complexity::Complex => &mut self.complex_cues,
        }
    }
}

/// The scores of Simple, Medium and Complex, in that order.
fn scores(features: &Features) -> [f32; 3] {
    let count = |cues: &[String]| cues.len() as f32;
    let mut simple = 0.5 + 1.5 * count(&features.simple_cues);
    let mut medium = 1.25 * count(&features.medium_cues);
    let mut complex = 1.5 * count(&features.complex_cues);

    match features.words {
        0..=12 => simple += 0.5,
        13..=60 => medium += 0.5,
        61..=150 => complex += 1.0,
        _ => complex += 2.0,
    }
    if features.lines >= 4 {
        complex += 0.5;
    }
    match features.bullet_items {
        0 | 1 => {}
        2 => medium += 0.5,
        n => complex += (1.0 + 0.25 * (n - 3) as f32).min(2.0),
    }
    match features.files_named {
        0..=2 => {}
        3..=5 => complex += 1.0,
        _ => complex += 2.0,
    }
    [simple, medium, complex]
}

/// One line naming the signals behind `complexity`.
fn reason(features: &Features, complexity: Complexity, raised_by_tests: bool) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut signals = Vec::new();
    if features.files_named > 0 {
        signals.push(plural(features.files_named, "file named", "files named"));
    }
    if features.bullet_items > 0 {
        signals.push(plural(features.bullet_items, "list item", "list items"));
    }
    let cues = features.cues(complexity);
    if cues.is_empty() {
        signals.push("no cue words".to_string());
    } else {
        signals.push(format!("words: {}", cues.join(", ")));
    }
    if raised_by_tests {
        signals.push("mentions tests".to_string());
    }
    format!(
        "{}; {}",
        signals.join(", "),
        plural(features.words, "word", "words")
    )
}

/// The number of distinct file paths and names in `description`.
fn files_named(description: &str) -> usize {
    let mut files = BTreeSet::new();
    for token in description.split_whitespace() {
        let token = token
            .trim_start_matches(|c: char| "`'\"([{<".contains(c))
            .trim_end_matches(|c: char| "`'\"()[]{}<>,;:!?.".contains(c));
        let token = without_line_numbers(token);
        if is_file_name(token) {
            files.insert(token);
        }
    }
    files.len()
}

/// `src/parser.rs` for `src/parser.rs:42` or `src/parser.rs:42:7`.
fn without_line_numbers(token: &str) -> &str {
    let mut token = token;
    for _ in 0..2 {
        match token.rsplit_once(':') {
            Some((path, number))
                if !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) =>
            {
                token = path
            }
            _ => break,
        }
    }
    token
}

/// Whether `token` (already stripped of surrounding punctuation) looks like a path or file name.
fn is_file_name(token: &str) -> bool {
    if token.is_empty()
        || token.contains("://")
        || !token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./~*".contains(c))
    {
        return false;
    }
    let last = token.rsplit('/').next().unwrap_or(token);
    if token.contains('/') {
        let segments = token.split('/').filter(|s| !s.is_empty()).count();
        return segments > 0
            && (token.ends_with('/')
                || has_known_extension(last)
                || segments >= 3
                || token.starts_with("./")
                || token.starts_with("../")
                || token.starts_with("~/"));
    }
    has_known_extension(token)
        || WELL_KNOWN_FILES.contains(&token)
        || (token.len() > 2
            && token.starts_with('.')
            && token[1..].starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// Whether `name` is `stem.ext` with a non-empty stem and an extension source trees use.
fn has_known_extension(name: &str) -> bool {
    match name.rsplit_once('.') {
        Some((stem, extension)) => {
            !stem.trim_matches('.').is_empty()
                && KNOWN_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
        }
        None => false,
    }
}

const KNOWN_EXTENSIONS: &[&str] = &[
    "c", "cc", "cfg", "cjs", "clj", "cmake", "conf", "cpp", "cs", "css", "csv", "dart", "env",
    "erl", "ex", "exs", "fs", "go", "gradle", "h", "hpp", "hs", "html", "ini", "java", "js",
    "json", "jsonl", "jsx", "kt", "kts", "lock", "lua", "md", "mjs", "mk", "ml", "nix", "php",
    "pl", "proto", "ps1", "py", "r", "rb", "rs", "rst", "sass", "scala", "scss", "sh", "sql",
    "svelte", "swift", "tf", "toml", "ts", "tsx", "txt", "vue", "xml", "yaml", "yml", "zig", "zsh",
];

const WELL_KNOWN_FILES: &[&str] = &[
    "Makefile",
    "makefile",
    "GNUmakefile",
    "Dockerfile",
    "Containerfile",
    "Justfile",
    "justfile",
    "Rakefile",
    "Gemfile",
    "Procfile",
    "Jenkinsfile",
    "Vagrantfile",
    "README",
    "LICENSE",
    "CHANGELOG",
    "CONTRIBUTING",
];

/// A cue word or phrase: its canonical name, the complexity it argues for, and its pattern over
/// the lowercased description.
/// `(complexity, name, pattern)`; patterns are matched against the lowercased description.
const CUE_TABLE: &[(Complexity, &str, &str)] = &[
    (Complexity::Simple, "typo", r"\btypos?\b"),
    (Complexity::Simple, "rename", r"\brenam(?:e|es|ed|ing)\b"),
    (Complexity::Simple, "comment", r"\bcomments?\b"),
    (
        Complexity::Simple,
        "docstring",
        r"\bdocstrings?\b|\bdoc[-\s]comments?\b",
    ),
    (Complexity::Simple, "bump", r"\bbump(?:s|ed|ing)?\b"),
    (Complexity::Simple, "version", r"\bversions?\b"),
    (Complexity::Simple, "format", r"\bformat(?:s|ted|ting)?\b"),
    (
        Complexity::Simple,
        "spelling",
        r"\b(?:mis)?spell(?:ing|ings|ed)?\b",
    ),
    (
        Complexity::Simple,
        "log message",
        r"\blog\s+(?:messages?|lines?)\b",
    ),
    (Complexity::Simple, "one-line", r"\bone[-\s]line(?:r|s)?\b"),
    (Complexity::Simple, "readme", r"\breadme\b"),
    (Complexity::Medium, "fix", r"\bfix(?:es|ed|ing)?\b"),
    (Complexity::Medium, "bug", r"\bbug(?:s|gy)?\b"),
    (
        Complexity::Medium,
        "failing",
        r"\bfail(?:s|ed|ing|ures?)?\b",
    ),
    (Complexity::Medium, "test", r"\btest(?:s|ed|ing)?\b"),
    (Complexity::Medium, "error", r"\berrors?\b"),
    (Complexity::Medium, "handle", r"\bhandl(?:e|es|ed|ing)\b"),
    (
        Complexity::Medium,
        "add a flag",
        r"\badd(?:s|ed|ing)?\s+(?:\S+\s+){0,3}?(?:flags?|options?|switch(?:es)?|arguments?|parameters?)\b",
    ),
    (
        Complexity::Medium,
        "validate",
        r"\bvalidat(?:e|es|ed|ing|ion)\b",
    ),
    (
        Complexity::Medium,
        "edge case",
        r"\b(?:edge|corner)[-\s]cases?\b",
    ),
    (Complexity::Medium, "crash", r"\bcrash(?:es|ed|ing)?\b"),
    (Complexity::Medium, "panic", r"\bpanic(?:s|ked|king)?\b"),
    (
        Complexity::Complex,
        "refactor",
        r"\brefactor(?:s|ed|ing)?\b",
    ),
    (
        Complexity::Complex,
        "redesign",
        r"\bredesign(?:s|ed|ing)?\b",
    ),
    (
        Complexity::Complex,
        "architecture",
        r"\barchitectur(?:e|es|al)\b",
    ),
    (
        Complexity::Complex,
        "migrate",
        r"\bmigrat(?:e|es|ed|ing|ions?)\b",
    ),
    (Complexity::Complex, "across", r"\bacross\b"),
    (
        Complexity::Complex,
        "every module",
        r"\b(?:every|each|all(?:\s+the)?)\s+(?:modules?|crates?|packages?|components?|services?)\b",
    ),
    (
        Complexity::Complex,
        "all callers",
        r"\b(?:every|all(?:\s+the)?)\s+(?:callers?|call\s+sites?|usages?|uses)\b",
    ),
    (Complexity::Complex, "new feature", r"\bnew\s+features?\b"),
    (
        Complexity::Complex,
        "new subsystem",
        r"\bnew\s+(?:subsystems?|services?|backends?|protocols?)\b",
    ),
    (Complexity::Complex, "multiple", r"\bmultiple\b"),
    (
        Complexity::Complex,
        "end-to-end",
        r"\bend[-\s]to[-\s]end\b|\be2e\b",
    ),
    (
        Complexity::Complex,
        "rewrite",
        r"\brewr(?:ite|ites|iting|itten|ote)\b",
    ),
    (
        Complexity::Complex,
        "introduce",
        r"\bintroduc(?:e|es|ed|ing)\b",
    ),
    (
        Complexity::Complex,
        "split into",
        r"\bsplit(?:s|ting)?(?:\s+\S+){0,3}?\s+into\b",
    ),
    (
        Complexity::Complex,
        "concurrency",
        r"\bconcurren(?:cy|t|tly)\b|\bparallel(?:ism|ize|ise)?\b|\bthread[-\s]safe(?:ty)?\b|\brace\s+conditions?\b",
    ),
];

/// The cue table compiled into one set (one automaton instead of one per cue: compiling it is
/// on the path of every task). Every pattern is a constant the tests compile; were the set not
/// to compile, no cue would match rather than the classifier crash.
static CUES: LazyLock<Option<RegexSet>> = LazyLock::new(|| {
    RegexSet::new(
        CUE_TABLE
            .iter()
            .map(|(_, _, pattern)| pattern.replace(r"\b", r"(?-u:\b)")),
    )
    .ok()
});

/// Compiles a cue pattern with ASCII word boundaries: the cues are English words, and Unicode
/// `\b` makes compiling the table cost tens of milliseconds on every task.
fn compile(pattern: &str) -> Option<Regex> {
    Regex::new(&pattern.replace(r"\b", r"(?-u:\b)")).ok()
}

static BULLET: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"^(?:[-*+]|•|[0-9]{1,3}[.)])[ \t]+[^ \t]").ok());
static MENTIONS_TESTS: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"\btest(?:s|ed|ing)?\b"));
static IMPLEMENT: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"\bimplement(?:s|ed|ing)?\b"));
static IMPLEMENT_SEVERAL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r"\bimplement(?:s|ed|ing)?\b[^.\n]*(?:,|\band\b)[^.\n]*(?:,|\band\b)")
});
static API: LazyLock<Option<Regex>> =
    LazyLock::new(|| compile(r"\b(?:apis?|endpoints?|http|graphql|grpc)\b"));
static STORAGE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    compile(r"\b(?:storage|database|db|schema|sqlite|postgres(?:ql)?|mysql|persistence|persist)\b")
});

/// Whether `pattern` matches `text`. The patterns are constants the tests compile; one that did
/// not would match nothing rather than crash the classifier.
fn found(pattern: &LazyLock<Option<Regex>>, text: &str) -> bool {
    pattern.as_ref().is_some_and(|regex| regex.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFACTOR_STORAGE: &str = "Refactor the storage layer so the SQL lives in one place:
- move the SQLite code out of every module into core/src/store/
- migrate the schema to version 3 and keep old databases readable
- update all callers across the crates
- add tests for each migration";

    const REDESIGN_PLUGINS: &str = "redesign the plugin architecture so every module registers \
        itself, migrate all callers, and add end-to-end tests";

    fn complexity(description: &str) -> Complexity {
        classify(description).complexity
    }

    #[test]
    fn clearly_simple_tasks_are_simple() {
        for text in [
            "fix the typo in README.md",
            "rename the variable `cnt` to `count` in src/lib.rs",
            "bump the version to 0.2.0",
        ] {
            assert_eq!(complexity(text), Complexity::Simple, "{text}");
        }
    }

    #[test]
    fn clearly_medium_tasks_are_medium() {
        for text in [
            "fix the failing test in parser.rs",
            "the CLI panics when the config file is empty; handle it and add a test",
            "add a --verbose flag to the run command",
        ] {
            assert_eq!(complexity(text), Complexity::Medium, "{text}");
        }
    }

    #[test]
    fn clearly_complex_tasks_are_complex() {
        for text in [REFACTOR_STORAGE, REDESIGN_PLUGINS] {
            assert_eq!(complexity(text), Complexity::Complex, "{text}");
        }
        let redesign = features(REDESIGN_PLUGINS);
        for cue in [
            "redesign",
            "architecture",
            "every module",
            "migrate",
            "all callers",
        ] {
            assert!(redesign.complex_cues.iter().any(|c| c == cue), "{cue}");
        }
    }

    #[test]
    fn cues_match_whole_words_in_any_case() {
        let prefix = features("add a prefix option");
        assert!(!prefix.medium_cues.iter().any(|c| c == "fix"));
        assert_eq!(prefix.medium_cues, ["add a flag"]);

        let fixes = features("FIXES the Crash");
        assert_eq!(fixes.medium_cues, ["fix", "crash"]);
        // "testament" is not a test, "across" inside "acrossing" is not "across".
        let other = features("a testament to acrossing");
        assert!(!other.mentions_tests);
        assert!(other.medium_cues.is_empty() && other.complex_cues.is_empty());
    }

    #[test]
    fn features_count_words_lines_files_and_list_items() {
        let storage = features(REFACTOR_STORAGE);
        assert_eq!(storage.lines, 5);
        assert_eq!(storage.bullet_items, 4);
        assert_eq!(storage.files_named, 1);
        assert_eq!(storage.words, 47);
        assert!(storage.mentions_tests);

        let numbered = features("1. parse the header\n2) check it\n  3. write it\n-- not a bullet");
        assert_eq!(numbered.bullet_items, 3);
        assert_eq!(numbered.lines, 4);

        let words = features("one two\tthree\n\nfour ");
        assert_eq!((words.words, words.lines), (4, 2));
    }

    #[test]
    fn file_names_and_paths_are_counted_once() {
        let text = "look at src/parser.rs:42, `parser.rs`, the Makefile, foo/bar/ and \
            (Cargo.toml); src/parser.rs again, and .gitignore";
        assert_eq!(features(text).files_named, 6);
        for not_a_file in [
            "bump to 0.2.0",
            "input and/or output",
            "see https://example.com/a/b.html",
            "e.g. this, i.e. that",
            "update the readme",
            "3.14 is not a file...",
        ] {
            assert_eq!(features(not_a_file).files_named, 0, "{not_a_file}");
        }
    }

    #[test]
    fn mentioning_tests_is_at_least_medium() {
        let classification = classify("rename the helper used in the tests");
        assert_eq!(classification.complexity, Complexity::Medium);
        assert!(classification.reason.contains("mentions tests"));
    }

    #[test]
    fn implement_with_several_parts_and_api_with_storage_are_complex_cues() {
        let several = features("implement the cache, its eviction and the stats command");
        assert!(several.complex_cues.iter().any(|c| c == "implement"));
        let one = features("implement Display for Span");
        assert!(one.complex_cues.is_empty());
        let api = features("add an HTTP endpoint that reads the sessions from the database");
        assert!(api.complex_cues.iter().any(|c| c == "api + storage"));
    }

    #[test]
    fn confidence_is_in_range_and_higher_when_unambiguous() {
        let borderline = classify("fix the typo in the error message");
        let unambiguous = classify(REDESIGN_PLUGINS);
        for c in [&borderline, &unambiguous] {
            assert!((0.5..=0.95).contains(&c.confidence), "{}", c.confidence);
        }
        assert!(
            unambiguous.confidence > borderline.confidence + 0.2,
            "{} vs {}",
            unambiguous.confidence,
            borderline.confidence
        );
    }

    #[test]
    fn reason_names_the_signals() {
        let classification = classify(REFACTOR_STORAGE);
        let reason = &classification.reason;
        assert!(!reason.contains('\n'));
        assert!(reason.starts_with("1 file named, 4 list items, words: refactor, migrate"));
        assert!(reason.ends_with(&format!("; {} words", classification.features.words)));
        assert_eq!(
            classify("do it").reason,
            "no cue words; 2 words",
            "a text without signals says so"
        );
    }

    #[test]
    fn empty_text_is_simple_at_half_confidence() {
        for text in ["", "   \n\t  "] {
            let classification = classify(text);
            assert_eq!(classification.complexity, Complexity::Simple);
            assert_eq!(classification.confidence, 0.5);
            assert_eq!(classification.features.words, 0);
        }
    }

    #[test]
    fn very_long_input_does_not_panic() {
        let long = "refactor src/a.rs and fix the test, then implement it, and more. ".repeat(1600);
        assert!(long.len() > 100_000);
        let classification = classify(&long);
        assert_eq!(classification.complexity, Complexity::Complex);
        assert!((0.5..=0.95).contains(&classification.confidence));

        let unbroken = "x".repeat(100_000) + "/" + &"é".repeat(1000);
        let classification = classify(&unbroken);
        assert_eq!(classification.features.words, 1);
    }

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(CUES.as_ref().map(RegexSet::len), Some(CUE_TABLE.len()));
        for pattern in [
            &BULLET,
            &MENTIONS_TESTS,
            &IMPLEMENT,
            &IMPLEMENT_SEVERAL,
            &API,
            &STORAGE,
        ] {
            assert!(pattern.is_some());
        }
    }

    #[test]
    fn complexity_names_round_trip() {
        for complexity in Complexity::ALL {
            assert_eq!(Complexity::from_name(complexity.as_str()), Some(complexity));
            assert_eq!(complexity.to_string(), complexity.as_str());
            let json = serde_json::to_string(&complexity).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", complexity.as_str()));
        }
        assert_eq!(
            Complexity::from_name(" Complex "),
            Some(Complexity::Complex)
        );
        assert_eq!(Complexity::from_name("hard"), None);
    }
}
