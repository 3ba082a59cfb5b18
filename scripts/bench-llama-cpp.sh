#!/usr/bin/env bash
# Candle (the `local` backend) against llama.cpp on the same GGUF files, the same token ids and
# the same thread count: prefill tokens/s of a 256-token prompt, decode tokens/s of 128 greedy
# tokens, and the prefill of a 50-token new turn after a 1000-token conversation with and
# without KV-cache reuse (see docs/benchmarks-models.md). Rates are given per wall-clock second
# and per CPU second of the process; on a busy machine run it with AGENT_BENCH_THREADS=1 as well,
# where tokens per CPU second hardly depend on the other processes.
#
# Usage: scripts/bench-llama-cpp.sh [FILE.gguf ...]
#
# Without files it benchmarks target/bench-gguf/bench-llama-0.5b-{q8_0,q4_0}.gguf, writing them
# with scripts/make-bench-gguf.py first when they are missing.
#
# llama.cpp comes from the llama-cpp-python package, which compiles llama.cpp from source on
# install (about 16 minutes on 2 cores):
#   python3 -m venv ~/bench-venv
#   CMAKE_BUILD_PARALLEL_LEVEL=2 ~/bench-venv/bin/pip install llama-cpp-python gguf numpy
#
# Environment:
#   AGENT_BENCH_PYTHON=PATH     the Python with llama_cpp, gguf and numpy (default: python3)
#   AGENT_BENCH_THREADS=N       threads for both engines (default 2)
#   AGENT_BENCH_REPS=N          timed repetitions, median reported (default 5)
#   AGENT_BENCH_TURN_REPS=N     repetitions of the turn-N measurement (default 3)
#   AGENT_BENCH_PROMPT, AGENT_BENCH_DECODE, AGENT_BENCH_PREFIX, AGENT_BENCH_TURN
#                               the shapes (defaults 256, 128, 1000, 50)
#   AGENT_BENCH_FLASH_ATTN=1    llama.cpp with flash attention (llama-cpp-python's default is off;
#                               candle's quantized llama has none either); its rows are labelled
#   AGENT_BENCH_ENGINES=LIST    "llama.cpp,candle" (default both), to rerun one side
#   AGENT_BENCH_RESULTS=FILE    JSON lines of every run (default target/bench-gguf/results.jsonl;
#                               appended to, so that a rerun of one side still finds the other)
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
python=${AGENT_BENCH_PYTHON:-python3}
export AGENT_BENCH_THREADS=${AGENT_BENCH_THREADS:-2}
export AGENT_BENCH_REPS=${AGENT_BENCH_REPS:-5}
export AGENT_BENCH_TURN_REPS=${AGENT_BENCH_TURN_REPS:-3}
export AGENT_BENCH_PROMPT=${AGENT_BENCH_PROMPT:-256}
export AGENT_BENCH_DECODE=${AGENT_BENCH_DECODE:-128}
export AGENT_BENCH_PREFIX=${AGENT_BENCH_PREFIX:-1000}
export AGENT_BENCH_TURN=${AGENT_BENCH_TURN:-50}
engines=${AGENT_BENCH_ENGINES:-llama.cpp,candle}
results=${AGENT_BENCH_RESULTS:-$root/target/bench-gguf/results.jsonl}
mkdir -p "$(dirname "$results")"
export AGENT_BENCH_JSON=$results

if ! "$python" -c 'import llama_cpp, numpy' 2>/dev/null; then
    echo "$python cannot import llama_cpp and numpy; set AGENT_BENCH_PYTHON to a Python with" >&2
    echo "llama-cpp-python installed (see the top of this script)" >&2
    exit 1
fi

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
    files=("$root/target/bench-gguf/bench-llama-0.5b-q8_0.gguf" "$root/target/bench-gguf/bench-llama-0.5b-q4_0.gguf")
    missing=()
    for file in "${files[@]}"; do
        [[ -f "$file" ]] || missing+=("$(basename "$file" .gguf | sed 's/^bench-llama-0.5b-//')")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        echo "writing the benchmark models (${missing[*]})…" >&2
        "$python" scripts/make-bench-gguf.py --types "$(IFS=,; echo "${missing[*]}")" >&2
    fi
fi

