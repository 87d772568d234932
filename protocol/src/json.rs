//! JSON of awareness states: a well-formedness check that never allocates, and the user name
//! the facilitator's overview reads (`awareness_user_name`).
//!
//! The server relays awareness states as opaque text, but every stock client calls
//! `JSON.parse` on each one and throws on the first that is not JSON, losing the whole
//! message. So the server checks each state once, as it arrives, without building a value:
//! the grammar is RFC 8259's (what `JSON.parse` accepts), and nesting is bounded so a state
//! cannot be made of thousands of brackets.

use thiserror::Error;

/// Deepest nesting of arrays and objects accepted. A stock awareness state is three or four
/// levels deep (`{"user":{"name":…}}`, a cursor, a selection); 64 leaves ample room and lets
/// the open containers be tracked in one `u64`.
pub const MAX_JSON_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum JsonError {
    #[error("not JSON: unexpected end of text")]
    UnexpectedEnd,
    #[error("not JSON: unexpected character at byte {0}")]
    Unexpected(usize),
    #[error("JSON nested deeper than {MAX_JSON_DEPTH} levels")]
    TooDeep,
}

/// Checks that `text` is exactly one JSON value, optionally surrounded by whitespace.
pub fn check_json(text: &str) -> Result<(), JsonError> {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        position: 0,
    };
    // Bit `d` is set when the container open at depth `d` is an object, clear for an array.
    let mut object_bits: u64 = 0;
    let mut depth: usize = 0;
    loop {
        // A value is expected here.
        scanner.skip_whitespace();
        let value_is_complete = match scanner.next()? {
            b'{' => {
                open_container(&mut depth, &mut object_bits, true)?;
                scanner.skip_whitespace();
                if scanner.eat(b'}') {
                    depth -= 1;
                    true
                } else {
                    scanner.object_key()?;
                    false
                }
            }
            b'[' => {
                open_container(&mut depth, &mut object_bits, false)?;
                scanner.skip_whitespace();
                if scanner.eat(b']') {
                    depth -= 1;
                    true
                } else {
                    false
                }
            }
            b'"' => {
                scanner.rest_of_string()?;
                true
            }
            b't' => scanner.rest_of_literal(b"rue").map(|_| true)?,
            b'f' => scanner.rest_of_literal(b"alse").map(|_| true)?,
            b'n' => scanner.rest_of_literal(b"ull").map(|_| true)?,
            first @ (b'-' | b'0'..=b'9') => scanner.rest_of_number(first).map(|_| true)?,
            _ => return Err(scanner.unexpected()),
        };
        if !value_is_complete {
            continue;
        }
        // After a value: close containers until one continues with a comma, or the text ends.
        loop {
            scanner.skip_whitespace();
            if depth == 0 {
                return match scanner.peek() {
                    None => Ok(()),
                    Some(_) => Err(JsonError::Unexpected(scanner.position)),
                };
            }
            let in_object = object_bits & (1 << (depth - 1)) != 0;
            match scanner.next()? {
                b',' => {
                    if in_object {
                        scanner.skip_whitespace();
                        scanner.object_key()?;
                    }
                    break;
                }
                b'}' if in_object => depth -= 1,
                b']' if !in_object => depth -= 1,
                _ => return Err(scanner.unexpected()),
            }
        }
    }
}

fn open_container(
    depth: &mut usize,
    object_bits: &mut u64,
    is_object: bool,
) -> Result<(), JsonError> {
    if *depth == MAX_JSON_DEPTH {
        return Err(JsonError::TooDeep);
    }
    if is_object {
        *object_bits |= 1 << *depth;
    } else {
        *object_bits &= !(1 << *depth);
    }
    *depth += 1;
    Ok(())
}

struct Scanner<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn next(&mut self) -> Result<u8, JsonError> {
        let byte = self.peek().ok_or(JsonError::UnexpectedEnd)?;
        self.position += 1;
        Ok(byte)
    }

    /// The error for the byte just read.
    fn unexpected(&self) -> JsonError {
        JsonError::Unexpected(self.position - 1)
    }

    fn eat(&mut self, expected: u8) -> bool {
        let matches = self.peek() == Some(expected);
        if matches {
            self.position += 1;
        }
        matches
    }

    fn expect(&mut self, expected: u8) -> Result<(), JsonError> {
        if self.next()? == expected {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.position += 1;
        }
    }

    /// A member's key and its colon, with the whitespace between them.
    fn object_key(&mut self) -> Result<(), JsonError> {
        self.expect(b'"')?;
        self.rest_of_string()?;
        self.skip_whitespace();
        self.expect(b':')
    }

    /// A string after its opening quote. The text is already UTF-8 (a Rust `str`); JSON only
    /// adds that control characters must be escaped and escapes must be known ones.
    fn rest_of_string(&mut self) -> Result<(), JsonError> {
        loop {
            match self.next()? {
                b'"' => return Ok(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        for _ in 0..4 {
                            if !self.next()?.is_ascii_hexdigit() {
                                return Err(self.unexpected());
                            }
                        }
                    }
                    _ => return Err(self.unexpected()),
                },
                0x00..=0x1f => return Err(self.unexpected()),
                _ => {}
            }
        }
    }

    fn rest_of_literal(&mut self, rest: &[u8]) -> Result<(), JsonError> {
        for expected in rest {
            self.expect(*expected)?;
        }
        Ok(())
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, after its first byte.
    fn rest_of_number(&mut self, first: u8) -> Result<(), JsonError> {
        let first_digit = if first == b'-' { self.next()? } else { first };
        match first_digit {
            b'0' => {}
            b'1'..=b'9' => self.skip_digits(),
            _ => return Err(self.unexpected()),
        }
        if self.eat(b'.') {
            self.one_or_more_digits()?;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            self.one_or_more_digits()?;
        }
        Ok(())
    }

    fn skip_digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.position += 1;
        }
    }

    fn one_or_more_digits(&mut self) -> Result<(), JsonError> {
        if !self.next()?.is_ascii_digit() {
            return Err(self.unexpected());
        }
        self.skip_digits();
        Ok(())
    }
}

