//! Workshops and access: the HTTP API under `/api`, the catalog (workshops, boards, tokens,
//! snapshots, votes) and the server's own edits of board documents (first state, lock, timer,
//! restore, fork, merge).

pub mod api;
pub mod board_doc;
pub mod catalog;
