#!/usr/bin/env bash
# agent's in-process engine against llama.cpp, interleaved (llama.cpp, agent, llama.cpp, agent…
# per repetition, each run a fresh process) on the same GGUF files, the same token ids and the
# same thread count; writes the comparison table into docs/benchmarks-models.md between its
# markers. Per file: prefill and decode tokens/s, time to first token (a cold process: load +
# prefill of the prompt), and decode tokens/s at 2k and 4k tokens of context.
# Rows also record tokens per CPU second of each process (all threads) and agent's peak RSS;
# the table script shows both under the main table.
#
# Usage: scripts/bench-engines.sh [FILE.gguf ...]
#
# Without files: SmolLM2-135M-Instruct Q4_1 (scripts/fetch-test-model.sh) and the random-weight
# 0.5B llama in Q4_0, Q4_K_M, Q6_K, Q8_0 and F16 (scripts/make-bench-gguf.py writes the missing
# ones; it needs a Python with `gguf` and `numpy`: AGENT_BENCH_PYTHON).
#
# llama.cpp: the prebuilt CPU binaries of the npm package node-llama-cpp (installed once into
# target/llama-cpp-node; Node 20+ and npm, nothing compiled). agent: the `engine_compare` bench
# of agent-models, built once with the bench profile before the first measurement; it runs
# whichever engine the build selects (AGENT_LOCAL_ENGINE is passed through) and its rows are
# labelled with that engine's name.
#
# Every run appends one JSON line to the results file; the table is regenerated from it, so one
# engine can be rerun alone (AGENT_BENCH_ENGINES=agent) and the table keeps the other's latest
# rows. A run interrupted can be resumed: AGENT_BENCH_RUN=<the run id it printed> skips the
# (file, engine, repetition) rows that run already has.
#
# Environment (defaults in brackets):
#   AGENT_BENCH_THREADS=N        threads for both engines [2]
#   AGENT_BENCH_REPS=N           repetitions per file under 200 MB [3]
#   AGENT_BENCH_REPS_LARGE=N     repetitions per larger file [2]
#   AGENT_BENCH_DEPTH_REPS=N     of those, how many also decode at 2k and 4k of context [1]
#   AGENT_BENCH_DEPTHS=LIST      the context sizes [2048,4096]; empty for none
#   AGENT_BENCH_PROMPT=N         prompt tokens [128]; AGENT_BENCH_DECODE=N greedy tokens [64]
#   AGENT_BENCH_DEPTH_DECODE=N   greedy tokens decoded at each depth [32]
#   AGENT_BENCH_ENGINES=LIST     "llama.cpp,agent" [both]
#   AGENT_BENCH_RESULTS=FILE     JSON lines [target/bench-gguf/engines.jsonl]
#   AGENT_BENCH_RUN=ID           the run's id [a new one: UTC time]; an existing id resumes it
#   AGENT_BENCH_NOTE=TEXT        a label for this run's rows, shown under the table
#                                (e.g. "noisy: shared machine, builds running")
#   AGENT_BENCH_DOC=FILE         the Markdown file to write the table into
#                                [docs/benchmarks-models.md]; "-" prints it only
#   AGENT_BENCH_PYTHON=PATH      Python with gguf + numpy, to write missing models [python3]
#   AGENT_BENCH_TABLE_ONLY=1     regenerate the table from the results, measure nothing
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
threads=${AGENT_BENCH_THREADS:-2}
reps_small=${AGENT_BENCH_REPS:-3}
reps_large=${AGENT_BENCH_REPS_LARGE:-2}
depth_reps=${AGENT_BENCH_DEPTH_REPS:-1}
engines=${AGENT_BENCH_ENGINES:-llama.cpp,agent}
results=${AGENT_BENCH_RESULTS:-$root/target/bench-gguf/engines.jsonl}
run_id=${AGENT_BENCH_RUN:-$(date -u +%Y%m%dT%H%M%SZ)}
note=${AGENT_BENCH_NOTE:-}
doc=${AGENT_BENCH_DOC:-$root/docs/benchmarks-models.md}
python=${AGENT_BENCH_PYTHON:-python3}
export AGENT_BENCH_THREADS=$threads
export AGENT_BENCH_PROMPT=${AGENT_BENCH_PROMPT:-128}
export AGENT_BENCH_DECODE=${AGENT_BENCH_DECODE:-64}
export AGENT_BENCH_DEPTH_DECODE=${AGENT_BENCH_DEPTH_DECODE:-32}
depths=${AGENT_BENCH_DEPTHS-2048,4096}
mkdir -p "$(dirname "$results")"

# The machine, as the rows record it.
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
cores=$(nproc)
memory_gib=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
machine="${cpu:-unknown CPU}, $cores logical cores, $memory_gib GiB"

render_table() {
    python3 scripts/bench-engines-table.py "$results" "$doc" "$threads"
}

if [[ ${AGENT_BENCH_TABLE_ONLY:-} == 1 ]]; then
    render_table
    exit 0
