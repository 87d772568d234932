//! The policy of one loaded room as a step function: commands, storage answers and timer ticks
//! go in, effects come out. It decides when to persist, deliver, compact, unload and refuse;
//! its caller (the server's room task) performs the effects and reports what became of them.
//!
//! Time is a value: every step is given `now`, and [`RoomLifecycle::next_wake`] says when the
//! caller should tick next. Nothing here reads a clock, sleeps, spawns or touches storage.
//!
//! The rules it keeps (see ARCHITECTURE.md, Invariants):
//! - nothing a batch produced is delivered before storage confirmed the batch's updates;
//! - a failed write or a poisoned document ends the room without compacting, closing everyone
//!   with 1011; a deleted board ends at once and nothing of its last batch is stored;
//! - compaction runs only between batches, and afterwards the board's size is the stored size;
//! - an idle room compacts while still registered, then unloads if nobody came meanwhile.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use kartta_protocol::api::Role;
use kartta_protocol::close::CloseReason;
use kartta_protocol::codec::{self, Message};
use kartta_protocol::schema::{self, BoardView, CURRENT_SCHEMA_VERSION};
use yrs::Transact;

use crate::room_core::{ConnectionId, Note, RoomCore, RoomLimits, StoredUpdateError, SyncEffects};
use crate::sequence::LogSequence;
use kartta_protocol::codec::AwarenessEntry;

/// Most commands a caller should hand in as one batch (one commit): bounds the latency a busy
/// room adds to the acknowledgement of its first command.
pub const MAX_BATCH: usize = 256;
/// In a room of more than this many connections, awareness changes (cursors, selections) are
/// gathered for `RoomSettings::awareness_window` and sent as one message: with 150 people moving
/// their cursors, one merged message per window instead of one per move cuts the frames the
/// room writes by an order of magnitude. Document updates are never held back.
const AWARENESS_IMMEDIATE_UP_TO: usize = 4;
/// How often stale awareness states are swept and idleness is checked, at most.
const SWEEP_INTERVAL: Duration = Duration::from_secs(5);

/// A change the server makes to a board itself (lock, timer, restore, import).
pub type ServerEdit = Box<dyn FnOnce(&mut yrs::TransactionMut) + Send>;

/// Why a join was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinError {
    /// The room was unloading; look it up again.
    Retry,
    Refused(CloseReason),
}

/// The caller's ways of answering the commands that expect an answer. The lifecycle only holds
/// them and hands each back in the effect that says it is time to answer; a reply that is never
/// handed back is dropped, which the caller's requester sees as "not done".
pub trait Replies {
    /// How the caller reaches a connection: handed back when its join is accepted.
    type Handle;
    type Joined;
    /// For edits, lock changes and deletions.
    type Done;
    type Snapshot;
    type View;
    type People;
}

/// What connections and the server ask of a room. Each reply field is named after what it
/// will carry.
pub enum Command<R: Replies> {
    Join {
        connection: ConnectionId,
        role: Role,
        handle: R::Handle,
        joined: R::Joined,
    },
    Messages {
        connection: ConnectionId,
        messages: Vec<Message>,
    },
    Leave {
        connection: ConnectionId,
    },
    /// Applies `change`; `done` is answered once it is stored and delivered.
    Edit {
        change: ServerEdit,
        done: R::Done,
    },
    /// Locks or unlocks the board (also written into `meta.locked`).
    SetLocked {
        locked: bool,
        done: R::Done,
    },
    /// The whole board as one v1 update, answered once everything in it is stored.
    Snapshot {
        state: R::Snapshot,
    },
    /// The board read as a typed view, answered once everything in it is stored.
    View {
        view: R::View,
    },
    /// The display names of everyone on the board now, answered at once.
    People {
        names: R::People,
    },
    /// Readers lost their access (a personal board no longer shared): close every read-only
    /// connection with `AccessWithdrawn`; `done` is answered at once.
    CloseReaders {
        done: R::Done,
    },
    /// The board was deleted: close every connection and end without writing anything.
    Delete {
        done: R::Done,
    },
}

/// Everything that can happen to a room, as the caller reports it.
pub enum Input<R: Replies> {
    /// Commands that were waiting when the caller woke, in order (at most [`MAX_BATCH`]).
    Commands(Vec<Command<R>>),
    /// Storage committed the updates of the last [`Effect::Persist`]; the newest has this id.
    Stored { last_update_id: i64 },
    /// Storage failed to commit the updates of the last [`Effect::Persist`].
    StoreFailed,
    /// The last [`Effect::Compact`] is done.
    Compacted,
    /// The last [`Effect::Compact`] failed; the stored log is unchanged.
    CompactionFailed,
    /// A connection's outgoing queue was full when a message was due for it.
    QueueFull { connection: ConnectionId },
    /// Time passed (see [`RoomLifecycle::next_wake`]).
    Tick,
    /// Another node stored these updates, numbered `first_seq`, `first_seq + 1`… in the board's
    /// log, and relayed them (only with [`RoomLifecycle::carry`]).
    Remote { first_seq: i64, updates: Vec<Bytes> },
    /// Another node relayed the awareness changes of its own connections.
    RemoteAwareness {
        node_id: u64,
        entries: Vec<AwarenessEntry>,
    },
    /// Another node began serving the board and asks for this node's awareness states.
    AwarenessQueried,
    /// Another node is gone (its heartbeat stopped): drop the awareness states it relayed.
    RemoteNodeGone { node_id: u64 },
    /// Relayed messages may have been missed (the room just subscribed, or the carriage between
    /// nodes was lost and is back): read the log past what the room holds.
    CatchUp,
    /// What the last [`Effect::Fetch`] read.
    Fetched(LogTail),
    /// The last [`Effect::Fetch`] failed; the room tries again later.
    FetchFailed,
    /// The server is stopping.
    Shutdown,
}

