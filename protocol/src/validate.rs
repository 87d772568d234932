//! Structural checks of Yjs v1 updates and state vectors before they reach `yrs`.
//!
//! `yrs` reserves memory for every count an update declares (blocks per client, JSON strings,
//! array and map entries) and decodes nested values recursively. A few hostile bytes can
//! therefore make it reserve gigabytes or overflow the stack. This module walks the same
//! layout `yrs` 0.28 reads, allocating only a list of the update's client ids, and refuses any count that cannot fit in the
//! bytes that remain and any nesting deeper than [`MAX_ANY_DEPTH`]. It is not a full decoder:
//! an update it accepts can still be refused by `yrs`, but never in a way that costs more memory
//! than the size of the update.

use crate::lib0::{Lib0Error, Reader};

/// Nesting limit for `Any` values (arrays and maps inside each other).
pub const MAX_ANY_DEPTH: usize = 64;

// Block and content tags of the v1 update format, as `yrs` 0.28 reads them.
const BLOCK_GC: u8 = 0;
const BLOCK_SKIP: u8 = 10;
const HAS_ORIGIN: u8 = 0b1000_0000;
const HAS_RIGHT_ORIGIN: u8 = 0b0100_0000;
const HAS_PARENT_SUB: u8 = 0b0010_0000;
const CONTENT_DELETED: u8 = 1;
const CONTENT_JSON: u8 = 2;
const CONTENT_BINARY: u8 = 3;
const CONTENT_STRING: u8 = 4;
const CONTENT_EMBED: u8 = 5;
const CONTENT_FORMAT: u8 = 6;
const CONTENT_TYPE: u8 = 7;
const CONTENT_ANY: u8 = 8;
const CONTENT_DOC: u8 = 9;
const TYPE_REF_XML_ELEMENT: u8 = 3;
const TYPE_REF_WEAK: u8 = 7;

/// Checks that `bytes` is a well-formed v1 state vector with plausible counts.
pub fn check_state_vector(bytes: &[u8]) -> Result<(), Lib0Error> {
    let mut reader = Reader::new(bytes);
    // Each entry is a client id and a clock: at least two bytes.
    let entries = reader.read_count(2)?;
    for _ in 0..entries {
        reader.read_client_id()?;
        reader.read_var_u32()?;
    }
    reader.expect_end()
}

/// What an update adds and what it relies on, read by [`update_shape`]: enough to tell
/// whether a document can integrate it completely.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateShape {
    /// `(client, first clock, total length)` of each client's run of blocks.
    pub runs: Vec<(u64, u32, u64)>,
    /// Ids of other items the blocks name: left and right origins and parent items.
    pub references: Vec<(u64, u32)>,
    /// `(client, clock, length)` ranges the update deletes.
    pub deletions: Vec<(u64, u32, u32)>,
    /// Whether the update holds skip blocks (gaps in a client's run).
    pub has_skips: bool,
}

impl UpdateShape {
    /// The first thing this update needs that a document with state vector `known` lacks, or
    /// `None` when the update can be integrated completely. Such an update would otherwise be
    /// parked inside yrs as pending, and yrs 0.28.1's handling of pending and skipped blocks
    /// can overflow, panic or use freed memory on hostile input (found by fuzzing).
    pub fn missing_dependency(&self, known: impl Fn(u64) -> u32) -> Option<String> {
        if self.has_skips {
            return Some("the update has gaps (skip blocks)".into());
        }
        // What is known once this update is in: the document's clock, or the end of this
        // update's own run when it starts at or below that clock.
        let mut ends: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
        for &(client, start, length) in &self.runs {
            let clock = known(client);
            if start > clock {
                return Some(format!(
                    "client {client} starts at clock {start}, the board has {clock}"
                ));
            }
            let end = (u64::from(start) + length).max(u64::from(clock));
            let entry = ends.entry(client).or_insert(end);
            *entry = (*entry).max(end);
        }
        let end_of = |client: u64| {
            ends.get(&client)
                .copied()
                .unwrap_or(u64::from(known(client)))
        };
        for &(client, clock) in &self.references {
            if u64::from(clock) >= end_of(client) {
                return Some(format!(
                    "it refers to item {client}:{clock}, which the board does not have"
                ));
            }
        }
        for &(client, clock, length) in &self.deletions {
            if u64::from(clock) + u64::from(length) > end_of(client) {
                return Some(format!(
                    "it deletes {client}:{clock}+{length}, which the board does not have"
                ));
            }
        }
        None
    }
}

