//! The HTTP API under `/api`: workshops, boards, roles, snapshots, export and import.
//!
//! Every handler resolves the caller's [`Role`] from the token first (see [`board_role`] and
//! [`workshop_role`]) and checks it with [`require`] before it reads or changes anything, so a
//! refused request changes nothing. Catalog calls block on the database and run on blocking threads.

mod boards;
mod export;
mod matches;
mod merge;
pub mod rate;
mod snapshots;
mod state;
pub mod state_cache;
pub(crate) mod votes;

use crate::sync::room::RoomCommand;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use kartta_protocol::api::{BoardSummary, Role, SharedTokens, Workshop};
use serde::de::DeserializeOwned;

use crate::http::ApiError;
use crate::workshops::catalog::{format_join_code, BoardRecord, Catalog, WorkshopRecord};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/boards", post(boards::create_quick_board))
        .route(
            "/boards/{id}",
            get(boards::get_board)
                .patch(boards::update_board)
                .delete(boards::delete_board),
        )
        .route(
            "/boards/{id}/snapshots",
            get(snapshots::list).post(snapshots::create),
        )
        .route("/boards/{id}/state", get(state::board_state))
        .route("/boards/{id}/view", get(state::board_view))
        .route("/boards/{id}/{file}", get(export::board_file))
        // Import files are larger than axum's default body limit (2 MB) allows.
        .route(
            "/boards/{id}/import",
            post(export::import).layer(DefaultBodyLimit::max(export::MAX_IMPORT_BYTES)),
        )
        .route("/workshops", post(boards::create_workshop))
        .route(
            "/workshops/{id}",
            get(boards::get_workshop)
                .patch(boards::update_workshop)
                .delete(boards::delete_workshop),
        )
        .route("/workshops/{id}/boards", post(boards::add_board))
        .route("/workshops/{id}/share", post(boards::share_personal_boards))
        .route("/workshops/{id}/lock", post(boards::lock_workshop))
        .route("/workshops/{id}/timer", post(boards::set_timer))
        .route("/workshops/{id}/present", post(boards::set_presenting))
        .route(
            "/workshops/{id}/vote",
            get(votes::current).put(votes::start).delete(votes::end),
        )
        .route("/workshops/{id}/vote/reveal", post(votes::reveal))
        .route("/boards/{id}/votes", post(votes::change))
        .route("/boards/{id}/votes/mine", post(votes::mine))
        .route(
            "/workshops/{id}/assignments",
            get(boards::list_assignments).put(boards::set_assignment),
        )
        .route(
            "/workshops/{id}/snapshots",
            post(snapshots::create_for_workshop),
        )
        .route(
            "/workshops/{id}/matches",
            get(matches::list).put(matches::decide),
        )
        .route("/workshops/{id}/matches/propose", post(matches::propose))
        .route("/workshops/{id}/merge", post(merge::merge))
        .route("/join", post(boards::join))
        .route("/snapshots/{id}", get(snapshots::get))
        .route("/snapshots/{id}/state", get(snapshots::state))
        .route("/snapshots/{id}/restore", post(snapshots::restore))
        .route("/snapshots/{id}/fork", post(snapshots::fork))
        .route("/snapshots/{id}/{file}", get(export::snapshot_file))
        .route("/workshops/{id}/export.zip", get(export::workshop_zip))
        // Not the web app's index.html: an unknown API path is an API error.
        .fallback(|| async { ApiError::NotFound })
}

/// Removes every workshop whose retention date is before `now`, with all its boards, logs and
/// snapshots. Returns how many were removed.
pub async fn purge_expired(state: &AppState, now: i64) -> Result<usize, ApiError> {
    let expired = blocking(state, move |catalog| Ok(catalog.expired_workshops(now)?)).await?;
    for workshop_id in &expired {
        boards::purge_workshop(state, workshop_id).await?;
        tracing::info!(workshop = %workshop_id, "purged a workshop past its retention date");
    }
    Ok(expired.len())
}

/// The caller's token: `Authorization: Bearer …`, or `?token=…` (websockets and download links
/// cannot set headers).
#[derive(Debug, Clone, Default)]
pub struct Token(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Token {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let from_header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(|token| token.trim().to_owned());
        let from_query = parts.uri.query().and_then(|query| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("token=").map(|token| token.to_owned()))
        });
        Ok(Token(
            from_header.or(from_query).filter(|token| !token.is_empty()),
        ))
    }
}

