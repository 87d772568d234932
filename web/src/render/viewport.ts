// The viewport: which part of the infinite board is on screen (screen = world × zoom + offset).
export interface Point { x: number; y: number }
export interface Rect { x: number; y: number; w: number; h: number }
/** Screen pixels along each side of the view that something floating over it covers. */
export interface Insets { left: number; top: number; right: number; bottom: number }

export const NO_INSETS: Insets = { left: 0, top: 0, right: 0, bottom: 0 };

export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 4;

export class Viewport {
  zoom = 1;
  tx = 0;
  ty = 0;
  width = 800;
  height = 600;
  /**
   * What floating controls (the board's tool bar) cover, asked for when the view is fitted: the
   * fit and the opening view place the map in the rest, so no card opens under the tool bar.
   */
  covered: () => Insets = () => NO_INSETS;
  private readonly listeners = new Set<() => void>();

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setSize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.changed();
  }

  toWorld(sx: number, sy: number): Point {
    return { x: (sx - this.tx) / this.zoom, y: (sy - this.ty) / this.zoom };
  }

  toScreen(x: number, y: number): Point {
    return { x: x * this.zoom + this.tx, y: y * this.zoom + this.ty };
  }

  /** The visible part of the board in world units. */
  visibleWorld(): Rect {
    const topLeft = this.toWorld(0, 0);
    return { x: topLeft.x, y: topLeft.y, w: this.width / this.zoom, h: this.height / this.zoom };
  }

  center(): Point {
    return this.toWorld(this.width / 2, this.height / 2);
  }

  panBy(dx: number, dy: number): void {
    this.tx += dx;
    this.ty += dy;
    this.changed();
  }

  /** Zooms by a factor while keeping the board point under the screen point (sx, sy) still. */
  zoomAt(sx: number, sy: number, factor: number): void {
    const next = clamp(this.zoom * factor, MIN_ZOOM, MAX_ZOOM);
    const world = this.toWorld(sx, sy);
    this.zoom = next;
    this.tx = sx - world.x * next;
    this.ty = sy - world.y * next;
    this.changed();
  }

  zoomBy(factor: number): void {
    this.zoomAt(this.width / 2, this.height / 2, factor);
  }

  /**
   * Shows the given board rectangle as large as fits, never closer than 100 %, keeping `extraRight`
   * screen pixels free beside it on the right (for names that run past the cards, see `far-names.ts`).
   */
  fit(bounds: Rect | null, padding = 48, extraRight = 0): void {
    if (!bounds) return this.showInFreeArea(1, { x: 0, y: 0 });
    const free = this.freeArea();
    const zoom = clamp(
      Math.min((free.w - 2 * padding - extraRight) / Math.max(bounds.w, 1), (free.h - 2 * padding) / Math.max(bounds.h, 1)),
      MIN_ZOOM,
      1,
    );
    this.showInFreeArea(zoom, { x: bounds.x + bounds.w / 2, y: bounds.y + bounds.h / 2 }, extraRight);
  }

  /**
   * Shows the board point `centre` at `zoom` in the middle of the part of the screen nothing floats
   * over, less `extraRight` pixels kept free on its right.
   */
  showInFreeArea(zoom: number, centre: Point, extraRight = 0): void {
    const free = this.freeArea();
    this.zoom = clamp(zoom, MIN_ZOOM, MAX_ZOOM);
    this.tx = free.x + (free.w - extraRight) / 2 - centre.x * this.zoom;
    this.ty = free.y + free.h / 2 - centre.y * this.zoom;
    this.changed();
  }

  /** The part of the screen (px) that nothing floats over: what fitting places the map in. */
  freeArea(): Rect {
    const c = this.covered();
    return { x: c.left, y: c.top, w: Math.max(1, this.width - c.left - c.right), h: Math.max(1, this.height - c.top - c.bottom) };
  }

  /** Shows the board point `centre` in the middle of the screen at `zoom`. */
  show(zoom: number, centre: Point): void {
    this.zoom = clamp(zoom, MIN_ZOOM, MAX_ZOOM);
    this.centerOn(centre.x, centre.y);
  }

  /** Pans (without zooming) so that a board point is in the middle of the screen. */
  centerOn(x: number, y: number): void {
    this.tx = this.width / 2 - x * this.zoom;
    this.ty = this.height / 2 - y * this.zoom;
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

export function unionRect(a: Rect | null, b: Rect): Rect {
  if (!a) return { ...b };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

export function normalizeRect(x0: number, y0: number, x1: number, y1: number): Rect {
  return { x: Math.min(x0, x1), y: Math.min(y0, y1), w: Math.abs(x1 - x0), h: Math.abs(y1 - y0) };
}
