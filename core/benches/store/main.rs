//! Store benchmark: builds a large database of synthetic conversations through the public API,
//! then times full-text search and conversation listing, and prints Markdown tables.
//!
//! `cargo bench -p agent-core --bench store` builds 10,000 conversations × 100 messages
//! (1,000,000 messages). Environment variables scale it and keep the result:
//!
//! - `AGENT_BENCH_CONVERSATIONS` (default 10000) and `AGENT_BENCH_MESSAGES` (default 1000000,
//!   spread evenly over the conversations);
//! - `AGENT_BENCH_QUERIES` (default 200): timed runs per query class and listing case;
//! - `AGENT_BENCH_KEEP=DIR`: build into `DIR/data/agent.db` and keep it, so `DIR` works as an
//!   `AGENT_HOME` for the CLI (`scripts/bench-cli.sh`); a database already there with the same
//!   counts is reused instead of rebuilt.
//!
//! Run without `--bench` (as `cargo test --benches` does) it builds a tiny database as a smoke
//! check. The text is deterministic: a Zipf-distributed vocabulary of common English and code
//! words with a long tail of rarer identifiers, commit-like hashes, and a few code blocks.

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

mod corpus;

use std::collections::HashSet;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use agent_core::store::{ListQuery, SearchQuery, Store, StoreOptions};

use corpus::{COMMON_RANKS, Corpus, Generator, REPOS, SplitMix64, VOCABULARY, repo_path};

type BenchResult<T> = Result<T, Box<dyn Error>>;

/// Conversations imported per `import_records` call (one transaction each).
const BATCH: usize = 1_000;
/// Results asked of every search and listing, as `agent history` asks by default.
const PAGE: u32 = 20;

fn main() -> BenchResult<()> {
    let settings = Settings::from_env()?;
    let temporary = tempfile::tempdir()?;
    let home = settings
        .keep
        .clone()
        .unwrap_or_else(|| temporary.path().to_path_buf());
    let db_path = home.join("data").join("agent.db");

    println!("# agent-core store benchmark\n");
    if settings.smoke {
        println!("(smoke run: pass `--bench`, as `cargo bench` does, for the full size)\n");
    }
    println!(
        "- {} conversations × {} messages = {} messages",
        settings.conversations,
        settings.per_conversation,
        settings.messages()
    );
    println!(
        "- database: `{}`{}",
        db_path.display(),
        if settings.keep.is_some() {
            " (kept)"
        } else {
            " (temporary)"
        }
    );

    let built = build(&settings, &db_path)?;
    let size = file_size(&db_path) + file_size(&db_path.with_extension("db-wal"));
    println!("\n## Build\n");
    println!("| step | result |\n| --- | --- |");
    println!(
        "| generate text (in memory) | {:.1} s |",
        built.generate.as_secs_f64()
    );
    match built.import {
        Some(import) => {
            let rate = settings.messages() as f64 / import.as_secs_f64();
            println!(
                "| import (`import_records`, {BATCH} conversations per call) | {:.1} s |",
                import.as_secs_f64()
            );
            println!("| import rate | {} messages/s |", thousands(rate as u64));
        }
        None => println!("| import | reused the kept database |"),
    }
    println!(
        "| database size on disk | {:.1} MiB ({} bytes/message) |",
        size as f64 / 1_048_576.0,
        size / settings.messages().max(1) as u64
    );
    println!(
        "| words generated | {} ({:.1} per message) |",
        thousands(built.corpus.words),
        built.corpus.words as f64 / settings.messages().max(1) as f64
    );

    // A fresh connection, as every `agent` process opens one: warm OS cache, cold SQLite cache.
    let open = time_runs(settings.queries.min(50), |_| {
        Store::open(&db_path, &StoreOptions::default()).map(drop)
    })?;
    let store = Store::open(&db_path, &StoreOptions::default())?;
    bench_search(&store, &settings, &built.corpus)?;
    bench_list(&store, &settings, &open)?;
    Ok(())
}

/// What to build and how often to time.
struct Settings {
    conversations: usize,
    per_conversation: usize,
    queries: usize,
    keep: Option<PathBuf>,
    smoke: bool,
}

