// The scene renderer during a zoom: the drawing keeps its layout (and text scale) while the view moves, and is laid out at the final zoom once it settles.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BoardModel } from '../src/model/board';
import type { Editor } from '../src/tools/editor';
import { SceneRenderer } from '../src/render/scene';
import { DRAWN_VIEW_OPTIONS } from '../src/render/gesture';
import { Viewport } from '../src/render/viewport';
import { StandInElement, standInDocument } from './standin-dom';

const FRAME_MS = 16;

function setup() {
  const viewport = new Viewport();
  viewport.setSize(1280, 800);
  const renderer = new SceneRenderer({} as BoardModel, {} as Editor, viewport, () => [], (key) => key);
  const root = renderer.root as unknown as StandInElement;
  const world = root.find('k-world')!;
  const drawing = root.find('k-scene')!;
  const frame = root.find('k-scene-frame')!;
  renderer.commitViewport();
  const zoomFrames = (frames: number, factor: number) => {
    for (let i = 0; i < frames; i++) {
      viewport.zoomAt(640, 400, factor);
      renderer.renderViewport();
      vi.advanceTimersByTime(FRAME_MS);
    }
  };
  /** The scale the drawing's elements (and their text) are laid out at. */
  const layoutScale = () => Number(/^matrix\(([^ ]+) /.exec(world.getAttribute('transform')!)![1]);
  return { viewport, drawing, frame, zoomFrames, layoutScale };
}

describe('scene renderer while the view moves', () => {
  beforeAll(() => {
    vi.stubGlobal('document', standInDocument());
  });
  afterAll(() => vi.unstubAllGlobals());
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps the layout during a zoom and lays text out at the final zoom once the gesture settles', () => {
    const { viewport, frame, zoomFrames, layoutScale } = setup();
    expect(layoutScale()).toBe(1);
    zoomFrames(30, 1.03);
    // Mid-gesture: the compositor scales the drawn frame; nothing was laid out again.
    expect(layoutScale()).toBe(1);
    expect(frame.style.transform).toMatch(/^matrix\(2\.4\d*,0,0,2\.4\d*,/);
    vi.advanceTimersByTime(DRAWN_VIEW_OPTIONS.settleMs);
    expect(layoutScale()).toBeCloseTo(viewport.zoom);
    expect(viewport.zoom).toBeCloseTo(1.03 ** 30);
    expect(frame.style.transform).toBe('');
  });

  it('hides text as soon as a zoom goes far out, and shows it again only at the settled zoom', () => {
    const { viewport, drawing, zoomFrames, layoutScale } = setup();
    zoomFrames(45, 1 / 1.03);
    expect(viewport.zoom).toBeLessThan(0.3);
    expect(drawing.classList.contains('k-far')).toBe(true);
    zoomFrames(20, 1.03);
    expect(viewport.zoom).toBeGreaterThan(0.3);
    expect(drawing.classList.contains('k-far')).toBe(true);
    vi.advanceTimersByTime(DRAWN_VIEW_OPTIONS.settleMs);
    expect(drawing.classList.contains('k-far')).toBe(false);
    expect(layoutScale()).toBeCloseTo(viewport.zoom);
  });
});