/// What the room asks its caller to do, in order.
pub enum Effect<R: Replies> {
    /// Answer a join. On `Ok`, the connection belongs to the room from now on, reached through
    /// `handle`; on `Err` the handle is of no more use.
    Joined {
        connection: ConnectionId,
        handle: R::Handle,
        reply: R::Joined,
        outcome: Result<(), JoinError>,
    },
    Done {
        reply: R::Done,
    },
    SnapshotTaken {
        reply: R::Snapshot,
        state: Vec<u8>,
    },
    /// Boxed: a board's view is far larger than every other effect.
    ViewRead {
        reply: R::View,
        view: Box<BoardView>,
    },
    PeopleListed {
        reply: R::People,
        names: Vec<String>,
    },
    /// The connection left; forget how to reach it.
    Forget {
        connection: ConnectionId,
    },
    /// Queue `message` for one connection (report a full queue as [`Input::QueueFull`]).
    Send {
        connection: ConnectionId,
        message: Bytes,
    },
    /// Queue `message` for every connection of the room.
    Broadcast {
        message: Bytes,
    },
    /// Close one connection (the room has forgotten it already).
    Close {
        connection: ConnectionId,
        reason: CloseReason,
    },
    /// Close every connection of the room.
    CloseAll {
        reason: CloseReason,
    },
    /// Append these updates to the board's log, then report [`Input::Stored`] or
    /// [`Input::StoreFailed`]; hand in no commands meanwhile.
    Persist {
        updates: Vec<Bytes>,
    },
    /// Replace the stored board with `state`, dropping its log through `through_update_id`,
    /// atomically; then report [`Input::Compacted`] or [`Input::CompactionFailed`].
    Compact {
        state: Vec<u8>,
        through_update_id: i64,
    },
    /// Relay these stored updates, numbered from `first_seq`, to the other nodes serving the
    /// board (only with [`RoomLifecycle::carry`]; storage confirmed them already).
    Publish {
        first_seq: i64,
        updates: Vec<Bytes>,
    },
    /// Relay this awareness message (changes of this node's own connections) to the other nodes.
    PublishAwareness {
        message: Bytes,
    },
    /// Ask the other nodes for their connections' awareness states.
    QueryAwareness,
    /// Read the board's log past `after_seq` (and the compacted state, if the log was compacted
    /// past it), then report [`Input::Fetched`] or [`Input::FetchFailed`].
    Fetch {
        after_seq: i64,
    },
    /// Leave the registry and take no more commands; answer the joins still queued with
    /// [`UnloadReason::join_refusal`] and drop the other commands unanswered.
    Unregister {
        reason: UnloadReason,
    },
    /// Worth a log line.
    Log(Note),
}

impl<R: Replies> fmt::Debug for Effect<R> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Joined {
                connection,
                outcome,
                ..
            } => write!(formatter, "Joined({connection}, {outcome:?})"),
            Effect::Done { .. } => write!(formatter, "Done"),
            Effect::SnapshotTaken { state, .. } => {
                write!(formatter, "SnapshotTaken({} bytes)", state.len())
            }
            Effect::ViewRead { .. } => write!(formatter, "ViewRead"),
            Effect::PeopleListed { names, .. } => write!(formatter, "PeopleListed({names:?})"),
            Effect::Forget { connection } => write!(formatter, "Forget({connection})"),
            Effect::Send {
                connection,
                message,
            } => write!(formatter, "Send({connection}, {} bytes)", message.len()),
            Effect::Broadcast { message } => {
                write!(formatter, "Broadcast({} bytes)", message.len())
            }
            Effect::Close { connection, reason } => {
                write!(formatter, "Close({connection}, {})", reason.name())
            }
            Effect::CloseAll { reason } => write!(formatter, "CloseAll({})", reason.name()),
            Effect::Persist { updates } => write!(formatter, "Persist({} updates)", updates.len()),
            Effect::Compact {
                state,
                through_update_id,
            } => write!(
                formatter,
                "Compact({} bytes through {through_update_id})",
                state.len()
            ),
            Effect::Publish { first_seq, updates } => {
                write!(formatter, "Publish({} from {first_seq})", updates.len())
            }
            Effect::PublishAwareness { message } => {
                write!(formatter, "PublishAwareness({} bytes)", message.len())
            }
            Effect::QueryAwareness => write!(formatter, "QueryAwareness"),
            Effect::Fetch { after_seq } => write!(formatter, "Fetch(after {after_seq})"),
            Effect::Unregister { reason } => write!(formatter, "Unregister({reason:?})"),
            Effect::Log(note) => write!(formatter, "Log({note:?})"),
        }
    }
}

/// Why a room ends (or never started).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnloadReason {
    /// The catalog does not know the board: deleted, or never created.
    UnknownBoard,
    /// Reading the stored board failed, or it does not decode.
    Unreadable(String),
    /// Nobody was connected for the idle time.
    Idle,
    Shutdown,
    /// Storage refused a batch's updates.
    StorageFailed,
    /// yrs panicked inside the document.
    Poisoned,
    /// The board was deleted; nothing may be written for it any more.
    Deleted,
}

impl UnloadReason {
    /// How a join that finds the room ending is answered.
    pub fn join_refusal(&self) -> JoinError {
        match self {
            // The board is fine and stored: a new room loads it.
            UnloadReason::Idle => JoinError::Retry,
            UnloadReason::Shutdown => JoinError::Refused(CloseReason::GoingAway),
            UnloadReason::UnknownBoard | UnloadReason::Deleted => {
                JoinError::Refused(CloseReason::InvalidBoard)
            }
            UnloadReason::Unreadable(_) | UnloadReason::StorageFailed | UnloadReason::Poisoned => {
                JoinError::Refused(CloseReason::InternalError)
            }
        }
    }

