-- GitHub webhook deliveries `agent serve` accepted (their signature checked), by the delivery id
-- GitHub sends as X-GitHub-Delivery: a second delivery with a seen id is a replay and is refused.
-- `outcome` says what became of it (a task started, ignored and why, handed to the CI flow).
-- Rows older than the replay window are pruned as new ones arrive.

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,               -- X-GitHub-Delivery
    event TEXT NOT NULL,               -- X-GitHub-Event (issue_comment, workflow_run, ping…)
    repo TEXT,                         -- owner/name, when the payload names one
    received_at INTEGER NOT NULL,      -- ms
    outcome TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
