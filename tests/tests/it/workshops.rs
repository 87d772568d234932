//! Workshops over the real API: joining by code, quick boards, the timer, presenting, and
//! where a joiner is sent.

use kartta_protocol::api::{Joined, Role, Workshop};
use kartta_tests::board::view;
use kartta_tests::fixture::{
    create_quick_board, create_workshop, json_body, Caller, Fixture, RequestBody,
};
use kartta_tests::{http, Client, ServerProcess};
use serde_json::json;

#[tokio::test]
async fn participants_join_by_code_and_quick_boards_have_their_own_links() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let port = fixture.server.port;
    let code = fixture.join_code();
    assert_eq!(code.len(), 9, "XXXX-XXXX");
    let spoken = code.to_lowercase().replace('-', " ");
    let joined: Joined = http(
        port,
        "POST",
        "/api/join",
        None,
        json_body(json!({"code": spoken})),
    )
    .await?
    .json()?;
    assert_eq!(joined.token, fixture.created.tokens.participant);
    assert_eq!(joined.workshop.role, Role::Participant);
    assert!(
        joined.workshop.shared_tokens.is_none(),
        "only the facilitator sees the links to share"
    );
    let unknown = http(
        port,
        "POST",
        "/api/join",
        None,
        json_body(json!({"code": "AAAA-AAAA"})),
    )
    .await?;
    assert_eq!(unknown.status, 404);
    let nowhere = http(port, "GET", "/api/no/such/thing", None, None).await?;
    assert_eq!(
        nowhere.status, 404,
        "an unknown API path is an API error, not the web app"
    );
    assert!(nowhere.content_type.starts_with("application/json"));
    let as_viewer = fixture.workshop_as(Caller::Viewer).await?;
    assert_eq!(
        as_viewer.join_code, None,
        "viewers do not see the join code"
    );
    let as_facilitator = fixture.workshop_as(Caller::Facilitator).await?;
    assert_eq!(
        as_facilitator.shared_tokens.map(|t| t.viewer),
        Some(fixture.created.tokens.viewer.clone())
    );

    let quick = create_quick_board(&fixture.server, json!({"title": "Oma kartta"})).await?;
    assert_eq!(quick.workshop.boards.len(), 1);
    assert_eq!(quick.workshop.join_code, None);
    let board = &quick.workshop.boards[0].id;
    let editor = Client::connect(
        &fixture
            .server
            .sync_url_with_token(board, &quick.tokens.participant),
    )
    .await?;
    assert_eq!(
        view(&editor.doc).meta.title,
        "Oma kartta",
        "the board starts with its title"
    );
    // The quick board's tokens open nothing of the workshop, and the other way round.
    let across = http(
        port,
        "GET",
        &format!("/api/boards/{}", fixture.board(0)),
        Some(&quick.tokens.facilitator),
        None,
    )
    .await?;
    assert_eq!(across.status, 403);
    let bad_json = http(
        port,
        "POST",
        "/api/workshops",
        None,
        Some(("application/json", b"{\"title\": 5".to_vec())),
    )
    .await?;
    assert_eq!(bad_json.status, 400);
    assert!(
        bad_json.text().contains("invalid_json"),
        "{}",
        bad_json.text()
    );
    Ok(())
}

#[tokio::test]
async fn the_workshop_remembers_its_timer() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let workshop = &fixture.created.workshop.id;
    let ends_at = 1_900_000_000_000i64;
    let started = fixture
        .call(
            Caller::Facilitator,
            "POST",
            &format!("/api/workshops/{workshop}/timer"),
            Some(json!({"endsAt": ends_at})),
        )
        .await?;
    assert_eq!(started.status, 204);
    let seen = fixture.workshop_as(Caller::Viewer).await?;
    assert_eq!(seen.timer_ends_at, Some(ends_at));
    let board = fixture.board(0);
    let client = Client::connect(
        &fixture
            .server
            .sync_url_with_token(&board, &fixture.created.tokens.viewer),
    )
    .await?;
    assert_eq!(
        view(&client.doc).meta.timer_ends_at,
        Some(ends_at as f64),
        "every board shows it"
    );
    let stopped = fixture
        .call(
            Caller::Facilitator,
            "POST",
            &format!("/api/workshops/{workshop}/timer"),
            Some(json!({"endsAt": null})),
        )
        .await?;
    assert_eq!(stopped.status, 204);
    client
        .wait_for("the timer gone", |doc, _| {
            view(doc).meta.timer_ends_at.is_none()
        })
        .await?;
    let seen = fixture.workshop_as(Caller::Viewer).await?;
    assert_eq!(seen.timer_ends_at, None);
    Ok(())
}

