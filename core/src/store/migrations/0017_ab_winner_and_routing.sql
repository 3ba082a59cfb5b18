-- A/B tests: the variant a stopped test kept (`a`, `b`, or NULL while it runs), the tasks of a
-- test found by task, and the router's reading of model calls by role and model.
-- `ab_tests.variants` holds a JSON array of {name, settings: {key: value}, weight}.

ALTER TABLE ab_tests ADD COLUMN winner TEXT;

CREATE INDEX ab_assignments_by_task ON ab_assignments (task_id);

CREATE INDEX model_calls_by_role ON model_calls (agent_role, backend, model)
    WHERE task_id IS NOT NULL;
