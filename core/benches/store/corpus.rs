//! The synthetic corpus: a deterministic generator of conversations whose words follow a Zipf
//! distribution, and the statistics of what it wrote that the benchmark picks its queries from.

use std::collections::HashSet;

use agent_core::store::{ConversationRecord, MessageRecord};
use agent_core::time::format_rfc3339;
use agent_models::Role;

/// Distinct words in the Zipf vocabulary (common words first, then the generated tail).
pub const VOCABULARY: usize = 50_000;
/// The Zipf exponent: the word of rank r is drawn with weight 1 / r^s.
const ZIPF_EXPONENT: f64 = 1.0;
/// Words this common count as "very common" (the top of the list: the, to, a, …).
pub const COMMON_RANKS: usize = 25;
/// 2025-01-01T00:00:00Z: the first conversation starts here; the rest spread over a year.
const START_MS: i64 = 1_735_689_600_000;
const YEAR_MS: i64 = 365 * 24 * 3_600_000;

/// The deterministic text generator and the statistics of what it wrote.
pub struct Generator {
    rng: SplitMix64,
    per_conversation: usize,
    conversations: usize,
    vocabulary: Vec<String>,
    /// `cumulative[r]` is the total Zipf weight of ranks `0..=r`.
    cumulative: Vec<f64>,
    /// Commit-like hex tokens, each used rarely (token ids after the vocabulary).
    hashes: Vec<String>,
    document_frequency: Vec<u32>,
    /// The message (counted from 1) in which each token was last seen.
    last_seen: Vec<u32>,
    message: u32,
    words: u64,
    bigrams: Vec<(usize, usize)>,
    bigram_every: u32,
    /// The ranks of the fixed words of a code block (`rust`, `fn`, …), counted like the others.
    keywords: Vec<usize>,
}

/// What the generator wrote. Tokens are numbered: vocabulary ranks first (0 is the most
/// frequent word), then the hashes.
pub struct Corpus {
    vocabulary: Vec<String>,
    hashes: Vec<String>,
    /// How many messages contain each token.
    pub document_frequency: Vec<u32>,
    /// Adjacent pairs of vocabulary words, sampled from the text.
    pub bigrams: Vec<(usize, usize)>,
    /// Every word written, code included.
    pub words: u64,
}

impl Corpus {
    /// The text of a token.
    pub fn token(&self, token: usize) -> String {
        match self.vocabulary.get(token) {
            Some(word) => word.clone(),
            None => self.hashes[token - self.vocabulary.len()].clone(),
        }
    }
}

impl Generator {
    /// A generator for `conversations` conversations of `per_conversation` messages that
    /// samples about `pairs` adjacent word pairs along the way.
    pub fn new(conversations: usize, per_conversation: usize, pairs: usize) -> Self {
        let messages = conversations * per_conversation;
        let mut rng = SplitMix64(0xA6E7_5EED);
        let vocabulary = vocabulary(&mut rng);
        let mut total = 0.0;
        let cumulative = (0..vocabulary.len())
            .map(|rank| {
                total += 1.0 / ((rank + 1) as f64).powf(ZIPF_EXPONENT);
                total
            })
            .collect();
        let hash_count = (messages / 4).max(100);
        let mut seen = HashSet::new();
        let mut hashes = Vec::with_capacity(hash_count);
        while hashes.len() < hash_count {
            let hash = format!("{:08x}", rng.next() as u32);
            // All-digit hashes would also match numbers in the text; keep only ones with a letter.
            if hash.bytes().any(|b| b.is_ascii_alphabetic()) && seen.insert(hash.clone()) {
                hashes.push(hash);
            }
        }
        let tokens = vocabulary.len() + hashes.len();
        let keywords = ["rust", "fn", "str", "result", "let", "ok"]
            .iter()
            .filter_map(|keyword| vocabulary.iter().position(|w| w == keyword))
            .collect();
        Self {
            rng,
            per_conversation,
            conversations,
            vocabulary,
            cumulative,
            hashes,
            document_frequency: vec![0; tokens],
            last_seen: vec![0; tokens],
            message: 0,
            words: 0,
            bigrams: Vec::new(),
            bigram_every: (messages / pairs.max(1)).max(1) as u32,
            keywords,
        }
    }

    /// Ends the run, keeping the statistics.
    pub fn finish(self) -> Corpus {
        Corpus {
            vocabulary: self.vocabulary,
            hashes: self.hashes,
            document_frequency: self.document_frequency,
            bigrams: self.bigrams,
            words: self.words,
        }
    }

