-- Listings of tasks by status or repository, newest first, page by page (`GET /v1/tasks`):
-- each filter has an index in the listing's order, so a page costs one index walk.
DROP INDEX tasks_by_status;
CREATE INDEX tasks_by_status ON tasks (status, created_at DESC, id DESC);
CREATE INDEX tasks_by_repo ON tasks (repo, created_at DESC, id DESC);

-- One order over the events of every task, for readers that follow all of them (`GET /v1/events`)
-- and resume where they left off: `id` is the cursor. A trigger fills it, so every writer of
-- `task_events` feeds it without knowing; events already stored are fed in the order they happened.

CREATE TABLE event_feed (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id  TEXT NOT NULL,
    seq      INTEGER NOT NULL
);

INSERT INTO event_feed (task_id, seq)
    SELECT task_id, seq FROM task_events ORDER BY created_at, task_id, seq;

CREATE TRIGGER task_events_feed AFTER INSERT ON task_events
BEGIN
    INSERT INTO event_feed (task_id, seq) VALUES (new.task_id, new.seq);
END;
