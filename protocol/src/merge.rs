//! Merging N maps into one forum map: a pure function from typed board views and the
//! workshop's match decisions to the merged board's content, with every element's sources.
//!
//! The rules (DESIGN §4, notes §5.2; ARCHITECTURE.md repeats them):
//! - **Actors** are the groups of [`crate::matching::group_actors`]: automatic matches and
//!   confirmed decisions only, never proposals. A merged actor takes the most common name
//!   (other spellings go to `alias`), the majority kind (`other` only when no map says more),
//!   the lower median influence, the majority stance, and `sources`: the maps holding it.
//! - **Relations** are identified by their merged endpoints and kind family
//!   ([`kind_family`]): unordered when the relation has no direction or goes both ways,
//!   ordered (from → to) when it goes one way. So "A funds B" and "B funds A" stay two
//!   relations, and a conflict is never merged into a collaboration. Within one identity the
//!   kind is the majority of the maps' kinds (ties: the first seen, in source order) with the
//!   others in `otherKinds`; strength is the (lower) median, direction, status, coordination
//!   and label the majority.
//! - **Positions**: the mean of the sources' positions; on a rings board moved radially into the
//!   median of the rings the sources put the actor in, on a sectors board turned into the
//!   sector most sources put it in (ties: the first); then nudged apart, deterministically,
//!   until no two cards overlap.
//! - Notes and strokes are not merged: they are each map's own annotations.
//!
//! Merging is commutative in its counts (the order of the maps changes ids and tie-breaks,
//! not how many actors and relations there are or their support) and merging identical maps
//! gives the same elements, each with every map as a source.

use std::collections::{BTreeMap, HashMap};

use crate::matching::{group_actors, Decisions, Source};
use crate::placement::{ring_at, ring_bounds, sector_angles, sector_at, SECTOR_RADIUS};
use crate::schema::{
    ActorKind, ActorView, BoardView, Direction, MetaView, RelationKind, RelationView,
    RingPlacement, Sector, Strength, Template,
};

/// The cell a merged card is placed in, in board units: the widest card (`card.rs`) and the
/// shortest, so a card of any name fits, plus the gap kept between two merged cards.
pub const CARD_WIDTH: f64 = crate::card::CARD_MAX_WIDTH as f64;
pub const CARD_HEIGHT: f64 = crate::card::CARD_MIN_HEIGHT as f64;
const CARD_GAP: f64 = 16.0;
/// How far (in search steps each way) a card may be moved to find a free spot.
const SEARCH_STEPS: usize = 60;

/// Which relations may be one relation with disagreeing kinds: ties of working together,
/// information, money, and conflict are never the same relation.
pub fn kind_family(kind: RelationKind) -> u8 {
    match kind {
        RelationKind::Collaboration
        | RelationKind::Agreement
        | RelationKind::Membership
        | RelationKind::Other => 0,
        RelationKind::Information => 1,
        RelationKind::Funding => 2,
        RelationKind::Conflict => 3,
    }
}

/// The most common value, ties broken by which came first.
fn majority<T: PartialEq + Copy>(values: impl IntoIterator<Item = T>) -> Option<T> {
    let mut counts: Vec<(T, usize)> = Vec::new();
    for value in values {
        match counts.iter_mut().find(|(seen, _)| *seen == value) {
            Some((_, count)) => *count += 1,
            None => counts.push((value, 1)),
        }
    }
    let best = counts.iter().map(|(_, count)| *count).max()?;
    counts
        .into_iter()
        .find(|(_, count)| *count == best)
        .map(|(value, _)| value)
}

/// The lower median: for an even count the lower of the two middle values, since the maps
/// did not say more than that.
fn lower_median<T: Ord + Copy>(mut values: Vec<T>) -> Option<T> {
    if values.is_empty() {
        return None;
    }
    values.sort();
    Some(values[(values.len() - 1) / 2])
}

fn strength_order(strength: Strength) -> u8 {
    match strength {
        Strength::Weak => 0,
        Strength::Normal => 1,
        Strength::Strong => 2,
    }
}

fn ring_order(ring: RingPlacement) -> u8 {
    match ring {
        RingPlacement::Core => 0,
        RingPlacement::Close => 1,
        RingPlacement::Wider => 2,
        RingPlacement::Outside => 3,
    }
}

/// A free id: `wanted` unless taken, else `wanted-2`, `wanted-3`…
fn unique_id(wanted: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let mut id = wanted.to_owned();
    let mut number = 2;
    while taken.contains(&id) {
        id = format!("{wanted}-{number}");
        number += 1;
    }
    taken.insert(id.clone());
    id
}

/// Where a merged element's `sources` come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Provenance {
    /// The ids of the maps holding it (a merge of maps).
    MapIds,
    /// The union of what its members' own `sources` say (a merge of groups' merged boards,
    /// so that the forum map still names the personal maps, not the groups).
    MembersSources,
}

/// The merged board of `sources` (in order) under `decisions`, titled `title`. Its
/// `meta.mergedFrom` lists the sources' ids; the template is the most common one, the
/// language the first map's.
pub fn merge(sources: &[Source], decisions: &Decisions, title: &str) -> BoardView {
    let mut board = merge_maps(sources, decisions, title, Provenance::MapIds);
    board.meta.merged_from = sources.iter().map(|source| source.id.to_owned()).collect();
    fill_placement_and_support(&mut board);
    board
}

