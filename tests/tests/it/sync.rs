//! The sync server end to end: the real binary on 127.0.0.1, real websockets, a real database.

use std::time::{Duration, Instant};

use kartta_protocol::codec;
use kartta_protocol::schema::field;
use kartta_tests::board::{actor_count, add_actor, set_actor_field, view};
use kartta_tests::{
    http_get, metric, new_board_id, wait_for_health, Client, RawSocket, ServerProcess,
};
use tokio_tungstenite::tungstenite::Message as WsMessage;

#[tokio::test]
async fn three_clients_converge_a_late_joiner_gets_everything_and_boards_are_isolated(
) -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[]).await?;
    let board = new_board_id();
    let clients = [
        Client::connect(&server.sync_url(&board)).await?,
        Client::connect(&server.sync_url(&board)).await?,
        Client::connect(&server.sync_url(&board)).await?,
    ];
    clients[0].edit(|_, txn| add_actor(txn, "shared", "Varsinais-Suomen liitto", 0.0));
    for client in &clients {
        client
            .wait_for("the shared actor", |doc, _| actor_count(doc) == 1)
            .await?;
    }
    // Interleaved edits from all three, including concurrent edits of different fields of
    // one actor (one renames, one moves): both must survive.
    for round in 0..20 {
        for (index, client) in clients.iter().enumerate() {
            client.edit(|_, txn| {
                add_actor(
                    txn,
                    &format!("c{index}-{round}"),
                    &format!("Actor {index}/{round}"),
                    round as f64,
                )
            });
        }
    }
    clients[1]
        .edit(|_, txn| set_actor_field(txn, "shared", field::actor::NAME, "Regional Council"));
    clients[2].edit(|_, txn| set_actor_field(txn, "shared", field::actor::X, 250.0));
    let converged = |doc: &yrs::Doc, _: &kartta_tests::client::Seen| {
        let board = view(doc);
        board.actors.len() == 61
            && board
                .actor("shared")
                .is_some_and(|actor| actor.name == "Regional Council" && actor.x == 250.0)
    };
    for client in &clients {
        client
            .wait_for("61 actors and both edits of the shared one", converged)
            .await?;
    }
    let expected = view(&clients[0].doc);
    assert_eq!(view(&clients[1].doc), expected);
    assert_eq!(view(&clients[2].doc), expected);

    let late = Client::connect(&server.sync_url(&board)).await?;
    assert_eq!(
        view(&late.doc),
        expected,
        "a late joiner gets the whole board in its first sync"
    );

    // Another board: once its own marker has come back through the server, it holds that
    // marker and nothing of the first board.
    let elsewhere = Client::connect(&server.sync_url(&new_board_id())).await?;
    elsewhere
        .edit_and_wait_stored(|_, txn| add_actor(txn, "marker", "Muu taulu", 0.0))
        .await?;
    assert_eq!(
        actor_count(&elsewhere.doc),
        1,
        "another board sees nothing of this one"
    );
    Ok(())
}

