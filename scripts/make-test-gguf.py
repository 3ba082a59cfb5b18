#!/usr/bin/env python3
"""Writes the tiny GGUF test fixtures in tests/fixtures/gguf/ (and the benchmark tokenizer).

Every file is random-weight (no trained weights exist on these machines; the output is gibberish
by design) but real in every other way: a byte-level BPE tokenizer with merges, trained here on a
small built-in corpus, special ChatML tokens, a ChatML chat template, and the tensors llama.cpp
expects for the architecture. Everything is drawn from fixed seeds, so running this script again
writes byte-identical files.

| file                 | architecture | weights                            |
| -------------------- | ------------ | ---------------------------------- |
| tiny-llama-f32.gguf  | llama        | F32                                |
| tiny-qwen2-f32.gguf  | qwen2        | F32, with q/k/v biases             |
| tiny-llama-q8_0.gguf | llama        | Q8_0 matrices, F32 norms           |
| tiny-llama-q4_0.gguf | llama        | Q4_0 matrices, F32 norms           |

Shape: vocab 658 (3 special tokens, 256 byte tokens, 399 merges), dim 64, 2 layers, 4 heads
of 16, 2 KV heads (grouped-query attention), ff 192, context 2,048. Weight matrices N(0, 0.15),
norms 1 + N(0, 0.1), qwen2 biases N(0, 0.5), rope base 10,000: attention, norms and biases all
change the output, so an engine that gets one of them wrong produces other tokens.

llama.cpp's reference output for these files is recorded by scripts/llama-cpp-reference.sh.

Usage: scripts/make-test-gguf.py [--out-dir DIR]
Needs: pip install gguf numpy
"""

import argparse
import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

try:
    import gguf
except ImportError:  # pragma: no cover - a setup error, not a code path
    sys.exit("make-test-gguf.py needs the `gguf` package: pip install gguf numpy")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "gguf"

SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MAX_VOCAB = 1024
SHAPE = {"dim": 64, "layers": 2, "heads": 4, "kv_heads": 2, "ff": 192, "context": 2048}
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# The text the tokenizer's merges are learned from: English prose and code, so that common words,
# keywords and indentation become single tokens as in a real coding model's vocabulary.
CORPUS = """
The quick brown fox jumps over the lazy dog. A coding agent reads the repository, edits files,
runs the tests and commits the change on a branch for review. Hello, how are you today? I am
fine, thank you. What is the capital of France? The capital of France is Paris. Please explain
what this function does and why the test fails. The error says that the value was not found.
Write a test for the parser, then fix the bug and run the check again until it passes.

fn main() {
    let x = 42;
    let name = String::from("world");
    println!("hello, {name}: {x}");
    for i in 0..10 {
        if i % 2 == 0 {
            continue;
        }
        let y = x + i;
        println!("{y}");
    }
}

pub struct Config {
    pub name: String,
    pub value: Option<u32>,
}

impl Config {
    pub fn new(name: &str) -> Self {
        Self { name: name.to_string(), value: None }
    }
}

def add(a, b):
    return a + b


class Parser:
    def __init__(self, text):
        self.text = text
        self.position = 0

    def parse(self):
        if not self.text:
            raise ValueError("empty input")
        return [line.strip() for line in self.text.splitlines()]


import os
import sys

if __name__ == "__main__":
    print(add(2, 3))
    sys.exit(0)

function greet(name) {
  const message = `Hello, ${name}!`;
  console.log(message);
  return message;
}

#include <stdio.h>
int main(void) {
    printf("hello, world\\n");
    return 0;
}
"""