/// Checks that `bytes` is a well-formed v1 update whose every declared count fits its bytes.
pub fn check_update_v1(bytes: &[u8]) -> Result<(), Lib0Error> {
    walk_update(bytes, &mut None)
}

/// Like [`check_update_v1`], and also returns what the update adds and relies on.
pub fn update_shape(bytes: &[u8]) -> Result<UpdateShape, Lib0Error> {
    let mut shape = Some(UpdateShape::default());
    walk_update(bytes, &mut shape)?;
    Ok(shape.unwrap_or_default())
}

fn walk_update(bytes: &[u8], shape: &mut Option<UpdateShape>) -> Result<(), Lib0Error> {
    let mut reader = Reader::new(bytes);
    // A client group is at least: block count, client id, first clock.
    let client_groups = reader.read_count(3)?;
    // yrs 0.28.1 appends a repeated client's second group to its first, with clocks that start
    // over; integrating that overwrites (frees) a live block and reads it afterwards (the
    // fuzzer's use-after-free). No Yjs encoder writes a client twice, so such an update is
    // malformed. The list costs at most 8 bytes for every 3 bytes of the update.
    let mut clients = Vec::with_capacity(client_groups.min(64));
    for _ in 0..client_groups {
        let blocks = reader.read_count(1)?;
        let client = reader.read_client_id()?;
        clients.push(client);
        let start = reader.read_var_u32()?;
        let mut length = 0u64;
        for _ in 0..blocks {
            length += check_block(&mut reader, shape)?;
        }
        if let Some(shape) = shape {
            shape.runs.push((client, start, length));
        }
    }
    clients.sort_unstable();
    if let Some(pair) = clients.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(Lib0Error::RepeatedClient(pair[0]));
    }
    check_delete_set(&mut reader, shape)?;
    reader.expect_end()
}

/// Checks one block and returns its length in clock units.
fn check_block(reader: &mut Reader, shape: &mut Option<UpdateShape>) -> Result<u64, Lib0Error> {
    let info = reader.read_u8()?;
    match info {
        BLOCK_GC => return Ok(u64::from(reader.read_var_u32()?)),
        BLOCK_SKIP => {
            if let Some(shape) = shape {
                shape.has_skips = true;
            }
            return Ok(u64::from(reader.read_var_u32()?));
        }
        _ => {}
    }
    let mut refer = |reader: &mut Reader| -> Result<(), Lib0Error> {
        let id = (reader.read_client_id()?, reader.read_var_u32()?);
        if let Some(shape) = shape.as_mut() {
            shape.references.push(id);
        }
        Ok(())
    };
    if info & HAS_ORIGIN != 0 {
        refer(reader)?;
    }
    if info & HAS_RIGHT_ORIGIN != 0 {
        refer(reader)?;
    }
    let parent_is_inline = info & (HAS_ORIGIN | HAS_RIGHT_ORIGIN) == 0;
    if parent_is_inline {
        if reader.read_var_u32()? == 1 {
            reader.read_var_string()?; // root type name
        } else {
            refer(reader)?; // parent item id
        }
        if info & HAS_PARENT_SUB != 0 {
            reader.read_var_string()?;
        }
    }
    check_content(reader, info & 0b1111)
}

/// Checks one item's content and returns its length in clock units.
fn check_content(reader: &mut Reader, content_ref: u8) -> Result<u64, Lib0Error> {
    let length = match content_ref {
        CONTENT_DELETED => u64::from(reader.read_var_u32()?),
        CONTENT_JSON => {
            // Legacy content that current Yjs never writes. yrs 0.28 reads `count + 1` strings
            // but writes `count`, so a document holding such an item cannot re-encode itself
            // and panics when asked to (found by fuzzing). Refused outright.
            return Err(Lib0Error::UnknownTag(content_ref));
        }
        CONTENT_BINARY => {
            reader.read_var_bytes()?;
            1
        }
        // A string's length is counted in UTF-16 code units, as in JavaScript.
        CONTENT_STRING => reader.read_var_string()?.encode_utf16().count() as u64,
        CONTENT_EMBED => {
            reader.read_var_string()?;
            1
        }
        CONTENT_FORMAT => {
            reader.read_var_string()?;
            reader.read_var_string()?;
            1
        }
        CONTENT_TYPE => {
            let type_ref = reader.read_u8()?;
            if type_ref == TYPE_REF_XML_ELEMENT {
                reader.read_var_string()?;
            } else if type_ref == TYPE_REF_WEAK {
                // Weak links are a compile-time feature of yrs that Kartta does not enable.
                return Err(Lib0Error::UnknownTag(type_ref));
            }
            1
        }
        CONTENT_ANY => {
            let count = reader.read_count(1)?;
            for _ in 0..count {
                check_any(reader, 0)?;
            }
            count as u64
        }
        CONTENT_DOC => {
            reader.read_var_string()?; // guid
            check_any(reader, 0)?; // options
            1
        }
        other => return Err(Lib0Error::UnknownTag(other)),
    };
    Ok(length)
}

