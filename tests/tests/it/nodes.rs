//! Several nodes on one PostgreSQL and one Redis (`--postgres-url`, `--redis-url`): clients of
//! one board on different nodes converge and see each other's presence, and losing a node,
//! Redis or PostgreSQL loses nothing any client saw. Skipped (with a printed reason) without
//! `KARTTA_TEST_POSTGRES_URL` and `KARTTA_TEST_REDIS_URL` (`scripts/services.sh start`); the
//! tests that stop a service start an instance of their own.

use std::time::Duration;

use kartta_tests::board::{actor_count, add_actor};
use kartta_tests::client::Seen;
use kartta_tests::fixture::{create_workshop, workshop_as};
use kartta_tests::nodes::{
    shared_services, start_nodes, start_nodes_with, wait_for_metric, OwnServices,
};
use kartta_tests::{new_board_id, Client, ServerProcess};
use serde_json::json;
use yrs::updates::decoder::Decode;
use yrs::{Doc, ReadTxn, StateVector, Transact, Update};

const CONNECTED: &str = "kartta_carriage_connected";

/// Two nodes on PostgreSQL and Redis of the test's own (which it may stop and start), both
/// linked to Redis; `None` (the test skips) when the machine has no engines to start.
async fn two_carrying_nodes(
    test: &str,
) -> anyhow::Result<Option<(OwnServices, Vec<ServerProcess>)>> {
    let Some(services) = OwnServices::start(test)? else {
        return Ok(None);
    };
    let nodes = start_nodes(2, &services.postgres_url, &services.redis_url).await?;
    carriage_of_every_node_is(&nodes, true).await?;
    Ok(Some((services, nodes)))
}

/// Waits until every node's link to Redis is up (`connected`) or down.
async fn carriage_of_every_node_is(nodes: &[ServerProcess], connected: bool) -> anyhow::Result<()> {
    let wanted = if connected { 1.0 } else { 0.0 };
    for node in nodes {
        wait_for_metric(node, CONNECTED, |value| value == wanted).await?;
    }
    Ok(())
}

/// True when `doc` holds everything in `state` (a whole document as one update): applying it
/// would add nothing.
fn holds(doc: &Doc, state: &[u8]) -> bool {
    let copy = Doc::new();
    let mut txn = copy.transact_mut();
    txn.apply_update(
        Update::decode_v1(
            &doc.transact()
                .encode_state_as_update_v1(&StateVector::default()),
        )
        .unwrap(),
    )
    .unwrap();
    let before = txn.state_vector();
    txn.apply_update(Update::decode_v1(state).unwrap()).unwrap();
    txn.state_vector() == before && !txn.has_missing_updates()
}

/// Whether what a client has seen includes `other`'s presence.
fn sees(seen: &Seen, other: &Client) -> bool {
    seen.awareness.contains_key(&other.client_id())
}

