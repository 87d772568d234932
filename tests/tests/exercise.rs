//! The exercise over the real HTTP API and websocket: matching actors across maps, remembered
//! decisions, and merging maps into one.

use kartta_protocol::api::{Created, MatchDecision, MatchTable, Snapshot};
use kartta_protocol::matching::{MatchBand, MatchReason, MatchVerdict};
use kartta_tests::board::add_actor;
use kartta_tests::{http, Client, Response, ServerProcess};
use serde_json::json;

fn body(value: serde_json::Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", value.to_string().into_bytes()))
}

/// A workshop of three group boards on the rings template, and a second workshop whose ids
/// must not be reachable from the first.
struct Fixture {
    server: ServerProcess,
    created: Created,
    other: Created,
}

impl Fixture {
    async fn new() -> anyhow::Result<Fixture> {
        let server = ServerProcess::start(&[]).await?;
        let request =
            json!({"title": "Foorumi", "locale": "fi", "template": "rings", "groupCount": 3});
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

    fn workshop_path(&self, rest: &str) -> String {
        format!("/api/workshops/{}{rest}", self.created.workshop.id)
    }

    async fn call(
        &self,
        token: &str,
        method: &str,
        path: &str,
        payload: Option<serde_json::Value>,
    ) -> anyhow::Result<Response> {
        http(
            self.server.port,
            method,
            path,
            Some(token),
            payload.and_then(body),
        )
        .await
    }

    async fn facilitator(
        &self,
        method: &str,
        path: &str,
        payload: Option<serde_json::Value>,
    ) -> anyhow::Result<Response> {
        self.call(&self.created.tokens.facilitator, method, path, payload)
            .await
    }

    /// Draws `actors` (id, name, x, y) on board `index` and waits until the server has them.
    async fn draw(&self, index: usize, actors: &[(&str, &str, f64, f64)]) -> anyhow::Result<()> {
        let token = &self.created.tokens.participant;
        let client =
            Client::connect(&self.server.sync_url_with_token(&self.board(index), token)).await?;
        client.edit(|_, txn| {
            for (id, name, x, y) in actors {
                add_actor(txn, id, name, *x);
                kartta_tests::board::set_actor_field(txn, id, "y", *y);
            }
        });
        client
            .wait_for("the echo: the server has it", |_, seen| {
                seen.update_messages >= 1
            })
            .await?;
        client.close().await;
        Ok(())
    }
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
    let mut fixture = Fixture::new().await?;
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
    let snapshot: Snapshot = fixture
        .call(
            &fixture.created.tokens.participant,
            "POST",
            &format!("/api/boards/{}/snapshots", fixture.board(2)),
            Some(json!({"name": "Alku"})),
        )
        .await?
        .json()?;
    let selection = json!({
        "boardIds": [fixture.board(0), fixture.board(1)],
        "snapshotIds": [snapshot.id],
    });
    let propose = fixture.workshop_path("/matches/propose");

    for (token, expected) in [
        (&fixture.created.tokens.participant, 403),
        (&fixture.created.tokens.viewer, 403),
        (&fixture.other.tokens.facilitator, 403),
    ] {
        let refused = fixture
            .call(token, "POST", &propose, Some(selection.clone()))
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

    let decisions = fixture.workshop_path("/matches");
    let refused = fixture
        .call(
            &fixture.created.tokens.participant,
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