/// The trimmed `user.name` of a stock Yjs awareness state (at most 60 characters), if it has a
/// non-empty one. The room reads names only when the overview asks who is on a board, so the
/// cursor traffic never builds a JSON value.
pub fn awareness_user_name(state_json: &[u8]) -> Option<String> {
    const LONGEST: usize = 60;
    let state: serde_json::Value = serde_json::from_slice(state_json).ok()?;
    let name = state.get("user")?.get("name")?.as_str()?.trim();
    if name.is_empty() {
        return None;
    }
    Some(name.chars().take(LONGEST).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_what_json_parse_accepts() {
        for text in [
            "null",
            " null ",
            "{}",
            "[]",
            "0",
            "-0.5e+10",
            "1E3",
            "true",
            "false",
            r#""""#,
            r#""\u00e4\n\"\\\/""#,
            r##"{"user":{"name":"Aino","color":"#30bced"},"cursor":{"x":-1.5,"y":2}}"##,
            "[1, [2, [3, {}]], \"x\"]\n",
            "{ \"a\" : [ ] , \"b\" : { } }",
            "\"Åbo – Turku ✓\"",
        ] {
            assert_eq!(check_json(text), Ok(()), "{text:?}");
        }
    }

    #[test]
    fn refuses_truncated_and_garbage_text() {
        for text in [
            "",
            " ",
            r#"{"user": not json"#,
            r#"{"user":"#,
            r#"{"user":"Aino""#,
            r#"{"user":"Aino"}}"#,
            r#"{"user" "Aino"}"#,
            r#"{user:"Aino"}"#,
            r#"{"a":1,}"#,
            "[1,]",
            "[1 2]",
            "[}",
            "{]",
            "01",
            "-",
            "1.",
            "1e",
            ".5",
            "+1",
            "nul",
            "nulll",
            "True",
            "'single'",
            "\"tab\tinside\"",
            r#""\x""#,
            r#""\u12g4""#,
            "{} {}",
            "NaN",
        ] {
            assert!(check_json(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deepest = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH),
            "]".repeat(MAX_JSON_DEPTH)
        );
        assert_eq!(check_json(&deepest), Ok(()));
        let too_deep = format!(
            "{}{}",
            "[".repeat(MAX_JSON_DEPTH + 1),
            "]".repeat(MAX_JSON_DEPTH + 1)
        );
        assert_eq!(check_json(&too_deep), Err(JsonError::TooDeep));
        // Thousands of open brackets stop at the bound, not at the end of the text.
        assert_eq!(
            check_json(&"{\"a\":".repeat(10_000)),
            Err(JsonError::TooDeep)
        );
        // Objects and arrays alternate at every depth and must close in order.
        let mixed = format!("{}1{}", "[{\"k\":".repeat(20), "}]".repeat(20));
        assert_eq!(check_json(&mixed), Ok(()));
        let crossed = format!("{}1{}", "[{\"k\":".repeat(20), "]}".repeat(20));
        assert!(check_json(&crossed).is_err());
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(serde_json::Value::from),
            ".{0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(6, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
                proptest::collection::hash_map(".{0,6}", inner, 0..6)
                    .prop_map(|map| serde_json::Value::Object(map.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn the_user_name_is_read_from_a_stock_awareness_state() {
        let long = format!(r#"{{"user":{{"name":"{}"}}}}"#, "x".repeat(100));
        for (state, name) in [
            (
                r##"{"user":{"name":" Veera ","color":"#123456"}}"##,
                Some("Veera"),
            ),
            (r#"{"user":{"name":""}}"#, None),
            (r#"{"user":{"name":42}}"#, None),
            (r#"{"cursor":null}"#, None),
            (r#""not an object""#, None),
            ("{", None),
        ] {
            assert_eq!(
                awareness_user_name(state.as_bytes()).as_deref(),
                name,
                "{state}"
            );
        }
        assert_eq!(awareness_user_name(long.as_bytes()).unwrap().len(), 60);
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json_on_real_values(value in json_value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            prop_assert_eq!(check_json(&text), Ok(()));
            // Every proper prefix of a compact container or string is incomplete, so refused.
            let compact = serde_json::to_string(&value).unwrap();
            if compact.starts_with(['{', '[', '"']) {
                for end in (0..compact.len()).filter(|end| compact.is_char_boundary(*end)) {
                    prop_assert!(check_json(&compact[..end]).is_err(), "prefix {:?}", &compact[..end]);
                }
            }
        }

        #[test]
        fn agrees_with_serde_json_on_arbitrary_text(text in "[\\[\\]{}\",:0-9a-z.eE+\\- \\\\]{0,40}") {
            // serde_json nests at most 128 levels; 40 characters stay far below both bounds.
            let serde_accepts = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
            prop_assert_eq!(check_json(&text).is_ok(), serde_accepts, "{:?}", text);
        }
    }
}
