//! The match table of a workshop: which actors on several maps are the same organisation
//! (`kartta_protocol::matching`), and the facilitator's remembered decisions about names.

use std::collections::{HashMap, HashSet};

use axum::extract::{Path, State};
use axum::Json;
use kartta_protocol::api::{
    MapSelection, MapSource, MapSourceKind, MatchDecision, MatchDecisionsUpdate, MatchGroup,
    MatchMember, MatchProposal, MatchTable, Role,
};
use kartta_protocol::matching::{self, Decisions, Source};
use kartta_protocol::schema::BoardView;

use super::snapshots::snapshot_state;
use super::{blocking, require, workshop_role, ApiJson, Token};
use crate::http::ApiError;
use crate::sync::room::RoomCommand;
use crate::workshops::board_doc;
use crate::workshops::catalog::WorkshopRecord;
use crate::AppState;

/// Maps one selection may name: every personal board of a large workshop, with room to spare.
const MAX_MAPS: usize = 100;
/// Decisions one request may change.
const MAX_DECISIONS: usize = 2_000;
/// Longest key (or name) a decision may be about.
const MAX_KEY_CHARS: usize = 300;

/// The selected maps of `workshop`, read from their stored states: boards as they are now
/// (through their rooms), snapshots from the catalog. Anything not of this workshop is 404,
/// as if it did not exist.
pub async fn load_maps(
    state: &AppState,
    workshop: &WorkshopRecord,
    selection: &MapSelection,
) -> Result<Vec<(MapSource, BoardView)>, ApiError> {
    let count = selection.board_ids.len() + selection.snapshot_ids.len();
    if count == 0 || count > MAX_MAPS {
        return Err(ApiError::BadRequest(format!(
            "Choose between 1 and {MAX_MAPS} boards or snapshots."
        )));
    }
    let mut seen = HashSet::new();
    for id in selection.board_ids.iter().chain(&selection.snapshot_ids) {
        if !seen.insert(id.as_str()) {
            return Err(ApiError::BadRequest(format!(
                "\"{id}\" is chosen twice; choose each map once."
            )));
        }
        if !kartta_protocol::is_valid_board_id(id) {
            return Err(ApiError::NotFound);
        }
    }
    let workshop_id = workshop.id.clone();
    let wanted = selection.clone();
    // (source, stored state or None for a live board), checked against the workshop first.
    let listed = blocking(state, move |catalog| {
        let mut listed = Vec::with_capacity(wanted.board_ids.len() + wanted.snapshot_ids.len());
        for id in &wanted.board_ids {
            let board = catalog.board(id)?.ok_or(ApiError::NotFound)?;
            if board.workshop_id != workshop_id {
                return Err(ApiError::NotFound);
            }
            listed.push((
                MapSource {
                    id: board.id,
                    kind: MapSourceKind::Board,
                    title: board.title,
                },
                false,
            ));
        }
        for id in &wanted.snapshot_ids {
            let snapshot = catalog.snapshot(id)?.ok_or(ApiError::NotFound)?;
            let board = catalog
                .board(&snapshot.board_id)?
                .ok_or(ApiError::NotFound)?;
            if board.workshop_id != workshop_id {
                return Err(ApiError::NotFound);
            }
            listed.push((
                MapSource {
                    id: snapshot.id,
                    kind: MapSourceKind::Snapshot,
                    title: format!("{} – {}", board.title, snapshot.name)
                        .trim_start_matches(" – ")
                        .to_owned(),
                },
                true,
            ));
        }
        Ok(listed)
    })
    .await?;
    // All at once: boards are read in their rooms (as they are now, without encoding and
    // decoding their whole state), snapshots' states fetched from the catalog.
    let fetched =
        futures_util::future::try_join_all(listed.iter().map(|(source, is_snapshot)| async move {
            if *is_snapshot {
                snapshot_state(state, &source.id).await.map(Fetched::State)
            } else {
                super::ask_room(state, &source.id, |reply| RoomCommand::View { view: reply })
                    .await
                    .map(|view| Fetched::View(Box::new(view)))
            }
        }))
        .await?;
    // Snapshots are decoded on a blocking thread.
    tokio::task::spawn_blocking(move || {
        listed
            .into_iter()
            .zip(fetched)
            .map(|((source, _), fetched)| match fetched {
                Fetched::View(view) => Ok((source, *view)),
                Fetched::State(bytes) => {
                    let doc = board_doc::load(&bytes).ok_or_else(|| {
                        ApiError::Internal(format!("{} does not load", source.id))
                    })?;
                    let view = BoardView::read(&yrs::Transact::transact(&doc));
                    Ok((source, view))
                }
            })
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await
    .map_err(|error| ApiError::Internal(error.to_string()))?
}

/// A selected map as read: a board's view from its room, or a snapshot's stored state.
/// The view is boxed so a list of mostly small snapshot states does not reserve its size for each.
enum Fetched {
    View(Box<BoardView>),
    State(Vec<u8>),
}

/// The workshop's remembered decisions.
pub async fn decisions_of(state: &AppState, workshop_id: &str) -> Result<Decisions, ApiError> {
    let workshop_id = workshop_id.to_owned();
    let rows = blocking(state, move |catalog| {
        Ok(catalog.match_decisions(&workshop_id)?)
    })
    .await?;
    let mut decisions = Decisions::new();
    for (key_a, key_b, verdict) in rows {
        decisions.insert(&key_a, &key_b, verdict);
    }
    Ok(decisions)
}

/// The match table of the selected maps: groups and proposals, as a pure function of the maps
/// and the decisions.
pub fn match_table(maps: &[(MapSource, BoardView)], decisions: &Decisions) -> MatchTable {
    let sources: Vec<Source> = maps
        .iter()
        .map(|(source, board)| Source {
            id: &source.id,
            board,
        })
        .collect();
    let (_, groups) = matching::group_actors(&sources, decisions);
    let proposals = matching::propose(&sources, &groups, decisions);
    // Relations per actor of each map, counted once (not once per actor over all relations).
    let relation_counts: Vec<HashMap<&str, u32>> = maps
        .iter()
        .map(|(_, board)| {
            let mut counts: HashMap<&str, u32> = HashMap::new();
            for relation in &board.relations {
                *counts.entry(relation.from.as_str()).or_default() += 1;
                if relation.to != relation.from {
                    *counts.entry(relation.to.as_str()).or_default() += 1;
                }
            }
            counts
        })
        .collect();
    let member = |member: &matching::Member| {
        let board = &maps[member.source].1;
        let actor = &board.actors[member.actor];
        MatchMember {
            source_id: maps[member.source].0.id.clone(),
            actor_id: actor.id.clone(),
            name: actor.name.clone(),
            kind: actor.kind,
            key: matching::strict_key(&actor.name),
            relations: relation_counts[member.source]
                .get(actor.id.as_str())
                .copied()
                .unwrap_or(0),
        }
    };
    MatchTable {
        sources: maps.iter().map(|(source, _)| source.clone()).collect(),
        groups: groups
            .iter()
            .map(|group| MatchGroup {
                members: group.members.iter().map(member).collect(),
                reasons: group.reasons.clone(),
            })
            .collect(),
        proposals: proposals
            .into_iter()
            .map(|proposal| MatchProposal {
                group_a: proposal.group_a as u32,
                group_b: proposal.group_b as u32,
                band: proposal.band,
                reason: proposal.reason,
                key_a: proposal.key_a,
                key_b: proposal.key_b,
                shared_maps: proposal
                    .shared_sources
                    .iter()
                    .map(|&source| maps[source].0.id.clone())
                    .collect(),
            })
            .collect(),
    }
}

/// `POST /api/workshops/{id}/matches/propose` (facilitator).
pub async fn propose(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(selection): ApiJson<MapSelection>,
) -> Result<Json<MatchTable>, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "match actors across maps")?;
    let maps = load_maps(&state, &workshop, &selection).await?;
    let decisions = decisions_of(&state, &workshop.id).await?;
    if let Some(table) = RecentTables::shared().find(&maps, &decisions) {
        return Ok(Json(table));
    }
    let table = tokio::task::spawn_blocking(move || {
        let table = match_table(&maps, &decisions);
        RecentTables::shared().keep(maps, decisions, table.clone());
        table
    })
    .await
    .map_err(|error| ApiError::Internal(error.to_string()))?;
    Ok(Json(table))
}

