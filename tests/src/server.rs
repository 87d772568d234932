//! The real `kartta` binary as a child process, with its own data directory.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub struct ServerProcess {
    child: Child,
    pub port: u16,
    pub data_dir: PathBuf,
    extra_args: Vec<String>,
    owns_data_dir: bool,
}

/// The binary under test: `KARTTA_BIN`, or the `kartta` built beside this test executable.
pub fn kartta_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("KARTTA_BIN") {
        return PathBuf::from(path);
    }
    // target/<profile>/deps/<test executable> → target/<profile>/kartta
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    profile_dir.join("kartta")
}

impl ServerProcess {
    /// Starts a server that lets any board id be used without a token (`--open-boards`), for
    /// tests of syncing itself.
    pub async fn start_open(extra_args: &[&str]) -> anyhow::Result<ServerProcess> {
        let mut args = vec!["--open-boards"];
        args.extend_from_slice(extra_args);
        ServerProcess::start(&args).await
    }

    /// Starts a server with a fresh temporary data directory.
    pub async fn start(extra_args: &[&str]) -> anyhow::Result<ServerProcess> {
        let data_dir = std::env::temp_dir().join(format!("kartta-test-{}", crate::new_board_id()));
        let extra_args: Vec<String> = extra_args.iter().map(|s| s.to_string()).collect();
        let (child, port) = spawn(&data_dir, &extra_args).await?;
        Ok(ServerProcess {
            child,
            port,
            data_dir,
            extra_args,
            owns_data_dir: true,
        })
    }

    pub fn http_url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    pub fn sync_url(&self, board_id: &str) -> String {
        format!("ws://127.0.0.1:{}/sync/{}", self.port, board_id)
    }

    /// The websocket address of a board, with a token.
    pub fn sync_url_with_token(&self, board_id: &str, token: &str) -> String {
        format!(
            "ws://127.0.0.1:{}/sync/{}?token={}",
            self.port, board_id, token
        )
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// Kills the process with SIGKILL: no flush, no goodbye.
    pub async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// Asks the process to stop with SIGTERM and waits for it to exit.
    pub async fn terminate(&mut self) -> anyhow::Result<std::process::ExitStatus> {
        let pid = self.child.id().context("already exited")?;
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()?;
        if !status.success() {
            bail!("kill -TERM failed");
        }
        Ok(tokio::time::timeout(Duration::from_secs(20), self.child.wait()).await??)
    }

    /// Starts the server again on the same data directory (after `kill` or `terminate`).
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        let (child, port) = spawn(&self.data_dir, &self.extra_args).await?;
        self.child = child;
        self.port = port;
        Ok(())
    }
}

async fn spawn(data_dir: &Path, extra_args: &[String]) -> anyhow::Result<(Child, u16)> {
    let binary = kartta_binary();
    if !binary.exists() {
        bail!(
            "{} does not exist: build it with `cargo build -p kartta-server` (or set KARTTA_BIN)",
            binary.display()
        );
    }
    let mut child = Command::new(&binary)
        .arg("serve")
        .arg("--listen")
        .arg("127.0.0.1:0")
        .arg("--data-dir")
        .arg(data_dir)
        .args(extra_args)
        .env(
            "KARTTA_LOG",
            std::env::var("KARTTA_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let stdout = child.stdout.take().context("server stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .context("server did not print its address")??
        .context("server exited before listening")?;
    let port = line
        .rsplit(':')
        .next()
        .and_then(|port| port.trim().parse().ok())
        .with_context(|| format!("no port in {line:?}"))?;
    // Keep draining stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((child, port))
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        if self.owns_data_dir {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}

/// The URL of a fresh, empty database on the test PostgreSQL named by
/// `KARTTA_TEST_POSTGRES_URL`, for a server started with `--postgres-url`; `None` (and a line
/// saying why `test_name` was skipped) when the variable is unset.
pub fn postgres_test_database(test_name: &str) -> Option<String> {
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
    let database = format!("kartta_e2e_{:016x}", rand::random::<u64>());
    // The synchronous client runs a runtime of its own, which may not start inside the test's:
    // it gets a thread of its own.
    let create = database.clone();
    let server = url.clone();
    std::thread::spawn(move || {
        let mut client = server
            .parse::<postgres::Config>()
            .expect("KARTTA_TEST_POSTGRES_URL is a valid URL")
            .connect(postgres::NoTls)
            .expect("the test PostgreSQL answers");
        client
            .batch_execute(&format!("CREATE DATABASE {create}"))
            .expect("creating a test database");
    })
    .join()
    .expect("creating the test database");
    // The URL names a database as its path: replace it (`…/postgres` → `…/kartta_e2e_…`).
    let base = url.split('?').next().unwrap_or(&url);
    let server_part = base.rsplit_once('/').map_or(base, |(server, _)| server);
    Some(format!("{server_part}/{database}"))
}
