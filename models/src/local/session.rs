//! A loaded model and its conversation state: the tokens in the KV cache, prefix reuse across
//! turns (and across processes through a [`PrefixStore`]), and the generation loop (sampling,
//! stop conditions, text deltas, timings).

use std::hash::{BuildHasher, RandomState};
use std::ops::ControlFlow;
use std::path::Path;
use std::time::{Duration, Instant};

use candle_core::Device;

use super::backend::file_identity;
use super::decode::{StopMatcher, Utf8Buffer};
use super::engine::{Engine, EngineKind};
use super::gguf::{GgufFile, ModelInfo};
use super::prefix_store::{ModelDigest, PrefixStore};
use super::sampler::{Sampler, SamplerConfig};
use super::template::ChatTemplate;
use super::tokenizer::GgufTokenizer;
use crate::chat::{ChatRequest, Usage};
use crate::error::{ModelError, Result};
use crate::role::Role;
use crate::tool_format::plain_request;

/// The context used when a request names none: the model's own, but at most this many tokens
/// (a long context costs memory for the KV cache).
pub const DEFAULT_CONTEXT_CAP: u32 = 8192;

/// Prompts are fed in pieces of this many tokens, which bounds the attention matrix.
const PREFILL_CHUNK: usize = 512;

/// Stored prefixes shorter than this are neither saved nor loaded: a file costs more than
/// prefilling a few tokens.
const MIN_STORED_PREFIX: usize = 32;

/// What one generation is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerationConfig {
    pub sampler: SamplerConfig,
    /// At most this many answer tokens; `None` runs until the context is full.
    pub max_tokens: Option<u32>,
    /// Stop before any of these strings (they are not part of the answer).
    pub stop: Vec<String>,
    /// The context window; `None` is the model's default (see [`LocalModel::context_length`]).
    pub context_length: Option<u32>,
    /// Stop at end-of-generation tokens (EOS, `<|im_end|>`, `<|eot_id|>`). Off only for raw
    /// continuations such as benchmarks.
    pub stop_at_end_of_generation: bool,
}

impl GenerationConfig {
    /// The settings of a chat request; a request without a seed gets a random one.
    pub fn from_request(request: &ChatRequest) -> Self {
        let fallback_seed = RandomState::new().hash_one(Instant::now());
        Self {
            sampler: SamplerConfig::from_options(&request.options, fallback_seed),
            max_tokens: request.options.max_tokens,
            stop: request.options.stop.clone(),
            context_length: request.context_length,
            stop_at_end_of_generation: true,
        }
    }

    /// Greedy decoding of `max_tokens` tokens, ignoring end tokens.
    pub fn greedy(max_tokens: u32) -> Self {
        Self {
            sampler: SamplerConfig::greedy(),
            max_tokens: Some(max_tokens),
            stop: Vec::new(),
            context_length: None,
            stop_at_end_of_generation: false,
        }
    }
}

/// Why a generation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishReason {
    /// An end token or a stop string.
    Stop,
    /// `max_tokens`, or the context is full.
    Length,
    /// The caller asked to stop (the stream was dropped).
    Cancelled,
}

/// The result of one generation.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// Every sampled token, the end token included.
    pub tokens: Vec<u32>,
    /// The answer text, without a stop string and without control tokens.
    pub text: String,
    pub finish: FinishReason,
    pub usage: Usage,
    /// How many prompt tokens were already in the KV cache (not computed again).
    pub reused_prompt_tokens: usize,
}

/// A chat request's prompt tokens, and how many of the first ones render its leading system
/// messages and tools: the part a [`PrefixStore`] keeps for the next process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatPrompt {
    pub tokens: Vec<u32>,
    /// 0 when no prefix store is in use.
    pub stable: usize,
}

/// A GGUF model loaded on a device, with its tokenizer, chat template and KV cache.
pub struct LocalModel {
    info: ModelInfo,
    device: Device,
    engine: Engine,
    tokenizer: GgufTokenizer,
    template: ChatTemplate,
    embedding_rows: usize,
    /// The tokens whose keys and values are in the engine's cache, in order.
    cached: Vec<u32>,
    /// The logits after the last cached token.
    last_logits: Option<Vec<f32>>,
    /// The model file's path, size and modification time when it was loaded.
    identity: Option<String>,
    /// Where prefilled system prompts are kept between processes, when in use.
    prefixes: Option<StoredPrefixes>,
}

