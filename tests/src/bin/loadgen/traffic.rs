//! Steady-traffic scenarios (workshop, scale, scale50, plenary): boards of clients that each
//! write document updates and awareness at fixed rates, with end-to-end latency and loss.
//!
//! Every document update is one map insert under a fresh key `"{sender}.{seq}"` whose value is
//! the sender's send time in microseconds since the run's epoch. Receivers apply each update to
//! their own `yrs` document and read the inserted keys from a map observer, so an update counts
//! as delivered only if it decodes and applies; merged or batched server messages still count
//! every key. Loss is `sent − received` for every (sender, other client of the board) pair after
//! a drain period.
//!
//! With several server URLs (several nodes), client i of every board connects to node i mod N,
//! so most deliveries cross nodes, and latency is reported apart for senders on the receiver's
//! node and on another. With a failover plan, every client starts on the first node, which is
//! SIGKILLed during the load; each client then moves on to the next URL of its list (as a stock
//! client given several URLs would), and the report says when each was synced again.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use anyhow::{anyhow, Result};
use bytes::Bytes;
use kartta_protocol::codec::{self, Message};
use rand::Rng;
use serde::Serialize;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::time::{sleep_until, Instant};
use yrs::block::ClientID;
use yrs::types::EntryChange;
use yrs::updates::decoder::Decode;
use yrs::{Any, Doc, Map, MapRef, Observable, Out, ReadTxn, StateVector, Transact, Update};

use crate::client::{self, Incoming, Ws};
use crate::procstat::{self, Pids};
use crate::stats::{self, round3};

#[derive(Debug, Clone, Serialize)]
pub struct TrafficConfig {
    pub boards: usize,
    pub clients_per_board: usize,
    pub update_rate: f64,
    pub awareness_rate: f64,
    pub duration_s: f64,
    pub drain_s: f64,
    pub ramp_s: f64,
    /// Each client overwrites one key of its own instead of inserting a fresh key per update,
    /// so the documents stay the same size however long the run (the soak measures memory).
    /// Delivery is then counted by sequence number: a receiver that sees sender S at sequence
    /// n has integrated every earlier update of S too (a gap would leave yrs waiting on it).
    pub overwrite: bool,
    /// Kill the first node during the load (several URLs only).
    pub failover: Option<FailoverPlan>,
}

/// When the first node is SIGKILLed, after the load started.
#[derive(Debug, Clone, Serialize)]
pub struct FailoverPlan {
    pub kill_after_s: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Connected, syncing, waiting for the start signal.
    Wait,
    /// Sending on schedule from this instant.
    Run(Instant),
    Stop,
}

struct Shared {
    epoch: Instant,
    /// Update receipts at clients other than the sender, across all boards.
    receipts: AtomicU64,
    synced: AtomicUsize,
    /// One URL prefix per node.
    urls: Vec<String>,
    run_id: String,
    cfg: TrafficConfig,
    /// When the first node was sent SIGKILL (failover runs).
    killed_at: OnceLock<Instant>,
}

impl Shared {
    /// The node a client of a board connects to first: client i on node i mod N.
    fn home_node(&self, index: usize) -> usize {
        if self.cfg.failover.is_some() {
            0
        } else {
            index % self.urls.len()
        }
    }
}

#[derive(Default)]
struct ClientStats {
    board: usize,
    index: usize,
    connected: bool,
    synced_ms: Option<f64>,
    sent_updates: u32,
    sent_awareness: u32,
    /// Keys received per sender index of this board.
    recv_from: Vec<u32>,
    /// Latencies of updates from senders on this client's node (all of them with one node).
    latencies_us: Vec<u32>,
    /// Latencies of updates from senders on another node.
    latencies_cross_us: Vec<u32>,
    awareness_latencies_us: Vec<u32>,
    update_messages: u64,
    awareness_messages: u64,
    awareness_entries: u64,
    keepalives: u64,
    frames_in: u64,
    bytes_in: u64,
    max_send_lag_us: u64,
    disconnects: u32,
    errors: Vec<String>,
    final_sv: Option<StateVector>,
    /// Failover runs: this client's way back after its node was killed.
    resync: Option<Resync>,
    /// Failover runs: (sender, seq, ms after the kill) of each update received after the kill.
    receipts_after_kill: Vec<(usize, u32, f64)>,
}

/// A client whose node died is synced again once a new node sent it sync step 2 and holds the
/// client's last update from before it noticed: the node's sync step 1 lists it, or the node
/// echoed it after the client resent it, or else (the node had it from elsewhere while the
/// client joined, so neither showed it) every other client of the board has received it.
#[derive(Debug, Default)]
struct Resync {
    /// The client's own clock when it noticed its connection was gone.
    own_clock_at_disconnect: u32,
    /// The current connection's sync step 2 arrived.
    step2_received: bool,
    /// The highest clock of the client's own updates the current node showed it holds.
    node_holds_clock: u32,
    /// From the kill until both of the above, ms.
    synced_after_kill_ms: Option<f64>,
    /// From the kill until the first sync step 2 of a new node, ms.
    step2_after_kill_ms: Option<f64>,
}

