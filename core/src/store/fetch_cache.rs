//! The short-lived cache of fetched pages (migration 0012): a page asked for again within the
//! time to live is answered from here without a request. Only success answers are kept, at
//! most [`MAX_CACHED_PAGES`] of them; expired rows go as new ones arrive.

use rusqlite::{OptionalExtension as _, params};

use super::Store;
use crate::error::Result;
use crate::time::Millis;

/// The most pages kept; the oldest go first.
pub const MAX_CACHED_PAGES: usize = 200;

/// A page as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedPage {
    /// Where it was found (after same-host redirects).
    pub final_url: String,
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub fetched_at: Millis,
}

impl Store {
    /// The page fetched from `url` at `not_before` or later, if one is kept.
    pub fn cached_page(&self, url: &str, not_before: Millis) -> Result<Option<CachedPage>> {
        Ok(self
            .conn
            .query_row(
                "SELECT final_url, status, content_type, body, fetched_at FROM fetch_cache
                 WHERE url = ?1 AND fetched_at >= ?2",
                params![url, not_before],
                |row| {
                    Ok(CachedPage {
                        final_url: row.get(0)?,
                        status: row.get(1)?,
                        content_type: row.get(2)?,
                        body: row.get(3)?,
                        fetched_at: row.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Keeps `page` as the answer for `url`, and drops pages fetched before `expired_before`
    /// and those past [`MAX_CACHED_PAGES`].
    pub fn cache_page(&self, url: &str, page: &CachedPage, expired_before: Millis) -> Result<()> {
        let tx = self.write_transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO fetch_cache (url, final_url, status, content_type, body, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                url,
                page.final_url,
                page.status,
                page.content_type,
                page.body,
                page.fetched_at
            ],
        )?;
        tx.execute(
            "DELETE FROM fetch_cache WHERE fetched_at < ?1",
            [expired_before],
        )?;
        tx.execute(
            "DELETE FROM fetch_cache WHERE url NOT IN
             (SELECT url FROM fetch_cache ORDER BY fetched_at DESC LIMIT ?1)",
            [i64::try_from(MAX_CACHED_PAGES).unwrap_or(i64::MAX)],
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str, at: Millis) -> CachedPage {
        CachedPage {
            final_url: "http://a.test/x".into(),
            status: 200,
            content_type: "text/html".into(),
            body: body.as_bytes().to_vec(),
            fetched_at: at,
        }
    }

    #[test]
    fn pages_are_found_within_their_time_and_pruned_after_it() {
        let store = Store::open_in_memory().unwrap();
        store
            .cache_page("http://a.test/x", &page("one", 1_000), 0)
            .unwrap();
        assert_eq!(
            store.cached_page("http://a.test/x", 500).unwrap(),
            Some(page("one", 1_000))
        );
        assert_eq!(store.cached_page("http://a.test/x", 1_001).unwrap(), None);
        assert_eq!(store.cached_page("http://a.test/y", 0).unwrap(), None);
        // A newer page replaces it; expired ones go.
        store
            .cache_page("http://a.test/y", &page("two", 5_000), 2_000)
            .unwrap();
        assert_eq!(store.cached_page("http://a.test/x", 0).unwrap(), None);
        for n in 0..MAX_CACHED_PAGES + 5 {
            let at = 10_000 + n as Millis;
            store
                .cache_page(&format!("http://a.test/{n}"), &page("n", at), 0)
                .unwrap();
        }
        assert_eq!(store.cached_page("http://a.test/0", 0).unwrap(), None);
        assert!(
            store
                .cached_page(&format!("http://a.test/{}", MAX_CACHED_PAGES + 4), 0)
                .unwrap()
                .is_some()
        );
    }
}
