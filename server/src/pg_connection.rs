//! One blocking PostgreSQL connection that reconnects when it was lost, shared by the
//! PostgreSQL board store and catalog. Not a pool: like their SQLite twins, each of them holds
//! a few connections behind mutexes.
//!
//! The `postgres` client runs its own small tokio runtime, so it is used only on threads that
//! may block (the persist thread, `spawn_blocking`), never inside an async task.

use std::sync::{Mutex, MutexGuard};

use postgres::{Client, Config, NoTls};

/// The connection settings of a URL such as `postgres://kartta@127.0.0.1:5432/kartta`, or a
/// clear error naming what is wrong with it.
pub fn parse_postgres_url(url: &str) -> Result<Config, postgres::Error> {
    url.parse::<Config>()
}

pub struct PgConnection {
    config: Config,
    /// `None` after a failed reconnect; the next use tries again.
    client: Mutex<Option<Client>>,
}

#[derive(Debug, thiserror::Error)]
pub enum PgConnectionError {
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
    #[error("the PostgreSQL connection is closed")]
    Closed,
}

impl PgConnection {
    /// Connects at once, so a wrong URL or an unreachable server fails at startup.
    pub fn connect(config: &Config) -> Result<PgConnection, postgres::Error> {
        let client = config.connect(NoTls)?;
        Ok(PgConnection {
            config: config.clone(),
            client: Mutex::new(Some(client)),
        })
    }

    /// Runs `work` on the connection, first reconnecting if the server went away since the last
    /// use (a restarted PostgreSQL answers again without restarting Kartta). A failure inside
    /// `work` is returned as it is; the caller's transaction, if any, was rolled back by the
    /// server when the connection broke or by the client's drop.
    pub fn with<T, E>(&self, work: impl FnOnce(&mut Client) -> Result<T, E>) -> Result<T, E>
    where
        E: From<PgConnectionError>,
    {
        let mut guard: MutexGuard<Option<Client>> =
            self.client.lock().map_err(|_| PgConnectionError::Closed)?;
        if guard.as_ref().is_none_or(Client::is_closed) {
            *guard = None;
            let client = self
                .config
                .connect(NoTls)
                .map_err(PgConnectionError::from)?;
            *guard = Some(client);
        }
        let client = guard.as_mut().ok_or(PgConnectionError::Closed)?;
        work(client)
    }
}

impl Drop for PgConnection {
    fn drop(&mut self) {
        // Dropping a client blocks on its own runtime, which panics on a thread that drives
        // async tasks (the server's state is dropped at the end of `main`); a thread of its own
        // may block.
        if let Some(client) = self.client.get_mut().ok().and_then(Option::take) {
            let _ = std::thread::spawn(move || drop(client)).join();
        }
    }
}

/// A fresh, empty database on the test server named by `KARTTA_TEST_POSTGRES_URL`, so tests
/// running at once do not see each other's tables or advisory locks; `None` (and a line saying
/// why `test_name` was skipped) when the variable is unset.
#[cfg(test)]
pub fn test_database(test_name: &str) -> Option<Config> {
    use std::io::Write;

    let Ok(url) = std::env::var("KARTTA_TEST_POSTGRES_URL") else {
        // Written past the test harness's capture, so the skip shows in every run.
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test_name}: KARTTA_TEST_POSTGRES_URL is not set \
             (eval \"$(scripts/services.sh start)\" starts a PostgreSQL)"
        );
        return None;
    };
    let server = parse_postgres_url(&url).expect("KARTTA_TEST_POSTGRES_URL is a valid URL");
    let database = format!("kartta_test_{:016x}", rand::random::<u64>());
    let mut client = server.connect(NoTls).expect("the test PostgreSQL answers");
    client
        .batch_execute(&format!("CREATE DATABASE {database}"))
        .expect("creating a test database");
    let mut config = server.clone();
    config.dbname(&database);
    Some(config)
}
