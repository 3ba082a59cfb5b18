//! Bringing a root's symbols up to date: walk its files (honouring `.gitignore`), keep the blob
//! id of every file whose size and mtime are unchanged, hash the others as git does, and parse
//! only blobs the store has never seen. Unchanged files are neither read nor parsed.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use git2::{ObjectType, Oid};
use ignore::{DirEntry, WalkBuilder, WalkState};
use serde::Serialize;

use super::gitlist;
use super::lang::Lang;
use super::tags::{self, MAX_FILE_BYTES};
use crate::error::{Error, Result};
use crate::store::{MapDefinition, MapFileStat, MapUpdate, NewMapBlob, Store};

/// The most files one root may have in the map; the rest of a larger tree is left out.
pub const MAX_FILES: usize = 100_000;
/// A file modified this recently is hashed again even when its size and mtime match the cache:
/// a change within the file system's timestamp granularity would otherwise go unseen.
pub(super) const RACY_NS: i64 = 2_000_000_000;

/// What one index run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IndexReport {
    /// Source files of the root in the map.
    pub files: usize,
    /// Files read and hashed (new, changed, or too recently modified to trust their mtime).
    pub hashed: usize,
    /// Blobs parsed: content the store had never seen.
    pub parsed: usize,
    /// Files gone since the last run.
    pub removed: usize,
    /// Whether the tree had more than [`MAX_FILES`] source files.
    pub truncated: bool,
    /// Indexed roots found gone (a deleted worktree or repository) and forgotten.
    pub purged_roots: usize,
    /// Blobs no indexed root has any more, deleted with their definitions.
    pub purged_blobs: usize,
}

/// A file found by the walk or in git's index.
pub(super) struct Found {
    pub path: String,
    pub lang: Lang,
    pub size: u64,
    pub mtime_ns: i64,
}

/// A file to read: its content, once hashed.
struct Changed {
    path: String,
    stat: MapFileStat,
    content: Option<Vec<u8>>,
    /// `None` for a directory's row.
    lang: Option<Lang>,
}