/// Match tables kept, with what each was made of.
const RECENT_TABLES: usize = 4;

/// The last few match tables made, and what they were made of. A table is a pure function of
/// the maps and the decisions, so a request for the same maps, unchanged, with the same
/// decisions (the compare page opened again, the match table shown again) is answered from here
/// instead of comparing every pair of names again: for two 500-actor maps that comparison is
/// most of the answer's time, while checking that the maps are equal takes microseconds. Any
/// edit of a map, or any decision, makes a new table. One list for the process: equal inputs
/// give equal tables whichever server asked.
struct RecentTables {
    /// Most recently made or used last; at most [`RECENT_TABLES`].
    entries: std::sync::Mutex<Vec<RecentTable>>,
}

struct RecentTable {
    maps: Vec<(MapSource, BoardView)>,
    decisions: Decisions,
    table: MatchTable,
}

impl RecentTables {
    fn shared() -> &'static RecentTables {
        static SHARED: std::sync::OnceLock<RecentTables> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| RecentTables {
            entries: std::sync::Mutex::new(Vec::new()),
        })
    }

    fn find(&self, maps: &[(MapSource, BoardView)], decisions: &Decisions) -> Option<MatchTable> {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let index = entries
            .iter()
            .position(|entry| entry.maps == maps && entry.decisions == *decisions)?;
        let entry = entries.remove(index);
        let table = entry.table.clone();
        entries.push(entry);
        Some(table)
    }

    fn keep(&self, maps: Vec<(MapSource, BoardView)>, decisions: Decisions, table: MatchTable) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.len() >= RECENT_TABLES {
            entries.remove(0);
        }
        entries.push(RecentTable {
            maps,
            decisions,
            table,
        });
    }
}

