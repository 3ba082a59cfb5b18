-- The repo map's symbols, kept per git blob id so that a file's content is parsed once, whatever
-- its path and in whichever checkout (a task's worktree shares the blobs of its repository).
-- `map_blobs` holds what ranking reads of a blob (its defined names, its counted references);
-- `map_defs` each definition with its line and signature, for rendering and the `symbols` tool.
-- `map_files` is the stat cache of each indexed root: a file whose size and mtime are unchanged
-- keeps its blob id without being read again.

CREATE TABLE map_blobs (
    blob TEXT NOT NULL,                -- git blob id (SHA-1 of "blob <len>\0" + content)
    lang TEXT NOT NULL,                -- language and tags version: rust/1, python/1, tsx/1…
    def_names TEXT NOT NULL,           -- distinct defined names, one per line
    refs TEXT NOT NULL,                -- referenced names, "name\tcount" per line
    PRIMARY KEY (blob, lang)
) WITHOUT ROWID;

CREATE TABLE map_defs (
    blob TEXT NOT NULL,
    lang TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,                -- function, method, class, interface, module, constant…
    line INTEGER NOT NULL,             -- 1-based
    signature TEXT NOT NULL            -- the defining line, trimmed and cut
);
CREATE INDEX map_defs_blob ON map_defs (blob, lang);
CREATE INDEX map_defs_name ON map_defs (name);

CREATE TABLE map_files (
    root TEXT NOT NULL,                -- the indexed directory, absolute
    path TEXT NOT NULL,                -- relative to root, with '/'
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    blob TEXT NOT NULL,
    lang TEXT NOT NULL,
    PRIMARY KEY (root, path)
) WITHOUT ROWID;
