//! The task that owns one board's [`RoomCore`]: the only place its document is touched.
//!
//! Each wake-up takes every command already queued (up to [`MAX_BATCH`]), applies them, commits
//! the resulting document updates to storage, and only then sends anything: replies, the
//! batch's updates merged into one broadcast, and one merged awareness message. So batching
//! grows with load and costs nothing when the server is idle, and no client ever sees an
//! update that is not stored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

// tokio's clock (the system clock outside tests), so tests can drive idleness and expiry with
// paused time.
use tokio::time::Instant;

use std::sync::atomic::{AtomicU32, Ordering};

use bytes::Bytes;
use kartta_protocol::api::Role;
use kartta_protocol::close::CloseReason;
use kartta_protocol::codec;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, oneshot};

use super::core::{ConnectionId, Effects, RoomCore};
use super::{ConnectionHandle, JoinError, RoomCommand, Rooms};
use crate::catalog::Catalog;
use crate::storage::{BoardStore, StoredBoard};

/// Most commands handled between two commits.
const MAX_BATCH: usize = 256;
/// In a room of more than this many connections, awareness changes (cursors, selections) are
/// gathered for `RoomContext::awareness_window` and sent as one message: with 150 people moving
/// their cursors, one merged message per window instead of one per move cuts the frames the
/// room writes by an order of magnitude. Document updates are never held back.
const AWARENESS_IMMEDIATE_UP_TO: usize = 4;
/// How often stale awareness states are swept and idleness is checked, at most.
const SWEEP_INTERVAL: Duration = Duration::from_secs(5);

struct Room {
    board_id: Arc<str>,
    core: RoomCore,
    connections: HashMap<ConnectionId, ConnectionHandle>,
    rooms: Arc<Rooms>,
    /// Id of the newest update of this board in storage.
    last_update_id: i64,
    /// Updates in the stored log since the last compaction.
    logged_updates: usize,
    idle_since: Option<Instant>,
    /// Shared with the registry so the overview can show who is on each board.
    connection_count: Arc<AtomicU32>,
    /// When the gathered awareness changes are due to go out.
    awareness_due: Option<Instant>,
}

