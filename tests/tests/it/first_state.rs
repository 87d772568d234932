//! `GET /api/boards/{id}/state`, a board's stored state over HTTP in Yjs's v2 encoding, and
//! `GET /api/boards/{id}/view`, the same board as plain JSON: the same content as the websocket's
//! sync, the same readers as the websocket, a tag that says when the state is unchanged, and clear
//! refusals of unknown or hostile ids.

use kartta_protocol::api::{Created, Joined};
use kartta_tests::board::{add_actor, set_actor_field, view};
use kartta_tests::fixture::{json_body, Caller, Fixture};
use kartta_tests::{http, http_get, http_with_headers, metric, Response, ServerProcess};
use serde_json::json;
use tokio_tungstenite::tungstenite;
use yrs::updates::decoder::Decode;
use yrs::{Doc, Transact, Update};

/// `resource` of `board` over HTTP (`state`: its Yjs state; `view`: the board as plain JSON), as
/// the holder of `token` gets it (None: no token).
async fn board_over_http(
    server: &ServerProcess,
    board: &str,
    resource: &str,
    token: Option<&str>,
) -> anyhow::Result<Response> {
    http(
        server.port,
        "GET",
        &format!("/api/boards/{board}/{resource}"),
        token,
        None,
    )
    .await
}

/// The state of `board` over HTTP as the holder of `token` gets it.
async fn state_over_http(
    server: &ServerProcess,
    board: &str,
    token: Option<&str>,
) -> anyhow::Result<Response> {
    board_over_http(server, board, "state", token).await
}

/// The board as plain JSON over HTTP (`/view`), as the holder of `token` gets it.
async fn view_over_http(
    server: &ServerProcess,
    board: &str,
    token: Option<&str>,
) -> anyhow::Result<Response> {
    board_over_http(server, board, "view", token).await
}

/// A fresh document holding a v2 update.
fn doc_of_v2(bytes: &[u8]) -> anyhow::Result<Doc> {
    let doc = Doc::new();
    doc.transact_mut()
        .apply_update(Update::decode_v2(bytes).map_err(|e| anyhow::anyhow!("{e}"))?)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(doc)
}

/// The HTTP status the websocket's upgrade answers `token` with: 101 when it lets it read.
async fn upgrade_status(server: &ServerProcess, board: &str, token: Option<&str>) -> u16 {
    let url = match token {
        Some(token) => server.sync_url_with_token(board, token),
        None => server.sync_url(board),
    };
    match tokio_tungstenite::connect_async(url).await {
        Ok(_) => 101,
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("the upgrade neither succeeded nor was refused: {other}"),
    }
}