async fn listed(state: &AppState, workshop_id: &str) -> Result<Vec<MatchDecision>, ApiError> {
    let workshop_id = workshop_id.to_owned();
    let rows = blocking(state, move |catalog| {
        Ok(catalog.match_decisions(&workshop_id)?)
    })
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key_a, key_b, verdict)| MatchDecision {
            key_a,
            key_b,
            verdict,
        })
        .collect())
}

/// `GET /api/workshops/{id}/matches` (facilitator).
pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Json<Vec<MatchDecision>>, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "see match decisions")?;
    Ok(Json(listed(&state, &workshop.id).await?))
}

/// `PUT /api/workshops/{id}/matches` (facilitator): every change is checked before any is
/// stored, and all are stored in one transaction.
pub async fn decide(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(update): ApiJson<MatchDecisionsUpdate>,
) -> Result<Json<Vec<MatchDecision>>, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "decide matches")?;
    if update.decisions.len() > MAX_DECISIONS {
        return Err(ApiError::BadRequest(format!(
            "Send at most {MAX_DECISIONS} decisions at once."
        )));
    }
    let mut changes = Vec::with_capacity(update.decisions.len());
    for change in &update.decisions {
        let key = |text: &str| {
            let key = matching::strict_key(text);
            if key.is_empty() || text.chars().count() > MAX_KEY_CHARS {
                Err(ApiError::BadRequest(format!(
                    "A decision is about two names of 1 to {MAX_KEY_CHARS} characters."
                )))
            } else {
                Ok(key)
            }
        };
        changes.push((key(&change.key_a)?, key(&change.key_b)?, change.verdict));
    }
    let workshop_id = workshop.id.clone();
    blocking(&state, move |catalog| {
        Ok(catalog.set_match_decisions(&workshop_id, &changes)?)
    })
    .await?;
    Ok(Json(listed(&state, &workshop.id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kartta_protocol::matching::MatchVerdict;
    use kartta_protocol::schema::{ActorKind, ActorView, MetaView, Template};

    fn map(id: &str, names: &[&str]) -> (MapSource, BoardView) {
        let actor = |(index, name): (usize, &&str)| {
            ActorView::new(format!("{id}-{index}"), *name, ActorKind::Other)
        };
        let board = BoardView {
            meta: MetaView {
                title: String::new(),
                template: Template::Blank,
                locale: None,
                locked: false,
                timer_ends_at: None,
                presenting: None,
                merged_from: Vec::new(),
                merged_groups: Vec::new(),
                vote: None,
                last_restore: None,
            },
            actors: names.iter().enumerate().map(actor).collect(),
            relations: Vec::new(),
            notes: Vec::new(),
            strokes: Vec::new(),
        };
        let source = MapSource {
            id: id.to_owned(),
            kind: MapSourceKind::Board,
            title: id.to_owned(),
        };
        (source, board)
    }

    #[test]
    fn a_kept_table_answers_only_the_same_maps_and_decisions() {
        let recent = RecentTables {
            entries: std::sync::Mutex::new(Vec::new()),
        };
        let maps = vec![map("one", &["Turku", "VSL"]), map("two", &["Åbo stad"])];
        let decisions = Decisions::new();
        assert_eq!(recent.find(&maps, &decisions), None);
        let table = match_table(&maps, &decisions);
        recent.keep(maps.clone(), decisions.clone(), table.clone());
        assert_eq!(recent.find(&maps, &decisions), Some(table));

        let mut renamed = maps.clone();
        renamed[1].1.actors[0].name = "Åbo".into();
        assert_eq!(recent.find(&renamed, &decisions), None, "a map changed");
        let mut decided = Decisions::new();
        decided.insert("vsl", "turku", MatchVerdict::Different);
        assert_eq!(recent.find(&maps, &decided), None, "a decision changed");

        // The oldest goes once more are kept than fit; a table just used counts as recent.
        for index in 0..RECENT_TABLES - 1 {
            let other = vec![map(&format!("map-{index}"), &["Salo"])];
            recent.keep(
                other.clone(),
                Decisions::new(),
                match_table(&other, &decisions),
            );
        }
        assert!(recent.find(&maps, &decisions).is_some());
        let newest = vec![map("newest", &["Lieto"])];
        recent.keep(
            newest.clone(),
            Decisions::new(),
            match_table(&newest, &decisions),
        );
        assert!(recent.find(&maps, &decisions).is_some(), "it was used last");
        let first_other = vec![map("map-0", &["Salo"])];
        assert_eq!(recent.find(&first_other, &decisions), None);
    }
}
