// Where a board opens: its content at a zoom where names can be read, centred; an empty board at 100 %.
//
// Fitting the whole content (or the whole background) on a phone shrinks a map of a dozen actors
// to 15–30 %, where no name can be read: people then see a ring of empty boxes. A board therefore
// opens no further out than a readable floor, centred on its content, and the rest is a pan away.
import type { Insets, Point, Rect } from './viewport';
import { NO_INSETS, clamp, intersects, unionRect } from './viewport';

/** Below this screen width the device is taken for a phone, whose screen is sharper and held closer. */
export const PHONE_MAX_WIDTH = 600;
/**
 * The least zoom a board opens at. On a phone names are then 11.9 px on screen (a wrapped name's 12
 * units 10.2 px): at 60 % they were 8 px, readable only with effort on a small screen held in the
 * hand; a phone user pans and pinches anyway, so the opening view shows fewer cards, legibly.
 * On a laptop names are 10.5 px (wrapped 9 px), and far more of the map is in view.
 */
export const OPENING_ZOOM_PHONE = 0.85;
export const OPENING_ZOOM_WIDE = 0.75;
/** Opening never magnifies: a small map is shown at 100 %, as it was drawn. */
export const OPENING_ZOOM_MAX = 1;
/** Room kept free around the content (screen pixels), for the tool rail and the zoom buttons. */
export const OPENING_PADDING_PX = 32;
/**
 * When the content is larger than the screen, no card may be cut by the screen's edge at opening
 * (half a card reads as a mistake): each is either whole, this far inside the edge, or off screen.
 */
export const OPENING_EDGE_MARGIN_PX = 8;
/** How many of the nearest shifts per axis are tried to leave no card cut. */
const UNCUT_CANDIDATES = 40;

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
 * The view a board opens with in a `width` × `height` free area (the screen less what floats over
 * it, `covered`), given the bounds of each of its elements (actors, notes, sketches; not the
 * background): all of them when that leaves names readable, else the middle of them at the readable
 * floor. When the middle of the content is empty (two clusters far apart), the element nearest it is
 * centred, so the screen never opens empty.
 */
export function openingView(elements: readonly Rect[], width: number, height: number, covered: Insets = NO_INSETS): OpeningView {
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
    centre = uncutCentre(elements, centre, zoom, width, height, covered);
  }
  return { zoom, centre };
}

/** The board area a `width` × `height` screen shows around `centre` at `zoom`. */
function shownArea(centre: Point, zoom: number, width: number, height: number): Rect {
  return { x: centre.x - width / 2 / zoom, y: centre.y - height / 2 / zoom, w: width / zoom, h: height / zoom };
}

/** The whole screen around the free area `area` shown at `zoom`: the free area and the covered margins. */
function screenAround(area: Rect, zoom: number, covered: Insets): Rect {
  const { left, top, right, bottom } = covered;
  return { x: area.x - left / zoom, y: area.y - top / zoom, w: area.w + (left + right) / zoom, h: area.h + (top + bottom) / zoom };
}

/**
 * How many elements the screen cuts: visible anywhere on `screen` (beside a tool bar too) but not
 * whole inside the free `area`, less the margin.
 */
function cutCount(elements: readonly Rect[], area: Rect, screen: Rect, margin: number): number {
  const inner = { x: area.x + margin, y: area.y + margin, w: area.w - 2 * margin, h: area.h - 2 * margin };
  let cut = 0;
  for (const r of elements) {
    const whole = r.x >= inner.x && r.y >= inner.y && r.x + r.w <= inner.x + inner.w && r.y + r.h <= inner.y + inner.h;
    if (!whole && intersects(r, screen)) cut++;
  }
  return cut;
}

/**
 * Shifts along one axis (board units) that take an element's edge just inside the free area's edges
 * or just beyond the screen's (`beyondLow`, `beyondHigh`: the covered margins), nearest first, no
 * further than half the free area (the content's middle stays in view).
 */
function shiftsOf(
  elements: readonly Rect[], start: (r: Rect) => number, size: (r: Rect) => number,
  centre: number, half: number, margin: number, beyondLow: number, beyondHigh: number,
): number[] {
  const limit = half;
  const shifts = new Set<number>([0]);
  for (const r of elements) {
    const lo = start(r);
    const hi = lo + size(r);
    // The free area's low edge just before the element (whole inside) or the screen's just after it
    // (off screen); the high edges likewise.
    for (const edgeAt of [lo - margin + half, hi + 1 + half + beyondLow, hi + margin - half, lo - 1 - half - beyondHigh]) {
      const shift = Math.round(edgeAt - centre);
      if (Math.abs(shift) <= limit) shifts.add(shift);
    }
  }
  return [...shifts].sort((a, b) => Math.abs(a) - Math.abs(b) || a - b).slice(0, UNCUT_CANDIDATES);
}

/**
 * The centre nearest `centre` at which the screen cuts no card in two (or cuts the fewest): each
 * card is whole in the free area or nowhere on the screen, not even beside the tool bar. Shifted
 * along each axis by at most half the free area, so the middle of the content stays in view.
 */
function uncutCentre(elements: readonly Rect[], centre: Point, zoom: number, width: number, height: number, covered: Insets): Point {
  const margin = OPENING_EDGE_MARGIN_PX / zoom;
  const halfW = width / 2 / zoom;
  const halfH = height / 2 / zoom;
  const xs = shiftsOf(elements, (r) => r.x, (r) => r.w, centre.x, halfW, margin, covered.left / zoom, covered.right / zoom);
  const ys = shiftsOf(elements, (r) => r.y, (r) => r.h, centre.y, halfH, margin, covered.top / zoom, covered.bottom / zoom);
  let best = centre;
  let bestCut = Infinity;
  let bestDistance = Infinity;
  for (const dx of xs) {
    for (const dy of ys) {
      const distance = Math.abs(dx) / halfW + Math.abs(dy) / halfH;
      if (bestCut === 0 && distance >= bestDistance) continue;
      const candidate = { x: centre.x + dx, y: centre.y + dy };
      const area = shownArea(candidate, zoom, width, height);
      // A shift that leaves nothing on screen is no opening view.
      if (!elements.some((r) => intersects(r, area))) continue;
      const cut = cutCount(elements, area, screenAround(area, zoom, covered), margin);
      if (cut < bestCut || (cut === bestCut && distance < bestDistance)) {
        best = candidate;
        bestCut = cut;
        bestDistance = distance;
      }
    }
  }
  return best;
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
