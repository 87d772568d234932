//! Workshops and boards: create, read, rename, lock, time, delete, join by code.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kartta_protocol::api::{
    AddBoardRequest, Assignment, BoardAccess, BoardKind, BoardSummary, CreateBoardRequest,
    CreateWorkshopRequest, Created, JoinRequest, Joined, LockRequest, PresentRequest, Role,
    ShareRequest, TimerRequest, UpdateBoardRequest, UpdateWorkshopRequest, Workshop, WorkshopKind,
};
use kartta_protocol::schema::{field, root, Locale, Template};
use yrs::{Any, Map, WriteTxn};

use super::{
    ask_room, blocking, board_role, board_summary, require, require_unlocked, workshop_role,
    workshop_view, ApiJson, Token,
};
use crate::client_address::ClientAddress;
use crate::http::ApiError;
use crate::sync::room::RoomCommand;
use crate::workshops::board_doc;
use crate::workshops::catalog::{
    random_id, unix_now, BoardRecord, Catalog, NewWorkshop, WorkshopRecord,
};
use crate::AppState;

const MAX_TITLE_CHARS: usize = 200;
const MAX_GROUPS: u32 = 50;
const MAX_PERSONAL_BOARDS: usize = 100;
/// Personal boards one workshop makes at join: a training day of 45 rejoining from new devices
/// stays far below it, a script joining in a loop is stopped (beside the join rate limit).
const MAX_PERSONAL_BOARDS_AT_JOIN: usize = 300;
/// Boards a workshop holds besides the personal boards made at join (groups, named personal
/// boards, forks, merges): far more than a day's groups, and a bound on a looping script.
const MAX_BOARDS_ADDED: usize = 200;
const DEFAULT_RETENTION_DAYS: u32 = 180;
const MAX_RETENTION_DAYS: u32 = 730;

fn checked_title(title: &str, what: &str) -> Result<String, ApiError> {
    let title = title.trim();
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(ApiError::BadRequest(format!(
            "The {what} may be at most {MAX_TITLE_CHARS} characters long."
        )));
    }
    Ok(title.to_owned())
}

/// A title a board of a workshop must have: not blank, since the overview, the join list and
/// "who goes where" tell the boards apart by it.
fn required_title(title: &str) -> Result<String, ApiError> {
    let title = checked_title(title, "board name")?;
    if title.is_empty() {
        return Err(ApiError::Invalid {
            code: "title_required",
            message: "Give the board a name.".into(),
        });
    }
    Ok(title)
}

fn group_title(locale: Locale, number: u32) -> String {
    match locale {
        Locale::Fi => format!("Ryhmä {number}"),
        Locale::Sv => format!("Grupp {number}"),
        Locale::En => format!("Group {number}"),
    }
}

/// Creates the workshop and writes each board's first state (title, template, language).
async fn create(state: &AppState, new: NewWorkshop) -> Result<Response, ApiError> {
    let store = state.rooms.store().clone();
    let (workshop, secrets) = blocking(state, move |catalog| {
        let (workshop, boards, secrets) = catalog.create_workshop(&new)?;
        for board in &boards {
            let first = board_doc::initial_state(&board.title, new.template, new.locale);
            store.compact(&board.id, &first, 0)?;
        }
        Ok((workshop, secrets))
    })
    .await?;
    let view = workshop_view(state, workshop, Role::Facilitator).await?;
    Ok((
        StatusCode::CREATED,
        Json(Created {
            workshop: view,
            tokens: secrets,
        }),
    )
        .into_response())
}

pub async fn create_quick_board(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CreateBoardRequest>,
) -> Result<Response, ApiError> {
    let title = checked_title(request.title.as_deref().unwrap_or(""), "title")?;
    let new = NewWorkshop {
        kind: WorkshopKind::Quick,
        title: title.clone(),
        locale: request.locale.unwrap_or(Locale::Fi),
        template: request.template.unwrap_or(Template::Blank),
        retention_days: DEFAULT_RETENTION_DAYS,
        personal_boards_at_join: false,
        boards: vec![(title, BoardKind::Quick)],
    };
    create(&state, new).await
}

