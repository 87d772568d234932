// Model operations: creating, moving and deleting elements, undo of own edits, and convergence of two docs.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from '../src/model/board';
import { FIELD, ROOT } from '../src/generated/protocol';
import type { BoardView } from '../src/generated/protocol';

/** Two models whose docs exchange every update synchronously, as a server would relay them. */
function connectedPair(): [BoardModel, BoardModel] {
  const a = new BoardModel(new Y.Doc());
  const b = new BoardModel(new Y.Doc());
  // Relay everything except what came from the peer itself (the origin marks the relay).
  a.doc.on('update', (u: Uint8Array, origin: unknown) => origin !== b && Y.applyUpdate(b.doc, u, a));
  b.doc.on('update', (u: Uint8Array, origin: unknown) => origin !== a && Y.applyUpdate(a.doc, u, b));
  return [a, b];
}

function sync(a: BoardModel, b: BoardModel): void {
  Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)), 'remote');
  Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)), 'remote');
}

describe('actors', () => {
  it('are created with the schema field keys and read back', () => {
    const model = new BoardModel();
    const id = model.addActor({ name: 'Kaupunki', kind: 'municipality', x: 10, y: 20 });
    const raw = model.doc.getMap(ROOT.actors).get(id) as Y.Map<unknown>;
    expect(raw.get(FIELD.actor.name)).toBe('Kaupunki');
    expect(raw.get(FIELD.actor.kind)).toBe('municipality');
    expect(raw.get(FIELD.actor.tags)).toEqual([]);
    expect(model.actors.get(id)).toMatchObject({ name: 'Kaupunki', kind: 'municipality', x: 10, y: 20, influence: null });
  });

  it('move and edit fields', () => {
    const model = new BoardModel();
    const id = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    model.moveElements([{ id, x: 120.04, y: -40 }]);
    model.updateActor(id, { tags: ['food', 'export'], influence: 9, stance: 'supports', alias: 'A Oy' });
    expect(model.actors.get(id)).toMatchObject({ x: 120, y: -40, tags: ['food', 'export'], influence: 5, stance: 'supports' });
  });

  it('deleting an actor deletes its relations in the same transaction', () => {
    const model = new BoardModel();
    const a = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = model.addActor({ name: 'B', kind: 'media', x: 200, y: 0 });
    const c = model.addActor({ name: 'C', kind: 'funder', x: 400, y: 0 });
    model.addRelation(a, b);
    const bc = model.addRelation(b, c)!;
    let transactions = 0;
    model.doc.on('afterTransaction', () => transactions++);
    model.deleteElements([a]);
    expect(transactions).toBe(1);
    expect([...model.relations.keys()]).toEqual([bc]);
    expect(model.doc.getMap(ROOT.relations).size).toBe(1);
  });

  it('refuses relations to itself or to a missing actor', () => {
    const model = new BoardModel();
    const a = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    expect(model.addRelation(a, a)).toBeNull();
    expect(model.addRelation(a, 'nope')).toBeNull();
  });

  it('tolerates unknown kinds and missing fields written by others', () => {
    const model = new BoardModel();
    model.doc.transact(() => {
      const map = new Y.Map<unknown>();
      model.doc.getMap(ROOT.actors).set('x1', map);
      map.set('x', 5);
      map.set('y', 6);
      map.set('kind', 'alien');
      map.set('tags', ['ok', 3]);
      const broken = new Y.Map<unknown>();
      model.doc.getMap(ROOT.actors).set('x2', broken);
      broken.set('name', 'no position');
    });
    expect(model.actors.get('x1')).toMatchObject({ kind: 'other', name: '', tags: ['ok'] });
    expect(model.actors.has('x2')).toBe(false);
  });
});

