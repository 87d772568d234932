//! The soak scenario: the workshop load for a long time (30 minutes by default) plus what a
//! real training day adds around it — participants who join and leave every few seconds,
//! snapshots and PNG exports every minute, and one client that floods at ten times the
//! per-connection message rate — while the server's memory, open files, rooms and connections
//! are sampled every minute.
//!
//! The workshop clients run on `--open-boards` board ids and overwrite a key of their own
//! (`TrafficConfig::overwrite`), so the documents stay the same size: any growth of the
//! server's memory after warm-up is the server's, not the data's. The churn, snapshot, export
//! and flood traffic goes to the boards of a workshop made through the API, with its tokens.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use kartta_protocol::api::{CreateWorkshopRequest, Created};
use kartta_protocol::codec::{self, Message};
use kartta_protocol::schema::{Locale, Template};
use kartta_tests::{http, metric};
use serde::Serialize;
use serde_json::{json, Value};
use tokio::time::{sleep, timeout, Instant};
use yrs::{Any, Doc, Map, ReadTxn, Transact};

use crate::client::{self, Incoming};
use crate::procstat;
use crate::stats::round3;
use crate::traffic::{self, TrafficConfig};

#[derive(Debug, Clone, Serialize)]
pub struct SoakConfig {
    pub traffic: TrafficConfig,
    /// Seconds between the server readings (several a minute, so that a reading taken while a
    /// snapshot or export renders is not the only one of its minute).
    pub sample_every_s: f64,
    /// Readings in the first this many seconds are warm-up and not judged.
    pub warm_up_s: f64,
    /// A participant joins one of the workshop's boards this often, stays `churn_stay_s`.
    pub churn_every_s: f64,
    pub churn_stay_s: f64,
    /// A snapshot of the workshop and a PNG export of each of its boards this often.
    pub snapshot_every_s: f64,
    /// The flooding client's send rate, messages per second (ten times the server's limit).
    pub flood_rate: f64,
}

/// One reading of the server, every `sample_every_s`.
#[derive(Debug, Clone, Serialize)]
struct Reading {
    at_s: f64,
    rss_kb: u64,
    open_fds: usize,
    rooms_loaded: Option<f64>,
    connections: Option<f64>,
}

#[derive(Default)]
struct Counters {
    churn_joined: AtomicU64,
    churn_failed: AtomicU64,
    snapshots_ok: AtomicU64,
    snapshots_failed: AtomicU64,
    exports_ok: AtomicU64,
    exports_failed: AtomicU64,
    flood_sent: AtomicU64,
    flood_disconnects: AtomicU64,
}

