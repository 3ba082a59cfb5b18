//! The files of a root as ranking reads them, every name an integer id: made from the store's
//! tags once, then brought up to date file by file (only the files whose blob changed are read
//! and their names looked up), so that ranking never splits and hashes the names of every file
//! again. `packed.rs` keeps it in the store between processes.

use std::collections::HashMap;

#[cfg(test)]
use super::rank::FileSymbols;
use super::tags::WEAK_PREFIX;

/// Marks a reference's name id as a method call on a value (the name after [`WEAK_PREFIX`]).
pub const WEAK: u32 = 1 << 31;

/// Every name any file defines or references, once, and each file's ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interned {
    /// The names, one after the other: name `id` ends at `ends[id]` and starts where the one
    /// before ends.
    text: String,
    ends: Vec<u32>,
    pub files: Vec<InternedFile>,
}

/// One file: where it is, which blob, and its names as ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternedFile {
    pub path: String,
    pub blob: String,
    pub lang: String,
    /// Distinct names it defines.
    pub defs: Vec<u32>,
    /// (name id, with [`WEAK`] set for a method call on a value; uses).
    pub refs: Vec<(u32, u32)>,
}

/// A file of the root as the store lists it, and its tags once read: `None` until [`update`]
/// asks for them (only for files whose blob the base does not have at that path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFile {
    pub path: String,
    pub blob: String,
    pub lang: String,
}

/// A file's tags as stored: defined names one per line, `name\tcount` per line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredTags {
    pub def_names: String,
    pub refs: String,
}

/// The tags of a blob the store does not have (gone meanwhile): no names.
static NO_TAGS: StoredTags = StoredTags {
    def_names: String::new(),
    refs: String::new(),
};

/// A map keyed by the repository's names, looked up hundreds of thousands of times: a fast hash
/// (a collision costs time, not correctness) with a fixed seed, so runs are alike.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

impl Interned {
    /// From its parts (`packed.rs`); `None` when the names do not fit their ends.
    pub fn from_parts(text: String, ends: Vec<u32>, files: Vec<InternedFile>) -> Option<Self> {
        let mut start = 0;
        for &end in &ends {
            if end < start || !text.is_char_boundary(end as usize) {
                return None;
            }
            start = end;
        }
        if start as usize != text.len() {
            return None;
        }
        let count = u32::try_from(ends.len()).ok()?;
        let valid = |id: u32| (id & !WEAK) < count;
        let ids_valid = files.iter().all(|file| {
            file.defs.iter().all(|id| *id < count) && file.refs.iter().all(|(id, _)| valid(*id))
        });
        ids_valid.then_some(Self { text, ends, files })
    }

    /// The names' text and ends (`packed.rs`).
    pub fn name_parts(&self) -> (&str, &[u32]) {
        (&self.text, &self.ends)
    }

    /// How many names.
    pub fn name_count(&self) -> usize {
        self.ends.len()
    }

    /// Name `id` (without [`WEAK`]).
    pub fn name(&self, id: u32) -> &str {
        let id = (id & !WEAK) as usize;
        let start = if id == 0 {
            0
        } else {
            self.ends[id - 1] as usize
        };
        self.text.get(start..self.ends[id] as usize).unwrap_or("")
    }

    /// The ids of those of `names` that some file defines or references.
    pub fn find<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<u32> {
        let wanted: FastMap<&str, ()> = names.into_iter().map(|name| (name, ())).collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let sieve = Sieve::new(wanted.keys().copied());
        (0..self.ends.len() as u32)
            .filter(|&id| {
                let name = self.name(id);
                sieve.may_hold(name) && wanted.contains_key(name)
            })
            .collect()
    }

