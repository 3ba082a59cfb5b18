// Records llama.cpp's reference output for the GGUF test fixtures (tests/fixtures/gguf/):
// per file and per prompt, the prompt's token ids and the first 32 greedy token ids (temperature
// 0, no repeat penalty). The in-process engine's tests compare against this file.
//
// llama.cpp comes prebuilt with the npm package node-llama-cpp (CPU build, nothing compiled).
// Run it through scripts/llama-cpp-reference.sh, which installs that package in a cache folder.
//
// Usage: node llama-cpp-reference.mjs FIXTURES_DIR
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

const dir = process.argv[2];
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

for (const file of FILES) {
  const model = await llama.loadModel({ modelPath: join(dir, file), gpuLayers: 0 });
  reference[file] = {};
  for (const [name, prompt] of Object.entries(PROMPTS)) {
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
    reference[file][name] = { prompt: prompt.text, prompt_ids: promptIds, greedy_ids: greedy };
    console.error(`${file} ${name}: ${promptIds.length} prompt ids, greedy ${greedy.slice(0, 8).join(" ")} …`);
  }
  await model.dispose();
}

const out = join(dir, "llama_cpp_reference.json");
writeFileSync(out + ".tmp", JSON.stringify(reference, null, 1) + "\n");
renameSync(out + ".tmp", out);
console.log(out);
