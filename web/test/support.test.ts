// "In k of n maps" on a merged board (what the slider hides), the match table's preview counts, and match reasons in words.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from '../src/model/board';
import { FIELD, ROOT } from '../src/generated/protocol';
import type { MatchGroup, MatchProposal, MatchTable, MatchVerdict } from '../src/generated/protocol';
import { MATCH_REASONS, hiddenBelow, matchPreview, reasonKey, relationSupport, relationSupportBadge, supportBadge } from '../src/model/support';
import { MESSAGES, setLocale, t } from '../src/i18n';
import { previewText } from '../src/ui/matches';
import { elementsInRect, hitTest } from '../src/tools/hit';

afterEach(() => setLocale('en'));

/** A merged board as the server writes it: provenance as plain arrays in the element maps. */
function mergedBoard(maps: string[], actors: [string, string[]][], relations: [string, string, string, string[]][], groups: string[] = []): BoardModel {
  const doc = new Y.Doc();
  doc.transact(() => {
    doc.getMap(ROOT.meta).set(FIELD.meta.mergedFrom, maps);
    if (groups.length) doc.getMap(ROOT.meta).set(FIELD.meta.mergedGroups, groups);
    for (const [id, sources] of actors) {
      const map = new Y.Map<unknown>();
      map.set(FIELD.actor.name, id);
      map.set(FIELD.actor.x, 0);
      map.set(FIELD.actor.y, 0);
      if (sources.length) map.set(FIELD.actor.sources, sources);
      doc.getMap(ROOT.actors).set(id, map);
    }
    for (const [id, from, to, sources] of relations) {
      const map = new Y.Map<unknown>();
      map.set(FIELD.relation.from, from);
      map.set(FIELD.relation.to, to);
      map.set(FIELD.relation.sources, sources);
      map.set(FIELD.relation.otherKinds, ['funding', 'not-a-kind']);
      doc.getMap(ROOT.relations).set(id, map);
    }
  });
  return new BoardModel(doc);
}

const view = (model: BoardModel) => ({ actors: model.actors, relations: model.liveRelations(), meta: model.meta });

describe('k of n on a merged board', () => {
  const model = mergedBoard(['m1', 'm2', 'm3'], [
    ['common', ['m1', 'm2', 'm3']],
    ['two', ['m1', 'm2']],
    ['only', ['m3']],
    ['added-here', []],
  ], [
    ['common-two', 'common', 'two', ['m1']],
    ['two-only', 'two', 'only', ['m3']],
    ['common-added', 'common', 'added-here', ['m1', 'm2', 'm3']],
  ]);

  it('reads the provenance the server wrote', () => {
    expect(model.meta.mergedFrom).toEqual(['m1', 'm2', 'm3']);
    expect(model.actors.get('two')?.sources).toEqual(['m1', 'm2']);
    // A kind this version does not know is skipped rather than shown as a code.
    expect(model.relations.get('common-two')?.otherKinds).toEqual(['funding']);
    expect(supportBadge(model.actors.get('common')?.sources, model.meta)).toBe('3/3');
    expect(supportBadge(model.actors.get('added-here')?.sources, model.meta)).toBeNull();
  });

  it('shows everything at k = 1', () => {
    expect([...hiddenBelow(view(model), 1)]).toEqual([]);
  });

  it('hides what fewer maps hold, relations whose end is hidden, and keeps what was added on the merged board', () => {
    expect([...hiddenBelow(view(model), 2)].sort()).toEqual(['common-two', 'only', 'two-only']);
    expect([...hiddenBelow(view(model), 3)].sort()).toEqual(['common-two', 'only', 'two', 'two-only']);
  });

  it('what the slider hides cannot be clicked or box-selected', () => {
    const hidden = hiddenBelow(view(model), 2);
    // Every actor of this board sits at (0, 0): the topmost shown one is hit, never a hidden one.
    const hit = hitTest(model, 0, 0, 1, new Set(), hidden);
    expect(hit && hidden.has(hit.id)).toBe(false);
    expect(hitTest(model, 0, 0, 1, new Set(), new Set([...model.actors.keys(), ...model.relations.keys()]))).toBeNull();
    expect(elementsInRect(model, { x: -500, y: -500, w: 1000, h: 1000 }, new Set(), hidden).sort()).toEqual(['added-here', 'common', 'two']);
  });

  it('counts a source only once and ignores ids that are not among the merged maps', () => {
    const odd = mergedBoard(['m1', 'm2'], [['a', ['m1', 'm1', 'elsewhere']]], []);
    expect(supportBadge(odd.actors.get('a')?.sources, odd.meta)).toBe('1/2');
    expect([...hiddenBelow(view(odd), 2)]).toEqual(['a']);
  });

  it('does nothing on a board that was not merged', () => {
    const plain = mergedBoard([], [['a', ['m1']]], []);
    expect([...hiddenBelow(view(plain), 3)]).toEqual([]);
    expect(supportBadge(plain.actors.get('a')?.sources, plain.meta)).toBeNull();
  });
});

