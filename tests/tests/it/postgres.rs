//! Kartta on PostgreSQL (`--postgres-url`): a workshop, its join code, two clients syncing, a
//! snapshot, and everything kept across a graceful restart and a SIGKILL. Skipped (with a
//! printed reason) without `KARTTA_TEST_POSTGRES_URL`; `scripts/services.sh` starts a server.
//! The role matrix and snapshots run on PostgreSQL too (`roles.rs`, `snapshots.rs`).

use kartta_protocol::api::{Joined, Role};
use kartta_tests::board::{actor_count, add_actor, view};
use kartta_tests::fixture::{json_body, Caller, Fixture};
use kartta_tests::http;
use serde_json::json;

#[tokio::test]
async fn a_workshop_on_postgres_syncs_and_keeps_everything_across_restart_and_kill(
) -> anyhow::Result<()> {
    let Some(mut fixture) =
        Fixture::on_postgres("a_workshop_on_postgres_syncs_and_keeps_everything").await?
    else {
        return Ok(());
    };
    let board = fixture.board(0);

    // Two participants of one board see each other's edits.
    let first = fixture.connect(&board, Caller::Participant).await?;
    let second = fixture.connect(&board, Caller::Participant).await?;
    first
        .edit_and_wait_stored(|_, txn| add_actor(txn, "a", "Turun kaupunki", 1.0))
        .await?;
    second
        .wait_for("the first client's actor", |doc, _| actor_count(doc) == 1)
        .await?;
    second
        .edit_and_wait_stored(|_, txn| add_actor(txn, "b", "Turun yliopisto", 2.0))
        .await?;
    first
        .wait_for("the second client's actor", |doc, _| actor_count(doc) == 2)
        .await?;
    fixture
        .take_snapshot(
            &board,
            json!({"name": "Päivän 1 lopussa", "author": "Aino"}),
        )
        .await?;
    let expected = view(&first.doc);
    first.close().await;
    second.close().await;
    assert!(
        !fixture.server.data_dir.join("kartta.db").exists(),
        "nothing is kept in SQLite when PostgreSQL is named"
    );

    // A graceful restart keeps the workshop, its boards, snapshots and tokens.
    let before = fixture.fingerprint().await?;
    let status = fixture.server.terminate().await?;
    assert!(
        status.success(),
        "SIGTERM ends the server cleanly: {status:?}"
    );
    fixture.server.restart().await?;
    assert_eq!(fixture.fingerprint().await?, before);
    let code = fixture.created.workshop.join_code.clone().unwrap();
    let joined: Joined = http(
        fixture.server.port,
        "POST",
        "/api/join",
        None,
        json_body(json!({ "code": code })),
    )
    .await?
    .json()?;
    assert_eq!(joined.token, fixture.created.tokens.participant);
    assert_eq!(joined.workshop.role, Role::Participant);

    // An update the server acknowledged survives SIGKILL: it was committed to PostgreSQL
    // before anyone was told about it.
    let writer = fixture.connect(&board, Caller::Participant).await?;
    assert_eq!(view(&writer.doc), expected);
    writer
        .edit_and_wait_stored(|_, txn| add_actor(txn, "c", "Raision kaupunki", 3.0))
        .await?;
    fixture.server.kill().await;
    fixture.server.restart().await?;
    let reopened = fixture.connect(&board, Caller::Viewer).await?;
    assert_eq!(actor_count(&reopened.doc), 3);
    let snapshots = fixture
        .call(
            Caller::Viewer,
            "GET",
            &format!("/api/boards/{board}/snapshots"),
            None,
        )
        .await?;
    assert_eq!(snapshots.status, 200);
    assert!(snapshots.text().contains("Päivän 1 lopussa"));
    Ok(())
}

/// A wrong `--postgres-url`, or a PostgreSQL that does not answer, stops the start with a
/// message saying so, never a panic (runs without a PostgreSQL).
#[tokio::test]
async fn a_bad_or_unreachable_postgres_url_fails_the_start_clearly() -> anyhow::Result<()> {
    let data_dir = std::env::temp_dir().join(format!("kartta-pg-{}", kartta_tests::new_board_id()));
    for (url, expected) in [
        ("not a url", "--postgres-url"),
        // Port 1 on loopback: nothing listens there.
        ("postgres://kartta@127.0.0.1:1/kartta", "PostgreSQL"),
    ] {
        let output = tokio::process::Command::new(kartta_tests::server::kartta_binary())
            .args(["serve", "--listen", "127.0.0.1:0", "--postgres-url", url])
            .arg("--data-dir")
            .arg(&data_dir)
            .output()
            .await?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{url}: started anyway");
        assert!(
            stderr.contains(expected) && !stderr.contains("panicked"),
            "{url}: {stderr}"
        );
    }
    assert!(!data_dir.exists(), "no SQLite file was made instead");
    Ok(())
}
