//! The websocket side of a loadgen client: connecting, sending one Yjs message per frame, and
//! reading frames until something arrives or the peer goes away.

use std::time::Duration;

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use kartta_protocol::codec::DecodeLimits;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

use crate::peers::{self, HocuspocusIncoming, Protocol};

/// A client's socket to one board, framing messages as the server's protocol wants.
pub struct Ws {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// Hocuspocus only: the board's name, which leads every message both ways.
    hocuspocus_document: Option<String>,
}

/// Decode limits for what servers send us: generous, because a server may merge the awareness
/// of a whole room into one message and a join storm board is tens of megabytes.
pub fn limits() -> DecodeLimits {
    DecodeLimits {
        max_message_bytes: 1 << 30,
        max_awareness_clients: 1 << 20,
        max_awareness_state_bytes: 1 << 20,
    }
}

/// Board URL: the prefix (`ws://127.0.0.1:PORT/sync` for Kartta, `ws://127.0.0.1:PORT` for the
/// reference) plus `/` and the board id.
pub fn board_url(prefix: &str, board: &str) -> String {
    format!("{}/{}", prefix.trim_end_matches('/'), board)
}

/// Refuses anything but a loopback `ws://` URL: the load generator never talks to other hosts.
pub fn check_loopback(url: &str) -> Result<()> {
    let Some(rest) = url.strip_prefix("ws://") else {
        bail!("--url must start with ws:// (got {url})")
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        bail!("--url must point at 127.0.0.1 (got host {host:?})");
    }
    Ok(())
}

/// Opens a websocket to a board URL (`board_url`) with TCP_NODELAY on our side, so the client
/// never adds Nagle delays; for peers, creates the board or authenticates as they require.
pub async fn connect(url: &str, timeout: Duration) -> Result<Ws> {
    let protocol = peers::protocol();
    let socket_url = match protocol {
        Protocol::Ysweet => peers::ysweet_socket_url(url, timeout).await?,
        Protocol::YWebsocket | Protocol::Hocuspocus => url.to_owned(),
    };
    let url = socket_url.as_str();
    let config = WebSocketConfig::default()
        .max_message_size(Some(1 << 30))
        .max_frame_size(Some(1 << 30));
    let (ws, _response) = tokio::time::timeout(
        timeout,
        tokio_tungstenite::connect_async_with_config(url, Some(config), true),
    )
    .await
    .with_context(|| format!("connecting to {url}: timed out after {timeout:?}"))?
    .with_context(|| format!("connecting to {url}"))?;
    let mut ws = Ws {
        stream: ws,
        hocuspocus_document: None,
    };
    if protocol == Protocol::Hocuspocus {
        let document = peers::board_of_url(url).to_owned();
        ws.stream
            .send(WsMessage::Binary(peers::hocuspocus_auth(&document).into()))
            .await
            .context("sending the hocuspocus authentication")?;
        ws.hocuspocus_document = Some(document);
    }
    Ok(ws)
}

pub async fn send(ws: &mut Ws, frame: Vec<u8>) -> Result<()> {
    let frame = match &ws.hocuspocus_document {
        Some(document) => peers::hocuspocus_wrap(document, &frame),
        None => frame,
    };
    ws.stream
        .send(WsMessage::Binary(frame.into()))
        .await
        .context("websocket send")
}

/// What `recv` saw.
pub enum Incoming {
    Frame(Bytes),
    /// The connection ended; the reason in words (close frame, error, end of stream).
    Closed(String),
}

/// Next binary frame; pings are answered by tungstenite, text frames are a protocol error.
/// Hocuspocus frames come back as the y-websocket message they carry; its bookkeeping is
/// skipped, and a frame that does not parse ends the connection as an error.
pub async fn recv(ws: &mut Ws) -> Incoming {
    loop {
        match ws.stream.next().await {
            Some(Ok(WsMessage::Binary(b))) => {
                let Some(document) = &ws.hocuspocus_document else {
                    return Incoming::Frame(b);
                };
                match peers::hocuspocus_unwrap(document, &b) {
                    Ok(HocuspocusIncoming::Message(message)) => {
                        return Incoming::Frame(Bytes::from(message))
                    }
                    Ok(HocuspocusIncoming::Ignore) => continue,
                    Ok(HocuspocusIncoming::PermissionDenied(reason)) => {
                        return Incoming::Closed(format!("hocuspocus denied access: {reason}"))
                    }
                    Err(e) => return Incoming::Closed(format!("{e:#}")),
                }
            }
            Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_))) => continue,
            Some(Ok(WsMessage::Text(t))) => {
                return Incoming::Closed(format!("server sent a text frame ({} bytes)", t.len()))
            }
            Some(Ok(WsMessage::Close(frame))) => {
                return Incoming::Closed(match frame {
                    Some(f) => format!(
                        "closed by server: code {} {:?}",
                        u16::from(f.code),
                        f.reason.as_str()
                    ),
                    None => "closed by server without a code".into(),
                })
            }
            Some(Err(e)) => return Incoming::Closed(format!("websocket error: {e}")),
            None => return Incoming::Closed("connection ended".into()),
        }
    }
}

/// Best-effort polite close.
pub async fn close(mut ws: Ws) {
    let _ = tokio::time::timeout(Duration::from_secs(1), ws.stream.close(None)).await;
}

/// The answer to a peer's sync step 1: everything we hold that its state vector lacks.
pub fn answer_step1(doc: &Doc, state_vector: &[u8]) -> Result<Vec<u8>> {
    let sv = StateVector::decode_v1(state_vector).context("decoding the server's state vector")?;
    let update = doc.transact().encode_state_as_update_v1(&sv);
    Ok(kartta_protocol::codec::encode_sync_step2(&update))
}

/// Our sync step 1.
pub fn step1(doc: &Doc) -> Vec<u8> {
    kartta_protocol::codec::encode_sync_step1(&doc.transact().state_vector().encode_v1())
}

/// Applies a v1 update to `doc`.
pub fn apply(doc: &Doc, update: &[u8]) -> Result<()> {
    let update = Update::decode_v1(update).context("decoding an update from the server")?;
    doc.transact_mut()
        .apply_update(update)
        .context("applying an update from the server")?;
    Ok(())
}

/// State vector of `doc`, for comparing documents (compare decoded vectors: the encoding's
/// order of clients is not canonical).
pub fn state_vector(doc: &Doc) -> StateVector {
    doc.transact().state_vector()
}
