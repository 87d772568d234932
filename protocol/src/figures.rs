//! Network figures of a drawn map: degree, in- and out-degree, betweenness, isolated actors,
//! connected components and communities, computed from a board view. Pure and synchronous.
//!
//! The browser computes the same figures in a Web Worker with graphology
//! (`web/src/figures/compute.ts`); `protocol/tests/figures-golden.json` holds small graphs
//! with their expected figures, and both implementations are tested against it, so the server's
//! exports and the browser's map agree.
//!
//! **Definitions** (the same on both sides):
//! - Relations whose endpoint is not an actor of the map, and relations from an actor to
//!   itself, are skipped. Two relations between the same pair count as one tie.
//! - *degree*: how many other actors this actor is tied to by any relation, whatever its
//!   direction ("partners on our map").
//! - *in-degree* / *out-degree*: how many actors point at this actor / this actor points at
//!   with a one-way relation. Undirected and both-ways relations count in *degree* only: they
//!   say nothing about who gives and who receives.
//! - *betweenness*: Brandes' algorithm on the relations taken as undirected and unweighted
//!   (a partnership carries information both ways; strength is an ordinal, not a distance),
//!   normalised as graphology-metrics does it: the sum over ordered pairs of actors divided by
//!   (n−1)(n−2), so a star's hub has 1.
//! - *isolated*: degree 0.
//! - *component* and *community*: numbered from 0 in order of first appearance among the
//!   actors sorted by id, so the numbers do not depend on how either side labels them.
//! - *community*: Louvain (modularity, resolution 1) visiting the actors in id order, which
//!   makes it deterministic without a random seed. The browser's graphology Louvain visits
//!   actors in an order drawn from a generator seeded by the board id; both find the same
//!   partition where it is clear-cut (the golden graphs), but on an ambiguous map (a long path,
//!   for instance) the two may split differently. Exports use this one.
//!
//! **Why hand-written.** `petgraph` has no betweenness or communities; `rustworkx-core` has
//! betweenness but no communities, and pulls rayon, ndarray and rand into the protocol crate
//! that every part of Kartta builds (measured: see ARCHITECTURE.md, "Network figures").
//! Brandes and Louvain are short textbook algorithms, and the golden graphs pin them down.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use crate::api::BoardExport;
use crate::schema::{BoardView, Direction};

/// The ends of one relation, as much as the figures need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RelationEnds {
    pub from: String,
    pub to: String,
    pub direction: Direction,
}

/// The figures of one actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorFigures {
    pub actor_id: String,
    pub degree: u32,
    pub in_degree: u32,
    pub out_degree: u32,
    pub betweenness: f64,
    pub isolated: bool,
    pub component: u32,
    pub community: u32,
}

/// The JSON export as written: a [`BoardExport`] with every actor's figures beside it (sorted
/// by actor id). Reading the file back as a `BoardExport`, as the import does, ignores them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoardExportWithFigures {
    #[serde(flatten)]
    pub board: BoardExport,
    pub figures: Vec<ActorFigures>,
}

impl BoardExportWithFigures {
    pub fn new(board: BoardExport) -> BoardExportWithFigures {
        let figures = export_figures(&board);
        BoardExportWithFigures { board, figures }
    }
}

/// The figures of every actor of an export, sorted by actor id.
pub fn export_figures(board: &BoardExport) -> Vec<ActorFigures> {
    let actor_ids: Vec<&str> = board.actors.iter().map(|actor| actor.id.as_str()).collect();
    figures(&actor_ids, &relation_ends(&board.relations))
}

fn relation_ends(relations: &[crate::schema::RelationView]) -> Vec<RelationEnds> {
    relations
        .iter()
        .map(|relation| RelationEnds {
            from: relation.from.clone(),
            to: relation.to.clone(),
            direction: relation.direction,
        })
        .collect()
}

/// The figures of every actor of a board, sorted by actor id.
pub fn board_figures(view: &BoardView) -> Vec<ActorFigures> {
    let actor_ids: Vec<&str> = view.actors.iter().map(|actor| actor.id.as_str()).collect();
    figures(&actor_ids, &relation_ends(&view.relations))
}

