//! Downloading GGUF files into the models directory: resumable (HTTP range requests on a
//! `.part` file), checked (size, SHA-256, GGUF magic) and atomic (renamed into place only when
//! complete), with progress reported to the caller.

mod reference;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_RANGE, ETAG, RANGE};
use sha2::{Digest, Sha256};

use crate::error::{ModelError, Result};

pub use reference::{HF_ENDPOINT_DEFAULT, resolve_reference};

const BACKEND: &str = "download server";

/// What to fetch and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadRequest {
    pub url: String,
    /// The final file; the download goes to `<dest>.part` first.
    pub dest: PathBuf,
    /// Lower-case hex SHA-256 the file must have, when known.
    pub expected_sha256: Option<String>,
}

/// Progress of a download, reported as bytes arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadProgress {
    /// Bytes on disk so far, including any resumed part.
    pub downloaded: u64,
    /// The file's full size, when the server says.
    pub total: Option<u64>,
    /// Bytes that were already on disk from an earlier, interrupted download.
    pub resumed_from: u64,
}

/// A finished download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
    pub resumed_from: u64,
}

/// The `.part` file a download of `dest` writes to.
pub fn part_path(dest: &Path) -> PathBuf {
    let mut name = dest
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".part");
    dest.with_file_name(name)
}

/// Downloads `request.url` to `request.dest`, resuming a `.part` file left by an earlier attempt.
/// The file is checked (size against the server's, SHA-256 against the expected hash or the
/// server's ETag when that is one, GGUF magic) before it is renamed into place; a file that fails
/// a check is deleted so the next attempt starts clean.
pub async fn download(
    client: &reqwest::Client,
    request: &DownloadRequest,
    mut progress: impl FnMut(DownloadProgress),
) -> Result<Downloaded> {
    let part = part_path(&request.dest);
    if let Some(dir) = request.dest.parent() {
        std::fs::create_dir_all(dir).map_err(io("create directory", dir))?;
    }
    let mut resumed_from = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let mut builder = client.get(&request.url);
    if resumed_from > 0 {
        builder = builder.header(RANGE, format!("bytes={resumed_from}-"));
    }
    let response = builder
        .send()
        .await
        .map_err(|source| ModelError::Unreachable {
            backend: BACKEND,
            url: request.url.clone(),
            source: Box::new(source),
        })?;
    let status = response.status();
    if status == StatusCode::RANGE_NOT_SATISFIABLE && resumed_from > 0 {
        // The part may already be whole: the server says how long the file is.
        let total = content_range_total(&response);
        if total == Some(resumed_from) {
            progress(DownloadProgress {
                downloaded: resumed_from,
                total,
                resumed_from,
            });
            return finish(
                &part,
                request,
                total,
                server_sha256(&response),
                resumed_from,
            );
        }
        std::fs::remove_file(&part).map_err(io("remove", &part))?;
        return Err(ModelError::Http {
            backend: BACKEND,
            status: status.as_u16(),
            message: "the partial download does not match the file on the server; it was removed, try again".into(),
        });
    }
    if !status.is_success() {
        return Err(ModelError::Http {
            backend: BACKEND,
            status: status.as_u16(),
            message: format!("GET {}", request.url),
        });
    }
    let append = status == StatusCode::PARTIAL_CONTENT && resumed_from > 0;
    if !append {
        resumed_from = 0; // the server sent the whole file
    }
    let total = if append {
        content_range_total(&response)
    } else {
        response.content_length()
    };
    let etag_sha256 = server_sha256(&response);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(&part)
        .map_err(io("open", &part))?;
    let mut downloaded = resumed_from;
    progress(DownloadProgress {
        downloaded,
        total,
        resumed_from,
    });
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| ModelError::Protocol {
            backend: BACKEND,
            message: format!("the download stopped after {downloaded} bytes ({e}); run the same command to resume"),
        })?;
        file.write_all(&chunk).map_err(io("write", &part))?;
        downloaded += chunk.len() as u64;
        progress(DownloadProgress {
            downloaded,
            total,
            resumed_from,
        });
    }
    file.sync_all().map_err(io("sync", &part))?;
    drop(file);
    finish(&part, request, total, etag_sha256, resumed_from)
}

/// Checks the complete `.part` file and renames it into place.
fn finish(
    part: &Path,
    request: &DownloadRequest,
    total: Option<u64>,
    etag_sha256: Option<String>,
    resumed_from: u64,
) -> Result<Downloaded> {
    let size = std::fs::metadata(part).map_err(io("read", part))?.len();
    if let Some(total) = total
        && size != total
    {
        return Err(ModelError::Protocol {
            backend: BACKEND,
            message: format!("got {size} of {total} bytes; run the same command to resume"),
        });
    }
    let sha256 = hash_file(part)?;
    let expected = request.expected_sha256.clone().or(etag_sha256);
    let reject = |message: String| -> ModelError {
        let _ = std::fs::remove_file(part);
        ModelError::ModelFile {
            path: request.dest.clone(),
            message,
        }
    };
    if let Some(expected) = expected
        && !expected.eq_ignore_ascii_case(&sha256)
    {
        return Err(reject(format!(
            "SHA-256 is {sha256}, expected {expected}; the download was removed"
        )));
    }
    let mut magic = [0u8; 4];
    let read = std::fs::File::open(part).and_then(|mut f| f.read_exact(&mut magic));
    if read.is_err() || &magic != b"GGUF" {
        return Err(reject(
            "not a GGUF file (no GGUF magic); the download was removed".into(),
        ));
    }
    std::fs::rename(part, &request.dest).map_err(io("rename into place", &request.dest))?;
    Ok(Downloaded {
        path: request.dest.clone(),
        size,
        sha256,
        resumed_from,
    })
}

fn hash_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(io("read", path))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer).map_err(io("read", path))?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// The total size from `Content-Range: bytes a-b/total` (or `bytes */total`).
fn content_range_total(response: &reqwest::Response) -> Option<u64> {
    let value = response.headers().get(CONTENT_RANGE)?.to_str().ok()?;
    value.rsplit_once('/')?.1.trim().parse().ok()
}

/// Hugging Face serves LFS files with the SHA-256 as ETag (`X-Linked-Etag` on redirects).
fn server_sha256(response: &reqwest::Response) -> Option<String> {
    ["x-linked-etag", ETAG.as_str()].iter().find_map(|name| {
        let value = response.headers().get(*name)?.to_str().ok()?;
        let value = value.trim_start_matches("W/").trim_matches('"');
        (value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| value.to_lowercase())
    })
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ModelError {
    let path = path.to_path_buf();
    move |source| ModelError::Io {
        action,
        path,
        source,
    }
}

#[cfg(test)]
mod tests;
