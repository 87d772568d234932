//! Several `kartta` nodes on one PostgreSQL and one Redis, for the tests of the several-node
//! mode: the shared throwaway services of `scripts/services.sh` (their URLs in
//! `KARTTA_TEST_POSTGRES_URL` / `KARTTA_TEST_REDIS_URL`), or an instance of the test's own when
//! it stops or kills one of them.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context};

use crate::server::{postgres_test_database, ServerProcess};

/// What the several-node tests need, or `None` (and a printed reason) when the environment has
/// no PostgreSQL and Redis to offer.
pub fn shared_services(test_name: &str) -> Option<(String, String)> {
    use std::io::Write;
    let Ok(redis_url) = std::env::var("KARTTA_TEST_REDIS_URL") else {
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test_name}: KARTTA_TEST_REDIS_URL is not set \
             (eval \"$(scripts/services.sh start)\" starts a Redis and a PostgreSQL)"
        );
        return None;
    };
    let postgres_url = postgres_test_database(test_name)?;
    Some((postgres_url, redis_url))
}

/// A PostgreSQL and a Redis of this test's own (`scripts/services.sh start`), which it may stop
/// and start again; both are stopped and removed when this is dropped.
pub struct OwnServices {
    pub dir: String,
    pub postgres_url: String,
    pub redis_url: String,
}

fn services_script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/services.sh")
}

fn run_services(arguments: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("bash")
        .arg(services_script())
        .args(arguments)
        .output()
        .context("running scripts/services.sh")?;
    if !output.status.success() {
        bail!(
            "scripts/services.sh {arguments:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

impl OwnServices {
    /// Starts them when the shared ones exist (so the machine has both installed); `None` with
    /// a printed reason otherwise.
    pub fn start(test_name: &str) -> anyhow::Result<Option<OwnServices>> {
        shared_services(test_name)
            .map(|_| ())
            .map_or(Ok(None), |()| {
                let exports = run_services(&["start"])?;
                let value = |name: &str| -> anyhow::Result<String> {
                    exports
                        .lines()
                        .find_map(|line| {
                            line.strip_prefix(&format!("export {name}='"))
                                .and_then(|rest| rest.strip_suffix('\''))
                        })
                        .map(str::to_owned)
                        .with_context(|| format!("{name} in {exports}"))
                };
                Ok(Some(OwnServices {
                    dir: value("KARTTA_SERVICES_DIR")?,
                    postgres_url: value("KARTTA_TEST_POSTGRES_URL")?,
                    redis_url: value("KARTTA_TEST_REDIS_URL")?,
                }))
            })
    }

    /// Stops PostgreSQL (fast shutdown: clients are cut off), by PID.
    pub fn stop_postgres(&self) -> anyhow::Result<()> {
        run_services(&["postgres-stop", &self.dir]).map(drop)
    }

    pub fn start_postgres(&self) -> anyhow::Result<()> {
        run_services(&["postgres-start", &self.dir]).map(drop)
    }

    /// SIGKILLs Redis, by PID.
    pub fn kill_redis(&self) -> anyhow::Result<()> {
        run_services(&["redis-kill", &self.dir]).map(drop)
    }

    /// Starts Redis again on the same port, empty.
    pub fn start_redis(&self) -> anyhow::Result<()> {
        run_services(&["redis-start", &self.dir]).map(drop)
    }
}

impl Drop for OwnServices {
    fn drop(&mut self) {
        let _ = run_services(&["stop", &self.dir]);
    }
}

/// `count` nodes on the same PostgreSQL and Redis, as open relays (`--open-boards`: the tests
/// are of the carriage, not of access).
pub async fn start_nodes(
    count: usize,
    postgres_url: &str,
    redis_url: &str,
) -> anyhow::Result<Vec<ServerProcess>> {
    start_nodes_with(count, postgres_url, redis_url, &[]).await
}

/// As [`start_nodes`], each node with `extra_args` too.
pub async fn start_nodes_with(
    count: usize,
    postgres_url: &str,
    redis_url: &str,
    extra_args: &[&str],
) -> anyhow::Result<Vec<ServerProcess>> {
    let mut arguments = vec!["--postgres-url", postgres_url, "--redis-url", redis_url];
    arguments.extend_from_slice(extra_args);
    let mut nodes = Vec::with_capacity(count);
    for _ in 0..count {
        nodes.push(ServerProcess::start_open(&arguments).await?);
    }
    Ok(nodes)
}

/// One value of the node's `/metrics` (0 when absent).
pub async fn node_metric(node: &ServerProcess, name: &str) -> anyhow::Result<f64> {
    let (_, text) = crate::http_get(node.port, "/metrics").await?;
    Ok(crate::metric(&text, name).unwrap_or(0.0))
}

/// Waits (a minute at most) until the node's metric `name` satisfies `condition`.
pub async fn wait_for_metric(
    node: &ServerProcess,
    name: &str,
    condition: impl Fn(f64) -> bool,
) -> anyhow::Result<f64> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let value = node_metric(node, name).await?;
        if condition(value) {
            return Ok(value);
        }
        if tokio::time::Instant::now() > deadline {
            bail!("timed out waiting on {name} of node {}: {value}", node.port);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
