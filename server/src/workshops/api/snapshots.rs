//! Snapshots: named copies of a board's whole state, to view, export, fork or restore.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use kartta_protocol::api::{
    BoardKind, CreateSnapshotRequest, Forked, RestoreRequest, Restored, Role, Snapshot,
    SnapshotReason,
};
use kartta_protocol::restore_notice::RestoreNotice;
use kartta_protocol::schema::{field, root, Locale};
use yrs::{Map, WriteTxn};

use super::boards::edit_board;
use super::{
    blocking, board_role, board_summary, require, require_unlocked, workshop_role, ApiJson, Token,
};
use crate::http::ApiError;
use crate::workshops::board_doc;
use crate::workshops::catalog::{random_id, unix_now, BoardRecord, SnapshotRecord, WorkshopRecord};
use crate::AppState;

const MAX_NAME_CHARS: usize = 200;

fn view(record: SnapshotRecord) -> Snapshot {
    Snapshot {
        id: record.id,
        board_id: record.board_id,
        name: record.name,
        reason: record.reason,
        author: record.author,
        created_at: record.created_at,
        bytes: record.bytes,
    }
}

fn checked_name(name: &str) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::BadRequest(format!(
            "Give the snapshot a name of 1 to {MAX_NAME_CHARS} characters."
        )));
    }
    Ok(name.to_owned())
}

/// Copies the board's current state (everything stored up to now) into a new snapshot.
async fn take(
    state: &AppState,
    board_id: &str,
    name: String,
    reason: SnapshotReason,
    author: Option<String>,
) -> Result<Snapshot, ApiError> {
    let current = super::export::current_state(state, board_id).await?;
    let record = SnapshotRecord {
        id: random_id(),
        board_id: board_id.to_owned(),
        name,
        reason,
        author: author.map(|author| author.chars().take(MAX_NAME_CHARS).collect()),
        created_at: unix_now(),
        bytes: current.len() as u64,
    };
    let stored = record.clone();
    blocking(state, move |catalog| {
        Ok(catalog.add_snapshot(&stored, &current)?)
    })
    .await?;
    Ok(view(record))
}

pub async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<CreateSnapshotRequest>,
) -> Result<Response, ApiError> {
    let (board, _, role) = board_role(&state, &id, &token).await?;
    require(role, Role::Participant, "take snapshots")?;
    let snapshot = take(
        &state,
        &board.id,
        checked_name(&request.name)?,
        SnapshotReason::Manual,
        request.author,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(snapshot)).into_response())
}