/// Brings the map of `root` (an absolute, canonical directory) up to date in `store`.
pub fn index(store: &mut Store, root: &Path) -> Result<IndexReport> {
    let key = root_key(root);
    let now = now_ns();
    // In a git work tree, git's index is the stat cache; elsewhere the tree is walked.
    let git = gitlist::open(root);
    let stamp = git.as_ref().and_then(|tree| tree.stamp.clone());
    // While git's index is the one last listed, the rows it vouched for are its records: only
    // the others are read.
    let mut partial = stamp.is_some() && store.map_git_index(&key)? == stamp;
    let mut cached = if partial {
        store.map_unvouched_file_stats(&key)?
    } else {
        store.map_file_stats(&key)?
    };
    let mut trust_listing = true;
    let (found, dirs, index_blobs, truncated) = match &git {
        Some(tree) => {
            let listing = gitlist::list(tree, root, &cached, now);
            let truncated = listing.found.len() > MAX_FILES;
            if partial && (listing.missing || truncated) {
                // A file git vouched for before is gone (or cut): its row must be compared.
                cached = store.map_file_stats(&key)?;
                partial = false;
            }
            // A vouched file that went may come back unchanged: the run after this one reads
            // every row again.
            trust_listing = !(listing.missing || truncated);
            let mut found = listing.found;
            found.truncate(MAX_FILES);
            (found, listing.dirs, listing.index_blobs, truncated)
        }
        None => {
            let (found, truncated) = walk(root)?;
            let found = found.into_iter().map(|file| (file, None)).collect();
            (found, Vec::new(), HashSet::new(), truncated)
        }
    };
    let mut report = IndexReport {
        files: found.len(),
        truncated,
        ..IndexReport::default()
    };
    // Rows of files and directories no longer listed (`found` is sorted by path).
    let listed_dirs: HashSet<&str> = dirs.iter().map(|(key, _)| key.as_str()).collect();
    let removed: Vec<String> = cached
        .keys()
        .filter(|path| {
            if path.ends_with('/') {
                !listed_dirs.contains(path.as_str())
            } else {
                found
                    .binary_search_by(|(file, _)| file.path.as_str().cmp(path))
                    .is_err()
            }
        })
        .cloned()
        .collect();
    drop(listed_dirs);
    let mut changed = Vec::new();
    for (dir, mtime_ns) in dirs {
        let stat = MapFileStat {
            size: 0,
            mtime_ns,
            blob: String::new(),
            lang: gitlist::DIR_LANG.to_owned(),
            vouched: false,
        };
        if cached.get(&dir) != Some(&stat) {
            changed.push(Changed {
                path: dir,
                stat,
                content: None,
                lang: None,
            });
        }
    }
    for (file, git_blob) in found {
        if let Some(blob) = git_blob {
            // Git vouches for the content: nothing to read unless the store lacks the blob. A
            // row not read is one git vouched for under this same index: its record.
            if partial && !cached.contains_key(&file.path) {
                continue;
            }
            let stat = MapFileStat {
                size: file.size,
                mtime_ns: file.mtime_ns,
                blob: blob.to_string(),
                lang: file.lang.key(),
                vouched: true,
            };
            if cached.get(&file.path) != Some(&stat) {
                changed.push(Changed {
                    path: file.path,
                    stat,
                    content: None,
                    lang: Some(file.lang),
                });
            }
            continue;
        }
        let trusted = cached.get(&file.path).filter(|stat| {
            stat.size == file.size
                && stat.mtime_ns == file.mtime_ns
                && stat.lang == file.lang.key()
                && now.saturating_sub(file.mtime_ns) > RACY_NS
        });
        if trusted.is_some() {
            continue;
        }
        let Ok(content) = std::fs::read(root.join(&file.path)) else {
            continue;
        };
        let Ok(oid) = Oid::hash_object(ObjectType::Blob, &content) else {
            continue;
        };
        report.hashed += 1;
        let stat = MapFileStat {
            size: file.size,
            mtime_ns: file.mtime_ns,
            blob: oid.to_string(),
            lang: file.lang.key(),
            vouched: false,
        };
        if cached.get(&file.path) == Some(&stat) {
            continue;
        }
        changed.push(Changed {
            path: file.path,
            stat,
            content: Some(content),
            lang: Some(file.lang),
        });
    }
    // Parse each blob the store lacks once, whatever number of paths it has.
    let mut to_parse: Vec<(String, Lang, Vec<u8>)> = Vec::new();
    let mut queued = HashSet::new();
    for file in &mut changed {
        let Some(lang) = file.lang else {
            continue;
        };
        let id = (file.stat.blob.clone(), lang);
        if queued.contains(&id) || store.map_has_blob(&id.0, &file.stat.lang)? {
            continue;
        }
        let content = match file.content.take() {
            Some(content) => content,
            // Named by git's index but never parsed here: read it now, and trust the bytes.
            None => {
                let Ok(content) = std::fs::read(root.join(&file.path)) else {
                    continue;
                };
                report.hashed += 1;
                if let Ok(oid) = Oid::hash_object(ObjectType::Blob, &content) {
                    let blob = oid.to_string();
                    file.stat.vouched &= blob == file.stat.blob;
                    file.stat.blob = blob;
                }
                content
            }
        };
        let id = (file.stat.blob.clone(), lang);
        if queued.insert(id.clone()) {
            to_parse.push((id.0, id.1, content));
        }
    }
    report.parsed = to_parse.len();
    let new_blobs = parse_all(to_parse);
    report.removed = removed.iter().filter(|path| !path.ends_with('/')).count();
    // Blobs this root stopped using: deleted below if no other root has them.
    let mut stale: Vec<(String, String)> = changed
        .iter()
        .filter(|file| file.lang.is_some())
        .filter_map(|file| {
            cached
                .get(&file.path)
                .filter(|old| old.blob != file.stat.blob)
        })
        .chain(removed.iter().filter_map(|path| cached.get(path)))
        .filter(|stat| stat.lang != gitlist::DIR_LANG)
        .map(|stat| (stat.blob.clone(), stat.lang.clone()))
        .collect();
    // Content git's index still names (an edit not staged yet) is kept for the checkouts of it.
    stale.retain(|(blob, _)| !Oid::from_str(blob).is_ok_and(|oid| index_blobs.contains(&oid)));
    stale.sort();
    stale.dedup();
    let update = MapUpdate {
        new_blobs,
        files: changed
            .into_iter()
            .map(|file| (file.path, file.stat))
            .collect(),
        removed,
        git_index: stamp.filter(|_| trust_listing),
    };
    store.map_update(&key, &update)?;
    purge(store, &key, &stale, &mut report)?;
    Ok(report)
}

