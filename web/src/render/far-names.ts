// How far a zoomed-out card's one-line name may run: to the right of where it starts, up to the
// next card or note on its line. Without this, every far name was cut to the widest card's name room
// ("ELY-kes…", "Varsina…") even on a map with open space beside each card, as a compared pair of
// small maps fitted into half a screen each usually is.
import { CARD } from '../generated/protocol';
import type { Actor } from '../model/types';
import { FAR_NAME_ZOOM, actorCardHeight, actorCardWidth, farNameFullSizeZoom, farNameLayout, textUnits } from './card';
import type { Rect, Viewport } from './viewport';

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
   * at most `most`, and never less than `least` (by default the widest card's name room: what every
   * far name had before). Whatever covers the name's start (cards laid over each other) is not in its way.
   */
  room(id: string, left: number, top: number, bottom: number, most: number, least: number = CARD.nameMaxWidth): number {
    const gap = (bottom - top) / 2;
    let end = left + most;
    const inTheWay = (o: Obstacle) => o.id !== id && o.x > left && o.y < bottom && o.y + o.h > top;
    for (const o of this.apart) if (inTheWay(o)) end = Math.min(end, o.x - gap);
    const xs = cellRange(left, end);
    const ys = cellRange(top, bottom);
    // A name this far out or this long cannot be looked up by cells: it keeps the least room it may have.
    if (!xs || !ys) return least;
    // Cells past a nearer obstacle cannot bring the end nearer still.
    for (let cx = xs[0]; cx <= xs[1] && cx * CELL <= end; cx++) {
      for (let cy = ys[0]; cy <= ys[1]; cy++) {
        for (const o of this.cells.get(cellKey(cx, cy)) ?? []) if (inTheWay(o)) end = Math.min(end, o.x - gap);
      }
    }
    return Math.max(least, end - left);
  }

  /**
   * Whether a card or note other than `id` meets `rect`: a name standing out of its small card
   * (see `FarNameLayout.standsOut`) is drawn only where it covers no neighbour, above, below or
   * beside its card; `room` alone lets a name start under cards laid over its own.
   */
  blocked(id: string, rect: Rect): boolean {
    const meets = (o: Obstacle) => o.id !== id && o.x < rect.x + rect.w && o.x + o.w > rect.x && o.y < rect.y + rect.h && o.y + o.h > rect.y;
    if (this.apart.some(meets)) return true;
    const xs = cellRange(rect.x, rect.x + rect.w);
    const ys = cellRange(rect.y, rect.y + rect.h);
    // Too far out or too large to look up: not drawn, rather than drawn over something.
    if (!xs || !ys) return true;
    for (let cx = xs[0]; cx <= xs[1]; cx++) {
      for (let cy = ys[0]; cy <= ys[1]; cy++) {
        if (this.cells.get(cellKey(cx, cy))?.some(meets)) return true;
      }
    }
    return false;
  }
}

type NamedCard = Pick<Actor, 'x' | 'name' | 'influence' | 'alias'>;

/**
 * How many screen pixels the one-line names of `cards`, drawn at `zoom`, may run past the right
 * side of `bounds` (0 or less when none does, or when names are drawn as laid out): what a view
 * fitted to the cards alone would cut at the screen's edge. Neighbours that would stop a name are
 * not counted, so this may keep a little more room than needed.
 */
export function farNameOverhang(cards: Iterable<NamedCard>, bounds: Rect, zoom: number, farNamesBelow: number = FAR_NAME_ZOOM): number {
  if (zoom >= farNamesBelow) return 0;
  const right = bounds.x + bounds.w;
  let most = 0;
  for (const card of cards) {
    const start = card.x - actorCardWidth(card) / 2 + CARD.nameLeft;
    // Only a card within the longest name's reach of the right side can run past it.
    if ((right - start) * zoom >= FAR_NAME_MAX_SCREEN_PX) continue;
    // The line the scene would draw with nothing beside it (`putFarName`), and its width on screen.
    const line = farNameLayout(card.name, zoom, actorCardHeight(card), FAR_NAME_MAX_SCREEN_PX / zoom);
    if (line) most = Math.max(most, (start - right) * zoom + (textUnits(line.line, line.fontSize) / 1000) * zoom);
  }
  return most;
}

/**
 * Fits `bounds` in `viewport` as `Viewport.fit` does, keeping room on the right for the zoomed-out
 * names that would run past it, so that a fitted map's names are not cut by the screen's edge.
 */
export function fitWithFarNames(viewport: Viewport, bounds: Rect | null, padding: number, cards: Iterable<NamedCard>, farNamesBelow: number = FAR_NAME_ZOOM): void {
  viewport.fit(bounds, padding);
  if (!bounds) return;
  const list = [...cards];
  // The room is never bought with the names themselves: the view is not made smaller than where a
  // one-line card's name is still drawn at its full size (nor than it was, if it already was), nor
  // by more than a quarter. On a phone, names cut by the edge can be panned to; names too small to
  // draw could not be read at all.
  const floor = Math.max(Math.min(viewport.zoom, farNameFullSizeZoom(CARD.minHeight)), viewport.zoom * 0.75);
  const most = Math.max(0, viewport.freeArea().w - 2 * padding - floor * Math.max(bounds.w, 1));
  // Keeping room makes the view smaller, which lets the names run further: a few rounds settle it.
  let kept = 0;
  for (let round = 0; round < 4; round++) {
    const needed = Math.min(Math.ceil(farNameOverhang(list, bounds, viewport.zoom, farNamesBelow)), Math.floor(most));
    if (needed <= kept) return;
    kept = needed;
    viewport.fit(bounds, padding, kept);
  }
}
