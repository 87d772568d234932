//! The websocket endpoint `GET /sync/{board_id}`: moves frames between a socket and its room.
//!
//! Each connection has a reader task (this handler: decode, rate-limit, forward to the room)
//! and a writer task (drain the outgoing queue in batches, keepalives, pings, close frames).
//! Protocol decisions live in the room; this module only pumps bytes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use kartta_protocol::close::CloseReason;
use kartta_protocol::codec::{self, DecodeError, Message};
use tokio::sync::{mpsc, oneshot, Semaphore};

use crate::http::ApiError;
use crate::room::{Closer, ConnectionHandle, JoinError, RoomCommand, RoomHandle};
use crate::AppState;
use kartta_protocol::api::Role;

/// How often the server pings; a peer silent for [`DEAD_PEER_AFTER`] is closed.
const PING_EVERY: Duration = Duration::from_secs(20);
const DEAD_PEER_AFTER: Duration = Duration::from_secs(65);
/// Messages at least this large are written a few connections at a time
/// ([`crate::AppState::large_sends`]).
pub const LARGE_MESSAGE_BYTES: usize = 256 * 1024;
/// Most queued frames written with one flush.
const MAX_FRAMES_PER_FLUSH: usize = 128;
/// Attempts to join a room that is unloading at that very moment.
const JOIN_ATTEMPTS: usize = 5;

static NEXT_CONNECTION_ID: AtomicU64 = AtomicU64::new(1);

pub async fn sync_handler(
    Path(board_id): Path<String>,
    State(state): State<AppState>,
    token: crate::api::Token,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    if !kartta_protocol::is_valid_board_id(&board_id) {
        return ApiError::BadRequest(
            "board ids are 1–128 characters of A–Z, a–z, 0–9, '-' and '_'".into(),
        )
        .into_response();
    }
    // Checked before upgrading, so a refused client gets an HTTP status with a JSON reason.
    let role = if state.config.open_boards {
        Role::Participant
    } else {
        match crate::api::board_role(&state, &board_id, &token).await {
            Ok((_, _, role)) => role,
            Err(error) => return error.into_response(),
        }
    };
    let Ok(upgrade) = upgrade else {
        return ApiError::BadRequest(
            "this address speaks the Yjs protocol over a websocket".into(),
        )
        .into_response();
    };
    let max_message = state.config.limits.max_message_bytes;
    upgrade
        .max_message_size(max_message)
        .max_frame_size(max_message)
        .on_failed_upgrade(|error| tracing::info!(%error, "websocket upgrade failed"))
        .on_upgrade(move |socket| serve_connection(socket, board_id, role, state))
}

async fn serve_connection(socket: WebSocket, board_id: String, role: Role, state: AppState) {
    let connection = NEXT_CONNECTION_ID.fetch_add(1, Ordering::Relaxed);
    let (sink, stream) = socket.split();
    let (outgoing, outgoing_queue) = mpsc::channel(state.config.limits.outgoing_queue.max(1));
    let closer = Arc::new(Closer::default());
    let handle = ConnectionHandle {
        outgoing,
        closer: closer.clone(),
    };
    let last_heard = Arc::new(AtomicMillis::now());
    let keepalive_after = state.config.limits.keepalive_after();
    let writer = tokio::spawn(write_loop(
        sink,
        outgoing_queue,
        closer.clone(),
        last_heard.clone(),
        keepalive_after,
        state.large_sends.clone(),
    ));

    let room = match join(&state, &board_id, connection, role, handle).await {
        Ok(room) => room,
        Err(reason) => {
            closer.close(reason);
            let _ = writer.await;
            return;
        }
    };
    state.metrics.connections.inc();
    tracing::debug!(board = %board_id, connection, "connected");
    read_loop(stream, &room, connection, &closer, &last_heard, &state).await;
    let _ = room.commands.send(RoomCommand::Leave { connection }).await;
    // The socket is done reading; let the writer send its close frame and stop.
    closer.close(CloseReason::GoingAway);
    let _ = writer.await;
    state.metrics.connections.dec();
    tracing::debug!(board = %board_id, connection, reason = ?closer.reason(), "disconnected");
}

async fn join(
    state: &AppState,
    board_id: &str,
    connection: u64,
    role: Role,
    handle: ConnectionHandle,
) -> Result<RoomHandle, CloseReason> {
    for _ in 0..JOIN_ATTEMPTS {
        let room = state.rooms.get_or_start(board_id);
        let (joined, join_result) = oneshot::channel();
        let command = RoomCommand::Join {
            connection,
            role,
            handle: handle.clone(),
            joined,
        };
        if room.commands.send(command).await.is_err() {
            continue;
        }
        match join_result.await {
            Ok(Ok(())) => return Ok(room),
            Ok(Err(JoinError::Refused(reason))) => return Err(reason),
            Ok(Err(JoinError::Retry)) | Err(_) => continue,
        }
    }
    Err(CloseReason::InternalError)
}

/// A token bucket for a connection's updates and awareness messages.
struct UpdateRate {
    tokens: f64,
    per_second: f64,
    burst: f64,
    refilled_at: Instant,
}

impl UpdateRate {
    /// How long to wait before `count` more updates may go through.
    fn wait_for(&mut self, count: usize) -> Duration {
        let now = Instant::now();
        self.tokens = (self.tokens
            + now.duration_since(self.refilled_at).as_secs_f64() * self.per_second)
            .min(self.burst);
        self.refilled_at = now;
        self.tokens -= count as f64;
        if self.tokens >= 0.0 || self.per_second <= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.per_second)
        }
    }
}

