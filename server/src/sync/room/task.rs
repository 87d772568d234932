//! The task that runs one board's [`RoomLifecycle`]: a thin shell that performs its effects.
//!
//! Each wake-up takes every command already queued (up to [`MAX_BATCH`]) and hands them to the
//! lifecycle as one batch; then it does what the lifecycle asks, in order: answer, store (and
//! wait for the store before anything else), send, close, compact (on a blocking thread),
//! unload. What to do when is decided in `kartta-core`; here live only the channels, the
//! connections' queues, storage, metrics, logs and tokio's clock (the system clock outside
//! tests, so the tests below drive idleness and expiry with paused time).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use kartta_core::{
    BoardLookup, CarriageSettings, Effect, Input, LoadedBoard, Note, RoomLifecycle, RoomSettings,
    UnloadReason, MAX_BATCH,
};
use kartta_protocol::close::CloseReason;
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio::time::Instant;

use super::{ChannelReplies, ConnectionHandle, ConnectionId, JoinError, RoomCommand, Rooms};
use crate::sync::carriage::{Carriage, Delivery};
use crate::sync::storage::BoardStore;
use crate::workshops::catalog::Catalog;

/// How a room serves its board with other nodes (`--redis-url`): a gap in the relayed numbers
/// waits this long for the relay before the log is read (a relayed message is usually a moment
/// behind the commit it follows), and the log is read this often whatever happens (a relayed
/// message lost with nothing after it shows no gap).
const CARRIAGE: CarriageSettings = CarriageSettings {
    gap_grace: Duration::from_millis(200),
    catch_up_every: Duration::from_secs(5),
};

/// Now, as the lifecycle takes time: a plain value from tokio's clock.
fn now() -> std::time::Instant {
    Instant::now().into_std()
}

struct Room {
    board_id: Arc<str>,
    lifecycle: RoomLifecycle<ChannelReplies>,
    /// How to reach each connection the lifecycle accepted and has not forgotten.
    connections: HashMap<ConnectionId, ConnectionHandle>,
    commands: mpsc::Receiver<RoomCommand>,
    rooms: Arc<Rooms>,
    generation: u64,
    /// Shared with the registry so the overview can show who is on each board.
    connection_count: Arc<AtomicU32>,
    /// The other nodes serving this board, if any.
    carriage: Option<Arc<Carriage>>,
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
    let mut registered = Registration {
        rooms: rooms.clone(),
        board_id: board_id.clone(),
        generation,
        carriage: None,
    };
    let context = rooms.context.clone();
    let store = context.persister.store().clone();
    let catalog = context.catalog.clone();
    let load_id = board_id.clone();
    let open_boards = context.open_boards;
    let lookup = tokio::task::spawn_blocking(move || {
        look_up_board(&*catalog, &*store, &load_id, open_boards)
    })
    .await
    .unwrap_or_else(|error| BoardLookup::Unreadable(error.to_string()));
    let settings = RoomSettings {
        limits: context.limits.clone(),
        idle_unload_after: context.idle_unload_after,
        compact_after_updates: context.compact_after_updates,
        awareness_window: context.awareness_window,
    };
    let mut lifecycle = match RoomLifecycle::start(lookup, settings, now()) {
        Ok(lifecycle) => lifecycle,
        Err(reason) => {
            match &reason {
                UnloadReason::Unreadable(error) => {
                    tracing::error!(board = %board_id, %error, "could not load board")
                }
                _ => {
                    tracing::info!(board = %board_id, "not loading a board the catalog does not know")
                }
            }
            rooms.remove(&board_id, generation);
            commands.close();
            refuse_remaining(&mut commands, reason.join_refusal());
            return;
        }
    };
    tracing::debug!(board = %board_id, bytes = lifecycle.board_bytes(), "room loaded");
    // Subscribed after the load: what was relayed in between is read from the log when the
    // subscription stands (`Delivery::CatchUp`).
    let mut deliveries = None;
    if let Some(carriage) = &context.carriage {
        lifecycle.carry(CARRIAGE, now());
        deliveries = Some(carriage.attach(board_id.clone(), generation).await);
        registered.carriage = Some(carriage.clone());
    }
    let mut room = Room {
        board_id,
        lifecycle,
        connections: HashMap::new(),
        commands,
        rooms,
        generation,
        connection_count,
        carriage: context.carriage.clone(),
    };
    // Handed to the lifecycle whole each time; `recv_many` grows a fresh one as it fills it.
    let mut batch = Vec::new();
    // One timer, moved only when the lifecycle's next wake-up changes.
    let wake = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(wake);
    let mut wake_at = None;
    while !room.lifecycle.has_ended() {
        let next_wake = room.lifecycle.next_wake();
        if next_wake != wake_at {
            if let Some(at) = next_wake {
                wake.as_mut().reset(Instant::from_std(at));
            }
            wake_at = next_wake;
        }
        let input = tokio::select! {
            biased;
            _ = context.shutdown.cancelled() => Input::Shutdown,
            // Before the commands: a busy room must not leave the other nodes' updates waiting
            // until its queue overflows (they are few next to its own).
            delivery = next_delivery(&mut deliveries) => match delivery {
                Some(delivery) => from_other_nodes(delivery),
                // The carriage stopped (the server is stopping).
                None => {
                    deliveries = None;
                    continue;
                }
            },
            received = room.commands.recv_many(&mut batch, MAX_BATCH) => {
                if received == 0 {
                    Input::Shutdown
                } else {
                    Input::Commands(std::mem::take(&mut batch))
                }
            }
            _ = &mut wake, if wake_at.is_some() => {
                // Fired: the lifecycle names the next time after this tick.
                wake_at = None;
                Input::Tick
            }
        };
        room.step(input).await;
    }
}

