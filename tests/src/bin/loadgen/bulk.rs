//! Big-board scenarios: coldload (a fresh client loads a board of 20,000 small map updates and
//! 200 KB of text) and joinstorm (150 clients join a ~20 MB board at once).
//!
//! A setup client writes the board through the normal protocol, with a window of updates in
//! flight: the server's echoes are applied to a mirror document, and the setup continues once
//! the mirror's clock for our client id has caught up. A probe client then checks that a fresh
//! sync yields the whole board before anything is timed.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use kartta_protocol::codec::{self, Message};
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use tokio::sync::Barrier;
use tokio::time::Instant;
use yrs::{Any, Doc, GetString, Map, ReadTxn, StateVector, Text, Transact};

use crate::client::{self, Incoming, Ws};
use crate::procstat;
use crate::stats::{self, round3};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A connected setup client: the document it writes, and a mirror of what the server echoed.
struct Writer {
    ws: Ws,
    doc: Doc,
    mirror: Doc,
    client_id: u64,
    /// End clocks of updates sent and not yet seen echoed, oldest first.
    in_flight: VecDeque<u32>,
    window: usize,
    sent: u64,
    bytes_sent: u64,
}

impl Writer {
    async fn open(url: &str, window: usize) -> Result<Writer> {
        let client_id: u64 = rand::rng().random_range(1..(1u64 << 32));
        let doc = Doc::with_client_id(client_id);
        let mirror = Doc::new();
        let mut ws = client::connect(url, CONNECT_TIMEOUT).await?;
        client::send(&mut ws, client::step1(&doc)).await?;
        let mut w = Writer {
            ws,
            doc,
            mirror,
            client_id,
            in_flight: VecDeque::new(),
            window,
            sent: 0,
            bytes_sent: 0,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut synced = false;
        while !synced {
            synced = w.read_one(deadline).await?;
        }
        Ok(w)
    }

    /// Reads one frame; answers step 1, applies updates to the mirror. True if it was step 2.
    async fn read_one(&mut self, deadline: Instant) -> Result<bool> {
        let frame = match tokio::time::timeout_at(deadline, client::recv(&mut self.ws)).await {
            Err(_) => bail!("setup client: no message from the server before the deadline"),
            Ok(Incoming::Closed(why)) => bail!("setup client: {why}"),
            Ok(Incoming::Frame(f)) => f,
        };
        let mut step2 = false;
        for m in codec::decode_frame(&frame, &client::limits())
            .map_err(|e| anyhow!("setup client: {e}"))?
        {
            match m {
                Message::SyncStep1(sv) => {
                    let reply = client::answer_step1(&self.doc, &sv)?;
                    client::send(&mut self.ws, reply).await?;
                }
                Message::SyncStep2(u) => {
                    client::apply(&self.mirror, &u)?;
                    step2 = true;
                }
                Message::Update(u) => client::apply(&self.mirror, &u)?,
                Message::Auth(Some(reason)) => bail!("setup client: permission denied: {reason}"),
                _ => {}
            }
        }
        let acked = self
            .mirror
            .transact()
            .state_vector()
            .get(&yrs::block::ClientID::new(self.client_id));
        while self.in_flight.front().is_some_and(|&c| c <= acked) {
            self.in_flight.pop_front();
        }
        Ok(step2)
    }

    /// Sends one update produced by `write`, first waiting for room in the window.
    async fn write(&mut self, write: impl FnOnce(&Doc, &mut yrs::TransactionMut)) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.in_flight.len() >= self.window {
            self.read_one(deadline)
                .await
                .context("waiting for the server to echo the setup updates")?;
        }
        let update = {
            let mut txn = self.doc.transact_mut();
            write(&self.doc, &mut txn);
            txn.encode_update_v1()
        };
        let frame = codec::encode_update(&update);
        self.bytes_sent += frame.len() as u64;
        client::send(&mut self.ws, frame).await?;
        self.sent += 1;
        self.in_flight.push_back(
            self.doc
                .transact()
                .state_vector()
                .get(&yrs::block::ClientID::new(self.client_id)),
        );
        Ok(())
    }

    /// Waits until every update sent has come back.
    async fn settle(&mut self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !self.in_flight.is_empty() {
            self.read_one(deadline)
                .await
                .context("waiting for the last setup updates to be echoed")?;
        }
        Ok(())
    }

