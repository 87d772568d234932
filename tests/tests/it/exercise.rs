//! The exercise over the real HTTP API and websocket: matching actors across maps, remembered
//! decisions, and merging maps into one.

use kartta_protocol::api::{BoardExport, MatchDecision, MatchTable};
use kartta_protocol::matching::{MatchBand, MatchReason, MatchVerdict};
use kartta_tests::board::add_actor;
use kartta_tests::fixture::{Caller, Fixture};
use kartta_tests::Client;
use serde_json::json;

/// A workshop of three group boards on the rings template (and a second workshop whose ids
/// must not be reachable from the first).
async fn three_group_boards() -> anyhow::Result<Fixture> {
    Fixture::start(
        json!({"title": "Foorumi", "locale": "fi", "template": "rings", "groupCount": 3}),
    )
    .await
}

fn reasons_of(table: &MatchTable, name: &str) -> Vec<MatchReason> {
    table
        .groups
        .iter()
        .find(|group| group.members.iter().any(|member| member.name == name))
        .map(|group| group.reasons.clone())
        .unwrap_or_default()
}

fn group_size(table: &MatchTable, name: &str) -> usize {
    table
        .groups
        .iter()
        .find(|group| group.members.iter().any(|member| member.name == name))
        .map_or(0, |group| group.members.len())
}

#[tokio::test]
async fn the_facilitator_gets_a_match_table_and_confirmed_decisions_are_remembered(
) -> anyhow::Result<()> {
    let mut fixture = three_group_boards().await?;
    fixture
        .draw(
            0,
            &[("t", "Turun kaupunki", 0.0, 0.0), ("v", "VSL", 400.0, 0.0)],
        )
        .await?;
    fixture
        .draw(
            1,
            &[
                ("a", "Åbo stad", 0.0, 0.0),
                ("l", "Varsinais-Suomen liitto", 400.0, 0.0),
            ],
        )
        .await?;
    // A snapshot of board 2 taken before anything is drawn there: an empty map.
    let snapshot = fixture
        .take_snapshot(&fixture.board(2), json!({"name": "Alku"}))
        .await?;
    let selection = json!({
        "boardIds": [fixture.board(0), fixture.board(1)],
        "snapshotIds": [snapshot.id],
    });
    let propose = fixture.workshop_path("/matches/propose");

    for (caller, expected) in [
        (Caller::Participant, 403),
        (Caller::Viewer, 403),
        (Caller::OtherWorkshop, 403),
    ] {
        let refused = fixture
            .call(caller, "POST", &propose, Some(selection.clone()))
            .await?;
        assert_eq!(refused.status, expected, "{}", refused.text());
    }
    let unknown = fixture
        .facilitator("POST", &propose, Some(json!({"boardIds": ["nope"]})))
        .await?;
    assert_eq!(unknown.status, 404, "{}", unknown.text());
    let foreign = fixture
        .facilitator(
            "POST",
            &propose,
            Some(json!({"boardIds": [fixture.other.workshop.boards[0].id]})),
        )
        .await?;
    assert_eq!(
        foreign.status, 404,
        "another workshop's board is not found here"
    );
    let twice = fixture
        .facilitator(
            "POST",
            &propose,
            Some(json!({"boardIds": [fixture.board(0), fixture.board(0)]})),
        )
        .await?;
    assert_eq!(twice.status, 400, "{}", twice.text());
    let garbage = fixture
        .facilitator("POST", &propose, Some(json!({"boardIds": 7})))
        .await?;
    assert_eq!(garbage.status, 400, "{}", garbage.text());

    let answer = fixture
        .facilitator("POST", &propose, Some(selection.clone()))
        .await?;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let table: MatchTable = answer.json()?;
    assert_eq!(table.sources.len(), 3);
    assert_eq!(table.sources[2].title, "Ryhmä 3 – Alku");
    assert_eq!(group_size(&table, "Turun kaupunki"), 2, "{table:?}");
    assert_eq!(reasons_of(&table, "Åbo stad"), vec![MatchReason::Alias]);
    assert_eq!(
        group_size(&table, "VSL"),
        1,
        "a near match is never applied"
    );
    let proposal = table
        .proposals
        .iter()
        .find(|proposal| proposal.reason == MatchReason::Acronym)
        .expect("VSL is proposed as Varsinais-Suomen liitto");
    assert_eq!(proposal.band, MatchBand::Likely);
    // Asked again for unchanged maps, the same table; once a map changed, never the old one
    // (the server keeps recent tables with what they were made of).
    let again: MatchTable = fixture
        .facilitator("POST", &propose, Some(selection.clone()))
        .await?
        .json()?;
    assert_eq!(again, table);
    fixture
        .draw(0, &[("r", "Raision kaupunki", 800.0, 0.0)])
        .await?;
    let redrawn: MatchTable = fixture
        .facilitator("POST", &propose, Some(selection.clone()))
        .await?
        .json()?;
    assert_eq!(group_size(&redrawn, "Raision kaupunki"), 1, "{redrawn:?}");

    let decisions = fixture.workshop_path("/matches");
    let refused = fixture
        .call(
            Caller::Participant,
            "PUT",
            &decisions,
            Some(json!({"decisions": []})),
        )
        .await?;
    assert_eq!(refused.status, 403);
    let empty_key = fixture
        .facilitator(
            "PUT",
            &decisions,
            Some(json!({"decisions": [
                {"keyA": proposal.key_a, "keyB": proposal.key_b, "verdict": "same"},
                {"keyA": " ", "keyB": "x", "verdict": "same"},
            ]})),
        )
        .await?;
    assert_eq!(empty_key.status, 400, "{}", empty_key.text());
    let listed: Vec<MatchDecision> = fixture.facilitator("GET", &decisions, None).await?.json()?;
    assert!(listed.is_empty(), "a refused request stores nothing");

    let stored = fixture
        .facilitator(
            "PUT",
            &decisions,
            Some(json!({"decisions": [
                {"keyA": proposal.key_a, "keyB": proposal.key_b, "verdict": "same"},
            ]})),
        )
        .await?;
    assert_eq!(stored.status, 200, "{}", stored.text());
    let listed: Vec<MatchDecision> = stored.json()?;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].verdict, MatchVerdict::Same);

    // The next match uses the decision, also after a restart: VSL is now one with the liitto.
    fixture.server.terminate().await?;
    fixture.server.restart().await?;
    let table: MatchTable = fixture
        .facilitator("POST", &propose, Some(selection.clone()))
        .await?
        .json()?;
    assert_eq!(group_size(&table, "VSL"), 2, "{table:?}");
    assert_eq!(reasons_of(&table, "VSL"), vec![MatchReason::Confirmed]);
    assert!(table.proposals.is_empty(), "{:?}", table.proposals);

    // Undone: the pair is proposed again.
    let undone: Vec<MatchDecision> = fixture
        .facilitator(
            "PUT",
            &decisions,
            Some(json!({"decisions": [
                {"keyA": "VSL", "keyB": "Varsinais-Suomen liitto", "verdict": null},
            ]})),
        )
        .await?
        .json()?;
    assert!(undone.is_empty(), "names are keyed like the table's keys");
    let table: MatchTable = fixture
        .facilitator("POST", &propose, Some(selection))
        .await?
        .json()?;
    assert_eq!(group_size(&table, "VSL"), 1);
    Ok(())
}

