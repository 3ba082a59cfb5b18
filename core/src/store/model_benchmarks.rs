//! `agent models bench` results per machine (`model_benchmarks`): what `agent models recommend`
//! reads as measured decode speeds.

use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::time::{Millis, now_ms};

/// One benchmark of one model on one machine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelBenchmark {
    /// The hardware: CPU model, logical cores, memory (see `agent models bench`).
    pub machine: String,
    /// `local`, `ollama` or `openai`.
    pub backend: String,
    /// The model as the backend names it: a GGUF file name, an Ollama tag, a served name.
    pub model: String,
    /// Local files: SHA-256 of the length, first and last MiB.
    pub file_digest: Option<String>,
    pub architecture: Option<String>,
    /// The weight type of most of the file's bytes (`Q4_K`, `Q8_0`, `F16`, ...).
    pub quantization: Option<String>,
    pub weight_bytes: Option<u64>,
    /// The in-process engine that ran it (`candle`, `native`); `None` for servers.
    pub engine: Option<String>,
    pub threads: Option<u32>,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub prefill_tokens_per_second: Option<f64>,
    pub decode_tokens_per_second: Option<f64>,
    pub first_token_ms: Option<u64>,
    /// Filled in by the store.
    pub created_at: Millis,
}

impl Store {
    /// Records a benchmark (its `created_at` is now).
    pub fn record_model_benchmark(&self, bench: &ModelBenchmark) -> Result<()> {
        self.conn.execute(
            "INSERT INTO model_benchmarks (machine, backend, model, file_digest, architecture,
                 quantization, weight_bytes, engine, threads, prompt_tokens, completion_tokens,
                 prefill_tokens_per_second, decode_tokens_per_second, first_token_ms, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                bench.machine,
                bench.backend,
                bench.model,
                bench.file_digest,
                bench.architecture,
                bench.quantization,
                bench.weight_bytes.map(|b| b as i64),
                bench.engine,
                bench.threads,
                bench.prompt_tokens as i64,
                bench.completion_tokens as i64,
                bench.prefill_tokens_per_second,
                bench.decode_tokens_per_second,
                bench.first_token_ms.map(|ms| ms as i64),
                now_ms(),
            ],
        )?;
        Ok(())
    }

    /// The latest benchmark of each model (by file digest, else by backend and name) and
    /// engine on `machine` that measured a decode speed, newest first.
    pub fn latest_model_benchmarks(&self, machine: &str) -> Result<Vec<ModelBenchmark>> {
        let mut statement = self.conn.prepare(
            "SELECT machine, backend, model, file_digest, architecture, quantization, weight_bytes,
                    engine, threads, prompt_tokens, completion_tokens, prefill_tokens_per_second,
                    decode_tokens_per_second, first_token_ms, created_at
             FROM model_benchmarks
             WHERE machine = ?1 AND decode_tokens_per_second IS NOT NULL
             ORDER BY created_at DESC, id DESC",
        )?;
        let rows = statement.query_map([machine], |row| {
            Ok(ModelBenchmark {
                machine: row.get(0)?,
                backend: row.get(1)?,
                model: row.get(2)?,
                file_digest: row.get(3)?,
                architecture: row.get(4)?,
                quantization: row.get(5)?,
                weight_bytes: row.get::<_, Option<i64>>(6)?.map(|b| b.max(0) as u64),
                engine: row.get(7)?,
                threads: row.get(8)?,
                prompt_tokens: row.get::<_, i64>(9)?.max(0) as u64,
                completion_tokens: row.get::<_, i64>(10)?.max(0) as u64,
                prefill_tokens_per_second: row.get(11)?,
                decode_tokens_per_second: row.get(12)?,
                first_token_ms: row.get::<_, Option<i64>>(13)?.map(|ms| ms.max(0) as u64),
                created_at: row.get(14)?,
            })
        })?;
        let mut seen = std::collections::HashSet::new();
        let mut latest = Vec::new();
        for row in rows {
            let row = row?;
            let identity = match &row.file_digest {
                Some(digest) => format!("file {digest}"),
                None => format!("{} {}", row.backend, row.model),
            };
            if seen.insert((identity, row.engine.clone())) {
                latest.push(row);
            }
        }
        Ok(latest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn bench(
        model: &str,
        digest: Option<&str>,
        decode: Option<f64>,
        machine: &str,
    ) -> ModelBenchmark {
        ModelBenchmark {
            machine: machine.into(),
            backend: "local".into(),
            model: model.into(),
            file_digest: digest.map(str::to_string),
            architecture: Some("llama".into()),
            quantization: Some("Q8_0".into()),
            weight_bytes: Some(1_000_000),
            engine: Some("candle".into()),
            threads: Some(2),
            prompt_tokens: 100,
            completion_tokens: 16,
            prefill_tokens_per_second: Some(100.0),
            decode_tokens_per_second: decode,
            first_token_ms: Some(50),
            created_at: 0,
        }
    }

    #[test]
    fn the_latest_benchmark_per_file_and_machine_is_read_back() {
        let store = Store::open_in_memory().unwrap();
        store
            .record_model_benchmark(&bench("a.gguf", Some("d1"), Some(10.0), "m1"))
            .unwrap();
        store
            .record_model_benchmark(&bench("a-renamed.gguf", Some("d1"), Some(12.0), "m1"))
            .unwrap();
        store
            .record_model_benchmark(&bench("b.gguf", Some("d2"), None, "m1"))
            .unwrap();
        store
            .record_model_benchmark(&bench("c.gguf", Some("d3"), Some(5.0), "m2"))
            .unwrap();
        let rows = store.latest_model_benchmarks("m1").unwrap();
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].model, "a-renamed.gguf");
        assert_eq!(rows[0].decode_tokens_per_second, Some(12.0));
        assert!(rows[0].created_at > 0);
        assert_eq!(
            store.latest_model_benchmarks("m2").unwrap()[0].model,
            "c.gguf"
        );
        assert!(store.latest_model_benchmarks("m3").unwrap().is_empty());
    }
}
