//! The board document schema: root type names, field keys, kinds with stable string codes,
//! and typed read-only views of a board read from a `yrs::Doc`.
//!
//! Every element (actor, relation, note, stroke) is a nested `Y.Map` keyed by a random id in
//! its root map, with one field per property, so that concurrent edits of different properties
//! both survive. Note bodies are `Y.Text`. Readers skip elements they cannot read and
//! relations whose endpoints are missing: a concurrent delete can leave one dangling.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use yrs::{Any, GetString, Map, MapRef, Out, ReadTxn, WriteTxn};

/// Names of the root `Y.Map`s of a board document.
pub mod root {
    pub const META: &str = "meta";
    pub const ACTORS: &str = "actors";
    pub const RELATIONS: &str = "relations";
    pub const NOTES: &str = "notes";
    pub const STROKES: &str = "strokes";
    pub const ALL: [&str; 5] = [META, ACTORS, RELATIONS, NOTES, STROKES];
}

/// Field keys of each element kind.
pub mod field {
    pub mod meta {
        pub const TITLE: &str = "title";
        pub const TEMPLATE: &str = "template";
        pub const LOCALE: &str = "locale";
        /// Written by the server when the facilitator locks the board; the server enforces it.
        pub const LOCKED: &str = "locked";
        /// Unix milliseconds when the facilitator's timer ends; absent when no timer runs.
        /// Written by the server for every board of a workshop at once.
        pub const TIMER_ENDS_AT: &str = "timerEndsAt";
        /// The id of the board the facilitator presents to the whole workshop; absent when
        /// nothing is presented. Written by the server for every board of a workshop at once.
        pub const PRESENTING: &str = "presenting";
        /// On a board made by merging maps: a JSON array of the ids of the merged boards and
        /// snapshots; its length is the *n* of "in k of n maps".
        pub const MERGED_FROM: &str = "mergedFrom";
        /// On a board merged group by group: a JSON array as long as `mergedFrom`, the group
        /// of each map there. Support then counts groups ("k of G groups"), not maps.
        pub const MERGED_GROUPS: &str = "mergedGroups";
        /// The workshop's dot vote (`crate::vote::VoteView`), with this board's totals once
        /// revealed; absent when no vote runs. Written by the server for every board at once.
        pub const VOTE: &str = "vote";
        /// The layout of the document as a number (`CURRENT_SCHEMA_VERSION`); absent on boards
        /// written before it existed. Written by the server only, see [`crate::schema::upgrade`].
        pub const SCHEMA_VERSION: &str = "schemaVersion";
        /// The facilitator's last restore of a snapshot
        /// (`crate::restore_notice::RestoreNotice`), so every member is told who restored what
        /// and how to undo it. Written by the server only, in the restore's own transaction.
        pub const LAST_RESTORE: &str = "lastRestore";
    }
    pub mod actor {
        pub const NAME: &str = "name";
        pub const KIND: &str = "kind";
        pub const X: &str = "x";
        pub const Y: &str = "y";
        pub const DESCRIPTION: &str = "description";
        /// A JSON array of strings.
        pub const TAGS: &str = "tags";
        pub const ALIAS: &str = "alias";
        /// 0 to 5.
        pub const INFLUENCE: &str = "influence";
        pub const STANCE: &str = "stance";
        /// True when the actor is a private person (personal data that can be found and removed).
        pub const IS_PERSON: &str = "isPerson";
        /// On a merged board: a JSON array of the ids of the maps (boards or snapshots) that
        /// hold the actor.
        pub const SOURCES: &str = "sources";
    }
    pub mod relation {
        pub const FROM: &str = "from";
        pub const TO: &str = "to";
        pub const KIND: &str = "kind";
        pub const LABEL: &str = "label";
        pub const DIRECTION: &str = "direction";
        pub const STRENGTH: &str = "strength";
        pub const COORDINATION: &str = "coordination";
        pub const STATUS: &str = "status";
        /// On a merged board: a JSON array of the ids of the maps that hold the relation.
        pub const SOURCES: &str = "sources";
        /// On a merged board: a JSON array of the kinds some maps gave the relation besides
        /// the majority's `kind`.
        pub const OTHER_KINDS: &str = "otherKinds";
    }
    pub mod note {
        pub const X: &str = "x";
        pub const Y: &str = "y";
        pub const WIDTH: &str = "w";
        pub const HEIGHT: &str = "h";
        pub const COLOR: &str = "color";
        pub const VARIANT: &str = "variant";
        /// A `Y.Text`.
        pub const BODY: &str = "body";
    }
    pub mod stroke {
        pub const TOOL: &str = "tool";
        pub const COLOR: &str = "color";
        pub const WIDTH: &str = "width";
        /// A flat JSON array of numbers: x, y, pressure, x, y, pressure, …
        pub const POINTS: &str = "points";
    }
}

