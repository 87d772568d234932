//! The [`BoardStore`] on PostgreSQL, for running several Kartta nodes on one database.
//!
//! Each board's log carries a gap-free sequence number (`seq` 1, 2, 3…). It is taken from the
//! board's counter row (`board_log_head`) in the same transaction that inserts the updates:
//! the `UPDATE` of that row holds its lock until commit, so a board's numbers commit in order
//! and a reader that has seen `seq = n` may ask for `seq > n` and miss nothing. (A SERIAL or
//! identity column would leave gaps on rollback and could commit out of order.)
//!
//! Group commit works as with SQLite: the persist thread hands over every board's updates
//! queued since the last commit, and they are written in one transaction. Compaction runs under
//! a transaction-scoped advisory lock on the board id, so two nodes never compact one board at
//! once; the lock ends with the transaction, also when a node dies.

use postgres::{Client, Config, IsolationLevel};

use super::{AppendRequest, BoardStore, StoreError, StoredBoard};
use crate::pg_connection::PgConnection;
use kartta_core::LogTail;

/// The first key of the two-key advisory lock, so Kartta's compaction locks cannot collide
/// with another application's locks on the same database ("KRTA" in ASCII).
const COMPACTION_LOCK_CLASS: i32 = 0x4b52_5441;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS board_log_head (
    board_id TEXT PRIMARY KEY,
    -- The seq of the board's newest update; the next one gets last_seq + 1.
    last_seq BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS board_update (
    board_id TEXT NOT NULL,
    seq      BIGINT NOT NULL,
    data     BYTEA NOT NULL,
    PRIMARY KEY (board_id, seq)
);
CREATE TABLE IF NOT EXISTS board_state (
    board_id    TEXT PRIMARY KEY,
    state       BYTEA NOT NULL,
    -- The state holds every update up to this seq.
    through_seq BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
";

pub struct PostgresStore {
    /// The persist thread's group commits, compactions and deletions.
    writer: PgConnection,
    /// Loads, so that loading a board does not wait behind a group commit.
    reader: PgConnection,
}

impl PostgresStore {
    /// Connects and creates the tables if they are missing.
    pub fn connect(config: &Config) -> Result<PostgresStore, StoreError> {
        let writer = PgConnection::connect(config)?;
        writer.with(|client| {
            create_schema(client)?;
            Ok::<_, StoreError>(())
        })?;
        Ok(PostgresStore {
            writer,
            reader: PgConnection::connect(config)?,
        })
    }
}

fn create_schema(client: &mut Client) -> Result<(), postgres::Error> {
    // Several nodes may start at once; the lock makes their CREATE TABLEs take turns (two
    // concurrent CREATE TABLE IF NOT EXISTS can both try and one fails).
    let mut transaction = client.transaction()?;
    transaction.execute(
        "SELECT pg_advisory_xact_lock($1, 0)",
        &[&COMPACTION_LOCK_CLASS],
    )?;
    transaction.batch_execute(SCHEMA)?;
    transaction.commit()
}

fn unix_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// A read-only transaction that sees one snapshot for all its reads: under READ COMMITTED a
/// compaction committing between two reads could delete log rows the state read before it does
/// not yet hold.
fn read_snapshot(client: &mut Client) -> Result<postgres::Transaction<'_>, postgres::Error> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
}

impl BoardStore for PostgresStore {
    fn load(&self, board_id: &str) -> Result<StoredBoard, StoreError> {
        self.reader.read(|client| {
            // One snapshot for both reads: under READ COMMITTED a compaction committing between
            // them could delete log rows the state read before it does not yet hold.
            let mut transaction = read_snapshot(client)?;
            let state_row = transaction.query_opt(
                "SELECT state, through_seq FROM board_state WHERE board_id = $1",
                &[&board_id],
            )?;
            let rows = transaction.query(
                "SELECT seq, data FROM board_update WHERE board_id = $1 ORDER BY seq",
                &[&board_id],
            )?;
            transaction.commit()?;
            let (state, through_seq) = match state_row {
                Some(row) => (Some(row.get::<_, Vec<u8>>(0)), row.get::<_, i64>(1)),
                None => (None, 0),
            };
            let last_update_id = rows.last().map_or(through_seq, |row| row.get(0));
            Ok(StoredBoard {
                state,
                updates: rows.iter().map(|row| row.get(1)).collect(),
                last_update_id,
            })
        })
    }

    fn read_after(&self, board_id: &str, after_seq: i64) -> Result<LogTail, StoreError> {
        self.reader.read(|client| {
            // One snapshot, as for a load: a compaction between the two reads could otherwise
            // delete rows the state read before it does not hold.
            let mut transaction = read_snapshot(client)?;
            // A state through a number past `after_seq` means the rows up to it were deleted in
            // the same transaction that wrote it: the state holds them.
            let state = transaction
                .query_opt(
                    "SELECT state, through_seq FROM board_state
                     WHERE board_id = $1 AND through_seq > $2",
                    &[&board_id, &after_seq],
                )?
                .map(|row| (row.get::<_, Vec<u8>>(0), row.get::<_, i64>(1)));
            let from = state.as_ref().map_or(after_seq, |(_, through)| *through);
            let rows = transaction.query(
                "SELECT seq, data FROM board_update WHERE board_id = $1 AND seq > $2 ORDER BY seq",
                &[&board_id, &from],
            )?;
            transaction.commit()?;
            Ok(LogTail {
                state,
                updates: rows
                    .iter()
                    .map(|row| (row.get(0), bytes::Bytes::from(row.get::<_, Vec<u8>>(1))))
                    .collect(),
            })
        })
    }

    fn append(&self, requests: &[AppendRequest<'_>]) -> Result<Vec<i64>, StoreError> {
        // A transaction cut before its COMMIT (PostgreSQL restarted) runs once more on a new
        // session: the first write after a restart is stored, not refused.
        self.writer.transaction(|transaction| {
            let take_numbers = transaction.prepare(
                "INSERT INTO board_log_head (board_id, last_seq) VALUES ($1, $2)
                 ON CONFLICT (board_id) DO UPDATE SET last_seq = board_log_head.last_seq + $2
                 RETURNING last_seq",
            )?;
            // All of a board's updates in one statement: numbered last - n + 1 ..= last.
            let insert = transaction.prepare(
                "INSERT INTO board_update (board_id, seq, data)
                 SELECT $1, $2 + ordinality - 1, data FROM unnest($3::bytea[]) WITH ORDINALITY AS t(data, ordinality)",
            )?;
            let mut last_seqs = vec![0; requests.len()];
            // Boards' counter rows are locked in board id order: two nodes' group commits that
            // share boards otherwise lock them in different orders and deadlock, and PostgreSQL
            // then aborts one, failing every room of that group.
            let mut order: Vec<usize> = (0..requests.len()).collect();
            order.sort_by_key(|&index| requests[index].board_id);
            for index in order {
                let request = &requests[index];
                if request.updates.is_empty() {
                    continue;
                }
                let count = request.updates.len() as i64;
                let last_seq: i64 = transaction
                    .query_one(&take_numbers, &[&request.board_id, &count])?
                    .get(0);
                let first_seq = last_seq - count + 1;
                let payloads: Vec<&[u8]> = request.updates.iter().map(|u| u.as_ref()).collect();
                transaction.execute(&insert, &[&request.board_id, &first_seq, &payloads])?;
                last_seqs[index] = last_seq;
            }
            Ok(last_seqs)
        })
    }

    fn compact(
        &self,
        board_id: &str,
        state: &[u8],
        through_update_id: i64,
    ) -> Result<(), StoreError> {
        self.writer.transaction(|transaction| {
            let locked: bool = transaction
                .query_one(
                    "SELECT pg_try_advisory_xact_lock($1, hashtext($2))",
                    &[&COMPACTION_LOCK_CLASS, &board_id],
                )?
                .get(0);
            if !locked {
                // Another node is compacting this board now. Leaving the log as it is loses
                // nothing: the log still holds every update, and the next compaction folds it.
                tracing::debug!(board_id, "compaction skipped: another node holds the lock");
                return Ok(());
            }
            // Only a newer state replaces the stored one, so a compaction that was overtaken by a
            // later one cannot bring back an older state.
            transaction.execute(
                "INSERT INTO board_state (board_id, state, through_seq, updated_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (board_id) DO UPDATE
                   SET state = excluded.state, through_seq = excluded.through_seq,
                       updated_at = excluded.updated_at
                   WHERE board_state.through_seq <= excluded.through_seq",
                &[&board_id, &state, &through_update_id, &unix_seconds()],
            )?;
            transaction.execute(
                "DELETE FROM board_update WHERE board_id = $1 AND seq <= $2",
                &[&board_id, &through_update_id],
            )?;
            Ok(())
        })
    }

    fn delete(&self, board_id: &str) -> Result<(), StoreError> {
        self.writer.transaction(|transaction| {
            for table in ["board_state", "board_update", "board_log_head"] {
                transaction.execute(
                    &format!("DELETE FROM {table} WHERE board_id = $1"),
                    &[&board_id],
                )?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::pg_connection::test_database;

    #[test]
    fn postgres_store_keeps_the_store_contract_across_reconnecting() {
        let Some(config) = test_database("postgres_store_keeps_the_store_contract") else {
            return;
        };
        super::super::contract::check_store(&PostgresStore::connect(&config).unwrap());
        let reconnected = PostgresStore::connect(&config).unwrap();
        assert_eq!(
            reconnected.load("board-b").unwrap().updates,
            vec![b"x1".to_vec()]
        );
        assert!(reconnected.load("board-a").unwrap().updates.is_empty());
    }

    /// Every board's log is numbered 1, 2, 3… without gaps, also when several group commits
    /// for one board run at once from different connections (as from several nodes).
    #[test]
    fn each_boards_log_is_numbered_without_gaps_under_concurrent_commits() {
        let Some(config) = test_database("each_boards_log_is_numbered_without_gaps") else {
            return;
        };
        let stores: Vec<PostgresStore> = (0..4)
            .map(|_| PostgresStore::connect(&config).unwrap())
            .collect();
        std::thread::scope(|scope| {
            for (node, store) in stores.iter().enumerate() {
                scope.spawn(move || {
                    for round in 0..25 {
                        let updates = [
                            Bytes::from(format!("{node}-{round}-a")),
                            Bytes::from(format!("{node}-{round}-b")),
                        ];
                        let other = [Bytes::from(format!("{node}-{round}"))];
                        store
                            .append(&[
                                AppendRequest {
                                    board_id: "shared",
                                    updates: &updates,
                                },
                                AppendRequest {
                                    board_id: &format!("own-{node}"),
                                    updates: &other,
                                },
                            ])
                            .unwrap();
                    }
                });
            }
        });
        let mut client = config.connect(postgres::NoTls).unwrap();
        let seqs: Vec<i64> = client
            .query(
                "SELECT seq FROM board_update WHERE board_id = 'shared' ORDER BY seq",
                &[],
            )
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        assert_eq!(seqs, (1..=200).collect::<Vec<i64>>());
        let loaded = stores[0].load("shared").unwrap();
        assert_eq!(loaded.last_update_id, 200);
        // A pair of one commit stays adjacent: numbers are taken per commit, not per update.
        for pair in loaded.updates.chunks(2) {
            let first = String::from_utf8_lossy(&pair[0]).replace("-a", "");
            let second = String::from_utf8_lossy(&pair[1]).replace("-b", "");
            assert_eq!(first, second);
        }
        assert_eq!(stores[1].load("own-3").unwrap().last_update_id, 25);
    }

    /// Two nodes' group commits that hold the same boards in opposite orders never deadlock
    /// (PostgreSQL would abort one, and every room of that group would close).
    #[test]
    fn group_commits_of_the_same_boards_in_opposite_orders_do_not_deadlock() {
        let Some(config) = test_database("group_commits_in_opposite_orders") else {
            return;
        };
        let stores: Vec<PostgresStore> = (0..2)
            .map(|_| PostgresStore::connect(&config).unwrap())
            .collect();
        let boards: Vec<String> = (0..40).map(|index| format!("board-{index:02}")).collect();
        std::thread::scope(|scope| {
            for (node, store) in stores.iter().enumerate() {
                let boards = &boards;
                scope.spawn(move || {
                    let update = [Bytes::from(format!("from node {node}"))];
                    for _ in 0..30 {
                        let mut requests: Vec<AppendRequest<'_>> = boards
                            .iter()
                            .map(|board_id| AppendRequest {
                                board_id,
                                updates: &update,
                            })
                            .collect();
                        if node == 1 {
                            requests.reverse();
                        }
                        let last_seqs = store.append(&requests).expect("no deadlock");
                        assert!(last_seqs.iter().all(|&seq| seq > 0));
                    }
                });
            }
        });
        for board_id in &boards {
            assert_eq!(stores[0].load(board_id).unwrap().last_update_id, 60);
        }
    }

    /// A node that missed updates reads them by number; when another node compacted them away
    /// meanwhile, it gets the state that holds them and the log past it.
    #[test]
    fn the_log_past_a_number_is_read_from_rows_or_from_the_state_that_folded_them() {
        let Some(config) = test_database("the_log_past_a_number_is_read") else {
            return;
        };
        let store = PostgresStore::connect(&config).unwrap();
        let append = |update: &'static [u8]| {
            let updates = [Bytes::from_static(update)];
            store
                .append(&[AppendRequest {
                    board_id: "board",
                    updates: &updates,
                }])
                .unwrap()[0]
        };
        for update in [b"u1", b"u2", b"u3"] {
            append(update);
        }
        let tail = store.read_after("board", 1).unwrap();
        assert!(tail.state.is_none());
        assert_eq!(
            tail.updates,
            vec![
                (2, Bytes::from_static(b"u2")),
                (3, Bytes::from_static(b"u3"))
            ]
        );
        store.compact("board", b"state-1-3", 3).unwrap();
        append(b"u4");
        let tail = store.read_after("board", 1).unwrap();
        assert_eq!(tail.state, Some((b"state-1-3".to_vec(), 3)));
        assert_eq!(tail.updates, vec![(4, Bytes::from_static(b"u4"))]);
        let tail = store.read_after("board", 3).unwrap();
        assert!(tail.state.is_none(), "nothing past 3 was folded");
        assert_eq!(tail.updates.len(), 1);
        assert!(store.read_after("board", 4).unwrap().updates.is_empty());
    }

    /// While one node holds a board's compaction lock, another's compaction of that board
    /// changes nothing; once the lock is released, it compacts.
    #[test]
    fn a_board_is_compacted_by_one_node_at_a_time() {
        let Some(config) = test_database("a_board_is_compacted_by_one_node_at_a_time") else {
            return;
        };
        let store = PostgresStore::connect(&config).unwrap();
        let updates = [Bytes::from_static(b"u1"), Bytes::from_static(b"u2")];
        let last = store
            .append(&[AppendRequest {
                board_id: "board",
                updates: &updates,
            }])
            .unwrap()[0];

        let mut other_node = config.connect(postgres::NoTls).unwrap();
        let mut holding = other_node.transaction().unwrap();
        let held: bool = holding
            .query_one(
                "SELECT pg_try_advisory_xact_lock($1, hashtext($2))",
                &[&COMPACTION_LOCK_CLASS, &"board"],
            )
            .unwrap()
            .get(0);
        assert!(held);
        store.compact("board", b"state", last).unwrap();
        let while_held = store.load("board").unwrap();
        assert_eq!(
            while_held.state, None,
            "the lock holder's board was not touched"
        );
        assert_eq!(while_held.updates.len(), 2);

        holding.rollback().unwrap();
        store.compact("board", b"state", last).unwrap();
        let after = store.load("board").unwrap();
        assert_eq!(after.state.as_deref(), Some(&b"state"[..]));
        assert!(after.updates.is_empty());
        assert_eq!(
            after.last_update_id, last,
            "the state says how far it reaches"
        );

        let more = [Bytes::from_static(b"u3")];
        let next = store
            .append(&[AppendRequest {
                board_id: "board",
                updates: &more,
            }])
            .unwrap()[0];
        assert_eq!(next, last + 1, "numbers go on after a compaction");
        // An older compaction arriving late does not replace the newer state.
        store.compact("board", b"newer", next).unwrap();
        store.compact("board", b"older", last).unwrap();
        assert_eq!(
            store.load("board").unwrap().state.as_deref(),
            Some(&b"newer"[..])
        );
    }
}