#[tokio::test]
async fn awareness_is_relayed_to_everyone_and_removed_when_a_client_leaves_or_vanishes(
) -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[]).await?;
    let board = new_board_id();
    let observer = Client::connect(&server.sync_url(&board)).await?;
    let polite = Client::connect(&server.sync_url(&board)).await?;
    let vanishing = Client::connect(&server.sync_url(&board)).await?;
    let polite_id = polite.client_id();
    let vanishing_id = vanishing.client_id();
    polite.set_awareness(1, r##"{"user":{"name":"Aino","color":"#0a7"}}"##);
    vanishing.set_awareness(1, r#"{"user":{"name":"Björn"}}"#);
    observer
        .wait_for("both awareness states", |_, seen| {
            seen.awareness
                .get(&polite_id)
                .is_some_and(|s| s.contains("Aino"))
                && seen.awareness.contains_key(&vanishing_id)
        })
        .await?;
    polite
        .wait_for("its own state relayed back", |_, seen| {
            seen.awareness.contains_key(&polite_id)
        })
        .await?;

    // A client that joins later is told who is already there.
    let late = Client::connect(&server.sync_url(&board)).await?;
    late.wait_for("existing states on join", |_, seen| {
        seen.awareness.len() == 2
    })
    .await?;

    polite.close().await;
    observer
        .wait_for("removal after a clean close", |_, seen| {
            !seen.awareness.contains_key(&polite_id)
        })
        .await?;
    vanishing.abort();
    drop(vanishing);
    observer
        .wait_for("removal after a killed socket", |_, seen| {
            !seen.awareness.contains_key(&vanishing_id)
        })
        .await?;
    Ok(())
}

/// A hostile frame, and the close code the server must answer with.
struct Hostile {
    name: &'static str,
    frame: WsMessage,
    close_code: u16,
}

fn hostile_inputs() -> Vec<Hostile> {
    let binary = |bytes: Vec<u8>| WsMessage::Binary(bytes.into());
    let mut truncated_update = codec::encode_update(&{
        let doc = yrs::Doc::new();
        let mut txn = yrs::Transact::transact_mut(&doc);
        add_actor(&mut txn, "a", "Turku", 1.0);
        txn.encode_update_v1()
    });
    truncated_update.truncate(truncated_update.len() - 3);
    let huge_awareness = codec::encode_awareness([(1, 1, vec![b'x'; 20_000].as_slice())]);
    let many_clients: Vec<(u64, u32, &[u8])> = (0..40).map(|i| (i, 1, b"{}".as_slice())).collect();
    vec![
        Hostile {
            name: "text frame",
            frame: WsMessage::Text("hello".into()),
            close_code: 1003,
        },
        Hostile {
            name: "empty frame",
            frame: binary(vec![]),
            close_code: 1007,
        },
        Hostile {
            name: "garbage",
            frame: binary(vec![0xff; 12]),
            close_code: 1007,
        },
        Hostile {
            name: "unknown message type",
            frame: binary(vec![9, 1, 2]),
            close_code: 1007,
        },
        Hostile {
            name: "unknown sync type",
            frame: binary(vec![0, 7, 0]),
            close_code: 1007,
        },
        Hostile {
            name: "truncated update",
            frame: binary(truncated_update),
            close_code: 1007,
        },
        Hostile {
            name: "state vector bomb",
            frame: binary(vec![0, 0, 4, 0xff, 0xff, 0xff, 0x7a]),
            close_code: 1007,
        },
        Hostile {
            name: "update bomb",
            frame: binary(vec![0, 2, 4, 0xff, 0xff, 0xff, 0x7a]),
            close_code: 1007,
        },
        // Well-formed on the outside, but names a type yrs does not know: fails to decode.
        Hostile {
            name: "update yrs refuses",
            frame: binary(codec::encode_update(&[1, 1, 5, 0, 7, 1, 1, b'r', 12, 0])),
            close_code: 1007,
        },
        Hostile {
            name: "legacy JSON content (yrs panics re-encoding it)",
            frame: binary(codec::encode_sync_step2(&[1, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0])),
            close_code: 1007,
        },
        Hostile {
            name: "client id above 2^53",
            frame: binary(vec![
                0, 2, 10, 1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0,
            ]),
            close_code: 1007,
        },
        Hostile {
            name: "oversized awareness state",
            frame: binary(huge_awareness),
            close_code: 1007,
        },
        Hostile {
            name: "awareness state that is not JSON",
            frame: binary(codec::encode_awareness([(
                1,
                1,
                br#"{"user": not json"#.as_slice(),
            )])),
            close_code: 1007,
        },
        Hostile {
            name: "too many awareness clients",
            frame: binary(codec::encode_awareness(many_clients)),
            close_code: 4030,
        },
        Hostile {
            name: "frame over the size limit",
            frame: binary(vec![0; 300_000]),
            close_code: 1009,
        },
    ]
}

#[tokio::test]
async fn hostile_input_closes_only_the_offending_socket() -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&["--max-message-bytes", "262144"]).await?;
    let board = new_board_id();
    let alice = Client::connect(&server.sync_url(&board)).await?;
    let bob = Client::connect(&server.sync_url(&board)).await?;
    for (round, hostile) in hostile_inputs().into_iter().enumerate() {
        let mut attacker = RawSocket::connect(&server.sync_url(&board)).await?;
        attacker.send(hostile.frame).await?;
        let code = attacker.close_code().await?;
        assert_eq!(
            code.map(u16::from),
            Some(hostile.close_code),
            "{}",
            hostile.name
        );
        alice.edit(|_, txn| add_actor(txn, &format!("after-{round}"), hostile.name, round as f64));
        bob.wait_for(hostile.name, |doc, _| actor_count(doc) == round + 1)
            .await?;
    }
    let (status, body) = http_get(server.port, "/healthz").await?;
    assert_eq!(status, 200, "{body}");
    Ok(())
}

