//! Server-side changes to board documents: the first state of a new board, restoring a
//! snapshot's content, reading a stored state, and importing elements.
//!
//! Pure code over `yrs` and `kartta-protocol` only: the fuzz crate compiles this very file
//! (`fuzz/src/lib.rs`), so it must not use anything else of the server crate.

use std::collections::{HashMap, HashSet};

use kartta_protocol::api::BoardExport;
use kartta_protocol::schema::{
    self, field, root, ActorView, BoardView, Locale, RelationView, Template, CURRENT_SCHEMA_VERSION,
};
use yrs::types::ToJson;
use yrs::updates::decoder::Decode;
use yrs::{
    Any, Doc, GetString, In, Map, MapPrelim, MapRef, Out, ReadTxn, StateVector, TextPrelim,
    Transact, TransactionMut, Update, WriteTxn,
};

/// The element maps of a board, in the order a restore rewrites them.
const ELEMENT_ROOTS: [&str; 4] = [root::ACTORS, root::RELATIONS, root::NOTES, root::STROKES];

/// The encoded first state of a new board: its title, template and language in `meta`.
pub fn initial_state(title: &str, template: Template, locale: Locale) -> Vec<u8> {
    let doc = Doc::new();
    let meta = doc.get_or_insert_map(root::META);
    let mut txn = doc.transact_mut();
    meta.insert(&mut txn, field::meta::TITLE, title);
    meta.insert(&mut txn, field::meta::TEMPLATE, template.code());
    meta.insert(&mut txn, field::meta::LOCALE, locale.code());
    schema::upgrade(&mut txn);
    drop(txn);
    let state = doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    state
}

/// The state of a fork of `snapshot`: its content under the copy's own `title` (the one the
/// catalog holds, so the header and the workshop overview agree), unlocked, with the board
/// presented now, and without a timer: a copy made while the timer runs is not part of the
/// exercise being timed.
pub fn fork_state(snapshot: &[u8], title: &str, presenting: Option<&str>) -> Option<Vec<u8>> {
    state_with_live_settings(snapshot, Some(title), None, presenting)
}

/// A new board's `state` with the workshop's live settings of now in `meta` (unlocked, the
/// running timer, the board presented now), for a board made while the workshop runs.
pub fn joined_state(
    state: &[u8],
    timer_ends_at: Option<i64>,
    presenting: Option<&str>,
) -> Option<Vec<u8>> {
    state_with_live_settings(state, None, timer_ends_at, presenting)
}

fn state_with_live_settings(
    state: &[u8],
    title: Option<&str>,
    timer_ends_at: Option<i64>,
    presenting: Option<&str>,
) -> Option<Vec<u8>> {
    let doc = load(state)?;
    let meta = doc.get_or_insert_map(root::META);
    let mut txn = doc.transact_mut();
    if let Some(title) = title {
        meta.insert(&mut txn, field::meta::TITLE, title);
    }
    meta.insert(&mut txn, field::meta::LOCKED, false);
    // The notice of a restore belongs to the board restored, not to a copy of it.
    meta.remove(&mut txn, field::meta::LAST_RESTORE);
    match timer_ends_at {
        Some(ends_at) => {
            meta.insert(&mut txn, field::meta::TIMER_ENDS_AT, ends_at as f64);
        }
        None => {
            meta.remove(&mut txn, field::meta::TIMER_ENDS_AT);
        }
    }
    match presenting {
        Some(board_id) => {
            meta.insert(&mut txn, field::meta::PRESENTING, board_id);
        }
        None => {
            meta.remove(&mut txn, field::meta::PRESENTING);
        }
    }
    // A snapshot taken before boards carried a version becomes a current board.
    schema::upgrade(&mut txn);
    drop(txn);
    let state = doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    Some(state)
}