    /// Conversation `index` of the run: its messages alternate user and assistant turns.
    pub fn conversation(&mut self, index: usize) -> ConversationRecord {
        let spacing = YEAR_MS / self.conversations as i64;
        let mut time = START_MS + index as i64 * spacing + self.rng.below(3_600_000) as i64;
        let created_at = format_rfc3339(time);
        let id = format!("{:016x}", self.rng.next());
        let repo = (!self.rng.chance(0.2)).then(|| repo_path(REPOS[self.rng.below(REPOS.len())]));
        let title_words = self.rng.range(3, 6);
        let title = (0..title_words)
            .map(|_| {
                let rank = self.zipf_rank().max(COMMON_RANKS + self.rng.below(50));
                self.vocabulary[rank].clone()
            })
            .collect::<Vec<_>>()
            .join(" ");
        let messages = (0..self.per_conversation)
            .map(|position| {
                let role = if position % 2 == 0 {
                    Role::User
                } else {
                    Role::Assistant
                };
                time += self.rng.range(5_000, 300_000) as i64;
                MessageRecord {
                    id: None,
                    parent_id: None,
                    role,
                    content: self.message_text(role),
                    model: (role == Role::Assistant).then(|| "qwen2.5-coder:7b".to_string()),
                    prompt_tokens: None,
                    completion_tokens: None,
                    tool_call_id: None,
                    tool_calls: None,
                    created_at: Some(format_rfc3339(time)),
                }
            })
            .collect();
        ConversationRecord {
            id,
            title,
            repo,
            created_at: Some(created_at),
            updated_at: None,
            messages,
        }
    }

    /// 10–60 words for the user, 20–120 for the assistant, in sentences and paragraphs, with a
    /// code block in one assistant message of ten.
    fn message_text(&mut self, role: Role) -> String {
        self.message += 1;
        let words = if role == Role::User {
            self.rng.range(10, 60)
        } else {
            self.rng.range(20, 120)
        };
        let sample_pair = self.message.is_multiple_of(self.bigram_every);
        let pair_at = self.rng.range(1, words - 1);
        let mut text = String::with_capacity(words * 7);
        let mut written = 0;
        let mut sentences = 0_u32;
        while written < words {
            let length = self.rng.range(4, 14).min(words - written);
            let mut previous = None;
            for position in 0..length {
                let token = if self.rng.chance(0.01) {
                    self.vocabulary.len() + self.rng.below(self.hashes.len())
                } else {
                    self.zipf_rank()
                };
                if position > 0 {
                    text.push(' ');
                }
                self.write_token(&mut text, token, position == 0);
                if sample_pair
                    && written == pair_at
                    && let Some(previous) = previous.filter(|_| token < self.vocabulary.len())
                {
                    self.bigrams.push((previous, token));
                }
                previous = (token < self.vocabulary.len()).then_some(token);
                written += 1;
            }
            sentences += 1;
            text.push_str([".", ".", ".", "?", ":"][self.rng.below(5)]);
            text.push_str(if sentences.is_multiple_of(3) {
                "\n\n"
            } else {
                " "
            });
        }
        if role == Role::Assistant && self.rng.chance(0.1) {
            self.code_block(&mut text);
        }
        text.truncate(text.trim_end().len());
        text
    }

    /// A short Rust function built from vocabulary words, in a fenced block.
    fn code_block(&mut self, text: &mut String) {
        let pick = |generator: &mut Self| {
            let rank = generator.zipf_rank().max(COMMON_RANKS);
            generator.count(rank);
            generator.vocabulary[rank].clone()
        };
        let (name, other, argument, value, source) =
            (pick(self), pick(self), pick(self), pick(self), pick(self));
        for index in 0..self.keywords.len() {
            self.count(self.keywords[index]);
        }
        text.push_str(&format!(
            "\n\n```rust\nfn {name}_{other}({argument}: &str) -> Result<String> {{\n    \
             let {value} = {source}.parse()?;\n    Ok({value})\n}}\n```"
        ));
    }

    fn write_token(&mut self, text: &mut String, token: usize, capitalise: bool) {
        self.count(token);
        let word = match self.vocabulary.get(token) {
            Some(word) => word,
            None => &self.hashes[token - self.vocabulary.len()],
        };
        let mut chars = word.chars();
        match chars.next() {
            Some(first) if capitalise => {
                text.extend(first.to_uppercase());
                text.push_str(chars.as_str());
            }
            _ => text.push_str(word),
        }
    }

    /// Counts `token` once per message for the document frequencies.
    fn count(&mut self, token: usize) {
        self.words += 1;
        if self.last_seen[token] != self.message {
            self.last_seen[token] = self.message;
            self.document_frequency[token] += 1;
        }
    }

    fn zipf_rank(&mut self) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let target = self.rng.unit() * total;
        self.cumulative
            .partition_point(|&weight| weight <= target)
            .min(self.cumulative.len() - 1)
    }
}

