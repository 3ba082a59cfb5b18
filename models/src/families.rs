//! Known model families, read from `data/families.toml`: the shapes that decide memory use
//! (parameters, layers, KV heads) and where each size can be fetched.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::{ModelError, Result};

/// The families file compiled into the binary.
pub const BUILTIN_FAMILIES: &str = include_str!("../data/families.toml");

/// The parsed families file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Catalog {
    /// Bits per weight of each quantisation.
    pub quantizations: BTreeMap<String, f64>,
    #[serde(rename = "family")]
    pub families: Vec<Family>,
}

/// A model family (Qwen2.5-Coder, Llama 3.2, ...).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Family {
    pub name: String,
    pub description: String,
    /// Trained for code.
    pub coder: bool,
    /// Calls tools natively.
    pub tools: bool,
    pub sizes: Vec<SizeSpec>,
}

/// One size of a family.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SizeSpec {
    pub tag: String,
    /// Parameters, in billions.
    pub parameters: f64,
    pub layers: u32,
    pub kv_heads: u32,
    pub head_dim: u32,
    /// Native context window, tokens.
    pub context: u32,
    pub ollama: String,
    /// `owner/repo/file.gguf` with `{quant}` (lower case) or `{QUANT}` (as named) to fill in.
    pub gguf: String,
}

impl SizeSpec {
    /// Bytes of the weights at `bits_per_weight`.
    pub fn weight_bytes(&self, bits_per_weight: f64) -> u64 {
        (self.parameters * 1e9 * bits_per_weight / 8.0) as u64
    }

    /// Bytes of an f16 KV cache holding `context` tokens: keys and values for every layer.
    pub fn kv_cache_bytes(&self, context: u32) -> u64 {
        2 * u64::from(self.layers)
            * u64::from(self.kv_heads)
            * u64::from(self.head_dim)
            * u64::from(context)
            * 2
    }

    /// The GGUF reference for a quantisation.
    pub fn gguf_reference(&self, quantization: &str) -> String {
        self.gguf
            .replace("{quant}", &quantization.to_lowercase())
            .replace("{QUANT}", quantization)
    }

    /// The Ollama tag for a quantisation: the default tag is Q4_K_M.
    pub fn ollama_tag(&self, quantization: &str) -> String {
        if quantization == "Q4_K_M" {
            self.ollama.clone()
        } else {
            format!("{}-instruct-{}", self.ollama, quantization.to_lowercase())
        }
    }
}

impl Catalog {
    /// The built-in catalog.
    pub fn builtin() -> Result<Self> {
        Self::parse(BUILTIN_FAMILIES)
    }

    /// Parses a families file.
    pub fn parse(text: &str) -> Result<Self> {
        toml::from_str(text)
            .map_err(|e| ModelError::InvalidRequest(format!("invalid families data: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalog_parses_and_is_consistent() {
        let catalog = Catalog::builtin().unwrap();
        assert!(catalog.quantizations.contains_key("Q4_K_M"));
        for family in &catalog.families {
            assert!(!family.sizes.is_empty(), "{}", family.name);
            for size in &family.sizes {
                assert!(size.parameters > 0.0 && size.layers > 0 && size.kv_heads > 0);
                assert!(size.gguf.ends_with(".gguf"), "{}", size.gguf);
                assert!(size.ollama.starts_with(&family.name), "{}", size.ollama);
            }
        }
    }

    #[test]
    fn memory_arithmetic() {
        let catalog = Catalog::builtin().unwrap();
        let qwen = &catalog
            .families
            .iter()
            .find(|f| f.name == "qwen2.5-coder")
            .unwrap()
            .sizes;
        let seven = qwen.iter().find(|s| s.tag == "7b").unwrap();
        // 7.62e9 weights at 4.89 bits ≈ 4.66 GB.
        let weights = seven.weight_bytes(4.89);
        assert!(
            (4_600_000_000..4_700_000_000).contains(&weights),
            "{weights}"
        );
        // 2 (k and v) × 28 layers × 4 heads × 128 dims × 2 bytes = 57,344 bytes per token.
        assert_eq!(seven.kv_cache_bytes(1), 57_344);
        assert_eq!(
            seven.gguf_reference("Q8_0"),
            "Qwen/Qwen2.5-Coder-7B-Instruct-GGUF/qwen2.5-coder-7b-instruct-q8_0.gguf"
        );
        assert_eq!(seven.ollama_tag("Q4_K_M"), "qwen2.5-coder:7b");
        assert_eq!(seven.ollama_tag("Q8_0"), "qwen2.5-coder:7b-instruct-q8_0");
    }
}
