#!/usr/bin/env bash
# Times the `agent` binary as a user runs it: `agent --version`, `agent history list` and
# `agent history search WORD` against a store of 10,000 conversations (see docs/benchmarks.md).
#
# Usage: scripts/bench-cli.sh
#
# Environment:
#   AGENT_BENCH_HOME=DIR          use the AGENT_HOME in DIR as it is instead of building one (for
#                                 example the 1M-message home that `AGENT_BENCH_KEEP=DIR cargo bench
#                                 -p agent-core --bench store` leaves)
#   AGENT_BENCH_CONVERSATIONS=N   conversations to generate (default 10000)
#   AGENT_BENCH_PER_CONVERSATION=N messages in each (default 10)
#   AGENT_BENCH_RUNS=N            timed runs per command (default 100)
#   AGENT_BENCH_SEARCH=WORDS      the search query (default: a word in about 1 % of messages)
#   AGENT_BENCH_KEEP=1            keep the generated home and print where it is
#
# Uses hyperfine when it is installed (apt-get install hyperfine), else a Python timing loop.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
conversations=${AGENT_BENCH_CONVERSATIONS:-10000}
per_conversation=${AGENT_BENCH_PER_CONVERSATION:-10}
runs=${AGENT_BENCH_RUNS:-100}

echo "building target/release/agent…" >&2
cargo build --release --quiet --bin agent
agent="$root/target/release/agent"

work=$(mktemp -d "${TMPDIR:-/tmp}/agent-bench-cli.XXXXXX")
if [[ "${AGENT_BENCH_KEEP:-}" == 1 ]]; then
    echo "keeping $work" >&2
else
    trap 'rm -rf "$work"' EXIT
fi

if [[ -n "${AGENT_BENCH_HOME:-}" ]]; then
    home=$(cd "$AGENT_BENCH_HOME" && pwd)
    search=${AGENT_BENCH_SEARCH:-config}
else
    home="$work/home"
    jsonl="$work/conversations.jsonl"
    echo "generating $conversations conversations × $per_conversation messages…" >&2
    # The generator prints the query word it picked (one in about 1 % of messages) on stdout.
    picked=$(python3 - "$jsonl" "$conversations" "$per_conversation" <<'PYTHON'
"""Writes deterministic synthetic conversations as `agent history import` JSONL."""
import datetime
import itertools
import json
import random
import sys

path, conversations, per_conversation = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20260101)
common = ("the to a is and of in it you that this for be with on not can function file error "
          "code we if as use are have test value return do so type should but an or from at fn "
          "let string self config result path data new run get set list add fix check build "
          "call line name time user").split()
syllables = [o + v for o in "b c d f g k l m n p r s t v z br st tr".split() for v in "a e i o u ai".split()]
tail = sorted({"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(30000)})
rng.shuffle(tail)
vocabulary = list(dict.fromkeys(common + tail))
cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(vocabulary))))
repos = [f"/home/dev/src/project-{n:02}" for n in range(20)]
start = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
span = datetime.timedelta(days=365) / conversations
frequency = {}

def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03}Z"

with open(path, "w", encoding="utf-8") as out:
    for index in range(conversations):
        moment = start + span * index
        messages = []
        for position in range(per_conversation):
            moment += datetime.timedelta(seconds=rng.randint(5, 300))
            words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(10, 60 if position % 2 == 0 else 120))
            for word in set(words):
                frequency[word] = frequency.get(word, 0) + 1
            messages.append({
                "role": "user" if position % 2 == 0 else "assistant",
                "content": " ".join(words) + ".",
                "created_at": stamp(moment),
            })
        record = {
            "id": f"{rng.getrandbits(64):016x}",
            "title": " ".join(rng.choices(vocabulary[30:300], k=rng.randint(3, 6))),
            "created_at": messages[0]["created_at"] if messages else stamp(moment),
            "messages": messages,
        }
        if rng.random() < 0.8:
            record["repo"] = rng.choice(repos)
        out.write(json.dumps(record) + "\n")

total = conversations * per_conversation
near = min(frequency, key=lambda word: (abs(frequency[word] - total / 100), word))
print(near)
PYTHON
)
    search=${AGENT_BENCH_SEARCH:-$picked}
    echo "importing $(du -h "$jsonl" | cut -f1) of JSONL…" >&2
    started=$(date +%s.%N)
    AGENT_HOME="$home" "$agent" history import "$jsonl" >&2
    echo "import took $(python3 -c "print(f'{$(date +%s.%N) - $started:.1f}')") s" >&2
fi

export AGENT_HOME="$home"
export NO_COLOR=1
db="$home/data/agent.db"
echo
echo "## agent CLI wall time"
echo
echo "- binary: \`$agent\` ($(stat -c %s "$agent") bytes)"
echo "- store: \`$db\`, $(du -h "$db" | cut -f1)"
echo "- machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -n1)"
echo "- search query: \`$search\`"
echo

commands=(
    "$agent --version"
    "$agent history list"
    "$agent history search $search"
)
results="$work/results.json"
if command -v hyperfine >/dev/null; then
    # --shell=none runs each command directly, so no shell start-up is counted.
    tool="hyperfine $(hyperfine --version | cut -d' ' -f2), --shell=none, 5 warm-up runs"
    hyperfine --shell=none --warmup 5 --runs "$runs" --style basic \
        --export-json "$results" "${commands[@]}" >&2
else
    tool="Python perf_counter loop (hyperfine is not installed), 5 warm-up runs"
    python3 - "$results" "$runs" "${commands[@]}" <<'PYTHON'
"""Times each command like hyperfine and writes its JSON shape: {"results": [{"command", "times"}]}."""
import json
import shlex
import subprocess
import sys
import time

path, runs, commands = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
results = []
for command in commands:
    argv = shlex.split(command)
    times = []
    for index in range(runs + 5):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
        if index >= 5:
            times.append(time.perf_counter() - start)
    results.append({"command": command, "times": times})
with open(path, "w", encoding="utf-8") as out:
    json.dump({"results": results}, out)
PYTHON
fi

echo "$runs runs each; $tool; stdout to /dev/null"
echo
python3 - "$results" "$agent" <<'PYTHON'
"""Prints mean, p50, p95, min and max of each command in milliseconds as a Markdown table."""
import json
import math
import statistics
import sys

results, agent = json.load(open(sys.argv[1], encoding="utf-8"))["results"], sys.argv[2]
print("| command | runs | mean ms | p50 ms | p95 ms | min ms | max ms |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for result in results:
    times = sorted(t * 1000 for t in result["times"])
    p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)]
    command = result["command"].replace(agent, "agent")
    print(f"| `{command}` | {len(times)} | {statistics.mean(times):.2f} | "
          f"{statistics.median(times):.2f} | {p95:.2f} | {times[0]:.2f} | {times[-1]:.2f} |")
PYTHON
