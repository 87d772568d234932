//! An uploaded file as the JSON import reads it: parse it as a board export, add its elements
//! to a board that already holds a drawing, read the board back, store and reload it, and
//! render the files an export makes of it. Nothing may panic, and what was imported must be on
//! the board.
#![no_main]

use kartta_fuzz::{board_doc, board_with_actors, csv_sheets, fresh_ids, stored_state};
use kartta_protocol::figures::BoardExportWithFigures;
use kartta_protocol::schema::BoardView;
use libfuzzer_sys::fuzz_target;
use yrs::Transact;

fuzz_target!(|data: &[u8]| {
    let Ok(export) = board_doc::parse_export(data) else {
        return;
    };
    let doc = board_with_actors();
    let before = BoardView::read(&doc.transact());
    let [actors, relations, notes, strokes] =
        board_doc::import(&mut doc.transact_mut(), &export, &mut fresh_ids());
    let after = BoardView::read(&doc.transact());
    assert_eq!(after.actors.len(), before.actors.len() + actors as usize);
    assert_eq!(
        after.relations.len(),
        before.relations.len() + relations as usize
    );
    assert_eq!(after.notes.len(), before.notes.len() + notes as usize);
    assert_eq!(after.strokes.len(), before.strokes.len() + strokes as usize);

    // What the room stores reads back as the same board.
    let reloaded = board_doc::export(&stored_state(&doc)).expect("a stored board loads");
    assert_eq!(reloaded.actors, after.actors);
    assert_eq!(reloaded.relations, after.relations);
    assert_eq!(reloaded.notes, after.notes);
    assert_eq!(reloaded.strokes, after.strokes);

    // The exports a participant downloads next (the SVG and PNG are left out: they need fonts).
    serde_json::to_vec_pretty(&BoardExportWithFigures::new(reloaded.clone()))
        .expect("an export serialises");
    csv_sheets::actors_csv(&reloaded);
    csv_sheets::relations_csv(&reloaded);
});
