// Tools driven headless: pointer down/move/up, keys, cancel and undo in the middle of a gesture.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { BoardModel } from '../src/model/board';
import { Presence } from '../src/model/presence';
import { Viewport } from '../src/render/viewport';
import { Editor } from '../src/tools/editor';
import type { KeyInput, PointerInput } from '../src/tools/tool';

function setup() {
  const doc = new Y.Doc();
  const model = new BoardModel(doc);
  const viewport = new Viewport();
  const presence = new Presence(new Awareness(doc), { name: 'Test', color: '#026aa2' }, 0);
  const editor = new Editor(model, viewport, presence);
  const edits: string[] = [];
  editor.host = { editActorName: (id) => edits.push(id), editNote: (id) => edits.push(id) };
  return { model, viewport, presence, editor, edits };
}

/** Pointer input at a board point (viewport at zoom 1, no offset, so screen = board). */
function at(x: number, y: number, extra: Partial<PointerInput> = {}): PointerInput {
  return { x, y, sx: x, sy: y, pressure: 0.5, pointerType: 'mouse', shift: false, button: 0, ...extra };
}

function key(k: string, extra: Partial<KeyInput> = {}): KeyInput {
  return { key: k, shift: false, mod: false, alt: false, ...extra };
}

function drag(editor: Editor, from: [number, number], to: [number, number], steps = 4): void {
  editor.pointerDown(at(...from));
  for (let i = 1; i <= steps; i++) {
    editor.pointerMove(at(from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps));
  }
  editor.pointerUp(at(...to));
}

describe('actor tool', () => {
  it('places an actor of the chosen kind, selects it and asks for its name', () => {
    const { model, editor, edits } = setup();
    editor.actorKind = 'funder';
    editor.keyDown(key('a'));
    expect(editor.state.id).toBe('actor.idle');
    editor.pointerDown(at(100, 50));
    const [actor] = model.actors.values();
    expect(actor).toMatchObject({ kind: 'funder', x: 100, y: 50 });
    expect(edits).toEqual([actor!.id]);
    expect([...editor.selection]).toEqual([actor!.id]);
    expect(editor.state.id).toBe('select.idle');
  });

  it('Enter places an actor in the middle of the view', () => {
    const { model, editor, viewport } = setup();
    viewport.setSize(1000, 800);
    editor.setTool('actor');
    editor.keyDown(key('Enter'));
    expect([...model.actors.values()][0]).toMatchObject({ x: 500, y: 400 });
  });
});