struct StoredPrefixes {
    store: PrefixStore,
    model: ModelDigest,
}

impl LocalModel {
    /// Loads the GGUF file at `path` onto `device`: header, tokenizer, template, weights. The
    /// engine is the native one on the CPU when it runs the file (see [`EngineKind::choose`]).
    pub fn load(path: impl AsRef<Path>, device: &Device) -> Result<Self> {
        Self::load_with_engine(path, device, None)
    }

    /// [`LocalModel::load`] with the engine chosen by the caller (`None`: as `load` chooses).
    pub fn load_with_engine(
        path: impl AsRef<Path>,
        device: &Device,
        engine: Option<EngineKind>,
    ) -> Result<Self> {
        let identity = file_identity(path.as_ref());
        let gguf = GgufFile::open(path.as_ref())?;
        let architecture = gguf.architecture()?;
        let engine_kind = EngineKind::choose(&gguf, architecture, device, engine)?;
        let info = gguf.info_for(engine_kind)?;
        let tokenizer = GgufTokenizer::from_gguf(&gguf)?;
        let token_text = |id: Option<u32>| {
            id.and_then(|id| tokenizer.token_text(id))
                .unwrap_or_default()
                .to_string()
        };
        let bos_text = token_text(tokenizer.bos_token_id());
        let eos_text = token_text(tokenizer.eos_token_id());
        let template = ChatTemplate::new(
            gguf.optional_string("tokenizer.chat_template"),
            &bos_text,
            &eos_text,
        )
        .map_err(|error| gguf.error(error.to_string()))?;
        let embedding_rows = gguf
            .content
            .tensor_infos
            .get("token_embd.weight")
            .and_then(|tensor| tensor.shape.dims().first().copied())
            .ok_or_else(|| gguf.error("tensor `token_embd.weight` is missing"))?;
        let engine = Engine::load(gguf, info.architecture, device, engine_kind)?;
        Ok(Self {
            info,
            device: device.clone(),
            engine,
            tokenizer,
            template,
            embedding_rows,
            cached: Vec::new(),
            last_logits: None,
            identity,
            prefixes: None,
        })
    }

    /// Keeps the prefilled system prompt and tools of chat prompts in `store` and starts from a
    /// stored one when a prompt begins with it; `None` stops. Only the native engine can (candle
    /// keeps its cache private), and only when the file's identity could be read; returns
    /// whether the store is in use.
    pub fn use_prefix_store(&mut self, store: Option<PrefixStore>) -> bool {
        self.prefixes = match (store, &self.identity) {
            (Some(store), Some(identity)) if self.engine.kind() == EngineKind::Native => {
                Some(StoredPrefixes {
                    model: ModelDigest::new(identity, &self.engine.description()),
                    store,
                })
            }
            _ => None,
        };
        self.prefixes.is_some()
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// The inference engine that runs this model (`native` or `candle`), as benchmark results
    /// label it.
    pub fn engine_name(&self) -> &'static str {
        self.engine().as_str()
    }

    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The implementation running the model.
    pub fn engine(&self) -> EngineKind {
        self.engine.kind()
    }

    /// The engine for logs and benchmarks: `native (avx2+fma)`, `candle`.
    pub fn engine_description(&self) -> String {
        self.engine.description()
    }

    /// Threads the native engine computes with (1 for candle, whose pool is rayon's).
    pub fn threads(&self) -> usize {
        self.engine.threads()
    }

    pub fn tokenizer(&self) -> &GgufTokenizer {
        &self.tokenizer
    }

    pub fn template(&self) -> &ChatTemplate {
        &self.template
    }

    /// Tokenizes `text`; see [`GgufTokenizer::encode`].
    pub fn tokenize(&self, text: &str, parse_special: bool) -> Result<Vec<u32>> {
        self.tokenizer.encode(text, parse_special)
    }

    /// The printable text of `ids`.
    pub fn detokenize(&self, ids: &[u32]) -> String {
        self.tokenizer.decode(ids)
    }

    /// The request's messages and tools rendered with the chat template, ready for the answer.
    /// When the template does not read `tools`, the request is rewritten by
    /// [`plain_request`] first: the tool list goes into the system prompt as text, and earlier
    /// calls and results into the messages.
    pub fn render_prompt(&self, request: &ChatRequest) -> Result<String> {
        if request.tools.is_empty() || self.template.reads_tools() {
            return self
                .template
                .render(&request.messages, &request.tools, true);
        }
        let plain = plain_request(request.clone());
        self.template.render(&plain.messages, &plain.tools, true)
    }

