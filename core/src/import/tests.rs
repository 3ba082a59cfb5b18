//! Tests of reading other agents' files: see the fixtures in `tests/fixtures/imports/`.