/// The first state of a merged board: `merged` (from `kartta_protocol::merge`) with its
/// elements under their merged ids and the workshop's live settings of now in `meta`.
pub fn merged_state(
    merged: &BoardView,
    timer_ends_at: Option<i64>,
    presenting: Option<&str>,
) -> Vec<u8> {
    let doc = Doc::new();
    let meta = doc.get_or_insert_map(root::META);
    let mut txn = doc.transact_mut();
    meta.insert(&mut txn, field::meta::TITLE, merged.meta.title.as_str());
    meta.insert(&mut txn, field::meta::TEMPLATE, merged.meta.template.code());
    if let Some(locale) = merged.meta.locale {
        meta.insert(&mut txn, field::meta::LOCALE, locale.code());
    }
    meta.insert(
        &mut txn,
        field::meta::MERGED_FROM,
        texts(merged.meta.merged_from.iter().map(String::as_str)),
    );
    if !merged.meta.merged_groups.is_empty() {
        meta.insert(
            &mut txn,
            field::meta::MERGED_GROUPS,
            texts(merged.meta.merged_groups.iter().map(String::as_str)),
        );
    }
    if let Some(ends_at) = timer_ends_at {
        meta.insert(&mut txn, field::meta::TIMER_ENDS_AT, ends_at as f64);
    }
    if let Some(board_id) = presenting {
        meta.insert(&mut txn, field::meta::PRESENTING, board_id);
    }
    for actor in &merged.actors {
        insert_actor(&mut txn, &actor.id, actor);
    }
    for relation in &merged.relations {
        insert_relation(
            &mut txn,
            &relation.id,
            relation,
            &relation.from,
            &relation.to,
        );
    }
    schema::upgrade(&mut txn);
    drop(txn);
    let state = doc
        .transact()
        .encode_state_as_update_v1(&StateVector::default());
    state
}

/// A document holding `state` (a v1 update), or `None` if it does not load.
pub fn load(state: &[u8]) -> Option<Doc> {
    let doc = Doc::new();
    let update = Update::decode_v1(state).ok()?;
    doc.transact_mut().apply_update(update).ok()?;
    Some(doc)
}

/// A stored state as the JSON export shape.
pub fn export(state: &[u8]) -> Option<BoardExport> {
    let doc = load(state)?;
    let view = BoardView::read(&doc.transact());
    Some(BoardExport {
        format: "kartta-board".into(),
        version: CURRENT_SCHEMA_VERSION,
        meta: view.meta,
        actors: view.actors,
        relations: view.relations,
        notes: view.notes,
        strokes: view.strokes,
    })
}

/// Makes the live document hold what `snapshot` holds: elements the snapshot lacks are
/// removed, elements that differ are rewritten, identical ones are left alone (so a restore of
/// an unchanged board changes nothing). The lock and the timer stay as they are.
pub fn restore_into(txn: &mut TransactionMut, snapshot: &Doc) {
    let source = snapshot.transact();
    for root_name in ELEMENT_ROOTS {
        let target = txn.get_or_insert_map(root_name);
        let wanted: HashMap<String, Out> = source
            .get_map(root_name)
            .map(|map| {
                map.iter(&source)
                    .map(|(key, value)| (key.to_string(), value))
                    .collect()
            })
            .unwrap_or_default();
        let present: Vec<String> = target.keys(txn).map(str::to_owned).collect();
        for key in &present {
            if !wanted.contains_key(key) {
                target.remove(txn, key);
            }
        }
        for (key, value) in &wanted {
            let same = target
                .get(txn, key)
                .is_some_and(|current| current.to_json(txn) == value.to_json(&source));
            if !same {
                if let Some(copy) = deep_copy(value, &source) {
                    target.insert(txn, key.as_str(), copy);
                }
            }
        }
    }
    if let Some(source_meta) = source.get_map(root::META) {
        let meta = txn.get_or_insert_map(root::META);
        // Not the title: the catalog holds it too (the workshop overview's list), and a restore
        // of older content leaves the board's name as it is now, so the two never differ.
        for key in [field::meta::TEMPLATE, field::meta::LOCALE] {
            if let Some(Out::Any(value)) = source_meta.get(&source, key) {
                let same =
                    matches!(meta.get(txn, key), Some(Out::Any(current)) if current == value);
                if !same {
                    meta.insert(txn, key, value);
                }
            }
        }
    }
}

