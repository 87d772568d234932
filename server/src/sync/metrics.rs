//! Prometheus metrics, served as text at `/metrics`.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

pub struct Metrics {
    registry: Registry,
    pub rooms_loaded: Gauge,
    pub connections: Gauge,
    pub messages_in: Counter,
    pub bytes_in: Counter,
    pub messages_out: Counter,
    pub bytes_out: Counter,
    pub updates_persisted: Counter,
    pub persist_seconds: Histogram,
    /// How long each group commit itself took, one observation per transaction: its count
    /// against `updates_persisted` says how many updates a commit holds, and its tail says how
    /// long a commit in place keeps the runtime's worker from everything else.
    pub commit_seconds: Histogram,
    pub slow_client_disconnects: Counter,
    pub protocol_errors: Counter,
    pub rate_limited: Counter,
    pub compactions: Counter,
    /// Boards' states encoded in v2 for `GET /api/boards/{id}/state`; a state asked for again
    /// unchanged is answered from the cache and not counted.
    pub state_v2_encodings: Counter,
    /// The carriage between nodes (`--redis-url`); zero without it.
    pub carriage: CarriageMetrics,
}

/// What the carriage between nodes did, for operators and for tests that wait on it.
#[derive(Default)]
pub struct CarriageMetrics {
    pub connected: Gauge,
    /// Other nodes heard from within the heartbeat's patience.
    pub remote_nodes_alive: Gauge,
    pub reconnects: Counter,
    pub published: Counter,
    pub publish_failures: Counter,
    pub received: Counter,
    pub refused: Counter,
    pub log_reads: Counter,
    pub log_updates_applied: Counter,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("kartta");
        let metrics = Metrics {
            rooms_loaded: Gauge::default(),
            connections: Gauge::default(),
            messages_in: Counter::default(),
            bytes_in: Counter::default(),
            messages_out: Counter::default(),
            bytes_out: Counter::default(),
            updates_persisted: Counter::default(),
            // 50 µs to about 1.6 s.
            persist_seconds: Histogram::new(exponential_buckets(0.000_05, 2.0, 16)),
            // 10 µs to about 1.3 s: a commit in place takes tens of microseconds.
            commit_seconds: Histogram::new(exponential_buckets(0.000_01, 2.0, 18)),
            slow_client_disconnects: Counter::default(),
            protocol_errors: Counter::default(),
            rate_limited: Counter::default(),
            compactions: Counter::default(),
            state_v2_encodings: Counter::default(),
            carriage: CarriageMetrics::default(),
            registry: Registry::default(),
        };
        registry.register(
            "rooms_loaded",
            "Boards loaded in memory",
            metrics.rooms_loaded.clone(),
        );
        registry.register(
            "connections",
            "Open websocket connections",
            metrics.connections.clone(),
        );
        registry.register(
            "messages_in",
            "Yjs messages received",
            metrics.messages_in.clone(),
        );
        registry.register(
            "bytes_in",
            "Bytes of websocket frames received",
            metrics.bytes_in.clone(),
        );
        registry.register(
            "messages_out",
            "Websocket frames queued to clients",
            metrics.messages_out.clone(),
        );
        registry.register(
            "bytes_out",
            "Bytes of websocket frames queued to clients",
            metrics.bytes_out.clone(),
        );
        registry.register(
            "updates_persisted",
            "Document updates committed to storage",
            metrics.updates_persisted.clone(),
        );
        registry.register(
            "persist_latency_seconds",
            "Time from handing updates to storage until their commit",
            metrics.persist_seconds.clone(),
        );
        registry.register(
            "commit_seconds",
            "Time one group commit of update logs takes",
            metrics.commit_seconds.clone(),
        );
        registry.register(
            "slow_client_disconnects",
            "Connections closed because their outgoing queue was full",
            metrics.slow_client_disconnects.clone(),
        );
        registry.register(
            "protocol_errors",
            "Connections closed for malformed or refused input",
            metrics.protocol_errors.clone(),
        );
        registry.register(
            "rate_limited_requests",
            "API requests refused with 429 because their address was over its rate",
            metrics.rate_limited.clone(),
        );
        registry.register(
            "compactions",
            "Update logs folded into one stored state",
            metrics.compactions.clone(),
        );
        registry.register(
            "board_state_v2_encodings",
            "Board states encoded in Yjs v2 for the state endpoint (a repeat of an unchanged state is a copy)",
            metrics.state_v2_encodings.clone(),
        );
        metrics.carriage.register(&mut registry);
        registry.register(
            "postgres_reconnects",
            "Connections to PostgreSQL made again after it ended one (a restart); 0 on SQLite",
            crate::pg_connection::reconnect_counter(),
        );
        Metrics {
            registry,
            ..metrics
        }
    }

    /// The metrics in Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

impl CarriageMetrics {
    fn register(&self, registry: &mut Registry) {
        let carriage = registry.sub_registry_with_prefix("carriage");
        carriage.register(
            "connected",
            "1 while the Redis subscription stands",
            self.connected.clone(),
        );
        carriage.register(
            "remote_nodes_alive",
            "Other nodes whose heartbeat (or any message) was heard lately",
            self.remote_nodes_alive.clone(),
        );
        carriage.register(
            "reconnects",
            "Times the Redis subscription came back after an outage",
            self.reconnects.clone(),
        );
        carriage.register(
            "published",
            "Messages relayed to the other nodes",
            self.published.clone(),
        );
        carriage.register(
            "publish_failures",
            "Messages not relayed (Redis away or the queue full); other nodes read the log",
            self.publish_failures.clone(),
        );
        carriage.register(
            "received",
            "Messages received from other nodes",
            self.received.clone(),
        );
        carriage.register(
            "refused",
            "Relayed messages skipped because they do not read",
            self.refused.clone(),
        );
        carriage.register(
            "log_reads",
            "Reads of a board's log for a gap or a catch-up",
            self.log_reads.clone(),
        );
        carriage.register(
            "log_updates_applied",
            "Updates of other nodes read from the log, not relayed",
            self.log_updates_applied.clone(),
        );
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
