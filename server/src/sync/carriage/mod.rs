//! The carriage between nodes (`--redis-url`): what one node stored for a board, and its
//! connections' awareness, relayed over Redis pub/sub to the other nodes serving that board.
//! Redis carries and never keeps: PostgreSQL's numbered log is the only copy, and a node that
//! missed a relayed message reads the log (see `kartta_core::sequence`).
//!
//! - [`Carriage`]: the node's side of it: rooms attach while they are loaded and receive
//!   [`Delivery`]s; they publish through it without waiting.
//! - `relay.rs`: the tasks that talk to Redis (a subscriber and a publisher, each reconnecting
//!   on its own) and the node's heartbeat. The subscriber also judges, from the other nodes'
//!   heartbeats (`kartta_core::nodes`), which of them are gone, and tells every room to drop the
//!   presence a gone node relayed.
//! - `wire.rs`: the bytes of a message.

mod relay;
pub mod wire;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use dashmap::DashMap;
use kartta_core::nodes::{Heard, NodeLivenessSettings, RemoteNodes};
use kartta_protocol::codec::{AwarenessEntry, DecodeLimits};
use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::sync::metrics::Metrics;

/// Deliveries waiting for one room. When full, a delivery is dropped: a dropped update shows as
/// a gap and is read from the log, a dropped awareness change is renewed by its client within
/// 15 s. The room is never slowed by the carriage.
const ROOM_DELIVERY_QUEUE: usize = 1024;

/// Messages waiting for the publisher. When full, a message is dropped (and counted): the other
/// nodes read the log at the next gap or catch-up, so only speed is lost, never an update.
const PUBLISH_QUEUE: usize = 8192;

/// Subscriptions waiting for the subscriber task. Rooms wait when it is full (a load or unload
/// is rare next to updates).
const CONTROL_QUEUE: usize = 4096;

/// Every board's channel begins with this; the board id follows, exactly.
const CHANNEL_PREFIX: &str = "kartta:board:";

/// The channel of the nodes' heartbeats, which every node subscribes (no board is named
/// `kartta:nodes`: board channels all begin with [`CHANNEL_PREFIX`]).
const NODES_CHANNEL: &str = "kartta:nodes";

/// What reaches a room from the other nodes.
#[derive(Debug)]
pub enum Delivery {
    Updates {
        first_seq: i64,
        updates: Vec<Bytes>,
    },
    Awareness {
        node_id: u64,
        entries: Vec<AwarenessEntry>,
    },
    AwarenessQueried,
    /// The room's channel is (again) subscribed, or a node thought gone was heard again:
    /// relayed messages may have been missed.
    CatchUp,
    /// Another node's heartbeat stopped: drop the presence it relayed.
    NodeGone {
        node_id: u64,
    },
}

enum Control {
    Subscribe(Arc<str>),
    Unsubscribe(Arc<str>),
}

struct RoomLink {
    generation: u64,
    deliveries: mpsc::Sender<Delivery>,
}

pub struct Carriage {
    /// Random per process, so a restarted node is a new node to the others.
    node_id: u64,
    rooms: DashMap<Arc<str>, RoomLink>,
    control: mpsc::Sender<Control>,
    /// Each message with the channel it goes to.
    publishes: mpsc::Sender<(String, Vec<u8>)>,
    /// How often this node sends its heartbeat, and when another node counts as gone.
    liveness: NodeLivenessSettings,
    /// What relayed awareness may hold: the websocket limits, but a merged message of a large
    /// room lists more clients than one client may announce.
    limits: DecodeLimits,
    metrics: Arc<Metrics>,
    dropped_deliveries: AtomicU64,
}

fn channel_of(board_id: &str) -> String {
    format!("{CHANNEL_PREFIX}{board_id}")
}

impl Carriage {
    /// Checks the URL, starts the subscriber and publisher tasks (they connect, and reconnect,
    /// by themselves: a node starts even while Redis is away, and catches up from the log).
    pub fn start(
        url: &str,
        limits: DecodeLimits,
        liveness: NodeLivenessSettings,
        metrics: Arc<Metrics>,
        shutdown: CancellationToken,
        tasks: &TaskTracker,
    ) -> Result<Arc<Carriage>, ::redis::RedisError> {
        let client = ::redis::Client::open(url)?;
        let (control, control_receiver) = mpsc::channel(CONTROL_QUEUE);
        let (publishes, publish_receiver) = mpsc::channel(PUBLISH_QUEUE);
        let carriage = Arc::new(Carriage {
            node_id: rand::random::<u64>() >> 1 | 1,
            rooms: DashMap::new(),
            control,
            publishes,
            liveness,
            limits: DecodeLimits {
                max_awareness_clients: 4096,
                ..limits
            },
            metrics,
            dropped_deliveries: AtomicU64::new(0),
        });
        tasks.spawn(relay::subscribe(
            client.clone(),
            carriage.clone(),
            control_receiver,
            shutdown.clone(),
        ));
        tasks.spawn(relay::publish(
            client,
            carriage.metrics.clone(),
            publish_receiver,
            shutdown.clone(),
        ));
        tasks.spawn(relay::heartbeat(carriage.clone(), shutdown));
        Ok(carriage)
    }

    pub fn node_id(&self) -> u64 {
        self.node_id
    }

