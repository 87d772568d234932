//! `loadgen`: drives a Yjs websocket server (Kartta or the reference `@y/websocket-server`) with
//! many protocol-speaking clients and prints one JSON report per scenario.
//!
//! ```text
//! loadgen --scenario workshop --url ws://127.0.0.1:PORT/sync --server-pid PID --label kartta
//! loadgen --scenario workshop --url ws://127.0.0.1:PORT      --server-pid PID --label reference
//! loadgen --scenario workshop --url ws://127.0.0.1:PORT      --protocol ysweet --label ysweet
//! loadgen --scenario workshop --url ws://127.0.0.1:PORT      --protocol hocuspocus
//! ```
//! Board URLs are `{url}/{board_id}`. Only loopback URLs are accepted; every scenario is bounded
//! by `--timeout-s` and stops by itself. Start a fresh server per scenario: the peak RSS comes
//! from VmHWM, a lifetime peak.
//!
//! Several nodes of one server (`bench/nodes.sh`): `--url` and `--server-pid` take lists, one
//! per node, separated by commas, and `--service-pid postgres=PID` reports a service's CPU apart.
//! Traffic scenarios put client i of every board on node i mod N; coldload and joinstorm write
//! through the first node and read through the last; `failover` kills the first.

mod bulk;
mod client;
mod peers;
mod procstat;
mod soak;
mod stats;
mod traffic;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    /// 6 boards × 8 clients, 5 updates/s + 15 awareness/s each, 20 s.
    Workshop,
    /// 200 boards × 8 clients, 1 update/s + 5 awareness/s each, 20 s.
    Scale,
    /// 50 boards × 8 clients, 1 update/s + 5 awareness/s each, 20 s.
    Scale50,
    /// 1 board × 150 clients, 1 update/s + 5 awareness/s each, 20 s.
    Plenary,
    /// 50 boards × 8 clients, all on the first of several nodes, 1 update/s + 5 awareness/s each,
    /// 20 s; the first node is SIGKILLed 8 s into the load and its clients move to the others.
    /// Needs two URLs or more and the first node's PID.
    Failover,
    /// A fresh client loads a board of 20,000 small map updates and 200 KB of text.
    Coldload,
    /// 150 clients join a 20 MB board at once.
    Joinstorm,
    /// The workshop load for 30 minutes (documents kept the same size) plus joining and
    /// leaving participants, snapshots and PNG exports every minute and one client flooding at
    /// ten times the message rate limit; the server's memory, files, rooms and connections
    /// every minute. Needs `--server-pid` and a server with `--open-boards`.
    Soak,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::Workshop => "workshop",
            Scenario::Scale => "scale",
            Scenario::Scale50 => "scale50",
            Scenario::Plenary => "plenary",
            Scenario::Failover => "failover",
            Scenario::Coldload => "coldload",
            Scenario::Joinstorm => "joinstorm",
            Scenario::Soak => "soak",
        }
    }
}