/// The figures of every actor in `actor_ids` (duplicates count once), sorted by actor id.
pub fn figures(actor_ids: &[&str], relations: &[RelationEnds]) -> Vec<ActorFigures> {
    let ids: Vec<&str> = actor_ids
        .iter()
        .copied()
        .collect::<BTreeSet<&str>>()
        .into_iter()
        .collect();
    let index_of = |id: &str| ids.binary_search(&id).ok();

    let mut neighbours: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); ids.len()];
    let mut pointed_at_by: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); ids.len()];
    let mut points_at: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); ids.len()];
    for relation in relations {
        let (Some(from), Some(to)) = (index_of(&relation.from), index_of(&relation.to)) else {
            continue;
        };
        if from == to {
            continue;
        }
        neighbours[from].insert(to);
        neighbours[to].insert(from);
        if relation.direction == Direction::OneWay {
            points_at[from].insert(to);
            pointed_at_by[to].insert(from);
        }
    }
    let adjacency: Vec<Vec<usize>> = neighbours
        .iter()
        .map(|set| set.iter().copied().collect())
        .collect();

    let betweenness = betweenness(&adjacency);
    let components = components(&adjacency);
    let communities = first_appearance_numbers(&louvain(&adjacency));

    ids.iter()
        .enumerate()
        .map(|(index, id)| ActorFigures {
            actor_id: (*id).to_owned(),
            degree: adjacency[index].len() as u32,
            in_degree: pointed_at_by[index].len() as u32,
            out_degree: points_at[index].len() as u32,
            betweenness: betweenness[index],
            isolated: adjacency[index].is_empty(),
            component: components[index],
            community: communities[index],
        })
        .collect()
}

/// Brandes' betweenness on an unweighted undirected graph, normalised by (n−1)(n−2) over
/// ordered pairs (each unordered pair is reached from both of its ends).
fn betweenness(adjacency: &[Vec<usize>]) -> Vec<f64> {
    let n = adjacency.len();
    let mut centrality = vec![0.0; n];
    // Buffers reused for every source: the map can have thousands of actors.
    let mut order: Vec<usize> = Vec::with_capacity(n);
    let mut predecessors: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut paths = vec![0.0f64; n];
    let mut distance = vec![u32::MAX; n];
    let mut dependency = vec![0.0f64; n];
    let mut queue = VecDeque::with_capacity(n);
    for source in 0..n {
        order.clear();
        for v in 0..n {
            predecessors[v].clear();
            paths[v] = 0.0;
            distance[v] = u32::MAX;
            dependency[v] = 0.0;
        }
        paths[source] = 1.0;
        distance[source] = 0;
        queue.push_back(source);
        while let Some(v) = queue.pop_front() {
            order.push(v);
            for &w in &adjacency[v] {
                if distance[w] == u32::MAX {
                    distance[w] = distance[v] + 1;
                    queue.push_back(w);
                }
                if distance[w] == distance[v] + 1 {
                    paths[w] += paths[v];
                    predecessors[w].push(v);
                }
            }
        }
        for &w in order.iter().rev() {
            for &v in &predecessors[w] {
                dependency[v] += paths[v] / paths[w] * (1.0 + dependency[w]);
            }
            if w != source {
                centrality[w] += dependency[w];
            }
        }
    }
    if n > 2 {
        // Dividing (rather than multiplying by the reciprocal) keeps 6/20 at 0.3 in the sheets.
        let pairs = (n - 1) as f64 * (n - 2) as f64;
        for value in &mut centrality {
            *value /= pairs;
        }
    }
    centrality
}

/// The connected component of each node, numbered in order of first appearance.
fn components(adjacency: &[Vec<usize>]) -> Vec<u32> {
    let mut component = vec![u32::MAX; adjacency.len()];
    let mut next = 0;
    let mut stack = Vec::new();
    for start in 0..adjacency.len() {
        if component[start] != u32::MAX {
            continue;
        }
        component[start] = next;
        stack.push(start);
        while let Some(v) = stack.pop() {
            for &w in &adjacency[v] {
                if component[w] == u32::MAX {
                    component[w] = next;
                    stack.push(w);
                }
            }
        }
        next += 1;
    }
    component
}

/// Renumbers labels so that they count from 0 in order of first appearance.
fn first_appearance_numbers(labels: &[usize]) -> Vec<u32> {
    let mut numbers: BTreeMap<usize, u32> = BTreeMap::new();
    labels
        .iter()
        .map(|label| {
            let next = numbers.len() as u32;
            *numbers.entry(*label).or_insert(next)
        })
        .collect()
}

