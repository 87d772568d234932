//! The [`Catalog`] on PostgreSQL, for several Kartta nodes sharing one database. Same tables
//! and the same answers as the SQLite catalog (the shared `contract` test holds both to that);
//! the pure parts (new records, token comparison, the dot rule) are the SQLite modules' own
//! functions.

use std::collections::BTreeMap;

use kartta_protocol::api::{AccessTokens, BoardKind, Role};
use kartta_protocol::matching::MatchVerdict;
use kartta_protocol::vote::{DotChange, VoteView};
use postgres::{Config, GenericClient, Row};
use subtle::ConstantTimeEq;

use super::assignments::name_key;
use super::roles::{random_token, role_of_token, token_hash};
use super::votes::{dot_count_after, DotChangeReads};
use super::workshops::{new_workshop_records, normalize_join_code};
use super::{
    code_of, random_id, unix_now, BoardRecord, Catalog, CatalogError, CatalogResult, DotOutcome,
    DotTarget, NewWorkshop, SnapshotRecord, VoterDots, WorkshopRecord,
};
use crate::pg_connection::PgConnection;

/// The advisory lock (class, key) under which a node brings the schema up to date, so nodes
/// starting at once take turns. The class is the board store's ("KRTA").
const SCHEMA_LOCK: (i32, i32) = (0x4b52_5441, 1);

