//! The websocket endpoint `GET /sync/{board_id}`: moves frames between a socket and its room.
//!
//! Each connection has a reader task (this handler: decode, rate-limit, forward to the room)
//! and a writer task (drain the outgoing queue in batches, keepalives, pings, close frames).
//! Protocol decisions live in the room; this module only pumps bytes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use kartta_protocol::close::CloseReason;
use kartta_protocol::codec::{self, DecodeError, Message};
use tokio::sync::{mpsc, oneshot, Semaphore};
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::Frame;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role as WsRole, WebSocketConfig};
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::WebSocketStream;
use tokio_util::sync::CancellationToken;

use crate::client_address::ClientAddress;
use crate::http::ApiError;
use crate::sync::room::{
    Closer, ConnectionHandle, JoinError, QueuedBytes, RoomCommand, RoomHandle,
};
use crate::AppState;
use kartta_protocol::api::Role;

/// How often the server pings at most; a peer silent for `--dead-peer-seconds` is closed.
const PING_EVERY: Duration = Duration::from_secs(20);
/// Messages at least this large are written a few connections at a time
/// ([`crate::AppState::large_sends`]).
pub const LARGE_MESSAGE_BYTES: usize = 256 * 1024;
/// Large messages go out as fragments of this size: the websocket layer copies what it sends
/// into a per-connection buffer that keeps its size, so whole 20 MB boards would leave 20 MB
/// behind in every joiner's connection.
const FRAGMENT_BYTES: usize = 64 * 1024;
/// The socket read buffer. tungstenite zero-fills it before every read and keeps it for the
/// connection's life, so it is sized to the traffic: cursor moves and edits are a few hundred
/// bytes, and a larger message gets a buffer of its own size once its header is read. A
/// received message's bytes stay a slice of the buffer they were read into, so a message still
/// queued or stored keeps its whole buffer alive. 1 KiB rather than 4 KiB cut the heap by 1 MB
/// at 400 connections (issue 12); the price is that one read takes at most this much, so a
/// rare large incoming message (a big paste) takes more reads.
const READ_BUFFER_BYTES: usize = 1024;
/// Most queued frames written with one flush.
const MAX_FRAMES_PER_FLUSH: usize = 128;
/// Longest a connection keeps a large-send permit while the socket does not take a fragment; a
/// healthy socket takes 64 KiB in milliseconds.
const FRAGMENT_PERMIT_HOLD: Duration = Duration::from_secs(1);
/// Attempts to join a room that is unloading at that very moment.
const JOIN_ATTEMPTS: usize = 5;

static NEXT_CONNECTION_ID: AtomicU64 = AtomicU64::new(1);

type WebSocket = WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>;

/// The `Sec-WebSocket-Accept` answer if `headers` ask for a websocket upgrade.
fn websocket_accept(headers: &HeaderMap) -> Option<String> {
    let has = |name: header::HeaderName, wanted: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value
                    .split(',')
                    .any(|part| part.trim().eq_ignore_ascii_case(wanted))
            })
    };
    if !has(header::UPGRADE, "websocket")
        || !has(header::CONNECTION, "upgrade")
        || !has(header::SEC_WEBSOCKET_VERSION, "13")
    {
        return None;
    }
    let key = headers.get(header::SEC_WEBSOCKET_KEY)?;
    Some(tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes()))
}