/// A copy of one element (a map of plain values and texts) to insert into another document.
fn deep_copy<T: ReadTxn>(value: &Out, txn: &T) -> Option<In> {
    match value {
        Out::Any(any) => Some(In::Any(any.clone())),
        Out::YText(text) => Some(In::from(TextPrelim::new(text.get_string(txn)))),
        Out::YMap(map) => {
            let fields: Vec<(String, In)> = map
                .iter(txn)
                .filter_map(|(key, value)| {
                    deep_copy(&value, txn).map(|copy| (key.to_string(), copy))
                })
                .collect();
            Some(In::Map(MapPrelim::from_iter(fields)))
        }
        // The board schema has no arrays of types or XML; anything else is left out.
        _ => None,
    }
}

fn insert_element(
    txn: &mut TransactionMut,
    root_name: &str,
    id: &str,
    fields: Vec<(&str, In)>,
) -> MapRef {
    let root_map = txn.get_or_insert_map(root_name);
    let fields: Vec<(String, In)> = fields
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect();
    root_map.insert(txn, id, MapPrelim::from_iter(fields))
}

fn text(value: &str) -> In {
    In::Any(Any::from(value))
}

/// A JSON array of strings.
fn texts<'a>(values: impl Iterator<Item = &'a str>) -> In {
    In::Any(Any::from(values.map(Any::from).collect::<Vec<Any>>()))
}

fn number(value: f64) -> In {
    In::Any(Any::from(value))
}

fn insert_actor(txn: &mut TransactionMut, id: &str, item: &ActorView) {
    use kartta_protocol::schema::field::actor;
    let mut fields = vec![
        (actor::NAME, text(&item.name)),
        (actor::KIND, text(item.kind.code())),
        (actor::X, number(item.x)),
        (actor::Y, number(item.y)),
        (actor::IS_PERSON, In::Any(Any::Bool(item.is_person))),
    ];
    if !item.description.is_empty() {
        fields.push((actor::DESCRIPTION, text(&item.description)));
    }
    if !item.alias.is_empty() {
        fields.push((actor::ALIAS, text(&item.alias)));
    }
    if !item.tags.is_empty() {
        let tags: Vec<Any> = item
            .tags
            .iter()
            .map(|tag| Any::from(tag.as_str()))
            .collect();
        fields.push((actor::TAGS, In::Any(Any::from(tags))));
    }
    if let Some(influence) = item.influence {
        fields.push((actor::INFLUENCE, number(f64::from(influence))));
    }
    if let Some(stance) = item.stance {
        fields.push((actor::STANCE, text(stance.code())));
    }
    if !item.sources.is_empty() {
        fields.push((
            actor::SOURCES,
            texts(item.sources.iter().map(String::as_str)),
        ));
    }
    insert_element(txn, root::ACTORS, id, fields);
}

fn insert_relation(txn: &mut TransactionMut, id: &str, item: &RelationView, from: &str, to: &str) {
    use kartta_protocol::schema::field::relation;
    let mut fields = vec![
        (relation::FROM, text(from)),
        (relation::TO, text(to)),
        (relation::KIND, text(item.kind.code())),
        (relation::DIRECTION, text(item.direction.code())),
        (relation::STRENGTH, text(item.strength.code())),
        (relation::STATUS, text(item.status.code())),
    ];
    if !item.label.is_empty() {
        fields.push((relation::LABEL, text(&item.label)));
    }
    if let Some(coordination) = item.coordination {
        fields.push((relation::COORDINATION, text(coordination.code())));
    }
    if !item.sources.is_empty() {
        fields.push((
            relation::SOURCES,
            texts(item.sources.iter().map(String::as_str)),
        ));
    }
    if !item.other_kinds.is_empty() {
        fields.push((
            relation::OTHER_KINDS,
            texts(item.other_kinds.iter().map(|kind| kind.code())),
        ));
    }
    insert_element(txn, root::RELATIONS, id, fields);
}

