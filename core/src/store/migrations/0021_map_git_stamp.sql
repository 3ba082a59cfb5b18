-- Re-indexing a git work tree without reading its whole stat cache: a file row written because
-- git's index vouched for it (its `lstat` matched git's record) is marked `vouched`, and each
-- root remembers the git index it last listed (`git_index`: size, mtime and checksum of the
-- index file). While that index is unchanged, a vouched row still equals git's record, so an
-- index run reads only the rows git does not vouch for (untracked and edited files, watched
-- directories) through the partial index below. `generation` changes with every run that
-- changed a root's files: a process keeps the ranking graph it built while it is the same.

ALTER TABLE map_files ADD COLUMN vouched INTEGER NOT NULL DEFAULT 0;
CREATE INDEX map_files_unvouched ON map_files (root, path) WHERE vouched = 0;

CREATE TABLE map_root_state (
    root TEXT PRIMARY KEY,             -- as in map_files
    git_index TEXT,                    -- the git index last listed; NULL: read every row
    generation TEXT NOT NULL           -- new whenever the root's files or blobs changed
) WITHOUT ROWID;
