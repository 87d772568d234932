//! `POST /api/workshops/{id}/merge`: a new board of the workshop holding the union of chosen
//! boards and snapshots (`kartta_protocol::merge`), made on the server from the stored states.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kartta_protocol::api::{BoardKind, MapSelection, MergeRequest, Merged, Role};
use kartta_protocol::matching::Source;
use kartta_protocol::schema::Locale;

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
        let merged = kartta_protocol::merge::merge(&sources, &decisions, &board_title);
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