/// The JSON export of merged board `board` with the k-of-n slider at `minimum_support`.
async fn export_with_support(
    fixture: &Fixture,
    board: &str,
    minimum_support: usize,
) -> anyhow::Result<BoardExport> {
    let path = format!("/api/boards/{board}/export.json?minSupport={minimum_support}");
    fixture.facilitator("GET", &path, None).await?.json()
}

fn actor_names(export: &BoardExport) -> Vec<&str> {
    export.actors.iter().map(|a| a.name.as_str()).collect()
}

fn add_relation(txn: &mut yrs::TransactionMut, id: &str, from: &str, to: &str, strength: &str) {
    use kartta_protocol::schema::{field, root};
    use yrs::{Map, MapPrelim, WriteTxn};
    let relations = txn.get_or_insert_map(root::RELATIONS);
    let relation = relations.insert(txn, id, MapPrelim::default());
    relation.insert(txn, field::relation::FROM, from);
    relation.insert(txn, field::relation::TO, to);
    relation.insert(txn, field::relation::KIND, "collaboration");
    relation.insert(txn, field::relation::STRENGTH, strength);
}

#[tokio::test]
async fn the_facilitator_merges_maps_into_a_new_board_that_holds_the_union_with_sources(
) -> anyhow::Result<()> {
    let fixture = three_group_boards().await?;
    fixture
        .draw(
            0,
            &[
                ("t", "Turun kaupunki", 100.0, 0.0),
                ("r", "Raisio", 700.0, 0.0),
            ],
        )
        .await?;
    fixture
        .draw(
            1,
            &[
                ("a", "Åbo stad", 200.0, 0.0),
                ("s", "Sinapsi ry", 0.0, 800.0),
            ],
        )
        .await?;
    for (index, relation, from, to, strength) in
        [(0, "x", "t", "r", "weak"), (1, "y", "a", "s", "strong")]
    {
        let client = fixture
            .connect(&fixture.board(index), Caller::Participant)
            .await?;
        client
            .edit_and_wait_stored(|_, txn| add_relation(txn, relation, from, to, strength))
            .await?;
        client.close().await;
    }
    let path = fixture.workshop_path("/merge");
    let request = json!({
        "boardIds": [fixture.board(0), fixture.board(1)],
        "title": "Foorumi",
    });
    let refused = fixture
        .call(Caller::Participant, "POST", &path, Some(request.clone()))
        .await?;
    assert_eq!(refused.status, 403, "{}", refused.text());
    let unknown = fixture
        .facilitator(
            "POST",
            &path,
            Some(json!({"boardIds": [fixture.board(0), "no-such-board"]})),
        )
        .await?;
    assert_eq!(unknown.status, 404, "{}", unknown.text());
    let unknown_snapshot = fixture
        .facilitator(
            "POST",
            &path,
            Some(json!({"snapshotIds": ["no-such-snapshot"]})),
        )
        .await?;
    assert_eq!(unknown_snapshot.status, 404);
    let nothing = fixture
        .facilitator("POST", &path, Some(json!({"title": "Tyhjä"})))
        .await?;
    assert_eq!(nothing.status, 400, "{}", nothing.text());
    let before = fixture.workshop_as(Caller::Facilitator).await?;
    assert_eq!(before.boards.len(), 3, "refused merges made no board");

    let answer = fixture.facilitator("POST", &path, Some(request)).await?;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let merged: kartta_protocol::api::Merged = answer.json()?;
    assert_eq!((merged.actors, merged.relations), (3, 2));
    assert_eq!(merged.board.title, "Foorumi");
    assert_eq!(merged.board.workshop_id, fixture.created.workshop.id);
    let ids: Vec<&str> = merged.sources.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, vec![fixture.board(0), fixture.board(1)]);

    // The merged board opens over the websocket like any board and holds the union.
    let token = &fixture.created.tokens.participant;
    let client =
        Client::connect(&fixture.server.sync_url_with_token(&merged.board.id, token)).await?;
    let view = kartta_tests::board::view(&client.doc);
    assert_eq!(view.meta.merged_from, ids);
    assert_eq!(view.meta.title, "Foorumi");
    assert_eq!(view.actors.len(), 3);
    let turku = view
        .actors
        .iter()
        .find(|actor| actor.name == "Turun kaupunki")
        .expect("Turku under its most common name");
    assert_eq!(
        turku.sources, ids,
        "on both maps: Turun kaupunki and Åbo stad"
    );
    assert_eq!(turku.support.as_deref(), Some("2 of 2"));
    assert_eq!(turku.alias, "Åbo stad");
    let raisio = view.actors.iter().find(|a| a.name == "Raisio").unwrap();
    assert_eq!(raisio.sources, vec![fixture.board(0)]);
    assert_eq!(raisio.support.as_deref(), Some("1 of 2"));
    assert_eq!(view.relations.len(), 2);
    assert!(view.relations.iter().all(|r| r.sources.len() == 1));
    // It can be edited like any board.
    client
        .edit_and_wait_stored(|_, txn| add_actor(txn, "new", "Naantali", -600.0))
        .await?;
    client.close().await;

    // Exports carry where each element came from, its support and its ring.
    let export = fixture
        .facilitator(
            "GET",
            &format!("/api/boards/{}/export.json", merged.board.id),
            None,
        )
        .await?;
    let export: serde_json::Value = serde_json::from_str(&export.text())?;
    let turku = export["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|actor| actor["name"] == "Turun kaupunki")
        .unwrap();
    assert_eq!(turku["support"], "2 of 2");
    assert_eq!(turku["ring"], "core");
    assert_eq!(turku["sources"], json!(ids));
    assert_eq!(export["meta"]["mergedFrom"], json!(ids));
    let sheet = fixture
        .facilitator(
            "GET",
            &format!("/api/boards/{}/actors.csv", merged.board.id),
            None,
        )
        .await?
        .text();
    let header = sheet.lines().next().unwrap();
    assert!(header.contains("Ring,Sector,Sources,Support"), "{header}");
    let raisio_row = sheet
        .lines()
        .find(|line| line.starts_with("Raisio,"))
        .unwrap();
    assert!(
        raisio_row.contains(&format!(",wider,,{},1 of 2,", fixture.board(0))),
        "{raisio_row}"
    );
    let relations = fixture
        .facilitator(
            "GET",
            &format!("/api/boards/{}/relations.csv", merged.board.id),
            None,
        )
        .await?
        .text();
    // Each relation joins Turku to an actor only one map has, so it counts among that map
    // alone: "1 of 1" (k of the m maps holding both its actors), not "1 of 2".
    assert!(
        relations
            .lines()
            .skip(1)
            .all(|line| line.contains(",1 of 1,")),
        "{relations}"
    );

    // The k-of-n slider's filter on exports: what both maps hold, and what was added by hand.
    let at_least_two = export_with_support(&fixture, &merged.board.id, 2).await?;
    let names = actor_names(&at_least_two);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"Turun kaupunki") && names.contains(&"Naantali"));
    assert!(at_least_two.relations.is_empty());
    let bad = fixture
        .facilitator(
            "GET",
            &format!("/api/boards/{}/actors.csv?minSupport=many", merged.board.id),
            None,
        )
        .await?;
    assert_eq!(bad.status, 400, "{}", bad.text());
    Ok(())
}

