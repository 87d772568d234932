//! Where boards live between sessions: a small trait with an SQLite backend (the default), a
//! PostgreSQL one (several nodes on one database) and an in-memory one for unit tests.
//!
//! A board is stored as one compacted state blob plus a log of updates appended since. Loading
//! returns both; the room applies them in order. Every method is blocking: callers run them on a
//! blocking thread (see [`crate::sync::persist`]).

mod memory;
mod postgres;
mod sqlite;

pub use self::postgres::PostgresStore;
pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("PostgreSQL error: {0}")]
    Postgres(#[from] ::postgres::Error),
    #[error("storage is closed")]
    Closed,
    #[error("this store does not number each board's log without gaps")]
    NoBoardSequence,
}

impl From<crate::pg_connection::PgConnectionError> for StoreError {
    fn from(error: crate::pg_connection::PgConnectionError) -> StoreError {
        match error {
            crate::pg_connection::PgConnectionError::Postgres(error) => StoreError::Postgres(error),
            crate::pg_connection::PgConnectionError::Closed => StoreError::Closed,
        }
    }
}

/// What storage holds for one board.
#[derive(Debug, Default, Clone)]
pub struct StoredBoard {
    /// The compacted state (a v1 update), if the board was ever compacted.
    pub state: Option<Vec<u8>>,
    /// Updates appended after `state`, oldest first.
    pub updates: Vec<Vec<u8>>,
    /// Id of the newest update in `updates` (0 when there is none).
    pub last_update_id: i64,
}

impl StoredBoard {
    pub fn total_bytes(&self) -> usize {
        self.state.as_ref().map_or(0, Vec::len) + self.updates.iter().map(Vec::len).sum::<usize>()
    }
}

/// One board's share of a group commit.
#[derive(Debug, Clone)]
pub struct AppendRequest<'a> {
    pub board_id: &'a str,
    pub updates: &'a [bytes::Bytes],
}

pub trait BoardStore: Send + Sync + 'static {
    /// Everything stored for `board_id`; an unknown board is an empty one.
    fn load(&self, board_id: &str) -> Result<StoredBoard, StoreError>;

    /// Appends the updates of several boards in one transaction. Returns, per request, the id of
    /// the last update appended (0 when a request had no updates).
    fn append(&self, requests: &[AppendRequest<'_>]) -> Result<Vec<i64>, StoreError>;

    /// Appends as [`BoardStore::append`] does when that is only a local commit right now (no
    /// network round trip, no waiting for a compaction or another writer); `None`, having
    /// changed nothing, when it would wait. The persister then commits on the async runtime
    /// itself instead of handing the batch to another thread and back, which costs two thread
    /// wake-ups per commit.
    fn try_append_now(
        &self,
        _requests: &[AppendRequest<'_>],
    ) -> Option<Result<Vec<i64>, StoreError>> {
        None
    }

    /// Replaces the board's state with `state` and drops its log up to `through_update_id`,
    /// atomically, so a crash leaves either the old or the new form, never a mix.
    fn compact(
        &self,
        board_id: &str,
        state: &[u8],
        through_update_id: i64,
    ) -> Result<(), StoreError>;

    /// Removes everything stored for the board: its state and its log.
    fn delete(&self, board_id: &str) -> Result<(), StoreError>;

    /// The board's log past `after_seq`, read in one snapshot, for a room that missed updates
    /// another node stored. When a compaction folded part of that range away, the compacted
    /// state comes along (it holds the missing updates) and the log past it. Only a store that
    /// numbers each board's log without gaps (PostgreSQL) can answer.
    fn read_after(
        &self,
        _board_id: &str,
        _after_seq: i64,
    ) -> Result<kartta_core::LogTail, StoreError> {
        Err(StoreError::NoBoardSequence)
    }
}

#[cfg(test)]
pub(crate) mod contract {
    //! The behaviour every store must have, run against each backend.
    use super::*;
    use bytes::Bytes;

    pub fn check_store(store: &dyn BoardStore) {
        assert!(store.load("nothing-here").unwrap().updates.is_empty());
        let first = [Bytes::from_static(b"u1"), Bytes::from_static(b"u2")];
        let other = [Bytes::from_static(b"x1")];
        let ids = store
            .append(&[
                AppendRequest {
                    board_id: "board-a",
                    updates: &first,
                },
                AppendRequest {
                    board_id: "board-b",
                    updates: &other,
                },
                AppendRequest {
                    board_id: "board-c",
                    updates: &[],
                },
            ])
            .unwrap();
        assert_eq!(ids.len(), 3);
        assert_eq!(ids[2], 0);
        let loaded = store.load("board-a").unwrap();
        assert_eq!(loaded.updates, vec![b"u1".to_vec(), b"u2".to_vec()]);
        assert_eq!(loaded.last_update_id, ids[0]);
        assert_eq!(loaded.state, None);

        let third = [Bytes::from_static(b"u3")];
        store
            .append(&[AppendRequest {
                board_id: "board-a",
                updates: &third,
            }])
            .unwrap();
        store.compact("board-a", b"state-1-2", ids[0]).unwrap();
        let loaded = store.load("board-a").unwrap();
        assert_eq!(loaded.state.as_deref(), Some(&b"state-1-2"[..]));
        assert_eq!(
            loaded.updates,
            vec![b"u3".to_vec()],
            "updates after the compaction point stay"
        );
        store.delete("board-a").unwrap();
        let deleted = store.load("board-a").unwrap();
        assert!(
            deleted.state.is_none() && deleted.updates.is_empty(),
            "deleted boards leave nothing"
        );
        assert_eq!(
            store.load("board-b").unwrap().updates,
            vec![b"x1".to_vec()],
            "boards are isolated"
        );
    }
}
