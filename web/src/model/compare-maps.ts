//! Two maps side by side: which actors and relations are only on the left, only on the right, on both, or on both but different.
// Actors are paired either by id (two states of one board, or a fork: ids survive) or by the pairs
// the server's matching found (two groups' boards); relations then pair by their paired endpoints.
import type { MatchTable, Template } from '../generated/protocol';
import type { Actor, Relation } from './types';
import { placementOf } from './placement';

export interface MapSide {
  template: Template;
  actors: Iterable<Actor>;
  relations: Iterable<Relation>;
}

/** How actors of the two maps are known to be the same organisation. */
export type ActorMatching = { by: 'id' } | { by: 'pairs'; pairs: Iterable<readonly [leftId: string, rightId: string]> };

export type CompareCategory = 'onlyLeft' | 'onlyRight' | 'different' | 'both';
export const COMPARE_CATEGORIES: readonly CompareCategory[] = ['onlyLeft', 'onlyRight', 'different', 'both'];

export type DifferenceField = 'name' | 'kind' | 'stance' | 'ring' | 'sector' | 'direction' | 'strength' | 'status';

/**
 * One field the two maps disagree on, as codes (null: not set). A one-way relation drawn the other
 * way round on the right has direction `one_way` on the left and `reversed` on the right.
 */
export interface Difference {
  field: DifferenceField;
  left: string | null;
  right: string | null;
}

export interface ComparedItem {
  type: 'actor' | 'relation';
  /** Stable within one comparison: the type and both ids. */
  key: string;
  category: CompareCategory;
  leftId: string | null;
  rightId: string | null;
  /** An actor's name (the left one's when both have it); a relation's "A – B". */
  label: string;
  differences: Difference[];
}

export interface MapComparison {
  actors: ComparedItem[];
  relations: ComparedItem[];
}

export function compareMaps(left: MapSide, right: MapSide, matching: ActorMatching): MapComparison {
  const leftActors = byId(left.actors);
  const rightActors = byId(right.actors);
  const rightOfLeft = new Map<string, string>();
  if (matching.by === 'id') {
    for (const id of leftActors.keys()) if (rightActors.has(id)) rightOfLeft.set(id, id);
  } else {
    const usedRight = new Set<string>();
    for (const [leftId, rightId] of matching.pairs) {
      // A pair naming an actor that is not on its map (deleted since the table was made) is ignored,
      // and each actor is paired at most once.
      if (!leftActors.has(leftId) || !rightActors.has(rightId) || rightOfLeft.has(leftId) || usedRight.has(rightId)) continue;
      rightOfLeft.set(leftId, rightId);
      usedRight.add(rightId);
    }
  }
  const pairedRight = new Set(rightOfLeft.values());

  const actors: ComparedItem[] = [];
  for (const [leftId, actor] of leftActors) {
    const rightId = rightOfLeft.get(leftId);
    const other = rightId === undefined ? undefined : rightActors.get(rightId);
    if (!other) {
      actors.push(item('actor', 'onlyLeft', leftId, null, actor.name, []));
      continue;
    }
    const differences = actorDifferences(actor, left.template, other, right.template);
    actors.push(item('actor', differences.length ? 'different' : 'both', leftId, other.id, actor.name, differences));
  }
  for (const [rightId, actor] of rightActors) {
    if (!pairedRight.has(rightId)) actors.push(item('actor', 'onlyRight', null, rightId, actor.name, []));
  }

  const relations = matching.by === 'id'
    ? relationsById(left, right, leftActors, rightActors)
    : relationsByEndpoints(left, right, leftActors, rightActors, rightOfLeft);
  return { actors: sorted(actors), relations: sorted(relations) };
}

/** Pairs of (left actor id, right actor id) that the match table put into one group. */
export function pairsFromMatchTable(table: MatchTable, leftSourceId: string, rightSourceId: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const group of table.groups) {
    const leftMember = group.members.find((m) => m.sourceId === leftSourceId);
    const rightMember = group.members.find((m) => m.sourceId === rightSourceId);
    if (leftMember && rightMember) pairs.push([leftMember.actorId, rightMember.actorId]);
  }
  return pairs;
}

/** Items of one category, in list order. */
export function itemsOf(items: readonly ComparedItem[], category: CompareCategory): ComparedItem[] {
  return items.filter((i) => i.category === category);
}

function actorDifferences(left: Actor, leftTemplate: Template, right: Actor, rightTemplate: Template): Difference[] {
  const differences: Difference[] = [];
  const add = (field: DifferenceField, a: string | null, b: string | null) => {
    if (a !== b) differences.push({ field, left: a, right: b });
  };
  // Names differ often when actors were matched by name rules ("Turku" / "Turun kaupunki"), which
  // is no disagreement; between two states of one board, a new name is news.
  if (left.id === right.id) add('name', left.name, right.name);
  add('kind', left.kind, right.kind);
  add('stance', left.stance, right.stance);
  // Where an actor sits means something only when both maps have the same background.
  if (leftTemplate === rightTemplate) {
    const a = placementOf(leftTemplate, left.x, left.y);
    const b = placementOf(rightTemplate, right.x, right.y);
    if (leftTemplate === 'rings') add('ring', a.ring, b.ring);
    if (leftTemplate === 'sectors') add('sector', a.sector, b.sector);
  }
  return differences;
}