#[tokio::test]
async fn a_merge_group_by_group_counts_groups_so_a_big_group_cannot_outvote_the_others(
) -> anyhow::Result<()> {
    let fixture = three_group_boards().await?;
    // Boards 0 and 1 are one group's two maps, both with Yritys X; board 2 is another group's.
    for index in [0, 1] {
        fixture
            .draw(
                index,
                &[("t", "Turku", 100.0, 0.0), ("x", "Yritys X", 700.0, 0.0)],
            )
            .await?;
    }
    fixture.draw(2, &[("t", "Turku", 120.0, 0.0)]).await?;
    let path = fixture.workshop_path("/merge");
    let (a, b, c) = (fixture.board(0), fixture.board(1), fixture.board(2));
    let with_groups = |groups: serde_json::Value| json!({"boardIds": [a, b, c], "title": "Foorumi", "groups": groups});
    // Every chosen map in exactly one group, each group holding one: else a clear 400.
    for (groups, why) in [
        (json!([[a, b]]), "a map in no group"),
        (json!([[a, b], [c, a]]), "a map in two groups"),
        (json!([[a, b], [c], []]), "an empty group"),
        (json!([[a, b], [c, "no-such-board"]]), "a map not chosen"),
        (json!([[a, b], "c"]), "not a list of lists"),
    ] {
        let refused = fixture
            .facilitator("POST", &path, Some(with_groups(groups)))
            .await?;
        assert_eq!(refused.status, 400, "{why}: {}", refused.text());
    }
    assert_eq!(
        fixture.workshop_as(Caller::Facilitator).await?.boards.len(),
        3
    );

    let answer = fixture
        .facilitator("POST", &path, Some(with_groups(json!([[a, b], [c]]))))
        .await?;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let merged: kartta_protocol::api::Merged = answer.json()?;
    let token = &fixture.created.tokens.participant;
    let client =
        Client::connect(&fixture.server.sync_url_with_token(&merged.board.id, token)).await?;
    let view = kartta_tests::board::view(&client.doc);
    client.close().await;
    assert_eq!(view.meta.merged_from, vec![a.clone(), b.clone(), c.clone()]);
    assert_eq!(view.meta.merged_groups, vec!["1", "1", "2"]);
    let support = |name: &str| {
        let actor = view.actors.iter().find(|actor| actor.name == name).unwrap();
        (actor.support.clone().unwrap(), actor.sources.len())
    };
    // Two of three maps hold X, but they are one group's: one of two groups.
    assert_eq!(support("Yritys X"), ("1 of 2 groups".to_owned(), 2));
    assert_eq!(support("Turku"), ("2 of 2 groups".to_owned(), 3));

    // "At least 2" counts groups in the exports too.
    let at_least_two = export_with_support(&fixture, &merged.board.id, 2).await?;
    assert_eq!(actor_names(&at_least_two), vec!["Turku"]);
    Ok(())
}