pub async fn create_for_workshop(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<CreateSnapshotRequest>,
) -> Result<Response, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "snapshot every board at once")?;
    let name = checked_name(&request.name)?;
    let workshop_id = workshop.id.clone();
    let boards = blocking(&state, move |catalog| Ok(catalog.boards_of(&workshop_id)?)).await?;
    let mut taken = Vec::with_capacity(boards.len());
    for board in &boards {
        taken.push(
            take(
                &state,
                &board.id,
                name.clone(),
                SnapshotReason::Workshop,
                request.author.clone(),
            )
            .await?,
        );
    }
    Ok((StatusCode::CREATED, Json(taken)).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Json<Vec<Snapshot>>, ApiError> {
    let (board, _, _) = board_role(&state, &id, &token).await?;
    let snapshots = blocking(&state, move |catalog| Ok(catalog.snapshots_of(&board.id)?)).await?;
    Ok(Json(snapshots.into_iter().map(view).collect()))
}

/// The snapshot, its board and workshop, and the caller's role there.
pub async fn snapshot_role(
    state: &AppState,
    snapshot_id: &str,
    token: &Token,
) -> Result<(SnapshotRecord, BoardRecord, WorkshopRecord, Role), ApiError> {
    let id = snapshot_id.to_owned();
    let snapshot = blocking(state, move |catalog| Ok(catalog.snapshot(&id)?))
        .await?
        .ok_or(ApiError::NotFound)?;
    let (board, workshop, role) = board_role(state, &snapshot.board_id, token).await?;
    Ok((snapshot, board, workshop, role))
}

pub async fn snapshot_state(state: &AppState, snapshot_id: &str) -> Result<Vec<u8>, ApiError> {
    let id = snapshot_id.to_owned();
    blocking(state, move |catalog| {
        catalog.snapshot_state(&id)?.ok_or(ApiError::NotFound)
    })
    .await
}

pub async fn get(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Json<Snapshot>, ApiError> {
    let (snapshot, ..) = snapshot_role(&state, &id, &token).await?;
    Ok(Json(view(snapshot)))
}

/// The snapshot's whole state as a Yjs v1 update, for viewing it read-only in the browser.
pub async fn state(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Response, ApiError> {
    let (snapshot, ..) = snapshot_role(&state, &id, &token).await?;
    let bytes = snapshot_state(&state, &snapshot.id).await?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

/// The name of the snapshot a restore takes first, in the workshop's language: it is data
/// people read in the list (and restore to undo).
fn before_restoring_name(locale: Locale, restored: &str) -> String {
    match locale {
        Locale::Fi => format!("Ennen tilannekuvan ”{restored}” palauttamista"),
        Locale::Sv => format!("Före återställningen av ”{restored}”"),
        Locale::En => format!("Before restoring “{restored}”"),
    }
}

/// The optional body of a restore: none, or JSON naming who restores.
fn restore_request(body: &[u8]) -> Result<RestoreRequest, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(RestoreRequest::default());
    }
    serde_json::from_slice(body).map_err(|error| ApiError::Invalid {
        code: "invalid_json",
        message: format!("The JSON body could not be read: {error}"),
    })
}

/// Restoring rolls back everyone's work on the board, so only the facilitator does it; every
/// member connected is told through `meta.lastRestore`, written in the restore's transaction.
pub async fn restore(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    body: axum::body::Bytes,
) -> Result<Json<Restored>, ApiError> {
    let (snapshot, board, workshop, role) = snapshot_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "restore snapshots")?;
    require_unlocked(&board, role)?;
    let request = restore_request(&body)?;
    let author: String = request
        .author
        .as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
    let bytes = snapshot_state(&state, &snapshot.id).await?;
    // Loaded once here, so a snapshot that does not load is refused before anything changes.
    if board_doc::load(&bytes).is_none() {
        return Err(ApiError::Internal(format!(
            "snapshot {} does not load",
            snapshot.id
        )));
    }
    let saved = take(
        &state,
        &board.id,
        before_restoring_name(workshop.locale, &snapshot.name),
        SnapshotReason::BeforeRestore,
        (!author.is_empty()).then(|| author.clone()),
    )
    .await?;
    let notice = RestoreNotice {
        restored_snapshot_name: snapshot.name.clone(),
        restored_by: author,
        undo_snapshot_id: saved.id.clone(),
        undo_snapshot_name: saved.name.clone(),
        restored_at: unix_now() * 1000,
    };
    edit_board(&state, &board.id, || {
        let bytes = bytes.clone();
        let notice = notice.to_any();
        Box::new(move |txn| {
            if let Some(source) = board_doc::load(&bytes) {
                board_doc::restore_into(txn, &source);
            }
            let meta = txn.get_or_insert_map(root::META);
            meta.insert(txn, field::meta::LAST_RESTORE, notice);
        })
    })
    .await?;
    Ok(Json(Restored { saved }))
}

pub async fn fork(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Response, ApiError> {
    let (snapshot, board, workshop, role) = snapshot_role(&state, &id, &token).await?;
    require(role, Role::Participant, "fork snapshots")?;
    let stored = snapshot_state(&state, &snapshot.id).await?;
    // One title for the copy, written both into the catalog (the workshop overview) and the
    // document (the board's header).
    let title = format!("{} – {}", board.title, snapshot.name)
        .trim_start_matches(" – ")
        .to_owned();
    let bytes = board_doc::fork_state(&stored, &title, workshop.presenting_board.as_deref())
        .ok_or_else(|| ApiError::Internal("a stored snapshot does not load".into()))?;
    let forked = BoardRecord {
        id: random_id(),
        workshop_id: board.workshop_id.clone(),
        title,
        kind: BoardKind::Fork,
        locked: false,
        created_at: unix_now(),
        owned: false,
        shared: false,
    };
    let store = state.rooms.store().clone();
    let record = forked.clone();
    blocking(&state, move |catalog| {
        // The fork starts as the snapshot's state, stored as its compacted state.
        store.compact(&record.id, &bytes, 0)?;
        catalog.add_board(&record)?;
        Ok(())
    })
    .await?;
    super::votes::mirror_into_new_board(&state, &forked).await?;
    Ok((
        StatusCode::CREATED,
        Json(Forked {
            board: board_summary(&state, &forked, 0),
        }),
    )
        .into_response())
}