const member = (name: string, sourceId = 's1') => ({ sourceId, actorId: name, name, kind: 'other' as const, key: name.toLowerCase(), relations: 0 });
/** A group of `name@map` members. */
const group = (...members: string[]): MatchGroup => ({
  members: members.map((m) => member(m.split('@')[0]!, m.split('@')[1]!)), reasons: members.length > 1 ? ['same_name'] : [],
});
const proposal = (groupA: number, groupB: number, band: MatchProposal['band']): MatchProposal => ({ groupA, groupB, band, reason: 'contains', keyA: `${groupA}`, keyB: `${groupB}`, sharedMaps: [] });

describe('the match preview', () => {
  // Turku (on three maps, joined already), Turun kaupunki, Åbo stad, VSL, Varsinais-Suomen liitto, Kela.
  const table: Pick<MatchTable, 'groups' | 'proposals'> = {
    groups: [group('Turku@s1', 'Turku@s2', 'Turku@s3'), group('Turun kaupunki@s4'), group('Åbo stad@s5'), group('VSL@s1'), group('Varsinais-Suomen liitto@s2'), group('Kela@s3')],
    proposals: [proposal(0, 1, 'likely'), proposal(1, 2, 'maybe'), proposal(3, 4, 'maybe')],
  };

  it('counts a likely proposal as merged until someone answers, a maybe one as undecided', () => {
    expect(matchPreview(table, new Map())).toEqual({ before: 8, after: 5, merged: 1, undecided: 2 });
  });

  it('follows the decisions, joining chains of proposals into one actor', () => {
    const decisions = new Map<number, MatchVerdict>([[1, 'same'], [2, 'different']]);
    expect(matchPreview(table, decisions)).toEqual({ before: 8, after: 4, merged: 2, undecided: 0 });
    // Rejecting the likely one keeps Turku apart again.
    decisions.set(0, 'different');
    expect(matchPreview(table, decisions)).toEqual({ before: 8, after: 5, merged: 1, undecided: 0 });
  });

  it('never joins two cards of one map, as the merge does not', () => {
    // "VSL" and "Varsinais-Suomen liitto" both drawn on map s1: a "same" cannot join them.
    const oneMap = { groups: [group('VSL@s1'), group('Varsinais-Suomen liitto@s1', 'Varsinais-Suomen liitto@s2')], proposals: [proposal(0, 1, 'likely')] };
    expect(matchPreview(oneMap, new Map([[0, 'same']]))).toEqual({ before: 3, after: 2, merged: 0, undecided: 0 });
  });

  it('is said in each language', () => {
    expect(previewText(table, new Map())).toBe('8 actors → 5; 1 merged; 2 undecided');
    setLocale('fi');
    expect(previewText(table, new Map())).toBe('8 toimijaa → 5; 1 yhdistetty; 2 ratkaisematta');
    setLocale('sv');
    expect(previewText(table, new Map())).toBe('8 aktörer → 5; 1 sammanslagna; 2 obesvarade');
  });
});