/// Runs one traffic scenario and returns its JSON report (without the common header).
pub async fn run(cfg: TrafficConfig, urls: &[String], pids: &Pids, run_id: &str) -> Result<Value> {
    if cfg.failover.is_some() && (urls.len() < 2 || pids.servers.is_empty()) {
        return Err(anyhow!(
            "a failover run needs two URLs or more and the first node's --server-pid"
        ));
    }
    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        receipts: AtomicU64::new(0),
        synced: AtomicUsize::new(0),
        urls: urls.to_vec(),
        run_id: run_id.to_owned(),
        cfg: cfg.clone(),
        killed_at: OnceLock::new(),
    });
    let server_pids = pids.servers.as_slice();
    let total = cfg.boards * cfg.clients_per_board;
    let (phase_tx, phase_rx) = watch::channel(Phase::Wait);
    let proc_before = procstat::sample_all(server_pids);
    let self_before = procstat::sample(std::process::id());
    let machine_before = procstat::machine_busy_s();

    // Spread connects over the ramp, interleaving boards so every board fills gradually.
    let connect_start = Instant::now();
    let mut handles = Vec::with_capacity(total);
    for i in 0..total {
        let board = i % cfg.boards;
        let index = i / cfg.boards;
        let at = connect_start + Duration::from_secs_f64(cfg.ramp_s * i as f64 / total as f64);
        let shared = shared.clone();
        let rx = phase_rx.clone();
        handles.push(tokio::spawn(run_client(shared, board, index, at, rx)));
    }

    // Wait until everyone has received sync step 2 (or give up after a while).
    let sync_deadline = Instant::now() + Duration::from_secs_f64(cfg.ramp_s + 30.0);
    while shared.synced.load(Ordering::Relaxed) < total && Instant::now() < sync_deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let synced = shared.synced.load(Ordering::Relaxed);
    let all_synced_after_s = connect_start.elapsed().as_secs_f64();

    // Load window.
    let t0 = Instant::now() + Duration::from_millis(300);
    let proc_start = procstat::sample_all(server_pids);
    let services_start = pids.services_cpu_s();
    let _ = phase_tx.send(Phase::Run(t0));
    let send_end = t0 + Duration::from_secs_f64(cfg.duration_s);
    if let Some(plan) = &cfg.failover {
        sleep_until(t0 + Duration::from_secs_f64(plan.kill_after_s)).await;
        kill_node(&shared, pids.servers[0])?;
    }
    sleep_until(send_end).await;
    let n_updates = per_client_count(cfg.update_rate, cfg.duration_s);
    let expected_receipts = (n_updates as u64) * (cfg.clients_per_board as u64 - 1) * total as u64;
    let drain_deadline = send_end + Duration::from_secs_f64(cfg.drain_s);
    while shared.receipts.load(Ordering::Relaxed) < expected_receipts
        && Instant::now() < drain_deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let drained_after_s = send_end.elapsed().as_secs_f64();
    let proc_end = procstat::sample_all(server_pids);
    let services_end = pids.services_cpu_s();
    let self_end = procstat::sample(std::process::id());
    let machine_end = procstat::machine_busy_s();
    let _ = phase_tx.send(Phase::Stop);

    let mut all = Vec::with_capacity(total);
    for h in handles {
        match h.await {
            Ok(s) => all.push(s),
            Err(e) => return Err(anyhow!("client task failed: {e}")),
        }
    }
    // What the services (PostgreSQL, Redis) used over the load window, each on its own.
    let services_cpu: Vec<(String, Option<f64>)> = services_start
        .into_iter()
        .zip(services_end)
        .map(|((name, a), (_, b))| (name, a.zip(b).map(|(a, b)| b - a)))
        .collect();
    let services_total: f64 = services_cpu.iter().filter_map(|(_, c)| *c).sum();
    let failover = if cfg.failover.is_some() {
        Some((
            boards_not_stored(&shared, &all).await?,
            failover_report(&shared, &all),
        ))
    } else {
        None
    };
    let mut body = report(
        &cfg,
        all,
        Summary {
            synced,
            all_synced_after_s,
            expected_receipts,
            drained_after_s,
            proc_before,
            proc_start,
            proc_end,
            self_cpu_s: procstat::cpu_between(self_before, self_end),
            other_cpu_s: procstat::other_cpu_s(
                (machine_before, machine_end),
                procstat::cpu_between(proc_before, proc_end),
                procstat::cpu_between(self_before, self_end),
            )
            .map(|other| other - services_total),
            wall_s: connect_start.elapsed().as_secs_f64(),
            nodes: urls.len(),
        },
    );
    if let Value::Object(b) = &mut body {
        if !services_cpu.is_empty() {
            let delivered = b["updates_delivered"].as_u64().unwrap_or(0)
                + b["awareness_entries_received"].as_u64().unwrap_or(0);
            let per_item = |cpu: f64| (delivered > 0).then(|| round3(cpu * 1e6 / delivered as f64));
            let mut services = serde_json::Map::new();
            for (name, cpu) in &services_cpu {
                services.insert(
                    name.clone(),
                    json!({"cpu_s_load": cpu.map(round3), "cpu_us_per_delivered_item": cpu.and_then(per_item)}),
                );
            }
            b.insert("services".into(), Value::Object(services));
        }
        if let Some((not_stored, failover)) = failover {
            b.insert("boards_not_stored".into(), not_stored.into());
            b.insert("failover".into(), failover);
        }
    }
    Ok(body)
}

