//! Listing a git work tree's source files from git's index instead of walking the tree: git has
//! already recorded each tracked file's size, mtime and blob id, so a file whose `lstat` still
//! matches that record keeps git's blob id without being read, and no `.gitignore` is matched.
//! Untracked files are found the way git's untracked cache finds them: a directory is read again
//! only when its own mtime changed (a file added, removed or renamed in it changes it); the
//! untracked files found before are carried over and `lstat`ed like tracked ones.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{IndexEntry, Repository};
use ignore::WalkBuilder;

use super::index::{Found, RACY_NS, found_file, relative_string, system_ns};
use super::lang::Lang;
use super::tags::MAX_FILE_BYTES;
use crate::store::MapFileStat;

/// The `lang` of a directory's row in the stat cache (its path ends with `/`).
pub const DIR_LANG: &str = "dir";

/// A work tree's files as git's index and the watched directories give them.
pub struct Listing {
    /// Source files, with git's blob id where the index's stat data still matches the file.
    pub found: Vec<(Found, Option<String>)>,
    /// Every watched directory (`path/`, the root as `/`) and its mtime.
    pub dirs: Vec<(String, i64)>,
    /// The blob ids git's index names for source files: content an edit in the work tree
    /// replaced is still the index's (and mostly `HEAD`'s, which a task's worktree checks out).
    pub index_blobs: HashSet<String>,
}