#[tokio::test]
async fn an_awareness_state_that_is_not_json_closes_its_sender_and_reaches_nobody(
) -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[]).await?;
    let board = new_board_id();
    let observer = Client::connect(&server.sync_url(&board)).await?;
    let speaker = Client::connect(&server.sync_url(&board)).await?;
    let mut attacker = RawSocket::connect(&server.sync_url(&board)).await?;
    let attacker_client_id = 4242;
    attacker
        .send(WsMessage::Binary(
            codec::encode_awareness([(attacker_client_id, 1, br#"{"user": not json"#.as_slice())])
                .into(),
        ))
        .await?;
    assert_eq!(attacker.close_code().await?.map(u16::from), Some(1007));

    // The room handles a board's messages in order, so once a state sent after the bad one has
    // arrived, the bad one would have arrived before it.
    let speaker_id = speaker.client_id();
    speaker.set_awareness(1, r#"{"user":{"name":"Aino"}}"#);
    observer
        .wait_for("the state sent after the bad one", |_, seen| {
            seen.awareness
                .get(&speaker_id)
                .is_some_and(|state| state.contains("Aino"))
        })
        .await?;
    observer.seen(|seen| {
        assert_eq!(
            seen.undecodable_frames, 0,
            "a frame a stock client throws on"
        );
        assert!(!seen.awareness.contains_key(&attacker_client_id));
    });
    Ok(())
}

#[tokio::test]
async fn a_board_id_that_is_not_an_id_is_refused_before_upgrading() -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[]).await?;
    let error =
        RawSocket::connect(&format!("ws://127.0.0.1:{}/sync/bad%20id%3B", server.port)).await;
    assert!(error.is_err(), "the upgrade is refused");
    let (status, body) = http_get(server.port, "/sync/bad%20id").await?;
    assert_eq!(status, 400);
    assert!(body.contains("\"error\":\"bad_request\""), "{body}");
    Ok(())
}

#[tokio::test]
async fn a_client_that_stops_reading_is_disconnected_while_the_others_keep_up() -> anyhow::Result<()>
{
    // 600 updates of 32 KiB against a queue of 32 messages.
    a_stalled_reader_is_told_it_was_too_slow(&["--outgoing-queue", "32"], 32 * 1024, 600).await
}

#[tokio::test]
async fn a_client_that_stops_reading_large_updates_is_disconnected_by_the_bytes_it_holds(
) -> anyhow::Result<()> {
    // 160 updates of 256 KiB (40 MB) never fill the default queue of 1,024 messages, but a reader
    // that stopped taking them would keep every one alive; 2 MB of them is its limit here.
    a_stalled_reader_is_told_it_was_too_slow(
        &["--outgoing-queue-bytes", &(2 * 1024 * 1024).to_string()],
        256 * 1024,
        160,
    )
    .await
}

/// Floods a room with `flood` updates of `payload_bytes` while one client reads nothing after
/// joining: the others see every update and stay, the stalled one is closed with 4008.
async fn a_stalled_reader_is_told_it_was_too_slow(
    limits: &[&str],
    payload_bytes: usize,
    flood: usize,
) -> anyhow::Result<()> {
    let mut args = vec![
        "--messages-per-second",
        "100000",
        "--message-burst",
        "100000",
    ];
    args.extend_from_slice(limits);
    let server = ServerProcess::start_open(&args).await?;
    let board = new_board_id();
    let writer = Client::connect(&server.sync_url(&board)).await?;
    let reader = Client::connect(&server.sync_url(&board)).await?;
    // Joins, then reads nothing until the server has given up on it.
    let mut stalled = RawSocket::connect(&server.sync_url(&board)).await?;
    stalled
        .send(WsMessage::Binary(codec::encode_sync_step1(&[0]).into()))
        .await?;
    // As soon as the server counts the disconnect, the stalled client reads what is buffered
    // for it: the last thing there must be the close frame saying why.
    let port = server.port;
    let close_code = tokio::spawn(async move {
        loop {
            let (_, metrics) = http_get(port, "/metrics").await?;
            if metric(&metrics, "kartta_slow_client_disconnects_total").unwrap_or(0.0) >= 1.0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stalled.close_code().await
    });

    let payload = "x".repeat(payload_bytes);
    // One update at a time, so that each is its own broadcast message and the stalled
    // client's queue fills once the kernel's socket buffers are full.
    for i in 0..flood {
        writer.edit(|_, txn| add_actor(txn, &format!("big-{i}"), &payload, i as f64));
        reader
            .wait_for("the next flood update", |doc, _| actor_count(doc) == i + 1)
            .await?;
    }
    writer.edit(|_, txn| add_actor(txn, "after-flood", "small", 0.0));
    reader
        .wait_for("the update after the flood", |doc, _| {
            actor_count(doc) == flood + 1
        })
        .await?;
    // Bounded so a server that never gives up on it fails the test instead of hanging it.
    let close_code = tokio::time::timeout(Duration::from_secs(120), close_code)
        .await
        .map_err(|_| {
            anyhow::anyhow!("the stalled client was never disconnected as too slow")
        })???;
    assert_eq!(
        close_code.map(u16::from),
        Some(4008),
        "the stalled client is told it was too slow"
    );
    wait_for_health(server.port, "the stalled client gone", |health| {
        health.connections == 2
    })
    .await?;
    assert!(
        !reader.seen(|seen| seen.ended) && !writer.seen(|seen| seen.ended),
        "the clients that keep up stay connected"
    );
    Ok(())
}

#[tokio::test]
async fn two_hundred_clients_in_one_room_converge() -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[]).await?;
    let board = new_board_id();
    let mut clients = Vec::new();
    for _ in 0..200 {
        clients.push(Client::connect_unsynced(&server.sync_url(&board)).await?);
    }
    for client in &clients {
        client.wait_for("sync", |_, seen| seen.synced).await?;
    }
    for (index, client) in clients.iter().enumerate() {
        client.edit(|_, txn| add_actor(txn, &format!("a{index}"), "x", index as f64));
    }
    for client in &clients {
        client
            .wait_for("200 actors", |doc, _| actor_count(doc) == 200)
            .await?;
    }
    let expected = view(&clients[0].doc);
    assert!(clients.iter().all(|client| view(&client.doc) == expected));
    Ok(())
}

