//! The catalog: what Kartta keeps about workshops beside the boards' update logs, in the same
//! SQLite file. One module per thing it keeps (workshops, boards, roles, personal boards,
//! snapshots, assignments, match decisions, votes); this one holds the connection, its errors
//! and the helpers they share, and `migrations` the schema.
//!
//! Ids of workshops, boards and snapshots are 128-bit random, so they cannot be guessed; how
//! tokens are kept is said in `roles`.

mod assignments;
mod boards;
mod matches;
mod migrations;
mod personal;
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

pub use boards::BoardRecord;
pub use snapshots::SnapshotRecord;
pub use workshops::{format_join_code, NewWorkshop, WorkshopRecord};

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("the catalog is closed")]
    Closed,
    /// A file written by a newer Kartta: read with this schema, it could be misunderstood.
    #[error(
        "the catalog has schema version {found}, newer than the {known} this kartta knows; \
         run the newer kartta (or restore a backup)"
    )]
    NewerSchema { found: u32, known: u32 },
}

pub type CatalogResult<T> = Result<T, CatalogError>;

pub struct Catalog {
    connection: Mutex<Connection>,
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

impl Catalog {
    /// Opens the catalog in `path` and brings its schema up to date (see `migrations`).
    pub fn open(path: &Path) -> CatalogResult<Catalog> {
        let mut connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::migrate(&mut connection, migrations::MIGRATIONS)?;
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

/// A catalog in a fresh temporary folder, and a workshop to create in it, for the unit tests
/// of every module here.
#[cfg(test)]
pub(crate) mod test_support {
    use kartta_protocol::api::{BoardKind, WorkshopKind};
    use kartta_protocol::schema::{Locale, Template};

    use super::{random_id, Catalog, NewWorkshop};

    /// A catalog file in a folder of its own; the test removes the folder at its end.
    pub fn catalog() -> (Catalog, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("kartta-catalog-{}", random_id()));
        std::fs::create_dir_all(&dir).unwrap();
        (Catalog::open(&dir.join("kartta.db")).unwrap(), dir)
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
