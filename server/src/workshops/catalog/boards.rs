//! Boards in the catalog: which workshop each belongs to, its title, kind and lock. A board's
//! content is not here but in the board store.

use kartta_protocol::api::BoardKind;
use rusqlite::{params, Connection, OptionalExtension};

use super::{code_of, from_code, CatalogResult, SqliteCatalog};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRecord {
    pub id: String,
    pub workshop_id: String,
    pub title: String,
    pub kind: BoardKind,
    pub locked: bool,
    pub created_at: i64,
    /// A personal board made at join: it has an owner's capability (only its hash is stored).
    pub owned: bool,
    /// The facilitator shared this owned board with the workshop, to read.
    pub shared: bool,
}

fn board_from_row(row: &rusqlite::Row) -> rusqlite::Result<BoardRecord> {
    Ok(BoardRecord {
        id: row.get(0)?,
        workshop_id: row.get(1)?,
        title: row.get(2)?,
        kind: from_code(row.get(3)?)?,
        locked: row.get(4)?,
        created_at: row.get(5)?,
        owned: row.get(6)?,
        shared: row.get(7)?,
    })
}

const BOARD_COLUMNS: &str =
    "id, workshop_id, title, kind, locked, created_at, owner_hash IS NOT NULL, shared";

pub(super) fn insert_board(connection: &Connection, board: &BoardRecord) -> rusqlite::Result<()> {
    connection
        .execute(
            "INSERT INTO board (id, workshop_id, title, kind, locked, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![board.id, board.workshop_id, board.title, code_of(board.kind), board.locked, board.created_at],
        )
        .map(|_| ())
}

impl SqliteCatalog {
    pub fn add_board(&self, board: &BoardRecord) -> CatalogResult<()> {
        self.with(|connection| insert_board(connection, board))
    }

    pub fn board(&self, id: &str) -> CatalogResult<Option<BoardRecord>> {
        self.with(|connection| {
            connection
                .query_row(
                    &format!("SELECT {BOARD_COLUMNS} FROM board WHERE id = ?1"),
                    [id],
                    board_from_row,
                )
                .optional()
        })
    }

    pub fn boards_of(&self, workshop_id: &str) -> CatalogResult<Vec<BoardRecord>> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(&format!(
                "SELECT {BOARD_COLUMNS} FROM board WHERE workshop_id = ?1 ORDER BY created_at, id"
            ))?;
            let rows = statement.query_map([workshop_id], board_from_row)?;
            rows.collect()
        })
    }

    pub fn set_board_title(&self, board_id: &str, title: &str) -> CatalogResult<()> {
        self.with(|connection| {
            connection
                .execute(
                    "UPDATE board SET title = ?2 WHERE id = ?1",
                    params![board_id, title],
                )
                .map(|_| ())
        })
    }

    pub fn set_board_locked(&self, board_id: &str, locked: bool) -> CatalogResult<()> {
        self.with(|connection| {
            connection
                .execute(
                    "UPDATE board SET locked = ?2 WHERE id = ?1",
                    params![board_id, locked],
                )
                .map(|_| ())
        })
    }

    /// Removes the board's catalog rows (its snapshots go with it).
    pub fn delete_board(&self, board_id: &str) -> CatalogResult<()> {
        self.with(|connection| {
            connection
                .execute("DELETE FROM board WHERE id = ?1", [board_id])
                .map(|_| ())
        })
    }
}