pub(super) async fn run(
    board_id: Arc<str>,
    mut commands: mpsc::Receiver<RoomCommand>,
    rooms: Arc<Rooms>,
    generation: u64,
    connection_count: Arc<AtomicU32>,
) {
    // Leaves the registry however this task ends, a panic inside yrs included: the next
    // connection then loads the board afresh from storage instead of finding a dead room.
    let _registered = Registration {
        rooms: rooms.clone(),
        board_id: board_id.clone(),
        generation,
    };
    let context = rooms.context.clone();
    let store = context.persister.store().clone();
    let catalog = context.catalog.clone();
    let load_id = board_id.clone();
    let open_boards = context.open_boards;
    let loaded =
        tokio::task::spawn_blocking(move || load_board(&catalog, &*store, &load_id, open_boards))
            .await
            .unwrap_or_else(|error| Err(error.to_string()));
    let core = match loaded {
        Ok(LoadedBoard::Unknown) => {
            tracing::info!(board = %board_id, "not loading a board the catalog does not know");
            rooms.remove(&board_id, generation);
            commands.close();
            refuse_remaining(&mut commands, JoinError::Refused(CloseReason::InvalidBoard));
            return;
        }
        Ok(LoadedBoard::Known { stored, locked }) => RoomCore::load(
            stored.state.as_deref(),
            &stored.updates,
            context.limits.clone(),
        )
        .map(|mut core| {
            core.restore_lock(locked);
            (core, stored.last_update_id, stored.updates.len())
        })
        .map_err(|error| error.to_string()),
        Err(error) => Err(error),
    };
    let (core, last_update_id, logged_updates) = match core {
        Ok(loaded) => loaded,
        Err(error) => {
            tracing::error!(board = %board_id, %error, "could not load board");
            rooms.remove(&board_id, generation);
            refuse_remaining(
                &mut commands,
                JoinError::Refused(CloseReason::InternalError),
            );
            return;
        }
    };
    tracing::debug!(board = %board_id, bytes = core.board_bytes(), "room loaded");
    let mut room = Room {
        board_id,
        core,
        connections: HashMap::new(),
        rooms: rooms.clone(),
        last_update_id,
        logged_updates,
        idle_since: Some(Instant::now()),
        connection_count,
        awareness_due: None,
    };
    // Sweep often enough that a short idle time (as tests use) is honoured within half of it.
    let sweep_every = SWEEP_INTERVAL
        .min(context.idle_unload_after / 2)
        .max(Duration::from_millis(100));
    let mut sweep = tokio::time::interval(sweep_every);
    sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let outcome = loop {
        tokio::select! {
            biased;
            _ = context.shutdown.cancelled() => break Unload::Shutdown,
            received = commands.recv_many(&mut batch, MAX_BATCH) => {
                if received == 0 {
                    break Unload::Shutdown;
                }
                if let Err(failure) = room.handle_batch(&mut batch).await {
                    break failure;
                }
            }
            _ = tokio::time::sleep_until(room.awareness_due.unwrap_or_else(Instant::now)),
                if room.awareness_due.is_some() => {
                room.flush_awareness();
            }
            _ = sweep.tick() => {
                room.core.expire_awareness(Instant::now().into_std());
                room.deliver(Effects::default());
                if room.idle_for() >= context.idle_unload_after {
                    // Compact while still registered, then unload only if nobody came meanwhile.
                    room.compact().await;
                    if commands.is_empty() && room.connections.is_empty() {
                        break Unload::Idle;
                    }
                }
            }
        }
    };
    rooms.remove(&room.board_id, generation);
    commands.close();
    tracing::debug!(board = %room.board_id, ?outcome, "room unloading");
    match outcome {
        Unload::Idle => refuse_remaining(&mut commands, JoinError::Retry),
        Unload::Shutdown => {
            refuse_remaining(&mut commands, JoinError::Refused(CloseReason::GoingAway));
            room.compact().await;
            room.close_all(CloseReason::GoingAway);
        }
        Unload::Deleted(done) => {
            refuse_remaining(&mut commands, JoinError::Refused(CloseReason::InvalidBoard));
            room.close_all(CloseReason::InvalidBoard);
            let _ = done.send(());
        }
        Unload::StorageFailed | Unload::Poisoned => {
            // The document holds updates that are not stored: drop it without compacting, and
            // make every client reconnect; they still have their edits and resend them.
            refuse_remaining(
                &mut commands,
                JoinError::Refused(CloseReason::InternalError),
            );
            room.close_all(CloseReason::InternalError);
        }
    }
}

/// What the catalog and storage hold for a board about to be loaded.
enum LoadedBoard {
    /// The catalog does not know the board (and `--open-boards` is off).
    Unknown,
    Known {
        stored: StoredBoard,
        locked: bool,
    },
}

/// Reads a board for a room. The catalog is asked first: a board it does not know (deleted a
/// moment ago) is never loaded, so nothing can be written for it after its data was purged.
fn load_board(
    catalog: &Catalog,
    store: &dyn BoardStore,
    board_id: &str,
    open_boards: bool,
) -> Result<LoadedBoard, String> {
    let board = catalog.board(board_id).map_err(|error| error.to_string())?;
    if board.is_none() && !open_boards {
        return Ok(LoadedBoard::Unknown);
    }
    let stored = store.load(board_id).map_err(|error| error.to_string())?;
    Ok(LoadedBoard::Known {
        stored,
        locked: board.is_some_and(|board| board.locked),
    })
}

struct Registration {
    rooms: Arc<Rooms>,
    board_id: Arc<str>,
    generation: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if std::thread::panicking() {
            tracing::error!(board = %self.board_id, "room task panicked; its connections are closed and the board reloads");
        }
        self.rooms.remove(&self.board_id, self.generation);
    }
}

#[derive(Debug)]
enum Unload {
    Idle,
    Shutdown,
    StorageFailed,
    /// yrs panicked inside the document.
    Poisoned,
    /// The board was deleted; nothing may be written for it any more.
    Deleted(oneshot::Sender<()>),
}

fn refuse_remaining(commands: &mut mpsc::Receiver<RoomCommand>, error: JoinError) {
    while let Ok(command) = commands.try_recv() {
        if let RoomCommand::Join { joined, .. } = command {
            let _ = joined.send(Err(error));
        }
    }
}

