//! Opening a GGUF file: the header, typed metadata reads, the truncation check and the
//! architecture this backend can run.

use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use candle_core::quantized::gguf_file::{Content, Value};

use super::engine::EngineKind;
use crate::error::{ModelError, Result};

/// The transformer families this backend runs (the `general.architecture` metadata value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Architecture {
    /// Llama 2/3.x, Mistral, CodeLlama and other models that llama.cpp files as `llama`.
    Llama,
    /// Qwen2, Qwen2.5 and Qwen2.5-Coder (attention with q/k/v biases).
    Qwen2,
    /// Qwen3 (q/k norms, no biases).
    Qwen3,
}

impl Architecture {
    /// Every architecture this backend can run, in the order error messages list them.
    pub const SUPPORTED: [Architecture; 3] = [
        Architecture::Llama,
        Architecture::Qwen2,
        Architecture::Qwen3,
    ];

    /// The `general.architecture` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::Llama => "llama",
            Architecture::Qwen2 => "qwen2",
            Architecture::Qwen3 => "qwen3",
        }
    }

    /// The architecture named `name`, if this backend runs it.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::SUPPORTED
            .into_iter()
            .find(|architecture| architecture.as_str() == name)
    }

    /// The longest context `engine` can run, whatever the file says: candle's llama
    /// precomputes its rotary table for 4096 positions; the native engine has no limit of its
    /// own.
    pub(crate) fn engine_context_limit(self, engine: EngineKind) -> Option<u32> {
        match (engine, self) {
            (EngineKind::Candle, Architecture::Llama) => Some(4096),
            _ => None,
        }
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the header of a GGUF file says about the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelInfo {
    pub path: PathBuf,
    pub architecture: Architecture,
    /// `general.name`, when the file has one.
    pub name: Option<String>,
    /// The context the model was trained for (`<arch>.context_length`).
    pub trained_context_length: u32,
    /// The longest context this backend runs the model with (trained length, capped by the
    /// engine's own limit).
    pub max_context_length: u32,
    pub block_count: u32,
    pub embedding_length: u32,
    /// Bytes of keys and values the engine caches per token of context (f16 in the native
    /// engine, f32 in candle), when the header gives the attention shape.
    pub kv_bytes_per_token: Option<u64>,
    /// The weight type used by most of the tensor bytes (`Q4_0`, `Q8_0`, `F32`, ...).
    pub weight_type: String,
    pub file_size: u64,
    /// What this backend runs differently from llama.cpp for this file (e.g. rope scaling it
    /// ignores); empty when nothing is known to differ.
    pub notes: Vec<String>,
}

/// An open GGUF file: the parsed header and a reader positioned anywhere.
pub(crate) struct GgufFile {
    pub path: PathBuf,
    pub content: Content,
    pub reader: BufReader<File>,
    pub file_size: u64,
}

impl GgufFile {
    /// Opens `path` and reads the header, refusing files whose tensor data is cut short.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).map_err(|source| ModelError::Io {
            action: "open model file",
            path: path.to_path_buf(),
            source,
        })?;
        let file_size = file
            .metadata()
            .map_err(|source| ModelError::Io {
                action: "read the size of",
                path: path.to_path_buf(),
                source,
            })?
            .len();
        let mut reader = BufReader::new(file);
        let content = Content::read(&mut reader).map_err(|error| {
            model_file_error(
                path,
                format!(
                    "not a readable GGUF file ({})",
                    super::engine::candle_message(&error)
                ),
            )
        })?;
        let gguf = Self {
            path: path.to_path_buf(),
            content,
            reader,
            file_size,
        };
        gguf.check_tensor_data()?;
        Ok(gguf)
    }

    /// The architecture, or a `ModelFile` error naming it and the supported ones.
    pub fn architecture(&self) -> Result<Architecture> {
        let name = self.string("general.architecture")?;
        Architecture::from_name(name).ok_or_else(|| {
            let supported: Vec<&str> = Architecture::SUPPORTED
                .iter()
                .map(|architecture| architecture.as_str())
                .collect();
            self.error(format!(
                "unsupported architecture `{name}` (supported: {})",
                supported.join(", ")
            ))
        })
    }

    /// Reads the header fields of [`ModelInfo`] for the engine the CPU would run the file with.
    pub fn info(&self) -> Result<ModelInfo> {
        let architecture = self.architecture()?;
        let engine = EngineKind::choose(self, architecture, &candle_core::Device::Cpu, None)
            .unwrap_or(EngineKind::Candle);
        self.info_for(engine)
    }

    /// Reads the header fields of [`ModelInfo`] as `engine` runs the file.
    pub fn info_for(&self, engine: EngineKind) -> Result<ModelInfo> {
        let architecture = self.architecture()?;
        let arch = architecture.as_str();
        let trained_context_length = self.u32(&format!("{arch}.context_length"))?;
        let max_context_length = match architecture.engine_context_limit(engine) {
            Some(limit) => trained_context_length.min(limit),
            None => trained_context_length,
        };
        let block_count = self.u32(&format!("{arch}.block_count"))?;
        let embedding_length = self.u32(&format!("{arch}.embedding_length"))?;
        Ok(ModelInfo {
            path: self.path.clone(),
            architecture,
            name: self.optional_string("general.name").map(str::to_string),
            trained_context_length,
            max_context_length,
            block_count,
            embedding_length,
            kv_bytes_per_token: self.kv_bytes_per_token(
                arch,
                block_count,
                embedding_length,
                engine,
            ),
            weight_type: self.dominant_weight_type(),
            file_size: self.file_size,
            notes: self.engine_notes(arch, engine),
        })
    }

    /// Bytes cached per token: keys and values of every layer, `head_count_kv` heads of
    /// `key_length` (else `embedding_length / head_count`) values each, f16 in the native
    /// engine, f32 in candle.
    fn kv_bytes_per_token(
        &self,
        arch: &str,
        layers: u32,
        embedding: u32,
        engine: EngineKind,
    ) -> Option<u64> {
        let heads = self
            .optional_u32(&format!("{arch}.attention.head_count"))
            .ok()
            .flatten()?;
        let kv_heads = self
            .optional_u32(&format!("{arch}.attention.head_count_kv"))
            .ok()
            .flatten()
            .unwrap_or(heads);
        let head_dim = match self.optional_u32(&format!("{arch}.attention.key_length")) {
            Ok(Some(length)) => length,
            _ => embedding.checked_div(heads)?,
        };
        Some(crate::fit::kv_bytes_per_token(
            layers,
            kv_heads,
            head_dim,
            match engine {
                EngineKind::Native => crate::fit::F16_BYTES,
                EngineKind::Candle => crate::fit::F32_BYTES,
            },
        ))
    }

    /// A required string value.
    pub fn string(&self, key: &str) -> Result<&str> {
        match self.content.metadata.get(key) {
            Some(Value::String(text)) => Ok(text),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
            None => Err(self.missing(key)),
        }
    }

    /// A string value, `None` when absent or of another type.
    pub fn optional_string(&self, key: &str) -> Option<&str> {
        match self.content.metadata.get(key) {
            Some(Value::String(text)) => Some(text),
            _ => None,
        }
    }

    /// A required unsigned integer that fits in u32 (any integer type of the file).
    pub fn u32(&self, key: &str) -> Result<u32> {
        match self.content.metadata.get(key) {
            Some(value) => integer(value)
                .and_then(|number| u32::try_from(number).ok())
                .ok_or_else(|| self.wrong_type(key, "an unsigned 32-bit integer", value)),
            None => Err(self.missing(key)),
        }
    }

    /// An unsigned integer, `None` when absent.
    pub fn optional_u32(&self, key: &str) -> Result<Option<u32>> {
        match self.content.metadata.get(key) {
            Some(_) => self.u32(key).map(Some),
            None => Ok(None),
        }
    }

    /// A boolean, `None` when absent or of another type.
    pub fn optional_bool(&self, key: &str) -> Option<bool> {
        match self.content.metadata.get(key) {
            Some(Value::Bool(value)) => Some(*value),
            _ => None,
        }
    }

    /// A required array of strings.
    pub fn string_array(&self, key: &str) -> Result<Vec<&str>> {
        let Some(value) = self.content.metadata.get(key) else {
            return Err(self.missing(key));
        };
        let Value::Array(items) = value else {
            return Err(self.wrong_type(key, "an array of strings", value));
        };
        items
            .iter()
            .map(|item| match item {
                Value::String(text) => Ok(text.as_str()),
                other => Err(self.wrong_type(key, "an array of strings", other)),
            })
            .collect()
    }

    /// An array of integers, `None` when absent.
    pub fn optional_integer_array(&self, key: &str) -> Result<Option<Vec<i64>>> {
        let Some(value) = self.content.metadata.get(key) else {
            return Ok(None);
        };
        let Value::Array(items) = value else {
            return Err(self.wrong_type(key, "an array of integers", value));
        };
        items
            .iter()
            .map(|item| {
                integer(item).ok_or_else(|| self.wrong_type(key, "an array of integers", item))
            })
            .collect::<Result<Vec<i64>>>()
            .map(Some)
    }

    /// A `ModelFile` error about this file.
    pub fn error(&self, message: impl Into<String>) -> ModelError {
        model_file_error(&self.path, message)
    }

    fn missing(&self, key: &str) -> ModelError {
        self.error(format!("metadata key `{key}` is missing"))
    }

    fn wrong_type(&self, key: &str, expected: &str, found: &Value) -> ModelError {
        self.error(format!(
            "metadata key `{key}` should be {expected}, found {:?}",
            found.value_type()
        ))
    }

    /// Refuses a file whose tensors reach past its end (a cut-off download or copy).
    fn check_tensor_data(&self) -> Result<()> {
        for (name, info) in &self.content.tensor_infos {
            let elements = info
                .shape
                .dims()
                .iter()
                .try_fold(1u64, |product, &dim| product.checked_mul(dim as u64));
            let block_size = info.ggml_dtype.block_size() as u64;
            let bytes = elements
                .filter(|elements| elements % block_size == 0)
                .and_then(|elements| {
                    (elements / block_size).checked_mul(info.ggml_dtype.type_size() as u64)
                })
                .ok_or_else(|| {
                    self.error(format!(
                        "tensor `{name}` has an impossible shape {:?} for {:?}",
                        info.shape.dims(),
                        info.ggml_dtype
                    ))
                })?;
            let end = self
                .content
                .tensor_data_offset
                .checked_add(info.offset)
                .and_then(|start| start.checked_add(bytes));
            match end {
                Some(end) if end <= self.file_size => {}
                _ => {
                    return Err(self.error(format!(
                        "the file is truncated: tensor `{name}` needs {bytes} bytes at offset {} but the file has {} bytes",
                        self.content.tensor_data_offset.saturating_add(info.offset),
                        self.file_size
                    )));
                }
            }
        }
        Ok(())
    }

    /// Features of the file that `engine` does not apply.
    fn engine_notes(&self, arch: &str, engine: EngineKind) -> Vec<String> {
        let mut notes = Vec::new();
        if engine == EngineKind::Candle
            && self.content.tensor_infos.contains_key("rope_freqs.weight")
        {
            notes.push(
                "the rope frequency factors (rope_freqs.weight, Llama 3.1+ rope scaling) are ignored: \
                 answers may differ from llama.cpp's, most on long prompts"
                    .to_string(),
            );
        }
        if let Some(kind) = self.optional_string(&format!("{arch}.rope.scaling.type"))
            && kind != "none"
            && !(engine == EngineKind::Native && kind == "linear")
        {
            notes.push(format!(
                "rope scaling `{kind}` is ignored: keep prompts within the trained context"
            ));
        }
        notes
    }

    /// The tensor type holding the most bytes: what people call the model's quantisation.
    fn dominant_weight_type(&self) -> String {
        let mut bytes_by_type: HashMap<String, u64> = HashMap::new();
        for info in self.content.tensor_infos.values() {
            let elements = info.shape.elem_count() as u64;
            let bytes = elements / info.ggml_dtype.block_size().max(1) as u64
                * info.ggml_dtype.type_size() as u64;
            *bytes_by_type
                .entry(format!("{:?}", info.ggml_dtype))
                .or_default() += bytes;
        }
        bytes_by_type
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(name, _)| name)
            .unwrap_or_else(|| "none".to_string())
    }
}

/// A `ModelFile` error for `path`.
pub(crate) fn model_file_error(path: &Path, message: impl Into<String>) -> ModelError {
    ModelError::ModelFile {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn integer(value: &Value) -> Option<i64> {
    match *value {
        Value::U8(v) => Some(i64::from(v)),
        Value::I8(v) => Some(i64::from(v)),
        Value::U16(v) => Some(i64::from(v)),
        Value::I16(v) => Some(i64::from(v)),
        Value::U32(v) => Some(i64::from(v)),
        Value::I32(v) => Some(i64::from(v)),
        Value::U64(v) => i64::try_from(v).ok(),
        Value::I64(v) => Some(v),
        _ => None,
    }
}
