//! The catalog: what Kartta keeps about workshops beside the boards' update logs, behind the
//! [`Catalog`] trait. `SqliteCatalog` keeps it in the same SQLite file as the boards, with one
//! module per thing it keeps (workshops, boards, roles, personal boards, snapshots,
//! assignments, match decisions, votes) and `migrations` the schema; `PostgresCatalog` keeps it
//! in PostgreSQL for several nodes. This module holds the trait, the errors and the helpers
//! both share; `contract` is the test both pass.
//!
//! Ids of workshops, boards and snapshots are 128-bit random, so they cannot be guessed; how
//! tokens are kept is said in `roles`.

mod assignments;
mod boards;
#[cfg(test)]
mod contract;
mod matches;
mod migrations;
mod personal;
mod postgres;
mod roles;
mod snapshots;
pub mod votes;
mod workshops;

use std::path::Path;
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use rusqlite::Connection;

use std::collections::BTreeMap;

use kartta_protocol::api::{AccessTokens, Role};
use kartta_protocol::matching::MatchVerdict;
use kartta_protocol::vote::{DotChange, VoteView};

pub use self::postgres::PostgresCatalog;
pub use boards::BoardRecord;
pub use snapshots::SnapshotRecord;
pub use votes::{DotOutcome, DotTarget, VoterDots};
pub use workshops::{format_join_code, NewWorkshop, WorkshopRecord};

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("PostgreSQL error: {0}")]
    Postgres(#[from] ::postgres::Error),
    #[error("the catalog is closed")]
    Closed,
    /// A file written by a newer Kartta: read with this schema, it could be misunderstood.
    #[error(
        "the catalog has schema version {found}, newer than the {known} this kartta knows; \
         run the newer kartta (or restore a backup)"
    )]
    NewerSchema { found: u32, known: u32 },
}

impl From<crate::pg_connection::PgConnectionError> for CatalogError {
    fn from(error: crate::pg_connection::PgConnectionError) -> CatalogError {
        match error {
            crate::pg_connection::PgConnectionError::Postgres(error) => {
                CatalogError::Postgres(error)
            }
            crate::pg_connection::PgConnectionError::Closed => CatalogError::Closed,
        }
    }
}

pub type CatalogResult<T> = Result<T, CatalogError>;