describe('undo', () => {
  it('undoes only this client’s own edits, one action at a time', () => {
    const [a, b] = connectedPair();
    const one = a.addActor({ name: 'One', kind: 'business', x: 0, y: 0 });
    const two = a.addActor({ name: 'Two', kind: 'business', x: 100, y: 0 });
    b.moveElements([{ id: one, x: 500, y: 500 }]);
    a.undo();
    expect(a.actors.has(two)).toBe(false);
    expect(a.actors.get(one)).toMatchObject({ x: 500, y: 500 });
    expect(b.actors.has(two)).toBe(false);
    a.redo();
    expect(b.actors.get(two)?.name).toBe('Two');
    // B cannot undo A's work.
    b.undo();
    b.undo();
    expect(b.actors.get(one)).toMatchObject({ x: 0, y: 0 });
    expect(b.actors.has(two)).toBe(true);
  });

  it('an actor deleted with its relations comes back with them', () => {
    const model = new BoardModel();
    const a = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = model.addActor({ name: 'B', kind: 'media', x: 200, y: 0 });
    model.addRelation(a, b);
    model.deleteElements([a]);
    expect(model.liveRelations()).toHaveLength(0);
    model.undo();
    expect(model.liveRelations()).toHaveLength(1);
  });
});

describe('concurrent edits', () => {
  it('a move and a rename of the same actor both survive', () => {
    const [a, b] = connectedPair();
    const id = a.addActor({ name: 'Old', kind: 'association', x: 0, y: 0 });
    // Offline edits on both sides, then exchange.
    const offlineA = new BoardModel(new Y.Doc());
    const offlineB = new BoardModel(new Y.Doc());
    sync(a, offlineA);
    sync(b, offlineB);
    offlineA.moveElements([{ id, x: 300, y: 300 }]);
    offlineB.updateActor(id, { name: 'New' });
    sync(offlineA, offlineB);
    expect(offlineA.actors.get(id)).toMatchObject({ name: 'New', x: 300, y: 300 });
    expect(offlineB.actors.get(id)).toEqual(offlineA.actors.get(id));
  });

  it('a relation to a concurrently deleted actor dangles and readers ignore it', () => {
    const left = new BoardModel(new Y.Doc());
    const right = new BoardModel(new Y.Doc());
    const a = left.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = left.addActor({ name: 'B', kind: 'business', x: 1, y: 0 });
    sync(left, right);
    left.deleteElements([a]);
    const dangling = right.addRelation(a, b)!;
    sync(left, right);
    expect(left.relations.has(dangling)).toBe(true);
    expect(left.liveRelations()).toHaveLength(0);
    expect(right.liveRelations()).toHaveLength(0);
    expect(left.relationsOf(b)).toHaveLength(0);
  });

  it('concurrent typing in one note merges', () => {
    const [a, b] = connectedPair();
    const id = a.addNote({ x: 0, y: 0, body: 'hello world' });
    const offline = new BoardModel(new Y.Doc());
    sync(b, offline);
    offline.setNoteBody(id, 'hello brave world');
    a.setNoteBody(id, 'hello world!');
    sync(offline, a);
    expect(a.notes.get(id)?.body).toBe('hello brave world!');
    expect(b.notes.get(id)?.body).toBe('hello brave world!');
  });

  it('reports which elements changed and whether the change was local', () => {
    const [a, b] = connectedPair();
    const seen: { ids: string[]; local: boolean }[] = [];
    b.onChange((c) => seen.push({ ids: [...c.ids], local: c.local }));
    const id = a.addActor({ name: 'X', kind: 'media', x: 0, y: 0 });
    expect(seen).toEqual([{ ids: [id], local: false }]);
  });
});

describe('batches', () => {
  it('actors created in a batch can be connected in the same batch, and it is one undo step', () => {
    const model = new BoardModel();
    model.batch(() => {
      const a = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
      const b = model.addActor({ name: 'B', kind: 'media', x: 300, y: 0 });
      expect(model.addRelation(a, b)).not.toBeNull();
    });
    expect(model.liveRelations()).toHaveLength(1);
    model.undo();
    expect(model.actors.size).toBe(0);
  });
});

describe('note typing', () => {
  it('a burst of typing undoes as one step, separate from the note’s creation', () => {
    const model = new BoardModel();
    const id = model.addNote({ x: 0, y: 0 });
    model.setNoteBody(id, 'H');
    model.setNoteBody(id, 'He');
    model.setNoteBody(id, 'Hei');
    model.undo();
    expect(model.notes.get(id)?.body).toBe('');
    model.undo();
    expect(model.notes.has(id)).toBe(false);
  });
});