impl Settings {
    fn from_env() -> BenchResult<Self> {
        let smoke = !std::env::args().any(|arg| arg == "--bench");
        let (conversations, messages, queries) = if smoke {
            (20, 400, 10)
        } else {
            (10_000, 1_000_000, 200)
        };
        let number = |name: &str, default: usize| -> BenchResult<usize> {
            match std::env::var(name) {
                Ok(text) => Ok(text
                    .trim()
                    .replace(['_', ','], "")
                    .parse::<usize>()
                    .map_err(|e| format!("{name}=`{text}` is not a whole number: {e}"))?),
                Err(_) => Ok(default),
            }
        };
        let conversations = number("AGENT_BENCH_CONVERSATIONS", conversations)?.max(1);
        let messages = number("AGENT_BENCH_MESSAGES", messages)?.max(conversations);
        Ok(Self {
            conversations,
            per_conversation: messages / conversations,
            queries: number("AGENT_BENCH_QUERIES", queries)?.max(1),
            keep: std::env::var_os("AGENT_BENCH_KEEP")
                .filter(|dir| !dir.is_empty())
                .map(PathBuf::from),
            smoke,
        })
    }

    fn messages(&self) -> usize {
        self.conversations * self.per_conversation
    }
}

struct Built {
    generate: Duration,
    /// `None` when a kept database was reused.
    import: Option<Duration>,
    corpus: Corpus,
}

/// Generates every conversation and imports it in batches, unless a kept database with the same
/// counts is already there (then the text is generated again only for its word statistics).
fn build(settings: &Settings, db_path: &Path) -> BenchResult<Built> {
    let mut store = Store::open(db_path, &StoreOptions::default())?;
    let expected = (settings.conversations as u64, settings.messages() as u64);
    let present = store.counts()?;
    let reuse = present == expected;
    if !reuse && present != (0, 0) {
        return Err(format!(
            "{} holds {} conversations and {} messages, not {} and {}: remove it or keep elsewhere",
            db_path.display(),
            present.0,
            present.1,
            expected.0,
            expected.1
        )
        .into());
    }
    let mut generator = Generator::new(
        settings.conversations,
        settings.per_conversation,
        settings.queries * 4,
    );
    let mut generate = Duration::ZERO;
    let mut import = Duration::ZERO;
    let mut start = 0;
    while start < settings.conversations {
        let end = (start + BATCH).min(settings.conversations);
        let clock = Instant::now();
        let records = (start..end)
            .map(|index| (index + 1, generator.conversation(index)))
            .collect::<Vec<_>>();
        generate += clock.elapsed();
        if !reuse {
            let clock = Instant::now();
            store.import_records(records, "bench")?;
            import += clock.elapsed();
        }
        start = end;
    }
    let counts = store.counts()?;
    if counts != expected {
        return Err(format!("the database holds {counts:?}, expected {expected:?}").into());
    }
    // Closing the last connection checkpoints the WAL into the file, so its size is the real one.
    drop(store);
    Ok(Built {
        generate,
        import: (!reuse).then_some(import),
        corpus: generator.finish(),
    })
}

