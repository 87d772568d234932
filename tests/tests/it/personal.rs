//! The personal phase over the real HTTP API and websocket: a personal board made at join, its
//! owner's capability, who may see, read and write it before and after sharing, readers closed
//! when sharing stops, and the running vote on a board made at join.

use kartta_protocol::api::{BoardSummary, Created, Joined, Workshop};
use kartta_protocol::close::CloseReason;
use kartta_protocol::vote::VoteView;
use kartta_tests::board::{add_actor, view};
use kartta_tests::fixture::{create_workshop, json_body, workshop_as, Fixture};
use kartta_tests::{http, Client, ServerProcess};
use serde_json::json;
use tokio_tungstenite::tungstenite;

/// A server with two workshops of one group board each, whose joiners get personal boards.
async fn personal_workshops() -> anyhow::Result<Fixture> {
    Fixture::start(
        json!({"title": "Kumppanuusfoorumi", "locale": "fi", "template": "rings",
                          "groupCount": 1, "personalBoardsAtJoin": true}),
    )
    .await
}

async fn join(
    server: &ServerProcess,
    created: &Created,
    name: &str,
    kept: Option<&str>,
) -> anyhow::Result<Joined> {
    let code = created.workshop.join_code.clone().expect("a join code");
    let request = json!({"code": code, "name": name, "personalToken": kept});
    let response = http(server.port, "POST", "/api/join", None, json_body(request)).await?;
    assert_eq!(response.status, 200, "{}", response.text());
    response.json()
}

fn personal_titles(workshop: &Workshop) -> Vec<String> {
    let mut titles: Vec<String> = workshop
        .boards
        .iter()
        .filter(|board| board.owned)
        .map(|board| board.title.clone())
        .collect();
    titles.sort();
    titles
}

/// The HTTP status of a websocket upgrade that must be refused.
async fn refused_upgrade(url: String) -> u16 {
    match tokio_tungstenite::connect_async(url).await {
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }
}

async fn board_status(server: &ServerProcess, board_id: &str, token: &str) -> anyhow::Result<u16> {
    let path = format!("/api/boards/{board_id}");
    Ok(http(server.port, "GET", &path, Some(token), None)
        .await?
        .status)
}

