-- The CI monitor (`agent ci watch`): what it polled, the failed runs it saw, and the fix tasks
-- it started.

-- The ETag of the last answer to the runs listing of each watched repository and branch
-- ('' = every branch): the next poll sends it as If-None-Match, and a 304 costs no rate limit.
CREATE TABLE ci_poll_state (
    repo       TEXT NOT NULL,           -- owner/name
    branch     TEXT NOT NULL DEFAULT '',
    etag       TEXT,
    polled_at  INTEGER NOT NULL,        -- ms
    PRIMARY KEY (repo, branch)
) WITHOUT ROWID;

-- One fix task per failure: the jobs it covers are in ci_attempt_jobs.
CREATE TABLE ci_fix_attempts (
    id           INTEGER PRIMARY KEY,
    repo         TEXT NOT NULL,
    branch       TEXT NOT NULL,
    workflow     TEXT NOT NULL,
    run_id       INTEGER NOT NULL,      -- the failed run that started it
    run_url      TEXT NOT NULL,
    head_sha     TEXT NOT NULL,         -- the failing commit: the task's base
    step         TEXT,                  -- the first failed job's failed step
    task_id      TEXT REFERENCES tasks (id) ON DELETE SET NULL,
    outcome      TEXT NOT NULL,         -- running | pr_opened | failed | error
    pr_url       TEXT,
    error        TEXT,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    resolved_at  INTEGER                -- a later run of the workflow on the branch succeeded
);
CREATE INDEX ci_fix_attempts_by_creation ON ci_fix_attempts (created_at DESC, id DESC);

-- The failure signature: (repo, branch, workflow, job). While an attempt that covers a signature
-- is unresolved and did not end in `error`, a new failure with that signature starts no task.
CREATE TABLE ci_attempt_jobs (
    attempt_id  INTEGER NOT NULL REFERENCES ci_fix_attempts (id) ON DELETE CASCADE,
    repo        TEXT NOT NULL,
    branch      TEXT NOT NULL,
    workflow    TEXT NOT NULL,
    job         TEXT NOT NULL,
    PRIMARY KEY (attempt_id, job)
);
CREATE INDEX ci_attempt_jobs_by_signature ON ci_attempt_jobs (repo, branch, workflow, job);

-- Each failed run seen, once, and what was done about it.
CREATE TABLE ci_runs (
    repo         TEXT NOT NULL,
    run_id       INTEGER NOT NULL,
    workflow     TEXT NOT NULL,
    branch       TEXT NOT NULL,
    head_sha     TEXT NOT NULL,
    html_url     TEXT NOT NULL,
    conclusion   TEXT NOT NULL,
    failed_jobs  TEXT NOT NULL,         -- JSON array of job names
    handling     TEXT NOT NULL,         -- fix_started | duplicate | skipped | error
    attempt_id   INTEGER REFERENCES ci_fix_attempts (id) ON DELETE SET NULL,
    note         TEXT,
    seen_at      INTEGER NOT NULL,
    PRIMARY KEY (repo, run_id)
);
CREATE INDEX ci_runs_by_time ON ci_runs (seen_at DESC);
