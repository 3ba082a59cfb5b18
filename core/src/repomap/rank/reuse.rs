//! Reusing the walk of the files a graph was updated from: a file's row of the walk depends only
//! on its own references and on the definers of the names it references, so after an update
//! (files read again, added, removed) only the rows of changed files and of files referencing a
//! name whose definers changed are made again; the others are taken over, renumbered.

use super::super::interned::{Delta, Interned, WEAK};
use super::super::walk;
use super::RankGraph;

/// The walk of the files an [`Interned`] was updated from, and how it was updated.
#[derive(Debug, Clone, Copy)]
pub struct PreviousWalk<'a> {
    /// How many files it had.
    pub files: usize,
    /// (from, to, share) by `from`, and where each file's row starts (one more than files).
    pub walk: &'a [(u32, u32, f64)],
    pub starts: &'a [usize],
    pub keep: usize,
    pub delta: &'a Delta,
}

impl RankGraph {
    /// The walk's file graph from `previous`'s rows, numbered anew, for the files whose edges
    /// are the same: a file's row depends only on its references and on the definers of the
    /// names it references. The other rows (files read, files referencing a name redefined) are
    /// made again. `None` when a kept row points at a file gone (it cannot: the file's names
    /// are redefined, so the rows pointing at it are made again).
    pub(super) fn reuse_walk(
        &self,
        interned: &Interned,
        previous: &PreviousWalk<'_>,
    ) -> Option<Vec<(u32, u32, f64)>> {
        let files = &interned.files;
        let count = files.len();
        let delta = previous.delta;
        if delta.kept_from.len() != count || previous.starts.len() != previous.files + 1 {
            return None;
        }
        let mut redefined = vec![false; interned.name_count()];
        for &id in &delta.redefined {
            *redefined.get_mut(id as usize)? = true;
        }
        let mut renumbered = vec![u32::MAX; previous.files];
        for (file, from) in delta.kept_from.iter().enumerate() {
            if let Some(from) = from {
                *renumbered.get_mut(*from as usize)? = file as u32;
            }
        }
        let again: Vec<bool> = files
            .iter()
            .zip(&delta.kept_from)
            .map(|(file, from)| {
                from.is_none()
                    || file
                        .refs
                        .iter()
                        .any(|(id, _)| redefined[(id & !WEAK) as usize])
            })
            .collect();
        let made = walk::file_graph(
            (0..count)
                .filter(|&file| again[file])
                .flat_map(|file| self.edge_starts[file]..self.edge_starts[file + 1])
                .map(|edge| {
                    let (from, slot, share) = self.edges[edge];
                    (from, self.slots[slot as usize].0, share)
                }),
            count,
            self.keep,
        );
        let mut made = made.into_iter().peekable();
        let mut graph = Vec::with_capacity(previous.walk.len());
        for (file, from) in delta.kept_from.iter().enumerate() {
            match from {
                Some(from) if !again[file] => {
                    let from = *from as usize;
                    let row = previous
                        .walk
                        .get(previous.starts[from]..previous.starts[from + 1])?;
                    for &(_, to, share) in row {
                        let to = *renumbered.get(to as usize)?;
                        if to == u32::MAX {
                            return None;
                        }
                        graph.push((file as u32, to, share));
                    }
                }
                _ => {
                    while let Some(edge) = made.next_if(|edge| edge.0 as usize == file) {
                        graph.push(edge);
                    }
                }
            }
        }
        Some(graph)
    }
}
