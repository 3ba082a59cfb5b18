//! Listing a git work tree's source files from git's index instead of walking the tree: git has
//! already recorded each tracked file's size, mtime and blob id, so a file whose `lstat` still
//! matches that record keeps git's blob id without being read, and no `.gitignore` is matched.
//! Untracked files are found the way git's untracked cache finds them: a directory is read again
//! only when its own mtime changed (a file added, removed or renamed in it changes it); the
//! untracked files found before are carried over and `lstat`ed like tracked ones.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::Path;

use git2::{Index, Oid, Repository};
use ignore::WalkBuilder;

use super::index::{Found, RACY_NS, found_file, relative_string, system_ns};
use super::lang::Lang;
use super::tags::MAX_FILE_BYTES;
use crate::store::MapFileStat;

/// The `lang` of a directory's row in the stat cache (its path ends with `/`).
pub const DIR_LANG: &str = "dir";

/// A work tree's files as git's index and the watched directories give them.
pub struct Listing {
    /// Source files, sorted by path, with git's blob id where the index's stat data still
    /// matches the file (its `lstat` is git's record, made long enough before the index was
    /// written that a later change would show).
    pub found: Vec<(Found, Option<Oid>)>,
    /// Every watched directory (`path/`, the root as `/`) and its mtime.
    pub dirs: Vec<(String, i64)>,
    /// The blob ids git's index names for source files: content an edit in the work tree
    /// replaced is still the index's (and mostly `HEAD`'s, which a task's worktree checks out).
    pub index_blobs: HashSet<Oid>,
    /// Whether a tracked source file could not be listed (deleted, no longer a regular file, or
    /// grown past the size limit): a row git vouched for before may then be out of date.
    pub missing: bool,
}

/// A git work tree with its index read.
pub struct GitTree {
    repo: Repository,
    index: Index,
    /// The index file's size, mtime and checksum, read before the index itself: while it is
    /// the same, every entry is as it was. `None` when the file could not be read.
    pub stamp: Option<String>,
    /// The index file's mtime (ns). An entry written in the same second as (or after) it may
    /// have changed since without its size or mtime showing it: git's "racily clean" entries
    /// are hashed again.
    index_mtime: i64,
}

