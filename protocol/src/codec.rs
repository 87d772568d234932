//! The Yjs sync and awareness messages as they travel in websocket binary frames.
//!
//! Decoding is size-limited and never panics: each message is checked with
//! [`crate::validate`] before anything reaches `yrs`. Payloads stay as slices of the incoming
//! frame ([`Bytes`]), so the server can persist and relay them without copying.
//! The layout is the one `yrs::sync::Message` and the JavaScript `y-protocols` use; the tests
//! check both directions against `yrs::sync`.

use bytes::Bytes;
use thiserror::Error;

use crate::json::{check_json, JsonError};
use crate::lib0::{self, Lib0Error, Reader};
use crate::validate::{check_state_vector, check_update_v1};

pub const MESSAGE_SYNC: u64 = 0;
pub const MESSAGE_AWARENESS: u64 = 1;
pub const MESSAGE_AUTH: u64 = 2;
pub const MESSAGE_QUERY_AWARENESS: u64 = 3;
pub const SYNC_STEP1: u64 = 0;
pub const SYNC_STEP2: u64 = 1;
pub const SYNC_UPDATE: u64 = 2;
pub const AUTH_PERMISSION_DENIED: u64 = 0;

/// Limits applied while decoding one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest frame accepted, in bytes.
    pub max_message_bytes: usize,
    /// Most client states one awareness message may carry. A client announces its own id, and
    /// a few more at most (a relay of several tabs); more is abuse.
    pub max_awareness_clients: usize,
    /// Largest JSON state of one awareness client, in bytes.
    pub max_awareness_state_bytes: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_message_bytes: 8 * 1024 * 1024,
            max_awareness_clients: 16,
            max_awareness_state_bytes: 16 * 1024,
        }
    }
}

/// One decoded message. Update payloads have passed [`check_update_v1`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// The sender's state vector (v1 encoding, checked), asking for what it lacks.
    SyncStep1(Bytes),
    /// The answer to a step 1: a v1 update.
    SyncStep2(Bytes),
    /// An incremental v1 update.
    Update(Bytes),
    Awareness(AwarenessUpdate),
    /// `None` means permission granted; `Some(reason)` permission denied.
    Auth(Option<String>),
    QueryAwareness,
}

/// One awareness message: the states of some clients. A `null` state means the client left.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AwarenessUpdate {
    pub entries: Vec<AwarenessEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwarenessEntry {
    pub client_id: u64,
    pub clock: u32,
    /// The state as JSON text, exactly as the client sent it.
    pub state_json: Bytes,
}