/// SIGKILLs the first node and notes the instant.
fn kill_node(shared: &Shared, pid: u32) -> Result<()> {
    let _ = shared.killed_at.set(Instant::now());
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()?;
    if !status.success() {
        return Err(anyhow!("kill -KILL {pid} failed: {status}"));
    }
    Ok(())
}

/// How many boards a fresh client on a surviving node (the second URL) does not find exactly as
/// the board's clients ended: what they saw must all be stored.
async fn boards_not_stored(shared: &Shared, all: &[ClientStats]) -> Result<u64> {
    let mut missing = 0;
    for board in 0..shared.cfg.boards {
        let Some(expected) = all
            .iter()
            .find(|c| c.board == board)
            .and_then(|c| c.final_sv.clone())
        else {
            continue;
        };
        let url = client::board_url(&shared.urls[1], &board_id(shared, board));
        let fresh = crate::bulk::fresh_sync(&url, true, None, Duration::from_secs(30)).await?;
        if client::state_vector(&fresh.doc) != expected {
            missing += 1;
        }
        client::close(fresh.ws).await;
    }
    Ok(missing)
}

/// From the kill until each client of the killed node was synced again on another node.
fn failover_report(shared: &Shared, all: &[ClientStats]) -> Value {
    let affected: Vec<&Resync> = all.iter().filter_map(|c| c.resync.as_ref()).collect();
    // The clients that did not make it back, in words, to find out why.
    let not_back: Vec<String> = all
        .iter()
        .filter_map(|c| {
            let r = c.resync.as_ref()?;
            let back = r.synced_after_kill_ms.is_some()
                || (r.step2_after_kill_ms.is_some() && held_by_peers_ms(c, r, all).is_some());
            (!back).then(|| {
                format!(
                    "b{}c{}: step 2 {}, node holds its clock {} of {}, {} disconnects, last error {:?}",
                    c.board,
                    c.index,
                    if r.step2_received { "received" } else { "not received" },
                    r.node_holds_clock,
                    r.own_clock_at_disconnect,
                    c.disconnects,
                    c.errors.last(),
                )
            })
        })
        .take(20)
        .collect();
    let mut confirmed_by_peers = 0;
    let mut times: Vec<f64> = Vec::new();
    for c in all {
        let Some(r) = c.resync.as_ref() else {
            continue;
        };
        if let Some(ms) = r.synced_after_kill_ms {
            times.push(ms);
            continue;
        }
        let peers_ms = held_by_peers_ms(c, r, all);
        if let (Some(step2), Some(peers)) = (r.step2_after_kill_ms, peers_ms) {
            confirmed_by_peers += 1;
            times.push(step2.max(peers));
        }
    }
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| -> Option<f64> {
        let n = times.len();
        (n > 0).then(|| round3(times[((q * n as f64).ceil() as usize).clamp(1, n) - 1]))
    };
    json!({
        "kill_after_s": shared.cfg.failover.as_ref().map(|p| p.kill_after_s),
        "clients_disconnected": affected.len(),
        "clients_synced_again": times.len(),
        "clients_confirmed_by_peers": confirmed_by_peers,
        "synced_again_p50_ms": pick(0.5),
        "synced_again_p99_ms": pick(0.99),
        "all_synced_again_ms": (times.len() == affected.len()).then(|| times.last().copied()).flatten().map(round3),
        "not_synced_again": not_back,
    })
}

/// When every other client of `c`'s board had `c`'s last update from before it noticed its node
/// was gone, in ms after the kill (0 when they all had it before); `None` if one never got it.
fn held_by_peers_ms(c: &ClientStats, r: &Resync, all: &[ClientStats]) -> Option<f64> {
    let Some(last_seq) = r.own_clock_at_disconnect.checked_sub(1) else {
        return Some(0.0);
    };
    let mut latest: f64 = 0.0;
    for peer in all
        .iter()
        .filter(|p| p.board == c.board && p.index != c.index)
    {
        let after_kill = peer
            .receipts_after_kill
            .iter()
            .find(|(sender, seq, _)| *sender == c.index && *seq == last_seq)
            .map(|(_, _, ms)| *ms);
        match after_kill {
            Some(ms) => latest = latest.max(ms),
            // Received before the kill, or never.
            None if peer.recv_from.get(c.index).copied().unwrap_or(0) > last_seq => {}
            None => return None,
        }
    }
    Some(latest)
}

