// "What changed since last time": the baseline, the counts per line, plural forms and dates in each language.
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from '../src/model/board';
import type { ComparableBoard } from '../src/model/compare';
import { latestSnapshot, newestFirst, shouldShowSince, sinceLines } from '../src/model/since';
import type { Snapshot } from '../src/generated/protocol';
import { setLocale } from '../src/i18n';
import { dayMonth, sinceLineText, sinceSummary } from '../src/ui/since';

const comparable = (model: BoardModel): ComparableBoard => ({
  actors: model.actors.values(), relations: model.relations.values(), notes: model.notes.values(), strokes: model.strokes.values(),
});

function snapshot(id: string, createdAt: number, reason: Snapshot['reason'] = 'manual', name = id): Snapshot {
  return { id, boardId: 'b', name, reason, author: null, createdAt, bytes: 1 };
}

/** Noon on 4 October, so the day is the same in every time zone the tests may run in. */
const OCTOBER_4 = new Date(2026, 9, 4, 12).getTime() / 1000;

afterEach(() => setLocale('en'));

describe('the baseline', () => {
  it('is the newest snapshot, the server order deciding within a second', () => {
    expect(latestSnapshot([])).toBeNull();
    expect(latestSnapshot([snapshot('old', 100), snapshot('new', 200)])?.id).toBe('new');
    // The server lists newest first: of two taken in the same second, the first listed is newer.
    expect(latestSnapshot([snapshot('second', 300), snapshot('first', 300), snapshot('old', 100)])?.id).toBe('second');
    expect(newestFirst([snapshot('old', 100), snapshot('b', 300), snapshot('a', 300)]).map((s) => s.id)).toEqual(['b', 'a', 'old']);
  });

  it('skips the copy a restore keeps, unless there is nothing else', () => {
    expect(latestSnapshot([snapshot('safety', 500, 'before_restore'), snapshot('day1', 400)])?.id).toBe('day1');
    expect(latestSnapshot([snapshot('safety', 500, 'before_restore')])?.id).toBe('safety');
  });
});

describe('the lines', () => {
  it('count added, removed and changed actors and relations, with the ids each line shows', () => {
    const now = new BoardModel(new Y.Doc());
    const city = now.addActor({ name: 'Turku', kind: 'municipality', x: 0, y: 0 });
    const uni = now.addActor({ name: 'Turun yliopisto', kind: 'education_research', x: 300, y: 0 });
    const club = now.addActor({ name: 'Kyläyhdistys', kind: 'association', x: 0, y: 300 });
    const link = now.addRelation(city, uni, { kind: 'collaboration' })!;
    const clubLink = now.addRelation(club, uni, { kind: 'information' })!;
    const thenDoc = new Y.Doc();
    Y.applyUpdate(thenDoc, Y.encodeStateAsUpdate(now.doc));
    const then = new BoardModel(thenDoc);

    const added = [now.addActor({ name: 'Rahasto', kind: 'funder', x: 600, y: 0 }), now.addActor({ name: 'Lehti', kind: 'media', x: 600, y: 300 })];
    now.deleteElements([club]);
    now.updateActor(city, { name: 'Turun kaupunki' });
    now.updateRelation(link, { strength: 'strong' });
    now.addNote({ x: 900, y: 0 });

    const lines = sinceLines(comparable(then), comparable(now));
    expect(lines.map((l) => [l.kind, l.ids.length])).toEqual([
      ['actorsAdded', 2], ['actorsRemoved', 1], ['actorsChanged', 1], ['relationsRemoved', 1], ['relationsChanged', 1], ['othersChanged', 1],
    ]);
    const ids = Object.fromEntries(lines.map((l) => [l.kind, [...l.ids].sort()]));
    expect(ids.actorsAdded).toEqual([...added].sort());
    expect(ids.actorsRemoved).toEqual([club]);
    expect(ids.actorsChanged).toEqual([city]);
    expect(ids.relationsRemoved).toEqual([clubLink]);
    expect(ids.relationsChanged).toEqual([link]);
    expect(sinceLines(comparable(then), comparable(then))).toEqual([]);
  });

  it('open the panel only when something changed, not on a projector, and not again for a dismissed snapshot', () => {
    const lines = [{ kind: 'actorsAdded' as const, ids: ['a'] }];
    const day1 = snapshot('day1', 100);
    expect(shouldShowSince('participant', day1, null, lines)).toBe(true);
    expect(shouldShowSince('facilitator', day1, 'older', lines)).toBe(true);
    expect(shouldShowSince('participant', day1, 'day1', lines)).toBe(false);
    expect(shouldShowSince('viewer', day1, null, lines)).toBe(false);
    expect(shouldShowSince('participant', day1, null, [])).toBe(false);
    expect(shouldShowSince('participant', null, null, lines)).toBe(false);
  });
});

describe('the words', () => {
  const line = (kind: 'actorsAdded' | 'relationsChanged' | 'othersChanged', count: number) => sinceLineText({ kind, ids: Array.from({ length: count }, (_, i) => String(i)) });

  it('use the plural form each language needs', () => {
    setLocale('en');
    expect([line('actorsAdded', 1), line('actorsAdded', 5), line('relationsChanged', 1), line('othersChanged', 2)])
      .toEqual(['1 actor added', '5 actors added', '1 relation changed', '2 notes or drawings changed']);
    setLocale('fi');
    expect([line('actorsAdded', 1), line('actorsAdded', 5), line('relationsChanged', 3)]).toEqual(['1 toimija lisätty', '5 toimijaa lisätty', '3 suhdetta muutettu']);
    setLocale('sv');
    expect([line('actorsAdded', 1), line('actorsAdded', 5), line('relationsChanged', 1)]).toEqual(['1 aktör tillagd', '5 aktörer tillagda', '1 relation ändrad']);
  });

  it('write the snapshot day as each language does', () => {
    expect(dayMonth(OCTOBER_4, 'fi')).toBe('4.10.');
    expect(dayMonth(OCTOBER_4, 'sv')).toBe('4 okt.');
    expect(dayMonth(OCTOBER_4, 'en')).toBe('4 Oct');
  });

  it('sum up the lines in one sentence for screen readers', () => {
    const day1 = snapshot('s1', OCTOBER_4, 'manual', 'End of day 1');
    const lines = [{ kind: 'actorsAdded' as const, ids: ['1', '2', '3', '4', '5'] }, { kind: 'actorsRemoved' as const, ids: ['6', '7'] }, { kind: 'relationsChanged' as const, ids: ['8', '9', '10'] }];
    expect(sinceSummary(day1, lines)).toBe('Since End of day 1 (4 Oct): 5 actors added, 2 actors removed, 3 relations changed.');
    setLocale('fi');
    expect(sinceSummary({ ...day1, name: 'Päivä 1' }, lines)).toBe('Tilannekuvan Päivä 1 (4.10.) jälkeen: 5 toimijaa lisätty, 2 toimijaa poistettu, 3 suhdetta muutettu.');
    expect(sinceSummary(day1, [])).toMatch(/mikään ei ole muuttunut/);
  });
});