/// Why a body is not a board export that can be imported.
#[derive(Debug, thiserror::Error)]
pub enum ExportFileError {
    /// The body is not JSON of the export's shape; the message names the line and column.
    #[error("Line {line}, column {column}: {0}", line = .0.line(), column = .0.column())]
    NotJson(#[from] serde_json::Error),
    #[error("This is not a Kartta board export (format \"kartta-board\", version 1).")]
    NotABoardExport,
}

/// Parses an uploaded JSON export, refusing other formats and versions.
pub fn parse_export(body: &[u8]) -> Result<BoardExport, ExportFileError> {
    let export: BoardExport = serde_json::from_slice(body)?;
    if export.format != "kartta-board" || export.version != CURRENT_SCHEMA_VERSION {
        return Err(ExportFileError::NotABoardExport);
    }
    Ok(export)
}

/// Adds the elements of `export` to the board under new ids (relations follow their actors).
/// Returns how many of each were added.
pub fn import(
    txn: &mut TransactionMut,
    export: &BoardExport,
    new_id: &mut dyn FnMut() -> String,
) -> [u32; 4] {
    use kartta_protocol::schema::field::{note, stroke};
    let mut actor_ids = HashMap::new();
    for item in &export.actors {
        let id = new_id();
        insert_actor(txn, &id, item);
        actor_ids.insert(item.id.clone(), id);
    }
    let mut relations = 0;
    for item in &export.relations {
        let (Some(from), Some(to)) = (actor_ids.get(&item.from), actor_ids.get(&item.to)) else {
            continue;
        };
        insert_relation(txn, &new_id(), item, from, to);
        relations += 1;
    }
    for item in &export.notes {
        let fields = vec![
            (note::X, number(item.x)),
            (note::Y, number(item.y)),
            (note::WIDTH, number(item.width)),
            (note::HEIGHT, number(item.height)),
            (note::COLOR, text(&item.color)),
            (note::VARIANT, text(item.variant.code())),
            (note::BODY, In::from(TextPrelim::new(item.body.clone()))),
        ];
        insert_element(txn, root::NOTES, &new_id(), fields);
    }
    for item in &export.strokes {
        let points: Vec<Any> = item.points.iter().map(|point| Any::from(*point)).collect();
        let fields = vec![
            (stroke::TOOL, text(item.tool.code())),
            (stroke::COLOR, text(&item.color)),
            (stroke::WIDTH, number(item.width)),
            (stroke::POINTS, In::Any(Any::from(points))),
        ];
        insert_element(txn, root::STROKES, &new_id(), fields);
    }
    [
        export.actors.len() as u32,
        relations,
        export.notes.len() as u32,
        export.strokes.len() as u32,
    ]
}

/// Adds actors from an actor sheet, keeping a sheet's `ID` when it is a usable id not yet on
/// the board (so a relation sheet exported beside it still finds them).
pub fn import_actors(
    txn: &mut TransactionMut,
    actors: &[ActorView],
    new_id: &mut dyn FnMut() -> String,
) -> u32 {
    let mut taken = actor_ids(txn);
    // Actors without a position go on a grid to the right of everything already on the board,
    // so they never land on top of the drawing.
    let board = BoardView::read(txn);
    let right_edge = board
        .actors
        .iter()
        .map(|actor| {
            let width =
                kartta_protocol::card::actor_card_width(&actor.name, actor.influence, &actor.alias);
            actor.x + f64::from(width) / 2.0
        })
        .chain(board.notes.iter().map(|note| note.x + note.width))
        .fold(f64::NEG_INFINITY, f64::max);
    let top = board
        .actors
        .iter()
        .map(|actor| actor.y)
        .fold(f64::INFINITY, f64::min);
    let (origin_x, origin_y) = if right_edge.is_finite() {
        (right_edge + 200.0, top.min(0.0))
    } else {
        (0.0, 0.0)
    };
    let mut placed = 0;
    for item in actors {
        let id = if kartta_protocol::is_valid_board_id(&item.id) && !taken.contains(&item.id) {
            item.id.clone()
        } else {
            new_id()
        };
        let mut item = item.clone();
        if !item.x.is_finite() || !item.y.is_finite() {
            item.x = origin_x + (placed % 6) as f64 * 220.0;
            item.y = origin_y + (placed / 6) as f64 * 90.0;
            placed += 1;
        }
        insert_actor(txn, &id, &item);
        taken.insert(id);
    }
    actors.len() as u32
}

/// Adds relations whose endpoints are already resolved to actors on the board.
pub fn import_relations(
    txn: &mut TransactionMut,
    relations: &[RelationView],
    new_id: &mut dyn FnMut() -> String,
) -> u32 {
    let present = actor_ids(txn);
    let mut added = 0;
    for item in relations
        .iter()
        .filter(|item| present.contains(&item.from) && present.contains(&item.to))
    {
        insert_relation(txn, &new_id(), item, &item.from, &item.to);
        added += 1;
    }
    added
}

/// Ids of the actors currently on a board, for checking imported relations against.
pub fn actor_ids<T: ReadTxn>(txn: &T) -> HashSet<String> {
    txn.get_map(root::ACTORS)
        .map(|map| map.keys(txn).map(str::to_owned).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kartta_protocol::schema::ActorKind;

    fn doc_with(names: &[(&str, &str)]) -> Doc {
        let doc = load(&initial_state("Kartta", Template::Rings, Locale::Fi)).unwrap();
        let mut txn = doc.transact_mut();
        for (id, name) in names {
            insert_element(
                &mut txn,
                root::ACTORS,
                id,
                vec![
                    (field::actor::NAME, text(name)),
                    (field::actor::X, number(1.0)),
                    (field::actor::Y, number(2.0)),
                ],
            );
        }
        drop(txn);
        doc
    }

    #[test]
    fn restoring_makes_the_board_equal_to_the_snapshot() {
        let snapshot = doc_with(&[("a", "Turku"), ("b", "Raisio")]);
        let live = Doc::new();
        live.transact_mut()
            .apply_update(
                Update::decode_v1(
                    &snapshot
                        .transact()
                        .encode_state_as_update_v1(&StateVector::default()),
                )
                .unwrap(),
            )
            .unwrap();
        {
            let mut txn = live.transact_mut();
            let actors = txn.get_or_insert_map(root::ACTORS);
            actors.remove(&mut txn, "a");
            insert_element(
                &mut txn,
                root::ACTORS,
                "c",
                vec![
                    (field::actor::NAME, text("Naantali")),
                    (field::actor::X, number(0.0)),
                    (field::actor::Y, number(0.0)),
                ],
            );
        }
        restore_into(&mut live.transact_mut(), &snapshot);
        assert_eq!(
            BoardView::read(&live.transact()),
            BoardView::read(&snapshot.transact())
        );
        // Restoring again changes nothing at all.
        let before = live.transact().state_vector();
        restore_into(&mut live.transact_mut(), &snapshot);
        assert_eq!(live.transact().state_vector(), before);
    }

    #[test]
    fn actors_without_a_position_are_placed_beside_the_drawing() {
        let doc = doc_with(&[("a", "Turku")]);
        {
            let mut txn = doc.transact_mut();
            let actors = txn.get_or_insert_map(root::ACTORS);
            if let Some(Out::YMap(actor)) = actors.get(&txn, "a") {
                actor.insert(&mut txn, field::actor::X, 1000.0);
            }
        }
        let mut sheet = export(
            &doc.transact()
                .encode_state_as_update_v1(&StateVector::default()),
        )
        .unwrap()
        .actors;
        for (index, actor) in sheet.iter_mut().enumerate() {
            actor.id = format!("csv{index}");
            (actor.x, actor.y) = (f64::NAN, f64::NAN);
        }
        sheet.push(sheet[0].clone());
        sheet[1].id = "csv1".into();
        import_actors(&mut doc.transact_mut(), &sheet, &mut || "fresh".into());
        let view = BoardView::read(&doc.transact());
        assert_eq!(view.actors.len(), 3);
        for id in ["csv0", "csv1"] {
            let placed = view.actor(id).unwrap();
            assert!(
                placed.x > 1092.0,
                "{id} lands right of the drawing: {placed:?}"
            );
        }
        assert_ne!(
            view.actor("csv0").unwrap().x,
            view.actor("csv1").unwrap().x,
            "side by side"
        );
    }

    #[test]
    fn an_uploaded_export_is_parsed_or_refused_with_where_and_why() {
        let error = parse_export(b"{\n  \"format\": \"kartta-board\",\n  oops").unwrap_err();
        assert!(
            error.to_string().starts_with("Line 3, column 3: "),
            "{error}"
        );
        let other = br#"{"format":"something-else","version":1,"meta":{"title":"","template":"blank","locked":false},"actors":[],"relations":[],"notes":[],"strokes":[]}"#;
        assert!(matches!(
            parse_export(other),
            Err(ExportFileError::NotABoardExport)
        ));
        let board = export(&initial_state("Kartta", Template::Rings, Locale::Fi)).unwrap();
        let parsed = parse_export(&serde_json::to_vec(&board).unwrap()).unwrap();
        assert_eq!(parsed.meta.title, "Kartta");
    }

    #[test]
    fn import_adds_everything_under_new_ids_and_keeps_relations_attached() {
        let source = doc_with(&[("a", "Turku"), ("b", "Raisio")]);
        {
            let mut txn = source.transact_mut();
            insert_element(
                &mut txn,
                root::RELATIONS,
                "r",
                vec![
                    (field::relation::FROM, text("a")),
                    (field::relation::TO, text("b")),
                    (field::relation::KIND, text("funding")),
                ],
            );
        }
        let export = export(
            &source
                .transact()
                .encode_state_as_update_v1(&StateVector::default()),
        )
        .unwrap();
        assert_eq!(export.actors[0].kind, ActorKind::Other);
        let target = Doc::new();
        let mut counter = 0;
        let counts = import(&mut target.transact_mut(), &export, &mut || {
            counter += 1;
            format!("new{counter}")
        });
        assert_eq!(counts, [2, 1, 0, 0]);
        let view = BoardView::read(&target.transact());
        assert_eq!(
            view.relations.len(),
            1,
            "the relation points at the new actor ids"
        );
        assert!(view.actors.iter().all(|actor| actor.id.starts_with("new")));
    }

    #[test]
    fn boards_the_server_creates_are_of_the_current_layout() {
        let version = |state: &[u8]| schema::schema_version(&load(state).unwrap().transact());
        let new_board = initial_state("Kartta", Template::Rings, Locale::Fi);
        assert_eq!(version(&new_board), Some(CURRENT_SCHEMA_VERSION));

        // A snapshot stored before boards carried a version forks into a current board.
        let old_snapshot = Doc::new();
        old_snapshot.get_or_insert_map(root::META).insert(
            &mut old_snapshot.transact_mut(),
            field::meta::TITLE,
            "Vanha",
        );
        let old_state = old_snapshot
            .transact()
            .encode_state_as_update_v1(&StateVector::default());
        assert_eq!(version(&old_state), Some(0));
        let fork = fork_state(&old_state, "Vanha – Päivän 1 loppu", None).unwrap();
        assert_eq!(version(&fork), Some(CURRENT_SCHEMA_VERSION));

        let merged = BoardView::read(&load(&new_board).unwrap().transact());
        let merged = merged_state(&merged, None, None);
        assert_eq!(version(&merged), Some(CURRENT_SCHEMA_VERSION));
        assert_eq!(export(&new_board).unwrap().version, CURRENT_SCHEMA_VERSION);
    }
}
