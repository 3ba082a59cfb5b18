//! A tiny GGUF written by the tests whose greedy answer to any chat is one tool call.
//!
//! A llama of one layer whose attention and feed-forward weights are zero, so each position's
//! hidden state is its token's embedding: one-hot embeddings and an output matrix that maps each
//! token to the next one make the model a lookup table of successors. After the ChatML
//! generation prompt (`<|im_start|>assistant\n`) comes a token whose text is the whole call of
//! `add_numbers` (agent's tool-calling check), then `<|im_end|>`.

use std::path::Path;

/// The answer the model writes after the generation prompt.
pub const ANSWER: &str = r#"{"name":"add_numbers","arguments":{"a":2,"b":3}}"#;

const SPECIALS: [&str; 3] = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"];
const EOS: usize = 2;
/// The answer's token id: after the specials and the 256 byte tokens.
const ANSWER_ID: usize = 3 + 256;
const VOCAB: usize = ANSWER_ID + 1;
const DIM: usize = 264;
const HEADS: usize = 4;
const FF: usize = 8;
const TEMPLATE: &str = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

/// GPT-2's byte-to-character table: printable bytes stand for themselves, the others are
/// shifted above 255.
fn byte_token(byte: u8) -> String {
    let printable = (b'!'..=b'~').contains(&byte)
        || (0xA1..=0xAC).contains(&byte)
        || (0xAE..=0xFF).contains(&byte);
    if printable {
        return char::from(byte).to_string();
    }
    let shifted = (0u8..=255)
        .filter(|b| {
            !((b'!'..=b'~').contains(b) || (0xA1..=0xAC).contains(b) || (0xAE..=0xFF).contains(b))
        })
        .position(|b| b == byte)
        .unwrap_or(0);
    char::from_u32(256 + shifted as u32).unwrap().to_string()
}

