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

interface Obstacle extends Rect {
  id: string;
}

/** Cards and notes by grid cell, for asking what lies to the right of a name; built once per drawing pass. */
export class FarNameRooms {
  private readonly cells = new Map<string, Obstacle[]>();

  add(id: string, rect: Rect): void {
    const obstacle = { id, ...rect };
    for (let cx = Math.floor(rect.x / CELL); cx <= Math.floor((rect.x + rect.w) / CELL); cx++) {
      for (let cy = Math.floor(rect.y / CELL); cy <= Math.floor((rect.y + rect.h) / CELL); cy++) {
        const key = `${cx},${cy}`;
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
    for (let cx = Math.floor(left / CELL); cx <= Math.floor(end / CELL); cx++) {
      for (let cy = Math.floor(top / CELL); cy <= Math.floor(bottom / CELL); cy++) {
        for (const o of this.cells.get(`${cx},${cy}`) ?? []) {
          if (o.id === id || o.x <= left || o.y >= bottom || o.y + o.h <= top) continue;
          end = Math.min(end, o.x - gap);
        }
      }
    }
    return Math.max(CARD.nameMaxWidth, end - left);
  }
}
