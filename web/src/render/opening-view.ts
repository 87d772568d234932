// Where a board opens: its content at a zoom where names can be read, centred; an empty board at 100 %.
//
// Fitting the whole content (or the whole background) on a phone shrinks a map of a dozen actors
// to 15–30 %, where no name can be read: people then see a ring of empty boxes. A board therefore
// opens no further out than a readable floor, centred on its content, and the rest is a pan away.
import type { Point, Rect } from './viewport';
import { clamp, intersects, unionRect } from './viewport';

/** Below this screen width the device is taken for a phone, whose screen is sharper and held closer. */
export const PHONE_MAX_WIDTH = 600;
/** The least zoom a board opens at: card names (14 px) are then still about 8.5 px on a phone, 10.5 px on a laptop. */
export const OPENING_ZOOM_PHONE = 0.6;
export const OPENING_ZOOM_WIDE = 0.75;
/** Opening never magnifies: a small map is shown at 100 %, as it was drawn. */
export const OPENING_ZOOM_MAX = 1;
/** Room kept free around the content (screen pixels), for the tool rail and the zoom buttons. */
export const OPENING_PADDING_PX = 32;

export interface OpeningView {
  zoom: number;
  /** The board point shown in the middle of the screen. */
  centre: Point;
}

/** The least zoom a board opens at on a screen this wide. */
export function openingZoomFloor(screenWidth: number): number {
  return screenWidth < PHONE_MAX_WIDTH ? OPENING_ZOOM_PHONE : OPENING_ZOOM_WIDE;
}

/**
 * The view a board opens with on a `width` × `height` screen, given the bounds of each of its
 * elements (actors, notes, sketches; not the background): all of them when that leaves names
 * readable, else the middle of them at the readable floor. When the middle of the content is empty
 * (two clusters far apart), the element nearest it is centred, so the screen never opens empty.
 */
export function openingView(elements: readonly Rect[], width: number, height: number): OpeningView {
  let bounds: Rect | null = null;
  for (const rect of elements) bounds = unionRect(bounds, rect);
  if (!bounds) return { zoom: 1, centre: { x: 0, y: 0 } };
  const fitted = Math.min(
    (width - 2 * OPENING_PADDING_PX) / Math.max(bounds.w, 1),
    (height - 2 * OPENING_PADDING_PX) / Math.max(bounds.h, 1),
  );
  const zoom = clamp(fitted, openingZoomFloor(width), OPENING_ZOOM_MAX);
  let centre = { x: bounds.x + bounds.w / 2, y: bounds.y + bounds.h / 2 };
  if (zoom > fitted) {
    const shown = { x: centre.x - width / 2 / zoom, y: centre.y - height / 2 / zoom, w: width / zoom, h: height / zoom };
    if (!elements.some((rect) => intersects(rect, shown))) centre = centreOf(nearest(elements, centre));
  }
  return { zoom, centre };
}

function centreOf(rect: Rect): Point {
  return { x: rect.x + rect.w / 2, y: rect.y + rect.h / 2 };
}

function nearest(elements: readonly Rect[], point: Point): Rect {
  let best = elements[0]!;
  let bestDistance = Infinity;
  for (const rect of elements) {
    const c = centreOf(rect);
    const distance = Math.hypot(c.x - point.x, c.y - point.y);
    if (distance < bestDistance) {
      best = rect;
      bestDistance = distance;
    }
  }
  return best;
}
