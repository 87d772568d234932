//! The tasks that talk to Redis for the [`Carriage`]: a subscriber on a pub/sub connection of
//! its own (a subscribed connection can issue nothing else) and a publisher on a multiplexed
//! one, each reconnecting by itself with a growing pause, neither ever stopping a room; and the
//! heartbeat, which tells the other nodes every few seconds that this one is alive.
//!
//! Every command has an explicit reply time (the client's default would fail a slow reply after
//! 500 ms): a reply that does not come in time is an error that is logged and counted, and the
//! connection is dropped and made anew, so nothing is silently lost; an update relayed in vain
//! is read from the log by the other nodes.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use kartta_core::nodes::RemoteNodes;

use super::{channel_of, Carriage, Control, Delivery, NODES_CHANNEL};
use crate::sync::metrics::Metrics;

/// Longest wait for a connection, and for the reply to one command or pipeline.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const REPLY_TIMEOUT: Duration = Duration::from_secs(5);
/// Pauses between reconnects, doubling from the first to the last.
const FIRST_RETRY: Duration = Duration::from_millis(100);
const LAST_RETRY: Duration = Duration::from_secs(2);
/// How often the subscriber pings: a Redis that stopped answering without closing the
/// connection is noticed within this and the reply time.
const PING_EVERY: Duration = Duration::from_secs(2);
/// Channels named in one SUBSCRIBE after a reconnect.
const SUBSCRIBE_CHUNK: usize = 500;
/// At shutdown, the publisher stops once nothing was queued for this long.
const SHUTDOWN_DRAIN: Duration = Duration::from_millis(300);
/// Messages sent in one pipeline.
const PUBLISH_BATCH: usize = 128;

/// Waits `pause` unless the server stops first; false when it stopped.
async fn pause(pause: Duration, shutdown: &CancellationToken) -> bool {
    tokio::select! {
        _ = shutdown.cancelled() => false,
        _ = tokio::time::sleep(pause) => true,
    }
}

fn next_retry(retry: Duration) -> Duration {
    (retry * 2).min(LAST_RETRY)
}

pub(super) async fn subscribe(
    client: Client,
    carriage: Arc<Carriage>,
    mut control: mpsc::Receiver<Control>,
    shutdown: CancellationToken,
) {
    let mut retry = FIRST_RETRY;
    let mut reported_outage = false;
    // Owned by this task alone: it hears every node, and judges them only while it can.
    let mut nodes = RemoteNodes::new(carriage.liveness);
    loop {
        let connected = tokio::select! {
            _ = shutdown.cancelled() => return,
            connected = tokio::time::timeout(CONNECT_TIMEOUT, client.get_async_pubsub()) => connected,
        };
        let pubsub = match connected {
            Ok(Ok(pubsub)) => pubsub,
            failed => {
                match failed {
                    Ok(Err(error)) if !reported_outage => {
                        tracing::warn!(%error, "cannot reach Redis; boards are caught up from PostgreSQL until it is back");
                    }
                    Err(_) => tracing::warn!("connecting to Redis timed out"),
                    _ => {}
                }
                reported_outage = true;
                // Subscriptions asked for meanwhile are in the carriage's map; all of them are
                // subscribed on reconnect.
                while control.try_recv().is_ok() {}
                if !pause(retry, &shutdown).await {
                    return;
                }
                retry = next_retry(retry);
                continue;
            }
        };
        let (mut sink, mut stream) = pubsub.split();
        // What was asked before this point is in the map: drop the requests, subscribe the map.
        while control.try_recv().is_ok() {}
        let boards = carriage.attached_boards();
        let mut subscribed = matches!(
            tokio::time::timeout(REPLY_TIMEOUT, sink.subscribe(NODES_CHANNEL)).await,
            Ok(Ok(()))
        );
        for chunk in boards.chunks(SUBSCRIBE_CHUNK) {
            let channels: Vec<String> = chunk.iter().map(|board| channel_of(board)).collect();
            if !subscribed {
                break;
            }
            match tokio::time::timeout(REPLY_TIMEOUT, sink.subscribe(&channels)).await {
                Ok(Ok(())) => {}
                _ => {
                    subscribed = false;
                    break;
                }
            }
        }
        if !subscribed {
            tracing::warn!("subscribing to the boards' channels failed; reconnecting");
            if !pause(retry, &shutdown).await {
                return;
            }
            retry = next_retry(retry);
            continue;
        }
        // Whatever was relayed while the channels were not subscribed is read from the log.
        for board in &boards {
            carriage.deliver(board, Delivery::CatchUp);
        }
        carriage.metrics.carriage.connected.set(1);
        if reported_outage {
            tracing::info!(
                boards = boards.len(),
                "Redis is back; boards catch up from PostgreSQL"
            );
            carriage.metrics.carriage.reconnects.inc();
        }
        retry = FIRST_RETRY;
        // Nobody could reach this node while it was not subscribed.
        nodes.listening_again(now());
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut judge_nodes = tokio::time::interval(carriage.liveness.heartbeat_every);
        judge_nodes.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                message = stream.next() => {
                    let Some(message) = message else {
                        break;
                    };
                    let payload = bytes::Bytes::copy_from_slice(message.get_payload_bytes());
                    carriage.route(message.get_channel_name(), payload, &mut nodes, now());
                }
                _ = judge_nodes.tick() => carriage.forget_gone_nodes(&mut nodes, now()),
                request = control.recv() => {
                    let Some(request) = request else {
                        return;
                    };
                    let answered = match &request {
                        Control::Subscribe(board) => {
                            tokio::time::timeout(REPLY_TIMEOUT, sink.subscribe(channel_of(board))).await
                        }
                        Control::Unsubscribe(board) => {
                            tokio::time::timeout(REPLY_TIMEOUT, sink.unsubscribe(channel_of(board))).await
                        }
                    };
                    if !matches!(answered, Ok(Ok(()))) {
                        break;
                    }
                    if let Control::Subscribe(board) = request {
                        carriage.deliver(&board, Delivery::CatchUp);
                    }
                }
                _ = ping.tick() => {
                    // Any answer will do: a subscribed connection answers `pong` as a list.
                    let answered: Result<Result<redis::Value, _>, _> =
                        tokio::time::timeout(REPLY_TIMEOUT, sink.ping()).await;
                    if !matches!(answered, Ok(Ok(_))) {
                        break;
                    }
                }
            }
        }
        carriage.metrics.carriage.connected.set(0);
        tracing::warn!(
            "lost the Redis subscription; boards are caught up from PostgreSQL until it is back"
        );
        reported_outage = true;
        // Never a tight loop, whatever made the connection fail.
        if !pause(retry, &shutdown).await {
            return;
        }
        retry = next_retry(retry);
    }
}