#[derive(Debug, Parser)]
#[command(about = "Load generator for Yjs websocket servers (Kartta and the reference server)")]
struct Args {
    #[arg(long, value_enum)]
    scenario: Scenario,
    /// URL prefix; a board's socket is `{url}/{board}` (Kartta: ws://127.0.0.1:PORT/sync).
    /// Several nodes of one server: their prefixes separated by commas.
    #[arg(long, value_delimiter = ',', required = true)]
    url: Vec<String>,
    /// How to reach a board and frame messages: y-websocket (Kartta, the reference), y-sweet or
    /// Hocuspocus.
    #[arg(long, value_enum, default_value_t = peers::Protocol::YWebsocket)]
    protocol: peers::Protocol,
    /// Server process id, for CPU time and peak RSS from /proc; several nodes: their ids
    /// separated by commas, in the order of `--url` (their CPU and memory are summed).
    #[arg(long, value_delimiter = ',')]
    server_pid: Vec<u32>,
    /// A service beside the server, `NAME=PID` (e.g. `postgres=1234`): the CPU of that process
    /// and its children over the load window is reported apart (traffic scenarios).
    #[arg(long, value_parser = parse_service)]
    service_pid: Vec<(String, u32)>,
    /// Free-form name of the server under test, copied into the report.
    #[arg(long, default_value = "server")]
    label: String,
    /// Write the JSON report here as well as to stdout.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// Override the scenario's duration (traffic scenarios), seconds.
    #[arg(long)]
    duration_s: Option<f64>,
    /// Override the number of boards (traffic scenarios).
    #[arg(long)]
    boards: Option<usize>,
    /// Override the clients per board (traffic scenarios) or joiners (joinstorm).
    #[arg(long)]
    clients: Option<usize>,
    /// After the last send, wait at most this long for every update to arrive, seconds.
    #[arg(long, default_value_t = 10.0)]
    drain_s: f64,
    /// Coldload repetitions (the report gives the median).
    #[arg(long, default_value_t = 9)]
    reps: usize,
    /// Joinstorm board size, MB (10^6 bytes).
    #[arg(long, default_value_t = 20.0)]
    board_mb: f64,
    /// Setup client: updates in flight before waiting for the server's echo.
    #[arg(long, default_value_t = 64)]
    window: usize,
    /// Hard limit on the whole run, seconds.
    #[arg(long, default_value_t = 300)]
    timeout_s: u64,
    /// Tokio worker threads (default: the number of cores).
    #[arg(long)]
    threads: Option<usize>,
}

fn parse_service(text: &str) -> Result<(String, u32), String> {
    let (name, pid) = text
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=PID, got {text:?}"))?;
    let pid = pid.parse().map_err(|e| format!("{pid:?}: {e}"))?;
    Ok((name.to_owned(), pid))
}

fn main() -> Result<()> {
    let args = Args::parse();
    for url in &args.url {
        client::check_loopback(url)?;
    }
    peers::set_protocol(args.protocol);
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if let Some(t) = args.threads {
        rt.worker_threads(t);
    }
    let rt = rt.build().context("starting the tokio runtime")?;
    let started = SystemTime::now();
    let run_id = format!(
        "{:x}",
        started
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0)
    );
    // A soak runs for its duration: the whole-run limit grows with it.
    let timeout = match (args.scenario, args.duration_s) {
        (Scenario::Soak, duration) => {
            Duration::from_secs(args.timeout_s.max(duration.unwrap_or(1800.0) as u64 + 120))
        }
        _ => Duration::from_secs(args.timeout_s),
    };
    let outcome = rt.block_on(async { tokio::time::timeout(timeout, run(&args, &run_id)).await });
    let (ok, body) = match outcome {
        Ok(Ok(mut body)) => {
            // Figures from a run that lost updates would reward a server for dropping them.
            let failures = delivery_failures(&body);
            if failures.is_empty() {
                (true, body)
            } else {
                if let Value::Object(b) = &mut body {
                    b.insert(
                        "error".into(),
                        format!("delivery check failed: {}", failures.join("; ")).into(),
                    );
                }
                (false, body)
            }
        }
        Ok(Err(e)) => (false, json!({"error": format!("{e:#}")})),
        Err(_) => (
            false,
            json!({"error": format!("scenario did not finish within --timeout-s {}", args.timeout_s)}),
        ),
    };
    let mut report = json!({
        "scenario": args.scenario.name(),
        "label": args.label,
        "url": args.url.join(","),
        "server_pid": args.server_pid,
        "ok": ok,
        "started_unix_s": started.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
        "machine_cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
    });
    if let (Value::Object(r), Value::Object(b)) = (&mut report, body) {
        r.extend(b);
    }
    let text = serde_json::to_string(&report).context("encoding the report")?;
    println!("{text}");
    if let Some(path) = &args.out {
        std::fs::write(
            path,
            format!("{}\n", serde_json::to_string_pretty(&report)?),
        )
        .with_context(|| format!("writing {}", path.display()))?;
    }
    // Don't wait for stray client tasks (a server that never answers): the report is out.
    rt.shutdown_timeout(Duration::from_secs(1));
    if ok {
        Ok(())
    } else {
        std::process::exit(2)
    }
}