/// The listing of `root` from git's index, or `None` when `root` is not the top of a git work
/// tree (then the caller walks it). `cached` is the root's stat cache (files and directories).
pub fn list(root: &Path, cached: &HashMap<String, MapFileStat>, now: i64) -> Option<Listing> {
    let repo = Repository::open(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    if workdir != root {
        return None;
    }
    let index = repo.index().ok()?;
    // An entry written in the same second as (or after) the index file may have changed since
    // without its size or mtime showing it: git's "racily clean" entries are hashed again.
    let index_mtime = std::fs::metadata(repo.path().join("index"))
        .and_then(|meta| meta.modified())
        .map_or(0, system_ns);
    let mut found = Vec::new();
    let mut index_blobs = HashSet::new();
    let mut tracked: HashSet<String> = HashSet::new();
    let mut watched: HashSet<String> = HashSet::new();
    watched.insert(String::new());
    for entry in index.iter() {
        let Ok(path) = String::from_utf8(entry.path.clone()) else {
            continue;
        };
        add_parents(&path, &mut watched);
        tracked.insert(path.clone());
        // Conflicted entries (stage ≠ 0), symlinks and submodules are not read.
        if (entry.flags >> 12) & 3 != 0 || entry.mode & 0o170_000 != 0o100_000 {
            continue;
        }
        let Some(lang) = Lang::of_path(Path::new(&path)) else {
            continue;
        };
        index_blobs.insert(entry.id.to_string());
        let Some(file) = stat_file(root, path, lang) else {
            continue;
        };
        let blob = unchanged_since_index(&entry, &file, index_mtime).then(|| entry.id.to_string());
        found.push((file, blob));
    }
    // Untracked files found before: kept while they exist, without reading their directories;
    // directories watched before stay watched while they exist.
    for (path, stat) in cached {
        if stat.lang == DIR_LANG {
            if let Some(dir) = path.strip_suffix('/') {
                watched.insert(dir.trim_start_matches('/').to_owned());
            }
            continue;
        }
        if tracked.contains(path) {
            continue;
        }
        let Some(lang) = Lang::of_path(Path::new(path)) else {
            continue;
        };
        if let Some(file) = stat_file(root, path.clone(), lang) {
            add_parents(path, &mut watched);
            found.push((file, None));
        }
    }
    let mut known: HashSet<String> = found.iter().map(|(file, _)| file.path.clone()).collect();
    known.extend(tracked);
    let mut dirs = Vec::with_capacity(watched.len());
    let mut queue: Vec<String> = watched.iter().cloned().collect();
    queue.sort();
    let mut listed = HashSet::new();
    while let Some(dir) = queue.pop() {
        if !listed.insert(dir.clone()) {
            continue;
        }
        let absolute = root.join(&dir);
        let Ok(meta) = std::fs::symlink_metadata(&absolute) else {
            continue;
        };
        if !meta.is_dir() {
            continue;
        }
        let mtime = meta.modified().map_or(0, system_ns);
        let key = dir_key(&dir);
        let settled = cached
            .get(&key)
            .is_some_and(|stat| stat.mtime_ns == mtime && now.saturating_sub(mtime) > RACY_NS);
        dirs.push((key, mtime));
        if settled {
            continue;
        }
        for (path, is_dir) in untracked_entries(&repo, root, &dir, &known, &watched) {
            if is_dir {
                watched.insert(path.clone());
                queue.push(path.clone());
                for (file, subdir) in walk_untracked(root, &path) {
                    if let Some(file) = file {
                        known.insert(file.path.clone());
                        found.push((file, None));
                    }
                    if let Some(subdir) = subdir
                        && watched.insert(subdir.clone())
                    {
                        queue.push(subdir);
                    }
                }
            } else if let Some(lang) = Lang::of_path(Path::new(&path))
                && let Some(file) = stat_file(root, path.clone(), lang)
            {
                known.insert(path);
                found.push((file, None));
            }
        }
    }
    found.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    found.dedup_by(|a, b| a.0.path == b.0.path);
    Some(Listing {
        found,
        dirs,
        index_blobs,
    })
}

/// The key of a directory in the stat cache: its relative path and `/`; the root is `/`.
pub fn dir_key(dir: &str) -> String {
    format!("{dir}/")
}

/// Whether the file's `lstat` still matches what git recorded when it last hashed it, long
/// enough before the index was written that a later change would show.
fn unchanged_since_index(entry: &IndexEntry, file: &Found, index_mtime: i64) -> bool {
    let recorded =
        i64::from(entry.mtime.seconds()) * 1_000_000_000 + i64::from(entry.mtime.nanoseconds());
    u64::from(entry.file_size) == file.size
        && recorded == file.mtime_ns
        && index_mtime.saturating_sub(recorded) > RACY_NS
}

/// A file's size and mtime by `lstat`, if it is a regular file the map may read.
fn stat_file(root: &Path, path: String, lang: Lang) -> Option<Found> {
    let meta = std::fs::symlink_metadata(root.join(&path)).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES as u64 {
        return None;
    }
    Some(Found {
        path,
        lang,
        size: meta.len(),
        mtime_ns: meta.modified().map_or(0, system_ns),
    })
}

/// Every parent directory of `path` (relative, `/`-separated), the root as "".
fn add_parents(path: &str, dirs: &mut HashSet<String>) {
    let mut rest = path;
    while let Some((parent, _)) = rest.rsplit_once('/') {
        if !dirs.insert(parent.to_owned()) {
            return;
        }
        rest = parent;
    }
}

/// The entries of `dir` that git does not track and does not ignore (hidden ones left out, as
/// the walk does): (relative path, whether it is a directory).
fn untracked_entries(
    repo: &Repository,
    root: &Path,
    dir: &str,
    known: &HashSet<String>,
    watched: &HashSet<String>,
) -> Vec<(String, bool)> {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Vec::new();
    };
    let mut untracked = Vec::new();
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let path = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if known.contains(&path) || !(kind.is_dir() || kind.is_file()) {
            continue;
        }
        if kind.is_file() && Lang::of_path(Path::new(&path)).is_none() {
            continue;
        }
        // A directory watched already is read by itself.
        if kind.is_dir() && watched.contains(&path) {
            continue;
        }
        if repo.is_path_ignored(Path::new(&path)).unwrap_or(true) {
            continue;
        }
        untracked.push((path, kind.is_dir()));
    }
    untracked
}

/// A new untracked directory, walked as the tree walk does (honouring `.gitignore`): its source
/// files and its directories (to watch from now on).
fn walk_untracked(root: &Path, dir: &str) -> Vec<(Option<Found>, Option<String>)> {
    let mut out = Vec::new();
    let walker = WalkBuilder::new(root.join(dir))
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .build();
    for entry in walker.flatten() {
        if entry.file_type().is_some_and(|kind| kind.is_dir()) {
            if let Ok(relative) = entry.path().strip_prefix(root)
                && let Some(path) = relative_string(relative)
                && !path.is_empty()
            {
                out.push((None, Some(path)));
            }
            continue;
        }
        out.push((found_file(root, &entry), None));
    }
    out
}
