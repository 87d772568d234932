//! The behaviour every [`Catalog`] must have, run against the SQLite catalog always and the
//! PostgreSQL one when `KARTTA_TEST_POSTGRES_URL` names a server.

use kartta_protocol::api::{BoardKind, Role, SnapshotReason, WorkshopKind};
use kartta_protocol::matching::MatchVerdict;
use kartta_protocol::vote::{DotChange, DotRefused};

use super::test_support::workshop;
use super::votes::{voter_key, MAX_VOTERS_PER_VOTE};
use super::{random_id, unix_now, BoardRecord, Catalog, DotOutcome, DotTarget, SnapshotRecord};

pub fn check_catalog(catalog: &dyn Catalog) {
    // A workshop, its boards, tokens and join code.
    let (record, boards, tokens) = catalog
        .create_workshop(&workshop(WorkshopKind::Workshop, 2))
        .unwrap();
    assert_eq!(catalog.workshop(&record.id).unwrap(), Some(record.clone()));
    assert_eq!(catalog.boards_of(&record.id).unwrap(), boards);
    let code = record
        .join_code
        .clone()
        .expect("a workshop has a join code");
    let typed = format!(" {}-{} ", &code[..4], &code[4..]).to_lowercase();
    assert_eq!(
        catalog.workshop_by_join_code(&typed).unwrap().map(|w| w.id),
        Some(record.id.clone()),
        "join codes are read however they are typed"
    );
    assert_eq!(catalog.workshop_by_join_code("NOPE-NOPE").unwrap(), None);
    assert_eq!(catalog.workshop("no-such-workshop").unwrap(), None);

    // Roles: each token its own, nothing across workshops.
    let (other, _, other_tokens) = catalog
        .create_workshop(&workshop(WorkshopKind::Quick, 1))
        .unwrap();
    assert_eq!(other.join_code, None, "a quick board has no join code");
    let role = |workshop_id: &str, token: &str| catalog.role(workshop_id, token).unwrap();
    assert_eq!(
        role(&record.id, &tokens.facilitator),
        Some(Role::Facilitator)
    );
    assert_eq!(
        role(&record.id, &tokens.participant),
        Some(Role::Participant)
    );
    assert_eq!(role(&record.id, &tokens.viewer), Some(Role::Viewer));
    assert_eq!(role(&record.id, &other_tokens.facilitator), None);
    assert_eq!(role(&record.id, "guess"), None);
    assert_eq!(role("no-such-workshop", &tokens.facilitator), None);
    assert_eq!(
        catalog.shareable_tokens(&record.id).unwrap(),
        Some((tokens.participant.clone(), tokens.viewer.clone()))
    );

    // Workshop settings.
    catalog.set_timer(&record.id, Some(1_234_567)).unwrap();
    catalog
        .set_presenting(&record.id, Some(&boards[1].id))
        .unwrap();
    catalog
        .set_personal_boards_at_join(&record.id, false)
        .unwrap();
    let changed = catalog.workshop(&record.id).unwrap().unwrap();
    assert_eq!(changed.timer_ends_at, Some(1_234_567));
    assert_eq!(
        changed.presenting_board.as_deref(),
        Some(boards[1].id.as_str())
    );
    assert!(!changed.personal_boards_at_join);
    catalog.set_timer(&record.id, None).unwrap();
    catalog.set_presenting(&record.id, None).unwrap();
    let cleared = catalog.workshop(&record.id).unwrap().unwrap();
    assert_eq!(
        (cleared.timer_ends_at, cleared.presenting_board),
        (None, None)
    );

    // Boards.
    let added = BoardRecord {
        id: random_id(),
        workshop_id: record.id.clone(),
        title: "Fork".into(),
        kind: BoardKind::Group,
        locked: false,
        created_at: unix_now() + 100,
        owned: false,
        shared: false,
    };
    catalog.add_board(&added).unwrap();
    catalog.set_board_title(&added.id, "Haarukka").unwrap();
    catalog.set_board_locked(&added.id, true).unwrap();
    let stored = catalog.board(&added.id).unwrap().unwrap();
    assert_eq!((stored.title.as_str(), stored.locked), ("Haarukka", true));
    assert_eq!(catalog.boards_of(&record.id).unwrap().len(), 3);
    catalog.delete_board(&added.id).unwrap();
    assert_eq!(catalog.board(&added.id).unwrap(), None);

    // Personal boards: a capability opens its own board only, up to the limit.
    let (mine, capability) = catalog
        .add_owned_board(&record.id, "Aino", 2)
        .unwrap()
        .expect("under the limit");
    assert!(mine.owned && !mine.shared && mine.kind == BoardKind::Personal);
    assert!(catalog.owns_board(&mine.id, &capability).unwrap());
    assert!(!catalog.owns_board(&boards[0].id, &capability).unwrap());
    assert!(!catalog.owns_board(&mine.id, &tokens.facilitator).unwrap());
    assert_eq!(
        catalog.board_owned_by(&record.id, &capability).unwrap(),
        Some(mine.id.clone())
    );
    assert_eq!(
        catalog.board_owned_by(&other.id, &capability).unwrap(),
        None
    );
    catalog
        .add_owned_board(&record.id, "Ben", 2)
        .unwrap()
        .unwrap();
    assert_eq!(
        catalog.add_owned_board(&record.id, "Cecilia", 2).unwrap(),
        None,
        "the limit holds"
    );
    catalog.set_board_shared(&mine.id, true).unwrap();
    assert!(catalog.board(&mine.id).unwrap().unwrap().shared);
    catalog.set_board_shared(&boards[0].id, true).unwrap();
    assert!(
        !catalog.board(&boards[0].id).unwrap().unwrap().shared,
        "only personal boards are shared"
    );
    catalog
        .set_personal_boards_shared(&record.id, false)
        .unwrap();
    assert!(!catalog.board(&mine.id).unwrap().unwrap().shared);

    // Snapshots: newest first, the later of one second first.
    let snapshot = |name: &str, created_at: i64| SnapshotRecord {
        id: random_id(),
        board_id: boards[0].id.clone(),
        name: name.into(),
        reason: SnapshotReason::Manual,
        author: Some("Fasilitaattori".into()),
        created_at,
        bytes: 5,
    };
    let first = snapshot("Päivä 1", 1000);
    let second = snapshot("Päivä 2", 1000);
    let older = snapshot("Aamu", 900);
    for (snapshot, state) in [(&first, b"state"), (&second, b"later"), (&older, b"early")] {
        catalog.add_snapshot(snapshot, state).unwrap();
    }
    let names: Vec<String> = catalog
        .snapshots_of(&boards[0].id)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["Päivä 2", "Päivä 1", "Aamu"]);
    assert_eq!(catalog.snapshot(&first.id).unwrap(), Some(first.clone()));
    assert_eq!(
        catalog.snapshot_state(&first.id).unwrap().as_deref(),
        Some(&b"state"[..])
    );
    assert_eq!(catalog.snapshot("none").unwrap(), None);
    let mut counts = catalog.snapshot_counts(&record.id).unwrap();
    counts.sort();
    let mut expected: Vec<(String, u32)> = catalog
        .boards_of(&record.id)
        .unwrap()
        .into_iter()
        .map(|b| (b.id.clone(), if b.id == boards[0].id { 3 } else { 0 }))
        .collect();
    expected.sort();
    assert_eq!(counts, expected);

    // Assignments: names as typed, looked up however they are typed; a personal board made
    // before joining (no owner) is found by its title.
    catalog
        .set_assignment(&record.id, " Aino Aalto ", Some(&boards[1].id))
        .unwrap();
    catalog
        .set_assignment(&record.id, "Ben", Some(&boards[0].id))
        .unwrap();
    assert_eq!(
        catalog.board_for_name(&record.id, "aino aalto").unwrap(),
        Some(boards[1].id.clone())
    );
    assert_eq!(
        catalog.assignments(&record.id).unwrap(),
        vec![
            ("Aino Aalto".to_owned(), boards[1].id.clone()),
            ("Ben".to_owned(), boards[0].id.clone())
        ]
    );
    catalog.set_assignment(&record.id, "BEN", None).unwrap();
    assert_eq!(catalog.board_for_name(&record.id, "Ben").unwrap(), None);
    assert_eq!(catalog.board_for_name(&record.id, "  ").unwrap(), None);
    let unowned = BoardRecord {
        id: random_id(),
        workshop_id: record.id.clone(),
        title: "Dora".into(),
        kind: BoardKind::Personal,
        locked: false,
        created_at: unix_now(),
        owned: false,
        shared: false,
    };
    catalog.add_board(&unowned).unwrap();
    assert_eq!(
        catalog.board_for_name(&record.id, "dora").unwrap(),
        Some(unowned.id.clone())
    );

    // Match decisions: a pair is one decision whichever way round; `None` forgets it.
    catalog
        .set_match_decisions(
            &record.id,
            &[
                ("vsl".into(), "liitto".into(), Some(MatchVerdict::Same)),
                ("a".into(), "b".into(), Some(MatchVerdict::Different)),
                ("Z".into(), "a".into(), Some(MatchVerdict::Same)),
            ],
        )
        .unwrap();
    catalog
        .set_match_decisions(
            &record.id,
            &[
                ("liitto".into(), "vsl".into(), Some(MatchVerdict::Different)),
                ("b".into(), "a".into(), None),
            ],
        )
        .unwrap();
    assert_eq!(
        catalog.match_decisions(&record.id).unwrap(),
        vec![
            ("Z".into(), "a".into(), MatchVerdict::Same),
            ("liitto".into(), "vsl".into(), MatchVerdict::Different),
        ],
        "sorted by bytes, as SQLite sorts"
    );

    // Dot votes.
    assert_eq!(catalog.vote(&record.id).unwrap(), None);
    let vote = catalog.start_vote(&record.id, "Tärkeimmät", 2).unwrap();
    assert_eq!(catalog.vote(&record.id).unwrap(), Some(vote.clone()));
    let aino = voter_key(&vote.id, "aino-secret");
    let ben = voter_key(&vote.id, "ben-secret");
    let change = |key: &[u8; 32], actor: &str, change: DotChange| {
        let target = DotTarget {
            workshop_id: &record.id,
            vote_id: &vote.id,
            voter_key: key,
            board_id: &boards[0].id,
            actor_id: actor,
        };
        catalog.change_dot(&target, change).unwrap()
    };
    assert_eq!(
        change(&aino, "actor-1", DotChange::Place),
        DotOutcome::Changed
    );
    assert_eq!(
        change(&aino, "actor-1", DotChange::Place),
        DotOutcome::Changed
    );
    assert_eq!(
        change(&aino, "actor-2", DotChange::Place),
        DotOutcome::Refused(DotRefused::NoDotsLeft)
    );
    assert_eq!(
        change(&ben, "actor-1", DotChange::TakeBack),
        DotOutcome::Refused(DotRefused::NothingToTakeBack)
    );
    assert_eq!(
        change(&ben, "actor-2", DotChange::Place),
        DotOutcome::Changed
    );
    assert_eq!(
        change(&aino, "actor-1", DotChange::TakeBack),
        DotOutcome::Changed
    );
    let dots = catalog.voter_dots(&vote.id, &aino, &boards[0].id).unwrap();
    assert_eq!(dots.placed, 1);
    assert_eq!(dots.on_board.get("actor-1"), Some(&1));
    let totals = catalog.vote_totals(&vote.id, &boards[0].id).unwrap();
    assert_eq!(
        totals.into_iter().collect::<Vec<_>>(),
        vec![("actor-1".to_owned(), 1), ("actor-2".to_owned(), 1)]
    );
    assert_eq!(
        catalog
            .change_dot(
                &DotTarget {
                    workshop_id: &record.id,
                    vote_id: "old-vote",
                    voter_key: &aino,
                    board_id: &boards[0].id,
                    actor_id: "a",
                },
                DotChange::Place
            )
            .unwrap(),
        DotOutcome::NoVote
    );
    let revealed = catalog.reveal_vote(&record.id).unwrap().unwrap();
    assert!(revealed.revealed);
    assert_eq!(
        change(&ben, "actor-1", DotChange::Place),
        DotOutcome::Closed
    );
    catalog.end_vote(&record.id).unwrap();
    assert_eq!(catalog.vote(&record.id).unwrap(), None);

    // The voter cap: a new voter past it is refused, a voter already counted still votes.
    let vote = catalog.start_vote(&record.id, "Kuka puuttuu?", 2).unwrap();
    let keys: Vec<[u8; 32]> = (0..=MAX_VOTERS_PER_VOTE)
        .map(|voter| voter_key(&vote.id, &format!("device-{voter}")))
        .collect();
    let change = |key: &[u8; 32], change: DotChange| {
        let target = DotTarget {
            workshop_id: &record.id,
            vote_id: &vote.id,
            voter_key: key,
            board_id: &boards[0].id,
            actor_id: "actor-1",
        };
        catalog.change_dot(&target, change).unwrap()
    };
    let (counted, one_too_many) = keys.split_at(MAX_VOTERS_PER_VOTE as usize);
    for key in counted {
        assert_eq!(change(key, DotChange::Place), DotOutcome::Changed);
    }
    assert_eq!(
        change(&one_too_many[0], DotChange::Place),
        DotOutcome::TooManyVoters
    );
    assert_eq!(change(&counted[0], DotChange::Place), DotOutcome::Changed);
    catalog.end_vote(&record.id).unwrap();

    // Deletion and retention: a workshop takes its boards and snapshots with it.
    let before = catalog.row_counts().unwrap();
    let deleted_boards = catalog.delete_workshop(&record.id).unwrap();
    assert_eq!(
        deleted_boards.len(),
        5,
        "2 group, 2 personal, 1 made before joining"
    );
    assert_eq!(catalog.workshop(&record.id).unwrap(), None);
    assert_eq!(catalog.snapshot(&first.id).unwrap(), None);
    assert_eq!(catalog.assignments(&record.id).unwrap(), vec![]);
    let after = catalog.row_counts().unwrap();
    assert_eq!(after, [before[0] - 1, before[1] - 5, before[2] - 3]);
    assert_eq!(catalog.expired_workshops(0).unwrap(), Vec::<String>::new());
    assert_eq!(
        catalog.expired_workshops(i64::MAX).unwrap(),
        vec![other.id.clone()]
    );
}

#[test]
fn sqlite_catalog_keeps_the_catalog_contract() {
    let (catalog, dir) = super::test_support::catalog();
    check_catalog(&catalog);
    drop(catalog);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn postgres_catalog_keeps_the_catalog_contract_across_reconnecting() {
    let Some(config) =
        crate::pg_connection::test_database("postgres_catalog_keeps_the_catalog_contract")
    else {
        return;
    };
    let catalog = super::PostgresCatalog::connect(&config).unwrap();
    check_catalog(&catalog);
    // A second connection (another node, or a restart) finds the schema in place and the
    // rows as the first one left them.
    let again = super::PostgresCatalog::connect(&config).unwrap();
    assert_eq!(again.row_counts().unwrap(), catalog.row_counts().unwrap());
}
