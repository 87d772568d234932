//! Aligning and distributing selected cards and notes: pure geometry that returns the moves to write.
import type { BoardModel, Move } from './board';
import { actorRect, noteRect } from '../tools/hit';
import type { Rect } from '../render/viewport';

export type Alignment = 'left' | 'center' | 'right' | 'top' | 'middle' | 'bottom';
export type Distribution = 'horizontal' | 'vertical';

export const ALIGNMENTS: readonly Alignment[] = ['left', 'center', 'right', 'top', 'middle', 'bottom'];
export const DISTRIBUTIONS: readonly Distribution[] = ['horizontal', 'vertical'];

/** Something that can be moved: its outline as drawn, and the point its position names (a card's centre, a note's corner). */
export interface Placed {
  id: string;
  rect: Rect;
  x: number;
  y: number;
}

/** The selected actors and notes (relations and strokes are not arranged: they have no box of their own to line up). */
export function arrangeable(model: BoardModel, ids: Iterable<string>): Placed[] {
  const out: Placed[] = [];
  for (const id of ids) {
    const actor = model.actors.get(id);
    if (actor) out.push({ id, rect: actorRect(actor), x: actor.x, y: actor.y });
    const note = model.notes.get(id);
    if (note) out.push({ id, rect: noteRect(note), x: note.x, y: note.y });
  }
  return out;
}

/** Where `item` goes when its outline's corner moves to (left, top). */
function moveTo(item: Placed, left: number, top: number): Move {
  return { id: item.id, x: item.x + (left - item.rect.x), y: item.y + (top - item.rect.y) };
}

/** Lines the items up on one edge or centre line of the box around them all (two or more items). */
export function alignMoves(items: readonly Placed[], alignment: Alignment): Move[] {
  if (items.length < 2) return [];
  const left = Math.min(...items.map((i) => i.rect.x));
  const right = Math.max(...items.map((i) => i.rect.x + i.rect.w));
  const top = Math.min(...items.map((i) => i.rect.y));
  const bottom = Math.max(...items.map((i) => i.rect.y + i.rect.h));
  return items.map((item) => {
    const { x, y, w, h } = item.rect;
    switch (alignment) {
      case 'left': return moveTo(item, left, y);
      case 'center': return moveTo(item, (left + right) / 2 - w / 2, y);
      case 'right': return moveTo(item, right - w, y);
      case 'top': return moveTo(item, x, top);
      case 'middle': return moveTo(item, x, (top + bottom) / 2 - h / 2);
      case 'bottom': return moveTo(item, x, bottom - h);
    }
  });
}

/**
 * Spreads three or more items so the gaps between neighbours are equal, the outermost two staying
 * where they are. When they are too wide for the span to leave gaps, their centres are spaced evenly instead.
 */
export function distributeMoves(items: readonly Placed[], distribution: Distribution): Move[] {
  if (items.length < 3) return [];
  const horizontal = distribution === 'horizontal';
  const start = (r: Rect) => (horizontal ? r.x : r.y);
  const size = (r: Rect) => (horizontal ? r.w : r.h);
  const sorted = [...items].sort((a, b) => start(a.rect) + size(a.rect) / 2 - (start(b.rect) + size(b.rect) / 2) || a.id.localeCompare(b.id));
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const spanStart = start(first.rect);
  const spanEnd = start(last.rect) + size(last.rect);
  const totalSize = sorted.reduce((sum, item) => sum + size(item.rect), 0);
  const gap = (spanEnd - spanStart - totalSize) / (sorted.length - 1);
  const place = (item: Placed, at: number) => (horizontal ? moveTo(item, at, item.rect.y) : moveTo(item, item.rect.x, at));
  if (gap >= 0) {
    let at = spanStart;
    return sorted.map((item) => {
      const move = place(item, at);
      at += size(item.rect) + gap;
      return move;
    });
  }
  const firstCentre = spanStart + size(first.rect) / 2;
  const step = (spanEnd - size(last.rect) / 2 - firstCentre) / (sorted.length - 1);
  return sorted.map((item, i) => place(item, firstCentre + i * step - size(item.rect) / 2));
}
