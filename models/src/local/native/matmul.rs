//! Matrix products of the forward pass: the input rows are quantised once per weight type, then
//! the rows of one or more weight matrices that share the input (q/k/v, gate/up) are split into
//! chunks over the thread pool in one dispatch.

use super::kernels::{self, Activations, ThreadPool, WeightType};
use super::weights::Matrix;
use crate::error::{ModelError, Result};

/// Chunks per thread of one dispatch: enough to even out uneven threads, few enough that a
/// chunk is worth a dispatch.
const CHUNKS_PER_THREAD: usize = 4;
/// Most matrices one dispatch multiplies.
const MAX_MATRICES: usize = 3;

/// The current input, prepared for each weight type it meets (a model mixes at most a few).
#[derive(Default)]
pub(crate) struct PreparedInput {
    entries: Vec<(WeightType, Activations)>,
    ready: usize,
}

impl PreparedInput {
    /// Forgets the previous input; the buffers stay.
    fn reset(&mut self) {
        self.ready = 0;
    }

    fn prepare(&mut self, wtype: WeightType, x: &[f32], k: usize) {
        if self.entries[..self.ready].iter().any(|(t, _)| *t == wtype) {
            return;
        }
        if self.ready == self.entries.len() {
            self.entries.push((wtype, Activations::new()));
        }
        let entry = &mut self.entries[self.ready];
        entry.0 = wtype;
        entry.1.quantize(wtype, x, k);
        self.ready += 1;
    }

    fn get(&self, wtype: WeightType) -> Option<&Activations> {
        self.entries[..self.ready]
            .iter()
            .find(|(t, _)| *t == wtype)
            .map(|(_, acts)| acts)
    }
}

/// `outs[i]` (n × mats[i].rows, token-major) = x (n × k) · mats[i]ᵀ for every matrix, all of
/// them `k` columns wide. `staging` is a scratch of at least n × Σ rows floats.
#[allow(clippy::too_many_arguments)]
pub(crate) fn matmul(
    pool: &ThreadPool,
    map: &[u8],
    mats: &[&Matrix],
    input: &mut PreparedInput,
    x: &[f32],
    n: usize,
    staging: &mut [f32],
    outs: &mut [&mut [f32]],
) -> Result<()> {
    if mats.is_empty() || mats.len() > MAX_MATRICES || mats.len() != outs.len() {
        return Err(ModelError::Inference(
            "a matrix product was asked for a wrong number of matrices".to_string(),
        ));
    }
    let k = mats[0].cols;
    if mats.iter().any(|m| m.cols != k) || x.len() < n * k {
        return Err(ModelError::Inference(
            "a matrix product's shapes do not agree".to_string(),
        ));
    }
    input.reset();
    for m in mats {
        input.prepare(m.wtype, &x[..n * k], k);
    }
    let mut bytes: [&[u8]; MAX_MATRICES] = [&[]; MAX_MATRICES];
    let mut acts: [Option<&Activations>; MAX_MATRICES] = [None; MAX_MATRICES];
    let mut first_row = [0usize; MAX_MATRICES + 1];
    for (i, m) in mats.iter().enumerate() {
        bytes[i] = m.rows_bytes(map, 0, m.rows)?;
        acts[i] = input.get(m.wtype);
        first_row[i + 1] = first_row[i] + m.rows;
    }
    let total = first_row[mats.len()];
    let staging = staging.get_mut(..total * n).ok_or_else(|| {
        ModelError::Inference("the matrix product's scratch is too small".to_string())
    })?;
    let chunks = pool.threads() * CHUNKS_PER_THREAD;
    let rows_per_chunk = total.div_ceil(chunks).next_multiple_of(4).max(4);
    pool.for_each_chunk(staging, rows_per_chunk * n, |chunk_index, chunk| {
        let start = chunk_index * rows_per_chunk;
        let end = start + chunk.len() / n;
        for (i, m) in mats.iter().enumerate() {
            let (from, to) = (start.max(first_row[i]), end.min(first_row[i + 1]));
            let Some(acts) = acts[i] else { continue };
            if from >= to {
                continue;
            }
            let (a, b) = (from - first_row[i], to - first_row[i]);
            let rows = &bytes[i][a * m.row_bytes..b * m.row_bytes];
            let out = &mut chunk[(from - start) * n..(to - start) * n];
            if n == 1 {
                kernels::dot_rows(m.wtype, rows, acts, 0, out);
            } else {
                kernels::gemm_rows(m.wtype, rows, acts, out);
            }
        }
    })
    .map_err(|panic| ModelError::Inference(format!("a matrix product failed: {panic}")))?;
    for (i, (m, out)) in mats.iter().zip(outs.iter_mut()).enumerate() {
        let block = &staging[first_row[i] * n..first_row[i + 1] * n];
        if n == 1 {
            out[..m.rows].copy_from_slice(block);
            continue;
        }
        for (r, row) in block.chunks_exact(n).enumerate() {
            for (t, &value) in row.iter().enumerate() {
                out[t * m.rows + r] = value;
            }
        }
    }
    Ok(())
}
