//! A failed run's failing jobs, each with its failed step and the excerpt of that step's log.

use serde::Serialize;

use super::archive::{LogArchive, failed_step};
use super::excerpt::excerpt;
use crate::github::{GitHubError, Job};

/// Conclusions of a job that count as failed.
const FAILED: &[&str] = &["failure", "timed_out"];

/// One failed job of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobFailure {
    pub job: String,
    pub job_id: u64,
    pub job_url: String,
    /// The failed step (`None`: the jobs API named none, e.g. a job that timed out).
    pub step: Option<String>,
    pub step_number: Option<u32>,
    /// The archive file the excerpt comes from (`None`: the archive had no log for the job).
    pub log_file: Option<String>,
    /// The part of the log that shows the failure (untrusted text).
    pub excerpt: String,
}

/// The failed jobs of `jobs`, each with the excerpt read from `archive` (the run's logs zip).
pub fn job_failures(archive: Vec<u8>, jobs: &[Job]) -> Result<Vec<JobFailure>, GitHubError> {
    let mut archive = LogArchive::open(archive)?;
    let mut failures = Vec::new();
    for job in jobs.iter().filter(|job| {
        job.conclusion
            .as_deref()
            .is_some_and(|c| FAILED.contains(&c))
    }) {
        let step = failed_step(job);
        let file = archive.step_log(&job.name, step.as_ref().map(|(number, _)| *number))?;
        let (log_file, text) = match file {
            Some(file) => {
                let whole_job = !file.name.contains('/');
                let text = excerpt(&file.text, whole_job);
                (Some(file.name), text)
            }
            None => (None, String::new()),
        };
        failures.push(JobFailure {
            job: job.name.clone(),
            job_id: job.id,
            job_url: job.html_url.clone(),
            step_number: step.as_ref().map(|(number, _)| *number),
            step: step.map(|(_, name)| name),
            log_file,
            excerpt: text,
        });
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;

    use super::*;

    fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in files {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .unwrap();
            writer.write_all(text.as_bytes()).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn jobs() -> Vec<Job> {
        serde_json::from_value(serde_json::json!([
            {"id": 1, "name": "lint", "conclusion": "success", "steps": [
                {"name": "Run clippy", "number": 3, "conclusion": "success"}]},
            {"id": 2, "name": "test", "conclusion": "failure", "html_url": "https://gh/j/2", "steps": [
                {"name": "Set up job", "number": 1, "conclusion": "success"},
                {"name": "Run cargo test", "number": 3, "conclusion": "failure"}]},
            {"id": 3, "name": "docs", "conclusion": "timed_out", "steps": []}
        ]))
        .unwrap()
    }

    #[test]
    fn each_failed_job_gets_its_failed_steps_excerpt() {
        let archive = zip_of(&[
            ("lint/3_Run clippy.txt", "2024-01-01T00:00:00Z all good\n"),
            ("test/1_Set up job.txt", "2024-01-01T00:00:00Z runner\n"),
            (
                "test/3_Run cargo test.txt",
                "2024-01-01T00:00:00Z running 2 tests\n2024-01-01T00:00:00Z test adds ... FAILED\n2024-01-01T00:00:01Z ##[error]Process completed with exit code 101.\n",
            ),
        ]);
        let failures = job_failures(archive, &jobs()).unwrap();
        assert_eq!(failures.len(), 2);
        let test = &failures[0];
        assert_eq!(test.job, "test");
        assert_eq!(test.step.as_deref(), Some("Run cargo test"));
        assert_eq!(test.log_file.as_deref(), Some("test/3_Run cargo test.txt"));
        assert!(
            test.excerpt.contains("test adds ... FAILED"),
            "{}",
            test.excerpt
        );
        assert!(test.excerpt.contains("##[error]Process completed"));
        assert!(!test.excerpt.contains("runner"));
        let docs = &failures[1];
        assert_eq!(docs.job, "docs");
        assert_eq!(docs.step, None);
        assert_eq!(docs.log_file, None);
    }
}
