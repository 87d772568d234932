//! "In k of n maps" on a merged board, and the match table's arithmetic: pure functions, no DOM.
import type { MatchBand, MatchReason, MatchTable, MatchVerdict } from '../generated/protocol';
import type { MessageKey } from '../i18n';
import type { Actor, Meta, Relation } from './types';

/** What a merged board's meta says about who counts in "k of n". */
export type MergedMeta = Pick<Meta, 'mergedFrom' | 'mergedGroups'>;

/**
 * What counts in "k of n", as protocol/src/schema.rs `SupportUnits` says: each merged map, or each
 * group when the maps were merged group by group, so one big group cannot outvote the others.
 */
export interface SupportUnits {
  /** Merged map id → the unit it counts for. */
  unitOf: ReadonlyMap<string, string>;
  /** The n (or G) of "k of n". */
  total: number;
  byGroup: boolean;
}

export function supportUnits(meta: MergedMeta): SupportUnits {
  const byGroup = meta.mergedGroups.length > 0 && meta.mergedGroups.length === meta.mergedFrom.length;
  const unitOf = new Map<string, string>();
  meta.mergedFrom.forEach((id, i) => {
    if (!unitOf.has(id)) unitOf.set(id, byGroup ? `g:${meta.mergedGroups[i]}` : id);
  });
  return { unitOf, total: new Set(unitOf.values()).size, byGroup };
}

function unitsOf(sources: readonly string[], units: SupportUnits): Set<string> {
  const found = new Set<string>();
  for (const id of sources) {
    const unit = units.unitOf.get(id);
    if (unit !== undefined) found.add(unit);
  }
  return found;
}

/** How many of the merged maps (or groups) hold an element; null for an element added on the merged board itself. */
export function supportCount(sources: readonly string[] | undefined, meta: MergedMeta): number | null {
  if (!sources || sources.length === 0 || meta.mergedFrom.length === 0) return null;
  return unitsOf(sources, supportUnits(meta)).size;
}

/** The "k/n" badge text of an element of a merged board, or null when it has no sources. */
export function supportBadge(sources: readonly string[] | undefined, meta: MergedMeta): string | null {
  const k = supportCount(sources, meta);
  return k === null ? null : `${k}/${supportUnits(meta).total}`;
}

/**
 * "k of m" of a relation on a merged board, as protocol/src/schema.rs `relation_support` says: k of
 * the merged maps hold it, m hold both of its actors (a map without one of them could not have drawn
 * it). An end without sources (added on the merged board) gives m = n; m is never below k.
 */
export function relationSupport(
  relationSources: readonly string[] | undefined, fromSources: readonly string[] | undefined, toSources: readonly string[] | undefined,
  meta: MergedMeta,
): { k: number; m: number } | null {
  const k = supportCount(relationSources, meta);
  if (k === null) return null;
  const units = supportUnits(meta);
  let m = units.total;
  if (fromSources?.length && toSources?.length) {
    const toUnits = unitsOf(toSources, units);
    m = [...unitsOf(fromSources, units)].filter((unit) => toUnits.has(unit)).length;
  }
  return { k, m: Math.max(k, m) };
}

/** The "k/m" badge text of a relation of a merged board, or null when it has no sources. */
export function relationSupportBadge(
  relation: Pick<Relation, 'sources' | 'from' | 'to'>, actors: ReadonlyMap<string, Pick<Actor, 'sources'>>, meta: MergedMeta,
): string | null {
  const support = relationSupport(relation.sources, actors.get(relation.from)?.sources, actors.get(relation.to)?.sources, meta);
  return support === null ? null : `${support.k}/${support.m}`;
}

export interface SupportView {
  actors: ReadonlyMap<string, Pick<Actor, 'id' | 'sources'>>;
  relations: Iterable<Pick<Relation, 'id' | 'from' | 'to' | 'sources'>>;
  meta: MergedMeta;
}