function relationDifferences(left: Relation, right: Relation, reversed: boolean): Difference[] {
  const differences: Difference[] = [];
  const add = (field: DifferenceField, a: string | null, b: string | null) => {
    if (a !== b) differences.push({ field, left: a, right: b });
  };
  add('kind', left.kind, right.kind);
  if (left.direction === 'one_way' && right.direction === 'one_way' && reversed) add('direction', 'one_way', 'reversed');
  else add('direction', left.direction, right.direction);
  add('strength', left.strength, right.strength);
  add('status', left.status, right.status);
  return differences;
}

function relationsById(left: MapSide, right: MapSide, leftActors: Map<string, Actor>, rightActors: Map<string, Actor>): ComparedItem[] {
  const leftRelations = liveRelations(left.relations, leftActors);
  const rightRelations = liveRelations(right.relations, rightActors);
  const items: ComparedItem[] = [];
  for (const [id, relation] of leftRelations) {
    const other = rightRelations.get(id);
    const label = relationLabel(relation, leftActors);
    if (!other) {
      items.push(item('relation', 'onlyLeft', id, null, label, []));
      continue;
    }
    const differences = relationDifferences(relation, other, relation.from !== other.from);
    items.push(item('relation', differences.length ? 'different' : 'both', id, id, label, differences));
  }
  for (const [id, relation] of rightRelations) {
    if (!leftRelations.has(id)) items.push(item('relation', 'onlyRight', null, id, relationLabel(relation, rightActors), []));
  }
  return items;
}

/**
 * Two relations are the same when they join the same pair of paired actors (in either order, so a
 * relation drawn the other way round still pairs and its direction is reported). Between one pair,
 * relations of equal kind pair first, then the rest in order.
 */
function relationsByEndpoints(
  left: MapSide, right: MapSide, leftActors: Map<string, Actor>, rightActors: Map<string, Actor>, rightOfLeft: Map<string, string>,
): ComparedItem[] {
  const rightByPair = new Map<string, Relation[]>();
  const rightRelations = liveRelations(right.relations, rightActors);
  for (const relation of rightRelations.values()) {
    const key = pairKey(relation.from, relation.to);
    const list = rightByPair.get(key);
    if (list) list.push(relation);
    else rightByPair.set(key, [relation]);
  }
  const pairedRight = new Set<string>();
  const items: ComparedItem[] = [];
  const leftRelations = [...liveRelations(left.relations, leftActors).values()];
  const candidatesOf = (relation: Relation): Relation[] => {
    const from = rightOfLeft.get(relation.from);
    const to = rightOfLeft.get(relation.to);
    if (from === undefined || to === undefined) return [];
    return (rightByPair.get(pairKey(from, to)) ?? []).filter((r) => !pairedRight.has(r.id));
  };
  const pairing = new Map<string, Relation>();
  // Equal kinds first, over all left relations, so a later equal-kind pair is not taken by an earlier other-kind one.
  for (const relation of leftRelations) {
    const same = candidatesOf(relation).find((r) => r.kind === relation.kind);
    if (same) {
      pairing.set(relation.id, same);
      pairedRight.add(same.id);
    }
  }
  for (const relation of leftRelations) {
    if (pairing.has(relation.id)) continue;
    const any = candidatesOf(relation)[0];
    if (any) {
      pairing.set(relation.id, any);
      pairedRight.add(any.id);
    }
  }
  for (const relation of leftRelations) {
    const label = relationLabel(relation, leftActors);
    const other = pairing.get(relation.id);
    if (!other) {
      items.push(item('relation', 'onlyLeft', relation.id, null, label, []));
      continue;
    }
    const differences = relationDifferences(relation, other, rightOfLeft.get(relation.from) !== other.from);
    items.push(item('relation', differences.length ? 'different' : 'both', relation.id, other.id, label, differences));
  }
  for (const relation of rightRelations.values()) {
    if (!pairedRight.has(relation.id)) items.push(item('relation', 'onlyRight', null, relation.id, relationLabel(relation, rightActors), []));
  }
  return items;
}

function item(type: ComparedItem['type'], category: CompareCategory, leftId: string | null, rightId: string | null, label: string, differences: Difference[]): ComparedItem {
  return { type, key: `${type}:${leftId ?? ''}:${rightId ?? ''}`, category, leftId, rightId, label, differences };
}

function byId<T extends { id: string }>(items: Iterable<T>): Map<string, T> {
  const map = new Map<string, T>();
  for (const i of items) map.set(i.id, i);
  return map;
}

/** Relations whose two actors exist (a concurrent delete can leave others dangling; readers skip them). */
function liveRelations(relations: Iterable<Relation>, actors: Map<string, Actor>): Map<string, Relation> {
  const live = new Map<string, Relation>();
  for (const r of relations) if (actors.has(r.from) && actors.has(r.to)) live.set(r.id, r);
  return live;
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

function relationLabel(relation: Relation, actors: Map<string, Actor>): string {
  const arrow = relation.direction === 'one_way' ? '→' : relation.direction === 'both_ways' ? '↔' : '–';
  return `${actors.get(relation.from)?.name ?? ''} ${arrow} ${actors.get(relation.to)?.name ?? ''}`;
}

/** One collator for every sort: `localeCompare` sets one up per call, which dominated sorting a thousand labels. */
const LABEL_ORDER = new Intl.Collator();

function sorted(items: ComparedItem[]): ComparedItem[] {
  const order = new Map(COMPARE_CATEGORIES.map((c, i) => [c, i]));
  return items.sort((a, b) => order.get(a.category)! - order.get(b.category)! || LABEL_ORDER.compare(a.label, b.label));
}
