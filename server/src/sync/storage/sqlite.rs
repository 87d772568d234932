//! The default [`BoardStore`]: one SQLite database file in WAL mode.
//!
//! Durability: `synchronous=NORMAL` in WAL mode means a committed transaction survives the
//! process being killed (it is in the OS page cache and the WAL), though not necessarily a power
//! cut. That is the promise Kartta makes: no update a client has seen is lost when the server
//! process dies. Writes and reads use separate connections so that loading one board does not
//! wait behind another board's group commit.
//!
//! Checkpoints (copying the WAL into the database file, with an fsync) run on a thread of their
//! own: SQLite's automatic checkpoint would run inside whichever commit crosses the WAL size
//! limit, and every update waiting for that commit would wait for the disk too.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use super::{AppendRequest, BoardStore, StoreError, StoredBoard};

pub struct SqliteStore {
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    /// Stops its thread when the store is dropped.
    _checkpointer: Checkpointer,
}

/// How often the checkpoint thread copies what the WAL holds into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    fn start(path: &Path) -> Result<Checkpointer, StoreError> {
        let connection = open(path)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("kartta-checkpoint".into())
            .spawn(move || loop {
                match stopped.recv_timeout(CHECKPOINT_EVERY) {
                    Err(RecvTimeoutError::Timeout) => {
                        // PASSIVE: copies what it can without waiting for readers or the writer.
                        let done =
                            connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                        if let Err(error) = done {
                            tracing::warn!(%error, "WAL checkpoint failed");
                        }
                    }
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
            })
            .map_err(|_| StoreError::Closed)?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS board_state (
    board_id   TEXT PRIMARY KEY,
    state      BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);
-- Plain rowids, not AUTOINCREMENT: that would write sqlite_sequence in every commit. Ids
-- still increase within a board's log (a new row gets the table's largest id + 1), which is
-- all that loading in order and compacting `id <= through` need. Older databases keep
-- their AUTOINCREMENT table; the code works with both.
CREATE TABLE IF NOT EXISTS board_update (
    id       INTEGER PRIMARY KEY,
    board_id TEXT NOT NULL,
    data     BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS board_update_by_board ON board_update (board_id, id);
";

fn open(path: &Path) -> Result<Connection, rusqlite::Error> {
    let connection = Connection::open(path)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    Ok(connection)
}

/// How long a statement waits for another connection's write lock (the catalog's, on the same
/// file) before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Inserts every request's updates inside the transaction the caller began, then commits.
fn insert_and_commit(
    connection: &Connection,
    requests: &[AppendRequest<'_>],
) -> Result<Vec<i64>, StoreError> {
    let inserted = (|| {
        let mut last_ids = Vec::with_capacity(requests.len());
        let mut insert = connection
            .prepare_cached("INSERT INTO board_update (board_id, data) VALUES (?1, ?2)")?;
        for request in requests {
            let mut last = 0;
            for update in request.updates {
                insert.execute(params![request.board_id, update.as_ref()])?;
                last = connection.last_insert_rowid();
            }
            last_ids.push(last);
        }
        Ok::<_, rusqlite::Error>(last_ids)
    })();
    match inserted {
        Ok(last_ids) => {
            connection.prepare_cached("COMMIT")?.execute([])?;
            Ok(last_ids)
        }
        Err(error) => {
            let _ = connection.execute_batch("ROLLBACK");
            Err(error.into())
        }
    }
}

fn unix_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let writer = open(path)?;
        writer.execute_batch(SCHEMA)?;
        // The checkpoint thread does this work, off the commit path.
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        let reader = open(path)?;
        Ok(SqliteStore {
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            _checkpointer: Checkpointer::start(path)?,
        })
    }
}

impl BoardStore for SqliteStore {
    fn load(&self, board_id: &str) -> Result<StoredBoard, StoreError> {
        let mut connection = self.reader.lock().map_err(|_| StoreError::Closed)?;
        // One read transaction, so the state and the log are seen at the same instant even if a
        // compaction commits in between.
        let txn = connection.transaction()?;
        let state: Option<Vec<u8>> = txn
            .query_row(
                "SELECT state FROM board_state WHERE board_id = ?1",
                [board_id],
                |row| row.get(0),
            )
            .optional()?;
        let mut statement = txn
            .prepare_cached("SELECT id, data FROM board_update WHERE board_id = ?1 ORDER BY id")?;
        let mut updates = Vec::new();
        let mut last_update_id = 0;
        let mut rows = statement.query([board_id])?;
        while let Some(row) = rows.next()? {
            last_update_id = row.get(0)?;
            updates.push(row.get(1)?);
        }
        drop(rows);
        drop(statement);
        txn.commit()?;
        Ok(StoredBoard {
            state,
            updates,
            last_update_id,
        })
    }

