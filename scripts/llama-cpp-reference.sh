#!/usr/bin/env bash
# Records llama.cpp's reference token ids for the GGUF test fixtures into
# tests/fixtures/gguf/llama_cpp_reference.json (see tests/fixtures/gguf/README.md).
#
# llama.cpp comes prebuilt in the npm package node-llama-cpp, installed once into
# target/llama-cpp-node (needs Node 20+ and npm; no compiler, no GPU).
#
# With --smollm2 it also records the real model (fetched by scripts/fetch-test-model.sh, or
# AGENT_SMOLLM2_GGUF) into tests/fixtures/smollm2_reference.json.
#
# Usage: scripts/llama-cpp-reference.sh [--smollm2] [FIXTURES_DIR]
# Environment: LLAMA_CPP_NODE_DIR=DIR  where node-llama-cpp is (or gets) installed
#              [target/llama-cpp-node]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
smollm2=
if [[ ${1:-} == --smollm2 ]]; then
    shift
    smollm2=${AGENT_SMOLLM2_GGUF:-$(scripts/fetch-test-model.sh)}
fi
fixtures=$(cd "${1:-tests/fixtures/gguf}" && pwd)
version=${NODE_LLAMA_CPP_VERSION:-3.22.1}
work=${LLAMA_CPP_NODE_DIR:-$root/target/llama-cpp-node}

mkdir -p "$work"
if [[ ! -f "$work/node_modules/node-llama-cpp/package.json" ]] \
    || ! grep -q "\"version\": \"$version\"" "$work/node_modules/node-llama-cpp/package.json"; then
    echo "installing node-llama-cpp $version into $work…" >&2
    (cd "$work" && [[ -f package.json ]] || echo '{"private": true, "type": "module"}' > package.json)
    (cd "$work" && npm install --no-audit --no-fund --loglevel=error "node-llama-cpp@$version" >&2)
fi
# The script is run from the install folder so that its import finds the package.
cp scripts/llama-cpp-reference.mjs "$work/reference.mjs"
node "$work/reference.mjs" "$fixtures" ${smollm2:+"$smollm2"}
