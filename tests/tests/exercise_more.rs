//! The exercise's loose ends against the real binary: a personal board made at join during a
//! running vote gets the vote, and stopping sharing closes the readers a personal board had.

use kartta_protocol::api::{Created, Joined};
use kartta_protocol::close::CloseReason;
use kartta_protocol::vote::VoteView;
use kartta_tests::board::view;
use kartta_tests::{http, Client, Response, ServerProcess};
use serde_json::json;

fn body(value: serde_json::Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", value.to_string().into_bytes()))
}

/// A workshop with one group board whose joiners get personal boards.
async fn personal_workshop(server: &ServerProcess) -> anyhow::Result<Created> {
    let request = json!({"title": "Kumppanuusfoorumi", "locale": "fi", "template": "rings",
                         "groupCount": 1, "personalBoardsAtJoin": true});
    http(server.port, "POST", "/api/workshops", None, body(request))
        .await?
        .json()
}

async fn join(server: &ServerProcess, created: &Created, name: &str) -> anyhow::Result<Joined> {
    let code = created.workshop.join_code.clone().expect("a join code");
    let request = json!({"code": code, "name": name});
    let response = http(server.port, "POST", "/api/join", None, body(request)).await?;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

async fn as_facilitator(
    server: &ServerProcess,
    created: &Created,
    method: &str,
    path: &str,
    request: Option<serde_json::Value>,
) -> anyhow::Result<Response> {
    let response = http(
        server.port,
        method,
        path,
        Some(&created.tokens.facilitator),
        request.and_then(body),
    )
    .await?;
    assert!(
        response.status < 300,
        "{method} {path}: {} {}",
        response.status,
        response.text()
    );
    Ok(response)
}

#[tokio::test]
async fn a_personal_board_made_during_a_vote_shows_the_vote() -> anyhow::Result<()> {
    let server = ServerProcess::start(&[]).await?;
    let created = personal_workshop(&server).await?;
    let workshop = &created.workshop.id;
    let before = join(&server, &created, "Aino").await?;
    let started: VoteView = as_facilitator(
        &server,
        &created,
        "PUT",
        &format!("/api/workshops/{workshop}/vote"),
        Some(json!({"title": "Kuka on tärkein?", "dots": 3})),
    )
    .await?
    .json()?;

    // One who joins while the vote runs gets a new board: it must carry the vote too, or its
    // owner cannot place a dot on their own map.
    let during = join(&server, &created, "Bertil").await?;
    for joined in [&before, &during] {
        let board = joined
            .personal_board_id
            .as_deref()
            .expect("a personal board");
        let capability = joined.personal_token.as_deref().expect("a capability");
        let owner = Client::connect(&server.sync_url_with_token(board, capability)).await?;
        let vote = view(&owner.doc)
            .meta
            .vote
            .expect("a board made at join shows the running vote");
        assert_eq!(
            (vote.id, vote.title, vote.dots, vote.revealed),
            (started.id.clone(), started.title.clone(), 3, false)
        );
    }
    Ok(())
}

#[tokio::test]
async fn stopping_sharing_closes_the_readers_of_a_personal_board() -> anyhow::Result<()> {
    let server = ServerProcess::start(&[]).await?;
    let created = personal_workshop(&server).await?;
    let workshop = &created.workshop.id;
    let aino = join(&server, &created, "Aino").await?;
    let board = aino.personal_board_id.clone().unwrap();
    let capability = aino.personal_token.clone().unwrap();
    let bertil = join(&server, &created, "Bertil").await?;
    let other_board = bertil.personal_board_id.clone().unwrap();

    let owner = Client::connect(&server.sync_url_with_token(&board, &capability)).await?;
    let facilitator =
        Client::connect(&server.sync_url_with_token(&board, &created.tokens.facilitator)).await?;
    let share = |shared: bool| json!({ "shared": shared });

    // Shared one board at a time: a participant and a viewer read it.
    as_facilitator(
        &server,
        &created,
        "PATCH",
        &format!("/api/boards/{board}"),
        Some(share(true)),
    )
    .await?;
    let reader =
        Client::connect(&server.sync_url_with_token(&board, &created.tokens.participant)).await?;
    let viewer =
        Client::connect(&server.sync_url_with_token(&board, &created.tokens.viewer)).await?;
    as_facilitator(
        &server,
        &created,
        "PATCH",
        &format!("/api/boards/{board}"),
        Some(share(false)),
    )
    .await?;
    let withdrawn = Some(CloseReason::AccessWithdrawn.code());
    assert_eq!(reader.wait_for_close().await?, withdrawn);
    assert_eq!(viewer.wait_for_close().await?, withdrawn);

    // Shared all at once, then all stopped: the readers of every personal board go.
    let share_all = format!("/api/workshops/{workshop}/share");
    as_facilitator(&server, &created, "POST", &share_all, Some(share(true))).await?;
    let reader =
        Client::connect(&server.sync_url_with_token(&board, &created.tokens.participant)).await?;
    let other_reader =
        Client::connect(&server.sync_url_with_token(&other_board, &created.tokens.participant))
            .await?;
    as_facilitator(&server, &created, "POST", &share_all, Some(share(false))).await?;
    assert_eq!(reader.wait_for_close().await?, withdrawn);
    assert_eq!(other_reader.wait_for_close().await?, withdrawn);

    // The owner and the facilitator stay: an edit of the owner still reaches the facilitator.
    owner.edit(|_, txn| kartta_tests::board::add_actor(txn, "turku", "Turku", 0.0));
    facilitator
        .wait_for("the owner's edit after the readers left", |doc, _| {
            view(doc).actor("turku").is_some()
        })
        .await?;
    assert_eq!(owner.seen(|seen| seen.close_code), None);
    assert_eq!(facilitator.seen(|seen| seen.close_code), None);
    Ok(())
}
