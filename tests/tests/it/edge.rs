//! The server's edge against the real binary: client addresses behind trusted proxies, the
//! per-address limits and their 429s, and the security headers of each kind of response.

use kartta_tests::board::{actor_count, add_actor};
use kartta_tests::fixture::{create_quick_board, json_body, Fixture};
use kartta_tests::{http, http_with_headers, new_board_id, Client, Response, ServerProcess};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Error as WsError;

/// A request that costs a whole burst of 20 (a PNG render; the board need not exist): after one,
/// an address waits 20 s at 1 request per second, longer than any test takes.
const EXPENSIVE_PATH: &str = "/api/boards/nothing-here/export.png";

async fn get_from(port: u16, path: &str, forwarded_for: &str) -> anyhow::Result<Response> {
    http_with_headers(
        port,
        "GET",
        path,
        &[("X-Forwarded-For", forwarded_for)],
        None,
    )
    .await
}

/// A 429 in the JSON error shape with a `Retry-After` of at least one second.
fn assert_told_to_wait(response: &Response, what: &str) {
    assert_eq!(response.status, 429, "{what}: {}", response.text());
    let retry_after: u64 = response
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("{what}: no Retry-After in {}", response.head));
    assert!(retry_after >= 1, "{what}: Retry-After {retry_after}");
    let error: kartta_protocol::api::ErrorBody = response.json().expect("a JSON error body");
    assert_eq!(error.error, "too_many_requests", "{what}");
}

#[tokio::test]
async fn forwarded_addresses_have_their_own_api_buckets_only_behind_a_trusted_proxy(
) -> anyhow::Result<()> {
    let rate = [
        "--api-requests-per-second",
        "1",
        "--api-request-burst",
        "20",
    ];
    let behind_proxy = ServerProcess::start(
        &[&rate[..], &["--trusted-proxies", "10.9.9.9/32,127.0.0.1"]].concat(),
    )
    .await?;
    let first = get_from(behind_proxy.port, EXPENSIVE_PATH, "203.0.113.1").await?;
    assert_eq!(first.status, 404, "{}", first.text());
    let again = get_from(behind_proxy.port, EXPENSIVE_PATH, "203.0.113.1").await?;
    assert_told_to_wait(&again, "the same forwarded address");
    // A client cannot pick its own bucket: the proxy appends the address it saw, and that one
    // counts, whatever the client wrote before it.
    let spoofed = get_from(
        behind_proxy.port,
        EXPENSIVE_PATH,
        "198.51.100.99, 203.0.113.1",
    )
    .await?;
    assert_told_to_wait(&spoofed, "a spoofed address before the real one");
    let other = get_from(behind_proxy.port, EXPENSIVE_PATH, "203.0.113.2").await?;
    assert_eq!(
        other.status, 404,
        "another forwarded address has its own bucket"
    );

    // Without --trusted-proxies the header is anyone's claim: everything from here is one address.
    let direct = ServerProcess::start(&rate).await?;
    let first = get_from(direct.port, EXPENSIVE_PATH, "203.0.113.1").await?;
    assert_eq!(first.status, 404, "{}", first.text());
    let other = get_from(direct.port, EXPENSIVE_PATH, "203.0.113.2").await?;
    assert_told_to_wait(&other, "X-Forwarded-For from an untrusted peer");
    Ok(())
}

#[tokio::test]
async fn join_attempts_over_the_limit_are_told_when_to_retry() -> anyhow::Result<()> {
    let server = ServerProcess::start(&[]).await?;
    let mut last = None;
    for _ in 0..200 {
        let attempt = http(
            server.port,
            "POST",
            "/api/join",
            None,
            Some((
                "application/json",
                json!({"code": "AAAA-AAAA"}).to_string().into_bytes(),
            )),
        )
        .await?;
        let refused = attempt.status == 429;
        last = Some(attempt);
        if refused {
            break;
        }
    }
    assert_told_to_wait(&last.expect("at least one attempt"), "join attempts");
    Ok(())
}

/// Opens a websocket to `board` as if forwarded for `address`; the HTTP answer if refused.
async fn websocket_from(
    server: &ServerProcess,
    board: &str,
    address: &str,
) -> anyhow::Result<Result<kartta_tests::client::Socket, (u16, String, String)>> {
    let mut request = server.sync_url(board).into_client_request()?;
    request
        .headers_mut()
        .insert("x-forwarded-for", address.parse()?);
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(Ok(socket)),
        Err(WsError::Http(response)) => {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let body =
                String::from_utf8_lossy(response.body().as_deref().unwrap_or(&[])).into_owned();
            Ok(Err((response.status().as_u16(), retry_after, body)))
        }
        Err(error) => Err(error.into()),
    }
}