pub async fn run(
    cfg: SoakConfig,
    url_prefix: &str,
    server_pid: u32,
    run_id: &str,
) -> Result<Value> {
    let port = http_port(url_prefix)?;
    let created = create_workshop(port).await?;
    let facilitator = created.tokens.facilitator.clone();
    let participant = created.tokens.participant.clone();
    let workshop_id = created.workshop.id.clone();
    let boards: Vec<String> = created
        .workshop
        .boards
        .iter()
        .map(|b| b.id.clone())
        .collect();
    if boards.len() < 2 {
        bail!("the soak workshop has {} boards, wants 2", boards.len());
    }

    let stop = Arc::new(AtomicBool::new(false));
    let counters = Arc::new(Counters::default());
    let started = Instant::now();

    let sampler = tokio::spawn(sample_server(
        server_pid,
        port,
        cfg.sample_every_s,
        stop.clone(),
        started,
    ));
    let churn = tokio::spawn(churn(
        url_prefix.to_owned(),
        boards.clone(),
        participant.clone(),
        cfg.clone(),
        stop.clone(),
        counters.clone(),
    ));
    let snapshots = tokio::spawn(snapshots_and_exports(
        port,
        workshop_id,
        boards.clone(),
        facilitator,
        cfg.snapshot_every_s,
        stop.clone(),
        counters.clone(),
    ));
    let flood = tokio::spawn(flood(
        client::board_url(url_prefix, &format!("{}?token={participant}", boards[0])),
        cfg.flood_rate,
        stop.clone(),
        counters.clone(),
    ));

    let workshop = traffic::run(
        cfg.traffic.clone(),
        &[url_prefix.to_owned()],
        &procstat::Pids::server(server_pid),
        run_id,
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    let readings = sampler.await.map_err(|e| anyhow!("sampler: {e}"))?;
    for task in [churn, snapshots, flood] {
        task.await.map_err(|e| anyhow!("soak task: {e}"))?;
    }
    let workshop = workshop?;
    Ok(report(&cfg, workshop, readings, &counters))
}

fn report(cfg: &SoakConfig, workshop: Value, readings: Vec<Reading>, counters: &Counters) -> Value {
    let minutes = per_minute(&readings);
    let judged: Vec<&Minute> = minutes
        .iter()
        .filter(|minute| f64::from(minute.minute) * 60.0 >= cfg.warm_up_s)
        // The last reading falls at the very end, alone in a minute of its own and at the
        // moment of that minute's snapshot and renders: its "lowest reading" is no reading
        // at rest, so only minutes with at least half their readings are judged.
        .filter(|minute| minute.readings as f64 >= 30.0 / cfg.sample_every_s)
        .collect();
    // Snapshots and PNG exports allocate for a moment every minute; the lowest reading of each
    // minute is the server at rest, the highest includes whatever was rendering then.
    let ratio = |values: Vec<u64>| {
        let (min, max) = (values.iter().min().copied(), values.iter().max().copied());
        min.zip(max)
            .filter(|(min, _)| *min > 0)
            .map(|(min, max)| round3(max as f64 / min as f64))
    };
    let at_rest: Vec<u64> = judged.iter().map(|minute| minute.rss_min_kb).collect();
    let peaks: Vec<u64> = judged.iter().map(|minute| minute.rss_max_kb).collect();
    let fds: Vec<usize> = judged.iter().map(|minute| minute.fds_max).collect();
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    json!({
        "config": cfg,
        "minutes": minutes,
        "readings": readings,
        "after_warm_up": {
            "minutes": judged.len(),
            // The target: flat within 10 % (max / min ≤ 1.10) at rest.
            "rss_at_rest_max_over_min": ratio(at_rest.clone()),
            "rss_at_rest_first_kb": at_rest.first(),
            "rss_at_rest_last_kb": at_rest.last(),
            "rss_peak_max_over_min": ratio(peaks.clone()),
            "rss_peak_max_kb": peaks.iter().max(),
            "fds_first": fds.first(),
            "fds_last": fds.last(),
            "fds_max": fds.iter().max(),
        },
        "churn_joined": load(&counters.churn_joined),
        "churn_failed": load(&counters.churn_failed),
        "snapshots_ok": load(&counters.snapshots_ok),
        "snapshots_failed": load(&counters.snapshots_failed),
        "png_exports_ok": load(&counters.exports_ok),
        "png_exports_failed": load(&counters.exports_failed),
        "flood_messages_sent": load(&counters.flood_sent),
        "flood_disconnects": load(&counters.flood_disconnects),
        "workshop": workshop,
    })
}

/// The readings of one minute of the run.
#[derive(Debug, Clone, Serialize)]
struct Minute {
    minute: u32,
    readings: usize,
    rss_min_kb: u64,
    rss_max_kb: u64,
    fds_max: usize,
    rooms_loaded: Option<f64>,
    connections: Option<f64>,
}

fn per_minute(readings: &[Reading]) -> Vec<Minute> {
    let mut minutes: Vec<Minute> = Vec::new();
    for reading in readings {
        let minute = (reading.at_s / 60.0) as u32;
        match minutes.last_mut().filter(|last| last.minute == minute) {
            Some(last) => {
                last.readings += 1;
                last.rss_min_kb = last.rss_min_kb.min(reading.rss_kb);
                last.rss_max_kb = last.rss_max_kb.max(reading.rss_kb);
                last.fds_max = last.fds_max.max(reading.open_fds);
                last.rooms_loaded = reading.rooms_loaded;
                last.connections = reading.connections;
            }
            None => minutes.push(Minute {
                minute,
                readings: 1,
                rss_min_kb: reading.rss_kb,
                rss_max_kb: reading.rss_kb,
                fds_max: reading.open_fds,
                rooms_loaded: reading.rooms_loaded,
                connections: reading.connections,
            }),
        }
    }
    minutes
}

/// The HTTP port of a `ws://127.0.0.1:PORT/sync` prefix.
pub fn http_port(url_prefix: &str) -> Result<u16> {
    let rest = url_prefix
        .strip_prefix("ws://")
        .ok_or_else(|| anyhow!("--url must start with ws://"))?;
    let host_port = rest.split('/').next().unwrap_or("");
    let port = host_port
        .rsplit_once(':')
        .map(|(_, port)| port)
        .ok_or_else(|| anyhow!("--url has no port"))?;
    port.parse().context("--url port")
}

async fn create_workshop(port: u16) -> Result<Created> {
    let request = CreateWorkshopRequest {
        title: "Soak".into(),
        locale: Locale::Fi,
        template: Template::Rings,
        group_count: 2,
        personal_boards: Vec::new(),
        personal_boards_at_join: None,
        retention_days: None,
    };
    let body = serde_json::to_vec(&request)?;
    let response = http(
        port,
        "POST",
        "/api/workshops",
        None,
        Some(("application/json", body)),
    )
    .await
    .context("creating the soak workshop (needs a Kartta server with the API)")?;
    if response.status != 200 && response.status != 201 {
        bail!(
            "creating the soak workshop: {} {}",
            response.status,
            response.text()
        );
    }
    response.json()
}

async fn sample_server(
    pid: u32,
    port: u16,
    every_s: f64,
    stop: Arc<AtomicBool>,
    started: Instant,
) -> Vec<Reading> {
    let mut readings = Vec::new();
    let every = Duration::from_secs_f64(every_s);
    let mut next = started;
    while !stop.load(Ordering::Relaxed) {
        if Instant::now() >= next {
            let metrics = http(port, "GET", "/metrics", None, None).await.ok();
            let text = metrics.map(|m| m.text()).unwrap_or_default();
            readings.push(Reading {
                at_s: round3(started.elapsed().as_secs_f64()),
                rss_kb: procstat::sample(pid).map_or(0, |p| p.rss_kb),
                open_fds: std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count()),
                rooms_loaded: metric(&text, "kartta_rooms_loaded"),
                connections: metric(&text, "kartta_connections"),
            });
            next += every;
        }
        sleep(Duration::from_millis(200)).await;
    }
    readings
}

