// Align and distribute: the geometry of the moves, and one undo step through the editor.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from '../src/model/board';
import { Viewport } from '../src/render/viewport';
import { Editor } from '../src/tools/editor';
import { alignMoves, arrangeable, distributeMoves } from '../src/model/arrange';
import { actorCardWidth } from '../src/render/card';
import type { Placed } from '../src/model/arrange';

/** A box whose position names its top-left corner, as a note's does. */
const box = (id: string, x: number, y: number, w: number, h: number): Placed => ({ id, rect: { x, y, w, h }, x, y });

describe('aligning', () => {
  const items = [box('a', 0, 0, 100, 40), box('b', 50, 100, 200, 60), box('c', 300, 30, 50, 50)];

  it('lines up edges and centres on the box around the selection', () => {
    expect(alignMoves(items, 'left')).toEqual([{ id: 'a', x: 0, y: 0 }, { id: 'b', x: 0, y: 100 }, { id: 'c', x: 0, y: 30 }]);
    expect(alignMoves(items, 'right')).toEqual([{ id: 'a', x: 250, y: 0 }, { id: 'b', x: 150, y: 100 }, { id: 'c', x: 300, y: 30 }]);
    expect(alignMoves(items, 'center').map((m) => m.x)).toEqual([125, 75, 150]);
    expect(alignMoves(items, 'top').map((m) => m.y)).toEqual([0, 0, 0]);
    expect(alignMoves(items, 'bottom').map((m) => m.y)).toEqual([120, 100, 110]);
    expect(alignMoves(items, 'middle').map((m) => m.y)).toEqual([60, 50, 55]);
  });

  it('moves a card by its centre', () => {
    // A card's position is its centre: its left edge is x - 50 for a 100 wide card.
    const cards: Placed[] = [{ id: 'a', rect: { x: -50, y: -20, w: 100, h: 40 }, x: 0, y: 0 }, { id: 'b', rect: box('b', 200, 0, 100, 40).rect, x: 250, y: 20 }];
    expect(alignMoves(cards, 'left')).toEqual([{ id: 'a', x: 0, y: 0 }, { id: 'b', x: 0, y: 20 }]);
  });

  it('needs two items', () => {
    expect(alignMoves([box('a', 5, 5, 10, 10)], 'left')).toEqual([]);
  });
});

describe('distributing', () => {
  it('makes the gaps equal, the outermost staying', () => {
    const moves = distributeMoves([box('a', 0, 0, 100, 10), box('c', 500, 0, 100, 10), box('b', 120, 50, 100, 10)], 'horizontal');
    expect(moves).toEqual([{ id: 'a', x: 0, y: 0 }, { id: 'b', x: 250, y: 50 }, { id: 'c', x: 500, y: 0 }]);
    const vertical = distributeMoves([box('a', 0, 0, 10, 20), box('b', 0, 30, 10, 40), box('c', 0, 200, 10, 20)], 'vertical');
    expect(vertical.map((m) => m.y)).toEqual([0, 90, 200]);
  });

  it('spaces centres evenly when the items are too wide for gaps', () => {
    const moves = distributeMoves([box('a', 0, 0, 100, 10), box('b', 10, 0, 100, 10), box('c', 100, 0, 100, 10)], 'horizontal');
    expect(moves.map((m) => m.x)).toEqual([0, 50, 100]);
  });

  it('needs three items', () => {
    expect(distributeMoves([box('a', 0, 0, 1, 1), box('b', 5, 0, 1, 1)], 'horizontal')).toEqual([]);
  });

  it('through the editor is one undo step', () => {
    const model = new BoardModel(new Y.Doc());
    const editor = new Editor(model, new Viewport());
    const ids = [model.addActor({ name: 'A', kind: 'other', x: 0, y: 0 }), model.addActor({ name: 'B', kind: 'other', x: 150, y: 300 }), model.addActor({ name: 'C', kind: 'other', x: 900, y: 100 })];
    editor.select(ids);
    editor.alignSelection('top');
    expect(ids.map((id) => model.actors.get(id)!.y)).toEqual([0, 0, 0]);
    editor.distributeSelection('horizontal');
    expect(ids.map((id) => model.actors.get(id)!.x)).toEqual([0, 450, 900]);
    model.undo();
    expect(ids.map((id) => model.actors.get(id)!.x)).toEqual([0, 150, 900]);
    model.undo();
    expect(ids.map((id) => model.actors.get(id)!.y)).toEqual([0, 300, 100]);
  });

  it('lines cards up by their own edges: a short name\'s narrow card and a long name\'s wide one', () => {
    const model = new BoardModel(new Y.Doc());
    const turku = model.addActor({ name: 'Turku', kind: 'municipality', x: 0, y: 0 });
    const long = model.addActor({ name: 'Varsinais-Suomen elinkeino-, liikenne- ja ympäristökeskus', kind: 'state_agency', x: 40, y: 200 });
    const [narrow, wide] = [actorCardWidth(model.actors.get(turku)!), actorCardWidth(model.actors.get(long)!)];
    expect(narrow).toBeLessThan(wide);
    const moves = alignMoves(arrangeable(model, [turku, long]), 'left');
    // The left edges meet at the wide card's left edge (40 - wide / 2), so the centres differ by half the difference of widths.
    const left = 40 - wide / 2;
    expect(moves).toEqual([{ id: turku, x: left + narrow / 2, y: 0 }, { id: long, x: 40, y: 200 }]);
  });
});