/// Everything Kartta keeps about workshops, whichever database holds it. Every method blocks:
/// callers run them on a blocking thread (`workshops::api::blocking`). The methods are
/// documented where the SQLite catalog implements them, in the module of what they keep.
pub trait Catalog: Send + Sync + 'static {
    // Workshops (`workshops.rs`).
    fn create_workshop(
        &self,
        new: &NewWorkshop,
    ) -> CatalogResult<(WorkshopRecord, Vec<BoardRecord>, AccessTokens)>;
    fn workshop(&self, id: &str) -> CatalogResult<Option<WorkshopRecord>>;
    fn workshop_by_join_code(&self, code: &str) -> CatalogResult<Option<WorkshopRecord>>;
    fn set_personal_boards_at_join(&self, workshop_id: &str, on: bool) -> CatalogResult<()>;
    fn set_timer(&self, workshop_id: &str, ends_at: Option<i64>) -> CatalogResult<()>;
    fn set_presenting(&self, workshop_id: &str, board_id: Option<&str>) -> CatalogResult<()>;
    fn delete_workshop(&self, workshop_id: &str) -> CatalogResult<Vec<String>>;
    fn expired_workshops(&self, now: i64) -> CatalogResult<Vec<String>>;

    // Boards (`boards.rs`).
    fn add_board(&self, board: &BoardRecord) -> CatalogResult<()>;
    fn board(&self, id: &str) -> CatalogResult<Option<BoardRecord>>;
    fn boards_of(&self, workshop_id: &str) -> CatalogResult<Vec<BoardRecord>>;
    fn set_board_title(&self, board_id: &str, title: &str) -> CatalogResult<()>;
    fn set_board_locked(&self, board_id: &str, locked: bool) -> CatalogResult<()>;
    fn delete_board(&self, board_id: &str) -> CatalogResult<()>;

    // Roles and personal boards (`roles.rs`, `personal.rs`).
    fn role(&self, workshop_id: &str, token: &str) -> CatalogResult<Option<Role>>;
    fn shareable_tokens(&self, workshop_id: &str) -> CatalogResult<Option<(String, String)>>;
    fn add_owned_board(
        &self,
        workshop_id: &str,
        title: &str,
        limit: usize,
    ) -> CatalogResult<Option<(BoardRecord, String)>>;
    fn owns_board(&self, board_id: &str, token: &str) -> CatalogResult<bool>;
    fn board_owned_by(&self, workshop_id: &str, token: &str) -> CatalogResult<Option<String>>;
    fn set_board_shared(&self, board_id: &str, shared: bool) -> CatalogResult<()>;
    fn set_personal_boards_shared(&self, workshop_id: &str, shared: bool) -> CatalogResult<()>;

    // Snapshots (`snapshots.rs`).
    fn add_snapshot(&self, record: &SnapshotRecord, state: &[u8]) -> CatalogResult<()>;
    fn snapshots_of(&self, board_id: &str) -> CatalogResult<Vec<SnapshotRecord>>;
    fn snapshot_counts(&self, workshop_id: &str) -> CatalogResult<Vec<(String, u32)>>;
    fn snapshot(&self, id: &str) -> CatalogResult<Option<SnapshotRecord>>;
    fn snapshot_state(&self, id: &str) -> CatalogResult<Option<Vec<u8>>>;

    // Assignments and match decisions (`assignments.rs`, `matches.rs`).
    fn set_assignment(
        &self,
        workshop_id: &str,
        name: &str,
        board_id: Option<&str>,
    ) -> CatalogResult<()>;
    fn assignments(&self, workshop_id: &str) -> CatalogResult<Vec<(String, String)>>;
    fn board_for_name(&self, workshop_id: &str, name: &str) -> CatalogResult<Option<String>>;
    fn set_match_decisions(
        &self,
        workshop_id: &str,
        changes: &[(String, String, Option<MatchVerdict>)],
    ) -> CatalogResult<()>;
    fn match_decisions(
        &self,
        workshop_id: &str,
    ) -> CatalogResult<Vec<(String, String, MatchVerdict)>>;

    // Dot votes (`votes.rs`).
    fn start_vote(&self, workshop_id: &str, title: &str, dots: u32) -> CatalogResult<VoteView>;
    fn vote(&self, workshop_id: &str) -> CatalogResult<Option<VoteView>>;
    fn reveal_vote(&self, workshop_id: &str) -> CatalogResult<Option<VoteView>>;
    fn end_vote(&self, workshop_id: &str) -> CatalogResult<()>;
    fn vote_totals(&self, vote_id: &str, board_id: &str) -> CatalogResult<BTreeMap<String, u32>>;
    fn voter_dots(&self, vote_id: &str, key: &[u8; 32], board_id: &str)
        -> CatalogResult<VoterDots>;
    fn change_dot(&self, target: &DotTarget, change: DotChange) -> CatalogResult<DotOutcome>;

    /// Rows in the workshop, board and snapshot tables, for tests that check deletion leaves
    /// nothing behind.
    fn row_counts(&self) -> CatalogResult<[i64; 3]>;
}

/// The catalog in the SQLite file beside the boards (the default).
pub struct SqliteCatalog {
    connection: Mutex<Connection>,
}

