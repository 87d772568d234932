//! The Kartta server: live sync (`sync/`, with the rooms in `sync/room/`), workshops and access (`workshops/`) and
//! exchange (`exchange/`), behind one router.
//!
//! `main.rs` only parses the command line; [`serve`] runs a server and [`app`] builds its
//! router, so tests can run the real thing on `127.0.0.1:0`.

pub mod client_address;
pub mod config;
pub mod exchange;
pub mod http;
pub mod pg_connection;
pub mod sync;
mod web;
pub mod workshops;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::ServeConfig;
use crate::sync::metrics::Metrics;
use crate::sync::persist::Persister;
use crate::sync::room::{RoomContext, Rooms};
use crate::sync::storage::{BoardStore, PostgresStore, SqliteStore};
use crate::workshops::catalog::{Catalog, PostgresCatalog, SqliteCatalog};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<ServeConfig>,
    pub rooms: Arc<Rooms>,
    pub metrics: Arc<Metrics>,
    pub catalog: Arc<dyn Catalog>,
    /// Request and join-attempt rates and open websockets per client address.
    pub api_limits: Arc<workshops::api::rate::ApiLimits>,
    /// Permits to write a large message (see `sync::ws::LARGE_MESSAGE_BYTES`): bounds how many
    /// copies of a big board sit in write buffers at once.
    pub large_sends: Arc<tokio::sync::Semaphore>,
    /// Permits to render an export (SVG, PNG, ZIP) on a blocking thread: all cores but one,
    /// so exports never take every core from the live boards.
    pub renders: Arc<tokio::sync::Semaphore>,
    /// The boards' states in v2 as last answered by `GET /api/boards/{id}/state`, by tag.
    pub state_v2_cache: Arc<workshops::api::state_cache::StateV2Cache>,
}

fn render_permits() -> usize {
    std::thread::available_parallelism().map_or(1, |cores| cores.get().saturating_sub(1).max(1))
}

/// Connections that may be writing a large message at the same moment.
const CONCURRENT_LARGE_SENDS: usize = 4;

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/sync/{board_id}", get(sync::ws::sync_handler))
        .merge(http::router())
        .nest(
            "/api",
            workshops::api::router().layer(axum::middleware::from_fn_with_state(
                state.clone(),
                workshops::api::rate::limit_requests,
            )),
        )
        .fallback(web::static_file)
        .layer(axum::middleware::map_response(http::security_headers))
        .with_state(state)
}

/// A server that is listening: its address, and what it takes to stop it.
pub struct Server {
    pub address: SocketAddr,
    /// What the handlers see; tests use it to reach the catalog and storage.
    pub state: AppState,
    shutdown: CancellationToken,
    tasks: TaskTracker,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// The board store and catalog in the SQLite file of `data_dir` (the default).
fn open_sqlite(
    data_dir: &std::path::Path,
) -> anyhow::Result<(Arc<dyn BoardStore>, Arc<dyn Catalog>)> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    let database = data_dir.join("kartta.db");
    let store =
        SqliteStore::open(&database).with_context(|| format!("opening {}", database.display()))?;
    let catalog = SqliteCatalog::open(&database)
        .with_context(|| format!("opening {}", database.display()))?;
    Ok((Arc::new(store), Arc::new(catalog)))
}

/// The board store and catalog in the PostgreSQL database at `url` (`--postgres-url`).
fn connect_postgres(url: &str) -> anyhow::Result<(Arc<dyn BoardStore>, Arc<dyn Catalog>)> {
    let config = pg_connection::parse_postgres_url(url).context("reading --postgres-url")?;
    let catalog = PostgresCatalog::connect(&config).context("opening the PostgreSQL catalog")?;
    let store = PostgresStore::connect(&config).context("opening the PostgreSQL board store")?;
    Ok((Arc::new(store), Arc::new(catalog)))
}

