#!/usr/bin/env bash
# Records llama.cpp's reference token ids for the GGUF test fixtures into
# tests/fixtures/gguf/llama_cpp_reference.json (see tests/fixtures/gguf/README.md).
#
# llama.cpp comes prebuilt in the npm package node-llama-cpp, installed once into
# target/llama-cpp-node (needs Node 20+ and npm; no compiler, no GPU).
#
# Usage: scripts/llama-cpp-reference.sh [FIXTURES_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
fixtures=$(cd "${1:-tests/fixtures/gguf}" && pwd)
version=${NODE_LLAMA_CPP_VERSION:-3.22.1}
work=$root/target/llama-cpp-node

mkdir -p "$work"
if [[ ! -f "$work/node_modules/node-llama-cpp/package.json" ]] \
    || ! grep -q "\"version\": \"$version\"" "$work/node_modules/node-llama-cpp/package.json"; then
    echo "installing node-llama-cpp $version into $work…" >&2
    (cd "$work" && [[ -f package.json ]] || echo '{"private": true, "type": "module"}' > package.json)
    (cd "$work" && npm install --no-audit --no-fund --loglevel=error "node-llama-cpp@$version" >&2)
fi
# The script is run from the install folder so that its import finds the package.
cp scripts/llama-cpp-reference.mjs "$work/reference.mjs"
node "$work/reference.mjs" "$fixtures"
