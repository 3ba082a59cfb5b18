-- Content-addressed attachments, the model registry cache, A/B tests and classifier versions.

CREATE TABLE attachments (
    sha256      TEXT PRIMARY KEY,           -- file name under attachments/ab/cdef...
    size        INTEGER NOT NULL,
    media_type  TEXT,
    created_at  INTEGER NOT NULL
);

CREATE TABLE message_attachments (
    message_id  TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    sha256      TEXT NOT NULL REFERENCES attachments (sha256),
    name        TEXT NOT NULL,
    PRIMARY KEY (message_id, sha256)
) WITHOUT ROWID;

CREATE TABLE model_registry (
    backend       TEXT NOT NULL,
    name          TEXT NOT NULL,
    details       TEXT NOT NULL,            -- JSON: family, parameters, quantisation, context, capabilities
    refreshed_at  INTEGER NOT NULL,
    PRIMARY KEY (backend, name)
) WITHOUT ROWID;

CREATE TABLE ab_tests (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    variants    TEXT NOT NULL,              -- JSON array of {name, backend, model, weight}
    status      TEXT NOT NULL,              -- running | stopped
    created_at  INTEGER NOT NULL,
    stopped_at  INTEGER
);

CREATE TABLE ab_assignments (
    test_id   TEXT NOT NULL REFERENCES ab_tests (id) ON DELETE CASCADE,
    task_id   TEXT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    variant   TEXT NOT NULL,
    PRIMARY KEY (test_id, task_id)
) WITHOUT ROWID;

CREATE TABLE classifier_versions (
    id          INTEGER PRIMARY KEY,
    trained_at  INTEGER NOT NULL,
    samples     INTEGER NOT NULL,
    accuracy    REAL,
    model       TEXT NOT NULL,              -- JSON: the learned weights
    active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
