//! Workshops, roles, locks, snapshots and export over the real HTTP API and websocket.

use kartta_protocol::api::{
    BoardExport, Created, Imported, Joined, Restored, Role, Snapshot, SnapshotReason, Workshop,
};
use kartta_tests::board::{actor_count, add_actor, view};
use kartta_tests::{http, Client, Response, ServerProcess};
use serde_json::json;
use tokio_tungstenite::tungstenite;

fn body(value: serde_json::Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", value.to_string().into_bytes()))
}

struct Fixture {
    server: ServerProcess,
    created: Created,
    /// A second workshop, whose tokens must open nothing of the first.
    other: Created,
}

impl Fixture {
    async fn new() -> anyhow::Result<Fixture> {
        let server = ServerProcess::start(&[]).await?;
        let request = json!({"title": "Kumppanuusfoorumi", "locale": "fi", "template": "rings", "groupCount": 2});
        let created: Created = http(
            server.port,
            "POST",
            "/api/workshops",
            None,
            body(request.clone()),
        )
        .await?
        .json()?;
        let other: Created = http(server.port, "POST", "/api/workshops", None, body(request))
            .await?
            .json()?;
        Ok(Fixture {
            server,
            created,
            other,
        })
    }

    fn board(&self, index: usize) -> String {
        self.created.workshop.boards[index].id.clone()
    }

    fn token(&self, caller: Caller) -> Option<String> {
        let tokens = &self.created.tokens;
        match caller {
            Caller::Anonymous => None,
            Caller::OtherWorkshop => Some(self.other.tokens.facilitator.clone()),
            Caller::Viewer => Some(tokens.viewer.clone()),
            Caller::Participant => Some(tokens.participant.clone()),
            Caller::Facilitator => Some(tokens.facilitator.clone()),
        }
    }

    async fn call(
        &self,
        caller: Caller,
        method: &str,
        path: &str,
        payload: Option<serde_json::Value>,
    ) -> anyhow::Result<Response> {
        let token = self.token(caller);
        http(
            self.server.port,
            method,
            path,
            token.as_deref(),
            payload.and_then(body),
        )
        .await
    }

    /// The workshop as `caller` sees it.
    async fn workshop_as(&self, caller: Caller) -> anyhow::Result<Workshop> {
        let path = format!("/api/workshops/{}", self.created.workshop.id);
        self.call(caller, "GET", &path, None).await?.json()
    }

    /// Everything a denied request must leave as it was: the workshop as the facilitator sees
    /// it (titles, locks, snapshot counts) and the content of every board.
    async fn fingerprint(&self) -> anyhow::Result<String> {
        let workshop = self
            .call(
                Caller::Facilitator,
                "GET",
                &format!("/api/workshops/{}", self.created.workshop.id),
                None,
            )
            .await?;
        // Connection counts move as tests connect; they are not state.
        let mut print = strip_connection_counts(&workshop.text());
        for board in &self.created.workshop.boards {
            let export = self
                .call(
                    Caller::Facilitator,
                    "GET",
                    &format!("/api/boards/{}/export.json", board.id),
                    None,
                )
                .await?;
            print.push_str(&export.text());
        }
        Ok(print)
    }
}