/// Two-level aggregation (notes §5.2, after Aminpour et al. 2020): the maps of each group are
/// merged first, then the groups' merged boards across groups, so every group has one voice in
/// the majority kind, the median strength, ring and position. `groups` holds indexes into
/// `sources`, each map in one group. Elements keep the ids of the maps they came from;
/// `meta.mergedGroups` gives each map's group (its number, from 1), and support counts groups:
/// "k of G groups", so five maps of one group cannot outvote one map each of two others.
pub fn merge_in_groups(
    sources: &[Source],
    groups: &[Vec<usize>],
    decisions: &Decisions,
    title: &str,
) -> BoardView {
    let group_boards: Vec<BoardView> = groups
        .iter()
        .map(|members| {
            let inner: Vec<Source> = members
                .iter()
                .map(|&index| Source {
                    id: sources[index].id,
                    board: sources[index].board,
                })
                .collect();
            merge_maps(&inner, decisions, "", Provenance::MapIds)
        })
        .collect();
    let group_keys: Vec<String> = (1..=groups.len()).map(|n| n.to_string()).collect();
    let outer: Vec<Source> = group_boards
        .iter()
        .zip(&group_keys)
        .map(|(board, key)| Source { id: key, board })
        .collect();
    let mut board = merge_maps(&outer, decisions, title, Provenance::MembersSources);
    board.meta.locale = sources.first().and_then(|source| source.board.meta.locale);
    (board.meta.merged_from, board.meta.merged_groups) = groups
        .iter()
        .zip(&group_keys)
        .flat_map(|(members, key)| {
            members
                .iter()
                .map(move |&index| (sources[index].id.to_owned(), key.clone()))
        })
        .unzip();
    fill_placement_and_support(&mut board);
    board
}

/// Every actor's ring or sector, and every element's "k of n" (or "k of G groups").
fn fill_placement_and_support(board: &mut BoardView) {
    let units = crate::schema::SupportUnits::of(&board.meta);
    let template = board.meta.template;
    for actor in &mut board.actors {
        (actor.ring, actor.sector) = crate::placement::placement(template, actor.x, actor.y);
        actor.support = Some(units.text(units.count(&actor.sources), units.total()));
    }
    let actor_sources: HashMap<&str, &[String]> = board
        .actors
        .iter()
        .map(|actor| (actor.id.as_str(), actor.sources.as_slice()))
        .collect();
    let relation_supports: Vec<Option<String>> = board
        .relations
        .iter()
        .map(|relation| {
            let sources_of = |id: &str| actor_sources.get(id).copied().unwrap_or(&[]);
            crate::schema::relation_support(
                &relation.sources,
                sources_of(relation.from.as_str()),
                sources_of(relation.to.as_str()),
                &units,
            )
            .map(|(k, m)| units.text(k, m))
        })
        .collect();
    for (relation, support) in board.relations.iter_mut().zip(relation_supports) {
        relation.support = support;
    }
}