/// A weighted undirected graph of one Louvain level: `neighbours[v]` lists `(w, weight)` for
/// w ≠ v; `inner[v]` is the weight of the edges folded inside v by earlier levels.
struct WeightedGraph {
    neighbours: Vec<Vec<(usize, f64)>>,
    inner: Vec<f64>,
}

impl WeightedGraph {
    fn strength(&self, v: usize) -> f64 {
        self.neighbours[v].iter().map(|(_, w)| w).sum::<f64>() + 2.0 * self.inner[v]
    }
}

/// Louvain community detection (Blondel et al. 2008), visiting nodes in index order.
/// Returns a community label per node.
fn louvain(adjacency: &[Vec<usize>]) -> Vec<usize> {
    let n = adjacency.len();
    let mut membership: Vec<usize> = (0..n).collect();
    let mut graph = WeightedGraph {
        neighbours: adjacency
            .iter()
            .map(|list| list.iter().map(|&w| (w, 1.0)).collect())
            .collect(),
        inner: vec![0.0; n],
    };
    let total_weight: f64 = adjacency.iter().map(Vec::len).sum::<usize>() as f64 / 2.0;
    if total_weight == 0.0 {
        return membership;
    }
    // Each level merges at least two nodes or stops, so this ends; the bound guards rounding.
    for _level in 0..64 {
        let (community, moved) = louvain_local_moves(&graph, total_weight);
        if !moved {
            break;
        }
        let labels = first_appearance_numbers(&community);
        for member in &mut membership {
            *member = labels[*member] as usize;
        }
        graph = aggregate(&graph, &labels);
    }
    membership
}

/// Moves each node to the neighbouring community with the best modularity gain until no
/// move helps. Returns the community of each node and whether any node moved.
fn louvain_local_moves(graph: &WeightedGraph, total_weight: f64) -> (Vec<usize>, bool) {
    let n = graph.neighbours.len();
    let strength: Vec<f64> = (0..n).map(|v| graph.strength(v)).collect();
    let mut community: Vec<usize> = (0..n).collect();
    let mut community_strength = strength.clone();
    let mut weight_to: BTreeMap<usize, f64> = BTreeMap::new();
    let mut moved_at_all = false;
    for _pass in 0..1000 {
        let mut moved = false;
        for v in 0..n {
            let own = community[v];
            weight_to.clear();
            weight_to.insert(own, 0.0);
            for &(w, weight) in &graph.neighbours[v] {
                *weight_to.entry(community[w]).or_insert(0.0) += weight;
            }
            community_strength[own] -= strength[v];
            let gain = |candidate: usize, links: f64| {
                links - community_strength[candidate] * strength[v] / (2.0 * total_weight)
            };
            let mut best = own;
            let mut best_gain = gain(own, weight_to[&own]);
            for (&candidate, &links) in &weight_to {
                let candidate_gain = gain(candidate, links);
                // A small margin keeps rounding noise from moving nodes back and forth.
                if candidate_gain > best_gain + 1e-12 {
                    best = candidate;
                    best_gain = candidate_gain;
                }
            }
            community_strength[best] += strength[v];
            if best != own {
                community[v] = best;
                moved = true;
                moved_at_all = true;
            }
        }
        if !moved {
            break;
        }
    }
    (community, moved_at_all)
}