#[tokio::test]
async fn health_and_metrics_report_the_server_state() -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[]).await?;
    let client = Client::connect(&server.sync_url(&new_board_id())).await?;
    client
        .edit_and_wait_stored(|_, txn| add_actor(txn, "a", "Turku", 0.0))
        .await?;
    let (status, health) = http_get(server.port, "/healthz").await?;
    assert_eq!(status, 200);
    let health: kartta_protocol::api::Health = serde_json::from_str(&health)?;
    assert_eq!((health.rooms, health.connections), (1, 1));
    let (_, metrics) = http_get(server.port, "/metrics").await?;
    assert_eq!(metric(&metrics, "kartta_rooms_loaded"), Some(1.0));
    assert!(
        metric(&metrics, "kartta_updates_persisted_total").unwrap_or(0.0) >= 1.0,
        "{metrics}"
    );
    assert!(
        metrics.contains("kartta_persist_latency_seconds_bucket"),
        "{metrics}"
    );
    Ok(())
}

#[tokio::test]
async fn a_full_board_refuses_one_more_connection() -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&["--max-connections-per-board", "2"]).await?;
    let board = new_board_id();
    let _first = Client::connect(&server.sync_url(&board)).await?;
    let _second = Client::connect(&server.sync_url(&board)).await?;
    let mut third = RawSocket::connect(&server.sync_url(&board)).await?;
    assert_eq!(third.close_code().await?.map(u16::from), Some(4009));
    let _elsewhere = Client::connect(&server.sync_url(&new_board_id())).await?;
    Ok(())
}