    /// Keeps answering the server (pings, keepalives) while it stays connected in the background.
    fn idle(mut self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                if let Incoming::Closed(_) = client::recv(&mut self.ws).await {
                    return;
                }
            }
        })
    }
}

/// Connects a fresh client, sends an empty step 1 and waits for step 2, optionally applying it.
/// Returns (connect ms, step 2 received ms, applied ms, step 2 payload bytes, the document).
pub async fn fresh_sync(
    url: &str,
    apply: bool,
    awareness: Option<(u64, String)>,
    timeout: Duration,
) -> Result<FreshSync> {
    let t0 = Instant::now();
    let deadline = t0 + timeout;
    let doc = Doc::new();
    let mut ws = tokio::time::timeout_at(deadline, client::connect(url, timeout))
        .await
        .context("connect timed out")??;
    let connected = t0.elapsed();
    client::send(&mut ws, client::step1(&doc)).await?;
    if let Some((id, state)) = &awareness {
        client::send(
            &mut ws,
            codec::encode_awareness([(*id, 1u32, state.as_bytes())]),
        )
        .await?;
    }
    loop {
        let frame = match tokio::time::timeout_at(deadline, client::recv(&mut ws)).await {
            Err(_) => bail!("no sync step 2 within {timeout:?}"),
            Ok(Incoming::Closed(why)) => bail!("before sync step 2: {why}"),
            Ok(Incoming::Frame(f)) => f,
        };
        // Peek at the first message's type without validating a possibly huge update twice.
        let messages = if frame.len() > 1 << 20 && frame.starts_with(&[0, 1]) {
            vec![Message::SyncStep2(frame.slice(2..))]
        } else {
            codec::decode_frame(&frame, &client::limits()).map_err(|e| anyhow!("{e}"))?
        };
        for m in messages {
            match m {
                Message::SyncStep1(sv) => {
                    let reply = client::answer_step1(&doc, &sv)?;
                    client::send(&mut ws, reply).await?;
                }
                Message::SyncStep2(u) => {
                    let received = t0.elapsed();
                    let bytes = frame.len();
                    if apply {
                        // A frame bigger than 1 MiB was sliced after a 2-byte header without
                        // parsing the length prefix: decode it properly now.
                        let payload = if frame.len() > 1 << 20 {
                            match codec::decode_frame(&frame, &client::limits())
                                .map_err(|e| anyhow!("{e}"))?
                                .into_iter()
                                .next()
                            {
                                Some(Message::SyncStep2(p)) => p,
                                _ => bail!("sync step 2 frame did not decode"),
                            }
                        } else {
                            u
                        };
                        client::apply(&doc, &payload)?;
                    }
                    let applied = t0.elapsed();
                    return Ok(FreshSync {
                        ws,
                        doc,
                        connected,
                        received,
                        applied,
                        bytes,
                    });
                }
                Message::Auth(Some(reason)) => bail!("permission denied: {reason}"),
                _ => {}
            }
        }
    }
}

pub struct FreshSync {
    pub ws: Ws,
    pub doc: Doc,
    connected: Duration,
    received: Duration,
    applied: Duration,
    bytes: usize,
}

fn ms(d: Duration) -> f64 {
    round3(d.as_secs_f64() * 1000.0)
}