/// The next delivery from the other nodes; never, on a node of its own.
async fn next_delivery(deliveries: &mut Option<mpsc::Receiver<Delivery>>) -> Option<Delivery> {
    match deliveries {
        Some(receiver) => receiver.recv().await,
        None => std::future::pending().await,
    }
}

fn from_other_nodes(delivery: Delivery) -> Input<ChannelReplies> {
    match delivery {
        Delivery::Updates { first_seq, updates } => Input::Remote { first_seq, updates },
        Delivery::Awareness { node_id, entries } => Input::RemoteAwareness { node_id, entries },
        Delivery::AwarenessQueried => Input::AwarenessQueried,
        Delivery::CatchUp => Input::CatchUp,
        Delivery::NodeGone { node_id } => Input::RemoteNodeGone { node_id },
    }
}

/// Reads a board for a room. The catalog is asked first: a board it does not know (deleted a
/// moment ago) is never loaded, so nothing can be written for it after its data was purged.
fn look_up_board(
    catalog: &dyn Catalog,
    store: &dyn BoardStore,
    board_id: &str,
    open_boards: bool,
) -> BoardLookup {
    let board = match catalog.board(board_id) {
        Ok(board) => board,
        Err(error) => return BoardLookup::Unreadable(error.to_string()),
    };
    if board.is_none() && !open_boards {
        return BoardLookup::Unknown;
    }
    match store.load(board_id) {
        Ok(stored) => BoardLookup::Found(LoadedBoard {
            state: stored.state,
            updates: stored.updates,
            last_update_id: stored.last_update_id,
            locked: board.is_some_and(|board| board.locked),
        }),
        Err(error) => BoardLookup::Unreadable(error.to_string()),
    }
}

struct Registration {
    rooms: Arc<Rooms>,
    board_id: Arc<str>,
    generation: u64,
    carriage: Option<Arc<Carriage>>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if std::thread::panicking() {
            tracing::error!(board = %self.board_id, "room task panicked; its connections are closed and the board reloads");
        }
        self.rooms.remove(&self.board_id, self.generation);
        if let Some(carriage) = &self.carriage {
            carriage.detach(&self.board_id, self.generation);
        }
    }
}

fn refuse_remaining(commands: &mut mpsc::Receiver<RoomCommand>, error: JoinError) {
    while let Ok(command) = commands.try_recv() {
        if let RoomCommand::Join { joined, .. } = command {
            let _ = joined.send(Err(error));
        }
    }
}

impl Room {
    /// Hands `input` to the lifecycle and performs what it asks, feeding back what storage and
    /// the connections' queues answered, until nothing is left to do.
    async fn step(&mut self, input: Input<ChannelReplies>) {
        let mut effects: VecDeque<Effect<ChannelReplies>> =
            self.lifecycle.step(input, now()).into();
        while let Some(effect) = effects.pop_front() {
            let answers = self.perform(effect).await;
            // What an effect's performance reported comes before the rest of the list: a slow
            // connection is closed before anything else is sent to it.
            for answer in answers.into_iter().rev() {
                for effect in self.lifecycle.step(answer, now()).into_iter().rev() {
                    effects.push_front(effect);
                }
            }
        }
        self.connection_count
            .store(self.connections.len() as u32, Ordering::Relaxed);
    }

