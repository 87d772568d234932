//! A board's life on the server: kept across restarts and kills, compacted and unloaded when
//! idle, and deleted without a trace.

use kartta_tests::board::{actor_count, add_actor, view};
use kartta_tests::fixture::{create_workshop, Caller, Fixture};
use kartta_tests::{http, http_get, metric, new_board_id, wait_for_health, Client, ServerProcess};
use serde_json::json;

#[tokio::test]
async fn a_board_survives_a_graceful_restart() -> anyhow::Result<()> {
    let mut server = ServerProcess::start_open(&[]).await?;
    let board = new_board_id();
    let client = Client::connect(&server.sync_url(&board)).await?;
    for i in 0..30 {
        client.edit(|_, txn| add_actor(txn, &format!("a{i}"), &format!("Actor {i}"), i as f64));
    }
    client
        .wait_for("30 echoes", |_, seen| seen.update_messages >= 1)
        .await?;
    let expected = {
        let observer = Client::connect(&server.sync_url(&board)).await?;
        observer
            .wait_for("30 actors", |doc, _| actor_count(doc) == 30)
            .await?;
        view(&observer.doc)
    };
    let status = server.terminate().await?;
    assert!(
        status.success(),
        "SIGTERM ends the server cleanly: {status:?}"
    );
    server.restart().await?;
    let reopened = Client::connect(&server.sync_url(&board)).await?;
    assert_eq!(view(&reopened.doc), expected);
    Ok(())
}

#[tokio::test]
async fn no_update_a_client_has_seen_is_lost_when_the_server_is_killed() -> anyhow::Result<()> {
    let mut server = ServerProcess::start_open(&[]).await?;
    let board = new_board_id();
    const ROUNDS: usize = 4;
    const UPDATES_PER_ROUND: usize = 60;
    for round in 0..ROUNDS {
        let writer = Client::connect(&server.sync_url(&board)).await?;
        let witness = Client::connect(&server.sync_url(&board)).await?;
        let expected = (round + 1) * UPDATES_PER_ROUND;
        for i in 0..UPDATES_PER_ROUND {
            writer.edit(|_, txn| add_actor(txn, &format!("r{round}-{i}"), "x", i as f64));
        }
        witness
            .wait_for("every update echoed to a second client", |doc, _| {
                actor_count(doc) == expected
            })
            .await?;
        server.kill().await;
        drop((writer, witness));
        server.restart().await?;
        let after = Client::connect(&server.sync_url(&board)).await?;
        assert_eq!(
            actor_count(&after.doc),
            expected,
            "round {round}: all updates seen before SIGKILL are stored"
        );
    }
    Ok(())
}

#[tokio::test]
async fn idle_boards_are_compacted_unloaded_and_reloaded_intact() -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[
        "--idle-unload-seconds",
        "1",
        "--compact-after-updates",
        "10",
    ])
    .await?;
    let board = new_board_id();
    let expected = {
        let client = Client::connect(&server.sync_url(&board)).await?;
        let witness = Client::connect(&server.sync_url(&board)).await?;
        // Three rounds of ten (each compacts), then five that only the unload compacts.
        for i in 0..35 {
            client.edit(|_, txn| add_actor(txn, &format!("a{i}"), "x", i as f64));
            if i % 10 == 9 || i == 34 {
                // The witness sees the round's last update only once the server stored it.
                witness
                    .wait_for("the round", |doc, _| actor_count(doc) == i + 1)
                    .await?;
            }
        }
        let expected = view(&client.doc);
        client.close().await;
        witness.close().await;
        expected
    };
    wait_for_health(server.port, "the idle board unloaded", |health| {
        health.rooms == 0
    })
    .await?;
    let (_, metrics) = http_get(server.port, "/metrics").await?;
    let compactions = metric(&metrics, "kartta_compactions_total").unwrap_or(0.0);
    assert_eq!(
        compactions, 4.0,
        "after each round of 10 updates and on unload:\n{metrics}"
    );
    let reloaded = Client::connect(&server.sync_url(&board)).await?;
    assert_eq!(view(&reloaded.doc), expected);
    Ok(())
}