/// What a steady-traffic report shows went wrong with delivery: lost updates, clients that
/// never synced, boards whose clients ended with different documents, or no awareness at all.
/// Empty for other scenarios, which check their own results.
fn delivery_failures(report: &Value) -> Vec<String> {
    let number = |key: &str| report.get(key).and_then(Value::as_u64);
    let mut failures = Vec::new();
    let (Some(clients), Some(lost)) = (number("clients"), number("lost_updates")) else {
        return failures;
    };
    if lost > 0 {
        failures.push(format!("{lost} updates lost"));
    }
    let synced = number("clients_synced").unwrap_or(0);
    if synced < clients {
        failures.push(format!("{synced} of {clients} clients synced"));
    }
    let diverged = number("boards_diverged").unwrap_or(0);
    if diverged > 0 {
        failures.push(format!("{diverged} boards ended with differing documents"));
    }
    let not_stored = number("boards_not_stored").unwrap_or(0);
    if not_stored > 0 {
        failures.push(format!(
            "{not_stored} boards were not stored as their clients ended"
        ));
    }
    if let Some(failover) = report.get("failover") {
        let disconnected = failover["clients_disconnected"].as_u64().unwrap_or(0);
        let back = failover["clients_synced_again"].as_u64().unwrap_or(0);
        if disconnected == 0 || back < disconnected {
            failures.push(format!(
                "{back} of {disconnected} clients of the killed node synced again"
            ));
        }
    }
    let awareness_sent = number("awareness_sent").unwrap_or(0);
    let clients_per_board = report
        .pointer("/config/clients_per_board")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if awareness_sent > 0
        && clients_per_board > 1
        && number("awareness_entries_received") == Some(0)
    {
        failures.push("no awareness entry was delivered".into());
    }
    if let Some(errors) = report.get("errors").and_then(Value::as_array) {
        if let Some(first) = errors.first().and_then(Value::as_str) {
            if !failures.is_empty() {
                failures.push(format!("first client error: {first}"));
            }
        }
    }
    failures
}

