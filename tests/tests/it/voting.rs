//! Dot voting against the real binary: only the facilitator runs a vote, each participant's
//! dots stay within the vote's limit and their own, results stay hidden until revealed, and the
//! exports carry the totals.

use std::collections::HashMap;

use kartta_protocol::vote::{VoteStatus, VoteView};
use kartta_tests::board::{add_actor, view};
use kartta_tests::fixture::{Caller, Fixture};
use kartta_tests::{http, Client, Response};
use serde_json::json;

const ANNA: &str = "anna-device-secret-for-this-vote-0001";
const BEN: &str = "ben-device-secret-for-this-vote-00002";

/// A workshop of two boards whose first board has the actors `turku`, `salo` and `uni`, and a
/// participant's client on that board.
async fn workshop_with_actors() -> anyhow::Result<(Fixture, Client)> {
    let workshop = Fixture::start(
        json!({"title": "Foorumi", "locale": "fi", "template": "blank", "groupCount": 2}),
    )
    .await?;
    let client = workshop
        .connect(&workshop.board(0), Caller::Participant)
        .await?;
    client
        .edit_and_wait_stored(|_, txn| {
            for (index, id) in ["turku", "salo", "uni"].iter().enumerate() {
                add_actor(txn, id, id, index as f64 * 250.0);
            }
        })
        .await?;
    Ok((workshop, client))
}

/// Starts (`PUT vote`), reveals (`POST vote/reveal`) or ends (`DELETE vote`) the workshop's
/// vote as the facilitator.
async fn run_vote(workshop: &Fixture, method: &str, action: &str) -> anyhow::Result<Response> {
    let body = (method == "PUT").then(|| json!({"title": "Kuka on tärkein?", "dots": 3}));
    workshop
        .facilitator(method, &workshop.workshop_path(&format!("/{action}")), body)
        .await
}

/// Places (`place`) or takes back (`takeBack`) one dot as `voter`, with the participant link.
async fn dot(
    workshop: &Fixture,
    voter: &str,
    actor: &str,
    change: &str,
) -> anyhow::Result<Response> {
    workshop
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/boards/{}/votes", workshop.board(0)),
            Some(json!({"voter": voter, "actorId": actor, "change": change})),
        )
        .await
}

async fn mine(workshop: &Fixture, voter: &str) -> anyhow::Result<VoteStatus> {
    workshop
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/boards/{}/votes/mine", workshop.board(0)),
            Some(json!({ "voter": voter })),
        )
        .await?
        .json()
}

