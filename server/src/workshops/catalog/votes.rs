//! Dot votes in the catalog: the vote a workshop runs and the dots placed on each board's
//! actors, counted per anonymous voter key.
//!
//! A voter is known only by `SHA-256(vote id, 0, device secret)`: the secret is random per
//! device and per vote, so the key names nobody, cannot be linked to another vote, and cannot
//! be turned back into the secret that would let someone else take the voter's dots back.
//! Nothing here stores a name, a token or an address. The tables are made by the catalog's
//! migrations.

use std::collections::BTreeMap;

use kartta_protocol::vote::{apply_dot_change, DotChange, DotRefused, VoteView};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{random_id, CatalogResult, SqliteCatalog};

/// Distinct voters one vote accepts. A workshop has about 45 people; this only bounds what a
/// participant who keeps clearing their device's secret can add (see ARCHITECTURE.md).
pub const MAX_VOTERS_PER_VOTE: u32 = 500;

/// The anonymous key a voter's dots are counted under.
pub fn voter_key(vote_id: &str, secret: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(vote_id.as_bytes());
    // The separator keeps ("ab", "c") and ("a", "bc") apart.
    hasher.update([0u8]);
    hasher.update(secret.as_bytes());
    hasher.finalize().into()
}

/// What a dot change did, or why nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DotOutcome {
    Changed,
    Refused(DotRefused),
    NoVote,
    /// The results are out; dots no longer move.
    Closed,
    TooManyVoters,
}

/// One voter's view of a vote on one board.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VoterDots {
    pub on_board: BTreeMap<String, u32>,
    pub placed: u32,
}

/// Where a dot change goes: one voter's dots on one actor of one board, in one vote.
#[derive(Debug, Clone, Copy)]
pub struct DotTarget<'a> {
    pub workshop_id: &'a str,
    pub vote_id: &'a str,
    /// The anonymous key (`voter_key`), never the device's secret.
    pub voter_key: &'a [u8; 32],
    pub board_id: &'a str,
    pub actor_id: &'a str,
}

/// What deciding a dot change reads, inside the catalog's transaction.
pub(super) trait DotChangeReads {
    /// The database's error (each catalog's transactions fail in their own type).
    type Error;
    fn voter_dots(&mut self, target: &DotTarget) -> Result<VoterDots, Self::Error>;
    /// Distinct voters of the vote so far.
    fn voter_count(&mut self, vote_id: &str) -> Result<u32, Self::Error>;
}

/// The voter's number of dots on the actor after `change`, or why the change is refused. Both
/// catalogs make these checks in this order inside the transaction that writes the count, with
/// `vote` the workshop's current vote read in it, so the rules are written once.
pub(super) fn dot_count_after<R: DotChangeReads>(
    reads: &mut R,
    vote: Option<VoteView>,
    target: &DotTarget,
    change: DotChange,
) -> Result<Result<u32, DotOutcome>, R::Error> {
    let Some(vote) = vote.filter(|vote| vote.id == target.vote_id) else {
        return Ok(Err(DotOutcome::NoVote));
    };
    if vote.revealed {
        return Ok(Err(DotOutcome::Closed));
    }
    let mine = reads.voter_dots(target)?;
    // Only a voter's first dot adds a voter, so only then is the cap counted.
    if mine.placed == 0
        && change == DotChange::Place
        && reads.voter_count(target.vote_id)? >= MAX_VOTERS_PER_VOTE
    {
        return Ok(Err(DotOutcome::TooManyVoters));
    }
    let on_actor = mine.on_board.get(target.actor_id).copied().unwrap_or(0);
    Ok(apply_dot_change(vote.dots, mine.placed, on_actor, change).map_err(DotOutcome::Refused))
}

impl DotChangeReads for rusqlite::Transaction<'_> {
    type Error = rusqlite::Error;

    fn voter_dots(&mut self, target: &DotTarget) -> rusqlite::Result<VoterDots> {
        voter_dots(self, target.vote_id, target.voter_key, target.board_id)
    }

    fn voter_count(&mut self, vote_id: &str) -> rusqlite::Result<u32> {
        self.query_row(
            "SELECT COUNT(DISTINCT voter_key) FROM vote_dot WHERE vote_id = ?1",
            params![vote_id],
            |row| row.get(0),
        )
    }
}

fn vote_from_row(row: &rusqlite::Row) -> rusqlite::Result<VoteView> {
    Ok(VoteView {
        id: row.get(0)?,
        title: row.get(1)?,
        dots: row.get(2)?,
        revealed: row.get(3)?,
        totals: None,
    })
}

fn current_vote(connection: &Connection, workshop_id: &str) -> rusqlite::Result<Option<VoteView>> {
    connection
        .query_row(
            "SELECT id, title, dots, revealed FROM vote WHERE workshop_id = ?1",
            params![workshop_id],
            vote_from_row,
        )
        .optional()
}

