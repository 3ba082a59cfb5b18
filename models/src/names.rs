//! Close names: edit distance and "did you mean" suggestions for model names, config keys and
//! tool names.

/// Levenshtein distance over chars.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            let delete = previous[j + 1] + 1;
            let insert = current[j] + 1;
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Up to `max` candidates close to `wanted`, closest first: within a third of the name's length
/// in edits (at least 2), or sharing its base name (`qwen2.5-coder` in `qwen2.5-coder:7b`).
pub fn closest_names<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let base = |name: &str| name.split(':').next().unwrap_or(name).to_lowercase();
    let wanted_base = base(wanted);
    let limit = (wanted.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|candidate| *candidate != wanted)
        .filter_map(|candidate| {
            let distance = edit_distance(&wanted.to_lowercase(), &candidate.to_lowercase());
            let same_base = !wanted_base.is_empty() && base(candidate) == wanted_base;
            (distance <= limit || same_base).then_some((distance, candidate))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, name)| name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("model.backnd", "model.backend"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn close_model_names_come_first_and_far_ones_not_at_all() {
        let installed = [
            "qwen2.5-coder:7b",
            "qwen2.5-coder:1.5b",
            "llama3.2:3b",
            "mistral:7b",
        ];
        assert_eq!(
            closest_names("qwen2.5-coder:14b", installed, 3),
            ["qwen2.5-coder:1.5b", "qwen2.5-coder:7b"]
        );
        assert_eq!(closest_names("llama3.2:3", installed, 3), ["llama3.2:3b"]);
        assert!(closest_names("phi4", installed, 3).is_empty());
    }
}