fi

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
    files=("$(scripts/fetch-test-model.sh)")
    missing=()
    for type in q4_0 q4_k_m q6_k q8_0 f16; do
        file=$root/target/bench-gguf/bench-llama-0.5b-$type.gguf
        [[ -f $file ]] || missing+=("$type")
        files+=("$file")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        echo "writing the benchmark models (${missing[*]})…" >&2
        "$python" scripts/make-bench-gguf.py --check --types "$(IFS=,; echo "${missing[*]}")" >&2
    fi
fi

want() { [[ ",$engines," == *",$1,"* ]]; }

if want llama.cpp; then
    version=${NODE_LLAMA_CPP_VERSION:-3.22.1}
    node_dir=$root/target/llama-cpp-node
    mkdir -p "$node_dir"
    if [[ ! -f "$node_dir/node_modules/node-llama-cpp/package.json" ]] \
        || ! grep -q "\"version\": \"$version\"" "$node_dir/node_modules/node-llama-cpp/package.json"; then
        echo "installing node-llama-cpp $version into $node_dir…" >&2
        (cd "$node_dir" && { [[ -f package.json ]] || echo '{"private": true, "type": "module"}' > package.json; })
        (cd "$node_dir" && npm install --no-audit --no-fund --loglevel=error "node-llama-cpp@$version" >&2)
    fi
    # Run from the install folder so that its import finds the package.
    cp scripts/bench-engines.mjs "$node_dir/bench-engines.mjs"
fi
if want agent; then
    echo "building the engine_compare bench (bench profile)…" >&2
    # Built once and run directly, so that no rebuild lands between two measurements.
    bench=$(cargo bench -p agent-models --bench engine_compare --no-run --message-format=json \
        | python3 -c 'import json, sys
for line in sys.stdin:
    if line.startswith("{"):
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable") \
                and message["target"]["name"] == "engine_compare":
            print(message["executable"])')
    [[ -x "$bench" ]] || { echo "cannot find the engine_compare bench executable" >&2; exit 1; }
fi

# Whether this run already has the row (resume).
have_row() {
    [[ -f $results ]] && python3 - "$results" "$run_id" "$1" "$2" "$3" <<'PYTHON'
import json, sys
path, run, file, engine, rep = sys.argv[1:]
for line in open(path):
    if line.strip():
        row = json.loads(line)
        if row.get("run") == run and row.get("file") == file and row.get("side") == engine \
                and str(row.get("rep")) == rep:
            sys.exit(0)
sys.exit(1)
PYTHON
}

# One measurement: a fresh process of `engine` on `file`; its JSON line, extended with the run's
# fields, appended to the results.
measure() {
    local engine=$1 file=$2 rep=$3 with_depths=$4 line
    local name
    name=$(basename "$file")
    if have_row "$name" "$engine" "$rep"; then
        echo "   $engine rep $rep: already measured in run $run_id" >&2
        return
    fi
    export AGENT_BENCH_GGUF=$file
    export AGENT_BENCH_DEPTHS
    AGENT_BENCH_DEPTHS=$([[ $with_depths == 1 ]] && echo "$depths" || echo "")
    case $engine in
    llama.cpp)
        line=$(cd "$root/target/llama-cpp-node" \
            && AGENT_BENCH_SPAWN_NS=$(date +%s%N) exec node bench-engines.mjs)
        ;;
    agent)
        line=$(RAYON_NUM_THREADS=$threads AGENT_LOCAL_THREADS=$threads \
            AGENT_BENCH_SPAWN_NS=$(date +%s%N) exec "$bench" --bench)
        ;;
    esac
    python3 - "$results" "$run_id" "$engine" "$rep" "$machine" "$note" "$line" <<'PYTHON'
import json, sys
path, run, side, rep, machine, note, line = sys.argv[1:]
row = json.loads(line.strip().splitlines()[-1])
row.update(run=run, side=side, rep=int(rep), machine=machine, note=note)
with open(path, "a") as out:
    out.write(json.dumps(row) + "\n")
PYTHON
}

echo "run $run_id: ${#files[@]} files, $threads threads, engines $engines; $machine" >&2
echo "(resume an interrupted run with AGENT_BENCH_RUN=$run_id)" >&2
for file in "${files[@]}"; do
    [[ -f $file ]] || { echo "no such file: $file" >&2; exit 1; }
    file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")
    size=$(stat -c %s "$file")
    reps=$([[ $size -lt 200000000 ]] && echo "$reps_small" || echo "$reps_large")
    for ((rep = 1; rep <= reps; rep++)); do
        with_depths=$([[ $rep -le $depth_reps ]] && echo 1 || echo 0)
        for engine in llama.cpp agent; do
            want "$engine" || continue
            echo "== $(basename "$file") rep $rep/$reps: $engine$([[ $with_depths == 1 ]] && echo ", with depths $depths")" >&2
            measure "$engine" "$file" "$rep" "$with_depths"
        done
    done
done

render_table