fn bench_search(store: &Store, settings: &Settings, corpus: &Corpus) -> BenchResult<()> {
    let messages = settings.messages() as u32;
    let mut rng = SplitMix64(0x5EA7_C4E5);
    let classes = [
        QueryClass::by_frequency("rare word", "", corpus, 1, 10, settings.queries, &mut rng),
        QueryClass::by_frequency(
            "mid-frequency word",
            "0.1–1 %",
            corpus,
            (messages / 1_000).max(2),
            (messages / 100).max(3),
            settings.queries,
            &mut rng,
        ),
        QueryClass::common(corpus, messages),
        QueryClass::phrases(corpus, settings.queries, &mut rng),
        QueryClass::prefixes(corpus, settings.queries, &mut rng),
    ];
    println!("\n## `Store::search_messages` (limit {PAGE})\n");
    println!(
        "| query class | example | distinct queries | runs | median results | p50 ms | p95 ms | p99 ms | max ms |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for class in classes {
        if class.queries.is_empty() {
            println!(
                "| {} ({}) | — | 0 | 0 | — | — | — | — | — |",
                class.name, class.detail
            );
            continue;
        }
        let mut results = Vec::new();
        let search = |index: usize| {
            let query = SearchQuery {
                text: class.queries[index % class.queries.len()].clone(),
                limit: PAGE,
                repo: None,
            };
            store.search_messages(&query)
        };
        // Warm up SQLite's cache with a few queries that are not counted.
        for index in 0..class.queries.len().min(5) {
            search(index)?;
        }
        let timings = time_runs(settings.queries, |index| {
            search(index).map(|hits| results.push(hits.len()))
        })?;
        results.sort_unstable();
        println!(
            "| {} ({}) | `{}` | {} | {} | {} | {} |",
            class.name,
            class.detail,
            class.queries[0],
            class.queries.len(),
            timings.runs(),
            results[results.len() / 2],
            timings.columns()
        );
    }
    Ok(())
}

fn bench_list(store: &Store, settings: &Settings, open: &Timings) -> BenchResult<()> {
    let page = |cursor: Option<String>, repo: Option<String>| ListQuery {
        limit: PAGE,
        cursor,
        repo,
        ..ListQuery::default()
    };
    // Walk every page once, newest first, keeping the cursors for the deep-page runs.
    let mut cursors = Vec::new();
    let mut listed = 0;
    let mut cursor = None;
    let walk = time_runs(usize::MAX, |_| {
        let result = store.list_conversations(&page(cursor.take(), None))?;
        listed += result.items.len();
        cursor = result.next_cursor.clone();
        cursors.extend(result.next_cursor);
        Ok::<_, agent_core::Error>(cursor.is_some())
    })?;
    if listed != settings.conversations {
        return Err(format!(
            "walking every page listed {listed} conversations, not {}",
            settings.conversations
        )
        .into());
    }
    let deep = cursors[cursors.len() * 3 / 4..].to_vec();
    let first = time_runs(settings.queries, |_| {
        store.list_conversations(&page(None, None)).map(drop)
    })?;
    let deepest = time_runs(settings.queries, |index| {
        let cursor = deep.get(index % deep.len().max(1)).cloned();
        store.list_conversations(&page(cursor, None)).map(drop)
    })?;
    let by_repo = time_runs(settings.queries, |index| {
        let repo = REPOS[index % REPOS.len()];
        store
            .list_conversations(&page(None, Some(repo_path(repo))))
            .map(drop)
    })?;

    println!("\n## `Store::list_conversations` (limit {PAGE})\n");
    println!("| case | runs | p50 ms | p95 ms | p99 ms | max ms |");
    println!("| --- | --- | --- | --- | --- | --- |");
    println!("| first page | {} | {} |", first.runs(), first.columns());
    println!(
        "| deep page (cursor in the oldest quarter) | {} | {} |",
        deepest.runs(),
        deepest.columns()
    );
    println!(
        "| first page, `repo` filter ({} repositories) | {} | {} |",
        REPOS.len(),
        by_repo.runs(),
        by_repo.columns()
    );
    println!(
        "| every page in turn (walk by cursor) | {} | {} |",
        walk.runs(),
        walk.columns()
    );
    println!("\n## `Store::open` (existing database)\n");
    println!("| case | runs | p50 ms | p95 ms | p99 ms | max ms |");
    println!("| --- | --- | --- | --- | --- | --- |");
    println!("| open and close | {} | {} |", open.runs(), open.columns());
    Ok(())
}

/// Times `runs` calls of `run`; a `run` returning `bool` stops the loop early when it is false.
fn time_runs<T: Continue, E: Error + 'static>(
    runs: usize,
    mut run: impl FnMut(usize) -> Result<T, E>,
) -> BenchResult<Timings> {
    let mut samples = Vec::new();
    for index in 0..runs {
        let clock = Instant::now();
        let outcome = run(index)?;
        samples.push(clock.elapsed());
        if !outcome.more() {
            break;
        }
    }
    samples.sort_unstable();
    Ok(Timings(samples))
}

