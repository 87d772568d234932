//! An uploaded CSV file as both sheet imports read it: as an actor sheet, laid out on a board
//! that already holds a drawing, and as a relation sheet resolved against that board's actors.
//! Nothing may panic, every row imported must be on the board, and the sheet exported from the
//! result must import again with the same names and endpoints (the round trip that keeps
//! formula-looking names intact).
#![no_main]

use kartta_fuzz::{board_doc, board_with_actors, csv_sheets, fresh_ids, stored_state};
use kartta_protocol::schema::BoardView;
use libfuzzer_sys::fuzz_target;
use yrs::Transact;

fuzz_target!(|data: &[u8]| {
    let doc = board_with_actors();
    if let Ok(sheet) = csv_sheets::parse_actors(data) {
        let before = BoardView::read(&doc.transact()).actors.len();
        let added =
            board_doc::import_actors(&mut doc.transact_mut(), &sheet.actors, &mut fresh_ids());
        let board = board_doc::export(&stored_state(&doc)).expect("a stored board loads");
        assert_eq!(board.actors.len(), before + added as usize);
        assert!(
            board
                .actors
                .iter()
                .all(|actor| actor.x.is_finite() && actor.y.is_finite()),
            "every imported actor has a place on the board"
        );
        let again = csv_sheets::parse_actors(&csv_sheets::actors_csv(&board))
            .expect("an exported actor sheet imports again");
        let names = |actors: &[kartta_protocol::schema::ActorView]| {
            actors
                .iter()
                .map(|actor| actor.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&again.actors), names(&board.actors));
    }

    let board = board_doc::export(&stored_state(&doc)).expect("a stored board loads");
    if let Ok(sheet) = csv_sheets::parse_relations(data, &board.actors) {
        let before = board.relations.len();
        let added = board_doc::import_relations(
            &mut doc.transact_mut(),
            &sheet.relations,
            &mut fresh_ids(),
        );
        assert_eq!(
            added as usize,
            sheet.relations.len(),
            "every row names actors on the board"
        );
        let board = board_doc::export(&stored_state(&doc)).expect("a stored board loads");
        assert_eq!(board.relations.len(), before + added as usize);
        let again = csv_sheets::parse_relations(&csv_sheets::relations_csv(&board), &board.actors)
            .expect("an exported relation sheet imports again");
        let endpoints = |relations: &[kartta_protocol::schema::RelationView]| {
            relations
                .iter()
                .map(|relation| {
                    (
                        relation.from.clone(),
                        relation.to.clone(),
                        relation.label.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(endpoints(&again.relations), endpoints(&board.relations));
    }
});