pub async fn create_workshop(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<CreateWorkshopRequest>,
) -> Result<Response, ApiError> {
    let title = checked_title(&request.title, "title")?;
    if request.group_count > MAX_GROUPS {
        return Err(ApiError::BadRequest(format!(
            "A workshop can have at most {MAX_GROUPS} group boards."
        )));
    }
    if request.personal_boards.len() > MAX_PERSONAL_BOARDS {
        return Err(ApiError::BadRequest(format!(
            "A workshop can have at most {MAX_PERSONAL_BOARDS} personal boards."
        )));
    }
    let personal_boards_at_join = request.personal_boards_at_join.unwrap_or(false);
    // With personal boards at join the workshop may start empty: each joiner brings a board.
    if request.group_count == 0 && request.personal_boards.is_empty() && !personal_boards_at_join {
        return Err(ApiError::BadRequest(
            "A workshop needs at least one board.".into(),
        ));
    }
    let retention_days = request.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS);
    if !(1..=MAX_RETENTION_DAYS).contains(&retention_days) {
        return Err(ApiError::BadRequest(format!(
            "Keep the data between 1 and {MAX_RETENTION_DAYS} days."
        )));
    }
    let mut boards: Vec<(String, BoardKind)> = (1..=request.group_count)
        .map(|number| (group_title(request.locale, number), BoardKind::Group))
        .collect();
    for name in &request.personal_boards {
        boards.push((
            checked_title(name, "participant name")?,
            BoardKind::Personal,
        ));
    }
    let new = NewWorkshop {
        kind: WorkshopKind::Workshop,
        title,
        locale: request.locale,
        template: request.template,
        retention_days,
        personal_boards_at_join,
        boards,
    };
    create(&state, new).await
}

pub async fn get_workshop(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Json<Workshop>, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    Ok(Json(workshop_view(&state, workshop, role).await?))
}

pub async fn join(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    ApiJson(request): ApiJson<JoinRequest>,
) -> Result<Json<Joined>, ApiError> {
    if let Err(wait) = state.api_limits.allow_join(client) {
        return Err(ApiError::RateLimited(wait));
    }
    // A join code gives the participant token; codes are 8 characters of a 25-letter alphabet.
    let code = request.code;
    let found = blocking(&state, move |catalog| {
        Ok(catalog.workshop_by_join_code(&code)?)
    })
    .await?;
    let workshop = found.ok_or(ApiError::NotFound)?;
    let workshop_id = workshop.id.clone();
    let name = request.name.unwrap_or_default();
    let personal_title = checked_title(&name, "name")?;
    let (token, board_id) = blocking(&state, move |catalog| {
        let (participant, _) = catalog
            .shareable_tokens(&workshop_id)?
            .ok_or(ApiError::NotFound)?;
        Ok((participant, catalog.board_for_name(&workshop_id, &name)?))
    })
    .await?;
    let personal = if workshop.personal_boards_at_join && !personal_title.is_empty() {
        Some(
            personal_board_at_join(&state, &workshop, personal_title, request.personal_token)
                .await?,
        )
    } else {
        None
    };
    let view = workshop_view(&state, workshop, Role::Participant).await?;
    let (personal_board_id, personal_token) = personal.unzip();
    Ok(Json(Joined {
        workshop: view,
        token,
        board_id,
        personal_board_id,
        personal_token,
    }))
}