async fn read_loop(
    mut stream: SplitStream<WebSocket>,
    room: &RoomHandle,
    connection: u64,
    closer: &Closer,
    last_heard: &AtomicMillis,
    state: &AppState,
) {
    let limits = state.config.limits.decode_limits();
    let mut rate = UpdateRate {
        tokens: state.config.limits.message_burst,
        per_second: state.config.limits.messages_per_second,
        burst: state.config.limits.message_burst,
        refilled_at: Instant::now(),
    };
    loop {
        let frame = tokio::select! {
            frame = stream.next() => frame,
            _ = closer.token().cancelled() => return,
        };
        let bytes: Bytes = match frame {
            Some(Ok(WsMessage::Binary(bytes))) => bytes,
            Some(Ok(WsMessage::Text(_))) => {
                closer.close(CloseReason::UnsupportedData);
                state.metrics.protocol_errors.inc();
                return;
            }
            Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => {
                last_heard.touch();
                continue;
            }
            Some(Ok(WsMessage::Close(_))) | None => return,
            Some(Err(error)) => {
                // Oversized frames end here: tungstenite refuses them before buffering them.
                tracing::info!(connection, %error, "websocket read failed");
                closer.close(CloseReason::MessageTooBig);
                return;
            }
        };
        last_heard.touch();
        state.metrics.bytes_in.inc_by(bytes.len() as u64);
        let messages = match codec::decode_frame(&bytes, &limits) {
            Ok(messages) => messages,
            Err(error) => {
                tracing::info!(connection, %error, "closing a connection that sent a bad message");
                state.metrics.protocol_errors.inc();
                closer.close(match error {
                    DecodeError::TooLarge { .. } => CloseReason::MessageTooBig,
                    DecodeError::TooManyAwarenessClients { .. } => CloseReason::TooManyPending,
                    _ => CloseReason::MalformedMessage,
                });
                return;
            }
        };
        state.metrics.messages_in.inc_by(messages.len() as u64);
        // The handshake (step 1, step 2) is free: a reconnecting client must always get in.
        let counted = messages
            .iter()
            .filter(|m| matches!(m, Message::Update(_) | Message::Awareness(_)))
            .count();
        if counted > 0 {
            let wait = rate.wait_for(counted);
            if !wait.is_zero() {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = closer.token().cancelled() => return,
                }
            }
        }
        if room
            .commands
            .send(RoomCommand::Messages {
                connection,
                messages,
            })
            .await
            .is_err()
        {
            // The room went away (shutdown or storage failure); the client reconnects.
            closer.close(CloseReason::GoingAway);
            return;
        }
    }
}

async fn write_loop(
    mut sink: SplitSink<WebSocket, WsMessage>,
    mut queue: mpsc::Receiver<Bytes>,
    closer: Arc<Closer>,
    last_heard: Arc<AtomicMillis>,
    keepalive_after: Duration,
    large_sends: Arc<Semaphore>,
) {
    let mut last_sent = tokio::time::Instant::now();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.reset();
    let mut batch = Vec::with_capacity(MAX_FRAMES_PER_FLUSH);
    loop {
        tokio::select! {
            biased;
            _ = closer.token().cancelled() => break,
            received = queue.recv_many(&mut batch, MAX_FRAMES_PER_FLUSH) => {
                if received == 0 {
                    closer.close(CloseReason::GoingAway);
                    break;
                }
                if write_batch(&mut sink, &mut batch, &large_sends).await.is_err() {
                    closer.close(CloseReason::GoingAway);
                    break;
                }
                last_sent = tokio::time::Instant::now();
            }
            _ = tokio::time::sleep_until(last_sent + keepalive_after) => {
                let keepalive = WsMessage::Binary(Bytes::from(codec::encode_awareness_keepalive()));
                if sink.send(keepalive).await.is_err() {
                    break;
                }
                last_sent = tokio::time::Instant::now();
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > DEAD_PEER_AFTER {
                    tracing::info!("closing a connection whose peer stopped answering");
                    closer.close(CloseReason::GoingAway);
                    break;
                }
                if sink.send(WsMessage::Ping(Bytes::new())).await.is_err() {
                    break;
                }
            }
        }
    }
    let reason = closer.reason().unwrap_or(CloseReason::GoingAway);
    let frame = CloseFrame {
        code: reason.code(),
        reason: reason.name().into(),
    };
    // Best effort: a slow or vanished peer may not take the close frame.
    let _ = tokio::time::timeout(
        Duration::from_secs(2),
        sink.send(WsMessage::Close(Some(frame))),
    )
    .await;
}

async fn write_batch(
    sink: &mut SplitSink<WebSocket, WsMessage>,
    batch: &mut Vec<Bytes>,
    large_sends: &Semaphore,
) -> Result<(), axum::Error> {
    for frame in batch.drain(..) {
        if frame.len() >= LARGE_MESSAGE_BYTES {
            // The websocket layer copies a message into the connection's write buffer. When a
            // crowd joins a large board at once, that would be one copy of the whole board per
            // joiner; a few at a time keeps memory flat and loopback drains each in
            // milliseconds.
            let _permit = large_sends.acquire().await;
            sink.send(WsMessage::Binary(frame)).await?;
        } else {
            sink.feed(WsMessage::Binary(frame)).await?;
        }
    }
    sink.flush().await
}

/// Milliseconds since a fixed start, shared between a connection's reader and writer.
struct AtomicMillis {
    start: Instant,
    millis: AtomicU64,
}

impl AtomicMillis {
    fn now() -> AtomicMillis {
        AtomicMillis {
            start: Instant::now(),
            millis: AtomicU64::new(0),
        }
    }

    fn touch(&self) {
        self.millis
            .store(self.start.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    fn elapsed(&self) -> Duration {
        self.start
            .elapsed()
            .saturating_sub(Duration::from_millis(self.millis.load(Ordering::Relaxed)))
    }
}