#[tokio::test]
async fn a_fast_sender_is_slowed_down_but_loses_nothing() -> anyhow::Result<()> {
    let server =
        ServerProcess::start_open(&["--messages-per-second", "40", "--message-burst", "10"])
            .await?;
    let board = new_board_id();
    let sender = Client::connect(&server.sync_url(&board)).await?;
    let receiver = Client::connect(&server.sync_url(&board)).await?;
    let started = Instant::now();
    for i in 0..50 {
        sender.edit(|_, txn| add_actor(txn, &format!("a{i}"), "x", i as f64));
    }
    receiver
        .wait_for("all 50 updates", |doc, _| actor_count(doc) == 50)
        .await?;
    // 10 go through at once; the other 40 at 40 per second take at least about a second.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "not rate limited: {:?}",
        started.elapsed()
    );
    Ok(())
}

#[tokio::test]
async fn a_silent_client_still_hears_from_the_server() -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&["--keepalive-seconds", "0.3"]).await?;
    let viewer = Client::connect(&server.sync_url(&new_board_id())).await?;
    // A viewer with no awareness state of its own and nothing happening on the board.
    viewer
        .wait_for("keepalive traffic", |_, seen| seen.awareness_messages >= 2)
        .await?;
    assert!(
        viewer.seen(|seen| seen.awareness.is_empty()),
        "keepalives list no clients"
    );
    Ok(())
}

