//! Tags of one file: the names it defines (with kind, line and the defining line as written)
//! and the names it references (counted), read with its language's tree-sitter tags query.

use std::collections::{BTreeMap, HashSet};

use tree_sitter::{Parser, QueryCursor, StreamingIterator as _};

use super::lang::Lang;

/// Files larger than this are not parsed (minified bundles, generated tables): they get no tags.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// The longest signature kept, in characters.
const MAX_SIGNATURE_CHARS: usize = 120;
/// At most this many definitions and distinct references are kept per file.
const MAX_DEFS: usize = 2_000;
const MAX_REFS: usize = 5_000;

/// A name a file defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    pub name: String,
    /// The query's kind: `function`, `method`, `class`, `interface`, `module`, `constant`…
    pub kind: String,
    /// 1-based line of the name.
    pub line: u32,
    /// The line the name is on, trimmed and cut to [`MAX_SIGNATURE_CHARS`].
    pub signature: String,
}

/// What one file defines and references.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTags {
    pub defs: Vec<Definition>,
    /// Referenced names with how often, sorted by name.
    pub refs: Vec<(String, u32)>,
}

/// The tags of `source` in `lang`. A file that does not parse (or is too large) has none; a
/// file with syntax errors has the tags tree-sitter still finds.
pub fn extract(lang: Lang, source: &[u8]) -> FileTags {
    if source.len() > MAX_FILE_BYTES {
        return FileTags::default();
    }
    let Some(query) = lang.query() else {
        return FileTags::default();
    };
    let mut parser = Parser::new();
    if parser.set_language(&lang.grammar()).is_err() {
        return FileTags::default();
    }
    let Some(tree) = parser.parse(source, None) else {
        return FileTags::default();
    };
    let names = query.capture_names();
    let mut defs = Vec::new();
    let mut def_starts = HashSet::new();
    let mut refs: Vec<(usize, String)> = Vec::new();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), source);
    while let Some(found) = matches.next() {
        let mut name_node = None;
        let mut role = None;
        for capture in found.captures() {
            let capture_name = names[capture.index as usize];
            if capture_name == "name" {
                name_node = Some(capture.node);
            } else if capture_name.starts_with("definition.")
                || capture_name.starts_with("reference.")
            {
                role = Some((capture_name, capture.node));
            }
        }
        let (Some(node), Some((role, outer))) = (name_node, role) else {
            continue;
        };
        let Ok(name) = node.utf8_text(source) else {
            continue;
        };
        if name.is_empty() || name.len() > 200 {
            continue;
        }
        if let Some(kind) = role.strip_prefix("definition.") {
            if !worth_listing(lang, outer) {
                // Still not a reference.
                def_starts.insert(node.start_byte());
                continue;
            }
            if def_starts.insert(node.start_byte()) && defs.len() < MAX_DEFS {
                let row = node.start_position().row;
                defs.push(Definition {
                    name: name.to_owned(),
                    kind: kind.to_owned(),
                    line: u32::try_from(row + 1).unwrap_or(u32::MAX),
                    signature: signature(source, node.start_byte()),
                });
            }
        } else if is_member_call(lang, node) {
            refs.push((node.start_byte(), format!("{WEAK_PREFIX}{name}")));
        } else {
            refs.push((node.start_byte(), name.to_owned()));
        }
    }
    let mut counted: BTreeMap<String, u32> = BTreeMap::new();
    for (start, name) in refs {
        if def_starts.contains(&start) {
            continue;
        }
        if counted.len() >= MAX_REFS && !counted.contains_key(&name) {
            continue;
        }
        *counted.entry(name).or_default() += 1;
    }
    defs.sort_by_key(|def| def.line);
    FileTags {
        defs,
        refs: counted.into_iter().collect(),
    }
}

/// Marks a reference through a method call on a value (`x.len()`, `obj.render()`) in the
/// stored references: the receiver's type is unknown, so any definition of the name may be meant
/// (most often the standard library's), and ranking counts it for less.
pub const WEAK_PREFIX: char = '.';

/// Whether a definition belongs in the map: Rust's `mod` items (declarations, mostly) and
/// associated types (`type Err = …` in an impl) are not; the names collide with everything.
fn worth_listing(lang: Lang, definition: tree_sitter::Node<'_>) -> bool {
    match lang {
        Lang::Rust => match definition.kind() {
            "mod_item" => false,
            "type_item" => definition
                .parent()
                .is_none_or(|parent| parent.kind() != "declaration_list"),
            _ => true,
        },
        _ => true,
    }
}

/// Whether the referencing name is a method called on a value.
fn is_member_call(lang: Lang, name: tree_sitter::Node<'_>) -> bool {
    let Some(parent) = name.parent() else {
        return false;
    };
    match lang {
        Lang::Rust => parent.kind() == "field_expression",
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => parent.kind() == "member_expression",
        Lang::Python | Lang::Go => false,
    }
}