fn strip_connection_counts(text: &str) -> String {
    const KEY: &str = "\"connections\":";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(KEY) {
        out.push_str(&rest[..at]);
        rest = &rest[at + KEY.len()..];
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    OtherWorkshop,
    Viewer,
    Participant,
    Facilitator,
}

const CALLERS: [Caller; 5] = [
    Caller::Anonymous,
    Caller::OtherWorkshop,
    Caller::Viewer,
    Caller::Participant,
    Caller::Facilitator,
];

/// The status a caller must get when `minimum` is the least role allowed.
fn expected_status(caller: Caller, minimum: Role, success: u16) -> u16 {
    let role = match caller {
        Caller::Anonymous => return 401,
        Caller::OtherWorkshop => return 403,
        Caller::Viewer => Role::Viewer,
        Caller::Participant => Role::Participant,
        Caller::Facilitator => Role::Facilitator,
    };
    if role >= minimum {
        success
    } else {
        403
    }
}

#[tokio::test]
async fn every_role_may_do_exactly_what_it_should_over_http() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
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
async fn participants_join_by_code_and_quick_boards_have_their_own_links() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let port = fixture.server.port;
    let code = fixture
        .created
        .workshop
        .join_code
        .clone()
        .expect("a workshop has a join code");
    assert_eq!(code.len(), 9, "XXXX-XXXX");
    let spoken = code.to_lowercase().replace('-', " ");
    let joined: Joined = http(
        port,
        "POST",
        "/api/join",
        None,
        body(json!({"code": spoken})),
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
        body(json!({"code": "AAAA-AAAA"})),
    )
    .await?;
    assert_eq!(unknown.status, 404);
    let nowhere = http(port, "GET", "/api/no/such/thing", None, None).await?;
    assert_eq!(
        nowhere.status, 404,
        "an unknown API path is an API error, not the web app"
    );
    assert!(nowhere.content_type.starts_with("application/json"));
    let as_viewer: Workshop = fixture
        .call(
            Caller::Viewer,
            "GET",
            &format!("/api/workshops/{}", fixture.created.workshop.id),
            None,
        )
        .await?
        .json()?;
    assert_eq!(
        as_viewer.join_code, None,
        "viewers do not see the join code"
    );
    let as_facilitator: Workshop = fixture
        .call(
            Caller::Facilitator,
            "GET",
            &format!("/api/workshops/{}", fixture.created.workshop.id),
            None,
        )
        .await?
        .json()?;
    assert_eq!(
        as_facilitator.shared_tokens.map(|t| t.viewer),
        Some(fixture.created.tokens.viewer.clone())
    );

    let quick: Created = http(
        port,
        "POST",
        "/api/boards",
        None,
        body(json!({"title": "Oma kartta"})),
    )
    .await?
    .json()?;
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
async fn snapshots_restore_exactly_keep_what_was_replaced_and_forks_are_independent(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let board = fixture.board(0);
    let participant = fixture.token(Caller::Participant).unwrap();
    let client = Client::connect(&fixture.server.sync_url_with_token(&board, &participant)).await?;
    client.edit(|_, txn| {
        add_actor(txn, "a", "Turun kaupunki", 1.0);
        add_actor(txn, "b", "Turun yliopisto", 1.0);
    });
    client
        .wait_for("the echo: the server has it", |_, seen| {
            seen.update_messages >= 1
        })
        .await?;
    let taken = fixture
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/boards/{board}/snapshots"),
            Some(json!({"name": "Päivän 1 lopussa", "author": "Aino"})),
        )
        .await?;
    assert_eq!(taken.status, 201, "{}", taken.text());
    let snapshot: Snapshot = taken.json()?;
    let at_snapshot: BoardExport = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/snapshots/{}/export.json", snapshot.id),
            None,
        )
        .await?
        .json()?;
    assert_eq!(
        at_snapshot.actors.len(),
        2,
        "the snapshot holds what the client had sent before it"
    );

    client.edit(|_, txn| {
        add_actor(txn, "c", "Raision kaupunki", 2.0);
        kartta_tests::board::set_actor_field(txn, "a", "name", "Renamed");
    });
    client
        .wait_for("the changes echoed", |_, seen| seen.update_messages >= 2)
        .await?;

    let restored = fixture
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/snapshots/{}/restore", snapshot.id),
            None,
        )
        .await?;
    assert_eq!(restored.status, 200, "{}", restored.text());
    let restored: Restored = restored.json()?;
    assert_eq!(restored.saved.reason, SnapshotReason::BeforeRestore);
    client
        .wait_for("the restored board", |doc, _| actor_count(doc) == 2)
        .await?;
    let now: BoardExport = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/boards/{board}/export.json"),
            None,
        )
        .await?
        .json()?;
    assert_eq!(
        (now.actors.clone(), now.relations.clone()),
        (at_snapshot.actors.clone(), at_snapshot.relations.clone())
    );
    let before_restore: BoardExport = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/snapshots/{}/export.json", restored.saved.id),
            None,
        )
        .await?
        .json()?;
    assert_eq!(
        before_restore.actors.len(),
        3,
        "the state replaced by the restore is kept"
    );
    assert!(before_restore
        .actors
        .iter()
        .any(|actor| actor.name == "Renamed"));

    let forked = fixture
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/snapshots/{}/fork", snapshot.id),
            None,
        )
        .await?;
    assert_eq!(forked.status, 201, "{}", forked.text());
    let forked: kartta_protocol::api::Forked = forked.json()?;
    let fork_client = Client::connect(
        &fixture
            .server
            .sync_url_with_token(&forked.board.id, &participant),
    )
    .await?;
    assert_eq!(actor_count(&fork_client.doc), 2);
    fork_client.edit(|_, txn| add_actor(txn, "only-in-fork", "x", 0.0));
    fork_client
        .wait_for("echo", |_, seen| seen.update_messages >= 1)
        .await?;
    let source: BoardExport = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/boards/{board}/export.json"),
            None,
        )
        .await?
        .json()?;
    assert_eq!(
        source.actors.len(),
        2,
        "editing the fork leaves its source alone"
    );
    let list: Vec<Snapshot> = fixture
        .call(
            Caller::Viewer,
            "GET",
            &format!("/api/boards/{board}/snapshots"),
            None,
        )
        .await?
        .json()?;
    assert_eq!(list.len(), 2);
    Ok(())
}