    /// Subscribes the room of `board_id` (its `generation`) to the board's channel; it is told
    /// [`Delivery::CatchUp`] once the subscription stands, and again after every reconnect.
    pub async fn attach(&self, board_id: Arc<str>, generation: u64) -> mpsc::Receiver<Delivery> {
        let (deliveries, receiver) = mpsc::channel(ROOM_DELIVERY_QUEUE);
        self.rooms.insert(
            board_id.clone(),
            RoomLink {
                generation,
                deliveries,
            },
        );
        let _ = self.control.send(Control::Subscribe(board_id)).await;
        receiver
    }

    /// The room ended: unsubscribe, unless a newer room of the board took its place.
    pub fn detach(&self, board_id: &Arc<str>, generation: u64) {
        let removed = self
            .rooms
            .remove_if(board_id, |_, link| link.generation == generation)
            .is_some();
        if removed {
            // Without room in the queue the subscription stays until the next reconnect; its
            // messages then find no room and are skipped.
            let _ = self
                .control
                .try_send(Control::Unsubscribe(board_id.clone()));
        }
    }

    /// Relays updates the room stored as `first_seq …`.
    pub fn publish_updates(&self, board_id: &Arc<str>, first_seq: i64, updates: &[Bytes]) {
        self.publish(
            board_id,
            wire::encode_updates(self.node_id, first_seq, updates),
        );
    }

    pub fn publish_awareness(&self, board_id: &Arc<str>, message: &[u8]) {
        self.publish(board_id, wire::encode_awareness(self.node_id, message));
    }

    pub fn query_awareness(&self, board_id: &Arc<str>) {
        self.publish(board_id, wire::encode_awareness_query(self.node_id));
    }

    /// Tells the other nodes this one is alive.
    fn publish_heartbeat(&self) {
        self.publish_on(
            NODES_CHANNEL.to_owned(),
            wire::encode_heartbeat(self.node_id),
        );
    }

    fn publish(&self, board_id: &Arc<str>, payload: Vec<u8>) {
        self.publish_on(channel_of(board_id), payload);
    }

    fn publish_on(&self, channel: String, payload: Vec<u8>) {
        if self.publishes.try_send((channel, payload)).is_err() {
            self.metrics.carriage.publish_failures.inc();
        }
    }

    /// Hands a message read from `channel` to the room it is for, and notes that its sender is
    /// alive (`nodes`, at `now`); a message that does not read is logged and skipped, and never
    /// stops the others.
    fn route(&self, channel: &str, payload: Bytes, nodes: &mut RemoteNodes, now: Instant) {
        let relayed = match wire::decode(&payload, &self.limits) {
            Ok(relayed) => relayed,
            Err(error) => {
                self.metrics.carriage.refused.inc();
                tracing::warn!(channel, %error, "skipping a relayed message that does not read");
                return;
            }
        };
        if relayed.node_id == self.node_id {
            return;
        }
        // Any message shows its sender alive: a node that dies before its first heartbeat
        // was heard still has its presence dropped.
        match nodes.heard(relayed.node_id, now) {
            Heard::Known => {}
            Heard::New => self.count_nodes(nodes),
            Heard::Returned => {
                tracing::info!(
                    node = relayed.node_id,
                    "a node counted as gone is heard again; asking for its presence"
                );
                self.count_nodes(nodes);
                self.deliver_to_every_room(|| Delivery::CatchUp);
            }
        }
        let Some(board_id) = channel.strip_prefix(CHANNEL_PREFIX) else {
            return;
        };
        self.metrics.carriage.received.inc();
        let delivery = match relayed.body {
            wire::Body::Updates { first_seq, updates } => Delivery::Updates { first_seq, updates },
            wire::Body::Awareness { entries } => Delivery::Awareness {
                node_id: relayed.node_id,
                entries,
            },
            wire::Body::AwarenessQuery => Delivery::AwarenessQueried,
            // Heartbeats come on the nodes' channel, never a board's.
            wire::Body::Heartbeat => return,
        };
        self.deliver(board_id, delivery);
    }

    fn deliver(&self, board_id: &str, delivery: Delivery) {
        let Some(link) = self.rooms.get(board_id) else {
            return;
        };
        if let Err(TrySendError::Full(_)) = link.deliveries.try_send(delivery) {
            let dropped = self.dropped_deliveries.fetch_add(1, Ordering::Relaxed);
            if dropped.is_multiple_of(1000) {
                tracing::warn!(
                    board = board_id,
                    "a room's carriage queue is full; it reads the log instead"
                );
            }
        }
    }

    /// The nodes whose heartbeat stopped (`nodes`, at `now`): every room drops the presence
    /// they relayed. A room whose queue is full misses it, and the states expire with the
    /// awareness timeout instead.
    fn forget_gone_nodes(&self, nodes: &mut RemoteNodes, now: Instant) {
        let gone = nodes.take_gone(now);
        if gone.is_empty() {
            return;
        }
        for node_id in gone {
            tracing::info!(
                node = node_id,
                "a node's heartbeat stopped; its clients' presence is dropped"
            );
            self.deliver_to_every_room(|| Delivery::NodeGone { node_id });
        }
        self.count_nodes(nodes);
    }

    fn count_nodes(&self, nodes: &RemoteNodes) {
        self.metrics
            .carriage
            .remote_nodes_alive
            .set(nodes.alive() as i64);
    }

    fn deliver_to_every_room(&self, delivery: impl Fn() -> Delivery) {
        for link in self.rooms.iter() {
            let _ = link.deliveries.try_send(delivery());
        }
    }

    /// The boards attached now, to subscribe after a (re)connect.
    fn attached_boards(&self) -> Vec<Arc<str>> {
        self.rooms.iter().map(|link| link.key().clone()).collect()
    }
}
