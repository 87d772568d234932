//! The catalog's schema as an ordered list of migrations. Each runs once, in a transaction that
//! also sets SQLite's `user_version` to its number, so a catalog file says which schema it has,
//! a failed step leaves the file as it was, and a file from a newer Kartta is refused rather
//! than misread.

use rusqlite::{Connection, TransactionBehavior};

use super::{CatalogError, CatalogResult};

/// One step of the schema.
#[derive(Clone, Copy)]
pub(super) struct Migration {
    /// What the step brings, for the log.
    pub what: &'static str,
    pub apply: fn(&Connection) -> rusqlite::Result<()>,
}

/// Every step, in order: a catalog at version n has had exactly the first n. Append new steps;
/// never change or reorder one that has shipped.
pub(super) const MIGRATIONS: &[Migration] = &[Migration {
    what: "workshops, boards, tokens, snapshots, assignments, match decisions and votes",
    apply: version_one,
}];

/// Runs the steps `connection` has not had yet, each in its own transaction, and returns the
/// version it is at then.
pub(super) fn migrate(connection: &mut Connection, migrations: &[Migration]) -> CatalogResult<u32> {
    let known = migrations.len() as u32;
    loop {
        // Immediate: the version is read and written under one write lock, so two processes
        // opening one file cannot both run a step.
        let txn = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: u32 = txn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if version > known {
            return Err(CatalogError::NewerSchema {
                found: version,
                known,
            });
        }
        let Some(step) = migrations.get(version as usize) else {
            return Ok(version);
        };
        (step.apply)(&txn)?;
        txn.pragma_update(None, "user_version", version + 1)?;
        txn.commit()?;
        tracing::info!(
            version = version + 1,
            what = step.what,
            "catalog schema updated"
        );
    }
}