/// The merge itself, without `mergedFrom`, placement and support (see [`merge`]).
fn merge_maps(
    sources: &[Source],
    decisions: &Decisions,
    title: &str,
    provenance: Provenance,
) -> BoardView {
    let template = majority(sources.iter().map(|source| source.board.meta.template))
        .unwrap_or(Template::Blank);
    let (_, groups) = group_actors(sources, decisions);
    // (source, actor id) → merged actor index.
    let mut merged_index: HashMap<(usize, &str), usize> = HashMap::new();
    let mut taken_ids = std::collections::HashSet::new();
    let mut actors = Vec::with_capacity(groups.len());
    // Where each merged actor must stay while it is nudged (rings and sectors boards).
    let mut zones: Vec<Zone> = Vec::with_capacity(groups.len());
    for (index, group) in groups.iter().enumerate() {
        let members: Vec<(&Source, &ActorView)> = group
            .members
            .iter()
            .map(|member| {
                let source = &sources[member.source];
                (source, &source.board.actors[member.actor])
            })
            .collect();
        for (member, (_, actor)) in group.members.iter().zip(&members) {
            merged_index.insert((member.source, actor.id.as_str()), index);
        }
        let name = majority(members.iter().map(|(_, actor)| actor.name.as_str()))
            .unwrap_or_default()
            .to_owned();
        let mut spellings: Vec<&str> = Vec::new();
        for (_, actor) in &members {
            for spelling in std::iter::once(actor.name.as_str()).chain(
                actor
                    .alias
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|alias| !alias.is_empty()),
            ) {
                if spelling != name && !spellings.contains(&spelling) {
                    spellings.push(spelling);
                }
            }
        }
        let said: Vec<ActorKind> = members
            .iter()
            .map(|(_, actor)| actor.kind)
            .filter(|kind| *kind != ActorKind::Other)
            .collect();
        let mut tags: Vec<String> = Vec::new();
        for (_, actor) in &members {
            for tag in &actor.tags {
                if !tags.contains(tag) {
                    tags.push(tag.clone());
                }
            }
        }
        let count = members.len() as f64;
        let mut x = members.iter().map(|(_, actor)| actor.x).sum::<f64>() / count;
        let mut y = members.iter().map(|(_, actor)| actor.y).sum::<f64>() / count;
        let ring = (template == Template::Rings)
            .then(|| {
                let placed: Vec<RingPlacement> = members
                    .iter()
                    .filter(|(source, _)| source.board.meta.template == Template::Rings)
                    .filter_map(|(_, actor)| ring_at(actor.x, actor.y))
                    .collect();
                let median = lower_median(placed.iter().map(|ring| ring_order(*ring)).collect())?;
                placed.into_iter().find(|ring| ring_order(*ring) == median)
            })
            .flatten();
        let sector = (template == Template::Sectors)
            .then(|| {
                majority(
                    members
                        .iter()
                        .filter(|(source, _)| source.board.meta.template == Template::Sectors)
                        .filter_map(|(_, actor)| sector_at(actor.x, actor.y)),
                )
            })
            .flatten();
        let zone = match (ring, sector) {
            (Some(ring), _) => Zone::Ring(ring),
            (None, Some(sector)) => Zone::Sector(sector),
            (None, None) => Zone::Anywhere,
        };
        (x, y) = zone.bring(x, y);
        zones.push(zone);
        let mut sources_of: Vec<String> = Vec::new();
        for (source, actor) in &members {
            add_sources(&mut sources_of, provenance, source.id, &actor.sources);
        }
        actors.push(ActorView {
            id: unique_id(&members[0].1.id, &mut taken_ids),
            name,
            kind: majority(said).unwrap_or(ActorKind::Other),
            x,
            y,
            description: members
                .iter()
                .map(|(_, actor)| actor.description.as_str())
                .find(|text| !text.is_empty())
                .unwrap_or_default()
                .to_owned(),
            tags,
            alias: spellings.join(", "),
            influence: lower_median(
                members
                    .iter()
                    .filter_map(|(_, actor)| actor.influence)
                    .collect(),
            ),
            stance: majority(members.iter().filter_map(|(_, actor)| actor.stance)),
            is_person: members.iter().any(|(_, actor)| actor.is_person),
            ring: None,
            sector: None,
            sources: sources_of,
            support: None,
        });
    }
    nudge_apart(&mut actors, &zones);

    // Relations by identity, in the order first seen.
    type Identity = (u8, usize, usize, bool);
    let mut by_identity: BTreeMap<Identity, usize> = BTreeMap::new();
    let mut gathered: Vec<Vec<(usize, &RelationView)>> = Vec::new();
    for (source_index, source) in sources.iter().enumerate() {
        for relation in &source.board.relations {
            let (Some(&from), Some(&to)) = (
                merged_index.get(&(source_index, relation.from.as_str())),
                merged_index.get(&(source_index, relation.to.as_str())),
            ) else {
                continue;
            };
            let directed = relation.direction == Direction::OneWay;
            let (a, b) = if directed || from <= to {
                (from, to)
            } else {
                (to, from)
            };
            let identity = (kind_family(relation.kind), a, b, directed);
            let slot = *by_identity.entry(identity).or_insert_with(|| {
                gathered.push(Vec::new());
                gathered.len() - 1
            });
            gathered[slot].push((source_index, relation));
        }
    }
    let mut taken_relation_ids = std::collections::HashSet::new();
    let relations = gathered
        .into_iter()
        .map(|found| {
            let (_, first) = found[0];
            let first_source = found[0].0;
            let kind =
                majority(found.iter().map(|(_, relation)| relation.kind)).unwrap_or(first.kind);
            let mut other_kinds = Vec::new();
            for (_, relation) in &found {
                if relation.kind != kind && !other_kinds.contains(&relation.kind) {
                    other_kinds.push(relation.kind);
                }
            }
            let mut sources_of: Vec<String> = Vec::new();
            for (source, relation) in &found {
                add_sources(
                    &mut sources_of,
                    provenance,
                    sources[*source].id,
                    &relation.sources,
                );
            }
            let endpoint = |id: &str| actors[merged_index[&(first_source, id)]].id.clone();
            RelationView {
                id: unique_id(&first.id, &mut taken_relation_ids),
                from: endpoint(&first.from),
                to: endpoint(&first.to),
                kind,
                label: majority(
                    found
                        .iter()
                        .map(|(_, relation)| relation.label.as_str())
                        .filter(|label| !label.is_empty()),
                )
                .unwrap_or_default()
                .to_owned(),
                direction: majority(found.iter().map(|(_, relation)| relation.direction))
                    .unwrap_or(first.direction),
                strength: lower_median(
                    found
                        .iter()
                        .map(|(_, relation)| strength_order(relation.strength))
                        .collect(),
                )
                .and_then(|median| {
                    found
                        .iter()
                        .map(|(_, relation)| relation.strength)
                        .find(|strength| strength_order(*strength) == median)
                })
                .unwrap_or(first.strength),
                coordination: majority(
                    found
                        .iter()
                        .filter_map(|(_, relation)| relation.coordination),
                ),
                status: majority(found.iter().map(|(_, relation)| relation.status))
                    .unwrap_or(first.status),
                sources: sources_of,
                other_kinds,
                support: None,
            }
        })
        .collect();
    BoardView {
        meta: MetaView {
            title: title.to_owned(),
            template,
            locale: sources.first().and_then(|source| source.board.meta.locale),
            locked: false,
            timer_ends_at: None,
            presenting: None,
            merged_from: Vec::new(),
            merged_groups: Vec::new(),
            vote: None,
            last_restore: None,
        },
        actors,
        relations,
        notes: Vec::new(),
        strokes: Vec::new(),
    }
}

