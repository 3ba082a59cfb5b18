//! A GitHub Actions log archive, read defensively: GitHub's layout (one folder per job with
//! `N_Step name.txt` per step, plus a top-level `N_Job name.txt` per job), entries decompressed
//! one at a time within a budget (a zip bomb stops at the cap), names that climb out of the
//! archive or are absolute ignored, bytes that are not UTF-8 replaced.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::github::{GitHubError, Job};

/// The most bytes decompressed from one archive, all entries together.
pub const MAX_DECOMPRESSED: u64 = 64 * 1024 * 1024;
/// The most bytes kept of one log file (its end: failures are at the end of a step's log).
pub const MAX_FILE_KEPT: usize = 4 * 1024 * 1024;
/// The most entries an archive may list.
pub const MAX_ENTRIES: usize = 10_000;

/// An opened log archive.
pub struct LogArchive {
    zip: ZipArchive<Cursor<Vec<u8>>>,
    /// `(index, name)` of each regular file with a safe name.
    entries: Vec<(usize, String)>,
    /// Bytes decompressed so far.
    spent: u64,
    budget: u64,
}

/// One log file of the archive, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    /// Its name in the archive (`build/4_Run tests.txt`).
    pub name: String,
    pub text: String,
    /// Whether its beginning was dropped to keep [`MAX_FILE_KEPT`].
    pub cut: bool,
}

impl LogArchive {
    /// Opens `bytes` as a zip archive and lists its files.
    pub fn open(bytes: Vec<u8>) -> Result<LogArchive, GitHubError> {
        Self::open_with_budget(bytes, MAX_DECOMPRESSED)
    }

    /// [`LogArchive::open`] with another cap on the bytes decompressed.
    pub fn open_with_budget(bytes: Vec<u8>, budget: u64) -> Result<LogArchive, GitHubError> {
        let mut zip = ZipArchive::new(Cursor::new(bytes))
            .map_err(|error| GitHubError::Archive(error.to_string()))?;
        if zip.len() > MAX_ENTRIES {
            return Err(GitHubError::Archive(format!(
                "it lists {} files (at most {MAX_ENTRIES} are read)",
                zip.len()
            )));
        }
        let mut entries = Vec::new();
        for index in 0..zip.len() {
            let Ok(file) = zip.by_index_raw(index) else {
                continue;
            };
            if !file.is_file() {
                continue;
            }
            let Ok(name) = file.name() else { continue };
            if let Some(name) = safe_name(&name) {
                entries.push((index, name));
            }
        }
        Ok(LogArchive {
            zip,
            entries,
            spent: 0,
            budget,
        })
    }

