//! The catalog: workshops, their boards, capability tokens and snapshots, in SQLite beside the
//! update logs.
//!
//! Tokens are 256-bit random secrets compared through their SHA-256 hashes in constant time.
//! The facilitator token is stored only as a hash. The participant and viewer tokens are also
//! kept in clear: the join code hands out the participant token, and the facilitator must be
//! able to show both links again weeks later. A personal board made at join has a fourth kind of
//! token, its owner's capability, stored only as a hash in the board's row and valid for that
//! board alone. Ids of workshops, boards and snapshots are 128-bit random, so they cannot be
//! guessed either.

use std::path::Path;
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use kartta_protocol::api::{AccessTokens, BoardKind, Role, SnapshotReason, WorkshopKind};
use kartta_protocol::matching::MatchVerdict;
use kartta_protocol::schema::{Locale, Template};
use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the catalog is closed")]
    Closed,
}

pub type CatalogResult<T> = Result<T, CatalogError>;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS workshop (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    title            TEXT NOT NULL,
    locale           TEXT NOT NULL,
    template         TEXT NOT NULL,
    join_code        TEXT UNIQUE,
    facilitator_hash BLOB NOT NULL,
    participant_hash BLOB NOT NULL,
    viewer_hash      BLOB NOT NULL,
    participant_token TEXT NOT NULL,
    viewer_token     TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    retention_until  INTEGER NOT NULL,
    timer_ends_at    INTEGER,
    presenting_board TEXT,
    personal_at_join INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS board (
    id          TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    locked      INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    owner_hash  BLOB,
    shared      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS board_by_workshop ON board (workshop_id, created_at);
CREATE TABLE IF NOT EXISTS snapshot (
    id         TEXT PRIMARY KEY,
    board_id   TEXT NOT NULL REFERENCES board (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    author     TEXT,
    created_at INTEGER NOT NULL,
    state      BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshot_by_board ON snapshot (board_id, created_at);
CREATE TABLE IF NOT EXISTS match_decision (
    workshop_id TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    key_a       TEXT NOT NULL,
    key_b       TEXT NOT NULL,
    verdict     TEXT NOT NULL,
    PRIMARY KEY (workshop_id, key_a, key_b)
);
CREATE TABLE IF NOT EXISTS assignment (
    workshop_id TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    name_key    TEXT NOT NULL,
    name        TEXT NOT NULL,
    board_id    TEXT NOT NULL REFERENCES board (id) ON DELETE CASCADE,
    PRIMARY KEY (workshop_id, name_key)
);
";

/// How a participant's name is matched: case and surrounding spaces do not matter.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Letters and digits that cannot be confused when read aloud or written down (no 0/O, 1/I/L,
/// 2/Z, 5/S, 8/B).
const JOIN_CODE_ALPHABET: &[u8] = b"ACDEFGHJKMNPQRTUVWXY34679";
const JOIN_CODE_LENGTH: usize = 8;

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// 128 random bits, URL-safe: an id nobody can guess.
pub fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// 256 random bits, URL-safe: a capability token.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

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

pub struct Catalog {
    connection: Mutex<Connection>,
}

fn code_of<T: serde::Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(code)) => code,
        _ => String::new(),
    }
}

fn from_code<T: serde::de::DeserializeOwned>(code: String) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(code.clone())).map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(error))
    })
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

const WORKSHOP_COLUMNS: &str =
    "id, kind, title, locale, template, join_code, created_at, retention_until, timer_ends_at, presenting_board, personal_at_join";
const BOARD_COLUMNS: &str =
    "id, workshop_id, title, kind, locked, created_at, owner_hash IS NOT NULL, shared";
const SNAPSHOT_COLUMNS: &str = "id, board_id, name, reason, author, created_at, length(state)";

impl Catalog {
    pub fn open(path: &Path) -> CatalogResult<Catalog> {
        let connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.execute_batch(SCHEMA)?;
        migrate(&connection)?;
        crate::workshops::votes::create_tables(&connection)?;
        Ok(Catalog {
            connection: Mutex::new(connection),
        })
    }

