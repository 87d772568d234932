// Where a new actor from the outline goes: never over another card, and on the rings and sectors
// backgrounds beyond them (claiming no ring or sector), in the direction the person is looking.
import { describe, expect, it } from 'vitest';
import { freeSpot, FREE_SPACE_GAP } from '../src/model/free-space';
import { ringAt, sectorAt } from '../src/model/placement';
import type { Rect } from '../src/render/viewport';
import { TEMPLATE_GEOMETRY } from '../src/generated/protocol';

const CARD = { w: 184, h: 60 };
const rectAt = (p: { x: number; y: number }): Rect => ({ x: p.x - CARD.w / 2, y: p.y - CARD.h / 2, w: CARD.w, h: CARD.h });
const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
/** Every corner of the card, so "outside" holds for the whole card and not only its centre. */
const corners = (r: Rect) => [[r.x, r.y], [r.x + r.w, r.y], [r.x, r.y + r.h], [r.x + r.w, r.y + r.h]] as const;

/** Adds `n` actors one after another, as the outline does, each seeing the ones before it. */
function addMany(template: 'rings' | 'sectors' | 'blank', n: number, near: { x: number; y: number }, existing: Rect[] = []): Rect[] {
  const occupied = [...existing];
  const placed: Rect[] = [];
  for (let i = 0; i < n; i++) {
    const rect = rectAt(freeSpot(template, occupied, CARD, near));
    occupied.push(rect);
    placed.push(rect);
  }
  return placed;
}

describe('free space for a new actor', () => {
  it('on rings: beyond the outermost ring, whole card outside, none overlapping, even with the core full', () => {
    const core: Rect[] = [];
    for (let x = -300; x <= 300; x += 100) for (let y = -300; y <= 300; y += 70) core.push(rectAt({ x, y }));
    const placed = addMany('rings', 40, { x: 0, y: 0 }, core);
    const outer = Math.max(...TEMPLATE_GEOMETRY.ringRadii);
    for (const rect of placed) {
      expect(ringAt(rect.x + rect.w / 2, rect.y + rect.h / 2)).toBe('outside');
      for (const [x, y] of corners(rect)) expect(Math.hypot(x, y)).toBeGreaterThan(outer);
    }
    // The crowded core overlaps itself on purpose; what counts is that no new card covers anything.
    placed.forEach((rect, i) => {
      for (const other of [...core, ...placed.slice(0, i)]) expect(overlap(rect, other)).toBe(false);
    });
  });

  it('on rings: the first one goes above the rings when the view is on the middle, towards the view otherwise', () => {
    const [top] = addMany('rings', 1, { x: 0, y: 0 });
    expect(top!.y + top!.h).toBeLessThan(-TEMPLATE_GEOMETRY.ringRadii[2]!);
    const [right] = addMany('rings', 1, { x: 600, y: 10 });
    expect(right!.x).toBeGreaterThan(TEMPLATE_GEOMETRY.ringRadii[2]!);
  });

  it('on sectors: beyond the wedges, so in no sector', () => {
    for (const rect of addMany('sectors', 25, { x: -200, y: 300 })) {
      expect(sectorAt(rect.x + rect.w / 2, rect.y + rect.h / 2)).toBeNull();
      for (const [x, y] of corners(rect)) expect(Math.hypot(x, y)).toBeGreaterThan(TEMPLATE_GEOMETRY.sectorRadius);
    }
  });

  it('on a blank board: at the view centre when it is free, next to the cards there otherwise, keeping the gap', () => {
    expect(freeSpot('blank', [], CARD, { x: 40, y: 50 })).toEqual({ x: 40, y: 50 });
    const existing = [rectAt({ x: 40, y: 50 })];
    const placed = addMany('blank', 12, { x: 40, y: 50 }, existing);
    const all = [...existing, ...placed];
    const grown = (r: Rect): Rect => ({ x: r.x - FREE_SPACE_GAP / 2, y: r.y - FREE_SPACE_GAP / 2, w: r.w + FREE_SPACE_GAP, h: r.h + FREE_SPACE_GAP });
    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) expect(overlap(grown(all[i]!), grown(all[j]!))).toBe(false);
    for (const rect of placed) expect(Math.hypot(rect.x + rect.w / 2 - 40, rect.y + rect.h / 2 - 50)).toBeLessThan(800);
  });

  it('never overlaps even when every tried place is taken', () => {
    const wall: Rect[] = [{ x: -100_000, y: -100_000, w: 200_000, h: 200_000 }];
    const rect = rectAt(freeSpot('rings', wall, CARD, { x: 0, y: 0 }));
    expect(overlap(rect, wall[0]!)).toBe(false);
  });
});
