// Two maps side by side: pairing by id, by the server's matches, field differences and relations.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from '../src/model/board';
import { compareMaps, itemsOf, pairsFromMatchTable } from '../src/model/compare-maps';
import type { ComparedItem, MapSide } from '../src/model/compare-maps';
import { ringAt, sectorAt } from '../src/model/placement';
import type { MatchTable, Template } from '../src/generated/protocol';

const side = (model: BoardModel, template: Template = model.meta.template): MapSide => ({
  template, actors: model.actors.values(), relations: model.relations.values(),
});

const labels = (items: ComparedItem[]) => items.map((i) => i.label);

function copyOf(model: BoardModel): BoardModel {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(model.doc));
  return new BoardModel(doc);
}

describe('where an actor sits', () => {
  it('puts a point on a ring circle into the inner ring, and beyond the rings outside', () => {
    expect(ringAt(0, 0)).toBe('core');
    expect(ringAt(300, 0)).toBe('core');
    expect(ringAt(301, 0)).toBe('close');
    expect(ringAt(0, -700)).toBe('wider');
    expect(ringAt(961, 0)).toBe('outside');
    expect(ringAt(Number.NaN, 0)).toBeNull();
  });

  it('finds the sector clockwise from straight up, none at the centre or beyond the wedges', () => {
    expect(sectorAt(1, -500)).toBe('public');
    expect(sectorAt(0, 0)).toBeNull();
    expect(sectorAt(0, -1001)).toBeNull();
    // Straight down lies in the third of five sectors.
    expect(sectorAt(0, 500)).toBe('business');
    expect(sectorAt(-1, -500)).toBe('residents');
  });
});

describe('comparing two states of one board (by id)', () => {
  it('lists actors only on the left, only on the right, on both, and different', () => {
    const left = new BoardModel();
    left.setMeta({ template: 'rings' });
    const turku = left.addActor({ name: 'Turku', kind: 'municipality', x: 100, y: 0 });
    const uni = left.addActor({ name: 'Yliopisto', kind: 'education_research', x: 400, y: 0 });
    left.addActor({ name: 'Kyläyhdistys', kind: 'association', x: 0, y: 400 });
    const right = copyOf(left);
    right.deleteElements([[...right.actors.values()].find((a) => a.name === 'Kyläyhdistys')!.id]);
    right.addActor({ name: 'Yrittäjät', kind: 'business', x: -400, y: 0 });
    right.moveElements([{ id: turku, x: 800, y: 0 }]);
    right.updateActor(uni, { stance: 'supports' });

    const result = compareMaps(side(left), side(right), { by: 'id' });
    expect(labels(itemsOf(result.actors, 'onlyLeft'))).toEqual(['Kyläyhdistys']);
    expect(labels(itemsOf(result.actors, 'onlyRight'))).toEqual(['Yrittäjät']);
    const different = itemsOf(result.actors, 'different');
    expect(labels(different)).toEqual(['Turku', 'Yliopisto']);
    expect(different[0]!.differences).toEqual([{ field: 'ring', left: 'core', right: 'wider' }]);
    expect(different[1]!.differences).toEqual([{ field: 'stance', left: null, right: 'supports' }]);
    expect(itemsOf(result.actors, 'both')).toEqual([]);
  });

  it('reports a renamed actor, a new kind and a new sector on a sectors board', () => {
    const left = new BoardModel();
    left.setMeta({ template: 'sectors' });
    const id = left.addActor({ name: 'Kaupunki', kind: 'municipality', x: 1, y: -500 });
    const right = copyOf(left);
    right.updateActor(id, { name: 'Turun kaupunki', kind: 'regional_authority' });
    right.moveElements([{ id, x: 0, y: 500 }]);
    const [actor] = compareMaps(side(left), side(right), { by: 'id' }).actors;
    expect(actor!.differences).toEqual([
      { field: 'name', left: 'Kaupunki', right: 'Turun kaupunki' },
      { field: 'kind', left: 'municipality', right: 'regional_authority' },
      { field: 'sector', left: 'public', right: 'business' },
    ]);
  });

  it('ignores where actors sit when the backgrounds differ', () => {
    const left = new BoardModel();
    left.setMeta({ template: 'rings' });
    left.addActor({ name: 'A', kind: 'other', x: 0, y: 0 });
    const right = copyOf(left);
    right.setMeta({ template: 'blank' });
    right.moveElements([{ id: [...right.actors.keys()][0]!, x: 2000, y: 0 }]);
    expect(itemsOf(compareMaps(side(left), side(right), { by: 'id' }).actors, 'both')).toHaveLength(1);
  });

  it('compares relations by id: kind, direction, strength and status', () => {
    const left = new BoardModel();
    const a = left.addActor({ name: 'A', kind: 'other', x: 0, y: 0 });
    const b = left.addActor({ name: 'B', kind: 'other', x: 300, y: 0 });
    const c = left.addActor({ name: 'C', kind: 'other', x: 600, y: 0 });
    const same = left.addRelation(a, b, { kind: 'collaboration' })!;
    const changed = left.addRelation(b, c, { kind: 'information', direction: 'none', strength: 'weak', status: 'existing' })!;
    const gone = left.addRelation(a, c)!;
    const right = copyOf(left);
    right.updateRelation(changed, { kind: 'funding', direction: 'both_ways', strength: 'strong', status: 'desired' });
    right.deleteElements([gone]);
    const added = right.addRelation(c, a)!;

    const result = compareMaps(side(left), side(right), { by: 'id' });
    expect(itemsOf(result.relations, 'both').map((i) => i.leftId)).toEqual([same]);
    expect(itemsOf(result.relations, 'onlyLeft').map((i) => i.leftId)).toEqual([gone]);
    expect(itemsOf(result.relations, 'onlyRight').map((i) => i.rightId)).toEqual([added]);
    expect(itemsOf(result.relations, 'different')[0]!.differences).toEqual([
      { field: 'kind', left: 'information', right: 'funding' },
      { field: 'direction', left: 'none', right: 'both_ways' },
      { field: 'strength', left: 'weak', right: 'strong' },
      { field: 'status', left: 'existing', right: 'desired' },
    ]);
  });
});