describe('select tool', () => {
  it('drags an actor: nothing is written until the drop, and others see the live drag', () => {
    const { model, editor, presence } = setup();
    const id = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    let writes = 0;
    model.doc.on('update', () => writes++);
    editor.pointerDown(at(0, 0));
    expect(editor.state.id).toBe('select.pointing');
    editor.pointerMove(at(30, 10));
    editor.pointerMove(at(60, 20));
    expect(editor.state.id).toBe('select.dragging');
    expect(writes).toBe(0);
    expect(presence.awareness.getLocalState()).toMatchObject({ drag: { ids: [id], dx: 60, dy: 20 } });
    editor.pointerUp(at(60, 20));
    expect(writes).toBe(1);
    expect(model.actors.get(id)).toMatchObject({ x: 60, y: 20 });
    expect(presence.awareness.getLocalState()).toMatchObject({ drag: null });
    expect(editor.state.id).toBe('select.idle');
  });

  it('Escape cancels a drag and leaves the actor where it was', () => {
    const { model, editor } = setup();
    const id = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    editor.pointerDown(at(0, 0));
    editor.pointerMove(at(80, 0));
    editor.keyDown(key('Escape'));
    expect(editor.drag).toBeNull();
    editor.pointerUp(at(80, 0));
    expect(model.actors.get(id)).toMatchObject({ x: 0, y: 0 });
  });

  it('undo in the middle of a drag cancels the drag and undoes the previous action', () => {
    const { model, editor } = setup();
    const first = model.addActor({ name: 'First', kind: 'business', x: 0, y: 0 });
    const second = model.addActor({ name: 'Second', kind: 'business', x: 300, y: 0 });
    editor.pointerDown(at(0, 0));
    editor.pointerMove(at(50, 50));
    editor.keyDown(key('z', { mod: true }));
    editor.pointerMove(at(90, 90));
    editor.pointerUp(at(90, 90));
    expect(model.actors.has(second)).toBe(false);
    expect(model.actors.get(first)).toMatchObject({ x: 0, y: 0 });
    expect(model.canUndo()).toBe(true);
  });

  it('box-selects and multi-drags, moving everything in one undo step', () => {
    const { model, editor } = setup();
    const a = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = model.addActor({ name: 'B', kind: 'media', x: 300, y: 0 });
    const far = model.addActor({ name: 'Far', kind: 'media', x: 2000, y: 2000 });
    drag(editor, [-200, -100], [500, 100]);
    expect(new Set(editor.selection)).toEqual(new Set([a, b]));
    drag(editor, [300, 0], [300, 100]);
    expect(model.actors.get(a)).toMatchObject({ x: 0, y: 100 });
    expect(model.actors.get(b)).toMatchObject({ x: 300, y: 100 });
    model.undo();
    expect(model.actors.get(a)).toMatchObject({ x: 0, y: 0 });
    expect(model.actors.get(far)).toMatchObject({ x: 2000 });
  });

  it('shift-click adds to the selection, a click on empty board clears it', () => {
    const { model, editor } = setup();
    const a = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = model.addActor({ name: 'B', kind: 'media', x: 300, y: 0 });
    editor.pointerDown(at(0, 0));
    editor.pointerUp(at(0, 0));
    editor.pointerDown(at(300, 0, { shift: true }));
    editor.pointerUp(at(300, 0, { shift: true }));
    expect(new Set(editor.selection)).toEqual(new Set([a, b]));
    editor.pointerDown(at(1000, 1000));
    editor.pointerUp(at(1000, 1000));
    expect(editor.selection.size).toBe(0);
  });

  it('keyboard: arrows move, Delete removes with relations, [ ] step through actors, Enter renames', () => {
    const { model, editor, edits } = setup();
    const a = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = model.addActor({ name: 'B', kind: 'media', x: 300, y: 0 });
    model.addRelation(a, b);
    editor.keyDown(key(']'));
    expect([...editor.selection]).toEqual([a]);
    editor.keyDown(key('ArrowRight', { shift: true }));
    editor.keyDown(key('ArrowDown'));
    expect(model.actors.get(a)).toMatchObject({ x: 50, y: 10 });
    editor.keyDown(key('Enter'));
    expect(edits).toEqual([a]);
    editor.keyDown(key('Delete'));
    expect(model.actors.has(a)).toBe(false);
    expect(model.relations.size).toBe(0);
    editor.keyDown(key('z', { mod: true }));
    expect(model.liveRelations()).toHaveLength(1);
  });

  it('a touch drag on empty board pans instead of selecting', () => {
    const { editor, viewport } = setup();
    editor.pointerDown(at(100, 100, { pointerType: 'touch' }));
    editor.pointerMove(at(140, 120, { pointerType: 'touch' }));
    editor.pointerUp(at(140, 120, { pointerType: 'touch' }));
    expect([viewport.tx, viewport.ty]).toEqual([40, 20]);
  });
});