#[tokio::test]
async fn a_peer_that_stops_answering_pings_is_closed_and_its_presence_removed() -> anyhow::Result<()>
{
    let server =
        ServerProcess::start_open(&["--dead-peer-seconds", "1", "--keepalive-seconds", "0.25"])
            .await?;
    let board = new_board_id();
    let witness = Client::connect(&server.sync_url(&board)).await?;
    // A peer that says who it is and then never reads again, so it never answers a ping: the
    // socket stays open, as with a laptop that went to sleep behind a NAT.
    let mut frozen = RawSocket::connect(&server.sync_url(&board)).await?;
    let frozen_id = 4_242_424;
    let hello =
        codec::encode_awareness([(frozen_id, 1, br#"{"user":{"name":"Uninen"}}"#.as_slice())]);
    // The server last hears from it after this instant, so it cannot close it sooner than 1 s on.
    let frozen_at = Instant::now();
    frozen.send(WsMessage::Binary(hello.into())).await?;
    witness
        .wait_for("the frozen peer's presence", |_, seen| {
            seen.awareness.contains_key(&frozen_id)
        })
        .await?;
    witness
        .wait_for("the frozen peer removed", |_, seen| {
            !seen.awareness.contains_key(&frozen_id)
        })
        .await?;
    let waited = frozen_at.elapsed();
    assert!(
        waited >= Duration::from_millis(950),
        "closed before the dead-peer time: {waited:?}"
    );
    // The witness reads all along and so answers every ping: it stays connected, while the
    // frozen peer's connection ends (counted once its close frame is written).
    wait_for_health(server.port, "the frozen peer closed", |health| {
        health.connections == 1
    })
    .await?;
    // Keepalives go out at least 0.25 s apart by the server's clock: ten more of them mean the
    // witness lived on for over twice the dead-peer time.
    let heard = witness.seen(|seen| seen.awareness_messages);
    witness
        .wait_for("ten more keepalives", |_, seen| {
            seen.awareness_messages >= heard + 10
        })
        .await?;
    let health = wait_for_health(server.port, "the health", |_| true).await?;
    assert_eq!(
        health.connections, 1,
        "the reading witness outlives the dead-peer time"
    );
    Ok(())
}

/// Writes `actors` actors whose descriptions say "kumppanuus " `repeats` times, one update
/// each, each stored before the next is sent.
async fn write_large_board(author: &Client, actors: usize, repeats: usize) -> anyhow::Result<()> {
    let long_description = "kumppanuus ".repeat(repeats);
    for i in 0..actors {
        let id = format!("a{i}");
        author
            .edit_and_wait_stored(|_, txn| {
                add_actor(txn, &id, "x", i as f64);
                set_actor_field(
                    txn,
                    &id,
                    field::actor::DESCRIPTION,
                    long_description.as_str(),
                );
            })
            .await?;
    }
    Ok(())
}

#[tokio::test]
async fn a_crowd_joining_a_large_board_at_once_all_get_all_of_it() -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[]).await?;
    let board = new_board_id();
    let author = Client::connect(&server.sync_url(&board)).await?;
    write_large_board(&author, 8, 30_000).await?;
    let witness = Client::connect(&server.sync_url(&board)).await?;
    witness
        .wait_for("8 actors", |doc, _| actor_count(doc) == 8)
        .await?;
    let expected = view(&witness.doc);
    // About 2.6 MB each, well over the size that is written a few connections at a time.
    let mut crowd = Vec::new();
    for _ in 0..40 {
        crowd.push(Client::connect_unsynced(&server.sync_url(&board)).await?);
    }
    for client in &crowd {
        client
            .wait_for_within("the whole board", Duration::from_secs(60), |_, seen| {
                seen.synced
            })
            .await?;
        assert_eq!(view(&client.doc), expected);
    }
    Ok(())
}

#[tokio::test]
async fn updates_that_would_trip_yrs_are_refused_and_cost_nobody_else_anything(
) -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[]).await?;
    let board = new_board_id();
    let alice = Client::connect(&server.sync_url(&board)).await?;
    alice.edit(|_, txn| add_actor(txn, "kept", "Turun yliopisto", 0.0));
    let bob = Client::connect(&server.sync_url(&board)).await?;
    bob.wait_for("the first actor", |doc, _| actor_count(doc) == 1)
        .await?;

    // Found by fuzzing yrs 0.28.1: updates with gaps overflow a subtraction in its block store,
    // and items whose origin is an unknown client make it read freed memory. Both rely on
    // content the board does not have, and are refused before yrs sees them.
    let overflow = vec![
        3, 3, 3, 3, 0, 1, 16, 3, 0, 5, 2, 0, 1, 49, 1, 4, 255, 255, 255, 0, 0, 96, 0, 3, 3, 3, 0,
        1, 16, 3, 0, 1, 0, 0, 0, 49, 1, 4, 255, 255, 255, 0, 0, 96, 0, 3, 3, 3, 3, 0, 1, 16, 3, 0,
        5, 2, 0, 1, 49, 1, 4, 247, 255, 255, 0, 0, 96, 0, 3, 3, 3, 0, 1, 16, 3, 0, 5, 2, 0, 1, 49,
        1, 4, 255, 255, 255, 1, 0, 96, 0,
    ];
    let use_after_free = vec![
        0, 1, 11, 1, 1, 46, 41, 180, 1, 1, 2, 4, 14, 0, 0, 1, 11, 1, 1, 46, 40, 180, 1, 1, 2, 4,
        14, 0,
    ];
    for frame in [overflow, use_after_free] {
        let mut attacker = RawSocket::connect(&server.sync_url(&board)).await?;
        attacker.send(WsMessage::Binary(frame.into())).await?;
        assert_eq!(attacker.close_code().await?.map(u16::from), Some(4031));
    }
    // Everyone else carries on in the same room.
    alice.edit(|_, txn| add_actor(txn, "after", "Åbo Akademi", 1.0));
    bob.wait_for("the edit after the attacks", |doc, _| actor_count(doc) == 2)
        .await?;
    assert!(!alice.seen(|seen| seen.ended) && !bob.seen(|seen| seen.ended));
    Ok(())
}

