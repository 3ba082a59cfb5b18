//! The CI monitor's core: reading a failed GitHub Actions run's logs (`archive.rs`), the
//! excerpt a fixer needs (`excerpt.rs`), each failed job with its failed step (`failures.rs`).
//!
//! Everything in a CI log is untrusted: it is written by whatever code the run executed.

mod archive;
mod excerpt;
mod failures;

pub use archive::{LogArchive, LogFile, MAX_DECOMPRESSED, MAX_ENTRIES, MAX_FILE_KEPT, failed_step};
pub use excerpt::{MAX_BYTES, MAX_LINES, clean_lines, excerpt};
pub use failures::{JobFailure, job_failures};
