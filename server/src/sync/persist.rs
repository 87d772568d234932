//! Group commit: one committer owns all writes of update logs, and commits everything that is
//! queued when it runs in a single transaction.
//!
//! Rooms hand over a batch of updates and wait for the acknowledgement before they broadcast
//! the batch, so every update a client can see is already in the database. Under load, many
//! rooms' batches share one commit; when the server is idle a batch is committed at once
//! (there is no timer).
//!
//! The committer is a task on the async runtime. A small room's update used to cross two
//! threads (room task → writer thread → room task), and the wake-ups of those hops cost more
//! than the commit itself. Now the task commits in place when the store can do so without
//! waiting (SQLite's commit writes to the page cache; see `BoardStore::try_append_now`), so the
//! room is woken on its own worker with no thread in between; a store that would wait (a
//! compaction holds the writer, PostgreSQL's round trip) goes to the writer thread, as before.

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use crate::sync::metrics::Metrics;
use crate::sync::storage::{AppendRequest, BoardStore, StoreError};

/// Most jobs folded into one transaction; bounds the latency one commit adds to the next.
const MAX_JOBS_PER_COMMIT: usize = 512;

/// Jobs waiting for the committer. When the queue is full, `append` waits: rooms slow down
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

/// A batch the committer task hands to the writer thread because committing it would wait; the
/// thread answers its jobs and then says it is done, so the next batch waits for this one.
struct WaitingCommit {
    jobs: Vec<AppendJob>,
    finished: oneshot::Sender<Vec<AppendJob>>,
}