/// The joiner's personal board and its capability: the one this device already owns in the
/// workshop (its capability sent back), else a new board titled with the name. A name alone
/// never finds a board: someone else may join with the same name.
async fn personal_board_at_join(
    state: &AppState,
    workshop: &WorkshopRecord,
    title: String,
    kept_capability: Option<String>,
) -> Result<(String, String), ApiError> {
    let workshop_id = workshop.id.clone();
    let first = board_doc::joined_state(
        &board_doc::initial_state(&title, workshop.template, workshop.locale),
        workshop.timer_ends_at,
        workshop.presenting_board.as_deref(),
    )
    .ok_or_else(|| ApiError::Internal("a new board's state does not load".into()))?;
    let store = state.rooms.store().clone();
    let made = blocking(state, move |catalog| {
        if let Some(capability) = kept_capability.filter(|token| !token.is_empty()) {
            if let Some(board_id) = catalog.board_owned_by(&workshop_id, &capability)? {
                return Ok((board_id, capability, None));
            }
        }
        let (board, capability) = catalog
            .add_owned_board(&workshop_id, &title, MAX_PERSONAL_BOARDS_AT_JOIN)?
            .ok_or_else(|| ApiError::Invalid {
                code: "workshop_full",
                message: format!(
                    "This workshop already has {MAX_PERSONAL_BOARDS_AT_JOIN} personal boards."
                ),
            })?;
        // Nobody knows the new id before this answer, so no room can load the board before
        // its first state is stored.
        if let Err(error) = store.compact(&board.id, &first, 0) {
            catalog.delete_board(&board.id)?;
            return Err(error.into());
        }
        Ok((board.id.clone(), capability, Some(board)))
    })
    .await?;
    let (board_id, capability, new_board) = made;
    // A vote started before this board was in the catalog did not reach it: the board gets the
    // vote of now, as a fork does. One started later finds the board in the catalog itself.
    // Failing here must not fail the join: the board exists, and only this answer hands its
    // owner the capability to it.
    if let Some(board) = new_board {
        if let Err(error) = super::votes::mirror_into_new_board(state, &board).await {
            tracing::warn!(board = %board.id, ?error, "could not show the running vote on a new personal board");
        }
    }
    Ok((board_id, capability))
}