describe('comparing two groups\' boards (by matches)', () => {
  function groups() {
    const left = new BoardModel();
    left.setMeta({ template: 'rings' });
    const right = new BoardModel();
    right.setMeta({ template: 'rings' });
    const l = {
      turku: left.addActor({ name: 'Turku', kind: 'municipality', x: 0, y: 100 }),
      liitto: left.addActor({ name: 'Varsinais-Suomen liitto', kind: 'regional_authority', x: 400, y: 0 }),
      ely: left.addActor({ name: 'ELY-keskus', kind: 'state_agency', x: -400, y: 0 }),
    };
    const r = {
      turku: right.addActor({ name: 'Turun kaupunki', kind: 'municipality', x: 0, y: 900 }),
      liitto: right.addActor({ name: 'Varsinais-Suomen liitto', kind: 'regional_authority', x: 400, y: 0 }),
      yrittajat: right.addActor({ name: 'Yrittäjät', kind: 'business', x: -400, y: 0 }),
    };
    return { left, right, l, r };
  }

  it('pairs actors as the match table grouped them, and never by a proposal', () => {
    const { left, right, l, r } = groups();
    const member = (sourceId: string, actorId: string) => ({ sourceId, actorId, name: '', kind: 'other' as const, key: '', relations: 0 });
    const table: MatchTable = {
      sources: [],
      groups: [
        { members: [member('left', l.liitto), member('right', r.liitto)], reasons: ['same_name'] },
        { members: [member('left', l.turku), member('right', r.turku)], reasons: ['confirmed'] },
        { members: [member('left', l.ely)], reasons: [] },
        { members: [member('right', r.yrittajat)], reasons: [] },
      ],
      proposals: [{ groupA: 2, groupB: 3, band: 'maybe', reason: 'similar_spelling', keyA: 'a', keyB: 'b', sharedMaps: [] }],
    };
    const pairs = pairsFromMatchTable(table, 'left', 'right');
    expect(pairs).toEqual([[l.liitto, r.liitto], [l.turku, r.turku]]);
    const result = compareMaps(side(left), side(right), { by: 'pairs', pairs });
    expect(labels(itemsOf(result.actors, 'onlyLeft'))).toEqual(['ELY-keskus']);
    expect(labels(itemsOf(result.actors, 'onlyRight'))).toEqual(['Yrittäjät']);
    expect(labels(itemsOf(result.actors, 'both'))).toEqual(['Varsinais-Suomen liitto']);
    const turku = itemsOf(result.actors, 'different');
    expect(turku.map((i) => [i.leftId, i.rightId])).toEqual([[l.turku, r.turku]]);
    // Different names of a matched pair are no disagreement; the ring is.
    expect(turku[0]!.differences).toEqual([{ field: 'ring', left: 'core', right: 'wider' }]);
  });

  it('pairs relations by their matched endpoints, in either order, and reports the direction drawn the other way', () => {
    const { left, right, l, r } = groups();
    const pairs: [string, string][] = [[l.turku, r.turku], [l.liitto, r.liitto]];
    const leftOnly = left.addRelation(l.turku, l.ely)!;
    left.addRelation(l.turku, l.liitto, { kind: 'funding', direction: 'one_way' });
    right.addRelation(r.liitto, r.turku, { kind: 'funding', direction: 'one_way' });
    const rightOnly = right.addRelation(r.liitto, r.yrittajat)!;
    const result = compareMaps(side(left), side(right), { by: 'pairs', pairs });
    expect(itemsOf(result.relations, 'onlyLeft').map((i) => i.leftId)).toEqual([leftOnly]);
    expect(itemsOf(result.relations, 'onlyRight').map((i) => i.rightId)).toEqual([rightOnly]);
    expect(itemsOf(result.relations, 'different')[0]!.differences).toEqual([{ field: 'direction', left: 'one_way', right: 'reversed' }]);
  });

  it('pairs two relations between one pair by kind first', () => {
    const { left, right, l, r } = groups();
    const pairs: [string, string][] = [[l.turku, r.turku], [l.liitto, r.liitto]];
    left.addRelation(l.turku, l.liitto, { kind: 'information' });
    left.addRelation(l.turku, l.liitto, { kind: 'funding' });
    right.addRelation(r.turku, r.liitto, { kind: 'funding' });
    right.addRelation(r.turku, r.liitto, { kind: 'conflict' });
    const result = compareMaps(side(left), side(right), { by: 'pairs', pairs });
    expect(itemsOf(result.relations, 'both')).toHaveLength(1);
    expect(itemsOf(result.relations, 'different')[0]!.differences).toEqual([{ field: 'kind', left: 'information', right: 'conflict' }]);
  });

  it('ignores pairs naming actors that are gone, and pairs each actor once', () => {
    const { left, right, l, r } = groups();
    const result = compareMaps(side(left), side(right), { by: 'pairs', pairs: [['missing', r.turku], [l.turku, r.turku], [l.ely, r.turku]] });
    expect(itemsOf(result.actors, 'onlyLeft').map((i) => i.leftId).sort()).toEqual([l.ely, l.liitto].sort());
    expect(result.actors.filter((i) => i.rightId === r.turku)).toHaveLength(1);
  });
});
