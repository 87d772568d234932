//! Group commit: one thread owns all writes of update logs, and commits everything that is
//! queued when it wakes in a single transaction.
//!
//! Rooms hand over a batch of updates and wait for the acknowledgement before they broadcast
//! the batch, so every update a client can see is already in the database. Under load, many
//! rooms' batches share one commit; when the server is idle a batch is committed at once
//! (there is no timer).

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use crate::sync::metrics::Metrics;
use crate::sync::storage::{AppendRequest, BoardStore, StoreError};

/// Most jobs folded into one transaction; bounds the latency one commit adds to the next.
const MAX_JOBS_PER_COMMIT: usize = 512;

/// Jobs waiting for the writer thread. When the queue is full, `append` waits: rooms slow down
/// rather than drop anything.
const JOB_QUEUE_CAPACITY: usize = 4096;

struct AppendJob {
    board_id: Arc<str>,
    updates: Vec<Bytes>,
    queued_at: Instant,
    done: oneshot::Sender<Result<i64, Arc<StoreError>>>,
}

#[derive(Clone)]
pub struct Persister {
    jobs: mpsc::Sender<AppendJob>,
    store: Arc<dyn BoardStore>,
}

impl Persister {
    /// Starts the writer thread. It stops when every `Persister` clone is dropped.
    pub fn start(store: Arc<dyn BoardStore>, metrics: Arc<Metrics>) -> Persister {
        let (jobs, receiver) = mpsc::channel(JOB_QUEUE_CAPACITY);
        let thread_store = store.clone();
        std::thread::Builder::new()
            .name("kartta-persist".into())
            .spawn(move || write_loop(thread_store, receiver, metrics))
            .expect("spawning the persist thread");
        Persister { jobs, store }
    }

    pub fn store(&self) -> &Arc<dyn BoardStore> {
        &self.store
    }

    /// Appends `updates` to the board's log; resolves once they are committed, with the id of
    /// the last one.
    pub async fn append(
        &self,
        board_id: Arc<str>,
        updates: Vec<Bytes>,
    ) -> Result<i64, Arc<StoreError>> {
        let (done, acknowledged) = oneshot::channel();
        let job = AppendJob {
            board_id,
            updates,
            queued_at: Instant::now(),
            done,
        };
        self.jobs
            .send(job)
            .await
            .map_err(|_| Arc::new(StoreError::Closed))?;
        acknowledged
            .await
            .map_err(|_| Arc::new(StoreError::Closed))?
    }
}

fn write_loop(
    store: Arc<dyn BoardStore>,
    mut receiver: mpsc::Receiver<AppendJob>,
    metrics: Arc<Metrics>,
) {
    let mut batch = Vec::with_capacity(MAX_JOBS_PER_COMMIT);
    while let Some(first) = receiver.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_JOBS_PER_COMMIT {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let requests: Vec<AppendRequest> = batch
            .iter()
            .map(|job| AppendRequest {
                board_id: &job.board_id,
                updates: &job.updates,
            })
            .collect();
        let result = store.append(&requests);
        let committed_at = Instant::now();
        match result {
            Ok(last_ids) => {
                for (job, last_id) in batch.drain(..).zip(last_ids) {
                    metrics.updates_persisted.inc_by(job.updates.len() as u64);
                    metrics
                        .persist_seconds
                        .observe(committed_at.duration_since(job.queued_at).as_secs_f64());
                    let _ = job.done.send(Ok(last_id));
                }
            }
            Err(error) => {
                tracing::error!(%error, jobs = batch.len(), "group commit failed");
                let error = Arc::new(error);
                for job in batch.drain(..) {
                    let _ = job.done.send(Err(error.clone()));
                }
            }
        }
    }
}
