// The far-out overview of a board: a few batched paths whatever the board's size, each card and line in one of them, rebuilt only when the board changed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BoardModel } from '../src/model/board';
import { OverviewLayer } from '../src/render/overview';
import type { StandInElement } from './standin-dom';
import { standInDocument } from './standin-dom';

const KINDS = ['municipality', 'business', 'association', 'funder'] as const;

function board(actors: number): BoardModel {
  const model = new BoardModel();
  model.batch(() => {
    const ids = Array.from({ length: actors }, (_, i) => model.addActor({ name: `Toimija ${i}`, kind: KINDS[i % KINDS.length]!, x: (i % 25) * 300, y: Math.floor(i / 25) * 120 }));
    for (let i = 0; i + 1 < ids.length; i++) model.addRelation(ids[i]!, ids[i + 1]!, { kind: i % 2 ? 'funding' : 'collaboration', strength: 'normal' });
  });
  return model;
}

/** The number of boxes ("M…z" runs) in a path's data. */
const boxes = (d: string | null) => (d ?? '').split('z').length - 1;
const lines = (d: string | null) => (d ?? '').split('M').length - 1;

describe('overview layer', () => {
  beforeAll(() => vi.stubGlobal('document', standInDocument()));
  afterAll(() => vi.unstubAllGlobals());

  it('draws 500 actors and 499 relations as one path per kind and per relation look', () => {
    const overview = new OverviewLayer(board(500));
    overview.render();
    const children = (overview.group as unknown as StandInElement).children;
    const cards = children.filter((c) => c.classes.has('k-overview-cards'));
    const relations = children.filter((c) => c.classes.has('k-overview-relations'));
    expect(cards.map((c) => c.getAttribute('data-kind')).sort()).toEqual([...KINDS].sort());
    expect(cards.reduce((sum, c) => sum + boxes(c.getAttribute('d')), 0)).toBe(500);
    expect(relations).toHaveLength(2);
    expect(relations.reduce((sum, c) => sum + lines(c.getAttribute('d')), 0)).toBe(499);
    expect(children.length).toBe(6);
  });

  it('is rebuilt when the board changes, and only then', () => {
    const model = board(3);
    const overview = new OverviewLayer(model);
    overview.render();
    const group = overview.group as unknown as StandInElement;
    const first = group.children[0];
    overview.render();
    expect(group.children[0]).toBe(first);
    model.addActor({ name: 'Uusi', kind: 'media', x: 0, y: 500 });
    overview.render();
    expect(group.children.some((c) => c.getAttribute('data-kind') === 'media')).toBe(true);
  });
});
