-- Answers of temperature-0 model requests, kept so that an identical request is answered
-- without the model (`cache.enabled`, `cache.ttl`). `key` is the SHA-256 of the request's
-- canonical form (backend, model identity, messages, tools, options): the request's text is
-- not kept here. `response` is the answer as JSON (text, tool calls, usage, finish reason),
-- redacted like every text the store writes.

CREATE TABLE model_cache (
    key         TEXT PRIMARY KEY,
    backend     TEXT NOT NULL,
    model       TEXT NOT NULL,
    response    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    hits        INTEGER NOT NULL DEFAULT 0,
    last_hit_at INTEGER
) WITHOUT ROWID;

CREATE INDEX model_cache_created ON model_cache (created_at);

-- Whether a model call was answered from the cache (`hit`), asked the model and kept its
-- answer (`miss`), or was not cacheable (NULL).
ALTER TABLE model_calls ADD COLUMN cache TEXT CHECK (cache IN ('hit', 'miss'));
