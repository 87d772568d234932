//! Snapshots in the catalog: named, timestamped copies of a board's whole encoded state.

use kartta_protocol::api::SnapshotReason;
use rusqlite::{params, OptionalExtension};

use super::{code_of, from_code, CatalogResult, SqliteCatalog};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRecord {
    pub id: String,
    pub board_id: String,
    pub name: String,
    pub reason: SnapshotReason,
    pub author: Option<String>,
    pub created_at: i64,
    pub bytes: u64,
}

fn snapshot_from_row(row: &rusqlite::Row) -> rusqlite::Result<SnapshotRecord> {
    Ok(SnapshotRecord {
        id: row.get(0)?,
        board_id: row.get(1)?,
        name: row.get(2)?,
        reason: from_code(row.get(3)?)?,
        author: row.get(4)?,
        created_at: row.get(5)?,
        bytes: row.get::<_, i64>(6)? as u64,
    })
}

const SNAPSHOT_COLUMNS: &str = "id, board_id, name, reason, author, created_at, length(state)";

impl SqliteCatalog {
    pub fn add_snapshot(&self, record: &SnapshotRecord, state: &[u8]) -> CatalogResult<()> {
        self.with(|connection| {
            connection
                .execute(
                    "INSERT INTO snapshot (id, board_id, name, reason, author, created_at, state)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        record.id,
                        record.board_id,
                        record.name,
                        code_of(record.reason),
                        record.author,
                        record.created_at,
                        state
                    ],
                )
                .map(|_| ())
        })
    }

    pub fn snapshots_of(&self, board_id: &str) -> CatalogResult<Vec<SnapshotRecord>> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(&format!(
                "SELECT {SNAPSHOT_COLUMNS} FROM snapshot WHERE board_id = ?1 ORDER BY created_at DESC, rowid DESC"
            ))?;
            let rows = statement.query_map([board_id], snapshot_from_row)?;
            rows.collect()
        })
    }

    pub fn snapshot_counts(&self, workshop_id: &str) -> CatalogResult<Vec<(String, u32)>> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT board.id, count(snapshot.id) FROM board LEFT JOIN snapshot ON snapshot.board_id = board.id
                 WHERE board.workshop_id = ?1 GROUP BY board.id",
            )?;
            let rows = statement.query_map([workshop_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect()
        })
    }

    pub fn snapshot(&self, id: &str) -> CatalogResult<Option<SnapshotRecord>> {
        self.with(|connection| {
            connection
                .query_row(
                    &format!("SELECT {SNAPSHOT_COLUMNS} FROM snapshot WHERE id = ?1"),
                    [id],
                    snapshot_from_row,
                )
                .optional()
        })
    }

    pub fn snapshot_state(&self, id: &str) -> CatalogResult<Option<Vec<u8>>> {
        self.with(|connection| {
            connection
                .query_row("SELECT state FROM snapshot WHERE id = ?1", [id], |row| {
                    row.get(0)
                })
                .optional()
        })
    }
}