/**
 * The ids hidden when only what at least `minSupport` maps hold is shown: actors below the
 * threshold, relations below it, and relations with a hidden end. What was added on the merged
 * board itself (no sources) always shows, as the server's `?minSupport=k` exports keep it too.
 */
export function hiddenBelow(view: SupportView, minSupport: number): Set<string> {
  const hidden = new Set<string>();
  if (minSupport <= 1 || view.meta.mergedFrom.length === 0) return hidden;
  const below = (sources: readonly string[] | undefined) => {
    const k = supportCount(sources, view.meta);
    return k !== null && k < minSupport;
  };
  for (const actor of view.actors.values()) if (below(actor.sources)) hidden.add(actor.id);
  for (const relation of view.relations) {
    if (below(relation.sources) || hidden.has(relation.from) || hidden.has(relation.to) || !view.actors.has(relation.from) || !view.actors.has(relation.to)) {
      hidden.add(relation.id);
    }
  }
  return hidden;
}

/** Every match reason in words: a reason the server adds fails the build until it has a text. */
const REASON_KEYS: Record<MatchReason, MessageKey> = {
  same_id: 'matchReason.same_id',
  alias: 'matchReason.alias',
  same_name: 'matchReason.same_name',
  confirmed: 'matchReason.confirmed',
  loose_spelling: 'matchReason.loose_spelling',
  acronym: 'matchReason.acronym',
  contains: 'matchReason.contains',
  similar_spelling: 'matchReason.similar_spelling',
  translated_place: 'matchReason.translated_place',
  shared_abbreviation: 'matchReason.shared_abbreviation',
  generic_name: 'matchReason.generic_name',
  kind_differs: 'matchReason.kind_differs',
};
export const MATCH_REASONS = Object.keys(REASON_KEYS) as MatchReason[];

/** The message key that says a match reason in words. */
export function reasonKey(reason: MatchReason): MessageKey {
  return REASON_KEYS[reason];
}

/** What the facilitator said about a proposal, or what the table assumes until they do. */
export type ProposalState = MatchVerdict | 'undecided';

/** A "likely" proposal counts as the same until someone says otherwise (pre-ticked, but shown). */
export function effectiveVerdict(band: MatchBand, decided: MatchVerdict | undefined): ProposalState {
  if (decided) return decided;
  return band === 'likely' ? 'same' : 'undecided';
}

export interface MatchPreview {
  /** Actors over all the chosen maps. */
  before: number;
  /** Actors the merged map will hold. */
  after: number;
  /** Proposals taken as the same organisation. */
  merged: number;
  /** "Maybe" proposals nobody has answered yet (they stay apart in a merge). */
  undecided: number;
}

/**
 * "38 actors → 29; 12 merged; 3 undecided": the automatic groups joined by every proposal taken as
 * the same (a union of groups, so two proposals about one group join three spellings). As the
 * server's merge does, two cards of one map are never joined: such a "same" counts as not merged.
 */
export function matchPreview(table: Pick<MatchTable, 'groups' | 'proposals'>, decisions: ReadonlyMap<number, MatchVerdict>): MatchPreview {
  const parent = table.groups.map((_, i) => i);
  const maps = table.groups.map((group) => new Set(group.members.map((m) => m.sourceId)));
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  let merged = 0;
  let undecided = 0;
  table.proposals.forEach((proposal, index) => {
    const state = effectiveVerdict(proposal.band, decisions.get(index));
    if (state === 'undecided') undecided += 1;
    if (state !== 'same' || proposal.groupA >= parent.length || proposal.groupB >= parent.length) return;
    const a = root(proposal.groupA);
    const b = root(proposal.groupB);
    if (a === b) {
      merged += 1;
      return;
    }
    if ([...maps[a]!].some((id) => maps[b]!.has(id))) return;
    parent[a] = b;
    for (const id of maps[a]!) maps[b]!.add(id);
    merged += 1;
  });
  const before = table.groups.reduce((sum, group) => sum + group.members.length, 0);
  const after = new Set(table.groups.map((_, i) => root(i))).size;
  return { before, after, merged, undecided };
}