impl AwarenessEntry {
    pub fn is_removal(&self) -> bool {
        self.state_json.as_ref() == b"null"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    #[error("message of {size} bytes exceeds the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("empty frame")]
    Empty,
    #[error("unknown message type {0}")]
    UnknownMessageType(u64),
    #[error("unknown sync message type {0}")]
    UnknownSyncType(u64),
    #[error("awareness message lists {count} clients, the limit is {limit}")]
    TooManyAwarenessClients { count: usize, limit: usize },
    #[error("awareness state of {size} bytes exceeds the limit of {limit}")]
    AwarenessStateTooLarge { size: usize, limit: usize },
    /// Stock clients `JSON.parse` every state they receive and lose the whole message when one
    /// throws, so a state that is not JSON must never be relayed.
    #[error("awareness state is not JSON: {0}")]
    AwarenessStateNotJson(JsonError),
    #[error("malformed message: {0}")]
    Malformed(#[from] Lib0Error),
}

/// Decodes every message of one websocket binary frame.
///
/// A frame normally carries one message; several back to back are accepted. The whole frame
/// must be consumed: a truncated last message is an error, not a clean end.
pub fn decode_frame(frame: &Bytes, limits: &DecodeLimits) -> Result<Vec<Message>, DecodeError> {
    if frame.len() > limits.max_message_bytes {
        return Err(DecodeError::TooLarge {
            size: frame.len(),
            limit: limits.max_message_bytes,
        });
    }
    if frame.is_empty() {
        return Err(DecodeError::Empty);
    }
    let mut reader = Reader::new(frame);
    let mut messages = Vec::with_capacity(1);
    while !reader.is_empty() {
        messages.push(decode_one(frame, &mut reader, limits)?);
    }
    Ok(messages)
}

fn slice_of(frame: &Bytes, reader: &Reader, payload: &[u8]) -> Bytes {
    let end = reader.position();
    frame.slice(end - payload.len()..end)
}

fn decode_one(
    frame: &Bytes,
    reader: &mut Reader,
    limits: &DecodeLimits,
) -> Result<Message, DecodeError> {
    match reader.read_var_u64()? {
        MESSAGE_SYNC => {
            let sync_type = reader.read_var_u64()?;
            let payload = reader.read_var_bytes()?;
            let bytes = slice_of(frame, reader, payload);
            match sync_type {
                SYNC_STEP1 => {
                    check_state_vector(payload)?;
                    Ok(Message::SyncStep1(bytes))
                }
                SYNC_STEP2 => {
                    check_update_v1(payload)?;
                    Ok(Message::SyncStep2(bytes))
                }
                SYNC_UPDATE => {
                    check_update_v1(payload)?;
                    Ok(Message::Update(bytes))
                }
                other => Err(DecodeError::UnknownSyncType(other)),
            }
        }
        MESSAGE_AWARENESS => {
            let payload = reader.read_var_bytes()?;
            let payload = slice_of(frame, reader, payload);
            decode_awareness(&payload, limits).map(Message::Awareness)
        }
        MESSAGE_AUTH => match reader.read_var_u64()? {
            AUTH_PERMISSION_DENIED => Ok(Message::Auth(Some(reader.read_var_string()?.to_owned()))),
            _ => Ok(Message::Auth(None)),
        },
        MESSAGE_QUERY_AWARENESS => Ok(Message::QueryAwareness),
        other => Err(DecodeError::UnknownMessageType(other)),
    }
}

/// Decodes the payload of an awareness message (without the message type). Every state must be
/// JSON (`null` is a removal).
pub fn decode_awareness(
    payload: &Bytes,
    limits: &DecodeLimits,
) -> Result<AwarenessUpdate, DecodeError> {
    let mut reader = Reader::new(payload);
    // Each entry is a client id, a clock and a JSON string: at least three bytes.
    let count = reader.read_count(3)?;
    if count > limits.max_awareness_clients {
        return Err(DecodeError::TooManyAwarenessClients {
            count,
            limit: limits.max_awareness_clients,
        });
    }
    let mut entries = Vec::with_capacity(count);
    for _ in 0..count {
        let client_id = reader.read_client_id()?;
        let clock = reader.read_var_u32()?;
        let state = reader.read_var_string()?;
        if state.len() > limits.max_awareness_state_bytes {
            return Err(DecodeError::AwarenessStateTooLarge {
                size: state.len(),
                limit: limits.max_awareness_state_bytes,
            });
        }
        check_json(state).map_err(DecodeError::AwarenessStateNotJson)?;
        let state_json = slice_of(payload, &reader, state.as_bytes());
        entries.push(AwarenessEntry {
            client_id,
            clock,
            state_json,
        });
    }
    reader.expect_end()?;
    Ok(AwarenessUpdate { entries })
}

fn sync_message(sync_type: u64, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 12);
    lib0::write_var_u64(&mut out, MESSAGE_SYNC);
    lib0::write_var_u64(&mut out, sync_type);
    lib0::write_var_bytes(&mut out, payload);
    out
}

pub fn encode_sync_step1(state_vector_v1: &[u8]) -> Vec<u8> {
    sync_message(SYNC_STEP1, state_vector_v1)
}

pub fn encode_sync_step2(update_v1: &[u8]) -> Vec<u8> {
    sync_message(SYNC_STEP2, update_v1)
}

pub fn encode_update(update_v1: &[u8]) -> Vec<u8> {
    sync_message(SYNC_UPDATE, update_v1)
}

/// Encodes an awareness message from `(client id, clock, JSON state)` entries.
pub fn encode_awareness<'a>(entries: impl IntoIterator<Item = (u64, u32, &'a [u8])>) -> Vec<u8> {
    let entries: Vec<_> = entries.into_iter().collect();
    let payload_len: usize = entries
        .iter()
        .map(|(_, _, json)| json.len() + 16)
        .sum::<usize>()
        + 8;
    let mut payload = Vec::with_capacity(payload_len);
    lib0::write_var_u64(&mut payload, entries.len() as u64);
    for (client_id, clock, json) in entries {
        lib0::write_var_u64(&mut payload, client_id);
        lib0::write_var_u64(&mut payload, u64::from(clock));
        lib0::write_var_bytes(&mut payload, json);
    }
    let mut out = Vec::with_capacity(payload.len() + 6);
    lib0::write_var_u64(&mut out, MESSAGE_AWARENESS);
    lib0::write_var_bytes(&mut out, &payload);
    out
}