#[tokio::test]
async fn a_personal_board_made_at_join_is_its_owners_until_the_facilitator_shares_it(
) -> anyhow::Result<()> {
    let fixture = personal_workshops().await?;
    let (server, created) = (&fixture.server, &fixture.created);
    assert!(created.workshop.personal_boards_at_join);
    let tokens = &created.tokens;
    let group = created.workshop.boards[0].id.clone();

    let aino = join(server, created, "Aino Virtanen", None).await?;
    let aino_board = aino.personal_board_id.clone().expect("a personal board");
    let aino_capability = aino.personal_token.clone().expect("a capability");
    assert_eq!(
        aino.token, tokens.participant,
        "the group phase still needs it"
    );
    assert_eq!(aino_capability.len(), 43, "256 bits in base64url");
    assert!(
        !aino.workshop.boards.iter().any(|board| board.owned),
        "the joiner's workshop lists no personal boards, not even theirs"
    );
    let bertil = join(server, created, "Bertil", None).await?;
    let bertil_board = bertil.personal_board_id.clone().unwrap();
    let bertil_capability = bertil.personal_token.clone().unwrap();

    // Titled with the name, on the workshop's template and language.
    let owner = Client::connect(&server.sync_url_with_token(&aino_board, &aino_capability)).await?;
    let meta = view(&owner.doc).meta;
    assert_eq!(meta.title, "Aino Virtanen");
    assert_eq!(meta.template, kartta_protocol::schema::Template::Rings);
    assert_eq!(meta.locale, Some(kartta_protocol::schema::Locale::Fi));

    // The owner edits; the facilitator sees it live.
    let facilitator =
        Client::connect(&server.sync_url_with_token(&aino_board, &tokens.facilitator)).await?;
    owner.edit(|_, txn| add_actor(txn, "turku", "Turun kaupunki", 0.0));
    facilitator
        .wait_for("the owner's actor", |doc, _| {
            view(doc).actor("turku").is_some()
        })
        .await?;

    // The capability opens nothing else: not another personal board, not a group board, not
    // the workshop (the participant token does those).
    assert_eq!(
        refused_upgrade(server.sync_url_with_token(&bertil_board, &aino_capability)).await,
        403
    );
    assert_eq!(
        refused_upgrade(server.sync_url_with_token(&group, &aino_capability)).await,
        403
    );
    assert_eq!(board_status(server, &group, &aino_capability).await?, 403);
    let path = format!("/api/workshops/{}", created.workshop.id);
    assert_eq!(
        http(server.port, "GET", &path, Some(&aino_capability), None)
            .await?
            .status,
        403
    );

    // Others of the workshop neither see nor open it before it is shared.
    // (Not found for the workshop's tokens, so a client does not take them for wrong ones.)
    for (token, status) in [
        (&tokens.participant, 404),
        (&tokens.viewer, 404),
        (&bertil_capability, 403),
    ] {
        assert_eq!(
            refused_upgrade(server.sync_url_with_token(&aino_board, token)).await,
            status
        );
        assert_eq!(board_status(server, &aino_board, token).await?, status);
        let thumbnail = format!("/api/boards/{aino_board}/thumbnail.svg");
        assert_eq!(
            http(server.port, "GET", &thumbnail, Some(token), None)
                .await?
                .status,
            status
        );
        let snapshots = format!("/api/boards/{aino_board}/snapshots");
        assert_eq!(
            http(server.port, "GET", &snapshots, Some(token), None)
                .await?
                .status,
            status
        );
    }
    for token in [&tokens.participant, &tokens.viewer] {
        let seen = workshop_as(server, created, token).await?;
        assert_eq!(personal_titles(&seen), Vec::<String>::new());
        assert!(seen.boards.iter().any(|board| board.id == group));
    }
    // The facilitator sees and opens all of them.
    let overview = workshop_as(server, created, &tokens.facilitator).await?;
    assert_eq!(personal_titles(&overview), ["Aino Virtanen", "Bertil"]);
    assert_eq!(
        board_status(server, &bertil_board, &tokens.facilitator).await?,
        200
    );

    // Only the facilitator shares.
    let share_one = format!("/api/boards/{aino_board}");
    let refused = http(
        server.port,
        "PATCH",
        &share_one,
        Some(&tokens.participant),
        json_body(json!({"shared": true})),
    )
    .await?;
    assert_eq!(refused.status, 404, "unshared, it is not there for them");
    let refused = http(
        server.port,
        "PATCH",
        &share_one,
        Some(&aino_capability),
        json_body(json!({"shared": true})),
    )
    .await?;
    assert_eq!(refused.status, 403, "the owner does not share either");
    let shared: BoardSummary = fixture
        .facilitator("PATCH", &share_one, Some(json!({"shared": true})))
        .await?
        .json()?;
    assert!(shared.shared && shared.owned);

    // Shared: another participant reads it, read-only; Bertil's stays closed.
    let seen = workshop_as(server, created, &tokens.participant).await?;
    assert_eq!(personal_titles(&seen), ["Aino Virtanen"]);
    let reader =
        Client::connect(&server.sync_url_with_token(&aino_board, &tokens.participant)).await?;
    assert!(view(&reader.doc).actor("turku").is_some());
    reader.edit(|_, txn| add_actor(txn, "from-reader", "x", 0.0));
    reader
        .wait_for("the refusal", |_, seen| {
            seen.permission_denied.as_deref() == Some("read-only")
        })
        .await?;
    let access: kartta_protocol::api::BoardAccess = http(
        server.port,
        "GET",
        &share_one,
        Some(&tokens.participant),
        None,
    )
    .await?
    .json()?;
    assert_eq!(access.role, kartta_protocol::api::Role::Viewer);
    assert_eq!(
        refused_upgrade(server.sync_url_with_token(&bertil_board, &tokens.participant)).await,
        404
    );
    // The owner still writes after sharing, and the reader sees it; the refused actor is not there.
    owner.edit(|_, txn| add_actor(txn, "after-sharing", "Åbo Akademi", 10.0));
    reader
        .wait_for("the owner's later actor", |doc, _| {
            view(doc).actor("after-sharing").is_some()
        })
        .await?;
    assert!(view(&facilitator.doc).actor("from-reader").is_none());

    // Share all: the viewer reads Bertil's board too.
    let share_all = format!("/api/workshops/{}/share", created.workshop.id);
    assert_eq!(
        http(
            server.port,
            "POST",
            &share_all,
            Some(&tokens.participant),
            json_body(json!({"shared": true}))
        )
        .await?
        .status,
        403
    );
    let all: Workshop = fixture
        .facilitator("POST", &share_all, Some(json!({"shared": true})))
        .await?
        .json()?;
    assert!(all
        .boards
        .iter()
        .filter(|board| board.owned)
        .all(|board| board.shared));
    assert_eq!(
        board_status(server, &bertil_board, &tokens.viewer).await?,
        200
    );
    assert_eq!(
        personal_titles(&workshop_as(server, created, &tokens.viewer).await?),
        ["Aino Virtanen", "Bertil"]
    );
    Ok(())
}

