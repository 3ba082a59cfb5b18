-- How each model calls tools, found once by the tool-calling check before its first task
-- (`native`, `prompt` for the prompt-level format, or `none`: the model is refused for tasks),
-- and the context window a task's model ran with (fitted to memory, shown by `task show`).

CREATE TABLE model_tool_checks (
    backend    TEXT NOT NULL,
    model      TEXT NOT NULL,
    format     TEXT NOT NULL CHECK (format IN ('native', 'prompt', 'none')),
    detail     TEXT NOT NULL DEFAULT '',
    checked_at INTEGER NOT NULL,
    PRIMARY KEY (backend, model)
) WITHOUT ROWID;

ALTER TABLE tasks ADD COLUMN context_length INTEGER;
