//! Full-text search over message text (SQLite FTS5), ranked, with highlighted snippets.
//!
//! The user's words are quoted before they reach FTS5, so no input is a syntax error. Messages
//! containing the whole query as an exact phrase rank first, newest first; then messages
//! containing every word, by bm25. A word ending in `*` matches as a prefix; the index keeps the
//! 2-, 3- and 4-letter prefixes of every word as terms of their own (migration 0008), so those
//! read one list instead of merging the lists of every word they start.
//!
//! Cost at a million messages, and what keeps each query to a few milliseconds:
//! - bm25 scores every match (a second for `the`) and counts every message of every word once
//!   per query (20–70 ms for `the`). So only narrow queries are ranked: at most
//!   [`RANKED_MATCHES`] matches, and, for several words, none in more than
//!   [`RARE_WORD_MATCHES`] messages. The others list the newest matches: a walk of the index
//!   from its end that stops after one page.
//! - FTS5 steps backwards through a common word's list in time that grows with the square of
//!   the distance, so the few matches of a query with a rare word (`the 6254b195`) are collected
//!   walking forwards instead, and the newest of them shown: for the exact phrase when the rarest
//!   word is in at most [`RARE_WORD_MATCHES`] messages, for every word at most
//!   [`FORWARD_MATCHES`].
//! - Rows, titles and snippets are read only for the page shown: in the same walk when it goes
//!   backwards; else in one walk over the page's range when it holds a small part of the
//!   matches, by rowid otherwise (each lookup walks a common word's page index from its start).
//! - What decides the way is counted cheaply: each word's messages up to one past
//!   [`RARE_WORD_MATCHES`] (a walk of its own list), and whether all the words' matches are more
//!   than [`RANKED_MATCHES`] by one step past it (`LIMIT 1 OFFSET n`).

use agent_models::Role;
use rusqlite::{Row, params};
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

/// A word in at most this many messages is rare: a query of several words is ranked only if all
/// are (bm25 counts every message of every word once per query), and its exact phrase is
/// collected walking forwards when one is. At least [`RANKED_MATCHES`].
pub const RARE_WORD_MATCHES: usize = 2000;

/// A query of several words whose rarest word is in at most this many messages is walked forwards
/// for every word, not only for the exact phrase.
const FORWARD_MATCHES: usize = 100;

/// The newest matches, with everything a hit shows, in one walk of the index that stops after
/// `?3` rows. `?2` is the repository filter, `?4`/`?5` the highlight markers.
const NEWEST_SQL: &str = "
    SELECT messages_fts.rowid, m.id, m.conversation_id, c.title, m.role, m.created_at,
           snippet(messages_fts, 0, ?4, ?5, '…', 16)
      FROM messages_fts
      JOIN messages m ON m.pk = messages_fts.rowid
      JOIN conversations c ON c.id = m.conversation_id
     WHERE messages_fts MATCH ?1 AND (?2 IS NULL OR c.repo = ?2)
     ORDER BY messages_fts.rowid DESC LIMIT ?3";

/// The best-ranked matches' rowids (bm25 scores every match, so only for narrow queries).
const RANKED_SQL: &str = "
    SELECT messages_fts.rowid FROM messages_fts
      JOIN messages m ON m.pk = messages_fts.rowid
      JOIN conversations c ON c.id = m.conversation_id
     WHERE messages_fts MATCH ?1 AND (?2 IS NULL OR c.repo = ?2)
     ORDER BY messages_fts.rank, messages_fts.rowid LIMIT ?3";

/// Every match's rowid, oldest first (for queries with a rare word, so at most
/// [`RARE_WORD_MATCHES`] of them).
const MATCHES_SQL: &str = "
    SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1";

/// [`MATCHES_SQL`] in the repository `?2`.
const MATCHES_IN_REPO_SQL: &str = "
    SELECT messages_fts.rowid FROM messages_fts
      JOIN messages m ON m.pk = messages_fts.rowid
      JOIN conversations c ON c.id = m.conversation_id
     WHERE messages_fts MATCH ?1 AND c.repo = ?2";