/// Checks that a fresh sync yields `expected`, retrying briefly (a server may persist before
/// it answers). Returns the step 2 size.
async fn probe(url: &str, expected: &StateVector) -> Result<usize> {
    for _ in 0..20 {
        let s = fresh_sync(url, true, None, Duration::from_secs(60)).await?;
        let ok = client::state_vector(&s.doc) == *expected;
        client::close(s.ws).await;
        if ok {
            return Ok(s.bytes);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    bail!("a fresh client never received the whole board the setup client wrote")
}

pub struct ColdloadConfig {
    pub map_updates: usize,
    pub text_bytes: usize,
    pub reps: usize,
    pub window: usize,
    /// Map updates per setup client. Several setup clients write in parallel, so the setup
    /// stays within a per-connection update rate limit (Kartta's default burst is 500).
    pub updates_per_writer: usize,
}

/// One coldload setup client's share: map updates `range` (actors created, moved, renamed),
/// and, for the first writer, the text. Returns the writer and its full state.
async fn coldload_writer(
    url: String,
    window: usize,
    range: std::ops::Range<usize>,
    text_bytes: usize,
) -> Result<(Writer, Vec<u8>)> {
    let mut w = Writer::open(&url, window).await?;
    let items = w.doc.get_or_insert_map("actors");
    let text = w.doc.get_or_insert_text("body");
    let mut rng = rand::rngs::StdRng::from_rng(&mut rand::rng());
    for i in range {
        let id = format!("a{}", i % 2000);
        let x: f64 = (rng.random_range(0..20000) as f64) / 10.0;
        let items = items.clone();
        w.write(move |_, txn| {
            let mut fields = HashMap::new();
            fields.insert("x".to_string(), Any::Number(x.into()));
            fields.insert("y".to_string(), Any::Number((x / 2.0).into()));
            fields.insert("name".to_string(), Any::String(format!("Actor {i}").into()));
            items.insert(txn, id, Any::Map(fields.into()));
        })
        .await?;
    }
    // Text in 1 KB edits at random positions, like a long note typed in bursts.
    let chunk = 1000;
    let mut written = 0;
    while written < text_bytes {
        let n = chunk.min(text_bytes - written);
        let s: String = (0..n)
            .map(|k| char::from(b'a' + ((k * 7 + written) % 26) as u8))
            .collect();
        let pos = if written == 0 {
            0
        } else {
            rng.random_range(0..=written as u32)
        };
        let text = text.clone();
        w.write(move |_, txn| text.insert(txn, pos, &s)).await?;
        written += n;
    }
    w.settle().await?;
    let state = w
        .doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    Ok((w, state))
}

/// With several nodes (`urls`), the board is written and checked through the first and read
/// through the last, which has never held it: each read there waits until that node has unloaded
/// the board again (its `kartta_rooms_loaded` is 0), so every read loads it from the store.
pub async fn coldload(
    cfg: ColdloadConfig,
    urls: &[String],
    server_pids: &[u32],
    run_id: &str,
) -> Result<Value> {
    let board = format!("cold-{run_id}");
    let url = client::board_url(&urls[0], &board);
    let read_url = client::board_url(urls.last().expect("at least one URL"), &board);
    let cold_reads = urls.len() > 1;
    let proc_before = procstat::sample_all(server_pids);
    let setup_start = Instant::now();
    let per = cfg.updates_per_writer.max(1);
    let writers = cfg.map_updates.div_ceil(per).max(1);
    let mut tasks = Vec::new();
    for k in 0..writers {
        let range = (k * per)..((k + 1) * per).min(cfg.map_updates);
        let text_bytes = if k == 0 { cfg.text_bytes } else { 0 };
        tasks.push(tokio::spawn(coldload_writer(
            url.clone(),
            cfg.window,
            range,
            text_bytes,
        )));
    }
    let merged = Doc::new();
    let mut keeper = None;
    let (mut setup_updates, mut setup_bytes) = (0, 0);
    for t in tasks {
        let (w, state) = t.await.map_err(|e| anyhow!("setup task: {e}"))??;
        client::apply(&merged, &state)?;
        setup_updates += w.sent;
        setup_bytes += w.bytes_sent;
        if keeper.is_none() {
            keeper = Some(w);
        } else {
            client::close(w.ws).await;
        }
    }
    let expected = client::state_vector(&merged);
    let expected_text_len = merged
        .get_or_insert_text("body")
        .get_string(&merged.transact())
        .len();
    let setup_s = setup_start.elapsed().as_secs_f64();
    let step2_bytes = probe(&url, &expected).await?;
    let proc_after_setup = procstat::sample_all(server_pids);
    // One setup client stays connected, so the room stays loaded in both servers (on the
    // writing node, with several).
    let idle = keeper.map(Writer::idle);
    let noise = Noise::start(server_pids);

    let mut totals = Vec::new();
    let mut runs = Vec::new();
    for _ in 0..cfg.reps {
        tokio::time::sleep(Duration::from_millis(300)).await;
        if cold_reads {
            wait_until_no_room_loaded(urls.last().expect("at least one URL")).await?;
        }
        let s = fresh_sync(&read_url, true, None, Duration::from_secs(60)).await?;
        let full = client::state_vector(&s.doc) == expected
            && s.doc
                .get_or_insert_text("body")
                .get_string(&s.doc.transact())
                .len()
                == expected_text_len;
        if !full {
            bail!("coldload: a fresh client's state after step 2 is not the whole board");
        }
        totals.push(ms(s.applied));
        runs.push(json!({"connect_ms": ms(s.connected), "step2_received_ms": ms(s.received), "full_state_ms": ms(s.applied), "step2_bytes": s.bytes}));
        client::close(s.ws).await;
    }
    let proc_end = procstat::sample_all(server_pids);
    let (other_cpu_s, measured_wall_s) = noise.end(server_pids);
    if let Some(idle) = idle {
        idle.abort();
    }
    let received: Vec<f64> = runs
        .iter()
        .filter_map(|r| r["step2_received_ms"].as_f64())
        .collect();
    Ok(json!({
        "config": {"map_updates": cfg.map_updates, "text_bytes": cfg.text_bytes, "reps": cfg.reps, "setup_window": cfg.window, "setup_writers": writers, "nodes": urls.len(), "cold_reads": cold_reads},
        "first_read_ms": totals.first().copied(),
        "setup_s": round3(setup_s),
        "setup_updates": setup_updates,
        "setup_bytes_sent": setup_bytes,
        "state_bytes": step2_bytes,
        "coldload_median_ms": stats::median(&totals),
        "coldload_min_ms": totals.iter().copied().reduce(f64::min),
        "coldload_max_ms": totals.iter().copied().reduce(f64::max),
        "step2_received_median_ms": stats::median(&received),
        "runs": runs,
        "other_processes_cpu_s": other_cpu_s.map(round3),
        "wall_s": round3(measured_wall_s),
        "server": {
            "cpu_s_total": procstat::cpu_between(proc_before, proc_end).map(round3),
            "cpu_s_setup": procstat::cpu_between(proc_before, proc_after_setup).map(round3),
            "cpu_s_loads": procstat::cpu_between(proc_after_setup, proc_end).map(round3),
            "peak_rss_kb": proc_end.map(|p| p.hwm_kb),
            "rss_end_kb": proc_end.map(|p| p.rss_kb),
        },
    }))
}

pub struct JoinstormConfig {
    pub board_bytes: usize,
    pub clients: usize,
    pub chunk_bytes: usize,
    pub window: usize,
    pub timeout_s: f64,
}

/// With several nodes (`urls`), the board is written and checked through the first and the
/// joiners come to the last, which loads it from the store for the first of them.
pub async fn joinstorm(
    cfg: JoinstormConfig,
    urls: &[String],
    server_pids: &[u32],
    run_id: &str,
) -> Result<Value> {
    let board = format!("storm-{run_id}");
    let url = client::board_url(&urls[0], &board);
    let storm_url = client::board_url(urls.last().expect("at least one URL"), &board);
    let proc_before = procstat::sample_all(server_pids);
    let setup_start = Instant::now();
    let mut w = Writer::open(&url, cfg.window).await?;
    let blobs = w.doc.get_or_insert_map("strokes");
    let mut written = 0;
    let mut n = 0usize;
    while written < cfg.board_bytes {
        let len = cfg.chunk_bytes.min(cfg.board_bytes - written);
        // Pseudo-random printable text, like serialized stroke points; not compressible by
        // accident of repetition.
        let mut rng = rand::rng();
        let s: String = (0..len)
            .map(|_| char::from(rng.random_range(b'0'..=b'z')))
            .collect();
        let key = format!("s{n}");
        let blobs = blobs.clone();
        w.write(move |_, txn| {
            blobs.insert(txn, key, Any::String(s.into()));
        })
        .await?;
        written += len;
        n += 1;
    }
    w.settle().await?;
    let expected = client::state_vector(&w.doc);
    let setup_s = setup_start.elapsed().as_secs_f64();
    let state_bytes = probe(&url, &expected).await?;
    let idle = w.idle();
    // Let the server settle (a compaction or a GC may follow the setup).
    tokio::time::sleep(Duration::from_secs(1)).await;
    let proc_storm_start = procstat::sample_all(server_pids);
    let noise = Noise::start(server_pids);

    let barrier = Arc::new(Barrier::new(cfg.clients + 1));
    let mut handles = Vec::new();
    let timeout = Duration::from_secs_f64(cfg.timeout_s);
    for i in 0..cfg.clients {
        let url = storm_url.clone();
        let barrier = barrier.clone();
        let verify = i == 0;
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            let state = format!(r##"{{"user":{{"name":"storm{i}","color":"#ee6352"}}}}"##);
            let id: u64 = rand::rng().random_range(1..(1u64 << 32));
            let r = fresh_sync(&url, verify, Some((id, state)), timeout).await;
            r.map(|s| {
                let sv = verify.then(|| client::state_vector(&s.doc));
                (s.received, s.bytes, s.ws, sv)
            })
        }));
    }
    barrier.wait().await;
    let storm_start = Instant::now();
    let mut times = Vec::new();
    let mut errors = Vec::new();
    let mut sockets = Vec::new();
    let mut min_bytes = usize::MAX;
    let mut verified = None;
    for h in handles {
        match h.await {
            Ok(Ok((t, bytes, ws, sv))) => {
                times.push(t.as_secs_f64() * 1000.0);
                min_bytes = min_bytes.min(bytes);
                sockets.push(ws);
                if let Some(sv) = sv {
                    verified = Some(sv == expected);
                }
            }
            Ok(Err(e)) => errors.push(format!("{e:#}")),
            Err(e) => errors.push(format!("task: {e}")),
        }
    }
    let storm_wall = storm_start.elapsed();
    let proc_end = procstat::sample_all(server_pids);
    let (other_cpu_s, measured_wall_s) = noise.end(server_pids);
    for ws in sockets {
        client::close(ws).await;
    }
    idle.abort();
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    errors.truncate(20);
    Ok(json!({
        "config": {"board_bytes": cfg.board_bytes, "clients": cfg.clients, "chunk_bytes": cfg.chunk_bytes, "setup_window": cfg.window, "nodes": urls.len()},
        "setup_s": round3(setup_s),
        "state_bytes": state_bytes,
        "clients_synced": times.len(),
        "clients_failed": cfg.clients - times.len(),
        "last_synced_ms": sorted.last().copied().map(round3),
        "median_synced_ms": stats::median(&sorted).map(round3),
        "first_synced_ms": sorted.first().copied().map(round3),
        "storm_wall_ms": ms(storm_wall),
        "smallest_step2_bytes": (min_bytes != usize::MAX).then_some(min_bytes),
        "first_client_state_verified": verified,
        "other_processes_cpu_s": other_cpu_s.map(round3),
        "wall_s": round3(measured_wall_s),
        "server": {
            "cpu_s_total": procstat::cpu_between(proc_before, proc_end).map(round3),
            "cpu_s_storm": procstat::cpu_between(proc_storm_start, proc_end).map(round3),
            "rss_before_storm_kb": proc_storm_start.map(|p| p.rss_kb),
            "peak_rss_kb": proc_end.map(|p| p.hwm_kb),
            "rss_end_kb": proc_end.map(|p| p.rss_kb),
        },
        "errors": errors,
    }))
}

