-- The repo map's files as ranking reads them, every name an integer id (`repomap/packed.rs`),
-- saved per root so that a new process ranks from ids: it reads the tags of only the files whose
-- blob changed since, instead of splitting and hashing the names of every file. `generation` is
-- the root's generation (map_root_state) the files were read at; the content is only ever newer.

CREATE TABLE map_graph (
    root TEXT PRIMARY KEY,             -- as in map_files
    generation TEXT NOT NULL,
    data BLOB NOT NULL
);