    /// The names of the files with a safe name, in archive order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(_, name)| name.as_str())
    }

    /// The log of step `step` (its number) of `job`: the step's own file when the archive has
    /// one, else the job's whole log.
    pub fn step_log(
        &mut self,
        job: &str,
        step: Option<u32>,
    ) -> Result<Option<LogFile>, GitHubError> {
        let wanted = normalize(job);
        let step_file = step.and_then(|number| {
            self.entries.iter().find(|(_, name)| {
                let Some((folder, file)) = name.split_once('/') else {
                    return false;
                };
                same_job(&normalize(folder), &wanted) && numbered(file) == Some(number)
            })
        });
        let chosen = step_file.or_else(|| {
            self.entries.iter().find(|(_, name)| {
                !name.contains('/')
                    && name
                        .split_once('_')
                        .is_some_and(|(_, rest)| same_job(&normalize(rest), &wanted))
            })
        });
        match chosen.cloned() {
            Some((index, name)) => self.read(index, name).map(Some),
            None => Ok(None),
        }
    }

    /// Decompresses entry `index`, keeping its last [`MAX_FILE_KEPT`] bytes, within the budget.
    fn read(&mut self, index: usize, name: String) -> Result<LogFile, GitHubError> {
        let file = self
            .zip
            .by_index(index)
            .map_err(|error| GitHubError::Archive(format!("{name}: {error}")))?;
        let left = self.budget.saturating_sub(self.spent);
        // One byte more than is left tells a file that goes over from one that fits exactly.
        let mut limited = file.take(left.saturating_add(1));
        let mut kept: Vec<u8> = Vec::new();
        let mut cut = false;
        let mut buffer = [0u8; 64 * 1024];
        let mut read_total: u64 = 0;
        loop {
            let n = limited
                .read(&mut buffer)
                .map_err(|error| GitHubError::Archive(format!("{name}: {error}")))?;
            if n == 0 {
                break;
            }
            read_total += n as u64;
            kept.extend_from_slice(&buffer[..n]);
            if kept.len() > 2 * MAX_FILE_KEPT {
                let drop = kept.len() - MAX_FILE_KEPT;
                kept.drain(..drop);
                cut = true;
            }
        }
        self.spent += read_total;
        if read_total > left {
            return Err(GitHubError::Archive(format!(
                "it decompresses to more than {} bytes",
                self.budget
            )));
        }
        if kept.len() > MAX_FILE_KEPT {
            let drop = kept.len() - MAX_FILE_KEPT;
            kept.drain(..drop);
            cut = true;
        }
        Ok(LogFile {
            name,
            text: String::from_utf8_lossy(&kept).into_owned(),
            cut,
        })
    }
}

/// The failed step of `job` (the first step whose conclusion is `failure`), as (number, name).
pub fn failed_step(job: &Job) -> Option<(u32, String)> {
    job.steps
        .iter()
        .find(|step| step.conclusion.as_deref() == Some("failure"))
        .map(|step| (step.number, step.name.clone()))
}

/// `name` when it stays inside the archive: relative, no `..`, no NUL, no backslash tricks.
fn safe_name(name: &str) -> Option<String> {
    if name.is_empty()
        || name.starts_with('/')
        || name.contains('\0')
        || name.contains('\\')
        || name.len() > 1024
    {
        return None;
    }
    if name
        .split('/')
        .any(|part| part == ".." || part == "." || is_drive(part))
    {
        return None;
    }
    Some(name.to_string())
}

/// A Windows drive prefix (`C:`).
fn is_drive(part: &str) -> bool {
    part.len() == 2 && part.ends_with(':')
}

/// The number of a `N_Name.txt` file.
fn numbered(file: &str) -> Option<u32> {
    file.split_once('_')?.0.parse().ok()
}