    /// The files of `symbols`, in order.
    #[cfg(test)]
    pub fn from_symbols(symbols: &[FileSymbols<'_>]) -> Self {
        let mut interner = Interner::new(&Self::default(), symbols.iter().flat_map(names_of));
        let files = symbols
            .iter()
            .map(|file| InternedFile {
                path: file.path.to_owned(),
                blob: String::new(),
                lang: String::new(),
                defs: file.defs.iter().map(|name| interner.id(name)).collect(),
                refs: file
                    .refs
                    .iter()
                    .map(|(name, uses)| (interner.reference(name), *uses))
                    .collect(),
            })
            .collect();
        let mut interned = interner.finish(Self::default());
        interned.files = files;
        interned
    }

    /// The files `listed` (ordered by path), taking from `base` each file whose path and blob
    /// it has, and reading the others' tags with `tags` (each (blob, lang) once).
    pub fn update<E>(
        base: Self,
        listed: Vec<ListedFile>,
        mut tags: impl FnMut(&str, &str) -> Result<Option<StoredTags>, E>,
    ) -> Result<(Self, Delta), E> {
        let Self {
            text,
            ends,
            files: base_files,
        } = base;
        let names = Self {
            text,
            ends,
            files: Vec::new(),
        };
        let mut delta = Delta::default();
        // Each listed file: the base's (by path, both ordered) or one to read; the names the
        // base's other files define may have other definers now.
        let mut base_files = base_files.into_iter().enumerate().peekable();
        let mut kept: Vec<Option<InternedFile>> = Vec::with_capacity(listed.len());
        for file in &listed {
            while let Some((_, gone)) = base_files.next_if(|(_, old)| old.path < file.path) {
                delta.redefined.extend(gone.defs);
            }
            let same = base_files.next_if(|(_, old)| {
                old.path == file.path && old.blob == file.blob && old.lang == file.lang
            });
            delta
                .kept_from
                .push(same.as_ref().map(|(index, _)| *index as u32));
            kept.push(same.map(|(_, file)| file));
        }
        for (_, gone) in base_files {
            delta.redefined.extend(gone.defs);
        }
        // The tags of the files to read, once per (blob, lang).
        let mut read: FastMap<(&str, &str), StoredTags> = FastMap::default();
        for (file, kept) in listed.iter().zip(&kept) {
            if kept.is_none() && !read.contains_key(&(file.blob.as_str(), file.lang.as_str())) {
                let stored = tags(&file.blob, &file.lang)?.unwrap_or_default();
                read.insert((&file.blob, &file.lang), stored);
            }
        }
        delta.read = kept.iter().filter(|file| file.is_none()).count();
        let mut interner = Interner::new(&names, read.values().flat_map(stored_names));
        let mut files = Vec::with_capacity(listed.len());
        for (file, kept) in listed.iter().zip(kept) {
            if let Some(kept) = kept {
                files.push(kept);
                continue;
            }
            let stored = read
                .get(&(file.blob.as_str(), file.lang.as_str()))
                .unwrap_or(&NO_TAGS);
            let defs: Vec<u32> = def_lines(&stored.def_names)
                .map(|name| interner.id(name))
                .collect();
            delta.redefined.extend_from_slice(&defs);
            files.push(InternedFile {
                path: file.path.clone(),
                blob: file.blob.clone(),
                lang: file.lang.clone(),
                defs,
                refs: ref_lines(&stored.refs)
                    .map(|(name, uses)| (interner.reference(name), uses))
                    .collect(),
            });
        }
        delta.redefined.sort_unstable();
        delta.redefined.dedup();
        let mut interned = interner.finish(names);
        interned.files = files;
        Ok((interned, delta))
    }
}

/// How an update's files came from its base's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    /// For each file, its number in the base when it was taken from there unchanged.
    pub kept_from: Vec<Option<u32>>,
    /// Names a file read or a file gone defines: their definers may differ from the base's.
    pub redefined: Vec<u32>,
    /// Files read.
    pub read: usize,
}

/// Names to ids: the base's ids for the names it has, new ids after them for the others.
struct Interner<'a> {
    ids: FastMap<&'a str, u32>,
    /// Names with no id yet, in the order they were first met.
    added: Vec<&'a str>,
    next: u32,
}

impl<'a> Interner<'a> {
    /// An interner for `names` (those to be asked for), over the names of `base`.
    fn new(base: &Interned, names: impl Iterator<Item = &'a str>) -> Self {
        let mut ids: FastMap<&'a str, u32> = names.map(|name| (name, u32::MAX)).collect();
        // One pass over the base's names finds those it has.
        let mut missing = ids.len();
        let sieve = Sieve::new(ids.keys().copied());
        for id in 0..base.ends.len() as u32 {
            if missing == 0 {
                break;
            }
            let name = base.name(id);
            if !sieve.may_hold(name) {
                continue;
            }
            if let Some(slot) = ids.get_mut(name)
                && *slot == u32::MAX
            {
                *slot = id;
                missing -= 1;
            }
        }
        Self {
            ids,
            added: Vec::new(),
            next: base.ends.len() as u32,
        }
    }

    fn id(&mut self, name: &'a str) -> u32 {
        let next = &mut self.next;
        let added = &mut self.added;
        let id = self.ids.entry(name).or_insert(u32::MAX);
        if *id == u32::MAX {
            *id = *next;
            *next += 1;
            added.push(name);
        }
        *id
    }

    fn reference(&mut self, name: &'a str) -> u32 {
        match name.strip_prefix(WEAK_PREFIX) {
            Some(name) => self.id(name) | WEAK,
            None => self.id(name),
        }
    }

    /// `base`'s names followed by those added.
    fn finish(self, mut base: Interned) -> Interned {
        for name in self.added {
            base.text.push_str(name);
            base.ends
                .push(u32::try_from(base.text.len()).unwrap_or(u32::MAX));
        }
        base
    }
}

/// The (first byte, length) pairs of a few names: most other names are told apart by these
/// alone, without hashing them (a scan of every name of a root for the few a task or a changed
/// file has).
struct Sieve {
    /// By first byte, a bit per length (63: 63 and longer).
    lengths: Box<[u64; 256]>,
}

impl Sieve {
    fn new<'a>(names: impl Iterator<Item = &'a str>) -> Self {
        let mut lengths = Box::new([0_u64; 256]);
        for name in names {
            if let Some(&first) = name.as_bytes().first() {
                lengths[first as usize] |= 1 << name.len().min(63);
            }
        }
        Self { lengths }
    }

    /// Whether `name` may be one of the names: false only when it is not.
    fn may_hold(&self, name: &str) -> bool {
        match name.as_bytes().first() {
            Some(&first) => self.lengths[first as usize] & (1 << name.len().min(63)) != 0,
            None => true,
        }
    }
}

