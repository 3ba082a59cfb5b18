//! The ranking graph of a root, built once per set of blob ids and kept on disk, so that a map
//! for a prompt only re-weights it for what the task mentions: the defined names (sorted, each
//! with its definition slots), every reference as (name, referencing file, weight before the
//! task's focus), and the file graph collapsed to weighted file → file edges.
//!
//! It ranks as [`super::rank::rank`] does (weights kept in single precision); `rank.rs` stays the plain statement of the method, and the test
//! of this file checks both agree.

use std::path::{Path, PathBuf};

use super::rank::{
    DAMPING, FastMap, FileSymbols, Focus, ITERATIONS, MAX_DEFINERS, RankedDef, TOLERANCE,
    WEAK_WEIGHT, name_weight, personalization,
};
use super::tags::WEAK_PREFIX;

/// How much more a reference to a name the task mentions counts (`name_weight`'s factor).
const FOCUS_FACTOR: f64 = 10.0;
/// The first bytes of a stored graph; a graph of another layout is built again.
const MAGIC: &[u8; 8] = b"agmap\x00\x00\x02";

/// A root's ranking graph, independent of any task.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Graph {
    /// The fingerprint of the (path, blob, lang) set it was built from.
    pub key: u64,
    files: u32,
    /// Defined names, sorted, concatenated; `name_ends[i]` is where name `i` ends.
    names: Vec<u8>,
    name_ends: Vec<u32>,
    /// Definition slots sorted by (name, file): name `i` has slots `slot_ends[i-1]..slot_ends[i]`.
    slot_ends: Vec<u32>,
    slot_file: Vec<u32>,
    /// References grouped by name like slots: the referencing file, the slot of the same name in
    /// that file (`u32::MAX` if none), and the weight before the task's focus.
    ref_ends: Vec<u32>,
    ref_from: Vec<u32>,
    ref_self: Vec<u32>,
    ref_weight: Vec<f32>,
    /// Each file's total outgoing weight before the task's focus.
    out_weight: Vec<f64>,
    /// File → file edges (summed weights before the focus) by the referenced file: file `i`'s
    /// incoming edges are `in_ends[i-1]..in_ends[i]`, each from `in_from` with `in_weight`.
    in_ends: Vec<u32>,
    in_from: Vec<u32>,
    in_weight: Vec<f32>,
}