#[tokio::test]
async fn the_same_device_gets_its_board_back_and_the_same_name_elsewhere_does_not(
) -> anyhow::Result<()> {
    let fixture = personal_workshops().await?;
    let (server, created) = (&fixture.server, &fixture.created);
    let first = join(server, created, "Aino", None).await?;
    let board = first.personal_board_id.clone().unwrap();
    let capability = first.personal_token.clone().unwrap();

    let again = join(server, created, "Aino", Some(&capability)).await?;
    assert_eq!(again.personal_board_id.as_deref(), Some(board.as_str()));
    assert_eq!(again.personal_token.as_deref(), Some(capability.as_str()));

    let elsewhere = join(server, created, "Aino", None).await?;
    let other_board = elsewhere.personal_board_id.clone().unwrap();
    assert_ne!(
        other_board, board,
        "a name alone never hands out someone's board"
    );
    assert_ne!(
        elsewhere.personal_token.as_deref(),
        Some(capability.as_str())
    );
    assert_eq!(
        elsewhere.board_id, None,
        "nor as the board assigned to the name"
    );
    assert_eq!(
        board_status(server, &board, elsewhere.personal_token.as_deref().unwrap()).await?,
        403
    );

    // A capability of another workshop is no key here: a new board is made.
    let other = &fixture.other;
    let foreign = join(server, other, "Aino", None).await?;
    let stranger = join(server, created, "Aino", foreign.personal_token.as_deref()).await?;
    assert_ne!(stranger.personal_board_id.as_deref(), Some(board.as_str()));
    assert_ne!(stranger.personal_board_id, foreign.personal_board_id);

    // Without a name, or in a workshop without the option, nobody gets a personal board.
    let nameless = join(server, created, "  ", None).await?;
    assert_eq!(nameless.personal_board_id, None);
    let request = json!({"title": "Ilman", "locale": "sv", "template": "blank", "groupCount": 1});
    let plain = create_workshop(server, request).await?;
    assert!(!plain.workshop.personal_boards_at_join);
    let joined = join(server, &plain, "Aino", None).await?;
    assert_eq!(
        (joined.personal_board_id, joined.personal_token),
        (None, None)
    );

    // The facilitator turns the option on later.
    let path = format!("/api/workshops/{}", plain.workshop.id);
    let on = json!({"personalBoardsAtJoin": true});
    assert_eq!(
        http(
            server.port,
            "PATCH",
            &path,
            Some(&plain.tokens.participant),
            json_body(on.clone())
        )
        .await?
        .status,
        403
    );
    let updated: Workshop = http(
        server.port,
        "PATCH",
        &path,
        Some(&plain.tokens.facilitator),
        json_body(on),
    )
    .await?
    .json()?;
    assert!(updated.personal_boards_at_join);
    assert!(join(server, &plain, "Aino", None)
        .await?
        .personal_board_id
        .is_some());
    Ok(())
}