fn board_id(shared: &Shared, board: usize) -> String {
    format!("lg-{}-{}", shared.run_id, board)
}

struct Summary {
    synced: usize,
    all_synced_after_s: f64,
    expected_receipts: u64,
    drained_after_s: f64,
    proc_before: Option<procstat::ProcSample>,
    proc_start: Option<procstat::ProcSample>,
    proc_end: Option<procstat::ProcSample>,
    self_cpu_s: Option<f64>,
    other_cpu_s: Option<f64>,
    wall_s: f64,
    nodes: usize,
}

/// How many events a client sends at `rate` per second in `duration_s` seconds.
fn per_client_count(rate: f64, duration_s: f64) -> u32 {
    (rate * duration_s).round() as u32
}

fn report(cfg: &TrafficConfig, all: Vec<ClientStats>, s: Summary) -> Value {
    let total = all.len();
    let mut lost: u64 = 0;
    let mut receipts: u64 = 0;
    let mut sent_updates: u64 = 0;
    let mut sent_awareness: u64 = 0;
    let mut latencies = Vec::new();
    let mut latencies_cross = Vec::new();
    let mut aw_latencies = Vec::new();
    let (mut update_messages, mut aw_messages, mut aw_entries, mut keepalives) =
        (0u64, 0u64, 0u64, 0u64);
    let (mut frames_in, mut bytes_in, mut disconnects, mut max_lag) = (0u64, 0u64, 0u64, 0u64);
    let mut never_connected = 0;
    let mut errors: Vec<String> = Vec::new();
    let mut boards_diverged = 0;
    let mut by_board: Vec<Vec<&ClientStats>> = vec![Vec::new(); cfg.boards];
    for c in &all {
        by_board[c.board].push(c);
    }
    for board in &by_board {
        let sent: Vec<u32> = {
            let mut v = vec![0u32; cfg.clients_per_board];
            for c in board {
                v[c.index] = c.sent_updates;
            }
            v
        };
        for c in board {
            for (sender, &n) in sent.iter().enumerate() {
                if sender != c.index {
                    let got = c.recv_from.get(sender).copied().unwrap_or(0);
                    lost += u64::from(n.saturating_sub(got));
                }
            }
        }
        let first = board.first().and_then(|c| c.final_sv.as_ref());
        if board
            .iter()
            .any(|c| c.final_sv.as_ref() != first || c.final_sv.is_none())
        {
            boards_diverged += 1;
        }
    }
    for c in all {
        receipts += c
            .recv_from
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != c.index)
            .map(|(_, &n)| u64::from(n))
            .sum::<u64>();
        sent_updates += u64::from(c.sent_updates);
        sent_awareness += u64::from(c.sent_awareness);
        update_messages += c.update_messages;
        aw_messages += c.awareness_messages;
        aw_entries += c.awareness_entries;
        keepalives += c.keepalives;
        frames_in += c.frames_in;
        bytes_in += c.bytes_in;
        disconnects += u64::from(c.disconnects);
        max_lag = max_lag.max(c.max_send_lag_us);
        if !c.connected {
            never_connected += 1;
        }
        if errors.len() < 20 {
            errors.extend(c.errors.into_iter().take(20 - errors.len()));
        }
        latencies.extend(c.latencies_us);
        latencies_cross.extend(c.latencies_cross_us);
        aw_latencies.extend(c.awareness_latencies_us);
    }
    let d = cfg.duration_s;
    let cpu_load = procstat::cpu_between(s.proc_start, s.proc_end);
    let delivered_items = receipts + aw_entries;
    // With several nodes, the latency of senders on the receiver's node and on another apart.
    let (latency_same_node, latency_cross_node) = if s.nodes > 1 && cfg.failover.is_none() {
        let same = stats::summarize_us(latencies.clone());
        let cross = stats::summarize_us(latencies_cross.clone());
        let ratio = same
            .p99_ms
            .zip(cross.p99_ms)
            .filter(|(same, _)| *same > 0.0)
            .map(|(same, cross)| round3(cross / same));
        (Some(same), Some((cross, ratio)))
    } else {
        (None, None)
    };
    latencies.extend(latencies_cross);
    json!({
        "nodes": s.nodes,
        "latency_same_node": latency_same_node,
        "latency_cross_node": latency_cross_node.as_ref().map(|(c, _)| c),
        "cross_over_same_node_p99": latency_cross_node.and_then(|(_, r)| r),
        "config": cfg,
        "clients": total,
        "clients_synced": s.synced,
        "clients_never_connected": never_connected,
        "all_synced_after_s": round3(s.all_synced_after_s),
        "updates_sent": sent_updates,
        "updates_expected_deliveries": s.expected_receipts,
        "updates_delivered": receipts,
        "lost_updates": lost,
        "lost_pct": if s.expected_receipts > 0 { round3(100.0 * lost as f64 / s.expected_receipts as f64) } else { 0.0 },
        "delivered_updates_per_s": round3(receipts as f64 / d),
        "drain_s": round3(s.drained_after_s),
        "latency": stats::summarize_us(latencies),
        "awareness_sent": sent_awareness,
        "awareness_messages_received": aw_messages,
        "awareness_messages_per_s": round3(aw_messages as f64 / d),
        "awareness_entries_received": aw_entries,
        "awareness_entries_per_s": round3(aw_entries as f64 / d),
        "awareness_latency": stats::summarize_us(aw_latencies),
        "keepalives_received": keepalives,
        "update_messages_received": update_messages,
        "frames_received": frames_in,
        "bytes_received": bytes_in,
        "client_disconnects": disconnects,
        "boards_diverged": boards_diverged,
        "loadgen_max_send_lag_ms": round3(max_lag as f64 / 1000.0),
        "loadgen_cpu_s": s.self_cpu_s.map(round3),
        "other_processes_cpu_s": s.other_cpu_s.map(round3),
        "wall_s": round3(s.wall_s),
        "server": {
            "cpu_s_total": procstat::cpu_between(s.proc_before, s.proc_end).map(round3),
            "cpu_s_load": cpu_load.map(round3),
            "cpu_us_per_delivered_item": cpu_load.filter(|_| delivered_items > 0).map(|c| round3(c * 1e6 / delivered_items as f64)),
            "peak_rss_kb": s.proc_end.map(|p| p.hwm_kb),
            "rss_end_kb": s.proc_end.map(|p| p.rss_kb),
        },
        "errors": errors,
    })
}

