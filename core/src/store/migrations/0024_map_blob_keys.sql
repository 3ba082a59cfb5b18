-- The keys of map_blobs on their own. Its rows hold every name a blob defines and references,
-- so its primary key's b-tree spreads ~10,000 keys over megabytes of pages: asking which of a
-- root's files have tags (`map_listed_files`) or whether one blob was parsed (`map_has_blob`)
-- read them all (~50 ms for 10,000 files). This index holds the keys alone (a few hundred kB).

CREATE INDEX map_blobs_key ON map_blobs (blob, lang);