impl Room {
    fn idle_for(&self) -> Duration {
        self.idle_since
            .map_or(Duration::ZERO, |since| since.elapsed())
    }

    async fn handle_batch(&mut self, batch: &mut Vec<RoomCommand>) -> Result<(), Unload> {
        let now = Instant::now().into_std();
        let mut effects = Effects::default();
        // Answers that may only go out once the batch is stored.
        let mut edits_done = Vec::new();
        let mut snapshots = Vec::new();
        let mut views = Vec::new();
        let mut deleted = None;
        for command in batch.drain(..) {
            match command {
                RoomCommand::Join {
                    connection,
                    role,
                    handle,
                    joined,
                } => match self.core.join(connection, role) {
                    Ok(first_messages) => {
                        effects.replies.extend(
                            first_messages
                                .into_iter()
                                .map(|message| (connection, message)),
                        );
                        self.connections.insert(connection, handle);
                        self.idle_since = None;
                        let _ = joined.send(Ok(()));
                    }
                    Err(reason) => {
                        let _ = joined.send(Err(JoinError::Refused(reason)));
                    }
                },
                RoomCommand::Messages {
                    connection,
                    messages,
                } => {
                    for message in messages {
                        self.core.handle(connection, message, now, &mut effects);
                    }
                }
                RoomCommand::Leave { connection } => self.drop_connection(connection),
                // An edit the poisoned document refused is dropped unanswered: nothing of it is
                // stored, so `Rooms::request` makes it again on the reloaded board.
                RoomCommand::Edit { change, done } => {
                    if self.core.edit(&mut effects, change) {
                        edits_done.push(done);
                    }
                }
                RoomCommand::SetLocked { locked, done } => {
                    if self.core.set_locked(locked, &mut effects) {
                        edits_done.push(done);
                    }
                }
                RoomCommand::Snapshot { state } => {
                    snapshots.push((state, self.core.encode_state()))
                }
                RoomCommand::View { view } => views.push((
                    view,
                    kartta_protocol::schema::BoardView::read(&yrs::Transact::transact(
                        self.core.doc(),
                    )),
                )),
                RoomCommand::People { names } => {
                    let _ = names.send(self.core.people());
                }
                RoomCommand::CloseReaders { done } => {
                    for connection in self.core.connections_with_role(Role::Viewer) {
                        if let Some(handle) = self.connections.get(&connection) {
                            handle.closer.close(CloseReason::AccessWithdrawn);
                        }
                        self.drop_connection(connection);
                    }
                    let _ = done.send(());
                }
                RoomCommand::Delete { done } => deleted = Some(done),
            }
        }
        if let Some(done) = deleted {
            // Nothing of this batch is stored: the board is gone.
            return Err(Unload::Deleted(done));
        }
        if !effects.updates.is_empty() {
            let context = &self.rooms.context;
            match context
                .persister
                .append(self.board_id.clone(), effects.updates.clone())
                .await
            {
                Ok(last_id) => {
                    self.last_update_id = last_id;
                    self.logged_updates += effects.updates.len();
                }
                Err(error) => {
                    tracing::error!(board = %self.board_id, %error, "could not store updates; unloading the room");
                    return Err(Unload::StorageFailed);
                }
            }
        }
        if self.core.is_poisoned() {
            // What was applied before the panic is stored above; the rest of the batch is
            // dropped with the document, and every client resyncs against the reloaded board.
            // The offender hears why first (a closer keeps the first reason it is given).
            for (connection, reason) in &effects.closes {
                if let Some(handle) = self.connections.get(connection) {
                    handle.closer.close(*reason);
                }
            }
            // The edits applied before the panic are stored: say so, or their callers would make
            // them a second time on the reloaded board.
            for done in edits_done {
                let _ = done.send(());
            }
            return Err(Unload::Poisoned);
        }
        self.deliver(effects);
        for done in edits_done {
            let _ = done.send(());
        }
        for (reply, state) in snapshots {
            let _ = reply.send(state);
        }
        for (reply, view) in views {
            let _ = reply.send(view);
        }
        self.connection_count
            .store(self.connections.len() as u32, Ordering::Relaxed);
        if self.logged_updates >= self.rooms.context.compact_after_updates {
            self.compact().await;
        }
        Ok(())
    }