/// The layout of the board document this code writes and reads: 1 is the layout of
/// [`root`] and [`field`] as they are. The JSON export's `version` is the same number.
pub const CURRENT_SCHEMA_VERSION: u32 = 1;

/// One step of [`upgrade`]: rewrites a document of layout `from` into layout `from + 1`.
struct UpgradeStep {
    from: u32,
    apply: fn(&mut yrs::TransactionMut),
}

/// Every change of layout, oldest first; a future change appends one step here and raises
/// [`CURRENT_SCHEMA_VERSION`]. Boards without a version are layout 0, which is layout 1 without
/// the version field, so its step changes nothing but the number [`upgrade`] writes.
const UPGRADE_STEPS: &[UpgradeStep] = &[UpgradeStep {
    from: 0,
    apply: |_| {},
}];

/// The layout version `meta.schemaVersion` names: 0 when it is absent, `None` when it is not a
/// whole number (a version nobody wrote, so nothing may be assumed about the document).
pub fn schema_version<T: ReadTxn>(txn: &T) -> Option<u32> {
    let Some(meta) = txn.get_map(root::META) else {
        return Some(0);
    };
    match meta.get(txn, field::meta::SCHEMA_VERSION) {
        None => Some(0),
        Some(Out::Any(Any::Number(number))) => number
            .as_f64()
            .filter(|number| number.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(number))
            .map(|number| number as u32),
        Some(_) => None,
    }
}

/// The one place a loaded board is brought up to the layout this code writes: runs the steps of
/// [`UPGRADE_STEPS`] from the board's version on and writes [`CURRENT_SCHEMA_VERSION`]. Returns
/// the version the board had when it changed anything, `None` when it wrote nothing: the board
/// is current, newer than this code (left as it is: its clients know better), unreadable as a
/// version, or holds no board at all (every board is created with its `meta`, so an empty
/// document is not an old board).
pub fn upgrade(txn: &mut yrs::TransactionMut) -> Option<u32> {
    let meta_is_empty = txn
        .get_map(root::META)
        .is_none_or(|meta| meta.len(txn) == 0);
    if meta_is_empty {
        return None;
    }
    let from = schema_version(txn)?;
    if from >= CURRENT_SCHEMA_VERSION {
        return None;
    }
    for step in UPGRADE_STEPS.iter().filter(|step| step.from >= from) {
        (step.apply)(txn);
    }
    let meta = txn.get_or_insert_map(root::META);
    meta.insert(
        txn,
        field::meta::SCHEMA_VERSION,
        f64::from(CURRENT_SCHEMA_VERSION),
    );
    Some(from)
}

/// Declares an enum whose variants travel as stable string codes in documents, JSON and CSV.
macro_rules! string_codes {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl crate::typescript::StringCodes for $name {
            const NAME: &'static str = stringify!($name);
            fn codes() -> Vec<&'static str> {
                vec![$($code),+]
            }
        }
    };
}

string_codes!(
    /// What kind of organisation or person an actor is.
    ActorKind {
        Municipality = "municipality",
        RegionalAuthority = "regional_authority",
        StateAgency = "state_agency",
        Business = "business",
        EducationResearch = "education_research",
        Association = "association",
        Residents = "residents",
        Funder = "funder",
        Media = "media",
        Other = "other",
    }
);

string_codes!(
    RelationKind {
        Collaboration = "collaboration",
        Information = "information",
        Funding = "funding",
        Agreement = "agreement",
        Membership = "membership",
        Conflict = "conflict",
        Other = "other",
    }
);

string_codes!(
    Direction { None = "none", OneWay = "one_way", BothWays = "both_ways" }
);

string_codes!(
    /// Knowing each other, trust, commitment.
    Strength { Weak = "weak", Normal = "normal", Strong = "strong" }
);

string_codes!(
    /// How a relation is coordinated.
    Coordination { Hierarchy = "hierarchy", Market = "market", Network = "network", Ecosystem = "ecosystem" }
);

string_codes!(
    RelationStatus { Existing = "existing", Desired = "desired", Weakening = "weakening" }
);