    /// Performs one effect; returns what the lifecycle must hear about it.
    async fn perform(&mut self, effect: Effect<ChannelReplies>) -> Vec<Input<ChannelReplies>> {
        match effect {
            Effect::Joined {
                connection,
                handle,
                reply: joined,
                outcome,
            } => {
                if outcome.is_ok() {
                    self.connections.insert(connection, handle);
                }
                let _ = joined.send(outcome);
            }
            Effect::Done { reply } => {
                let _ = reply.send(());
            }
            Effect::SnapshotTaken { reply, state } => {
                let _ = reply.send(state);
            }
            Effect::ViewRead { reply, view } => {
                let _ = reply.send(*view);
            }
            Effect::PeopleListed { reply, names } => {
                let _ = reply.send(names);
            }
            Effect::Forget { connection } => {
                self.connections.remove(&connection);
            }
            Effect::Send {
                connection,
                message,
            } => {
                if let Some(handle) = self.connections.get(&connection) {
                    if !self.try_send(handle, message) {
                        return vec![Input::QueueFull { connection }];
                    }
                }
            }
            Effect::Broadcast { message } => {
                return self
                    .connections
                    .iter()
                    .filter(|(_, handle)| !self.try_send(handle, message.clone()))
                    .map(|(connection, _)| Input::QueueFull {
                        connection: *connection,
                    })
                    .collect();
            }
            Effect::Close { connection, reason } => {
                if let Some(handle) = self.connections.remove(&connection) {
                    let metrics = &self.rooms.context.metrics;
                    if reason == CloseReason::TooSlow {
                        metrics.slow_client_disconnects.inc();
                        tracing::info!(board = %self.board_id, connection, "closing a connection that does not keep up");
                    } else if reason == CloseReason::AccessWithdrawn {
                        tracing::info!(board = %self.board_id, connection, "closing a reader whose access was withdrawn");
                    } else {
                        metrics.protocol_errors.inc();
                        tracing::info!(board = %self.board_id, connection, reason = reason.name(), "closing connection");
                    }
                    handle.closer.close(reason);
                }
            }
            Effect::CloseAll { reason } => {
                for (_, handle) in self.connections.drain() {
                    handle.closer.close(reason);
                }
            }
            Effect::Persist { updates } => {
                let persister = &self.rooms.context.persister;
                return match persister.append(self.board_id.clone(), updates).await {
                    Ok(last_update_id) => vec![Input::Stored { last_update_id }],
                    Err(error) => {
                        tracing::error!(board = %self.board_id, %error, "could not store updates; unloading the room");
                        vec![Input::StoreFailed]
                    }
                };
            }
            Effect::Compact {
                state,
                through_update_id,
            } => return vec![self.compact(state, through_update_id).await],
            Effect::Publish { first_seq, updates } => {
                if let Some(carriage) = &self.carriage {
                    carriage.publish_updates(&self.board_id, first_seq, &updates);
                }
            }
            Effect::PublishAwareness { message } => {
                if let Some(carriage) = &self.carriage {
                    carriage.publish_awareness(&self.board_id, &message);
                }
            }
            Effect::QueryAwareness => {
                if let Some(carriage) = &self.carriage {
                    carriage.query_awareness(&self.board_id);
                }
            }
            Effect::Fetch { after_seq } => return vec![self.read_log_after(after_seq).await],
            Effect::Unregister { reason } => {
                tracing::debug!(board = %self.board_id, ?reason, "room unloading");
                self.rooms.remove(&self.board_id, self.generation);
                self.commands.close();
                refuse_remaining(&mut self.commands, reason.join_refusal());
            }
            Effect::Log(note) => match note {
                Note::UpdateRefused { connection, why } => {
                    tracing::info!(board = %self.board_id, connection, %why, "refused an update")
                }
                Note::UpdatePanicked { connection } => {
                    tracing::error!(board = %self.board_id, connection, "an update made yrs panic; reloading the board")
                }
                Note::StoredUpdateRefused { seq, why } => {
                    tracing::error!(board = %self.board_id, seq, %why, "an update another node stored does not apply here")
                }
                Note::NewerSchema { version } => {
                    tracing::warn!(board = %self.board_id, version, "board written in a newer layout than this server knows; serving it unchanged")
                }
            },
        }
        Vec::new()
    }

