//! Changing a configuration file in place for `agent config set/unset/edit`, keeping its comments
//! and layout, and the commented starter file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use toml_edit::{DocumentMut, Item, Table, TableLike};

use crate::error::{Error, Result};

use super::keys::{KEYS, ValueKind};
use super::layers::{self, known};
use super::value::{self, Value};

/// How `agent config set` is named in errors.
pub const SET_ORIGIN: &str = "`agent config set`";
/// How `agent config unset` is named in errors.
pub const UNSET_ORIGIN: &str = "`agent config unset`";

/// Sets `key` to `text` in `file`, creating the file and its directories if needed. The value is
/// checked first; the rest of the file (comments, other keys, order) is kept as it was.
/// Returns the value written.
pub fn set_value(file: &Path, key: &str, text: &str) -> Result<Value> {
    let spec = known(key, SET_ORIGIN)?;
    let value = value::parse_text(spec, text, SET_ORIGIN)?;
    let mut doc = read_document(file)?.unwrap_or_default();
    let sections: Vec<&str> = spec.section().split('.').collect();
    let mut table: &mut dyn TableLike = doc.as_table_mut();
    for (index, part) in sections.iter().enumerate() {
        let item = table.entry(part).or_insert_with(|| {
            let mut new_table = Table::new();
            // `[roles.planner]` alone, without an empty `[roles]` header above it.
            new_table.set_implicit(index + 1 < sections.len());
            Item::Table(new_table)
        });
        let Some(inner) = item.as_table_like_mut() else {
            return Err(Error::ConfigValue {
                key: sections[..=index].join("."),
                origin: file.display().to_string(),
                message: "expected a table".to_string(),
            });
        };
        table = inner;
    }
    let new = value.to_toml_edit();
    match table.get_mut(spec.name()) {
        Some(Item::Value(existing)) => {
            // Keep the spacing and any trailing comment of the old value.
            let decor = existing.decor().clone();
            *existing = new;
            *existing.decor_mut() = decor;
        }
        Some(other) => *other = Item::Value(new),
        None => {
            table.insert(spec.name(), Item::Value(new));
        }
    }
    write_atomically(file, &doc.to_string())?;
    Ok(value)
}

/// Removes `key` from `file`. Returns whether it was there; a missing file is left missing.
pub fn unset_value(file: &Path, key: &str) -> Result<bool> {
    let spec = known(key, UNSET_ORIGIN)?;
    let Some(mut doc) = read_document(file)? else {
        return Ok(false);
    };
    let mut table: Option<&mut dyn TableLike> = Some(doc.as_table_mut());
    for part in spec.section().split('.') {
        table = table
            .and_then(|t| t.get_mut(part))
            .and_then(Item::as_table_like_mut);
    }
    let removed = table.and_then(|table| table.remove(spec.name())).is_some();
    if removed {
        write_atomically(file, &doc.to_string())?;
    }
    Ok(removed)
}

/// Checks `file` the way loading does: TOML syntax, known keys, valid values. A missing file is
/// valid.
pub fn validate_file(file: &Path) -> Result<()> {
    layers::read_file(file).map(|_| ())
}

/// A starter configuration: every key with its doc line and default, commented out, under its
/// table header. It loads to the defaults.
pub fn template() -> String {
    let mut out = String::from(
        "# agent configuration\n\
         #\n\
         # Every key is listed with its default, commented out: remove the `#` to change one,\n\
         # or run `agent config set KEY VALUE`. Layers, lowest first: defaults, the user file,\n\
         # the repository's .agent/config.toml, AGENT_* environment variables (model.backend\n\
         # is AGENT_MODEL_BACKEND), then -c key=value flags.\n",
    );
    let mut section = "";
    for spec in KEYS {
        if spec.section() != section {
            section = spec.section();
            out.push_str(&format!("\n[{section}]\n"));
        } else {
            out.push('\n');
        }
        match spec.kind {
            ValueKind::String | ValueKind::OptionalString => {
                out.push_str(&format!("# {}\n", spec.doc));
            }
            kind => out.push_str(&format!("# {} ({kind})\n", spec.doc)),
        }
        let default =
            value::default_value(spec).map_or_else(|| "\"\"".to_string(), |v| v.to_toml());
        out.push_str(&format!("# {} = {default}\n", spec.name()));
    }
    out
}

/// Reads and parses `file` for editing. `Ok(None)` when it does not exist.
fn read_document(file: &Path) -> Result<Option<DocumentMut>> {
    let text = match fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(Error::Io {
                action: "read config file",
                path: file.to_path_buf(),
                source,
            });
        }
    };
    text.parse::<DocumentMut>()
        .map(Some)
        .map_err(|e| Error::ConfigSyntax {
            path: file.to_path_buf(),
            message: layers::syntax_message(&text, e.message(), e.span()),
        })
}

/// Writes `contents` to a temporary file beside `file`, then renames it over `file`, so a reader
/// sees the old file or the new one, never half of one. A symlinked file is written through.
fn write_atomically(file: &Path, contents: &str) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);

    let target = resolve_symlink(file);
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|source| Error::Io {
        action: "create directory",
        path: dir.clone(),
        source,
    })?;
    let name = target
        .file_name()
        .map_or_else(|| "config.toml".into(), |n| n.to_string_lossy());
    let temp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));

    let written = (|| {
        let mut handle = fs::File::create(&temp)?;
        handle.write_all(contents.as_bytes())?;
        if let Ok(existing) = fs::metadata(&target) {
            handle.set_permissions(existing.permissions())?;
        }
        handle.sync_all()
    })();
    if let Err(source) = written {
        let _ = fs::remove_file(&temp);
        return Err(Error::Io {
            action: "write config file",
            path: temp,
            source,
        });
    }
    fs::rename(&temp, &target).map_err(|source| {
        let _ = fs::remove_file(&temp);
        Error::Io {
            action: "replace config file",
            path: target.clone(),
            source,
        }
    })
}

/// The file a symlink points to (so editing keeps a dotfiles link), else `file` itself.
fn resolve_symlink(file: &Path) -> PathBuf {
    let is_link = fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && let Ok(target) = fs::canonicalize(file) {
        return target;
    }
    file.to_path_buf()
}
