//! A ranking graph's files ([`Interned`]) and its walk without focus as bytes, for the store
//! (`map_graph`): a version, the names, each file's path, blob, language and ids, then each
//! file's row of the walk; numbers as LEB128 varints, shares as `f64` bits. Reading checks every
//! length and id: bytes that do not read back are no graph (it is made again from the tags),
//! never a panic.

use super::interned::{Interned, InternedFile};

/// The walk of the files saved with it (see `RankGraph::walk`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavedWalk {
    pub walk: Vec<(u32, u32, f64)>,
    pub starts: Vec<usize>,
    pub keep: usize,
}

/// Changes whenever the layout or the meaning of the ids does.
const VERSION: u64 = 1;

/// `interned` and its walk (`walk` by `from`, `starts` where each file's row starts, `keep` the
/// edges a file keeps) as bytes.
pub fn pack(
    interned: &Interned,
    walk: &[(u32, u32, f64)],
    starts: &[usize],
    keep: usize,
) -> Vec<u8> {
    let (text, ends) = interned.name_parts();
    let mut out = Vec::with_capacity(text.len() + 8 * ends.len() + 32 * interned.files.len());
    put(&mut out, VERSION);
    put_bytes(&mut out, text.as_bytes());
    put(&mut out, ends.len() as u64);
    let mut start = 0;
    for &end in ends {
        put(&mut out, u64::from(end - start));
        start = end;
    }
    put(&mut out, interned.files.len() as u64);
    for file in &interned.files {
        put_bytes(&mut out, file.path.as_bytes());
        put_bytes(&mut out, file.blob.as_bytes());
        put_bytes(&mut out, file.lang.as_bytes());
        put(&mut out, file.defs.len() as u64);
        for &id in &file.defs {
            put(&mut out, u64::from(id));
        }
        put(&mut out, file.refs.len() as u64);
        for &(id, uses) in &file.refs {
            put(&mut out, u64::from(id));
            put(&mut out, u64::from(uses));
        }
    }
    put(&mut out, keep as u64);
    for (file, start) in starts.iter().enumerate().take(interned.files.len()) {
        let row = walk.get(*start..starts[file + 1]).unwrap_or(&[]);
        put(&mut out, row.len() as u64);
        for &(_, to, share) in row {
            put(&mut out, u64::from(to));
            out.extend_from_slice(&share.to_bits().to_le_bytes());
        }
    }
    out
}

/// The files and walk `bytes` hold, if they read back whole.
pub fn unpack(bytes: &[u8]) -> Option<(Interned, SavedWalk)> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.number()? != VERSION {
        return None;
    }
    let text = reader.text()?;
    let count = reader.count()?;
    let mut ends = Vec::with_capacity(count);
    let mut end = 0_u32;
    for _ in 0..count {
        end = end.checked_add(reader.small()?)?;
        ends.push(end);
    }
    let files_count = reader.count()?;
    let mut files = Vec::with_capacity(files_count);
    for _ in 0..files_count {
        let path = reader.text()?;
        let blob = reader.text()?;
        let lang = reader.text()?;
        let defs_count = reader.count()?;
        let defs = (0..defs_count)
            .map(|_| reader.small())
            .collect::<Option<Vec<u32>>>()?;
        let refs_count = reader.count()?;
        let refs = (0..refs_count)
            .map(|_| Some((reader.small()?, reader.small()?)))
            .collect::<Option<Vec<(u32, u32)>>>()?;
        files.push(InternedFile {
            path,
            blob,
            lang,
            defs,
            refs,
        });
    }
    let keep = usize::try_from(reader.number()?).ok()?;
    let mut saved = SavedWalk {
        keep,
        ..SavedWalk::default()
    };
    saved.starts.reserve(files_count + 1);
    for from in 0..files_count as u32 {
        saved.starts.push(saved.walk.len());
        let row = reader.count()?;
        for _ in 0..row {
            let to = reader.small()?;
            if to as usize >= files_count {
                return None;
            }
            saved.walk.push((from, to, reader.share()?));
        }
    }
    saved.starts.push(saved.walk.len());
    if reader.at != bytes.len() {
        return None;
    }
    Some((Interned::from_parts(text, ends, files)?, saved))
}

fn put(out: &mut Vec<u8>, mut number: u64) {
    while number >= 0x80 {
        out.push((number as u8) | 0x80);
        number >>= 7;
    }
    out.push(number as u8);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn number(&mut self) -> Option<u64> {
        let mut number = 0_u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            number |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Some(number);
            }
        }
        None
    }

    fn share(&mut self) -> Option<f64> {
        let bytes = self.bytes.get(self.at..self.at + 8)?;
        self.at += 8;
        let mut bits = [0; 8];
        bits.copy_from_slice(bytes);
        Some(f64::from_bits(u64::from_le_bytes(bits)))
    }

    fn small(&mut self) -> Option<u32> {
        u32::try_from(self.number()?).ok()
    }

    /// A count of things each taking at least one byte: never more than the bytes left.
    fn count(&mut self) -> Option<usize> {
        let count = usize::try_from(self.number()?).ok()?;
        (count <= self.bytes.len() - self.at).then_some(count)
    }

    fn text(&mut self) -> Option<String> {
        let len = self.count()?;
        let bytes = self.bytes.get(self.at..self.at + len)?;
        self.at += len;
        String::from_utf8(bytes.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repomap::rank::FileSymbols;

    fn sample() -> Interned {
        let mut interned = Interned::from_symbols(&[
            FileSymbols {
                path: "a.rs",
                defs: vec!["alpha", "ünïcode"],
                refs: vec![("beta", 300), (".len", 1)],
            },
            FileSymbols {
                path: "b.rs",
                defs: vec!["beta"],
                refs: vec![],
            },
        ]);
        interned.files[0].blob = "0123abcd".to_owned();
        interned.files[1].lang = "rust/1".to_owned();
        interned
    }

    fn walk() -> SavedWalk {
        SavedWalk {
            walk: vec![(0, 1, 0.25), (0, 0, 0.75)],
            starts: vec![0, 2, 2],
            keep: 48,
        }
    }

    fn packed(interned: &Interned, walk: &SavedWalk) -> Vec<u8> {
        pack(interned, &walk.walk, &walk.starts, walk.keep)
    }

    #[test]
    fn packed_files_read_back_the_same() {
        let interned = sample();
        assert_eq!(
            unpack(&packed(&interned, &walk())),
            Some((interned, walk()))
        );
        let empty = SavedWalk {
            starts: vec![0],
            ..SavedWalk::default()
        };
        assert_eq!(
            unpack(&packed(&Interned::default(), &empty)),
            Some((Interned::default(), empty))
        );
    }

    #[test]
    fn damaged_bytes_are_no_graph() {
        let bytes = packed(&sample(), &walk());
        for len in 0..bytes.len() {
            assert_eq!(unpack(&bytes[..len]), None, "cut at {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(unpack(&longer), None);
        let mut far = walk();
        far.walk[0].1 = 2;
        assert_eq!(unpack(&packed(&sample(), &far)), None, "a row to no file");
        let mut other_version = bytes;
        other_version[0] = 99;
        assert_eq!(unpack(&other_version), None);
    }
}
