//! Retention: a workshop past its date is purged with every board, log and snapshot in it,
//! and nothing of it is left in the database.

use kartta_protocol::api::{BoardKind, SnapshotReason, WorkshopKind};
use kartta_protocol::schema::{Locale, Template};
use kartta_server::config::ServeConfig;
use kartta_server::sync::storage::AppendRequest;
use kartta_server::workshops::catalog::{random_id, unix_now, NewWorkshop, SnapshotRecord};
use kartta_server::Server;

fn workshop(retention_days: u32) -> NewWorkshop {
    NewWorkshop {
        kind: WorkshopKind::Workshop,
        title: "Koulutuspäivä".into(),
        locale: Locale::Fi,
        template: Template::Rings,
        retention_days,
        personal_boards_at_join: false,
        boards: vec![
            ("Ryhmä 1".into(), BoardKind::Group),
            ("Ryhmä 2".into(), BoardKind::Group),
        ],
    }
}

#[tokio::test]
async fn workshops_past_their_retention_date_are_purged_completely() -> anyhow::Result<()> {
    let data_dir = std::env::temp_dir().join(format!("kartta-retention-{}", random_id()));
    let server = Server::start(ServeConfig::with_data_dir(data_dir.clone())).await?;
    let state = server.state.clone();
    let (expiring, expiring_boards, _) = state.catalog.create_workshop(&workshop(1))?;
    let (kept, kept_boards, _) = state.catalog.create_workshop(&workshop(30))?;
    let store = state.rooms.store().clone();
    for board in expiring_boards.iter().chain(&kept_boards) {
        store.compact(&board.id, b"state", 0)?;
        let updates = [bytes::Bytes::from_static(b"update")];
        store.append(&[AppendRequest {
            board_id: &board.id,
            updates: &updates,
        }])?;
        let snapshot = SnapshotRecord {
            id: random_id(),
            board_id: board.id.clone(),
            name: "Päivä 1".into(),
            reason: SnapshotReason::Workshop,
            author: None,
            created_at: unix_now(),
            bytes: 0,
        };
        state.catalog.add_snapshot(&snapshot, b"state")?;
    }
    assert_eq!(state.catalog.row_counts()?, [2, 4, 4]);

    // Nothing is due yet.
    assert_eq!(
        kartta_server::workshops::api::purge_expired(&state, unix_now())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        0
    );
    // Two days later the one-day workshop is due, the thirty-day one is not.
    let later = unix_now() + 2 * 86_400;
    assert_eq!(
        kartta_server::workshops::api::purge_expired(&state, later)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        1
    );
    assert_eq!(state.catalog.row_counts()?, [1, 2, 2]);
    assert!(state.catalog.workshop(&expiring.id)?.is_none());
    assert!(state.catalog.workshop(&kept.id)?.is_some());
    for board in &expiring_boards {
        let stored = store.load(&board.id)?;
        assert!(
            stored.state.is_none() && stored.updates.is_empty(),
            "no document rows left for {}",
            board.id
        );
    }
    for board in &kept_boards {
        assert_eq!(store.load(&board.id)?.updates.len(), 1);
    }
    server.shutdown().await;
    std::fs::remove_dir_all(&data_dir)?;
    Ok(())
}
