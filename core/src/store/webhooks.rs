//! GitHub webhook deliveries: the replay guard (each `X-GitHub-Delivery` id is taken once) and
//! what became of each delivery. Ids are kept for [`DELIVERY_RETENTION`] and at most
//! [`MAX_DELIVERIES`] of them; an older delivery is refused by its own age
//! (`github::webhook::MAX_EVENT_AGE` is shorter).

use rusqlite::{OptionalExtension as _, params};
use serde::Serialize;

use super::Store;
use crate::error::Result;
use crate::time::{Millis, now_ms};

/// How long a delivery id is remembered: 30 days.
pub const DELIVERY_RETENTION: Millis = 30 * 24 * 60 * 60 * 1000;
/// The most delivery ids remembered; the oldest go first.
pub const MAX_DELIVERIES: usize = 100_000;

/// A delivery `agent serve` accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookDelivery {
    /// `X-GitHub-Delivery`.
    pub id: String,
    /// `X-GitHub-Event`.
    pub event: String,
    /// `owner/name`, when the payload names a repository.
    pub repo: Option<String>,
    pub received_at: Millis,
    /// What became of it: `task 1a2b… started`, `ignored: …`, `pull request …`.
    pub outcome: String,
}

impl Store {
    /// Takes the delivery id `id`: `true` the first time, `false` when it was seen before (a
    /// replay). One statement under the write lock, so two copies arriving at once cannot both
    /// be taken. Ids past the retention (or the count limit) are pruned in the same transaction.
    pub fn take_webhook_delivery(
        &mut self,
        id: &str,
        event: &str,
        repo: Option<&str>,
    ) -> Result<bool> {
        let now = now_ms();
        let tx = self.write_transaction()?;
        let taken = tx.execute(
            "INSERT OR IGNORE INTO webhook_deliveries (id, event, repo, received_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, event, repo, now],
        )? == 1;
        if taken {
            tx.execute(
                "DELETE FROM webhook_deliveries WHERE received_at < ?1",
                [now - DELIVERY_RETENTION],
            )?;
            let cutoff: Option<Millis> = tx
                .query_row(
                    "SELECT received_at FROM webhook_deliveries ORDER BY received_at DESC LIMIT 1 OFFSET ?1",
                    [i64::try_from(MAX_DELIVERIES).unwrap_or(i64::MAX)],
                    |row| row.get(0),
                )
                .optional()?;
            if let Some(cutoff) = cutoff {
                tx.execute(
                    "DELETE FROM webhook_deliveries WHERE received_at <= ?1 AND id <> ?2",
                    params![cutoff, id],
                )?;
            }
        }
        tx.commit()?;
        Ok(taken)
    }

    /// Records what became of a delivery (redacted like every free text the store writes).
    pub fn set_webhook_outcome(&mut self, id: &str, outcome: &str) -> Result<()> {
        let outcome = self.redacted(outcome).into_owned();
        self.conn.execute(
            "UPDATE webhook_deliveries SET outcome = ?2 WHERE id = ?1",
            params![id, outcome],
        )?;
        Ok(())
    }

    /// The latest `limit` deliveries, newest first.
    pub fn webhook_deliveries(&self, limit: usize) -> Result<Vec<WebhookDelivery>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, event, repo, received_at, outcome FROM webhook_deliveries
              ORDER BY received_at DESC, id DESC LIMIT ?1",
        )?;
        let rows = statement.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
            Ok(WebhookDelivery {
                id: row.get(0)?,
                event: row.get(1)?,
                repo: row.get(2)?,
                received_at: row.get(3)?,
                outcome: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreOptions;

    #[test]
    fn a_delivery_is_taken_once_and_old_ones_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let mut store =
            Store::open(&dir.path().join("agent.db"), &StoreOptions::default()).unwrap();
        assert!(
            store
                .take_webhook_delivery("d-1", "ping", Some("o/r"))
                .unwrap()
        );
        assert!(
            !store
                .take_webhook_delivery("d-1", "issue_comment", None)
                .unwrap(),
            "a replay"
        );
        store.set_webhook_outcome("d-1", "ignored: ping").unwrap();
        let seen = store.webhook_deliveries(10).unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].event, "ping", "the first delivery's row is kept");
        assert_eq!(seen[0].outcome, "ignored: ping");

        // A delivery from before the retention is forgotten when the next one arrives.
        store
            .conn
            .execute(
                "UPDATE webhook_deliveries SET received_at = ?1 WHERE id = 'd-1'",
                [now_ms() - DELIVERY_RETENTION - 1],
            )
            .unwrap();
        assert!(store.take_webhook_delivery("d-2", "ping", None).unwrap());
        let ids: Vec<String> = store
            .webhook_deliveries(10)
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect();
        assert_eq!(ids, ["d-2"]);
    }

    #[test]
    fn two_connections_taking_the_same_id_at_once_take_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.db");
        Store::open(&path, &StoreOptions::default()).unwrap();
        let takers: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut store = Store::open(&path, &StoreOptions::default()).unwrap();
                    store.take_webhook_delivery("same", "ping", None).unwrap()
                })
            })
            .collect();
        let taken = takers
            .into_iter()
            .map(|taker| taker.join().unwrap())
            .filter(|taken| *taken)
            .count();
        assert_eq!(taken, 1);
    }
}
