//! `POST /api/workshops/{id}/merge`: a new board of the workshop holding the union of chosen
//! boards and snapshots (`kartta_protocol::merge`), made on the server from the stored states.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kartta_protocol::api::{BoardKind, MapSelection, MapSource, MergeRequest, Merged, Role};
use kartta_protocol::matching::Source;
use kartta_protocol::schema::{BoardView, Locale};

use super::matches::{decisions_of, load_maps};
use super::{blocking, board_summary, require, workshop_role, ApiJson, Token};
use crate::http::ApiError;
use crate::workshops::board_doc;
use crate::workshops::catalog::{random_id, unix_now, BoardRecord};
use crate::AppState;

const MAX_TITLE_CHARS: usize = 200;

fn default_title(locale: Locale) -> &'static str {
    match locale {
        Locale::Fi => "Yhdistetty kartta",
        Locale::Sv => "Sammanslagen karta",
        Locale::En => "Merged map",
    }
}

/// The groups of a request as indexes into `maps`, or `None` when the request has none.
/// Every chosen map must be in exactly one group: a map left out would silently not count, and
/// one in two groups would count twice.
fn group_indexes(
    groups: &[Vec<String>],
    maps: &[(MapSource, BoardView)],
) -> Result<Option<Vec<Vec<usize>>>, ApiError> {
    if groups.is_empty() {
        return Ok(None);
    }
    let mut seen = vec![false; maps.len()];
    let mut indexes = Vec::with_capacity(groups.len());
    for group in groups {
        if group.is_empty() {
            return Err(ApiError::BadRequest("A group holds no map.".into()));
        }
        let mut members = Vec::with_capacity(group.len());
        for id in group {
            let Some(index) = maps.iter().position(|(source, _)| source.id == *id) else {
                return Err(ApiError::BadRequest(format!(
                    "The group's map {id} is not one of the maps chosen to merge."
                )));
            };
            if std::mem::replace(&mut seen[index], true) {
                return Err(ApiError::BadRequest(format!(
                    "The map {id} is in more than one group."
                )));
            }
            members.push(index);
        }
        indexes.push(members);
    }
    if let Some(index) = seen.iter().position(|in_a_group| !in_a_group) {
        return Err(ApiError::BadRequest(format!(
            "The map {} is in no group; put every chosen map in one.",
            maps[index].0.id
        )));
    }
    Ok(Some(indexes))
}

pub async fn merge(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<MergeRequest>,
) -> Result<Response, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "merge maps")?;
    let title = request.title.trim();
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(ApiError::BadRequest(format!(
            "The title may be at most {MAX_TITLE_CHARS} characters long."
        )));
    }
    let title = if title.is_empty() {
        default_title(workshop.locale).to_owned()
    } else {
        title.to_owned()
    };
    let selection = MapSelection {
        board_ids: request.board_ids,
        snapshot_ids: request.snapshot_ids,
    };
    let maps = load_maps(&state, &workshop, &selection).await?;
    let groups = group_indexes(&request.groups, &maps)?;
    let decisions = decisions_of(&state, &workshop.id).await?;
    let (timer_ends_at, presenting) = (workshop.timer_ends_at, workshop.presenting_board.clone());
    let board_title = title.clone();
    let (bytes, sources, actors, relations) = tokio::task::spawn_blocking(move || {
        let sources: Vec<Source> = maps
            .iter()
            .map(|(source, board)| Source {
                id: &source.id,
                board,
            })
            .collect();
        let merged = match &groups {
            Some(groups) => {
                kartta_protocol::merge::merge_in_groups(&sources, groups, &decisions, &board_title)
            }
            None => kartta_protocol::merge::merge(&sources, &decisions, &board_title),
        };
        let bytes = board_doc::merged_state(&merged, timer_ends_at, presenting.as_deref());
        let listed = maps.iter().map(|(source, _)| source.clone()).collect();
        (
            bytes,
            listed,
            merged.actors.len() as u32,
            merged.relations.len() as u32,
        )
    })
    .await
    .map_err(|error| ApiError::Internal(error.to_string()))?;
    let record = BoardRecord {
        id: random_id(),
        workshop_id: workshop.id.clone(),
        title,
        // A forum map is worked on like a group's board.
        kind: BoardKind::Group,
        locked: false,
        created_at: unix_now(),
        owned: false,
        shared: false,
    };
    let store = state.rooms.store().clone();
    let stored = record.clone();
    blocking(&state, move |catalog| {
        // The merged board starts as its compacted state, like a fork.
        store.compact(&stored.id, &bytes, 0)?;
        catalog.add_board(&stored)?;
        Ok(())
    })
    .await?;
    // A forum map made while a dot vote runs takes part in it, as the other boards do.
    super::votes::mirror_into_new_board(&state, &record).await?;
    Ok((
        StatusCode::CREATED,
        Json(Merged {
            board: board_summary(&state, &record, 0),
            sources,
            actors,
            relations,
        }),
    )
        .into_response())
}
