//! Dot voting on actors: the vote a facilitator runs on a workshop, how it is mirrored into a
//! board's `meta.vote`, the HTTP bodies of placing and taking back dots, and the pure rules a
//! voter's dots obey (never more than the vote's dots per person, only one's own taken back).
//!
//! Storing the dots and knowing who placed them is the server's business; nothing here names a
//! voter.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use yrs::Any;

/// Fewest and most dots a person may get in one vote.
pub const MIN_DOTS_PER_PERSON: u32 = 1;
pub const MAX_DOTS_PER_PERSON: u32 = 20;
/// A voter secret is the URL-safe base64 of at least 128 random bits, at most 512.
pub const MIN_VOTER_SECRET_CHARS: usize = 22;
pub const MAX_VOTER_SECRET_CHARS: usize = 86;
/// Longest actor id a dot may name; the web app's ids are far shorter.
pub const MAX_ACTOR_ID_CHARS: usize = 64;

/// Keys of the `Y.Map`-free JSON object stored in `meta.vote` (a plain Yjs value, written only
/// by the server).
pub mod key {
    pub const ID: &str = "id";
    pub const TITLE: &str = "title";
    pub const DOTS: &str = "dots";
    pub const REVEALED: &str = "revealed";
    pub const TOTALS: &str = "totals";
}

/// The workshop's vote as every board shows it (`meta.vote`): what is asked, how many dots
/// each person has, whether the results are out and, once they are, the dots on each actor of
/// this board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VoteView {
    /// Random; a device keeps its voter secret per vote id, so votes cannot be linked.
    pub id: String,
    pub title: String,
    pub dots: u32,
    pub revealed: bool,
    /// Actor id → dots, only after the reveal. Actors without dots are absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub totals: Option<BTreeMap<String, u32>>,
}

impl VoteView {
    /// The value the server writes into `meta.vote`.
    pub fn to_any(&self) -> Any {
        let mut fields: std::collections::HashMap<String, Any> = [
            (key::ID.to_owned(), Any::from(self.id.as_str())),
            (key::TITLE.to_owned(), Any::from(self.title.as_str())),
            (key::DOTS.to_owned(), Any::from(self.dots)),
            (key::REVEALED.to_owned(), Any::Bool(self.revealed)),
        ]
        .into_iter()
        .collect();
        if let Some(totals) = &self.totals {
            let totals: std::collections::HashMap<String, Any> = totals
                .iter()
                .map(|(actor_id, count)| (actor_id.clone(), Any::from(*count)))
                .collect();
            fields.insert(key::TOTALS.to_owned(), Any::from(totals));
        }
        Any::from(fields)
    }

    /// Reads `meta.vote`; anything not in the shape the server writes reads as no vote.
    pub fn from_any(value: &Any) -> Option<VoteView> {
        let Any::Map(fields) = value else {
            return None;
        };
        let text = |name: &str| match fields.get(name) {
            Some(Any::String(text)) => Some(text.to_string()),
            _ => None,
        };
        let count = |value: Option<&Any>| match value {
            Some(Any::Number(number)) => u32::try_from(number.as_i64()?).ok(),
            _ => None,
        };
        let totals = match fields.get(key::TOTALS) {
            Some(Any::Map(totals)) => Some(
                totals
                    .iter()
                    .filter_map(|(actor_id, value)| Some((actor_id.clone(), count(Some(value))?)))
                    .collect(),
            ),
            _ => None,
        };
        Some(VoteView {
            id: text(key::ID)?,
            title: text(key::TITLE).unwrap_or_default(),
            dots: count(fields.get(key::DOTS))?,
            revealed: matches!(fields.get(key::REVEALED), Some(Any::Bool(true))),
            totals,
        })
    }

    /// The revealed dots on `actor_id`, or `None` before the reveal.
    pub fn total_for(&self, actor_id: &str) -> Option<u32> {
        let totals = self.totals.as_ref()?;
        Some(totals.get(actor_id).copied().unwrap_or(0))
    }
}

/// `PUT /api/workshops/{id}/vote` (facilitator): start a vote, ending any running one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StartVoteRequest {
    pub title: String,
    /// Dots per person, 1 to 20.
    pub dots: u32,
}

/// Whether a dot is put on an actor or taken back from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DotChange {
    Place,
    TakeBack,
}

/// `POST /api/boards/{id}/votes` (participant): place or take back one dot. `voter` is the
/// device's random secret for this vote; the server keeps only a hash of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DotRequest {
    pub voter: String,
    pub actor_id: String,
    pub change: DotChange,
}

/// `POST /api/boards/{id}/votes/mine` (participant): where this device's dots are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VoterRequest {
    pub voter: String,
}

/// The answer to both: this voter's dots on this board, how many they have left in the whole
/// vote and, after the reveal (or for the facilitator at any time), everyone's dots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VoteStatus {
    pub vote: Option<VoteView>,
    /// Actor id → this voter's dots on it, on this board.
    pub mine: BTreeMap<String, u32>,
    pub left: u32,
    pub totals: Option<BTreeMap<String, u32>>,
}

