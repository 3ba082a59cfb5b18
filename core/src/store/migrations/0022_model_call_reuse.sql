-- How many prompt tokens of a model call the backend did not compute again: a local model's
-- KV cache of the previous request, or its prefilled system prompt and tools kept by an earlier
-- process (`<data>/prefill/`); llama.cpp's `cache_n`. NULL for calls recorded before, and for
-- calls that never reached a backend.

ALTER TABLE model_calls ADD COLUMN reused_prompt_tokens INTEGER;