run_llama_cpp() {
    "$python" - "$1" <<'PYTHON'
"""llama.cpp through llama-cpp-python, measured like models/benches/local_decode.rs."""
import json
import os
import statistics
import sys
import time

import numpy as np
import llama_cpp

path = sys.argv[1]
env = lambda name: int(os.environ[name])
threads, reps, turn_reps = env("AGENT_BENCH_THREADS"), env("AGENT_BENCH_REPS"), env("AGENT_BENCH_TURN_REPS")
prompt_len, decode_len = env("AGENT_BENCH_PROMPT"), env("AGENT_BENCH_DECODE")
prefix_len, turn_len = env("AGENT_BENCH_PREFIX"), env("AGENT_BENCH_TURN")
flash_attn = os.environ.get("AGENT_BENCH_FLASH_ATTN") == "1"

start = time.perf_counter()
llm = llama_cpp.Llama(
    model_path=path,
    n_ctx=2048,
    n_batch=512,
    n_threads=threads,
    n_threads_batch=threads,
    flash_attn=flash_attn,
    verbose=False,
)
load_s = time.perf_counter() - start
vocab = llm.n_vocab()
name = os.path.basename(path)
print(f"loaded {name} in {load_s:.1f} s; llama-cpp-python {llama_cpp.__version__}, {threads} threads, "
      f"flash attention {'on' if flash_attn else 'off'}",
      file=sys.stderr)


def token_ids(start, count):
    """The same ids as token_ids() in models/benches/local_decode.rs."""
    return [3 + ((i * 2654435761) % (1 << 32)) % (vocab - 3) for i in range(start, start + count)]


def prefill(tokens):
    """Feeds `tokens` after the cached ones; returns the wall-clock and CPU seconds taken."""
    start, cpu = time.perf_counter(), time.process_time()
    llm.eval(tokens)
    return time.perf_counter() - start, time.process_time() - cpu


def last_logits():
    """The logits of the last evaluated token (Llama.eval keeps none without logits_all)."""
    return np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(vocab,))


def decode(count):
    """`count` greedy tokens, fed back one by one like candle's generation loop."""
    out = []
    start, cpu = time.perf_counter(), time.process_time()
    for k in range(count):
        token = int(np.argmax(last_logits()))
        out.append(token)
        if k + 1 == count:
            break
        llm.eval([token])
    return out, time.perf_counter() - start, time.process_time() - cpu


prompt = token_ids(0, prompt_len)
# Warm-up, as in the Rust bench.
llm.reset()
prefill(prompt[: min(prompt_len, 64)])
decode(8)

prefills, decodes, prefills_cpu, decodes_cpu, first_ids = [], [], [], [], None
for rep in range(reps):
    llm.reset()
    wall, cpu = prefill(prompt)
    prefills.append(prompt_len / wall)
    prefills_cpu.append(prompt_len / cpu)
    ids, wall, cpu = decode(decode_len)
    decodes.append(decode_len / wall)
    decodes_cpu.append(decode_len / cpu)
    print(f"  rep {rep + 1}/{reps}: prefill {prefills[-1]:.1f} tok/s ({prefills_cpu[-1]:.1f} per CPU-s), "
          f"decode {decodes[-1]:.1f} tok/s ({decodes_cpu[-1]:.1f} per CPU-s)", file=sys.stderr)
    first_ids = first_ids or ids[:8]

conversation = token_ids(100_000, prefix_len + turn_len)
with_reuse, without_reuse = [], []
for rep in range(turn_reps):
    llm.reset()
    llm.eval(conversation[:prefix_len])
    reused = prefill(conversation[prefix_len:])[0] * 1e3
    llm.reset()
    full = prefill(conversation)[0] * 1e3
    print(f"  turn rep {rep + 1}/{turn_reps}: with reuse {reused:.0f} ms, without {full:.0f} ms",
          file=sys.stderr)
    with_reuse.append(reused)
    without_reuse.append(full)

