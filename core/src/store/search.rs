//! Full-text search over message text (SQLite FTS5), ranked, with highlighted snippets.
//!
//! The user's words are quoted before they reach FTS5, so no input is a syntax error. Messages
//! containing the whole query as an exact phrase rank first; then messages containing every word,
//! by bm25. A word ending in `*` matches as a prefix.
//!
//! Cost: bm25 must score every match, which at a million messages takes up to a second for a
//! common word. So a query matching more than [`RANKED_MATCHES`] messages lists the newest
//! matches instead (an index walk that stops after one page); narrower queries are ranked.
//! Exact-phrase matches are always listed newest first.
//! Rows, titles and snippets are read only for the page shown.

use agent_models::Role;
use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::error::{Error, Result};
use crate::time::Millis;

/// Marks the start of a match inside [`SearchHit::snippet`]; fronts turn it into colour or brackets.
pub const HIGHLIGHT_START: char = '\u{2}';
/// Marks the end of a match inside [`SearchHit::snippet`].
pub const HIGHLIGHT_END: char = '\u{3}';

/// Queries with at most this many matches are ranked by relevance; beyond it, newest first.
pub const RANKED_MATCHES: usize = 1000;

/// What to search for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub limit: u32,
    /// Only messages of conversations in this repository.
    pub repo: Option<String>,
}

/// One matching message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub message_id: String,
    pub conversation_id: String,
    pub conversation_title: String,
    pub role: Role,
    pub created_at: Millis,
    /// Text around the matches, with matches between [`HIGHLIGHT_START`] and [`HIGHLIGHT_END`].
    pub snippet: String,
    /// True when the message contains the query as an exact phrase.
    pub exact_phrase: bool,
}

impl Store {
    /// Searches message text; exact-phrase matches first, then by relevance.
    pub fn search_messages(&self, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        let words = query_words(&query.text);
        if words.is_empty() {
            return Err(Error::InvalidArgument(
                "the search query has no words to look for".into(),
            ));
        }
        let limit = query.limit.max(1) as usize;
        let all_words = words
            .iter()
            .map(|w| w.fts())
            .collect::<Vec<_>>()
            .join(" AND ");
        let mut hits = Vec::new();
        if words.len() > 1 && words.iter().all(|w| !w.prefix) {
            let phrase = quote(
                &words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            hits = self.run_match(&phrase, query, limit, &[], true)?;
        }
        if hits.len() < limit {
            let seen: Vec<String> = hits.iter().map(|h| h.message_id.clone()).collect();
            let rest = self.run_match(&all_words, query, limit - hits.len(), &seen, false)?;
            hits.extend(rest);
        }
        Ok(hits)
    }

    fn run_match(
        &self,
        expression: &str,
        query: &SearchQuery,
        limit: usize,
        exclude: &[String],
        exact_phrase: bool,
    ) -> Result<Vec<SearchHit>> {
        let fetch = (limit + exclude.len()) as i64;
        // Exact-phrase matches are listed newest first: they are all equally exact, and one walk
        // of the index that stops after a page costs far less than counting and ranking them.
        // Otherwise: more than RANKED_MATCHES matches? One step past that many entries tells.
        let common: bool = exact_phrase || self.conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ?1 LIMIT 1 OFFSET ?2)",
        )?
        .query_row(params![expression, RANKED_MATCHES as i64], |r| r.get(0))?;
        let ids_sql = if common {
            "SELECT messages_fts.rowid FROM messages_fts
               JOIN messages m ON m.pk = messages_fts.rowid
               JOIN conversations c ON c.id = m.conversation_id
              WHERE messages_fts MATCH ?1 AND (?2 IS NULL OR c.repo = ?2)
              ORDER BY messages_fts.rowid DESC LIMIT ?3"
        } else {
            "SELECT messages_fts.rowid FROM messages_fts
               JOIN messages m ON m.pk = messages_fts.rowid
               JOIN conversations c ON c.id = m.conversation_id
              WHERE messages_fts MATCH ?1 AND (?2 IS NULL OR c.repo = ?2)
              ORDER BY messages_fts.rank, messages_fts.rowid LIMIT ?3"
        };
        let ids = self
            .conn
            .prepare_cached(ids_sql)?
            .query_map(params![expression, query.repo, fetch], |r| {
                r.get::<_, i64>(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;

        let mut details = self.conn.prepare_cached(
            "SELECT m.id, m.conversation_id, c.title, m.role, m.created_at,
                    snippet(messages_fts, 0, ?3, ?4, '…', 16)
               FROM messages_fts
               JOIN messages m ON m.pk = messages_fts.rowid
               JOIN conversations c ON c.id = m.conversation_id
              WHERE messages_fts MATCH ?1 AND messages_fts.rowid = ?2",
        )?;
        let start = HIGHLIGHT_START.to_string();
        let end = HIGHLIGHT_END.to_string();
        let mut hits = Vec::new();
        for id in ids {
            let row = details.query_row(params![expression, id, start, end], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, Millis>(4)?,
                    row.get::<_, String>(5)?,
                ))
            })?;
            let (message_id, conversation_id, conversation_title, role, created_at, snippet) = row;
            if exclude.contains(&message_id) {
                continue;
            }
            let role = role.parse::<Role>().map_err(|e| {
                Error::Database(rusqlite::Error::FromSqlConversionFailure(
                    3,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                ))
            })?;
            hits.push(SearchHit {
                message_id,
                conversation_id,
                conversation_title,
                role,
                created_at,
                snippet,
                exact_phrase,
            });
            if hits.len() == limit {
                break;
            }
        }
        Ok(hits)
    }
}

struct Word {
    text: String,
    prefix: bool,
}

impl Word {
    fn fts(&self) -> String {
        if self.prefix {
            format!("{}*", quote(&self.text))
        } else {
            quote(&self.text)
        }
    }
}

/// Splits a query into words the way the index tokenizes text: runs of letters and digits.
fn query_words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    for raw in text.split_whitespace() {
        let prefix = raw.ends_with('*');
        let pieces: Vec<&str> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        let count = pieces.len();
        for (index, piece) in pieces.into_iter().enumerate() {
            words.push(Word {
                text: piece.to_string(),
                prefix: prefix && index + 1 == count,
            });
        }
    }
    words
}

/// An FTS5 string literal: the text in double quotes, inner quotes doubled.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_words_follow_the_tokenizer_and_keep_prefixes() {
        let words = query_words("parse_args  fn* \"x\" ::");
        let texts: Vec<(&str, bool)> = words.iter().map(|w| (w.text.as_str(), w.prefix)).collect();
        assert_eq!(
            texts,
            vec![
                ("parse", false),
                ("args", false),
                ("fn", true),
                ("x", false)
            ]
        );
    }

    #[test]
    fn quoting_doubles_inner_quotes() {
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
    }
}
