//! Command-line and environment configuration (`kartta serve --help`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use kartta_protocol::codec::DecodeLimits;

use crate::client_address::Cidr;
use crate::exchange::local_time;
use crate::sync::room::RoomLimits;

#[derive(Debug, Parser)]
#[command(
    name = "kartta",
    version,
    about = "Kartta: collaborative partnership maps"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app and the sync endpoint (the default).
    Serve(ServeConfig),
}

/// Every flag can also be given as an environment variable `KARTTA_…`.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address to listen on; port 0 picks a free port (printed on start).
    #[arg(long, env = "KARTTA_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Directory for the SQLite database; created if missing.
    #[arg(long, env = "KARTTA_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Keep the catalog and the boards' logs in this PostgreSQL database instead of the
    /// SQLite file (`postgres://user:password@host:port/database`), so several nodes can share
    /// them. Unset: SQLite in `--data-dir`.
    #[arg(long, env = "KARTTA_POSTGRES_URL", hide_env_values = true)]
    pub postgres_url: Option<String>,

    /// Relay every board's stored updates and awareness to the other nodes serving it through
    /// this Redis (`redis://host:port/`); needs `--postgres-url`, whose log stays the only copy.
    /// Unset: this node serves its boards alone.
    #[arg(long, env = "KARTTA_REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,

    /// With `--redis-url`: how often this node tells the others it is alive. A node not heard
    /// from for `--node-missed-heartbeats` of these is gone, and the presence of its clients is
    /// dropped at once instead of after the awareness timeout (30 s).
    #[arg(long, env = "KARTTA_NODE_HEARTBEAT_MS", default_value_t = 2000,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub node_heartbeat_ms: u64,

    /// With `--redis-url`: heartbeats another node may miss in a row before it counts as gone.
    #[arg(long, env = "KARTTA_NODE_MISSED_HEARTBEATS", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(2..=100))]
    pub node_missed_heartbeats: u32,

    #[command(flatten)]
    pub limits: Limits,

    /// Let any board id be used without a token, as a plain Yjs relay (for load tests or a
    /// closed network). Off by default: boards are made through the API and need a token.
    #[arg(long, env = "KARTTA_OPEN_BOARDS")]
    pub open_boards: bool,

    /// Reverse proxies whose `X-Forwarded-For` is believed, as comma-separated networks
    /// (`127.0.0.1/32,10.0.0.0/8`). Requests and websockets from one of them are counted
    /// against the right-most forwarded address that is not a proxy; from anyone else the
    /// header is ignored. Default: none.
    #[arg(long, env = "KARTTA_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<Cidr>,

    /// Log filter in `tracing` syntax, e.g. `info` or `kartta_server=debug`.
    #[arg(long, env = "KARTTA_LOG", default_value = "info")]
    pub log: String,

    /// The time zone of the workshops (an IANA name): the date on exported pictures and the
    /// times in a workshop archive are its wall-clock time, not UTC.
    #[arg(long, env = "KARTTA_TIME_ZONE", default_value = local_time::DEFAULT_TIME_ZONE,
          value_parser = local_time::parse_time_zone)]
    pub time_zone: jiff::tz::TimeZone,
}

#[derive(Debug, Clone, Args)]
pub struct Limits {
    /// Largest websocket message accepted, in bytes.
    #[arg(long, env = "KARTTA_MAX_MESSAGE_BYTES", default_value_t = DecodeLimits::default().max_message_bytes)]
    pub max_message_bytes: usize,

    /// Largest stored size of one board, in bytes.
    #[arg(long, env = "KARTTA_MAX_BOARD_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_board_bytes: usize,

    /// Most simultaneous connections to one board.
    #[arg(long, env = "KARTTA_MAX_CONNECTIONS_PER_BOARD", default_value_t = 250)]
    pub max_connections_per_board: usize,

    /// Largest awareness (presence) state of one client, in bytes.
    #[arg(long, env = "KARTTA_MAX_AWARENESS_STATE_BYTES", default_value_t = DecodeLimits::default().max_awareness_state_bytes)]
    pub max_awareness_state_bytes: usize,

    /// Messages (document updates and awareness) per second one connection may send; faster
    /// senders are slowed down (their socket is read later), not disconnected, so one client
    /// cannot crowd the others out of its room.
    #[arg(long, env = "KARTTA_MESSAGES_PER_SECOND", default_value_t = 300.0)]
    pub messages_per_second: f64,

    /// Messages a connection may send in a burst above the steady rate.
    #[arg(long, env = "KARTTA_MESSAGE_BURST", default_value_t = 3000.0)]
    pub message_burst: f64,

    /// Messages queued for one connection before it is closed as too slow.
    #[arg(long, env = "KARTTA_OUTGOING_QUEUE", default_value_t = 1024)]
    pub outgoing_queue: usize,

    /// Bytes queued for one connection before it is closed as too slow; unset: the largest
    /// board plus two of the largest messages, so a joiner always gets the whole board.
    #[arg(long, env = "KARTTA_OUTGOING_QUEUE_BYTES")]
    pub outgoing_queue_bytes: Option<usize>,

