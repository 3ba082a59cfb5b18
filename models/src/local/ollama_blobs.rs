//! Finding the GGUF file of a model Ollama has pulled: `name[:tag]` → manifest → the layer of
//! type `application/vnd.ollama.image.model` → `blobs/sha256-<hex>`. The models root
//! (`$OLLAMA_MODELS` or `~/.ollama/models`) is the caller's to find.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{ModelError, Result};

/// The media type of the layer holding the GGUF weights.
pub const MODEL_MEDIA_TYPE: &str = "application/vnd.ollama.image.model";

const DEFAULT_HOST: &str = "registry.ollama.ai";
const DEFAULT_NAMESPACE: &str = "library";
const DEFAULT_TAG: &str = "latest";

/// A model reference split into its parts: `[host/][namespace/]model[:tag]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OllamaName {
    pub host: String,
    pub namespace: String,
    pub model: String,
    pub tag: String,
}

impl OllamaName {
    /// Parses `qwen2.5-coder:7b`, `user/model`, `host/user/model:tag`; missing parts get
    /// Ollama's defaults. Refuses empty parts and path tricks (`..`, backslashes).
    pub fn parse(name: &str) -> Result<Self> {
        let invalid =
            |why: &str| ModelError::InvalidRequest(format!("invalid model name `{name}`: {why}"));
        let (path, tag) = match name.rsplit_once(':') {
            Some((path, tag)) if !tag.contains('/') => (path, tag),
            _ => (name, DEFAULT_TAG),
        };
        let parts: Vec<&str> = path.split('/').collect();
        let (host, namespace, model) = match parts.as_slice() {
            [model] => (DEFAULT_HOST, DEFAULT_NAMESPACE, *model),
            [namespace, model] => (DEFAULT_HOST, *namespace, *model),
            [host, namespace, model] => (*host, *namespace, *model),
            _ => return Err(invalid("expected [host/][namespace/]model[:tag]")),
        };
        for part in [host, namespace, model, tag] {
            if part.is_empty() {
                return Err(invalid("a part is empty"));
            }
            if part == "." || part == ".." || part.contains('\\') || part.contains('\0') {
                return Err(invalid("a part is not a plain name"));
            }
        }
        Ok(Self {
            host: host.to_string(),
            namespace: namespace.to_string(),
            model: model.to_string(),
            tag: tag.to_string(),
        })
    }

    /// The manifest file under `models_root`.
    pub fn manifest_path(&self, models_root: &Path) -> PathBuf {
        models_root
            .join("manifests")
            .join(&self.host)
            .join(&self.namespace)
            .join(&self.model)
            .join(&self.tag)
    }
}

#[derive(Debug, Deserialize)]
struct Manifest {
    #[serde(default)]
    layers: Vec<Layer>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Layer {
    media_type: String,
    digest: String,
}

/// The GGUF blob of the pulled model `name` under `models_root`.
pub fn resolve_ollama_model(models_root: &Path, name: &str) -> Result<PathBuf> {
    let parsed = OllamaName::parse(name)?;
    let manifest_path = parsed.manifest_path(models_root);
    let text = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(ModelError::ModelNotFound {
                backend: "local",
                model: name.to_string(),
            });
        }
        Err(source) => {
            return Err(ModelError::Io {
                action: "read Ollama manifest",
                path: manifest_path,
                source,
            });
        }
    };
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|error| ModelError::ModelFile {
            path: manifest_path.clone(),
            message: format!("not an Ollama manifest: {error}"),
        })?;
    let layer = manifest
        .layers
        .iter()
        .find(|layer| layer.media_type == MODEL_MEDIA_TYPE)
        .ok_or_else(|| ModelError::ModelFile {
            path: manifest_path.clone(),
            message: format!("the manifest has no {MODEL_MEDIA_TYPE} layer"),
        })?;
    let hex = layer
        .digest
        .strip_prefix("sha256:")
        .filter(|hex| hex.len() == 64 && hex.bytes().all(|byte| byte.is_ascii_hexdigit()))
        .ok_or_else(|| ModelError::ModelFile {
            path: manifest_path.clone(),
            message: format!("malformed layer digest `{}`", layer.digest),
        })?;
    let blob = models_root.join("blobs").join(format!("sha256-{hex}"));
    if !blob.is_file() {
        return Err(ModelError::ModelFile {
            path: blob,
            message: format!("the blob of `{name}` is missing (pull the model again)"),
        });
    }
    Ok(blob)
}