    pub(crate) fn with<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> CatalogResult<T> {
        let mut connection = self.connection.lock().map_err(|_| CatalogError::Closed)?;
        Ok(work(&mut connection)?)
    }

    /// Creates a workshop and its boards; returns them with the tokens (shown only now).
    pub fn create_workshop(
        &self,
        new: &NewWorkshop,
    ) -> CatalogResult<(WorkshopRecord, Vec<BoardRecord>, AccessTokens)> {
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

    pub fn add_board(&self, board: &BoardRecord) -> CatalogResult<()> {
        self.with(|connection| insert_board(connection, board))
    }

    /// Adds a personal board titled `title` with a fresh owner's capability, unless the workshop
    /// already has `limit` of them (`None` then). Returns the board and the capability, which is
    /// shown only now: the catalog keeps its hash.
    pub fn add_owned_board(
        &self,
        workshop_id: &str,
        title: &str,
        limit: usize,
    ) -> CatalogResult<Option<(BoardRecord, String)>> {
        let capability = random_token();
        let board = BoardRecord {
            id: random_id(),
            workshop_id: workshop_id.to_owned(),
            title: title.to_owned(),
            kind: BoardKind::Personal,
            locked: false,
            created_at: unix_now(),
            owned: true,
            shared: false,
        };
        let added = self.with(|connection| {
            let txn = connection.transaction()?;
            let owned: i64 = txn.query_row(
                "SELECT count(*) FROM board WHERE workshop_id = ?1 AND owner_hash IS NOT NULL",
                [workshop_id],
                |row| row.get(0),
            )?;
            if owned as usize >= limit {
                return Ok(false);
            }
            insert_board(&txn, &board)?;
            txn.execute(
                "UPDATE board SET owner_hash = ?2 WHERE id = ?1",
                params![board.id, token_hash(&capability).as_slice()],
            )?;
            txn.commit()?;
            Ok(true)
        })?;
        Ok(added.then_some((board, capability)))
    }

    /// Whether `token` is the owner's capability of board `board_id`, compared in constant time.
    pub fn owns_board(&self, board_id: &str, token: &str) -> CatalogResult<bool> {
        let stored: Option<Option<Vec<u8>>> = self.with(|connection| {
            connection
                .query_row(
                    "SELECT owner_hash FROM board WHERE id = ?1",
                    [board_id],
                    |row| row.get(0),
                )
                .optional()
        })?;
        let presented = token_hash(token);
        Ok(stored
            .flatten()
            .is_some_and(|stored| bool::from(stored.ct_eq(presented.as_slice()))))
    }

    /// The owned personal board of workshop `workshop_id` whose capability is `token`, if any.
    /// Every owner's hash is compared in constant time, not looked up by value.
    pub fn board_owned_by(&self, workshop_id: &str, token: &str) -> CatalogResult<Option<String>> {
        let owned: Vec<(String, Vec<u8>)> = self.with(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT id, owner_hash FROM board WHERE workshop_id = ?1 AND owner_hash IS NOT NULL",
            )?;
            let rows = statement.query_map([workshop_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect()
        })?;
        let presented = token_hash(token);
        let mut found = None;
        for (id, stored) in owned {
            if bool::from(stored.ct_eq(presented.as_slice())) {
                found = Some(id);
            }
        }
        Ok(found)
    }

    /// Shares (or stops sharing) one owned personal board.
    pub fn set_board_shared(&self, board_id: &str, shared: bool) -> CatalogResult<()> {
        self.with(|connection| {
            connection
                .execute(
                    "UPDATE board SET shared = ?2 WHERE id = ?1 AND owner_hash IS NOT NULL",
                    params![board_id, shared],
                )
                .map(|_| ())
        })
    }

    /// Shares (or stops sharing) every owned personal board of a workshop.
    pub fn set_personal_boards_shared(&self, workshop_id: &str, shared: bool) -> CatalogResult<()> {
        self.with(|connection| {
            connection
                .execute(
                    "UPDATE board SET shared = ?2 WHERE workshop_id = ?1 AND owner_hash IS NOT NULL",
                    params![workshop_id, shared],
                )
                .map(|_| ())
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

    /// The role `token` gives in workshop `workshop_id`, if any. Every stored hash is compared,
    /// in constant time, whatever matches first.
    pub fn role(&self, workshop_id: &str, token: &str) -> CatalogResult<Option<Role>> {
        let hashes: Option<(Vec<u8>, Vec<u8>, Vec<u8>)> = self.with(|connection| {
            connection
                .query_row(
                    "SELECT facilitator_hash, participant_hash, viewer_hash FROM workshop WHERE id = ?1",
                    [workshop_id],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()
        })?;
        let Some((facilitator, participant, viewer)) = hashes else {
            return Ok(None);
        };
        let presented = token_hash(token);
        let is = |stored: &[u8]| bool::from(stored.ct_eq(presented.as_slice()));
        let (is_facilitator, is_participant, is_viewer) =
            (is(&facilitator), is(&participant), is(&viewer));
        Ok(if is_facilitator {
            Some(Role::Facilitator)
        } else if is_participant {
            Some(Role::Participant)
        } else if is_viewer {
            Some(Role::Viewer)
        } else {
            None
        })
    }

    /// The participant and viewer tokens of a workshop, to hand out again.
    pub fn shareable_tokens(&self, workshop_id: &str) -> CatalogResult<Option<(String, String)>> {
        self.with(|connection| {
            connection
                .query_row(
                    "SELECT participant_token, viewer_token FROM workshop WHERE id = ?1",
                    [workshop_id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
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

    /// Remembers (or with `None` forgets) a decision about two name keys, stored with the
    /// smaller key first so either order finds it.
    pub fn set_match_decisions(
        &self,
        workshop_id: &str,
        changes: &[(String, String, Option<MatchVerdict>)],
    ) -> CatalogResult<()> {
        self.with(|connection| {
            let txn = connection.transaction()?;
            for (key_a, key_b, verdict) in changes {
                let (first, second) = if key_a <= key_b {
                    (key_a, key_b)
                } else {
                    (key_b, key_a)
                };
                match verdict {
                    Some(verdict) => txn.execute(
                        "INSERT INTO match_decision (workshop_id, key_a, key_b, verdict) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (workshop_id, key_a, key_b) DO UPDATE SET verdict = excluded.verdict",
                        params![workshop_id, first, second, code_of(verdict)],
                    )?,
                    None => txn.execute(
                        "DELETE FROM match_decision WHERE workshop_id = ?1 AND key_a = ?2 AND key_b = ?3",
                        params![workshop_id, first, second],
                    )?,
                };
            }
            txn.commit()
        })
    }

    /// The workshop's decisions, sorted by keys.
    pub fn match_decisions(
        &self,
        workshop_id: &str,
    ) -> CatalogResult<Vec<(String, String, MatchVerdict)>> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT key_a, key_b, verdict FROM match_decision WHERE workshop_id = ?1 ORDER BY key_a, key_b",
            )?;
            let rows = statement.query_map([workshop_id], |row| {
                Ok((row.get(0)?, row.get(1)?, from_code(row.get(2)?)?))
            })?;
            rows.collect()
        })
    }

    /// Rows in every catalog table, for tests that check deletion leaves nothing behind.
    pub fn row_counts(&self) -> CatalogResult<[i64; 3]> {
        self.with(|connection| {
            let count = |table: &str| {
                connection.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                    row.get(0)
                })
            };
            Ok([count("workshop")?, count("board")?, count("snapshot")?])
        })
    }
}

/// Brings a catalog made by an older version up to date.
fn migrate(connection: &Connection) -> rusqlite::Result<()> {
    let has_timer: bool = connection
        .prepare("SELECT 1 FROM pragma_table_info('workshop') WHERE name = 'timer_ends_at'")?
        .exists([])?;
    if !has_timer {
        connection.execute_batch("ALTER TABLE workshop ADD COLUMN timer_ends_at INTEGER")?;
    }
    let has_presenting: bool = connection
        .prepare("SELECT 1 FROM pragma_table_info('workshop') WHERE name = 'presenting_board'")?
        .exists([])?;
    if !has_presenting {
        connection.execute_batch("ALTER TABLE workshop ADD COLUMN presenting_board TEXT")?;
    }
    let has_personal_at_join: bool = connection
        .prepare("SELECT 1 FROM pragma_table_info('workshop') WHERE name = 'personal_at_join'")?
        .exists([])?;
    if !has_personal_at_join {
        connection.execute_batch(
            "ALTER TABLE workshop ADD COLUMN personal_at_join INTEGER NOT NULL DEFAULT 0",
        )?;
    }
    let has_owner: bool = connection
        .prepare("SELECT 1 FROM pragma_table_info('board') WHERE name = 'owner_hash'")?
        .exists([])?;
    if !has_owner {
        connection.execute_batch(
            "ALTER TABLE board ADD COLUMN owner_hash BLOB;
             ALTER TABLE board ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;",
        )?;
    }
    Ok(())
}

fn insert_board(connection: &Connection, board: &BoardRecord) -> rusqlite::Result<()> {
    connection
        .execute(
            "INSERT INTO board (id, workshop_id, title, kind, locked, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![board.id, board.workshop_id, board.title, code_of(board.kind), board.locked, board.created_at],
        )
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> (Catalog, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("kartta-catalog-{}", random_id()));
        std::fs::create_dir_all(&dir).unwrap();
        (Catalog::open(&dir.join("kartta.db")).unwrap(), dir)
    }

    fn workshop(kind: WorkshopKind, boards: usize) -> NewWorkshop {
        NewWorkshop {
            kind,
            title: "Kumppanuusfoorumi".into(),
            locale: Locale::Fi,
            template: Template::Rings,
            retention_days: 30,
            personal_boards_at_join: true,
            boards: (0..boards)
                .map(|i| (format!("Ryhmä {}", i + 1), BoardKind::Group))
                .collect(),
        }
    }

    #[test]
    fn tokens_give_their_roles_and_nothing_across_workshops() {
        let (catalog, dir) = catalog();
        let (first, boards, tokens) = catalog
            .create_workshop(&workshop(WorkshopKind::Workshop, 2))
            .unwrap();
        let (second, _, other_tokens) = catalog
            .create_workshop(&workshop(WorkshopKind::Workshop, 1))
            .unwrap();
        assert_eq!(boards.len(), 2);
        assert_eq!(
            catalog.role(&first.id, &tokens.facilitator).unwrap(),
            Some(Role::Facilitator)
        );
        assert_eq!(
            catalog.role(&first.id, &tokens.participant).unwrap(),
            Some(Role::Participant)
        );
        assert_eq!(
            catalog.role(&first.id, &tokens.viewer).unwrap(),
            Some(Role::Viewer)
        );
        assert_eq!(
            catalog.role(&first.id, &other_tokens.facilitator).unwrap(),
            None
        );
        assert_eq!(catalog.role(&second.id, &tokens.facilitator).unwrap(), None);
        assert_eq!(catalog.role(&first.id, "").unwrap(), None);
        assert_eq!(
            catalog
                .role("no-such-workshop", &tokens.facilitator)
                .unwrap(),
            None
        );
        assert_eq!(tokens.facilitator.len(), 43, "256 bits in base64url");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn match_decisions_are_kept_per_workshop_in_either_order_and_can_be_undone() {
        let (catalog, dir) = catalog();
        let (first, _, _) = catalog
            .create_workshop(&workshop(WorkshopKind::Workshop, 1))
            .unwrap();
        let (second, _, _) = catalog
            .create_workshop(&workshop(WorkshopKind::Workshop, 1))
            .unwrap();
        let change = |a: &str, b: &str, verdict| (a.to_owned(), b.to_owned(), verdict);
        catalog
            .set_match_decisions(
                &first.id,
                &[
                    change("vsl", "varsinais-suomi liitto", Some(MatchVerdict::Same)),
                    change("yrittäjät", "yrittäjät", Some(MatchVerdict::Different)),
                ],
            )
            .unwrap();
        // The same pair the other way round overrides, it does not add.
        catalog
            .set_match_decisions(
                &first.id,
                &[change(
                    "varsinais-suomi liitto",
                    "vsl",
                    Some(MatchVerdict::Different),
                )],
            )
            .unwrap();
        assert_eq!(
            catalog.match_decisions(&first.id).unwrap(),
            vec![
                (
                    "varsinais-suomi liitto".to_owned(),
                    "vsl".to_owned(),
                    MatchVerdict::Different
                ),
                (
                    "yrittäjät".to_owned(),
                    "yrittäjät".to_owned(),
                    MatchVerdict::Different
                ),
            ]
        );
        assert!(catalog.match_decisions(&second.id).unwrap().is_empty());
        catalog
            .set_match_decisions(&first.id, &[change("yrittäjät", "yrittäjät", None)])
            .unwrap();
        assert_eq!(catalog.match_decisions(&first.id).unwrap().len(), 1);
        catalog.delete_workshop(&first.id).unwrap();
        assert!(catalog.match_decisions(&first.id).unwrap().is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn an_owners_capability_opens_its_own_board_and_nothing_else() {
        let (catalog, dir) = catalog();
        let (record, groups, tokens) = catalog
            .create_workshop(&workshop(WorkshopKind::Workshop, 1))
            .unwrap();
        assert!(record.personal_boards_at_join);
        let (aino, aino_capability) = catalog
            .add_owned_board(&record.id, "Aino", 3)
            .unwrap()
            .unwrap();
        let (bertil, bertil_capability) = catalog
            .add_owned_board(&record.id, "Bertil", 3)
            .unwrap()
            .unwrap();
        assert_eq!(aino_capability.len(), 43, "256 bits in base64url");
        assert_ne!(aino_capability, bertil_capability);
        assert!(catalog.owns_board(&aino.id, &aino_capability).unwrap());
        assert!(!catalog.owns_board(&aino.id, &bertil_capability).unwrap());
        assert!(!catalog.owns_board(&groups[0].id, &aino_capability).unwrap());
        assert!(!catalog.owns_board(&aino.id, &tokens.participant).unwrap());
        assert!(!catalog.owns_board(&aino.id, &tokens.facilitator).unwrap());
        assert!(!catalog.owns_board(&aino.id, "").unwrap());
        assert_eq!(
            catalog.role(&record.id, &aino_capability).unwrap(),
            None,
            "a capability is no workshop token"
        );
        assert_eq!(
            catalog
                .board_owned_by(&record.id, &bertil_capability)
                .unwrap(),
            Some(bertil.id.clone())
        );
        assert_eq!(
            catalog
                .board_owned_by(&record.id, &tokens.participant)
                .unwrap(),
            None
        );
        let stored = catalog.board(&aino.id).unwrap().unwrap();
        assert!(stored.owned && !stored.shared);
        assert!(!catalog.board(&groups[0].id).unwrap().unwrap().owned);
        // Only the hash is kept: the capability appears in no column.
        let clear: i64 = catalog
            .with(|connection| {
                connection.query_row(
                    "SELECT count(*) FROM board WHERE instr(CAST(owner_hash AS TEXT), ?1) > 0 OR instr(title, ?1) > 0",
                    [&aino_capability],
                    |row| row.get(0),
                )
            })
            .unwrap();
        assert_eq!(clear, 0);
        catalog
            .add_owned_board(&record.id, "Cecilia", 3)
            .unwrap()
            .unwrap();
        assert!(
            catalog
                .add_owned_board(&record.id, "Daniel", 3)
                .unwrap()
                .is_none(),
            "no more than the limit"
        );
        catalog
            .set_personal_boards_shared(&record.id, true)
            .unwrap();
        assert!(catalog.board(&bertil.id).unwrap().unwrap().shared);
        assert!(
            !catalog.board(&groups[0].id).unwrap().unwrap().shared,
            "sharing concerns owned boards only"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

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