PRE_TOKENIZE = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    """GPT-2's map from bytes to printable characters (byte-level BPE's alphabet)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(
        range(ord("®"), ord("ÿ") + 1)
    )
    chars = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            chars.append(256 + extra)
            extra += 1
    return {byte: chr(char) for byte, char in zip(printable, chars)}


def train_tokenizer():
    """(tokens, token types, merges) of a byte-level BPE of at most MAX_VOCAB tokens."""
    alphabet = bytes_to_unicode()
    byte_tokens = [alphabet[byte] for byte in range(256)]
    words = Counter(
        tuple(alphabet[byte] for byte in piece.encode("utf-8")) for piece in PRE_TOKENIZE.findall(CORPUS)
    )
    merges, learned = [], []
    wanted = MAX_VOCAB - len(SPECIAL_TOKENS) - len(byte_tokens)
    while len(merges) < wanted:
        pairs = Counter()
        for word, count in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += count
        if not pairs:
            break  # every word of the corpus is one token: the vocabulary is complete
        # The most frequent pair; ties go to the lexicographically smallest, so runs repeat.
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        merged = best[0] + best[1]
        merges.append(f"{best[0]} {best[1]}")
        learned.append(merged)
        new_words = Counter()
        for word, count in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(merged)
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            new_words[tuple(out)] += count
        words = new_words
    # A merge may produce a token that already exists (the same string from another split);
    # the vocabulary keeps one entry per string.
    tokens = list(SPECIAL_TOKENS) + byte_tokens
    seen = set(tokens)
    for token in learned:
        if token not in seen:
            tokens.append(token)
            seen.add(token)
    types = [int(gguf.TokenType.CONTROL)] * len(SPECIAL_TOKENS) + [int(gguf.TokenType.NORMAL)] * (
        len(tokens) - len(SPECIAL_TOKENS)
    )
    return tokens, types, merges


def add_tokenizer(writer, tokenizer):
    tokens, types, merges = tokenizer
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-2")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(0)
    writer.add_eos_token_id(2)
    writer.add_pad_token_id(0)
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)


def rng_for(seed, name):
    digest = hashlib.sha256(f"{seed}:{name}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def matrix(name, rows, cols, seed=1):
    """A weight of `rows` outputs × `cols` inputs (numpy order; GGUF stores it as [cols, rows])."""
    return (rng_for(seed, name).standard_normal((rows, cols)) * 0.15).astype(np.float32)


def vector(name, size, mean, std, seed=1):
    return (mean + rng_for(seed, name).standard_normal(size) * std).astype(np.float32)


def tensors(arch, vocab):
    """(name, array, is_matrix) for every tensor of the model, in llama.cpp's order."""
    dim, ff = SHAPE["dim"], SHAPE["ff"]
    kv_dim = dim // SHAPE["heads"] * SHAPE["kv_heads"]
    yield "token_embd.weight", matrix("token_embd.weight", vocab, dim), True
    yield "output_norm.weight", vector("output_norm.weight", dim, 1.0, 0.1), False
    yield "output.weight", matrix("output.weight", vocab, dim), True
    for layer in range(SHAPE["layers"]):
        p = f"blk.{layer}."
        yield p + "attn_norm.weight", vector(p + "attn_norm.weight", dim, 1.0, 0.1), False
        yield p + "attn_q.weight", matrix(p + "attn_q.weight", dim, dim), True
        yield p + "attn_k.weight", matrix(p + "attn_k.weight", kv_dim, dim), True
        yield p + "attn_v.weight", matrix(p + "attn_v.weight", kv_dim, dim), True
        if arch == "qwen2":
            yield p + "attn_q.bias", vector(p + "attn_q.bias", dim, 0.0, 0.5), False
            yield p + "attn_k.bias", vector(p + "attn_k.bias", kv_dim, 0.0, 0.5), False
            yield p + "attn_v.bias", vector(p + "attn_v.bias", kv_dim, 0.0, 0.5), False
        yield p + "attn_output.weight", matrix(p + "attn_output.weight", dim, dim), True
        yield p + "ffn_norm.weight", vector(p + "ffn_norm.weight", dim, 1.0, 0.1), False
        yield p + "ffn_gate.weight", matrix(p + "ffn_gate.weight", ff, dim), True
        yield p + "ffn_up.weight", matrix(p + "ffn_up.weight", ff, dim), True
        yield p + "ffn_down.weight", matrix(p + "ffn_down.weight", dim, ff), True


QUANT_TYPES = {
    "f32": (gguf.GGMLQuantizationType.F32, gguf.LlamaFileType.ALL_F32),
    "q8_0": (gguf.GGMLQuantizationType.Q8_0, gguf.LlamaFileType.MOSTLY_Q8_0),
    "q4_0": (gguf.GGMLQuantizationType.Q4_0, gguf.LlamaFileType.MOSTLY_Q4_0),
}


def write(out_dir, arch, type_name, tokenizer):
    qtype, file_type = QUANT_TYPES[type_name]
    path = out_dir / f"tiny-{arch}-{type_name}.gguf"
    tmp = path.with_suffix(".gguf.tmp")
    writer = gguf.GGUFWriter(tmp, arch)
    dim, vocab = SHAPE["dim"], len(tokenizer[0])
    writer.add_name(f"random-{arch}-d{dim}-l{SHAPE['layers']}-v{vocab}-{type_name}")
    writer.add_description(
        "Random-weight test model written by scripts/make-test-gguf.py; not trained, "
        "output is gibberish by design."
    )
    writer.add_context_length(SHAPE["context"])
    writer.add_embedding_length(dim)
    writer.add_block_count(SHAPE["layers"])
    writer.add_feed_forward_length(SHAPE["ff"])
    writer.add_head_count(SHAPE["heads"])
    writer.add_head_count_kv(SHAPE["kv_heads"])
    writer.add_rope_dimension_count(dim // SHAPE["heads"])
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(vocab)
    writer.add_file_type(int(file_type))
    add_tokenizer(writer, tokenizer)
    for name, array, is_matrix in tensors(arch, vocab):
        if is_matrix and qtype != gguf.GGMLQuantizationType.F32:
            writer.add_tensor(name, gguf.quantize(array, qtype), raw_dtype=qtype)
        else:
            writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(path)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = train_tokenizer()
    for arch, type_name in [("llama", "f32"), ("qwen2", "f32"), ("llama", "q8_0"), ("llama", "q4_0")]:
        print(write(args.out_dir, arch, type_name, tokenizer))


if __name__ == "__main__":
    main()
