//! A quick measurement of memory read bandwidth, which bounds decode speed: each generated
//! token reads every weight once.

use std::time::Instant;

/// Bytes read per pass: large enough to defeat caches, small enough to take ~100 ms.
const BUFFER_BYTES: usize = 256 << 20;

/// Reads a 256 MiB buffer with `threads` threads a few times and returns the best bytes/s seen,
/// or `None` if the buffer cannot be allocated.
pub fn measure_memory_bandwidth(threads: usize) -> Option<f64> {
    let words = BUFFER_BYTES / std::mem::size_of::<u64>();
    let mut buffer: Vec<u64> = Vec::new();
    buffer.try_reserve_exact(words).ok()?;
    buffer.extend((0..words as u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    let threads = threads.clamp(1, 64);
    let chunk = words.div_ceil(threads);
    let mut best = 0.0f64;
    let mut checksum = 0u64;
    for _ in 0..3 {
        let start = Instant::now();
        let sums: Vec<u64> = std::thread::scope(|scope| {
            let handles: Vec<_> = buffer
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || part.iter().fold(0u64, |acc, &x| acc.wrapping_add(x)))
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        let seconds = start.elapsed().as_secs_f64();
        checksum = sums.iter().fold(checksum, |acc, &x| acc.wrapping_add(x));
        if seconds > 0.0 {
            best = best.max(BUFFER_BYTES as f64 / seconds);
        }
    }
    // Keep the sums observable so the reads are not optimised away.
    std::hint::black_box(checksum);
    (best > 0.0).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bandwidth_is_positive_and_plausible() {
        let bytes_per_second = measure_memory_bandwidth(2).unwrap();
        // Between 100 MB/s (a very slow debug build) and 10 TB/s.
        assert!(
            bytes_per_second > 1e8 && bytes_per_second < 1e13,
            "{bytes_per_second}"
        );
    }
}
