//! Actors and relations as two CSV sheets, in the shape network-mapping tools exchange (an
//! element sheet with `Label` and `Type`, a connection sheet with `From` and `To`, as Kumu's
//! spreadsheet import reads them), and back.
//!
//! Pure code over `csv` and `kartta-protocol` only: the fuzz crate compiles this very file
//! (`fuzz/src/lib.rs`), so it must not use anything else of the server crate.

use std::collections::HashMap;

use kartta_protocol::api::BoardExport;
use kartta_protocol::figures::{export_figures, ActorFigures};
use kartta_protocol::schema::{
    ActorKind, ActorView, Coordination, Direction, Locale, MetaView, RelationKind, RelationStatus,
    RelationView, Stance, Strength, Template,
};

/// `Ring` and `Sector` are derived from the position and the board's template (see
/// `kartta_protocol::placement`); `Sources` (map ids) and `Support` ("k of n") are filled on
/// merged boards. An import ignores all four, and the network figures after `ID`.
const ACTOR_COLUMNS: [&str; 22] = [
    "Label",
    "Type",
    "Description",
    "Tags",
    "Alias",
    "Influence",
    "Stance",
    "Person",
    "X",
    "Y",
    "Ring",
    "Sector",
    "Sources",
    "Support",
    "ID",
    // Network figures computed from the board (`kartta_protocol::figures`); import ignores them.
    "Degree",
    "In Degree",
    "Out Degree",
    "Betweenness",
    "Isolated",
    "Community",
    // Dots of the workshop's vote once revealed (`meta.vote`), empty before; import ignores it.
    "Votes",
];
/// `Other types`, `Sources` and `Support` are filled on merged boards; an import ignores them.
const RELATION_COLUMNS: [&str; 13] = [
    "From",
    "To",
    "Type",
    "Label",
    "Direction",
    "Strength",
    "Coordination",
    "Status",
    "Other types",
    "Sources",
    "Support",
    "From ID",
    "To ID",
];
/// Separates several tags in one cell, as Kumu does.
const TAG_SEPARATOR: &str = "|";
/// Rows one sheet may hold.
const MAX_ROWS: usize = 10_000;

/// A sheet that cannot be imported: which line, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Line {line}: {reason}")]
pub struct SheetError {
    pub line: u64,
    pub reason: String,
}

/// First characters that make Excel or LibreOffice read a cell as a formula (OWASP's list for
/// CSV injection): `=HYPERLINK(…)` typed as a name would run when the sheet is opened.
const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text` is, after any leading apostrophes, something a spreadsheet would evaluate.
/// Apostrophes count so that a name really beginning with `'=` survives the round trip.
fn needs_apostrophe(text: &str) -> bool {
    text.trim_start_matches('\'')
        .starts_with(FORMULA_TRIGGERS.as_slice())
}

/// A text cell as written to a sheet: prefixed with `'`, which spreadsheets show as text,
/// when it would otherwise be a formula. Numbers are never passed here, so a negative
/// coordinate stays a number.
fn text_cell(text: &str) -> String {
    if needs_apostrophe(text) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Undoes [`text_cell`] exactly: removes the one apostrophe it adds.
fn from_text_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_apostrophe(rest) => rest,
        _ => cell,
    }
}

/// The cell separator of an exported sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Separator {
    #[default]
    Comma,
    /// Finnish and Swedish spreadsheets expect `;`, since `,` is their decimal separator.
    Semicolon,
}

impl Separator {
    /// `?separator=semicolon` or `comma`; `None` for anything else.
    pub fn from_code(code: &str) -> Option<Separator> {
        match code {
            "comma" => Some(Separator::Comma),
            "semicolon" => Some(Separator::Semicolon),
            _ => None,
        }
    }

    fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
        }
    }
}

/// How a sheet is written: its separator and the language of its label columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetOptions {
    pub separator: Separator,
    pub locale: Locale,
}

impl SheetOptions {
    /// Commas, labels in the board's own language (English when it has none).
    pub fn for_board(board: &BoardExport) -> SheetOptions {
        SheetOptions {
            separator: Separator::Comma,
            locale: board.meta.locale.unwrap_or(Locale::En),
        }
    }
}

/// Spreadsheets (Excel above all) read a file as UTF-8 only when it starts with this mark;
/// without it "Ryhmä" opens as "RyhmÃ¤". The import strips it.
const BYTE_ORDER_MARK: &str = "\u{feff}";

fn sheet(
    columns: &[String],
    rows: impl Iterator<Item = Vec<String>>,
    separator: Separator,
) -> Vec<u8> {
    let mut buffer = BYTE_ORDER_MARK.as_bytes().to_vec();
    let mut writer = csv::WriterBuilder::new()
        .delimiter(separator.byte())
        .from_writer(&mut buffer);
    let _ = writer.write_record(columns);
    for row in rows {
        let _ = writer.write_record(&row);
    }
    drop(writer);
    buffer
}

