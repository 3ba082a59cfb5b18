//! What `agent models pull` accepts for a GGUF: an `http(s)://` URL or a Hugging Face
//! `owner/repo/path/file.gguf` reference.

use crate::error::{ModelError, Result};

/// Hugging Face's address; the `HF_ENDPOINT` environment variable (read by the caller) replaces it.
pub const HF_ENDPOINT_DEFAULT: &str = "https://huggingface.co";

/// The download URL and the file name for a reference.
pub fn resolve_reference(reference: &str, hf_endpoint: &str) -> Result<(String, String)> {
    let reference = reference.trim();
    if reference.starts_with("https://") || reference.starts_with("http://") {
        let name = reference
            .split(['?', '#'])
            .next()
            .and_then(|path| path.rsplit('/').next())
            .filter(|name| name.ends_with(".gguf"))
            .ok_or_else(|| invalid(reference))?;
        return Ok((reference.to_string(), name.to_string()));
    }
    let mut parts = reference.splitn(3, '/');
    let (Some(owner), Some(repo), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid(reference));
    };
    let valid = |s: &str| !s.is_empty() && !s.contains("..") && !s.starts_with('.');
    if !valid(owner) || !valid(repo) || !valid(path) || !path.ends_with(".gguf") {
        return Err(invalid(reference));
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let endpoint = hf_endpoint.trim_end_matches('/');
    Ok((
        format!("{endpoint}/{owner}/{repo}/resolve/main/{path}"),
        name.to_string(),
    ))
}

fn invalid(reference: &str) -> ModelError {
    ModelError::InvalidRequest(format!(
        "`{reference}` is not a GGUF reference: use an https:// URL ending in .gguf or owner/repo/file.gguf"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hugging_face_references_become_resolve_urls() {
        let (url, name) = resolve_reference(
            "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            HF_ENDPOINT_DEFAULT,
        )
        .unwrap();
        assert_eq!(
            url,
            "https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/resolve/main/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
        );
        assert_eq!(name, "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf");
        let (url, name) = resolve_reference("o/r/sub/dir/m.gguf", "http://127.0.0.1:9/").unwrap();
        assert_eq!(url, "http://127.0.0.1:9/o/r/resolve/main/sub/dir/m.gguf");
        assert_eq!(name, "m.gguf");
    }

    #[test]
    fn urls_keep_their_file_name() {
        let (url, name) = resolve_reference(
            "https://example.com/models/tiny.gguf?download=1",
            HF_ENDPOINT_DEFAULT,
        )
        .unwrap();
        assert_eq!(url, "https://example.com/models/tiny.gguf?download=1");
        assert_eq!(name, "tiny.gguf");
    }

    #[test]
    fn malformed_references_are_refused() {
        for bad in [
            "qwen2.5-coder:7b",
            "o/r",
            "o/r/model.bin",
            "../x/y.gguf",
            "https://example.com/",
            "o/r/../../etc.gguf",
        ] {
            assert!(
                resolve_reference(bad, HF_ENDPOINT_DEFAULT).is_err(),
                "{bad}"
            );
        }
    }
}