/// Forgets the roots that are gone from disk and deletes the blobs no root has any more: all of
/// them when a root went, else those among `stale` (the blobs this run stopped using).
fn purge(
    store: &mut Store,
    key: &str,
    stale: &[(String, String)],
    report: &mut IndexReport,
) -> Result<()> {
    for root in store.map_roots()? {
        if root != key && !Path::new(&root).is_dir() {
            store.map_forget_root(&root)?;
            report.purged_roots += 1;
        }
    }
    report.purged_blobs = if report.purged_roots > 0 {
        store.map_purge_blobs(None)?
    } else if !stale.is_empty() {
        store.map_purge_blobs(Some(stale))?
    } else {
        0
    };
    Ok(())
}

/// The key of `root` in the store.
pub fn root_key(root: &Path) -> String {
    root.display().to_string()
}

/// The source files under `root` in a language the map reads, sorted by path.
fn walk(root: &Path) -> Result<(Vec<Found>, bool)> {
    if !root.is_dir() {
        return Err(Error::Io {
            action: "index",
            path: root.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
        });
    }
    let found = Mutex::new(Vec::new());
    let seen = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                // An unreadable directory inside the tree is left out, as `list` does.
                let Ok(entry) = entry else {
                    return WalkState::Continue;
                };
                if let Some(file) = found_file(root, &entry) {
                    // Walked in parallel, so collect more than the limit and cut after sorting:
                    // which files are kept does not depend on the order threads found them in.
                    if seen.fetch_add(1, Ordering::Relaxed) >= 2 * MAX_FILES {
                        return WalkState::Quit;
                    }
                    if let Ok(mut found) = found.lock() {
                        found.push(file);
                    }
                }
                WalkState::Continue
            })
        });
    let mut found = found.into_inner().unwrap_or_default();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    let truncated = found.len() > MAX_FILES;
    found.truncate(MAX_FILES);
    Ok((found, truncated))
}

/// A walked entry, if it is a source file in a language the map reads, not too large.
pub(super) fn found_file(root: &Path, entry: &DirEntry) -> Option<Found> {
    if !entry.file_type().is_some_and(|kind| kind.is_file()) {
        return None;
    }
    let lang = Lang::of_path(entry.path())?;
    let relative = entry.path().strip_prefix(root).ok()?;
    let path = relative_string(relative)?;
    let metadata = entry.metadata().ok()?;
    if metadata.len() > MAX_FILE_BYTES as u64 {
        return None;
    }
    Some(Found {
        path,
        lang,
        size: metadata.len(),
        mtime_ns: metadata.modified().map_or(0, system_ns),
    })
}

/// A relative path with `/` separators, if it is valid UTF-8.
pub(super) fn relative_string(relative: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = relative
        .components()
        .map(|component| component.as_os_str().to_str())
        .collect();
    Some(parts?.join("/"))
}

/// Parses blobs on every core (a full index of a large tree is parse-bound).
fn parse_all(blobs: Vec<(String, Lang, Vec<u8>)>) -> Vec<NewMapBlob> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(blobs.len().div_ceil(16).max(1));
    if threads <= 1 {
        return blobs.into_iter().map(parse_one).collect();
    }
    let mut chunks: Vec<Vec<(String, Lang, Vec<u8>)>> = (0..threads).map(|_| Vec::new()).collect();
    for (n, blob) in blobs.into_iter().enumerate() {
        chunks[n % threads].push(blob);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(parse_one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_default())
            .collect()
    })
}

fn parse_one((blob, lang, content): (String, Lang, Vec<u8>)) -> NewMapBlob {
    let tags = tags::extract(lang, &content);
    NewMapBlob {
        blob,
        lang: lang.key(),
        defs: tags
            .defs
            .into_iter()
            .map(|def| MapDefinition {
                name: def.name,
                kind: def.kind,
                line: def.line,
                signature: def.signature,
            })
            .collect(),
        refs: tags.refs,
    }
}

pub(super) fn system_ns(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |since| {
        i64::try_from(since.as_nanos()).unwrap_or(i64::MAX)
    })
}

fn now_ns() -> i64 {
    system_ns(SystemTime::now())
}