/// Common words first, roughly by frequency in coding conversations; then generated words,
/// a fifth of them camelCase compounds, up to [`VOCABULARY`].
fn vocabulary(rng: &mut SplitMix64) -> Vec<String> {
    let mut words = COMMON.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let mut seen = words.iter().cloned().collect::<HashSet<_>>();
    while words.len() < VOCABULARY {
        let word = if rng.chance(0.2) {
            let head = COMMON[rng.range(40, COMMON.len() - 1)];
            let tail = syllables(rng, 2);
            let mut chars = tail.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            format!("{head}{}{}", first.unwrap_or('X'), chars.as_str())
        } else {
            let count = rng.range(2, 4);
            syllables(rng, count)
        };
        if seen.insert(word.to_lowercase()) {
            words.push(word);
        }
    }
    words
}

fn syllables(rng: &mut SplitMix64, count: usize) -> String {
    const ONSETS: [&str; 24] = [
        "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br",
        "cl", "dr", "gr", "st", "tr", "sh",
    ];
    const VOWELS: [&str; 8] = ["a", "e", "i", "o", "u", "ai", "ea", "io"];
    const CODAS: [&str; 10] = ["", "", "", "n", "r", "s", "t", "l", "x", "nd"];
    (0..count)
        .map(|_| {
            format!(
                "{}{}{}",
                ONSETS[rng.below(ONSETS.len())],
                VOWELS[rng.below(VOWELS.len())],
                CODAS[rng.below(CODAS.len())]
            )
        })
        .collect()
}

/// SplitMix64: small, fast and deterministic; enough for synthetic text.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    /// A whole number in `low..=high`.
    fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high.saturating_sub(low) + 1)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    /// Fisher–Yates.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for index in (1..items.len()).rev() {
            items.swap(index, self.below(index + 1));
        }
    }
}

/// The repository root of one of [`REPOS`].
pub fn repo_path(name: &str) -> String {
    format!("/home/dev/src/{name}")
}

/// The repositories conversations are spread over (a fifth of them have none).
pub const REPOS: [&str; 20] = [
    "agent",
    "webshop",
    "infra",
    "dotfiles",
    "compiler",
    "blog",
    "ml-pipeline",
    "mobile-app",
    "billing",
    "search-service",
    "auth",
    "design-system",
    "data-warehouse",
    "cli-tools",
    "game-engine",
    "docs-site",
    "kernel-patches",
    "analytics",
    "chat-bot",
    "scheduler",
];

/// The head of the vocabulary, most frequent first: English function words mixed with the words
/// of programming conversations. Ranks 40 and on also seed camelCase identifiers.
#[rustfmt::skip]
const COMMON: &[&str] = &[
    "the", "to", "a", "is", "and", "of", "in", "it", "you", "that", "this", "for", "i", "be",
    "with", "on", "not", "can", "function", "file", "error", "code", "we", "if", "as", "use", "are",
    "have", "test", "value", "return", "do", "so", "type", "should", "but", "an", "or", "from",
    "at", "fn", "let", "string", "self", "config", "result", "path", "data", "new", "run", "get",
    "set", "list", "add", "fix", "check", "build", "call", "line", "name", "time", "user", "now",
    "will", "what", "there", "one", "would", "when", "like", "how", "need", "make", "here", "then",
    "which", "all", "just", "also", "by", "no", "change", "module", "struct", "impl", "method",
    "class", "import", "output", "input", "read", "write", "update", "version", "query", "request",
    "response", "server", "client", "index", "table", "field", "option", "some", "none", "ok",
    "err", "str", "vec", "map", "key", "async", "await", "thread", "lock", "buffer", "parse",
    "format", "print", "log", "debug", "release", "cargo", "crate", "trait", "match", "loop",
    "break", "true", "false", "null", "number", "array", "object", "json", "http", "api",
    "database", "cache", "memory", "store", "search", "message", "event", "handler", "state",
    "context", "token", "model", "prompt", "commit", "branch", "merge", "diff", "repo", "git",
    "shell", "command", "script", "rust", "python", "javascript", "typescript", "sql", "docker",
    "deploy", "service", "window", "layout", "render", "widget", "button", "assert", "expect",
    "panic", "unwrap", "clone", "borrow", "lifetime", "generic", "closure", "iterator", "stream",
    "socket", "timeout", "retry", "signal", "process", "exit", "status", "report", "schema",
    "migration", "transaction", "insert", "delete", "select", "where", "order", "limit", "offset",
    "cursor", "page", "row", "column", "sort", "filter", "group", "count", "sum", "benchmark",
    "latency", "throughput", "profile", "allocation", "pointer", "reference",
];