fn voter_dots(
    connection: &Connection,
    vote_id: &str,
    key: &[u8; 32],
    board_id: &str,
) -> rusqlite::Result<VoterDots> {
    let mut statement = connection.prepare_cached(
        "SELECT board_id, actor_id, count FROM vote_dot WHERE vote_id = ?1 AND voter_key = ?2",
    )?;
    let rows = statement.query_map(params![vote_id, key.as_slice()], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, u32>(2)?,
        ))
    })?;
    let mut dots = VoterDots::default();
    for row in rows {
        let (row_board, actor_id, count) = row?;
        dots.placed += count;
        if row_board == board_id {
            dots.on_board.insert(actor_id, count);
        }
    }
    Ok(dots)
}

impl SqliteCatalog {
    /// Starts a vote on the workshop, ending (and forgetting) any vote it ran before.
    pub fn start_vote(&self, workshop_id: &str, title: &str, dots: u32) -> CatalogResult<VoteView> {
        let vote = VoteView {
            id: random_id(),
            title: title.to_owned(),
            dots,
            revealed: false,
            totals: None,
        };
        self.with(|connection| {
            let txn = connection.transaction()?;
            txn.execute(
                "DELETE FROM vote WHERE workshop_id = ?1",
                params![workshop_id],
            )?;
            txn.execute(
                "INSERT INTO vote (workshop_id, id, title, dots) VALUES (?1, ?2, ?3, ?4)",
                params![workshop_id, vote.id, vote.title, vote.dots],
            )?;
            txn.commit()
        })?;
        Ok(vote)
    }

    /// The workshop's vote, without totals.
    pub fn vote(&self, workshop_id: &str) -> CatalogResult<Option<VoteView>> {
        self.with(|connection| current_vote(connection, workshop_id))
    }

    /// Closes the vote to changes and shows its results. Returns the vote, or `None` without one.
    pub fn reveal_vote(&self, workshop_id: &str) -> CatalogResult<Option<VoteView>> {
        self.with(|connection| {
            connection.execute(
                "UPDATE vote SET revealed = 1 WHERE workshop_id = ?1",
                params![workshop_id],
            )?;
            current_vote(connection, workshop_id)
        })
    }

    /// Ends the vote: the vote and every dot of it are deleted.
    pub fn end_vote(&self, workshop_id: &str) -> CatalogResult<()> {
        self.with(|connection| {
            connection
                .execute(
                    "DELETE FROM vote WHERE workshop_id = ?1",
                    params![workshop_id],
                )
                .map(|_| ())
        })
    }