/// Each method is `SqliteCatalog`'s own, in the module of what it keeps.
impl Catalog for SqliteCatalog {
    fn create_workshop(
        &self,
        new: &NewWorkshop,
    ) -> CatalogResult<(WorkshopRecord, Vec<BoardRecord>, AccessTokens)> {
        SqliteCatalog::create_workshop(self, new)
    }
    fn workshop(&self, id: &str) -> CatalogResult<Option<WorkshopRecord>> {
        SqliteCatalog::workshop(self, id)
    }
    fn workshop_by_join_code(&self, code: &str) -> CatalogResult<Option<WorkshopRecord>> {
        SqliteCatalog::workshop_by_join_code(self, code)
    }
    fn set_personal_boards_at_join(&self, workshop_id: &str, on: bool) -> CatalogResult<()> {
        SqliteCatalog::set_personal_boards_at_join(self, workshop_id, on)
    }
    fn set_timer(&self, workshop_id: &str, ends_at: Option<i64>) -> CatalogResult<()> {
        SqliteCatalog::set_timer(self, workshop_id, ends_at)
    }
    fn set_presenting(&self, workshop_id: &str, board_id: Option<&str>) -> CatalogResult<()> {
        SqliteCatalog::set_presenting(self, workshop_id, board_id)
    }
    fn delete_workshop(&self, workshop_id: &str) -> CatalogResult<Vec<String>> {
        SqliteCatalog::delete_workshop(self, workshop_id)
    }
    fn expired_workshops(&self, now: i64) -> CatalogResult<Vec<String>> {
        SqliteCatalog::expired_workshops(self, now)
    }
    fn add_board(&self, board: &BoardRecord) -> CatalogResult<()> {
        SqliteCatalog::add_board(self, board)
    }
    fn board(&self, id: &str) -> CatalogResult<Option<BoardRecord>> {
        SqliteCatalog::board(self, id)
    }
    fn boards_of(&self, workshop_id: &str) -> CatalogResult<Vec<BoardRecord>> {
        SqliteCatalog::boards_of(self, workshop_id)
    }
    fn set_board_title(&self, board_id: &str, title: &str) -> CatalogResult<()> {
        SqliteCatalog::set_board_title(self, board_id, title)
    }
    fn set_board_locked(&self, board_id: &str, locked: bool) -> CatalogResult<()> {
        SqliteCatalog::set_board_locked(self, board_id, locked)
    }
    fn delete_board(&self, board_id: &str) -> CatalogResult<()> {
        SqliteCatalog::delete_board(self, board_id)
    }
    fn role(&self, workshop_id: &str, token: &str) -> CatalogResult<Option<Role>> {
        SqliteCatalog::role(self, workshop_id, token)
    }
    fn shareable_tokens(&self, workshop_id: &str) -> CatalogResult<Option<(String, String)>> {
        SqliteCatalog::shareable_tokens(self, workshop_id)
    }
    fn add_owned_board(
        &self,
        workshop_id: &str,
        title: &str,
        limit: usize,
    ) -> CatalogResult<Option<(BoardRecord, String)>> {
        SqliteCatalog::add_owned_board(self, workshop_id, title, limit)
    }
    fn owns_board(&self, board_id: &str, token: &str) -> CatalogResult<bool> {
        SqliteCatalog::owns_board(self, board_id, token)
    }
    fn board_owned_by(&self, workshop_id: &str, token: &str) -> CatalogResult<Option<String>> {
        SqliteCatalog::board_owned_by(self, workshop_id, token)
    }
    fn set_board_shared(&self, board_id: &str, shared: bool) -> CatalogResult<()> {
        SqliteCatalog::set_board_shared(self, board_id, shared)
    }
    fn set_personal_boards_shared(&self, workshop_id: &str, shared: bool) -> CatalogResult<()> {
        SqliteCatalog::set_personal_boards_shared(self, workshop_id, shared)
    }
    fn add_snapshot(&self, record: &SnapshotRecord, state: &[u8]) -> CatalogResult<()> {
        SqliteCatalog::add_snapshot(self, record, state)
    }
    fn snapshots_of(&self, board_id: &str) -> CatalogResult<Vec<SnapshotRecord>> {
        SqliteCatalog::snapshots_of(self, board_id)
    }
    fn snapshot_counts(&self, workshop_id: &str) -> CatalogResult<Vec<(String, u32)>> {
        SqliteCatalog::snapshot_counts(self, workshop_id)
    }
    fn snapshot(&self, id: &str) -> CatalogResult<Option<SnapshotRecord>> {
        SqliteCatalog::snapshot(self, id)
    }
    fn snapshot_state(&self, id: &str) -> CatalogResult<Option<Vec<u8>>> {
        SqliteCatalog::snapshot_state(self, id)
    }
    fn set_assignment(
        &self,
        workshop_id: &str,
        name: &str,
        board_id: Option<&str>,
    ) -> CatalogResult<()> {
        SqliteCatalog::set_assignment(self, workshop_id, name, board_id)
    }
    fn assignments(&self, workshop_id: &str) -> CatalogResult<Vec<(String, String)>> {
        SqliteCatalog::assignments(self, workshop_id)
    }
    fn board_for_name(&self, workshop_id: &str, name: &str) -> CatalogResult<Option<String>> {
        SqliteCatalog::board_for_name(self, workshop_id, name)
    }
    fn set_match_decisions(
        &self,
        workshop_id: &str,
        changes: &[(String, String, Option<MatchVerdict>)],
    ) -> CatalogResult<()> {
        SqliteCatalog::set_match_decisions(self, workshop_id, changes)
    }
    fn match_decisions(
        &self,
        workshop_id: &str,
    ) -> CatalogResult<Vec<(String, String, MatchVerdict)>> {
        SqliteCatalog::match_decisions(self, workshop_id)
    }
    fn start_vote(&self, workshop_id: &str, title: &str, dots: u32) -> CatalogResult<VoteView> {
        SqliteCatalog::start_vote(self, workshop_id, title, dots)
    }
    fn vote(&self, workshop_id: &str) -> CatalogResult<Option<VoteView>> {
        SqliteCatalog::vote(self, workshop_id)
    }
    fn reveal_vote(&self, workshop_id: &str) -> CatalogResult<Option<VoteView>> {
        SqliteCatalog::reveal_vote(self, workshop_id)
    }
    fn end_vote(&self, workshop_id: &str) -> CatalogResult<()> {
        SqliteCatalog::end_vote(self, workshop_id)
    }
    fn vote_totals(&self, vote_id: &str, board_id: &str) -> CatalogResult<BTreeMap<String, u32>> {
        SqliteCatalog::vote_totals(self, vote_id, board_id)
    }
    fn voter_dots(
        &self,
        vote_id: &str,
        key: &[u8; 32],
        board_id: &str,
    ) -> CatalogResult<VoterDots> {
        SqliteCatalog::voter_dots(self, vote_id, key, board_id)
    }
    fn change_dot(&self, target: &DotTarget, change: DotChange) -> CatalogResult<DotOutcome> {
        SqliteCatalog::change_dot(self, target, change)
    }
    fn row_counts(&self) -> CatalogResult<[i64; 3]> {
        SqliteCatalog::row_counts(self)
    }
}

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