#[tokio::test]
async fn json_export_imports_back_and_a_bad_file_changes_nothing() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let (source, target) = (fixture.board(0), fixture.board(1));
    let participant = fixture.token(Caller::Participant).unwrap();
    let client =
        Client::connect(&fixture.server.sync_url_with_token(&source, &participant)).await?;
    client.edit(|_, txn| {
        add_actor(txn, "a", "<script>alert(1)</script>", 0.0);
        add_actor(txn, "b", "Åbo Akademi", 10.0);
        let relations = yrs::WriteTxn::get_or_insert_map(txn, "relations");
        let relation = yrs::Map::insert(&relations, txn, "r", yrs::MapPrelim::default());
        yrs::Map::insert(&relation, txn, "from", "a");
        yrs::Map::insert(&relation, txn, "to", "b");
        yrs::Map::insert(&relation, txn, "kind", "funding");
    });
    client
        .wait_for("echo", |_, seen| seen.update_messages >= 1)
        .await?;
    let export = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/boards/{source}/export.json"),
            None,
        )
        .await?;
    let exported: BoardExport = export.json()?;
    let imported = http(
        fixture.server.port,
        "POST",
        &format!("/api/boards/{target}/import"),
        Some(&participant),
        Some(("application/json", export.body.clone())),
    )
    .await?;
    assert_eq!(imported.status, 200, "{}", imported.text());
    let counts: Imported = imported.json()?;
    assert_eq!((counts.actors, counts.relations), (2, 1));
    let copy: BoardExport = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/boards/{target}/export.json"),
            None,
        )
        .await?
        .json()?;
    let names = |export: &BoardExport| {
        let mut names: Vec<String> = export
            .actors
            .iter()
            .map(|actor| actor.name.clone())
            .collect();
        names.sort();
        names
    };
    assert_eq!(names(&copy), names(&exported));
    assert_eq!(copy.relations.len(), 1);

    let before = fixture.fingerprint().await?;
    let broken = http(
        fixture.server.port,
        "POST",
        &format!("/api/boards/{target}/import"),
        Some(&participant),
        Some((
            "application/json",
            b"{\n  \"format\": \"kartta-board\",\n  \"actors\": [1,\n".to_vec(),
        )),
    )
    .await?;
    assert_eq!(broken.status, 400);
    assert!(
        broken.text().contains("Line "),
        "the error names the line: {}",
        broken.text()
    );
    assert_eq!(
        fixture.fingerprint().await?,
        before,
        "a bad import changes nothing"
    );
    Ok(())
}

