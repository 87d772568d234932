// How far a zoomed-out card's one-line name may run: to the right of where it starts, up to the
// next card or note on its line. Without this, every far name was cut to the widest card's name room
// ("ELY-kes…", "Varsina…") even on a map with open space beside each card, as a compared pair of
// small maps fitted into half a screen each usually is.
import { CARD } from '../generated/protocol';
import type { Rect } from './viewport';

/** However much space the map leaves, a far name is at most this long on screen (px): some 40 letters at 11 px. */
export const FAR_NAME_MAX_SCREEN_PX = 240;
/** The side (board units) of the grid's cells that hold the cards and notes a name could run into. */
const CELL = 256;
/**
 * Wider or taller than this many cells (a huge note), or where a cell's number is not exact (a
 * position far out, as any Yjs client may write one), a rectangle is not put in cells: it is kept
 * apart and checked by every query, so no loop ever runs over more than this many cells.
 */
const MOST_CELLS = 32;

/** A cell's key; two cells far apart may share one, which only adds candidates that the geometry then rules out. */
const cellKey = (cx: number, cy: number) => cx * 65_536 + cy;

/** The cells from `from` to `to` along one axis, or null when there are too many or they are not exact. */
function cellRange(from: number, to: number): [number, number] | null {
  const first = Math.floor(from / CELL);
  const last = Math.floor(to / CELL);
  return Number.isSafeInteger(first) && Number.isSafeInteger(last) && last - first <= MOST_CELLS ? [first, last] : null;
}

interface Obstacle extends Rect {
  id: string;
}

/** Cards and notes by grid cell, for asking what lies to the right of a name; built once per drawing pass. */
export class FarNameRooms {
  private readonly cells = new Map<number, Obstacle[]>();
  /** Rectangles too large or too far out for the cells (see `MOST_CELLS`). */
  private readonly apart: Obstacle[] = [];

  add(id: string, rect: Rect): void {
    const obstacle = { id, ...rect };
    const xs = cellRange(rect.x, rect.x + rect.w);
    const ys = cellRange(rect.y, rect.y + rect.h);
    if (!xs || !ys) {
      this.apart.push(obstacle);
      return;
    }
    for (let cx = xs[0]; cx <= xs[1]; cx++) {
      for (let cy = ys[0]; cy <= ys[1]; cy++) {
        const key = cellKey(cx, cy);
        const cell = this.cells.get(key);
        if (cell) cell.push(obstacle);
        else this.cells.set(key, [obstacle]);
      }
    }
  }

  /**
   * The room (board units) for the far name of `id` that starts at `left` on the line from `top` to
   * `bottom`: up to half a line's height before the nearest card or note to its right on that line,
   * at most `most`, and never less than the widest card's name room (what every far name had before).
   * Whatever covers the name's start (cards laid over each other) is not in its way.
   */
  room(id: string, left: number, top: number, bottom: number, most: number): number {
    const gap = (bottom - top) / 2;
    let end = left + most;
    const inTheWay = (o: Obstacle) => o.id !== id && o.x > left && o.y < bottom && o.y + o.h > top;
    for (const o of this.apart) if (inTheWay(o)) end = Math.min(end, o.x - gap);
    const xs = cellRange(left, end);
    const ys = cellRange(top, bottom);
    // A name this far out or this long cannot be looked up by cells: it keeps a card's name room.
    if (!xs || !ys) return CARD.nameMaxWidth;
    // Cells past a nearer obstacle cannot bring the end nearer still.
    for (let cx = xs[0]; cx <= xs[1] && cx * CELL <= end; cx++) {
      for (let cy = ys[0]; cy <= ys[1]; cy++) {
        for (const o of this.cells.get(cellKey(cx, cy)) ?? []) if (inTheWay(o)) end = Math.min(end, o.x - gap);
      }
    }
    return Math.max(CARD.nameMaxWidth, end - left);
  }
}
