// During a pan or zoom the drawing keeps the scale it was laid out for, and is laid out at the final zoom once the view settles.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { containsRect, DrawnView, visibleArea, type ViewStep } from '../src/render/gesture';
import { Viewport } from '../src/render/viewport';

const FRAME_MS = 16;

/** A viewport at 100 % and a DrawnView whose redraw does what the scene renderer does: lay out at the current view. */
function setup() {
  const viewport = new Viewport();
  viewport.setSize(1280, 800);
  const redraws: number[] = [];
  const drawn: DrawnView = new DrawnView(() => {
    redraws.push(viewport.zoom);
    drawn.drawnAt(viewport);
  });
  drawn.drawnAt(viewport);
  /** Moves the view once per frame, as a trackpad gesture does, and returns each step's decision. */
  const gesture = (frames: number, move: (v: Viewport) => void): ViewStep[] => {
    const steps: ViewStep[] = [];
    for (let i = 0; i < frames; i++) {
      move(viewport);
      steps.push(drawn.moved(viewport)!);
      vi.advanceTimersByTime(FRAME_MS);
    }
    return steps;
  };
  const zoomBy = (factor: number) => (v: Viewport) => v.zoomAt(v.width / 2, v.height / 2, factor);
  return { viewport, drawn, redraws, gesture, zoomBy };
}

describe('drawn view', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('scales the drawn frame during a zoom in and lays it out once at the final zoom when the gesture settles', () => {
    const { viewport, drawn, redraws, gesture, zoomBy } = setup();
    // 40 frames of 3 % each: 3.3×, far past any single re-render threshold.
    const steps = gesture(40, zoomBy(1.03));
    expect(redraws).toEqual([]);
    expect(drawn.drawnZoom).toBe(1);
    expect(steps.every((s) => s.extendTo === null)).toBe(true);
    const last = steps[steps.length - 1]!.move;
    expect(last.scale).toBeCloseTo(viewport.zoom);
    // The frame's centre stays at the screen's centre: screen' = screen × scale + (dx, dy).
    expect(640 * last.scale + last.dx).toBeCloseTo(640);
    expect(400 * last.scale + last.dy).toBeCloseTo(400);

    vi.advanceTimersByTime(drawn.options.settleMs - FRAME_MS - 1);
    expect(redraws).toEqual([]);
    vi.advanceTimersByTime(1);
    // One layout, at the zoom the gesture ended on: text is shaped for the scale it is read at.
    expect(redraws).toEqual([viewport.zoom]);
    expect(drawn.drawnZoom).toBe(viewport.zoom);
    expect(drawn.settling).toBe(false);
    expect(drawn.moved(viewport)!.move).toEqual({ scale: 1, dx: 0, dy: 0 });
    vi.advanceTimersByTime(1000);
    expect(redraws).toHaveLength(1);
  });

  it('draws further out at the drawn scale when zooming out past the drawn margin', () => {
    const { viewport, drawn, redraws, gesture, zoomBy } = setup();
    const steps = gesture(30, zoomBy(1 / 1.03));
    const extended = steps.filter((s) => s.extendTo !== null);
    expect(extended.length).toBeGreaterThan(0);
    // Within the margin (the first frames) nothing more is drawn.
    expect(steps[0]!.extendTo).toBeNull();
    // Whatever the view shows is always drawn, and none of it needed a new layout of what was drawn.
    expect(containsRect(drawn.drawnArea!, visibleArea(viewport))).toBe(true);
    expect(drawn.drawnZoom).toBe(1);
    expect(redraws).toEqual([]);
    vi.advanceTimersByTime(drawn.options.settleMs);
    expect(redraws).toEqual([viewport.zoom]);
  });

  it('moves the frame within the margin during a pan and draws more past it', () => {
    const { drawn, redraws, gesture } = setup();
    const steps = gesture(32, (v) => v.panBy(-10, 0));
    expect(steps[0]!.move).toEqual({ scale: 1, dx: -10, dy: 0 });
    // The margin is 320 px: 32 frames of 10 px reach its edge, the next one needs more drawn.
    expect(steps.every((s) => s.extendTo === null)).toBe(true);
    expect(gesture(1, (v) => v.panBy(-10, 0))[0]!.extendTo).not.toBeNull();
    expect(redraws).toEqual([]);
    vi.advanceTimersByTime(drawn.options.settleMs);
    expect(redraws).toHaveLength(1);
  });

  it('schedules nothing for a view that did not move', () => {
    const { viewport, drawn, redraws } = setup();
    expect(drawn.moved(viewport)).toEqual({ move: { scale: 1, dx: 0, dy: 0 }, extendTo: null });
    expect(drawn.settling).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(redraws).toEqual([]);
  });

  it('asks for a drawing before anything was drawn', () => {
    expect(new DrawnView(() => {}).moved(new Viewport())).toBeNull();
  });
});