/// The matches `?2..=?3` among the rowids of the JSON array `?4` (a page of matches collected
/// walking forwards, when they lie close together); the columns are those of [`NEWEST_SQL`].
/// `+` keeps the list out of FTS5's hands, which would look up each rowid on its own.
const RANGE_SQL: &str = "
    SELECT messages_fts.rowid, m.id, m.conversation_id, c.title, m.role, m.created_at,
           snippet(messages_fts, 0, ?5, ?6, '…', 16)
      FROM messages_fts
      JOIN messages m ON m.pk = messages_fts.rowid
      JOIN conversations c ON c.id = m.conversation_id
     WHERE messages_fts MATCH ?1 AND messages_fts.rowid BETWEEN ?2 AND ?3
       AND +messages_fts.rowid IN (SELECT value FROM json_each(?4))";

/// One match, by rowid; the columns are those of [`NEWEST_SQL`]. Finding it costs a walk of a
/// common word's page index from its start (about 0.1 ms for `the` at a million messages).
const DETAILS_SQL: &str = "
    SELECT messages_fts.rowid, m.id, m.conversation_id, c.title, m.role, m.created_at,
           snippet(messages_fts, 0, ?3, ?4, '…', 16)
      FROM messages_fts
      JOIN messages m ON m.pk = messages_fts.rowid
      JOIN conversations c ON c.id = m.conversation_id
     WHERE messages_fts MATCH ?1 AND messages_fts.rowid = ?2";

/// How many messages match `?1`, counted no further than `?2`.
const COUNT_SQL: &str = "
    SELECT count(*) FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ?1 LIMIT ?2)";

/// Whether an expression has more than `?2` matches: one step past that many entries tells.
const MORE_THAN_SQL: &str = "
    SELECT EXISTS (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ?1 LIMIT 1 OFFSET ?2)";

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

/// When to rank and which way to walk: [`RANKED_MATCHES`] and [`RARE_WORD_MATCHES`] (tests use
/// smaller ones).
struct Limits {
    matches: usize,
    rare_word: usize,
}

const LIMITS: Limits = Limits {
    matches: RANKED_MATCHES,
    rare_word: RARE_WORD_MATCHES,
};

/// A hit and the index rowid it was found at (to leave it out of a later pass).
struct Found {
    rowid: i64,
    hit: SearchHit,
}

impl Store {
    /// Searches message text; exact-phrase matches first, then by relevance.
    pub fn search_messages(&self, query: &SearchQuery) -> Result<Vec<SearchHit>> {
        self.search_within(query, &LIMITS)
    }