    /// The prompt tokens of a chat request.
    pub fn prompt_tokens(&self, request: &ChatRequest) -> Result<Vec<u32>> {
        self.tokenizer.encode_prompt(&self.render_prompt(request)?)
    }

    /// The prompt tokens of a chat request and, when a prefix store is in use, how many of them
    /// are its leading system messages and tools as the template renders them alone (the tokens
    /// both renderings share; 0 when the template cannot render them alone).
    pub fn chat_prompt(&self, request: &ChatRequest) -> Result<ChatPrompt> {
        let tokens = self.prompt_tokens(request)?;
        let stable = if self.prefixes.is_some() {
            self.stable_prefix(request, &tokens)
        } else {
            0
        };
        Ok(ChatPrompt { tokens, stable })
    }

    fn stable_prefix(&self, request: &ChatRequest, tokens: &[u32]) -> usize {
        let plain;
        let request = if request.tools.is_empty() || self.template.reads_tools() {
            request
        } else {
            plain = plain_request(request.clone());
            &plain
        };
        let head: Vec<_> = request
            .messages
            .iter()
            .take_while(|message| message.role == Role::System)
            .cloned()
            .collect();
        if head.is_empty() {
            return 0;
        }
        let head_tokens = self
            .template
            .render(&head, &request.tools, false)
            .and_then(|text| self.tokenizer.encode_prompt(&text));
        match head_tokens {
            Ok(head) => head.iter().zip(tokens).take_while(|(a, b)| a == b).count(),
            Err(_) => 0,
        }
    }

    /// The context window for a request asking for `requested` tokens: the request's (at most
    /// the model's maximum), else the model's maximum capped at [`DEFAULT_CONTEXT_CAP`].
    pub fn context_length(&self, requested: Option<u32>) -> u32 {
        let maximum = self.info.max_context_length.max(1);
        match requested {
            Some(length) if length > 0 => length.min(maximum),
            _ => maximum.min(DEFAULT_CONTEXT_CAP),
        }
    }

    /// The tokens whose keys and values are cached.
    pub fn cached_tokens(&self) -> &[u32] {
        &self.cached
    }

    /// Forgets the KV cache.
    pub fn clear_cache(&mut self) {
        self.engine.clear_cache();
        self.cached.clear();
        self.last_logits = None;
    }

    /// The logits of the token after `tokens`. Tokens already in the cache (a prefix of
    /// `tokens`) are not computed again; any other cache content is dropped first.
    pub fn logits_after(&mut self, tokens: &[u32]) -> Result<Vec<f32>> {
        self.prefill(tokens, 0).map(|(logits, _)| logits)
    }

    /// `count` greedy tokens after `prompt` (end tokens do not stop it).
    pub fn generate_greedy(&mut self, prompt: &[u32], count: u32) -> Result<Vec<u32>> {
        let config = GenerationConfig::greedy(count);
        Ok(self
            .generate(prompt, &config, &mut |_| ControlFlow::Continue(()))?
            .tokens)
    }

    /// Answers a chat request without streaming.
    pub fn complete(&mut self, request: &ChatRequest) -> Result<Generation> {
        let prompt = self.chat_prompt(request)?;
        let config = GenerationConfig::from_request(request);
        self.generate_chat(&prompt, &config, &mut |_| ControlFlow::Continue(()))
    }

