//! The GGUF file mapped read-only into memory (memmap2): tensors are read in place, no copy.

use std::fs::File;
use std::path::Path;

/// A file mapped read-only.
#[derive(Debug)]
pub(crate) struct MappedFile {
    map: memmap2::Mmap,
}

impl MappedFile {
    /// Maps `path` read-only.
    pub fn open(path: &Path) -> std::io::Result<Self> {
        let file = File::open(path)?;
        // SAFETY: the mapping is read-only and private to this process. Undefined behaviour would
        // follow only if another process truncated or rewrote the file while it is mapped; model
        // files are not modified in place (llama.cpp maps them the same way), and a truncation
        // turns into SIGBUS, not silent corruption of memory owned by Rust.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        #[cfg(unix)]
        {
            // Weights are read front to back on first use; the hint only affects paging.
            let _ = map.advise(memmap2::Advice::WillNeed);
        }
        Ok(Self { map })
    }

    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        &self.map
    }
}
