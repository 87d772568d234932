// Actor cards: names break over up to three lines exactly as the server's renderer breaks them.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CARD } from '../src/generated/protocol';
import { actorCardHeight, actorCardWidth, cardHeight, charWidth, detailsLine, nameLayout } from '../src/render/card';
import { BoardModel } from '../src/model/board';
import { actorRect, hitTest, relationEnds } from '../src/tools/hit';
import casesJson from '../../protocol/testdata/card-names.json?raw';

/** The table the Rust tests check too (protocol/src/card.rs). */
const cases = JSON.parse(casesJson) as { name: string; lines: string[]; fontSize: number; width: number; influence?: number; alias?: string }[];

const width = (line: string, size: number) => Array.from(line).reduce((sum, ch) => sum + charWidth(ch), 0) * size;

describe('card names', () => {
  it('break as the shared table says', () => {
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) expect({ name: c.name, ...pick(nameLayout(c.name)) }).toEqual({ name: c.name, lines: c.lines, fontSize: c.fontSize });
  });

  it('give each card the width the shared table says', () => {
    for (const c of cases) {
      const actor = { name: c.name, influence: c.influence ?? null, alias: c.alias ?? '' };
      expect({ name: c.name, alias: actor.alias, width: actorCardWidth(actor) }).toEqual({ name: c.name, alias: actor.alias, width: c.width });
    }
  });

  it('write influence as pips and the alias on the details line, shortened to the widest card', () => {
    expect(detailsLine(null, '')).toBe('');
    expect(detailsLine(2, '')).toBe('●●○○○');
    expect(detailsLine(9, '  Åbo   stad ')).toBe('●●●●●  Åbo stad');
    const long = detailsLine(null, 'Egentliga Finlands välfärdsområde '.repeat(20));
    expect(long.endsWith(CARD.ellipsis)).toBe(true);
    expect(width(long, CARD.detailsSize)).toBeLessThanOrEqual(CARD.detailsMaxWidth * 1000);
  });

  it('keep every line within the card and shorten only past three lines', () => {
    for (const c of cases) {
      const layout = nameLayout(c.name);
      const room = Math.min(CARD.nameMaxWidth, c.width - CARD.nameLeft - 6);
      for (const line of layout.lines) expect(width(line, layout.fontSize)).toBeLessThanOrEqual(room * 1000);
      const whole = c.name.split(/\s+/).join('');
      expect(layout.shortened).toBe(layout.lines.join('').replace(/ /g, '') !== whole);
      expect(layout.lines.length).toBeLessThanOrEqual(CARD.nameMaxLines);
    }
  });

  it('lay out hostile names without throwing', () => {
    const long = nameLayout('x'.repeat(100_000));
    expect(long.lines).toHaveLength(3);
    expect(long.shortened).toBe(true);
    for (const name of ['', '   ', '-', '- - -', '\u200b\u0301', 'a-', '-a', '🙂'.repeat(12)]) nameLayout(name);
  });

  it('grow the card, and the hit area and relation ends follow its real edge', () => {
    expect(cardHeight(2, false)).toBe(CARD.minHeight);
    expect(cardHeight(3, false)).toBeGreaterThan(CARD.minHeight);
    const model = new BoardModel(new Y.Doc());
    const long = model.addActor({ name: 'Varsinais-Suomen elinkeino-, liikenne- ja ympäristökeskus', kind: 'state_agency', x: 0, y: 0 });
    const short = model.addActor({ name: 'Turku', kind: 'municipality', x: 0, y: 300 });
    const relation = model.addRelation(long, short, { kind: 'collaboration' })!;
    const tall = actorCardHeight(model.actors.get(long)!);
    expect(tall).toBe(cardHeight(3, false));
    expect(actorRect(model.actors.get(long)!).h).toBe(tall);
    // A click just inside the tall card's bottom edge (outside a 44-unit card) hits the actor.
    expect(hitTest(model, 0, tall / 2 - 2, 0)).toEqual({ type: 'actor', id: long });
    const ends = relationEnds(model, relation)!;
    expect(ends.from.y).toBeCloseTo(tall / 2 + 4);
    expect(ends.to.y).toBeCloseTo(300 - CARD.minHeight / 2 - 4);
  });

  it('hit a narrow card only inside its own edges, and relations meet its real side', () => {
    const model = new BoardModel(new Y.Doc());
    const turku = model.addActor({ name: 'Turku', kind: 'municipality', x: 0, y: 0 });
    const long = model.addActor({ name: 'Varsinais-Suomen elinkeino-, liikenne- ja ympäristökeskus', kind: 'state_agency', x: 600, y: 0 });
    const relation = model.addRelation(long, turku, { kind: 'collaboration' })!;
    const narrow = actorCardWidth(model.actors.get(turku)!);
    expect(narrow).toBeLessThan(CARD.maxWidth / 2 + 10);
    expect(actorRect(model.actors.get(turku)!)).toEqual({ x: -narrow / 2, y: -CARD.minHeight / 2, w: narrow, h: CARD.minHeight });
    // Just inside the narrow card's right edge hits it; just outside (still inside the old 184) misses.
    expect(hitTest(model, narrow / 2 - 1, 0, 0)).toEqual({ type: 'actor', id: turku });
    expect(hitTest(model, narrow / 2 + 2, 10, 0)).toBeNull();
    expect(hitTest(model, -CARD.maxWidth / 2 + 2, 10, 0)).toBeNull();
    const ends = relationEnds(model, relation)!;
    expect(ends.to.x).toBeCloseTo(narrow / 2 + 4);
    expect(ends.from.x).toBeCloseTo(600 - actorCardWidth(model.actors.get(long)!) / 2 - 4);
  });

  it('grow to both sides as a name is typed, keeping the card\'s centre', () => {
    const model = new BoardModel(new Y.Doc());
    const id = model.addActor({ name: 'T', kind: 'municipality', x: 100, y: 50 });
    const centres = new Set<string>();
    const widths: number[] = [];
    for (const name of ['Tu', 'Turku', 'Turun kaupunki', 'Turun kaupungin kulttuuritoimi']) {
      model.updateActor(id, { name });
      const r = actorRect(model.actors.get(id)!);
      centres.add(`${r.x + r.w / 2},${r.y + r.h / 2}`);
      widths.push(r.w);
    }
    expect([...centres]).toEqual(['100,50']);
    expect(widths[3]).toBeGreaterThan(widths[0]!);
  });
});

function pick(layout: { lines: string[]; fontSize: number }) {
  return { lines: layout.lines, fontSize: layout.fontSize };
}