/// The per-client loop: connect at `connect_at`, sync, then send on schedule while reading,
/// reconnecting (like the stock client) if the server drops the connection.
async fn run_client(
    shared: Arc<Shared>,
    board: usize,
    index: usize,
    connect_at: Instant,
    mut phase: watch::Receiver<Phase>,
) -> ClientStats {
    let cfg = &shared.cfg;
    let mut st = ClientStats {
        board,
        index,
        recv_from: vec![0; cfg.clients_per_board],
        ..Default::default()
    };
    let client_id: u64 = rand::rng().random_range(1..(1u64 << 32));
    let doc = Doc::with_client_id(client_id);
    let map = doc.get_or_insert_map("loadgen");
    let inbox: Arc<Mutex<Vec<Receipt>>> = Arc::new(Mutex::new(Vec::new()));
    {
        let inbox = inbox.clone();
        map.observe("loadgen", move |txn, event| {
            let mut inbox = inbox.lock().unwrap_or_else(|p| p.into_inner());
            for (key, change) in event.keys(txn) {
                let value = match change {
                    EntryChange::Inserted(Out::Any(value)) => value,
                    EntryChange::Updated(_, Out::Any(value)) => value,
                    _ => continue,
                };
                let Some(sender) = key.split('.').next().and_then(|s| s.parse().ok()) else {
                    continue;
                };
                if sender == index {
                    continue;
                }
                if let Some(receipt) = read_receipt(sender, key, value) {
                    inbox.push(receipt);
                }
            }
        });
    }
    let board_id = board_id(&shared, board);
    let tries = connect_order(
        shared.urls.len(),
        shared.home_node(index),
        cfg.failover
            .is_some()
            .then_some(board * cfg.clients_per_board + index),
    );
    let mut try_index = 0;
    let own_id = ClientID::new(client_id);
    let name = format!("b{board}c{index}");
    let n_updates = per_client_count(cfg.update_rate, cfg.duration_s);
    let n_awareness = per_client_count(cfg.awareness_rate, cfg.duration_s);
    let mut aw_clock: u32 = 0;
    let mut sched: Option<Schedule> = None;
    let mut backoff = Duration::from_millis(100);
    sleep_until(connect_at).await;

    let mut first_attempt = true;
    'connection: loop {
        if *phase.borrow() == Phase::Stop {
            break;
        }
        // Every attempt after the first follows a lost connection or a failed connect: in a
        // failover run, after the kill, that is the way back that is timed.
        if !first_attempt {
            try_index += 1;
            if shared.killed_at.get().is_some() && st.resync.is_none() {
                st.resync = Some(Resync {
                    own_clock_at_disconnect: doc.transact().state_vector().get(&own_id),
                    ..Default::default()
                });
            }
            if let Some(resync) = st.resync.as_mut() {
                resync.step2_received = false;
                resync.node_holds_clock = 0;
            }
        }
        first_attempt = false;
        let url = client::board_url(&shared.urls[tries[try_index % tries.len()]], &board_id);
        let mut ws = match client::connect(&url, Duration::from_secs(10)).await {
            Ok(ws) => ws,
            Err(e) => {
                if st.errors.len() < 3 {
                    st.errors.push(format!("{name}: {e:#}"));
                }
                // Another URL is tried at once; a full round of failures waits first.
                if try_index % tries.len() != tries.len() - 1 {
                    continue 'connection;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
                continue 'connection;
            }
        };
        st.connected = true;
        backoff = Duration::from_millis(100);
        aw_clock += 1;
        let hello = [
            client::step1(&doc),
            awareness_frame(&shared, client_id, aw_clock, &name),
        ];
        for frame in hello {
            if let Err(e) = client::send(&mut ws, frame).await {
                st.disconnects += 1;
                st.errors.push(format!("{name}: {e:#}"));
                continue 'connection;
            }
        }
        loop {
            let next_due = sched.as_ref().and_then(|s| s.next_due());
            tokio::select! {
                biased;
                changed = phase.changed() => {
                    let p = if changed.is_ok() { *phase.borrow_and_update() } else { Phase::Stop };
                    match p {
                        Phase::Run(t0) => sched = Some(Schedule::new(t0, cfg, n_updates, n_awareness)),
                        Phase::Stop => { client::close(ws).await; break 'connection; }
                        Phase::Wait => {}
                    }
                }
                incoming = client::recv(&mut ws) => match incoming {
                    Incoming::Frame(frame) => {
                        let context = FrameContext {
                            shared: &shared, doc: &doc, inbox: &inbox, client_id, name: &name,
                            run_start: sched.as_ref().map(|s| s.t0),
                        };
                        if let Err(e) = handle_frame(context, &mut st, &mut ws, frame, &mut aw_clock).await {
                            st.errors.push(format!("{name}: {e:#}"));
                            st.disconnects += 1;
                            continue 'connection;
                        }
                    }
                    Incoming::Closed(why) => {
                        if *phase.borrow() != Phase::Stop {
                            st.disconnects += 1;
                            if st.errors.len() < 3 { st.errors.push(format!("{name}: {why}")); }
                        }
                        continue 'connection;
                    }
                },
                _ = sleep_until(next_due.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600))), if next_due.is_some() => {
                    let s = sched.as_mut().expect("schedule exists when something is due");
                    let now = Instant::now();
                    while let Some((kind, due)) = s.pop_due(now) {
                        st.max_send_lag_us = st.max_send_lag_us.max(now.saturating_duration_since(due).as_micros() as u64);
                        let frame = match kind {
                            Kind::Update(seq) => {
                                st.sent_updates += 1;
                                write_update(&shared, &doc, &map, index, seq)
                            }
                            Kind::Awareness => {
                                st.sent_awareness += 1;
                                aw_clock += 1;
                                awareness_frame(&shared, client_id, aw_clock, &name)
                            }
                        };
                        if let Err(e) = client::send(&mut ws, frame).await {
                            st.disconnects += 1;
                            st.errors.push(format!("{name}: {e:#}"));
                            continue 'connection;
                        }
                    }
                }
            }
        }
    }
    st.final_sv = Some(client::state_vector(&doc));
    st
}