/// A JSON body whose rejection is our error shape, not axum's plain text.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(
                ApiError::PayloadTooLarge("This request is too large.".into()),
            ),
            Err(rejection) => Err(ApiError::Invalid {
                code: "invalid_json",
                message: json_problem(&rejection),
            }),
        }
    }
}

fn json_problem(rejection: &JsonRejection) -> String {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "Send the body as JSON (Content-Type: application/json).".into()
        }
        other => format!("The JSON body could not be read: {}", other.body_text()),
    }
}

/// Sends a command to the board's room (loading it if needed) and waits for its answer.
pub async fn ask_room<T>(
    state: &AppState,
    board_id: &str,
    command: impl Fn(tokio::sync::oneshot::Sender<T>) -> crate::sync::room::RoomCommand,
) -> Result<T, ApiError> {
    if let Some(answer) = state.rooms.request(board_id, command).await {
        return Ok(answer);
    }
    // A board deleted meanwhile has no room (none loads for a board the catalog lacks).
    let id = board_id.to_owned();
    if blocking(state, move |catalog| Ok(catalog.board(&id)?))
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound);
    }
    Err(ApiError::Internal("the board's room did not answer".into()))
}

/// Runs catalog work on a blocking thread.
pub async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&dyn Catalog) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let catalog = state.catalog.clone();
    tokio::task::spawn_blocking(move || work(&*catalog))
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))?
}

/// The board, its workshop and what `token` may do there. No token: 401. A token of another
/// workshop, or none of this one's: 403. No such board: 404. On a personal board made at join
/// see [`role_on_board`].
pub async fn board_role(
    state: &AppState,
    board_id: &str,
    token: &Token,
) -> Result<(BoardRecord, WorkshopRecord, Role), ApiError> {
    if !kartta_protocol::is_valid_board_id(board_id) {
        return Err(ApiError::NotFound);
    }
    let board_id = board_id.to_owned();
    let token = token.0.clone();
    blocking(state, move |catalog| {
        let board = catalog.board(&board_id)?.ok_or(ApiError::NotFound)?;
        let workshop = catalog
            .workshop(&board.workshop_id)?
            .ok_or(ApiError::NotFound)?;
        let token = token.ok_or(ApiError::Unauthorized)?;
        let workshop_role = catalog.role(&workshop.id, &token)?;
        let owner = board.owned && catalog.owns_board(&board.id, &token)?;
        let role = role_on_board(&board, &workshop, workshop_role, owner)?;
        Ok((board, workshop, role))
    })
    .await
}

/// What a caller may do on a board, from their workshop role and whether they hold the board's
/// owner's capability. A personal board made at join is edited by its owner (as a participant,
/// so the lock still holds) and the facilitator; anyone else of the workshop reads it only once
/// the facilitator shared or presents it (404 before), and never writes to it (read-only as a
/// viewer).
/// The owner's capability gives nothing on any other board.
pub fn role_on_board(
    board: &BoardRecord,
    workshop: &WorkshopRecord,
    workshop_role: Option<Role>,
    owner: bool,
) -> Result<Role, ApiError> {
    if workshop_role == Some(Role::Facilitator) {
        return Ok(Role::Facilitator);
    }
    if owner {
        return Ok(Role::Participant);
    }
    let role = workshop_role.ok_or_else(wrong_token)?;
    if !board.owned {
        return Ok(role);
    }
    // Not found rather than forbidden: the token is right for the workshop, so a client must not
    // take the refusal for a wrong token and forget it; and an unshared board stays unlisted.
    if readable_by_everyone(board, workshop) {
        Ok(Role::Viewer)
    } else {
        Err(ApiError::NotFound)
    }
}

/// An owned personal board others may read: shared, or presented to everyone right now.
fn readable_by_everyone(board: &BoardRecord, workshop: &WorkshopRecord) -> bool {
    board.shared || workshop.presenting_board.as_deref() == Some(board.id.as_str())
}