impl Persister {
    /// Starts the committer task on the current runtime and the writer thread it hands slow
    /// commits to. Both stop when every `Persister` clone is dropped.
    pub fn start(store: Arc<dyn BoardStore>, metrics: Arc<Metrics>) -> Persister {
        let (jobs, receiver) = mpsc::channel(JOB_QUEUE_CAPACITY);
        // Holds at most one batch: the committer waits for each before it takes the next.
        let (slow_commits, slow_receiver) = std::sync::mpsc::sync_channel(1);
        let thread_store = store.clone();
        let thread_metrics = metrics.clone();
        std::thread::Builder::new()
            .name("kartta-persist".into())
            .spawn(move || write_loop(thread_store, slow_receiver, thread_metrics))
            .expect("spawning the persist thread");
        tokio::spawn(commit_loop(store.clone(), receiver, slow_commits, metrics));
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

fn requests(batch: &[AppendJob]) -> Vec<AppendRequest<'_>> {
    batch
        .iter()
        .map(|job| AppendRequest {
            board_id: &job.board_id,
            updates: &job.updates,
        })
        .collect()
}

async fn commit_loop(
    store: Arc<dyn BoardStore>,
    mut receiver: mpsc::Receiver<AppendJob>,
    slow_commits: std::sync::mpsc::SyncSender<WaitingCommit>,
    metrics: Arc<Metrics>,
) {
    let mut batch = Vec::with_capacity(MAX_JOBS_PER_COMMIT);
    while receiver.recv_many(&mut batch, MAX_JOBS_PER_COMMIT).await > 0 {
        // Let the other tasks that are ready now run first: rooms woken by the same readiness
        // event queue their batches too and share this commit.
        tokio::task::yield_now().await;
        while batch.len() < MAX_JOBS_PER_COMMIT {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let began = Instant::now();
        let committed = store.try_append_now(&requests(&batch));
        if committed.is_some() {
            metrics
                .commit_seconds
                .observe(began.elapsed().as_secs_f64());
        }
        match committed {
            Some(result) => answer(&mut batch, result, &metrics),
            None => {
                let (finished, thread_done) = oneshot::channel();
                let commit = WaitingCommit {
                    jobs: std::mem::take(&mut batch),
                    finished,
                };
                if slow_commits.send(commit).is_err() {
                    // The thread is gone (it only ends with this task): the jobs were dropped,
                    // and their rooms see the store as closed.
                    return;
                }
                // Reuses the allocation; a thread that died mid-commit dropped the jobs, and
                // their rooms see the store as closed.
                if let Ok(jobs) = thread_done.await {
                    batch = jobs;
                }
            }
        }
    }
}

/// Commits the batches that would have kept the committer task waiting (a compaction holding
/// SQLite's writer, PostgreSQL's round trips).
fn write_loop(
    store: Arc<dyn BoardStore>,
    commits: std::sync::mpsc::Receiver<WaitingCommit>,
    metrics: Arc<Metrics>,
) {
    for WaitingCommit { mut jobs, finished } in commits {
        let began = Instant::now();
        let result = store.append(&requests(&jobs));
        metrics
            .commit_seconds
            .observe(began.elapsed().as_secs_f64());
        answer(&mut jobs, result, &metrics);
        let _ = finished.send(jobs);
    }
}

/// Tells each job's room how its commit went, and counts it.
fn answer(batch: &mut Vec<AppendJob>, result: Result<Vec<i64>, StoreError>, metrics: &Metrics) {
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

#[cfg(test)]
mod tests {
    //! The committer over a real SQLite file: where each commit runs.

    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::thread::ThreadId;
    use std::time::Duration;

    use super::*;
    use crate::sync::storage::{SqliteStore, StoredBoard};

    /// An [`SqliteStore`] that notes which thread committed in place and how many commits went
    /// to the writer thread.
    struct Recording {
        sqlite: SqliteStore,
        in_place_on: Mutex<Vec<ThreadId>>,
        on_writer_thread: AtomicUsize,
    }

    impl BoardStore for Recording {
        fn load(&self, board_id: &str) -> Result<StoredBoard, StoreError> {
            self.sqlite.load(board_id)
        }

        fn append(&self, requests: &[AppendRequest<'_>]) -> Result<Vec<i64>, StoreError> {
            self.on_writer_thread.fetch_add(1, Ordering::SeqCst);
            self.sqlite.append(requests)
        }

        fn try_append_now(
            &self,
            requests: &[AppendRequest<'_>],
        ) -> Option<Result<Vec<i64>, StoreError>> {
            let committed = self.sqlite.try_append_now(requests);
            if committed.is_some() {
                self.in_place_on
                    .lock()
                    .unwrap()
                    .push(std::thread::current().id());
            }
            committed
        }

        fn compact(&self, board_id: &str, state: &[u8], through: i64) -> Result<(), StoreError> {
            self.sqlite.compact(board_id, state, through)
        }

        fn delete(&self, board_id: &str) -> Result<(), StoreError> {
            self.sqlite.delete(board_id)
        }
    }

    #[tokio::test]
    async fn a_commit_runs_on_the_rooms_own_thread_and_goes_to_the_writer_thread_only_when_it_would_wait_and_each_is_timed(
    ) {
        let dir = std::env::temp_dir().join(format!("kartta-persist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("kartta.db");
        let _ = std::fs::remove_file(&path);
        let store = Arc::new(Recording {
            sqlite: SqliteStore::open(&path).unwrap(),
            in_place_on: Mutex::new(Vec::new()),
            on_writer_thread: AtomicUsize::new(0),
        });
        let metrics = Arc::new(Metrics::new());
        let persister = Persister::start(store.clone(), metrics.clone());
        let update = || vec![Bytes::from_static(b"u")];

        let first = persister.append("board".into(), update()).await.unwrap();
        // This test's runtime has one thread: the commit ran on it, no thread woke for it.
        assert_eq!(
            *store.in_place_on.lock().unwrap(),
            vec![std::thread::current().id()]
        );
        assert_eq!(store.on_writer_thread.load(Ordering::SeqCst), 0);

        // Another connection holds the file's write lock: committing now would block this
        // runtime, so the writer thread takes the batch and waits for the lock instead.
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let waiting = tokio::spawn({
            let persister = persister.clone();
            async move { persister.append("board".into(), update()).await }
        });
        while store.on_writer_thread.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // The runtime is not blocked meanwhile: this task runs and sees nothing committed yet.
        assert_eq!(store.load("board").unwrap().updates.len(), 1);
        other.execute_batch("COMMIT").unwrap();
        let second = waiting.await.unwrap().unwrap();
        assert!(second > first);
        assert_eq!(store.load("board").unwrap().updates.len(), 2);
        assert_eq!(store.in_place_on.lock().unwrap().len(), 1);
        // Each commit is timed once, whichever thread ran it.
        assert!(metrics
            .render()
            .lines()
            .any(|line| line == "kartta_commit_seconds_count 2"));
        drop(persister);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