/// Adds an element's provenance from one source to `sources_of`, each id once.
fn add_sources(
    sources_of: &mut Vec<String>,
    provenance: Provenance,
    source_id: &str,
    members_sources: &[String],
) {
    let ids: Vec<&str> = match provenance {
        Provenance::MapIds => vec![source_id],
        Provenance::MembersSources => members_sources.iter().map(String::as_str).collect(),
    };
    for id in ids {
        if !sources_of.iter().any(|known| known == id) {
            sources_of.push(id.to_owned());
        }
    }
}

/// Where a merged actor belongs on the board's template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    Anywhere,
    Ring(RingPlacement),
    Sector(Sector),
}

impl Zone {
    fn holds(self, x: f64, y: f64) -> bool {
        match self {
            Zone::Anywhere => true,
            Zone::Ring(ring) => ring_at(x, y) == Some(ring),
            Zone::Sector(sector) => sector_at(x, y) == Some(sector),
        }
    }

    /// The point itself if the zone holds it, else the nearest fitting point on its ray (a
    /// ring) or the point turned to the middle of the sector at its distance (a sector).
    fn bring(self, x: f64, y: f64) -> (f64, f64) {
        if self.holds(x, y) {
            return (x, y);
        }
        match self {
            Zone::Anywhere => (x, y),
            Zone::Ring(ring) => into_ring(x, y, ring),
            Zone::Sector(sector) => {
                let index = Sector::ALL.iter().position(|s| *s == sector).unwrap_or(0);
                let (start, end) = sector_angles(index);
                let middle = (start + end) / 2.0;
                // Away from the centre, where all wedges meet, and inside the wedge's arc.
                let distance = x.hypot(y).clamp(SECTOR_RADIUS * 0.2, SECTOR_RADIUS * 0.95);
                (distance * middle.cos(), distance * middle.sin())
            }
        }
    }
}

/// The point moved along its ray from the centre into `ring` (to the nearest radius inside
/// it, a little away from its edges). A point at the very centre goes straight up.
fn into_ring(x: f64, y: f64, ring: RingPlacement) -> (f64, f64) {
    let (inner, outer) = ring_bounds(ring);
    let margin = 0.5;
    let distance = x.hypot(y);
    let wanted = distance.clamp(inner + margin, outer - margin);
    if (wanted - distance).abs() < f64::EPSILON {
        return (x, y);
    }
    let angle = if distance > 0.0 {
        y.atan2(x)
    } else {
        -std::f64::consts::FRAC_PI_2
    };
    (wanted * angle.cos(), wanted * angle.sin())
}

/// Offsets to try around a card's wanted spot, nearest first: a grid of a quarter card wide
/// and half a card high, out to [`SEARCH_STEPS`] steps each way.
fn search_offsets() -> &'static [(f64, f64)] {
    static OFFSETS: std::sync::OnceLock<Vec<(f64, f64)>> = std::sync::OnceLock::new();
    OFFSETS.get_or_init(|| {
        let (step_x, step_y) = (
            (CARD_WIDTH + CARD_GAP) / 4.0,
            (CARD_HEIGHT + CARD_GAP) / 2.0,
        );
        let steps = SEARCH_STEPS as i64;
        let mut offsets: Vec<(i64, i64)> = (-steps..=steps)
            .flat_map(|gx| (-steps..=steps).map(move |gy| (gx, gy)))
            .collect();
        let length = |(gx, gy): (i64, i64)| {
            let (x, y) = (gx as f64 * step_x, gy as f64 * step_y);
            x * x + y * y
        };
        offsets.sort_by(|a, b| {
            length(*a)
                .total_cmp(&length(*b))
                .then(a.1.cmp(&b.1))
                .then(a.0.cmp(&b.0))
        });
        offsets
            .into_iter()
            .map(|(gx, gy)| (gx as f64 * step_x, gy as f64 * step_y))
            .collect()
    })
}

/// Moves cards apart so that no two overlap (with a gap between them): in index order, each
/// card keeps its spot if it is free, else takes the nearest free spot (in its ring or
/// sector, when it has one). Deterministic: the result depends only on the input.
fn nudge_apart(actors: &mut [ActorView], zones: &[Zone]) {
    let (width, height) = (CARD_WIDTH + CARD_GAP, CARD_HEIGHT + CARD_GAP);
    let cell_of = |x: f64, y: f64| ((x / width).floor() as i64, (y / height).floor() as i64);
    let mut placed: HashMap<(i64, i64), Vec<(f64, f64)>> = HashMap::new();
    let is_free = |placed: &HashMap<(i64, i64), Vec<(f64, f64)>>, x: f64, y: f64| {
        let (cell_x, cell_y) = cell_of(x, y);
        (-1..=1).all(|dx| {
            (-1..=1).all(|dy| {
                placed.get(&(cell_x + dx, cell_y + dy)).is_none_or(|near| {
                    near.iter().all(|(other_x, other_y)| {
                        (x - other_x).abs() >= width || (y - other_y).abs() >= height
                    })
                })
            })
        })
    };
    for (actor, zone) in actors.iter_mut().zip(zones) {
        let (x, y) = (actor.x, actor.y);

        let spot = search_offsets()
            .iter()
            .map(|(dx, dy)| (x + dx, y + dy))
            .find(|(x, y)| zone.holds(*x, *y) && is_free(&placed, *x, *y))
            // A zone too crowded to hold it: the nearest free spot anywhere.
            .or_else(|| {
                search_offsets()
                    .iter()
                    .map(|(dx, dy)| (x + dx, y + dy))
                    .find(|(x, y)| is_free(&placed, *x, *y))
            })
            .unwrap_or((x, y));
        (actor.x, actor.y) = spot;
        placed
            .entry(cell_of(spot.0, spot.1))
            .or_default()
            .push(spot);
    }
}

