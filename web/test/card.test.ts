// Actor cards: names break over up to three lines exactly as the server's renderer breaks them.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CARD } from '../src/generated/protocol';
import { actorCardHeight, cardHeight, charWidth, nameLayout } from '../src/render/card';
import { BoardModel } from '../src/model/board';
import { actorRect, hitTest, relationEnds } from '../src/tools/hit';
import casesJson from '../../protocol/testdata/card-names.json?raw';

/** The table the Rust tests check too (protocol/src/card.rs). */
const cases = JSON.parse(casesJson) as { name: string; lines: string[]; fontSize: number }[];

const width = (line: string, size: number) => Array.from(line).reduce((sum, ch) => sum + charWidth(ch), 0) * size;

describe('card names', () => {
  it('break as the shared table says', () => {
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) expect({ name: c.name, ...pick(nameLayout(c.name)) }).toEqual({ name: c.name, lines: c.lines, fontSize: c.fontSize });
  });

  it('keep every line within the card and shorten only past three lines', () => {
    for (const c of cases) {
      const layout = nameLayout(c.name);
      for (const line of layout.lines) expect(width(line, layout.fontSize)).toBeLessThanOrEqual(CARD.nameMaxWidth * 1000);
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
});

function pick(layout: { lines: string[]; fontSize: number }) {
  return { lines: layout.lines, fontSize: layout.fontSize };
}