#[cfg(test)]
fn names_of<'a>(file: &'a FileSymbols<'a>) -> impl Iterator<Item = &'a str> {
    file.defs.iter().copied().chain(
        file.refs
            .iter()
            .map(|(name, _)| name.strip_prefix(WEAK_PREFIX).unwrap_or(name)),
    )
}

fn stored_names(tags: &StoredTags) -> impl Iterator<Item = &str> {
    def_lines(&tags.def_names).chain(
        ref_lines(&tags.refs).map(|(name, _)| name.strip_prefix(WEAK_PREFIX).unwrap_or(name)),
    )
}

fn def_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|name| !name.is_empty())
}

fn ref_lines(text: &str) -> impl Iterator<Item = (&str, u32)> {
    text.lines().filter_map(|line| {
        let (name, count) = line.split_once('\t')?;
        Some((name, count.parse().unwrap_or(1)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(path: &str, blob: &str) -> ListedFile {
        ListedFile {
            path: path.to_owned(),
            blob: blob.to_owned(),
            lang: "rust/1".to_owned(),
        }
    }

    fn tags(blob: &str) -> Option<StoredTags> {
        let (defs, refs) = match blob {
            "a1" => ("alpha\nshared", "beta\t2\n.len\t3"),
            "a2" => ("alpha\nfresh_name", "beta\t1"),
            "b1" => ("beta", "alpha\t1\nshared\t4"),
            _ => return None,
        };
        Some(StoredTags {
            def_names: defs.to_owned(),
            refs: refs.to_owned(),
        })
    }

    /// The names of each file, as text again.
    /// A file's path, defined names and references, as text.
    type Spelled = (String, Vec<String>, Vec<(String, u32)>);

    fn spelled(interned: &Interned) -> Vec<Spelled> {
        interned
            .files
            .iter()
            .map(|file| {
                let defs = file.defs.iter().map(|id| interned.name(*id).to_owned());
                let refs = file.refs.iter().map(|(id, uses)| {
                    let weak = if id & WEAK == 0 { "" } else { "." };
                    (format!("{weak}{}", interned.name(*id)), *uses)
                });
                (file.path.clone(), defs.collect(), refs.collect())
            })
            .collect()
    }

    fn update(base: Interned, files: Vec<ListedFile>) -> (Interned, usize, Vec<String>) {
        let mut asked = Vec::new();
        let (interned, delta) = Interned::update(base, files, |blob, _| {
            asked.push(blob.to_owned());
            Ok::<_, ()>(tags(blob))
        })
        .unwrap();
        (interned, delta.read, asked)
    }

    #[test]
    fn an_update_reads_only_the_changed_files_and_equals_a_fresh_build() {
        let (first, changed, asked) = update(
            Interned::default(),
            vec![
                listed("a.rs", "a1"),
                listed("b.rs", "b1"),
                listed("c.rs", "b1"),
            ],
        );
        assert_eq!(
            (changed, asked),
            (3, vec!["a1".to_owned(), "b1".to_owned()])
        );
        let now = vec![
            listed("a.rs", "a2"),
            listed("b.rs", "b1"),
            listed("d.rs", "a1"),
        ];
        let (updated, delta) =
            Interned::update(first, now.clone(), |blob, _| Ok::<_, ()>(tags(blob))).unwrap();
        assert_eq!(delta.read, 2);
        // b.rs is the base's second file; a.rs changed, d.rs is new, c.rs went.
        assert_eq!(delta.kept_from, [None, Some(1), None]);
        let mut redefined: Vec<&str> = delta.redefined.iter().map(|id| updated.name(*id)).collect();
        redefined.sort_unstable();
        assert_eq!(redefined, ["alpha", "beta", "fresh_name", "shared"]);
        let (_, _, asked) = update(
            Interned::from_parts(
                updated.text.clone(),
                updated.ends.clone(),
                updated.files.clone(),
            )
            .unwrap(),
            vec![
                listed("a.rs", "a2"),
                listed("b.rs", "b1"),
                listed("d.rs", "a1"),
            ],
        );
        assert!(asked.is_empty(), "{asked:?}");
        let (fresh, _, _) = update(Interned::default(), now);
        assert_eq!(spelled(&updated), spelled(&fresh));
        assert_eq!(
            spelled(&updated)[0],
            (
                "a.rs".to_owned(),
                vec!["alpha".to_owned(), "fresh_name".to_owned()],
                vec![("beta".to_owned(), 1)]
            )
        );
        assert_eq!(spelled(&updated)[2].2[1], (".len".to_owned(), 3));
        // Names are kept once: `alpha` has one id in every file.
        let alpha = updated.find(["alpha"]);
        assert_eq!(alpha.len(), 1);
        assert_eq!(updated.files[0].defs[0], alpha[0]);
        assert_eq!(updated.files[1].refs[0].0, alpha[0]);
    }
}