/// Each step of the schema, in order; a database at version n has had the first n. Append new
/// steps, never change one that has shipped.
const MIGRATIONS: &[&str] = &["
CREATE TABLE workshop (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    title             TEXT NOT NULL,
    locale            TEXT NOT NULL,
    template          TEXT NOT NULL,
    join_code         TEXT UNIQUE,
    facilitator_hash  BYTEA NOT NULL,
    participant_hash  BYTEA NOT NULL,
    viewer_hash       BYTEA NOT NULL,
    participant_token TEXT NOT NULL,
    viewer_token      TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    retention_until   BIGINT NOT NULL,
    timer_ends_at     BIGINT,
    presenting_board  TEXT,
    personal_at_join  BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE board (
    id          TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    locked      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    owner_hash  BYTEA,
    shared      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX board_by_workshop ON board (workshop_id, created_at);
CREATE TABLE snapshot (
    -- Insertion order, the tie-break of two snapshots in one second (SQLite's rowid).
    position   BIGINT GENERATED ALWAYS AS IDENTITY,
    id         TEXT PRIMARY KEY,
    board_id   TEXT NOT NULL REFERENCES board (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    author     TEXT,
    created_at BIGINT NOT NULL,
    state      BYTEA NOT NULL
);
CREATE INDEX snapshot_by_board ON snapshot (board_id, created_at);
CREATE TABLE match_decision (
    workshop_id TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    key_a       TEXT NOT NULL,
    key_b       TEXT NOT NULL,
    verdict     TEXT NOT NULL,
    PRIMARY KEY (workshop_id, key_a, key_b)
);
CREATE TABLE assignment (
    workshop_id TEXT NOT NULL REFERENCES workshop (id) ON DELETE CASCADE,
    name_key    TEXT NOT NULL,
    name        TEXT NOT NULL,
    board_id    TEXT NOT NULL REFERENCES board (id) ON DELETE CASCADE,
    PRIMARY KEY (workshop_id, name_key)
);
CREATE TABLE vote (
    workshop_id TEXT PRIMARY KEY REFERENCES workshop (id) ON DELETE CASCADE,
    id          TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    dots        INTEGER NOT NULL,
    revealed    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE vote_dot (
    vote_id   TEXT NOT NULL REFERENCES vote (id) ON DELETE CASCADE,
    board_id  TEXT NOT NULL REFERENCES board (id) ON DELETE CASCADE,
    voter_key BYTEA NOT NULL,
    actor_id  TEXT NOT NULL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (vote_id, voter_key, board_id, actor_id)
);
CREATE INDEX vote_dot_by_board ON vote_dot (vote_id, board_id);
"];

pub struct PostgresCatalog {
    connection: PgConnection,
}

const WORKSHOP_COLUMNS: &str = "id, kind, title, locale, template, join_code, created_at, \
     retention_until, timer_ends_at, presenting_board, personal_at_join";

const BOARD_COLUMNS: &str =
    "id, workshop_id, title, kind, locked, created_at, owner_hash IS NOT NULL, shared";

const SNAPSHOT_COLUMNS: &str =
    "id, board_id, name, reason, author, created_at, octet_length(state)";

/// A stored code that no longer names a value of the protocol enum: the row is unreadable,
/// which is a database error, not a panic.
fn from_code<T: serde::de::DeserializeOwned>(code: String) -> CatalogResult<T> {
    super::from_code(code).map_err(CatalogError::Database)
}

fn workshop_from_row(row: &Row) -> CatalogResult<WorkshopRecord> {
    Ok(WorkshopRecord {
        id: row.try_get(0)?,
        kind: from_code(row.try_get(1)?)?,
        title: row.try_get(2)?,
        locale: from_code(row.try_get(3)?)?,
        template: from_code(row.try_get(4)?)?,
        join_code: row.try_get(5)?,
        created_at: row.try_get(6)?,
        retention_until: row.try_get(7)?,
        timer_ends_at: row.try_get(8)?,
        presenting_board: row.try_get(9)?,
        personal_boards_at_join: row.try_get(10)?,
    })
}

fn board_from_row(row: &Row) -> CatalogResult<BoardRecord> {
    Ok(BoardRecord {
        id: row.try_get(0)?,
        workshop_id: row.try_get(1)?,
        title: row.try_get(2)?,
        kind: from_code(row.try_get(3)?)?,
        locked: row.try_get(4)?,
        created_at: row.try_get(5)?,
        owned: row.try_get(6)?,
        shared: row.try_get(7)?,
    })
}

fn snapshot_from_row(row: &Row) -> CatalogResult<SnapshotRecord> {
    Ok(SnapshotRecord {
        id: row.try_get(0)?,
        board_id: row.try_get(1)?,
        name: row.try_get(2)?,
        reason: from_code(row.try_get(3)?)?,
        author: row.try_get(4)?,
        created_at: row.try_get(5)?,
        bytes: row.try_get::<_, i32>(6)?.max(0) as u64,
    })
}

fn insert_board(client: &mut impl GenericClient, board: &BoardRecord) -> CatalogResult<()> {
    client.execute(
        "INSERT INTO board (id, workshop_id, title, kind, locked, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &board.id,
            &board.workshop_id,
            &board.title,
            &code_of(board.kind),
            &board.locked,
            &board.created_at,
        ],
    )?;
    Ok(())
}

fn current_vote(
    client: &mut impl GenericClient,
    workshop_id: &str,
) -> CatalogResult<Option<VoteView>> {
    let row = client.query_opt(
        "SELECT id, title, dots, revealed FROM vote WHERE workshop_id = $1",
        &[&workshop_id],
    )?;
    row.map(|row| {
        Ok(VoteView {
            id: row.try_get(0)?,
            title: row.try_get(1)?,
            dots: row.try_get::<_, i32>(2)?.max(0) as u32,
            revealed: row.try_get(3)?,
            totals: None,
        })
    })
    .transpose()
}

fn voter_dots(
    client: &mut impl GenericClient,
    vote_id: &str,
    key: &[u8; 32],
    board_id: &str,
) -> CatalogResult<VoterDots> {
    let rows = client.query(
        "SELECT board_id, actor_id, count FROM vote_dot WHERE vote_id = $1 AND voter_key = $2",
        &[&vote_id, &key.as_slice()],
    )?;
    let mut dots = VoterDots::default();
    for row in rows {
        let row_board: String = row.try_get(0)?;
        let count = row.try_get::<_, i32>(2)?.max(0) as u32;
        dots.placed += count;
        if row_board == board_id {
            dots.on_board.insert(row.try_get(1)?, count);
        }
    }
    Ok(dots)
}

impl PostgresCatalog {
    /// Connects and brings the schema up to date; a database from a newer Kartta is refused.
    pub fn connect(config: &Config) -> CatalogResult<PostgresCatalog> {
        let connection = PgConnection::connect(config)?;
        connection.with(|client| {
            let mut transaction = client.transaction()?;
            transaction.execute(
                "SELECT pg_advisory_xact_lock($1, $2)",
                &[&SCHEMA_LOCK.0, &SCHEMA_LOCK.1],
            )?;
            transaction.batch_execute(
                "CREATE TABLE IF NOT EXISTS catalog_schema (version INTEGER NOT NULL);
                 INSERT INTO catalog_schema (version)
                   SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM catalog_schema);",
            )?;
            let version: i32 = transaction
                .query_one("SELECT version FROM catalog_schema", &[])?
                .get(0);
            let known = MIGRATIONS.len() as u32;
            let version = u32::try_from(version).unwrap_or(u32::MAX);
            if version > known {
                return Err(CatalogError::NewerSchema {
                    found: version,
                    known,
                });
            }
            for step in &MIGRATIONS[version as usize..] {
                transaction.batch_execute(step)?;
            }
            transaction.execute("UPDATE catalog_schema SET version = $1", &[&(known as i32)])?;
            transaction.commit()?;
            Ok(())
        })?;
        Ok(PostgresCatalog { connection })
    }

    /// Runs `work`, which only reads: once more when PostgreSQL cut the session under it.
    fn read<T>(
        &self,
        work: impl FnMut(&mut postgres::Client) -> CatalogResult<T>,
    ) -> CatalogResult<T> {
        self.connection.read(work)
    }

    /// Runs `work` in a transaction: once more when PostgreSQL cut the session before the
    /// COMMIT (see `PgConnection::transaction`).
    fn transaction<T>(
        &self,
        work: impl FnMut(&mut postgres::Transaction<'_>) -> CatalogResult<T>,
    ) -> CatalogResult<T> {
        self.connection.transaction(work)
    }

    /// Runs a statement that changes rows and answers nothing, in a transaction of its own so
    /// that a session cut before it ran is known not to have run it.
    fn execute(
        &self,
        statement: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> CatalogResult<()> {
        self.transaction(|transaction| {
            transaction.execute(statement, params)?;
            Ok(())
        })
    }
}

impl Catalog for PostgresCatalog {
    fn create_workshop(
        &self,
        new: &NewWorkshop,
    ) -> CatalogResult<(WorkshopRecord, Vec<BoardRecord>, AccessTokens)> {
        let (record, boards, tokens) = new_workshop_records(new);
        self.transaction(|transaction| {
            transaction.execute(
                "INSERT INTO workshop (id, kind, title, locale, template, join_code, facilitator_hash,
                     participant_hash, viewer_hash, participant_token, viewer_token, created_at,
                     retention_until, personal_at_join)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                &[
                    &record.id,
                    &code_of(record.kind),
                    &record.title,
                    &code_of(record.locale),
                    &code_of(record.template),
                    &record.join_code,
                    &token_hash(&tokens.facilitator).as_slice(),
                    &token_hash(&tokens.participant).as_slice(),
                    &token_hash(&tokens.viewer).as_slice(),
                    &tokens.participant,
                    &tokens.viewer,
                    &record.created_at,
                    &record.retention_until,
                    &record.personal_boards_at_join,
                ],
            )?;
            for board in &boards {
                insert_board(transaction, board)?;
            }
            Ok(())
        })?;
        Ok((record, boards, tokens))
    }

    fn workshop(&self, id: &str) -> CatalogResult<Option<WorkshopRecord>> {
        self.read(|client| {
            client
                .query_opt(
                    &format!("SELECT {WORKSHOP_COLUMNS} FROM workshop WHERE id = $1"),
                    &[&id],
                )?
                .as_ref()
                .map(workshop_from_row)
                .transpose()
        })
    }

    fn workshop_by_join_code(&self, code: &str) -> CatalogResult<Option<WorkshopRecord>> {
        let code = normalize_join_code(code);
        self.read(|client| {
            client
                .query_opt(
                    &format!("SELECT {WORKSHOP_COLUMNS} FROM workshop WHERE join_code = $1"),
                    &[&code],
                )?
                .as_ref()
                .map(workshop_from_row)
                .transpose()
        })
    }

    fn set_personal_boards_at_join(&self, workshop_id: &str, on: bool) -> CatalogResult<()> {
        self.execute(
            "UPDATE workshop SET personal_at_join = $2 WHERE id = $1",
            &[&workshop_id, &on],
        )
    }

    fn set_timer(&self, workshop_id: &str, ends_at: Option<i64>) -> CatalogResult<()> {
        self.execute(
            "UPDATE workshop SET timer_ends_at = $2 WHERE id = $1",
            &[&workshop_id, &ends_at],
        )
    }

    fn set_presenting(&self, workshop_id: &str, board_id: Option<&str>) -> CatalogResult<()> {
        self.execute(
            "UPDATE workshop SET presenting_board = $2 WHERE id = $1",
            &[&workshop_id, &board_id],
        )
    }

    fn delete_workshop(&self, workshop_id: &str) -> CatalogResult<Vec<String>> {
        self.transaction(|transaction| {
            let board_ids = transaction
                .query(
                    "SELECT id FROM board WHERE workshop_id = $1",
                    &[&workshop_id],
                )?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<Vec<String>, _>>()?;
            transaction.execute("DELETE FROM workshop WHERE id = $1", &[&workshop_id])?;
            Ok(board_ids)
        })
    }

    fn expired_workshops(&self, now: i64) -> CatalogResult<Vec<String>> {
        self.read(|client| {
            Ok(client
                .query(
                    "SELECT id FROM workshop WHERE retention_until < $1",
                    &[&now],
                )?
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<Vec<String>, _>>()?)
        })
    }

    fn add_board(&self, board: &BoardRecord) -> CatalogResult<()> {
        self.transaction(|transaction| insert_board(transaction, board))
    }

    fn board(&self, id: &str) -> CatalogResult<Option<BoardRecord>> {
        self.read(|client| {
            client
                .query_opt(
                    &format!("SELECT {BOARD_COLUMNS} FROM board WHERE id = $1"),
                    &[&id],
                )?
                .as_ref()
                .map(board_from_row)
                .transpose()
        })
    }

    fn boards_of(&self, workshop_id: &str) -> CatalogResult<Vec<BoardRecord>> {
        self.read(|client| {
            client
                .query(
                    &format!(
                        "SELECT {BOARD_COLUMNS} FROM board WHERE workshop_id = $1 \
                         ORDER BY created_at, id COLLATE \"C\""
                    ),
                    &[&workshop_id],
                )?
                .iter()
                .map(board_from_row)
                .collect()
        })
    }

    fn set_board_title(&self, board_id: &str, title: &str) -> CatalogResult<()> {
        self.execute(
            "UPDATE board SET title = $2 WHERE id = $1",
            &[&board_id, &title],
        )
    }

    fn set_board_locked(&self, board_id: &str, locked: bool) -> CatalogResult<()> {
        self.execute(
            "UPDATE board SET locked = $2 WHERE id = $1",
            &[&board_id, &locked],
        )
    }

    fn delete_board(&self, board_id: &str) -> CatalogResult<()> {
        self.execute("DELETE FROM board WHERE id = $1", &[&board_id])
    }

    fn role(&self, workshop_id: &str, token: &str) -> CatalogResult<Option<Role>> {
        let hashes = self.read(|client| {
            Ok(client.query_opt(
                "SELECT facilitator_hash, participant_hash, viewer_hash FROM workshop WHERE id = $1",
                &[&workshop_id],
            )?)
        })?;
        let Some(row) = hashes else {
            return Ok(None);
        };
        let (facilitator, participant, viewer): (Vec<u8>, Vec<u8>, Vec<u8>) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        Ok(role_of_token([&facilitator, &participant, &viewer], token))
    }

    fn shareable_tokens(&self, workshop_id: &str) -> CatalogResult<Option<(String, String)>> {
        self.read(|client| {
            client
                .query_opt(
                    "SELECT participant_token, viewer_token FROM workshop WHERE id = $1",
                    &[&workshop_id],
                )?
                .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                .transpose()
        })
    }

    fn add_owned_board(
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
        let added = self.transaction(|transaction| {
            // The workshop's row lock makes concurrent joins (on any node) count one at a time,
            // so the limit holds; SQLite's single writer gives the same for free.
            transaction.execute(
                "SELECT 1 FROM workshop WHERE id = $1 FOR UPDATE",
                &[&workshop_id],
            )?;
            let owned: i64 = transaction
                .query_one(
                    "SELECT count(*) FROM board WHERE workshop_id = $1 AND owner_hash IS NOT NULL",
                    &[&workshop_id],
                )?
                .try_get(0)?;
            if owned as usize >= limit {
                return Ok(false);
            }
            insert_board(transaction, &board)?;
            transaction.execute(
                "UPDATE board SET owner_hash = $2 WHERE id = $1",
                &[&board.id, &token_hash(&capability).as_slice()],
            )?;
            Ok(true)
        })?;
        Ok(added.then_some((board, capability)))
    }

    fn owns_board(&self, board_id: &str, token: &str) -> CatalogResult<bool> {
        let stored: Option<Vec<u8>> = self.read(|client| {
            Ok(client
                .query_opt("SELECT owner_hash FROM board WHERE id = $1", &[&board_id])?
                .map(|row| row.try_get::<_, Option<Vec<u8>>>(0))
                .transpose()?
                .flatten())
        })?;
        let presented = token_hash(token);
        Ok(stored.is_some_and(|stored| bool::from(stored.ct_eq(presented.as_slice()))))
    }

    fn board_owned_by(&self, workshop_id: &str, token: &str) -> CatalogResult<Option<String>> {
        let owned = self.read(|client| {
            client
                .query(
                    "SELECT id, owner_hash FROM board WHERE workshop_id = $1 AND owner_hash IS NOT NULL",
                    &[&workshop_id],
                )?
                .iter()
                .map(|row| Ok((row.try_get::<_, String>(0)?, row.try_get::<_, Vec<u8>>(1)?)))
                .collect::<CatalogResult<Vec<_>>>()
        })?;
        // Every hash is compared, as in the SQLite catalog, so the time does not say which.
        let presented = token_hash(token);
        let mut found = None;
        for (id, stored) in owned {
            if bool::from(stored.ct_eq(presented.as_slice())) {
                found = Some(id);
            }
        }
        Ok(found)
    }

    fn set_board_shared(&self, board_id: &str, shared: bool) -> CatalogResult<()> {
        self.execute(
            "UPDATE board SET shared = $2 WHERE id = $1 AND owner_hash IS NOT NULL",
            &[&board_id, &shared],
        )
    }

    fn set_personal_boards_shared(&self, workshop_id: &str, shared: bool) -> CatalogResult<()> {
        self.execute(
            "UPDATE board SET shared = $2 WHERE workshop_id = $1 AND owner_hash IS NOT NULL",
            &[&workshop_id, &shared],
        )
    }

    fn add_snapshot(&self, record: &SnapshotRecord, state: &[u8]) -> CatalogResult<()> {
        self.execute(
            "INSERT INTO snapshot (id, board_id, name, reason, author, created_at, state)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &record.id,
                &record.board_id,
                &record.name,
                &code_of(record.reason),
                &record.author,
                &record.created_at,
                &state,
            ],
        )
    }

    fn snapshots_of(&self, board_id: &str) -> CatalogResult<Vec<SnapshotRecord>> {
        self.read(|client| {
            client
                .query(
                    &format!(
                        "SELECT {SNAPSHOT_COLUMNS} FROM snapshot WHERE board_id = $1 \
                         ORDER BY created_at DESC, position DESC"
                    ),
                    &[&board_id],
                )?
                .iter()
                .map(snapshot_from_row)
                .collect()
        })
    }

    fn snapshot_counts(&self, workshop_id: &str) -> CatalogResult<Vec<(String, u32)>> {
        self.read(|client| {
            client
                .query(
                    "SELECT board.id, count(snapshot.id) FROM board
                     LEFT JOIN snapshot ON snapshot.board_id = board.id
                     WHERE board.workshop_id = $1 GROUP BY board.id",
                    &[&workshop_id],
                )?
                .iter()
                .map(|row| Ok((row.try_get(0)?, row.try_get::<_, i64>(1)?.max(0) as u32)))
                .collect()
        })
    }

    fn snapshot(&self, id: &str) -> CatalogResult<Option<SnapshotRecord>> {
        self.read(|client| {
            client
                .query_opt(
                    &format!("SELECT {SNAPSHOT_COLUMNS} FROM snapshot WHERE id = $1"),
                    &[&id],
                )?
                .as_ref()
                .map(snapshot_from_row)
                .transpose()
        })
    }

    fn snapshot_state(&self, id: &str) -> CatalogResult<Option<Vec<u8>>> {
        self.read(|client| {
            client
                .query_opt("SELECT state FROM snapshot WHERE id = $1", &[&id])?
                .map(|row| Ok(row.try_get(0)?))
                .transpose()
        })
    }

    fn set_assignment(
        &self,
        workshop_id: &str,
        name: &str,
        board_id: Option<&str>,
    ) -> CatalogResult<()> {
        match board_id {
            Some(board_id) => self.execute(
                "INSERT INTO assignment (workshop_id, name_key, name, board_id) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (workshop_id, name_key)
                 DO UPDATE SET name = excluded.name, board_id = excluded.board_id",
                &[&workshop_id, &name_key(name), &name.trim(), &board_id],
            ),
            None => self.execute(
                "DELETE FROM assignment WHERE workshop_id = $1 AND name_key = $2",
                &[&workshop_id, &name_key(name)],
            ),
        }
    }

    fn assignments(&self, workshop_id: &str) -> CatalogResult<Vec<(String, String)>> {
        self.read(|client| {
            client
                .query(
                    "SELECT name, board_id FROM assignment WHERE workshop_id = $1 ORDER BY name_key COLLATE \"C\"",
                    &[&workshop_id],
                )?
                .iter()
                .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                .collect()
        })
    }

    fn board_for_name(&self, workshop_id: &str, name: &str) -> CatalogResult<Option<String>> {
        let key = name_key(name);
        if key.is_empty() {
            return Ok(None);
        }
        self.read(|client| {
            let assigned = client.query_opt(
                "SELECT board_id FROM assignment WHERE workshop_id = $1 AND name_key = $2",
                &[&workshop_id, &key],
            )?;
            if let Some(row) = assigned {
                return Ok(Some(row.try_get(0)?));
            }
            let boards = client.query(
                "SELECT id, title FROM board WHERE workshop_id = $1 AND kind = 'personal'
                 AND owner_hash IS NULL ORDER BY created_at",
                &[&workshop_id],
            )?;
            for row in boards {
                let title: String = row.try_get(1)?;
                if name_key(&title) == key {
                    return Ok(Some(row.try_get(0)?));
                }
            }
            Ok(None)
        })
    }

    fn set_match_decisions(
        &self,
        workshop_id: &str,
        changes: &[(String, String, Option<MatchVerdict>)],
    ) -> CatalogResult<()> {
        self.transaction(|transaction| {
            for (key_a, key_b, verdict) in changes {
                let (first, second) = if key_a <= key_b {
                    (key_a, key_b)
                } else {
                    (key_b, key_a)
                };
                match verdict {
                    Some(verdict) => transaction.execute(
                        "INSERT INTO match_decision (workshop_id, key_a, key_b, verdict)
                         VALUES ($1, $2, $3, $4)
                         ON CONFLICT (workshop_id, key_a, key_b) DO UPDATE SET verdict = excluded.verdict",
                        &[&workshop_id, first, second, &code_of(*verdict)],
                    )?,
                    None => transaction.execute(
                        "DELETE FROM match_decision WHERE workshop_id = $1 AND key_a = $2 AND key_b = $3",
                        &[&workshop_id, first, second],
                    )?,
                };
            }
            Ok(())
        })
    }

    fn match_decisions(
        &self,
        workshop_id: &str,
    ) -> CatalogResult<Vec<(String, String, MatchVerdict)>> {
        self.read(|client| {
            client
                .query(
                    // COLLATE "C": byte order, as SQLite sorts text, whatever the database's
                    // locale.
                    "SELECT key_a, key_b, verdict FROM match_decision WHERE workshop_id = $1
                     ORDER BY key_a COLLATE \"C\", key_b COLLATE \"C\"",
                    &[&workshop_id],
                )?
                .iter()
                .map(|row| {
                    Ok((
                        row.try_get(0)?,
                        row.try_get(1)?,
                        from_code(row.try_get(2)?)?,
                    ))
                })
                .collect()
        })
    }

    fn start_vote(&self, workshop_id: &str, title: &str, dots: u32) -> CatalogResult<VoteView> {
        let vote = VoteView {
            id: random_id(),
            title: title.to_owned(),
            dots,
            revealed: false,
            totals: None,
        };
        let stored_dots = i32::try_from(dots).unwrap_or(i32::MAX);
        self.transaction(|transaction| {
            transaction.execute("DELETE FROM vote WHERE workshop_id = $1", &[&workshop_id])?;
            transaction.execute(
                "INSERT INTO vote (workshop_id, id, title, dots) VALUES ($1, $2, $3, $4)",
                &[&workshop_id, &vote.id, &vote.title, &stored_dots],
            )?;
            Ok(())
        })?;
        Ok(vote)
    }

    fn vote(&self, workshop_id: &str) -> CatalogResult<Option<VoteView>> {
        self.read(|client| current_vote(client, workshop_id))
    }

    fn reveal_vote(&self, workshop_id: &str) -> CatalogResult<Option<VoteView>> {
        self.transaction(|transaction| {
            transaction.execute(
                "UPDATE vote SET revealed = TRUE WHERE workshop_id = $1",
                &[&workshop_id],
            )?;
            current_vote(transaction, workshop_id)
        })
    }

    fn end_vote(&self, workshop_id: &str) -> CatalogResult<()> {
        self.execute("DELETE FROM vote WHERE workshop_id = $1", &[&workshop_id])
    }

    fn vote_totals(&self, vote_id: &str, board_id: &str) -> CatalogResult<BTreeMap<String, u32>> {
        self.read(|client| {
            client
                .query(
                    "SELECT actor_id, SUM(count) FROM vote_dot WHERE vote_id = $1 AND board_id = $2
                     GROUP BY actor_id HAVING SUM(count) > 0",
                    &[&vote_id, &board_id],
                )?
                .iter()
                .map(|row| Ok((row.try_get(0)?, row.try_get::<_, i64>(1)?.max(0) as u32)))
                .collect()
        })
    }

    fn voter_dots(
        &self,
        vote_id: &str,
        key: &[u8; 32],
        board_id: &str,
    ) -> CatalogResult<VoterDots> {
        self.read(|client| voter_dots(client, vote_id, key, board_id))
    }

    fn change_dot(&self, target: &DotTarget, change: DotChange) -> CatalogResult<DotOutcome> {
        self.transaction(|transaction| {
            // The vote's row lock: one dot change of a vote at a time (on any node), so the
            // per-person limit and the voter cap are checked against what is committed.
            let vote = current_vote_for_update(transaction, target.workshop_id)?;
            let count = match dot_count_after(transaction, vote, target, change)? {
                Ok(count) => count,
                Err(outcome) => return Ok(outcome),
            };
            let DotTarget {
                vote_id,
                voter_key: key,
                board_id,
                actor_id,
                ..
            } = *target;
            if count == 0 {
                transaction.execute(
                    "DELETE FROM vote_dot WHERE vote_id = $1 AND voter_key = $2 AND board_id = $3
                     AND actor_id = $4",
                    &[&vote_id, &key.as_slice(), &board_id, &actor_id],
                )?;
            } else {
                let count = i32::try_from(count).unwrap_or(i32::MAX);
                transaction.execute(
                    "INSERT INTO vote_dot (vote_id, board_id, voter_key, actor_id, count)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (vote_id, voter_key, board_id, actor_id)
                     DO UPDATE SET count = excluded.count",
                    &[&vote_id, &board_id, &key.as_slice(), &actor_id, &count],
                )?;
            }
            Ok(DotOutcome::Changed)
        })
    }

    fn row_counts(&self) -> CatalogResult<[i64; 3]> {
        self.read(|client| {
            let row = client.query_one(
                "SELECT (SELECT count(*) FROM workshop), (SELECT count(*) FROM board),
                        (SELECT count(*) FROM snapshot)",
                &[],
            )?;
            Ok([row.try_get(0)?, row.try_get(1)?, row.try_get(2)?])
        })
    }
}

impl DotChangeReads for postgres::Transaction<'_> {
    type Error = CatalogError;

    fn voter_dots(&mut self, target: &DotTarget) -> CatalogResult<VoterDots> {
        voter_dots(self, target.vote_id, target.voter_key, target.board_id)
    }

    fn voter_count(&mut self, vote_id: &str) -> CatalogResult<u32> {
        let voters: i64 = self
            .query_one(
                "SELECT COUNT(DISTINCT voter_key) FROM vote_dot WHERE vote_id = $1",
                &[&vote_id],
            )?
            .try_get(0)?;
        Ok(u32::try_from(voters).unwrap_or(u32::MAX))
    }
}

fn current_vote_for_update(
    client: &mut impl GenericClient,
    workshop_id: &str,
) -> CatalogResult<Option<VoteView>> {
    client.execute(
        "SELECT 1 FROM vote WHERE workshop_id = $1 FOR UPDATE",
        &[&workshop_id],
    )?;
    current_vote(client, workshop_id)
}
