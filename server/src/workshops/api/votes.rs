//! Dot voting: the facilitator starts, reveals and ends a workshop's vote; participants place
//! and take back their dots through these endpoints, never through the board document, so the
//! server can hold each voter to their dots and to their own.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kartta_protocol::api::Role;
use kartta_protocol::schema::{field, root};
use kartta_protocol::vote::{
    is_valid_voter_secret, DotChange, DotRequest, StartVoteRequest, VoteStatus, VoteView,
    VoterRequest, MAX_ACTOR_ID_CHARS, MAX_DOTS_PER_PERSON, MIN_DOTS_PER_PERSON,
};
use yrs::{Any, Map, WriteTxn};

use super::boards::edit_board;
use super::export::current_state;
use super::{blocking, board_role, require, workshop_role, ApiJson, Token};
use crate::http::ApiError;
use crate::workshops::board_doc;
use crate::workshops::catalog::votes::{voter_key, DotOutcome, DotTarget};
use crate::workshops::catalog::{BoardRecord, WorkshopRecord};
use crate::AppState;

const MAX_QUESTION_CHARS: usize = 200;

/// Writes each board's `meta.vote` (`None` removes it), as the timer is written: every open
/// board of the workshop sees the vote start, its results and its end.
async fn mirror_vote(
    state: &AppState,
    boards: &[BoardRecord],
    value_for: impl Fn(&BoardRecord) -> Option<Any>,
) -> Result<(), ApiError> {
    for board in boards {
        let value = value_for(board);
        edit_board(state, &board.id, || {
            let value = value.clone();
            Box::new(move |txn| {
                let meta = txn.get_or_insert_map(root::META);
                match value {
                    Some(value) => {
                        meta.insert(txn, field::meta::VOTE, value);
                    }
                    None => {
                        meta.remove(txn, field::meta::VOTE);
                    }
                }
            })
        })
        .await?;
    }
    Ok(())
}

async fn facilitator_of(
    state: &AppState,
    workshop_id: &str,
    token: &Token,
    action: &str,
) -> Result<(WorkshopRecord, Vec<BoardRecord>), ApiError> {
    let (workshop, role) = workshop_role(state, workshop_id, token).await?;
    require(role, Role::Facilitator, action)?;
    let id = workshop.id.clone();
    let boards = blocking(state, move |catalog| Ok(catalog.boards_of(&id)?)).await?;
    Ok((workshop, boards))
}

fn no_vote() -> ApiError {
    ApiError::Invalid {
        code: "no_vote",
        message: "No vote is running in this workshop.".into(),
    }
}