trait Continue {
    fn more(&self) -> bool;
}

impl Continue for () {
    fn more(&self) -> bool {
        true
    }
}

impl Continue for bool {
    fn more(&self) -> bool {
        *self
    }
}

/// Sorted durations.
struct Timings(Vec<Duration>);

impl Timings {
    fn runs(&self) -> usize {
        self.0.len()
    }

    /// The nearest-rank percentile, in milliseconds.
    fn percentile(&self, percent: f64) -> f64 {
        let rank = ((percent / 100.0) * self.0.len() as f64).ceil() as usize;
        self.0
            .get(rank.clamp(1, self.0.len().max(1)) - 1)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1_000.0)
    }

    /// `p50 | p95 | p99 | max` for a table row.
    fn columns(&self) -> String {
        [50.0, 95.0, 99.0, 100.0]
            .map(|p| format!("{:.2}", self.percentile(p)))
            .join(" | ")
    }
}

/// Queries of one kind, chosen from what the generator actually wrote.
struct QueryClass {
    name: &'static str,
    detail: String,
    queries: Vec<String>,
}

impl QueryClass {
    /// Words found in `low..=high` messages, up to `count` of them, in a shuffled order.
    fn by_frequency(
        name: &'static str,
        share: &str,
        corpus: &Corpus,
        low: u32,
        high: u32,
        count: usize,
        rng: &mut SplitMix64,
    ) -> Self {
        let mut tokens = (0..corpus.document_frequency.len())
            .filter(|&token| (low..=high).contains(&corpus.document_frequency[token]))
            .collect::<Vec<_>>();
        rng.shuffle(&mut tokens);
        tokens.truncate(count);
        Self {
            name,
            detail: if share.is_empty() {
                format!("in {low}–{high} messages")
            } else {
                format!("in {share} of messages: {low}–{high}")
            },
            queries: tokens.into_iter().map(|t| corpus.token(t)).collect(),
        }
    }

    /// The top of the vocabulary; each is in a large share of all messages.
    fn common(corpus: &Corpus, messages: u32) -> Self {
        let queries = (0..COMMON_RANKS)
            .map(|rank| (corpus.document_frequency[rank], corpus.token(rank)))
            .collect::<Vec<_>>();
        let least = queries.iter().map(|(df, _)| *df).min().unwrap_or(0);
        Self {
            name: "very common word",
            detail: format!(
                "the {COMMON_RANKS} most frequent, each in ≥ {:.0} % of messages",
                100.0 * f64::from(least) / f64::from(messages.max(1))
            ),
            queries: queries.into_iter().map(|(_, word)| word).collect(),
        }
    }

    /// Adjacent word pairs sampled from the generated text, not both among the very common.
    fn phrases(corpus: &Corpus, count: usize, rng: &mut SplitMix64) -> Self {
        let mut pairs = corpus
            .bigrams
            .iter()
            .filter(|(a, b)| *a >= COMMON_RANKS || *b >= COMMON_RANKS)
            .map(|(a, b)| format!("{} {}", corpus.token(*a), corpus.token(*b)))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect::<Vec<_>>();
        pairs.sort();
        rng.shuffle(&mut pairs);
        pairs.truncate(count);
        Self {
            name: "two-word phrase",
            detail: "adjacent in the text".into(),
            queries: pairs,
        }
    }

    /// The first four letters of words ranked 30–3,000, as `abcd*`.
    fn prefixes(corpus: &Corpus, count: usize, rng: &mut SplitMix64) -> Self {
        let mut prefixes = (30..3_000.min(VOCABULARY))
            .map(|rank| corpus.token(rank))
            .filter(|word| word.len() >= 6 && word.is_ascii())
            .map(|word| format!("{}*", &word[..4]))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect::<Vec<_>>();
        prefixes.sort();
        rng.shuffle(&mut prefixes);
        prefixes.truncate(count);
        Self {
            name: "prefix",
            detail: "4 letters of a word ranked 30–3000".into(),
            queries: prefixes,
        }
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
