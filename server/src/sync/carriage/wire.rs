//! The bytes of one message between nodes on a board's Redis channel: who sent it, and either
//! stored updates with their log numbers, an awareness message, or a query for awareness; or,
//! on the nodes' channel, a node's heartbeat.
//!
//! Everything read is checked as a client's frame would be (sizes and counts against the bytes
//! that remain, updates with `validate::check_update_v1`, awareness states with the websocket
//! decoder, JSON included), so a stray or damaged message is refused whole, never applied.

use bytes::Bytes;
use kartta_protocol::codec::{self, AwarenessEntry, DecodeLimits, Message};
use kartta_protocol::lib0::{self, Reader};
use kartta_protocol::validate;

/// The first byte: what follows. A node that reads a kind it does not know skips the message.
const KIND_UPDATES: u8 = 1;
const KIND_AWARENESS: u8 = 2;
const KIND_AWARENESS_QUERY: u8 = 3;
const KIND_HEARTBEAT: u8 = 4;

/// One message as read from a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relayed {
    /// The sending node's id (random per process): a node skips its own messages.
    pub node_id: u64,
    pub body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Stored updates numbered `first_seq`, `first_seq + 1`… in the board's log.
    Updates { first_seq: i64, updates: Vec<Bytes> },
    /// Awareness changes of the sender's own connections.
    Awareness { entries: Vec<AwarenessEntry> },
    /// The sender began serving the board and asks for everyone's awareness states.
    AwarenessQuery,
    /// The sender is alive (sent every few seconds on the nodes' channel).
    Heartbeat,
}