    /// How the room's connections are closed when it ends this way.
    fn close_reason(&self) -> Option<CloseReason> {
        match self {
            UnloadReason::Idle | UnloadReason::UnknownBoard | UnloadReason::Unreadable(_) => None,
            UnloadReason::Shutdown => Some(CloseReason::GoingAway),
            UnloadReason::Deleted => Some(CloseReason::InvalidBoard),
            // The document holds updates that are not stored (or is suspect): every client
            // reconnects; they still have their edits and resend them.
            UnloadReason::StorageFailed | UnloadReason::Poisoned => {
                Some(CloseReason::InternalError)
            }
        }
    }
}

/// The room's thresholds and times.
#[derive(Debug, Clone)]
pub struct RoomSettings {
    pub limits: RoomLimits,
    /// How long a room with no connections stays loaded.
    pub idle_unload_after: Duration,
    /// Compact the log into one state once it holds this many updates.
    pub compact_after_updates: usize,
    /// How long awareness changes are gathered in a room of more than a few connections.
    pub awareness_window: Duration,
}

/// How a room takes part when several nodes serve its board (see [`RoomLifecycle::carry`]).
#[derive(Debug, Clone)]
pub struct CarriageSettings {
    /// How long a gap in the relayed numbers may wait for the missing update (usually a moment
    /// behind on another connection) before the log is read.
    pub gap_grace: Duration,
    /// How often the log is read even with no gap in sight: the relay may lose a message (at
    /// most once) with nothing after it to show the gap.
    pub catch_up_every: Duration,
}

/// What a board's log holds past a number, as read for a gap.
#[derive(Debug, Clone, Default)]
pub struct LogTail {
    /// The compacted state and the number it holds the log through, when the log was compacted
    /// past the number asked for (the rows of the gap are gone, the state holds them).
    pub state: Option<(Vec<u8>, i64)>,
    /// The updates past the number (or past the state), with their numbers, in order.
    pub updates: Vec<(i64, Bytes)>,
}

/// The room's part in serving a board from several nodes.
struct Carried {
    settings: CarriageSettings,
    sequence: LogSequence,
    /// An [`Effect::Fetch`] is out and not answered yet.
    fetching: bool,
    /// When a known gap is read from the log, unless the relay closed it first.
    fetch_due: Option<Instant>,
    next_catch_up: Instant,
    /// A fetch answered while the room was storing or compacting: applied when it is free.
    fetched_meanwhile: Option<LogTail>,
}

/// A board as storage holds it, with the lock the catalog keeps for it.
#[derive(Debug, Clone, Default)]
pub struct LoadedBoard {
    /// The compacted state (a v1 update), if the board was ever compacted.
    pub state: Option<Vec<u8>>,
    /// Updates appended after `state`, oldest first.
    pub updates: Vec<Vec<u8>>,
    /// Id of the newest update in `updates` (0 when there is none).
    pub last_update_id: i64,
    pub locked: bool,
}

/// What looking a board up found.
#[derive(Debug, Clone)]
pub enum BoardLookup {
    /// The catalog does not know the board. It is never loaded, so nothing can be written for a
    /// board after its data was purged.
    Unknown,
    Unreadable(String),
    Found(LoadedBoard),
}

/// What a batch produced that may only go out once its updates are stored.
struct HeldBatch<R: Replies> {
    sync: SyncEffects,
    done: Vec<R::Done>,
    snapshots: Vec<(R::Snapshot, Vec<u8>)>,
    views: Vec<(R::View, BoardView)>,
}

impl<R: Replies> HeldBatch<R> {
    fn new() -> Self {
        HeldBatch {
            sync: SyncEffects::default(),
            done: Vec::new(),
            snapshots: Vec::new(),
            views: Vec::new(),
        }
    }
}

/// What follows a compaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AfterCompaction {
    /// Take commands again.
    Continue,
    /// The room was idle: unload it on the next tick unless someone came meanwhile.
    UnloadIfQuiet,
    /// The server is stopping: close everyone and end.
    EndShutdown,
}

enum Phase<R: Replies> {
    Running,
    /// A batch's updates are with storage; what the batch produced waits here.
    Storing(HeldBatch<R>),
    Compacting {
        state_bytes: usize,
        then: AfterCompaction,
    },
    Ended,
}

/// One loaded room: its [`RoomCore`] and the policy around it.
pub struct RoomLifecycle<R: Replies> {
    settings: RoomSettings,
    sync: RoomCore,
    phase: Phase<R>,
    /// Set once the room left the registry: commands handed in from then on are refused.
    unloading: Option<UnloadReason>,
    /// Commands handed in while storing or compacting; run when the room is free again.
    waiting: VecDeque<Command<R>>,
    /// A shutdown that arrived while storing or compacting.
    shutdown_requested: bool,
    /// Id of the newest update of this board in storage.
    last_update_id: i64,
    /// Updates in the stored log since the last compaction.
    logged_updates: usize,
    idle_since: Option<Instant>,
    /// When the gathered awareness changes are due to go out.
    awareness_due: Option<Instant>,
    next_sweep: Instant,
    sweep_every: Duration,
    /// After an idle compaction: when to unload if the room is still quiet.
    unload_if_quiet_due: Option<Instant>,
    /// Effects of loading (storing the board's upgrade), handed out by the first step.
    startup: Vec<Effect<R>>,
    /// Set when other nodes serve the board too (see [`RoomLifecycle::carry`]).
    carriage: Option<Carried>,
}

