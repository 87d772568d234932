//! Arbitrary bytes as one websocket frame, through the path the server takes: decode with
//! limits, then hand accepted updates and state vectors to yrs and apply them to a document
//! that already holds a board. Nothing may panic, abort or allocate without bound.
#![no_main]

use bytes::Bytes;
use kartta_protocol::codec::{decode_frame, DecodeLimits, Message};
use libfuzzer_sys::fuzz_target;
use yrs::updates::decoder::Decode;
use yrs::{Doc, Map, ReadTxn, StateVector, Text, Transact, Update};

fn board() -> Doc {
    let doc = Doc::with_client_id(1);
    let actors = doc.get_or_insert_map("actors");
    let body = doc.get_or_insert_text("body");
    let mut txn = doc.transact_mut();
    actors.insert(&mut txn, "a1", "Turku");
    body.insert(&mut txn, 0, "Varsinais-Suomi");
    drop(txn);
    doc
}

fuzz_target!(|data: &[u8]| {
    let frame = Bytes::copy_from_slice(data);
    let Ok(messages) = decode_frame(&frame, &DecodeLimits::default()) else { return };
    let doc = board();
    for message in messages {
        match message {
            Message::SyncStep1(state_vector) => {
                if let Ok(state_vector) = StateVector::decode_v1(&state_vector) {
                    let _ = doc.transact().encode_state_as_update_v1(&state_vector);
                }
            }
            Message::SyncStep2(update) | Message::Update(update) => {
                if let Ok(update) = Update::decode_v1(&update) {
                    let _ = doc.transact_mut().apply_update(update);
                    let _ = doc.transact().encode_state_as_update_v1(&StateVector::default());
                }
            }
            _ => {}
        }
    }
});