#[tokio::test]
async fn websockets_per_forwarded_address_are_capped_and_freed_when_they_close(
) -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[
        "--trusted-proxies",
        "127.0.0.1",
        "--max-websockets-per-address",
        "2",
    ])
    .await?;
    let board = new_board_id();
    let crowded = "203.0.113.7";
    let first = websocket_from(&server, &board, crowded).await?;
    let second = websocket_from(&server, &board, crowded).await?;
    assert!(first.is_ok() && second.is_ok(), "two are within the cap");
    let Err((status, retry_after, body)) = websocket_from(&server, &board, crowded).await? else {
        panic!("a third websocket from one address was accepted");
    };
    assert_eq!(status, 429, "{body}");
    assert!(
        retry_after.parse::<u64>().is_ok_and(|seconds| seconds >= 1),
        "Retry-After {retry_after:?}"
    );
    let error: kartta_protocol::api::ErrorBody = serde_json::from_str(&body)?;
    assert_eq!(error.error, "too_many_requests");
    assert!(
        websocket_from(&server, &board, "203.0.113.8")
            .await?
            .is_ok(),
        "another forwarded address is not affected"
    );

    // Closing one frees its slot once the server has seen it go.
    drop(first);
    let deadline = tokio::time::Instant::now() + kartta_tests::PATIENCE;
    loop {
        if websocket_from(&server, &board, crowded).await?.is_ok() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the closed websocket's slot was never freed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    Ok(())
}

/// The headers every response carries.
fn assert_common_headers(response: &Response, what: &str) {
    assert_eq!(
        response.header("x-content-type-options").as_deref(),
        Some("nosniff"),
        "{what}: {}",
        response.head
    );
    assert_eq!(
        response.header("referrer-policy").as_deref(),
        Some("no-referrer"),
        "{what}: {}",
        response.head
    );
}

#[tokio::test]
async fn every_kind_of_response_carries_its_security_headers() -> anyhow::Result<()> {
    let server = ServerProcess::start(&[]).await?;
    let port = server.port;

    // The app's HTML, at the root and at a client-side route: the policy and no framing.
    for path in ["/", "/b/some-board"] {
        let page = http(port, "GET", path, None, None).await?;
        assert_eq!(page.status, 200, "{path}");
        assert!(page.content_type.starts_with("text/html"), "{path}");
        assert_common_headers(&page, path);
        let policy = page.header("content-security-policy").unwrap_or_default();
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "connect-src 'self'",
            "img-src 'self' data: blob:",
            "frame-ancestors 'none'",
        ] {
            assert!(
                policy.contains(directive),
                "{path}: {directive} in {policy}"
            );
        }
        assert!(
            !policy.contains("unsafe-inline"),
            "no inline script or style: {policy}"
        );
        assert_eq!(
            page.header("x-frame-options").as_deref(),
            Some("DENY"),
            "{path}"
        );
    }

    // A static asset named by the app's HTML.
    let index = http(port, "GET", "/", None, None).await?.text();
    let script = index
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a script in index.html")
        .to_owned();
    let asset = http(port, "GET", &script, None, None).await?;
    assert_eq!(asset.status, 200, "{script}");
    assert!(
        asset.content_type.contains("javascript"),
        "{}",
        asset.content_type
    );
    assert_common_headers(&asset, "a static asset");

    // API JSON, a success and an error, and the health endpoint.
    let created = http(
        port,
        "POST",
        "/api/boards",
        None,
        json_body(json!({"title": "Otsakkeet", "locale": "fi", "template": "blank"})),
    )
    .await?;
    assert_eq!(created.status, 201, "{}", created.text());
    assert_common_headers(&created, "API JSON");
    let missing = http(port, "GET", "/api/workshops/nothing-here", None, None).await?;
    assert!(missing.content_type.starts_with("application/json"));
    assert_common_headers(&missing, "an API error");
    assert_common_headers(
        &http(port, "GET", "/healthz", None, None).await?,
        "/healthz",
    );

    // An exported SVG is sandboxed: opened directly, nothing in it can run.
    let created: kartta_protocol::api::Created = created.json()?;
    let board = &created.workshop.boards[0].id;
    for file in ["export.svg", "thumbnail.svg"] {
        let svg = http(
            port,
            "GET",
            &format!("/api/boards/{board}/{file}"),
            Some(&created.tokens.participant),
            None,
        )
        .await?;
        assert_eq!(svg.status, 200, "{file}: {}", svg.text());
        assert!(svg.content_type.starts_with("image/svg+xml"), "{file}");
        assert_common_headers(&svg, file);
        assert_eq!(
            svg.header("content-security-policy").as_deref(),
            Some("sandbox"),
            "{file}"
        );
    }

    // A websocket upgrade refused before upgrading (no token).
    let refused = http_with_headers(
        port,
        "GET",
        &format!("/sync/{board}"),
        &[
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ],
        None,
    )
    .await?;
    assert_eq!(refused.status, 401, "{}", refused.text());
    assert_common_headers(&refused, "a refused websocket upgrade");
    Ok(())
}