/// The nodes a client tries, in order: its home node alone, or, in a failover run
/// (`failover_offset`: the client's number on the run), the first node and then the others,
/// starting at a different one per client so the killed node's clients spread over them.
fn connect_order(n_urls: usize, home: usize, failover_offset: Option<usize>) -> Vec<usize> {
    match failover_offset {
        Some(offset) if n_urls > 1 => std::iter::once(0)
            .chain((0..n_urls - 1).map(|k| 1 + (offset + k) % (n_urls - 1)))
            .collect(),
        _ => vec![home],
    }
}

/// One update seen by a receiver: who sent it, its sequence number and its send time.
struct Receipt {
    sender: usize,
    seq: u32,
    sent_at_us: f64,
}

/// Reads an observed entry: a fresh key `"{sender}.{seq}"` holding the send time, or (overwrite
/// mode) the key `"{sender}"` holding `[seq, send time]`.
fn read_receipt(sender: usize, key: &str, value: &Any) -> Option<Receipt> {
    match value {
        Any::Array(pair) => Some(Receipt {
            sender,
            seq: any_f64(pair.first()?)? as u32,
            sent_at_us: any_f64(pair.get(1)?)?,
        }),
        value => Some(Receipt {
            sender,
            seq: key.split('.').nth(1)?.parse().ok()?,
            sent_at_us: any_f64(value)?,
        }),
    }
}

fn any_f64(v: &Any) -> Option<f64> {
    match v {
        Any::Number(n) => Some(match n {
            yrs::any::Number::Int(i) => *i as f64,
            yrs::any::Number::Float(f) => *f,
        }),
        _ => None,
    }
}