/// Keeps what at least `k` of the merged maps (or groups) hold (the "k of n" slider, for exports
/// too): actors and relations with less support go, and so do relations that lose an endpoint.
/// Elements without sources were added on the merged board itself and always stay.
pub fn keep_supported(
    actors: &mut Vec<ActorView>,
    relations: &mut Vec<RelationView>,
    units: &crate::schema::SupportUnits,
    k: usize,
) {
    let enough = |sources: &[String]| sources.is_empty() || units.count(sources) >= k;
    actors.retain(|actor| enough(&actor.sources));
    let kept: std::collections::HashSet<&str> =
        actors.iter().map(|actor| actor.id.as_str()).collect();
    relations.retain(|relation| {
        enough(&relation.sources)
            && kept.contains(relation.from.as_str())
            && kept.contains(relation.to.as_str())
    });
}

/// Whether any two cards overlap (for tests and checks).
pub fn any_overlap(actors: &[ActorView]) -> bool {
    actors.iter().enumerate().any(|(index, a)| {
        actors[index + 1..]
            .iter()
            .any(|b| (a.x - b.x).abs() < CARD_WIDTH && (a.y - b.y).abs() < CARD_HEIGHT)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{RelationStatus, SupportUnits};

    fn actor(id: &str, name: &str, x: f64, y: f64) -> ActorView {
        ActorView {
            x,
            y,
            ..ActorView::new(id, name, ActorKind::Other)
        }
    }

    fn relation(
        id: &str,
        from: &str,
        to: &str,
        kind: RelationKind,
        strength: Strength,
    ) -> RelationView {
        RelationView {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            kind,
            label: String::new(),
            direction: Direction::None,
            strength,
            coordination: None,
            status: RelationStatus::Existing,
            sources: vec![],
            other_kinds: vec![],
            support: None,
        }
    }

    fn board(
        template: Template,
        actors: Vec<ActorView>,
        relations: Vec<RelationView>,
    ) -> BoardView {
        BoardView {
            meta: MetaView {
                title: "Ryhmä".into(),
                template,
                locale: None,
                locked: false,
                timer_ends_at: None,
                presenting: None,
                merged_from: vec![],
                merged_groups: vec![],
                vote: None,
                last_restore: None,
            },
            actors,
            relations,
            notes: vec![],
            strokes: vec![],
        }
    }

    fn merged(boards: &[(&str, &BoardView)]) -> BoardView {
        let sources: Vec<Source> = boards
            .iter()
            .map(|(id, board)| Source { id, board })
            .collect();
        merge(&sources, &Decisions::new(), "Foorumi")
    }

    fn group_a() -> BoardView {
        board(
            Template::Rings,
            vec![
                actor("a1", "Turun kaupunki", 100.0, 0.0),
                actor("a2", "Varsinais-Suomen liitto", 400.0, 0.0),
                actor("a3", "Sinapsi ry", 0.0, 700.0),
            ],
            vec![
                relation(
                    "r1",
                    "a1",
                    "a2",
                    RelationKind::Collaboration,
                    Strength::Weak,
                ),
                relation("r2", "a2", "a3", RelationKind::Funding, Strength::Strong),
            ],
        )
    }

    fn group_b() -> BoardView {
        board(
            Template::Rings,
            vec![
                actor("b1", "Åbo stad", 200.0, 0.0),
                actor("b2", "Egentliga Finlands förbund", 500.0, 0.0),
                actor("b3", "Raisio", -400.0, 0.0),
            ],
            vec![
                relation("s1", "b2", "b1", RelationKind::Agreement, Strength::Strong),
                relation(
                    "s2",
                    "b1",
                    "b3",
                    RelationKind::Information,
                    Strength::Normal,
                ),
            ],
        )
    }

    fn counts(board: &BoardView) -> (usize, usize, Vec<usize>, Vec<usize>) {
        let mut actor_support: Vec<usize> = board.actors.iter().map(|a| a.sources.len()).collect();
        let mut relation_support: Vec<usize> =
            board.relations.iter().map(|r| r.sources.len()).collect();
        actor_support.sort();
        relation_support.sort();
        (
            board.actors.len(),
            board.relations.len(),
            actor_support,
            relation_support,
        )
    }

    #[test]
    fn merging_is_commutative_in_counts() {
        let (a, b) = (group_a(), group_b());
        let ab = merged(&[("A", &a), ("B", &b)]);
        let ba = merged(&[("B", &b), ("A", &a)]);
        assert_eq!(counts(&ab), counts(&ba));
        assert_eq!(counts(&ab), (4, 3, vec![1, 1, 2, 2], vec![1, 1, 2]));
        assert_eq!(ab.meta.merged_from, vec!["A", "B"]);
        let turku = ab
            .actors
            .iter()
            .find(|a| a.name == "Turun kaupunki")
            .unwrap();
        assert_eq!(turku.sources, vec!["A", "B"]);
        assert_eq!(turku.alias, "Åbo stad", "the other spelling is kept");
        assert_eq!(turku.support.as_deref(), Some("2 of 2"));
    }

    #[test]
    fn on_sectors_an_actor_goes_to_the_sector_most_maps_put_it_in() {
        // Public twice (just left of its edge with education and research) and business once
        // (straight down): the mean (302, 159) lies in education and research, the majority
        // says public.
        let spots = [(453.0, -211.0), (453.0, -211.0), (0.0, 900.0)];
        let maps: Vec<BoardView> = spots
            .into_iter()
            .map(|(x, y)| board(Template::Sectors, vec![actor("t", "Turku", x, y)], vec![]))
            .collect();
        let all = merged(&[("1", &maps[0]), ("2", &maps[1]), ("3", &maps[2])]);
        assert_eq!(
            crate::placement::sector_at(302.0, 159.0),
            Some(Sector::EducationResearch)
        );
        assert_eq!(
            all.actors[0].sector,
            Some(Sector::Public),
            "{:?}",
            all.actors[0]
        );
        let crowd: Vec<ActorView> = (0..10)
            .map(|index| {
                actor(
                    &format!("c{index}"),
                    &format!("Yritys {index}"),
                    700.0,
                    200.0,
                )
            })
            .collect();
        let one = board(Template::Sectors, crowd, vec![]);
        let all = merged(&[("1", &one)]);
        assert!(!any_overlap(&all.actors));
        assert!(
            all.actors
                .iter()
                .all(|a| a.sector == Some(Sector::EducationResearch)),
            "{:?}",
            all.actors
        );
    }

    #[test]
    fn the_k_of_n_filter_keeps_what_enough_maps_hold() {
        let (a, b) = (group_a(), group_b());
        let mut all = merged(&[("A", &a), ("B", &b)]);
        all.actors
            .push(actor("own", "Lisätty käsin", -900.0, 900.0));
        let (mut actors, mut relations) = (all.actors.clone(), all.relations.clone());
        let units = SupportUnits::of(&all.meta);
        keep_supported(&mut actors, &mut relations, &units, 1);
        assert_eq!(
            (actors.len(), relations.len()),
            (5, 3),
            "k = 1 is the union"
        );
        keep_supported(&mut actors, &mut relations, &units, 2);
        let names: Vec<&str> = actors.iter().map(|actor| actor.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["Turun kaupunki", "Varsinais-Suomen liitto", "Lisätty käsin"]
        );
        assert_eq!(relations.len(), 1, "the relation both maps drew");
        keep_supported(&mut actors, &mut relations, &units, 3);
        assert_eq!((actors.len(), relations.len()), (1, 0));
    }

    #[test]
    fn merging_a_map_with_itself_gives_its_elements_with_full_support() {
        let a = group_a();
        let twice = merged(&[("A", &a), ("A2", &a)]);
        assert_eq!(twice.actors.len(), a.actors.len());
        assert_eq!(twice.relations.len(), a.relations.len());
        for (merged_actor, original) in twice.actors.iter().zip(&a.actors) {
            assert_eq!(merged_actor.name, original.name);
            assert_eq!(merged_actor.id, original.id);
            assert_eq!((merged_actor.x, merged_actor.y), (original.x, original.y));
            assert_eq!(merged_actor.support.as_deref(), Some("2 of 2"));
        }
        for (merged_relation, original) in twice.relations.iter().zip(&a.relations) {
            assert_eq!(
                (merged_relation.kind, merged_relation.strength),
                (original.kind, original.strength)
            );
            assert_eq!(merged_relation.sources, vec!["A", "A2"]);
            assert!(merged_relation.other_kinds.is_empty());
        }
    }

    #[test]
    fn a_relation_counts_in_the_maps_that_hold_both_its_actors() {
        let turku = || actor("t", "Turku", 0.0, 0.0);
        let council = || actor("v", "Varsinais-Suomen liitto", 400.0, 0.0);
        let tie = || relation("r", "t", "v", RelationKind::Funding, Strength::Normal);
        // Map 1 draws the tie; map 2 has both actors but no tie; map 3 lacks the council.
        let one = board(Template::Blank, vec![turku(), council()], vec![tie()]);
        let two = board(Template::Blank, vec![turku(), council()], vec![]);
        let three = board(Template::Blank, vec![turku()], vec![]);
        let all = merged(&[("1", &one), ("2", &two), ("3", &three)]);
        let support = |name: &str| {
            all.actors
                .iter()
                .find(|actor| actor.name == name)
                .and_then(|actor| actor.support.clone())
        };
        assert_eq!(support("Turku").as_deref(), Some("3 of 3"));
        assert_eq!(
            support("Varsinais-Suomen liitto").as_deref(),
            Some("2 of 3")
        );
        assert_eq!(
            all.relations[0].support.as_deref(),
            Some("1 of 2"),
            "map 3 could not draw it: it has no council"
        );

        // Both maps that hold both actors draw it: full support, though one map of three lacks it.
        let two = board(Template::Blank, vec![turku(), council()], vec![tie()]);
        let all = merged(&[("1", &one), ("2", &two), ("3", &three)]);
        assert_eq!(all.relations[0].support.as_deref(), Some("2 of 2"));
    }

    #[test]
    fn relation_support_counts_only_merged_maps_and_never_falls_below_k() {
        use crate::schema::relation_support;
        let ids = |list: &[&str]| list.iter().map(|id| id.to_string()).collect::<Vec<_>>();
        let units = |maps: &[&str]| {
            SupportUnits::of(&MetaView {
                merged_from: ids(maps),
                ..board(Template::Blank, vec![], vec![]).meta
            })
        };
        let maps = units(&["1", "2", "3", "4"]);
        let check = |relation: &[&str], from: &[&str], to: &[&str], expected| {
            assert_eq!(
                relation_support(&ids(relation), &ids(from), &ids(to), &maps),
                expected,
                "relation {relation:?}, from {from:?}, to {to:?}"
            );
        };
        check(&["1"], &["1", "2", "3"], &["1", "3", "4"], Some((1, 2)));
        check(
            &["1", "3"],
            &["1", "2", "3"],
            &["1", "3", "4"],
            Some((2, 2)),
        );
        // An end added on the merged board itself: nothing known, so all the maps.
        check(&["1"], &["1", "2"], &[], Some((1, 4)));
        // An end moved onto an actor of other maps: m is at least k.
        check(&["1", "2"], &["3"], &["3", "4"], Some((2, 2)));
        // A source that is not one of the merged maps does not count.
        check(&["1", "x"], &["1", "x"], &["1", "x"], Some((1, 1)));
        // Drawn on the merged board itself, or not a merged board: no claim.
        check(&[], &["1"], &["1"], None);
        assert_eq!(
            relation_support(&ids(&["1"]), &ids(&["1"]), &ids(&["1"]), &units(&[])),
            None
        );
    }

    /// Group A: five maps that all have X and Turku; groups B and C: one map each, Turku only.
    fn five_one_one() -> Vec<(String, BoardView)> {
        let with_x = || {
            board(
                Template::Blank,
                vec![
                    actor("t", "Turku", 0.0, 0.0),
                    actor("x", "Yritys X", 400.0, 0.0),
                ],
                vec![relation(
                    "r",
                    "t",
                    "x",
                    RelationKind::Funding,
                    Strength::Strong,
                )],
            )
        };
        let without_x = || board(Template::Blank, vec![actor("t", "Turku", 0.0, 0.0)], vec![]);
        let mut maps: Vec<(String, BoardView)> =
            (1..=5).map(|n| (format!("a{n}"), with_x())).collect();
        maps.push(("b1".into(), without_x()));
        maps.push(("c1".into(), without_x()));
        maps
    }

    fn sources_of(maps: &[(String, BoardView)]) -> Vec<Source<'_>> {
        maps.iter()
            .map(|(id, board)| Source { id, board })
            .collect()
    }

    #[test]
    fn a_big_group_cannot_outvote_the_others() {
        let maps = five_one_one();
        let sources = sources_of(&maps);
        let groups = vec![vec![0, 1, 2, 3, 4], vec![5], vec![6]];
        let forum = merge_in_groups(&sources, &groups, &Decisions::new(), "Foorumi");
        let x = forum.actors.iter().find(|a| a.name == "Yritys X").unwrap();
        assert_eq!(x.support.as_deref(), Some("1 of 3 groups"));
        // The forum map still names the personal maps the actor came from.
        assert_eq!(x.sources, vec!["a1", "a2", "a3", "a4", "a5"]);
        let turku = forum.actors.iter().find(|a| a.name == "Turku").unwrap();
        assert_eq!(turku.support.as_deref(), Some("3 of 3 groups"));
        // Only group A holds both ends, and it drew the tie.
        assert_eq!(forum.relations[0].support.as_deref(), Some("1 of 1 groups"));
        assert_eq!(
            forum.meta.merged_from,
            vec!["a1", "a2", "a3", "a4", "a5", "b1", "c1"]
        );
        assert_eq!(
            forum.meta.merged_groups,
            vec!["1", "1", "1", "1", "1", "2", "3"]
        );
        // "At least 2" keeps what two groups hold: X goes, though five of seven maps have it.
        let (mut actors, mut relations) = (forum.actors.clone(), forum.relations.clone());
        keep_supported(
            &mut actors,
            &mut relations,
            &SupportUnits::of(&forum.meta),
            2,
        );
        let names: Vec<&str> = actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!((names, relations.len()), (vec!["Turku"], 0));

        // Merged map by map, the same maps give X a clear majority.
        let flat = merge(&sources, &Decisions::new(), "Foorumi");
        let x = flat.actors.iter().find(|a| a.name == "Yritys X").unwrap();
        assert_eq!(x.support.as_deref(), Some("5 of 7"));
    }

    #[test]
    fn within_a_group_first_then_across_groups() {
        // Group 1 (three maps) says weak funding; groups 2 and 3 (one map each) say strong.
        let tie = |strength| {
            board(
                Template::Blank,
                vec![
                    actor("t", "Turku", 0.0, 0.0),
                    actor("v", "Varsinais-Suomen liitto", 400.0, 0.0),
                ],
                vec![relation("r", "t", "v", RelationKind::Funding, strength)],
            )
        };
        let maps: Vec<(String, BoardView)> = vec![
            ("a1".into(), tie(Strength::Weak)),
            ("a2".into(), tie(Strength::Weak)),
            ("a3".into(), tie(Strength::Weak)),
            ("b1".into(), tie(Strength::Strong)),
            ("c1".into(), tie(Strength::Strong)),
        ];
        let sources = sources_of(&maps);
        let flat = merge(&sources, &Decisions::new(), "");
        assert_eq!(
            flat.relations[0].strength,
            Strength::Weak,
            "three maps of five"
        );
        let grouped = merge_in_groups(
            &sources,
            &[vec![0, 1, 2], vec![3], vec![4]],
            &Decisions::new(),
            "",
        );
        assert_eq!(
            grouped.relations[0].strength,
            Strength::Strong,
            "two groups of three"
        );
        assert_eq!(
            grouped.relations[0].support.as_deref(),
            Some("3 of 3 groups")
        );
        assert_eq!(grouped.relations[0].sources.len(), 5);
    }

    #[test]
    fn a_grouped_merge_reads_back_with_the_same_support() {
        let maps = five_one_one();
        let sources = sources_of(&maps);
        let forum = merge_in_groups(
            &sources,
            &[vec![0, 1, 2, 3, 4], vec![5], vec![6]],
            &Decisions::new(),
            "",
        );
        // Serialised as a board file and read as one, the support is derived again from the sources.
        let json = serde_json::to_string(&forum.meta).unwrap();
        let meta: MetaView = serde_json::from_str(&json).unwrap();
        let units = SupportUnits::of(&meta);
        assert!(units.by_group());
        assert_eq!(
            (
                units.total(),
                units.count(&["a3".to_string(), "a4".to_string()])
            ),
            (3, 1)
        );
        // Groups that do not match the maps one to one are ignored: maps count.
        let meta = MetaView {
            merged_groups: vec!["1".into()],
            ..meta
        };
        assert_eq!(SupportUnits::of(&meta).total(), 7);
    }

    #[test]
    fn strength_is_the_median_and_kind_the_majority_with_the_others_kept() {
        use RelationKind::*;
        use Strength::*;
        let maps: Vec<BoardView> = [
            (Collaboration, Weak),
            (Agreement, Strong),
            (Collaboration, Strong),
            (Membership, Normal),
        ]
        .into_iter()
        .map(|(kind, strength)| {
            board(
                Template::Blank,
                vec![
                    actor("x", "Turku", 0.0, 0.0),
                    actor("y", "Raisio", 400.0, 0.0),
                ],
                vec![relation("r", "y", "x", kind, strength)],
            )
        })
        .collect();
        let ids = ["1", "2", "3", "4"];
        let named: Vec<(&str, &BoardView)> = ids.iter().copied().zip(maps.iter()).collect();
        let all = merged(&named);
        assert_eq!(
            all.relations.len(),
            1,
            "one relation, drawn either way round"
        );
        let merged_relation = &all.relations[0];
        assert_eq!(merged_relation.kind, Collaboration);
        assert_eq!(merged_relation.other_kinds, vec![Agreement, Membership]);
        assert_eq!(
            merged_relation.strength, Normal,
            "weak, normal, strong, strong → normal"
        );
        assert_eq!(merged_relation.support.as_deref(), Some("4 of 4"));
        let three = merged(&named[1..]);
        assert_eq!(
            three.relations[0].strength, Strong,
            "normal, strong, strong → strong"
        );
        // A conflict is another relation, not a fifth opinion about the collaboration.
        let mut conflict = maps[0].clone();
        conflict.relations[0].kind = Conflict;
        let with_conflict = merged(&[("1", &maps[0]), ("c", &conflict)]);
        assert_eq!(with_conflict.relations.len(), 2);
        // One-way relations in opposite directions stay two relations.
        let mut one_way = maps[0].clone();
        one_way.relations[0].direction = Direction::OneWay;
        let mut other_way = one_way.clone();
        other_way.relations[0].from = "x".into();
        other_way.relations[0].to = "y".into();
        assert_eq!(
            merged(&[("1", &one_way), ("2", &other_way)])
                .relations
                .len(),
            2
        );
        assert_eq!(
            merged(&[("1", &one_way), ("2", &one_way)]).relations.len(),
            1
        );
    }

    #[test]
    fn positions_are_the_mean_moved_into_the_median_ring_and_never_overlap() {
        // Core (r 100), core (r 250) and wider (r 700): the mean r 350 is in "close", the
        // median ring is "core".
        let maps: Vec<BoardView> = [100.0, 250.0, 700.0]
            .into_iter()
            .map(|x| board(Template::Rings, vec![actor("t", "Turku", x, 0.0)], vec![]))
            .collect();
        let all = merged(&[("1", &maps[0]), ("2", &maps[1]), ("3", &maps[2])]);
        let turku = &all.actors[0];
        assert_eq!(turku.ring, Some(RingPlacement::Core));
        assert!(
            turku.y.abs() < 1e-9 && turku.x > 290.0 && turku.x <= 300.0,
            "{turku:?}"
        );

        // Twelve different actors all drawn on the same spot, on two maps.
        let crowd: Vec<ActorView> = (0..12)
            .map(|index| {
                actor(
                    &format!("c{index}"),
                    &format!("Yhdistys {index}"),
                    450.0,
                    0.0,
                )
            })
            .collect();
        let first = board(Template::Rings, crowd.clone(), vec![]);
        let second = board(Template::Rings, crowd, vec![]);
        let all = merged(&[("1", &first), ("2", &second)]);
        assert_eq!(all.actors.len(), 12);
        assert!(
            !any_overlap(&all.actors),
            "{:?}",
            all.actors.iter().map(|a| (a.x, a.y)).collect::<Vec<_>>()
        );
        assert!(
            all.actors
                .iter()
                .all(|a| a.ring == Some(RingPlacement::Close)),
            "nudged within their ring"
        );
        let again = merged(&[("1", &first), ("2", &second)]);
        assert_eq!(all, again, "deterministic");
    }
}