/// Waits (a minute at most) until the node of `url_prefix` holds no board in memory, read from its
/// `/metrics`.
async fn wait_until_no_room_loaded(url_prefix: &str) -> Result<()> {
    let port = crate::soak::http_port(url_prefix)?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, text) = kartta_tests::http_get(port, "/metrics").await?;
        let loaded = kartta_tests::metric(&text, "kartta_rooms_loaded");
        if status == 200 && loaded == Some(0.0) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the reading node still holds {loaded:?} boards after a minute");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// CPU used by other processes during the measured part, as a noise indicator.
struct Noise {
    at: Instant,
    machine: Option<f64>,
    server: Option<procstat::ProcSample>,
    own: Option<procstat::ProcSample>,
}

impl Noise {
    fn start(server_pids: &[u32]) -> Noise {
        Noise {
            at: Instant::now(),
            machine: procstat::machine_busy_s(),
            server: procstat::sample_all(server_pids),
            own: procstat::sample(std::process::id()),
        }
    }

    /// (CPU seconds of other processes, wall seconds) since `start`.
    fn end(self, server_pids: &[u32]) -> (Option<f64>, f64) {
        let other = procstat::other_cpu_s(
            (self.machine, procstat::machine_busy_s()),
            procstat::cpu_between(self.server, procstat::sample_all(server_pids)),
            procstat::cpu_between(self.own, procstat::sample(std::process::id())),
        );
        (other, self.at.elapsed().as_secs_f64())
    }
}