describe('reconnecting a relation by its ends', () => {
  function connected() {
    const ctx = setup();
    const a = ctx.model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = ctx.model.addActor({ name: 'B', kind: 'media', x: 300, y: 0 });
    const c = ctx.model.addActor({ name: 'C', kind: 'funder', x: 0, y: 200 });
    const relation = ctx.model.addRelation(a, b, { label: 'yhteistyö' })!;
    ctx.editor.select([relation]);
    return { ...ctx, a, b, c, relation };
  }

  it('dragging the end handle onto another actor moves that end there, as one undo step', () => {
    const { model, editor, a, b, c, relation } = connected();
    // The line leaves A at (96, 0) and meets B at (248, 0): those are the handles.
    editor.pointerDown(at(248, 0));
    expect(editor.state.id).toBe('relation.reconnecting');
    editor.pointerMove(at(100, 150));
    expect(editor.endpointDraft).toMatchObject({ relation, end: 'to', target: null });
    editor.pointerMove(at(10, 205));
    expect(editor.endpointDraft?.target).toBe(c);
    editor.pointerUp(at(10, 205));
    expect(model.relations.get(relation)).toMatchObject({ from: a, to: c, label: 'yhteistyö' });
    expect(editor.endpointDraft).toBeNull();
    expect(editor.state.id).toBe('select.idle');
    expect([...editor.selection]).toEqual([relation]);
    model.undo();
    expect(model.relations.get(relation)).toMatchObject({ from: a, to: b });
  });

  it('the start handle moves the start', () => {
    const { model, editor, b, c, relation } = connected();
    drag(editor, [52, 0], [5, 195]);
    expect(model.relations.get(relation)).toMatchObject({ from: c, to: b });
  });

  it('dropping on empty board or on the other end changes nothing; Escape and undo cancel the drag', () => {
    const { model, editor, a, b, c, relation } = connected();
    drag(editor, [248, 0], [600, 400]);
    drag(editor, [248, 0], [0, 0]);
    expect(model.relations.get(relation)).toMatchObject({ from: a, to: b });
    editor.pointerDown(at(248, 0));
    editor.pointerMove(at(0, 200));
    editor.keyDown(key('Escape'));
    expect(editor.endpointDraft).toBeNull();
    editor.pointerUp(at(0, 200));
    expect(model.relations.get(relation)).toMatchObject({ from: a, to: b });
    // Undo in the middle of a drag drops the drag first, then undoes the last finished change.
    editor.select([relation]);
    drag(editor, [248, 0], [0, 200]);
    expect(model.relations.get(relation)).toMatchObject({ from: a, to: c });
    // A (0, 0) → C (0, 200): the end handle now sits at (0, 174).
    editor.pointerDown(at(0, 174));
    editor.pointerMove(at(300, 0));
    expect(editor.endpointDraft?.target).toBe(b);
    editor.undo();
    editor.pointerUp(at(300, 0));
    expect(editor.endpointDraft).toBeNull();
    expect(model.relations.get(relation)).toMatchObject({ from: a, to: b });
  });

  it('offers no handles on a read-only board, and the model refuses loops and unknown actors', () => {
    const { model, editor, a, relation } = connected();
    expect(model.reconnectRelation(relation, 'to', a)).toBe(false);
    expect(model.reconnectRelation(relation, 'to', 'nobody')).toBe(false);
    model.canWrite = () => false;
    expect(editor.endpointAt(204, 0)).toBeNull();
  });
});

describe('relation tool', () => {
  it('connects two actors by dragging from one to the other', () => {
    const { model, editor } = setup();
    const a = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = model.addActor({ name: 'B', kind: 'media', x: 300, y: 0 });
    editor.keyDown(key('r'));
    editor.pointerDown(at(0, 0));
    expect(editor.state.id).toBe('relation.pointing');
    editor.pointerMove(at(290, 5));
    expect(editor.relationDraft?.target).toBe(b);
    editor.pointerUp(at(290, 5));
    const [relation] = model.liveRelations();
    expect(relation).toMatchObject({ from: a, to: b, kind: 'collaboration', status: 'existing' });
    expect([...editor.selection]).toEqual([relation!.id]);
  });

  it('dropping on empty board or on the same actor makes nothing; Escape cancels', () => {
    const { model, editor } = setup();
    model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    model.addActor({ name: 'B', kind: 'media', x: 300, y: 0 });
    editor.setTool('relation');
    drag(editor, [0, 0], [150, 300]);
    drag(editor, [0, 0], [10, 5]);
    editor.pointerDown(at(0, 0));
    editor.pointerMove(at(300, 0));
    editor.keyDown(key('Escape'));
    editor.pointerUp(at(300, 0));
    expect(model.relations.size).toBe(0);
    expect(editor.relationDraft).toBeNull();
  });
});