#[tokio::test]
async fn imports_up_to_eight_megabytes_are_read_and_larger_bodies_get_our_json_413(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let (source, target) = (fixture.board(0), fixture.board(1));
    let participant = fixture.token(Caller::Participant).unwrap();
    let import_path = format!("/api/boards/{target}/import");
    let import = |bytes: Vec<u8>| {
        http(
            fixture.server.port,
            "POST",
            &import_path,
            Some(&participant),
            Some(("application/json", bytes)),
        )
    };
    // 3 MB, over axum's default limit of 2 MB: judged on its content (a real export).
    let export = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/boards/{source}/export.json"),
            None,
        )
        .await?;
    let mut padded = export.body.clone();
    padded.resize(3 * 1024 * 1024, b' ');
    let accepted = import(padded).await?;
    assert_eq!(accepted.status, 200, "{}", accepted.text());
    // 3 MB that are not an export: refused for what they are, not for their size.
    let refused_on_content = import(vec![b'x'; 3 * 1024 * 1024]).await?;
    assert_eq!(
        refused_on_content.status,
        400,
        "{}",
        refused_on_content.text()
    );

    // 9 MB: over the import limit, answered in the error shape the web app shows.
    let too_large = import(vec![b' '; 9 * 1024 * 1024]).await?;
    assert_eq!(too_large.status, 413, "{}", too_large.text());
    let error: serde_json::Value = too_large.json()?;
    assert_eq!(error["error"], "payload_too_large");
    assert!(
        error["message"].as_str().unwrap_or("").contains("8 MB"),
        "{error}"
    );

    // Every other route that takes a body keeps axum's 2 MB limit, with the same error shape.
    let mut long_title = br#"{"title":""#.to_vec();
    long_title.resize(3 * 1024 * 1024, b'a');
    long_title.extend_from_slice(br#""}"#);
    let workshop = http(
        fixture.server.port,
        "POST",
        "/api/workshops",
        None,
        Some(("application/json", long_title)),
    )
    .await?;
    assert_eq!(workshop.status, 413, "{}", workshop.text());
    let error: serde_json::Value = workshop.json()?;
    assert_eq!(error["error"], "payload_too_large");
    Ok(())
}