    fn append(&self, requests: &[AppendRequest<'_>]) -> Result<Vec<i64>, StoreError> {
        let connection = self.writer.lock().map_err(|_| StoreError::Closed)?;
        // Cached statements for the transaction too: this runs for every group commit, and
        // `Connection::transaction` parses BEGIN and COMMIT each time.
        connection.prepare_cached("BEGIN")?.execute([])?;
        insert_and_commit(&connection, requests)
    }

    /// A commit in WAL mode with `synchronous=NORMAL` writes to the OS page cache and does not
    /// wait for the disk (the checkpoint thread does), so it is brief enough for the persister
    /// to run on an async worker, unless a compaction holds the writer or another connection
    /// holds the file's write lock: then it would wait, and `None` says so.
    fn try_append_now(
        &self,
        requests: &[AppendRequest<'_>],
    ) -> Option<Result<Vec<i64>, StoreError>> {
        let connection = match self.writer.try_lock() {
            Ok(connection) => connection,
            Err(std::sync::TryLockError::WouldBlock) => return None,
            Err(std::sync::TryLockError::Poisoned(_)) => return Some(Err(StoreError::Closed)),
        };
        // IMMEDIATE takes the write lock at once; without a busy timeout it fails at once, before
        // anything is written, when the catalog's connection holds it.
        if let Err(error) = connection.busy_timeout(Duration::ZERO) {
            return Some(Err(error.into()));
        }
        let began = connection
            .prepare_cached("BEGIN IMMEDIATE")
            .and_then(|mut begin| begin.execute([]));
        if let Err(error) = connection.busy_timeout(BUSY_TIMEOUT) {
            if began.is_ok() {
                let _ = connection.execute_batch("ROLLBACK");
            }
            return Some(Err(error.into()));
        }
        match began {
            Ok(_) => Some(insert_and_commit(&connection, requests)),
            Err(error) if is_busy(&error) => None,
            Err(error) => Some(Err(error.into())),
        }
    }

    fn compact(
        &self,
        board_id: &str,
        state: &[u8],
        through_update_id: i64,
    ) -> Result<(), StoreError> {
        let mut connection = self.writer.lock().map_err(|_| StoreError::Closed)?;
        let txn = connection.transaction()?;
        txn.execute(
            "INSERT INTO board_state (board_id, state, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (board_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            params![board_id, state, unix_seconds()],
        )?;
        txn.execute(
            "DELETE FROM board_update WHERE board_id = ?1 AND id <= ?2",
            params![board_id, through_update_id],
        )?;
        txn.commit()?;
        Ok(())
    }

    fn delete(&self, board_id: &str) -> Result<(), StoreError> {
        let mut connection = self.writer.lock().map_err(|_| StoreError::Closed)?;
        let txn = connection.transaction()?;
        txn.execute("DELETE FROM board_state WHERE board_id = ?1", [board_id])?;
        txn.execute("DELETE FROM board_update WHERE board_id = ?1", [board_id])?;
        txn.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_store_keeps_the_store_contract_across_reopening() {
        let dir = std::env::temp_dir().join(format!("kartta-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("kartta.db");
        let _ = std::fs::remove_file(&path);
        super::super::contract::check_store(&SqliteStore::open(&path).unwrap());
        let reopened = SqliteStore::open(&path).unwrap();
        assert_eq!(
            reopened.load("board-b").unwrap().updates,
            vec![b"x1".to_vec()]
        );
        assert!(
            reopened.load("board-a").unwrap().updates.is_empty(),
            "the deletion is stored"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_wal_is_checkpointed_into_the_database_file_in_the_background() {
        let dir = std::env::temp_dir().join(format!("kartta-wal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("kartta.db");
        let store = SqliteStore::open(&path).unwrap();
        let update = bytes::Bytes::from(vec![7u8; 64 * 1024]);
        for _ in 0..32 {
            store
                .append(&[AppendRequest {
                    board_id: "board",
                    updates: std::slice::from_ref(&update),
                }])
                .unwrap();
        }
        // 2 MiB were committed to the WAL; commits no longer checkpoint, so only the
        // background thread can bring them into the database file itself.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::fs::metadata(&path).unwrap().len() < 2 * 1024 * 1024 {
            assert!(
                std::time::Instant::now() < deadline,
                "nothing was checkpointed: the database file is {} bytes",
                std::fs::metadata(&path).unwrap().len()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_commit_that_would_wait_for_another_writer_is_declined_and_changes_nothing() {
        let dir = std::env::temp_dir().join(format!("kartta-in-place-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("kartta.db");
        let _ = std::fs::remove_file(&path);
        let store = SqliteStore::open(&path).unwrap();
        let update = bytes::Bytes::from_static(b"u1");
        let request = [AppendRequest {
            board_id: "board",
            updates: std::slice::from_ref(&update),
        }];
        // Another connection on the file (as the catalog's is) holds the write lock.
        let other = open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        assert!(store.try_append_now(&request).is_none());
        assert!(store.load("board").unwrap().updates.is_empty());
        // A compaction (any writer work of the store itself) holds the writer connection.
        other.execute_batch("COMMIT").unwrap();
        let writer = store.writer.lock().unwrap();
        assert!(store.try_append_now(&request).is_none());
        drop(writer);
        assert!(store.load("board").unwrap().updates.is_empty());
        // Free again: the commit happens in place, and the writer waits for locks as before.
        let last_id = store
            .try_append_now(&request)
            .expect("nothing in the way")
            .unwrap();
        assert_eq!(store.load("board").unwrap().last_update_id, last_id[0]);
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let blocked = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            other.execute_batch("COMMIT").unwrap();
        });
        store.append(&request).unwrap();
        blocked.join().unwrap();
        assert_eq!(store.load("board").unwrap().updates.len(), 2);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