/// The stable string code of a protocol enum (its serde name), as the tables store it.
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

impl SqliteCatalog {
    /// Opens the catalog in `path` and brings its schema up to date (see `migrations`).
    pub fn open(path: &Path) -> CatalogResult<SqliteCatalog> {
        let mut connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::migrate(&mut connection, migrations::MIGRATIONS)?;
        Ok(SqliteCatalog {
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

    /// Rows in the workshop, board and snapshot tables, for tests that check deletion leaves
    /// nothing behind.
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

/// A catalog in a fresh temporary folder, and a workshop to create in it, for the unit tests
/// of every module here.
#[cfg(test)]
pub(crate) mod test_support {
    use kartta_protocol::api::{BoardKind, WorkshopKind};
    use kartta_protocol::schema::{Locale, Template};

    use super::{random_id, NewWorkshop, SqliteCatalog};

    /// A catalog file in a folder of its own; the test removes the folder at its end.
    pub fn catalog() -> (SqliteCatalog, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("kartta-catalog-{}", random_id()));
        std::fs::create_dir_all(&dir).unwrap();
        (SqliteCatalog::open(&dir.join("kartta.db")).unwrap(), dir)
    }

    /// A workshop of `boards` group boards whose joiners get personal boards.
    pub fn workshop(kind: WorkshopKind, boards: usize) -> NewWorkshop {
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
}