    /// Sends what a batch produced. Updates are already stored when this runs.
    fn deliver(&mut self, effects: Effects) {
        let Effects {
            replies,
            updates,
            closes,
        } = effects;
        for (connection, message) in replies {
            self.send(connection, message);
        }
        for message in broadcast_messages(&updates) {
            self.broadcast(&message);
        }
        for (connection, reason) in closes {
            if let Some(handle) = self.connections.get(&connection) {
                self.rooms.context.metrics.protocol_errors.inc();
                tracing::info!(board = %self.board_id, connection, reason = reason.name(), "closing connection");
                handle.closer.close(reason);
            }
            self.drop_connection(connection);
        }
        if self.core.has_awareness_changes() {
            if self.connections.len() <= AWARENESS_IMMEDIATE_UP_TO {
                self.flush_awareness();
            } else if self.awareness_due.is_none() {
                self.awareness_due = Some(Instant::now() + self.rooms.context.awareness_window);
            }
        }
    }

    /// Sends every awareness change gathered so far as one message.
    fn flush_awareness(&mut self) {
        self.awareness_due = None;
        if let Some(awareness) = self.core.take_awareness_message() {
            self.broadcast(&awareness);
        }
    }

    fn send(&mut self, connection: ConnectionId, message: Bytes) {
        let Some(handle) = self.connections.get(&connection) else {
            return;
        };
        if !self.try_send(handle, message) {
            self.drop_slow(connection);
        }
    }

    fn broadcast(&mut self, message: &Bytes) {
        let slow: Vec<ConnectionId> = self
            .connections
            .iter()
            .filter(|(_, handle)| !self.try_send(handle, message.clone()))
            .map(|(connection, _)| *connection)
            .collect();
        for connection in slow {
            self.drop_slow(connection);
        }
    }

    /// Queues `message`; false when the connection's queue is full or gone.
    fn try_send(&self, handle: &ConnectionHandle, message: Bytes) -> bool {
        let metrics = &self.rooms.context.metrics;
        let size = message.len() as u64;
        match handle.outgoing.try_send(message) {
            Ok(()) => {
                metrics.messages_out.inc();
                metrics.bytes_out.inc_by(size);
                true
            }
            Err(TrySendError::Full(_)) => false,
            // The writer is gone; the reader will report the leave.
            Err(TrySendError::Closed(_)) => true,
        }
    }

    fn drop_slow(&mut self, connection: ConnectionId) {
        if let Some(handle) = self.connections.get(&connection) {
            self.rooms.context.metrics.slow_client_disconnects.inc();
            tracing::info!(board = %self.board_id, connection, "closing a connection that does not keep up");
            handle.closer.close(CloseReason::TooSlow);
        }
        self.drop_connection(connection);
    }

    fn drop_connection(&mut self, connection: ConnectionId) {
        self.connections.remove(&connection);
        self.core.leave(connection);
        if self.connections.is_empty() && self.idle_since.is_none() {
            self.idle_since = Some(Instant::now());
        }
    }

    fn close_all(&mut self, reason: CloseReason) {
        for handle in self.connections.values() {
            handle.closer.close(reason);
        }
        self.connections.clear();
    }