fn micros_since(shared: &Shared, at: Instant) -> f64 {
    at.saturating_duration_since(shared.epoch).as_micros() as f64
}

/// Writes the next update into the client's document and returns it as a message. Written
/// even while disconnected: the reconnect's step 2 carries it, as with the stock client.
fn write_update(shared: &Shared, doc: &Doc, map: &MapRef, index: usize, seq: u32) -> Vec<u8> {
    let ts = micros_since(shared, Instant::now());
    let mut txn = doc.transact_mut();
    if shared.cfg.overwrite {
        let value =
            Any::Array(vec![Any::Number(f64::from(seq).into()), Any::Number(ts.into())].into());
        map.insert(&mut txn, index.to_string(), value);
    } else {
        map.insert(&mut txn, format!("{index}.{seq}"), Any::Number(ts.into()));
    }
    codec::encode_update(&txn.encode_update_v1())
}

fn awareness_frame(shared: &Shared, client_id: u64, clock: u32, name: &str) -> Vec<u8> {
    let t = micros_since(shared, Instant::now()) as u64;
    let x = (clock % 1000) as f64 * 1.5;
    let state = format!(
        r##"{{"user":{{"name":"{name}","color":"#30bced"}},"cursor":{{"x":{x},"y":{y}}},"t":{t}}}"##,
        y = 300.0 - x / 3.0
    );
    codec::encode_awareness([(client_id, clock, state.as_bytes())])
}

#[derive(serde::Deserialize)]
struct AwarenessT {
    t: Option<u64>,
}

/// What a simulated client reads while it handles a frame: who it is and what it shares with
/// the run.
#[derive(Clone, Copy)]
struct FrameContext<'a> {
    shared: &'a Shared,
    doc: &'a Doc,
    inbox: &'a Mutex<Vec<Receipt>>,
    client_id: u64,
    name: &'a str,
    run_start: Option<Instant>,
}

async fn handle_frame(
    context: FrameContext<'_>,
    st: &mut ClientStats,
    ws: &mut Ws,
    frame: Bytes,
    aw_clock: &mut u32,
) -> Result<()> {
    let FrameContext {
        shared,
        doc,
        inbox,
        client_id,
        name,
        run_start,
    } = context;
    let now = Instant::now();
    st.frames_in += 1;
    st.bytes_in += frame.len() as u64;
    let messages = codec::decode_frame(&frame, &client::limits())
        .map_err(|e| anyhow!("undecodable frame from server: {e}"))?;
    let mut replies = Vec::new();
    for m in messages {
        match m {
            Message::SyncStep1(sv) => {
                if let Some(resync) = pending_resync(st) {
                    let clock = StateVector::decode_v1(&sv)
                        .map_or(0, |sv| sv.get(&ClientID::new(client_id)));
                    resync.node_holds_clock = resync.node_holds_clock.max(clock);
                }
                replies.push(client::answer_step1(doc, &sv)?)
            }
            Message::SyncStep2(update) => {
                client::apply(doc, &update)?;
                let killed_at = shared.killed_at.get();
                if let (Some(resync), Some(killed_at)) = (pending_resync(st), killed_at) {
                    resync.step2_received = true;
                    resync.step2_after_kill_ms.get_or_insert(
                        now.saturating_duration_since(*killed_at).as_secs_f64() * 1000.0,
                    );
                }
                if st.synced_ms.is_none() {
                    st.synced_ms = Some(now.duration_since(shared.epoch).as_secs_f64() * 1000.0);
                    shared.synced.fetch_add(1, Ordering::Relaxed);
                }
            }
            Message::Update(update) => {
                st.update_messages += 1;
                client::apply(doc, &update)?;
                // The node echoes a client's own updates once stored: after a failover, the
                // echo of what the client resent shows the new node holds it.
                if let Some(resync) = pending_resync(st) {
                    let clock = Update::decode_v1(&update)
                        .map_or(0, |u| u.state_vector().get(&ClientID::new(client_id)));
                    resync.node_holds_clock = resync.node_holds_clock.max(clock);
                }
            }
            Message::Awareness(a) => {
                if a.entries.is_empty() {
                    st.keepalives += 1;
                    continue;
                }
                st.awareness_messages += 1;
                st.awareness_entries += a.entries.len() as u64;
                let now_us = micros_since(shared, now) as u64;
                // States announced before the load started (sent to joiners) are not latency.
                let from_us = run_start.map_or(u64::MAX, |t| micros_since(shared, t) as u64);
                for e in &a.entries {
                    if e.client_id == client_id || e.is_removal() {
                        continue;
                    }
                    if let Ok(AwarenessT { t: Some(t) }) =
                        serde_json::from_slice::<AwarenessT>(&e.state_json)
                    {
                        if t < from_us {
                            continue;
                        }
                        st.awareness_latencies_us
                            .push(now_us.saturating_sub(t).min(u64::from(u32::MAX)) as u32);
                    }
                }
            }
            Message::QueryAwareness => {
                *aw_clock += 1;
                replies.push(awareness_frame(shared, client_id, *aw_clock, name));
            }
            Message::Auth(Some(reason)) => return Err(anyhow!("permission denied: {reason}")),
            Message::Auth(None) => {}
        }
    }
    if let (Some(resync), Some(killed_at)) = (pending_resync(st), shared.killed_at.get()) {
        if resync.step2_received && resync.node_holds_clock >= resync.own_clock_at_disconnect {
            resync.synced_after_kill_ms =
                Some(now.saturating_duration_since(*killed_at).as_secs_f64() * 1000.0);
        }
    }
    let received: Vec<Receipt> =
        std::mem::take(&mut *inbox.lock().unwrap_or_else(|p| p.into_inner()));
    if !received.is_empty() {
        let now_us = micros_since(shared, now);
        let mut counted = 0;
        for receipt in received {
            if let Some(slot) = st.recv_from.get_mut(receipt.sender) {
                // Overwrite mode: seeing sequence n means updates 0..=n are integrated.
                let newly = if shared.cfg.overwrite {
                    (receipt.seq + 1).saturating_sub(*slot)
                } else {
                    1
                };
                *slot += newly;
                counted += u64::from(newly);
                let latency = (now_us - receipt.sent_at_us).clamp(0.0, f64::from(u32::MAX)) as u32;
                if shared.home_node(receipt.sender) == shared.home_node(st.index) {
                    st.latencies_us.push(latency);
                } else {
                    st.latencies_cross_us.push(latency);
                }
                if let Some(killed_at) = shared.killed_at.get() {
                    let after_kill_ms =
                        now.saturating_duration_since(*killed_at).as_secs_f64() * 1000.0;
                    st.receipts_after_kill
                        .push((receipt.sender, receipt.seq, after_kill_ms));
                }
            }
        }
        shared.receipts.fetch_add(counted, Ordering::Relaxed);
    }
    for r in replies {
        client::send(ws, r).await?;
    }
    Ok(())
}