fn check_any(reader: &mut Reader, depth: usize) -> Result<(), Lib0Error> {
    if depth > MAX_ANY_DEPTH {
        return Err(Lib0Error::TooDeep(MAX_ANY_DEPTH));
    }
    match reader.read_u8()? {
        127 | 126 | 121 | 120 => {}
        125 => reader.skip_var_int()?,
        124 => reader.skip(4)?,
        123 | 122 => reader.skip(8)?,
        119 => {
            reader.read_var_string()?;
        }
        118 => {
            // Each entry is a key string and a value: at least two bytes.
            let entries = reader.read_count(2)?;
            for _ in 0..entries {
                reader.read_var_string()?;
                check_any(reader, depth + 1)?;
            }
        }
        117 => {
            let items = reader.read_count(1)?;
            for _ in 0..items {
                check_any(reader, depth + 1)?;
            }
        }
        116 => {
            reader.read_var_bytes()?;
        }
        tag => return Err(Lib0Error::UnknownTag(tag)),
    }
    Ok(())
}

fn check_delete_set(reader: &mut Reader, shape: &mut Option<UpdateShape>) -> Result<(), Lib0Error> {
    // Each client entry is a client id and a range count: at least two bytes.
    let clients = reader.read_count(2)?;
    for _ in 0..clients {
        let client = reader.read_client_id()?;
        // Each range is a clock and a length: at least two bytes.
        let ranges = reader.read_count(2)?;
        for _ in 0..ranges {
            let clock = reader.read_var_u32()?;
            let length = reader.read_var_u32()?;
            if let Some(shape) = shape {
                shape.deletions.push((client, clock, length));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::updates::decoder::Decode;
    use yrs::updates::encoder::Encode;
    use yrs::{Any, Array, Doc, GetString, Map, ReadTxn, StateVector, Text, Transact, Update};

    fn rich_update() -> Vec<u8> {
        let doc = Doc::new();
        let map = doc.get_or_insert_map("actors");
        let text = doc.get_or_insert_text("body");
        let array = doc.get_or_insert_array("list");
        {
            let mut txn = doc.transact_mut();
            map.insert(&mut txn, "name", "Turku");
            map.insert(&mut txn, "x", 12.5);
            map.insert(
                &mut txn,
                "tags",
                Any::from(vec![Any::from("a"), Any::from(1.0)]),
            );
            map.insert(&mut txn, "inner", yrs::MapPrelim::default());
            map.insert(&mut txn, "bytes", Any::Buffer(vec![1u8, 2, 3].into()));
            text.insert(&mut txn, 0, "hello world");
            array.push_back(&mut txn, true);
            array.push_back(&mut txn, Any::Null);
        }
        {
            let mut txn = doc.transact_mut();
            text.remove_range(&mut txn, 0, 6);
            map.remove(&mut txn, "x");
        }
        assert_eq!(text.get_string(&doc.transact()), "world");
        let update = doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        update
    }

    #[test]
    fn real_updates_pass() {
        let update = rich_update();
        assert_eq!(check_update_v1(&update), Ok(()));
        assert!(Update::decode_v1(&update).is_ok());
        let doc = Doc::new();
        doc.get_or_insert_map("m");
        let sv = doc.transact().state_vector().encode_v1();
        assert_eq!(check_state_vector(&sv), Ok(()));
        assert_eq!(check_update_v1(&[0, 0]), Ok(()), "the empty update");
    }

    #[test]
    fn allocation_bombs_are_refused() {
        let bomb = [0xff, 0xff, 0xff, 0x7a];
        assert!(matches!(
            check_state_vector(&bomb),
            Err(Lib0Error::CountTooLarge { .. })
        ));
        assert!(matches!(
            check_update_v1(&bomb),
            Err(Lib0Error::CountTooLarge { .. })
        ));
        // One client group that declares 2^28 blocks.
        let bomb = [1, 0xff, 0xff, 0xff, 0x7f, 1, 0];
        assert!(matches!(
            check_update_v1(&bomb),
            Err(Lib0Error::CountTooLarge { .. })
        ));
    }

    #[test]
    fn an_update_is_complete_only_when_the_document_has_what_it_refers_to() {
        let doc = Doc::new();
        let text = doc.get_or_insert_text("body");
        let first = {
            let mut txn = doc.transact_mut();
            text.insert(&mut txn, 0, "Hei");
            txn.encode_update_v1()
        };
        let second = {
            let mut txn = doc.transact_mut();
            text.insert(&mut txn, 3, " maailma");
            text.remove_range(&mut txn, 0, 1);
            txn.encode_update_v1()
        };
        let client = doc.client_id().get();
        let empty = |_: u64| 0;
        let after_first = |id: u64| if id == client { 3 } else { 0 };
        assert_eq!(
            update_shape(&first).unwrap().missing_dependency(empty),
            None
        );
        let shape = update_shape(&second).unwrap();
        assert_eq!(
            shape.runs,
            vec![(client, 3, 8)],
            "lengths count UTF-16 units"
        );
        assert!(
            shape.missing_dependency(empty).is_some(),
            "the second piece needs the first"
        );
        assert_eq!(shape.missing_dependency(after_first), None);
        // The fuzzer's use-after-free: items whose origin is an unknown client.
        let dangling = [1, 1, 46, 41, 180, 1, 1, 2, 4, 14, 0];
        assert!(update_shape(&dangling)
            .unwrap()
            .missing_dependency(empty)
            .is_some());
        // A deletion of content nobody has.
        let deletes_unknown = [0, 1, 9, 1, 0, 5];
        assert!(update_shape(&deletes_unknown)
            .unwrap()
            .missing_dependency(empty)
            .is_some());
    }

    #[test]
    fn a_client_with_two_groups_is_refused() {
        // The fuzzer's heap-use-after-free in yrs 0.28.1 (fuzz/seeds/decode_and_apply/):
        // client 2 has two groups that both start at clock 0.
        let frame = include_bytes!(
            "../../fuzz/seeds/decode_and_apply/yrs-use-after-free-two-groups-of-one-client"
        );
        let update = &frame[5..5 + 38];
        assert_eq!(update_shape(update), Err(Lib0Error::RepeatedClient(2)));
        assert_eq!(check_update_v1(update), Err(Lib0Error::RepeatedClient(2)));
        // Two real single-client updates glued into one update of two groups.
        let doc = Doc::with_client_id(7);
        let text = doc.get_or_insert_text("body");
        let mut pieces = Vec::new();
        for word in ["Hei", " maailma"] {
            let mut txn = doc.transact_mut();
            let len = text.len(&txn);
            text.insert(&mut txn, len, word);
            pieces.push(txn.encode_update_v1());
        }
        // Each piece is: 1 group, then the group, then an empty delete set (0).
        let mut glued = vec![2];
        for piece in &pieces {
            assert_eq!((piece[0], *piece.last().unwrap()), (1, 0));
            glued.extend_from_slice(&piece[1..piece.len() - 1]);
        }
        glued.push(0);
        assert_eq!(check_update_v1(&glued), Err(Lib0Error::RepeatedClient(7)));
        // The same two edits merged as Yjs merges them: one group, accepted.
        let merged = yrs::merge_updates_v1(&pieces).unwrap();
        assert_eq!(check_update_v1(&merged), Ok(()));
        assert_eq!(update_shape(&merged).unwrap().runs, vec![(7, 0, 11)]);
    }

    #[test]
    fn legacy_json_content_is_refused() {
        // The fuzzer's find: one JSON item whose parent is missing. Applying it and then
        // encoding the document's state panics inside yrs 0.28.1.
        let update = [1, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0];
        assert_eq!(
            check_update_v1(&update),
            Err(Lib0Error::UnknownTag(CONTENT_JSON))
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        // One item holding an `Any` array nested 10,000 deep.
        let mut update = vec![1, 1, 1, 0, 0b0000_1000, 1, 1, b'r', 1];
        update.extend(std::iter::repeat_n(117u8, 10_000).flat_map(|tag| [tag, 1]));
        assert_eq!(
            check_update_v1(&update),
            Err(Lib0Error::TooDeep(MAX_ANY_DEPTH))
        );
    }

    #[test]
    fn every_truncation_of_a_real_update_is_an_error() {
        let update = rich_update();
        for len in 0..update.len() {
            assert!(
                check_update_v1(&update[..len]).is_err(),
                "prefix of {len} bytes"
            );
        }
        let mut longer = update.clone();
        longer.push(0);
        assert_eq!(check_update_v1(&longer), Err(Lib0Error::TrailingBytes(1)));
    }
}