/// The header of a label column: the code column it explains and the language, e.g.
/// `Type (fi)`. It differs from every code column, so an import ignores it and the codes win.
fn label_column(code_column: &str, locale: Locale) -> String {
    format!("{code_column} ({})", locale.code())
}

/// The code columns, then one label column for each coded column in `labelled`.
fn header(code_columns: &[&str], labelled: &[&str], locale: Locale) -> Vec<String> {
    code_columns
        .iter()
        .map(|column| (*column).to_owned())
        .chain(labelled.iter().map(|column| label_column(column, locale)))
        .collect()
}

/// Coded actor columns that get a label column, in this order.
const LABELLED_ACTOR_COLUMNS: [&str; 4] = ["Type", "Stance", "Ring", "Sector"];
/// Coded relation columns that get a label column, in this order.
const LABELLED_RELATION_COLUMNS: [&str; 5] =
    ["Type", "Direction", "Strength", "Coordination", "Status"];

/// The actor sheet with commas and labels in the board's language.
pub fn actors_csv(board: &BoardExport) -> Vec<u8> {
    actors_sheet(board, SheetOptions::for_board(board))
}

/// The relation sheet with commas and labels in the board's language.
pub fn relations_csv(board: &BoardExport) -> Vec<u8> {
    relations_sheet(board, SheetOptions::for_board(board))
}

pub fn actors_sheet(board: &BoardExport, options: SheetOptions) -> Vec<u8> {
    let locale = options.locale;
    let figures: HashMap<String, ActorFigures> = export_figures(board)
        .into_iter()
        .map(|figures| (figures.actor_id.clone(), figures))
        .collect();
    sheet(
        &header(&ACTOR_COLUMNS, &LABELLED_ACTOR_COLUMNS, locale),
        board.actors.iter().map(|actor| {
            let mut row = vec![
                text_cell(&actor.name),
                actor.kind.code().to_owned(),
                text_cell(&actor.description),
                text_cell(&actor.tags.join(TAG_SEPARATOR)),
                text_cell(&actor.alias),
                actor
                    .influence
                    .map(|value| value.to_string())
                    .unwrap_or_default(),
                actor
                    .stance
                    .map(|stance| stance.code().to_owned())
                    .unwrap_or_default(),
                if actor.is_person {
                    "yes".into()
                } else {
                    String::new()
                },
                format!("{}", actor.x),
                format!("{}", actor.y),
                actor
                    .ring
                    .map(|ring| ring.code().to_owned())
                    .unwrap_or_default(),
                actor
                    .sector
                    .map(|sector| sector.code().to_owned())
                    .unwrap_or_default(),
                actor.sources.join(TAG_SEPARATOR),
                actor.support.clone().unwrap_or_default(),
                text_cell(&actor.id),
            ];
            if let Some(figures) = figures.get(&actor.id) {
                row.extend([
                    figures.degree.to_string(),
                    figures.in_degree.to_string(),
                    figures.out_degree.to_string(),
                    figures.betweenness.to_string(),
                    if figures.isolated { "yes" } else { "" }.to_owned(),
                    // Counted from 1, as the outline's table shows clusters to people.
                    (figures.community + 1).to_string(),
                ]);
            } else {
                row.resize(ACTOR_COLUMNS.len() - 1, String::new());
            }
            row.push(
                board
                    .meta
                    .vote
                    .as_ref()
                    .and_then(|vote| vote.total_for(&actor.id))
                    .map(|total| total.to_string())
                    .unwrap_or_default(),
            );
            row.extend([
                labels::actor_kind(actor.kind, locale).to_owned(),
                actor
                    .stance
                    .map(|stance| labels::stance(stance, locale))
                    .unwrap_or_default()
                    .to_owned(),
                actor
                    .ring
                    .map(|ring| labels::ring(ring, locale))
                    .unwrap_or_default()
                    .to_owned(),
                actor
                    .sector
                    .map(|sector| labels::sector(sector, locale))
                    .unwrap_or_default()
                    .to_owned(),
            ]);
            row
        }),
        options.separator,
    )
}

