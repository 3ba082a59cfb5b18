//! The languages the map reads: which files are which, and each one's tree-sitter grammar and
//! tags query (the grammar crate's `tags.scm`, plus a few patterns of our own), compiled once.

use std::path::Path;
use std::sync::OnceLock;

use tree_sitter::{Language, Query};

/// The version of how tags are read (queries, filters); bump it when they change and the
/// store's tags of every blob are read again.
pub const TAGS_VERSION: u32 = 1;

/// A language with a grammar and a tags query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Rust,
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
}

/// Rust references the crate's query leaves out: types named in signatures and bodies, calls
/// through a path (`Config::load()`), and constants and statics as definitions.
const RUST_EXTRA: &str = r#"
(type_identifier) @name @reference.type
(call_expression function: (scoped_identifier name: (identifier) @name)) @reference.call
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
"#;

/// Python names used as annotations or base classes, which the crate's query does not list.
const PYTHON_EXTRA: &str = r#"
(class_definition superclasses: (argument_list (identifier) @name)) @reference.class
(type (identifier) @name) @reference.type
"#;

/// Go calls through a package or receiver (`pkg.Do()`) are in the crate's query; types are too.
const GO_EXTRA: &str = "";

impl Lang {
    /// Every language, in a fixed order.
    pub const ALL: [Lang; 6] = [
        Lang::Rust,
        Lang::Python,
        Lang::JavaScript,
        Lang::TypeScript,
        Lang::Tsx,
        Lang::Go,
    ];

    /// The language of a file, by its extension.
    pub fn of_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?;
        Some(match extension {
            "rs" => Lang::Rust,
            "py" | "pyi" => Lang::Python,
            "js" | "jsx" | "mjs" | "cjs" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "go" => Lang::Go,
            _ => return None,
        })
    }

    /// The language's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::Python => "python",
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
            Lang::Go => "go",
        }
    }

    /// The language's key in the store: its name and [`TAGS_VERSION`], so that tags read by an
    /// older way of reading are read again, not reused.
    pub fn key(self) -> String {
        format!("{}/{TAGS_VERSION}", self.as_str())
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> Language {
        match self {
            Lang::Rust => tree_sitter_rust::LANGUAGE.into(),
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
        }
    }

    /// The tags query's source. TypeScript's grammar extends JavaScript's, and its crate's query
    /// lists only what TypeScript adds, so the JavaScript query comes first.
    fn query_source(self) -> String {
        match self {
            Lang::Rust => format!("{}\n{RUST_EXTRA}", tree_sitter_rust::TAGS_QUERY),
            Lang::Python => format!("{}\n{PYTHON_EXTRA}", tree_sitter_python::TAGS_QUERY),
            Lang::JavaScript => tree_sitter_javascript::TAGS_QUERY.to_owned(),
            Lang::TypeScript | Lang::Tsx => format!(
                "{}\n{}",
                tree_sitter_javascript::TAGS_QUERY,
                tree_sitter_typescript::TAGS_QUERY
            ),
            Lang::Go => format!("{}\n{GO_EXTRA}", tree_sitter_go::TAGS_QUERY),
        }
    }

    /// The compiled tags query, built on first use; `None` if it does not compile against the
    /// grammar (a grammar crate update that renamed a node), which leaves the language unmapped
    /// rather than failing the map.
    pub fn query(self) -> Option<&'static Query> {
        static QUERIES: [OnceLock<Option<Query>>; 6] = [const { OnceLock::new() }; 6];
        let index = Lang::ALL.iter().position(|lang| *lang == self)?;
        QUERIES[index]
            .get_or_init(|| {
                let grammar = self.grammar();
                Query::new(&grammar, &self.query_source())
                    .map_err(|error| {
                        tracing::warn!(language = self.as_str(), %error, "tags query does not compile");
                    })
                    .ok()
            })
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_a_query_that_compiles() {
        for lang in Lang::ALL {
            assert!(lang.query().is_some(), "{lang:?}");
        }
    }

    #[test]
    fn languages_come_from_extensions() {
        assert_eq!(Lang::of_path(Path::new("src/a.rs")), Some(Lang::Rust));
        assert_eq!(Lang::of_path(Path::new("a/b.tsx")), Some(Lang::Tsx));
        assert_eq!(Lang::of_path(Path::new("main.go")), Some(Lang::Go));
        assert_eq!(Lang::of_path(Path::new("README.md")), None);
        assert_eq!(Lang::of_path(Path::new("Makefile")), None);
    }
}