#[tokio::test]
async fn clients_on_three_nodes_converge_see_each_other_and_a_late_joiner_gets_everything(
) -> anyhow::Result<()> {
    let Some((postgres, redis)) = shared_services("clients_on_three_nodes_converge") else {
        return Ok(());
    };
    let nodes = start_nodes(3, &postgres, &redis).await?;
    carriage_of_every_node_is(&nodes, true).await?;
    let board = new_board_id();
    let first = Client::connect(&nodes[0].sync_url(&board)).await?;
    let second = Client::connect(&nodes[1].sync_url(&board)).await?;
    first.set_awareness(1, r#"{"user":{"name":"Aino"}}"#);
    second.set_awareness(1, r#"{"user":{"name":"Bertta"}}"#);
    first
        .wait_for("Bertta's presence from the other node", |_, seen| {
            sees(seen, &second)
        })
        .await?;
    second
        .wait_for("Aino's presence from the other node", |_, seen| {
            sees(seen, &first)
        })
        .await?;

    for index in 0..25 {
        first.edit(|_, txn| add_actor(txn, &format!("a{index}"), "Turun kaupunki", index as f64));
        second.edit(|_, txn| add_actor(txn, &format!("b{index}"), "Åbo Akademi", index as f64));
    }
    for client in [&first, &second] {
        client
            .wait_for("all 50 actors", |doc, _| actor_count(doc) == 50)
            .await?;
    }
    assert_eq!(first.state().len(), second.state().len());
    assert!(holds(&first.doc, &second.state()) && holds(&second.doc, &first.state()));

    // A late joiner on the third node gets the whole board (from PostgreSQL) and the presence
    // of the others (asked of their nodes).
    let late = Client::connect(&nodes[2].sync_url(&board)).await?;
    assert_eq!(actor_count(&late.doc), 50);
    assert!(holds(&late.doc, &first.state()));
    late.wait_for("both others' presence", |_, seen| {
        sees(seen, &first) && sees(seen, &second)
    })
    .await?;
    // Its own edit reaches the first two.
    late.edit(|_, txn| add_actor(txn, "c", "Varsinais-Suomen liitto", 0.0));
    for client in [&first, &second] {
        client
            .wait_for("the late joiner's actor", |doc, _| actor_count(doc) == 51)
            .await?;
    }

    // A node that stops takes its clients' presence along at once, not after the awareness
    // timeout (30 s, past this wait's patience).
    let mut nodes = nodes;
    nodes[0].terminate().await?;
    second
        .wait_for("Aino's presence to go with her node", |_, seen| {
            !sees(seen, &first)
        })
        .await?;
    assert!(
        second.seen(|seen| sees(seen, &second)),
        "the live node's presence stays"
    );
    Ok(())
}

/// A node dies (SIGKILL) right after its writes were relayed: its clients reconnect to another
/// node, and every update any client saw is stored, including the ones only the dead node's
/// clients had seen. The writer's own edits that were never acknowledged come back with its
/// reconnect. The dead node's presence disappears from the others (its heartbeat stopped).
#[tokio::test]
async fn a_killed_node_loses_nothing_any_client_saw() -> anyhow::Result<()> {
    let Some((postgres, redis)) = shared_services("a_killed_node_loses_nothing") else {
        return Ok(());
    };
    let mut nodes = start_nodes(3, &postgres, &redis).await?;
    carriage_of_every_node_is(&nodes, true).await?;
    let board = new_board_id();
    let writer = Client::connect(&nodes[0].sync_url(&board)).await?;
    let observers = [
        Client::connect(&nodes[0].sync_url(&board)).await?,
        Client::connect(&nodes[1].sync_url(&board)).await?,
        Client::connect(&nodes[2].sync_url(&board)).await?,
    ];
    writer.set_awareness(1, r#"{"user":{"name":"Kaatuva"}}"#);
    observers[1]
        .wait_for("the writer's presence", |_, seen| sees(seen, &writer))
        .await?;

    for index in 0..40 {
        writer.edit(|_, txn| add_actor(txn, &format!("a{index}"), "Salon kaupunki", index as f64));
        if index == 20 {
            // The instant writes were relayed to another node, the writer's node dies.
            observers[1]
                .wait_for("relayed writes", |doc, _| actor_count(doc) >= 1)
                .await?;
            nodes[0].kill().await;
        }
    }
    let seen: Vec<Vec<u8>> = observers.iter().map(Client::state).collect();
    assert!(seen.iter().any(|state| {
        let doc = Doc::new();
        doc.transact_mut()
            .apply_update(Update::decode_v1(state).unwrap())
            .unwrap();
        actor_count(&doc) > 0
    }));

    // A newcomer on a surviving node holds everything every observer saw (the dead node's
    // own observer included), before the writer has come back.
    let newcomer = Client::connect(&nodes[2].sync_url(&board)).await?;
    newcomer
        .wait_for("everything any client saw", |doc, _| {
            seen.iter().all(|state| holds(doc, state))
        })
        .await?;

    // The writer reconnects to another node and resends what was never stored.
    let writer = writer.reconnect(&nodes[1].sync_url(&board)).await?;
    for client in [&writer, &newcomer] {
        client
            .wait_for("all 40 actors", |doc, _| actor_count(doc) == 40)
            .await?;
    }

    // The dead node's client (Kaatuva) is no longer renewed: the others drop it, while the
    // presence of a client on a live node, renewed as a stock client renews it, stays.
    let dead_writer_id = writer.client_id();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let mut clock = 1;
    while observers[2].seen(|seen| seen.awareness.contains_key(&dead_writer_id)) {
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "the dead node's presence never expired"
        );
        clock += 1;
        observers[1].set_awareness(clock, r#"{"user":{"name":"Elossa"}}"#);
        observers[2]
            .wait_for_within("a change of presence", Duration::from_secs(3), |_, seen| {
                !seen.awareness.contains_key(&dead_writer_id)
            })
            .await
            .ok();
    }
    observers[2]
        .wait_for("the live node's renewed presence", |_, seen| {
            sees(seen, &observers[1])
        })
        .await?;
    Ok(())
}

/// A SIGKILLed node cannot take its clients' presence along: the other nodes notice that its
/// heartbeat stopped and drop that presence at once, long before the awareness timeout would
/// (30 s, past this wait's patience of 10 s); the presence relayed by a live node stays. The
/// killed node is started again at once: it is a new node (a new id), so its heartbeat does not
/// keep its previous life's presence alive, and its new clients are seen.
#[tokio::test]
async fn a_killed_nodes_presence_goes_when_its_heartbeat_stops() -> anyhow::Result<()> {
    let Some((postgres, redis)) = shared_services("a_killed_nodes_presence_goes") else {
        return Ok(());
    };
    let heartbeat = [
        "--node-heartbeat-ms",
        "200",
        "--node-missed-heartbeats",
        "3",
    ];
    let mut nodes = start_nodes_with(3, &postgres, &redis, &heartbeat).await?;
    carriage_of_every_node_is(&nodes, true).await?;
    wait_for_metric(&nodes[1], "kartta_carriage_remote_nodes_alive", |alive| {
        alive == 2.0
    })
    .await?;
    let board = new_board_id();
    let on_killed_node = Client::connect(&nodes[0].sync_url(&board)).await?;
    let watcher = Client::connect(&nodes[1].sync_url(&board)).await?;
    let on_live_node = Client::connect(&nodes[2].sync_url(&board)).await?;
    on_killed_node.set_awareness(1, r#"{"user":{"name":"Kaatuva"}}"#);
    on_live_node.set_awareness(1, r#"{"user":{"name":"Elossa"}}"#);
    watcher
        .wait_for("both others' presence", |_, seen| {
            sees(seen, &on_killed_node) && sees(seen, &on_live_node)
        })
        .await?;

    nodes[0].kill().await;
    nodes[0].restart().await?;
    watcher
        .wait_for("the killed node's presence to go", |_, seen| {
            !sees(seen, &on_killed_node)
        })
        .await?;
    assert!(
        watcher.seen(|seen| sees(seen, &on_live_node)),
        "the live node's presence stays"
    );
    let on_restarted_node = Client::connect(&nodes[0].sync_url(&board)).await?;
    on_restarted_node.set_awareness(1, r#"{"user":{"name":"Uusi"}}"#);
    watcher
        .wait_for("the restarted node's new client", |_, seen| {
            sees(seen, &on_restarted_node)
        })
        .await?;
    // The old id is gone for good, the restarted node counts as the one it is now.
    wait_for_metric(&nodes[1], "kartta_carriage_remote_nodes_alive", |alive| {
        alive == 2.0
    })
    .await?;
    Ok(())
}

/// Redis is killed and started again (empty, same port) while two nodes take writes: each node
/// keeps serving its own clients, catches up from PostgreSQL, and relays again once Redis is
/// back; every client ends with every update.
#[tokio::test]
async fn redis_killed_and_restarted_under_load_loses_nothing() -> anyhow::Result<()> {
    let Some((services, nodes)) =
        two_carrying_nodes("redis_killed_and_restarted_under_load").await?
    else {
        return Ok(());
    };
    let board = new_board_id();
    let first = Client::connect(&nodes[0].sync_url(&board)).await?;
    let second = Client::connect(&nodes[1].sync_url(&board)).await?;
    let write_round = |round: usize| {
        for index in 0..10 {
            first.edit(|_, txn| add_actor(txn, &format!("a{round}-{index}"), "Turku", 1.0));
            second.edit(|_, txn| add_actor(txn, &format!("b{round}-{index}"), "Åbo", 2.0));
        }
    };
    write_round(0);
    for client in [&first, &second] {
        client
            .wait_for("the first round", |doc, _| actor_count(doc) == 20)
            .await?;
    }

    services.kill_redis()?;
    carriage_of_every_node_is(&nodes, false).await?;
    // Without Redis: each node still serves its own clients, and the other node's writes come
    // from PostgreSQL's log.
    write_round(1);
    for client in [&first, &second] {
        client
            .wait_for("the round written while Redis was away", |doc, _| {
                actor_count(doc) == 40
            })
            .await?;
    }

    services.start_redis()?;
    for node in &nodes {
        wait_for_metric(node, "kartta_carriage_reconnects_total", |value| {
            value >= 1.0
        })
        .await?;
        wait_for_metric(node, CONNECTED, |value| value == 1.0).await?;
    }
    let received_before =
        kartta_tests::nodes::node_metric(&nodes[1], "kartta_carriage_received_total").await?;
    write_round(2);
    for client in [&first, &second] {
        client
            .wait_for("every round", |doc, _| actor_count(doc) == 60)
            .await?;
    }
    // The relay carries again.
    wait_for_metric(&nodes[1], "kartta_carriage_received_total", |value| {
        value > received_before
    })
    .await?;
    assert!(holds(&first.doc, &second.state()) && holds(&second.doc, &first.state()));
    Ok(())
}

/// PostgreSQL stops while clients write: writes are refused (the room closes its connections,
/// the clients keep their edits), nothing acknowledged is lost, and once PostgreSQL is back the
/// clients reconnect, resend and converge.
#[tokio::test]
async fn postgres_stopped_under_load_refuses_writes_and_resumes() -> anyhow::Result<()> {
    let Some((services, nodes)) = two_carrying_nodes("postgres_stopped_under_load").await? else {
        return Ok(());
    };
    let board = new_board_id();
    let first = Client::connect(&nodes[0].sync_url(&board)).await?;
    let second = Client::connect(&nodes[1].sync_url(&board)).await?;
    for index in 0..10 {
        first
            .edit_and_wait_stored(|_, txn| add_actor(txn, &format!("a{index}"), "Naantali", 1.0))
            .await?;
    }
    second
        .wait_for("the acknowledged writes", |doc, _| actor_count(doc) == 10)
        .await?;
    let acknowledged = first.state();

    services.stop_postgres()?;
    // Writes go on; the first that cannot be stored closes the room's connections.
    for index in 10..15 {
        first.edit(|_, txn| add_actor(txn, &format!("a{index}"), "Naantali", 1.0));
    }
    let code = first.wait_for_close().await?;
    assert_eq!(code, Some(1011), "storage failed: reconnect later");
    assert_eq!(actor_count(&first.doc), 15, "the client keeps its edits");
    // Meanwhile no room of the board loads anywhere.
    let refused = Client::connect(&nodes[1].sync_url(&new_board_id())).await;
    assert!(
        refused.is_err(),
        "a board cannot be loaded without PostgreSQL"
    );

    services.start_postgres()?;
    // The clients reconnect (each to the other node) and resend what was never stored; while
    // PostgreSQL is still starting, a reconnect may be refused, and the client tries again, as
    // a stock client does.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let (first, second) = loop {
        let first_again = first
            .reconnect_until_synced(&nodes[1].sync_url(&board))
            .await?;
        let second_again = second
            .reconnect_until_synced(&nodes[0].sync_url(&board))
            .await?;
        // The second client never had the five unstored edits: it holds them only once the
        // first client's resend was stored and carried to the other node.
        let converged = second_again
            .wait_for("the resent edits from the other node", |doc, _| {
                actor_count(doc) == 15
            })
            .await;
        match converged {
            Ok(()) => break (first_again, second_again),
            Err(error) if tokio::time::Instant::now() > deadline => return Err(error),
            Err(_) => {}
        }
    };
    assert!(holds(&first.doc, &second.state()) && holds(&second.doc, &first.state()));
    let fresh = Client::connect(&nodes[0].sync_url(&board)).await?;
    assert!(
        holds(&fresh.doc, &acknowledged),
        "nothing acknowledged was lost"
    );
    assert_eq!(actor_count(&fresh.doc), 15);
    Ok(())
}

/// PostgreSQL restarts between two writes: each node's sessions were cut, and the first write
/// after the restart is stored on a new session (the cut transaction had not committed, so it
/// runs once more) instead of failing and closing every client of the room. The catalog
/// answers too: an API call after the restart is not a 500.
#[tokio::test]
async fn the_first_write_after_postgres_restarts_is_stored_and_no_client_is_closed(
) -> anyhow::Result<()> {
    let Some((services, nodes)) =
        two_carrying_nodes("the_first_write_after_postgres_restarts").await?
    else {
        return Ok(());
    };
    let created = create_workshop(
        &nodes[0],
        json!({"title": "Uudelleenkäynnistys", "locale": "fi", "template": "blank", "groupCount": 1}),
    )
    .await?;
    let board = new_board_id();
    let writer = Client::connect(&nodes[0].sync_url(&board)).await?;
    let reader = Client::connect(&nodes[1].sync_url(&board)).await?;
    writer
        .edit_and_wait_stored(|_, txn| add_actor(txn, "before", "Kaarinan kaupunki", 1.0))
        .await?;
    reader
        .wait_for("the write before the restart", |doc, _| {
            actor_count(doc) == 1
        })
        .await?;

    services.stop_postgres()?;
    services.start_postgres()?;

    writer
        .edit_and_wait_stored(|_, txn| add_actor(txn, "after", "Kaarinan kaupunki", 2.0))
        .await?;
    reader
        .wait_for("the write after the restart", |doc, _| {
            actor_count(doc) == 2
        })
        .await?;
    for client in [&writer, &reader] {
        assert_eq!(
            client.seen(|seen| (seen.ended, seen.close_code)),
            (false, None),
            "no client was closed"
        );
    }
    for node in &nodes {
        // Each node's catalog session was cut as well: its first call after the restart
        // answers.
        let workshop = workshop_as(node, &created, &created.tokens.facilitator).await?;
        assert_eq!(workshop.id, created.workshop.id);
        assert!(
            kartta_tests::nodes::node_metric(node, "kartta_postgres_reconnects_total").await?
                >= 1.0,
            "node {} counts its reconnects",
            node.port
        );
    }
    let again = create_workshop(
        &nodes[1],
        json!({"title": "Toinen", "locale": "sv", "template": "blank", "groupCount": 1}),
    )
    .await?;
    assert_eq!(again.workshop.title, "Toinen");
    Ok(())
}

/// Redis without PostgreSQL would relay between nodes that each keep a different SQLite board:
/// the node refuses to start and says why.
#[tokio::test]
async fn redis_without_postgres_is_refused_at_start() -> anyhow::Result<()> {
    let data_dir = std::env::temp_dir().join(format!("kartta-test-{}", new_board_id()));
    let output = tokio::process::Command::new(kartta_tests::server::kartta_binary())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--redis-url",
            "redis://127.0.0.1:1/",
        ])
        .arg("--data-dir")
        .arg(&data_dir)
        .output()
        .await?;
    let _ = std::fs::remove_dir_all(&data_dir);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--redis-url needs --postgres-url"),
        "{stderr}"
    );
    Ok(())
}