pub fn relations_sheet(board: &BoardExport, options: SheetOptions) -> Vec<u8> {
    let locale = options.locale;
    let names: HashMap<&str, &str> = board
        .actors
        .iter()
        .map(|actor| (actor.id.as_str(), actor.name.as_str()))
        .collect();
    sheet(
        &header(&RELATION_COLUMNS, &LABELLED_RELATION_COLUMNS, locale),
        board.relations.iter().map(|relation| {
            vec![
                text_cell(
                    names
                        .get(relation.from.as_str())
                        .copied()
                        .unwrap_or_default(),
                ),
                text_cell(names.get(relation.to.as_str()).copied().unwrap_or_default()),
                relation.kind.code().to_owned(),
                text_cell(&relation.label),
                relation.direction.code().to_owned(),
                relation.strength.code().to_owned(),
                relation
                    .coordination
                    .map(|value| value.code().to_owned())
                    .unwrap_or_default(),
                relation.status.code().to_owned(),
                relation
                    .other_kinds
                    .iter()
                    .map(|kind| kind.code())
                    .collect::<Vec<_>>()
                    .join(TAG_SEPARATOR),
                relation.sources.join(TAG_SEPARATOR),
                relation.support.clone().unwrap_or_default(),
                text_cell(&relation.from),
                text_cell(&relation.to),
                labels::relation_kind(relation.kind, locale).to_owned(),
                labels::direction(relation.direction, locale).to_owned(),
                labels::strength(relation.strength, locale).to_owned(),
                relation
                    .coordination
                    .map(|value| labels::coordination(value, locale))
                    .unwrap_or_default()
                    .to_owned(),
                labels::status(relation.status, locale).to_owned(),
            ]
        }),
        options.separator,
    )
}

/// The words people read for the codes, in the label columns. The same words as the web app's
/// (`web/src/i18n/*.ts`, the keys below), which a test checks.
pub(crate) mod labels {
    use kartta_protocol::schema::{
        ActorKind, Coordination, Direction, Locale, RelationKind, RelationStatus, RingPlacement,
        Sector, Stance, Strength,
    };

    /// `(web app message key, [fi, sv, en])`; `ring.outside` is the web app's
    /// `compareMaps.outside`.
    pub(super) const LABELS: [(&str, [&str; 3]); 42] = [
        (
            "actorKind.municipality",
            ["Kunta", "Kommun", "Municipality"],
        ),
        (
            "actorKind.regional_authority",
            [
                "Alueviranomainen",
                "Regional myndighet",
                "Regional authority",
            ],
        ),
        (
            "actorKind.state_agency",
            ["Valtion virasto", "Statlig myndighet", "State agency"],
        ),
        ("actorKind.business", ["Yritys", "Företag", "Business"]),
        (
            "actorKind.education_research",
            [
                "Koulutus tai tutkimus",
                "Utbildning eller forskning",
                "Education or research",
            ],
        ),
        (
            "actorKind.association",
            [
                "Yhdistys tai järjestö",
                "Förening eller organisation",
                "Association or NGO",
            ],
        ),
        ("actorKind.residents", ["Asukkaat", "Invånare", "Residents"]),
        ("actorKind.funder", ["Rahoittaja", "Finansiär", "Funder"]),
        ("actorKind.media", ["Media", "Medier", "Media"]),
        ("actorKind.other", ["Muu", "Övrig", "Other"]),
        (
            "relationKind.collaboration",
            ["Yhteistyö", "Samarbete", "Collaboration"],
        ),
        (
            "relationKind.information",
            ["Tiedonvaihto", "Information", "Information"],
        ),
        (
            "relationKind.funding",
            ["Rahoitus", "Finansiering", "Funding"],
        ),
        (
            "relationKind.agreement",
            ["Sopimus", "Avtal", "Agreement or contract"],
        ),
        (
            "relationKind.membership",
            ["Jäsenyys", "Medlemskap", "Membership"],
        ),
        (
            "relationKind.conflict",
            [
                "Ristiriita tai jännite",
                "Konflikt eller spänning",
                "Conflict or tension",
            ],
        ),
        ("relationKind.other", ["Muu", "Övrig", "Other"]),
        (
            "direction.none",
            ["Ei suuntaa", "Ingen riktning", "No direction"],
        ),
        (
            "direction.one_way",
            ["Yksisuuntainen", "Enkelriktad", "One way"],
        ),
        (
            "direction.both_ways",
            ["Molempiin suuntiin", "Dubbelriktad", "Both ways"],
        ),
        ("strength.weak", ["Heikko", "Svag", "Weak"]),
        ("strength.normal", ["Tavallinen", "Normal", "Normal"]),
        ("strength.strong", ["Vahva", "Stark", "Strong"]),
        (
            "coordination.hierarchy",
            ["Hierarkia", "Hierarki", "Hierarchy"],
        ),
        ("coordination.market", ["Markkinat", "Marknad", "Market"]),
        ("coordination.network", ["Verkosto", "Nätverk", "Network"]),
        (
            "coordination.ecosystem",
            ["Ekosysteemi", "Ekosystem", "Ecosystem"],
        ),
        ("status.existing", ["Nykyinen", "Befintlig", "Existing"]),
        ("status.desired", ["Toivottu", "Önskad", "Desired"]),
        ("status.weakening", ["Heikkenevä", "Försvagad", "Weakening"]),
        ("stance.supports", ["Tukee", "Stöder", "Supports"]),
        ("stance.neutral", ["Neutraali", "Neutral", "Neutral"]),
        ("stance.opposes", ["Vastustaa", "Motsätter sig", "Opposes"]),
        (
            "sector.public",
            ["Julkinen sektori", "Offentlig sektor", "Public sector"],
        ),
        (
            "sector.education_research",
            [
                "Koulutus ja tutkimus",
                "Utbildning och forskning",
                "Education and research",
            ],
        ),
        ("sector.business", ["Yritykset", "Näringsliv", "Business"]),
        (
            "sector.third_sector",
            ["Kolmas sektori", "Tredje sektorn", "Third sector"],
        ),
        ("sector.residents", ["Asukkaat", "Invånare", "Residents"]),
        ("ring.core", ["Ydin", "Kärna", "Core"]),
        (
            "ring.close",
            ["Läheiset kumppanit", "Nära partner", "Close partners"],
        ),
        (
            "ring.wider",
            ["Laajempi verkosto", "Bredare nätverk", "Wider network"],
        ),
        (
            "ring.outside",
            [
                "kehien ulkopuolella",
                "utanför ringarna",
                "outside the rings",
            ],
        ),
    ];

