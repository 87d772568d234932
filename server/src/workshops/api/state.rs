//! `GET /api/boards/{id}/state`: a board's stored state as one Yjs v2 update, and
//! `GET /api/boards/{id}/view`: the same board as plain JSON, for read-only views (the compare
//! page) that draw it before they open the board's live websocket.
//!
//! Who may read it is who may read the board over its websocket: any role the board gives (see
//! [`super::board_role`]), or anyone when the server runs with open boards. The state is the one
//! the room answers a snapshot with, so it holds nothing that is not stored yet. Its v2 encoding is
//! kept by tag ([`super::state_cache`]): the same state asked for again is not re-encoded.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use sha2::{Digest, Sha256};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::Update;

use axum::Json;
use kartta_protocol::schema::BoardView;

use super::export::current_state;
use super::{ask_room, board_role, Token};
use crate::http::ApiError;
use crate::sync::room::RoomCommand;
use crate::AppState;

/// The media type of the answer: the bytes are an update in Yjs's v2 encoding (`Y.applyUpdateV2`).
const YJS_UPDATE_V2: &str = "application/vnd.kartta.yjs-update-v2";

pub async fn board_state(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_reader(&state, &id, &token).await?;
    let v1_state = current_state(&state, &id).await?;
    let entity_tag = strong_entity_tag(&v1_state);
    if if_none_match_includes(&request_headers, &entity_tag) {
        return Ok(answer(StatusCode::NOT_MODIFIED, &entity_tag, Bytes::new()));
    }
    if let Some(v2_state) = state.state_v2_cache.get(&id, &entity_tag) {
        return Ok(answer(StatusCode::OK, &entity_tag, v2_state));
    }
    let v2_state = tokio::task::spawn_blocking(move || v2_encoding(&v1_state))
        .await
        .map_err(|error| ApiError::Internal(error.to_string()))??;
    let v2_state = Bytes::from(v2_state);
    state.metrics.state_v2_encodings.inc();
    state
        .state_v2_cache
        .insert(&id, &entity_tag, v2_state.clone());
    Ok(answer(StatusCode::OK, &entity_tag, v2_state))
}

/// `GET /api/boards/{id}/view`: the board as plain data ([`BoardView`] as JSON), read in its
/// room, for the same readers as the state. A page that only shows a board draws from this at
/// once (a JSON parse) and decodes the Yjs state only when it connects: decoding two 500-actor
/// states was most of the compare page's first second, in functions not yet compiled.
pub async fn board_view(
    State(state): State<AppState>,
    Path(id): Path<String>,
    token: Token,
) -> Result<Response, ApiError> {
    require_reader(&state, &id, &token).await?;
    let view: BoardView = ask_room(&state, &id, |reply| RoomCommand::View { view: reply }).await?;
    let mut response = Json(view).into_response();
    // Behind a token, and changing with every edit: nothing keeps it.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// Who may read a board's state or view: anyone who may open it, or, on an open server (as
/// the websocket there), any caller with a well-formed id.
async fn require_reader(state: &AppState, id: &str, token: &Token) -> Result<(), ApiError> {
    if state.config.open_boards {
        if !kartta_protocol::is_valid_board_id(id) {
            return Err(ApiError::NotFound);
        }
    } else {
        board_role(state, id, token).await?;
    }
    Ok(())
}

/// Re-encodes a v1 update in the v2 encoding, which keeps each distinct string (a field key such as
/// `name`, repeated in every actor) once instead of once per use: a third fewer bytes for a
/// 500-actor board, and less for the browser to decode.
fn v2_encoding(v1_state: &[u8]) -> Result<Vec<u8>, ApiError> {
    let update = Update::decode_v1(v1_state)
        .map_err(|error| ApiError::Internal(format!("a board's state does not decode: {error}")))?;
    Ok(update.encode_v2())
}

/// The same v1 bytes always give the same v2 bytes, so a hash of the v1 state is a strong tag of the
/// answer, known before it is re-encoded: an unchanged board is answered 304 without that work.
fn strong_entity_tag(v1_state: &[u8]) -> String {
    let digest = Sha256::digest(v1_state);
    let hex: String = digest[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("\"{hex}\"")
}

fn if_none_match_includes(request_headers: &HeaderMap, entity_tag: &str) -> bool {
    request_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|candidate| candidate == entity_tag || candidate == "*")
}

fn answer(status: StatusCode, entity_tag: &str, body: Bytes) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(YJS_UPDATE_V2),
    );
    // Private: the state is behind a token. No-cache: a live board changes, so a kept copy is used
    // only after the server confirmed its tag.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if let Ok(value) = HeaderValue::from_str(entity_tag) {
        headers.insert(header::ETAG, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, GetString, Map, ReadTxn, StateVector, Text, Transact, WriteTxn};

    fn board_with_an_actor() -> Vec<u8> {
        let doc = Doc::new();
        {
            let mut txn = doc.transact_mut();
            let actors = txn.get_or_insert_map("actors");
            let actor = actors.insert(&mut txn, "a1", yrs::MapPrelim::default());
            actor.insert(&mut txn, "name", "Turun kaupunki");
            let notes = txn.get_or_insert_text("note");
            notes.insert(&mut txn, 0, "Åbo");
        }
        let txn = doc.transact();
        txn.encode_state_as_update_v1(&StateVector::default())
    }

    #[test]
    fn the_v2_encoding_holds_the_same_document() {
        let v1_state = board_with_an_actor();
        let v2_state = v2_encoding(&v1_state).unwrap();
        let doc = Doc::new();
        doc.transact_mut()
            .apply_update(Update::decode_v2(&v2_state).unwrap())
            .unwrap();
        let txn = doc.transact();
        let actors = txn.get_map("actors").unwrap();
        let actor = actors.get(&txn, "a1").unwrap();
        let yrs::Out::YMap(actor) = actor else {
            panic!("an actor is a map")
        };
        assert_eq!(
            actor.get(&txn, "name").unwrap().to_string(&txn),
            "Turun kaupunki"
        );
        assert_eq!(txn.get_text("note").unwrap().get_string(&txn), "Åbo");
    }

    #[test]
    fn a_state_that_does_not_decode_is_an_error_not_a_panic() {
        // One client announced with one block, then nothing: cut short.
        assert!(matches!(
            v2_encoding(&[0x01, 0x01]),
            Err(ApiError::Internal(_))
        ));
    }

    #[test]
    fn the_tag_follows_the_state_and_if_none_match_lists_are_read() {
        let tag = strong_entity_tag(b"one state");
        assert_eq!(tag, strong_entity_tag(b"one state"));
        assert_ne!(tag, strong_entity_tag(b"another state"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&format!("\"old\", {tag}")).unwrap(),
        );
        assert!(if_none_match_includes(&headers, &tag));
        assert!(!if_none_match_includes(&HeaderMap::new(), &tag));
    }
}
