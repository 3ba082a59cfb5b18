//! The CI monitor's core: reading a failed GitHub Actions run's logs (`archive.rs`), the
//! excerpt a fixer needs (`excerpt.rs`), each failed job with its failed step (`failures.rs`),
//! the fix flow from a failed run to a pull request (`fix.rs`), one poll of a repository's runs
//! (`poll.rs`), and what the monitor reports (`events.rs`).
//!
//! Everything in a CI log is untrusted: it is written by whatever code the run executed, and
//! reaches the model only fenced as data (`github::untrusted_block`).

mod archive;
mod events;
mod excerpt;
mod failures;
mod fix;
mod poll;

pub use archive::{LogArchive, LogFile, MAX_DECOMPRESSED, MAX_ENTRIES, MAX_FILE_KEPT, failed_step};
pub use events::CiEvent;
pub use excerpt::{MAX_BYTES, MAX_LINES, clean_lines, excerpt};
pub use failures::{JobFailure, job_failures};
pub use fix::{FAILED_CONCLUSIONS, FixSetup, RunHandled, fix_description, fix_failed_run};
pub use poll::{PollReport, RunPlan, next_wait, plan_runs, poll_once, rate_limited_wait};