#[tokio::test]
async fn a_crowds_awareness_is_merged_into_few_messages_and_none_is_lost() -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&[]).await?;
    let board = new_board_id();
    let observer = Client::connect(&server.sync_url(&board)).await?;
    let mut crowd = Vec::new();
    for _ in 0..12 {
        crowd.push(Client::connect(&server.sync_url(&board)).await?);
    }
    let before = observer.seen(|seen| seen.awareness_messages);
    for (index, client) in crowd.iter().enumerate() {
        client.set_awareness(1, &format!(r#"{{"cursor":{{"x":{index},"y":0}}}}"#));
    }
    observer
        .wait_for("every cursor", |_, seen| seen.awareness.len() == 12)
        .await?;
    let messages = observer.seen(|seen| seen.awareness_messages) - before;
    assert!(
        messages < 12,
        "12 cursor moves arrived in {messages} messages, not one each"
    );
    Ok(())
}

/// A websocket whose receive buffer is tiny and that is never read: the server's writes to it
/// stall as soon as the kernel's buffers are full.
async fn stalled_reader(server: &ServerProcess, board: &str) -> anyhow::Result<impl Sized> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    let stream = socket
        .connect(std::net::SocketAddr::from(([127, 0, 0, 1], server.port)))
        .await?;
    let (mut websocket, _) =
        tokio_tungstenite::client_async(server.sync_url(board), stream).await?;
    // An empty state vector: the server answers with the whole board.
    futures_util::SinkExt::send(
        &mut websocket,
        WsMessage::Binary(codec::encode_sync_step1(&[0]).into()),
    )
    .await?;
    Ok(websocket)
}

#[tokio::test]
async fn peers_that_stop_reading_a_large_board_block_nobody_and_are_closed() -> anyhow::Result<()> {
    let server = ServerProcess::start_open(&["--dead-peer-seconds", "2"]).await?;
    let board = new_board_id();
    let author = Client::connect(&server.sync_url(&board)).await?;
    // About 13 MB: more than the kernel buffers of a socket hold, so a reader that stops
    // reading leaves the server's write waiting.
    write_large_board(&author, 12, 100_000).await?;
    // More stalled readers than the server writes large messages to at once.
    let mut stalled = Vec::new();
    for _ in 0..6 {
        stalled.push(stalled_reader(&server, &board).await?);
    }
    wait_for_health(server.port, "the stalled readers connected", |health| {
        health.connections == 7
    })
    .await?;

    // A newcomer to the same board still gets all of it, and another board works as usual.
    let newcomer = Client::connect_unsynced(&server.sync_url(&board)).await?;
    let elsewhere = new_board_id();
    let other_writer = Client::connect(&server.sync_url(&elsewhere)).await?;
    let other_reader = Client::connect(&server.sync_url(&elsewhere)).await?;
    other_writer.edit(|_, txn| add_actor(txn, "b", "Muu taulu", 0.0));
    other_reader
        .wait_for("the other board's actor", |doc, _| actor_count(doc) == 1)
        .await?;
    newcomer
        .wait_for_within(
            "the whole large board",
            Duration::from_secs(60),
            |doc, seen| seen.synced && actor_count(doc) == 12,
        )
        .await?;

    // The stalled readers are closed by the dead-peer time; the others stay.
    wait_for_health(server.port, "the stalled readers closed", |health| {
        health.connections == 4
    })
    .await?;
    drop(stalled);
    Ok(())
}

#[tokio::test]
async fn overwriting_one_value_all_day_is_never_refused_for_the_board_size() -> anyhow::Result<()> {
    const LIMIT: usize = 10_000;
    let server = ServerProcess::start_open(&[
        "--max-board-bytes",
        &LIMIT.to_string(),
        "--compact-after-updates",
        "20",
    ])
    .await?;
    let board = new_board_id();
    let writer = Client::connect(&server.sync_url(&board)).await?;
    writer.edit(|_, txn| add_actor(txn, "a", "Turku", 0.0));
    let mut traffic = 0;
    for i in 0..1000 {
        traffic += writer
            .edit(|_, txn| set_actor_field(txn, "a", field::actor::X, i as f64))
            .len();
        // A few edits per batch, as a person dragging an actor makes them.
        if i % 10 == 9 {
            writer
                .wait_for("the echo", |doc, seen| {
                    seen.update_messages > i / 10 && view(doc).actor("a").is_some()
                })
                .await?;
        }
    }
    assert!(
        traffic > 3 * LIMIT,
        "far more traffic than the limit: {traffic}"
    );
    let reader = Client::connect(&server.sync_url(&board)).await?;
    reader
        .wait_for("the last value", |doc, _| {
            view(doc).actor("a").map(|actor| actor.x) == Some(999.0)
        })
        .await?;
    assert_eq!(writer.seen(|seen| seen.close_code), None, "never refused");
    assert!(!writer.seen(|seen| seen.ended));
    Ok(())
}