#[tokio::test]
async fn the_apps_assets_are_kept_by_browsers_and_its_html_is_always_asked_again(
) -> anyhow::Result<()> {
    let server = ServerProcess::start(&[]).await?;
    let port = server.port;
    // The HTML names the current assets, so a browser asks for it every time (a kept copy only
    // once the server confirmed it), at the root and at any client-side route.
    for path in ["/", "/w/some-workshop/compare?left=b:x&right=b:y"] {
        let page = http(port, "GET", path, None, None).await?;
        assert_eq!(page.status, 200, "{path}");
        assert_eq!(
            page.header("cache-control").as_deref(),
            Some("no-cache"),
            "{path}"
        );
    }
    // Every asset the HTML names has a content hash in its name, so a browser keeps it for a year
    // and never asks again: a second visit evaluates the app from its own cache.
    let index = http(port, "GET", "/", None, None).await?.text();
    let assets: Vec<&str> = index
        .split('"')
        .filter(|part| part.starts_with("/assets/"))
        .collect();
    assert!(assets.len() >= 2, "a script and a stylesheet: {index}");
    for asset in assets {
        let response = http(port, "GET", asset, None, None).await?;
        assert_eq!(response.status, 200, "{asset}");
        assert_eq!(
            response.header("cache-control").as_deref(),
            Some("public, max-age=31536000, immutable"),
            "{asset}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn guessing_join_codes_is_slowed_down() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let port = fixture.server.port;
    let code = fixture.join_code();
    let mut statuses = Vec::new();
    while statuses.len() < 200 && statuses.last() != Some(&429) {
        let attempt = http(
            port,
            "POST",
            "/api/join",
            None,
            json_body(json!({"code": "AAAA-AAAA"})),
        )
        .await?;
        statuses.push(attempt.status);
    }
    assert!(
        statuses[..100].iter().all(|status| *status == 404),
        "a class behind one address can join"
    );
    assert!(
        statuses.len() < 140 && statuses.last() == Some(&429),
        "then the address waits, after {} attempts",
        statuses.len()
    );
    let refused = http(
        port,
        "POST",
        "/api/join",
        None,
        json_body(json!({"code": code})),
    )
    .await?;
    assert_eq!(
        refused.status, 429,
        "even the right code waits out the minute"
    );
    let error: kartta_protocol::api::ErrorBody = refused.json()?;
    assert_eq!(error.error, "too_many_requests");
    Ok(())
}

#[tokio::test]
async fn an_address_over_its_api_rate_is_told_to_wait_and_sync_goes_on() -> anyhow::Result<()> {
    let server = ServerProcess::start(&[
        "--api-requests-per-second",
        "1",
        "--api-request-burst",
        "41",
    ])
    .await?;
    let request = json!({"title": "Nopea", "locale": "fi", "template": "blank"});
    let created = create_quick_board(&server, request).await?;
    let board = created.workshop.boards[0].id.clone();
    let token = created.tokens.facilitator.clone();
    let png = format!("/api/boards/{board}/export.png");
    // Creating the board took one request and a PNG render costs 20: two renders use up the
    // burst of 41, and a third needs 20 s of refill at 1 request per second (so a slow machine
    // cannot make this pass by accident).
    for _ in 0..2 {
        let rendered = http(server.port, "GET", &png, Some(&token), None).await?;
        assert_eq!(rendered.status, 200, "{}", rendered.text());
    }
    let third = http(server.port, "GET", &png, Some(&token), None).await?;
    assert_eq!(third.status, 429, "{}", third.text());
    let retry_after: u64 = third
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("a Retry-After header in thirds");
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    let error: kartta_protocol::api::ErrorBody = third.json()?;
    assert_eq!(error.error, "too_many_requests");
    assert!(error.message.contains("try again in"), "{}", error.message);
    // The board itself still syncs: the limit is on the HTTP API only.
    let client = Client::connect(&server.sync_url_with_token(&board, &token)).await?;
    client.edit(|_, txn| add_actor(txn, "a1", "Kunta", 0.0));
    let other = Client::connect(&server.sync_url_with_token(&board, &token)).await?;
    other
        .wait_for("the edit", |doc, _| actor_count(doc) == 1)
        .await?;
    let metrics = http(server.port, "GET", "/metrics", None, None)
        .await?
        .text();
    assert!(
        metrics.contains("kartta_rate_limited_requests_total 1"),
        "{metrics}"
    );
    Ok(())
}
