-- Leases on unfinished tasks: the process running a task (its `pid`, from 0004) also records when
-- it started and where its pid means something, and renews a heartbeat while it runs. A task
-- whose process ended (or stopped renewing) is ended by the next agent process that reads tasks.

ALTER TABLE tasks ADD COLUMN pid_started INTEGER;   -- the owner's start time (Linux: ticks since boot)
ALTER TABLE tasks ADD COLUMN pid_scope TEXT;        -- the boot and pid namespace its pid belongs to
ALTER TABLE tasks ADD COLUMN heartbeat_at INTEGER;  -- ms; renewed every few seconds while it runs
CREATE INDEX tasks_unfinished ON tasks (status) WHERE status IN ('pending', 'running', 'verifying');