#[tokio::test]
async fn boards_export_as_svg_png_csv_and_zip_and_csv_imports_back() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let (source, target) = (fixture.board(0), fixture.board(1));
    let participant = fixture.token(Caller::Participant).unwrap();
    let client =
        Client::connect(&fixture.server.sync_url_with_token(&source, &participant)).await?;
    let names = [
        "<script>alert(1)</script>",
        "Åbo Akademi",
        "Turku & Co \"Oy\"",
        "Kirkko, seurakunta",
    ];
    client.edit(|_, txn| {
        for (index, name) in names.iter().enumerate() {
            add_actor(txn, &format!("a{index}"), name, index as f64 * 250.0);
        }
        let relations = yrs::WriteTxn::get_or_insert_map(txn, "relations");
        for (id, from, to) in [("r1", "a0", "a1"), ("r2", "a2", "a3")] {
            let relation = yrs::Map::insert(&relations, txn, id, yrs::MapPrelim::default());
            yrs::Map::insert(&relation, txn, "from", from);
            yrs::Map::insert(&relation, txn, "to", to);
            yrs::Map::insert(&relation, txn, "kind", "information");
            yrs::Map::insert(&relation, txn, "direction", "both_ways");
        }
    });
    client
        .wait_for("echo", |_, seen| seen.update_messages >= 1)
        .await?;
    let get = |file: &'static str| {
        let path = format!("/api/boards/{source}/{file}");
        let fixture = &fixture;
        async move { fixture.call(Caller::Participant, "GET", &path, None).await }
    };

    let svg = get("export.svg").await?;
    assert_eq!(
        (svg.status, svg.content_type.as_str()),
        (200, "image/svg+xml")
    );
    let text = svg.text();
    let document = roxmltree::Document::parse(&text)
        .map_err(|error| anyhow::anyhow!("the SVG is not well-formed: {error}"))?;
    let texts: String = document
        .descendants()
        .filter(|node| node.is_text())
        .filter_map(|node| node.text())
        .collect::<Vec<_>>()
        .join(" ");
    for name in names {
        assert!(texts.contains(name), "{name} is in the drawing as text");
    }
    assert!(!text.contains("<script>"), "markup in a name stays text");
    let width: f64 = document
        .root_element()
        .attribute("width")
        .unwrap_or("0")
        .parse()?;
    let height: f64 = document
        .root_element()
        .attribute("height")
        .unwrap_or("0")
        .parse()?;

    let png = get("export.png").await?;
    assert_eq!((png.status, png.content_type.as_str()), (200, "image/png"));
    let decoder = png::Decoder::new(std::io::Cursor::new(png.body.clone()));
    let mut reader = decoder.read_info()?;
    let mut pixels = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let frame = reader.next_frame(&mut pixels)?;
    assert_eq!(
        (frame.width as f64, frame.height as f64),
        (width.ceil(), height.ceil()),
        "the PNG is the drawing's size"
    );
    let first = &pixels[..4];
    assert!(
        pixels.chunks(4).any(|pixel| pixel != first),
        "the PNG is not blank"
    );
    // Kept for a person to look at, beside the browser tests' screenshots.
    let artifacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-artifacts");
    if std::fs::create_dir_all(&artifacts).is_ok() {
        let _ = std::fs::write(artifacts.join("server-export.png"), &png.body);
        let _ = std::fs::write(artifacts.join("server-export.svg"), &svg.body);
    }

    // CSV out of one board and into another gives the same actors and relations.
    let actors_csv = get("actors.csv").await?;
    let relations_csv = get("relations.csv").await?;
    assert!(actors_csv.content_type.starts_with("text/csv"));
    let port = fixture.server.port;
    for (sheet, csv) in [("actors", &actors_csv), ("relations", &relations_csv)] {
        let imported = http(
            port,
            "POST",
            &format!("/api/boards/{target}/import?sheet={sheet}"),
            Some(&participant),
            Some(("text/csv", csv.body.clone())),
        )
        .await?;
        assert_eq!(imported.status, 200, "{sheet}: {}", imported.text());
    }
    let original: BoardExport = get("export.json").await?.json()?;
    let copy: BoardExport = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/boards/{target}/export.json"),
            None,
        )
        .await?
        .json()?;
    let shape = |board: &BoardExport| {
        let name_of = |id: &str| {
            board
                .actors
                .iter()
                .find(|actor| actor.id == id)
                .map(|actor| actor.name.clone())
                .unwrap_or_default()
        };
        let mut actors: Vec<(String, String, i64)> = board
            .actors
            .iter()
            .map(|a| (a.name.clone(), a.kind.code().to_owned(), a.x as i64))
            .collect();
        let mut relations: Vec<(String, String, String)> = board
            .relations
            .iter()
            .map(|r| {
                (
                    name_of(&r.from),
                    name_of(&r.to),
                    r.direction.code().to_owned(),
                )
            })
            .collect();
        actors.sort();
        relations.sort();
        (actors, relations)
    };
    assert_eq!(
        shape(&copy),
        shape(&original),
        "CSV export then import round-trips actors and relations"
    );

    // A malformed sheet: 400 naming the line and the reason, and nothing changes.
    let before = fixture.fingerprint().await?;
    let bad = b"Label,Type\nTurku,municipality\nRaisio,castle\n".to_vec();
    let refused = http(
        port,
        "POST",
        &format!("/api/boards/{target}/import?sheet=actors"),
        Some(&participant),
        Some(("text/csv", bad)),
    )
    .await?;
    assert_eq!(refused.status, 400);
    let error: kartta_protocol::api::ErrorBody = refused.json()?;
    assert_eq!(error.error, "invalid_csv");
    assert!(
        error.message.contains("Line 3") && error.message.contains("castle"),
        "{}",
        error.message
    );
    assert_eq!(fixture.fingerprint().await?, before);

    // The whole workshop as one ZIP, for the facilitator only.
    let zip = fixture
        .call(
            Caller::Facilitator,
            "GET",
            &format!("/api/workshops/{}/export.zip", fixture.created.workshop.id),
            None,
        )
        .await?;
    assert_eq!(
        (zip.status, zip.content_type.as_str()),
        (200, "application/zip")
    );
    assert!(zip.body.starts_with(b"PK"));
    for name in [
        "01-Ryhm",
        "/board.json",
        "/board.svg",
        "/actors.csv",
        "/relations.csv",
        "02-Ryhm",
    ] {
        assert!(
            zip.body
                .windows(name.len())
                .any(|window| window == name.as_bytes()),
            "{name} is in the archive"
        );
    }
    let refused = fixture
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/workshops/{}/export.zip", fixture.created.workshop.id),
            None,
        )
        .await?;
    assert_eq!(refused.status, 403);
    Ok(())
}

