//! The task that owns one board's [`RoomCore`]: the only place its document is touched.
//!
//! Each wake-up takes every command already queued (up to [`MAX_BATCH`]), applies them, commits
//! the resulting document updates to storage, and only then sends anything: replies, the
//! batch's updates merged into one broadcast, and one merged awareness message. So batching
//! grows with load and costs nothing when the server is idle, and no client ever sees an
//! update that is not stored.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::sync::atomic::{AtomicU32, Ordering};

use bytes::Bytes;
use kartta_protocol::close::CloseReason;
use kartta_protocol::codec;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{mpsc, oneshot};

use super::core::{ConnectionId, Effects, RoomCore};
use super::{ConnectionHandle, JoinError, RoomCommand, Rooms};

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
    awareness_due: Option<tokio::time::Instant>,
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
    let loaded = tokio::task::spawn_blocking(move || {
        let locked = catalog
            .board(&load_id)
            .map(|board| board.is_some_and(|board| board.locked));
        (store.load(&load_id), locked)
    })
    .await;
    let core = match loaded {
        Ok((Ok(stored), Ok(locked))) => RoomCore::load(
            stored.state.as_deref(),
            &stored.updates,
            context.limits.clone(),
        )
        .map(|mut core| {
            core.restore_lock(locked);
            (core, stored.last_update_id, stored.updates.len())
        })
        .map_err(|error| error.to_string()),
        Ok((Err(error), _)) => Err(error.to_string()),
        Ok((_, Err(error))) => Err(error.to_string()),
        Err(error) => Err(error.to_string()),
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
            _ = tokio::time::sleep_until(room.awareness_due.unwrap_or_else(tokio::time::Instant::now)),
                if room.awareness_due.is_some() => {
                room.flush_awareness();
            }
            _ = sweep.tick() => {
                room.core.expire_awareness(Instant::now());
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
        let now = Instant::now();
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
                RoomCommand::Edit { change, done } => {
                    self.core.edit(&mut effects, change);
                    edits_done.push(done);
                }
                RoomCommand::SetLocked { locked, done } => {
                    self.core.set_locked(locked, &mut effects);
                    edits_done.push(done);
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
                self.awareness_due =
                    Some(tokio::time::Instant::now() + self.rooms.context.awareness_window);
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
        let store = self.rooms.context.persister.store().clone();
        let board_id = self.board_id.clone();
        let through = self.last_update_id;
        let result =
            tokio::task::spawn_blocking(move || store.compact(&board_id, &state, through)).await;
        match result {
            Ok(Ok(())) => {
                self.logged_updates = 0;
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
