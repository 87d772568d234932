//! Where a new card can go without covering another one, and on the rings and sectors backgrounds without saying anything about it.
// On those backgrounds a position is data (which ring, which sector), so an actor added without a
// pointer (from the outline) is put in the margin just beyond the outermost ring or the sectors'
// edge, where it claims no closeness and no sector, until someone drags it to where it belongs.
import { TEMPLATE_GEOMETRY } from '../generated/protocol';
import type { Template } from '../generated/protocol';
import type { Rect } from '../render/viewport';

export interface Point { x: number; y: number }

/** Clear space kept between a new card and any other. */
export const FREE_SPACE_GAP = 16;
/** How many circles (or grid rings) are tried before giving up; each is a card further out. */
const MAX_LAYERS = 60;

/**
 * The centre of a `card`-sized rectangle that overlaps none of `occupied` (with a gap): beyond the
 * background's outermost edge on the rings and sectors backgrounds, in the direction of `near`;
 * elsewhere as close to `near` as the cards around it allow.
 */
export function freeSpot(template: Template, occupied: readonly Rect[], card: { w: number; h: number }, near: Point): Point {
  const free = (p: Point) => {
    const rect = { x: p.x - card.w / 2 - FREE_SPACE_GAP, y: p.y - card.h / 2 - FREE_SPACE_GAP, w: card.w + 2 * FREE_SPACE_GAP, h: card.h + 2 * FREE_SPACE_GAP };
    return !occupied.some((o) => overlaps(rect, o));
  };
  const edge = backgroundEdge(template);
  const candidates = edge === null ? gridAround(near, card) : circlesBeyond(edge, near, card);
  for (const candidate of candidates) if (free(candidate)) return candidate;
  // Every tried place was taken (thousands of cards); stacking beyond all of them still covers none.
  const bottom = Math.max(near.y, ...occupied.map((o) => o.y + o.h));
  return { x: Math.round(near.x), y: Math.round(bottom + FREE_SPACE_GAP + card.h / 2 + 1) };
}

/** The radius beyond which a position says nothing on this background, or null when every place is neutral. */
export function backgroundEdge(template: Template): number | null {
  if (template === 'rings') return Math.max(...TEMPLATE_GEOMETRY.ringRadii);
  if (template === 'sectors') return TEMPLATE_GEOMETRY.sectorRadius;
  return null;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Places on circles around the centre, the first so far out that a whole card stays beyond `edge`;
 * on each circle the places nearest the direction of `near` come first.
 */
function* circlesBeyond(edge: number, near: Point, card: { w: number; h: number }): Generator<Point> {
  const halfDiagonal = Math.hypot(card.w / 2, card.h / 2);
  // Looking at the very middle gives no direction; the top of the board is where people look first.
  const preferred = Math.hypot(near.x, near.y) < 1 ? -Math.PI / 2 : Math.atan2(near.y, near.x);
  for (let layer = 0; layer < MAX_LAYERS; layer++) {
    const radius = edge + halfDiagonal + FREE_SPACE_GAP + layer * (card.h + FREE_SPACE_GAP);
    const count = Math.max(8, Math.floor((2 * Math.PI * radius) / (card.w + FREE_SPACE_GAP)));
    const step = (2 * Math.PI) / count;
    const base = Math.round(preferred / step);
    // Alternating sides of the preferred direction: 0, +1, −1, +2, −2 …
    for (let i = 0; i < count; i++) {
      const offset = i % 2 === 1 ? (i + 1) / 2 : -i / 2;
      const angle = (base + offset) * step;
      yield { x: Math.round(radius * Math.cos(angle)), y: Math.round(radius * Math.sin(angle)) };
    }
  }
}

/** Places on a grid of card-sized cells around `near`, nearest ring of cells first. */
function* gridAround(near: Point, card: { w: number; h: number }): Generator<Point> {
  const stepX = card.w + 2 * FREE_SPACE_GAP + 8;
  const stepY = card.h + 2 * FREE_SPACE_GAP + 8;
  for (let ring = 0; ring < MAX_LAYERS; ring++) {
    for (let dy = -ring; dy <= ring; dy++) {
      for (let dx = -ring; dx <= ring; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
        yield { x: Math.round(near.x + dx * stepX), y: Math.round(near.y + dy * stepY) };
      }
    }
  }
}