string_codes!(
    Stance { Supports = "supports", Neutral = "neutral", Opposes = "opposes" }
);

string_codes!(
    /// What is drawn behind the map.
    Template {
        Blank = "blank",
        Rings = "rings",
        Sectors = "sectors",
        HierarchyMarketNetwork = "hierarchy_market_network",
    }
);

string_codes!(
    /// The sectors of the sector template.
    Sector {
        Public = "public",
        EducationResearch = "education_research",
        Business = "business",
        ThirdSector = "third_sector",
        Residents = "residents",
    }
);

string_codes!(
    /// The closeness rings of the ring template, innermost first.
    Ring { Core = "core", Close = "close", Wider = "wider" }
);

string_codes!(
    /// Where an actor sits on the closeness rings: in one of the [`Ring`]s or outside them all.
    /// Derived from its position (see `placement`), never stored.
    RingPlacement { Core = "core", Close = "close", Wider = "wider", Outside = "outside" }
);

string_codes!(
    NoteVariant { Sticky = "sticky", Label = "label" }
);

string_codes!(
    StrokeTool { Pen = "pen", Highlighter = "highlighter" }
);

string_codes!(
    Locale { Fi = "fi", Sv = "sv", En = "en" }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MetaView {
    pub title: String,
    pub template: Template,
    pub locale: Option<Locale>,
    pub locked: bool,
    pub timer_ends_at: Option<f64>,
    pub presenting: Option<String>,
    /// Absent in files written before dot voting, and while no vote runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub vote: Option<crate::vote::VoteView>,
    /// The maps a merged board was made from (empty on other boards).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    /// Absent until the facilitator restores a snapshot into the board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub last_restore: Option<crate::restore_notice::RestoreNotice>,
    /// The group of each map in `merged_from` when they were merged group by group (empty
    /// otherwise; ignored unless it is as long as `merged_from`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_groups: Vec<String>,
}

/// What counts in a merged board's support: each merged map, or each group when the maps were
/// merged group by group, so that one big group cannot outvote the others (notes §5.2).
#[derive(Debug, Clone, Default)]
pub struct SupportUnits {
    /// Merged map id → the index of the unit it counts for.
    unit_of: std::collections::HashMap<String, usize>,
    total: usize,
    by_group: bool,
}

impl SupportUnits {
    pub fn of(meta: &MetaView) -> SupportUnits {
        let by_group =
            !meta.merged_groups.is_empty() && meta.merged_groups.len() == meta.merged_from.len();
        let mut units: Vec<&str> = Vec::new();
        let mut unit_of = std::collections::HashMap::new();
        for (index, map) in meta.merged_from.iter().enumerate() {
            let unit = if by_group {
                meta.merged_groups[index].as_str()
            } else {
                map.as_str()
            };
            let unit_index = match units.iter().position(|known| *known == unit) {
                Some(position) => position,
                None => {
                    units.push(unit);
                    units.len() - 1
                }
            };
            unit_of.entry(map.clone()).or_insert(unit_index);
        }
        SupportUnits {
            unit_of,
            total: units.len(),
            by_group,
        }
    }

    /// The *n* (or *G*) of "k of n": how many maps, or groups, were merged.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Whether support counts groups rather than maps.
    pub fn by_group(&self) -> bool {
        self.by_group
    }

    fn units(&self, sources: &[String]) -> std::collections::BTreeSet<usize> {
        sources
            .iter()
            .filter_map(|source| self.unit_of.get(source).copied())
            .collect()
    }

    /// The *k*: how many of the units hold an element with these sources (other ids ignored).
    pub fn count(&self, sources: &[String]) -> usize {
        self.units(sources).len()
    }

    /// "k of n", or "k of G groups".
    pub fn text(&self, k: usize, of: usize) -> String {
        if self.by_group {
            format!("{k} of {of} groups")
        } else {
            format!("{k} of {of}")
        }
    }
}

/// Serde for fields derived from others: written like any value, but whatever a file holds
/// there is ignored when it is read back, because the truth is what it is derived from.
mod derived {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    pub fn deserialize<'de, T, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer)?;
        Ok(None)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ActorView {
    pub id: String,
    pub name: String,
    pub kind: ActorKind,
    pub x: f64,
    pub y: f64,
    pub description: String,
    pub tags: Vec<String>,
    pub alias: String,
    pub influence: Option<u8>,
    pub stance: Option<Stance>,
    pub is_person: bool,
    /// The closeness ring the actor sits in on a rings board: derived from the position when
    /// the board is read, exported, and ignored on import.
    #[serde(default, with = "derived", skip_serializing_if = "Option::is_none")]
    #[ts(as = "Option<RingPlacement>", optional)]
    pub ring: Option<RingPlacement>,
    /// The sector the actor sits in on a sectors board; derived like `ring`.
    #[serde(default, with = "derived", skip_serializing_if = "Option::is_none")]
    #[ts(as = "Option<Sector>", optional)]
    pub sector: Option<Sector>,
    /// On a merged board: the maps holding this actor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// On a merged board: "k of n", derived from `sources` and `meta.mergedFrom`.
    #[serde(default, with = "derived", skip_serializing_if = "Option::is_none")]
    #[ts(as = "Option<String>", optional)]
    pub support: Option<String>,
}

impl ActorView {
    /// An actor with its id, name and kind, at the origin, every other field empty: what tests
    /// and benchmarks build maps from (`ActorView { x, ..ActorView::new(…) }` for the rest).
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: ActorKind) -> ActorView {
        ActorView {
            id: id.into(),
            name: name.into(),
            kind,
            x: 0.0,
            y: 0.0,
            description: String::new(),
            tags: Vec::new(),
            alias: String::new(),
            influence: None,
            stance: None,
            is_person: false,
            ring: None,
            sector: None,
            sources: Vec::new(),
            support: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RelationView {
    pub id: String,
    pub from: String,
    pub to: String,
    pub kind: RelationKind,
    pub label: String,
    pub direction: Direction,
    pub strength: Strength,
    pub coordination: Option<Coordination>,
    pub status: RelationStatus,
    /// On a merged board: the maps holding this relation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// On a merged board: kinds some maps gave it besides the majority's `kind`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_kinds: Vec<RelationKind>,
    /// On a merged board: "k of m", where k maps hold the relation and m maps hold both of
    /// its actors ([`relation_support`]); derived from the sources and `meta.mergedFrom`.
    #[serde(default, with = "derived", skip_serializing_if = "Option::is_none")]
    #[ts(as = "Option<String>", optional)]
    pub support: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NoteView {
    pub id: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub color: String,
    pub variant: NoteVariant,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StrokeView {
    pub id: String,
    pub tool: StrokeTool,
    pub color: String,
    pub width: f64,
    pub points: Vec<f64>,
}

/// "k of m" for a relation of a merged board: `k` of the merged maps (or groups, see
/// [`SupportUnits`]) hold the relation, `m` hold both of its actors (a map without one of them
/// could not have drawn it, so it does not count against the relation; a group holds an actor
/// when one of its maps does). Sources outside `merged_from` are ignored. When an end was added
/// on the merged board itself (no sources) nothing is known of where it was, so `m` is then all
/// of them; `m` is never below `k` (an end moved onto another actor may have fewer maps).
/// `None` off a merged board and for a relation drawn on the merged board itself.
pub fn relation_support(
    relation: &[String],
    from: &[String],
    to: &[String],
    units: &SupportUnits,
) -> Option<(usize, usize)> {
    if units.total() == 0 || relation.is_empty() {
        return None;
    }
    let k = units.count(relation);
    let m = if from.is_empty() || to.is_empty() {
        units.total()
    } else {
        units.units(from).intersection(&units.units(to)).count()
    };
    Some((k, m.max(k)))
}

/// A whole board as plain data, read in one transaction. Elements are sorted by id so that two
/// views of converged documents compare equal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BoardView {
    pub meta: MetaView,
    pub actors: Vec<ActorView>,
    pub relations: Vec<RelationView>,
    pub notes: Vec<NoteView>,
    pub strokes: Vec<StrokeView>,
}

impl BoardView {
    pub fn read<T: ReadTxn>(txn: &T) -> BoardView {
        let meta = txn.get_map(root::META);
        let meta = MetaView {
            title: meta
                .as_ref()
                .and_then(|m| string(m, txn, field::meta::TITLE))
                .unwrap_or_default(),
            template: meta
                .as_ref()
                .and_then(|m| code(m, txn, field::meta::TEMPLATE))
                .unwrap_or(Template::Blank),
            locale: meta
                .as_ref()
                .and_then(|m| code(m, txn, field::meta::LOCALE)),
            locked: meta
                .as_ref()
                .and_then(|m| boolean(m, txn, field::meta::LOCKED))
                .unwrap_or(false),
            timer_ends_at: meta
                .as_ref()
                .and_then(|m| number(m, txn, field::meta::TIMER_ENDS_AT)),
            presenting: meta
                .as_ref()
                .and_then(|m| string(m, txn, field::meta::PRESENTING)),
            merged_from: meta
                .as_ref()
                .map(|m| strings(m, txn, field::meta::MERGED_FROM))
                .unwrap_or_default(),
            merged_groups: meta
                .as_ref()
                .map(|m| strings(m, txn, field::meta::MERGED_GROUPS))
                .unwrap_or_default(),
            vote: meta
                .as_ref()
                .and_then(|m| any(m, txn, field::meta::VOTE))
                .and_then(|value| crate::vote::VoteView::from_any(&value)),
            last_restore: meta
                .as_ref()
                .and_then(|m| any(m, txn, field::meta::LAST_RESTORE))
                .and_then(|value| crate::restore_notice::RestoreNotice::from_any(&value)),
        };
        let units = SupportUnits::of(&meta);
        let support = |sources: &[String]| {
            (units.total() > 0 && !sources.is_empty())
                .then(|| units.text(units.count(sources), units.total()))
        };
        let mut actors = elements(txn, root::ACTORS, read_actor);
        for actor in &mut actors {
            (actor.ring, actor.sector) =
                crate::placement::placement(meta.template, actor.x, actor.y);
            actor.support = support(&actor.sources);
        }
        let relations = elements(txn, root::RELATIONS, read_relation)
            .into_iter()
            .filter(|relation| {
                let exists = |id: &str| {
                    actors
                        .binary_search_by(|actor| actor.id.as_str().cmp(id))
                        .is_ok()
                };
                exists(&relation.from) && exists(&relation.to)
            })
            .map(|mut relation: RelationView| {
                let sources_of = |id: &str| {
                    actors
                        .binary_search_by(|actor| actor.id.as_str().cmp(id))
                        .map_or(&[][..], |index| actors[index].sources.as_slice())
                };
                relation.support = relation_support(
                    &relation.sources,
                    sources_of(relation.from.as_str()),
                    sources_of(relation.to.as_str()),
                    &units,
                )
                .map(|(k, m)| units.text(k, m));
                relation
            })
            .collect();
        let notes = elements(txn, root::NOTES, read_note);
        let strokes = elements(txn, root::STROKES, read_stroke);
        BoardView {
            meta,
            actors,
            relations,
            notes,
            strokes,
        }
    }

    pub fn actor(&self, id: &str) -> Option<&ActorView> {
        self.actors.iter().find(|actor| actor.id == id)
    }
}

fn elements<T: ReadTxn, E>(
    txn: &T,
    root_name: &str,
    read: impl Fn(&MapRef, &T, String) -> Option<E>,
) -> Vec<E> {
    let Some(root_map) = txn.get_map(root_name) else {
        return Vec::new();
    };
    let mut found: Vec<(String, E)> = root_map
        .iter(txn)
        .filter_map(|(id, value)| match value {
            Out::YMap(element) => read(&element, txn, id.to_string()).map(|e| (id.to_string(), e)),
            _ => None,
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.into_iter().map(|(_, element)| element).collect()
}

fn any<T: ReadTxn>(map: &MapRef, txn: &T, key: &str) -> Option<Any> {
    match map.get(txn, key)? {
        Out::Any(value) => Some(value),
        _ => None,
    }
}

fn string<T: ReadTxn>(map: &MapRef, txn: &T, key: &str) -> Option<String> {
    match map.get(txn, key)? {
        Out::Any(Any::String(text)) => Some(text.to_string()),
        Out::YText(text) => Some(text.get_string(txn)),
        _ => None,
    }
}

fn number<T: ReadTxn>(map: &MapRef, txn: &T, key: &str) -> Option<f64> {
    match any(map, txn, key)? {
        Any::Number(value) => value.as_f64().filter(|v| v.is_finite()),
        _ => None,
    }
}

fn boolean<T: ReadTxn>(map: &MapRef, txn: &T, key: &str) -> Option<bool> {
    match any(map, txn, key)? {
        Any::Bool(value) => Some(value),
        _ => None,
    }
}

/// A JSON array of strings (anything else in it is skipped).
fn strings<T: ReadTxn>(map: &MapRef, txn: &T, key: &str) -> Vec<String> {
    match any(map, txn, key) {
        Some(Any::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Any::String(text) => Some(text.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn code<T: ReadTxn, C: crate::typescript::StringCodes + for<'de> Deserialize<'de>>(
    map: &MapRef,
    txn: &T,
    key: &str,
) -> Option<C> {
    let text = string(map, txn, key)?;
    serde_json::from_value(serde_json::Value::String(text)).ok()
}

fn read_actor<T: ReadTxn>(map: &MapRef, txn: &T, id: String) -> Option<ActorView> {
    use field::actor::*;
    let tags = strings(map, txn, TAGS);
    Some(ActorView {
        id,
        name: string(map, txn, NAME).unwrap_or_default(),
        kind: code(map, txn, KIND).unwrap_or(ActorKind::Other),
        x: number(map, txn, X)?,
        y: number(map, txn, Y)?,
        description: string(map, txn, DESCRIPTION).unwrap_or_default(),
        tags,
        alias: string(map, txn, ALIAS).unwrap_or_default(),
        influence: number(map, txn, INFLUENCE).map(|v| v.clamp(0.0, 5.0).round() as u8),
        stance: code(map, txn, STANCE),
        is_person: boolean(map, txn, IS_PERSON).unwrap_or(false),
        ring: None,
        sector: None,
        sources: strings(map, txn, SOURCES),
        support: None,
    })
}

fn read_relation<T: ReadTxn>(map: &MapRef, txn: &T, id: String) -> Option<RelationView> {
    use field::relation::*;
    Some(RelationView {
        id,
        from: string(map, txn, FROM)?,
        to: string(map, txn, TO)?,
        kind: code(map, txn, KIND).unwrap_or(RelationKind::Other),
        label: string(map, txn, LABEL).unwrap_or_default(),
        direction: code(map, txn, DIRECTION).unwrap_or(Direction::None),
        strength: code(map, txn, STRENGTH).unwrap_or(Strength::Normal),
        coordination: code(map, txn, COORDINATION),
        status: code(map, txn, STATUS).unwrap_or(RelationStatus::Existing),
        sources: strings(map, txn, SOURCES),
        other_kinds: strings(map, txn, OTHER_KINDS)
            .iter()
            .filter_map(|kind| RelationKind::from_code(kind))
            .collect(),
        support: None,
    })
}

fn read_note<T: ReadTxn>(map: &MapRef, txn: &T, id: String) -> Option<NoteView> {
    use field::note::*;
    Some(NoteView {
        id,
        x: number(map, txn, X)?,
        y: number(map, txn, Y)?,
        width: number(map, txn, WIDTH).unwrap_or(160.0),
        height: number(map, txn, HEIGHT).unwrap_or(120.0),
        color: string(map, txn, COLOR).unwrap_or_default(),
        variant: code(map, txn, VARIANT).unwrap_or(NoteVariant::Sticky),
        body: string(map, txn, BODY).unwrap_or_default(),
    })
}

fn read_stroke<T: ReadTxn>(map: &MapRef, txn: &T, id: String) -> Option<StrokeView> {
    use field::stroke::*;
    let points = match any(map, txn, POINTS)? {
        Any::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Any::Number(value) => value.as_f64(),
                _ => None,
            })
            .collect(),
        _ => return None,
    };
    Some(StrokeView {
        id,
        tool: code(map, txn, TOOL).unwrap_or(StrokeTool::Pen),
        color: string(map, txn, COLOR).unwrap_or_default(),
        width: number(map, txn, WIDTH).unwrap_or(2.0),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use yrs::{Doc, MapPrelim, TextPrelim, Transact};

    fn add_actor(doc: &Doc, id: &str, name: &str, kind: ActorKind) {
        let actors = doc.get_or_insert_map(root::ACTORS);
        let mut txn = doc.transact_mut();
        let actor = actors.insert(&mut txn, id, MapPrelim::default());
        actor.insert(&mut txn, field::actor::NAME, name);
        actor.insert(&mut txn, field::actor::KIND, kind.code());
        actor.insert(&mut txn, field::actor::X, 10.0);
        actor.insert(&mut txn, field::actor::Y, -4.5);
    }

    #[test]
    fn codes_round_trip_and_are_unique() {
        for kind in ActorKind::ALL {
            assert_eq!(ActorKind::from_code(kind.code()), Some(*kind));
            assert_eq!(
                serde_json::to_string(kind).unwrap(),
                format!("\"{}\"", kind.code())
            );
        }
        let mut codes: Vec<_> = ActorKind::ALL.iter().map(|k| k.code()).collect();
        codes.dedup();
        assert_eq!(codes.len(), 10);
        assert_eq!(RelationKind::from_code("nonsense"), None);
    }

    #[test]
    fn placements_are_read_from_positions_exported_and_ignored_when_read_back() {
        let doc = Doc::new();
        add_actor(&doc, "a1", "Turun kaupunki", ActorKind::Municipality);
        let meta = doc.get_or_insert_map(root::META);
        meta.insert(&mut doc.transact_mut(), field::meta::TEMPLATE, "rings");
        let board = BoardView::read(&doc.transact());
        let actor = &board.actors[0];
        assert_eq!(
            (actor.ring, actor.sector),
            (Some(RingPlacement::Core), None)
        );
        let json = serde_json::to_value(actor).unwrap();
        assert_eq!(json["ring"], "core");
        assert!(json.get("sector").is_none());
        let mut edited = json.clone();
        edited["ring"] = serde_json::json!({"not": "a ring"});
        let again: ActorView = serde_json::from_value(edited).unwrap();
        assert_eq!(
            again.ring, None,
            "a derived field is never taken from a file"
        );
        meta.insert(&mut doc.transact_mut(), field::meta::TEMPLATE, "sectors");
        let board = BoardView::read(&doc.transact());
        assert_eq!(
            (board.actors[0].ring, board.actors[0].sector),
            (None, Some(Sector::Public)),
            "(10, -4.5) lies up and right of the centre, in the first wedge"
        );
    }

    #[test]
    fn board_view_reads_elements_and_drops_dangling_relations() {
        let doc = Doc::new();
        add_actor(&doc, "a1", "Turun kaupunki", ActorKind::Municipality);
        add_actor(&doc, "a2", "Åbo Akademi", ActorKind::EducationResearch);
        let relations = doc.get_or_insert_map(root::RELATIONS);
        let notes = doc.get_or_insert_map(root::NOTES);
        {
            let mut txn = doc.transact_mut();
            for (id, to) in [("r1", "a2"), ("r2", "gone")] {
                let relation = relations.insert(&mut txn, id, MapPrelim::default());
                relation.insert(&mut txn, field::relation::FROM, "a1");
                relation.insert(&mut txn, field::relation::TO, to);
                relation.insert(&mut txn, field::relation::KIND, "funding");
                relation.insert(&mut txn, field::relation::DIRECTION, "one_way");
            }
            let note = notes.insert(&mut txn, "n1", MapPrelim::default());
            note.insert(&mut txn, field::note::X, 1.0);
            note.insert(&mut txn, field::note::Y, 2.0);
            note.insert(&mut txn, field::note::BODY, TextPrelim::new("Muistiinpano"));
        }
        let board = BoardView::read(&doc.transact());
        assert_eq!(board.actors.len(), 2);
        assert_eq!(
            board.actor("a2").unwrap().kind,
            ActorKind::EducationResearch
        );
        assert_eq!(
            board.relations.len(),
            1,
            "the relation to a missing actor is ignored"
        );
        assert_eq!(board.relations[0].kind, RelationKind::Funding);
        assert_eq!(board.relations[0].direction, Direction::OneWay);
        assert_eq!(board.relations[0].strength, Strength::Normal);
        assert_eq!(board.notes[0].body, "Muistiinpano");
        assert_eq!(board.meta.template, Template::Blank);
        // A board that was never merged has no sources and no support.
        assert!(board.meta.merged_from.is_empty());
        assert!(board.actors[0].sources.is_empty() && board.actors[0].support.is_none());
        assert!(board.relations[0].support.is_none());
    }

    #[test]
    fn merged_boards_read_their_sources_and_support() {
        let doc = Doc::new();
        add_actor(&doc, "a1", "Turku", ActorKind::Municipality);
        add_actor(&doc, "a2", "Raisio", ActorKind::Municipality);
        let meta = doc.get_or_insert_map(root::META);
        let actors = doc.get_or_insert_map(root::ACTORS);
        let relations = doc.get_or_insert_map(root::RELATIONS);
        {
            let mut txn = doc.transact_mut();
            let three: Vec<Any> = ["b1", "b2", "s1"].into_iter().map(Any::from).collect();
            meta.insert(&mut txn, field::meta::MERGED_FROM, Any::from(three));
            if let Some(Out::YMap(actor)) = actors.get(&txn, "a1") {
                let two: Vec<Any> = vec![Any::from("b1"), Any::from("s1"), Any::from(7.0)];
                actor.insert(&mut txn, field::actor::SOURCES, Any::from(two));
            }
            let relation = relations.insert(&mut txn, "r1", MapPrelim::default());
            relation.insert(&mut txn, field::relation::FROM, "a1");
            relation.insert(&mut txn, field::relation::TO, "a2");
            let one: Vec<Any> = vec![Any::from("b2")];
            relation.insert(&mut txn, field::relation::SOURCES, Any::from(one));
            let kinds: Vec<Any> = vec![Any::from("funding"), Any::from("no-such-kind")];
            relation.insert(&mut txn, field::relation::OTHER_KINDS, Any::from(kinds));
        }
        let board = BoardView::read(&doc.transact());
        assert_eq!(board.meta.merged_from, vec!["b1", "b2", "s1"]);
        let turku = board.actor("a1").unwrap();
        assert_eq!(
            turku.sources,
            vec!["b1", "s1"],
            "what is not a string is skipped"
        );
        assert_eq!(turku.support.as_deref(), Some("2 of 3"));
        assert_eq!(
            board.actor("a2").unwrap().support,
            None,
            "no sources, no claim"
        );
        assert_eq!(board.relations[0].other_kinds, vec![RelationKind::Funding]);
        assert_eq!(board.relations[0].support.as_deref(), Some("1 of 3"));
    }

    /// A board as today's server creates it, before the version existed: `meta` and one actor.
    fn unversioned_board() -> Doc {
        let doc = Doc::new();
        let meta = doc.get_or_insert_map(root::META);
        {
            let mut txn = doc.transact_mut();
            meta.insert(&mut txn, field::meta::TITLE, "Kumppanuudet");
            meta.insert(&mut txn, field::meta::TEMPLATE, Template::Sectors.code());
            meta.insert(&mut txn, field::meta::LOCALE, Locale::Fi.code());
        }
        add_actor(&doc, "a1", "Turun kaupunki", ActorKind::Municipality);
        doc
    }

    /// Runs [`upgrade`] and returns what it answered with the update it wrote (empty: nothing).
    fn run_upgrade(doc: &Doc) -> (Option<u32>, Vec<u8>) {
        let before = doc.transact().state_vector();
        let from = upgrade(&mut doc.transact_mut());
        let written = doc.transact().encode_state_as_update_v1(&before);
        let nothing = doc
            .transact()
            .encode_state_as_update_v1(&doc.transact().state_vector());
        (
            from,
            if written == nothing {
                Vec::new()
            } else {
                written
            },
        )
    }

    #[test]
    fn upgrade_versions_a_board_of_today_and_changes_nothing_else() {
        let doc = unversioned_board();
        assert_eq!(schema_version(&doc.transact()), Some(0));
        let view_before = BoardView::read(&doc.transact());

        let (from, written) = run_upgrade(&doc);
        assert_eq!(from, Some(0));
        assert!(!written.is_empty());
        assert_eq!(
            schema_version(&doc.transact()),
            Some(CURRENT_SCHEMA_VERSION)
        );
        assert_eq!(CURRENT_SCHEMA_VERSION, 1);
        assert_eq!(BoardView::read(&doc.transact()), view_before);

        let (again, written_again) = run_upgrade(&doc);
        assert_eq!(again, None);
        assert!(
            written_again.is_empty(),
            "a current board must not be written"
        );
    }

    #[test]
    fn upgrade_leaves_a_newer_board_an_odd_version_and_an_empty_document_alone() {
        let newer = unversioned_board();
        {
            let meta = newer.get_or_insert_map(root::META);
            let mut txn = newer.transact_mut();
            meta.insert(&mut txn, field::meta::SCHEMA_VERSION, 7.0);
        }
        let (from, written) = run_upgrade(&newer);
        assert_eq!(from, None);
        assert!(written.is_empty());
        assert_eq!(schema_version(&newer.transact()), Some(7));

        let odd = unversioned_board();
        {
            let meta = odd.get_or_insert_map(root::META);
            let mut txn = odd.transact_mut();
            meta.insert(&mut txn, field::meta::SCHEMA_VERSION, "one");
        }
        assert_eq!(schema_version(&odd.transact()), None);
        assert_eq!(run_upgrade(&odd), (None, Vec::new()));

        assert_eq!(run_upgrade(&Doc::new()), (None, Vec::new()));
    }
}