describe('relation tool by two clicks', () => {
  function twoActors() {
    const ctx = setup();
    const a = ctx.model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = ctx.model.addActor({ name: 'B', kind: 'media', x: 300, y: 0 });
    ctx.editor.setTool('relation');
    return { ...ctx, a, b };
  }

  it('a click marks the source, the line follows the pointer, a click on another actor connects them', () => {
    const { model, editor, a, b } = twoActors();
    editor.pointerDown(at(0, 0));
    editor.pointerUp(at(1, 1));
    expect(editor.state.id).toBe('relation.armed');
    expect(editor.relationDraft).toMatchObject({ from: a, target: null });
    // Moving without a button pressed draws the line to the pointer and marks a target under it.
    editor.pointerMove(at(150, 200));
    expect(editor.relationDraft).toMatchObject({ from: a, x: 150, y: 200, target: null });
    editor.pointerMove(at(290, 5));
    expect(editor.relationDraft?.target).toBe(b);
    expect(model.relations.size).toBe(0);
    editor.pointerDown(at(290, 5));
    editor.pointerUp(at(290, 5));
    expect(model.liveRelations()).toMatchObject([{ from: a, to: b, kind: 'collaboration' }]);
    expect([...editor.selection]).toEqual([model.liveRelations()[0]!.id]);
    expect(editor.state.id).toBe('relation.idle');
    expect(editor.relationDraft).toBeNull();
  });

  it('taps work the same way: no move between them', () => {
    const { model, editor, a, b } = twoActors();
    editor.pointerDown(at(0, 0, { pointerType: 'touch' }));
    editor.pointerUp(at(0, 0, { pointerType: 'touch' }));
    editor.pointerDown(at(300, 0, { pointerType: 'touch' }));
    editor.pointerUp(at(300, 0, { pointerType: 'touch' }));
    expect(model.liveRelations()).toMatchObject([{ from: a, to: b }]);
  });

  it('a wobbly press that ends on the source card still counts as a click', () => {
    const { editor, a } = twoActors();
    drag(editor, [0, 0], [30, 10]);
    expect(editor.state.id).toBe('relation.armed');
    expect(editor.relationDraft?.from).toBe(a);
  });

  it('Escape cancels but keeps the tool; a second Escape leaves it', () => {
    const { model, editor } = twoActors();
    editor.pointerDown(at(0, 0));
    editor.pointerUp(at(0, 0));
    expect(editor.keyDown(key('Escape'))).toBe(true);
    expect(editor.state.id).toBe('relation.idle');
    expect(editor.relationDraft).toBeNull();
    editor.pointerDown(at(300, 0));
    editor.pointerUp(at(300, 0));
    // That click was a new first click (on B), not the end of a relation from A.
    expect(model.relations.size).toBe(0);
    expect(editor.state.id).toBe('relation.armed');
    editor.keyDown(key('Escape'));
    editor.keyDown(key('Escape'));
    expect(editor.tool).toBe('select');
  });

  it('a click on empty board cancels, and the next click starts over', () => {
    const { model, editor } = twoActors();
    editor.pointerDown(at(0, 0));
    editor.pointerUp(at(0, 0));
    editor.pointerDown(at(150, 300));
    editor.pointerUp(at(150, 300));
    expect(editor.state.id).toBe('relation.idle');
    expect(editor.relationDraft).toBeNull();
    expect(model.relations.size).toBe(0);
  });

  it('after a click, dragging from the source to another actor still connects', () => {
    const { model, editor, a, b } = twoActors();
    editor.pointerDown(at(0, 0));
    editor.pointerUp(at(0, 0));
    drag(editor, [0, 0], [300, 0]);
    expect(model.liveRelations()).toMatchObject([{ from: a, to: b }]);
  });

  it('a source deleted by someone else meanwhile, or a board locked meanwhile, makes nothing', () => {
    const { model, editor, a } = twoActors();
    editor.pointerDown(at(0, 0));
    editor.pointerUp(at(0, 0));
    model.deleteElements([a]);
    editor.pointerMove(at(290, 0));
    expect(editor.state.id).toBe('relation.idle');
    const c = model.addActor({ name: 'C', kind: 'media', x: 0, y: 300 });
    editor.pointerDown(at(0, 300));
    editor.pointerUp(at(0, 300));
    expect(editor.relationDraft?.from).toBe(c);
    model.canWrite = () => false;
    editor.pointerDown(at(300, 0));
    expect(model.relations.size).toBe(0);
    expect(editor.relationDraft).toBeNull();
  });

  it('undo while the source is marked cancels it and writes no relation', () => {
    const { model, editor } = twoActors();
    editor.pointerDown(at(0, 0));
    editor.pointerUp(at(0, 0));
    editor.undo();
    expect(editor.relationDraft).toBeNull();
    expect(model.relations.size).toBe(0);
  });
});

