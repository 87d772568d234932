//! A small Yjs websocket client for tests: a `yrs` document kept in sync with a board, the
//! awareness states it has seen, and how its connection ended.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use kartta_protocol::codec::{self, DecodeLimits, Message};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Notify};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{Doc, ReadTxn, StateVector, Transact, TransactionMut, Update};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What the client has seen, shared with its reader task.
#[derive(Debug, Default)]
pub struct Seen {
    pub synced: bool,
    /// Awareness states by client id (JSON text); removed clients are absent.
    pub awareness: HashMap<u64, String>,
    pub awareness_messages: usize,
    pub update_messages: usize,
    /// Binary frames that did not decode, e.g. an awareness state that is not JSON: a stock
    /// client throws on those, so the server must never send one.
    pub undecodable_frames: usize,
    pub permission_denied: Option<String>,
    /// The close code the server sent, once the connection has ended.
    pub close_code: Option<u16>,
    pub ended: bool,
}

pub struct Client {
    pub doc: Doc,
    seen: Arc<Mutex<Seen>>,
    changed: Arc<Notify>,
    outgoing: mpsc::UnboundedSender<WsMessage>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Client {
    /// Connects and waits until the board is synced.
    pub async fn connect(url: &str) -> anyhow::Result<Client> {
        let client = Client::connect_unsynced(url).await?;
        client
            .wait_for("initial sync", |_, seen| seen.synced)
            .await?;
        Ok(client)
    }

    /// Connects and starts the handshake without waiting for it.
    pub async fn connect_unsynced(url: &str) -> anyhow::Result<Client> {
        Client::connect_with(url, Doc::new()).await
    }

    /// Connects again (to `url`, perhaps another node) with the same document, as a stock
    /// client reconnects: the handshake's step 2 sends the server whatever it lacks, the
    /// client's edits the server never stored included. Waits until synced. This client's own
    /// connection ends; the document stays shared with the new one.
    pub async fn reconnect(&self, url: &str) -> anyhow::Result<Client> {
        self.abort();
        let client = Client::connect_with(url, self.doc.clone()).await?;
        client
            .wait_for("initial sync", |_, seen| seen.synced)
            .await?;
        Ok(client)
    }

    async fn connect_with(url: &str, doc: Doc) -> anyhow::Result<Client> {
        let (socket, _) = tokio_tungstenite::connect_async(url)
            .await
            .with_context(|| format!("connecting {url}"))?;
        let (mut sink, mut stream) = socket.split();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let changed = Arc::new(Notify::new());
        let (outgoing, mut outgoing_queue) = mpsc::unbounded_channel::<WsMessage>();
        let writer = tokio::spawn(async move {
            while let Some(message) = outgoing_queue.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        });
        let reader = {
            let doc = doc.clone();
            let seen = seen.clone();
            let changed = changed.clone();
            let outgoing = outgoing.clone();
            tokio::spawn(async move {
                let limits = DecodeLimits {
                    max_message_bytes: usize::MAX,
                    max_awareness_clients: 100_000,
                    ..DecodeLimits::default()
                };
                while let Some(frame) = stream.next().await {
                    match frame {
                        Ok(WsMessage::Binary(bytes)) => {
                            match codec::decode_frame(&bytes, &limits) {
                                Ok(messages) => {
                                    for message in messages {
                                        handle(&doc, &seen, &outgoing, message);
                                    }
                                }
                                Err(_) => {
                                    if let Ok(mut seen) = seen.lock() {
                                        seen.undecodable_frames += 1;
                                    }
                                }
                            }
                        }
                        Ok(WsMessage::Close(frame)) => {
                            if let Ok(mut seen) = seen.lock() {
                                seen.close_code = frame.map(|f| u16::from(f.code));
                            }
                            break;
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                    changed.notify_waiters();
                }
                if let Ok(mut seen) = seen.lock() {
                    seen.ended = true;
                }
                changed.notify_waiters();
            })
        };
        let state_vector = doc.transact().state_vector().encode_v1();
        let _ = outgoing.send(WsMessage::Binary(Bytes::from(codec::encode_sync_step1(
            &state_vector,
        ))));
        Ok(Client {
            doc,
            seen,
            changed,
            outgoing,
            tasks: vec![writer, reader],
        })
    }

    /// Changes the local document and sends the change; returns the update sent.
    pub fn edit(&self, change: impl FnOnce(&Doc, &mut TransactionMut)) -> Vec<u8> {
        let update = {
            let mut txn = self.doc.transact_mut();
            change(&self.doc, &mut txn);
            txn.encode_update_v1()
        };
        self.send_raw(codec::encode_update(&update));
        update
    }

    /// Makes a change and waits for the server to echo it back, which it does only once the
    /// change is stored.
    pub async fn edit_and_wait_stored(
        &self,
        change: impl FnOnce(&Doc, &mut TransactionMut),
    ) -> anyhow::Result<()> {
        let echoes_before = self.seen(|seen| seen.update_messages);
        self.edit(change);
        self.wait_for("the echo: the server has stored the change", |_, seen| {
            seen.update_messages > echoes_before
        })
        .await
    }

    /// Sets this client's awareness state (a JSON text) under its document's client id.
    pub fn set_awareness(&self, clock: u32, state_json: &str) {
        let id = self.client_id();
        self.send_raw(codec::encode_awareness([(
            id,
            clock,
            state_json.as_bytes(),
        )]));
    }

    /// This client's Yjs client id, as it appears on the wire.
    pub fn client_id(&self) -> u64 {
        self.doc.client_id().get()
    }

    pub fn send_raw(&self, frame: Vec<u8>) {
        let _ = self.outgoing.send(WsMessage::Binary(Bytes::from(frame)));
    }

    pub fn seen<T>(&self, read: impl FnOnce(&Seen) -> T) -> T {
        let seen = self.seen.lock().expect("client state");
        read(&seen)
    }

    /// Waits until `condition` holds for the document and what was seen, or fails after
    /// [`crate::PATIENCE`].
    pub async fn wait_for(
        &self,
        what: &str,
        condition: impl Fn(&Doc, &Seen) -> bool,
    ) -> anyhow::Result<()> {
        self.wait_for_within(what, crate::PATIENCE, condition).await
    }

    pub async fn wait_for_within(
        &self,
        what: &str,
        patience: Duration,
        condition: impl Fn(&Doc, &Seen) -> bool,
    ) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let seen = self.seen.lock().expect("client state");
                if condition(&self.doc, &seen) {
                    return Ok(());
                }
                if seen.ended && !what.contains("close") && !what.contains("end") {
                    bail!(
                        "connection ended (close code {:?}) while waiting for {what}",
                        seen.close_code
                    );
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let seen = self.seen.lock().expect("client state");
                bail!("timed out waiting for {what}; seen: {seen:?}");
            }
        }
    }

    /// Waits until the server ends the connection and returns its close code.
    pub async fn wait_for_close(&self) -> anyhow::Result<Option<u16>> {
        self.wait_for("close", |_, seen| seen.ended).await?;
        Ok(self.seen(|seen| seen.close_code))
    }

    /// Reconnects as a stock client does after a close: again and again (a few times a second)
    /// until a sync succeeds, for at most a minute.
    pub async fn reconnect_until_synced(&self, url: &str) -> anyhow::Result<Client> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            match self.reconnect(url).await {
                Ok(client) => return Ok(client),
                Err(error) if tokio::time::Instant::now() > deadline => return Err(error),
                Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
    }

    /// Closes politely with a close frame.
    pub async fn close(self) {
        let _ = self.outgoing.send(WsMessage::Close(None));
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while !self.seen(|seen| seen.ended) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        self.abort();
    }

    /// Vanishes without a close frame, as a crashed browser or a lost network would.
    pub fn abort(&self) {
        for task in &self.tasks {
            task.abort();
        }
    }

    /// The whole document as a v1 update, for comparing clients.
    pub fn state(&self) -> Vec<u8> {
        self.doc
            .transact()
            .encode_state_as_update_v1(&StateVector::default())
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.abort();
    }
}

fn handle(
    doc: &Doc,
    seen: &Mutex<Seen>,
    outgoing: &mpsc::UnboundedSender<WsMessage>,
    message: Message,
) {
    match message {
        Message::SyncStep1(state_vector) => {
            if let Ok(state_vector) = StateVector::decode_v1(&state_vector) {
                let update = doc.transact().encode_state_as_update_v1(&state_vector);
                let _ = outgoing.send(WsMessage::Binary(Bytes::from(codec::encode_sync_step2(
                    &update,
                ))));
            }
        }
        Message::SyncStep2(update) => {
            apply(doc, &update);
            if let Ok(mut seen) = seen.lock() {
                seen.synced = true;
            }
        }
        Message::Update(update) => {
            apply(doc, &update);
            if let Ok(mut seen) = seen.lock() {
                seen.update_messages += 1;
            }
        }
        Message::Awareness(update) => {
            if let Ok(mut seen) = seen.lock() {
                seen.awareness_messages += 1;
                for entry in update.entries {
                    if entry.is_removal() {
                        seen.awareness.remove(&entry.client_id);
                    } else {
                        seen.awareness.insert(
                            entry.client_id,
                            String::from_utf8_lossy(&entry.state_json).into_owned(),
                        );
                    }
                }
            }
        }
        Message::Auth(reason) => {
            if let Ok(mut seen) = seen.lock() {
                seen.permission_denied = reason;
            }
        }
        Message::QueryAwareness => {}
    }
}

fn apply(doc: &Doc, update: &[u8]) {
    if let Ok(update) = Update::decode_v1(update) {
        let _ = doc.transact_mut().apply_update(update);
    }
}

/// A websocket with no Yjs logic, for sending hostile frames.
pub struct RawSocket {
    pub socket: Socket,
}

impl RawSocket {
    pub async fn connect(url: &str) -> anyhow::Result<RawSocket> {
        let (socket, _) = tokio_tungstenite::connect_async(url).await?;
        Ok(RawSocket { socket })
    }

    pub async fn send(&mut self, message: WsMessage) -> anyhow::Result<()> {
        self.socket.send(message).await?;
        Ok(())
    }

    /// Reads until the server closes; returns its close code (None if it just dropped).
    pub async fn close_code(&mut self) -> anyhow::Result<Option<CloseCode>> {
        let deadline = tokio::time::Instant::now() + crate::PATIENCE;
        loop {
            match tokio::time::timeout_at(deadline, self.socket.next()).await {
                Err(_) => bail!("the server did not close the connection"),
                Ok(None) | Ok(Some(Err(_))) => return Ok(None),
                Ok(Some(Ok(WsMessage::Close(frame)))) => return Ok(frame.map(|f| f.code)),
                Ok(Some(Ok(_))) => continue,
            }
        }
    }
}
