//! Personal boards made at join: each has its owner's capability (a fourth kind of token,
//! stored only as a SHA-256 hash in the board's row and valid for that board alone) and a
//! flag saying whether the facilitator shared it with the workshop.

use kartta_protocol::api::BoardKind;
use rusqlite::{params, OptionalExtension};
use subtle::ConstantTimeEq;

use super::boards::{insert_board, BoardRecord};
use super::roles::{random_token, token_hash};
use super::{random_id, unix_now, CatalogResult, SqliteCatalog};

impl SqliteCatalog {
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
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{catalog, workshop};
    use kartta_protocol::api::WorkshopKind;

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
}
