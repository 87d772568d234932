//! Secrets and roles: the workshop's three capability tokens and the role each one gives.
//!
//! Tokens are 256-bit random secrets compared through their SHA-256 hashes in constant time.
//! The facilitator token is stored only as a hash. The participant and viewer tokens are also
//! kept in clear: the join code hands out the participant token, and the facilitator must be
//! able to show both links again weeks later. (A personal board's owner capability, the fourth
//! kind, is in `personal`.)

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use kartta_protocol::api::Role;
use rand::RngCore;
use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{CatalogResult, SqliteCatalog};

/// 256 random bits, URL-safe: a capability token.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(super) fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The role `token` gives among the workshop's stored hashes (facilitator, participant,
/// viewer), compared in constant time.
pub(super) fn role_of_token(hashes: [&[u8]; 3], token: &str) -> Option<Role> {
    let [facilitator, participant, viewer] = hashes;
    let presented = token_hash(token);
    let is = |stored: &[u8]| bool::from(stored.ct_eq(presented.as_slice()));
    let (is_facilitator, is_participant, is_viewer) =
        (is(facilitator), is(participant), is(viewer));
    if is_facilitator {
        Some(Role::Facilitator)
    } else if is_participant {
        Some(Role::Participant)
    } else if is_viewer {
        Some(Role::Viewer)
    } else {
        None
    }
}

impl SqliteCatalog {
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
        Ok(role_of_token([&facilitator, &participant, &viewer], token))
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
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{catalog, workshop};
    use super::*;
    use kartta_protocol::api::WorkshopKind;

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
}