/// The client's way back after a failover, while it is not yet synced again.
fn pending_resync(st: &mut ClientStats) -> Option<&mut Resync> {
    st.resync
        .as_mut()
        .filter(|r| r.synced_after_kill_ms.is_none())
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Update(u32),
    Awareness,
}

/// A client's send times, fixed up front from the start instant: `n` events per stream at
/// `start + offset + k * period`, so late wake-ups do not make the schedule drift.
struct Schedule {
    t0: Instant,
    updates: Stream,
    awareness: Stream,
}

struct Stream {
    start: Instant,
    period: Duration,
    next: u32,
    count: u32,
}

impl Stream {
    fn new(t0: Instant, rate: f64, count: u32) -> Stream {
        let period = if rate > 0.0 {
            Duration::from_secs_f64(1.0 / rate)
        } else {
            Duration::from_secs(1)
        };
        let offset = period.mul_f64(rand::rng().random::<f64>());
        Stream {
            start: t0 + offset,
            period,
            next: 0,
            count,
        }
    }

    fn due(&self) -> Option<Instant> {
        (self.next < self.count).then(|| self.start + self.period * self.next)
    }
}

impl Schedule {
    fn new(t0: Instant, cfg: &TrafficConfig, n_updates: u32, n_awareness: u32) -> Schedule {
        Schedule {
            t0,
            updates: Stream::new(t0, cfg.update_rate, n_updates),
            awareness: Stream::new(t0, cfg.awareness_rate, n_awareness),
        }
    }

    fn next_due(&self) -> Option<Instant> {
        match (self.updates.due(), self.awareness.due()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn pop_due(&mut self, now: Instant) -> Option<(Kind, Instant)> {
        let u = self.updates.due().filter(|&t| t <= now);
        let a = self.awareness.due().filter(|&t| t <= now);
        match (u, a) {
            (Some(tu), Some(ta)) if ta < tu => {
                self.awareness.next += 1;
                Some((Kind::Awareness, ta))
            }
            (Some(tu), _) => {
                let seq = self.updates.next;
                self.updates.next += 1;
                Some((Kind::Update(seq), tu))
            }
            (None, Some(ta)) => {
                self.awareness.next += 1;
                Some((Kind::Awareness, ta))
            }
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_stays_on_its_node_unless_it_fails_over() {
        assert_eq!(connect_order(3, 2, None), vec![2]);
        assert_eq!(connect_order(1, 0, None), vec![0]);
        // The killed node's clients go on to node 2 or node 3 in turn, then try the rest.
        assert_eq!(connect_order(3, 0, Some(0)), vec![0, 1, 2]);
        assert_eq!(connect_order(3, 0, Some(1)), vec![0, 2, 1]);
        assert_eq!(connect_order(2, 0, Some(5)), vec![0, 1]);
    }
}