pub async fn sync_handler(
    Path(board_id): Path<String>,
    State(state): State<AppState>,
    token: crate::workshops::api::Token,
    ClientAddress(client_address): ClientAddress,
    mut request: Request,
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
        match crate::workshops::api::board_role(&state, &board_id, &token).await {
            Ok((_, _, role)) => role,
            Err(error) => return error.into_response(),
        }
    };
    let Some(accept) = websocket_accept(request.headers()) else {
        return ApiError::BadRequest(
            "this address speaks the Yjs protocol over a websocket".into(),
        )
        .into_response();
    };
    // Held until the connection ends, so one address cannot hold every socket of the server.
    let Some(websocket_slot) = state.api_limits.open_websocket(client_address) else {
        state.metrics.rate_limited.inc();
        tracing::info!(%client_address, "refused a websocket over the per-address cap");
        return ApiError::TooManyConnections.into_response();
    };
    let upgrade = hyper::upgrade::on(&mut request);
    let max_message = state.config.limits.max_message_bytes;
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(FRAGMENT_BYTES)
        .max_message_size(Some(max_message))
        .max_frame_size(Some(max_message));
    tokio::spawn(async move {
        match upgrade.await {
            Ok(upgraded) => {
                let socket = WebSocketStream::from_raw_socket(
                    TokioIo::new(upgraded),
                    WsRole::Server,
                    Some(config),
                )
                .await;
                serve_connection(socket, board_id, role, state).await;
            }
            Err(error) => tracing::info!(%error, "websocket upgrade failed"),
        }
        drop(websocket_slot);
    });
    let mut response = StatusCode::SWITCHING_PROTOCOLS.into_response();
    let headers = response.headers_mut();
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    if let Ok(accept) = HeaderValue::from_str(&accept) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    response
}

