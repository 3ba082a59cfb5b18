-- What running, applying and undoing tasks needs, and which edit form works for which model.

ALTER TABLE tasks ADD COLUMN backend TEXT;
ALTER TABLE tasks ADD COLUMN approval TEXT;
ALTER TABLE tasks ADD COLUMN verify_command TEXT;
ALTER TABLE tasks ADD COLUMN spec TEXT;                 -- the TaskSpec as JSON, for `task retry`
ALTER TABLE tasks ADD COLUMN retry_of TEXT;
ALTER TABLE tasks ADD COLUMN error TEXT;                -- why a task failed
ALTER TABLE tasks ADD COLUMN pid INTEGER;               -- the process running it
ALTER TABLE tasks ADD COLUMN cancel_requested_at INTEGER;
ALTER TABLE tasks ADD COLUMN applied_commit TEXT;       -- the commit `task apply` made
ALTER TABLE tasks ADD COLUMN applied_to TEXT;           -- the repository it was applied in
ALTER TABLE tasks ADD COLUMN applied_at INTEGER;
ALTER TABLE tasks ADD COLUMN undone_at INTEGER;
CREATE INDEX tasks_by_applied ON tasks (applied_to, applied_at DESC) WHERE applied_at IS NOT NULL;

CREATE TABLE edit_outcomes (
    backend  TEXT NOT NULL,
    model    TEXT NOT NULL,
    form     TEXT NOT NULL,                 -- search_replace | whole_file
    applied  INTEGER NOT NULL DEFAULT 0,    -- well-formed and applied
    failed   INTEGER NOT NULL DEFAULT 0,    -- malformed or not applicable
    PRIMARY KEY (backend, model, form)
) WITHOUT ROWID;
