//! Reviewing a pull request: its unified diff parsed into the lines a review comment may be on,
//! and each finding of the reviewer placed on the nearest of them (or in the review's body).

pub mod diff;
pub mod mapping;

pub use diff::{DiffLine, FileDiff, FileStatus, LineKind, Side};
pub use mapping::{DiffIndex, IndexedFile, MAX_DISTANCE, Outside, Placement};
