// The scene renderer with network figures: new figures redraw only halos and marks, and whatever
// happened in between (edits, figures on and off), the drawing equals a fresh renderer's.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { BoardModel } from '../src/model/board';
import { Presence } from '../src/model/presence';
import { Viewport } from '../src/render/viewport';
import { SceneRenderer } from '../src/render/scene';
import { KeyedLayer } from '../src/render/svg';
import { Editor } from '../src/tools/editor';
import { computeFigures } from '../src/figures/compute';
import type { ActorFigures } from '../src/figures/compute';
import { StandInElement, standInDocument } from './standin-dom';

/**
 * An element and its descendants as text: tag, attributes, classes, inline display and text. A
 * layer's elements are in the order they were first made, which differs with history; they do not
 * overlap in these tests, so they are compared in id order.
 */
function serialise(el: StandInElement): string {
  const attributes = [...el.attributes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(' ');
  const classes = [...el.classes].sort().join('.');
  const layer = [...el.classes].some((name) => name.startsWith('k-layer-'));
  const children = el.children.map(serialise);
  if (layer) children.sort();
  return `<${el.tagName}.${classes} ${attributes} id=${el.dataset.id ?? ''} display=${el.style.display ?? ''}>${el.textContent}${children.join('')}</${el.tagName}>`;
}

function rendererFor(model: BoardModel, doc: Y.Doc) {
  const viewport = new Viewport();
  viewport.setSize(1280, 800);
  const editor = new Editor(model, viewport, new Presence(new Awareness(doc), { name: 'Test', color: '#026aa2' }, 0));
  const renderer = new SceneRenderer(model, editor, viewport, () => [], (key) => key);
  renderer.commitViewport();
  return renderer;
}

/** The figures of the model as the worker would answer, by actor id. */
function figuresOf(model: BoardModel): Map<string, ActorFigures> {
  const figures = computeFigures({
    actorIds: [...model.actors.keys()],
    relations: model.liveRelations().map((r) => ({ from: r.from, to: r.to, direction: r.direction })),
    seed: 'test',
  });
  return new Map(figures.map((f) => [f.actorId, f]));
}

describe('scene renderer with network figures', () => {
  beforeAll(() => vi.stubGlobal('document', standInDocument()));
  afterAll(() => vi.unstubAllGlobals());
  afterEach(() => vi.restoreAllMocks());

  function board() {
    const doc = new Y.Doc();
    const model = new BoardModel(doc);
    // A path a – b – c – d: b and c broker, e is isolated.
    const ids = ['a', 'b', 'c', 'd', 'e'].map((name, i) => model.addActor({ name, kind: 'other', x: i * 300, y: 0 }));
    const relations = [model.addRelation(ids[0]!, ids[1]!)!, model.addRelation(ids[1]!, ids[2]!)!, model.addRelation(ids[2]!, ids[3]!)!];
    return { doc, model, ids, relations };
  }

  it('new figures on an unchanged map visit the actors\' marks only, not cards or lines', () => {
    const { doc, model, ids, relations } = board();
    const renderer = rendererFor(model, doc);
    renderer.render('en');
    const put = vi.spyOn(KeyedLayer.prototype, 'put');
    renderer.showFigures(figuresOf(model));
    renderer.render('en');
    const visited = new Set(put.mock.calls.map((call) => call[1]));
    for (const id of relations) expect(visited.has(id)).toBe(false);
    const world = renderer.world as unknown as StandInElement;
    // Halos on the brokers, marks on the brokers and the isolated actor.
    expect(world.find('k-layer-halos')!.children.map((c) => c.dataset.id).sort()).toEqual([ids[1], ids[2]].sort());
    expect(world.find('k-layer-figure-marks')!.children.map((c) => c.dataset.id).sort()).toEqual([ids[1], ids[2], ids[4]].sort());
  });

  it('equals a fresh drawing after a relation is added, removed and its actor deleted, figures following', () => {
    const { doc, model, ids } = board();
    const renderer = rendererFor(model, doc);
    renderer.showFigures(figuresOf(model));
    renderer.render('en');

    const added = model.addRelation(ids[4]!, ids[0]!)!;
    renderer.render('en');
    renderer.showFigures(figuresOf(model));
    renderer.render('en');
    model.deleteElements([added]);
    renderer.render('en');
    renderer.showFigures(figuresOf(model));
    renderer.render('en');
    model.deleteElements([ids[2]!]);
    renderer.render('en');
    renderer.showFigures(figuresOf(model));
    renderer.render('en');

    const fresh = rendererFor(model, doc);
    fresh.showFigures(figuresOf(model));
    fresh.render('en');
    expect(serialise(renderer.world as unknown as StandInElement)).toBe(serialise(fresh.world as unknown as StandInElement));

    // Figures off: no halo or mark stays behind.
    renderer.showFigures(null);
    renderer.render('en');
    const plain = rendererFor(model, doc);
    plain.render('en');
    expect(serialise(renderer.world as unknown as StandInElement)).toBe(serialise(plain.world as unknown as StandInElement));
  });
});
