//! `@path` mentions in the prompt: the token before the caret and fuzzy matching of the
//! repository's files (the binary lists them, respecting .gitignore).

/// Most files the popup offers.
pub(crate) const MAX_MATCHES: usize = 8;

/// The `@…` token that ends at the caret, without its `@`, if the caret is in one.
pub(crate) fn token(before_caret: &str) -> Option<&str> {
    let start = before_caret
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    before_caret[start..].strip_prefix('@')
}

/// The files that match `query` as a subsequence (any case), best first: matches in the file
/// name beat matches in the directories, contiguous runs beat scattered letters, short paths
/// beat long ones.
pub(crate) fn matches(files: &[String], query: &str) -> Vec<String> {
    let query: Vec<char> = query.to_lowercase().chars().collect();
    let mut scored: Vec<(i64, &String)> = files
        .iter()
        .filter_map(|file| score(file, &query).map(|s| (s, file)))
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(MAX_MATCHES)
        .map(|(_, file)| file.clone())
        .collect()
}

fn score(file: &str, query: &[char]) -> Option<i64> {
    let lower: Vec<char> = file.to_lowercase().chars().collect();
    let name_start = file.rfind('/').map_or(0, |i| file[..=i].chars().count());
    let mut score = 0i64;
    let mut next = 0usize;
    let mut previous: Option<usize> = None;
    for wanted in query {
        let found = (next..lower.len()).find(|&i| lower[i] == *wanted)?;
        score += 10;
        if previous.is_some_and(|p| p + 1 == found) {
            score += 15;
        }
        if found >= name_start {
            score += 5;
        }
        if found == name_start || found == 0 {
            score += 10;
        }
        previous = Some(found);
        next = found + 1;
    }
    Some(score - lower.len() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_the_word_before_the_caret_after_an_at() {
        assert_eq!(token("look at @src/li"), Some("src/li"));
        assert_eq!(token("@"), Some(""));
        assert_eq!(token("mail me@home"), None);
        assert_eq!(token("look at src"), None);
        assert_eq!(token("done @a "), None);
    }

    #[test]
    fn file_names_and_contiguous_runs_rank_first() {
        let files: Vec<String> = [
            "src/lib.rs",
            "src/parser/lexer.rs",
            "lib/old/README.md",
            "tests/parse.rs",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(matches(&files, "lib")[0], "src/lib.rs");
        assert_eq!(matches(&files, "pars")[0], "tests/parse.rs");
        assert!(matches(&files, "zzz").is_empty());
        assert_eq!(matches(&files, "").len(), 4);
    }
}