impl Graph {
    /// Builds the graph of `files` (their order is the file numbering).
    pub fn build(files: &[FileSymbols<'_>], key: u64) -> Self {
        let mut names: Vec<&str> = files.iter().flat_map(|f| f.defs.iter().copied()).collect();
        names.sort_unstable();
        names.dedup();
        let id_of: FastMap<&str, u32> = names
            .iter()
            .enumerate()
            .map(|(id, name)| (*name, id as u32))
            .collect();
        let mut slots: Vec<(u32, u32)> = Vec::new();
        for (file, symbols) in files.iter().enumerate() {
            for name in &symbols.defs {
                slots.push((id_of[name], file as u32));
            }
        }
        slots.sort_unstable();
        slots.dedup();
        let slot_ends = ends(names.len(), slots.iter().map(|(name, _)| *name));
        let slot_file: Vec<u32> = slots.iter().map(|(_, file)| *file).collect();
        let slot_range = |name: u32| {
            let start = if name == 0 { 0 } else { slot_ends[name as usize - 1] };
            start as usize..slot_ends[name as usize] as usize
        };
        // (name, from, self slot, weight), sorted by name.
        let mut refs: Vec<(u32, u32, u32, f64)> = Vec::new();
        let mut pairs: FastMap<(u32, u32), f64> = FastMap::default();
        let none = Focus::default();
        for (from, symbols) in files.iter().enumerate() {
            for (name, uses) in &symbols.refs {
                let (name, strength) = match name.strip_prefix(WEAK_PREFIX) {
                    Some(name) => (name, WEAK_WEIGHT),
                    None => (*name, 1.0),
                };
                let Some(&id) = id_of.get(name) else {
                    continue;
                };
                let range = slot_range(id);
                if range.len() > MAX_DEFINERS {
                    continue;
                }
                let weight = strength
                    * name_weight(name, range.len(), &none, strength < 1.0)
                    * f64::from(*uses).sqrt();
                let mut own = u32::MAX;
                for slot in range {
                    let to = slot_file[slot];
                    if to as usize == from {
                        own = slot as u32;
                        continue;
                    }
                    *pairs.entry((from as u32, to)).or_default() += weight;
                }
                refs.push((id, from as u32, own, weight));
            }
        }
        refs.sort_by_key(|r| (r.0, r.1));
        // By referenced file, then referencing file.
        let mut edges: Vec<((u32, u32), f64)> =
            pairs.into_iter().map(|((from, to), w)| ((to, from), w)).collect();
        edges.sort_unstable_by_key(|(pair, _)| *pair);
        let mut name_ends = Vec::with_capacity(names.len());
        let mut buffer = Vec::new();
        for name in &names {
            buffer.extend_from_slice(name.as_bytes());
            name_ends.push(buffer.len() as u32);
        }
        let mut graph = Self {
            key,
            files: files.len() as u32,
            names: buffer,
            name_ends,
            ref_ends: ends(names.len(), refs.iter().map(|r| r.0)),
            slot_ends,
            slot_file,
            ref_from: refs.iter().map(|r| r.1).collect(),
            ref_self: refs.iter().map(|r| r.2).collect(),
            ref_weight: refs.iter().map(|r| r.3 as f32).collect(),
            out_weight: Vec::new(),
            in_ends: ends(files.len(), edges.iter().map(|((to, _), _)| *to)),
            in_from: edges.iter().map(|((_, from), _)| *from).collect(),
            in_weight: edges.iter().map(|(_, weight)| *weight as f32).collect(),
        };
        // Summed from the stored (single-precision) weights, so that shares add up exactly.
        let mut out_weight = vec![0.0; files.len()];
        for to in 0..files.len() as u32 {
            for e in Self::range(&graph.in_ends, to) {
                out_weight[graph.in_from[e] as usize] += f64::from(graph.in_weight[e]);
            }
        }
        graph.out_weight = out_weight;
        graph
    }

    /// Name `id`.
    pub fn name(&self, id: u32) -> &str {
        let id = id as usize;
        let start = if id == 0 { 0 } else { self.name_ends[id - 1] } as usize;
        std::str::from_utf8(&self.names[start..self.name_ends[id] as usize]).unwrap_or("")
    }

    /// The id of a defined name.
    fn find(&self, name: &str) -> Option<u32> {
        let (mut low, mut high) = (0_usize, self.name_ends.len());
        while low < high {
            let middle = (low + high) / 2;
            match self.name(middle as u32).cmp(name) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Some(middle as u32),
            }
        }
        None
    }

    fn range(ends: &[u32], id: u32) -> std::ops::Range<usize> {
        let id = id as usize;
        let start = if id == 0 { 0 } else { ends[id - 1] } as usize;
        start..ends[id] as usize
    }

