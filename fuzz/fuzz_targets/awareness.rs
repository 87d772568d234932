//! Arbitrary bytes as the payload of an awareness message, through the validation the server
//! runs before it stores or relays a state (`codec::decode_awareness`), and as text through the
//! non-allocating JSON check (`json::check_json`). Nothing may panic; a state that passes must
//! be JSON to `serde_json` too and survive re-encoding; and within the nesting bound the check
//! must accept exactly what `serde_json` accepts.
#![no_main]

use bytes::Bytes;
use kartta_protocol::codec::{
    decode_awareness, decode_frame, encode_awareness, DecodeLimits, Message,
};
use kartta_protocol::json::{check_json, JsonError};
use libfuzzer_sys::fuzz_target;
use serde::de::IgnoredAny;

fn serde_accepts(text: &str) -> bool {
    serde_json::from_str::<IgnoredAny>(text).is_ok()
}

fuzz_target!(|data: &[u8]| {
    let limits = DecodeLimits::default();
    let payload = Bytes::copy_from_slice(data);
    if let Ok(update) = decode_awareness(&payload, &limits) {
        for entry in &update.entries {
            let state = std::str::from_utf8(&entry.state_json).expect("a state is text");
            assert!(
                serde_accepts(state),
                "a state that is not JSON passed: {state:?}"
            );
        }
        let frame =
            Bytes::from(encode_awareness(update.entries.iter().map(|entry| {
                (entry.client_id, entry.clock, entry.state_json.as_ref())
            })));
        let decoded =
            decode_frame(&frame, &limits).expect("a re-encoded awareness message decodes");
        assert_eq!(decoded, vec![Message::Awareness(update)]);
    }

    // The differential: serde_json nests up to 128 levels, the check up to `MAX_JSON_DEPTH` (64).
    if let Ok(text) = std::str::from_utf8(data) {
        match check_json(text) {
            Ok(()) => assert!(serde_accepts(text), "accepted, but not JSON: {text:?}"),
            Err(JsonError::TooDeep) => {}
            Err(error) => assert!(!serde_accepts(text), "refused JSON ({error}): {text:?}"),
        }
    }
});
