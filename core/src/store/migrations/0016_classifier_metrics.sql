-- The trained complexity classifier: what each version was trained on and how it scored.

ALTER TABLE classifier_versions ADD COLUMN macro_f1 REAL;       -- on the held-out tasks
ALTER TABLE classifier_versions ADD COLUMN source TEXT;         -- history | FILE.jsonl
ALTER TABLE classifier_versions ADD COLUMN metrics TEXT;        -- JSON: this and the former model's held-out scores