    /// The `limit` best definitions for `focus`, best first (ties by path, then name): the same
    /// ranking as [`super::rank::rank`] over the files the graph was built from. `paths` are
    /// those files' paths, in the same order.
    pub fn rank<'g>(&'g self, paths: &[&str], focus: &Focus, limit: usize) -> Vec<RankedDef<'g>> {
        let count = self.files as usize;
        if count == 0 || paths.len() != count {
            return Vec::new();
        }
        // The names the task mentions, and what their references add to the graph.
        let focused: Vec<u32> = focus.names.iter().filter_map(|n| self.find(n)).collect();
        let mut out_weight = self.out_weight.clone();
        let mut extra: Vec<(u32, u32, f64)> = Vec::new();
        for &name in &focused {
            let slots = Self::range(&self.slot_ends, name);
            if slots.len() > MAX_DEFINERS {
                continue;
            }
            for r in Self::range(&self.ref_ends, name) {
                let from = self.ref_from[r];
                let added = f64::from(self.ref_weight[r]) * (FOCUS_FACTOR - 1.0);
                for slot in slots.clone() {
                    let to = self.slot_file[slot];
                    if to != from {
                        extra.push((from, to, added));
                        out_weight[from as usize] += added;
                    }
                }
            }
        }
        let mut mentioned: Vec<bool> = paths.iter().map(|p| focus.paths.contains(*p)).collect();
        for &name in &focused {
            for slot in Self::range(&self.slot_ends, name) {
                mentioned[self.slot_file[slot] as usize] = true;
            }
        }
        let personal = personalization(&mentioned);
        let ranks = self.pagerank(&extra, &out_weight, &personal);
        // What one unit of a file's reference weight passes on.
        let per_weight: Vec<f64> = ranks
            .iter()
            .zip(&out_weight)
            .map(|(rank, out)| if *out > 0.0 { rank / out } else { 0.0 })
            .collect();
        let mut is_focused = vec![false; self.name_ends.len()];
        for &name in &focused {
            is_focused[name as usize] = true;
        }
        let mut scored: Vec<(u32, u32, f64)> = Vec::with_capacity(self.slot_file.len());
        for name in 0..self.name_ends.len() as u32 {
            let factor = if is_focused[name as usize] {
                FOCUS_FACTOR
            } else {
                1.0
            };
            let slots = Self::range(&self.slot_ends, name);
            let refs = Self::range(&self.ref_ends, name);
            let mut flow = 0.0;
            for r in refs.clone() {
                flow += per_weight[self.ref_from[r] as usize] * f64::from(self.ref_weight[r]);
            }
            let first = scored.len();
            for slot in slots {
                let file = self.slot_file[slot];
                let named = is_focused[name as usize] || focus.paths.contains(paths[file as usize]);
                let own = if named { 1.0 } else { 0.01 };
                let inflow = if refs.is_empty() { 0.0 } else { flow * factor };
                scored.push((file, name, ranks[file as usize] * own + inflow));
            }
            // A file's references to its own definition pass nothing to it.
            for r in refs {
                let own_slot = self.ref_self[r];
                if own_slot != u32::MAX {
                    let at = first + own_slot as usize - Self::range(&self.slot_ends, name).start;
                    scored[at].2 -= per_weight[self.ref_from[r] as usize]
                        * f64::from(self.ref_weight[r])
                        * factor;
                }
            }
        }
        let order = |a: &(u32, u32, f64), b: &(u32, u32, f64)| {
            b.2.total_cmp(&a.2)
                .then_with(|| paths[a.0 as usize].cmp(paths[b.0 as usize]))
                .then_with(|| self.name(a.1).cmp(self.name(b.1)))
        };
        if limit < scored.len() {
            scored.select_nth_unstable_by(limit, order);
            scored.truncate(limit);
        }
        scored.sort_by(order);
        scored
            .into_iter()
            .map(|(file, name, score)| RankedDef {
                file: file as usize,
                name: self.name(name),
                score,
            })
            .collect()
    }

    /// PageRank over the file edges (plus the focus's `extra` ones) as `rank.rs` runs it: each
    /// file pulls its incoming edges' shares.
    fn pagerank(&self, extra: &[(u32, u32, f64)], out_weight: &[f64], personal: &[f64]) -> Vec<f64> {
        let count = personal.len();
        let mut ranks = personal.to_vec();
        let mut next = vec![0.0; count];
        let mut per_weight = vec![0.0; count];
        for _ in 0..ITERATIONS {
            let mut dangling = 0.0;
            for (index, rank) in ranks.iter().enumerate() {
                if out_weight[index] <= 0.0 {
                    dangling += rank;
                    per_weight[index] = 0.0;
                } else {
                    per_weight[index] = DAMPING * rank / out_weight[index];
                }
            }
            let restart = 1.0 - DAMPING + DAMPING * dangling;
            for (to, value) in next.iter_mut().enumerate() {
                let mut pulled = 0.0;
                for e in Self::range(&self.in_ends, to as u32) {
                    pulled += per_weight[self.in_from[e] as usize] * f64::from(self.in_weight[e]);
                }
                *value = restart * personal[to] + pulled;
            }
            for (from, to, weight) in extra {
                next[*to as usize] += per_weight[*from as usize] * weight;
            }
            let moved: f64 = ranks
                .iter()
                .zip(&next)
                .map(|(old, new)| (old - new).abs())
                .sum();
            std::mem::swap(&mut ranks, &mut next);
            if moved < TOLERANCE {
                break;
            }
        }
        ranks
    }

    /// The graph as bytes (little-endian).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.names.len() + 8 * self.slot_file.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.key.to_le_bytes());
        out.extend_from_slice(&self.files.to_le_bytes());
        put_bytes(&mut out, &self.names);
        for list in [
            &self.name_ends,
            &self.slot_ends,
            &self.slot_file,
            &self.ref_ends,
            &self.ref_from,
            &self.ref_self,
            &self.in_ends,
            &self.in_from,
        ] {
            put_u32s(&mut out, list);
        }
        for list in [&self.ref_weight, &self.in_weight] {
            put_f32s(&mut out, list);
        }
        put_f64s(&mut out, &self.out_weight);
        out
    }

    /// A graph from [`Graph::encode`]'s bytes; `None` when they are not one (another layout,
    /// a cut file).
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut reader = Reader { bytes, at: 0 };
        if reader.take(MAGIC.len())? != MAGIC {
            return None;
        }
        let key = u64::from_le_bytes(reader.take(8)?.try_into().ok()?);
        let files = reader.u32()?;
        let names = reader.bytes()?.to_vec();
        let mut lists: Vec<Vec<u32>> = Vec::with_capacity(8);
        for _ in 0..8 {
            lists.push(reader.u32s()?);
        }
        let ref_weight = reader.f32s()?;
        let in_weight = reader.f32s()?;
        let out_weight = reader.f64s()?;
        let mut lists = lists.into_iter();
        let graph = Self {
            key,
            files,
            names,
            name_ends: lists.next()?,
            slot_ends: lists.next()?,
            slot_file: lists.next()?,
            ref_ends: lists.next()?,
            ref_from: lists.next()?,
            ref_self: lists.next()?,
            in_ends: lists.next()?,
            in_from: lists.next()?,
            ref_weight,
            in_weight,
            out_weight,
        };
        graph.is_consistent().then_some(graph)
    }

    /// Whether every index in the graph is in range (a damaged file is built again, never
    /// trusted into a panic).
    fn is_consistent(&self) -> bool {
        let files = self.files;
        let names = self.name_ends.len();
        let fits_count = |ends: &[u32], count: usize, len: usize| {
            ends.len() == count
                && ends.windows(2).all(|pair| pair[0] <= pair[1])
                && ends.last().map_or(len == 0, |last| *last as usize == len)
        };
        let fits = |ends: &[u32], len: usize| fits_count(ends, names, len);
        fits(&self.name_ends, self.names.len())
            && std::str::from_utf8(&self.names).is_ok()
            && fits(&self.slot_ends, self.slot_file.len())
            && fits(&self.ref_ends, self.ref_from.len())
            && self.ref_self.len() == self.ref_from.len()
            && self.ref_weight.len() == self.ref_from.len()
            && self.out_weight.len() == files as usize
            && fits_count(&self.in_ends, files as usize, self.in_from.len())
            && self.in_weight.len() == self.in_from.len()
            && self.slot_file.iter().all(|file| *file < files)
            && self.ref_from.iter().all(|file| *file < files)
            && self.in_from.iter().all(|file| *file < files)
            && (0..names as u32).all(|name| {
                let slots = Self::range(&self.slot_ends, name);
                Self::range(&self.ref_ends, name).all(|r| {
                    let own = self.ref_self[r];
                    own == u32::MAX || slots.contains(&(own as usize))
                })
            })
    }
}

