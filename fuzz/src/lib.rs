//! The server's import code (JSON export and CSV sheets into a board), compiled from the
//! server's own source files, plus the board the targets import into.
//!
//! `board_doc.rs` and `csv_sheets.rs` use only `yrs`, `csv` and `kartta-protocol`, so the fuzz
//! crate compiles those two files as they are instead of depending on `kartta-server`: a
//! sanitizer build of the whole server (axum, tokio, SQLite, resvg) would take many minutes on
//! a small machine, and the targets reach exactly the functions the import handler calls.

#[path = "../../server/src/workshops/board_doc.rs"]
pub mod board_doc;
#[path = "../../server/src/exchange/csv_sheets.rs"]
pub mod csv_sheets;

use kartta_protocol::schema::{Locale, Template};
use yrs::{Doc, ReadTxn, StateVector, Transact};

/// A board that already holds a drawing, as an import meets it: the same sheet and export the
/// seed corpora hold, imported into a new board.
pub fn board_with_actors() -> Doc {
    let doc = board_doc::load(&board_doc::initial_state(
        "Varsinais-Suomi",
        Template::Rings,
        Locale::Fi,
    ))
    .expect("a new board loads");
    let sheet = csv_sheets::parse_actors(
        "Label,Type,Tags,Influence,X,Y,ID\n\
         \"Turku, city\",municipality,a|b,4,10,20,t1\n\
         Åbo Akademi,Education research,,,300,40,t2\n\
         =HYPERLINK(\"x\"),other,,,-5,-5,t3\n"
            .as_bytes(),
    )
    .expect("the sample sheet parses");
    board_doc::import_actors(&mut doc.transact_mut(), &sheet.actors, &mut fresh_ids());
    doc
}

/// The whole state of `doc`, as the room stores it.
pub fn stored_state(doc: &Doc) -> Vec<u8> {
    doc.transact()
        .encode_state_as_update_v1(&StateVector::default())
}

/// New element ids for the import. They contain `.`, which no id kept from a sheet may
/// contain (`kartta_protocol::is_valid_board_id`), so a fresh id never meets a kept one, just
/// as the server's random ids practically never do.
pub fn fresh_ids() -> impl FnMut() -> String {
    let mut issued = 0u64;
    move || {
        issued += 1;
        format!("new.{issued}")
    }
}