pub async fn workshop_role(
    state: &AppState,
    workshop_id: &str,
    token: &Token,
) -> Result<(WorkshopRecord, Role), ApiError> {
    let workshop_id = workshop_id.to_owned();
    let token = token.0.clone();
    blocking(state, move |catalog| {
        let workshop = catalog.workshop(&workshop_id)?.ok_or(ApiError::NotFound)?;
        let token = token.ok_or(ApiError::Unauthorized)?;
        let role = catalog
            .role(&workshop.id, &token)?
            .ok_or_else(wrong_token)?;
        Ok((workshop, role))
    })
    .await
}

fn wrong_token() -> ApiError {
    ApiError::Forbidden("This link does not give access here.".into())
}

/// Refuses unless `role` is at least `minimum`; `action` completes "Only … can …".
pub fn require(role: Role, minimum: Role, action: &str) -> Result<(), ApiError> {
    if role >= minimum {
        return Ok(());
    }
    let who = match minimum {
        Role::Facilitator => "the facilitator",
        Role::Participant => "participants",
        Role::Viewer => "viewers",
    };
    Err(ApiError::Forbidden(format!("Only {who} can {action}.")))
}

/// Refuses changes to a locked board from anyone but the facilitator.
pub fn require_unlocked(board: &BoardRecord, role: Role) -> Result<(), ApiError> {
    if board.locked && role != Role::Facilitator {
        return Err(ApiError::Forbidden(
            "The facilitator has locked this board.".into(),
        ));
    }
    Ok(())
}

pub fn board_summary(state: &AppState, board: &BoardRecord, snapshots: u32) -> BoardSummary {
    BoardSummary {
        id: board.id.clone(),
        workshop_id: board.workshop_id.clone(),
        title: board.title.clone(),
        kind: board.kind,
        locked: board.locked,
        connections: state.rooms.connection_count(&board.id),
        people: Vec::new(),
        snapshots,
        created_at: board.created_at,
        owned: board.owned,
        shared: board.shared,
    }
}

/// The workshop as `role` may see it.
pub async fn workshop_view(
    state: &AppState,
    workshop: WorkshopRecord,
    role: Role,
) -> Result<Workshop, ApiError> {
    let id = workshop.id.clone();
    let (boards, counts, shared) = blocking(state, move |catalog| {
        Ok((
            catalog.boards_of(&id)?,
            catalog.snapshot_counts(&id)?,
            catalog.shareable_tokens(&id)?,
        ))
    })
    .await?;
    let count_of = |board_id: &str| {
        counts
            .iter()
            .find(|(id, _)| id == board_id)
            .map_or(0, |(_, count)| *count)
    };
    // Others' personal boards are not even listed until they are shared; each owner finds
    // their own through the capability kept on their device.
    let mut summaries: Vec<BoardSummary> = boards
        .iter()
        .filter(|board| {
            role == Role::Facilitator || !board.owned || readable_by_everyone(board, &workshop)
        })
        .map(|board| board_summary(state, board, count_of(&board.id)))
        .collect();
    if role >= Role::Participant {
        fill_in_people(state, &mut summaries).await;
    }
    Ok(Workshop {
        id: workshop.id,
        kind: workshop.kind,
        title: workshop.title,
        locale: workshop.locale,
        template: workshop.template,
        join_code: workshop
            .join_code
            .filter(|_| role >= Role::Participant)
            .map(|code| format_join_code(&code)),
        retention_until: workshop.retention_until,
        role,
        boards: summaries,
        timer_ends_at: workshop.timer_ends_at,
        presenting: workshop.presenting_board,
        personal_boards_at_join: workshop.personal_boards_at_join,
        shared_tokens: shared
            .filter(|_| role == Role::Facilitator)
            .map(|(participant, viewer)| SharedTokens {
                participant,
                viewer,
            }),
    })
}

/// Who is on each loaded board, asked of all the rooms at once. Names are live presence only:
/// nothing of it is stored.
pub async fn fill_in_people(state: &AppState, boards: &mut [BoardSummary]) {
    let asked = boards.iter().map(|board| {
        let id = board.id.clone();
        async move {
            if state.rooms.connection_count(&id) == 0 {
                return Vec::new();
            }
            state
                .rooms
                .ask_if_loaded(&id, |names| RoomCommand::People { names })
                .await
                .unwrap_or_default()
        }
    });
    let people = futures_util::future::join_all(asked).await;
    for (board, names) in boards.iter_mut().zip(people) {
        board.people = names;
    }
}