#[tokio::test]
async fn a_boards_state_over_http_is_what_its_websocket_syncs_and_its_tag_follows_changes(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let server = &fixture.server;
    let board = fixture.board(0);
    let writer = fixture.connect(&board, Caller::Participant).await?;
    writer
        .edit_and_wait_stored(|_, txn| {
            add_actor(txn, "turku", "Turun kaupunki", 10.0);
            add_actor(txn, "vsl", "Varsinais-Suomen liitto", 200.0);
            set_actor_field(txn, "vsl", "alias", "Egentliga Finlands förbund");
        })
        .await?;

    let viewer_token = fixture.token(Caller::Viewer).unwrap();
    let first = state_over_http(server, &board, Some(&viewer_token)).await?;
    assert_eq!(first.status, 200, "{}", first.text());
    assert_eq!(first.content_type, "application/vnd.kartta.yjs-update-v2");
    let tag = first.header("etag").expect("a strong tag");
    assert!(tag.starts_with('"'), "a strong tag, not a weak one: {tag}");

    // The same content as a reader synced over the websocket.
    let reader = fixture.connect(&board, Caller::Viewer).await?;
    let over_http = view(&doc_of_v2(&first.body)?);
    assert_eq!(over_http, view(&reader.doc));
    assert_eq!(over_http.actors.len(), 2);
    assert_eq!(
        over_http.actor("vsl").unwrap().alias,
        "Egentliga Finlands förbund"
    );
    // The plain view: the same board, read on the server, never kept by a cache.
    let plain = view_over_http(server, &board, Some(&viewer_token)).await?;
    assert_eq!(plain.status, 200, "{}", plain.text());
    assert_eq!(plain.content_type, "application/json");
    assert_eq!(
        plain.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&plain.body)?,
        serde_json::to_value(view(&reader.doc))?
    );

    // Unchanged: 304 and no body. Changed: the new state under a new tag.
    let path = format!("/api/boards/{board}/state");
    let authorization = format!("Bearer {viewer_token}");
    let unless_tagged = [
        ("Authorization", authorization.as_str()),
        ("If-None-Match", tag.as_str()),
    ];
    let get_unless_tagged = || http_with_headers(server.port, "GET", &path, &unless_tagged, None);
    let unchanged = get_unless_tagged().await?;
    assert_eq!(unchanged.status, 304);
    assert!(unchanged.body.is_empty());
    writer
        .edit_and_wait_stored(|_, txn| add_actor(txn, "salo", "Salon kaupunki", 400.0))
        .await?;
    let changed = get_unless_tagged().await?;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag").unwrap(), tag);
    assert!(view(&doc_of_v2(&changed.body)?).actor("salo").is_some());
    let plain = view_over_http(server, &board, Some(&viewer_token)).await?;
    let plain: kartta_protocol::schema::BoardView = plain.json()?;
    assert!(plain.actors.iter().any(|actor| actor.id == "salo"));
    Ok(())
}

/// How many board states the server has encoded in v2 for the state endpoint so far.
async fn v2_encodings(server: &ServerProcess) -> anyhow::Result<f64> {
    let (_, text) = http_get(server.port, "/metrics").await?;
    Ok(metric(&text, "kartta_board_state_v2_encodings_total").unwrap_or(0.0))
}

#[tokio::test]
async fn an_unchanged_state_asked_again_is_the_kept_encoding_and_a_change_is_never_answered_from_it(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let server = &fixture.server;
    let board = fixture.board(0);
    let token = fixture.token(Caller::Facilitator).unwrap();
    let writer = fixture.connect(&board, Caller::Participant).await?;
    writer
        .edit_and_wait_stored(|_, txn| add_actor(txn, "turku", "Turun kaupunki", 10.0))
        .await?;
    let encodings_before = v2_encodings(server).await?;

    // Asked twice, unchanged: the same bytes under the same tag, encoded once.
    let first = state_over_http(server, &board, Some(&token)).await?;
    let again = state_over_http(server, &board, Some(&token)).await?;
    assert_eq!((first.status, again.status), (200, 200));
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.body, first.body);
    assert_eq!(v2_encodings(server).await?, encodings_before + 1.0);

    // Each change gives a new tag and a state holding it, equal to what a reader syncs now.
    for (id, name, x) in [
        ("vsl", "Varsinais-Suomen liitto", 200.0),
        ("salo", "Salon kaupunki", 400.0),
    ] {
        writer
            .edit_and_wait_stored(|_, txn| add_actor(txn, id, name, x))
            .await?;
        let changed = state_over_http(server, &board, Some(&token)).await?;
        assert_eq!(changed.status, 200);
        assert_ne!(changed.header("etag"), first.header("etag"));
        let reader = fixture.connect(&board, Caller::Viewer).await?;
        let over_http = view(&doc_of_v2(&changed.body)?);
        assert_eq!(over_http, view(&reader.doc));
        assert!(over_http.actor(id).is_some());
    }
    assert_eq!(v2_encodings(server).await?, encodings_before + 3.0);
    Ok(())
}