/// Every model pulled under `models_root` whose GGUF blob is there, as `(name, blob)` sorted by
/// name: `model:tag`, `namespace/model:tag` off the default namespace, `host/namespace/model:tag`
/// off the default registry. Unreadable manifests are skipped.
pub fn list_ollama_models(models_root: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let manifests = models_root.join("manifests");
    for host in subdirectories(&manifests) {
        for namespace in subdirectories(&host) {
            for model in subdirectories(&namespace) {
                let Ok(tags) = std::fs::read_dir(&model) else {
                    continue;
                };
                for tag in tags.filter_map(|entry| entry.ok()) {
                    let parts = [&host, &namespace, &model].map(|dir| file_name(dir));
                    let name = match parts {
                        [DEFAULT_HOST, DEFAULT_NAMESPACE, model] => model.to_string(),
                        [DEFAULT_HOST, namespace, model] => format!("{namespace}/{model}"),
                        [host, namespace, model] => format!("{host}/{namespace}/{model}"),
                    };
                    let name = format!("{name}:{}", tag.file_name().to_string_lossy());
                    if let Ok(blob) = resolve_ollama_model(models_root, &name) {
                        found.push((name, blob));
                    }
                }
            }
        }
    }
    found.sort();
    found
}

fn subdirectories(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.is_dir())
                .collect()
        })
        .unwrap_or_default()
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_get_ollama_defaults() {
        let name = OllamaName::parse("qwen2.5-coder").unwrap();
        assert_eq!(
            (
                name.host.as_str(),
                name.namespace.as_str(),
                name.model.as_str(),
                name.tag.as_str()
            ),
            ("registry.ollama.ai", "library", "qwen2.5-coder", "latest")
        );
        let name = OllamaName::parse("me/model:q4").unwrap();
        assert_eq!((name.namespace.as_str(), name.tag.as_str()), ("me", "q4"));
        let name = OllamaName::parse("example.com:5000/me/model").unwrap();
        assert_eq!(name.host, "example.com:5000");
        assert_eq!(name.tag, "latest");
        assert_eq!(
            name.manifest_path(Path::new("/m")),
            Path::new("/m/manifests/example.com:5000/me/model/latest")
        );
    }

    #[test]
    fn path_tricks_are_refused() {
        for bad in ["../x", "a/b/c/d", "", "model:", "..:1", "a\\b"] {
            assert!(OllamaName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_manifest_leads_to_its_model_blob() {
        let root = tempfile::tempdir().unwrap();
        let hex = "ab".repeat(32);
        let manifest_dir = root
            .path()
            .join("manifests/registry.ollama.ai/library/tiny");
        std::fs::create_dir_all(&manifest_dir).unwrap();
        std::fs::create_dir_all(root.path().join("blobs")).unwrap();
        std::fs::write(
            manifest_dir.join("1b"),
            format!(
                r#"{{"schemaVersion":2,"layers":[
                    {{"mediaType":"application/vnd.ollama.image.template","digest":"sha256:{}","size":1}},
                    {{"mediaType":"{MODEL_MEDIA_TYPE}","digest":"sha256:{hex}","size":4}}]}}"#,
                "cd".repeat(32)
            ),
        )
        .unwrap();
        let blob = root.path().join(format!("blobs/sha256-{hex}"));
        std::fs::write(&blob, b"GGUF").unwrap();
        assert_eq!(resolve_ollama_model(root.path(), "tiny:1b").unwrap(), blob);
        // The same model listed among the pulled ones; one from another namespace too.
        let other = root.path().join("manifests/registry.ollama.ai/me/tiny");
        std::fs::create_dir_all(&other).unwrap();
        std::fs::copy(manifest_dir.join("1b"), other.join("latest")).unwrap();
        assert_eq!(
            list_ollama_models(root.path()),
            vec![
                ("me/tiny:latest".to_string(), blob.clone()),
                ("tiny:1b".to_string(), blob.clone())
            ]
        );

        let missing = resolve_ollama_model(root.path(), "tiny").unwrap_err();
        assert!(
            matches!(missing, ModelError::ModelNotFound { .. }),
            "{missing}"
        );

        std::fs::remove_file(&blob).unwrap();
        let error = resolve_ollama_model(root.path(), "tiny:1b").unwrap_err();
        assert!(error.to_string().contains("blob"), "{error}");
    }
}