/// An awareness message that lists no client: valid, cheap, and counted as traffic by the
/// stock client's liveness check.
pub fn encode_awareness_keepalive() -> Vec<u8> {
    encode_awareness(std::iter::empty())
}

pub fn encode_query_awareness() -> Vec<u8> {
    vec![MESSAGE_QUERY_AWARENESS as u8]
}

pub fn encode_permission_denied(reason: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(reason.len() + 4);
    lib0::write_var_u64(&mut out, MESSAGE_AUTH);
    lib0::write_var_u64(&mut out, AUTH_PERMISSION_DENIED);
    lib0::write_var_string(&mut out, reason);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use yrs::sync::{Message as YMessage, SyncMessage};
    use yrs::updates::decoder::Decode;
    use yrs::updates::encoder::Encode;
    use yrs::{Doc, Map, ReadTxn, StateVector, Transact};

    fn limits() -> DecodeLimits {
        DecodeLimits::default()
    }

    fn sample_update(text: &str) -> Vec<u8> {
        let doc = Doc::new();
        let map = doc.get_or_insert_map("actors");
        map.insert(&mut doc.transact_mut(), "name", text);
        let update = doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        update
    }

    #[test]
    fn sync_messages_match_yrs_encoding() {
        let update = sample_update("Varsinais-Suomi");
        let ours = encode_update(&update);
        let theirs = YMessage::Sync(SyncMessage::Update(update.clone())).encode_v1();
        assert_eq!(ours, theirs);
        assert_eq!(
            encode_sync_step2(&update),
            YMessage::Sync(SyncMessage::SyncStep2(update.clone())).encode_v1()
        );
        let sv = StateVector::default().encode_v1();
        assert_eq!(
            encode_sync_step1(&sv),
            YMessage::Sync(SyncMessage::SyncStep1(StateVector::default())).encode_v1()
        );
        assert_eq!(
            encode_query_awareness(),
            YMessage::AwarenessQuery.encode_v1()
        );
        assert_eq!(
            encode_permission_denied("read-only"),
            YMessage::Auth(Some("read-only".into())).encode_v1()
        );
        let decoded = decode_frame(&Bytes::from(ours), &limits()).unwrap();
        assert_eq!(decoded, vec![Message::Update(Bytes::from(update))]);
    }

    #[test]
    fn awareness_round_trips_through_yrs() {
        let encoded = encode_awareness([
            (7u64, 3u32, br#"{"user":{"name":"Aino"}}"#.as_slice()),
            (9, 1, b"null"),
        ]);
        let theirs = YMessage::decode_v1(&encoded).unwrap();
        let YMessage::Awareness(update) = theirs else {
            panic!("not awareness: {theirs:?}")
        };
        assert_eq!(update.clients.len(), 2);
        let again = YMessage::Awareness(update).encode_v1();
        let ours = decode_frame(&Bytes::from(again), &limits()).unwrap();
        let [Message::Awareness(update)] = ours.as_slice() else {
            panic!("{ours:?}")
        };
        let mut entries: Vec<_> = update
            .entries
            .iter()
            .map(|e| (e.client_id, e.clock, e.is_removal()))
            .collect();
        entries.sort();
        assert_eq!(entries, vec![(7, 3, false), (9, 1, true)]);
    }

    #[test]
    fn limits_are_enforced() {
        let big = Bytes::from(vec![0u8; 100]);
        let small = DecodeLimits {
            max_message_bytes: 99,
            ..limits()
        };
        assert!(matches!(
            decode_frame(&big, &small),
            Err(DecodeError::TooLarge { .. })
        ));
        let many: Vec<(u64, u32, &[u8])> = (0..20).map(|i| (i, 1, b"{}".as_slice())).collect();
        let frame = Bytes::from(encode_awareness(many));
        assert!(matches!(
            decode_frame(&frame, &limits()),
            Err(DecodeError::TooManyAwarenessClients { .. })
        ));
        let huge_state = vec![b'x'; 20_000];
        let frame = Bytes::from(encode_awareness([(1, 1, huge_state.as_slice())]));
        assert!(matches!(
            decode_frame(&frame, &limits()),
            Err(DecodeError::AwarenessStateTooLarge { .. })
        ));
        assert_eq!(
            decode_frame(&Bytes::new(), &limits()),
            Err(DecodeError::Empty)
        );
        assert_eq!(
            decode_frame(&Bytes::from_static(&[9]), &limits()),
            Err(DecodeError::UnknownMessageType(9))
        );
        assert_eq!(
            decode_frame(&Bytes::from_static(&[0, 5, 0]), &limits()),
            Err(DecodeError::UnknownSyncType(5))
        );
    }

    #[test]
    fn awareness_states_must_be_json() {
        let broken = encode_awareness([
            (1, 1, br#"{"user":{"name":"Aino"}}"#.as_slice()),
            (2, 1, br#"{"user": not json"#.as_slice()),
        ]);
        assert!(matches!(
            decode_frame(&Bytes::from(broken), &limits()),
            Err(DecodeError::AwarenessStateNotJson(_))
        ));
        let removal = encode_awareness([(2, 2, b"null".as_slice())]);
        assert!(decode_frame(&Bytes::from(removal), &limits()).is_ok());
    }

    #[test]
    fn truncated_last_message_is_an_error() {
        let mut frame = encode_update(&sample_update("a"));
        frame.extend(encode_update(&sample_update("b")));
        assert_eq!(
            decode_frame(&Bytes::from(frame.clone()), &limits())
                .unwrap()
                .len(),
            2
        );
        frame.pop();
        assert!(decode_frame(&Bytes::from(frame), &limits()).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let frame = Bytes::from(bytes);
            if let Ok(messages) = decode_frame(&frame, &limits()) {
                for message in messages {
                    if let Message::Update(update) | Message::SyncStep2(update) = message {
                        // Whatever passed the checks must be safe to hand to yrs.
                        let _ = yrs::Update::decode_v1(&update);
                    }
                }
            }
        }

        #[test]
        fn updates_round_trip(text in ".{0,200}", clock in 0u32..1000, id in 0u64..(1 << 53)) {
            let update = sample_update(&text);
            let frame = Bytes::from(encode_update(&update));
            prop_assert_eq!(decode_frame(&frame, &limits()).unwrap(), vec![Message::Update(Bytes::from(update))]);
            let json = format!("{{\"name\":{}}}", serde_json::to_string(&text).unwrap());
            let frame = Bytes::from(encode_awareness([(id, clock, json.as_bytes())]));
            let decoded = decode_frame(&frame, &limits()).unwrap();
            let expected = AwarenessEntry { client_id: id, clock, state_json: Bytes::from(json) };
            prop_assert_eq!(decoded, vec![Message::Awareness(AwarenessUpdate { entries: vec![expected] })]);
        }

        #[test]
        fn mutated_real_updates_never_panic(index in 0usize..10_000, value in any::<u8>()) {
            let mut update = sample_update("Turun kaupunki");
            let index = index % update.len();
            update[index] = value;
            let frame = Bytes::from(encode_update(&update));
            if let Ok(messages) = decode_frame(&frame, &limits()) {
                for message in messages {
                    if let Message::Update(update) = message {
                        if let Ok(update) = yrs::Update::decode_v1(&update) {
                            let doc = Doc::new();
                            let _ = doc.transact_mut().apply_update(update);
                        }
                    }
                }
            }
        }
    }
}
