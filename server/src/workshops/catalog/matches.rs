//! Match decisions: what the facilitator said about two name keys of a workshop's maps (the
//! same organisation, or different ones), remembered for the next match table and merge.

use kartta_protocol::matching::MatchVerdict;
use rusqlite::params;

use super::{code_of, from_code, CatalogResult, SqliteCatalog};

impl SqliteCatalog {
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
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{catalog, workshop};
    use super::*;
    use kartta_protocol::api::WorkshopKind;

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
}