/// A job name as GitHub spells it in file names, compared loosely: letters and digits only,
/// lowercased (GitHub drops `/`, `:` and other characters from names, and cuts long ones).
fn normalize(name: &str) -> String {
    let name = name.strip_suffix(".txt").unwrap_or(name);
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a normalized file or folder name is the normalized job name (or its cut beginning).
fn same_job(file: &str, job: &str) -> bool {
    !file.is_empty() && (file == job || (file.len() >= 16 && job.starts_with(file)))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    pub(crate) fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            writer.start_file(*name, options).unwrap();
            writer.write_all(bytes).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn the_failed_steps_own_file_is_read() {
        let bytes = zip_of(&[
            ("0_build.txt", b"whole job"),
            ("build/1_Set up job.txt", b"setup"),
            ("build/4_Run tests.txt", b"the failing step"),
            ("lint/4_Run tests.txt", b"another job"),
        ]);
        let mut archive = LogArchive::open(bytes).unwrap();
        let file = archive.step_log("build", Some(4)).unwrap().unwrap();
        assert_eq!(file.name, "build/4_Run tests.txt");
        assert_eq!(file.text, "the failing step");
        // Without a step file, the job's whole log.
        let file = archive.step_log("build", Some(9)).unwrap().unwrap();
        assert_eq!(file.text, "whole job");
        assert!(archive.step_log("deploy", Some(1)).unwrap().is_none());
    }

    #[test]
    fn job_names_match_as_github_spells_them_in_file_names() {
        let bytes = zip_of(&[
            ("test (ubuntu-latest, 1.80)/3_Run cargo test.txt", b"matrix"),
            ("1_test (ubuntu-latest, 1.80).txt", b"matrix job"),
        ]);
        let mut archive = LogArchive::open(bytes).unwrap();
        let file = archive
            .step_log("test (ubuntu-latest, 1.80)", Some(3))
            .unwrap()
            .unwrap();
        assert_eq!(file.text, "matrix");
        let bytes = zip_of(&[("Build  Test/2_Compile.txt", b"slash dropped")]);
        let mut archive = LogArchive::open(bytes).unwrap();
        let file = archive.step_log("Build / Test", Some(2)).unwrap().unwrap();
        assert_eq!(file.text, "slash dropped");
    }

    #[test]
    fn names_that_leave_the_archive_are_ignored() {
        let bytes = zip_of(&[
            ("../build/4_Run tests.txt", b"climbs out"),
            ("/build/4_Run tests.txt", b"absolute"),
            ("build/../../4_x.txt", b"climbs out"),
            ("build\\4_Run tests.txt", b"backslash"),
            ("ok/1_a.txt", b"fine"),
        ]);
        let archive = LogArchive::open(bytes).unwrap();
        assert_eq!(archive.names().collect::<Vec<_>>(), ["ok/1_a.txt"]);
    }

    #[test]
    fn a_zip_bomb_stops_at_the_budget() {
        let big = vec![b'a'; 2 * 1024 * 1024];
        let bytes = zip_of(&[("build/1_Big.txt", &big)]);
        assert!(bytes.len() < 64 * 1024, "compresses well: {}", bytes.len());
        let mut archive = LogArchive::open_with_budget(bytes, 1024 * 1024).unwrap();
        let error = archive.step_log("build", Some(1)).unwrap_err();
        assert!(matches!(error, GitHubError::Archive(_)), "{error}");
        assert!(
            error.to_string().contains("more than 1048576 bytes"),
            "{error}"
        );
    }

    #[test]
    fn the_budget_counts_every_file_read() {
        let half = vec![b'b'; 600 * 1024];
        let bytes = zip_of(&[("a/1_x.txt", &half), ("b/1_y.txt", &half)]);
        let mut archive = LogArchive::open_with_budget(bytes, 1024 * 1024).unwrap();
        assert!(archive.step_log("a", Some(1)).is_ok());
        assert!(archive.step_log("b", Some(1)).is_err());
    }

    #[test]
    fn long_logs_keep_their_end_and_bad_bytes_are_replaced() {
        let mut long = vec![b'x'; MAX_FILE_KEPT + 10];
        long.extend_from_slice(b"\xff\xfeTHE END");
        let bytes = zip_of(&[("j/1_s.txt", &long)]);
        let mut archive = LogArchive::open(bytes).unwrap();
        let file = archive.step_log("j", Some(1)).unwrap().unwrap();
        assert!(file.cut);
        assert!(
            file.text.ends_with("\u{fffd}\u{fffd}THE END"),
            "{}",
            &file.text[file.text.len() - 20..]
        );
    }

    #[test]
    fn garbage_is_an_archive_error() {
        let error = LogArchive::open(b"not a zip".to_vec()).err().unwrap();
        assert!(matches!(error, GitHubError::Archive(_)));
    }

    #[test]
    fn the_failed_step_is_the_first_that_failed() {
        let job: Job = serde_json::from_value(serde_json::json!({
            "id": 1, "name": "build", "conclusion": "failure",
            "steps": [
                {"name": "Set up job", "number": 1, "conclusion": "success"},
                {"name": "Run tests", "number": 4, "conclusion": "failure"},
                {"name": "Post", "number": 5, "conclusion": "failure"}
            ]
        }))
        .unwrap();
        assert_eq!(failed_step(&job), Some((4, "Run tests".to_string())));
    }
}
