-- Pages `agent fetch` and the model's `fetch` tool got, kept for a short while (fetch.cache_ttl)
-- so that asking for the same address again sends no request. Only complete answers with a
-- success status are kept, by the address asked for; rows past the time to live are deleted as
-- new ones arrive, and at most a few hundred are kept.

CREATE TABLE fetch_cache (
    url TEXT PRIMARY KEY,              -- the address asked for
    final_url TEXT NOT NULL,           -- where the page was found (after same-host redirects)
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    fetched_at INTEGER NOT NULL        -- ms
) WITHOUT ROWID;
CREATE INDEX fetch_cache_fetched ON fetch_cache (fetched_at);
