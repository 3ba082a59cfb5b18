-- Tasks, their event log, and every model call with its token usage.

CREATE TABLE tasks (
    id                TEXT PRIMARY KEY,
    conversation_id   TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    repo              TEXT NOT NULL,
    base_commit       TEXT,
    branch            TEXT,
    worktree          TEXT,
    strategy          TEXT,                 -- single | iterative | multi
    complexity        TEXT,                 -- simple | medium | complex
    models            TEXT,                 -- JSON object role -> model
    status            TEXT NOT NULL,        -- pending | running | verifying | succeeded | failed | cancelled
    summary           TEXT,
    diff_stat         TEXT,
    commit_id         TEXT,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    started_at        INTEGER,
    finished_at       INTEGER
);
CREATE INDEX tasks_by_creation ON tasks (created_at DESC, id DESC);
CREATE INDEX tasks_by_status ON tasks (status, created_at DESC);

CREATE TABLE task_events (
    task_id     TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,              -- the protocol Event's type tag
    payload     TEXT NOT NULL,              -- the protocol Event as JSON
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (task_id, seq)
) WITHOUT ROWID;

CREATE TABLE model_calls (
    id                    INTEGER PRIMARY KEY,
    task_id               TEXT REFERENCES tasks (id) ON DELETE SET NULL,
    conversation_id       TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    agent_role            TEXT,             -- planner | coder | reviewer | tester | chat | ...
    backend               TEXT NOT NULL,    -- ollama | openai | local
    model                 TEXT NOT NULL,
    prompt_tokens         INTEGER,
    completion_tokens     INTEGER,
    latency_ms            INTEGER,          -- request to last token
    first_token_ms        INTEGER,          -- request to first token
    outcome               TEXT NOT NULL,    -- ok | error | cancelled | length
    error                 TEXT,
    created_at            INTEGER NOT NULL
);
CREATE INDEX model_calls_by_time ON model_calls (created_at);
CREATE INDEX model_calls_by_task ON model_calls (task_id) WHERE task_id IS NOT NULL;
CREATE INDEX model_calls_by_model ON model_calls (backend, model, created_at);
