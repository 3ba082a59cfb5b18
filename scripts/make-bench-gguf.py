#!/usr/bin/env python3
"""Writes random-weight llama GGUF files of a realistic size for the local-model benchmark.

The model has about 0.5 B parameters (by default dim 1280, 24 layers, 20 heads of 64, 4 KV
heads, ff 4608) and the tokenizer of the test fixtures (a byte-level BPE of 658 tokens copied
from tests/fixtures/gguf/tiny-llama-f32.gguf), so candle and llama.cpp read the same
tokenizer and the same weights. The weights are random (no trained weights exist on these
machines): matrices N(0, 0.02), norms 1 + N(0, 0.1). Every tensor is drawn from a seed derived
from its name, so the files of different types hold the same weights before quantisation.

One file per type: matrices (token embedding and output included) in the type, norms in F32.
F16, Q8_0, Q4_0 and Q4_1 use the `gguf` package's reference quantisers; the package only
dequantises K-quants, so Q4_K and Q6_K blocks are written by this script (a plain min/max
quantiser per sub-block, not llama.cpp's error-minimising search, and checked against the
package's dequantiser). `q4_k_m` is llama.cpp's Q4_K_M mixture: Q4_K matrices, with Q6_K for
the output, and for attn_v and ffn_down on the layers llama.cpp's `use_more_bits` picks (half
of them). K-quants need every matrix's input dimension to be a multiple of 256 (dim and ff).
Output names: <out-dir>/bench-llama-0.5b-<type>.gguf.

Usage: scripts/make-bench-gguf.py [--out-dir DIR] [--types f16,q8_0,q4_0,q4_k_m,q6_k] [--tokenizer FILE]
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
    "q4_1": (gguf.GGMLQuantizationType.Q4_1, gguf.LlamaFileType.MOSTLY_Q4_1),
    "q4_k_m": (gguf.GGMLQuantizationType.Q4_K, gguf.LlamaFileType.MOSTLY_Q4_K_M),
    "q6_k": (gguf.GGMLQuantizationType.Q6_K, gguf.LlamaFileType.MOSTLY_Q6_K),
}
K_QUANTS = (gguf.GGMLQuantizationType.Q4_K, gguf.GGMLQuantizationType.Q6_K)


def f16_bytes(values):
    """(n,) float values as (n, 2) little-endian f16 bytes."""
    return np.ascontiguousarray(values.astype("<f2")).view(np.uint8).reshape(-1, 2)


def quantize_q4_k(array):
    """Q4_K blocks of 256 (d, dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles):
    8 sub-blocks of 32 with w = d * scale * q - dmin * min, q in 0..15."""
    rows, cols = array.shape
    x = array.reshape(-1, 8, 32).astype(np.float32)
    low = np.minimum(x.min(axis=2), 0.0)
    high = x.max(axis=2)
    sub_scale = (high - low) / 15.0
    sub_min = -low
    d = sub_scale.max(axis=1) / 63.0
    dmin = sub_min.max(axis=1) / 63.0
    d = d.astype(np.float16).astype(np.float32)
    dmin = dmin.astype(np.float16).astype(np.float32)
    safe = lambda v: np.where(v == 0, 1.0, v)
    sc = np.clip(np.rint(sub_scale / safe(d)[:, None]), 0, 63).astype(np.uint8)
    mn = np.clip(np.rint(sub_min / safe(dmin)[:, None]), 0, 63).astype(np.uint8)
    step = d[:, None] * sc
    q = np.rint((x + (dmin[:, None] * mn)[:, :, None]) / safe(step)[:, :, None])
    q = np.clip(q, 0, 15).astype(np.uint8)
    scales = np.zeros((x.shape[0], 12), dtype=np.uint8)
    scales[:, 0:4] = (sc[:, 0:4] & 63) | ((sc[:, 4:8] >> 4) << 6)
    scales[:, 4:8] = (mn[:, 0:4] & 63) | ((mn[:, 4:8] >> 4) << 6)
    scales[:, 8:12] = (sc[:, 4:8] & 0xF) | ((mn[:, 4:8] & 0xF) << 4)
    # 4 chunks of 64 values: low nibbles sub-block 2i, high nibbles sub-block 2i + 1.
    qs = (q[:, 0::2, :] | (q[:, 1::2, :] << 4)).reshape(-1, 128)
    blocks = np.concatenate([f16_bytes(d), f16_bytes(dmin), scales, qs], axis=1)
    return blocks.reshape(rows, -1)


def quantize_q6_k(array):
    """Q6_K blocks of 256 (128 bytes low nibbles, 64 bytes high 2 bits, 16 int8 scales, d):
    16 sub-blocks of 16 with w = d * scale * (q - 32), q in 0..63."""
    rows, cols = array.shape
    x = array.reshape(-1, 16, 16).astype(np.float32)
    sub_scale = np.abs(x).max(axis=2) / 31.0
    d = (sub_scale.max(axis=1) / 127.0).astype(np.float16).astype(np.float32)
    safe = lambda v: np.where(v == 0, 1.0, v)
    sc = np.clip(np.rint(sub_scale / safe(d)[:, None]), 0, 127).astype(np.int8)
    step = d[:, None] * sc.astype(np.float32)
    q = np.clip(np.rint(x / safe(step)[:, :, None]) + 32, 0, 63).astype(np.uint8)
    q = q.reshape(-1, 2, 4, 32)  # halves of 128, quarters of 32 values
    ql = np.concatenate([(q[:, :, 0] & 0xF) | ((q[:, :, 2] & 0xF) << 4),
                         (q[:, :, 1] & 0xF) | ((q[:, :, 3] & 0xF) << 4)], axis=2).reshape(-1, 128)
    qh = ((q[:, :, 0] >> 4) | ((q[:, :, 1] >> 4) << 2) | ((q[:, :, 2] >> 4) << 4)
          | ((q[:, :, 3] >> 4) << 6)).reshape(-1, 64)
    blocks = np.concatenate([ql, qh, sc.view(np.uint8), f16_bytes(d)], axis=1)
    return blocks.reshape(rows, -1)


def quantize(array, qtype):
    if qtype == gguf.GGMLQuantizationType.Q4_K:
        return quantize_q4_k(array)
    if qtype == gguf.GGMLQuantizationType.Q6_K:
        return quantize_q6_k(array)
    return gguf.quantize(array, qtype)


def use_more_bits(layer, layers):
    """llama.cpp's choice of the layers whose attn_v and ffn_down get more bits in *_K_M."""
    return layer < layers // 8 or layer >= 7 * layers // 8 or (layer - layers // 8) % 3 == 2