    /// The label of `prefix.code` in `locale`; the code itself if the table lacks it, so a new
    /// code still exports.
    fn label(prefix: &str, code: &'static str, locale: Locale) -> &'static str {
        let column = match locale {
            Locale::Fi => 0,
            Locale::Sv => 1,
            Locale::En => 2,
        };
        LABELS
            .iter()
            .find(|(key, _)| {
                key.strip_prefix(prefix)
                    .and_then(|rest| rest.strip_prefix('.'))
                    == Some(code)
            })
            .map_or(code, |(_, words)| words[column])
    }

    pub(crate) fn actor_kind(kind: ActorKind, locale: Locale) -> &'static str {
        label("actorKind", kind.code(), locale)
    }
    pub(crate) fn stance(stance: Stance, locale: Locale) -> &'static str {
        label("stance", stance.code(), locale)
    }
    pub(crate) fn ring(ring: RingPlacement, locale: Locale) -> &'static str {
        label("ring", ring.code(), locale)
    }
    pub(crate) fn sector(sector: Sector, locale: Locale) -> &'static str {
        label("sector", sector.code(), locale)
    }
    pub(crate) fn relation_kind(kind: RelationKind, locale: Locale) -> &'static str {
        label("relationKind", kind.code(), locale)
    }
    pub(crate) fn direction(direction: Direction, locale: Locale) -> &'static str {
        label("direction", direction.code(), locale)
    }
    pub(crate) fn strength(strength: Strength, locale: Locale) -> &'static str {
        label("strength", strength.code(), locale)
    }
    pub(crate) fn coordination(coordination: Coordination, locale: Locale) -> &'static str {
        label("coordination", coordination.code(), locale)
    }
    pub(crate) fn status(status: RelationStatus, locale: Locale) -> &'static str {
        label("status", status.code(), locale)
    }
}

/// One row of a sheet: cell text by lower-case column name.
type Row = HashMap<String, String>;

/// Reads a sheet into rows keyed by lower-case column name, with their line numbers.
fn rows(bytes: &[u8], required: &[&str]) -> Result<Vec<(u64, Row)>, SheetError> {
    let text = std::str::from_utf8(bytes).map_err(|error| SheetError {
        line: 1 + bytes[..error.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64,
        reason: "the file is not UTF-8 text".into(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Spreadsheets in Finnish locales save with semicolons.
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|error| SheetError {
            line: 1,
            reason: error.to_string(),
        })?
        .iter()
        .map(|header| header.trim().to_lowercase())
        .collect();
    for column in required {
        if !headers
            .iter()
            .any(|header| header == &column.to_lowercase())
        {
            return Err(SheetError {
                line: 1,
                reason: format!("the header has no \"{column}\" column"),
            });
        }
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| SheetError {
            line: error.position().map_or(0, |position| position.line()),
            reason: match error.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => {
                    format!("{len} fields where the header has {expected_len}")
                }
                _ => error.to_string(),
            },
        })?;
        let line = record.position().map_or(0, |position| position.line());
        if out.len() >= MAX_ROWS {
            return Err(SheetError {
                line,
                reason: format!("a sheet may have at most {MAX_ROWS} rows"),
            });
        }
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        // Every cell is read through `from_text_cell`: a number or a code never starts with an
        // apostrophe that the export added, so only text cells change.
        let row = headers
            .iter()
            .cloned()
            .zip(
                record
                    .iter()
                    .map(|field| from_text_cell(field.trim()).to_owned()),
            )
            .collect();
        out.push((line, row));
    }
    Ok(out)
}

/// A code from a cell: `Education research`, `education-research` and `education_research`
/// are the same.
fn code<T>(
    cell: &str,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
    allowed: &[&str],
    line: u64,
) -> Result<Option<T>, SheetError> {
    let normalized = cell.trim().to_lowercase().replace([' ', '-'], "_");
    if normalized.is_empty() {
        return Ok(None);
    }
    parse(&normalized).map(Some).ok_or_else(|| SheetError {
        line,
        reason: format!(
            "unknown {what} \"{cell}\" (use one of: {})",
            allowed.join(", ")
        ),
    })
}

fn codes<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|value| code(*value)).collect()
}