async fn run(args: &Args, run_id: &str) -> Result<Value> {
    let pids = procstat::Pids {
        servers: args.server_pid.clone(),
        services: args.service_pid.clone(),
    };
    let urls = &args.url;
    let traffic = |boards: usize, clients: usize, update_rate: f64, awareness_rate: f64| {
        let boards = args.boards.unwrap_or(boards);
        let clients = args.clients.unwrap_or(clients);
        traffic::TrafficConfig {
            boards,
            clients_per_board: clients,
            update_rate,
            awareness_rate,
            duration_s: args.duration_s.unwrap_or(20.0),
            drain_s: args.drain_s,
            // Connect about 400 clients a second, within 1–5 s.
            ramp_s: ((boards * clients) as f64 / 400.0).clamp(1.0, 5.0),
            overwrite: false,
            failover: None,
        }
    };
    match args.scenario {
        Scenario::Workshop => traffic::run(traffic(6, 8, 5.0, 15.0), urls, &pids, run_id).await,
        Scenario::Scale => traffic::run(traffic(200, 8, 1.0, 5.0), urls, &pids, run_id).await,
        Scenario::Scale50 => traffic::run(traffic(50, 8, 1.0, 5.0), urls, &pids, run_id).await,
        Scenario::Plenary => traffic::run(traffic(1, 150, 1.0, 5.0), urls, &pids, run_id).await,
        Scenario::Failover => {
            let mut cfg = traffic(50, 8, 1.0, 5.0);
            cfg.failover = Some(traffic::FailoverPlan {
                kill_after_s: (cfg.duration_s * 0.4).max(1.0),
            });
            traffic::run(cfg, urls, &pids, run_id).await
        }
        Scenario::Coldload => {
            let cfg = bulk::ColdloadConfig {
                map_updates: 20_000,
                text_bytes: 200_000,
                reps: args.reps,
                window: args.window,
                updates_per_writer: 400,
            };
            bulk::coldload(cfg, urls, &pids.servers, run_id).await
        }
        Scenario::Soak => {
            let pid = *pids
                .servers
                .first()
                .context("--scenario soak needs --server-pid")?;
            let mut workshop = traffic(6, 8, 5.0, 15.0);
            workshop.duration_s = args.duration_s.unwrap_or(1800.0);
            workshop.overwrite = true;
            let cfg = soak::SoakConfig {
                traffic: workshop,
                sample_every_s: 10.0,
                warm_up_s: 300.0_f64.min(args.duration_s.unwrap_or(1800.0) / 6.0),
                churn_every_s: 3.0,
                churn_stay_s: 10.0,
                snapshot_every_s: 60.0,
                // Ten times the server's default of 300 messages a second per connection.
                flood_rate: 3000.0,
            };
            soak::run(cfg, &urls[0], pid, run_id).await
        }
        Scenario::Joinstorm => {
            let cfg = bulk::JoinstormConfig {
                board_bytes: (args.board_mb * 1e6) as usize,
                clients: args.clients.unwrap_or(150),
                chunk_bytes: 64 * 1024,
                window: args.window.min(16),
                timeout_s: (args.timeout_s as f64 * 0.5).max(10.0),
            };
            bulk::joinstorm(cfg, urls, &pids.servers, run_id).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn traffic_report(lost: u64, synced: u64, awareness_entries: u64) -> Value {
        json!({
            "clients": 16, "clients_synced": synced, "lost_updates": lost, "boards_diverged": 0,
            "awareness_sent": 100, "awareness_entries_received": awareness_entries,
            "config": { "clients_per_board": 8 }, "errors": [],
        })
    }

    #[test]
    fn a_clean_run_passes_the_delivery_check() {
        assert!(delivery_failures(&traffic_report(0, 16, 700)).is_empty());
    }

    #[test]
    fn lost_updates_unsynced_clients_or_missing_awareness_fail_the_run() {
        assert_eq!(delivery_failures(&traffic_report(3, 16, 700)).len(), 1);
        assert_eq!(delivery_failures(&traffic_report(0, 15, 700)).len(), 1);
        assert_eq!(delivery_failures(&traffic_report(0, 16, 0)).len(), 1);
    }

    #[test]
    fn a_failover_fails_when_a_board_was_not_stored_or_a_client_never_came_back() {
        let with = |not_stored: u64, back: u64| {
            let mut report = traffic_report(0, 16, 700);
            report["boards_not_stored"] = not_stored.into();
            report["failover"] = json!({"clients_disconnected": 16, "clients_synced_again": back});
            delivery_failures(&report).len()
        };
        assert_eq!(with(0, 16), 0);
        assert_eq!(with(1, 16), 1);
        assert_eq!(with(0, 15), 1);
    }

    #[test]
    fn several_urls_and_services_parse() {
        let args = Args::try_parse_from([
            "loadgen",
            "--scenario",
            "failover",
            "--url",
            "ws://127.0.0.1:1/sync,ws://127.0.0.1:2/sync",
            "--server-pid",
            "10,11",
            "--service-pid",
            "postgres=12",
        ])
        .expect("arguments parse");
        assert_eq!(args.url.len(), 2);
        assert_eq!(args.server_pid, vec![10, 11]);
        assert_eq!(args.service_pid, vec![("postgres".to_owned(), 12)]);
        assert!(parse_service("postgres").is_err());
    }

    #[test]
    fn other_scenarios_are_not_judged_here() {
        assert!(delivery_failures(&json!({ "coldload_median_ms": 12.0 })).is_empty());
    }
}
