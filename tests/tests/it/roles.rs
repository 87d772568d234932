//! Who may do what: every role's HTTP calls, the websocket's roles and locks, and what a
//! locked board refuses.

use kartta_protocol::api::{Imported, Role, Snapshot};
use kartta_tests::board::{actor_count, add_actor, view};
use kartta_tests::fixture::{expected_status, Caller, Fixture, CALLERS};
use kartta_tests::Client;
use serde_json::json;
use tokio_tungstenite::tungstenite;

#[tokio::test]
async fn every_role_may_do_exactly_what_it_should_over_http() -> anyhow::Result<()> {
    check_every_role_over_http(Fixture::new().await?).await
}

#[tokio::test]
async fn every_role_may_do_exactly_what_it_should_over_http_on_postgres() -> anyhow::Result<()> {
    match Fixture::on_postgres("every_role_may_do_exactly_what_it_should_over_http_on_postgres")
        .await?
    {
        Some(fixture) => check_every_role_over_http(fixture).await,
        None => Ok(()),
    }
}

/// The role × action matrix, on whichever catalog the fixture's server keeps.
async fn check_every_role_over_http(fixture: Fixture) -> anyhow::Result<()> {
    let workshop = fixture.created.workshop.id.clone();
    let board = fixture.board(0);
    let actors = json!({"format": "kartta-board", "version": 1,
        "meta": {"title": "", "template": "blank", "locale": null, "locked": false, "timerEndsAt": null, "presenting": null},
        "actors": [{"id": "x", "name": "Turun kaupunki", "kind": "municipality", "x": 0.0, "y": 0.0, "description": "",
                    "tags": [], "alias": "", "influence": null, "stance": null, "isPerson": false}],
        "relations": [], "notes": [], "strokes": []});
    // (action, method, path, body, least role allowed, success status)
    type Cell = (
        &'static str,
        &'static str,
        String,
        Option<serde_json::Value>,
        Role,
        u16,
    );
    // A snapshot, then a change, so that a restore let through would show in the fingerprint.
    let taken = fixture
        .facilitator(
            "POST",
            &format!("/api/boards/{board}/snapshots"),
            Some(json!({"name": "Ennen"})),
        )
        .await?;
    assert_eq!(taken.status, 201, "{}", taken.text());
    let snapshot: Snapshot = taken.json()?;
    fixture
        .draw(0, &[("after-snapshot", "Salon kaupunki", 0.0, 0.0)])
        .await?;
    let matrix: Vec<Cell> = vec![
        (
            "read the workshop",
            "GET",
            format!("/api/workshops/{workshop}"),
            None,
            Role::Viewer,
            200,
        ),
        (
            "read a board",
            "GET",
            format!("/api/boards/{board}"),
            None,
            Role::Viewer,
            200,
        ),
        (
            "list snapshots",
            "GET",
            format!("/api/boards/{board}/snapshots"),
            None,
            Role::Viewer,
            200,
        ),
        (
            "read a board's state over HTTP",
            "GET",
            format!("/api/boards/{board}/state"),
            None,
            Role::Viewer,
            200,
        ),
        (
            "read a board as plain data",
            "GET",
            format!("/api/boards/{board}/view"),
            None,
            Role::Viewer,
            200,
        ),
        (
            "see a thumbnail",
            "GET",
            format!("/api/boards/{board}/thumbnail.svg"),
            None,
            Role::Viewer,
            200,
        ),
        (
            "draw a board",
            "GET",
            format!("/api/boards/{board}/export.svg"),
            None,
            Role::Participant,
            200,
        ),
        (
            "export a board",
            "GET",
            format!("/api/boards/{board}/export.json"),
            None,
            Role::Participant,
            200,
        ),
        (
            "take a snapshot",
            "POST",
            format!("/api/boards/{board}/snapshots"),
            Some(json!({"name": "Välitilanne"})),
            Role::Participant,
            201,
        ),
        (
            "import into a board",
            "POST",
            format!("/api/boards/{board}/import"),
            Some(actors),
            Role::Participant,
            200,
        ),
        (
            "rename a board",
            "PATCH",
            format!("/api/boards/{board}"),
            Some(json!({"title": "Uusi nimi"})),
            Role::Facilitator,
            200,
        ),
        (
            "add a board to the workshop",
            "POST",
            format!("/api/workshops/{workshop}/boards"),
            Some(json!({"title": "Ryhmä 3"})),
            Role::Facilitator,
            201,
        ),
        (
            "change the background",
            "PATCH",
            format!("/api/boards/{board}"),
            Some(json!({"template": "sectors"})),
            Role::Facilitator,
            200,
        ),
        (
            "restore a snapshot",
            "POST",
            format!("/api/snapshots/{}/restore", snapshot.id),
            None,
            Role::Facilitator,
            200,
        ),
        (
            "lock every board",
            "POST",
            // A real change (the fixture's boards start unlocked), so a refused lock that went
            // through anyway would show in the fingerprint. Only facilitator-only cells follow.
            format!("/api/workshops/{workshop}/lock"),
            Some(json!({"locked": true})),
            Role::Facilitator,
            200,
        ),
        (
            "run the timer",
            "POST",
            format!("/api/workshops/{workshop}/timer"),
            Some(json!({"endsAt": 1_900_000_000_000i64})),
            Role::Facilitator,
            204,
        ),
        (
            "present a board to the workshop",
            "POST",
            format!("/api/workshops/{workshop}/present"),
            Some(json!({"boardId": board})),
            Role::Facilitator,
            204,
        ),
        (
            "snapshot the workshop",
            "POST",
            format!("/api/workshops/{workshop}/snapshots"),
            Some(json!({"name": "Päivä 1"})),
            Role::Facilitator,
            201,
        ),
    ];
    for (action, method, path, payload, minimum, success) in &matrix {
        for caller in CALLERS {
            let before = fixture.fingerprint().await?;
            let response = fixture.call(caller, method, path, payload.clone()).await?;
            let expected = expected_status(caller, *minimum, *success);
            assert_eq!(
                response.status,
                expected,
                "{caller:?} may {}{action}: {}",
                if expected < 400 { "" } else { "not " },
                response.text()
            );
            if expected >= 400 {
                let error: kartta_protocol::api::ErrorBody = response.json()?;
                assert!(!error.message.is_empty());
                assert_eq!(
                    fixture.fingerprint().await?,
                    before,
                    "{caller:?} trying to {action} changed nothing"
                );
            }
        }
    }
    // Deletion last: a refused delete leaves the board, the facilitator's removes it.
    let doomed = fixture.board(1);
    for caller in CALLERS {
        let response = fixture
            .call(caller, "DELETE", &format!("/api/boards/{doomed}"), None)
            .await?;
        assert_eq!(
            response.status,
            expected_status(caller, Role::Facilitator, 204),
            "{caller:?} deleting a board"
        );
        let still_there = fixture
            .call(
                Caller::Facilitator,
                "GET",
                &format!("/api/boards/{doomed}"),
                None,
            )
            .await?;
        assert_eq!(
            still_there.status,
            if caller == Caller::Facilitator {
                404
            } else {
                200
            }
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_websocket_enforces_roles_and_locks() -> anyhow::Result<()> {
    let mut fixture = Fixture::new().await?;
    let board = fixture.board(0);
    let url = |token: Option<String>| match token {
        Some(token) => fixture.server.sync_url_with_token(&board, &token),
        None => fixture.server.sync_url(&board),
    };
    for (caller, status) in [(Caller::Anonymous, 401), (Caller::OtherWorkshop, 403)] {
        match tokio_tungstenite::connect_async(url(fixture.token(caller))).await {
            Err(tungstenite::Error::Http(response)) => {
                assert_eq!(response.status().as_u16(), status, "{caller:?}")
            }
            other => panic!(
                "{caller:?} should be refused before the upgrade, got {:?}",
                other.map(|_| ())
            ),
        }
    }
    let unknown = fixture
        .server
        .sync_url_with_token("NoSuchBoard", &fixture.created.tokens.facilitator);
    assert!(
        matches!(tokio_tungstenite::connect_async(unknown).await, Err(tungstenite::Error::Http(r)) if r.status() == 404)
    );

    let facilitator = Client::connect(&url(fixture.token(Caller::Facilitator))).await?;
    let participant = Client::connect(&url(fixture.token(Caller::Participant))).await?;
    let viewer = Client::connect(&url(fixture.token(Caller::Viewer))).await?;

    viewer.edit(|_, txn| add_actor(txn, "from-viewer", "x", 0.0));
    viewer
        .wait_for("the refusal", |_, seen| {
            seen.permission_denied.as_deref() == Some("read-only")
        })
        .await?;
    participant.edit(|_, txn| add_actor(txn, "from-participant", "x", 0.0));
    facilitator
        .wait_for("the participant's actor", |doc, _| {
            view(doc).actor("from-participant").is_some()
        })
        .await?;

    // Locked: the participant's update is refused and never stored; the facilitator's goes in.
    let locked = fixture
        .call(
            Caller::Facilitator,
            "PATCH",
            &format!("/api/boards/{board}"),
            Some(json!({"locked": true})),
        )
        .await?;
    assert_eq!(locked.status, 200, "{}", locked.text());
    participant
        .wait_for("meta.locked", |doc, _| view(doc).meta.locked)
        .await?;
    participant.edit(|_, txn| add_actor(txn, "while-locked", "x", 0.0));
    participant
        .wait_for("the refusal", |_, seen| {
            seen.permission_denied.as_deref() == Some("locked")
        })
        .await?;
    facilitator.edit(|_, txn| add_actor(txn, "facilitator-while-locked", "x", 0.0));
    participant
        .wait_for("the facilitator's actor", |doc, _| {
            view(doc).actor("facilitator-while-locked").is_some()
        })
        .await?;

    drop((facilitator, participant, viewer));
    fixture.server.terminate().await?;
    fixture.server.restart().await?;
    let reopened = Client::connect(
        &fixture
            .server
            .sync_url_with_token(&board, &fixture.created.tokens.viewer),
    )
    .await?;
    let stored = view(&reopened.doc);
    assert!(stored.actor("from-participant").is_some());
    assert!(stored.actor("facilitator-while-locked").is_some());
    assert!(
        stored.actor("from-viewer").is_none(),
        "a viewer's update is never stored"
    );
    assert!(
        stored.actor("while-locked").is_none(),
        "a refused update on a locked board is never stored"
    );
    assert!(stored.meta.locked);
    Ok(())
}

#[tokio::test]
async fn a_locked_board_refuses_import_and_restore_except_from_the_facilitator(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let workshop = fixture.created.workshop.id.clone();
    let board = fixture.board(0);
    let snapshot = fixture
        .take_snapshot(&board, json!({"name": "Ennen lukitusta"}))
        .await?;
    // After the snapshot the board changes, so a restore would change it back.
    let client = fixture.connect(&board, Caller::Participant).await?;
    client
        .edit_and_wait_stored(|_, txn| add_actor(txn, "after", "Salon kaupunki", 0.0))
        .await?;
    let locked = fixture
        .call(
            Caller::Facilitator,
            "POST",
            &format!("/api/workshops/{workshop}/lock"),
            Some(json!({"locked": true})),
        )
        .await?;
    assert_eq!(locked.status, 200, "{}", locked.text());
    let import = json!({"format": "kartta-board", "version": 1,
        "meta": {"title": "", "template": "blank", "locale": null, "locked": false, "timerEndsAt": null, "presenting": null},
        "actors": [{"id": "x", "name": "Turun kaupunki", "kind": "municipality", "x": 0.0, "y": 0.0, "description": "",
                    "tags": [], "alias": "", "influence": null, "stance": null, "isPerson": false}],
        "relations": [], "notes": [], "strokes": []});
    let import_path = format!("/api/boards/{board}/import");
    let restore_path = format!("/api/snapshots/{}/restore", snapshot.id);
    for caller in [Caller::Viewer, Caller::Participant] {
        for (action, path, payload) in [
            ("import", &import_path, Some(import.clone())),
            ("restore", &restore_path, None),
        ] {
            let before = fixture.fingerprint().await?;
            let response = fixture.call(caller, "POST", path, payload).await?;
            assert_eq!(response.status, 403, "{caller:?} may not {action}");
            let error: kartta_protocol::api::ErrorBody = response.json()?;
            assert!(!error.message.is_empty());
            assert_eq!(
                fixture.fingerprint().await?,
                before,
                "{caller:?} trying to {action} a locked board changed nothing"
            );
        }
    }
    // The facilitator may change a locked board: both go through and change it.
    let imported = fixture
        .call(Caller::Facilitator, "POST", &import_path, Some(import))
        .await?;
    assert_eq!(imported.status, 200, "{}", imported.text());
    let imported: Imported = imported.json()?;
    assert_eq!(imported.actors, 1);
    client
        .wait_for("the imported actor", |doc, _| actor_count(doc) == 2)
        .await?;
    let restored = fixture
        .call(Caller::Facilitator, "POST", &restore_path, None)
        .await?;
    assert_eq!(restored.status, 200, "{}", restored.text());
    client
        .wait_for("the board as it was before the lock", |doc, _| {
            actor_count(doc) == 0
        })
        .await?;
    Ok(())
}