/// Folds each community of `graph` into one node of the next level.
fn aggregate(graph: &WeightedGraph, labels: &[u32]) -> WeightedGraph {
    let count = labels
        .iter()
        .map(|&label| label as usize + 1)
        .max()
        .unwrap_or(0);
    let mut inner = vec![0.0; count];
    let mut between: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); count];
    for (v, list) in graph.neighbours.iter().enumerate() {
        let from = labels[v] as usize;
        inner[from] += graph.inner[v];
        for &(w, weight) in list {
            let to = labels[w] as usize;
            if from == to {
                // Every inner edge is listed from both of its ends.
                inner[from] += weight / 2.0;
            } else {
                *between[from].entry(to).or_insert(0.0) += weight;
            }
        }
    }
    WeightedGraph {
        neighbours: between
            .into_iter()
            .map(|map| map.into_iter().collect())
            .collect(),
        inner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Golden {
        graphs: Vec<GoldenGraph>,
    }

    #[derive(Deserialize)]
    struct GoldenGraph {
        name: String,
        actors: Vec<String>,
        relations: Vec<RelationEnds>,
        expected: BTreeMap<String, GoldenFigures>,
        communities: Option<Vec<Vec<String>>>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct GoldenFigures {
        degree: u32,
        in_degree: u32,
        out_degree: u32,
        betweenness: f64,
        isolated: bool,
        component: u32,
    }

    fn golden() -> Golden {
        serde_json::from_str(include_str!("../tests/figures-golden.json")).unwrap()
    }

    /// The partition as a set of sets, whatever the community numbers.
    fn partition(groups: impl IntoIterator<Item = Vec<String>>) -> BTreeSet<BTreeSet<String>> {
        groups
            .into_iter()
            .map(|group| group.into_iter().collect())
            .collect()
    }

    #[test]
    fn figures_match_the_golden_graphs() {
        for graph in golden().graphs {
            let ids: Vec<&str> = graph.actors.iter().map(String::as_str).collect();
            let computed = figures(&ids, &graph.relations);
            assert_eq!(computed.len(), graph.expected.len(), "{}", graph.name);
            for actor in &computed {
                let expected = &graph.expected[&actor.actor_id];
                let what = format!("{} / {}", graph.name, actor.actor_id);
                assert_eq!(actor.degree, expected.degree, "degree of {what}");
                assert_eq!(actor.in_degree, expected.in_degree, "in-degree of {what}");
                assert_eq!(
                    actor.out_degree, expected.out_degree,
                    "out-degree of {what}"
                );
                assert!(
                    (actor.betweenness - expected.betweenness).abs() < 1e-9,
                    "betweenness of {what}: {} != {}",
                    actor.betweenness,
                    expected.betweenness
                );
                assert_eq!(actor.isolated, expected.isolated, "isolated {what}");
                assert_eq!(actor.component, expected.component, "component of {what}");
            }
            if let Some(communities) = graph.communities {
                let mut computed_groups: BTreeMap<u32, Vec<String>> = BTreeMap::new();
                for actor in &computed {
                    computed_groups
                        .entry(actor.community)
                        .or_default()
                        .push(actor.actor_id.clone());
                }
                assert_eq!(
                    partition(computed_groups.into_values()),
                    partition(communities),
                    "communities of {}",
                    graph.name
                );
            }
        }
    }

    #[test]
    fn community_numbers_follow_the_actor_order() {
        let graph = golden()
            .graphs
            .into_iter()
            .find(|graph| graph.name == "two cliques joined by a bridge")
            .unwrap();
        let ids: Vec<&str> = graph.actors.iter().map(String::as_str).collect();
        let computed = figures(&ids, &graph.relations);
        let communities: Vec<u32> = computed.iter().map(|actor| actor.community).collect();
        assert_eq!(communities, [0, 0, 0, 0, 1, 1, 1, 1]);
    }

    #[test]
    fn an_empty_map_has_no_figures() {
        assert!(figures(&[], &[]).is_empty());
    }

    #[test]
    fn board_figures_read_the_view() {
        use crate::schema::{ActorKind, ActorView, MetaView, RelationKind, RelationView, Strength};
        use crate::schema::{RelationStatus, Template};
        let actor = |id: &str| ActorView::new(id, id, ActorKind::Other);
        let view = BoardView {
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
            actors: vec![actor("a"), actor("b"), actor("c")],
            relations: vec![RelationView {
                id: "r".into(),
                from: "a".into(),
                to: "b".into(),
                kind: RelationKind::Funding,
                label: String::new(),
                direction: Direction::OneWay,
                strength: Strength::Normal,
                coordination: None,
                status: RelationStatus::Existing,
                other_kinds: Vec::new(),
                sources: Vec::new(),
                support: None,
            }],
            notes: Vec::new(),
            strokes: Vec::new(),
        };
        let computed = board_figures(&view);
        assert_eq!(computed[0].out_degree, 1);
        assert_eq!(computed[1].in_degree, 1);
        assert!(computed[2].isolated);
        assert_eq!(computed[2].component, 1);
    }
}
