//! Rooms: one task per loaded board, found through a registry.
//!
//! - The sync logic and the room's policy (when to persist, deliver, compact, unload) live in
//!   the tokio-free crate `kartta-core` (`RoomCore`, `RoomLifecycle`).
//! - [`task`] is the shell that runs a lifecycle: it feeds it commands, storage answers and
//!   ticks, and performs the effects it asks for (storage, queues, timers).
//! - [`Rooms`] is the registry (a `DashMap`, no global lock) that starts rooms on demand.

mod task;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use dashmap::DashMap;
use kartta_protocol::close::CloseReason;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::sync::metrics::Metrics;
use crate::sync::persist::Persister;
use crate::workshops::catalog::Catalog;
pub use kartta_core::{ConnectionId, JoinError, RoomLimits, ServerEdit};

/// Commands a room task accepts. When its queue is full, senders wait: a connection that
/// floods the room slows down its own reading, not the other connections' writes.
pub const ROOM_COMMAND_QUEUE: usize = 1024;

/// How a connection is told to close: the first reason set wins, and the writer task, which
/// watches the token, sends the close frame.
#[derive(Debug, Default)]
pub struct Closer {
    token: CancellationToken,
    reason: Mutex<Option<CloseReason>>,
}

impl Closer {
    pub fn close(&self, reason: CloseReason) {
        if let Ok(mut slot) = self.reason.lock() {
            slot.get_or_insert(reason);
        }
        self.token.cancel();
    }

    pub fn reason(&self) -> Option<CloseReason> {
        self.reason.lock().ok().and_then(|slot| *slot)
    }

    pub fn token(&self) -> &CancellationToken {
        &self.token
    }
}

/// What a room holds to reach one connection.
#[derive(Debug, Clone)]
pub struct ConnectionHandle {
    /// Bounded: when it is full the connection is closed as too slow (it resyncs on reconnect),
    /// so one slow reader never holds the room back and no update is silently skipped.
    pub outgoing: mpsc::Sender<Bytes>,
    /// The bytes in `outgoing`, bounded too: a broadcast message is shared by every receiver,
    /// so a reader that stopped taking them is what keeps them alive, and a count of messages
    /// alone would let it hold a thousand 8 MB updates.
    pub queued_bytes: Arc<QueuedBytes>,
    pub closer: Arc<Closer>,
}

/// How many bytes wait in one connection's outgoing queue, and how many may.
#[derive(Debug)]
pub struct QueuedBytes {
    queued: AtomicUsize,
    limit: usize,
}

impl QueuedBytes {
    pub fn new(limit: usize) -> Self {
        QueuedBytes {
            queued: AtomicUsize::new(0),
            limit,
        }
    }

    /// Counts `size` more bytes as queued; false (and nothing counted) when they would pass the
    /// limit. A message always fits an empty queue, so one larger than the limit still goes.
    /// Only the room adds, so checking and adding need not be one step.
    pub fn reserve(&self, size: usize) -> bool {
        let queued = self.queued.load(Ordering::Relaxed);
        if queued > 0 && queued.saturating_add(size) > self.limit {
            return false;
        }
        self.queued.fetch_add(size, Ordering::Relaxed);
        true
    }

    /// The writer took `size` bytes off the queue (or they were never queued).
    pub fn release(&self, size: usize) {
        self.queued.fetch_sub(size, Ordering::Relaxed);
    }

    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }
}

/// How a room answers: the channels its requesters wait on. A join carries the connection's
/// handle along, so the connection joins the room task's map exactly when it is accepted.
#[derive(Debug)]
pub struct ChannelReplies;

impl kartta_core::Replies for ChannelReplies {
    type Handle = ConnectionHandle;
    type Joined = oneshot::Sender<Result<(), JoinError>>;
    type Done = oneshot::Sender<()>;
    type Snapshot = oneshot::Sender<Vec<u8>>;
    type View = oneshot::Sender<kartta_protocol::schema::BoardView>;
    type People = oneshot::Sender<Vec<String>>;
}

/// What connections and the API ask of a room (see `kartta_core::Command`).
pub type RoomCommand = kartta_core::Command<ChannelReplies>;

/// Everything a room task needs from the server.
#[derive(Clone)]
pub struct RoomContext {
    pub persister: Persister,
    pub metrics: Arc<Metrics>,
    pub limits: RoomLimits,
    /// How long a room with no connections stays loaded.
    pub idle_unload_after: Duration,
    /// Compact the log into one state once it holds this many updates.
    pub compact_after_updates: usize,
    /// How long awareness changes are gathered in a room of more than a few connections.
    pub awareness_window: Duration,
    pub shutdown: CancellationToken,
    pub tasks: TaskTracker,
    /// Where a board's lock state is kept between loads, and which boards exist.
    pub catalog: Arc<dyn Catalog>,
    /// `--open-boards`: any board id may be loaded, known to the catalog or not.
    pub open_boards: bool,
    /// The other nodes serving the same boards (`--redis-url`); `None` on a node of its own.
    pub carriage: Option<Arc<crate::sync::carriage::Carriage>>,
}

