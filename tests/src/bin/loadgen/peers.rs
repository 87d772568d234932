//! How the load generator reaches servers that are not plain y-websocket relays: y-sweet (create
//! the document over HTTP, then a socket per document) and Hocuspocus (every message addressed
//! by a leading document name, authentication first). The Yjs messages themselves are unchanged.

use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::ValueEnum;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How a client connects to a board and frames its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Protocol {
    /// `{url}/{board}`, one y-websocket message per frame (Kartta and the reference).
    #[default]
    YWebsocket,
    /// y-sweet: `POST /doc/new` creates the board, the socket is `/d/{board}/ws/{board}`.
    Ysweet,
    /// Hocuspocus: each frame starts with the board's name; an authentication message first.
    Hocuspocus,
}

/// Set once from the command line before any client connects. A process-wide setting rather
/// than a parameter, because every scenario connects through `client::connect` and the choice
/// never differs between the clients of one run.
static PROTOCOL: OnceLock<Protocol> = OnceLock::new();

pub fn set_protocol(protocol: Protocol) {
    let _ = PROTOCOL.set(protocol);
}

pub fn protocol() -> Protocol {
    PROTOCOL.get().copied().unwrap_or_default()
}

/// Hocuspocus message types (`MessageType` in `@hocuspocus/server`) beyond the y-websocket ones.
const HOCUSPOCUS_AUTH: u64 = 2;
const HOCUSPOCUS_SYNC_REPLY: u64 = 4;
const HOCUSPOCUS_SYNC_STATUS: u64 = 8;
/// Sub-types of an authentication message (`AuthMessageType` in `@hocuspocus/common`).
const HOCUSPOCUS_AUTH_TOKEN: u64 = 0;
const HOCUSPOCUS_AUTH_PERMISSION_DENIED: u64 = 1;
const HOCUSPOCUS_AUTH_AUTHENTICATED: u64 = 2;

/// The board id is the last path segment of a board URL (`client::board_url`).
pub fn board_of_url(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

/// y-sweet: creates the board (idempotent: an existing document answers 200 as well) and
/// returns its socket URL: the `url` y-sweet hands out (`/d/{board}/ws`) plus the board again,
/// as y-sweet's own client appends it (route `/d/:doc_id/ws/:doc_id2`). A plain HTTP/1.1 request on loopback; no client library needed.
pub async fn ysweet_socket_url(board_url: &str, timeout: Duration) -> Result<String> {
    let board = board_of_url(board_url);
    let rest = board_url
        .strip_prefix("ws://")
        .context("y-sweet URL must start with ws://")?;
    let host = rest.split('/').next().unwrap_or("");
    let body = serde_json::json!({ "docId": board }).to_string();
    let request = format!(
        "POST /doc/new HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = tokio::time::timeout(timeout, async {
        let mut stream = TcpStream::connect(host).await?;
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        Ok::<_, std::io::Error>(response)
    })
    .await
    .with_context(|| format!("creating y-sweet document {board}: timed out after {timeout:?}"))?
    .with_context(|| format!("creating y-sweet document {board}"))?;
    let response = String::from_utf8_lossy(&response);
    let status_line = response.lines().next().unwrap_or("");
    if !status_line.starts_with("HTTP/1.1 200") {
        bail!("creating y-sweet document {board}: {status_line:?}");
    }
    Ok(format!("ws://{host}/d/{board}/ws/{board}"))
}

fn write_var_uint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn write_var_string(out: &mut Vec<u8>, text: &str) {
    write_var_uint(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn read_var_uint(input: &[u8], position: &mut usize) -> Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let Some(&byte) = input.get(*position) else {
            bail!("hocuspocus frame ends inside a number")
        };
        *position += 1;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    bail!("hocuspocus frame has a number longer than 64 bits")
}

fn read_var_string<'a>(input: &'a [u8], position: &mut usize) -> Result<&'a str> {
    let length = read_var_uint(input, position)? as usize;
    let end = position
        .checked_add(length)
        .filter(|&end| end <= input.len())
        .context("hocuspocus frame ends inside a string")?;
    let text = std::str::from_utf8(&input[*position..end]).context("hocuspocus name not UTF-8")?;
    *position = end;
    Ok(text)
}

/// The first message of a Hocuspocus connection: authenticate for `document` with an empty
/// token (a server without an `onAuthenticate` hook accepts any token).
pub fn hocuspocus_auth(document: &str) -> Vec<u8> {
    let mut out = Vec::new();
    write_var_string(&mut out, document);
    write_var_uint(&mut out, HOCUSPOCUS_AUTH);
    write_var_uint(&mut out, HOCUSPOCUS_AUTH_TOKEN);
    write_var_string(&mut out, "");
    out
}

/// A y-websocket message addressed to `document`.
pub fn hocuspocus_wrap(document: &str, message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + document.len() + 2);
    write_var_string(&mut out, document);
    out.extend_from_slice(message);
    out
}

/// What a Hocuspocus frame means to a y-websocket client.
#[derive(Debug, PartialEq, Eq)]
pub enum HocuspocusIncoming {
    /// A y-websocket message (sync, awareness, query awareness).
    Message(Vec<u8>),
    /// Bookkeeping with no y-websocket counterpart: authenticated, the server's save
    /// acknowledgements, a token request (our token went out first).
    Ignore,
    PermissionDenied(String),
}

