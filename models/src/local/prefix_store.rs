//! Prefilled KV prefixes kept between processes: one file per prefix in a directory the binary
//! chooses (`<data>/prefill/`), named by the model's digest and the prefix's token ids, written
//! atomically, checked in full before use (a bad file is removed, never used) and kept under a
//! size cap by removing the least recently used.
//!
//! A file is: magic, format version, the model digest, layers, kv_dim, positions, a SHA-256 of
//! everything after the header, then the token ids (u32) and per layer the keys and the values
//! of every position (f16 bits, position-major), all little-endian.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// The size cap when the configuration names none: 512 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 512 * 1024 * 1024;

const MAGIC: &[u8; 8] = b"AGENTKV\0";
/// Bumped whenever the layout or the numbers in it change meaning.
const FORMAT_VERSION: u32 = 1;
const EXTENSION: &str = "kv";
/// Magic, version, model digest, layers, kv_dim, positions, data digest.
const HEADER_LEN: usize = 8 + 4 + 32 + 4 + 4 + 4 + 32;
/// Temporary files older than this are left over from a process that died while writing.
const STALE_TEMPORARY: Duration = Duration::from_secs(600);

/// The keys and values of the first `positions` positions of every layer (f16 bits,
/// position-major, `kv_dim` per position).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KvPrefix {
    pub kv_dim: usize,
    pub positions: usize,
    /// Per layer: keys, then values.
    pub layers: Vec<(Vec<u16>, Vec<u16>)>,
}

/// What a stored prefix must have been computed by: a digest of the model file's identity and
/// the engine that computed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ModelDigest([u8; 32]);

impl ModelDigest {
    /// `identity` is [`super::backend::file_identity`]'s; `engine` names the engine and its
    /// kernels (another SIMD path may round differently).
    pub fn new(identity: &str, engine: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(format!(
            "agent kv prefix {FORMAT_VERSION}\n{identity}\n{engine}\n"
        ));
        Self(hasher.finalize().into())
    }

    fn file_prefix(&self) -> String {
        format!("{}-", hex(&self.0[..8]))
    }
}

/// A directory of stored prefixes and its size cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixStore {
    dir: PathBuf,
    max_bytes: u64,
}

impl PrefixStore {
    /// Prefixes in `dir` (created on the first save), together at most `max_bytes`.
    pub fn new(dir: impl Into<PathBuf>, max_bytes: u64) -> Self {
        Self {
            dir: dir.into(),
            max_bytes,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether a prefix of exactly `tokens` is stored for `model`.
    pub(crate) fn contains(&self, model: &ModelDigest, tokens: &[u32]) -> bool {
        self.path_for(model, tokens).is_file()
    }

    /// The stored prefix for `model` sharing the most leading tokens with `tokens` (at least
    /// `minimum`), cut to those tokens: keys and values of a position depend only on the tokens
    /// up to it. Files that do not read back whole and intact are removed. A file used is
    /// touched, so the cap removes the least recently used first.
    pub(crate) fn find(
        &self,
        model: &ModelDigest,
        tokens: &[u32],
        minimum: usize,
    ) -> Option<KvPrefix> {
        let mut best: Option<(usize, PathBuf)> = None;
        for path in self.files_of(model) {
            match read_tokens(&path, model) {
                Ok(stored) => {
                    let shared = common_prefix(&stored, tokens);
                    if shared >= minimum.max(1) && best.as_ref().is_none_or(|(n, _)| shared > *n) {
                        best = Some((shared, path));
                    }
                }
                Err(_) => remove(&path),
            }
        }
        let (shared, path) = best?;
        match read_prefix(&path, model) {
            Ok(mut prefix) => {
                touch(&path);
                truncate(&mut prefix, shared);
                Some(prefix)
            }
            Err(_) => {
                remove(&path);
                None
            }
        }
    }

    /// Stores `prefix`, computed by `model` for `tokens`, then removes the least recently used
    /// files past the cap. The file appears whole or not at all.
    pub(crate) fn save(
        &self,
        model: &ModelDigest,
        tokens: &[u32],
        prefix: &KvPrefix,
    ) -> io::Result<()> {
        if tokens.len() != prefix.positions {
            return Err(io::Error::other("the prefix does not match its tokens"));
        }
        fs::create_dir_all(&self.dir)?;
        let path = self.path_for(model, tokens);
        let temporary = self.dir.join(format!(
            ".{}.{}.tmp",
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("prefix"),
            std::process::id()
        ));
        let written = write_file(&temporary, model, tokens, prefix)
            .and_then(|()| fs::rename(&temporary, &path));
        if written.is_err() {
            remove(&temporary);
        }
        written?;
        self.evict();
        Ok(())
    }

    /// Removes the least recently used files until the rest fit the cap, and temporary files
    /// a dead process left.
    pub(crate) fn evict(&self) {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        let mut files = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".tmp") {
                if now.duration_since(modified).unwrap_or_default() > STALE_TEMPORARY {
                    remove(&path);
                }
            } else if path.extension().is_some_and(|e| e == EXTENSION) && meta.is_file() {
                files.push((modified, meta.len(), path));
            }
        }
        files.sort();
        let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
        for (_, len, path) in files {
            if total <= self.max_bytes {
                break;
            }
            remove(&path);
            total = total.saturating_sub(len);
        }
    }

    fn path_for(&self, model: &ModelDigest, tokens: &[u32]) -> PathBuf {
        let mut hasher = Sha256::new();
        for token in tokens {
            hasher.update(token.to_le_bytes());
        }
        let digest: [u8; 32] = hasher.finalize().into();
        self.dir.join(format!(
            "{}{}.{EXTENSION}",
            model.file_prefix(),
            hex(&digest[..8])
        ))
    }