pub async fn get_board(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Json<BoardAccess>, ApiError> {
    let (board, workshop, role) = board_role(&state, &id, &token).await?;
    let board_id = board.id.clone();
    let snapshots = blocking(&state, move |catalog| {
        Ok(catalog.snapshots_of(&board_id)?.len() as u32)
    })
    .await?;
    Ok(Json(BoardAccess {
        board: board_summary(&state, &board, snapshots),
        workshop_title: workshop.title,
        workshop_kind: workshop.kind,
        role,
    }))
}

/// Writes `change` into a board through its room, so it is stored and broadcast like any edit.
pub async fn edit_board(
    state: &AppState,
    board_id: &str,
    change: impl Fn() -> crate::sync::room::ServerEdit,
) -> Result<(), ApiError> {
    ask_room(state, board_id, |done| RoomCommand::Edit {
        change: change(),
        done,
    })
    .await
}

/// The background of a group board changes the board for the whole group at once, so it is the
/// facilitator's; a personal board made at join is its owner's own map, whose background is
/// theirs to choose. On such a board a participant's role comes only from the owner's capability
/// (`role_on_board`: the workshop's other tokens read it at most), so the role says who is asking.
/// Its title stays the facilitator's: it is the owner's name, by which the overview, sharing and
/// merging tell the personal boards apart.
fn require_background_changer(board: &BoardRecord, role: Role) -> Result<(), ApiError> {
    if board.owned && role == Role::Participant {
        return Ok(());
    }
    require(
        role,
        Role::Facilitator,
        "change the background, since it changes the board for the whole group",
    )
}

async fn set_locked(state: &AppState, board_id: &str, locked: bool) -> Result<(), ApiError> {
    let id = board_id.to_owned();
    blocking(state, move |catalog| {
        Ok(catalog.set_board_locked(&id, locked)?)
    })
    .await?;
    ask_room(state, board_id, |done| RoomCommand::SetLocked {
        locked,
        done,
    })
    .await
}

pub async fn update_board(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<UpdateBoardRequest>,
) -> Result<Json<BoardSummary>, ApiError> {
    let (board, _, role) = board_role(&state, &id, &token).await?;
    if request.template.is_some() {
        // Checked on its own so a participant is told what they tried.
        require_background_changer(&board, role)?;
        require_unlocked(&board, role)?;
    }
    // Everything but a personal board's background is the facilitator's (a request changing
    // nothing included, as before).
    let only_the_background = request.template.is_some()
        && request.title.is_none()
        && request.locked.is_none()
        && request.shared.is_none();
    if !only_the_background {
        require(role, Role::Facilitator, "rename, lock or share a board")?;
    }
    if let Some(title) = &request.title {
        // A quick board may go untitled; a workshop's boards are told apart by their names.
        let title = if board.kind == BoardKind::Quick {
            checked_title(title, "title")?
        } else {
            required_title(title)?
        };
        let board_id = board.id.clone();
        let stored = title.clone();
        blocking(&state, move |catalog| {
            Ok(catalog.set_board_title(&board_id, &stored)?)
        })
        .await?;
        edit_board(&state, &board.id, || {
            let title = title.clone();
            Box::new(move |txn| {
                let meta = txn.get_or_insert_map(root::META);
                meta.insert(txn, field::meta::TITLE, title);
            })
        })
        .await?;
    }
    if let Some(template) = request.template {
        edit_board(&state, &board.id, || {
            Box::new(move |txn| {
                let meta = txn.get_or_insert_map(root::META);
                meta.insert(txn, field::meta::TEMPLATE, template.code());
            })
        })
        .await?;
    }
    if let Some(locked) = request.locked {
        set_locked(&state, &board.id, locked).await?;
    }
    if let Some(shared) = request.shared {
        if !board.owned {
            return Err(ApiError::BadRequest(
                "Only personal boards made at join are shared.".into(),
            ));
        }
        let board_id = board.id.clone();
        blocking(&state, move |catalog| {
            Ok(catalog.set_board_shared(&board_id, shared)?)
        })
        .await?;
        if !shared {
            close_withdrawn_readers(&state, &board.workshop_id).await?;
        }
    }
    let board_id = board.id.clone();
    let (board, snapshots) = blocking(&state, move |catalog| {
        Ok((
            catalog.board(&board_id)?.ok_or(ApiError::NotFound)?,
            catalog.snapshots_of(&board_id)?.len() as u32,
        ))
    })
    .await?;
    Ok(Json(board_summary(&state, &board, snapshots)))
}

/// Adds a group board to a workshop after it was made, on the workshop's template and
/// language, with the workshop's running timer and presented board in its first state.
pub async fn add_board(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<AddBoardRequest>,
) -> Result<Response, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "add a board")?;
    if workshop.kind == WorkshopKind::Quick {
        return Err(ApiError::BadRequest(
            "A quick board has no workshop to add boards to.".into(),
        ));
    }
    let title = required_title(&request.title)?;
    let first = board_doc::joined_state(
        &board_doc::initial_state(&title, workshop.template, workshop.locale),
        workshop.timer_ends_at,
        workshop.presenting_board.as_deref(),
    )
    .ok_or_else(|| ApiError::Internal("a new board's state does not load".into()))?;
    let store = state.rooms.store().clone();
    let workshop_id = workshop.id.clone();
    let board = blocking(&state, move |catalog| {
        let boards = catalog.boards_of(&workshop_id)?;
        if boards.iter().filter(|board| !board.owned).count() >= MAX_BOARDS_ADDED {
            return Err(ApiError::Invalid {
                code: "workshop_full",
                message: format!("A workshop can have at most {MAX_BOARDS_ADDED} boards."),
            });
        }
        // Boards list in the order they were made, and a workshop's groups are stamped a second
        // apart (possibly ahead of now): the new board comes after the last of them.
        let latest = boards.iter().map(|board| board.created_at).max();
        let record = BoardRecord {
            id: random_id(),
            workshop_id,
            title,
            kind: BoardKind::Group,
            locked: false,
            created_at: latest.map_or(unix_now(), |latest| unix_now().max(latest + 1)),
            owned: false,
            shared: false,
        };
        // The first state is stored before the catalog row: nobody can open the board until
        // the row exists, and then it opens with its title and template.
        store.compact(&record.id, &first, 0)?;
        catalog.add_board(&record)?;
        Ok(record)
    })
    .await?;
    super::votes::mirror_into_new_board(&state, &board).await?;
    Ok((StatusCode::CREATED, Json(board_summary(&state, &board, 0))).into_response())
}