/// Writes the model to `path`.
pub fn write(path: &Path) {
    let mut tokens: Vec<String> = SPECIALS.iter().map(|s| s.to_string()).collect();
    tokens.extend((0..=255u8).map(byte_token));
    tokens.push(ANSWER.to_string());
    let mut types = vec![3i32; SPECIALS.len()];
    types.extend(std::iter::repeat_n(1i32, VOCAB - SPECIALS.len()));

    let newline = 3 + usize::from(b'\n');
    let mut embeddings = vec![0f32; VOCAB * DIM];
    let mut output = vec![0f32; VOCAB * DIM];
    for token in 0..VOCAB {
        embeddings[token * DIM + token] = 1.0;
        let next = if token == newline { ANSWER_ID } else { EOS };
        output[next * DIM + token] = 20.0;
    }
    let zeros = |rows: usize, cols: usize| vec![0f32; rows * cols];
    let ones = |size: usize| vec![1f32; size];
    let tensors: Vec<(&str, Vec<usize>, Vec<f32>)> = vec![
        ("token_embd.weight", vec![DIM, VOCAB], embeddings),
        ("output_norm.weight", vec![DIM], ones(DIM)),
        ("output.weight", vec![DIM, VOCAB], output),
        ("blk.0.attn_norm.weight", vec![DIM], ones(DIM)),
        ("blk.0.attn_q.weight", vec![DIM, DIM], zeros(DIM, DIM)),
        ("blk.0.attn_k.weight", vec![DIM, DIM], zeros(DIM, DIM)),
        ("blk.0.attn_v.weight", vec![DIM, DIM], zeros(DIM, DIM)),
        ("blk.0.attn_output.weight", vec![DIM, DIM], zeros(DIM, DIM)),
        ("blk.0.ffn_norm.weight", vec![DIM], ones(DIM)),
        ("blk.0.ffn_gate.weight", vec![DIM, FF], zeros(FF, DIM)),
        ("blk.0.ffn_up.weight", vec![DIM, FF], zeros(FF, DIM)),
        ("blk.0.ffn_down.weight", vec![FF, DIM], zeros(DIM, FF)),
    ];

    let mut metadata: Vec<(&str, Value)> = vec![
        ("general.architecture", Value::Str("llama".into())),
        ("general.name", Value::Str("tiny-coder".into())),
        ("llama.context_length", Value::U32(4096)),
        ("llama.embedding_length", Value::U32(DIM as u32)),
        ("llama.block_count", Value::U32(1)),
        ("llama.feed_forward_length", Value::U32(FF as u32)),
        ("llama.attention.head_count", Value::U32(HEADS as u32)),
        ("llama.attention.head_count_kv", Value::U32(HEADS as u32)),
        (
            "llama.rope.dimension_count",
            Value::U32((DIM / HEADS) as u32),
        ),
        ("llama.rope.freq_base", Value::F32(10000.0)),
        ("llama.attention.layer_norm_rms_epsilon", Value::F32(1e-5)),
        ("general.file_type", Value::U32(0)),
        ("tokenizer.ggml.model", Value::Str("gpt2".into())),
        ("tokenizer.ggml.pre", Value::Str("gpt-2".into())),
        ("tokenizer.ggml.tokens", Value::Strings(tokens)),
        ("tokenizer.ggml.token_type", Value::I32s(types)),
        ("tokenizer.ggml.merges", Value::Strings(Vec::new())),
        ("tokenizer.ggml.bos_token_id", Value::U32(0)),
        ("tokenizer.ggml.eos_token_id", Value::U32(EOS as u32)),
        ("tokenizer.ggml.add_bos_token", Value::Bool(false)),
        ("tokenizer.chat_template", Value::Str(TEMPLATE.into())),
    ];

    let mut out = Vec::new();
    out.extend_from_slice(b"GGUF");
    out.extend_from_slice(&3u32.to_le_bytes());
    out.extend_from_slice(&(tensors.len() as u64).to_le_bytes());
    out.extend_from_slice(&(metadata.len() as u64).to_le_bytes());
    for (key, value) in metadata.drain(..) {
        string(&mut out, key);
        value.write(&mut out);
    }
    let mut offset = 0u64;
    for (name, dims, data) in &tensors {
        string(&mut out, name);
        out.extend_from_slice(&(dims.len() as u32).to_le_bytes());
        for dim in dims {
            out.extend_from_slice(&(*dim as u64).to_le_bytes());
        }
        out.extend_from_slice(&0u32.to_le_bytes()); // F32
        out.extend_from_slice(&offset.to_le_bytes());
        offset += aligned(data.len() as u64 * 4);
    }
    out.resize(aligned(out.len() as u64) as usize, 0);
    for (_, _, data) in &tensors {
        let start = out.len();
        for value in data {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.resize(start + aligned(data.len() as u64 * 4) as usize, 0);
    }
    std::fs::write(path, out).unwrap();
}

fn aligned(size: u64) -> u64 {
    size.div_ceil(32) * 32
}

fn string(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(&(text.len() as u64).to_le_bytes());
    out.extend_from_slice(text.as_bytes());
}

/// The metadata value types this file needs.
enum Value {
    U32(u32),
    F32(f32),
    Bool(bool),
    Str(String),
    Strings(Vec<String>),
    I32s(Vec<i32>),
}

impl Value {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Value::U32(value) => {
                out.extend_from_slice(&4u32.to_le_bytes());
                out.extend_from_slice(&value.to_le_bytes());
            }
            Value::F32(value) => {
                out.extend_from_slice(&6u32.to_le_bytes());
                out.extend_from_slice(&value.to_le_bytes());
            }
            Value::Bool(value) => {
                out.extend_from_slice(&7u32.to_le_bytes());
                out.push(u8::from(*value));
            }
            Value::Str(text) => {
                out.extend_from_slice(&8u32.to_le_bytes());
                string(out, text);
            }
            Value::Strings(items) => {
                out.extend_from_slice(&9u32.to_le_bytes());
                out.extend_from_slice(&8u32.to_le_bytes());
                out.extend_from_slice(&(items.len() as u64).to_le_bytes());
                for item in items {
                    string(out, item);
                }
            }
            Value::I32s(items) => {
                out.extend_from_slice(&9u32.to_le_bytes());
                out.extend_from_slice(&5u32.to_le_bytes());
                out.extend_from_slice(&(items.len() as u64).to_le_bytes());
                for item in items {
                    out.extend_from_slice(&item.to_le_bytes());
                }
            }
        }
    }
}
