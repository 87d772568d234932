//! Test support for Kartta's end-to-end tests: start the real `kartta` binary on
//! `127.0.0.1:0`, a small Yjs client built on `yrs` and `tokio-tungstenite`, and the one fixture
//! the tests set up workshops with.

pub mod client;
pub mod fixture;
pub mod nodes;
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
    let response = http(port, "GET", path, None, None).await?;
    Ok((response.status, response.text()))
}

/// An HTTP response as the tests see it.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub content_type: String,
    /// The response head's lines after the status line.
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    /// The value of the header called `name` (any case).
    pub fn header(&self, name: &str) -> Option<String> {
        header_value(&self.head, name)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> anyhow::Result<T> {
        serde_json::from_slice(&self.body)
            .map_err(|error| anyhow::anyhow!("{error} in {}: {}", self.status, self.text()))
    }
}

/// One HTTP/1.1 request on 127.0.0.1 with an optional bearer token and an optional
/// `(content type, body)`.
pub async fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, Vec<u8>)>,
) -> anyhow::Result<Response> {
    let authorization = token.map(|token| format!("Bearer {token}"));
    let headers: Vec<(&str, &str)> = authorization
        .iter()
        .map(|value| ("Authorization", value.as_str()))
        .collect();
    http_with_headers(port, method, path, &headers, body).await
}

/// [`http`] with any extra request headers, e.g. `X-Forwarded-For`.
pub async fn http_with_headers(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, Vec<u8>)>,
) -> anyhow::Result<Response> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = match body {
        Some((content_type, bytes)) => {
            request.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                bytes.len()
            ));
            bytes
        }
        None => {
            request.push_str("Content-Length: 0\r\n");
            Vec::new()
        }
    };
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    stream.write_all(&body).await?;
    let mut raw = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut raw)).await??;
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("no HTTP head"))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut payload = raw[split + 4..].to_vec();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    if header_value(&head, "transfer-encoding")
        .is_some_and(|value| value.eq_ignore_ascii_case("chunked"))
    {
        payload = dechunk(&payload)?;
    }
    Ok(Response {
        status,
        content_type: header_value(&head, "content-type").unwrap_or_default(),
        head,
        body: payload,
    })
}

fn header_value(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|line| {
        line.split_once(':')
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim().to_owned())
    })
}

fn dechunk(mut chunked: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = chunked
            .windows(2)
            .position(|window| window == b"\r\n")
            .ok_or_else(|| anyhow::anyhow!("bad chunk"))?;
        let size = usize::from_str_radix(String::from_utf8_lossy(&chunked[..line_end]).trim(), 16)?;
        chunked = &chunked[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&chunked[..size]);
        chunked = &chunked[size + 2..];
    }
}

/// Reads one counter or gauge from `/metrics` text.
pub fn metric(metrics_text: &str, name: &str) -> Option<f64> {
    metrics_text.lines().find_map(|line| {
        let (key, value) = line.split_once(' ')?;
        (key == name).then(|| value.trim().parse().ok()).flatten()
    })
}

/// Polls `/healthz` until `condition` holds, and returns that health. Fails only after a
/// generous minute: the tests wait on what the server reports, never on a guessed delay.
pub async fn wait_for_health(
    port: u16,
    what: &str,
    condition: impl Fn(&kartta_protocol::api::Health) -> bool,
) -> anyhow::Result<kartta_protocol::api::Health> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (_, body) = http_get(port, "/healthz").await?;
        let health: kartta_protocol::api::Health = serde_json::from_str(&body)?;
        if condition(&health) {
            return Ok(health);
        }
        if tokio::time::Instant::now() > deadline {
            anyhow::bail!("timed out waiting for {what}: {health:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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