describe('match reasons in words', () => {
  it('every reason has its own text in fi, sv and en, not the code', () => {
    for (const [locale, messages] of Object.entries(MESSAGES)) {
      const texts = MATCH_REASONS.map((reason) => messages[reasonKey(reason)]);
      expect(new Set(texts).size, locale).toBe(MATCH_REASONS.length);
      for (const [i, text] of texts.entries()) expect(text, `${locale} ${MATCH_REASONS[i]}`).not.toContain('_');
    }
  });

  it('reads as a sentence a facilitator can check', () => {
    expect(t(reasonKey('acronym'))).toBe('One name is the initials of the other');
    setLocale('fi');
    expect(t(reasonKey('contains'))).toBe('Toinen nimi sisältää toisen');
  });
});

describe('support on a board merged group by group', () => {
  // The case of protocol/src/merge.rs `a_big_group_cannot_outvote_the_others`.
  const maps = ['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'c1'];
  const groups = ['1', '1', '1', '1', '1', '2', '3'];
  const model = () => mergedBoard(maps, [['x', ['a1', 'a2', 'a3', 'a4', 'a5']], ['turku', maps]], [['r', 'turku', 'x', ['a1', 'a2']]], groups);

  it('counts groups, so five maps of one group are one of three', () => {
    const board = model();
    expect(supportBadge(board.actors.get('x')?.sources, board.meta)).toBe('1/3');
    expect(supportBadge(board.actors.get('turku')?.sources, board.meta)).toBe('3/3');
    expect(relationSupportBadge(board.relations.get('r')!, board.actors, board.meta)).toBe('1/1');
    expect([...hiddenBelow(view(board), 2)].sort()).toEqual(['r', 'x']);
  });

  it('counts maps when the groups do not match the maps one to one', () => {
    const board = mergedBoard(maps, [['x', ['a1', 'a2', 'a3', 'a4', 'a5']]], [], ['1']);
    expect(supportBadge(board.actors.get('x')?.sources, board.meta)).toBe('5/7');
  });
});

describe('"k of m" of a relation', () => {
  // The cases of protocol/src/merge.rs `relation_support_counts_only_merged_maps_and_never_falls_below_k`.
  const maps = ['1', '2', '3', '4'];
  it.each([
    [['1'], ['1', '2', '3'], ['1', '3', '4'], { k: 1, m: 2 }],
    [['1', '3'], ['1', '2', '3'], ['1', '3', '4'], { k: 2, m: 2 }],
    [['1'], ['1', '2'], [], { k: 1, m: 4 }],
    [['1', '2'], ['3'], ['3', '4'], { k: 2, m: 2 }],
    [['1', 'x'], ['1', 'x'], ['1', 'x'], { k: 1, m: 1 }],
    [[], ['1'], ['1'], null],
  ])('relation %j between %j and %j', (relation, from, to, expected) => {
    expect(relationSupport(relation, from, to, { mergedFrom: maps, mergedGroups: [] })).toEqual(expected);
  });

  it('counts only the maps holding both actors, on the badge and in words', () => {
    // Map m3 has no council, so it could not have drawn the tie: "1 of 2", not "1 of 3".
    const model = mergedBoard(['m1', 'm2', 'm3'], [['turku', ['m1', 'm2', 'm3']], ['council', ['m1', 'm2']]], [['tie', 'turku', 'council', ['m1']]]);
    expect(relationSupportBadge(model.relations.get('tie')!, model.actors, model.meta)).toBe('1/2');
    expect(supportBadge(model.actors.get('turku')!.sources, model.meta)).toBe('3/3');
    expect(t('support.inMapsWithBoth', { k: 1, m: 2 })).toBe('in 1 of the 2 maps that have both actors');
  });
});