#[derive(Clone)]
pub struct RoomHandle {
    pub commands: mpsc::Sender<RoomCommand>,
    generation: u64,
    /// Updated by the room task after every batch, read by the overview.
    connections: Arc<std::sync::atomic::AtomicU32>,
}

pub struct Rooms {
    rooms: DashMap<Arc<str>, RoomHandle>,
    next_generation: AtomicU64,
    context: RoomContext,
}

impl Rooms {
    pub fn new(context: RoomContext) -> Arc<Rooms> {
        Arc::new(Rooms {
            rooms: DashMap::new(),
            next_generation: AtomicU64::new(1),
            context,
        })
    }

    pub fn loaded(&self) -> usize {
        self.rooms.len()
    }

    pub fn store(&self) -> &Arc<dyn crate::sync::storage::BoardStore> {
        self.context.persister.store()
    }

    /// The room of `board_id` if it is loaded right now.
    pub fn get(&self, board_id: &str) -> Option<RoomHandle> {
        self.rooms.get(board_id).map(|handle| handle.clone())
    }

    /// Connections of a loaded board, as last reported by its room.
    pub fn connection_count(&self, board_id: &str) -> u32 {
        self.rooms
            .get(board_id)
            .map_or(0, |handle| handle.connections.load(Ordering::Relaxed))
    }

    /// Asks the room of `board_id` only if it is loaded: `None` when it is not (or went away).
    pub async fn ask_if_loaded<T>(
        &self,
        board_id: &str,
        command: impl FnOnce(oneshot::Sender<T>) -> RoomCommand,
    ) -> Option<T> {
        let room = self.get(board_id)?;
        let (reply, answer) = oneshot::channel();
        room.commands.send(command(reply)).await.ok()?;
        answer.await.ok()
    }

    /// Sends `command` to the room of `board_id`, loading it if needed, and waits for the answer
    /// `answer` receives. Retries when the room was unloading at that moment.
    ///
    /// Retrying an `Edit` is safe because a room drops a command unanswered only when nothing of
    /// it is stored: an idle room refuses what came after its last batch, a room whose storage
    /// failed keeps nothing of the batch, and a poisoned room answers the edits it stored before
    /// the panic and refuses the rest (see `RoomCore::edit`). Making each edit idempotent instead
    /// was the other choice; it would bind every present and future edit (an import's ids, a CSV
    /// sheet's taken ids) to be replayable, while the room knows exactly what it stored.
    pub async fn request<T>(
        self: &Arc<Self>,
        board_id: &str,
        command: impl Fn(oneshot::Sender<T>) -> RoomCommand,
    ) -> Option<T> {
        for _ in 0..5 {
            let room = self.get_or_start(board_id);
            let (reply, answer) = oneshot::channel();
            if room.commands.send(command(reply)).await.is_err() {
                continue;
            }
            if let Ok(value) = answer.await {
                return Some(value);
            }
        }
        None
    }

    /// The room of `board_id`, started (and loaded from storage by its task) if needed.
    pub fn get_or_start(self: &Arc<Self>, board_id: &str) -> RoomHandle {
        if let Some(handle) = self.rooms.get(board_id) {
            return handle.clone();
        }
        self.rooms
            .entry(Arc::from(board_id))
            .or_insert_with(|| {
                let (commands, receiver) = mpsc::channel(ROOM_COMMAND_QUEUE);
                let generation = self.next_generation.fetch_add(1, Ordering::Relaxed);
                let board_id: Arc<str> = Arc::from(board_id);
                let connections = Arc::new(std::sync::atomic::AtomicU32::new(0));
                self.context.metrics.rooms_loaded.inc();
                self.context.tasks.spawn(task::run(
                    board_id,
                    receiver,
                    self.clone(),
                    generation,
                    connections.clone(),
                ));
                RoomHandle {
                    commands,
                    generation,
                    connections,
                }
            })
            .clone()
    }

    /// Called by a room task that is unloading: removes it unless a newer room took its place.
    fn remove(&self, board_id: &str, generation: u64) {
        if self
            .rooms
            .remove_if(board_id, |_, handle| handle.generation == generation)
            .is_some()
        {
            self.context.metrics.rooms_loaded.dec();
        }
    }
}

#[cfg(test)]
mod queued_bytes_tests {
    use super::QueuedBytes;

    #[test]
    fn a_queue_takes_bytes_up_to_its_limit_and_any_one_message_when_empty() {
        let queue = QueuedBytes::new(100);
        assert!(queue.reserve(60));
        assert!(queue.reserve(40), "exactly the limit fits");
        assert!(!queue.reserve(1), "one byte more does not");
        assert_eq!(queue.queued(), 100, "a refused reservation counts nothing");
        queue.release(100);
        assert!(
            queue.reserve(500),
            "an empty queue takes a message larger than its limit"
        );
        assert!(!queue.reserve(1));
        queue.release(500);
        assert_eq!(queue.queued(), 0);
    }
}
