//! Arbitrary bytes as one websocket frame, through the path the server takes: decode with
//! limits, refuse updates the board cannot integrate completely, then hand the rest to yrs and
//! apply them to a document that already holds a board. Nothing may panic, abort or allocate without bound — except a
//! panic inside `apply_update`, which the server catches (the room reloads the board from
//! storage); the target does the same, so the fuzzer looks for what the server cannot survive.
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

fuzz_target!(
    init: {
        // libfuzzer-sys aborts on any panic through its hook; keep the default hook so that
        // the panic the server catches is caught here too, and others still end the run.
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
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
                // The server refuses what the board cannot integrate completely.
                let Ok(shape) = kartta_protocol::validate::update_shape(&update) else { return };
                let known = doc.transact().state_vector();
                if shape.missing_dependency(|client| known.get(&yrs::block::ClientID::new(client))).is_some() {
                    return;
                }
                if let Ok(update) = Update::decode_v1(&update) {
                    let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let _ = doc.transact_mut().apply_update(update);
                    }));
                    if applied.is_err() {
                        // The server drops such a document without reading it again.
                        return;
                    }
                    let _ = doc.transact().encode_state_as_update_v1(&StateVector::default());
                }
            }
            _ => {}
        }
    }
});