describe('connect handle', () => {
  it('dragging the handle of a selected actor onto another connects them, in the select tool', () => {
    const { model, editor } = setup();
    const a = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = model.addActor({ name: 'B', kind: 'media', x: 400, y: 0 });
    editor.select([a]);
    // The handle sits on the right edge of A's card, 48 units from its centre (a narrowest card).
    editor.pointerDown(at(44, 2));
    expect(editor.state.id).toBe('relation.pointing');
    editor.pointerMove(at(390, 0));
    editor.pointerUp(at(390, 0));
    expect(model.liveRelations()).toMatchObject([{ from: a, to: b }]);
    expect(editor.state.id).toBe('select.idle');
    expect(model.actors.get(a)).toMatchObject({ x: 0, y: 0 });
  });

  it('a click on the handle, then on another actor, connects them too', () => {
    const { model, editor } = setup();
    const a = model.addActor({ name: 'A', kind: 'business', x: 0, y: 0 });
    const b = model.addActor({ name: 'B', kind: 'media', x: 400, y: 0 });
    editor.select([a]);
    editor.pointerDown(at(44, 2));
    editor.pointerUp(at(44, 2));
    expect(editor.state.id).toBe('relation.armed');
    editor.pointerDown(at(400, 0));
    editor.pointerUp(at(400, 0));
    expect(model.liveRelations()).toMatchObject([{ from: a, to: b }]);
    expect(editor.state.id).toBe('select.idle');
  });
});

