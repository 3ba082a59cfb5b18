-- Results of `agent models bench`, per machine, so that `agent models recommend` can use the
-- decode speed measured here instead of its bandwidth estimate. `machine` identifies the
-- hardware the numbers belong to (CPU model, logical cores, memory), so a data directory
-- copied to another machine does not pass its numbers off as that machine's. For a local GGUF
-- file: `file_digest` is the SHA-256 of its length, first and last MiB (a cheap content
-- identity), `quantization` the weight type of most of its bytes, `weight_bytes` its size.

CREATE TABLE model_benchmarks (
    id                        INTEGER PRIMARY KEY,
    machine                   TEXT NOT NULL,
    backend                   TEXT NOT NULL,
    model                     TEXT NOT NULL,
    file_digest               TEXT,
    architecture              TEXT,
    quantization              TEXT,
    weight_bytes              INTEGER,
    engine                    TEXT,
    threads                   INTEGER,
    prompt_tokens             INTEGER NOT NULL,
    completion_tokens         INTEGER NOT NULL,
    prefill_tokens_per_second REAL,
    decode_tokens_per_second  REAL,
    first_token_ms            INTEGER,
    created_at                INTEGER NOT NULL
);

CREATE INDEX model_benchmarks_machine ON model_benchmarks (machine, created_at);
