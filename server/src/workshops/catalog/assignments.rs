//! Assignments: which board a participant who joins with a given name is sent to.

use rusqlite::{params, OptionalExtension};

use super::{CatalogResult, SqliteCatalog};

/// How a participant's name is matched: case and surrounding spaces do not matter.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl SqliteCatalog {
    /// Sends the participant called `name` to `board_id` (or, with `None`, nowhere in particular).
    pub fn set_assignment(
        &self,
        workshop_id: &str,
        name: &str,
        board_id: Option<&str>,
    ) -> CatalogResult<()> {
        self.with(|connection| {
            match board_id {
                Some(board_id) => connection.execute(
                    "INSERT INTO assignment (workshop_id, name_key, name, board_id) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (workshop_id, name_key) DO UPDATE SET name = excluded.name, board_id = excluded.board_id",
                    params![workshop_id, name_key(name), name.trim(), board_id],
                ),
                None => connection.execute(
                    "DELETE FROM assignment WHERE workshop_id = ?1 AND name_key = ?2",
                    params![workshop_id, name_key(name)],
                ),
            }
            .map(|_| ())
        })
    }

    pub fn assignments(&self, workshop_id: &str) -> CatalogResult<Vec<(String, String)>> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT name, board_id FROM assignment WHERE workshop_id = ?1 ORDER BY name_key",
            )?;
            let rows = statement.query_map([workshop_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect()
        })
    }

    /// The board a participant called `name` should open: the facilitator's assignment, else the
    /// listed personal board with that name. Never a board made at join: another person may
    /// join with the same name, and such a board is found by its capability only.
    pub fn board_for_name(&self, workshop_id: &str, name: &str) -> CatalogResult<Option<String>> {
        let key = name_key(name);
        if key.is_empty() {
            return Ok(None);
        }
        self.with(|connection| {
            let assigned: Option<String> = connection
                .query_row(
                    "SELECT board_id FROM assignment WHERE workshop_id = ?1 AND name_key = ?2",
                    params![workshop_id, key],
                    |row| row.get(0),
                )
                .optional()?;
            if assigned.is_some() {
                return Ok(assigned);
            }
            // Compared here, not in SQL: SQLite's lower() folds only ASCII, and names are Finnish
            // and Swedish.
            let mut statement = connection
                .prepare_cached("SELECT id, title FROM board WHERE workshop_id = ?1 AND kind = 'personal' AND owner_hash IS NULL ORDER BY created_at")?;
            let boards = statement.query_map([workshop_id], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
            for board in boards {
                let (id, title) = board?;
                if name_key(&title) == key {
                    return Ok(Some(id));
                }
            }
            Ok(None)
        })
    }
}