async fn serve_connection(socket: WebSocket, board_id: String, role: Role, state: AppState) {
    let connection = NEXT_CONNECTION_ID.fetch_add(1, Ordering::Relaxed);
    let (sink, stream) = socket.split();
    let (outgoing, outgoing_queue) = mpsc::channel(state.config.limits.outgoing_queue.max(1));
    let closer = Arc::new(Closer::default());
    let queued_bytes = Arc::new(QueuedBytes::new(
        state.config.limits.outgoing_queue_byte_limit(),
    ));
    let handle = ConnectionHandle {
        outgoing,
        queued_bytes: queued_bytes.clone(),
        closer: closer.clone(),
    };
    let last_heard = Arc::new(AtomicMillis::now());
    let writer = tokio::spawn(write_loop(
        sink,
        OutgoingQueue {
            messages: outgoing_queue,
            bytes: queued_bytes,
        },
        closer.clone(),
        last_heard.clone(),
        Liveness {
            keepalive_after: state.config.limits.keepalive_after(),
            dead_peer_after: state.config.limits.dead_peer_after(),
        },
        state.large_sends.clone(),
    ));

    // `handle` stays alive until the close reason is set: if its queue closed first, the writer
    // would report a plain 1001 instead of why the room refused this connection.
    let room = match join(&state, &board_id, connection, role, &handle).await {
        Ok(room) => room,
        Err(reason) => {
            closer.close(reason);
            drop(handle);
            let _ = writer.await;
            return;
        }
    };
    // From here only the room holds the queue: when the room ends, the writer sees it close.
    drop(handle);
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
    handle: &ConnectionHandle,
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
    let cancelled = closer.token().cancelled();
    tokio::pin!(cancelled);
    loop {
        let frame = tokio::select! {
            frame = stream.next() => frame,
            _ = &mut cancelled => return,
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
            // Raw frames are only ever written, never read (tungstenite assembles messages).
            Some(Ok(WsMessage::Close(_) | WsMessage::Frame(_))) | None => return,
            Some(Err(WsError::Capacity(error))) => {
                // Oversized messages end here: tungstenite refuses them before buffering them.
                tracing::info!(connection, %error, "closing a connection that sent too much");
                state.metrics.protocol_errors.inc();
                closer.close(CloseReason::MessageTooBig);
                return;
            }
            Some(Err(error)) => {
                tracing::debug!(connection, %error, "websocket read ended");
                closer.close(CloseReason::GoingAway);
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
                    _ = &mut cancelled => return,
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

/// When the writer sends a keepalive, and when it gives up on a peer that stopped answering.
struct Liveness {
    keepalive_after: Duration,
    dead_peer_after: Duration,
}

/// The writer's end of a connection's outgoing queue.
struct OutgoingQueue {
    messages: mpsc::Receiver<Bytes>,
    /// Counted by the room as it queues, given back here as frames are written.
    bytes: Arc<QueuedBytes>,
}

async fn write_loop(
    mut sink: SplitSink<WebSocket, WsMessage>,
    mut queue: OutgoingQueue,
    closer: Arc<Closer>,
    last_heard: Arc<AtomicMillis>,
    liveness: Liveness,
    large_sends: Arc<Semaphore>,
) {
    let Liveness {
        keepalive_after,
        dead_peer_after,
    } = liveness;
    // Every write below races the close token and this deadline: a peer that stops reading
    // fills the TCP window, and a write waiting on it must not keep the socket open, this task
    // alive or a large-send permit taken.
    let writes = WriteLimits {
        closing: closer.token().clone(),
        deadline: dead_peer_after,
    };
    let mut last_sent = tokio::time::Instant::now();
    // Three pings fit in the dead-peer time, so one lost pong never closes a live peer.
    let mut ping = tokio::time::interval(PING_EVERY.min(dead_peer_after / 3));
    ping.reset();
    // The keepalive is checked on a coarse tick (a quarter of its time, so it goes out within
    // 1.25× of it) rather than by a timer re-armed after every write: busy connections then
    // cost the timer wheel nothing.
    let mut keepalive_check = tokio::time::interval(keepalive_after / 4);
    keepalive_check.reset();
    keepalive_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let cancelled = closer.token().cancelled();
    tokio::pin!(cancelled);
    // Grows to the largest batch this connection has seen (a few frames in a small room), not
    // to the limit: held by every idle connection, 128 slots would cost 4 KiB each.
    let mut batch = Vec::new();
    let stopped = loop {
        let written = tokio::select! {
            biased;
            _ = &mut cancelled => break WriteStopped::Closed,
            received = queue.messages.recv_many(&mut batch, MAX_FRAMES_PER_FLUSH) => {
                if received == 0 {
                    closer.close(CloseReason::GoingAway);
                    break WriteStopped::Closed;
                }
                // Counted as queued until written: a batch stuck on a full socket is what a
                // stalled reader holds.
                let size = batch.iter().map(Bytes::len).sum();
                let written = write_batch(&mut sink, &mut batch, &large_sends, &writes).await;
                queue.bytes.release(size);
                written
            }
            _ = keepalive_check.tick() => {
                if last_sent.elapsed() < keepalive_after {
                    continue;
                }
                let keepalive = WsMessage::Binary(Bytes::from(codec::encode_awareness_keepalive()));
                writes.run(sink.send(keepalive)).await
            }
            _ = ping.tick() => {
                if last_heard.elapsed() > dead_peer_after {
                    tracing::info!("closing a connection whose peer stopped answering");
                    closer.close(CloseReason::GoingAway);
                    break WriteStopped::Closed;
                }
                writes.run(sink.send(WsMessage::Ping(Bytes::new()))).await
            }
        };
        match written {
            Ok(()) => last_sent = tokio::time::Instant::now(),
            Err(stopped) => break stopped,
        }
    };
    match stopped {
        WriteStopped::Closed => {}
        WriteStopped::TimedOut => {
            tracing::info!("closing a connection whose peer stopped reading");
            closer.close(CloseReason::GoingAway);
        }
        WriteStopped::Failed(error) => {
            tracing::debug!(%error, "websocket write ended");
            closer.close(CloseReason::GoingAway);
        }
    }
    let reason = closer.reason().unwrap_or(CloseReason::GoingAway);
    let frame = CloseFrame {
        code: CloseCode::from(reason.code()),
        reason: reason.name().into(),
    };
    // Best effort: a slow or vanished peer may not take the close frame.
    let _ = tokio::time::timeout(
        Duration::from_secs(2),
        sink.send(WsMessage::Close(Some(frame))),
    )
    .await;
}

/// Why a connection's writer stopped writing.
#[derive(Debug)]
enum WriteStopped {
    /// The connection was told to close (its reason is set).
    Closed,
    /// The peer did not take the bytes within the dead-peer time.
    TimedOut,
    Failed(WsError),
}

/// What every write of one connection races against.
struct WriteLimits {
    closing: CancellationToken,
    /// How long one write (a flush, a fragment, a keepalive) may wait for the peer.
    deadline: Duration,
}

impl WriteLimits {
    /// Runs `write` unless the connection is told to close or the peer does not take it within
    /// the deadline first. Dropping a websocket write half-way is safe: what was already
    /// buffered stays in the stream, and only the close frame goes after it.
    async fn run<T>(
        &self,
        write: impl std::future::Future<Output = Result<T, WsError>>,
    ) -> Result<T, WriteStopped> {
        tokio::select! {
            biased;
            _ = self.closing.cancelled() => Err(WriteStopped::Closed),
            written = tokio::time::timeout(self.deadline, write) => match written {
                Ok(Ok(value)) => Ok(value),
                Ok(Err(error)) => Err(WriteStopped::Failed(error)),
                Err(_) => Err(WriteStopped::TimedOut),
            },
        }
    }
}

async fn write_batch(
    sink: &mut SplitSink<WebSocket, WsMessage>,
    batch: &mut Vec<Bytes>,
    large_sends: &Semaphore,
    writes: &WriteLimits,
) -> Result<(), WriteStopped> {
    for frame in batch.drain(..) {
        if frame.len() >= LARGE_MESSAGE_BYTES {
            send_fragmented(sink, frame, large_sends, writes).await?;
        } else {
            writes.run(sink.feed(WsMessage::Binary(frame))).await?;
        }
    }
    writes.run(sink.flush()).await
}

/// Sends a large message as fragments, a few connections at a time: each fragment is copied into
/// the connection's write buffer only when the socket has taken everything before it, so a crowd
/// joining a large board never holds a copy of it per joiner.
///
/// The permit is taken per fragment, after the socket took the previous one, and given back
/// once this fragment is taken or after [`FRAGMENT_PERMIT_HOLD`]: a peer that stops reading
/// waits for its window without a permit, and never blocks the large sends of anyone else.
async fn send_fragmented(
    sink: &mut SplitSink<WebSocket, WsMessage>,
    message: Bytes,
    large_sends: &Semaphore,
    writes: &WriteLimits,
) -> Result<(), WriteStopped> {
    let mut offset = 0;
    while offset < message.len() {
        let end = (offset + FRAGMENT_BYTES).min(message.len());
        let opcode = if offset == 0 {
            OpCode::Data(Data::Binary)
        } else {
            OpCode::Data(Data::Continue)
        };
        let fragment = Frame::message(message.slice(offset..end), opcode, end == message.len());
        // Whatever is still buffered (earlier frames, the previous fragment) goes out first.
        writes.run(sink.flush()).await?;
        let permit = tokio::select! {
            biased;
            _ = writes.closing.cancelled() => return Err(WriteStopped::Closed),
            permit = tokio::time::timeout(writes.deadline, large_sends.acquire()) => match permit {
                Ok(Ok(permit)) => permit,
                // The semaphore is never closed; without permits the server is stopping.
                Ok(Err(_)) => return Err(WriteStopped::Closed),
                Err(_) => return Err(WriteStopped::TimedOut),
            },
        };
        writes.run(sink.feed(WsMessage::Frame(fragment))).await?;
        match tokio::time::timeout(FRAGMENT_PERMIT_HOLD, writes.run(sink.flush())).await {
            Ok(flushed) => flushed?,
            Err(_) => {
                // The peer stopped taking bytes during this fragment: wait on without the permit.
                drop(permit);
                writes.run(sink.flush()).await?;
            }
        }
        offset = end;
    }
    Ok(())
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
