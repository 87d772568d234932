//! The compare page's two maps: their views moving together, an item centred on both, and the marks of what differs.
import type { MapRef } from '../access/links';
import type { CompareCategory, ComparedItem, MapComparison } from '../model/compare-maps';
import { unionRect } from '../render/viewport';
import { openingZoomFloor } from '../render/opening-view';
import { fitWithFarNames } from '../render/far-names';
import { READ_ONLY_FAR_NAME_ZOOM } from '../render/card';
import type { ElementMark, MapPane } from './map-pane';

/**
 * One look per category, used on both drawings and in the list (an Okabe–Ito-like palette, each
 * at least 3:1 against the board, and never colour alone: a sign and an outline pattern too).
 */
export const CATEGORY_LOOK: Record<CompareCategory, { color: string; sign: string; dash: string | null }> = {
  onlyLeft: { color: '#c25100', sign: '←', dash: '7 4' },
  onlyRight: { color: '#0072b2', sign: '→', dash: null },
  different: { color: '#a1447e', sign: '≠', dash: '2 3' },
  both: { color: '#3f4a56', sign: '=', dash: null },
};

export interface Side {
  ref: MapRef;
  /** The board the map is (or is a snapshot of). */
  boardId: string;
  title: string;
  pane: MapPane;
}

export class SyncedPanes {
  /** Where the right view's centre is relative to the left one's, in board units (kept while panning). */
  private offset = { x: 0, y: 0 };
  /** Set while one view is being moved to follow the other, so the follower does not lead back. */
  private syncing = false;
  private readonly cleanups: (() => void)[];

  constructor(readonly left: Side, readonly right: Side) {
    this.cleanups = [
      left.pane.viewport.onChange(() => this.follow(left, right, 1)),
      right.pane.viewport.onChange(() => this.follow(right, left, -1)),
    ];
  }

  destroy(): void {
    this.cleanups.forEach((c) => c());
    this.left.pane.destroy();
    this.right.pane.destroy();
  }

  /** Fits both views to both maps and lets them draw. */
  fitBoth(): void {
    const a = this.left.pane.contentBounds();
    const b = this.right.pane.contentBounds();
    const both = a && b ? unionRect(a, b) : a ?? b;
    this.offset = { x: 0, y: 0 };
    const cards = [...this.left.pane.model.actors.values(), ...this.right.pane.model.actors.values()];
    fitWithFarNames(this.left.pane.viewport, both, 24, cards, READ_ONLY_FAR_NAME_ZOOM);
    this.left.pane.startDrawing();
    this.right.pane.startDrawing();
  }

  /** Centres the item on both sides (each its own copy); from then on the views keep that offset. */
  centreOn(item: ComparedItem): void {
    const leftAt = item.leftId ? this.left.pane.positionOf(item.leftId) : null;
    const rightAt = item.rightId ? this.right.pane.positionOf(item.rightId) : null;
    // As close as a board opens (its names 10–12 px on screen): fitted to two maps, the cards are
    // often so small that they show their names on one line only, and at the line between the two
    // (50 %) a card's own name is 7 px.
    const zoom = Math.max(this.left.pane.viewport.zoom, openingZoomFloor(this.left.pane.viewport.width));
    this.syncing = true;
    try {
      if (leftAt) this.left.pane.viewport.show(zoom, leftAt);
      if (rightAt) this.right.pane.viewport.show(zoom, rightAt);
    } finally {
      this.syncing = false;
    }
    if (leftAt && rightAt) {
      this.offset = { x: rightAt.x - leftAt.x, y: rightAt.y - leftAt.y };
    } else if (leftAt) this.follow(this.left, this.right, 1);
    else if (rightAt) this.follow(this.right, this.left, -1);
  }

  /** Marks what differs on both drawings, and the chosen item (`focusedKey`) whatever its category. */
  drawMarks(comparison: MapComparison, focusedKey: string | null): void {
    const leftMarks: ElementMark[] = [];
    const rightMarks: ElementMark[] = [];
    let focusedLeft: string | null = null;
    let focusedRight: string | null = null;
    for (const item of [...comparison.actors, ...comparison.relations]) {
      const focused = item.key === focusedKey;
      // Equal elements stay unmarked, so what differs stands out; one is marked only while chosen.
      if (item.category === 'both' && !focused) continue;
      const look = CATEGORY_LOOK[item.category];
      const mark = (id: string) => ({ id, color: look.color, dash: look.dash, badge: look.sign });
      if (item.leftId) leftMarks.push(mark(item.leftId));
      if (item.rightId) rightMarks.push(mark(item.rightId));
      if (focused) {
        focusedLeft = item.leftId;
        focusedRight = item.rightId;
      }
    }
    this.left.pane.setMarks(leftMarks, focusedLeft);
    this.right.pane.setMarks(rightMarks, focusedRight);
  }

  /** Moves `to` with `from`: the same zoom, and the centre at the same place plus the kept offset. */
  private follow(from: Side, to: Side, sign: 1 | -1): void {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const centre = from.pane.viewport.center();
      to.pane.viewport.zoom = from.pane.viewport.zoom;
      to.pane.viewport.centerOn(centre.x + sign * this.offset.x, centre.y + sign * this.offset.y);
    } finally {
      this.syncing = false;
    }
  }
}