#[tokio::test]
async fn deleting_a_workshop_leaves_no_rows_behind() -> anyhow::Result<()> {
    let mut fixture = Fixture::new().await?;
    let board = fixture.board(0);
    let participant = fixture.token(Caller::Participant).unwrap();
    let client = Client::connect(&fixture.server.sync_url_with_token(&board, &participant)).await?;
    client.edit(|_, txn| add_actor(txn, "a", "Turku", 0.0));
    client
        .wait_for("echo", |_, seen| seen.update_messages >= 1)
        .await?;
    let taken = fixture
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/boards/{board}/snapshots"),
            Some(json!({"name": "x"})),
        )
        .await?;
    assert_eq!(taken.status, 201);
    let deleted = fixture
        .call(
            Caller::Facilitator,
            "DELETE",
            &format!("/api/workshops/{}", fixture.created.workshop.id),
            None,
        )
        .await?;
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    assert_eq!(
        client.wait_for_close().await?,
        Some(4004),
        "connections to a deleted board are closed"
    );
    let gone = fixture
        .call(
            Caller::Facilitator,
            "GET",
            &format!("/api/workshops/{}", fixture.created.workshop.id),
            None,
        )
        .await?;
    assert_eq!(gone.status, 404);

    fixture.server.terminate().await?;
    let database = rusqlite::Connection::open(fixture.server.data_dir.join("kartta.db"))?;
    let ids: Vec<String> = fixture
        .created
        .workshop
        .boards
        .iter()
        .map(|board| board.id.clone())
        .collect();
    for id in &ids {
        for table in ["board_state", "board_update", "snapshot"] {
            let rows: i64 = database.query_row(
                &format!("SELECT count(*) FROM {table} WHERE board_id = ?1"),
                [id],
                |row| row.get(0),
            )?;
            assert_eq!(rows, 0, "{table} rows of board {id}");
        }
        let rows: i64 =
            database.query_row("SELECT count(*) FROM board WHERE id = ?1", [id], |row| {
                row.get(0)
            })?;
        assert_eq!(rows, 0);
    }
    let rows: i64 = database.query_row(
        "SELECT count(*) FROM workshop WHERE id = ?1",
        [&fixture.created.workshop.id],
        |row| row.get(0),
    )?;
    assert_eq!(rows, 0);
    let other: i64 = database.query_row(
        "SELECT count(*) FROM workshop WHERE id = ?1",
        [&fixture.other.workshop.id],
        |row| row.get(0),
    )?;
    assert_eq!(other, 1, "the other workshop is untouched");
    Ok(())
}

#[tokio::test]
async fn guessing_join_codes_is_slowed_down() -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let port = fixture.server.port;
    let code = fixture
        .created
        .workshop
        .join_code
        .clone()
        .expect("a join code");
    let mut statuses = Vec::new();
    while statuses.len() < 200 && statuses.last() != Some(&429) {
        let attempt = http(
            port,
            "POST",
            "/api/join",
            None,
            body(json!({"code": "AAAA-AAAA"})),
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
    let refused = http(port, "POST", "/api/join", None, body(json!({"code": code}))).await?;
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
    let created: Created = http(server.port, "POST", "/api/boards", None, body(request))
        .await?
        .json()?;
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
    let snapshot: Snapshot = fixture
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/boards/{first}/snapshots"),
            Some(json!({"name": "Ennen"})),
        )
        .await?
        .json()?;
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
    let created: Created = http(server.port, "POST", "/api/workshops", None, body(request))
        .await?
        .json()?;
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
                body(json!({"code": code, "name": name})),
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
        body(assign.clone()),
    )
    .await?;
    assert_eq!(refused.status, 403, "only the facilitator assigns");
    assert_eq!(
        http(server.port, "PUT", &path, facilitator, body(assign))
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
        http(server.port, "PUT", &path, facilitator, body(foreign))
            .await?
            .status,
        400
    );
    let cleared = json!({"name": "mikko", "boardId": null});
    assert_eq!(
        http(server.port, "PUT", &path, facilitator, body(cleared))
            .await?
            .status,
        204
    );
    let joined: Joined = join("Mikko").await?.json()?;
    assert_eq!(joined.board_id, None);
    Ok(())
}

