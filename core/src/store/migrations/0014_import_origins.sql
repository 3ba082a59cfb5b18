-- Conversations imported from other agents (`agent history import --from codex|claude|aider`):
-- where each came from, and where each of its messages came from. An imported message's id is
-- the start of its content hash (its record's content chained to its parent's hash), so
-- importing a file again adds only the records that are new.

CREATE TABLE conversation_origins (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    tool            TEXT NOT NULL,          -- codex | claude | aider
    path            TEXT NOT NULL,          -- the file it was read from (as last imported)
    session         TEXT NOT NULL,          -- the tool's session id (aider: the session's start)
    branch_of       TEXT,                   -- a side branch: the conversation it forked from
    imported_at     INTEGER NOT NULL,       -- first import
    updated_at      INTEGER NOT NULL        -- last import that added to it
);
CREATE INDEX conversation_origins_by_session ON conversation_origins (tool, session);

CREATE TABLE message_origins (
    message_id    TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    line          INTEGER NOT NULL,         -- 1-based line of the record in its file
    record        TEXT,                     -- the record's own id (Claude uuid, Codex call id)
    content_hash  TEXT NOT NULL             -- SHA-256, hex; the message id is its first 16 digits
);
