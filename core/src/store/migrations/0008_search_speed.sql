-- Search speed. The message index also keeps every 2-, 3- and 4-letter prefix of each word as a
-- term of its own, so a prefix query (`sond*`) reads one list instead of merging the lists of
-- every word it starts with. Its pages hold 1,000 bytes instead of 4,050: finding one message in
-- a common word's list decodes a page from its start, so a phrase with a common word (`the
-- zorbnik`) checks each message of its rarer word in about half the time.
--
-- FTS5 fixes the prefix option when the table is made, so the index is made again and filled
-- from the messages (the triggers of 0001 write to it by name), then merged into one segment.

DROP TABLE messages_fts;

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    content,
    content = 'messages',
    content_rowid = 'pk',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);

INSERT INTO messages_fts (messages_fts, rank) VALUES ('pgsz', 1000);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
INSERT INTO messages_fts (messages_fts) VALUES ('optimize');