#[tokio::test]
async fn the_facilitator_presents_one_board_to_every_board_and_sees_who_is_where(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let workshop = &fixture.created.workshop.id;
    let (first, second) = (fixture.board(0), fixture.board(1));
    let participant = &fixture.created.tokens.participant;
    let aino = Client::connect(&fixture.server.sync_url_with_token(&first, participant)).await?;
    aino.set_awareness(1, r##"{"user":{"name":"Aino","color":"#0b6e4f"}}"##);
    let veera = Client::connect(&fixture.server.sync_url_with_token(&second, participant)).await?;
    veera.set_awareness(1, r##"{"user":{"name":"Veera","color":"#8a3ffc"}}"##);
    let projector = Client::connect(
        &fixture
            .server
            .sync_url_with_token(&second, &fixture.created.tokens.viewer),
    )
    .await?;
    projector.set_awareness(1, r#"{"user":{"name":"Projektori"}}"#);

    // The overview: who is on which board, for the facilitator and participants alike.
    let people_of = |workshop: &Workshop| -> Vec<Vec<String>> {
        workshop.boards.iter().map(|b| b.people.clone()).collect()
    };
    let expected = vec![
        vec!["Aino".to_string()],
        vec!["Projektori".to_string(), "Veera".to_string()],
    ];
    // Waits on the overview itself; the minute is only the test's own patience.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let seen = fixture.workshop_as(Caller::Facilitator).await?;
        if people_of(&seen) == expected {
            break;
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "the overview never named everyone: {:?}",
            people_of(&seen)
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    for (caller, sees_names) in [(Caller::Participant, true), (Caller::Viewer, false)] {
        let seen = fixture.workshop_as(caller).await?;
        assert_eq!(people_of(&seen) == expected, sees_names, "{caller:?}");
    }

    // Present the second board: every board, the first included, says so.
    let present_path = format!("/api/workshops/{workshop}/present");
    let present = |board: Option<&str>, caller: Caller| {
        let payload = json!({ "boardId": board });
        fixture.call(caller, "POST", &present_path, Some(payload))
    };
    assert_eq!(
        present(Some(&second), Caller::Participant).await?.status,
        403
    );
    let foreign = fixture.other.workshop.boards[0].id.clone();
    let refused = present(Some(&foreign), Caller::Facilitator).await?;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(
        present(Some(&second), Caller::Facilitator).await?.status,
        204
    );
    for client in [&aino, &veera, &projector] {
        client
            .wait_for("the presented board", |doc, _| {
                view(doc).meta.presenting.as_deref() == Some(second.as_str())
            })
            .await?;
    }
    let seen = fixture.workshop_as(Caller::Viewer).await?;
    assert_eq!(seen.presenting.as_deref(), Some(second.as_str()));

    // A fork made now carries the workshop's presenting, not what its snapshot had.
    let snapshot = fixture
        .take_snapshot(&first, json!({"name": "Ennen"}))
        .await?;
    assert_eq!(present(None, Caller::Facilitator).await?.status, 204);
    for client in [&aino, &veera, &projector] {
        client
            .wait_for("presenting stopped", |doc, _| {
                view(doc).meta.presenting.is_none()
            })
            .await?;
    }
    let forked: serde_json::Value = fixture
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/snapshots/{}/fork", snapshot.id),
            None,
        )
        .await?
        .json()?;
    let fork_id = forked["board"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let fork = Client::connect(&fixture.server.sync_url_with_token(&fork_id, participant)).await?;
    assert_eq!(view(&fork.doc).meta.presenting, None);

    // Deleting the presented board stops the presenting.
    assert_eq!(
        present(Some(&second), Caller::Facilitator).await?.status,
        204
    );
    aino.wait_for("presented again", |doc, _| {
        view(doc).meta.presenting.is_some()
    })
    .await?;
    let deleted = fixture
        .call(
            Caller::Facilitator,
            "DELETE",
            &format!("/api/boards/{second}"),
            None,
        )
        .await?;
    assert_eq!(deleted.status, 204);
    aino.wait_for("no longer presented", |doc, _| {
        view(doc).meta.presenting.is_none()
    })
    .await?;
    let seen = fixture.workshop_as(Caller::Facilitator).await?;
    assert_eq!(seen.presenting, None);
    Ok(())
}

#[tokio::test]
async fn joiners_are_sent_to_their_assigned_or_personal_board() -> anyhow::Result<()> {
    let server = ServerProcess::start(&[]).await?;
    let request = json!({"title": "Päivä 2", "locale": "sv", "template": "sectors", "groupCount": 2,
                         "personalBoards": ["Åsa Lindholm", "Pekka"]});
    let created = create_workshop(&server, request).await?;
    let boards = &created.workshop.boards;
    assert_eq!(boards.len(), 4);
    assert_eq!(
        boards[0].title, "Grupp 1",
        "group boards are named in the workshop's language"
    );
    let (group_two, asa) = (boards[1].id.clone(), boards[2].id.clone());
    let workshop = &created.workshop.id;
    let facilitator = Some(created.tokens.facilitator.as_str());
    let code = created.workshop.join_code.clone().unwrap();
    let join = |name: &'static str| {
        let code = code.clone();
        async move {
            http(
                server.port,
                "POST",
                "/api/join",
                None,
                json_body(json!({"code": code, "name": name})),
            )
            .await
        }
    };

    let joined: Joined = join("  åsa lindholm ").await?.json()?;
    assert_eq!(
        joined.board_id.as_deref(),
        Some(asa.as_str()),
        "a personal board is found by its owner's name"
    );
    let joined: Joined = join("Mikko").await?.json()?;
    assert_eq!(joined.board_id, None, "nobody sent Mikko anywhere yet");

    let assign = json!({"name": "Mikko", "boardId": group_two});
    let path = format!("/api/workshops/{workshop}/assignments");
    let refused = http(
        server.port,
        "PUT",
        &path,
        Some(&created.tokens.participant),
        json_body(assign.clone()),
    )
    .await?;
    assert_eq!(refused.status, 403, "only the facilitator assigns");
    assert_eq!(
        http(server.port, "PUT", &path, facilitator, json_body(assign))
            .await?
            .status,
        204
    );
    let joined: Joined = join("MIKKO").await?.json()?;
    assert_eq!(joined.board_id.as_deref(), Some(group_two.as_str()));
    let listed: Vec<kartta_protocol::api::Assignment> =
        http(server.port, "GET", &path, facilitator, None)
            .await?
            .json()?;
    assert_eq!(
        listed,
        vec![kartta_protocol::api::Assignment {
            name: "Mikko".into(),
            board_id: Some(group_two.clone())
        }]
    );

    let foreign = json!({"name": "Mikko", "boardId": "not-a-board-here"});
    assert_eq!(
        http(server.port, "PUT", &path, facilitator, json_body(foreign))
            .await?
            .status,
        400
    );
    let cleared = json!({"name": "mikko", "boardId": null});
    assert_eq!(
        http(server.port, "PUT", &path, facilitator, json_body(cleared))
            .await?
            .status,
        204
    );
    let joined: Joined = join("Mikko").await?.json()?;
    assert_eq!(joined.board_id, None);
    Ok(())
}

#[tokio::test]
async fn the_facilitator_adds_renames_and_deletes_boards_after_the_workshop_is_made(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let workshop = fixture.created.workshop.id.clone();
    let boards_path = fixture.workshop_path("/boards");
    // A board added while one is presented opens already following the presentation.
    let presented = fixture.board(0);
    let present = fixture
        .facilitator(
            "POST",
            &fixture.workshop_path("/present"),
            Some(json!({ "boardId": presented })),
        )
        .await?;
    assert_eq!(present.status, 204);

    let added = fixture
        .facilitator("POST", &boards_path, Some(json!({"title": "  Ryhmä 3 "})))
        .await?;
    assert_eq!(added.status, 201, "{}", added.text());
    let added: kartta_protocol::api::BoardSummary = added.json()?;
    assert_eq!(added.title, "Ryhmä 3");
    assert_eq!(added.workshop_id, workshop);
    assert_eq!(added.kind, kartta_protocol::api::BoardKind::Group);
    let seen = fixture.workshop_as(Caller::Participant).await?;
    let titles: Vec<&str> = seen.boards.iter().map(|b| b.title.as_str()).collect();
    assert_eq!(titles, ["Ryhmä 1", "Ryhmä 2", "Ryhmä 3"]);
    let editor = fixture.connect(&added.id, Caller::Participant).await?;
    let meta = view(&editor.doc).meta;
    assert_eq!(meta.title, "Ryhmä 3");
    assert_eq!(
        meta.template,
        kartta_protocol::schema::Template::Rings,
        "the workshop's template"
    );
    assert_eq!(meta.presenting.as_deref(), Some(presented.as_str()));

    let rename = fixture
        .facilitator(
            "PATCH",
            &format!("/api/boards/{}", added.id),
            Some(json!({"title": "Kolmas ryhmä"})),
        )
        .await?;
    assert_eq!(rename.status, 200, "{}", rename.text());
    editor
        .wait_for("the new name", |doc, _| {
            view(doc).meta.title == "Kolmas ryhmä"
        })
        .await?;

    // Hostile names: refused with a message, nothing changed, for adding and renaming alike.
    let too_long = "ä".repeat(201);
    let refusals: Vec<(&str, String, RequestBody)> = vec![
        ("POST", boards_path.clone(), json_body(json!({"title": ""}))),
        (
            "POST",
            boards_path.clone(),
            json_body(json!({"title": " \t "})),
        ),
        (
            "POST",
            boards_path.clone(),
            json_body(json!({"title": too_long})),
        ),
        ("POST", boards_path.clone(), json_body(json!({"title": 5}))),
        ("POST", boards_path.clone(), json_body(json!({}))),
        (
            "POST",
            boards_path.clone(),
            Some(("application/json", b"{\"title\": \"a".to_vec())),
        ),
        (
            "PATCH",
            format!("/api/boards/{}", added.id),
            json_body(json!({"title": "  "})),
        ),
        (
            "PATCH",
            format!("/api/boards/{}", added.id),
            json_body(json!({"title": too_long})),
        ),
    ];
    for (method, path, body) in refusals {
        let before = fixture.fingerprint().await?;
        let titles_before = fixture.workshop_as(Caller::Facilitator).await?.boards;
        let response = http(
            fixture.server.port,
            method,
            &path,
            Some(&fixture.created.tokens.facilitator),
            body.clone(),
        )
        .await?;
        assert_eq!(
            response.status,
            400,
            "{method} {path} {body:?}: {}",
            response.text()
        );
        let error: kartta_protocol::api::ErrorBody = response.json()?;
        assert!(!error.message.is_empty(), "a message to show");
        assert_eq!(fixture.fingerprint().await?, before);
        let titles_after = fixture.workshop_as(Caller::Facilitator).await?.boards;
        let names = |boards: &[kartta_protocol::api::BoardSummary]| -> Vec<String> {
            boards.iter().map(|b| b.title.clone()).collect()
        };
        assert_eq!(names(&titles_after), names(&titles_before));
    }

    // Deleting takes the board's snapshots with it and closes its connections.
    let snapshot = fixture
        .take_snapshot(&added.id, json!({"name": "Ennen poistoa"}))
        .await?;
    let deleted = fixture
        .facilitator("DELETE", &format!("/api/boards/{}", added.id), None)
        .await?;
    assert_eq!(deleted.status, 204);
    assert!(
        editor.wait_for_close().await?.is_some(),
        "the editor is closed"
    );
    let seen = fixture.workshop_as(Caller::Participant).await?;
    assert_eq!(seen.boards.len(), 2);
    let board = fixture
        .facilitator("GET", &format!("/api/boards/{}", added.id), None)
        .await?;
    assert_eq!(board.status, 404);
    let snapshot = fixture
        .facilitator("GET", &format!("/api/snapshots/{}", snapshot.id), None)
        .await?;
    assert_eq!(snapshot.status, 404, "the snapshots went with the board");

    // A quick board has no workshop to add boards to.
    let quick = create_quick_board(&fixture.server, json!({"title": "Oma kartta"})).await?;
    let refused = http(
        fixture.server.port,
        "POST",
        &format!("/api/workshops/{}/boards", quick.workshop.id),
        Some(&quick.tokens.facilitator),
        json_body(json!({"title": "Toinen"})),
    )
    .await?;
    assert_eq!(refused.status, 400, "{}", refused.text());
    Ok(())
}
