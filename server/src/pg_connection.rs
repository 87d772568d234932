//! One blocking PostgreSQL connection that reconnects when it was lost, shared by the
//! PostgreSQL board store and catalog. Not a pool: like their SQLite twins, each of them holds
//! a few connections behind mutexes.
//!
//! The `postgres` client runs its own small tokio runtime, so it is used only on threads that
//! may block (the persist thread, `spawn_blocking`), never inside an async task.
//!
//! A session PostgreSQL ended (a restart, `pg_terminate_backend`) is replaced by a new one: a
//! read, or a transaction whose session ended before its COMMIT was sent (the server rolled it
//! back), runs once more on the new session instead of failing. A COMMIT that fails is never
//! run again: whether it committed is unknown (ARCHITECTURE.md, invariants).

use std::sync::{LazyLock, Mutex, MutexGuard};

use postgres::{Client, Config, NoTls, Transaction};
use prometheus_client::metrics::counter::Counter;

/// Connections made again after PostgreSQL ended the previous one, by every connection of the
/// process: `/metrics` shows it (`kartta_postgres_reconnects_total`).
static RECONNECTS: LazyLock<Counter> = LazyLock::new(Counter::default);

/// The count of reconnects, to register with the process's metrics (a clone shares the value).
pub fn reconnect_counter() -> Counter {
    RECONNECTS.clone()
}

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

/// How long a session under suspicion (a statement on it failed) may take to answer an empty
/// query before it is given up and replaced.
const SESSION_CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

