// "Then and now": what changed on a board since a snapshot, element by element (elements keep their
// ids across edits, so an id present in both is the same actor, relation, note or stroke).

/** The parts of a board this compares; both a snapshot's model and a JSON export have them. */
export interface ComparableBoard {
  actors: Iterable<{ id: string; name: string; kind: string; x: number; y: number; description: string; influence: number | null; stance: string | null }>;
  relations: Iterable<{ id: string; from: string; to: string; kind: string; label: string; direction: string; strength: string; status: string; coordination: string | null }>;
  notes: Iterable<{ id: string; body: string; x: number; y: number }>;
  strokes: Iterable<{ id: string }>;
}

export interface BoardChanges {
  /** Names of actors that exist now but not in the snapshot. */
  actorsAdded: string[];
  /** Names of actors in the snapshot that are gone now. */
  actorsRemoved: string[];
  actorsRenamed: { from: string; to: string }[];
  /** Actors whose kind, description, influence or stance changed (names as they are now). */
  actorsEdited: string[];
  /** Actors that moved by more than a few pixels. */
  actorsMoved: number;
  relationsAdded: number;
  relationsRemoved: number;
  relationsChanged: number;
  notesAdded: number;
  notesRemoved: number;
  notesChanged: number;
  strokesAdded: number;
  strokesRemoved: number;
  /** Ids in the snapshot that are gone now, to mark on the snapshot's drawing. */
  removedIds: Set<string>;
  /** Ids in the snapshot that exist now but differ. */
  changedIds: Set<string>;
  /** Ids that exist now but not in the snapshot. */
  addedIds: Set<string>;
}

/** Moves smaller than this (board units) are not news: a nudge while selecting. */
const MOVED_AT_LEAST = 8;

function byId<T extends { id: string }>(items: Iterable<T>): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) map.set(item.id, item);
  return map;
}

export function compareBoards(then: ComparableBoard, now: ComparableBoard): BoardChanges {
  const changes: BoardChanges = {
    actorsAdded: [], actorsRemoved: [], actorsRenamed: [], actorsEdited: [], actorsMoved: 0,
    relationsAdded: 0, relationsRemoved: 0, relationsChanged: 0,
    notesAdded: 0, notesRemoved: 0, notesChanged: 0, strokesAdded: 0, strokesRemoved: 0,
    removedIds: new Set(), changedIds: new Set(), addedIds: new Set(),
  };
  const [actorsThen, actorsNow] = [byId(then.actors), byId(now.actors)];
  for (const [id, before] of actorsThen) {
    const after = actorsNow.get(id);
    if (!after) {
      changes.actorsRemoved.push(before.name);
      changes.removedIds.add(id);
      continue;
    }
    let changed = false;
    if (after.name !== before.name) {
      changes.actorsRenamed.push({ from: before.name, to: after.name });
      changed = true;
    }
    if (after.kind !== before.kind || after.description !== before.description || after.influence !== before.influence || after.stance !== before.stance) {
      changes.actorsEdited.push(after.name);
      changed = true;
    }
    if (Math.hypot(after.x - before.x, after.y - before.y) >= MOVED_AT_LEAST) {
      changes.actorsMoved++;
      changed = true;
    }
    if (changed) changes.changedIds.add(id);
  }
  for (const [id, actor] of actorsNow) {
    if (actorsThen.has(id)) continue;
    changes.actorsAdded.push(actor.name);
    changes.addedIds.add(id);
  }

  const [relationsThen, relationsNow] = [byId(then.relations), byId(now.relations)];
  for (const [id, before] of relationsThen) {
    const after = relationsNow.get(id);
    if (!after) {
      changes.relationsRemoved++;
      changes.removedIds.add(id);
    } else if (
      after.from !== before.from || after.to !== before.to || after.kind !== before.kind || after.label !== before.label
      || after.direction !== before.direction || after.strength !== before.strength || after.status !== before.status
      || after.coordination !== before.coordination
    ) {
      changes.relationsChanged++;
      changes.changedIds.add(id);
    }
  }
  for (const id of relationsNow.keys()) {
    if (relationsThen.has(id)) continue;
    changes.relationsAdded++;
    changes.addedIds.add(id);
  }

  const [notesThen, notesNow] = [byId(then.notes), byId(now.notes)];
  for (const [id, before] of notesThen) {
    const after = notesNow.get(id);
    if (!after) {
      changes.notesRemoved++;
      changes.removedIds.add(id);
    } else if (after.body !== before.body || Math.hypot(after.x - before.x, after.y - before.y) >= MOVED_AT_LEAST) {
      changes.notesChanged++;
      changes.changedIds.add(id);
    }
  }
  for (const id of notesNow.keys()) {
    if (notesThen.has(id)) continue;
    changes.notesAdded++;
    changes.addedIds.add(id);
  }

  const [strokesThen, strokesNow] = [byId(then.strokes), byId(now.strokes)];
  for (const id of strokesThen.keys()) {
    if (!strokesNow.has(id)) {
      changes.strokesRemoved++;
      changes.removedIds.add(id);
    }
  }
  for (const id of strokesNow.keys()) {
    if (strokesThen.has(id)) continue;
    changes.strokesAdded++;
    changes.addedIds.add(id);
  }

  for (const list of [changes.actorsAdded, changes.actorsRemoved, changes.actorsEdited]) list.sort((a, b) => a.localeCompare(b));
  return changes;
}

export function nothingChanged(changes: BoardChanges): boolean {
  return changes.actorsAdded.length + changes.actorsRemoved.length + changes.actorsRenamed.length + changes.actorsEdited.length
    + changes.actorsMoved + changes.relationsAdded + changes.relationsRemoved + changes.relationsChanged
    + changes.notesAdded + changes.notesRemoved + changes.notesChanged + changes.strokesAdded + changes.strokesRemoved === 0;
}