fn number(cell: &str, what: &str, line: u64) -> Result<Option<f64>, SheetError> {
    if cell.is_empty() {
        return Ok(None);
    }
    cell.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
        .map(Some)
        .ok_or_else(|| SheetError {
            line,
            reason: format!("{what} \"{cell}\" is not a number"),
        })
}

fn empty_board() -> BoardExport {
    BoardExport {
        format: "kartta-board".into(),
        version: 1,
        meta: MetaView {
            title: String::new(),
            template: Template::Blank,
            locale: None,
            locked: false,
            timer_ends_at: None,
            presenting: None,
            merged_from: Vec::new(),
            merged_groups: Vec::new(),
            vote: None,
            last_restore: None,
        },
        actors: vec![],
        relations: vec![],
        notes: vec![],
        strokes: vec![],
    }
}

/// The actors of an actor sheet. Rows without coordinates get NaN positions, for the import to
/// lay out beside the board's drawing.
pub fn parse_actors(bytes: &[u8]) -> Result<BoardExport, SheetError> {
    let mut board = empty_board();
    let kinds = codes(ActorKind::ALL, ActorKind::code);
    let stances = codes(Stance::ALL, Stance::code);
    for (line, row) in rows(bytes, &["Label"])? {
        let cell = |name: &str| row.get(name).map(String::as_str).unwrap_or("");
        let name = cell("label").to_owned();
        if name.is_empty() {
            return Err(SheetError {
                line,
                reason: "the Label is empty".into(),
            });
        }
        let influence = number(cell("influence"), "Influence", line)?;
        if influence.is_some_and(|value| !(0.0..=5.0).contains(&value)) {
            return Err(SheetError {
                line,
                reason: "Influence must be between 0 and 5".into(),
            });
        }
        board.actors.push(ActorView {
            id: cell("id").to_owned(),
            kind: code(cell("type"), ActorKind::from_code, "Type", &kinds, line)?
                .unwrap_or(ActorKind::Other),
            description: cell("description").to_owned(),
            tags: cell("tags")
                .split(TAG_SEPARATOR)
                .map(str::trim)
                .filter(|tag| !tag.is_empty())
                .map(str::to_owned)
                .collect(),
            alias: cell("alias").to_owned(),
            influence: influence.map(|value| value.round() as u8),
            stance: code(cell("stance"), Stance::from_code, "Stance", &stances, line)?,
            is_person: matches!(
                cell("person").to_lowercase().as_str(),
                "yes" | "true" | "1" | "x" | "kyllä" | "ja"
            ),
            // Not a number when the sheet has no position: the import places those beside
            // what is already drawn (see `board_doc::import_actors`).
            x: number(cell("x"), "X", line)?.unwrap_or(f64::NAN),
            y: number(cell("y"), "Y", line)?.unwrap_or(f64::NAN),
            // Derived from the position on the board the actors land on, never read.
            ring: None,
            sector: None,
            sources: Vec::new(),
            support: None,
            name,
        });
    }
    Ok(board)
}