impl PgConnection {
    /// Connects at once, so a wrong URL or an unreachable server fails at startup.
    pub fn connect(config: &Config) -> Result<PgConnection, postgres::Error> {
        let client = config.connect(NoTls)?;
        Ok(PgConnection {
            config: config.clone(),
            client: Mutex::new(Some(client)),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Option<Client>>, PgConnectionError> {
        self.client.lock().map_err(|_| PgConnectionError::Closed)
    }

    /// The connection, made anew first if the previous one is known to be closed (a restarted
    /// PostgreSQL answers again without restarting Kartta). A session the server ended while
    /// it sat idle shows as closed only once a statement was tried on it: the client reads the
    /// socket only then.
    fn live_client<'a>(
        &self,
        slot: &'a mut Option<Client>,
    ) -> Result<&'a mut Client, PgConnectionError> {
        if slot.as_ref().is_none_or(Client::is_closed) {
            *slot = None;
            let client = self.config.connect(NoTls)?;
            RECONNECTS.inc();
            tracing::info!("connected to PostgreSQL again");
            *slot = Some(client);
        }
        slot.as_mut().ok_or(PgConnectionError::Closed)
    }

    /// Whether the session ended under the statement that just failed (it was cut, rather than
    /// refusing the statement); such a session is dropped, so the next use connects anew. A
    /// session that does not answer an empty query in time counts as ended too.
    fn session_ended(slot: &mut Option<Client>) -> bool {
        let Some(client) = slot.as_mut() else {
            return true;
        };
        if client.is_closed() || client.is_valid(SESSION_CHECK_TIMEOUT).is_err() {
            *slot = None;
            return true;
        }
        false
    }

    /// Runs `work` on the connection. A failure inside `work` is returned as it is, since
    /// `work` may have changed something before it failed (each of its statements commits on
    /// its own); the caller's transaction, if any, was rolled back by the server when the
    /// connection broke or by the client's drop.
    pub fn with<T, E>(&self, work: impl FnOnce(&mut Client) -> Result<T, E>) -> Result<T, E>
    where
        E: From<PgConnectionError>,
    {
        let mut guard = self.lock()?;
        let client = self.live_client(&mut guard)?;
        work(client)
    }

    /// Runs `work`, which only reads, and runs it once more on a new session when the session
    /// ended under it: a read changes nothing, so running it again is always safe.
    pub fn read<T, E>(&self, mut work: impl FnMut(&mut Client) -> Result<T, E>) -> Result<T, E>
    where
        E: From<PgConnectionError>,
    {
        let mut guard = self.lock()?;
        let client = self.live_client(&mut guard)?;
        match work(client) {
            Err(_) if Self::session_ended(&mut guard) => {
                tracing::info!("the PostgreSQL session ended under a read; reading again");
                let client = self.live_client(&mut guard)?;
                work(client)
            }
            outcome => outcome,
        }
    }

    /// Runs `work` inside a transaction and commits it. When the session ends before the
    /// COMMIT was sent, PostgreSQL rolled the transaction back, so it is run once more from the
    /// start on a new session. When the COMMIT itself fails, it may or may not have committed;
    /// that is returned as the failure and never run again.
    pub fn transaction<T, E>(
        &self,
        mut work: impl FnMut(&mut Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<PgConnectionError> + From<postgres::Error>,
    {
        let mut guard = self.lock()?;
        let mut run_again = true;
        loop {
            let client = self.live_client(&mut guard)?;
            let failure = match client.transaction() {
                Ok(mut transaction) => match work(&mut transaction) {
                    Ok(value) => return transaction.commit().map(|()| value).map_err(E::from),
                    // Dropping the transaction rolls it back, if the session still stands.
                    Err(error) => error,
                },
                Err(error) => E::from(error),
            };
            if !(run_again && Self::session_ended(&mut guard)) {
                return Err(failure);
            }
            tracing::info!(
                "the PostgreSQL session ended before a transaction committed; running it again"
            );
            run_again = false;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Ends the session of `pid` from another connection, and waits until it is gone, so the
    /// server has sent it its last message.
    fn end_session(config: &Config, pid: i32) {
        let mut other = config.connect(NoTls).unwrap();
        other
            .execute("SELECT pg_terminate_backend($1)", &[&pid])
            .unwrap();
        while other
            .query_opt("SELECT 1 FROM pg_stat_activity WHERE pid = $1", &[&pid])
            .unwrap()
            .is_some()
        {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    fn backend_pid(client: &mut impl postgres::GenericClient) -> Result<i32, postgres::Error> {
        client
            .query_one("SELECT pg_backend_pid()", &[])
            .map(|row| row.get(0))
    }

    /// After PostgreSQL ended the session while it sat idle (as a restart does), the next read
    /// and the next transaction run on a new session instead of failing.
    #[test]
    fn the_first_read_and_write_after_the_server_ended_the_session_succeed() {
        let Some(config) = test_database("the_first_read_and_write_after_the_server_ended") else {
            return;
        };
        let connection = PgConnection::connect(&config).unwrap();
        let pid_of = |connection: &PgConnection| {
            connection
                .read(|client| Ok::<_, PgConnectionError>(backend_pid(client)?))
                .unwrap()
        };
        let first_pid = pid_of(&connection);
        let reconnects_before = RECONNECTS.get();
        end_session(&config, first_pid);
        let second_pid = pid_of(&connection);
        assert_ne!(first_pid, second_pid, "a new session");
        assert!(
            RECONNECTS.get() > reconnects_before,
            "the reconnect is counted"
        );

        end_session(&config, second_pid);
        let mut attempts = 0;
        connection
            .transaction(|transaction| {
                attempts += 1;
                transaction.batch_execute("CREATE TABLE written (step INTEGER NOT NULL)")?;
                Ok::<_, PgConnectionError>(())
            })
            .unwrap();
        assert_eq!(
            attempts, 1,
            "the cut session failed at BEGIN, before the work ran"
        );
        assert_ne!(pid_of(&connection), second_pid);
    }

    /// A transaction whose session is cut before its COMMIT runs again from the start on a new
    /// session, and what the cut attempt wrote is not there twice: the server rolled it back.
    #[test]
    fn a_transaction_cut_before_its_commit_runs_once_more_on_a_new_session() {
        let Some(config) = test_database("a_transaction_cut_before_its_commit") else {
            return;
        };
        let connection = PgConnection::connect(&config).unwrap();
        connection
            .with(|client| {
                client
                    .batch_execute("CREATE TABLE written (step INTEGER NOT NULL)")
                    .map_err(PgConnectionError::from)
            })
            .unwrap();
        let mut attempts = 0;
        connection
            .transaction(|transaction| {
                attempts += 1;
                transaction.execute("INSERT INTO written VALUES (1)", &[])?;
                if attempts == 1 {
                    end_session(&config, backend_pid(transaction)?);
                }
                transaction.execute("INSERT INTO written VALUES (2)", &[])?;
                Ok::<_, PgConnectionError>(())
            })
            .unwrap();
        assert_eq!(attempts, 2);
        let steps: Vec<i32> = connection
            .read(|client| {
                Ok::<_, PgConnectionError>(
                    client
                        .query("SELECT step FROM written ORDER BY step", &[])?
                        .iter()
                        .map(|row| row.get(0))
                        .collect(),
                )
            })
            .unwrap();
        assert_eq!(steps, vec![1, 2], "the first attempt left nothing");
    }

    /// A failure that is not the session's (a broken statement) is returned at once, not run
    /// again.
    #[test]
    fn a_failing_statement_is_not_run_again() {
        let Some(config) = test_database("a_failing_statement_is_not_run_again") else {
            return;
        };
        let connection = PgConnection::connect(&config).unwrap();
        let mut attempts = 0;
        let outcome = connection.transaction(|transaction| {
            attempts += 1;
            transaction.execute("SELECT * FROM no_such_table", &[])?;
            Ok::<_, PgConnectionError>(())
        });
        assert!(outcome.is_err());
        assert_eq!(attempts, 1);
    }
}
