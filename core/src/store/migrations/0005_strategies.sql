-- What the Iterative and MultiAgent strategies and the strategy selector record on a task.

ALTER TABLE tasks ADD COLUMN complexity_confidence REAL;
ALTER TABLE tasks ADD COLUMN selection_reason TEXT;     -- why this strategy was chosen
ALTER TABLE tasks ADD COLUMN iterations INTEGER;        -- edit → check rounds run
ALTER TABLE tasks ADD COLUMN review_rounds INTEGER;     -- reviewer change requests followed
ALTER TABLE tasks ADD COLUMN plan TEXT;                 -- the planner's plan as JSON
