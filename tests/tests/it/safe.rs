//! Safe by default: what changes the whole group's board at once (the background, a restore,
//! the title) is the facilitator's, a restore is announced to everyone connected, and a copy of
//! a snapshot has one title and no running timer.

use kartta_protocol::api::{Forked, Restored, Snapshot, Workshop};
use kartta_protocol::schema::{field, root, Template};
use kartta_tests::board::{actor_count, add_actor, view};
use kartta_tests::fixture::{Caller, Fixture};
use serde_json::json;
use yrs::{Map, WriteTxn};

/// A participant writing `key` of `meta` over the websocket, beside an actor of their own.
fn write_meta_and_an_actor(txn: &mut yrs::TransactionMut, key: &str, value: &str, actor_id: &str) {
    let meta = txn.get_or_insert_map(root::META);
    meta.insert(txn, key, value);
    add_actor(txn, actor_id, "Salon kaupunki", 0.0);
}

#[tokio::test]
async fn a_participant_cannot_switch_the_background_rename_or_announce_a_restore(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let board = fixture.board(0);
    let before = view(&fixture.connect(&board, Caller::Facilitator).await?.doc).meta;
    assert_eq!(before.template, Template::Rings);

    // Through the API: refused with words, and nothing changes.
    let fingerprint = fixture.fingerprint().await?;
    let refused = fixture
        .call(
            Caller::Participant,
            "PATCH",
            &format!("/api/boards/{board}"),
            Some(json!({"template": "blank"})),
        )
        .await?;
    assert_eq!(refused.status, 403, "{}", refused.text());
    let error: kartta_protocol::api::ErrorBody = refused.json()?;
    assert!(
        error.message.contains("background"),
        "the refusal names the background: {}",
        error.message
    );
    assert_eq!(fixture.fingerprint().await?, fingerprint);

    // Over the websocket: the participant's actor stays, the facilitator-only fields are put back.
    let participant = fixture.connect(&board, Caller::Participant).await?;
    let watcher = fixture.connect(&board, Caller::Viewer).await?;
    for (key, value, actor) in [
        (field::meta::TEMPLATE, "blank", "beside-background"),
        (field::meta::TITLE, "Meidän taulu", "beside-title"),
        (field::meta::LAST_RESTORE, "forged", "beside-notice"),
    ] {
        participant.edit(|_, txn| write_meta_and_an_actor(txn, key, value, actor));
        participant
            .wait_for("the refusal", |_, seen| {
                seen.permission_denied.as_deref() == Some("facilitator-only")
            })
            .await?;
        for (who, client) in [("participant", &participant), ("viewer", &watcher)] {
            client
                .wait_for(
                    &format!("{who}: the actor beside {key}, and {key} put back"),
                    |doc, _| {
                        let board = view(doc);
                        board.actor(actor).is_some()
                            && board.meta.template == Template::Rings
                            && board.meta.title == before.title
                            && board.meta.last_restore.is_none()
                    },
                )
                .await?;
        }
    }
    let stored: kartta_protocol::api::BoardExport = fixture
        .facilitator("GET", &format!("/api/boards/{board}/export.json"), None)
        .await?
        .json()?;
    assert_eq!(stored.meta.template, Template::Rings);
    assert_eq!(stored.meta.title, before.title);
    assert_eq!(stored.actors.len(), 3);

    // The facilitator's change goes through the API and reaches everyone.
    let changed = fixture
        .facilitator(
            "PATCH",
            &format!("/api/boards/{board}"),
            Some(json!({"template": "sectors"})),
        )
        .await?;
    assert_eq!(changed.status, 200, "{}", changed.text());
    watcher
        .wait_for("the facilitator's background", |doc, _| {
            view(doc).meta.template == Template::Sectors
        })
        .await?;
    Ok(())
}

