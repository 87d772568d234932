// Hit testing in board coordinates, without the DOM, so tools can be tested headless.
import type { BoardModel } from '../model/board';
import { actorCardHeight, actorCardWidth } from '../render/card';
import type { Actor, Note, Stroke } from '../model/types';
import type { Rect } from '../render/viewport';
import { intersects } from '../render/viewport';
import type { ActorKind } from '../generated/protocol';

export type Hit = { type: 'actor' | 'relation' | 'note' | 'stroke'; id: string };

/** The card as drawn: as wide and as tall as its name needs, centred on the actor's position. */
export function actorRect(actor: Pick<Actor, 'x' | 'y' | 'name' | 'influence' | 'alias'>, dx = 0, dy = 0): Rect {
  const w = actorCardWidth(actor);
  const h = actorCardHeight(actor);
  return { x: actor.x + dx - w / 2, y: actor.y + dy - h / 2, w, h };
}

export function noteRect(note: Note, dx = 0, dy = 0): Rect {
  return { x: note.x + dx, y: note.y + dy, w: note.w, h: note.h };
}

export function strokeBounds(stroke: Stroke): Rect {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i + 1 < stroke.points.length; i += 3) {
    minX = Math.min(minX, stroke.points[i]!);
    maxX = Math.max(maxX, stroke.points[i]!);
    minY = Math.min(minY, stroke.points[i + 1]!);
    maxY = Math.max(maxY, stroke.points[i + 1]!);
  }
  if (minX === Infinity) return { x: 0, y: 0, w: 0, h: 0 };
  const pad = stroke.width / 2;
  return { x: minX - pad, y: minY - pad, w: maxX - minX + 2 * pad, h: maxY - minY + 2 * pad };
}

function inside(rect: Rect, x: number, y: number): boolean {
  return x >= rect.x && x <= rect.x + rect.w && y >= rect.y && y <= rect.y + rect.h;
}

export function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

export function strokeNear(stroke: Stroke, x: number, y: number, tolerance: number): boolean {
  const p = stroke.points;
  const reach = tolerance + stroke.width / 2;
  if (p.length < 6) return p.length >= 2 && Math.hypot(p[0]! - x, p[1]! - y) <= reach;
  for (let i = 0; i + 5 < p.length; i += 3) {
    if (distanceToSegment(x, y, p[i]!, p[i + 1]!, p[i + 3]!, p[i + 4]!) <= reach) return true;
  }
  return false;
}

/**
 * The topmost element at a board point. Actors win over everything (they are what people grab),
 * then text labels, relations, strokes and sticky notes. `tolerance` is in board units.
 */
export function hitTest(
  model: BoardModel, x: number, y: number, tolerance: number, hiddenKinds: ReadonlySet<ActorKind> = new Set(),
  hiddenIds: ReadonlySet<string> = new Set(),
): Hit | null {
  const actors = [...model.actors.values()].reverse();
  for (const actor of actors) {
    if (!hiddenKinds.has(actor.kind) && !hiddenIds.has(actor.id) && inside(actorRect(actor), x, y)) return { type: 'actor', id: actor.id };
  }
  for (const note of model.notes.values()) {
    if (note.variant === 'label' && inside(noteRect(note), x, y)) return { type: 'note', id: note.id };
  }
  for (const relation of model.liveRelations()) {
    const a = model.actors.get(relation.from)!;
    const b = model.actors.get(relation.to)!;
    if (hiddenKinds.has(a.kind) || hiddenKinds.has(b.kind) || hiddenIds.has(relation.id)) continue;
    if (distanceToSegment(x, y, a.x, a.y, b.x, b.y) <= tolerance) return { type: 'relation', id: relation.id };
  }
  for (const stroke of [...model.strokes.values()].reverse()) {
    if (strokeNear(stroke, x, y, tolerance)) return { type: 'stroke', id: stroke.id };
  }
  for (const note of [...model.notes.values()].reverse()) {
    if (note.variant === 'sticky' && inside(noteRect(note), x, y)) return { type: 'note', id: note.id };
  }
  return null;
}