impl<R: Replies> RoomLifecycle<R> {
    /// A room for the board `lookup` found, or why there is none (joins are then answered with
    /// [`UnloadReason::join_refusal`]). When loading upgraded the board (`schema::upgrade`), the
    /// first step's effects begin with storing that upgrade.
    pub fn start(
        lookup: BoardLookup,
        settings: RoomSettings,
        now: Instant,
    ) -> Result<RoomLifecycle<R>, UnloadReason> {
        let board = match lookup {
            BoardLookup::Unknown => return Err(UnloadReason::UnknownBoard),
            BoardLookup::Unreadable(error) => return Err(UnloadReason::Unreadable(error)),
            BoardLookup::Found(board) => board,
        };
        let mut sync = RoomCore::load(
            board.state.as_deref(),
            &board.updates,
            settings.limits.clone(),
        )
        .map_err(|error| UnloadReason::Unreadable(error.to_string()))?;
        sync.restore_lock(board.locked);
        let mut startup = Vec::new();
        let mut phase = Phase::Running;
        // The board is brought up to this code's layout before anyone sees it, and the upgrade
        // is stored like any update: the room starts with it at storage, so every command waits
        // until it is confirmed. A current board writes nothing.
        let mut upgrade = HeldBatch::<R>::new();
        sync.edit(&mut upgrade.sync, |txn| {
            schema::upgrade(txn);
        });
        if !upgrade.sync.updates.is_empty() {
            startup.push(Effect::Persist {
                updates: upgrade.sync.updates.clone(),
            });
            phase = Phase::Storing(upgrade);
        } else if let Some(version) = schema::schema_version(&sync.doc().transact())
            .filter(|version| *version > CURRENT_SCHEMA_VERSION)
        {
            startup.push(Effect::Log(Note::NewerSchema { version }));
        }
        // Sweep often enough that a short idle time (as tests use) is honoured within half of it.
        let sweep_every = SWEEP_INTERVAL
            .min(settings.idle_unload_after / 2)
            .max(Duration::from_millis(100));
        Ok(RoomLifecycle {
            settings,
            sync,
            phase,
            unloading: None,
            waiting: VecDeque::new(),
            shutdown_requested: false,
            last_update_id: board.last_update_id,
            logged_updates: board.updates.len(),
            idle_since: Some(now),
            awareness_due: None,
            next_sweep: now,
            sweep_every,
            unload_if_quiet_due: None,
            startup,
            carriage: None,
        })
    }

    /// Serve the board together with other nodes: the log's numbers are the board's gap-free
    /// sequence (PostgreSQL), each stored batch is published with its numbers, other nodes'
    /// updates are applied in order (a gap read from the log), and awareness travels both ways.
    /// Call before the first step.
    pub fn carry(&mut self, settings: CarriageSettings, now: Instant) {
        self.sync.publish_awareness();
        self.carriage = Some(Carried {
            next_catch_up: now + settings.catch_up_every,
            settings,
            sequence: LogSequence::new(self.last_update_id),
            fetching: false,
            fetch_due: None,
            fetched_meanwhile: None,
        });
    }

    /// The one entry point: what `input` means for the room at `now`, as effects to perform in
    /// order.
    pub fn step(&mut self, input: Input<R>, now: Instant) -> Vec<Effect<R>> {
        let mut out = std::mem::take(&mut self.startup);
        match input {
            Input::Commands(commands) => self.take_commands(commands, now, &mut out),
            Input::Stored { last_update_id } => self.stored(last_update_id, now, &mut out),
            Input::StoreFailed => {
                if matches!(self.phase, Phase::Storing(_)) {
                    // The held batch is dropped: nothing of it is delivered, and the edits in it
                    // stay unanswered, so their requesters make them again on a reloaded board.
                    self.phase = Phase::Running;
                    self.unload(UnloadReason::StorageFailed, &mut out);
                }
            }
            Input::Compacted => self.compaction_finished(true, now, &mut out),
            Input::CompactionFailed => self.compaction_finished(false, now, &mut out),
            Input::QueueFull { connection } => self.queue_full(connection, now, &mut out),
            Input::Tick => self.tick(now, &mut out),
            Input::Remote { first_seq, updates } => self.remote(first_seq, updates, now, &mut out),
            Input::RemoteAwareness { node_id, entries } => {
                if self.is_live() {
                    self.sync.apply_remote_awareness(node_id, entries, now);
                    self.send_awareness(now, &mut out);
                }
            }
            Input::RemoteNodeGone { node_id } => {
                if self.is_live() && self.sync.forget_node(node_id) > 0 {
                    self.send_awareness(now, &mut out);
                }
            }
            Input::AwarenessQueried => {
                if let Some(message) = self.sync.own_awareness_message() {
                    if self.carriage.is_some() && self.is_live() {
                        out.push(Effect::PublishAwareness { message });
                    }
                }
            }
            Input::CatchUp => {
                if self.carriage.is_some() && self.is_live() {
                    out.push(Effect::QueryAwareness);
                    self.fetch_now_or_soon(now, &mut out);
                }
            }
            Input::Fetched(tail) => self.fetched(tail, now, &mut out),
            Input::FetchFailed => {
                if let Some(carried) = &mut self.carriage {
                    carried.fetching = false;
                    // Tried again with the next catch-up; a known gap sooner.
                    if carried.sequence.has_gap() {
                        carried.fetch_due = Some(now + carried.settings.catch_up_every / 4);
                    }
                }
            }
            Input::Shutdown => {
                if matches!(self.phase, Phase::Running) {
                    if self.unloading.is_none() {
                        self.unload(UnloadReason::Shutdown, &mut out);
                    }
                } else if !matches!(self.phase, Phase::Ended) {
                    self.shutdown_requested = true;
                }
            }
        }
        out
    }