/// Every row of every table of the database that names `id` in any of its columns.
fn rows_naming(database: &rusqlite::Connection, id: &str) -> anyhow::Result<Vec<String>> {
    let tables: Vec<String> = database
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let mut found = Vec::new();
    for table in tables {
        let columns: Vec<String> = database
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        for column in columns {
            let rows: i64 = database.query_row(
                &format!("SELECT count(*) FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) = ?1"),
                [id],
                |row| row.get(0),
            )?;
            if rows > 0 {
                found.push(format!("{rows} in {table}.{column}"));
            }
        }
    }
    Ok(found)
}

#[tokio::test]
async fn a_board_deleted_while_its_thumbnail_is_fetched_leaves_nothing_behind() -> anyhow::Result<()>
{
    let mut server = ServerProcess::start(&[
        "--idle-unload-seconds",
        "1",
        "--api-requests-per-second",
        "100000",
        "--api-request-burst",
        "100000",
    ])
    .await?;
    let port = server.port;
    let request = json!({"title": "Poistot", "locale": "fi", "template": "blank", "groupCount": 8});
    let created: Created = http(port, "POST", "/api/workshops", None, body(request))
        .await?
        .json()?;
    let boards: Vec<String> = created
        .workshop
        .boards
        .iter()
        .map(|board| board.id.clone())
        .collect();
    // Every board has a log that is not compacted yet: a room loaded during the delete would
    // have something to write back.
    for board in &boards {
        let url = server.sync_url_with_token(board, &created.tokens.participant);
        let client = Client::connect(&url).await?;
        for i in 0..5 {
            client.edit(|_, txn| add_actor(txn, &format!("a{i}"), "Turku", i as f64));
            client
                .wait_for("the echo of the edit", |_, seen| seen.update_messages > i)
                .await?;
        }
        client.close().await;
    }
    for board in &boards {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut loops = Vec::new();
        for _ in 0..6 {
            let stop = stop.clone();
            let path = format!("/api/boards/{board}/thumbnail.svg");
            let viewer = created.tokens.viewer.clone();
            loops.push(tokio::spawn(async move {
                let mut fetched = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let response = http(port, "GET", &path, Some(&viewer), None).await?;
                    anyhow::ensure!(
                        response.status == 200 || response.status == 404,
                        "a thumbnail during a delete: {} {}",
                        response.status,
                        response.text()
                    );
                    fetched += 1;
                }
                anyhow::Ok(fetched)
            }));
        }
        // Let the loops get going (each has fetched once) before deleting.
        let path = format!("/api/boards/{board}/thumbnail.svg");
        http(port, "GET", &path, Some(&created.tokens.viewer), None).await?;
        let deleted = http(
            port,
            "DELETE",
            &format!("/api/boards/{board}"),
            Some(&created.tokens.facilitator),
            None,
        )
        .await?;
        assert_eq!(deleted.status, 204, "{}", deleted.text());
        // A few more fetches after the delete, then stop.
        for _ in 0..3 {
            let after = http(port, "GET", &path, Some(&created.tokens.viewer), None).await?;
            assert_eq!(after.status, 404, "a deleted board has no thumbnail");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for fetching in loops {
            fetching.await??;
        }
    }
    // Any room that loaded meanwhile has compacted and unloaded by now.
    kartta_tests::wait_for_health(port, "every room unloaded", |health| health.rooms == 0).await?;
    server.terminate().await?;
    let database = rusqlite::Connection::open_with_flags(
        server.data_dir.join("kartta.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    for board in &boards {
        assert_eq!(
            rows_naming(&database, board)?,
            Vec::<String>::new(),
            "rows left of board {board}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_locked_board_refuses_import_and_restore_except_from_the_facilitator(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let workshop = fixture.created.workshop.id.clone();
    let board = fixture.board(0);
    let taken = fixture
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/boards/{board}/snapshots"),
            Some(json!({"name": "Ennen lukitusta"})),
        )
        .await?;
    assert_eq!(taken.status, 201, "{}", taken.text());
    let snapshot: Snapshot = taken.json()?;
    // After the snapshot the board changes, so a restore would change it back.
    let participant = fixture.token(Caller::Participant).unwrap();
    let client = Client::connect(&fixture.server.sync_url_with_token(&board, &participant)).await?;
    client.edit(|_, txn| add_actor(txn, "after", "Salon kaupunki", 0.0));
    client
        .wait_for("the echo", |_, seen| seen.update_messages >= 1)
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