def tensor_type(name, type_name, qtype, layers):
    """The type of matrix `name` in a file of `type_name` (llama.cpp's mixture for q4_k_m)."""
    if type_name != "q4_k_m":
        return qtype
    if name == "output.weight":
        return gguf.GGMLQuantizationType.Q6_K
    if name.endswith(("attn_v.weight", "ffn_down.weight")):
        layer = int(name.split(".")[1])
        if use_more_bits(layer, layers):
            return gguf.GGMLQuantizationType.Q6_K
    return qtype

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
        kind = tensor_type(name, type_name, qtype, args.layers)
        if is_matrix and kind != gguf.GGMLQuantizationType.F32:
            writer.add_tensor(name, quantize(array, kind), raw_dtype=kind)
        else:
            writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(path)
    return path


def check_k_quants():
    """The hand-written K-quant blocks decode (with the gguf package) to the input, roughly."""
    x = matrix("check", 8, 512)
    for qtype, writer, tolerance in ((gguf.GGMLQuantizationType.Q4_K, quantize_q4_k, 0.15),
                                     (gguf.GGMLQuantizationType.Q6_K, quantize_q6_k, 0.03)):
        back = gguf.dequantize(writer(x), qtype)
        error = np.abs(back - x).max() / np.abs(x).max()
        print(f"{qtype.name}: {writer(x).shape[1]} bytes per row of 512, max error {error:.4f} of max |w|",
              file=sys.stderr)
        if not error < tolerance:
            sys.exit(f"{qtype.name} blocks do not decode to the weights (error {error:.3f})")


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
    parser.add_argument("--context", type=int, default=8192)
    parser.add_argument("--check", action="store_true",
                        help="check the K-quant writers against the gguf package's dequantiser first")
    args = parser.parse_args()

    tokenizer_fields = read_tokenizer(args.tokenizer)
    tokens = next(value for key, _, value in tokenizer_fields if key == "tokenizer.ggml.tokens")
    args.vocab = len(tokens)
    if args.dim % args.heads or args.dim % 32 or args.ff % 32:
        sys.exit("dim must be a multiple of heads and of 32, ff a multiple of 32")
    types = [name.strip().lower() for name in args.types.split(",")]
    for type_name in types:
        if type_name not in TYPES:
            sys.exit(f"unknown type {type_name!r}; expected one of {', '.join(TYPES)}")
        if TYPES[type_name][0] in K_QUANTS and (args.dim % 256 or args.ff % 256):
            sys.exit(f"{type_name} needs dim and ff to be multiples of 256")
    if args.check:
        check_k_quants()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    print(f"{parameter_count(args) / 1e9:.3f} B parameters, vocab {args.vocab}", file=sys.stderr)
    for type_name in types:
        path = write(args, type_name, tokenizer_fields)
        print(path)


if __name__ == "__main__":
    main()
