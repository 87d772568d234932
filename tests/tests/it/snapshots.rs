//! Snapshots: taking, restoring exactly and forking.

use kartta_protocol::api::{Restored, Snapshot, SnapshotReason};
use kartta_tests::board::{actor_count, add_actor};
use kartta_tests::fixture::{Caller, Fixture};
use kartta_tests::Client;
use serde_json::json;

#[tokio::test]
async fn snapshots_restore_exactly_keep_what_was_replaced_and_forks_are_independent(
) -> anyhow::Result<()> {
    check_snapshots_restore_and_fork(Fixture::new().await?).await
}

#[tokio::test]
async fn snapshots_restore_exactly_keep_what_was_replaced_and_forks_are_independent_on_postgres(
) -> anyhow::Result<()> {
    match Fixture::on_postgres(
        "snapshots_restore_exactly_keep_what_was_replaced_and_forks_are_independent_on_postgres",
    )
    .await?
    {
        Some(fixture) => check_snapshots_restore_and_fork(fixture).await,
        None => Ok(()),
    }
}

/// Take, restore and fork, on whichever catalog and store the fixture's server keeps.
async fn check_snapshots_restore_and_fork(fixture: Fixture) -> anyhow::Result<()> {
    let board = fixture.board(0);
    let participant = fixture.token(Caller::Participant).unwrap();
    let client = Client::connect(&fixture.server.sync_url_with_token(&board, &participant)).await?;
    client
        .edit_and_wait_stored(|_, txn| {
            add_actor(txn, "a", "Turun kaupunki", 1.0);
            add_actor(txn, "b", "Turun yliopisto", 1.0);
        })
        .await?;
    let snapshot = fixture
        .take_snapshot(
            &board,
            json!({"name": "Päivän 1 lopussa", "author": "Aino"}),
        )
        .await?;
    let at_snapshot = fixture.snapshot_export(&snapshot.id).await?;
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
            Caller::Facilitator,
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
    let now = fixture.board_export(&board).await?;
    assert_eq!(
        (now.actors.clone(), now.relations.clone()),
        (at_snapshot.actors.clone(), at_snapshot.relations.clone())
    );
    let before_restore = fixture.snapshot_export(&restored.saved.id).await?;
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
    fork_client
        .edit_and_wait_stored(|_, txn| add_actor(txn, "only-in-fork", "x", 0.0))
        .await?;
    let source = fixture.board_export(&board).await?;
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