fn code_of(response: &Response) -> String {
    let body: serde_json::Value = serde_json::from_str(&response.text()).unwrap_or_default();
    body["error"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn only_the_facilitator_starts_reveals_and_ends_a_vote() -> anyhow::Result<()> {
    let (workshop, client) = workshop_with_actors().await?;
    let id = &workshop.created.workshop.id;
    for caller in [Caller::Participant, Caller::Viewer] {
        for (method, path, body) in [
            ("PUT", "vote", Some(json!({"title": "x", "dots": 3}))),
            ("POST", "vote/reveal", None),
            ("DELETE", "vote", None),
        ] {
            let refused = workshop
                .call(caller, method, &format!("/api/workshops/{id}/{path}"), body)
                .await?;
            assert_eq!(refused.status, 403, "{method} {path}: {}", refused.text());
        }
    }
    assert!(view(&client.doc).meta.vote.is_none(), "nothing started");

    let started = run_vote(&workshop, "PUT", "vote").await?;
    assert_eq!(started.status, 200, "{}", started.text());
    let vote: VoteView = started.json()?;
    assert_eq!((vote.dots, vote.revealed), (3, false));
    let seen: Option<VoteView> = workshop
        .call(
            Caller::Viewer,
            "GET",
            &format!("/api/workshops/{id}/vote"),
            None,
        )
        .await?
        .json()?;
    assert_eq!(seen, Some(vote.clone()), "everyone may ask which vote runs");
    client
        .wait_for("the vote on the board", |doc, _| {
            view(doc).meta.vote.as_ref().map(|v| v.id.as_str()) == Some(vote.id.as_str())
        })
        .await?;
    let other_board = &workshop.created.workshop.boards[1].id;
    let other = Client::connect(
        &workshop
            .server
            .sync_url_with_token(other_board, &workshop.created.tokens.viewer),
    )
    .await?;
    assert_eq!(
        view(&other.doc).meta.vote.map(|v| v.title),
        Some("Kuka on tärkein?".to_owned()),
        "every board of the workshop shows the vote"
    );

    let too_many = workshop
        .call(
            Caller::Facilitator,
            "PUT",
            &format!("/api/workshops/{id}/vote"),
            Some(json!({"title": "x", "dots": 1000})),
        )
        .await?;
    assert_eq!(too_many.status, 400, "{}", too_many.text());

    assert_eq!(run_vote(&workshop, "DELETE", "vote").await?.status, 204);
    client
        .wait_for("the vote gone", |doc, _| view(doc).meta.vote.is_none())
        .await?;
    let no_vote = dot(&workshop, ANNA, "turku", "place").await?;
    assert_eq!((no_vote.status, code_of(&no_vote)), (400, "no_vote".into()));
    Ok(())
}

#[tokio::test]
async fn a_participant_keeps_to_their_dots_and_cannot_take_back_anothers() -> anyhow::Result<()> {
    let (workshop, _client) = workshop_with_actors().await?;
    run_vote(&workshop, "PUT", "vote").await?;

    for _ in 0..2 {
        assert_eq!(dot(&workshop, ANNA, "turku", "place").await?.status, 200);
    }
    let placed = dot(&workshop, ANNA, "salo", "place").await?;
    let status: VoteStatus = placed.json()?;
    assert_eq!(status.left, 0);
    assert_eq!(status.mine.get("turku"), Some(&2));
    assert_eq!(
        status.totals, None,
        "a participant sees no totals before the reveal"
    );
    let fourth = dot(&workshop, ANNA, "uni", "place").await?;
    assert_eq!(
        (fourth.status, code_of(&fourth)),
        (400, "no_dots_left".into())
    );

    // Ben has dots of his own but none of Anna's to take.
    let theft = dot(&workshop, BEN, "turku", "takeBack").await?;
    assert_eq!(
        (theft.status, code_of(&theft)),
        (400, "no_dot_to_take_back".into())
    );
    assert_eq!(mine(&workshop, ANNA).await?.mine.get("turku"), Some(&2));
    assert_eq!(mine(&workshop, BEN).await?.left, 3);

    // Anna takes one back and may place it elsewhere.
    let back: VoteStatus = dot(&workshop, ANNA, "turku", "takeBack").await?.json()?;
    assert_eq!((back.left, back.mine.get("turku")), (1, Some(&1)));
    assert_eq!(dot(&workshop, ANNA, "uni", "place").await?.status, 200);

    // Hostile input: an actor not on the board, a name for a voter key, a viewer.
    let nowhere = dot(&workshop, BEN, "no-such-actor", "place").await?;
    assert_eq!(nowhere.status, 400);
    let named = dot(&workshop, "Ben Virtanen", "turku", "place").await?;
    assert_eq!(
        (named.status, code_of(&named)),
        (400, "invalid_voter".into())
    );
    let viewer = workshop
        .call(
            Caller::Viewer,
            "POST",
            &format!("/api/boards/{}/votes", workshop.board(0)),
            Some(json!({"voter": BEN, "actorId": "turku", "change": "place"})),
        )
        .await?;
    assert_eq!(viewer.status, 403);
    assert_eq!(
        mine(&workshop, BEN).await?.left,
        3,
        "nothing refused was counted"
    );
    Ok(())
}

#[tokio::test]
async fn results_appear_on_every_board_and_in_the_exports_only_after_the_reveal(
) -> anyhow::Result<()> {
    let (workshop, client) = workshop_with_actors().await?;
    run_vote(&workshop, "PUT", "vote").await?;
    for (voter, actor) in [
        (ANNA, "turku"),
        (ANNA, "turku"),
        (BEN, "turku"),
        (BEN, "salo"),
    ] {
        assert_eq!(dot(&workshop, voter, actor, "place").await?.status, 200);
    }
    let export = |file: &'static str| {
        let path = format!("/api/boards/{}/{file}", workshop.board(0));
        let token = workshop.created.tokens.participant.clone();
        let port = workshop.server.port;
        async move { http(port, "GET", &path, Some(&token), None).await }
    };
    let hidden: serde_json::Value = export("export.json").await?.json()?;
    assert_eq!(hidden["meta"]["vote"]["revealed"], json!(false));
    assert!(hidden["meta"]["vote"].get("totals").is_none(), "{hidden}");
    assert_eq!(mine(&workshop, BEN).await?.totals, None);
    assert!(view(&client.doc).meta.vote.unwrap().totals.is_none());

    assert_eq!(
        run_vote(&workshop, "POST", "vote/reveal").await?.status,
        204
    );
    client
        .wait_for("the totals on the board", |doc, _| {
            view(doc).meta.vote.and_then(|vote| vote.totals).is_some()
        })
        .await?;
    let vote = view(&client.doc).meta.vote.unwrap();
    assert_eq!(
        (
            vote.total_for("turku"),
            vote.total_for("salo"),
            vote.total_for("uni")
        ),
        (Some(3), Some(1), Some(0))
    );
    let seen = mine(&workshop, BEN).await?;
    assert_eq!(seen.totals.unwrap().get("turku"), Some(&3));
    let late = dot(&workshop, BEN, "uni", "place").await?;
    assert_eq!((late.status, code_of(&late)), (400, "vote_closed".into()));

    let json: serde_json::Value = export("export.json").await?.json()?;
    assert_eq!(
        json["meta"]["vote"]["totals"],
        json!({"turku": 3, "salo": 1})
    );
    let sheet = export("actors.csv").await?.text();
    let mut lines = sheet.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let votes: HashMap<String, String> = lines
        .map(|line| line.split(',').collect::<Vec<_>>())
        .map(|row| {
            (
                row[column("ID")].to_owned(),
                row[column("Votes")].to_owned(),
            )
        })
        .collect();
    assert_eq!(votes["turku"], "3");
    assert_eq!(votes["salo"], "1");
    assert_eq!(votes["uni"], "0");

    // Ending the vote takes the results off the boards and out of the exports.
    assert_eq!(run_vote(&workshop, "DELETE", "vote").await?.status, 204);
    client
        .wait_for("the vote gone", |doc, _| view(doc).meta.vote.is_none())
        .await?;
    let after: serde_json::Value = export("export.json").await?.json()?;
    assert!(after["meta"].get("vote").is_none(), "{after}");
    Ok(())
}

#[tokio::test]
async fn a_fork_shows_the_running_vote_not_the_one_its_snapshot_kept() -> anyhow::Result<()> {
    let (workshop, _client) = workshop_with_actors().await?;
    run_vote(&workshop, "PUT", "vote").await?;
    dot(&workshop, ANNA, "turku", "place").await?;
    run_vote(&workshop, "POST", "vote/reveal").await?;
    let snapshot = workshop
        .take_snapshot(&workshop.board(0), json!({"name": "Tulokset"}))
        .await?;
    let kept: serde_json::Value = workshop
        .call(
            Caller::Participant,
            "GET",
            &format!("/api/snapshots/{}/export.json", snapshot.id),
            None,
        )
        .await?
        .json()?;
    assert_eq!(
        kept["meta"]["vote"]["totals"],
        json!({"turku": 1}),
        "a snapshot keeps the results"
    );

    let next: VoteView = run_vote(&workshop, "PUT", "vote").await?.json()?;
    let forked: serde_json::Value = workshop
        .call(
            Caller::Participant,
            "POST",
            &format!("/api/snapshots/{}/fork", snapshot.id),
            None,
        )
        .await?
        .json()?;
    let fork_id = forked["board"]["id"].as_str().unwrap();
    let fork = Client::connect(
        &workshop
            .server
            .sync_url_with_token(fork_id, &workshop.created.tokens.viewer),
    )
    .await?;
    let vote = view(&fork.doc).meta.vote.expect("the running vote");
    assert_eq!(
        (vote.id, vote.revealed, vote.totals),
        (next.id, false, None)
    );
    Ok(())
}
