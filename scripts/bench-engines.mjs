// The llama.cpp side of scripts/bench-engines.sh: one cold process, one repetition, measured
// exactly like models/benches/engine_compare.rs measures agent's engine, printed as one JSON
// line on stdout (progress on stderr).
//
// llama.cpp comes prebuilt with the npm package node-llama-cpp (CPU build, nothing compiled);
// bench-engines.sh installs it into target/llama-cpp-node and runs this file from there.
//
// Environment (set by bench-engines.sh; the same variables drive the Rust side):
//   AGENT_BENCH_GGUF          the model
//   AGENT_BENCH_THREADS       threads for prefill and decode
//   AGENT_BENCH_PROMPT        prompt tokens (time to first token, prefill)
//   AGENT_BENCH_DECODE        greedy tokens decoded after the prompt
//   AGENT_BENCH_DEPTHS        comma-separated context sizes to decode at ("" for none)
//   AGENT_BENCH_DEPTH_DECODE  greedy tokens decoded at each depth, ending at the depth
//   AGENT_BENCH_FIRST_IDS     how many first greedy ids to report
//   AGENT_BENCH_SPAWN_NS      wall-clock time (ns since the epoch) the driver started us at
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { getLlama } from "node-llama-cpp";

const env = (name, fallback) => {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    console.error(`${name}=${value} is not a whole number`);
    process.exit(2);
  }
  return number;
};
// Seconds since the driver spawned us (falls back to since this process started).
const spawnNs = process.env.AGENT_BENCH_SPAWN_NS ? BigInt(process.env.AGENT_BENCH_SPAWN_NS) : null;
const sinceSpawn = () =>
  spawnNs !== null ? Number(BigInt(Date.now()) * 1_000_000n - spawnNs) / 1e9 : performance.now() / 1e3;

const path = process.env.AGENT_BENCH_GGUF;
if (!path) {
  console.error("set AGENT_BENCH_GGUF to a GGUF file");
  process.exit(2);
}
const threads = env("AGENT_BENCH_THREADS", 2);
const promptLen = env("AGENT_BENCH_PROMPT", 128);
const decodeLen = Math.max(2, env("AGENT_BENCH_DECODE", 64));
const depthDecode = Math.max(2, env("AGENT_BENCH_DEPTH_DECODE", 32));
const firstIdsLen = env("AGENT_BENCH_FIRST_IDS", 16);
const depths = (process.env.AGENT_BENCH_DEPTHS ?? "2048,4096")
  .split(",")
  .map((d) => d.trim())
  .filter((d) => d !== "")
  .map(Number);

const loadStart = performance.now();
const llama = await getLlama({ gpu: false, build: "never", logLevel: "error", maxThreads: threads });
const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
const vocab = model.fileInfo.metadata.tokenizer.ggml.tokens.length;
const contextSize = Math.max(promptLen + decodeLen, ...depths) + 16;
const context = await model.createContext({
  contextSize,
  batchSize: 512,
  threads: { ideal: threads, min: threads },
  flashAttention: false,
});
const sequence = context.getSequence();
const loadSeconds = (performance.now() - loadStart) / 1e3;

/** The same ids as token_ids() in models/benches/engine_compare.rs. */
function tokenIds(start, count) {
  const ids = [];
  for (let i = start; i < start + count; i++) {
    const mixed = (BigInt(i) * 2654435761n) % (1n << 32n);
    ids.push(3 + Number(mixed % BigInt(vocab - 3)));
  }
  return ids;
}

/** Evaluates `tokens` after what is cached and takes `count` greedy tokens: the seconds to the
 * first token (prefill) and from the first to the last (count - 1 forward passes). */
async function run(tokens, count) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let first = null;
  let cpuFirst = null;
  const ids = [];
  for await (const token of sequence.evaluate(tokens, { temperature: 0 })) {
    ids.push(token);
    if (first === null) {
      first = performance.now();
      cpuFirst = process.cpuUsage();
    }
    if (ids.length === count) break;
  }
  const end = performance.now();
  const cpuEnd = process.cpuUsage();
  // CPU seconds of every thread of the process (the inference threads' spinning included).
  const cpu = (a, b) => (b.user + b.system - a.user - a.system) / 1e6;
  return {
    ids,
    prefill: (first - start) / 1e3,
    decode: (end - first) / 1e3,
    prefillCpu: cpu(cpuStart, cpuFirst),
    decodeCpu: cpu(cpuFirst, cpuEnd),
  };
}

const prompt = tokenIds(0, promptLen);
// Cold: load + prefill of the prompt, the first token sampled.
const cold = await run(prompt, 1);
const ttft = sinceSpawn();
// Warm: the same prompt into an empty cache, then the decode.
await sequence.clearHistory();
const warm = await run(prompt, decodeLen);
const result = {
  engine: "llama.cpp",
  engine_version: `${llama.llamaCppRelease.release} (node-llama-cpp ${
    JSON.parse(readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8")).version
  }, prebuilt CPU)`,
  file: basename(path),
  threads,
  vocab,
  prompt_tokens: promptLen,
  decode_tokens: decodeLen,
  load_s: loadSeconds,
  ttft_s: ttft,
  cold_prefill_s: cold.prefill,
  prefill_tok_s: promptLen / warm.prefill,
  decode_tok_s: (decodeLen - 1) / warm.decode,
  prefill_cpu_tok_s: promptLen / warm.prefillCpu,
  decode_cpu_tok_s: (decodeLen - 1) / warm.decodeCpu,
  first_ids: warm.ids.slice(0, firstIdsLen),
  depths: [],
};
console.error(
  `llama.cpp ${result.file}: ttft ${ttft.toFixed(2)} s, prefill ${result.prefill_tok_s.toFixed(1)} tok/s, ` +
    `decode ${result.decode_tok_s.toFixed(1)} tok/s; first ids ${result.first_ids.join(" ")}`,
);

// Decode at depth: fill the cache up to depth - depthDecode with fresh ids, then decode.
await sequence.clearHistory();
let next = 100_000;
for (const depth of depths) {
  const fill = depth - depthDecode - sequence.nextTokenIndex;
  if (fill < 1) continue;
  const tokens = tokenIds(next, fill);
  next += fill;
  const step = await run(tokens, depthDecode);
  const row = {
    depth,
    fill_tokens: fill,
    fill_tok_s: fill / step.prefill,
    decode_tok_s: (depthDecode - 1) / step.decode,
  };
  result.depths.push(row);
  console.error(`  at ${depth}: fill ${row.fill_tok_s.toFixed(1)} tok/s, decode ${row.decode_tok_s.toFixed(1)} tok/s`);
}
result.loadavg = readFileSync("/proc/loadavg", "utf8").trim();
console.log(JSON.stringify(result));
await context.dispose();
await model.dispose();
