//! Kartta's shared vocabulary: the Yjs wire codec, the board schema, HTTP API types and close
//! codes. It knows nothing of sockets, tokio or axum (see ARCHITECTURE.md).

pub mod api;
pub mod card;
pub mod close;
pub mod codec;
#[cfg(test)]
mod colour_difference;
pub mod figures;
pub mod json;
pub mod lib0;
pub mod matching;
pub mod merge;
pub mod placement;
pub mod restore_notice;
pub mod schema;
pub mod style;
pub mod typescript;
pub mod validate;
pub mod vote;

/// Whether `id` is acceptable as a board id: 1–128 characters of `[A-Za-z0-9_-]`.
/// Board ids appear in URLs and database keys, so anything else is refused up front.
pub fn is_valid_board_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}
