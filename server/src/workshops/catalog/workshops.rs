//! Workshops in the catalog: creating one with its boards and tokens, its join code, and what
//! it holds for all its boards (timer, presented board, personal boards at join, retention).

use kartta_protocol::api::{AccessTokens, BoardKind, WorkshopKind};
use kartta_protocol::schema::{Locale, Template};
use rand::RngCore;
use rusqlite::{params, OptionalExtension};

use super::boards::{insert_board, BoardRecord};
use super::roles::{random_token, token_hash};
use super::{code_of, from_code, random_id, unix_now, CatalogResult, SqliteCatalog};

/// Letters and digits that cannot be confused when read aloud or written down (no 0/O, 1/I/L,
/// 2/Z, 5/S, 8/B).
pub(super) const JOIN_CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
const JOIN_CODE_LENGTH: usize = 8;

fn random_join_code() -> String {
    let mut rng = rand::rng();
    (0..JOIN_CODE_LENGTH)
        .map(|_| {
            let index = (rng.next_u32() as usize) % JOIN_CODE_ALPHABET.len();
            char::from(JOIN_CODE_ALPHABET[index])
        })
        .collect()
}

/// `krta7mxp`, `KRTA-7MXP` and ` krta 7mxp ` are the same code.
pub fn normalize_join_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `KRTA7MXP` → `KRTA-7MXP`, easier to read aloud.
pub fn format_join_code(code: &str) -> String {
    if code.len() == JOIN_CODE_LENGTH {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkshopRecord {
    pub id: String,
    pub kind: WorkshopKind,
    pub title: String,
    pub locale: Locale,
    pub template: Template,
    pub join_code: Option<String>,
    pub created_at: i64,
    pub retention_until: i64,
    /// Unix milliseconds when the facilitator's timer ends.
    pub timer_ends_at: Option<i64>,
    /// The board the facilitator presents to everyone in the workshop.
    pub presenting_board: Option<String>,
    /// Joining with a name creates a personal board with its own capability.
    pub personal_boards_at_join: bool,
}

/// What to create: the workshop and the boards in it.
#[derive(Debug, Clone)]
pub struct NewWorkshop {
    pub kind: WorkshopKind,
    pub title: String,
    pub locale: Locale,
    pub template: Template,
    pub retention_days: u32,
    pub personal_boards_at_join: bool,
    /// `(title, kind)` of each board.
    pub boards: Vec<(String, BoardKind)>,
}

fn workshop_from_row(row: &rusqlite::Row) -> rusqlite::Result<WorkshopRecord> {
    Ok(WorkshopRecord {
        id: row.get(0)?,
        kind: from_code(row.get(1)?)?,
        title: row.get(2)?,
        locale: from_code(row.get(3)?)?,
        template: from_code(row.get(4)?)?,
        join_code: row.get(5)?,
        created_at: row.get(6)?,
        retention_until: row.get(7)?,
        timer_ends_at: row.get(8)?,
        presenting_board: row.get(9)?,
        personal_boards_at_join: row.get(10)?,
    })
}

const WORKSHOP_COLUMNS: &str =
    "id, kind, title, locale, template, join_code, created_at, retention_until, timer_ends_at, presenting_board, personal_at_join";

/// The records and fresh tokens of a workshop about to be created; every catalog stores these.
pub(super) fn new_workshop_records(
    new: &NewWorkshop,
) -> (WorkshopRecord, Vec<BoardRecord>, AccessTokens) {
    let tokens = AccessTokens {
        facilitator: random_token(),
        participant: random_token(),
        viewer: random_token(),
    };
    let now = unix_now();
    let record = WorkshopRecord {
        id: random_id(),
        kind: new.kind,
        title: new.title.clone(),
        locale: new.locale,
        template: new.template,
        join_code: (new.kind == WorkshopKind::Workshop).then(random_join_code),
        created_at: now,
        retention_until: now + i64::from(new.retention_days) * 86_400,
        timer_ends_at: None,
        presenting_board: None,
        personal_boards_at_join: new.personal_boards_at_join,
    };
    let boards: Vec<BoardRecord> = new
        .boards
        .iter()
        .enumerate()
        .map(|(index, (title, kind))| BoardRecord {
            id: random_id(),
            workshop_id: record.id.clone(),
            title: title.clone(),
            kind: *kind,
            locked: false,
            // Keeps the boards in the order they were asked for.
            created_at: now + index as i64,
            owned: false,
            shared: false,
        })
        .collect();
    (record, boards, tokens)
}

impl SqliteCatalog {
    /// Creates a workshop and its boards; returns them with the tokens (shown only now).
    pub fn create_workshop(
        &self,
        new: &NewWorkshop,
    ) -> CatalogResult<(WorkshopRecord, Vec<BoardRecord>, AccessTokens)> {
        let (record, boards, tokens) = new_workshop_records(new);
        self.with(|connection| {
            let txn = connection.transaction()?;
            txn.execute(
                "INSERT INTO workshop (id, kind, title, locale, template, join_code, facilitator_hash,
                     participant_hash, viewer_hash, participant_token, viewer_token, created_at, retention_until,
                     personal_at_join)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    record.id,
                    code_of(record.kind),
                    record.title,
                    code_of(record.locale),
                    code_of(record.template),
                    record.join_code,
                    token_hash(&tokens.facilitator).as_slice(),
                    token_hash(&tokens.participant).as_slice(),
                    token_hash(&tokens.viewer).as_slice(),
                    tokens.participant,
                    tokens.viewer,
                    record.created_at,
                    record.retention_until,
                    record.personal_boards_at_join,
                ],
            )?;
            for board in &boards {
                insert_board(&txn, board)?;
            }
            txn.commit()
        })?;
        Ok((record, boards, tokens))
    }

    pub fn workshop(&self, id: &str) -> CatalogResult<Option<WorkshopRecord>> {
        self.with(|connection| {
            connection
                .query_row(
                    &format!("SELECT {WORKSHOP_COLUMNS} FROM workshop WHERE id = ?1"),
                    [id],
                    workshop_from_row,
                )
                .optional()
        })
    }

    pub fn workshop_by_join_code(&self, code: &str) -> CatalogResult<Option<WorkshopRecord>> {
        let code = normalize_join_code(code);
        self.with(|connection| {
            connection
                .query_row(
                    &format!("SELECT {WORKSHOP_COLUMNS} FROM workshop WHERE join_code = ?1"),
                    [code],
                    workshop_from_row,
                )
                .optional()
        })
    }

    pub fn set_personal_boards_at_join(&self, workshop_id: &str, on: bool) -> CatalogResult<()> {
        self.with(|connection| {
            connection
                .execute(
                    "UPDATE workshop SET personal_at_join = ?2 WHERE id = ?1",
                    params![workshop_id, on],
                )
                .map(|_| ())
        })
    }

    pub fn set_timer(&self, workshop_id: &str, ends_at: Option<i64>) -> CatalogResult<()> {
        self.with(|connection| {
            connection
                .execute(
                    "UPDATE workshop SET timer_ends_at = ?2 WHERE id = ?1",
                    params![workshop_id, ends_at],
                )
                .map(|_| ())
        })
    }

    /// Presents `board_id` to the whole workshop, or nothing with `None`.
    pub fn set_presenting(&self, workshop_id: &str, board_id: Option<&str>) -> CatalogResult<()> {
        self.with(|connection| {
            connection
                .execute(
                    "UPDATE workshop SET presenting_board = ?2 WHERE id = ?1",
                    params![workshop_id, board_id],
                )
                .map(|_| ())
        })
    }

    /// Removes the workshop's catalog rows (boards and snapshots go with it); returns the ids of
    /// its boards so their documents can be deleted too.
    pub fn delete_workshop(&self, workshop_id: &str) -> CatalogResult<Vec<String>> {
        self.with(|connection| {
            let txn = connection.transaction()?;
            let board_ids = {
                let mut statement = txn.prepare("SELECT id FROM board WHERE workshop_id = ?1")?;
                let rows = statement.query_map([workshop_id], |row| row.get(0))?;
                rows.collect::<rusqlite::Result<Vec<String>>>()?
            };
            txn.execute("DELETE FROM workshop WHERE id = ?1", [workshop_id])?;
            txn.commit()?;
            Ok(board_ids)
        })
    }

    /// Workshops whose retention date is before `now`.
    pub fn expired_workshops(&self, now: i64) -> CatalogResult<Vec<String>> {
        self.with(|connection| {
            let mut statement =
                connection.prepare("SELECT id FROM workshop WHERE retention_until < ?1")?;
            let rows = statement.query_map([now], |row| row.get(0))?;
            rows.collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{catalog, workshop};
    use super::super::SnapshotRecord;
    use super::*;
    use kartta_protocol::api::SnapshotReason;

    #[test]
    fn join_codes_are_readable_and_found_however_typed() {
        let (catalog, dir) = catalog();
        let (record, _, _) = catalog
            .create_workshop(&workshop(WorkshopKind::Workshop, 1))
            .unwrap();
        let code = record.join_code.clone().unwrap();
        assert_eq!(code.len(), 8);
        assert!(code.bytes().all(|b| JOIN_CODE_ALPHABET.contains(&b)));
        let spoken = format_join_code(&code).to_lowercase().replace('-', " - ");
        assert_eq!(
            catalog.workshop_by_join_code(&spoken).unwrap().unwrap().id,
            record.id
        );
        assert_eq!(catalog.workshop_by_join_code("AAAA-AAAA").unwrap(), None);
        let (quick, _, _) = catalog
            .create_workshop(&workshop(WorkshopKind::Quick, 1))
            .unwrap();
        assert_eq!(quick.join_code, None, "quick boards have no join code");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn deleting_a_workshop_removes_its_boards_and_snapshots() {
        let (catalog, dir) = catalog();
        let (record, boards, _) = catalog
            .create_workshop(&workshop(WorkshopKind::Workshop, 2))
            .unwrap();
        let snapshot = SnapshotRecord {
            id: random_id(),
            board_id: boards[0].id.clone(),
            name: "Päivä 1".into(),
            reason: SnapshotReason::Manual,
            author: None,
            created_at: unix_now(),
            bytes: 0,
        };
        catalog.add_snapshot(&snapshot, b"state").unwrap();
        assert_eq!(catalog.snapshots_of(&boards[0].id).unwrap()[0].bytes, 5);
        assert_eq!(catalog.row_counts().unwrap(), [1, 2, 1]);
        let mut deleted = catalog.delete_workshop(&record.id).unwrap();
        deleted.sort();
        let mut expected: Vec<String> = boards.iter().map(|b| b.id.clone()).collect();
        expected.sort();
        assert_eq!(deleted, expected);
        assert_eq!(catalog.row_counts().unwrap(), [0, 0, 0]);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