/** Everything whose bounds meet a rectangle (box selection). Relations are not box-selected. */
export function elementsInRect(
  model: BoardModel, rect: Rect, hiddenKinds: ReadonlySet<ActorKind> = new Set(), hiddenIds: ReadonlySet<string> = new Set(),
): string[] {
  const out: string[] = [];
  for (const actor of model.actors.values()) {
    if (!hiddenKinds.has(actor.kind) && !hiddenIds.has(actor.id) && intersects(actorRect(actor), rect)) out.push(actor.id);
  }
  for (const note of model.notes.values()) if (intersects(noteRect(note), rect)) out.push(note.id);
  for (const stroke of model.strokes.values()) if (intersects(strokeBounds(stroke), rect)) out.push(stroke.id);
  return out;
}

/** The bounds of each element drawn on the board (actors, notes, sketches), not of its background. */
export function elementRects(model: BoardModel): Rect[] {
  const rects: Rect[] = [];
  for (const actor of model.actors.values()) rects.push(actorRect(actor));
  for (const note of model.notes.values()) rects.push(noteRect(note));
  for (const stroke of model.strokes.values()) rects.push(strokeBounds(stroke));
  return rects;
}

/** The bounds of everything on the board, or null for an empty board. */
export function boardBounds(model: BoardModel): Rect | null {
  let bounds: Rect | null = null;
  const grow = (r: Rect) => {
    if (!bounds) bounds = { ...r };
    else {
      const x = Math.min(bounds.x, r.x);
      const y = Math.min(bounds.y, r.y);
      bounds = { x, y, w: Math.max(bounds.x + bounds.w, r.x + r.w) - x, h: Math.max(bounds.y + bounds.h, r.y + r.h) - y };
    }
  };
  for (const actor of model.actors.values()) grow(actorRect(actor));
  for (const note of model.notes.values()) grow(noteRect(note));
  for (const stroke of model.strokes.values()) grow(strokeBounds(stroke));
  return bounds;
}

/** The connect handle on the right edge of a selected actor: dragging it draws a relation. */
export function connectHandle(actor: Actor, dx = 0, dy = 0): { x: number; y: number } {
  return { x: actor.x + dx + actorCardWidth(actor) / 2, y: actor.y + dy };
}

/** Radius of the connect handle, in screen pixels (generous for fingers). */
export const HANDLE_RADIUS_PX = 11;

/** Where a line from the centre of one card (`width` × `height`) towards (tx, ty) leaves the card, with a small gap. */
export function cardExit(cx: number, cy: number, tx: number, ty: number, width: number, height: number): { x: number; y: number } | null {
  const dx = tx - cx;
  const dy = ty - cy;
  const hw = width / 2 + 4;
  const hh = height / 2 + 4;
  const s = Math.min(dx === 0 ? Infinity : hw / Math.abs(dx), dy === 0 ? Infinity : hh / Math.abs(dy));
  if (!Number.isFinite(s) || s >= 0.5) return null;
  return { x: cx + dx * s, y: cy + dy * s };
}

/** Where a relation's line meets its two cards (its draggable endpoints), or null when the cards overlap. */
export function relationEnds(model: BoardModel, relationId: string): { from: { x: number; y: number }; to: { x: number; y: number } } | null {
  const relation = model.relations.get(relationId);
  const a = relation && model.actors.get(relation.from);
  const b = relation && model.actors.get(relation.to);
  if (!a || !b) return null;
  const from = cardExit(a.x, a.y, b.x, b.y, actorCardWidth(a), actorCardHeight(a));
  const to = cardExit(b.x, b.y, a.x, a.y, actorCardWidth(b), actorCardHeight(b));
  return from && to ? { from, to } : null;
}