    /// Seconds a board with no connections stays in memory.
    #[arg(long, env = "KARTTA_IDLE_UNLOAD_SECONDS", default_value_t = 30)]
    pub idle_unload_seconds: u64,

    /// Seconds without any message to a connection before the server sends an empty awareness
    /// message (stock clients reconnect after 30 s of silence and do not see pings).
    #[arg(long, env = "KARTTA_KEEPALIVE_SECONDS", default_value_t = 15.0)]
    pub keepalive_seconds: f64,

    /// HTTP API requests per second one client address may make on average. A whole class
    /// behind one school NAT shares it: 45 people on a 10-board overview poll about 100 per
    /// second. Rendering, importing and copying count as `EXPENSIVE_REQUEST_COST` each.
    #[arg(long, env = "KARTTA_API_REQUESTS_PER_SECOND", default_value_t = 200)]
    pub api_requests_per_second: u32,

    /// API requests one client address may make at once above the steady rate.
    #[arg(long, env = "KARTTA_API_REQUEST_BURST", default_value_t = 2000)]
    pub api_request_burst: u32,

    /// Websockets one client address may hold open at once (0: no cap). A class behind one
    /// school NAT has a board or two open per person; the default leaves room for a plenary
    /// of 150 behind one address.
    #[arg(long, env = "KARTTA_MAX_WEBSOCKETS_PER_ADDRESS", default_value_t = 300)]
    pub max_websockets_per_address: usize,

    /// In a board with more than four connections, awareness changes (cursors, selections) are
    /// gathered for this many milliseconds and sent as one message. Document updates are never
    /// held back.
    #[arg(long, env = "KARTTA_AWARENESS_WINDOW_MS", default_value_t = 25)]
    pub awareness_window_ms: u64,

    /// Seconds without hearing anything (a message or a pong) from a peer before its
    /// connection is closed as dead; the server pings at least three times in that time.
    #[arg(long, env = "KARTTA_DEAD_PEER_SECONDS", default_value_t = 65.0)]
    pub dead_peer_seconds: f64,

    /// Compact a board's update log into one state after this many updates.
    #[arg(long, env = "KARTTA_COMPACT_AFTER_UPDATES", default_value_t = 2000)]
    pub compact_after_updates: usize,
}

/// Parses nothing but the limits, to get their defaults in one place.
#[derive(Parser)]
struct LimitsOnly {
    #[command(flatten)]
    limits: Limits,
}

impl Default for Limits {
    fn default() -> Self {
        LimitsOnly::parse_from(["kartta"]).limits
    }
}

impl Limits {
    /// What [`Limits::outgoing_queue_bytes`] is when not given.
    pub fn outgoing_queue_byte_limit(&self) -> usize {
        self.outgoing_queue_bytes.unwrap_or_else(|| {
            self.max_board_bytes
                .saturating_add(self.max_message_bytes.saturating_mul(2))
        })
    }

    pub fn decode_limits(&self) -> DecodeLimits {
        DecodeLimits {
            max_message_bytes: self.max_message_bytes,
            max_awareness_clients: DecodeLimits::default().max_awareness_clients,
            max_awareness_state_bytes: self.max_awareness_state_bytes,
        }
    }

    pub fn room_limits(&self) -> RoomLimits {
        RoomLimits {
            max_connections: self.max_connections_per_board,
            max_board_bytes: self.max_board_bytes,
            ..RoomLimits::default()
        }
    }

    pub fn idle_unload_after(&self) -> Duration {
        Duration::from_secs(self.idle_unload_seconds)
    }

    pub fn keepalive_after(&self) -> Duration {
        Duration::from_secs_f64(self.keepalive_seconds.clamp(0.05, 3600.0))
    }

    pub fn dead_peer_after(&self) -> Duration {
        Duration::from_secs_f64(self.dead_peer_seconds.clamp(0.3, 24.0 * 3600.0))
    }
}

impl ServeConfig {
    /// How nodes judge each other alive (`--node-heartbeat-ms`, `--node-missed-heartbeats`).
    pub fn node_liveness(&self) -> kartta_core::nodes::NodeLivenessSettings {
        kartta_core::nodes::NodeLivenessSettings {
            heartbeat_every: std::time::Duration::from_millis(self.node_heartbeat_ms),
            missed_heartbeats: self.node_missed_heartbeats,
        }
    }

    pub fn with_data_dir(data_dir: PathBuf) -> ServeConfig {
        ServeConfig {
            listen: ([127, 0, 0, 1], 0).into(),
            data_dir,
            postgres_url: None,
            redis_url: None,
            node_heartbeat_ms: 2000,
            node_missed_heartbeats: 3,
            limits: Limits::default(),
            open_boards: false,
            trusted_proxies: Vec::new(),
            log: "info".into(),
            time_zone: local_time::default_time_zone(),
        }
    }
}