    /// Folds the stored log into one state blob.
    async fn compact(&mut self) {
        if self.logged_updates == 0 {
            return;
        }
        let state = self.core.encode_state();
        let state_bytes = state.len();
        let store = self.rooms.context.persister.store().clone();
        let board_id = self.board_id.clone();
        let through = self.last_update_id;
        let result =
            tokio::task::spawn_blocking(move || store.compact(&board_id, &state, through)).await;
        match result {
            Ok(Ok(())) => {
                self.logged_updates = 0;
                // Compaction runs between batches, when every applied update is stored and
                // `through` is the newest: the log is empty now and the state is all there is.
                self.core.compacted(state_bytes);
                self.rooms.context.metrics.compactions.inc();
            }
            Ok(Err(error)) => {
                tracing::warn!(board = %self.board_id, %error, "compaction failed; the log is kept")
            }
            Err(error) => tracing::warn!(board = %self.board_id, %error, "compaction task failed"),
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

#[cfg(test)]
mod tests {
    //! The room task driven directly: an in-memory store the test can hold back or break, a real
    //! catalog file, connections that are plain queues, and tokio's paused clock.

    use std::sync::atomic::{AtomicBool, AtomicUsize};
    use std::sync::{Condvar, Mutex};

    use kartta_protocol::api::{BoardKind, Role, WorkshopKind};
    use kartta_protocol::codec::{decode_frame, DecodeLimits, Message};
    use kartta_protocol::schema::{Locale, Template};
    use tokio::sync::mpsc::error::TryRecvError;
    use tokio_util::sync::CancellationToken;
    use tokio_util::task::TaskTracker;
    use yrs::updates::decoder::Decode;
    use yrs::{Array, Doc, Map, Transact, Update, WriteTxn};

    use super::*;
    use crate::catalog::{random_id, NewWorkshop};
    use crate::metrics::Metrics;
    use crate::persist::Persister;
    use crate::room::{Closer, RoomContext, RoomLimits, ServerEdit};
    use crate::storage::{AppendRequest, MemoryStore, StoreError};

    const IDLE_UNLOAD_AFTER: Duration = Duration::from_secs(30);

    /// A [`MemoryStore`] whose appends the test can hold back or make fail.
    #[derive(Default)]
    struct TestStore {
        memory: MemoryStore,
        fail_appends: AtomicBool,
        /// While true, an append waits until the test releases it.
        holding: Mutex<bool>,
        released: Condvar,
        appends_waiting: AtomicUsize,
        compactions: AtomicUsize,
    }

    impl TestStore {
        fn hold_appends(&self) {
            *self.holding.lock().unwrap() = true;
        }

        fn release_appends(&self) {
            *self.holding.lock().unwrap() = false;
            self.released.notify_all();
        }
    }

    impl BoardStore for TestStore {
        fn load(&self, board_id: &str) -> Result<StoredBoard, StoreError> {
            self.memory.load(board_id)
        }

        fn append(&self, requests: &[AppendRequest<'_>]) -> Result<Vec<i64>, StoreError> {
            let mut holding = self.holding.lock().unwrap();
            if *holding {
                self.appends_waiting.fetch_add(1, Ordering::SeqCst);
                while *holding {
                    holding = self.released.wait(holding).unwrap();
                }
                self.appends_waiting.fetch_sub(1, Ordering::SeqCst);
            }
            drop(holding);
            if self.fail_appends.load(Ordering::SeqCst) {
                return Err(StoreError::Closed);
            }
            self.memory.append(requests)
        }

        fn compact(&self, board_id: &str, state: &[u8], through: i64) -> Result<(), StoreError> {
            self.compactions.fetch_add(1, Ordering::SeqCst);
            self.memory.compact(board_id, state, through)
        }

        fn delete(&self, board_id: &str) -> Result<(), StoreError> {
            self.memory.delete(board_id)
        }
    }

    struct Harness {
        rooms: Arc<Rooms>,
        store: Arc<TestStore>,
        catalog: Arc<Catalog>,
        board_id: String,
        metrics: Arc<Metrics>,
        dir: std::path::PathBuf,
    }

    impl Drop for Harness {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    /// Rooms over a [`TestStore`] and a catalog holding one board; `configure` changes the
    /// context (limits, thresholds) before the registry is built.
    fn harness(configure: impl FnOnce(&mut RoomContext)) -> Harness {
        let dir = std::env::temp_dir().join(format!("kartta-room-test-{}", random_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let catalog = Arc::new(Catalog::open(&dir.join("kartta.db")).unwrap());
        let (_, boards, _) = catalog
            .create_workshop(&NewWorkshop {
                kind: WorkshopKind::Quick,
                title: "Testi".into(),
                locale: Locale::Fi,
                template: Template::Blank,
                retention_days: 1,
                personal_boards_at_join: false,
                boards: vec![("Testi".into(), BoardKind::Group)],
            })
            .unwrap();
        let store = Arc::new(TestStore::default());
        let metrics = Arc::new(Metrics::new());
        let mut context = RoomContext {
            persister: Persister::start(store.clone(), metrics.clone()),
            metrics: metrics.clone(),
            limits: RoomLimits::default(),
            idle_unload_after: IDLE_UNLOAD_AFTER,
            compact_after_updates: 2000,
            awareness_window: Duration::from_millis(25),
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
            catalog: catalog.clone(),
            open_boards: false,
        };
        configure(&mut context);
        Harness {
            rooms: Rooms::new(context),
            store,
            catalog,
            board_id: boards[0].id.clone(),
            metrics,
            dir,
        }
    }

    struct TestConnection {
        id: ConnectionId,
        queue: mpsc::Receiver<Bytes>,
        closer: Arc<Closer>,
    }

    impl TestConnection {
        /// Everything queued for this connection so far.
        fn drain(&mut self) -> Vec<Bytes> {
            let mut messages = Vec::new();
            while let Ok(message) = self.queue.try_recv() {
                messages.push(message);
            }
            messages
        }
    }

    async fn join(h: &Harness, id: ConnectionId) -> Result<TestConnection, JoinError> {
        let (outgoing, queue) = mpsc::channel(1024);
        let closer = Arc::new(Closer::default());
        let (joined, answer) = oneshot::channel();
        let room = h.rooms.get_or_start(&h.board_id);
        let command = RoomCommand::Join {
            connection: id,
            role: Role::Participant,
            handle: ConnectionHandle {
                outgoing,
                closer: closer.clone(),
            },
            joined,
        };
        room.commands
            .send(command)
            .await
            .map_err(|_| JoinError::Retry)?;
        answer.await.map_err(|_| JoinError::Retry)??;
        Ok(TestConnection { id, queue, closer })
    }

    async fn send(h: &Harness, connection: &TestConnection, messages: Vec<Message>) {
        let room = h.rooms.get_or_start(&h.board_id);
        let command = RoomCommand::Messages {
            connection: connection.id,
            messages,
        };
        room.commands.send(command).await.unwrap();
    }

    /// A client's document that writes `value` under one key, again and again.
    struct Writer {
        doc: Doc,
    }

    impl Writer {
        fn new() -> Writer {
            Writer { doc: Doc::new() }
        }

        fn set(&self, value: i64) -> Message {
            let map = self.doc.get_or_insert_map("test");
            let mut txn = self.doc.transact_mut();
            map.insert(&mut txn, "value", value);
            Message::Update(Bytes::from(txn.encode_update_v1()))
        }
    }

    /// The board as storage holds it now.
    fn stored_doc(h: &Harness) -> Doc {
        let stored = h.store.memory.load(&h.board_id).unwrap();
        let doc = Doc::new();
        let mut txn = doc.transact_mut();
        for bytes in stored.state.iter().chain(stored.updates.iter()) {
            txn.apply_update(Update::decode_v1(bytes).unwrap()).unwrap();
        }
        drop(txn);
        doc
    }

    /// Waits (on the paused clock) until `fact` holds.
    async fn wait_until(mut fact: impl FnMut() -> bool) {
        while !fact() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Asks the room for a snapshot: answered once everything sent before it is stored.
    async fn settled(h: &Harness) -> Vec<u8> {
        h.rooms
            .request(&h.board_id, |state| RoomCommand::Snapshot { state })
            .await
            .expect("the room answers")
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_is_delivered_before_the_store_acknowledged() {
        let h = harness(|_| {});
        let mut writer_connection = join(&h, 1).await.unwrap();
        let mut reader = join(&h, 2).await.unwrap();
        writer_connection.drain();
        reader.drain();
        h.store.hold_appends();
        send(&h, &writer_connection, vec![Writer::new().set(1)]).await;
        wait_until(|| h.store.appends_waiting.load(Ordering::SeqCst) == 1).await;
        // The room is waiting for the store now: nobody has heard of the update.
        assert_eq!(reader.queue.try_recv(), Err(TryRecvError::Empty));
        assert_eq!(writer_connection.queue.try_recv(), Err(TryRecvError::Empty));
        h.store.release_appends();
        let delivered = reader.queue.recv().await.unwrap();
        let messages = decode_frame(&delivered, &DecodeLimits::default()).unwrap();
        assert!(matches!(messages.as_slice(), [Message::Update(_)]));
        assert_eq!(h.store.memory.load(&h.board_id).unwrap().updates.len(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_store_that_fails_closes_every_connection_with_1011_and_compacts_nothing() {
        let h = harness(|context| context.compact_after_updates = 1);
        let first = join(&h, 1).await.unwrap();
        let second = join(&h, 2).await.unwrap();
        h.store.fail_appends.store(true, Ordering::SeqCst);
        send(&h, &first, vec![Writer::new().set(1)]).await;
        first.closer.token().cancelled().await;
        second.closer.token().cancelled().await;
        assert_eq!(first.closer.reason(), Some(CloseReason::InternalError));
        assert_eq!(second.closer.reason(), Some(CloseReason::InternalError));
        wait_until(|| h.rooms.loaded() == 0).await;
        assert_eq!(h.store.compactions.load(Ordering::SeqCst), 0);
        let stored = h.store.memory.load(&h.board_id).unwrap();
        assert_eq!(
            stored.total_bytes(),
            0,
            "nothing of the failed batch is kept"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn compaction_resets_the_board_size_so_overwrites_are_never_refused() {
        const LIMIT: usize = 4000;
        let h = harness(|context| {
            context.limits.max_board_bytes = LIMIT;
            context.compact_after_updates = 20;
        });
        let connection = join(&h, 1).await.unwrap();
        let writer = Writer::new();
        let mut traffic = 0;
        for value in 0..1000 {
            let update = writer.set(value);
            if let Message::Update(bytes) = &update {
                traffic += bytes.len();
            }
            send(&h, &connection, vec![update]).await;
            // A few updates per batch, as people typing make them (compaction runs between
            // batches, so one batch larger than the limit would be refused by any rule).
            if value % 10 == 9 {
                settled(&h).await;
            }
        }
        settled(&h).await;
        assert!(
            traffic > 5 * LIMIT,
            "the test writes far more than the limit: {traffic}"
        );
        assert_eq!(connection.closer.reason(), None, "no update was refused");
        assert!(h.store.compactions.load(Ordering::SeqCst) > 0);
        let stored = h.store.memory.load(&h.board_id).unwrap();
        assert!(
            stored.total_bytes() < LIMIT,
            "stored: {}",
            stored.total_bytes()
        );
        let doc = stored_doc(&h);
        let map = doc.get_or_insert_map("test");
        assert_eq!(
            map.get(&doc.transact(), "value")
                .and_then(|v| v.cast::<i64>().ok()),
            Some(999)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_deleted_board_is_never_reloaded_and_nothing_of_it_is_written_again() {
        let h = harness(|_| {});
        let connection = join(&h, 1).await.unwrap();
        send(&h, &connection, vec![Writer::new().set(1)]).await;
        settled(&h).await;
        assert_eq!(h.store.memory.load(&h.board_id).unwrap().updates.len(), 1);
        // What `purge_board` does: the catalog row first, then the room, then the stored data.
        h.catalog.delete_board(&h.board_id).unwrap();
        let room = h.rooms.get(&h.board_id).unwrap();
        let (done, deleted) = oneshot::channel();
        room.commands
            .send(RoomCommand::Delete { done })
            .await
            .unwrap();
        deleted.await.unwrap();
        assert_eq!(connection.closer.reason(), Some(CloseReason::InvalidBoard));
        // A thumbnail or a join arriving before the stored data is gone must not load it.
        assert!(h
            .rooms
            .request(&h.board_id, |state| RoomCommand::Snapshot { state })
            .await
            .is_none());
        assert!(matches!(
            join(&h, 2).await,
            Err(JoinError::Refused(CloseReason::InvalidBoard))
        ));
        wait_until(|| h.rooms.loaded() == 0).await;
        h.store.delete(&h.board_id).unwrap();
        // Long past the idle time nothing compacted the board back into storage.
        tokio::time::sleep(IDLE_UNLOAD_AFTER * 3).await;
        assert_eq!(h.rooms.loaded(), 0);
        assert_eq!(h.store.compactions.load(Ordering::SeqCst), 0);
        assert_eq!(h.store.memory.load(&h.board_id).unwrap().total_bytes(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_room_compacts_then_unloads() {
        let h = harness(|_| {});
        let connection = join(&h, 1).await.unwrap();
        send(&h, &connection, vec![Writer::new().set(7)]).await;
        settled(&h).await;
        let room = h.rooms.get(&h.board_id).unwrap();
        room.commands
            .send(RoomCommand::Leave {
                connection: connection.id,
            })
            .await
            .unwrap();
        let left_at = Instant::now();
        wait_until(|| h.rooms.loaded() == 0).await;
        assert!(left_at.elapsed() >= IDLE_UNLOAD_AFTER);
        assert_eq!(h.store.compactions.load(Ordering::SeqCst), 1);
        let stored = h.store.memory.load(&h.board_id).unwrap();
        assert!(stored.state.is_some() && stored.updates.is_empty());
        assert_eq!(h.metrics.rooms_loaded.get(), 0);
    }

    /// A frame the fuzzer found that makes yrs 0.28 panic (see the core's poisoning test).
    const YRS_PANIC_FRAME: &[u8] = &[
        3, 3, 3, 3, 0, 1, 16, 3, 0, 5, 2, 0, 1, 49, 1, 4, 255, 255, 255, 0, 0, 96, 0, 3, 3, 3, 0,
        1, 16, 3, 0, 1, 0, 0, 0, 49, 1, 4, 255, 255, 255, 0, 0, 96, 0, 3, 3, 3, 3, 0, 1, 16, 3, 0,
        5, 2, 0, 1, 49, 1, 4, 247, 255, 255, 0, 0, 96, 0, 3, 3, 3, 0, 1, 16, 3, 0, 5, 2, 0, 1, 49,
        1, 4, 255, 255, 255, 1, 0, 96, 0,
    ];

    fn poisoning_messages() -> Vec<Message> {
        decode_frame(
            &Bytes::from_static(YRS_PANIC_FRAME),
            &DecodeLimits::default(),
        )
        .unwrap()
    }

    /// A server edit that appends one entry to a list, so each application is counted.
    fn append_entry() -> ServerEdit {
        Box::new(|txn| {
            let list = txn.get_or_insert_array("edits");
            list.push_back(txn, "made");
        })
    }

    fn stored_entries(h: &Harness) -> u32 {
        let doc = stored_doc(h);
        let list = doc.get_or_insert_array("edits");
        let count = list.len(&doc.transact());
        count
    }

    fn panic_prone(context: &mut RoomContext) {
        context.limits.refuse_incomplete_updates = false;
    }

    #[tokio::test(start_paused = true)]
    async fn an_edit_stored_before_the_room_is_poisoned_is_answered_and_made_once() {
        let h = harness(panic_prone);
        let offender = join(&h, 1).await.unwrap();
        let room = h.rooms.get(&h.board_id).unwrap();
        // The edit and the poisoning frame land in the same batch, the edit first.
        let (done, answered) = oneshot::channel();
        let edit = RoomCommand::Edit {
            change: append_entry(),
            done,
        };
        assert!(room.commands.try_send(edit).is_ok());
        let poison = RoomCommand::Messages {
            connection: offender.id,
            messages: poisoning_messages(),
        };
        assert!(room.commands.try_send(poison).is_ok());
        assert!(answered.await.is_ok(), "a stored edit is answered");
        assert_eq!(
            offender.closer.reason(),
            Some(CloseReason::MalformedMessage)
        );
        wait_until(|| h.rooms.loaded() == 0).await;
        assert_eq!(stored_entries(&h), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn an_edit_behind_a_poisoning_update_is_made_once_on_the_reloaded_board() {
        let h = harness(panic_prone);
        let offender = join(&h, 1).await.unwrap();
        let room = h.rooms.get(&h.board_id).unwrap();
        let poison = RoomCommand::Messages {
            connection: offender.id,
            messages: poisoning_messages(),
        };
        assert!(room.commands.try_send(poison).is_ok());
        // `request` sends at once (the queue has room), so the edit shares the poisoned batch.
        let answer = h
            .rooms
            .request(&h.board_id, |done| RoomCommand::Edit {
                change: append_entry(),
                done,
            })
            .await;
        assert!(answer.is_some());
        settled(&h).await;
        assert_eq!(stored_entries(&h), 1);
    }
}
