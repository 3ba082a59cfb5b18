//! Labelled texts: JSONL lines of `{"text": …, "label": "simple"|"medium"|"complex"}` (other
//! fields are ignored), as `agent classify eval` and `train --data` read them.

use serde::Deserialize;

use crate::classify::Complexity;
use crate::error::{Error, Result};

#[derive(Deserialize)]
struct Line {
    text: String,
    label: String,
}

/// The `(text, label)` pairs of `content`; `source_name` names the file in errors. Blank lines
/// are skipped; a malformed line is an error naming its number.
pub fn read_labelled(source_name: &str, content: &str) -> Result<Vec<(String, Complexity)>> {
    let mut pairs = Vec::new();
    for (number, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let invalid = |message: String| Error::InvalidImport {
            source_name: source_name.to_string(),
            line: number + 1,
            message,
        };
        let parsed: Line = serde_json::from_str(line)
            .map_err(|e| invalid(format!("not a {{\"text\", \"label\"}} object: {e}")))?;
        let label = Complexity::from_name(&parsed.label).ok_or_else(|| {
            invalid(format!(
                "label {:?} is not simple, medium or complex",
                parsed.label
            ))
        })?;
        pairs.push((parsed.text, label));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_and_names_the_bad_line() {
        let good = "{\"text\":\"a\",\"label\":\"Simple\",\"x\":1}\n\n{\"text\":\"b\",\"label\":\"complex\"}\n";
        let pairs = read_labelled("f.jsonl", good).unwrap();
        assert_eq!(
            pairs,
            [
                ("a".to_string(), Complexity::Simple),
                ("b".to_string(), Complexity::Complex)
            ]
        );
        let bad = "{\"text\":\"a\",\"label\":\"simple\"}\n{\"text\":\"b\",\"label\":\"hard\"}\n";
        let error = read_labelled("f.jsonl", bad).unwrap_err().to_string();
        assert!(error.starts_with("f.jsonl:2: label \"hard\""), "{error}");
    }
}
