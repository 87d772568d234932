//! Export of boards and snapshots (JSON) and import into a board.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::Json;
use kartta_protocol::api::{BoardExport, Imported, Role};

use super::boards::edit_board;
use super::snapshots::{snapshot_role, snapshot_state};
use super::{board_role, require, require_unlocked, Token};
use crate::board_doc;
use crate::catalog::random_id;
use crate::http::ApiError;
use crate::room::RoomCommand;
use crate::AppState;

/// Largest import body accepted.
const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

/// The current state of a board, read through its room.
pub async fn current_state(state: &AppState, board_id: &str) -> Result<Vec<u8>, ApiError> {
    state
        .rooms
        .request(board_id, |reply| RoomCommand::Snapshot { state: reply })
        .await
        .ok_or_else(|| ApiError::Internal("the board's room did not answer".into()))
}

fn to_export(bytes: &[u8]) -> Result<BoardExport, ApiError> {
    board_doc::export(bytes)
        .ok_or_else(|| ApiError::Internal("a stored board does not load".into()))
}

pub async fn board_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Json<BoardExport>, ApiError> {
    let (board, _, role) = board_role(&state, &id, &token).await?;
    require(role, Role::Participant, "export boards")?;
    Ok(Json(to_export(&current_state(&state, &board.id).await?)?))
}

pub async fn snapshot_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Json<BoardExport>, ApiError> {
    let (snapshot, _, _, role) = snapshot_role(&state, &id, &token).await?;
    require(role, Role::Participant, "export snapshots")?;
    Ok(Json(to_export(
        &snapshot_state(&state, &snapshot.id).await?,
    )?))
}

/// `POST /api/boards/{id}/import`: a `BoardExport` as JSON. Everything is checked before the
/// board is touched, so a bad file changes nothing.
pub async fn import(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Imported>, ApiError> {
    let (board, _, role) = board_role(&state, &id, &token).await?;
    require(role, Role::Participant, "import into boards")?;
    require_unlocked(&board, role)?;
    if body.len() > MAX_IMPORT_BYTES {
        return Err(ApiError::BadRequest(format!(
            "Import files may be at most {} MB.",
            MAX_IMPORT_BYTES / 1024 / 1024
        )));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let export: BoardExport = if content_type.starts_with("application/json") {
        parse_json(&body)?
    } else {
        return Err(ApiError::BadRequest(
            "Send a Kartta JSON export (application/json) or a CSV sheet (text/csv).".into(),
        ));
    };
    let counts = std::sync::Arc::new(std::sync::Mutex::new([0u32; 4]));
    let shared = std::sync::Arc::new(export);
    edit_board(&state, &board.id, || {
        let export = shared.clone();
        let counts = counts.clone();
        Box::new(move |txn| {
            let added = board_doc::import(txn, &export, &mut random_id);
            if let Ok(mut counts) = counts.lock() {
                *counts = added;
            }
        })
    })
    .await?;
    let [actors, relations, notes, strokes] =
        counts.lock().map(|counts| *counts).unwrap_or_default();
    Ok(Json(Imported {
        actors,
        relations,
        notes,
        strokes,
    }))
}

/// Parses an export, naming the line and column of the first problem.
fn parse_json(body: &[u8]) -> Result<BoardExport, ApiError> {
    let export: BoardExport = serde_json::from_slice(body).map_err(|error| ApiError::Invalid {
        code: "invalid_json",
        message: format!(
            "Line {}, column {}: {}",
            error.line(),
            error.column(),
            error
        ),
    })?;
    if export.format != "kartta-board" || export.version != 1 {
        return Err(ApiError::Invalid {
            code: "invalid_json",
            message: "This is not a Kartta board export (format \"kartta-board\", version 1)."
                .into(),
        });
    }
    Ok(export)
}