    /// When the caller should report [`Input::Tick`] next; `None` while the room waits for
    /// storage or has ended.
    pub fn next_wake(&self) -> Option<Instant> {
        if !matches!(self.phase, Phase::Running) || self.unloading.is_some() {
            return None;
        }
        let (fetch_due, next_catch_up) = match &self.carriage {
            Some(carried) => (carried.fetch_due, Some(carried.next_catch_up)),
            None => (None, None),
        };
        [
            self.awareness_due,
            Some(self.next_sweep),
            self.unload_if_quiet_due,
            fetch_due,
            next_catch_up,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// True once the room is over: the caller stops.
    pub fn has_ended(&self) -> bool {
        matches!(self.phase, Phase::Ended)
    }

    pub fn connection_count(&self) -> usize {
        self.sync.connection_count()
    }

    /// The board's stored size as the room counts it (see [`RoomCore::board_bytes`]).
    pub fn board_bytes(&self) -> usize {
        self.sync.board_bytes()
    }

    /// The sync core, for reading (tests look at the document through it).
    pub fn sync_core(&self) -> &RoomCore {
        &self.sync
    }

    fn take_commands(&mut self, commands: Vec<Command<R>>, now: Instant, out: &mut Vec<Effect<R>>) {
        if let Some(reason) = &self.unloading {
            refuse(commands, reason.join_refusal(), out);
            return;
        }
        if !matches!(self.phase, Phase::Running) {
            self.waiting.extend(commands);
            return;
        }
        self.run_batch(commands, now, out);
    }

    fn run_batch(
        &mut self,
        commands: impl IntoIterator<Item = Command<R>>,
        now: Instant,
        out: &mut Vec<Effect<R>>,
    ) {
        let mut held = HeldBatch::<R>::new();
        let mut deleted = None;
        for command in commands {
            match command {
                Command::Join {
                    connection,
                    role,
                    handle,
                    joined: reply,
                } => match self.sync.join(connection, role) {
                    Ok(first_messages) => {
                        held.sync.replies.extend(
                            first_messages
                                .into_iter()
                                .map(|message| (connection, message)),
                        );
                        self.idle_since = None;
                        out.push(Effect::Joined {
                            connection,
                            handle,
                            reply,
                            outcome: Ok(()),
                        });
                    }
                    Err(reason) => out.push(Effect::Joined {
                        connection,
                        handle,
                        reply,
                        outcome: Err(JoinError::Refused(reason)),
                    }),
                },
                Command::Messages {
                    connection,
                    messages,
                } => {
                    for message in messages {
                        self.sync.handle(connection, message, now, &mut held.sync);
                    }
                }
                Command::Leave { connection } => {
                    self.sync.leave(connection);
                    out.push(Effect::Forget { connection });
                    self.mark_idle_if_empty(now);
                }
                // An edit the poisoned document refused is dropped unanswered: nothing of it is
                // stored, so its requester makes it again on the reloaded board.
                Command::Edit {
                    change,
                    done: reply,
                } => {
                    if self.sync.edit(&mut held.sync, change) {
                        held.done.push(reply);
                    }
                }
                Command::SetLocked {
                    locked,
                    done: reply,
                } => {
                    if self.sync.set_locked(locked, &mut held.sync) {
                        held.done.push(reply);
                    }
                }
                Command::Snapshot { state: reply } => {
                    held.snapshots.push((reply, self.sync.encode_state()))
                }
                Command::View { view: reply } => held
                    .views
                    .push((reply, BoardView::read(&self.sync.doc().transact()))),
                Command::People { names: reply } => out.push(Effect::PeopleListed {
                    reply,
                    names: self.sync.people(),
                }),
                Command::CloseReaders { done: reply } => {
                    for connection in self.sync.connections_with_role(Role::Viewer) {
                        self.sync.leave(connection);
                        out.push(Effect::Close {
                            connection,
                            reason: CloseReason::AccessWithdrawn,
                        });
                    }
                    self.mark_idle_if_empty(now);
                    out.push(Effect::Done { reply });
                }
                Command::Delete { done: reply } => deleted = Some(reply),
            }
        }
        out.extend(held.sync.notes.drain(..).map(Effect::Log));
        if let Some(reply) = deleted {
            // Nothing of this batch is stored: the board is gone.
            self.unload(UnloadReason::Deleted, out);
            out.push(Effect::Done { reply });
            return;
        }
        if held.sync.updates.is_empty() {
            self.finish_batch(held, now, out);
        } else {
            out.push(Effect::Persist {
                updates: held.sync.updates.clone(),
            });
            self.phase = Phase::Storing(held);
        }
    }

    fn stored(&mut self, last_update_id: i64, now: Instant, out: &mut Vec<Effect<R>>) {
        let held = match std::mem::replace(&mut self.phase, Phase::Running) {
            Phase::Storing(held) => held,
            other => {
                // Not waiting for storage: nothing to confirm.
                self.phase = other;
                return;
            }
        };
        let count = held.sync.updates.len();
        self.logged_updates += count;
        match &mut self.carriage {
            None => self.last_update_id = last_update_id,
            Some(carried) => {
                // The batch's updates were numbered last - count + 1 ..= last in one commit.
                let first_seq = last_update_id - count as i64 + 1;
                out.push(Effect::Publish {
                    first_seq,
                    updates: held.sync.updates.clone(),
                });
                carried.sequence.record_own(first_seq, last_update_id);
                // Compaction may fold the log only as far as the document holds all of it.
                self.last_update_id = carried.sequence.applied_through();
            }
        }
        self.finish_batch(held, now, out);
        if self.is_live() {
            self.apply_ready(now, out);
        }
    }

    /// Running, not unloading: free to apply what other nodes stored.
    fn is_live(&self) -> bool {
        matches!(self.phase, Phase::Running) && self.unloading.is_none()
    }

    fn remote(
        &mut self,
        first_seq: i64,
        updates: Vec<Bytes>,
        now: Instant,
        out: &mut Vec<Effect<R>>,
    ) {
        if self.unloading.is_some() || matches!(self.phase, Phase::Ended) {
            return;
        }
        let Some(carried) = &mut self.carriage else {
            return;
        };
        for (offset, update) in updates.into_iter().enumerate() {
            carried.sequence.offer(first_seq + offset as i64, update);
        }
        // While storing or compacting they wait; `resume` applies them.
        if self.is_live() {
            self.apply_ready(now, out);
        }
    }

    /// Applies, in order, the other nodes' updates whose turn has come and delivers what they
    /// changed; a gap left behind is read from the log after the grace time.
    fn apply_ready(&mut self, now: Instant, out: &mut Vec<Effect<R>>) {
        let Some(carried) = &mut self.carriage else {
            return;
        };
        let ready = carried.sequence.take_ready();
        let applied_through = carried.sequence.applied_through();
        let has_gap = carried.sequence.has_gap();
        if !ready.is_empty() {
            self.logged_updates += ready.len();
            let mut changes = Vec::new();
            for (seq, update) in ready {
                if !self.apply_stored_update(seq, &update, &mut changes, out) {
                    return;
                }
            }
            self.deliver_stored(changes, out);
        }
        self.last_update_id = applied_through;
        if has_gap {
            self.fetch_soon(now, out);
        } else if let Some(carried) = &mut self.carriage {
            // The relay closed the gap in time: nothing to read.
            carried.fetch_due = None;
        }
    }

    /// Applies one update of the log; false when it poisoned the document (the room unloads).
    fn apply_stored_update(
        &mut self,
        seq: i64,
        update: &[u8],
        changes: &mut Vec<Bytes>,
        out: &mut Vec<Effect<R>>,
    ) -> bool {
        match self.sync.apply_stored(update) {
            Ok(Some(change)) => changes.push(change),
            Ok(None) => {}
            Err(StoredUpdateError::DoesNotApply(why)) => {
                out.push(Effect::Log(Note::StoredUpdateRefused { seq, why }))
            }
            Err(StoredUpdateError::Poisoned) => {
                out.push(Effect::Log(Note::StoredUpdateRefused {
                    seq,
                    why: "yrs panicked".into(),
                }));
                self.unload(UnloadReason::Poisoned, out);
                return false;
            }
        }
        true
    }

    /// Sends this node's connections what stored updates of other nodes changed (already
    /// stored: nothing waits for storage).
    fn deliver_stored(&mut self, changes: Vec<Bytes>, out: &mut Vec<Effect<R>>) {
        out.extend(
            broadcast_messages(&changes)
                .into_iter()
                .map(|message| Effect::Broadcast { message }),
        );
    }

    /// Reads the log soon if a gap stays open (at once with no grace time).
    fn fetch_soon(&mut self, now: Instant, out: &mut Vec<Effect<R>>) {
        let Some(carried) = &mut self.carriage else {
            return;
        };
        if carried.fetching || carried.fetch_due.is_some() {
            return;
        }
        if carried.settings.gap_grace.is_zero() {
            self.fetch_now_or_soon(now, out);
        } else {
            carried.fetch_due = Some(now + carried.settings.gap_grace);
        }
    }

    /// Reads the log past what the room holds now, or as soon as the room is free.
    fn fetch_now_or_soon(&mut self, now: Instant, out: &mut Vec<Effect<R>>) {
        let live = self.is_live();
        let Some(carried) = &mut self.carriage else {
            return;
        };
        if carried.fetching {
            carried.next_catch_up = now + carried.settings.catch_up_every;
            return;
        }
        if !live {
            // Read at the first tick once the room is free.
            carried.next_catch_up = now;
            return;
        }
        carried.fetching = true;
        carried.fetch_due = None;
        carried.next_catch_up = now + carried.settings.catch_up_every;
        out.push(Effect::Fetch {
            after_seq: carried.sequence.applied_through(),
        });
    }

    fn fetched(&mut self, tail: LogTail, now: Instant, out: &mut Vec<Effect<R>>) {
        if self.unloading.is_some() || matches!(self.phase, Phase::Ended) {
            return;
        }
        let live = self.is_live();
        let Some(carried) = &mut self.carriage else {
            return;
        };
        carried.fetching = false;
        if !live {
            carried.fetched_meanwhile = Some(tail);
            return;
        }
        let LogTail { state, updates } = tail;
        if let Some((state, through)) = state {
            // The gap was compacted away by another node: its state holds the missing updates.
            if through > carried.sequence.applied_through() {
                let mut changes = Vec::new();
                if !self.apply_stored_update(through, &state, &mut changes, out) {
                    return;
                }
                self.deliver_stored(changes, out);
                let Some(carried) = &mut self.carriage else {
                    return;
                };
                carried.sequence.state_applied(through);
                // The stored log past `through` is what this room counts towards compaction.
                self.logged_updates = carried.sequence.own_ahead_count();
            }
        }
        let Some(carried) = &mut self.carriage else {
            return;
        };
        for (seq, update) in updates {
            carried.sequence.offer(seq, update);
        }
        self.apply_ready(now, out);
    }

    /// Delivers and answers what a batch produced; its updates are stored when this runs.
    fn finish_batch(&mut self, held: HeldBatch<R>, now: Instant, out: &mut Vec<Effect<R>>) {
        let HeldBatch {
            sync,
            done,
            snapshots,
            views,
        } = held;
        if self.sync.is_poisoned() {
            // What was applied before the panic is stored; the rest of the batch is dropped with
            // the document, and every client resyncs against the reloaded board. The offender
            // hears why first (a connection keeps the first close reason it is given).
            out.extend(
                sync.closes
                    .into_iter()
                    .map(|(connection, reason)| Effect::Close { connection, reason }),
            );
            // The edits applied before the panic are stored: say so, or their requesters would
            // make them a second time on the reloaded board.
            out.extend(done.into_iter().map(|reply| Effect::Done { reply }));
            self.unload(UnloadReason::Poisoned, out);
            return;
        }
        self.deliver(sync, now, out);
        out.extend(done.into_iter().map(|reply| Effect::Done { reply }));
        out.extend(
            snapshots
                .into_iter()
                .map(|(reply, state)| Effect::SnapshotTaken { reply, state }),
        );
        out.extend(views.into_iter().map(|(reply, view)| Effect::ViewRead {
            reply,
            view: Box::new(view),
        }));
        if self.logged_updates >= self.settings.compact_after_updates {
            self.start_compaction(AfterCompaction::Continue, now, out);
        } else {
            self.resume(now, out);
        }
    }

    /// Sends what a batch produced: replies, the batch's updates as one broadcast, closes, and
    /// the awareness changes (at once in a small room, gathered in a large one).
    fn deliver(&mut self, sync: SyncEffects, now: Instant, out: &mut Vec<Effect<R>>) {
        let SyncEffects {
            replies,
            updates,
            closes,
            notes,
        } = sync;
        out.extend(notes.into_iter().map(Effect::Log));
        out.extend(
            replies
                .into_iter()
                .map(|(connection, message)| Effect::Send {
                    connection,
                    message,
                }),
        );
        out.extend(
            broadcast_messages(&updates)
                .into_iter()
                .map(|message| Effect::Broadcast { message }),
        );
        if !closes.is_empty() {
            out.extend(
                closes
                    .into_iter()
                    .map(|(connection, reason)| Effect::Close { connection, reason }),
            );
            self.mark_idle_if_empty(now);
        }
        self.send_awareness(now, out);
    }

    fn send_awareness(&mut self, now: Instant, out: &mut Vec<Effect<R>>) {
        if !self.sync.has_awareness_changes() {
            return;
        }
        if self.sync.connection_count() <= AWARENESS_IMMEDIATE_UP_TO {
            self.flush_awareness(out);
        } else if self.awareness_due.is_none() {
            self.awareness_due = Some(now + self.settings.awareness_window);
        }
    }

    /// Sends every awareness change gathered so far as one message.
    fn flush_awareness(&mut self, out: &mut Vec<Effect<R>>) {
        self.awareness_due = None;
        if let Some(message) = self.sync.take_awareness_message() {
            out.push(Effect::Broadcast { message });
        }
        if let Some(message) = self.sync.take_awareness_to_publish() {
            out.push(Effect::PublishAwareness { message });
        }
    }

    fn mark_idle_if_empty(&mut self, now: Instant) {
        if self.sync.connection_count() == 0 && self.idle_since.is_none() {
            self.idle_since = Some(now);
        }
    }

    /// A connection that does not keep up is closed (it resyncs on reconnect) rather than
    /// skipped while staying connected, so no update is ever silently dropped.
    fn queue_full(&mut self, connection: ConnectionId, now: Instant, out: &mut Vec<Effect<R>>) {
        if self.unloading.is_some() || matches!(self.phase, Phase::Ended) {
            return;
        }
        self.sync.leave(connection);
        out.push(Effect::Close {
            connection,
            reason: CloseReason::TooSlow,
        });
        self.mark_idle_if_empty(now);
        // Its awareness removal goes out on the next tick, after whatever awareness message the
        // caller is still delivering: sent now, it could overtake an older state of the same
        // client and leave a ghost cursor behind.
        if self.sync.has_awareness_changes() && self.awareness_due.is_none() {
            self.awareness_due = Some(now);
        }
    }

    fn tick(&mut self, now: Instant, out: &mut Vec<Effect<R>>) {
        if !matches!(self.phase, Phase::Running) || self.unloading.is_some() {
            return;
        }
        if self.awareness_due.is_some_and(|due| due <= now) {
            self.flush_awareness(out);
        }
        if let Some(carried) = &mut self.carriage {
            let gap_due =
                carried.fetch_due.is_some_and(|due| due <= now) && carried.sequence.has_gap();
            if gap_due || carried.next_catch_up <= now {
                carried.fetch_due = None;
                self.fetch_now_or_soon(now, out);
            }
        }
        if self.next_sweep <= now {
            self.next_sweep = now + self.sweep_every;
            self.sync.expire_awareness(now);
            self.send_awareness(now, out);
            if self.idle_for(now) >= self.settings.idle_unload_after {
                // Compact while still registered, then unload only if nobody came meanwhile.
                self.unload_if_quiet_due = None;
                if self.logged_updates > 0 {
                    self.start_compaction(AfterCompaction::UnloadIfQuiet, now, out);
                } else if self.sync.connection_count() == 0 {
                    self.unload(UnloadReason::Idle, out);
                }
                return;
            }
        }
        if self.unload_if_quiet_due.is_some_and(|due| due <= now) {
            self.unload_if_quiet_due = None;
            if self.sync.connection_count() == 0
                && self.idle_for(now) >= self.settings.idle_unload_after
            {
                self.unload(UnloadReason::Idle, out);
            }
        }
    }

    fn idle_for(&self, now: Instant) -> Duration {
        self.idle_since
            .map_or(Duration::ZERO, |since| now.saturating_duration_since(since))
    }

    /// Folds the stored log into one state blob (nothing to do when the log is empty).
    fn start_compaction(&mut self, then: AfterCompaction, now: Instant, out: &mut Vec<Effect<R>>) {
        if self.logged_updates == 0 {
            self.after_compaction(then, now, out);
            return;
        }
        let state = self.sync.encode_state();
        self.phase = Phase::Compacting {
            state_bytes: state.len(),
            then,
        };
        out.push(Effect::Compact {
            state,
            through_update_id: self.last_update_id,
        });
    }

    fn compaction_finished(&mut self, succeeded: bool, now: Instant, out: &mut Vec<Effect<R>>) {
        let (state_bytes, then) = match std::mem::replace(&mut self.phase, Phase::Running) {
            Phase::Compacting { state_bytes, then } => (state_bytes, then),
            other => {
                self.phase = other;
                return;
            }
        };
        if succeeded {
            // Compaction runs between batches, when every applied update is stored and the
            // compacted state reaches the newest: the log is empty now and the state is all there
            // is, so the size limit counts from here.
            // With other nodes, the log past the compaction point holds this node's updates that
            // overtook another node's missing one (see `LogSequence`).
            self.logged_updates = self
                .carriage
                .as_ref()
                .map_or(0, |carried| carried.sequence.own_ahead_count());
            self.sync.compacted(state_bytes);
        }
        // A failed compaction keeps the log, which still holds everything: the room goes on
        // (and an idle one still unloads).
        self.after_compaction(then, now, out);
    }

    fn after_compaction(&mut self, then: AfterCompaction, now: Instant, out: &mut Vec<Effect<R>>) {
        match then {
            AfterCompaction::Continue => self.resume(now, out),
            AfterCompaction::UnloadIfQuiet => {
                // Due at once, but commands already queued go first: the caller hands those in
                // before it ticks.
                self.unload_if_quiet_due = Some(now);
                self.resume(now, out);
            }
            AfterCompaction::EndShutdown => self.end(UnloadReason::Shutdown, out),
        }
    }

    /// The room is free again: a shutdown that came meanwhile goes first, then waiting commands.
    fn resume(&mut self, now: Instant, out: &mut Vec<Effect<R>>) {
        if !matches!(self.phase, Phase::Running) {
            return;
        }
        if std::mem::take(&mut self.shutdown_requested) {
            self.unload(UnloadReason::Shutdown, out);
            return;
        }
        if let Some(tail) = self
            .carriage
            .as_mut()
            .and_then(|carried| carried.fetched_meanwhile.take())
        {
            self.fetched(tail, now, out);
        } else if self.carriage.is_some() {
            self.apply_ready(now, out);
        }
        if !self.is_live() {
            return;
        }
        if !self.waiting.is_empty() {
            let take = self.waiting.len().min(MAX_BATCH);
            let batch: Vec<Command<R>> = self.waiting.drain(..take).collect();
            self.run_batch(batch, now, out);
        }
    }

    /// Leaves the registry; a shutdown compacts first (unless the document is suspect), every
    /// other reason ends at once.
    fn unload(&mut self, reason: UnloadReason, out: &mut Vec<Effect<R>>) {
        self.unloading = Some(reason.clone());
        // Its connections are about to be closed: the other nodes drop their presence now rather
        // than when it would have expired.
        if self.carriage.is_some() && reason.close_reason().is_some() {
            if let Some(message) = self.sync.own_awareness_removals() {
                out.push(Effect::PublishAwareness { message });
            }
        }
        out.push(Effect::Unregister {
            reason: reason.clone(),
        });
        let waiting: Vec<Command<R>> = self.waiting.drain(..).collect();
        refuse(waiting, reason.join_refusal(), out);
        if reason == UnloadReason::Shutdown && self.logged_updates > 0 && !self.sync.is_poisoned() {
            let state = self.sync.encode_state();
            self.phase = Phase::Compacting {
                state_bytes: state.len(),
                then: AfterCompaction::EndShutdown,
            };
            out.push(Effect::Compact {
                state,
                through_update_id: self.last_update_id,
            });
            return;
        }
        self.end(reason, out);
    }

    fn end(&mut self, reason: UnloadReason, out: &mut Vec<Effect<R>>) {
        if let Some(close) = reason.close_reason() {
            out.push(Effect::CloseAll { reason: close });
        }
        self.phase = Phase::Ended;
    }
}

/// Answers the joins among `commands` with `refusal`; the other commands are dropped unanswered
/// (nothing of them is stored, so their requesters may make them again).
fn refuse<R: Replies>(
    commands: impl IntoIterator<Item = Command<R>>,
    refusal: JoinError,
    out: &mut Vec<Effect<R>>,
) {
    for command in commands {
        if let Command::Join {
            connection,
            handle,
            joined,
            ..
        } = command
        {
            out.push(Effect::Joined {
                connection,
                handle,
                reply: joined,
                outcome: Err(refusal),
            });
        }
    }
}

/// The sync-update messages for a batch's updates: one merged message when they merge.
fn broadcast_messages(updates: &[Bytes]) -> Vec<Bytes> {
    let encode = |update: &[u8]| Bytes::from(codec::encode_update(update));
    match updates {
        [] => Vec::new(),
        [single] => vec![encode(single)],
        many => {
            let parts: Vec<&[u8]> = many.iter().map(|update| update.as_ref()).collect();
            match yrs::merge_updates_v1(&parts) {
                Ok(merged) => vec![encode(&merged)],
                // Updates the document produced always merge; if not, send them one by one
                // (stock clients read one message per frame).
                Err(_) => many.iter().map(|update| encode(update)).collect(),
            }
        }
    }
}