/// Unwraps a frame from a Hocuspocus server for `document`. A frame for another document or of
/// an unknown type is an error, so a mis-framed exchange fails the run instead of looking fast.
pub fn hocuspocus_unwrap(document: &str, frame: &[u8]) -> Result<HocuspocusIncoming> {
    let mut position = 0;
    let name = read_var_string(frame, &mut position)?;
    // Session-aware servers may address `name\0session`; we never open sessions.
    if name != document {
        bail!("hocuspocus frame for document {name:?}, expected {document:?}");
    }
    let kind_start = position;
    let kind = read_var_uint(frame, &mut position)?;
    let payload = &frame[position..];
    Ok(match kind {
        // Sync, awareness, query awareness: the same bytes as y-websocket after the name.
        0 | 1 | 3 => HocuspocusIncoming::Message(frame[kind_start..].to_vec()),
        // A sync message answering ours: y-websocket has no separate type for it.
        HOCUSPOCUS_SYNC_REPLY => {
            let mut message = vec![0];
            message.extend_from_slice(payload);
            HocuspocusIncoming::Message(message)
        }
        HOCUSPOCUS_SYNC_STATUS => HocuspocusIncoming::Ignore,
        HOCUSPOCUS_AUTH => {
            let mut position = 0;
            match read_var_uint(payload, &mut position)? {
                HOCUSPOCUS_AUTH_TOKEN | HOCUSPOCUS_AUTH_AUTHENTICATED => HocuspocusIncoming::Ignore,
                HOCUSPOCUS_AUTH_PERMISSION_DENIED => HocuspocusIncoming::PermissionDenied(
                    read_var_string(payload, &mut position)?.to_owned(),
                ),
                other => bail!("hocuspocus authentication message of unknown type {other}"),
            }
        }
        other => bail!("hocuspocus message of unknown type {other}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_message_unwraps_to_the_same_bytes() {
        let update = kartta_protocol::codec::encode_update(&[1, 2, 3]);
        let frame = hocuspocus_wrap("lg-1-0", &update);
        assert_eq!(
            hocuspocus_unwrap("lg-1-0", &frame).unwrap(),
            HocuspocusIncoming::Message(update)
        );
    }

    #[test]
    fn a_sync_reply_becomes_a_sync_message() {
        let mut frame = Vec::new();
        write_var_string(&mut frame, "board");
        frame.extend_from_slice(&[HOCUSPOCUS_SYNC_REPLY as u8, 1, 2, 0, 0]);
        assert_eq!(
            hocuspocus_unwrap("board", &frame).unwrap(),
            HocuspocusIncoming::Message(vec![0, 1, 2, 0, 0])
        );
    }

    #[test]
    fn authentication_and_save_acknowledgements_are_bookkeeping() {
        let mut authenticated = Vec::new();
        write_var_string(&mut authenticated, "board");
        write_var_uint(&mut authenticated, HOCUSPOCUS_AUTH);
        write_var_uint(&mut authenticated, HOCUSPOCUS_AUTH_AUTHENTICATED);
        write_var_string(&mut authenticated, "read-write");
        assert_eq!(
            hocuspocus_unwrap("board", &authenticated).unwrap(),
            HocuspocusIncoming::Ignore
        );
        let mut saved = Vec::new();
        write_var_string(&mut saved, "board");
        saved.extend_from_slice(&[HOCUSPOCUS_SYNC_STATUS as u8, 1]);
        assert_eq!(
            hocuspocus_unwrap("board", &saved).unwrap(),
            HocuspocusIncoming::Ignore
        );
    }

    #[test]
    fn a_denial_carries_its_reason() {
        let mut frame = Vec::new();
        write_var_string(&mut frame, "board");
        write_var_uint(&mut frame, HOCUSPOCUS_AUTH);
        write_var_uint(&mut frame, HOCUSPOCUS_AUTH_PERMISSION_DENIED);
        write_var_string(&mut frame, "permission-denied");
        assert_eq!(
            hocuspocus_unwrap("board", &frame).unwrap(),
            HocuspocusIncoming::PermissionDenied("permission-denied".into())
        );
    }

    #[test]
    fn mis_framed_input_is_an_error_not_a_message() {
        // A plain y-websocket update read as Hocuspocus: the "name" swallows the message.
        let plain = kartta_protocol::codec::encode_update(&[1, 2, 3]);
        assert!(hocuspocus_unwrap("board", &plain).is_err());
        assert!(hocuspocus_unwrap("board", &hocuspocus_wrap("other", &[0, 0, 0])).is_err());
        assert!(hocuspocus_unwrap("board", &hocuspocus_wrap("board", &[42])).is_err());
        assert!(hocuspocus_unwrap("board", &[]).is_err());
        assert!(hocuspocus_unwrap("board", &[0xff; 12]).is_err());
    }

    #[test]
    fn the_auth_message_matches_the_providers_bytes() {
        // varString "b", Auth (2), Token (0), empty token.
        assert_eq!(hocuspocus_auth("b"), vec![1, b'b', 2, 0, 0]);
    }

    #[test]
    fn the_board_is_the_last_path_segment() {
        assert_eq!(board_of_url("ws://127.0.0.1:1/lg-a-3"), "lg-a-3");
        assert_eq!(board_of_url("ws://127.0.0.1:1/sync/lg-a-3/"), "lg-a-3");
    }
}