/// A participant joins a workshop board, syncs, writes one change, stays a while and leaves;
/// a new one every `churn_every_s`, alternating between the boards.
async fn churn(
    url_prefix: String,
    boards: Vec<String>,
    token: String,
    cfg: SoakConfig,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
) {
    let mut n: u64 = 0;
    let mut visits = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let board = &boards[(n as usize) % boards.len()];
        let url = client::board_url(&url_prefix, &format!("{board}?token={token}"));
        let counters = counters.clone();
        let stay = Duration::from_secs_f64(cfg.churn_stay_s);
        visits.push(tokio::spawn(async move {
            match visit(&url, n, stay).await {
                Ok(()) => counters.churn_joined.fetch_add(1, Ordering::Relaxed),
                Err(_) => counters.churn_failed.fetch_add(1, Ordering::Relaxed),
            };
        }));
        n += 1;
        sleep(Duration::from_secs_f64(cfg.churn_every_s)).await;
        visits.retain(|visit| !visit.is_finished());
    }
    for visit in visits {
        let _ = visit.await;
    }
}

async fn visit(url: &str, n: u64, stay: Duration) -> Result<()> {
    let mut ws = client::connect(url, Duration::from_secs(10)).await?;
    let client_id: u64 = rand::random_range(1..(1u64 << 32));
    let doc = Doc::with_client_id(client_id);
    client::send(&mut ws, client::step1(&doc)).await?;
    let state = format!(r##"{{"user":{{"name":"churn {n}","color":"#aa3377"}}}}"##);
    client::send(
        &mut ws,
        codec::encode_awareness([(client_id, 1, state.as_bytes())]),
    )
    .await?;
    // Synced when the server's step 2 arrives.
    timeout(Duration::from_secs(20), async {
        loop {
            match client::recv(&mut ws).await {
                Incoming::Frame(frame) => {
                    let messages = codec::decode_frame(&frame, &client::limits())?;
                    for message in messages {
                        match message {
                            Message::SyncStep1(sv) => {
                                client::send(&mut ws, client::answer_step1(&doc, &sv)?).await?
                            }
                            Message::SyncStep2(update) => {
                                client::apply(&doc, &update)?;
                                return Ok(());
                            }
                            _ => {}
                        }
                    }
                }
                Incoming::Closed(why) => bail!("churn client closed before sync: {why}"),
            }
        }
    })
    .await
    .context("churn client sync timed out")??;
    let update = {
        let map = doc.get_or_insert_map("churn");
        let mut txn = doc.transact_mut();
        map.insert(&mut txn, "last", Any::Number((n as f64).into()));
        txn.encode_update_v1()
    };
    client::send(&mut ws, codec::encode_update(&update)).await?;
    let leave_at = Instant::now() + stay;
    // Keep reading (the server closes readers that stop) until it is time to go.
    while Instant::now() < leave_at {
        match timeout(leave_at - Instant::now(), client::recv(&mut ws)).await {
            Ok(Incoming::Closed(why)) => bail!("churn client closed: {why}"),
            Ok(Incoming::Frame(_)) | Err(_) => {}
        }
    }
    client::close(ws).await;
    Ok(())
}

async fn snapshots_and_exports(
    port: u16,
    workshop_id: String,
    boards: Vec<String>,
    facilitator: String,
    every_s: f64,
    stop: Arc<AtomicBool>,
    counters: Arc<Counters>,
) {
    let every = Duration::from_secs_f64(every_s);
    let mut next = Instant::now() + every;
    let mut round = 0;
    while !stop.load(Ordering::Relaxed) {
        if Instant::now() < next {
            sleep(Duration::from_millis(200)).await;
            continue;
        }
        next += every;
        round += 1;
        let body =
            serde_json::to_vec(&json!({ "name": format!("soak {round}") })).unwrap_or_default();
        let path = format!("/api/workshops/{workshop_id}/snapshots");
        let snapshot = http(
            port,
            "POST",
            &path,
            Some(&facilitator),
            Some(("application/json", body)),
        )
        .await;
        let counter = match snapshot {
            Ok(r) if r.status < 300 => &counters.snapshots_ok,
            _ => &counters.snapshots_failed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        for board in &boards {
            let path = format!("/api/boards/{board}/export.png");
            let export = http(port, "GET", &path, Some(&facilitator), None).await;
            let counter = match export {
                Ok(r) if r.status == 200 && r.body.starts_with(b"\x89PNG") => &counters.exports_ok,
                _ => &counters.exports_failed,
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// One client that sends as if the rate limit did not exist: `rate` messages a second, each
/// overwriting one key (so the board stays small). The server reads it no faster than its
/// limit; the client reconnects if it is closed.
async fn flood(url: String, rate: f64, stop: Arc<AtomicBool>, counters: Arc<Counters>) {
    let doc = Doc::new();
    let map = doc.get_or_insert_map("flood");
    let period = Duration::from_secs_f64(1.0 / rate.max(1.0));
    let mut seq: u64 = 0;
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut ws) = client::connect(&url, Duration::from_secs(10)).await else {
            counters.flood_disconnects.fetch_add(1, Ordering::Relaxed);
            sleep(Duration::from_secs(1)).await;
            continue;
        };
        // Everything written so far, in case the last update before a reconnect was lost
        // in flight: later ones depend on it, and the server refuses an update whose
        // dependencies it lacks.
        let everything = doc
            .transact()
            .encode_state_as_update_v1(&yrs::StateVector::default());
        if client::send(&mut ws, client::step1(&doc)).await.is_err()
            || client::send(&mut ws, codec::encode_sync_step2(&everything))
                .await
                .is_err()
        {
            continue;
        }
        let mut next = Instant::now();
        'sending: while !stop.load(Ordering::Relaxed) {
            // Read whatever has arrived without waiting, so the server never sees a reader
            // that stopped: the flood is about sending too much, not reading too little.
            while let Ok(incoming) = timeout(Duration::ZERO, client::recv(&mut ws)).await {
                if let Incoming::Closed(_) = incoming {
                    counters.flood_disconnects.fetch_add(1, Ordering::Relaxed);
                    break 'sending;
                }
            }
            seq += 1;
            let update = {
                let mut txn = doc.transact_mut();
                map.insert(&mut txn, "value", Any::Number((seq as f64).into()));
                txn.encode_update_v1()
            };
            if client::send(&mut ws, codec::encode_update(&update))
                .await
                .is_err()
            {
                counters.flood_disconnects.fetch_add(1, Ordering::Relaxed);
                break;
            }
            counters.flood_sent.fetch_add(1, Ordering::Relaxed);
            next += period;
            tokio::time::sleep_until(next).await;
        }
    }
}
