//! Fixtures for tests of rooms, shared by this crate's tests and the server's: a client that
//! writes one value again and again, a server edit whose applications can be counted, and a
//! frame known to make yrs panic. Nothing outside tests uses them.

use bytes::Bytes;
use kartta_protocol::codec::Message;
use yrs::{Array, Doc, Map, Transact, WriteTxn};

use crate::lifecycle::ServerEdit;

/// Root map and key that [`ValueWriter`] writes.
const VALUE_MAP: &str = "test";
const VALUE_KEY: &str = "value";
/// Root array that [`counted_edit`] appends to.
const EDITS: &str = "edits";

/// A client's document that writes a number under one key, again and again.
#[derive(Default)]
pub struct ValueWriter {
    doc: Doc,
}

impl ValueWriter {
    pub fn new() -> ValueWriter {
        ValueWriter::default()
    }

    /// The update that sets the value to `value`.
    pub fn set(&self, value: i64) -> Message {
        let map = self.doc.get_or_insert_map(VALUE_MAP);
        let mut txn = self.doc.transact_mut();
        map.insert(&mut txn, VALUE_KEY, value);
        Message::Update(Bytes::from(txn.encode_update_v1()))
    }
}

/// The value a [`ValueWriter`] last set in `doc`, if any.
pub fn written_value(doc: &Doc) -> Option<i64> {
    let map = doc.get_or_insert_map(VALUE_MAP);
    let txn = doc.transact();
    map.get(&txn, VALUE_KEY).and_then(|value| value.cast().ok())
}

/// A server edit that appends one entry to a list, so each application is counted.
pub fn counted_edit() -> ServerEdit {
    Box::new(|txn| {
        let list = txn.get_or_insert_array(EDITS);
        list.push_back(txn, "made");
    })
}

/// How many times a [`counted_edit`] was applied to `doc`.
pub fn counted_edits(doc: &Doc) -> u32 {
    let list = doc.get_or_insert_array(EDITS);
    let txn = doc.transact();
    list.len(&txn)
}

/// A frame the fuzzer found: its updates make yrs 0.28 subtract past zero while it integrates
/// blocks into a skipped range, so applying it panics inside yrs.
pub const YRS_PANIC_FRAME: &[u8] = &[
    3, 3, 3, 3, 0, 1, 16, 3, 0, 5, 2, 0, 1, 49, 1, 4, 255, 255, 255, 0, 0, 96, 0, 3, 3, 3, 0, 1,
    16, 3, 0, 1, 0, 0, 0, 49, 1, 4, 255, 255, 255, 0, 0, 96, 0, 3, 3, 3, 3, 0, 1, 16, 3, 0, 5, 2,
    0, 1, 49, 1, 4, 247, 255, 255, 0, 0, 96, 0, 3, 3, 3, 0, 1, 16, 3, 0, 5, 2, 0, 1, 49, 1, 4, 255,
    255, 255, 1, 0, 96, 0,
];