describe('taking back a just-placed actor', () => {
  it('leaves neither the actor nor an undo step behind', () => {
    const [model, peer] = connectedPair();
    const kept = model.addActor({ name: 'Kunta', kind: 'municipality', x: 0, y: 0 });
    const placed = model.addActor({ name: '', kind: 'business', x: 200, y: 0 });
    expect(peer.actors.has(placed)).toBe(true);
    model.discardPlacedActor(placed);
    expect(model.actors.has(placed)).toBe(false);
    expect(peer.actors.has(placed)).toBe(false);
    expect(model.canRedo()).toBe(false);
    // The next undo is the step before the placing, not the empty card coming back.
    model.undo();
    expect(model.actors.size).toBe(0);
    expect(model.actors.has(kept)).toBe(false);
  });

  it('deletes as usual when something else was done since the placing', () => {
    const model = new BoardModel();
    const placed = model.addActor({ name: '', kind: 'business', x: 0, y: 0 });
    const other = model.addActor({ name: 'Yhdistys', kind: 'association', x: 300, y: 0 });
    model.discardPlacedActor(placed);
    expect(model.actors.has(placed)).toBe(false);
    expect(model.actors.has(other)).toBe(true);
  });
});

describe('a model preloaded from the server\'s plain view', () => {
  /** The plain view of a model's board, as `GET /api/boards/{id}/view` answers it. */
  function plainView(model: BoardModel): BoardView {
    return {
      meta: { ...model.meta, vote: model.meta.vote ?? undefined, lastRestore: model.meta.lastRestore ?? undefined },
      actors: [...model.actors.values()].map((a) => ({ ...a, sources: a.sources ?? [] })),
      relations: [...model.relations.values()].map((r) => ({ ...r, sources: r.sources ?? [], otherKinds: r.otherKinds ?? [] })),
      notes: [...model.notes.values()].map((n) => ({ id: n.id, x: n.x, y: n.y, width: n.w, height: n.h, color: n.color, variant: n.variant, body: n.body })),
      strokes: [...model.strokes.values()],
    };
  }

  it('reads as the document would, and the document\'s first content replaces it whole', () => {
    const source = new BoardModel(new Y.Doc());
    const turku = source.addActor({ name: 'Turun kaupunki', kind: 'municipality', x: 10, y: 20 });
    const vsl = source.addActor({ name: 'Varsinais-Suomen liitto', kind: 'regional_authority', x: 300, y: 20, alias: 'VSL' });
    source.addRelation(turku, vsl, { kind: 'funding' });
    source.addNote({ x: 0, y: 200, w: 160, h: 120, color: '#fff3b0', variant: 'sticky', body: 'Foorumi' });
    const view = plainView(source);

    const pane = new BoardModel(new Y.Doc());
    const changes: Set<string>[] = [];
    pane.onChange((change) => changes.push(change.ids));
    pane.preload(view);
    expect([...pane.actors.values()]).toEqual([...source.actors.values()]);
    expect([...pane.relations.values()]).toEqual([...source.relations.values()]);
    expect([...pane.notes.values()]).toEqual([...source.notes.values()]);
    expect(pane.meta).toEqual(source.meta);
    expect(changes).toHaveLength(1);

    // Meanwhile Turku was deleted: the document brings the board without it, and nothing of the
    // preloaded read stays behind.
    source.deleteElements([turku]);
    Y.applyUpdate(pane.doc, Y.encodeStateAsUpdate(source.doc), 'remote');
    expect([...pane.actors.keys()]).toEqual([vsl]);
    expect(pane.liveRelations()).toEqual([]);
    expect([...pane.notes.values()]).toEqual([...source.notes.values()]);
    expect(changes).toHaveLength(2);
    expect(changes[1]!.has(turku)).toBe(true);
    expect(changes[1]!.has(vsl)).toBe(true);

    // From then on the model follows the document as any other.
    source.updateActor(vsl, { name: 'Egentliga Finlands förbund' });
    Y.applyUpdate(pane.doc, Y.encodeStateAsUpdate(source.doc, Y.encodeStateVector(pane.doc)), 'remote');
    expect(pane.actors.get(vsl)?.name).toBe('Egentliga Finlands förbund');
    expect(changes[2]).toEqual(new Set([vsl]));
  });
});