#[tokio::test]
async fn who_may_read_a_boards_state_is_who_may_read_it_over_the_websocket() -> anyhow::Result<()> {
    let fixture = Fixture::start(
        json!({"title": "Kumppanuusfoorumi", "locale": "fi", "template": "rings",
               "groupCount": 1, "personalBoardsAtJoin": true}),
    )
    .await?;
    let (server, created) = (&fixture.server, &fixture.created);
    let aino = join(server, created, "Aino").await?;
    let bertil = join(server, created, "Bertil").await?;
    let personal = aino.personal_board_id.clone().unwrap();
    let group = created.workshop.boards[0].id.clone();
    let tokens = &created.tokens;
    let callers: [(&str, Option<&str>); 7] = [
        ("no token", None),
        (
            "another workshop's facilitator",
            Some(&fixture.other.tokens.facilitator),
        ),
        ("the viewer", Some(&tokens.viewer)),
        ("a participant", Some(&tokens.participant)),
        ("the facilitator", Some(&tokens.facilitator)),
        ("the owner", aino.personal_token.as_deref()),
        ("another owner", bertil.personal_token.as_deref()),
    ];
    let check = |board: String, expected: [u16; 7], when: &'static str| async move {
        for ((who, token), expected) in callers.iter().zip(expected) {
            let response = state_over_http(server, &board, *token).await?;
            assert_eq!(
                response.status,
                expected,
                "{who} reading the state ({when}): {}",
                response.text()
            );
            let plain = view_over_http(server, &board, *token).await?;
            assert_eq!(
                plain.status,
                expected,
                "{who} reading the plain view ({when}): {}",
                plain.text()
            );
            let websocket = upgrade_status(server, &board, *token).await;
            assert_eq!(
                websocket,
                if expected == 200 { 101 } else { expected },
                "{who}: the websocket agrees ({when})"
            );
            if expected != 200 {
                let error: kartta_protocol::api::ErrorBody = response.json()?;
                assert!(!error.message.is_empty());
            }
        }
        anyhow::Ok(())
    };
    check(
        group.clone(),
        [401, 403, 200, 200, 200, 403, 403],
        "a group board",
    )
    .await?;
    check(
        personal.clone(),
        [401, 403, 404, 404, 200, 200, 403],
        "an unshared personal board",
    )
    .await?;
    let share = http(
        server.port,
        "PATCH",
        &format!("/api/boards/{personal}"),
        Some(&tokens.facilitator),
        json_body(json!({"shared": true})),
    )
    .await?;
    assert_eq!(share.status, 200, "{}", share.text());
    check(
        personal,
        [401, 403, 200, 200, 200, 200, 403],
        "a shared personal board",
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn unknown_and_hostile_board_ids_are_refused_plainly() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let server = &fixture.server;
    let facilitator = fixture.token(Caller::Facilitator).unwrap();
    let long = "a".repeat(129);
    for board in [
        kartta_tests::new_board_id().as_str(),
        long.as_str(),
        "..%2F..%2Fetc",
        "%00",
        "a%20b",
        "%F0%9F%97%BA",
    ] {
        let response = state_over_http(server, board, Some(&facilitator)).await?;
        assert_eq!(response.status, 404, "{board}: {}", response.text());
        let error: kartta_protocol::api::ErrorBody = response.json()?;
        assert!(!error.message.is_empty());
        let plain = view_over_http(server, board, Some(&facilitator)).await?;
        assert_eq!(plain.status, 404, "{board} (view): {}", plain.text());
    }
    // The server is still answering, and still serves a real board.
    let board = fixture.board(0);
    let response = state_over_http(server, &board, Some(&facilitator)).await?;
    assert_eq!(response.status, 200);
    doc_of_v2(&response.body)?;
    Ok(())
}

async fn join(server: &ServerProcess, created: &Created, name: &str) -> anyhow::Result<Joined> {
    let code = created.workshop.join_code.clone().expect("a join code");
    let request = json!({"code": code, "name": name, "personalToken": null});
    let response = http(server.port, "POST", "/api/join", None, json_body(request)).await?;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}