pub async fn update_workshop(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<UpdateWorkshopRequest>,
) -> Result<Json<Workshop>, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "change the workshop")?;
    if let Some(on) = request.personal_boards_at_join {
        let workshop_id = workshop.id.clone();
        blocking(&state, move |catalog| {
            Ok(catalog.set_personal_boards_at_join(&workshop_id, on)?)
        })
        .await?;
    }
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    Ok(Json(workshop_view(&state, workshop, role).await?))
}

/// Shares every personal board made at join with the workshop (or stops sharing them).
pub async fn share_personal_boards(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<ShareRequest>,
) -> Result<Json<Workshop>, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "share personal boards")?;
    let workshop_id = workshop.id.clone();
    blocking(&state, move |catalog| {
        Ok(catalog.set_personal_boards_shared(&workshop_id, request.shared)?)
    })
    .await?;
    if !request.shared {
        close_withdrawn_readers(&state, &workshop.id).await?;
    }
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    Ok(Json(workshop_view(&state, workshop, role).await?))
}

pub async fn lock_workshop(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<LockRequest>,
) -> Result<Json<Workshop>, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "lock boards")?;
    let workshop_id = workshop.id.clone();
    let boards = blocking(&state, move |catalog| Ok(catalog.boards_of(&workshop_id)?)).await?;
    for board in &boards {
        set_locked(&state, &board.id, request.locked).await?;
    }
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    Ok(Json(workshop_view(&state, workshop, role).await?))
}

pub async fn set_timer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<TimerRequest>,
) -> Result<StatusCode, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "run the timer")?;
    let ends_at = request.ends_at;
    let value = ends_at.map(|ends_at| Any::from(ends_at as f64));
    set_workshop_meta(
        &state,
        &workshop.id,
        field::meta::TIMER_ENDS_AT,
        value,
        move |catalog, id, _| Ok(catalog.set_timer(id, ends_at)?),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A workshop-wide setting (the timer, the presented board): `record` stores it in the catalog
/// (it may refuse, seeing the workshop's boards), then `key` = `value` (or no `key`) is written
/// into the `meta` map of every board of the workshop, where every open board sees it.
async fn set_workshop_meta(
    state: &AppState,
    workshop_id: &str,
    key: &'static str,
    value: Option<Any>,
    record: impl FnOnce(&dyn Catalog, &str, &[BoardRecord]) -> Result<(), ApiError> + Send + 'static,
) -> Result<(), ApiError> {
    let id = workshop_id.to_owned();
    let boards = blocking(state, move |catalog| {
        let boards = catalog.boards_of(&id)?;
        record(catalog, &id, &boards)?;
        Ok(boards)
    })
    .await?;
    for board in &boards {
        edit_board(state, &board.id, || {
            let value = value.clone();
            Box::new(move |txn| {
                let meta = txn.get_or_insert_map(root::META);
                match value {
                    Some(value) => {
                        meta.insert(txn, key, value);
                    }
                    None => {
                        meta.remove(txn, key);
                    }
                }
            })
        })
        .await?;
    }
    Ok(())
}

/// Presents `board_id` (or nothing) to everyone in the workshop.
async fn present(
    state: &AppState,
    workshop_id: &str,
    board_id: Option<String>,
) -> Result<(), ApiError> {
    let value = board_id.as_deref().map(Any::from);
    set_workshop_meta(
        state,
        workshop_id,
        field::meta::PRESENTING,
        value,
        move |catalog, id, boards| {
            if let Some(board_id) = &board_id {
                if !boards.iter().any(|board| &board.id == board_id) {
                    return Err(ApiError::BadRequest(
                        "Only a board of this workshop can be presented.".into(),
                    ));
                }
            }
            Ok(catalog.set_presenting(id, board_id.as_deref())?)
        },
    )
    .await
}

pub async fn set_presenting(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<PresentRequest>,
) -> Result<StatusCode, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "present a board")?;
    present(&state, &workshop.id, request.board_id).await?;
    // A personal board read only because it was presented is closed to its readers again.
    close_withdrawn_readers(&state, &workshop.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Closes the read-only connections of every personal board of the workshop that others may no
/// longer read (not shared, not presented): the websocket checked the access only when it
/// opened, and a reader must not keep following a board its owner no longer shows.
async fn close_withdrawn_readers(state: &AppState, workshop_id: &str) -> Result<(), ApiError> {
    let id = workshop_id.to_owned();
    let (workshop, boards) = blocking(state, move |catalog| {
        let workshop = catalog.workshop(&id)?.ok_or(ApiError::NotFound)?;
        Ok((workshop, catalog.boards_of(&id)?))
    })
    .await?;
    for board in boards
        .iter()
        .filter(|board| board.owned && !super::readable_by_everyone(board, &workshop))
    {
        // A board nobody has open has no readers to close; it is not loaded for this.
        state
            .rooms
            .ask_if_loaded(&board.id, |done| RoomCommand::CloseReaders { done })
            .await;
    }
    Ok(())
}

pub async fn list_assignments(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Json<Vec<Assignment>>, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "see who is sent to which board")?;
    let assignments = blocking(
        &state,
        move |catalog| Ok(catalog.assignments(&workshop.id)?),
    )
    .await?;
    Ok(Json(
        assignments
            .into_iter()
            .map(|(name, board_id)| Assignment {
                name,
                board_id: Some(board_id),
            })
            .collect(),
    ))
}

