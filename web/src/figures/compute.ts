// Network figures of a drawn map, computed with graphology: the pure function the worker runs.
// The definitions match protocol/src/figures.rs (the server's exports); both are tested against
// protocol/tests/figures-golden.json.
import Graph from 'graphology';
import betweennessCentrality from 'graphology-metrics/centrality/betweenness';
import { createUnweightedIndexedBrandes } from 'graphology-shortest-path/indexed-brandes';
import louvain from 'graphology-communities-louvain';
import { connectedComponents } from 'graphology-components';
import type { Direction } from '../generated/protocol';
import { SAMPLED_SOURCES, betweennessIsSampled } from './limits';

/** The ends of one relation, as much as the figures need. */
export interface RelationEnds {
  from: string;
  to: string;
  direction: Direction;
}

/** What the worker is asked: the structure of the map and the seed of its clusters. */
export interface FiguresRequest {
  actorIds: string[];
  relations: RelationEnds[];
  /** Seeds the Louvain order, so everyone on the board sees the same clusters (the board id). */
  seed: string;
}

/** The figures of one actor (the same fields as `ActorFigures` in protocol/src/figures.rs). */
export interface ActorFigures {
  actorId: string;
  /** Other actors tied to this one by any relation. */
  degree: number;
  /** Actors pointing at this one with a one-way relation. */
  inDegree: number;
  /** Actors this one points at with a one-way relation. */
  outDegree: number;
  /** Brandes betweenness on the undirected map, normalised by (n−1)(n−2) over ordered pairs. */
  betweenness: number;
  isolated: boolean;
  /** Connected component, numbered by first appearance among the actors sorted by id. */
  component: number;
  /** Louvain community, numbered the same way. */
  community: number;
}

/**
 * The figures of every actor, sorted by actor id. Relations with a missing endpoint and
 * relations from an actor to itself are skipped; two relations between one pair are one tie.
 */
export function computeFigures(request: FiguresRequest): ActorFigures[] {
  const ids = [...new Set(request.actorIds)].sort(byCodeUnits);
  const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (const id of ids) graph.addNode(id);
  const pointsAt = new Map<string, Set<string>>();
  const pointedAtBy = new Map<string, Set<string>>();
  for (const relation of request.relations) {
    if (relation.from === relation.to || !graph.hasNode(relation.from) || !graph.hasNode(relation.to)) continue;
    graph.mergeEdge(relation.from, relation.to);
    if (relation.direction === 'one_way') {
      addTo(pointsAt, relation.from, relation.to);
      addTo(pointedAtBy, relation.to, relation.from);
    }
  }

  // Unweighted: strength is an ordinal we drew by hand, not a distance.
  const betweenness = betweennessIsSampled(graph.order)
    ? sampledBetweenness(graph, SAMPLED_SOURCES)
    : betweennessCentrality(graph, { getEdgeWeight: null, normalized: true });
  const component = firstAppearanceNumbers(ids, componentLabels(graph));
  const community = firstAppearanceNumbers(
    ids,
    new Map(Object.entries(louvain(graph, { getEdgeWeight: null, rng: seededRandom(request.seed) }))),
  );

  return ids.map((id) => ({
    actorId: id,
    degree: graph.degree(id),
    inDegree: pointedAtBy.get(id)?.size ?? 0,
    outDegree: pointsAt.get(id)?.size ?? 0,
    betweenness: betweenness[id] ?? 0,
    isolated: graph.degree(id) === 0,
    component: component.get(id)!,
    community: community.get(id)!,
  }));
}

/**
 * Betweenness estimated from `sources` evenly spaced start points (the same ones for everyone
 * on the board), scaled up to all n and normalised as the exact one. Uses graphology's own
 * shortest-path step; only the sum over start points is restricted.
 */
function sampledBetweenness(graph: Graph, sources: number): Record<string, number> {
  const brandes = createUnweightedIndexedBrandes(graph);
  const n = graph.order;
  const dependency = new Float64Array(n);
  const centrality = new Float64Array(n);
  const step = n / sources;
  for (let k = 0; k < sources; k++) {
    const source = Math.floor(k * step);
    const [stack, predecessors, paths] = brandes(source);
    dependency.fill(0);
    while (stack.size !== 0) {
      const w = stack.pop()!;
      const share = (1 + dependency[w]) / paths[w];
      for (const v of predecessors[w]) dependency[v] += paths[v] * share;
      if (w !== source) centrality[w] += dependency[w];
    }
  }
  const scale = n / sources / ((n - 1) * (n - 2));
  for (let i = 0; i < n; i++) centrality[i] *= scale;
  // The index sits on the returned function (its type declaration puts it on the factory).
  const index = (brandes as unknown as { index: { collect<T>(results: T[]): Record<string, T> } }).index;
  return index.collect(Array.from(centrality));
}

/** Sorts as Rust sorts strings (by UTF-16 code units here, which agrees for the ids we make). */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function componentLabels(graph: Graph): Map<string, number> {
  const labels = new Map<string, number>();
  connectedComponents(graph).forEach((members, index) => {
    for (const member of members) labels.set(member, index);
  });
  return labels;
}

/** Renumbers labels from 0 in order of first appearance among `ids`, as the server does. */
function firstAppearanceNumbers(ids: string[], labels: Map<string, number>): Map<string, number> {
  const numbers = new Map<number, number>();
  const out = new Map<string, number>();
  for (const id of ids) {
    const label = labels.get(id)!;
    if (!numbers.has(label)) numbers.set(label, numbers.size);
    out.set(id, numbers.get(label)!);
  }
  return out;
}

/** A small deterministic generator (mulberry32) seeded by an FNV-1a hash of `seed`. */
export function seededRandom(seed: string): () => number {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    state ^= seed.charCodeAt(i);
    state = Math.imul(state, 0x01000193);
  }
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
