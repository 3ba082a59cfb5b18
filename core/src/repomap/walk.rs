//! The random walk of ranking: the file → file graph it follows (each file's strongest edges
//! only) and personalised PageRank over it.

/// Each file's strongest file → file edges the walk follows (their shares scaled up to the
/// whole); the weaker ones carry little rank and would make most of the walk's work (a tree of
/// 10,000 files has ~100 per file).
pub const MAX_FILE_EDGES: usize = 48;
/// Damping of the random walk.
const DAMPING: f64 = 0.85;
/// Iterations at most; the walk usually settles well before.
const ITERATIONS: usize = 40;
/// Stop once the ranks (summing to 1) move less than this in total: ~17 iterations, where 1e-6
/// took ~32 without changing which definitions a map shows.
const TOLERANCE: f64 = 1e-5;

/// The file → file graph the walk follows, from `edges` (from, to, share) ordered by `from`:
/// the shares summed per (from, to), each file's strongest `keep` of those (ties by file) with
/// their shares scaled to sum to what all of them did; (from, to, share), by `from`, then `to`.
pub fn file_graph(
    edges: impl Iterator<Item = (u32, u32, f64)>,
    count: usize,
    keep: usize,
) -> Vec<(u32, u32, f64)> {
    let mut sums = vec![0.0_f64; count];
    let mut touched: Vec<u32> = Vec::new();
    let mut graph = Vec::new();
    let mut current = None;
    let mut flush = |from: u32, touched: &mut Vec<u32>, sums: &mut Vec<f64>| {
        let all: f64 = touched.iter().map(|to| sums[*to as usize]).sum();
        let kept = touched.len().min(keep);
        if kept > 0 && kept < touched.len() {
            // The strongest `keep` first (ties by file), in no particular order.
            touched.select_nth_unstable_by(kept - 1, |a, b| {
                sums[*b as usize]
                    .total_cmp(&sums[*a as usize])
                    .then(a.cmp(b))
            });
        }
        touched[..kept].sort_unstable();
        let total: f64 = touched[..kept].iter().map(|to| sums[*to as usize]).sum();
        for &to in &touched[..kept] {
            graph.push((from, to, sums[to as usize] / total * all));
        }
        for to in touched.drain(..) {
            sums[to as usize] = 0.0;
        }
    };
    for (from, to, share) in edges {
        if let Some(previous) = current
            && previous != from
        {
            flush(previous, &mut touched, &mut sums);
        }
        current = Some(from);
        if sums[to as usize] == 0.0 {
            touched.push(to);
        }
        sums[to as usize] += share;
    }
    if let Some(last) = current {
        flush(last, &mut touched, &mut sums);
    }
    graph
}

/// Power iteration of PageRank with restart vector `personal` over `graph` (from, to, share):
/// each edge passes its share of its file's rank on; the rank of files without edges (`has_edges`
/// false) restarts like the rest.
pub fn pagerank(graph: &[(u32, u32, f64)], has_edges: &[bool], personal: &[f64]) -> Vec<f64> {
    let count = personal.len();
    let mut ranks = personal.to_vec();
    let mut next = vec![0.0; count];
    for _ in 0..ITERATIONS {
        let dangling: f64 = (0..count)
            .filter(|&index| !has_edges[index])
            .map(|index| ranks[index])
            .sum();
        for (index, value) in next.iter_mut().enumerate() {
            *value = (1.0 - DAMPING + DAMPING * dangling) * personal[index];
        }
        for &(from, to, share) in graph {
            next[to as usize] += DAMPING * ranks[from as usize] * share;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_graph_keeps_each_files_strongest_edges_as_a_whole() {
        // File 0 references files 1..=8 with falling weights; file 1 references 2, and 0 twice.
        let mut edges: Vec<(u32, u32, f64)> = (1..=8)
            .map(|to| (0, to, f64::from(9 - to) / 36.0))
            .collect();
        edges.extend([(1, 2, 0.25), (1, 0, 0.5), (1, 0, 0.25)]);
        let graph = file_graph(edges.iter().copied(), 9, 3);
        let first: Vec<(u32, u32)> = graph
            .iter()
            .filter(|edge| edge.0 == 0)
            .map(|edge| (edge.0, edge.1))
            .collect();
        assert_eq!(first, [(0, 1), (0, 2), (0, 3)]);
        let total: f64 = graph.iter().filter(|e| e.0 == 0).map(|e| e.2).sum();
        assert!((total - 1.0).abs() < 1e-12, "{graph:?}");
        // Two edges to one file are one edge of their summed share.
        let second: Vec<(u32, u32, f64)> = graph.into_iter().filter(|e| e.0 == 1).collect();
        assert_eq!(second, [(1, 0, 0.75), (1, 2, 0.25)]);
        let all = file_graph(edges.iter().copied(), 9, usize::MAX);
        assert_eq!(all.len(), 10);
    }

    #[test]
    fn the_walk_favours_the_restart_files_and_what_they_point_at() {
        // 0 → 1 → 2; 3 alone. Restarting at 0, rank flows down the chain; 3 gets only its share
        // of the restarts.
        let graph = [(0, 1, 1.0), (1, 2, 1.0)];
        let has_edges = [true, true, false, false];
        let personal = [0.7, 0.1, 0.1, 0.1];
        let ranks = pagerank(&graph, &has_edges, &personal);
        let total: f64 = ranks.iter().sum();
        assert!((total - 1.0).abs() < 1e-6, "{ranks:?}");
        assert!(ranks[1] > ranks[3] && ranks[2] > ranks[3], "{ranks:?}");
    }
}
