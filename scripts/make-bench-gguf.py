#!/usr/bin/env python3
"""Writes random-weight llama GGUF files of a realistic size for the local-model benchmark.

The model has about 0.5 B parameters (by default dim 1280, 24 layers, 20 heads of 64, 4 KV
heads, ff 4608) and the tokenizer of the test fixtures (a byte-level BPE of 658 tokens copied
from tests/fixtures/gguf/tiny-llama-f32.gguf), so candle and llama.cpp read the same
tokenizer and the same weights. The weights are random (no trained weights exist on these
machines): matrices N(0, 0.02), norms 1 + N(0, 0.1). Every tensor is drawn from a seed derived
from its name, so the files of different types hold the same weights before quantisation.

One file per type, quantised with the `gguf` package's reference quantisers (the same block
formats llama.cpp writes): matrices (token embedding and output included) in the type, norms in
F32. Output names: <out-dir>/bench-llama-0.5b-<type>.gguf.

Usage: scripts/make-bench-gguf.py [--out-dir DIR] [--types f16,q8_0,q4_0] [--tokenizer FILE]
Needs: pip install gguf numpy
"""

import argparse
import hashlib
import sys
from pathlib import Path

import numpy as np

try:
    import gguf
except ImportError:  # pragma: no cover - a setup error, not a code path
    sys.exit("make-bench-gguf.py needs the `gguf` package: pip install gguf numpy")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TOKENIZER = ROOT / "tests" / "fixtures" / "gguf" / "tiny-llama-f32.gguf"

TYPES = {
    "f32": (gguf.GGMLQuantizationType.F32, gguf.LlamaFileType.ALL_F32),
    "f16": (gguf.GGMLQuantizationType.F16, gguf.LlamaFileType.MOSTLY_F16),
    "q8_0": (gguf.GGMLQuantizationType.Q8_0, gguf.LlamaFileType.MOSTLY_Q8_0),
    "q4_0": (gguf.GGMLQuantizationType.Q4_0, gguf.LlamaFileType.MOSTLY_Q4_0),
}

# Tokenizer keys copied as they are from the source file.
TOKENIZER_KEYS = [
    "tokenizer.ggml.model",
    "tokenizer.ggml.pre",
    "tokenizer.ggml.tokens",
    "tokenizer.ggml.token_type",
    "tokenizer.ggml.merges",
    "tokenizer.ggml.bos_token_id",
    "tokenizer.ggml.eos_token_id",
    "tokenizer.ggml.padding_token_id",
    "tokenizer.ggml.add_bos_token",
    "tokenizer.chat_template",
]


def read_tokenizer(path):
    """The tokenizer metadata of `path`: (key, value type, value) triples."""
    reader = gguf.GGUFReader(path)
    fields = []
    for key in TOKENIZER_KEYS:
        field = reader.fields.get(key)
        if field is None:
            continue
        fields.append((key, field.types, field.contents()))
    return fields


def add_field(writer, key, types, value):
    kind = types[0]
    if kind == gguf.GGUFValueType.ARRAY:
        writer.add_array(key, value)
    elif kind == gguf.GGUFValueType.STRING:
        writer.add_string(key, value)
    elif kind == gguf.GGUFValueType.UINT32:
        writer.add_uint32(key, value)
    elif kind == gguf.GGUFValueType.INT32:
        writer.add_int32(key, value)
    elif kind == gguf.GGUFValueType.BOOL:
        writer.add_bool(key, value)
    elif kind == gguf.GGUFValueType.FLOAT32:
        writer.add_float32(key, value)
    else:
        raise ValueError(f"unexpected metadata type {kind} for {key}")


def rng_for(name):
    seed = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    return np.random.default_rng(seed)


def matrix(name, rows, cols):
    """A weight of `rows` outputs × `cols` inputs (numpy order; GGUF stores it as [cols, rows])."""
    return (rng_for(name).standard_normal((rows, cols), dtype=np.float32) * 0.02).astype(np.float32)


def norm(name, size):
    return (1.0 + rng_for(name).standard_normal(size, dtype=np.float32) * 0.1).astype(np.float32)


