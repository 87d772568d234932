//! A cheap drawing of a whole board seen from far out: cards as plain coloured boxes and relations as
//! lines, a few SVG paths in all. The compare page's panes draw it below `OVERVIEW_ZOOM` instead of
//! the full cards; the board page keeps its own scene (render/scene.ts).
import type { BoardModel } from '../model/board';
import type { ActorKind } from '../generated/protocol';
import { actorRect, noteRect } from '../tools/hit';
import { ACTOR_STYLE, RELATION_COLOR, STRENGTH_WIDTH } from './style';
import { strokeNode } from './elements';
import { svg } from './svg';

/**
 * Below this zoom a card (96 to 184 board units wide) is under 20 to 37 screen pixels: too narrow for a name a
 * person could read, so a box in its kind's colour says as much as the full card, at a fraction of
 * the cost. Two fitted 500-actor maps sit near 0.1.
 */
export const OVERVIEW_ZOOM = 0.2;

/**
 * One `<g>` holding the overview of one board. Paths are batched by look (one per actor kind, one
 * per relation colour and width), so a board of thousands of elements is a few dozen nodes for the
 * browser to style, lay out and rasterise.
 */
export class OverviewLayer {
  readonly group: SVGGElement = svg('g', { class: 'k-layer-overview' });
  /** The model revision drawn last: the overview is rebuilt only when the board changed. */
  private drawnRevision = -1;

  constructor(private readonly model: BoardModel) {}

  /** Draws the board as it is now, unless it has not changed since the last call. */
  render(): void {
    if (this.model.revision === this.drawnRevision) return;
    this.drawnRevision = this.model.revision;
    const nodes: SVGElement[] = [];
    const relationPaths = new Map<string, { color: string; width: number; d: string[] }>();
    for (const relation of this.model.liveRelations()) {
      const a = this.model.actors.get(relation.from)!;
      const b = this.model.actors.get(relation.to)!;
      const color = RELATION_COLOR[relation.kind];
      const width = STRENGTH_WIDTH[relation.strength];
      const key = `${color}|${width}`;
      // Centre to centre: the cards are drawn over the line's ends, so no exit point is needed.
      const d = `M${a.x} ${a.y}L${b.x} ${b.y}`;
      const entry = relationPaths.get(key);
      if (entry) entry.d.push(d);
      else relationPaths.set(key, { color, width, d: [d] });
    }
    for (const { color, width, d } of relationPaths.values()) {
      nodes.push(svg('path', { class: 'k-overview-relations', d: d.join(''), fill: 'none', stroke: color, 'stroke-width': width, 'stroke-opacity': 0.7 }));
    }
    const notePaths = new Map<string, string[]>();
    for (const note of this.model.notes.values()) {
      // A label is text only, and text cannot be read this far out.
      if (note.variant === 'label') continue;
      const r = noteRect(note);
      const color = note.color || '#fff3b0';
      const list = notePaths.get(color) ?? [];
      list.push(box(r.x, r.y, r.w, r.h));
      notePaths.set(color, list);
    }
    for (const [color, d] of notePaths) nodes.push(svg('path', { class: 'k-overview-notes', d: d.join(''), fill: color, stroke: '#0f172a', 'stroke-opacity': 0.12 }));
    for (const stroke of this.model.strokes.values()) nodes.push(strokeNode(stroke, ''));
    const cardPaths = new Map<ActorKind, string[]>();
    for (const actor of this.model.actors.values()) {
      const r = actorRect(actor);
      const list = cardPaths.get(actor.kind) ?? [];
      list.push(box(r.x, r.y, r.w, r.h));
      cardPaths.set(actor.kind, list);
    }
    for (const [kind, d] of cardPaths) {
      const color = ACTOR_STYLE[kind].color;
      nodes.push(svg('path', { class: 'k-overview-cards', 'data-kind': kind, d: d.join(''), fill: color, 'fill-opacity': 0.85, stroke: '#ffffff', 'stroke-width': 4 }));
    }
    this.group.replaceChildren(...nodes);
  }
}

function box(x: number, y: number, w: number, h: number): string {
  return `M${x} ${y}h${w}v${h}h${-w}z`;
}
