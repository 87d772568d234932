// "Then and now": what changed on a board since a snapshot.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from '../src/model/board';
import { compareBoards, nothingChanged } from '../src/model/compare';
import type { ComparableBoard } from '../src/model/compare';

const comparable = (model: BoardModel): ComparableBoard => ({
  actors: model.actors.values(), relations: model.relations.values(), notes: model.notes.values(), strokes: model.strokes.values(),
});

/** A board, and a snapshot of it taken as the document's full state (as the server stores one). */
function boardWithSnapshot() {
  const now = new BoardModel(new Y.Doc());
  const city = now.addActor({ name: 'Kaupunki', kind: 'municipality', x: 0, y: 0 });
  const uni = now.addActor({ name: 'Yliopisto', kind: 'education_research', x: 300, y: 0 });
  const club = now.addActor({ name: 'Kyläyhdistys', kind: 'association', x: 0, y: 300 });
  const link = now.addRelation(city, uni, { kind: 'collaboration' })!;
  const note = now.addNote({ x: 500, y: 500 });
  const snapshot = Y.encodeStateAsUpdate(now.doc);
  const thenDoc = new Y.Doc();
  Y.applyUpdate(thenDoc, snapshot);
  return { now, then: new BoardModel(thenDoc), ids: { city, uni, club, link, note } };
}

describe('comparing a snapshot with the board now', () => {
  it('finds nothing when nothing changed', () => {
    const { now, then } = boardWithSnapshot();
    const changes = compareBoards(comparable(then), comparable(now));
    expect(nothingChanged(changes)).toBe(true);
  });

  it('names what was added, removed, renamed and edited, and counts moves and relation changes', () => {
    const { now, then, ids } = boardWithSnapshot();
    now.addActor({ name: 'Rahasto', kind: 'funder', x: 600, y: 0 });
    now.deleteElements([ids.club]);
    now.updateActor(ids.city, { name: 'Turun kaupunki' });
    now.updateActor(ids.uni, { influence: 5 });
    now.moveElements([{ id: ids.uni, x: 340, y: 20 }]);
    now.updateRelation(ids.link, { strength: 'strong' });
    const changes = compareBoards(comparable(then), comparable(now));
    expect(changes.actorsAdded).toEqual(['Rahasto']);
    expect(changes.actorsRemoved).toEqual(['Kyläyhdistys']);
    expect(changes.actorsRenamed).toEqual([{ from: 'Kaupunki', to: 'Turun kaupunki' }]);
    expect(changes.actorsEdited).toEqual(['Yliopisto']);
    expect(changes.actorsMoved).toBe(1);
    expect(changes.relationsChanged).toBe(1);
    expect([...changes.removedIds]).toEqual([ids.club]);
    expect([...changes.changedIds].sort()).toEqual([ids.city, ids.uni, ids.link].sort());
    expect(nothingChanged(changes)).toBe(false);
  });

  it('a small nudge is not a move; notes and relations added or removed are counted', () => {
    const { now, then, ids } = boardWithSnapshot();
    now.moveElements([{ id: ids.city, x: 3, y: -2 }]);
    now.deleteElements([ids.link, ids.note]);
    now.addRelation(ids.uni, ids.club, { kind: 'funding' });
    const changes = compareBoards(comparable(then), comparable(now));
    expect(changes.actorsMoved).toBe(0);
    expect(changes.relationsRemoved).toBe(1);
    expect(changes.relationsAdded).toBe(1);
    expect(changes.notesRemoved).toBe(1);
    expect(changes.removedIds).toEqual(new Set([ids.link, ids.note]));
  });
});