    fn files_of(&self, model: &ModelDigest) -> Vec<PathBuf> {
        let prefix = model.file_prefix();
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.extension().is_some_and(|e| e == EXTENSION)
                    && path
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(&prefix))
            })
            .collect()
    }
}

/// The header of a stored prefix.
struct Header {
    layers: usize,
    kv_dim: usize,
    positions: usize,
    data_digest: [u8; 32],
}

impl Header {
    /// Bytes after the header: token ids, then keys and values.
    fn data_len(&self) -> Option<usize> {
        let rows = self.layers.checked_mul(2)?.checked_mul(self.positions)?;
        let halves = rows.checked_mul(self.kv_dim)?;
        halves
            .checked_mul(2)?
            .checked_add(self.positions.checked_mul(4)?)
    }
}

fn write_file(
    path: &Path,
    model: &ModelDigest,
    tokens: &[u32],
    prefix: &KvPrefix,
) -> io::Result<()> {
    let row_len = prefix.positions * prefix.kv_dim;
    let mut data = Vec::with_capacity(tokens.len() * 4 + prefix.layers.len() * row_len * 4);
    for token in tokens {
        data.extend_from_slice(&token.to_le_bytes());
    }
    for (keys, values) in &prefix.layers {
        if keys.len() != row_len || values.len() != row_len {
            return Err(io::Error::other(
                "a layer of the prefix has the wrong length",
            ));
        }
        for half in keys.iter().chain(values) {
            data.extend_from_slice(&half.to_le_bytes());
        }
    }
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    header.extend_from_slice(&model.0);
    for value in [prefix.layers.len(), prefix.kv_dim, prefix.positions] {
        let value = u32::try_from(value).map_err(io::Error::other)?;
        header.extend_from_slice(&value.to_le_bytes());
    }
    header.extend_from_slice(&Sha256::digest(&data));
    // No fsync: a file a crash left short or garbled fails its size or digest check and goes.
    let mut file = File::create(path)?;
    file.write_all(&header)?;
    file.write_all(&data)
}

/// Reads and checks the header of the file at `path` against `model`.
fn read_header(file: &mut File, model: &ModelDigest) -> io::Result<Header> {
    let mut bytes = [0u8; HEADER_LEN];
    file.read_exact(&mut bytes)?;
    let u32_at = |at: usize| {
        let mut word = [0u8; 4];
        word.copy_from_slice(&bytes[at..at + 4]);
        u32::from_le_bytes(word) as usize
    };
    if &bytes[..8] != MAGIC || u32_at(8) != FORMAT_VERSION as usize {
        return Err(io::Error::other("not a stored prefix of this version"));
    }
    if bytes[12..44] != model.0 {
        return Err(io::Error::other("computed by another model or engine"));
    }
    let mut data_digest = [0u8; 32];
    data_digest.copy_from_slice(&bytes[56..88]);
    let header = Header {
        layers: u32_at(44),
        kv_dim: u32_at(48),
        positions: u32_at(52),
        data_digest,
    };
    let expected = header
        .data_len()
        .and_then(|len| len.checked_add(HEADER_LEN))
        .ok_or_else(|| io::Error::other("impossible sizes"))?;
    if file.metadata()?.len() != expected as u64 {
        return Err(io::Error::other("truncated or overlong"));
    }
    Ok(header)
}

/// The token ids of the stored prefix at `path` (the keys and values are not read).
fn read_tokens(path: &Path, model: &ModelDigest) -> io::Result<Vec<u32>> {
    let mut file = File::open(path)?;
    let header = read_header(&mut file, model)?;
    let mut bytes = vec![0u8; header.positions * 4];
    file.read_exact(&mut bytes)?;
    Ok(words(&bytes))
}

/// The whole stored prefix at `path`, its digest checked.
fn read_prefix(path: &Path, model: &ModelDigest) -> io::Result<KvPrefix> {
    let mut file = File::open(path)?;
    let header = read_header(&mut file, model)?;
    let len = header
        .data_len()
        .ok_or_else(|| io::Error::other("impossible sizes"))?;
    let mut data = vec![0u8; len];
    file.read_exact(&mut data)?;
    if Sha256::digest(&data)[..] != header.data_digest[..] {
        return Err(io::Error::other("the data does not match its digest"));
    }
    let row_bytes = header.positions * header.kv_dim * 2;
    let layers = data[header.positions * 4..]
        .chunks_exact(2 * row_bytes.max(1))
        .take(header.layers)
        .map(|layer| {
            let (keys, values) = layer.split_at(row_bytes);
            (halves(keys), halves(values))
        })
        .collect();
    Ok(KvPrefix {
        kv_dim: header.kv_dim,
        positions: header.positions,
        layers,
    })
}

/// Keeps the first `positions` positions of `prefix`.
fn truncate(prefix: &mut KvPrefix, positions: usize) {
    let positions = positions.min(prefix.positions);
    let len = positions * prefix.kv_dim;
    for (keys, values) in &mut prefix.layers {
        keys.truncate(len);
        values.truncate(len);
    }
    prefix.positions = positions;
}

fn common_prefix(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn words(bytes: &[u8]) -> Vec<u32> {
    bytes
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect()
}

fn halves(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|h| u16::from_le_bytes([h[0], h[1]]))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sets the file's modification time to now (the cap's recency); a failure only makes it
/// look older.
fn touch(path: &Path) {
    if let Ok(file) = File::options().append(true).open(path) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// Removes a file that is bad or past the cap; one already gone is fine.
fn remove(path: &Path) {
    let _ = fs::remove_file(path);
}
