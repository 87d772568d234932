//! The room of one Kartta board without IO: what the server does with a board's commands,
//! decided by code that never touches a socket, a task, a clock or storage.
//!
//! - [`room_core`]: [`RoomCore`], the sync logic of one board (document, awareness, permission
//!   checks, limits): decoded messages in, bytes to send and updates to store out.
//! - [`lifecycle`]: [`RoomLifecycle`], the room's policy around it as a step function: commands,
//!   storage answers and ticks in ([`Input`]), effects out ([`Effect`]): persist, deliver,
//!   close, compact, unload; with other nodes serving the board, also publish, fetch and apply
//!   their updates in the log's order ([`sequence`]).
//! - [`nodes`]: [`nodes::RemoteNodes`], which other nodes are alive, from their heartbeats.
//!
//! This crate depends on `yrs`, `bytes` and `kartta-protocol` only; `scripts/check-core-deps.sh`
//! fails the tests when tokio, axum, hyper or mio enter its dependency tree.

pub mod lifecycle;
pub mod nodes;
pub mod room_core;
pub mod sequence;
pub mod testing;

pub use lifecycle::{
    BoardLookup, CarriageSettings, Command, Effect, Input, JoinError, LoadedBoard, LogTail,
    Replies, RoomLifecycle, RoomSettings, ServerEdit, UnloadReason, MAX_BATCH,
};
pub use room_core::{
    remote_owner, ConnectionId, LoadError, Note, RoomCore, RoomLimits, StoredUpdateError,
    SyncEffects,
};