#[tokio::test]
async fn deleting_a_workshop_leaves_no_rows_behind() -> anyhow::Result<()> {
    let mut fixture = Fixture::new().await?;
    let board = fixture.board(0);
    let client = fixture.connect(&board, Caller::Participant).await?;
    client
        .edit_and_wait_stored(|_, txn| add_actor(txn, "a", "Turku", 0.0))
        .await?;
    fixture.take_snapshot(&board, json!({"name": "x"})).await?;
    let deleted = fixture
        .call(
            Caller::Facilitator,
            "DELETE",
            &fixture.workshop_path(""),
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
        .call(Caller::Facilitator, "GET", &fixture.workshop_path(""), None)
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
    let created = create_workshop(&server, request).await?;
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

/// The board's stored form: its compacted state and how many updates follow it.
fn stored_board(data_dir: &std::path::Path, board: &str) -> anyhow::Result<(Vec<u8>, i64)> {
    let database = rusqlite::Connection::open_with_flags(
        data_dir.join("kartta.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let state: Vec<u8> = database.query_row(
        "SELECT state FROM board_state WHERE board_id = ?1",
        [board],
        |row| row.get(0),
    )?;
    let updates: i64 = database.query_row(
        "SELECT count(*) FROM board_update WHERE board_id = ?1",
        [board],
        |row| row.get(0),
    )?;
    Ok((state, updates))
}

#[tokio::test]
async fn a_board_stored_without_a_schema_version_is_upgraded_once_when_opened() -> anyhow::Result<()>
{
    use kartta_protocol::schema::{field, root, schema_version};
    use yrs::{Map, ReadTxn, StateVector, Transact};

    let mut fixture = Fixture::new().await?;
    let board = fixture.board(0);
    // The board as this code writes it, but without `meta.schemaVersion`, as every board
    // created before the version existed is stored.
    let unversioned = yrs::Doc::new();
    {
        let meta = unversioned.get_or_insert_map(root::META);
        let mut txn = unversioned.transact_mut();
        meta.insert(&mut txn, field::meta::TITLE, "Ryhmä 1");
        meta.insert(&mut txn, field::meta::TEMPLATE, "rings");
        meta.insert(&mut txn, field::meta::LOCALE, "fi");
        add_actor(&mut txn, "a1", "Turun kaupunki", 40.0);
    }
    let state = unversioned
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    fixture.server.terminate().await?;
    {
        let database = rusqlite::Connection::open(fixture.server.data_dir.join("kartta.db"))?;
        database.execute("DELETE FROM board_update WHERE board_id = ?1", [&board])?;
        let replaced = database.execute(
            "UPDATE board_state SET state = ?2 WHERE board_id = ?1",
            rusqlite::params![board, state],
        )?;
        assert_eq!(replaced, 1, "the fixture's board has a stored state");
    }
    fixture.server.restart().await?;

    let client = fixture.connect(&board, Caller::Participant).await?;
    let seen = view(&client.doc);
    assert_eq!(seen.meta.title, "Ryhmä 1");
    assert_eq!(seen.actors.len(), 1);
    assert_eq!(seen.actors[0].name, "Turun kaupunki");
    assert_eq!(schema_version(&client.doc.transact()), Some(1));
    // The client was sent the board only once its upgrade was stored.
    let (_, updates) = stored_board(&fixture.server.data_dir, &board)?;
    assert_eq!(updates, 1, "the upgrade is stored as one update");
    client.close().await;

    fixture.server.terminate().await?;
    let stored_before = stored_board(&fixture.server.data_dir, &board)?;
    fixture.server.restart().await?;
    let reopened = fixture.connect(&board, Caller::Participant).await?;
    assert_eq!(view(&reopened.doc), seen);
    assert_eq!(schema_version(&reopened.doc.transact()), Some(1));
    assert_eq!(
        stored_board(&fixture.server.data_dir, &board)?,
        stored_before,
        "opening a current board writes nothing"
    );
    Ok(())
}