#[tokio::test]
async fn lock_timer_and_presenting_reach_personal_boards() -> anyhow::Result<()> {
    let fixture = personal_workshops().await?;
    let (server, created) = (&fixture.server, &fixture.created);
    let tokens = &created.tokens;
    let workshop = &created.workshop.id;
    // A timer running before the join is on the new board from its first state.
    let ends_at = 4_102_444_800_000_i64;
    let timer = format!("/api/workshops/{workshop}/timer");
    assert_eq!(
        fixture
            .facilitator("POST", &timer, Some(json!({"endsAt": ends_at})))
            .await?
            .status,
        204
    );
    let joined = join(server, created, "Aino", None).await?;
    let board = joined.personal_board_id.unwrap();
    let capability = joined.personal_token.unwrap();
    let owner = Client::connect(&server.sync_url_with_token(&board, &capability)).await?;
    assert_eq!(view(&owner.doc).meta.timer_ends_at, Some(ends_at as f64));

    // Locked: the owner is refused like any participant.
    let lock = format!("/api/workshops/{workshop}/lock");
    assert_eq!(
        fixture
            .facilitator("POST", &lock, Some(json!({"locked": true})))
            .await?
            .status,
        200
    );
    owner
        .wait_for("meta.locked", |doc, _| view(doc).meta.locked)
        .await?;
    owner.edit(|_, txn| add_actor(txn, "while-locked", "x", 0.0));
    owner
        .wait_for("the refusal", |_, seen| {
            seen.permission_denied.as_deref() == Some("locked")
        })
        .await?;

    // Presented to everyone: readable by the participants while it is presented.
    assert_eq!(
        board_status(server, &board, &tokens.participant).await?,
        404
    );
    let present = format!("/api/workshops/{workshop}/present");
    assert_eq!(
        fixture
            .facilitator("POST", &present, Some(json!({"boardId": board})))
            .await?
            .status,
        204
    );
    owner
        .wait_for("meta.presenting", |doc, _| {
            view(doc).meta.presenting.as_deref() == Some(board.as_str())
        })
        .await?;
    assert_eq!(
        board_status(server, &board, &tokens.participant).await?,
        200
    );
    let reader = Client::connect(&server.sync_url_with_token(&board, &tokens.participant)).await?;
    assert_eq!(view(&reader.doc).meta.title, "Aino");
    assert_eq!(
        fixture
            .facilitator("POST", &present, Some(json!({"boardId": null})))
            .await?
            .status,
        204
    );
    assert_eq!(
        board_status(server, &board, &tokens.participant).await?,
        404
    );
    Ok(())
}

#[tokio::test]
async fn forty_five_joins_make_forty_five_boards_in_the_overview() -> anyhow::Result<()> {
    let fixture = personal_workshops().await?;
    let (server, created) = (&fixture.server, &fixture.created);
    let mut boards = std::collections::HashSet::new();
    let mut capabilities = std::collections::HashSet::new();
    for number in 1..=45 {
        let joined = join(server, created, &format!("Osallistuja {number}"), None).await?;
        boards.insert(joined.personal_board_id.unwrap());
        capabilities.insert(joined.personal_token.unwrap());
    }
    assert_eq!((boards.len(), capabilities.len()), (45, 45));
    let overview = workshop_as(server, created, &created.tokens.facilitator).await?;
    let listed: std::collections::HashSet<String> = overview
        .boards
        .iter()
        .filter(|board| board.owned)
        .map(|board| board.id.clone())
        .collect();
    assert_eq!(listed, boards);
    assert!(overview
        .boards
        .iter()
        .any(|board| board.title == "Osallistuja 45"));
    Ok(())
}