def tensors(args):
    """(name, array, is_matrix) for every tensor of the model, in llama.cpp's order."""
    head_dim = args.dim // args.heads
    kv_dim = head_dim * args.kv_heads
    yield "token_embd.weight", matrix("token_embd.weight", args.vocab, args.dim), True
    yield "output_norm.weight", norm("output_norm.weight", args.dim), False
    yield "output.weight", matrix("output.weight", args.vocab, args.dim), True
    for layer in range(args.layers):
        p = f"blk.{layer}."
        yield p + "attn_norm.weight", norm(p + "attn_norm.weight", args.dim), False
        yield p + "attn_q.weight", matrix(p + "attn_q.weight", args.dim, args.dim), True
        yield p + "attn_k.weight", matrix(p + "attn_k.weight", kv_dim, args.dim), True
        yield p + "attn_v.weight", matrix(p + "attn_v.weight", kv_dim, args.dim), True
        yield p + "attn_output.weight", matrix(p + "attn_output.weight", args.dim, args.dim), True
        yield p + "ffn_norm.weight", norm(p + "ffn_norm.weight", args.dim), False
        yield p + "ffn_gate.weight", matrix(p + "ffn_gate.weight", args.ff, args.dim), True
        yield p + "ffn_up.weight", matrix(p + "ffn_up.weight", args.ff, args.dim), True
        yield p + "ffn_down.weight", matrix(p + "ffn_down.weight", args.dim, args.ff), True


def parameter_count(args):
    head_dim = args.dim // args.heads
    kv_dim = head_dim * args.kv_heads
    per_layer = 2 * args.dim * args.dim + 2 * kv_dim * args.dim + 3 * args.ff * args.dim + 2 * args.dim
    return 2 * args.vocab * args.dim + args.dim + args.layers * per_layer


def write(args, type_name, tokenizer_fields):
    qtype, file_type = TYPES[type_name]
    path = args.out_dir / f"bench-llama-0.5b-{type_name}.gguf"
    tmp = path.with_suffix(".gguf.tmp")
    writer = gguf.GGUFWriter(tmp, "llama")
    head_dim = args.dim // args.heads
    writer.add_name(f"random-llama-d{args.dim}-l{args.layers}-v{args.vocab}-{type_name}")
    writer.add_description(
        "Random-weight benchmark model written by scripts/make-bench-gguf.py; "
        "not trained, output is gibberish."
    )
    writer.add_context_length(args.context)
    writer.add_embedding_length(args.dim)
    writer.add_block_count(args.layers)
    writer.add_feed_forward_length(args.ff)
    writer.add_head_count(args.heads)
    writer.add_head_count_kv(args.kv_heads)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(args.vocab)
    writer.add_file_type(int(file_type))
    for key, types, value in tokenizer_fields:
        add_field(writer, key, types, value)
    for name, array, is_matrix in tensors(args):
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
    parser.add_argument("--out-dir", type=Path, default=ROOT / "target" / "bench-gguf")
    parser.add_argument("--types", default="f16,q8_0,q4_0", help="comma-separated: f32,f16,q8_0,q4_0")
    parser.add_argument("--tokenizer", type=Path, default=DEFAULT_TOKENIZER,
                        help="a GGUF whose tokenizer metadata is copied (default: the test fixture)")
    parser.add_argument("--dim", type=int, default=1280)
    parser.add_argument("--layers", type=int, default=24)
    parser.add_argument("--heads", type=int, default=20)
    parser.add_argument("--kv-heads", type=int, default=4)
    parser.add_argument("--ff", type=int, default=4608)
    parser.add_argument("--context", type=int, default=4096)
    args = parser.parse_args()

    tokenizer_fields = read_tokenizer(args.tokenizer)
    tokens = next(value for key, _, value in tokenizer_fields if key == "tokenizer.ggml.tokens")
    args.vocab = len(tokens)
    if args.dim % args.heads or args.dim % 32 or args.ff % 32:
        sys.exit("dim must be a multiple of heads and of 32, ff a multiple of 32")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    print(f"{parameter_count(args) / 1e9:.3f} B parameters, vocab {args.vocab}", file=sys.stderr)
    for type_name in args.types.split(","):
        type_name = type_name.strip().lower()
        if type_name not in TYPES:
            sys.exit(f"unknown type {type_name!r}; expected one of {', '.join(TYPES)}")
        path = write(args, type_name, tokenizer_fields)
        print(path)


if __name__ == "__main__":
    main()