    /// Queues `message`; false when the connection's queue is full, in messages or in bytes.
    fn try_send(&self, handle: &ConnectionHandle, message: Bytes) -> bool {
        let metrics = &self.rooms.context.metrics;
        let size = message.len();
        if !handle.queued_bytes.reserve(size) {
            return false;
        }
        match handle.outgoing.try_send(message) {
            Ok(()) => {
                metrics.messages_out.inc();
                metrics.bytes_out.inc_by(size as u64);
                true
            }
            Err(TrySendError::Full(_)) => {
                handle.queued_bytes.release(size);
                false
            }
            // The writer is gone; the reader will report the leave.
            Err(TrySendError::Closed(_)) => {
                handle.queued_bytes.release(size);
                true
            }
        }
    }

    /// Reads what other nodes stored past `after_seq`, on a blocking thread.
    async fn read_log_after(&mut self, after_seq: i64) -> Input<ChannelReplies> {
        let store = self.rooms.context.persister.store().clone();
        let board_id = self.board_id.clone();
        let metrics = &self.rooms.context.metrics.carriage;
        metrics.log_reads.inc();
        let result =
            tokio::task::spawn_blocking(move || store.read_after(&board_id, after_seq)).await;
        match result {
            Ok(Ok(tail)) => {
                metrics
                    .log_updates_applied
                    .inc_by(tail.updates.len() as u64);
                Input::Fetched(tail)
            }
            Ok(Err(error)) => {
                tracing::warn!(board = %self.board_id, %error, "could not read the log; trying again later");
                Input::FetchFailed
            }
            Err(error) => {
                tracing::warn!(board = %self.board_id, %error, "reading the log failed");
                Input::FetchFailed
            }
        }
    }

    /// Folds the stored log into one state blob, on a blocking thread.
    async fn compact(&mut self, state: Vec<u8>, through_update_id: i64) -> Input<ChannelReplies> {
        let store = self.rooms.context.persister.store().clone();
        let board_id = self.board_id.clone();
        let result = tokio::task::spawn_blocking(move || {
            store.compact(&board_id, &state, through_update_id)
        })
        .await;
        match result {
            Ok(Ok(())) => {
                self.rooms.context.metrics.compactions.inc();
                Input::Compacted
            }
            Ok(Err(error)) => {
                tracing::warn!(board = %self.board_id, %error, "compaction failed; the log is kept");
                Input::CompactionFailed
            }
            Err(error) => {
                tracing::warn!(board = %self.board_id, %error, "compaction task failed");
                Input::CompactionFailed
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

    use kartta_core::testing::{
        counted_edit as append_entry, counted_edits, written_value, ValueWriter as Writer,
        YRS_PANIC_FRAME,
    };
    use kartta_protocol::api::{BoardKind, Role, WorkshopKind};
    use kartta_protocol::codec::{decode_frame, DecodeLimits, Message};
    use kartta_protocol::schema::{Locale, Template};
    use tokio::sync::mpsc::error::TryRecvError;
    use tokio::sync::oneshot;
    use tokio_util::sync::CancellationToken;
    use tokio_util::task::TaskTracker;
    use yrs::updates::decoder::Decode;
    use yrs::{Doc, Transact, Update};

    use super::*;
    use crate::sync::metrics::Metrics;
    use crate::sync::persist::Persister;
    use crate::sync::room::{Closer, QueuedBytes, RoomContext, RoomLimits};
    use crate::sync::storage::{AppendRequest, MemoryStore, StoreError, StoredBoard};
    use crate::workshops::catalog::{random_id, NewWorkshop};

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
        catalog: Arc<dyn Catalog>,
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
        let catalog = Arc::new(
            crate::workshops::catalog::SqliteCatalog::open(&dir.join("kartta.db")).unwrap(),
        );
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
            carriage: None,
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
                queued_bytes: Arc::new(QueuedBytes::new(usize::MAX)),
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
        assert_eq!(written_value(&stored_doc(&h)), Some(999));
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

    fn poisoning_messages() -> Vec<Message> {
        decode_frame(
            &Bytes::from_static(YRS_PANIC_FRAME),
            &DecodeLimits::default(),
        )
        .unwrap()
    }

    fn stored_entries(h: &Harness) -> u32 {
        counted_edits(&stored_doc(h))
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
