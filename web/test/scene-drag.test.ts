// The scene renderer during a drag: only what moves is visited and redrawn, relations follow their
// actors, and anything else that changes in the meantime still reaches the drawing.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { BoardModel } from '../src/model/board';
import { Presence } from '../src/model/presence';
import type { Peer } from '../src/model/presence';
import { Viewport } from '../src/render/viewport';
import { SceneRenderer } from '../src/render/scene';
import { KeyedLayer } from '../src/render/svg';
import { Editor } from '../src/tools/editor';
import { StandInElement, standInDocument } from './standin-dom';

/** All text in an element and its descendants. */
const textOf = (el: StandInElement): string => el.textContent + el.children.map(textOf).join('');

function setup() {
  const doc = new Y.Doc();
  const model = new BoardModel(doc);
  const viewport = new Viewport();
  viewport.setSize(1280, 800);
  const editor = new Editor(model, viewport, new Presence(new Awareness(doc), { name: 'Test', color: '#026aa2' }, 0));
  const peers: Peer[] = [];
  const renderer = new SceneRenderer(model, editor, viewport, () => peers, (key) => key);
  const a = model.addActor({ name: 'Kaupunki', kind: 'municipality', x: 0, y: 0 });
  const b = model.addActor({ name: 'Yliopisto', kind: 'education_research', x: 400, y: 0 });
  const c = model.addActor({ name: 'Yhdistys', kind: 'association', x: 0, y: 300 });
  const relation = model.addRelation(a, b)!;
  renderer.commitViewport();
  renderer.render('en');
  const world = renderer.world as unknown as StandInElement;
  const nodeOf = (id: string): StandInElement | undefined => {
    const search = (el: StandInElement): StandInElement | undefined => {
      if (el.dataset.id === id) return el;
      for (const child of el.children) {
        const found = search(child);
        if (found) return found;
      }
      return undefined;
    };
    return search(world);
  };
  const pathOf = (id: string) => nodeOf(id)!.children.find((child) => child.tagName === 'path')!.getAttribute('d');
  return { model, editor, renderer, peers, ids: { a, b, c, relation }, nodeOf, pathOf };
}

describe('scene renderer while something is dragged', () => {
  beforeAll(() => vi.stubGlobal('document', standInDocument()));
  afterAll(() => vi.unstubAllGlobals());
  afterEach(() => vi.restoreAllMocks());

  it('visits only the dragged actor and its relation, and puts both back when the drag ends', () => {
    const { editor, renderer, ids, nodeOf, pathOf } = setup();
    const untouched = nodeOf(ids.c);
    const pathBefore = pathOf(ids.relation);
    const put = vi.spyOn(KeyedLayer.prototype, 'put');
    editor.drag = { ids: [ids.a], dx: 50, dy: 20 };
    renderer.render('en');
    expect(put.mock.calls.map((call) => call[1]).sort()).toEqual([ids.a, ids.relation].sort());
    expect(nodeOf(ids.a)!.getAttribute('transform')).toBe('translate(50 20)');
    expect(pathOf(ids.relation)).not.toBe(pathBefore);
    expect(nodeOf(ids.c)).toBe(untouched);

    editor.drag = null;
    renderer.render('en');
    expect(nodeOf(ids.a)!.getAttribute('transform')).toBe('translate(0 0)');
    expect(pathOf(ids.relation)).toBe(pathBefore);
  });

  it('moves a far name with its card\'s left side when the card widens without a new name', () => {
    const { model, renderer, ids } = setup();
    (renderer as unknown as { viewport: Viewport }).viewport.zoom = 0.3;
    renderer.commitViewport();
    const farNames = (renderer.world as unknown as StandInElement).find('k-layer-far-names')!;
    const farNameX = () => Number(farNames.children.find((child) => child.dataset.id === ids.a)!.getAttribute('x'));
    const before = farNameX();
    // An alias widens "Kaupunki"'s card to both sides: its name, far or near, starts further left.
    model.updateActor(ids.a, { alias: 'Egentliga Finlands stad' });
    renderer.render('en');
    expect(farNameX()).toBeLessThan(before);
  });

  it('follows another person dragging, through their presence', () => {
    const { renderer, peers, ids, nodeOf } = setup();
    peers.push({
      clientId: 7, user: { name: 'Bertil', color: '#8a3ffc' }, cursor: null, selection: [],
      drag: { ids: [ids.b], dx: -30, dy: 10 }, ink: null,
    });
    renderer.renderPresence();
    expect(nodeOf(ids.b)!.getAttribute('transform')).toBe('translate(370 10)');
  });

  it('an edit arriving mid-drag is drawn too (the whole scene is walked again)', () => {
    const { model, editor, renderer, ids, nodeOf } = setup();
    editor.drag = { ids: [ids.a], dx: 50, dy: 20 };
    renderer.render('en');
    model.updateActor(ids.c, { name: 'Kyläyhdistys' });
    model.deleteElements([ids.b]);
    renderer.render('en');
    expect(textOf(nodeOf(ids.c)!)).toContain('Kyläyhdistys');
    expect(nodeOf(ids.b)).toBeUndefined();
    expect(nodeOf(ids.relation)).toBeUndefined();
    expect(nodeOf(ids.a)!.getAttribute('transform')).toBe('translate(50 20)');
  });

  it('an element built outside the drawn area starts hidden, without a cull over everything', () => {
    const { model, renderer, nodeOf } = setup();
    const far = model.addActor({ name: 'Kaukana', kind: 'other', x: 50_000, y: 50_000 });
    const near = model.addActor({ name: 'Lähellä', kind: 'other', x: 200, y: 150 });
    renderer.render('en');
    expect(nodeOf(far)!.style.display).toBe('none');
    expect(nodeOf(near)!.style.display ?? '').toBe('');
  });
});