#[tokio::test]
async fn a_join_over_the_limit_is_told_to_wait_and_makes_no_board() -> anyhow::Result<()> {
    let fixture = personal_workshops().await?;
    let (server, created) = (&fixture.server, &fixture.created);
    let code = created.workshop.join_code.clone().unwrap();
    let mut joined = 0;
    let refused = loop {
        let request = json!({"code": code, "name": format!("Nimi {joined}")});
        let response = http(server.port, "POST", "/api/join", None, json_body(request)).await?;
        if response.status != 200 {
            break response;
        }
        joined += 1;
        assert!(joined < 300, "the join limit never answered");
    };
    assert_eq!(refused.status, 429, "{}", refused.text());
    let wait: u64 = refused
        .header("retry-after")
        .expect("Retry-After")
        .parse()?;
    assert!(wait >= 1);
    let overview = workshop_as(server, created, &created.tokens.facilitator).await?;
    assert_eq!(
        overview.boards.iter().filter(|board| board.owned).count(),
        joined,
        "the refused join made no board"
    );
    Ok(())
}

/// A facilitator's call that must succeed.
async fn facilitated(
    fixture: &Fixture,
    method: &str,
    path: &str,
    payload: Option<serde_json::Value>,
) -> anyhow::Result<kartta_tests::Response> {
    let response = fixture.facilitator(method, path, payload).await?;
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
    let fixture = personal_workshops().await?;
    let (server, created) = (&fixture.server, &fixture.created);
    let workshop = &created.workshop.id;
    let before = join(server, created, "Aino", None).await?;
    let started: VoteView = facilitated(
        &fixture,
        "PUT",
        &format!("/api/workshops/{workshop}/vote"),
        Some(json!({"title": "Kuka on tärkein?", "dots": 3})),
    )
    .await?
    .json()?;

    // One who joins while the vote runs gets a new board: it must carry the vote too, or its
    // owner cannot place a dot on their own map.
    let during = join(server, created, "Bertil", None).await?;
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
    let fixture = personal_workshops().await?;
    let (server, created) = (&fixture.server, &fixture.created);
    let workshop = &created.workshop.id;
    let aino = join(server, created, "Aino", None).await?;
    let board = aino.personal_board_id.clone().unwrap();
    let capability = aino.personal_token.clone().unwrap();
    let bertil = join(server, created, "Bertil", None).await?;
    let other_board = bertil.personal_board_id.clone().unwrap();

    let owner = Client::connect(&server.sync_url_with_token(&board, &capability)).await?;
    let facilitator =
        Client::connect(&server.sync_url_with_token(&board, &created.tokens.facilitator)).await?;
    let share = |shared: bool| json!({ "shared": shared });

    // Shared one board at a time: a participant and a viewer read it.
    facilitated(
        &fixture,
        "PATCH",
        &format!("/api/boards/{board}"),
        Some(share(true)),
    )
    .await?;
    let reader =
        Client::connect(&server.sync_url_with_token(&board, &created.tokens.participant)).await?;
    let viewer =
        Client::connect(&server.sync_url_with_token(&board, &created.tokens.viewer)).await?;
    facilitated(
        &fixture,
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
    facilitated(&fixture, "POST", &share_all, Some(share(true))).await?;
    let reader =
        Client::connect(&server.sync_url_with_token(&board, &created.tokens.participant)).await?;
    let other_reader =
        Client::connect(&server.sync_url_with_token(&other_board, &created.tokens.participant))
            .await?;
    facilitated(&fixture, "POST", &share_all, Some(share(false))).await?;
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

/// What a refused change must leave as it was: the personal board's row (title, lock) as the
/// facilitator sees it, and its content.
async fn personal_board_print(fixture: &Fixture, board: &str) -> anyhow::Result<String> {
    let summary = fixture
        .facilitator("GET", &format!("/api/boards/{board}"), None)
        .await?;
    let export = fixture
        .facilitator("GET", &format!("/api/boards/{board}/export.json"), None)
        .await?;
    Ok(format!("{}{}", summary.text(), export.text()))
}

#[tokio::test]
async fn the_owner_of_a_personal_board_changes_its_background_and_no_one_else_but_the_facilitator(
) -> anyhow::Result<()> {
    let fixture = personal_workshops().await?;
    let (server, created) = (&fixture.server, &fixture.created);
    let tokens = &created.tokens;
    let group = created.workshop.boards[0].id.clone();
    let aino = join(server, created, "Aino", None).await?;
    let board = aino.personal_board_id.unwrap();
    let capability = aino.personal_token.unwrap();
    let bertil = join(server, created, "Bertil", None).await?;
    let bertil_capability = bertil.personal_token.unwrap();
    let path = format!("/api/boards/{board}");
    let background = |template: &str| json_body(json!({ "template": template }));

    // (who, token, status): the owner and the facilitator may; another owner's capability is a
    // wrong token here, the workshop's tokens do not even find an unshared personal board.
    let others: [(&str, Option<&str>, u16); 5] = [
        ("nobody", None, 401),
        (
            "another workshop",
            Some(&fixture.other.tokens.facilitator),
            403,
        ),
        ("another owner", Some(&bertil_capability), 403),
        (
            "the workshop's participant link",
            Some(&tokens.participant),
            404,
        ),
        ("the viewer link", Some(&tokens.viewer), 404),
    ];
    for (who, token, status) in others {
        let before = personal_board_print(&fixture, &board).await?;
        let response = http(server.port, "PATCH", &path, token, background("sectors")).await?;
        assert_eq!(response.status, status, "{who}: {}", response.text());
        assert_eq!(
            personal_board_print(&fixture, &board).await?,
            before,
            "{who}"
        );
    }

    // The owner: the board changes, stored and sent to everyone on it.
    let owner = Client::connect(&server.sync_url_with_token(&board, &capability)).await?;
    let response = http(
        server.port,
        "PATCH",
        &path,
        Some(&capability),
        background("sectors"),
    )
    .await?;
    assert_eq!(response.status, 200, "{}", response.text());
    let summary: BoardSummary = response.json()?;
    assert_eq!(summary.id, board);
    owner
        .wait_for("the sectors background", |doc, _| {
            view(doc).meta.template == kartta_protocol::schema::Template::Sectors
        })
        .await?;

    // The title stays the facilitator's (it is the owner's name, by which the personal boards are
    // told apart), also when asked together with the background: nothing of such a request is done.
    for request in [
        json!({"title": "Ryhmä 1"}),
        json!({"title": "Ryhmä 1", "template": "blank"}),
        json!({"template": "blank", "locked": false}),
        json!({}),
    ] {
        let before = personal_board_print(&fixture, &board).await?;
        let response = http(
            server.port,
            "PATCH",
            &path,
            Some(&capability),
            json_body(request.clone()),
        )
        .await?;
        assert_eq!(response.status, 403, "{request}: {}", response.text());
        assert_eq!(
            personal_board_print(&fixture, &board).await?,
            before,
            "{request}"
        );
    }

    // The capability changes no other board's background, a group board's included.
    for other in [&group, &bertil.personal_board_id.unwrap()] {
        let response = http(
            server.port,
            "PATCH",
            &format!("/api/boards/{other}"),
            Some(&capability),
            background("blank"),
        )
        .await?;
        assert_eq!(response.status, 403, "{}", response.text());
    }
    // Nor does the workshop's participant link change a group board's (roles.rs has the matrix).
    let response = http(
        server.port,
        "PATCH",
        &format!("/api/boards/{group}"),
        Some(&tokens.participant),
        background("blank"),
    )
    .await?;
    assert_eq!(response.status, 403);

    // Locked by the facilitator: the owner is refused as with any other edit.
    let lock = fixture
        .facilitator("PATCH", &path, Some(json!({"locked": true})))
        .await?;
    assert_eq!(lock.status, 200, "{}", lock.text());
    let before = personal_board_print(&fixture, &board).await?;
    let response = http(
        server.port,
        "PATCH",
        &path,
        Some(&capability),
        background("blank"),
    )
    .await?;
    assert_eq!(response.status, 403, "{}", response.text());
    assert!(response.text().contains("locked"), "{}", response.text());
    assert_eq!(personal_board_print(&fixture, &board).await?, before);

    // The facilitator still may.
    let response = fixture
        .facilitator("PATCH", &path, Some(json!({"template": "blank"})))
        .await?;
    assert_eq!(response.status, 200, "{}", response.text());
    owner
        .wait_for("the blank background", |doc, _| {
            view(doc).meta.template == kartta_protocol::schema::Template::Blank
        })
        .await?;
    Ok(())
}