/// The git work tree whose top is `root`, with its index read; `None` when `root` is not the
/// top of a git work tree (then the caller walks it).
pub fn open(root: &Path) -> Option<GitTree> {
    let repo = Repository::open(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    if workdir != root {
        return None;
    }
    let (stamp, index_mtime) = index_stamp(&repo.path().join("index"));
    let index = repo.index().ok()?;
    Some(GitTree {
        repo,
        index,
        stamp,
        index_mtime,
    })
}

/// The listing of `root` from git's index. `cached` is the root's stat cache: every row, or at
/// least those git did not vouch for (untracked files and directories are all it reads).
pub fn list(
    tree: &GitTree,
    root: &Path,
    cached: &HashMap<String, MapFileStat>,
    now: i64,
) -> Listing {
    let GitTree {
        repo,
        index,
        index_mtime,
        ..
    } = tree;
    let index_mtime = *index_mtime;
    let mut found = Vec::with_capacity(index.len());
    let mut index_blobs = HashSet::new();
    let mut missing = false;
    let mut watched: HashSet<String> = HashSet::new();
    watched.insert(String::new());
    let mut last_parent = String::new();
    for entry in index.iter() {
        let Ok(path) = String::from_utf8(entry.path) else {
            continue;
        };
        // Git's index is sorted by path: a directory's files come together.
        let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
        if parent != last_parent {
            add_parents(&path, &mut watched);
            parent.clone_into(&mut last_parent);
        }
        // Conflicted entries (stage ≠ 0), symlinks and submodules are not read.
        if (entry.flags >> 12) & 3 != 0 || entry.mode & 0o170_000 != 0o100_000 {
            continue;
        }
        let Some(lang) = Lang::of_path(Path::new(&path)) else {
            continue;
        };
        index_blobs.insert(entry.id);
        let Some(file) = stat_file(root, path, lang) else {
            // Past the size limit in git's record too, it never had a row.
            missing |= entry.file_size as usize <= MAX_FILE_BYTES;
            continue;
        };
        let recorded =
            i64::from(entry.mtime.seconds()) * 1_000_000_000 + i64::from(entry.mtime.nanoseconds());
        let unchanged = u64::from(entry.file_size) == file.size
            && recorded == file.mtime_ns
            && index_mtime.saturating_sub(recorded) > RACY_NS;
        found.push((file, unchanged.then_some(entry.id)));
    }
    let tracked = |path: &str| index.get_path(Path::new(path), 0).is_some();
    // Untracked files found before: kept while they exist, without reading their directories;
    // directories watched before stay watched while they exist.
    let mut untracked: HashSet<String> = HashSet::new();
    for (path, stat) in cached {
        if stat.lang == DIR_LANG {
            if let Some(dir) = path.strip_suffix('/') {
                watched.insert(dir.trim_start_matches('/').to_owned());
            }
            continue;
        }
        let Some(lang) = Lang::of_path(Path::new(path)) else {
            continue;
        };
        if tracked(path) {
            continue;
        }
        if let Some(file) = stat_file(root, path.clone(), lang) {
            add_parents(path, &mut watched);
            untracked.insert(path.clone());
            found.push((file, None));
        }
    }
    let mut dirs = Vec::with_capacity(watched.len());
    let mut queue: Vec<String> = watched.iter().cloned().collect();
    queue.sort_unstable();
    let mut listed = HashSet::new();
    while let Some(dir) = queue.pop() {
        let Ok(meta) = std::fs::symlink_metadata(root.join(&dir)) else {
            continue;
        };
        if !meta.is_dir() || !listed.insert(dir.clone()) {
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
        let known = |path: &str| untracked.contains(path) || tracked(path);
        let entries = untracked_entries(repo, root, &dir, known, &watched);
        for (path, is_dir) in entries {
            if is_dir {
                watched.insert(path.clone());
                queue.push(path.clone());
                for (file, subdir) in walk_untracked(root, &path) {
                    if let Some(file) = file {
                        untracked.insert(file.path.clone());
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
                untracked.insert(path);
                found.push((file, None));
            }
        }
    }
    found.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    found.dedup_by(|a, b| a.0.path == b.0.path);
    Listing {
        found,
        dirs,
        index_blobs,
        missing,
    }
}

/// The stamp of git's index file (size, mtime in ns, its trailing checksum) and its mtime; a
/// repository without an index file yet has an empty one. No stamp when the file cannot be
/// read: nothing is trusted then.
fn index_stamp(path: &Path) -> (Option<String>, i64) {
    let Ok(mut file) = File::open(path) else {
        return (Some("none".to_owned()), 0);
    };
    let Ok(meta) = file.metadata() else {
        return (None, 0);
    };
    let mtime = meta.modified().map_or(0, system_ns);
    // SHA-1 or SHA-256: the last 32 bytes hold either (all zero with `index.skipHash`, hence
    // the size and mtime beside it).
    let tail = meta.len().min(32);
    let mut checksum = vec![0; usize::try_from(tail).unwrap_or(0)];
    let read = i64::try_from(tail)
        .ok()
        .and_then(|tail| file.seek(SeekFrom::End(-tail)).ok())
        .and_then(|_| file.read_exact(&mut checksum).ok());
    let stamp = read.map(|()| {
        let hex: String = checksum.iter().map(|byte| format!("{byte:02x}")).collect();
        format!("{}:{mtime}:{hex}", meta.len())
    });
    (stamp, mtime)
}

/// The key of a directory in the stat cache: its relative path and `/`; the root is `/`.
pub fn dir_key(dir: &str) -> String {
    format!("{dir}/")
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
        if dirs.contains(parent) {
            return;
        }
        dirs.insert(parent.to_owned());
        rest = parent;
    }
}

/// The entries of `dir` that git does not track and does not ignore (hidden ones left out, as
/// the walk does): (relative path, whether it is a directory).
fn untracked_entries(
    repo: &Repository,
    root: &Path,
    dir: &str,
    known: impl Fn(&str) -> bool,
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
        if known(&path) || !(kind.is_dir() || kind.is_file()) {
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
