#!/usr/bin/env python3
"""Process start -> first model request of `agent task run`, for several variants measured in
turn, run by run, so that a shared machine's changing load falls on all of them alike; prints
each variant's p50/p95 and the median of its run-by-run difference to the first variant.

    python3 scripts/bench-paired.py RUNS NAME=BINARY[:SERVERS] ...
    # e.g. none=target/release/agent:0 two=target/release/agent:2 idle=target/release/agent:2s

SERVERS is the number of stdio MCP servers (tests/fixtures/mcp_server.py, 14 extra tools each;
default 2); `2s` starts each behind `sleep 1`, so their processes take no CPU while the first
request is made. Every variant has the fetch tool on and its own home and repository, warmed
by one run (which keeps the servers' tool lists). Reuses bench-task.py's stub model server.
"""
import importlib.util, json, os, shlex, shutil, statistics, subprocess, sys, tempfile, threading, time

script_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
runs = int(sys.argv[1])
spec = importlib.util.spec_from_file_location("bench", os.path.join(script_dir, "scripts", "bench-task.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
from http.server import ThreadingHTTPServer

server = ThreadingHTTPServer(("127.0.0.1", 0), bench.Stub)
threading.Thread(target=server.serve_forever, daemon=True).start()
base_url = f"http://127.0.0.1:{server.server_port}/v1"
fixture = os.path.join(script_dir, "tests", "fixtures", "mcp_server.py")

variants = []
roots = []
for spec_text in sys.argv[2:]:
    name, rest = spec_text.split("=", 1)
    binary, _, mcp = rest.partition(":")
    # "2s": two servers that sleep a second (no CPU) before Python starts.
    sleepy = mcp.endswith("s")
    mcp = int(mcp.rstrip("s") or "2")
    root = tempfile.mkdtemp(prefix=f"paired-{name}-")
    repo = bench.make_repo(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_")}
    env["AGENT_HOME"] = os.path.join(root, "home")
    config = "[fetch]\ntool = true\n\n"
    for i in range(mcp):
        if sleepy:
            config += f'[mcp_servers.s{i}]\ncommand = "sh"\nargs = {json.dumps(["-c", "sleep 1; exec python3 " + shlex.quote(fixture) + " --tools 14"])}\n\n'
        else:
            config += f'[mcp_servers.s{i}]\ncommand = "python3"\nargs = {json.dumps([fixture, "--tools", "14"])}\n\n'
    os.makedirs(os.path.join(env["AGENT_HOME"], "config"))
    with open(os.path.join(env["AGENT_HOME"], "config", "config.toml"), "w") as f:
        f.write(config)
    command = [os.path.abspath(binary), "task", "run", "--repo", repo, "--backend", "openai", "--base-url", base_url,
               "--model", "stub", "--approval", "auto", "--verify", "true", "--strategy", "single", "check the add function"]
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    variants.append((name, command, env, []))
    roots.append(root)

for _ in range(runs):
    for name, command, env, times in variants:
        before = len(bench.REQUESTS)
        started = time.time_ns()
        status = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        if status != 0:
            sys.exit(f"{name} failed with {status}")
        times.append((bench.REQUESTS[before][0] - started) / 1e6)

p = lambda values, q: sorted(values)[min(len(values) - 1, int(round(q * (len(values) - 1))))]
for name, _, _, times in variants:
    print(f"{name}: p50 {statistics.median(times):.1f} ms, p95 {p(times, 0.95):.1f} ms, min {min(times):.1f} ms ({len(times)} runs)")
first = variants[0][3]
for name, _, _, times in variants[1:]:
    diffs = [b - a for a, b in zip(first, times)]
    print(f"{name} - {variants[0][0]}: median paired difference {statistics.median(diffs):+.1f} ms")
server.shutdown()
for root in roots:
    shutil.rmtree(root, ignore_errors=True)