/// Why a dot change is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DotRefused {
    #[error("You have no dots left in this vote.")]
    NoDotsLeft,
    #[error("You have no dot on this actor to take back.")]
    NothingToTakeBack,
}

/// The rule of one change: a voter who has placed `placed` of `dots_per_person` dots in the
/// vote, `on_actor` of them on this actor, may place one more only while some are left, and
/// take back only one of their own. Returns the voter's new count on the actor.
pub fn apply_dot_change(
    dots_per_person: u32,
    placed: u32,
    on_actor: u32,
    change: DotChange,
) -> Result<u32, DotRefused> {
    match change {
        DotChange::Place if placed >= dots_per_person => Err(DotRefused::NoDotsLeft),
        DotChange::Place => Ok(on_actor + 1),
        DotChange::TakeBack if on_actor == 0 => Err(DotRefused::NothingToTakeBack),
        DotChange::TakeBack => Ok(on_actor - 1),
    }
}

/// Whether `secret` looks like what the web app generates (URL-safe base64 of enough random
/// bits), so no name or short guessable word is ever used as a voter key.
pub fn is_valid_voter_secret(secret: &str) -> bool {
    (MIN_VOTER_SECRET_CHARS..=MAX_VOTER_SECRET_CHARS).contains(&secret.len())
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plays a list of changes for one voter with `dots` dots; returns each outcome and the
    /// voter's final dots per actor.
    fn play(
        dots: u32,
        changes: &[(&str, DotChange)],
    ) -> (Vec<Result<u32, DotRefused>>, BTreeMap<String, u32>) {
        let mut mine: BTreeMap<String, u32> = BTreeMap::new();
        let outcomes = changes
            .iter()
            .map(|(actor, change)| {
                let placed = mine.values().sum();
                let on_actor = mine.get(*actor).copied().unwrap_or(0);
                let outcome = apply_dot_change(dots, placed, on_actor, *change);
                if let Ok(count) = outcome {
                    mine.insert((*actor).to_owned(), count);
                    mine.retain(|_, count| *count > 0);
                }
                outcome
            })
            .collect();
        (outcomes, mine)
    }

    use DotChange::{Place, TakeBack};

    #[test]
    fn a_voter_never_places_more_than_the_dots_per_person() {
        let (outcomes, mine) = play(3, &[("a", Place), ("b", Place), ("a", Place), ("c", Place)]);
        assert_eq!(outcomes, [Ok(1), Ok(1), Ok(2), Err(DotRefused::NoDotsLeft)]);
        assert_eq!(mine, BTreeMap::from([("a".into(), 2), ("b".into(), 1)]));
    }

    #[test]
    fn several_dots_may_go_on_one_actor() {
        let (outcomes, mine) = play(3, &[("a", Place), ("a", Place), ("a", Place)]);
        assert_eq!(outcomes, [Ok(1), Ok(2), Ok(3)]);
        assert_eq!(mine, BTreeMap::from([("a".into(), 3)]));
    }

    #[test]
    fn a_dot_taken_back_can_be_placed_again() {
        let (outcomes, mine) = play(
            2,
            &[
                ("a", Place),
                ("a", Place),
                ("a", TakeBack),
                ("b", Place),
                ("b", Place),
            ],
        );
        assert_eq!(
            outcomes,
            [Ok(1), Ok(2), Ok(1), Ok(1), Err(DotRefused::NoDotsLeft)]
        );
        assert_eq!(mine, BTreeMap::from([("a".into(), 1), ("b".into(), 1)]));
    }

    #[test]
    fn only_a_dot_of_ones_own_can_be_taken_back() {
        let (outcomes, mine) = play(3, &[("a", TakeBack), ("b", Place), ("a", TakeBack)]);
        assert_eq!(
            outcomes,
            [
                Err(DotRefused::NothingToTakeBack),
                Ok(1),
                Err(DotRefused::NothingToTakeBack)
            ]
        );
        assert_eq!(mine, BTreeMap::from([("b".into(), 1)]));
    }

    #[test]
    fn meta_vote_round_trips_and_hides_totals_until_revealed() {
        let open = VoteView {
            id: "v1".into(),
            title: "Who matters most?".into(),
            dots: 3,
            revealed: false,
            totals: None,
        };
        assert_eq!(VoteView::from_any(&open.to_any()), Some(open.clone()));
        assert_eq!(open.total_for("a"), None);
        let revealed = VoteView {
            revealed: true,
            totals: Some(BTreeMap::from([("a".into(), 4)])),
            ..open
        };
        let read = VoteView::from_any(&revealed.to_any()).unwrap();
        assert_eq!(read, revealed);
        assert_eq!(read.total_for("a"), Some(4));
        assert_eq!(read.total_for("b"), Some(0));
        assert_eq!(VoteView::from_any(&Any::from("not a vote")), None);
    }

    #[test]
    fn voter_secrets_must_be_long_random_looking_tokens() {
        assert!(is_valid_voter_secret("abcdefghijklmnopqrstuv"));
        assert!(!is_valid_voter_secret("Maija Meikäläinen"));
        assert!(!is_valid_voter_secret("short"));
        assert!(!is_valid_voter_secret(
            &"a".repeat(MAX_VOTER_SECRET_CHARS + 1)
        ));
    }
}