result = {
    "engine": "llama.cpp" + (" (flash attn)" if flash_attn else ""),
    "version": llama_cpp.__version__,
    "file": name,
    "threads": str(threads),
    "load_s": load_s,
    "prompt_tokens": prompt_len,
    "decode_tokens": decode_len,
    "reps": reps,
    "prefill_tok_s": statistics.median(prefills),
    "decode_tok_s": statistics.median(decodes),
    "prefill_tok_per_cpu_s": statistics.median(prefills_cpu),
    "decode_tok_per_cpu_s": statistics.median(decodes_cpu),
    "prefill_tok_s_all": prefills,
    "decode_tok_s_all": decodes,
    "prefix_tokens": prefix_len,
    "turn_tokens": turn_len,
    "turn_with_reuse_ms": statistics.median(with_reuse),
    "turn_without_reuse_ms": statistics.median(without_reuse),
    "turn_with_reuse_ms_all": with_reuse,
    "turn_without_reuse_ms_all": without_reuse,
    "first_ids": first_ids,
    "loadavg": open("/proc/loadavg").read().strip(),
}
print(f"llama.cpp {name}: prefill {result['prefill_tok_s']:.1f} tok/s, "
      f"decode {result['decode_tok_s']:.1f} tok/s, turn N {result['turn_with_reuse_ms']:.0f} ms "
      f"with reuse / {result['turn_without_reuse_ms']:.0f} ms without; first ids {first_ids}")
with open(os.environ["AGENT_BENCH_JSON"], "a") as out:
    out.write(json.dumps(result) + "\n")
PYTHON
}

if [[ ",$engines," == *",llama.cpp,"* ]]; then
    "$python" -c 'import llama_cpp; print(llama_cpp.llama_print_system_info().decode())' >&2 || true
fi
if [[ ",$engines," == *",candle,"* ]]; then
    echo "building the local_decode bench (release)…" >&2
    # Built once and then run directly, so that no rebuild lands between two measurements.
    bench=$(cargo bench -p agent-models --bench local_decode --no-run --message-format=json \
        | "$python" -c 'import json, sys
for line in sys.stdin:
    if line.startswith("{"):
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable") \
                and message["target"]["name"] == "local_decode":
            print(message["executable"])')
    [[ -x "$bench" ]] || { echo "cannot find the local_decode bench executable" >&2; exit 1; }
fi

for file in "${files[@]}"; do
    file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
    if [[ ",$engines," == *",llama.cpp,"* ]]; then
        echo "== llama.cpp: $file" >&2
        run_llama_cpp "$file"
    fi
    if [[ ",$engines," == *",candle,"* ]]; then
        echo "== candle: $file" >&2
        AGENT_BENCH_GGUF=$file RAYON_NUM_THREADS=$AGENT_BENCH_THREADS "$bench" --bench
    fi
done

# The comparison: the latest result of each engine for each file benchmarked now, at this
# thread count.
"$python" - "$results" "$AGENT_BENCH_THREADS" "${files[@]}" <<'PYTHON'
import json
import os
import sys

results_path, threads = sys.argv[1], sys.argv[2]
files = [os.path.basename(f) for f in sys.argv[3:]]
latest = {}
with open(results_path) as lines:
    for line in lines:
        if line.strip():
            row = json.loads(line)
            latest[(row["engine"], row["file"], str(row["threads"]))] = row

print()
print(f"{threads} threads; tok/s is wall-clock, 'per CPU-s' is tokens per CPU second of the process")
print()
print("| file | engine | prefill tok/s | prefill per CPU-s | decode tok/s | decode per CPU-s "
      "| turn N, KV reuse | turn N, no reuse |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
ratios = []
for name in files:
    for engine in ("llama.cpp", "llama.cpp (flash attn)", "candle"):
        row = latest.get((engine, name, threads))
        if row:
            print(f"| {name} | {engine} | {row['prefill_tok_s']:.1f} | {row['prefill_tok_per_cpu_s']:.1f} "
                  f"| {row['decode_tok_s']:.1f} | {row['decode_tok_per_cpu_s']:.1f} "
                  f"| {row['turn_with_reuse_ms']:.0f} ms | {row['turn_without_reuse_ms']:.0f} ms |")
    candle = latest.get(("candle", name, threads))
    llama = latest.get(("llama.cpp", name, threads))
    if candle and llama:
        ratios.append((name, *(candle[key] / llama[key] for key in (
            "prefill_tok_s", "prefill_tok_per_cpu_s", "decode_tok_s", "decode_tok_per_cpu_s"))))
if ratios:
    print()
    print("| file | prefill candle/llama.cpp | (per CPU-s) | decode candle/llama.cpp | (per CPU-s) "
          "| decode goal ≥ 0.9× |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name, prefill, prefill_cpu, decode, decode_cpu in ratios:
        print(f"| {name} | {prefill:.2f}× | {prefill_cpu:.2f}× | {decode:.2f}× | {decode_cpu:.2f}× "
              f"| {'met' if decode >= 0.9 else 'missed'} |")
PYTHON