/// Now, on tokio's clock (paused in tests), as the core takes time.
fn now() -> std::time::Instant {
    tokio::time::Instant::now().into_std()
}

/// Sends this node's heartbeat every `heartbeat_every` until the server stops. Through the
/// publisher's queue like everything else: while Redis is away the heartbeats are dropped, and
/// the other nodes, which cannot hear it then, count this node gone only once they hear
/// nothing from it while they themselves are subscribed.
pub(super) async fn heartbeat(carriage: Arc<Carriage>, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(carriage.liveness.heartbeat_every);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = every.tick() => carriage.publish_heartbeat(),
        }
    }
}

pub(super) async fn publish(
    client: Client,
    metrics: Arc<Metrics>,
    mut publishes: mpsc::Receiver<(String, Vec<u8>)>,
    shutdown: CancellationToken,
) {
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(REPLY_TIMEOUT));
    let mut connection: Option<MultiplexedConnection> = None;
    let mut retry = FIRST_RETRY;
    let mut retry_at = tokio::time::Instant::now();
    let mut batch = Vec::with_capacity(PUBLISH_BATCH);
    loop {
        let received = if shutdown.is_cancelled() {
            // Stopping: what the rooms say as they close (their clients' presence removed)
            // still goes out, until nothing more comes for a moment.
            match tokio::time::timeout(
                SHUTDOWN_DRAIN,
                publishes.recv_many(&mut batch, PUBLISH_BATCH),
            )
            .await
            {
                Ok(received) => received,
                Err(_) => return,
            }
        } else {
            tokio::select! {
                _ = shutdown.cancelled() => continue,
                received = publishes.recv_many(&mut batch, PUBLISH_BATCH) => received,
            }
        };
        if received == 0 {
            return;
        }
        if connection.is_none() && tokio::time::Instant::now() >= retry_at {
            match client
                .get_multiplexed_async_connection_with_config(&config)
                .await
            {
                Ok(made) => {
                    connection = Some(made);
                    retry = FIRST_RETRY;
                }
                Err(error) => {
                    tracing::debug!(%error, "cannot reach Redis to publish");
                    retry_at = tokio::time::Instant::now() + retry;
                    retry = next_retry(retry);
                }
            }
        }
        let Some(publishing) = connection.as_mut() else {
            // Not relayed: the other nodes read these updates from the log.
            metrics.carriage.publish_failures.inc_by(batch.len() as u64);
            batch.clear();
            continue;
        };
        let mut pipeline = redis::pipe();
        for (channel, payload) in &batch {
            pipeline
                .cmd("PUBLISH")
                .arg(channel)
                .arg(payload.as_slice())
                .ignore();
        }
        match pipeline.exec_async(publishing).await {
            Ok(()) => {
                metrics.carriage.published.inc_by(batch.len() as u64);
            }
            Err(error) => {
                tracing::warn!(%error, messages = batch.len(), "publishing to Redis failed; the other nodes read the log instead");
                metrics.carriage.publish_failures.inc_by(batch.len() as u64);
                connection = None;
            }
        }
        batch.clear();
    }
}