impl Server {
    /// Binds, opens the database and starts serving in the background.
    pub async fn start(config: ServeConfig) -> anyhow::Result<Server> {
        if config.redis_url.is_some() && config.postgres_url.is_none() {
            anyhow::bail!(
                "--redis-url needs --postgres-url: Redis only carries updates between nodes, \
                 PostgreSQL keeps them (each node's SQLite file would hold a different board)"
            );
        }
        let (store, catalog) = match config.postgres_url.clone() {
            None => open_sqlite(&config.data_dir)?,
            // The PostgreSQL client blocks (it runs a runtime of its own), so it connects on a
            // blocking thread.
            Some(url) => tokio::task::spawn_blocking(move || connect_postgres(&url)).await??,
        };
        let metrics = Arc::new(Metrics::new());
        let shutdown = CancellationToken::new();
        let tasks = TaskTracker::new();
        let carriage = match &config.redis_url {
            None => None,
            Some(url) => Some(
                sync::carriage::Carriage::start(
                    url,
                    config.limits.decode_limits(),
                    config.node_liveness(),
                    metrics.clone(),
                    shutdown.clone(),
                    &tasks,
                )
                .context("reading --redis-url")?,
            ),
        };
        let rooms = Rooms::new(RoomContext {
            persister: Persister::start(store, metrics.clone()),
            metrics: metrics.clone(),
            // Everyone is a participant on open boards: there the background stays theirs.
            limits: kartta_core::room_core::RoomLimits {
                facilitator_only_meta: !config.open_boards,
                ..config.limits.room_limits()
            },
            idle_unload_after: config.limits.idle_unload_after(),
            compact_after_updates: config.limits.compact_after_updates,
            awareness_window: std::time::Duration::from_millis(config.limits.awareness_window_ms),
            shutdown: shutdown.clone(),
            tasks: tasks.clone(),
            catalog: catalog.clone(),
            open_boards: config.open_boards,
            carriage,
        });
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let address = listener.local_addr()?;
        let api_limits = Arc::new(workshops::api::rate::ApiLimits::new(&config.limits));
        let state = AppState {
            config: Arc::new(config),
            rooms,
            metrics,
            catalog,
            api_limits,
            large_sends: Arc::new(tokio::sync::Semaphore::new(CONCURRENT_LARGE_SENDS)),
            renders: Arc::new(tokio::sync::Semaphore::new(render_permits())),
            state_v2_cache: Arc::new(workshops::api::state_cache::StateV2Cache::new(
                workshops::api::state_cache::STATE_CACHE_BYTES,
            )),
        };
        // Small frames must not wait for delayed ACKs (Nagle), or latency grows a 40 ms tail.
        let listener = axum::serve::ListenerExt::tap_io(listener, |stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::warn!(%error, "could not set TCP_NODELAY");
            }
        });
        tasks.spawn(purge_periodically(state.clone(), shutdown.clone()));
        let server_state = state.clone();
        let stop = shutdown.clone();
        let serving = tokio::spawn(async move {
            let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, service)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await
        });
        Ok(Server {
            address,
            state: server_state,
            shutdown,
            tasks,
            serving,
        })
    }

    /// Stops accepting, flushes and compacts every room, and waits until they are done.
    pub async fn shutdown(self) {
        self.shutdown.cancel();
        self.tasks.close();
        self.tasks.wait().await;
        let _ = self.serving.await;
    }

    /// Waits for SIGINT or SIGTERM, then shuts down.
    pub async fn run_until_signal(self) {
        wait_for_signal().await;
        tracing::info!("shutting down: flushing every board");
        self.shutdown().await;
        tracing::info!("stopped");
    }
}

/// How often workshops past their retention date are looked for (also once at start).
const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

async fn purge_periodically(state: AppState, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(PURGE_EVERY);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = every.tick() => {
                state.api_limits.forget_idle();
                if let Err(error) = workshops::api::purge_expired(&state, workshops::catalog::unix_now()).await {
                    tracing::error!(%error, "retention purge failed");
                }
            }
        }
    }
}

async fn wait_for_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