describe('ink and eraser', () => {
  it('the pen writes one stroke at pen-up, showing it live through awareness meanwhile', () => {
    const { model, editor, presence } = setup();
    editor.setTool('pen');
    editor.pointerDown(at(0, 0, { pointerType: 'pen', pressure: 0.2 }));
    editor.pointerMove(at(10, 10, { pointerType: 'pen', pressure: 0.6 }));
    expect(editor.state.id).toBe('pen.drawing');
    expect(model.strokes.size).toBe(0);
    const live = (presence.awareness.getLocalState() as { ink: { points: number[] } }).ink;
    expect(live.points).toEqual([0, 0, 0.2, 10, 10, 0.6]);
    editor.pointerUp(at(20, 5, { pointerType: 'pen', pressure: 0.9 }));
    const [stroke] = model.strokes.values();
    expect(stroke).toMatchObject({ tool: 'pen', points: [0, 0, 0.2, 10, 10, 0.6, 20, 5, 0.9] });
    expect(presence.awareness.getLocalState()).toMatchObject({ ink: null });
  });

  it('the highlighter is wide and undo mid-stroke drops the stroke', () => {
    const { model, editor } = setup();
    editor.setTool('highlighter');
    drag(editor, [0, 0], [100, 0]);
    expect([...model.strokes.values()][0]).toMatchObject({ tool: 'highlighter', width: 22 });
    editor.pointerDown(at(0, 50));
    editor.pointerMove(at(50, 50));
    editor.keyDown(key('z', { mod: true }));
    editor.pointerUp(at(100, 50));
    expect(model.strokes.size).toBe(0);
  });

  it('the eraser removes the strokes it touched in one undo step, but never actors', () => {
    const { model, editor } = setup();
    model.addStroke({ tool: 'pen', color: '#000000', width: 4, points: [0, 0, 0.5, 100, 0, 0.5] });
    model.addStroke({ tool: 'pen', color: '#000000', width: 4, points: [0, 100, 0.5, 100, 100, 0.5] });
    const actor = model.addActor({ name: 'A', kind: 'business', x: 50, y: 300 });
    editor.setTool('eraser');
    drag(editor, [50, -20], [50, 320], 40);
    expect(model.strokes.size).toBe(0);
    expect(model.actors.has(actor)).toBe(true);
    model.undo();
    expect(model.strokes.size).toBe(2);
  });
});

describe('notes and view', () => {
  it('note and label tools place the right variant', () => {
    const { model, editor, edits } = setup();
    editor.keyDown(key('n'));
    editor.pointerDown(at(0, 0));
    editor.keyDown(key('t'));
    editor.pointerDown(at(0, 400));
    const variants = [...model.notes.values()].map((n) => n.variant).sort();
    expect(variants).toEqual(['label', 'sticky']);
    expect(edits).toHaveLength(2);
  });

  it('zoom keys zoom around the centre and fit shows everything', () => {
    const { model, editor, viewport } = setup();
    viewport.setSize(800, 600);
    model.addActor({ name: 'A', kind: 'business', x: -1000, y: 0 });
    model.addActor({ name: 'B', kind: 'business', x: 1000, y: 0 });
    editor.keyDown(key('+'));
    expect(viewport.zoom).toBeCloseTo(1.25);
    editor.keyDown(key('!', { shift: true }));
    const left = viewport.toScreen(-1084, 0);
    const right = viewport.toScreen(1084, 0);
    expect(left.x).toBeGreaterThanOrEqual(0);
    expect(right.x).toBeLessThanOrEqual(800);
  });

  it('a locked board refuses edits from tools', () => {
    const { model, editor } = setup();
    model.setMeta({ locked: true });
    editor.setTool('actor');
    editor.pointerDown(at(0, 0));
    expect(model.actors.size).toBe(0);
  });
});

describe('a read-only board (a viewer, or locked for a participant)', () => {
  it('offers only selecting and panning, and no action writes the document', () => {
    const { model, editor } = setup();
    const id = model.addActor({ name: 'Kunta', kind: 'municipality', x: 0, y: 0 });
    model.canWrite = () => false;
    expect(editor.keyDown(key('a'))).toBe(false);
    expect(editor.tool).toBe('select');
    editor.keyDown(key('h'));
    expect(editor.tool).toBe('hand');
    editor.setTool('actor');
    editor.pointerDown(at(300, 300));
    editor.pointerUp(at(300, 300));
    editor.setTool('select');
    editor.select([id]);
    editor.keyDown(key('Delete'));
    drag(editor, [0, 0], [200, 100]);
    model.updateActor(id, { name: 'Muutettu' });
    model.undo();
    expect([...model.actors.values()].map((a) => [a.name, a.x, a.y])).toEqual([['Kunta', 0, 0]]);
  });

  it('is what a locked board is for everyone when the view does not say otherwise', () => {
    const { model } = setup();
    model.setMeta({ locked: true });
    model.addActor({ name: 'X', kind: 'other', x: 0, y: 0 });
    expect(model.actors.size).toBe(0);
  });
});