/// `GET /api/workshops/{id}/vote` (any role): the running vote, without totals, or `null`.
pub async fn current(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Json<Option<VoteView>>, ApiError> {
    let (workshop, _) = workshop_role(&state, &id, &token).await?;
    let vote = blocking(&state, move |catalog| Ok(catalog.vote(&workshop.id)?)).await?;
    Ok(Json(vote))
}

/// `PUT /api/workshops/{id}/vote` (facilitator): starts a vote, ending any running one.
pub async fn start(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<StartVoteRequest>,
) -> Result<Json<VoteView>, ApiError> {
    let (workshop, boards) = facilitator_of(&state, &id, &token, "start a vote").await?;
    let title = request.title.trim().to_owned();
    if title.chars().count() > MAX_QUESTION_CHARS {
        return Err(ApiError::BadRequest(format!(
            "The question may be at most {MAX_QUESTION_CHARS} characters long."
        )));
    }
    if !(MIN_DOTS_PER_PERSON..=MAX_DOTS_PER_PERSON).contains(&request.dots) {
        return Err(ApiError::BadRequest(format!(
            "Each person may get {MIN_DOTS_PER_PERSON} to {MAX_DOTS_PER_PERSON} dots."
        )));
    }
    let dots = request.dots;
    let vote = blocking(&state, move |catalog| {
        Ok(catalog.start_vote(&workshop.id, &title, dots)?)
    })
    .await?;
    let value = vote.to_any();
    mirror_vote(&state, &boards, |_| Some(value.clone())).await?;
    Ok(Json(vote))
}

/// `POST /api/workshops/{id}/vote/reveal` (facilitator): closes the vote and writes each
/// board's totals into its `meta.vote`, where every map, outline and export shows them.
pub async fn reveal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<StatusCode, ApiError> {
    let (workshop, boards) = facilitator_of(&state, &id, &token, "reveal a vote").await?;
    let board_ids: Vec<String> = boards.iter().map(|board| board.id.clone()).collect();
    // Dots are refused from the moment `revealed` is stored, so these totals are final.
    let (vote, totals) = blocking(&state, move |catalog| {
        let vote = catalog.reveal_vote(&workshop.id)?.ok_or_else(no_vote)?;
        let totals = board_ids
            .iter()
            .map(|board_id| Ok((board_id.clone(), catalog.vote_totals(&vote.id, board_id)?)))
            .collect::<Result<BTreeMap<_, _>, ApiError>>()?;
        Ok((vote, totals))
    })
    .await?;
    mirror_vote(&state, &boards, |board| {
        let totals = totals.get(&board.id).cloned().unwrap_or_default();
        Some(
            VoteView {
                totals: Some(totals),
                ..vote.clone()
            }
            .to_any(),
        )
    })
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/workshops/{id}/vote` (facilitator): ends the vote; its dots are deleted and the
/// boards no longer show it. Ending when none runs changes nothing.
pub async fn end(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<StatusCode, ApiError> {
    let (workshop, boards) = facilitator_of(&state, &id, &token, "end a vote").await?;
    blocking(&state, move |catalog| Ok(catalog.end_vote(&workshop.id)?)).await?;
    mirror_vote(&state, &boards, |_| None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives a board made during a vote (a fork) the workshop's vote of now rather than whatever
/// vote its snapshot showed: a revealed vote with no dots here yet, or none.
pub async fn mirror_into_new_board(state: &AppState, board: &BoardRecord) -> Result<(), ApiError> {
    let workshop_id = board.workshop_id.clone();
    let vote = blocking(state, move |catalog| Ok(catalog.vote(&workshop_id)?)).await?;
    let value = vote.map(|vote| {
        VoteView {
            totals: vote.revealed.then(BTreeMap::new),
            ..vote
        }
        .to_any()
    });
    mirror_vote(state, std::slice::from_ref(board), |_| value.clone()).await
}

fn checked_voter(secret: &str) -> Result<(), ApiError> {
    if is_valid_voter_secret(secret) {
        return Ok(());
    }
    Err(ApiError::Invalid {
        code: "invalid_voter",
        message: "The voter key must be 22 to 86 characters of A–Z, a–z, 0–9, - and _.".into(),
    })
}

/// What `voter` sees of the vote on `board`: their own dots and how many are left, and the
/// totals only once revealed (the facilitator sees them all along).
async fn status(
    state: &AppState,
    board: &BoardRecord,
    role: Role,
    secret: &str,
) -> Result<VoteStatus, ApiError> {
    let workshop_id = board.workshop_id.clone();
    let board_id = board.id.clone();
    let secret = secret.to_owned();
    blocking(state, move |catalog| {
        let Some(mut vote) = catalog.vote(&workshop_id)? else {
            return Ok(VoteStatus {
                vote: None,
                mine: BTreeMap::new(),
                left: 0,
                totals: None,
            });
        };
        let key = voter_key(&vote.id, &secret);
        let mine = catalog.voter_dots(&vote.id, &key, &board_id)?;
        let totals = if vote.revealed || role == Role::Facilitator {
            Some(catalog.vote_totals(&vote.id, &board_id)?)
        } else {
            None
        };
        if vote.revealed {
            vote.totals = totals.clone();
        }
        Ok(VoteStatus {
            left: vote.dots.saturating_sub(mine.placed),
            vote: Some(vote),
            mine: mine.on_board,
            totals,
        })
    })
    .await
}

/// `POST /api/boards/{id}/votes/mine` (participant).
pub async fn mine(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<VoterRequest>,
) -> Result<Json<VoteStatus>, ApiError> {
    let (board, _, role) = board_role(&state, &id, &token).await?;
    require(role, Role::Participant, "vote")?;
    checked_voter(&request.voter)?;
    Ok(Json(status(&state, &board, role, &request.voter).await?))
}

/// `POST /api/boards/{id}/votes` (participant): places or takes back one dot. Voting is open
/// on locked boards too: a facilitator often locks the maps before the vote.
pub async fn change(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    ApiJson(request): ApiJson<DotRequest>,
) -> Result<Json<VoteStatus>, ApiError> {
    let (board, _, role) = board_role(&state, &id, &token).await?;
    require(role, Role::Participant, "vote")?;
    checked_voter(&request.voter)?;
    if request.actor_id.is_empty() || request.actor_id.chars().count() > MAX_ACTOR_ID_CHARS {
        return Err(ApiError::BadRequest("No such actor on this board.".into()));
    }
    if request.change == DotChange::Place {
        // Dots go on actors that exist; taking one back works even after its actor was deleted.
        let bytes = current_state(&state, &board.id).await?;
        let on_board = board_doc::export(&bytes)
            .is_some_and(|view| view.actors.iter().any(|actor| actor.id == request.actor_id));
        if !on_board {
            return Err(ApiError::BadRequest("No such actor on this board.".into()));
        }
    }
    let workshop_id = board.workshop_id.clone();
    let board_id = board.id.clone();
    let secret = request.voter.clone();
    let actor_id = request.actor_id.clone();
    let outcome = blocking(&state, move |catalog| {
        let vote = catalog.vote(&workshop_id)?.ok_or_else(no_vote)?;
        let key = voter_key(&vote.id, &secret);
        let target = DotTarget {
            workshop_id: &workshop_id,
            vote_id: &vote.id,
            voter_key: &key,
            board_id: &board_id,
            actor_id: &actor_id,
        };
        Ok(catalog.change_dot(&target, request.change)?)
    })
    .await?;
    match outcome {
        DotOutcome::Changed => Ok(Json(status(&state, &board, role, &request.voter).await?)),
        DotOutcome::Refused(refused) => Err(ApiError::Invalid {
            code: match refused {
                kartta_protocol::vote::DotRefused::NoDotsLeft => "no_dots_left",
                kartta_protocol::vote::DotRefused::NothingToTakeBack => "no_dot_to_take_back",
            },
            message: refused.to_string(),
        }),
        DotOutcome::NoVote => Err(no_vote()),
        DotOutcome::Closed => Err(ApiError::Invalid {
            code: "vote_closed",
            message: "The results are out: dots can no longer be moved.".into(),
        }),
        DotOutcome::TooManyVoters => Err(ApiError::Invalid {
            code: "too_many_voters",
            message: "This vote has as many voters as it accepts.".into(),
        }),
    }
}