    /// [`LocalModel::generate`] for a chat prompt: its stable part is loaded from the prefix
    /// store when stored there, and stored when computed.
    pub fn generate_chat(
        &mut self,
        prompt: &ChatPrompt,
        config: &GenerationConfig,
        on_token: &mut dyn FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation> {
        self.generate_after(&prompt.tokens, prompt.stable, config, on_token)
    }

    /// Generates after `prompt`. `on_token` is called once per sampled token with the text it
    /// completed (often empty: a partial character, a held-back stop prefix, an end token);
    /// returning `Break` stops with [`FinishReason::Cancelled`].
    pub fn generate(
        &mut self,
        prompt: &[u32],
        config: &GenerationConfig,
        on_token: &mut dyn FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation> {
        self.generate_after(prompt, 0, config, on_token)
    }

    fn generate_after(
        &mut self,
        prompt: &[u32],
        stable: usize,
        config: &GenerationConfig,
        on_token: &mut dyn FnMut(&str) -> ControlFlow<()>,
    ) -> Result<Generation> {
        let context_length = self.context_length(config.context_length);
        let prompt_tokens = u32::try_from(prompt.len()).unwrap_or(u32::MAX);
        let reserved = config.max_tokens.unwrap_or(0);
        if prompt.is_empty() {
            return Err(ModelError::InvalidRequest(
                "the prompt is empty".to_string(),
            ));
        }
        if prompt_tokens >= context_length
            || u64::from(prompt_tokens) + u64::from(reserved) > u64::from(context_length)
        {
            return Err(ModelError::ContextOverflow {
                prompt_tokens,
                context_length,
                reserved,
            });
        }
        let max_tokens = config.max_tokens.unwrap_or(context_length - prompt_tokens) as usize;

        let prefill_start = Instant::now();
        let (mut logits, reused_prompt_tokens) = self.prefill(prompt, stable)?;
        let prompt_duration = prefill_start.elapsed();

        let decode_start = Instant::now();
        let mut sampler = Sampler::new(config.sampler);
        let mut history: Vec<u32> = prompt.to_vec();
        let mut tokens = Vec::new();
        let mut text = String::new();
        let mut utf8 = Utf8Buffer::new();
        let mut stops = StopMatcher::new(&config.stop);
        let finish = loop {
            if tokens.len() >= max_tokens {
                break FinishReason::Length;
            }
            let token = sampler.sample(&mut logits, &history);
            tokens.push(token);
            history.push(token);
            if config.stop_at_end_of_generation && self.tokenizer.is_end_of_generation(token) {
                break FinishReason::Stop;
            }
            let scan = stops.push(&utf8.push(self.tokenizer.token_bytes(token)));
            text.push_str(&scan.text);
            if on_token(&scan.text).is_break() {
                break FinishReason::Cancelled;
            }
            if scan.stopped {
                break FinishReason::Stop;
            }
            if tokens.len() >= max_tokens {
                break FinishReason::Length;
            }
            logits = self.step(token)?;
        };
        let stopped_by_string = finish == FinishReason::Stop
            && !tokens
                .last()
                .is_some_and(|&token| self.tokenizer.is_end_of_generation(token));
        if finish != FinishReason::Cancelled && !stopped_by_string {
            let scan = stops.push(&utf8.finish());
            let mut tail = scan.text;
            if !scan.stopped {
                tail.push_str(&stops.finish());
            }
            if !tail.is_empty() {
                text.push_str(&tail);
                // The generation is over either way; a Break here changes nothing.
                let _ = on_token(&tail);
            }
        }
        let completion_duration = decode_start.elapsed();
        Ok(Generation {
            usage: Usage {
                prompt_tokens,
                completion_tokens: u32::try_from(tokens.len()).unwrap_or(u32::MAX),
                prompt_duration: Some(prompt_duration),
                completion_duration: Some(completion_duration.max(Duration::from_nanos(1))),
                reused_prompt_tokens: u32::try_from(reused_prompt_tokens).unwrap_or(u32::MAX),
            },
            tokens,
            text,
            finish,
            reused_prompt_tokens,
        })
    }

    /// Brings the cache to exactly `tokens`; returns the next-token logits and how many tokens
    /// were reused from the cache or loaded from the prefix store. When the first `stable`
    /// tokens are not cached, they are loaded from the store if there, else computed on their
    /// own (so the rest runs the same either way) and stored.
    fn prefill(&mut self, tokens: &[u32], stable: usize) -> Result<(Vec<f32>, usize)> {
        if tokens.is_empty() {
            return Err(ModelError::InvalidRequest("no tokens to run".to_string()));
        }
        self.check_tokens(tokens)?;
        let maximum = self.info.max_context_length as usize;
        if tokens.len() > maximum {
            return Err(ModelError::ContextOverflow {
                prompt_tokens: u32::try_from(tokens.len()).unwrap_or(u32::MAX),
                context_length: self.info.max_context_length,
                reserved: 0,
            });
        }
        if tokens == self.cached.as_slice()
            && let Some(logits) = &self.last_logits
        {
            return Ok((logits.clone(), tokens.len()));
        }
        // The logits come from the last token, so at least that one is computed.
        let shared = common_prefix(&self.cached, tokens).min(tokens.len() - 1);
        let mut reused = self.keep_cached(shared);
        let stable = stable.min(tokens.len() - 1);
        if self.prefixes.is_some() && stable >= MIN_STORED_PREFIX && reused < stable {
            reused = self.load_stored_prefix(&tokens[..stable], reused);
            if reused < stable {
                self.run_chunks(&tokens[reused..stable])?;
                self.store_prefix(&tokens[..stable]);
            }
        }
        let cached = self.cached.len();
        let logits = self.run_chunks(&tokens[cached..])?;
        Ok((logits, reused))
    }

    /// Cuts the cache to its first `positions` tokens (the keys and values of a position depend
    /// only on the tokens up to it, so they stay right); returns how many are kept. The native
    /// engine's cache is addressed by position and is simply written over from there; candle's
    /// only grows, so there anything short of all of it starts again from nothing.
    fn keep_cached(&mut self, positions: usize) -> usize {
        if positions == self.cached.len() {
            return positions;
        }
        if positions > 0 && self.engine.kind() == EngineKind::Native {
            self.cached.truncate(positions);
            self.last_logits = None;
            return positions;
        }
        self.clear_cache();
        0
    }

    /// Runs `tokens` after the cached ones in pieces of [`PREFILL_CHUNK`].
    fn run_chunks(&mut self, tokens: &[u32]) -> Result<Vec<f32>> {
        let mut logits = None;
        for chunk in tokens.chunks(PREFILL_CHUNK) {
            logits = Some(self.run(chunk)?);
        }
        logits.ok_or_else(|| ModelError::Inference("nothing was computed".to_string()))
    }

    /// Loads the stored prefix sharing the most leading tokens with `tokens` when it holds more
    /// than the `cached` tokens already in the cache; returns how many are cached now.
    fn load_stored_prefix(&mut self, tokens: &[u32], cached: usize) -> usize {
        let Some(prefixes) = &self.prefixes else {
            return cached;
        };
        let minimum = MIN_STORED_PREFIX.max(cached + 1);
        let Some(prefix) = prefixes.store.find(&prefixes.model, tokens, minimum) else {
            return cached;
        };
        match self.engine.import_prefix(&prefix) {
            Ok(()) => {
                self.cached = tokens[..prefix.positions].to_vec();
                self.last_logits = None;
                prefix.positions
            }
            Err(_) => {
                // Part of it may have been written: nothing cached can be trusted.
                self.clear_cache();
                0
            }
        }
    }

    /// Stores the cached `tokens` (all of the cache) unless they are stored already. Best effort:
    /// a store that cannot be written costs the next process a prefill, nothing more.
    fn store_prefix(&self, tokens: &[u32]) {
        let Some(prefixes) = &self.prefixes else {
            return;
        };
        if prefixes.store.contains(&prefixes.model, tokens) {
            return;
        }
        if let Some(prefix) = self.engine.export_prefix(tokens.len()) {
            let _ = prefixes.store.save(&prefixes.model, tokens, &prefix);
        }
    }

    /// Feeds one sampled token.
    fn step(&mut self, token: u32) -> Result<Vec<f32>> {
        self.check_tokens(&[token])?;
        self.run(&[token])
    }

    /// Runs `tokens` after the cached ones; on failure the cache is dropped (its state is
    /// unknown).
    fn run(&mut self, tokens: &[u32]) -> Result<Vec<f32>> {
        match self.engine.forward(tokens, self.cached.len(), &self.device) {
            Ok(logits) => {
                self.cached.extend_from_slice(tokens);
                self.last_logits = Some(logits.clone());
                Ok(logits)
            }
            Err(error) => {
                self.clear_cache();
                Err(error)
            }
        }
    }

    fn check_tokens(&self, tokens: &[u32]) -> Result<()> {
        match tokens
            .iter()
            .find(|&&id| id as usize >= self.embedding_rows)
        {
            Some(id) => Err(ModelError::InvalidRequest(format!(
                "token id {id} is outside the vocabulary of {} tokens",
                self.embedding_rows
            ))),
            None => Ok(()),
        }
    }
}

/// How many leading tokens `a` and `b` share.
fn common_prefix(a: &[u32], b: &[u32]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}