pub async fn set_assignment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<Assignment>,
) -> Result<StatusCode, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "send participants to boards")?;
    let name = checked_title(&request.name, "participant name")?;
    if name.is_empty() {
        return Err(ApiError::BadRequest("Give the participant's name.".into()));
    }
    blocking(&state, move |catalog| {
        if let Some(board_id) = &request.board_id {
            let board = catalog.board(board_id)?;
            if board.is_none_or(|board| board.workshop_id != workshop.id) {
                return Err(ApiError::BadRequest(
                    "That board is not in this workshop.".into(),
                ));
            }
        }
        Ok(catalog.set_assignment(&workshop.id, &name, request.board_id.as_deref())?)
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a board everywhere: its room (connections are closed with 4004), its document and
/// log, its snapshots and its catalog row.
/// Deletes a board with its log, state and snapshots. The catalog row goes first: from then on
/// no room loads for the board (see `room::task`), so the room found below is the last one, and
/// nothing is written for the board after its stored data is deleted.
pub async fn purge_board(state: &AppState, board_id: &str) -> Result<(), ApiError> {
    let id = board_id.to_owned();
    blocking(state, move |catalog| Ok(catalog.delete_board(&id)?)).await?;
    if let Some(room) = state.rooms.get(board_id) {
        let (done, finished) = tokio::sync::oneshot::channel();
        if room
            .commands
            .send(RoomCommand::Delete { done })
            .await
            .is_ok()
        {
            let _ = finished.await;
        }
    }
    let store = state.rooms.store().clone();
    let id = board_id.to_owned();
    blocking(state, move |_| Ok(store.delete(&id)?)).await
}

pub async fn delete_board(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<StatusCode, ApiError> {
    let (board, workshop, role) = board_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "delete a board")?;
    purge_board(&state, &board.id).await?;
    if workshop.presenting_board.as_deref() == Some(board.id.as_str()) {
        // Nobody should be sent to a board that is gone.
        present(&state, &workshop.id, None).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a workshop with every board, log and snapshot in it.
pub async fn purge_workshop(state: &AppState, workshop_id: &str) -> Result<(), ApiError> {
    let id = workshop_id.to_owned();
    let boards = blocking(state, move |catalog| Ok(catalog.boards_of(&id)?)).await?;
    for board in &boards {
        purge_board(state, &board.id).await?;
    }
    let id = workshop_id.to_owned();
    blocking(state, move |catalog| {
        catalog.delete_workshop(&id)?;
        Ok(())
    })
    .await
}

pub async fn delete_workshop(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<StatusCode, ApiError> {
    let (workshop, role) = workshop_role(&state, &id, &token).await?;
    require(role, Role::Facilitator, "delete the workshop")?;
    purge_workshop(&state, &workshop.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