/// Where a stored graph of the root keyed `root_key` lives, beside the database at `db`; `None`
/// for a database in memory.
pub fn cache_path(db: &Path, root_key: &str) -> Option<PathBuf> {
    if db.as_os_str() == ":memory:" {
        return None;
    }
    Some(cache_dir(db)?.join(format!("{:016x}.bin", fingerprint([root_key]))))
}

/// The folder of stored graphs beside the database at `db`.
pub fn cache_dir(db: &Path) -> Option<PathBuf> {
    Some(db.parent()?.join("map-graphs"))
}

/// The stored graph at `path` if it was built from the set keyed `key`.
pub fn load(path: &Path, key: u64) -> Option<Graph> {
    let bytes = std::fs::read(path).ok()?;
    let stored = bytes.get(MAGIC.len()..MAGIC.len() + 8)?;
    if u64::from_le_bytes(stored.try_into().ok()?) != key {
        return None;
    }
    Graph::decode(&bytes)
}

/// Stores `graph` at `path` (written aside, then renamed: a reader never sees half a file).
pub fn save(path: &Path, graph: &Graph) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let aside = path.with_extension(format!("{}.tmp", std::process::id()));
    std::fs::write(&aside, graph.encode())?;
    std::fs::rename(&aside, path)
}

/// FNV-1a over the parts, each followed by a zero byte.
pub fn fingerprint<'a>(parts: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.as_bytes().iter().chain([&0_u8]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// For ids sorted ascending, where each id's run ends (`count` ids, runs may be empty).
fn ends(count: usize, sorted: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut ends = vec![0_u32; count];
    let mut total = 0_u32;
    for id in sorted {
        ends[id as usize] += 1;
        total += 1;
    }
    let mut running = 0;
    for end in &mut ends {
        running += *end;
        *end = running;
    }
    debug_assert_eq!(running, total);
    ends
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

fn put_u32s(out: &mut Vec<u8>, list: &[u32]) {
    out.extend_from_slice(&(list.len() as u64).to_le_bytes());
    for value in list {
        out.extend_from_slice(&value.to_le_bytes());
    }
}

fn put_f32s(out: &mut Vec<u8>, list: &[f32]) {
    out.extend_from_slice(&(list.len() as u64).to_le_bytes());
    for value in list {
        out.extend_from_slice(&value.to_le_bytes());
    }
}

fn put_f64s(out: &mut Vec<u8>, list: &[f64]) {
    out.extend_from_slice(&(list.len() as u64).to_le_bytes());
    for value in list {
        out.extend_from_slice(&value.to_le_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(len)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn len(&mut self, width: usize) -> Option<usize> {
        let len = usize::try_from(u64::from_le_bytes(self.take(8)?.try_into().ok()?)).ok()?;
        len.checked_mul(width)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = self.len(1)?;
        self.take(len)
    }

    fn u32s(&mut self) -> Option<Vec<u32>> {
        let len = self.len(4)?;
        let raw = self.take(len)?;
        Some(
            raw.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }

    fn f32s(&mut self) -> Option<Vec<f32>> {
        let len = self.len(4)?;
        let raw = self.take(len)?;
        Some(
            raw.chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }

    fn f64s(&mut self) -> Option<Vec<f64>> {
        let len = self.len(8)?;
        let raw = self.take(len)?;
        Some(
            raw.chunks_exact(8)
                .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::rank::rank;
    use super::*;

    fn file<'a>(path: &'a str, defs: &[&'a str], refs: &[(&'a str, u32)]) -> FileSymbols<'a> {
        FileSymbols {
            path,
            defs: defs.to_vec(),
            refs: refs.to_vec(),
        }
    }

    fn files() -> Vec<FileSymbols<'static>> {
        vec![
            file("util.rs", &["helper", "unused", "new"], &[("new", 2)]),
            file("a.rs", &["alpha", "new"], &[("helper", 3), (".len", 4)]),
            file(
                "b.rs",
                &["beta", "parse_args"],
                &[("helper", 1), ("alpha", 1), ("parse_args", 2), ("new", 1)],
            ),
            file("c.rs", &["len", "Engine"], &[(".helper", 2), ("beta", 1)]),
            file("d.rs", &[], &[("Engine", 5), ("nothing", 1)]),
            file("e.rs", &["lonely_target"], &[]),
        ]
    }

    fn focus(names: &[&str], paths: &[&str]) -> Focus {
        Focus {
            names: names.iter().map(|n| (*n).to_owned()).collect(),
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn ranks_as_the_plain_method_does_for_any_focus() {
        let files = files();
        let paths: Vec<&str> = files.iter().map(|f| f.path).collect();
        let graph = Graph::build(&files, 7);
        for focus in [
            Focus::default(),
            focus(&["helper"], &[]),
            focus(&["lonely_target", "Engine"], &["b.rs"]),
            focus(&["missing"], &["d.rs"]),
        ] {
            for limit in [usize::MAX, 3] {
                let plain = rank(&files, &focus, limit);
                let fast = graph.rank(&paths, &focus, limit);
                let names = |ranked: &[RankedDef<'_>]| -> Vec<(usize, String)> {
                    ranked.iter().map(|d| (d.file, d.name.to_owned())).collect()
                };
                assert_eq!(names(&fast), names(&plain), "{focus:?}");
                // Weights are kept in single precision.
                for (a, b) in fast.iter().zip(&plain) {
                    assert!((a.score - b.score).abs() < 1e-5, "{a:?} {b:?}");
                }
            }
        }
    }

    #[test]
    fn a_stored_graph_reads_back_and_damage_is_refused() {
        let graph = Graph::build(&files(), 42);
        let bytes = graph.encode();
        assert_eq!(Graph::decode(&bytes), Some(graph.clone()));
        assert_eq!(Graph::decode(&bytes[..bytes.len() - 3]), None);
        let mut broken = bytes.clone();
        let at = broken.len() - 100;
        broken[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        // Whatever a flipped word means, decoding gives a valid graph or none, never a panic.
        if let Some(decoded) = Graph::decode(&broken) {
            let paths = ["a"; 6];
            let _ = decoded.rank(&paths, &Focus::default(), 10);
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.bin");
        save(&path, &graph).unwrap();
        assert_eq!(load(&path, 42), Some(graph));
        assert_eq!(load(&path, 43), None, "another set of blobs");
    }
}
