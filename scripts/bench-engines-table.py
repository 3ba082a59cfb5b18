#!/usr/bin/env python3
"""The comparison table of scripts/bench-engines.sh, regenerated from its JSON lines.

For each file and side (llama.cpp, agent) at the given thread count, the rows of that side's
latest run on that file are taken, and each measurement's median over their repetitions is
shown, with agent ÷ llama.cpp. The table replaces the section between the markers in the
Markdown file (appended when it has none); with "-" as the file it is printed only.

Usage: scripts/bench-engines-table.py RESULTS.jsonl DOC.md|- THREADS
"""

import json
import statistics
import sys
from pathlib import Path

BEGIN = "<!-- bench-engines:begin: scripts/bench-engines.sh writes this section, edits here are lost -->"
END = "<!-- bench-engines:end -->"
ORDER = ["SmolLM2", "q4_0", "q4_k_m", "q6_k", "q8_0", "f16"]


def file_rank(name):
    for index, key in enumerate(ORDER):
        if key.lower() in name.lower():
            return index
    return len(ORDER)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def latest(rows):
    """{(file, side): [rows of the side's latest run on the file]}."""
    runs = {}
    for row in rows:
        key = (row["file"], row["side"])
        if key not in runs or row["run"] > runs[key]:
            runs[key] = row["run"]
    picked = {}
    for row in rows:
        key = (row["file"], row["side"])
        if row["run"] == runs[key]:
            picked.setdefault(key, []).append(row)
    return picked


def summary(rows):
    depths = {}
    for row in rows:
        for depth in row.get("depths") or []:
            depths.setdefault(depth["depth"], []).append(depth["decode_tok_s"])
    first = min(rows, key=lambda row: row["rep"])
    return {
        "prefill_cpu": median(row.get("prefill_cpu_tok_s") for row in rows),
        "decode_cpu": median(row.get("decode_cpu_tok_s") for row in rows),
        "prefill": median(row["prefill_tok_s"] for row in rows),
        "decode": median(row["decode_tok_s"] for row in rows),
        "ttft": median(row["ttft_s"] for row in rows),
        "depths": {depth: median(values) for depth, values in depths.items()},
        "reps": len(rows),
        "first_ids": first.get("first_ids") or [],
        "engine": first.get("engine", "?"),
        "engine_version": first.get("engine_version", ""),
    }


def fmt_rate(value):
    if value is None:
        return "–"
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def cell(llama, agent, time=False):
    """`llama.cpp / agent (ratio)`; for times the ratio is agent's time over llama.cpp's."""
    if llama is None and agent is None:
        return "–"
    if time:
        text = f"{llama:.2f} / {agent:.2f} s" if llama is not None and agent is not None else \
            (f"{llama:.2f} / – s" if llama is not None else f"– / {agent:.2f} s")
    else:
        text = f"{fmt_rate(llama)} / {fmt_rate(agent)}"
    if llama and agent:
        ratio = agent / llama
        text += f" (**{ratio:.2f}×**)"
    return text


def same_prefix(a, b):
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
    return count


def cpu_table(picked, files):
    """Tokens per CPU second of the whole process (all threads, spinning included)."""
    lines = []
    for name in files:
        sides = [picked.get((name, side)) for side in ("llama.cpp", "agent")]
        if not all(sides):
            continue
        llama, agent = (summary(rows) for rows in sides)
        if not (llama["prefill_cpu"] and agent["prefill_cpu"]):
            continue
        lines.append(f"| `{name}` | {cell(llama['prefill_cpu'], agent['prefill_cpu'])} | "
                     f"{cell(llama['decode_cpu'], agent['decode_cpu'])} |")
    if not lines:
        return []
    return ["The same runs per CPU second of the process (every thread, spinning included): "
            "the comparison that holds when other work shares the machine.", "",
            "| file | prefill tok/CPU-s | decode tok/CPU-s |", "| --- | ---: | ---: |"] + lines


def mib(value):
    return f"{value / 1048576:,.0f} MiB"


