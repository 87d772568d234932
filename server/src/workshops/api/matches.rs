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
    // Boards are read in their rooms (as they are now, without encoding and decoding their
    // whole state); snapshots are decoded from the catalog on a blocking thread.
    let mut maps: Vec<Option<(MapSource, BoardView)>> = Vec::with_capacity(listed.len());
    let mut snapshots = Vec::new();
    for (index, (source, is_snapshot)) in listed.into_iter().enumerate() {
        if is_snapshot {
            snapshots.push((index, snapshot_state(state, &source.id).await?, source));
            maps.push(None);
        } else {
            let view =
                super::ask_room(state, &source.id, |reply| RoomCommand::View { view: reply })
                    .await?;
            maps.push(Some((source, view)));
        }
    }
    let decoded = tokio::task::spawn_blocking(move || {
        snapshots
            .into_iter()
            .map(|(index, bytes, source)| {
                let doc = board_doc::load(&bytes)
                    .ok_or_else(|| ApiError::Internal(format!("{} does not load", source.id)))?;
                let view = BoardView::read(&yrs::Transact::transact(&doc));
                Ok((index, source, view))
            })
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await
    .map_err(|error| ApiError::Internal(error.to_string()))??;
    for (index, source, view) in decoded {
        maps[index] = Some((source, view));
    }
    Ok(maps.into_iter().flatten().collect())
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
    let table = tokio::task::spawn_blocking(move || match_table(&maps, &decisions))
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))?;
    Ok(Json(table))
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
