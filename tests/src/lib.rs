//! Test support for Kartta's end-to-end tests: start the real `kartta` binary on
//! `127.0.0.1:0`, and a small Yjs client built on `yrs` and `tokio-tungstenite`.

pub mod client;
pub mod server;

pub use client::{Client, RawSocket};
pub use server::ServerProcess;

use std::time::Duration;

/// How long a test waits for something that should happen within milliseconds.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A fresh random board id.
pub fn new_board_id() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..22)
        .map(|_| {
            char::from(
                b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                    [rng.random_range(0..62)],
            )
        })
        .collect()
}

/// A plain HTTP/1.1 GET on 127.0.0.1; returns the status code and the body.
pub async fn http_get(port: u16, path: &str) -> anyhow::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut response)).await??;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// Reads one counter or gauge from `/metrics` text.
pub fn metric(metrics_text: &str, name: &str) -> Option<f64> {
    metrics_text.lines().find_map(|line| {
        let (key, value) = line.split_once(' ')?;
        (key == name).then(|| value.trim().parse().ok()).flatten()
    })
}

/// Board-level helpers: write and read actors the way the web app does.
pub mod board {
    use kartta_protocol::schema::{field, root, BoardView};
    use yrs::{Doc, Map, MapPrelim, Transact, TransactionMut, WriteTxn};

    pub fn add_actor(txn: &mut TransactionMut, id: &str, name: &str, x: f64) {
        let actors = txn.get_or_insert_map(root::ACTORS);
        let actor = actors.insert(txn, id, MapPrelim::default());
        actor.insert(txn, field::actor::NAME, name);
        actor.insert(txn, field::actor::KIND, "municipality");
        actor.insert(txn, field::actor::X, x);
        actor.insert(txn, field::actor::Y, 0.0);
    }

    pub fn set_actor_field(
        txn: &mut TransactionMut,
        id: &str,
        key: &str,
        value: impl Into<yrs::Any>,
    ) {
        let actors = txn.get_or_insert_map(root::ACTORS);
        if let Some(yrs::Out::YMap(actor)) = actors.get(txn, id) {
            actor.insert(txn, key, value.into());
        }
    }

    pub fn view(doc: &Doc) -> BoardView {
        BoardView::read(&doc.transact())
    }

    pub fn actor_count(doc: &Doc) -> usize {
        view(doc).actors.len()
    }
}