def memory_table(picked, files):
    """agent's peak resident memory per file against the goal: file + KV cache + 100 MB."""
    lines = []
    for name in files:
        rows = [row for row in picked.get((name, "agent")) or [] if row.get("peak_rss_bytes")]
        if not rows:
            continue
        row = max(rows, key=lambda r: r.get("max_context") or 0)
        size, per_token = row.get("file_size") or 0, row.get("kv_bytes_per_token") or 0
        context = row.get("max_context") or 0
        # The cache grows by doubling: what it holds at the longest context measured.
        positions = 1 << max(context - 1, 1).bit_length() if context else 0
        budget = size + per_token * positions + 100 * 1000 * 1000
        peak = row["peak_rss_bytes"]
        short = row.get("peak_rss_short_bytes")
        lines.append(f"| `{name}` | {mib(size)} | {mib(short) if short else '–'} | {mib(peak)} "
                     f"({context:,} tokens) | {mib(budget)} | {'yes' if peak <= budget else '**no**'} |")
    if not lines:
        return []
    return ["agent's peak resident memory (`VmHWM`; the first column after one prompt and its "
            "answer, the second after the longest context measured), against the goal of file + "
            "KV cache (f16 for native, at the cache's capacity) + 100 MB:", "",
            "| file | file size | peak RSS, prompt + answer | peak RSS, longest context | "
            "file + KV cache + 100 MB | within |",
            "| --- | ---: | ---: | ---: | ---: | --- |"] + lines


def render(rows, threads):
    rows = [row for row in rows if str(row.get("threads")) == str(threads)]
    picked = latest(rows)
    files = sorted({file for file, _ in picked}, key=lambda name: (file_rank(name), name))
    depths = sorted({d["depth"] for row in rows for d in row.get("depths") or []})
    out = []
    header = ["file", "agent engine", "prefill tok/s", "decode tok/s", "time to first token"]
    header += [f"decode tok/s at {depth:,}" for depth in depths]
    header += ["same first greedy ids", "reps (llama.cpp, agent)"]
    out.append("| " + " | ".join(header) + " |")
    out.append("| " + " | ".join(["---", "---"] + ["---:"] * (len(header) - 4) + ["---", "---"]) + " |")
    used_runs = {}
    versions = set()
    for name in files:
        llama_rows = picked.get((name, "llama.cpp"))
        agent_rows = picked.get((name, "agent"))
        llama = summary(llama_rows) if llama_rows else None
        agent = summary(agent_rows) if agent_rows else None
        for side_rows in (llama_rows, agent_rows):
            for row in side_rows or []:
                used_runs.setdefault(row["run"], row)
        for side in (llama, agent):
            if side:
                versions.add(f"{side['engine']}: {side['engine_version']}")
        get = lambda side, key: side[key] if side else None
        line = [f"`{name}`", agent["engine"] if agent else "–",
                cell(get(llama, "prefill"), get(agent, "prefill")),
                cell(get(llama, "decode"), get(agent, "decode")),
                cell(get(llama, "ttft"), get(agent, "ttft"), time=True)]
        for depth in depths:
            line.append(cell(llama["depths"].get(depth) if llama else None,
                             agent["depths"].get(depth) if agent else None))
        if llama and agent:
            a, b = llama["first_ids"], agent["first_ids"]
            same = same_prefix(a, b)
            line.append(f"{same} of {min(len(a), len(b))}: `{' '.join(map(str, a[:6]))} …`"
                        if same == min(len(a), len(b)) else
                        f"**{same} of {min(len(a), len(b))}** (llama.cpp `{' '.join(map(str, a[:same + 1]))}`, "
                        f"agent `{' '.join(map(str, b[:same + 1]))}`)")
        else:
            line.append("–")
        line.append(f"{llama['reps'] if llama else 0}, {agent['reps'] if agent else 0}")
        out.append("| " + " | ".join(line) + " |")
    out.append("")
    out.append(f"Each cell: llama.cpp / agent (**agent ÷ llama.cpp**), {threads} threads, medians over "
               "the repetitions; for the time to first token the ratio is agent's time over "
               "llama.cpp's (lower is better, goal ≤ 1.2×), for the rates agent's rate over "
               "llama.cpp's (goal ≥ 0.9×).")
    cpu = cpu_table(picked, files)
    if cpu:
        out.append("")
        out.extend(cpu)
    memory = memory_table(picked, files)
    if memory:
        out.append("")
        out.extend(memory)
    out.append("")
    out.append("Runs in this table:")
    out.append("")
    for run, row in sorted(used_runs.items()):
        loads = sorted({r.get("loadavg", "").split(" ")[0] for r in rows if r["run"] == run} - {""}, key=float)
        load = f"load average {loads[0]}–{loads[-1]}" if loads else "load average unknown"
        label = f" — {row['note']}" if row.get("note") else ""
        out.append(f"- `{run}`: {row.get('machine', '?')}; {load}{label}")
    for version in sorted(versions):
        out.append(f"- {version}")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[-1])
    results, doc, threads = sys.argv[1:]
    rows = [json.loads(line) for line in open(results) if line.strip()]
    table = render(rows, threads)
    if doc == "-":
        print(table)
        return
    path = Path(doc)
    text = path.read_text() if path.exists() else ""
    section = f"{BEGIN}\n\n{table}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)
    print(table)
    print(f"written into {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
