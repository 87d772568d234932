// "What changed since last time": which snapshot is the baseline, and the changes since it as short lines of ids.
import type { Role, Snapshot } from '../generated/protocol';
import { compareBoards } from './compare';
import type { ComparableBoard } from './compare';

/** One line of the panel, in this order; a line is shown only when it counts something. */
export const SINCE_LINE_KINDS = [
  'actorsAdded', 'actorsRemoved', 'actorsChanged', 'relationsAdded', 'relationsRemoved', 'relationsChanged', 'othersChanged',
] as const;
export type SinceLineKind = (typeof SINCE_LINE_KINDS)[number];

/** A line: what it counts, and the ids it shows on the map (in the baseline for removed ones, on the board otherwise). */
export interface SinceLine {
  kind: SinceLineKind;
  ids: string[];
}

/**
 * Snapshots newest first, for choosing another baseline. Times are whole seconds; the server lists
 * snapshots newest first, so snapshots of the same second keep the server's order.
 */
export function newestFirst(snapshots: readonly Snapshot[]): Snapshot[] {
  return snapshots.map((s, i) => ({ s, i })).sort((a, b) => b.s.createdAt - a.s.createdAt || a.i - b.i).map(({ s }) => s);
}

/**
 * The baseline: the newest snapshot someone took (by hand or for the whole workshop), or null when
 * the board has none. The copy a restore keeps of the board first is a safety net, not "last
 * time", so it is the baseline only when there is nothing else.
 */
export function latestSnapshot(snapshots: readonly Snapshot[]): Snapshot | null {
  const sorted = newestFirst(snapshots);
  return sorted.find((s) => s.reason !== 'before_restore') ?? sorted[0] ?? null;
}

function materialise(board: ComparableBoard) {
  return { actors: [...board.actors], relations: [...board.relations], notes: [...board.notes], strokes: [...board.strokes] };
}

/**
 * What changed between the baseline (`then`) and the board now, as the panel's lines. An actor
 * counts as changed once, whether renamed, edited or moved; relations removed with their actor
 * count as removed; notes and drawings share one line.
 */
export function sinceLines(then: ComparableBoard, now: ComparableBoard): SinceLine[] {
  const before = materialise(then);
  const after = materialise(now);
  const changes = compareBoards(before, after);
  const idsOf = (items: { id: string }[]) => new Set(items.map((i) => i.id));
  const actors = new Set([...idsOf(before.actors), ...idsOf(after.actors)]);
  const relations = new Set([...idsOf(before.relations), ...idsOf(after.relations)]);
  const isOther = (id: string) => !actors.has(id) && !relations.has(id);
  const pick = (ids: Set<string>, keep: (id: string) => boolean) => [...ids].filter(keep);
  const lines: Record<SinceLineKind, string[]> = {
    actorsAdded: pick(changes.addedIds, (id) => actors.has(id)),
    actorsRemoved: pick(changes.removedIds, (id) => actors.has(id)),
    actorsChanged: pick(changes.changedIds, (id) => actors.has(id)),
    relationsAdded: pick(changes.addedIds, (id) => relations.has(id)),
    relationsRemoved: pick(changes.removedIds, (id) => relations.has(id)),
    relationsChanged: pick(changes.changedIds, (id) => relations.has(id)),
    othersChanged: [...pick(changes.addedIds, isOther), ...pick(changes.removedIds, isOther), ...pick(changes.changedIds, isOther)],
  };
  return SINCE_LINE_KINDS.filter((kind) => lines[kind].length > 0).map((kind) => ({ kind, ids: lines[kind] }));
}

/**
 * Whether to open the panel: something changed since the latest snapshot, this device has not
 * dismissed the panel for that snapshot, and the board is not on a projector (a viewer follows
 * the presenter, and a panel over the map would be in the way of the whole room).
 */
export function shouldShowSince(role: Role, latest: Snapshot | null, dismissedSnapshotId: string | null, lines: readonly SinceLine[]): boolean {
  return role !== 'viewer' && latest !== null && dismissedSnapshotId !== latest.id && lines.length > 0;
}