#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("empty message")]
    Empty,
    #[error("unknown kind {0}")]
    UnknownKind(u8),
    #[error("malformed: {0}")]
    Malformed(#[from] lib0::Lib0Error),
    #[error("log number out of range")]
    BadNumber,
    #[error("not an awareness message")]
    NotAwareness,
    #[error("awareness refused: {0}")]
    Awareness(#[from] codec::DecodeError),
}

fn header(kind: u8, node_id: u64, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(9 + capacity);
    out.push(kind);
    out.extend_from_slice(&node_id.to_be_bytes());
    out
}

pub fn encode_updates(node_id: u64, first_seq: i64, updates: &[Bytes]) -> Vec<u8> {
    let size = updates.iter().map(|update| update.len() + 5).sum::<usize>() + 20;
    let mut out = header(KIND_UPDATES, node_id, size);
    lib0::write_var_u64(&mut out, first_seq as u64);
    lib0::write_var_u64(&mut out, updates.len() as u64);
    for update in updates {
        lib0::write_var_bytes(&mut out, update);
    }
    out
}

/// `message` is a websocket awareness message as the room encodes it for its connections.
pub fn encode_awareness(node_id: u64, message: &[u8]) -> Vec<u8> {
    let mut out = header(KIND_AWARENESS, node_id, message.len());
    out.extend_from_slice(message);
    out
}

pub fn encode_awareness_query(node_id: u64) -> Vec<u8> {
    header(KIND_AWARENESS_QUERY, node_id, 0)
}

pub fn encode_heartbeat(node_id: u64) -> Vec<u8> {
    header(KIND_HEARTBEAT, node_id, 0)
}

pub fn decode(payload: &Bytes, limits: &DecodeLimits) -> Result<Relayed, WireError> {
    let (&kind, rest) = payload.split_first().ok_or(WireError::Empty)?;
    let mut reader = Reader::new(rest);
    let node_id = u64::from_be_bytes(
        reader
            .read_exact(8)?
            .try_into()
            .map_err(|_| WireError::Empty)?,
    );
    let body = match kind {
        KIND_UPDATES => {
            let first_seq =
                i64::try_from(reader.read_var_u64()?).map_err(|_| WireError::BadNumber)?;
            // Each update is a length and at least two bytes (an empty v1 update).
            let count = reader.read_count(3)?;
            if first_seq < 1 || first_seq.checked_add(count as i64).is_none() {
                return Err(WireError::BadNumber);
            }
            let mut updates = Vec::with_capacity(count);
            for _ in 0..count {
                let update = reader.read_var_bytes()?;
                validate::check_update_v1(update)?;
                // A slice of the payload, not a copy.
                let start = 1 + (update.as_ptr() as usize - rest.as_ptr() as usize);
                updates.push(payload.slice(start..start + update.len()));
            }
            reader.expect_end()?;
            Body::Updates { first_seq, updates }
        }
        KIND_AWARENESS => {
            let frame = payload.slice(1 + 8..);
            match codec::decode_frame(&frame, limits)?.as_mut_slice() {
                [Message::Awareness(update)] => Body::Awareness {
                    entries: std::mem::take(&mut update.entries),
                },
                _ => return Err(WireError::NotAwareness),
            }
        }
        KIND_AWARENESS_QUERY => {
            reader.expect_end()?;
            Body::AwarenessQuery
        }
        KIND_HEARTBEAT => {
            reader.expect_end()?;
            Body::Heartbeat
        }
        other => return Err(WireError::UnknownKind(other)),
    };
    Ok(Relayed { node_id, body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kartta_core::testing::ValueWriter;

    fn update(value: i64) -> Bytes {
        match ValueWriter::new().set(value) {
            Message::Update(bytes) => bytes,
            _ => unreachable!(),
        }
    }

    #[test]
    fn every_kind_reads_back_as_it_was_written() {
        let limits = DecodeLimits::default();
        let updates = vec![update(1), update(2)];
        let read = decode(&Bytes::from(encode_updates(7, 41, &updates)), &limits).unwrap();
        assert_eq!(
            read,
            Relayed {
                node_id: 7,
                body: Body::Updates {
                    first_seq: 41,
                    updates
                }
            }
        );
        let message = codec::encode_awareness([(5, 3, br#"{"a":1}"#.as_slice())]);
        let read = decode(&Bytes::from(encode_awareness(8, &message)), &limits).unwrap();
        let Body::Awareness { entries } = read.body else {
            panic!("{read:?}")
        };
        assert_eq!((entries[0].client_id, entries[0].clock), (5, 3));
        let read = decode(&Bytes::from(encode_awareness_query(9)), &limits).unwrap();
        assert_eq!(read.body, Body::AwarenessQuery);
        let read = decode(&Bytes::from(encode_heartbeat(10)), &limits).unwrap();
        assert_eq!((read.node_id, read.body), (10, Body::Heartbeat));
    }

    #[test]
    fn damaged_or_hostile_messages_are_refused_whole() {
        let limits = DecodeLimits::default();
        let good = encode_updates(7, 1, &[update(1)]);
        for cut in 0..good.len() {
            assert!(
                decode(&Bytes::copy_from_slice(&good[..cut]), &limits).is_err(),
                "cut at {cut}"
            );
        }
        // A count of four billion updates in a few bytes allocates nothing.
        let mut huge = header(KIND_UPDATES, 7, 0);
        lib0::write_var_u64(&mut huge, 1);
        lib0::write_var_u64(&mut huge, u32::MAX as u64);
        assert!(decode(&Bytes::from(huge), &limits).is_err());
        // yrs's half-gigabyte trap as an update.
        let mut trap = header(KIND_UPDATES, 7, 0);
        lib0::write_var_u64(&mut trap, 1);
        lib0::write_var_u64(&mut trap, 1);
        lib0::write_var_bytes(&mut trap, &[0xFF, 0xFF, 0xFF, 0x7A]);
        assert!(decode(&Bytes::from(trap), &limits).is_err());
        let not_json = codec::encode_awareness([(5, 3, b"{oops".as_slice())]);
        assert!(decode(&Bytes::from(encode_awareness(8, &not_json)), &limits).is_err());
        assert!(decode(&Bytes::from_static(&[99, 0, 0, 0, 0, 0, 0, 0, 1]), &limits).is_err());
        let mut long_heartbeat = encode_heartbeat(7);
        long_heartbeat.push(0);
        assert!(decode(&Bytes::from(long_heartbeat), &limits).is_err());
        let mut zero = header(KIND_UPDATES, 7, 0);
        lib0::write_var_u64(&mut zero, 0);
        lib0::write_var_u64(&mut zero, 0);
        assert!(
            decode(&Bytes::from(zero), &limits).is_err(),
            "numbers start at 1"
        );
    }
}
