//! The native engine on broken files: wrong shapes, impossible head counts, tensors past the
//! map and garbage weights give errors (or finite-or-not logits), never a panic.

use std::path::{Path, PathBuf};

use candle_core::Device;

use super::weights::TensorTable;
use crate::error::ModelError;
use crate::local::gguf::GgufFile;
use crate::local::{EngineKind, LocalModel};

fn fixture(name: &str) -> PathBuf {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/gguf"
    ))
    .join(name)
}

fn load_native(path: &Path) -> crate::Result<LocalModel> {
    LocalModel::load_with_engine(path, &Device::Cpu, Some(EngineKind::Native))
}

/// Overwrites the 4-byte little-endian value of metadata key `key` (a u32) in a copy of a
/// fixture.
#[allow(clippy::unwrap_used)]
fn with_u32(source: &str, key: &str, value: u32, target: &Path) {
    let mut bytes = std::fs::read(fixture(source)).unwrap();
    let needle = key.as_bytes();
    let at = bytes
        .windows(needle.len())
        .position(|window| window == needle)
        .unwrap();
    // Key, then the type (u32 = 4), then the value.
    let value_at = at + needle.len() + 4;
    bytes[value_at..value_at + 4].copy_from_slice(&value.to_le_bytes());
    std::fs::write(target, bytes).unwrap();
}

#[test]
#[allow(clippy::unwrap_used)]
fn wrong_shapes_are_refused_with_the_tensor_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wide.gguf");
    with_u32("tiny-llama-q4_0.gguf", "llama.embedding_length", 96, &path);
    let error = load_native(&path).err().unwrap();
    assert!(matches!(error, ModelError::ModelFile { .. }), "{error}");
    assert!(error.to_string().contains("token_embd.weight"), "{error}");

    let path = dir.path().join("heads.gguf");
    with_u32(
        "tiny-llama-f32.gguf",
        "llama.attention.head_count",
        3,
        &path,
    );
    let error = load_native(&path).err().unwrap();
    assert!(matches!(error, ModelError::ModelFile { .. }), "{error}");
}

#[test]
#[allow(clippy::unwrap_used)]
fn a_tensor_past_the_map_is_refused() {
    let gguf = GgufFile::open(&fixture("tiny-llama-q8_0.gguf")).unwrap();
    let table = TensorTable::new(&gguf, gguf.file_size as usize);
    let last = gguf
        .content
        .tensor_infos
        .iter()
        .max_by_key(|(_, info)| info.offset)
        .map(|(name, info)| (name.clone(), info.shape.dims().to_vec()))
        .unwrap();
    let (name, dims) = last;
    let cols = *dims.last().unwrap();
    let rows = if dims.len() == 2 { Some(dims[0]) } else { None };
    if rows.is_some() {
        table.matrix(&name, rows, cols).unwrap();
    }
    let short = TensorTable::new(&gguf, gguf.file_size as usize - 1);
    let error = match rows {
        Some(_) => short.matrix(&name, rows, cols).err().unwrap(),
        None => short.vector(&[], &name, cols).err().unwrap(),
    };
    assert!(error.to_string().contains("truncated"), "{error}");
}

#[test]
#[allow(clippy::unwrap_used)]
fn garbage_weights_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    for source in ["tiny-llama-q4_0.gguf", "tiny-llama-f32.gguf"] {
        let gguf = GgufFile::open(&fixture(source)).unwrap();
        let data = gguf.content.tensor_data_offset as usize;
        drop(gguf);
        let mut bytes = std::fs::read(fixture(source)).unwrap();
        for (i, byte) in bytes[data..].iter_mut().enumerate() {
            *byte = (i as u8).wrapping_mul(151) ^ 0xA5;
        }
        let path = dir.path().join(source);
        std::fs::write(&path, bytes).unwrap();
        let mut model = load_native(&path).unwrap();
        let logits = model.logits_after(&[3, 4, 5]).unwrap();
        assert_eq!(logits.len(), 658);
        model.generate_greedy(&[3, 4, 5], 4).unwrap();
    }
}

#[test]
#[allow(clippy::unwrap_used)]
fn token_ids_outside_the_vocabulary_are_an_error() {
    let mut model = load_native(&fixture("tiny-llama-f32.gguf")).unwrap();
    let error = model.logits_after(&[1, 9999]).err().unwrap();
    assert!(error.to_string().contains("9999"), "{error}");
    // The model still works afterwards.
    assert!(
        model
            .logits_after(&[1, 2])
            .unwrap()
            .iter()
            .all(|v| v.is_finite())
    );
}

/// Decoding one token past 512 positions of context (the SIMD path) gives the logits a fresh
/// batched prefill of the same tokens gives.
#[test]
#[allow(clippy::unwrap_used)]
fn a_token_decoded_at_long_context_matches_a_batched_prefill() {
    let path = fixture("tiny-llama-f32.gguf");
    let tokens: Vec<u32> = (0..700u32).map(|i| 3 + (i * 37) % 600).collect();
    let mut stepped = load_native(&path).unwrap();
    stepped.logits_after(&tokens[..699]).unwrap();
    assert_eq!(stepped.cached_tokens().len(), 699);
    let decoded = stepped.logits_after(&tokens).unwrap();
    let mut fresh = load_native(&path).unwrap();
    let prefilled = fresh.logits_after(&tokens).unwrap();
    assert_eq!(decoded.len(), prefilled.len());
    let worst = decoded
        .iter()
        .zip(&prefilled)
        .map(|(a, b)| (a - b).abs())
        .fold(0f32, f32::max);
    assert!(worst < 1e-2, "largest logit difference {worst}");
    let argmax = |logits: &[f32]| {
        (0..logits.len())
            .max_by(|&a, &b| logits[a].total_cmp(&logits[b]))
            .unwrap()
    };
    assert_eq!(argmax(&decoded), argmax(&prefilled));
}