#[tokio::test]
async fn the_facilitators_restore_tells_every_member_connected_who_restored_what_and_how_to_undo(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let board = fixture.board(0);
    let aino = fixture.connect(&board, Caller::Participant).await?;
    let bertil = fixture.connect(&board, Caller::Participant).await?;
    aino.edit_and_wait_stored(|_, txn| add_actor(txn, "a", "Turun kaupunki", 0.0))
        .await?;
    let snapshot = fixture
        .take_snapshot(&board, json!({"name": "Päivän 1 loppu"}))
        .await?;
    aino.edit_and_wait_stored(|_, txn| add_actor(txn, "b", "Raision kaupunki", 1.0))
        .await?;
    bertil
        .wait_for("both actors", |doc, _| actor_count(doc) == 2)
        .await?;

    // A participant's restore is refused with words, and the board stays as it is.
    let fingerprint = fixture.fingerprint().await?;
    let refused = fixture
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/snapshots/{}/restore", snapshot.id),
            None,
        )
        .await?;
    assert_eq!(refused.status, 403, "{}", refused.text());
    let error: kartta_protocol::api::ErrorBody = refused.json()?;
    assert_eq!(error.message, "Only the facilitator can restore snapshots.");
    assert_eq!(fixture.fingerprint().await?, fingerprint);
    assert_eq!(actor_count(&bertil.doc), 2);

    // Renamed after the snapshot: the restore brings back content, not the old name.
    let renamed = fixture
        .facilitator(
            "PATCH",
            &format!("/api/boards/{board}"),
            Some(json!({"title": "Ryhmä 1 – satama"})),
        )
        .await?;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    let restored = fixture
        .facilitator(
            "POST",
            &format!("/api/snapshots/{}/restore", snapshot.id),
            Some(json!({"author": "Kaisa"})),
        )
        .await?;
    assert_eq!(restored.status, 200, "{}", restored.text());
    let restored: Restored = restored.json()?;
    // The automatic snapshot is named in the workshop's language (Finnish here).
    assert_eq!(
        restored.saved.name,
        "Ennen tilannekuvan ”Päivän 1 loppu” palauttamista"
    );
    let notice = bertil
        .wait_for("the notice of the restore", |doc, _| {
            view(doc).meta.last_restore.is_some() && actor_count(doc) == 1
        })
        .await
        .map(|()| view(&bertil.doc).meta.last_restore.unwrap())?;
    assert_eq!(notice.restored_snapshot_name, "Päivän 1 loppu");
    assert_eq!(notice.restored_by, "Kaisa");
    assert_eq!(notice.undo_snapshot_id, restored.saved.id);
    assert_eq!(notice.undo_snapshot_name, restored.saved.name);
    assert_eq!(view(&bertil.doc).meta.title, "Ryhmä 1 – satama");

    // Restoring the automatic snapshot undoes it, and is announced in turn.
    let undone = fixture
        .facilitator(
            "POST",
            &format!("/api/snapshots/{}/restore", notice.undo_snapshot_id),
            None,
        )
        .await?;
    assert_eq!(undone.status, 200, "{}", undone.text());
    bertil
        .wait_for("the board as it was before the restore", |doc, _| {
            let board = view(doc);
            actor_count(doc) == 2
                && board
                    .meta
                    .last_restore
                    .as_ref()
                    .map(|n| n.restored_by.as_str())
                    == Some("")
        })
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_copy_of_a_snapshot_has_one_title_no_timer_and_its_rename_reaches_the_overview(
) -> anyhow::Result<()> {
    let fixture = Fixture::new().await?;
    let board = fixture.board(0);
    let timer = fixture
        .facilitator(
            "POST",
            &fixture.workshop_path("/timer"),
            Some(json!({"endsAt": 1_900_000_000_000i64})),
        )
        .await?;
    assert_eq!(timer.status, 204, "{}", timer.text());
    let taken = fixture
        .facilitator(
            "POST",
            &format!("/api/boards/{board}/snapshots"),
            Some(json!({"name": "Päivän 1 loppu"})),
        )
        .await?;
    let snapshot: Snapshot = taken.json()?;
    let forked = fixture
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/snapshots/{}/fork", snapshot.id),
            None,
        )
        .await?;
    assert_eq!(forked.status, 201, "{}", forked.text());
    let forked: Forked = forked.json()?;
    let copy = forked.board.id;
    let title_in_overview = |workshop: &Workshop| {
        workshop
            .boards
            .iter()
            .find(|listed| listed.id == copy)
            .map(|listed| listed.title.clone())
    };
    let overview = fixture.workshop_as(Caller::Participant).await?;
    assert_eq!(
        title_in_overview(&overview).as_deref(),
        Some("Ryhmä 1 – Päivän 1 loppu")
    );
    let client = fixture.connect(&copy, Caller::Participant).await?;
    let meta = view(&client.doc).meta;
    assert_eq!(
        meta.title, "Ryhmä 1 – Päivän 1 loppu",
        "the header reads the same title"
    );
    assert_eq!(meta.timer_ends_at, None, "the copy does not run the timer");
    let original = fixture.connect(&board, Caller::Participant).await?;
    assert_eq!(
        view(&original.doc).meta.timer_ends_at,
        Some(1_900_000_000_000.0),
        "the group's board keeps it"
    );

    let renamed = fixture
        .facilitator(
            "PATCH",
            &format!("/api/boards/{copy}"),
            Some(json!({"title": "Ryhmä 1 – uusi suunta"})),
        )
        .await?;
    assert_eq!(renamed.status, 200, "{}", renamed.text());
    client
        .wait_for("the new title in the header", |doc, _| {
            view(doc).meta.title == "Ryhmä 1 – uusi suunta"
        })
        .await?;
    let overview = fixture.workshop_as(Caller::Participant).await?;
    assert_eq!(
        title_in_overview(&overview).as_deref(),
        Some("Ryhmä 1 – uusi suunta")
    );
    Ok(())
}
