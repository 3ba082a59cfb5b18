-- Conversations and their messages, with a full-text index kept in sync by triggers.
-- Times are milliseconds since the Unix epoch, UTC.

CREATE TABLE conversations (
    id          TEXT PRIMARY KEY,
    title       TEXT NOT NULL DEFAULT '',
    repo        TEXT,                       -- repository root the conversation worked in, if any
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX conversations_by_update ON conversations (updated_at DESC, id DESC);
CREATE INDEX conversations_by_repo ON conversations (repo, updated_at DESC, id DESC);

CREATE TABLE messages (
    pk                INTEGER PRIMARY KEY,  -- stable rowid for the FTS index
    id                TEXT NOT NULL UNIQUE,
    conversation_id   TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,     -- position in the conversation, 0-based
    parent_id         TEXT REFERENCES messages (id) ON DELETE SET NULL, -- branching
    role              TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
    content           TEXT NOT NULL,
    model             TEXT,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    tool_call_id      TEXT,                 -- for role 'tool': the call this answers
    tool_calls        TEXT,                 -- for role 'assistant': JSON array of calls
    created_at        INTEGER NOT NULL,
    UNIQUE (conversation_id, seq)
);
CREATE INDEX messages_by_parent ON messages (parent_id) WHERE parent_id IS NOT NULL;

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content,
    content = 'messages',
    content_rowid = 'pk',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.pk, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.pk, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.pk, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.pk, new.content);
END;