/// Version 1 is the schema as it stood when versions began to be counted.
const VERSION_ONE: &str = "
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
CREATE TABLE IF NOT EXISTS vote (
    workshop_id TEXT PRIMARY KEY REFERENCES workshop (id) ON DELETE CASCADE,
    id          TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    dots        INTEGER NOT NULL,
    revealed    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS vote_dot (
    vote_id    TEXT NOT NULL REFERENCES vote (id) ON DELETE CASCADE,
    board_id   TEXT NOT NULL REFERENCES board (id) ON DELETE CASCADE,
    voter_key  BLOB NOT NULL,
    actor_id   TEXT NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (vote_id, voter_key, board_id, actor_id)
);
CREATE INDEX IF NOT EXISTS vote_dot_by_board ON vote_dot (vote_id, board_id);
";

/// Columns added to tables before versions were counted: a catalog written then has version 0
/// and may lack them. The only place where columns are looked for by name.
const COLUMNS_ADDED_BEFORE_VERSIONS: &[(&str, &str, &str)] = &[
    ("workshop", "timer_ends_at", "INTEGER"),
    ("workshop", "presenting_board", "TEXT"),
    ("workshop", "personal_at_join", "INTEGER NOT NULL DEFAULT 0"),
    ("board", "owner_hash", "BLOB"),
    ("board", "shared", "INTEGER NOT NULL DEFAULT 0"),
];

/// Creates what a catalog of version 1 has. On a file from before versions were counted, the
/// tables it has are kept with their rows and given the columns they lack.
fn version_one(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute_batch(VERSION_ONE)?;
    for (table, column, declaration) in COLUMNS_ADDED_BEFORE_VERSIONS {
        let present = connection
            .prepare("SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2")?
            .exists([table, column])?;
        if !present {
            connection.execute_batch(&format!(
                "ALTER TABLE {table} ADD COLUMN {column} {declaration}"
            ))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::catalog;
    use super::super::SqliteCatalog;
    use super::*;

    fn user_version(connection: &Connection) -> u32 {
        connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn a_fresh_catalog_gets_the_latest_version() {
        let (catalog, dir) = catalog();
        let version = catalog
            .with(|connection| Ok(user_version(connection)))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as u32);
        assert!(version >= 1);
        std::fs::remove_dir_all(dir).unwrap();
    }

    const STEPS: &[Migration] = &[
        Migration {
            what: "a table",
            apply: |connection| connection.execute_batch("CREATE TABLE step (n INTEGER)"),
        },
        Migration {
            what: "a row",
            apply: |connection| connection.execute_batch("INSERT INTO step VALUES (2)"),
        },
    ];

    const STEPS_THEN_A_FAILING_ONE: &[Migration] = &[
        STEPS[0],
        STEPS[1],
        Migration {
            what: "a table, then a mistake",
            apply: |connection| {
                connection.execute_batch(
                    "CREATE TABLE half_done (n INTEGER); INSERT INTO nowhere VALUES (1)",
                )
            },
        },
    ];

    fn rows(connection: &Connection) -> i64 {
        connection
            .query_row("SELECT count(*) FROM step", [], |row| row.get(0))
            .unwrap()
    }

    #[test]
    fn each_step_runs_once_in_order_and_a_failed_step_changes_nothing() {
        let mut connection = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut connection, &STEPS[..1]).unwrap(), 1);
        assert_eq!(migrate(&mut connection, STEPS).unwrap(), 2);
        assert_eq!(migrate(&mut connection, STEPS).unwrap(), 2);
        assert_eq!(rows(&connection), 1, "the insert ran once");

        assert!(migrate(&mut connection, STEPS_THEN_A_FAILING_ONE).is_err());
        assert_eq!(user_version(&connection), 2);
        let half_done: bool = connection
            .prepare("SELECT 1 FROM sqlite_schema WHERE name = 'half_done'")
            .unwrap()
            .exists([])
            .unwrap();
        assert!(!half_done, "the failed step was rolled back whole");
    }

    /// A database written by Kartta before versions were counted, with rows in every catalog
    /// table (made by `server/testdata/make-catalog-before-versions.py`).
    const BEFORE_VERSIONS: &[u8] = include_bytes!("../../../testdata/catalog-before-versions.db");

    const TABLES: [&str; 9] = [
        "workshop",
        "board",
        "snapshot",
        "assignment",
        "match_decision",
        "vote",
        "vote_dot",
        "board_state",
        "board_update",
    ];

    /// A copy of the old database in a folder of its own, and the rows of each table in it.
    fn old_catalog_file() -> (std::path::PathBuf, std::path::PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("kartta-migrate-{}", super::super::random_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("kartta.db");
        std::fs::write(&path, BEFORE_VERSIONS).unwrap();
        (dir, path)
    }

    fn row_counts(connection: &Connection) -> Vec<(&'static str, i64)> {
        TABLES
            .iter()
            .map(|table| {
                let rows = connection
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                        row.get(0)
                    })
                    .unwrap();
                (*table, rows)
            })
            .collect()
    }

    /// The id of the fixture's one workshop.
    fn the_workshop_id(catalog: &SqliteCatalog) -> String {
        catalog
            .with(|connection| {
                connection.query_row("SELECT id FROM workshop", [], |row| row.get(0))
            })
            .unwrap()
    }

    /// Reads back, through the catalog, what the fixture's workshop holds.
    fn check_the_fixtures_workshop(catalog: &SqliteCatalog) {
        let workshop_id = the_workshop_id(catalog);
        let workshop = catalog.workshop(&workshop_id).unwrap().unwrap();
        assert_eq!(workshop.title, "Kumppanuusfoorumi");
        let boards = catalog.boards_of(&workshop_id).unwrap();
        assert_eq!(
            boards.len(),
            3,
            "two groups and a personal board made at join"
        );
        let snapshots: usize = boards
            .iter()
            .map(|board| catalog.snapshots_of(&board.id).unwrap().len())
            .sum();
        assert_eq!(snapshots, 1);
        let assignments = catalog.assignments(&workshop_id).unwrap();
        assert_eq!(assignments.len(), 1);
        let (name, assigned_board) = &assignments[0];
        assert_eq!(name, "Aino Virtanen");
        assert!(catalog.board(assigned_board).unwrap().unwrap().locked);
        assert_eq!(catalog.match_decisions(&workshop_id).unwrap().len(), 1);
        let vote = catalog
            .vote(&workshop_id)
            .unwrap()
            .expect("the running vote");
        assert_eq!(vote.title, "Kuka on tärkein?");
    }

    #[test]
    fn a_catalog_from_before_versions_is_migrated_with_every_row() {
        let (dir, path) = old_catalog_file();
        let before = {
            let connection = Connection::open(&path).unwrap();
            assert_eq!(
                user_version(&connection),
                0,
                "the fixture predates versions"
            );
            row_counts(&connection)
        };
        assert!(before.iter().all(|(_, rows)| *rows > 0), "{before:?}");

        let catalog = SqliteCatalog::open(&path).unwrap();
        catalog
            .with(|connection| {
                assert_eq!(user_version(connection), MIGRATIONS.len() as u32);
                assert_eq!(row_counts(connection), before);
                Ok(())
            })
            .unwrap();
        check_the_fixtures_workshop(&catalog);
        let workshop_id = the_workshop_id(&catalog);
        let workshop = catalog.workshop(&workshop_id).unwrap().unwrap();
        assert_eq!(workshop.timer_ends_at, Some(4_102_444_800_000));
        assert!(workshop.presenting_board.is_some());
        assert!(workshop.personal_boards_at_join);
        let boards = catalog.boards_of(&workshop_id).unwrap();
        let personal: Vec<_> = boards.iter().filter(|board| board.owned).collect();
        assert_eq!(personal.len(), 1);
        assert!(personal[0].shared);
        drop(catalog);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_catalog_older_still_gets_the_columns_it_lacks_and_keeps_its_rows() {
        let (dir, path) = old_catalog_file();
        let before = {
            let connection = Connection::open(&path).unwrap();
            // The shape of a catalog from before timers, presenting, personal boards at join,
            // match decisions and votes.
            connection
                .execute_batch(
                    "ALTER TABLE workshop DROP COLUMN timer_ends_at;
                     ALTER TABLE workshop DROP COLUMN presenting_board;
                     ALTER TABLE workshop DROP COLUMN personal_at_join;
                     ALTER TABLE board DROP COLUMN owner_hash;
                     ALTER TABLE board DROP COLUMN shared;
                     DROP TABLE vote_dot;
                     DROP TABLE vote;
                     DROP TABLE match_decision;",
                )
                .unwrap();
            let counted = ["workshop", "board", "snapshot", "assignment"];
            counted.map(|table| {
                connection
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                        row.get::<_, i64>(0)
                    })
                    .unwrap()
            })
        };

        let catalog = SqliteCatalog::open(&path).unwrap();
        let after = catalog
            .with(|connection| {
                assert_eq!(user_version(connection), MIGRATIONS.len() as u32);
                let counts = row_counts(connection);
                Ok([counts[0].1, counts[1].1, counts[2].1, counts[3].1])
            })
            .unwrap();
        assert_eq!(after, before);
        let workshop_id = the_workshop_id(&catalog);
        let workshop = catalog.workshop(&workshop_id).unwrap().unwrap();
        assert_eq!(workshop.title, "Kumppanuusfoorumi");
        assert_eq!(
            (
                workshop.timer_ends_at,
                workshop.presenting_board,
                workshop.personal_boards_at_join
            ),
            (None, None, false),
            "the added columns start empty"
        );
        let boards = catalog.boards_of(&workshop_id).unwrap();
        assert!(boards.iter().all(|board| !board.owned && !board.shared));
        // The tables it lacked are there and work.
        assert!(catalog.match_decisions(&workshop_id).unwrap().is_empty());
        assert!(catalog.vote(&workshop_id).unwrap().is_none());
        catalog.start_vote(&workshop_id, "Uusi", 2).unwrap();
        drop(catalog);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_catalog_from_a_newer_kartta_is_refused() {
        let mut connection = Connection::open_in_memory().unwrap();
        connection
            .pragma_update(None, "user_version", MIGRATIONS.len() as u32 + 1)
            .unwrap();
        let error = migrate(&mut connection, MIGRATIONS).unwrap_err();
        assert!(matches!(error, CatalogError::NewerSchema { .. }), "{error}");
        let tables: i64 = connection
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .unwrap();
        assert_eq!(tables, 0, "nothing was created in it");
    }
}
