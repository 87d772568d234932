// How the drawing follows a moving view: moved by the compositor, drawn further out, or redrawn at the new zoom.
// Knows nothing of the DOM: the scene renderer applies what it decides (and tests drive it with a fake clock).
import type { Rect } from './viewport';

/** The part of a viewport this needs: screen = board × zoom + (tx, ty), on a width × height screen. */
export interface ViewState { zoom: number; tx: number; ty: number; width: number; height: number }

export interface DrawnViewOptions {
  /** How far around the view (in screen pixels) elements are drawn, so that a pan shows drawn content at its edges. */
  marginPx: number;
  /** A pan or zoom is one gesture while the view keeps changing; after this long without a change it has settled. */
  settleMs: number;
}

export const DRAWN_VIEW_OPTIONS: DrawnViewOptions = { marginPx: 320, settleMs: 150 };

/** Moves the frame drawn for one view to where another view puts it: screen' = screen × scale + (dx, dy). */
export interface FrameMove { scale: number; dx: number; dy: number }

/** What to do for a view that moved since the drawing was laid out. */
export interface ViewStep {
  move: FrameMove;
  /** The view left the drawn area (a pan past the margin, or zooming out): draw this larger area, at the drawn scale. */
  extendTo: Rect | null;
}

/**
 * The drawing's layout depends on its zoom: Chromium lays SVG text out again for every new scale, which
 * costs about a quarter of a millisecond per text element (a hundred cards in view make a 50–100 ms
 * frame). So during a gesture the drawing keeps the scale it was laid out for and is only moved and
 * scaled as a whole by the compositor; if the view outgrows what was drawn, more elements are drawn
 * at that same scale. Once the view has stood still for `settleMs`, `redraw` lays the drawing out at
 * the final zoom, so text is crisp at the scale it is read at.
 */
export class DrawnView {
  private frame: { zoom: number; tx: number; ty: number; area: Rect } | null = null;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly redraw: () => void, readonly options: DrawnViewOptions = DRAWN_VIEW_OPTIONS) {}

  /** The zoom the drawing was last laid out for (null before the first drawing). */
  get drawnZoom(): number | null {
    return this.frame?.zoom ?? null;
  }

  /** The board area the drawing covers (elements outside it are culled). */
  get drawnArea(): Rect | null {
    return this.frame ? { ...this.frame.area } : null;
  }

  /** True between a change of the view and the redraw at its end. */
  get settling(): boolean {
    return this.settleTimer !== null;
  }

  /** The drawing was just laid out for `view`: returns the board area to draw around it. */
  drawnAt(view: ViewState): Rect {
    this.cancelSettle();
    const area = areaAround(view, this.options.marginPx);
    this.frame = { zoom: view.zoom, tx: view.tx, ty: view.ty, area };
    return { ...area };
  }

  /**
   * The view moved. Returns how to move the drawn frame (and what to draw further out), or null when
   * nothing is drawn yet and the caller should draw now. Schedules the redraw at the gesture's end.
   */
  moved(view: ViewState): ViewStep | null {
    const frame = this.frame;
    if (!frame) return null;
    const move = frameMove(frame, view);
    let extendTo: Rect | null = null;
    if (!containsRect(frame.area, visibleArea(view))) {
      extendTo = areaAround(view, this.options.marginPx);
      frame.area = { ...extendTo };
    }
    // Back at the drawn view with nothing pending (e.g. a full render with an unchanged view): nothing to redraw.
    if (move.scale === 1 && move.dx === 0 && move.dy === 0 && !extendTo && !this.settling) return { move, extendTo };
    this.cancelSettle();
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.redraw();
    }, this.options.settleMs);
    return { move, extendTo };
  }

  /** Forgets a pending redraw (the drawing is being redrawn now, or the renderer goes away). */
  cancelSettle(): void {
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = null;
  }
}

/** The board area a view shows. */
export function visibleArea(view: ViewState): Rect {
  return { x: -view.tx / view.zoom, y: -view.ty / view.zoom, w: view.width / view.zoom, h: view.height / view.zoom };
}

/** The board area a view shows, grown by `marginPx` screen pixels on every side. */
export function areaAround(view: ViewState, marginPx: number): Rect {
  const visible = visibleArea(view);
  const margin = marginPx / view.zoom;
  return { x: visible.x - margin, y: visible.y - margin, w: visible.w + 2 * margin, h: visible.h + 2 * margin };
}

/** Where the frame drawn for `drawn` goes on screen for `view`. */
export function frameMove(drawn: { zoom: number; tx: number; ty: number }, view: ViewState): FrameMove {
  const scale = view.zoom / drawn.zoom;
  return { scale, dx: view.tx - drawn.tx * scale, dy: view.ty - drawn.ty * scale };
}

export function containsRect(outer: Rect, inner: Rect): boolean {
  return outer.x <= inner.x && outer.y <= inner.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}