    /// Everyone's dots on each actor of a board in the vote.
    pub fn vote_totals(
        &self,
        vote_id: &str,
        board_id: &str,
    ) -> CatalogResult<BTreeMap<String, u32>> {
        self.with(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT actor_id, SUM(count) FROM vote_dot WHERE vote_id = ?1 AND board_id = ?2
                 GROUP BY actor_id HAVING SUM(count) > 0",
            )?;
            let rows = statement.query_map(params![vote_id, board_id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, u32>(1)?))
            })?;
            rows.collect()
        })
    }

    /// The voter's dots on a board and in the whole vote.
    pub fn voter_dots(
        &self,
        vote_id: &str,
        key: &[u8; 32],
        board_id: &str,
    ) -> CatalogResult<VoterDots> {
        self.with(|connection| voter_dots(connection, vote_id, key, board_id))
    }

    /// Places or takes back one dot of the voter on `target`'s actor in the workshop's running
    /// vote. The check and the change are one transaction under the catalog's lock, so two
    /// requests of one voter at once cannot both take the last dot.
    pub fn change_dot(&self, target: &DotTarget, change: DotChange) -> CatalogResult<DotOutcome> {
        self.with(|connection| {
            let mut txn = connection.transaction()?;
            let vote = current_vote(&txn, target.workshop_id)?;
            let count = match dot_count_after(&mut txn, vote, target, change)? {
                Ok(count) => count,
                Err(outcome) => return Ok(outcome),
            };
            let DotTarget { vote_id, voter_key: key, board_id, actor_id, .. } = *target;
            if count == 0 {
                txn.execute(
                    "DELETE FROM vote_dot WHERE vote_id = ?1 AND voter_key = ?2 AND board_id = ?3 AND actor_id = ?4",
                    params![vote_id, key.as_slice(), board_id, actor_id],
                )?;
            } else {
                txn.execute(
                    "INSERT INTO vote_dot (vote_id, board_id, voter_key, actor_id, count) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (vote_id, voter_key, board_id, actor_id) DO UPDATE SET count = excluded.count",
                    params![vote_id, board_id, key.as_slice(), actor_id, count],
                )?;
            }
            txn.commit()?;
            Ok(DotOutcome::Changed)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::NewWorkshop;
    use super::*;
    use kartta_protocol::api::{BoardKind, WorkshopKind};
    use kartta_protocol::schema::{Locale, Template};

    fn workshop() -> (SqliteCatalog, String, String, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("kartta-votes-{}", random_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let catalog = SqliteCatalog::open(&dir.join("catalog.db")).unwrap();
        let (workshop, boards, _) = catalog
            .create_workshop(&NewWorkshop {
                kind: WorkshopKind::Workshop,
                title: "Forum".into(),
                locale: Locale::Fi,
                template: Template::Blank,
                retention_days: 30,
                boards: vec![("Ryhmä 1".into(), BoardKind::Group)],
                personal_boards_at_join: false,
            })
            .unwrap();
        (catalog, workshop.id, boards[0].id.clone(), dir)
    }

    #[test]
    fn dots_count_per_voter_up_to_the_limit_and_only_own_dots_come_back() {
        let (catalog, workshop_id, board_id, dir) = workshop();
        let vote = catalog
            .start_vote(&workshop_id, "Kuka on tärkein?", 2)
            .unwrap();
        let anna = voter_key(&vote.id, "anna-device-secret-0000000");
        let ben = voter_key(&vote.id, "ben-device-secret-11111111");
        let change = |key: &[u8; 32], actor: &str, change: DotChange| {
            let target = DotTarget {
                workshop_id: &workshop_id,
                vote_id: &vote.id,
                voter_key: key,
                board_id: &board_id,
                actor_id: actor,
            };
            catalog.change_dot(&target, change).unwrap()
        };
        assert_eq!(
            change(&anna, "turku", DotChange::Place),
            DotOutcome::Changed
        );
        assert_eq!(
            change(&anna, "turku", DotChange::Place),
            DotOutcome::Changed
        );
        assert_eq!(
            change(&anna, "salo", DotChange::Place),
            DotOutcome::Refused(DotRefused::NoDotsLeft)
        );
        assert_eq!(
            change(&ben, "turku", DotChange::TakeBack),
            DotOutcome::Refused(DotRefused::NothingToTakeBack)
        );
        assert_eq!(change(&ben, "salo", DotChange::Place), DotOutcome::Changed);
        assert_eq!(
            change(&anna, "turku", DotChange::TakeBack),
            DotOutcome::Changed
        );
        assert_eq!(
            catalog.vote_totals(&vote.id, &board_id).unwrap(),
            BTreeMap::from([("salo".into(), 1), ("turku".into(), 1)])
        );
        assert_eq!(
            catalog
                .voter_dots(&vote.id, &anna, &board_id)
                .unwrap()
                .placed,
            1
        );

        catalog.reveal_vote(&workshop_id).unwrap();
        assert_eq!(change(&anna, "salo", DotChange::Place), DotOutcome::Closed);
        catalog.end_vote(&workshop_id).unwrap();
        assert_eq!(change(&anna, "salo", DotChange::Place), DotOutcome::NoVote);
        let left: u32 = catalog
            .with(|c| c.query_row("SELECT COUNT(*) FROM vote_dot", [], |row| row.get(0)))
            .unwrap();
        assert_eq!(left, 0, "ending a vote forgets its dots");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn nothing_stored_names_or_reveals_the_voter() {
        let (catalog, workshop_id, board_id, dir) = workshop();
        let vote = catalog.start_vote(&workshop_id, "Vote", 3).unwrap();
        let secret = "a-device-secret-that-only-the-browser-knows";
        let key = voter_key(&vote.id, secret);
        let target = DotTarget {
            workshop_id: &workshop_id,
            vote_id: &vote.id,
            voter_key: &key,
            board_id: &board_id,
            actor_id: "turku",
        };
        catalog.change_dot(&target, DotChange::Place).unwrap();
        drop(catalog);
        // Every byte of the database files, as a hostile reader of the disk would see them.
        let mut stored = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            stored.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        let contains = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
        assert!(contains(b"turku"), "the dot itself is stored");
        assert!(
            !contains(secret.as_bytes()),
            "the device secret is never stored"
        );
        assert!(
            !contains(&Sha256::digest(secret.as_bytes())),
            "nor a plain hash of it that another vote would share"
        );
        // A key of another vote from the same device differs, so votes cannot be linked.
        assert_ne!(voter_key("another-vote", secret), key);
        let catalog = SqliteCatalog::open(&dir.join("catalog.db")).unwrap();
        let columns: Vec<String> = catalog
            .with(|c| {
                c.prepare("SELECT name FROM pragma_table_info('vote_dot')")?
                    .query_map([], |row| row.get(0))?
                    .collect()
            })
            .unwrap();
        assert_eq!(
            columns,
            ["vote_id", "board_id", "voter_key", "actor_id", "count"]
        );
        std::fs::remove_dir_all(dir).ok();
    }
}
