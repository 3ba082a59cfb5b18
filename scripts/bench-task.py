#!/usr/bin/env python3
"""Measures what `agent task run` itself costs, against a stub OpenAI-compatible server that
answers instantly: the size of the first request (system prompt + tool schemas), the time from
process start to the first model request, peak memory, and the number of model requests for a
task the model answers in one turn.

    cargo build --release && python3 scripts/bench-task.py [--agent target/release/agent] [--runs 20]
        [--mcp-servers 2]   # also configure that many stdio MCP servers of 20 tools each
                            # (tests/fixtures/mcp_server.py); the warm-up run keeps their tools
        [--fetch-tool]      # also give the model the fetch tool (fetch.tool = true)

Prints a Markdown table for docs/benchmarks.md. Needs Python 3, git and GNU time (/usr/bin/time, Debian package `time`).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REQUESTS = []  # (arrival time_ns, body bytes)


class Stub(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        arrived = time.time_ns()
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        REQUESTS.append((arrived, body))
        if b'"add_numbers"' in body:
            # agent's tool-calling check before a model's first task (once per model).
            call = {"index": 0, "id": "c1", "type": "function",
                    "function": {"name": "add_numbers", "arguments": json.dumps({"a": 2, "b": 3})}}
            chunks = [
                {"choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": [call]}, "finish_reason": None}]},
                {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
            ]
        else:
            chunks = [
                {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "APPROVE"}, "finish_reason": None}]},
                {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                {"choices": [], "usage": {"prompt_tokens": len(body) // 4, "completion_tokens": 3, "total_tokens": len(body) // 4 + 3}},
            ]
        payload = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
        data = payload.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def make_repo(root):
    repo = os.path.join(root, "repo")
    os.makedirs(os.path.join(repo, "src"))
    with open(os.path.join(repo, "Cargo.toml"), "w") as f:
        f.write('[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n')
    with open(os.path.join(repo, "src", "lib.rs"), "w") as f:
        f.write("pub fn add(a: i32, b: i32) -> i32 {\n    a - b\n}\n")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", "init"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    return repo


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agent", default="target/release/agent")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--mcp-servers", type=int, default=0)
    parser.add_argument("--fetch-tool", action="store_true", help="turn the fetch tool on (fetch.tool = true)")
    args = parser.parse_args()
    agent = os.path.abspath(args.agent)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_port}/v1"

    root = tempfile.mkdtemp(prefix="agent-bench-")
    repo = make_repo(root)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENT_")}
    env["AGENT_HOME"] = os.path.join(root, "home")
    config = ""
    if args.fetch_tool:
        config += "[fetch]\ntool = true\n\n"
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "mcp_server.py")
    for i in range(args.mcp_servers):
        config += f'[mcp_servers.s{i}]\ncommand = "python3"\nargs = {json.dumps([os.path.abspath(script), "--tools", "14"])}\n\n'
    if config:
        os.makedirs(os.path.join(env["AGENT_HOME"], "config"))
        with open(os.path.join(env["AGENT_HOME"], "config", "config.toml"), "w") as f:
            f.write(config)
    command = [agent, "task", "run", "--repo", repo, "--backend", "openai", "--base-url", base_url,
               "--model", "stub", "--approval", "auto", "--verify", "true", "--strategy", "single",
               "check the add function"]

    # One warm-up run creates the database.
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    to_first_request, peaks, requests_per_task, first_sizes, wall = [], [], [], [], []
    for _ in range(args.runs):
        before = len(REQUESTS)
        started = time.time_ns()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        status = process.wait()
        ended = time.time_ns()
        if status != 0:
            sys.exit(f"agent failed with status {status}")
        mine = REQUESTS[before:]
        requests_per_task.append(len(mine))
        to_first_request.append((mine[0][0] - started) / 1e6)
        first_sizes.append(len(mine[0][1]))
        wall.append((ended - started) / 1e6)
        # Peak memory from GNU time in a separate run: a child forked from Python would count
        # Python's own pages in its maximum resident set.
        with tempfile.NamedTemporaryFile("r") as report:
            subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, *command], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            peaks.append(int(report.read().strip().splitlines()[-1]) / 1024)  # KiB -> MiB

    body = json.loads(REQUESTS[-1][1])
    system = body["messages"][0]["content"]
    tools = json.dumps(body["tools"])
    p = lambda values, q: sorted(values)[min(len(values) - 1, int(round(q * (len(values) - 1))))]
    print(f"runs: {args.runs}")
    print(f"| measure | result |")
    print(f"| --- | --- |")
    print(f"| first request, whole JSON body | {first_sizes[-1]:,} bytes ≈ {first_sizes[-1] // 4:,} tokens |")
    print(f"| system prompt | {len(system):,} chars ≈ {len(system) // 4} tokens |")
    print(f"| tool schemas ({len(body['tools'])} tools) | {len(tools):,} chars ≈ {len(tools) // 4} tokens |")
    print(f"| process start → first model request | p50 {statistics.median(to_first_request):.1f} ms, p95 {p(to_first_request, 0.95):.1f} ms |")
    print(f"| whole task (one turn, `true` as the check, commit skipped: no change) | p50 {statistics.median(wall):.1f} ms |")
    print(f"| peak memory (max RSS) | p50 {statistics.median(peaks):.1f} MiB, max {max(peaks):.1f} MiB |")
    print(f"| model requests per one-turn task | {sorted(set(requests_per_task))} |")

    # The first request of each role, per strategy: the fixed cost every role pays per turn.
    print()
    print("| strategy | role | first request | system prompt | tools | user message |")
    print("| --- | --- | --- | --- | --- | --- |")
    for strategy in ("single", "iterative", "multi"):
        before = len(REQUESTS)
        strategy_command = [part if part != "single" else strategy for part in command]
        subprocess.run(strategy_command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        seen = set()
        for _, raw in REQUESTS[before:]:
            body = json.loads(raw)
            system = body["messages"][0]["content"]
            role = system.split()[3] if system.startswith("You are the") else "coder"
            if role in seen:
                continue
            seen.add(role)
            user = body["messages"][1]["content"]
            tools = json.dumps(body.get("tools", []))
            print(f"| {strategy} | {role} | {len(raw):,} B ≈ {len(raw) // 4:,} tok | {len(system) // 4} tok | "
                  f"{len(body.get('tools', []))} tools, {len(tools) // 4} tok | {len(user) // 4} tok |")
    server.shutdown()
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