/// The line around byte `at`, trimmed and cut.
fn signature(source: &[u8], at: usize) -> String {
    let start = source[..at]
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(0, |newline| newline + 1);
    let end = source[at..]
        .iter()
        .position(|byte| *byte == b'\n')
        .map_or(source.len(), |newline| at + newline);
    let line = String::from_utf8_lossy(&source[start..end]);
    let line = line.trim();
    if line.chars().count() <= MAX_SIGNATURE_CHARS {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(MAX_SIGNATURE_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def_names(tags: &FileTags) -> Vec<(&str, &str, u32)> {
        tags.defs
            .iter()
            .map(|def| (def.name.as_str(), def.kind.as_str(), def.line))
            .collect()
    }

    fn ref_names(tags: &FileTags) -> Vec<&str> {
        tags.refs.iter().map(|(name, _)| name.as_str()).collect()
    }

    #[test]
    fn rust_definitions_and_references() {
        let source = b"pub struct Config { port: u16 }\n\
            impl Config {\n    pub fn load() -> Config { helper(); Config { port: 1 } }\n}\n\
            fn helper() {}\nfn main() { let c = Config::load(); println!(\"{}\", c.port); helper(); }\n\
            mod tests;\nimpl Iterator for Config { type Item = u8; fn next(&mut self) -> Option<u8> { self.port.checked_sub(1) } }\n";
        let tags = extract(Lang::Rust, source);
        assert_eq!(
            def_names(&tags),
            [
                ("Config", "class", 1),
                ("load", "method", 3),
                ("helper", "function", 5),
                ("main", "function", 6),
                ("next", "method", 8)
            ]
        );
        assert_eq!(
            tags.defs[1].signature,
            "pub fn load() -> Config { helper(); Config { port: 1 } }"
        );
        let refs: std::collections::HashMap<_, _> = tags.refs.iter().cloned().collect();
        assert_eq!(refs.get("helper"), Some(&2));
        assert!(refs.contains_key("load"), "{refs:?}");
        assert!(refs.contains_key("Config"), "{refs:?}");
        assert!(refs.contains_key("Iterator"), "{refs:?}");
        assert!(refs.contains_key("println"), "{refs:?}");
        // A method called on a value is a weak reference.
        assert!(refs.contains_key(".checked_sub"), "{refs:?}");
        assert!(!refs.contains_key("checked_sub"), "{refs:?}");
        assert!(
            !refs.contains_key("tests") && !refs.contains_key("Item"),
            "{refs:?}"
        );
    }

    #[test]
    fn python_javascript_typescript_and_go() {
        let py = extract(
            Lang::Python,
            b"class Shape:\n    def area(self):\n        return compute(self)\n\ndef compute(s):\n    return 1\n\nclass Circle(Shape):\n    pass\n",
        );
        assert_eq!(
            def_names(&py),
            [
                ("Shape", "class", 1),
                ("area", "function", 2),
                ("compute", "function", 5),
                ("Circle", "class", 8)
            ]
        );
        assert_eq!(ref_names(&py), ["Shape", "compute"]);

        let js = extract(
            Lang::JavaScript,
            b"export function render(x) { return format(x); }\nclass View { draw() { render(1); } }\n",
        );
        let names: Vec<&str> = js.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["render", "View", "draw"]);
        assert!(ref_names(&js).contains(&"format"));

        let ts = extract(
            Lang::TypeScript,
            b"interface Shape { area(): number }\nexport function total(s: Shape[]): number { return sum(s); }\n",
        );
        let names: Vec<&str> = ts.defs.iter().map(|d| d.name.as_str()).collect();
        assert!(
            names.contains(&"Shape") && names.contains(&"total"),
            "{names:?}"
        );
        assert!(ref_names(&ts).contains(&"sum"));

        let go = extract(
            Lang::Go,
            b"package main\n\ntype Server struct{}\n\nfunc (s *Server) Start() { listen() }\n\nfunc listen() {}\n",
        );
        let names: Vec<&str> = go.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["Server", "Start", "listen"]);
        assert!(ref_names(&go).contains(&"listen"));
    }

    #[test]
    fn broken_and_huge_files_do_not_fail() {
        let broken = extract(Lang::Rust, b"fn ok() {}\nfn broken( {\n");
        assert!(broken.defs.iter().any(|def| def.name == "ok"));
        let huge = vec![b'a'; MAX_FILE_BYTES + 1];
        assert_eq!(extract(Lang::Python, &huge), FileTags::default());
        assert_eq!(
            extract(Lang::Go, b"\xff\xfe\x00garbage"),
            FileTags::default()
        );
    }

    #[test]
    fn long_lines_are_cut_on_a_character_boundary() {
        let long = format!("fn f() {{ let s = \"{}\"; }}\n", "é".repeat(300));
        let tags = extract(Lang::Rust, long.as_bytes());
        assert_eq!(tags.defs[0].signature.chars().count(), MAX_SIGNATURE_CHARS);
        assert!(tags.defs[0].signature.ends_with('…'));
    }
}