/// The relations of a relation sheet, with `From` and `To` resolved against `actors` (the
/// board's actors): by `From ID` / `To ID` when those name an actor, else by label.
pub fn parse_relations(bytes: &[u8], actors: &[ActorView]) -> Result<BoardExport, SheetError> {
    let mut board = empty_board();
    let by_id: HashMap<&str, &str> = actors
        .iter()
        .map(|actor| (actor.id.as_str(), actor.id.as_str()))
        .collect();
    let by_name: HashMap<String, &str> = actors
        .iter()
        .map(|actor| (actor.name.trim().to_lowercase(), actor.id.as_str()))
        .collect();
    let kinds = codes(RelationKind::ALL, RelationKind::code);
    let directions = codes(Direction::ALL, Direction::code);
    let strengths = codes(Strength::ALL, Strength::code);
    let coordinations = codes(Coordination::ALL, Coordination::code);
    let statuses = codes(RelationStatus::ALL, RelationStatus::code);
    for (index, (line, row)) in rows(bytes, &["From", "To"])?.into_iter().enumerate() {
        let cell = |name: &str| row.get(name).map(String::as_str).unwrap_or("");
        let resolve = |id_column: &str, label_column: &str| -> Result<String, SheetError> {
            if let Some(id) = by_id.get(cell(id_column)) {
                return Ok((*id).to_owned());
            }
            let label = cell(label_column);
            by_name
                .get(&label.trim().to_lowercase())
                .map(|id| (*id).to_owned())
                .ok_or_else(|| SheetError {
                    line,
                    reason: format!("no actor on the board is called \"{label}\" ({label_column})"),
                })
        };
        board.relations.push(RelationView {
            id: format!("row{index}"),
            from: resolve("from id", "from")?,
            to: resolve("to id", "to")?,
            kind: code(cell("type"), RelationKind::from_code, "Type", &kinds, line)?
                .unwrap_or(RelationKind::Collaboration),
            label: cell("label").to_owned(),
            direction: code(
                cell("direction"),
                Direction::from_code,
                "Direction",
                &directions,
                line,
            )?
            .unwrap_or(Direction::None),
            strength: code(
                cell("strength"),
                Strength::from_code,
                "Strength",
                &strengths,
                line,
            )?
            .unwrap_or(Strength::Normal),
            coordination: code(
                cell("coordination"),
                Coordination::from_code,
                "Coordination",
                &coordinations,
                line,
            )?,
            status: code(
                cell("status"),
                RelationStatus::from_code,
                "Status",
                &statuses,
                line,
            )?
            .unwrap_or(RelationStatus::Existing),
            sources: Vec::new(),
            other_kinds: Vec::new(),
            support: None,
        });
    }
    // The import adds relations between existing actors: they are passed along with the
    // relations so the import keeps them attached, and the import adds only the relations.
    board.actors = actors.to_vec();
    Ok(board)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kartta_protocol::schema::{RingPlacement, Sector};

    #[test]
    fn sheets_round_trip() {
        let actors = parse_actors(
            "Label,Type,Tags,Influence,X,Y,ID\n\"Turku, city\",municipality,a|b,4,10,20,t1\nÅbo Akademi,Education research,,,,,\n".as_bytes(),
        )
        .unwrap();
        assert_eq!(actors.actors.len(), 2);
        assert_eq!(actors.actors[0].name, "Turku, city");
        assert_eq!(actors.actors[0].tags, vec!["a", "b"]);
        assert_eq!(actors.actors[1].kind, ActorKind::EducationResearch);
        assert!(
            actors.actors[1].x.is_nan(),
            "no position in the sheet: the import places it"
        );
        let mut board = actors.clone();
        board.actors[1].id = "t2".into();
        (board.actors[1].x, board.actors[1].y) = (300.0, 40.0);
        let relations = parse_relations(
            b"From,To,Type,Direction\nturku, city,\xc3\x85bo Akademi,funding,one way\n",
            &board.actors,
        );
        assert!(
            relations.is_err(),
            "an unquoted comma splits the cell: the row has too many fields"
        );
        let relations = parse_relations(
            "From,To,Type,Direction\n\"turku, city\",Åbo Akademi,funding,one way\n".as_bytes(),
            &board.actors,
        )
        .unwrap();
        assert_eq!(relations.relations[0].from, "t1");
        assert_eq!(relations.relations[0].direction, Direction::OneWay);
        board.relations = relations.relations;
        let again = parse_actors(&actors_csv(&board)).unwrap();
        assert_eq!(again.actors, board.actors);
        let again = parse_relations(&relations_csv(&board), &board.actors).unwrap();
        assert_eq!(again.relations[0].from, "t1");
        assert_eq!(again.relations[0].kind, RelationKind::Funding);
    }

    /// The board of `sheets_round_trip`, with a formula-looking name and a relation.
    fn finnish_board() -> BoardExport {
        let mut board = parse_actors(
            "Label,Type,Stance,X,Y,ID\n\"Turku, kaupunki\",municipality,supports,10.5,20,t1\n\
             =Åbo; Akademi,education_research,,-300,40,t2\n"
                .as_bytes(),
        )
        .unwrap();
        board.meta.locale = Some(Locale::Fi);
        board.relations = parse_relations(
            "From ID,To ID,From,To,Type,Direction,Strength,Status,Label\n\
             t1,t2,x,y,funding,one_way,strong,desired,\"-5 %; tai enemmän\"\n"
                .as_bytes(),
            &board.actors,
        )
        .unwrap()
        .relations;
        board
    }

    #[test]
    fn a_semicolon_sheet_with_a_byte_order_mark_imports_as_the_same_board() {
        let board = finnish_board();
        let options = SheetOptions {
            separator: Separator::Semicolon,
            locale: Locale::Fi,
        };
        let actors = actors_sheet(&board, options);
        let relations = relations_sheet(&board, options);
        for sheet in [&actors, &relations] {
            assert!(
                sheet.starts_with("\u{feff}".as_bytes()),
                "a BOM comes first"
            );
            let header = std::str::from_utf8(sheet).unwrap().lines().next().unwrap();
            assert!(header.contains(';') && !header.contains(','), "{header}");
        }
        let text = std::str::from_utf8(&actors).unwrap();
        assert!(
            text.contains("'=Åbo; Akademi"),
            "formulas stay neutralised: {text}"
        );
        assert!(text.contains(";10.5;"), "numbers keep their point: {text}");
        let again = parse_actors(&actors).unwrap();
        assert_eq!(again.actors, board.actors);
        let again = parse_relations(&relations, &board.actors).unwrap();
        assert_eq!(again.relations, board.relations);
    }

    #[test]
    fn label_columns_are_in_the_board_language_and_codes_win_on_import() {
        let board = finnish_board();
        let cell = |sheet: &[u8], column: &str| -> String {
            let mut reader = csv::Reader::from_reader(
                std::str::from_utf8(sheet)
                    .unwrap()
                    .trim_start_matches('\u{feff}')
                    .as_bytes(),
            );
            let index = reader
                .headers()
                .unwrap()
                .iter()
                .position(|header| header == column)
                .unwrap_or_else(|| panic!("no column {column}"));
            reader.records().next().unwrap().unwrap()[index].to_owned()
        };
        let expected = [
            (
                Locale::Fi,
                "Kunta",
                "Tukee",
                "Rahoitus",
                "Yksisuuntainen",
                "Vahva",
                "Toivottu",
            ),
            (
                Locale::Sv,
                "Kommun",
                "Stöder",
                "Finansiering",
                "Enkelriktad",
                "Stark",
                "Önskad",
            ),
            (
                Locale::En,
                "Municipality",
                "Supports",
                "Funding",
                "One way",
                "Strong",
                "Desired",
            ),
        ];
        for (locale, kind, stance, relation_kind, direction, strength, status) in expected {
            let options = SheetOptions {
                separator: Separator::Comma,
                locale,
            };
            let code = locale.code();
            let actors = actors_sheet(&board, options);
            assert_eq!(cell(&actors, "Type"), "municipality");
            assert_eq!(cell(&actors, &format!("Type ({code})")), kind);
            assert_eq!(cell(&actors, &format!("Stance ({code})")), stance);
            let relations = relations_sheet(&board, options);
            assert_eq!(cell(&relations, "Type"), "funding");
            assert_eq!(cell(&relations, &format!("Type ({code})")), relation_kind);
            assert_eq!(cell(&relations, &format!("Direction ({code})")), direction);
            assert_eq!(cell(&relations, &format!("Strength ({code})")), strength);
            assert_eq!(cell(&relations, &format!("Status ({code})")), status);
        }
        // A person who edits a label cell but not the code still imports the code.
        let edited = String::from_utf8(actors_sheet(&board, SheetOptions::for_board(&board)))
            .unwrap()
            .replace(",Kunta,", ",Yritys,");
        assert_eq!(
            parse_actors(edited.as_bytes()).unwrap().actors[0].kind,
            ActorKind::Municipality
        );
    }

    /// The label columns use the web app's words: one wording for a kind in both places.
    #[test]
    fn labels_match_the_web_app_messages() {
        for (index, language) in ["fi", "sv", "en"].iter().enumerate() {
            let path = format!(
                "{}/../web/src/i18n/{language}.ts",
                env!("CARGO_MANIFEST_DIR")
            );
            let messages = std::fs::read_to_string(&path).unwrap();
            for (key, words) in labels::LABELS {
                let key = if key == "ring.outside" {
                    "compareMaps.outside"
                } else {
                    key
                };
                let line = format!("'{key}': '{}',", words[index]);
                assert!(messages.contains(&line), "{path} has no {line}");
            }
        }
    }

    fn actor(id: &str, name: &str, x: f64) -> ActorView {
        ActorView {
            x,
            y: -0.5,
            ..ActorView::new(id, name, ActorKind::Other)
        }
    }

    #[test]
    fn formulas_are_neutralised_on_export_and_names_survive_the_round_trip() {
        let names = [
            "=HYPERLINK(\"https://example.com\",\"x\")",
            "+1",
            "-a",
            "@b",
            "\tc",
            "\rd",
            "'s-Hertogenbosch",
            "'=already quoted",
            "''+twice",
            "Turku",
        ];
        let mut board = empty_board();
        board.actors = names
            .iter()
            .enumerate()
            .map(|(index, name)| actor(&format!("id{index}"), name, -12.5))
            .collect();
        board.actors[0].description = "=1+1".into();
        board.actors[0].tags = vec!["@tag".into(), "plain".into()];
        board.actors[0].alias = "-alias".into();
        board.relations = vec![RelationView {
            id: "r".into(),
            from: "id0".into(),
            to: "id1".into(),
            kind: RelationKind::Funding,
            label: "=cmd|' /C calc'!A0".into(),
            direction: Direction::None,
            strength: Strength::Normal,
            coordination: None,
            status: RelationStatus::Existing,
            other_kinds: Vec::new(),
            sources: Vec::new(),
            support: None,
        }];

        let actors_sheet = actors_csv(&board);
        let mut reader = csv::Reader::from_reader(actors_sheet.as_slice());
        for record in reader.records() {
            let record = record.unwrap();
            let first = record[0].chars().next().unwrap();
            assert!(
                !FORMULA_TRIGGERS.contains(&first),
                "a name cell a spreadsheet would evaluate: {:?}",
                &record[0]
            );
            assert_eq!(&record[8], "-12.5", "a negative coordinate stays a number");
            assert_eq!(&record[9], "-0.5");
        }
        let again = parse_actors(&actors_sheet).unwrap();
        let names_again: Vec<&str> = again.actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names_again, names);
        assert_eq!(again.actors[0].description, "=1+1");
        assert_eq!(again.actors[0].tags, vec!["@tag", "plain"]);
        assert_eq!(again.actors[0].alias, "-alias");
        assert_eq!((again.actors[0].x, again.actors[0].y), (-12.5, -0.5));

        let relations_sheet = relations_csv(&board);
        let text = String::from_utf8(relations_sheet.clone()).unwrap();
        assert!(text.contains("'=cmd"), "{text}");
        assert!(text.contains("'=HYPERLINK"), "{text}");
        let again = parse_relations(&relations_sheet, &board.actors).unwrap();
        assert_eq!(again.relations[0].label, "=cmd|' /C calc'!A0");
        assert_eq!(
            (
                again.relations[0].from.as_str(),
                again.relations[0].to.as_str()
            ),
            ("id0", "id1")
        );
        // Resolved by name alone, the neutralised names still find their actors.
        let by_name_only = text
            .lines()
            .map(|line| line.rsplitn(3, ',').nth(2).unwrap_or(line).to_owned())
            .collect::<Vec<_>>()
            .join("\n");
        let again = parse_relations(by_name_only.as_bytes(), &board.actors).unwrap();
        assert_eq!(
            (
                again.relations[0].from.as_str(),
                again.relations[0].to.as_str()
            ),
            ("id0", "id1")
        );
    }

    #[test]
    fn derived_and_merge_columns_are_exported_and_ignored_on_import() {
        let mut board = parse_actors(b"Label,X,Y,ID\nTurku,0,-400,t1\nRaisio,700,0,t2\n").unwrap();
        board.actors[0].ring = Some(RingPlacement::Close);
        board.actors[1].sector = Some(Sector::Business);
        board.actors[0].sources = vec!["A".into(), "B".into()];
        board.actors[0].support = Some("2 of 3".into());
        let text = String::from_utf8(actors_csv(&board)).unwrap();
        let mut lines = text.lines();
        assert!(lines
            .next()
            .unwrap()
            .contains(",Ring,Sector,Sources,Support,"));
        assert!(
            lines.next().unwrap().contains(",close,,A|B,2 of 3,t1"),
            "{text}"
        );
        assert!(lines.next().unwrap().contains(",,business,,,t2"), "{text}");
        let again = parse_actors(text.as_bytes()).unwrap();
        assert_eq!((again.actors[0].ring, again.actors[1].sector), (None, None));
        assert!(again.actors[0].sources.is_empty() && again.actors[0].support.is_none());
        // A hand-edited derived column is no reason to refuse the sheet.
        let edited = parse_actors(b"Label,Ring,Sector\nTurku,somewhere,nowhere\n").unwrap();
        assert_eq!(edited.actors[0].ring, None);
    }

    #[test]
    fn bad_sheets_name_the_line_and_the_reason() {
        let error = parse_actors(b"Label,Type\nTurku,municipality\nRaisio,castle\n").unwrap_err();
        assert_eq!(error.line, 3);
        assert!(error.reason.contains("castle"), "{error}");
        let error = parse_actors(b"Name,Type\nTurku,municipality\n").unwrap_err();
        assert_eq!(error.line, 1);
        let error = parse_actors(b"Label,Influence\nTurku,9\n").unwrap_err();
        assert_eq!(
            (error.line, error.reason.contains("between 0 and 5")),
            (2, true)
        );
        let error = parse_relations(b"From,To\nNobody,Turku\n", &[]).unwrap_err();
        assert_eq!(error.line, 2);
        let error = parse_actors(b"Label;Type\nTurku;municipality;extra\n").unwrap_err();
        assert_eq!(error.line, 2);
    }
}