    fn search_within(&self, query: &SearchQuery, limits: &Limits) -> Result<Vec<SearchHit>> {
        let words = query_words(&query.text);
        if words.is_empty() {
            return Err(Error::InvalidArgument(
                "the search query has no words to look for".into(),
            ));
        }
        let limit = query.limit.max(1) as usize;
        let several = words.len() > 1;
        let all_words = join_words(&words, " AND ");
        // How many messages each word is in, counted up to one past a rare word's.
        let mut counts = Vec::with_capacity(words.len());
        for word in &words {
            counts.push(self.count_matches(&word.fts(), limits.rare_word.max(limits.matches) + 1)?);
        }
        let rarest = counts.iter().copied().min().unwrap_or(0);
        // Newest first, but which way to walk. Backwards suits one word, and several whose
        // matches lie close together, as the page is found near the end. But a rare word's
        // messages lie far apart in a common word's list, and FTS5 steps backwards through such
        // a list in time that grows with the square of the distance (`the 6254b195`: 4 ms at a
        // million messages, forwards 0.03 ms). So matches that need a rare word are collected
        // walking forwards, all of them (no more than that word's messages), and the newest
        // kept: for the exact phrase, which may be in few of them, and for every word when the
        // rarest is in at most FORWARD_MATCHES messages (more lie close enough together).
        let walk = |most: usize| {
            if several && rarest <= most {
                Walk::Forward
            } else {
                Walk::Backward
            }
        };
        let mut found = Vec::new();
        if several && words.iter().all(|w| !w.prefix) {
            let phrase = quote(
                &words
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            found =
                self.newest_matches(&phrase, query, limit, &[], true, walk(limits.rare_word))?;
        }
        if found.len() < limit {
            let seen: Vec<i64> = found.iter().map(|f| f.rowid).collect();
            let need = limit - found.len();
            let rest = if self.ranks(&counts, &all_words, limits)? {
                self.ranked_matches(&all_words, query, need, &seen)?
            } else {
                self.newest_matches(&all_words, query, need, &seen, false, walk(FORWARD_MATCHES))?
            };
            found.extend(rest);
        }
        Ok(found.into_iter().map(|f| f.hit).collect())
    }

    /// Whether to rank the all-words matches: there are few, and bm25, which counts every
    /// message of every word once per query, has few to count. `counts` are the words' message
    /// counts, as far as one past [`Limits::rare_word`].
    fn ranks(&self, counts: &[usize], all_words: &str, limits: &Limits) -> Result<bool> {
        let rarest = counts.iter().copied().min().unwrap_or(0);
        if counts.len() == 1 {
            return Ok(rarest <= limits.matches);
        }
        if counts.iter().any(|&count| count > limits.rare_word) {
            return Ok(false);
        }
        // No more messages have every word than have the rarest.
        Ok(rarest <= limits.matches || !self.more_matches_than(all_words, limits.matches)?)
    }

    /// How many messages match, counted no further than `most`.
    fn count_matches(&self, expression: &str, most: usize) -> Result<usize> {
        let count: i64 = self
            .conn
            .prepare_cached(COUNT_SQL)?
            .query_row(params![expression, most as i64], |r| r.get(0))?;
        Ok(usize::try_from(count).unwrap_or(0))
    }

    fn more_matches_than(&self, expression: &str, count: usize) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(MORE_THAN_SQL)?
            .query_row(params![expression, count as i64], |r| r.get(0))?)
    }

    /// The newest matches not in `exclude`, newest first.
    fn newest_matches(
        &self,
        expression: &str,
        query: &SearchQuery,
        limit: usize,
        exclude: &[i64],
        exact_phrase: bool,
        walk: Walk,
    ) -> Result<Vec<Found>> {
        let fetch = (limit + exclude.len()) as i64;
        if walk == Walk::Forward {
            let ids = match &query.repo {
                Some(repo) => self
                    .conn
                    .prepare_cached(MATCHES_IN_REPO_SQL)?
                    .query_map(params![expression, repo], |r| r.get::<_, i64>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?,
                None => self
                    .conn
                    .prepare_cached(MATCHES_SQL)?
                    .query_map(params![expression], |r| r.get::<_, i64>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?,
            };
            let page: Vec<i64> = ids
                .iter()
                .rev()
                .filter(|id| !exclude.contains(id))
                .take(limit)
                .copied()
                .collect();
            // The page is the newest matches. When it is a small part of them, they lie close
            // together at the end, and one walk over their range reads them all; otherwise each
            // is found by its rowid.
            if ids.len() > 2 * page.len() {
                return self.matches_in_range(expression, &page, exact_phrase);
            }
            return self.matches_by_id(expression, &page, limit, &[], exact_phrase);
        }
        let mut statement = self.conn.prepare_cached(NEWEST_SQL)?;
        let mut rows = statement.query(params![
            expression,
            query.repo,
            fetch,
            HIGHLIGHT_START.to_string(),
            HIGHLIGHT_END.to_string()
        ])?;
        let mut found = Vec::new();
        while let Some(row) = rows.next()? {
            let rowid: i64 = row.get(0)?;
            if exclude.contains(&rowid) {
                continue;
            }
            found.push(found_from_row(row, exact_phrase)?);
            if found.len() == limit {
                break;
            }
        }
        Ok(found)
    }

    /// The best matches by bm25 not in `exclude`.
    fn ranked_matches(
        &self,
        expression: &str,
        query: &SearchQuery,
        limit: usize,
        exclude: &[i64],
    ) -> Result<Vec<Found>> {
        let fetch = (limit + exclude.len()) as i64;
        let ids = self
            .conn
            .prepare_cached(RANKED_SQL)?
            .query_map(params![expression, query.repo, fetch], |r| {
                r.get::<_, i64>(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.matches_by_id(expression, &ids, limit, exclude, false)
    }

    /// The hits of `page` (rowids of matches, newest first), read in one walk over their range.
    fn matches_in_range(
        &self,
        expression: &str,
        page: &[i64],
        exact_phrase: bool,
    ) -> Result<Vec<Found>> {
        let (Some(&newest), Some(&oldest)) = (page.first(), page.last()) else {
            return Ok(Vec::new());
        };
        let list = format!(
            "[{}]",
            page.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        );
        let mut statement = self.conn.prepare_cached(RANGE_SQL)?;
        let mut rows = statement.query(params![
            expression,
            oldest,
            newest,
            list,
            HIGHLIGHT_START.to_string(),
            HIGHLIGHT_END.to_string()
        ])?;
        let mut found = Vec::new();
        while let Some(row) = rows.next()? {
            found.push(found_from_row(row, exact_phrase)?);
        }
        found.sort_by_key(|f| std::cmp::Reverse(f.rowid));
        Ok(found)
    }

    /// The hits of the first `limit` of `ids` not in `exclude`, in that order, read one by one.
    fn matches_by_id(
        &self,
        expression: &str,
        ids: &[i64],
        limit: usize,
        exclude: &[i64],
        exact_phrase: bool,
    ) -> Result<Vec<Found>> {
        let mut details = self.conn.prepare_cached(DETAILS_SQL)?;
        let start = HIGHLIGHT_START.to_string();
        let end = HIGHLIGHT_END.to_string();
        let mut found = Vec::new();
        for id in ids.iter().filter(|id| !exclude.contains(id)) {
            if found.len() == limit {
                break;
            }
            let mut rows = details.query(params![expression, id, start, end])?;
            if let Some(row) = rows.next()? {
                found.push(found_from_row(row, exact_phrase)?);
            }
        }
        Ok(found)
    }
}

/// Which way [`Store::newest_matches`] walks the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// Newest first, stopping after the page.
    Backward,
    /// Oldest first, every match (no more than the rarest word's messages), then the page from
    /// the end.
    Forward,
}

/// A hit from a row of [`NEWEST_SQL`] or [`DETAILS_SQL`].
fn found_from_row(row: &Row<'_>, exact_phrase: bool) -> Result<Found> {
    let role = row.get::<_, String>(4)?.parse::<Role>().map_err(|e| {
        Error::Database(rusqlite::Error::FromSqlConversionFailure(
            4,
            rusqlite::types::Type::Text,
            Box::new(e),
        ))
    })?;
    Ok(Found {
        rowid: row.get(0)?,
        hit: SearchHit {
            message_id: row.get(1)?,
            conversation_id: row.get(2)?,
            conversation_title: row.get(3)?,
            role,
            created_at: row.get(5)?,
            snippet: row.get(6)?,
            exact_phrase,
        },
    })
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

/// The words as FTS5 terms joined by an operator (`" AND "`, `" OR "`).
fn join_words(words: &[Word], operator: &str) -> String {
    words
        .iter()
        .map(Word::fts)
        .collect::<Vec<_>>()
        .join(operator)
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

    fn user(store: &mut Store, conversation: &str, text: &str) -> String {
        store
            .append_message(
                conversation,
                crate::store::NewMessage {
                    role: Some(Role::User),
                    content: text.into(),
                    ..crate::store::NewMessage::default()
                },
            )
            .unwrap()
            .id
    }

    /// A narrow query with a word in very many messages is listed newest first (bm25 would count
    /// all of that word's messages); with rare words only it is ranked.
    #[test]
    fn a_narrow_query_with_a_very_common_word_lists_the_newest_first() {
        let mut store = Store::open_in_memory().unwrap();
        let c = store.create_conversation("c", None).unwrap().id;
        for i in 0..30 {
            user(&mut store, &c, &format!("common filler {i}"));
        }
        let short = user(&mut store, &c, "rare common");
        let long = user(
            &mut store,
            &c,
            "rare words and common words in a longer message",
        );
        let small = Limits {
            matches: 5,
            rare_word: 20,
        };
        let search = |text: &str, limits: &Limits| -> Vec<String> {
            let query = SearchQuery {
                text: text.into(),
                limit: 10,
                repo: None,
            };
            store
                .search_within(&query, limits)
                .unwrap()
                .into_iter()
                .map(|h| h.message_id)
                .collect()
        };
        // Ranked: the shorter message is the better match (bm25), though older.
        assert_eq!(
            search("common rare", &LIMITS),
            [short.clone(), long.clone()]
        );
        // `common` is in 32 messages, more than 20: newest first.
        assert_eq!(search("common rare", &small), [long.clone(), short.clone()]);
        // Few matches and few messages per word: ranked.
        let roomy = Limits {
            matches: 5,
            rare_word: 40,
        };
        assert_eq!(search("common rare", &roomy), [short.clone(), long.clone()]);
        // Too many matches: newest first, whatever the words.
        assert_eq!(
            search(
                "rare",
                &Limits {
                    matches: 1,
                    rare_word: 40
                }
            ),
            [long, short]
        );
    }

    /// The exact phrase of a rare word is collected walking forwards; its page is read in one
    /// walk over its range when it is a small part of the matches, by rowid otherwise: the same
    /// hits either way, newest first, in the repository asked for.
    #[test]
    fn a_page_of_a_phrase_with_a_rare_word_is_its_newest_matches() {
        let mut store = Store::open_in_memory().unwrap();
        let a = store.create_conversation("a", Some("/a")).unwrap().id;
        let b = store.create_conversation("b", Some("/b")).unwrap().id;
        let mut exact = Vec::new();
        for i in 0..7 {
            let conversation = if i % 2 == 0 { &a } else { &b };
            user(&mut store, conversation, &format!("the filler {i}"));
            let id = user(
                &mut store,
                conversation,
                &format!("see the zorbnik, take {i}"),
            );
            exact.push((id, conversation.clone()));
            user(
                &mut store,
                conversation,
                &format!("zorbnik and the rest {i}"),
            );
        }
        exact.reverse();
        let search = |limit: u32, repo: Option<&str>| {
            store
                .search_messages(&SearchQuery {
                    text: "the zorbnik".into(),
                    limit,
                    repo: repo.map(str::to_string),
                })
                .unwrap()
        };
        let ids = |hits: &[SearchHit]| {
            hits.iter()
                .map(|h| h.message_id.clone())
                .collect::<Vec<_>>()
        };
        let newest = |count: usize, repo: Option<&String>| {
            exact
                .iter()
                .filter(|(_, c)| repo.is_none_or(|r| r == c))
                .take(count)
                .map(|(id, _)| id.clone())
                .collect::<Vec<_>>()
        };
        // 2 of 7: one walk over the range; 5 of 7: by rowid.
        for limit in [2, 5] {
            let hits = search(limit, None);
            assert_eq!(ids(&hits), newest(limit as usize, None), "limit {limit}");
            assert!(hits.iter().all(|h| h.exact_phrase));
            assert!(
                hits.iter()
                    .all(|h| h.snippet.contains("\u{2}the zorbnik\u{3}")),
                "{hits:?}"
            );
        }
        assert_eq!(ids(&search(2, Some("/a"))), newest(2, Some(&a)));
        // Past the exact ones, the other messages with both words, newest first (`the` is in
        // more messages than this test's rare-word limit).
        let small = Limits {
            matches: 5,
            rare_word: 10,
        };
        let query = SearchQuery {
            text: "the zorbnik".into(),
            limit: 9,
            repo: None,
        };
        let hits = store.search_within(&query, &small).unwrap();
        assert_eq!(hits.iter().filter(|h| h.exact_phrase).count(), 7);
        assert!(
            hits[7..]
                .iter()
                .all(|h| !h.exact_phrase && h.snippet.contains("rest"))
        );
        assert!(hits[7].created_at >= hits[8].created_at);
    }

    #[test]
    fn quoting_doubles_inner_quotes() {
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
    }
}
