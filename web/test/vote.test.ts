// Dot voting in the model: `meta.vote` as the server writes it reaches the board's meta, and this
// device's voter secret has the shape the server accepts.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BoardModel } from '../src/model/board';
import { readVote } from '../src/model/read';
import { FIELD, ROOT } from '../src/generated/protocol';
import { voterSecret } from '../src/ui/vote';
import type { Actor } from '../src/model/types';
import { actorCardWidth } from '../src/render/card';
import { voteBadgeCenter, voteBadgeRadius } from '../src/render/votes';
import { CARD } from '../src/generated/protocol';

describe('meta.vote', () => {
  it('reads the vote and, once revealed, its totals', () => {
    const doc = new Y.Doc();
    const model = new BoardModel(doc);
    expect(model.meta.vote).toBeNull();
    doc.getMap(ROOT.meta).set(FIELD.meta.vote, { id: 'v1', title: 'Who?', dots: 3, revealed: false });
    expect(model.meta.vote).toEqual({ id: 'v1', title: 'Who?', dots: 3, revealed: false });
    doc.getMap(ROOT.meta).set(FIELD.meta.vote, { id: 'v1', title: 'Who?', dots: 3, revealed: true, totals: { turku: 3, salo: 1 } });
    expect(model.meta.vote?.totals).toEqual({ turku: 3, salo: 1 });
  });

  it('reads anything else as no vote, and drops counts that are not whole numbers', () => {
    expect(readVote('a vote')).toBeNull();
    expect(readVote({ id: 'v1' })).toBeNull();
    expect(readVote({ id: 'v1', dots: 3, revealed: true, totals: { a: 2, b: -1, c: 'x', d: 1.5 } })?.totals).toEqual({ a: 2 });
  });
});

describe('voterSecret', () => {
  it('is 256 random bits in URL-safe base64, new per vote', () => {
    const first = voterSecret('vote-a');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(voterSecret('vote-b')).not.toEqual(first);
  });
});

describe('a vote badge', () => {
  it('never reaches over the name of a narrow or a wide card, however large it grows', () => {
    const actor = (name: string): Actor => ({
      id: name, name, kind: 'municipality', x: 100, y: 50, description: '', tags: [], alias: '', influence: null, stance: null, isPerson: false,
    });
    for (const card of [actor('Kela'), actor('Varsinais-Suomen elinkeino-, liikenne- ja ympäristökeskus')]) {
      const nameEnds = card.x + actorCardWidth(card) / 2 - CARD.textRightPadding;
      for (const [count, revealed] of [[1, false], [1, true], [5, true], [40, true]] as const) {
        const r = voteBadgeRadius(count, revealed);
        const { x } = voteBadgeCenter(card, 0, 0, r);
        expect(x - r).toBeGreaterThan(nameEnds);
        // It still touches its card, so it reads as that card's.
        expect(x - r).toBeLessThan(card.x + actorCardWidth(card) / 2);
      }
    }
  });
});
