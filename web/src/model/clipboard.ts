//! What copy, cut, paste and duplicate carry: a versioned JSON payload of board elements, read back with every field checked.
//
// The payload leaves the page (the system clipboard, localStorage), so whatever comes back is
// treated as hostile: an unknown format, a newer version, too many elements or a malformed field
// refuses the whole payload rather than pasting half of it.
import {
  ACTOR_KIND_CODES, COORDINATION_CODES, DIRECTION_CODES, NOTE_VARIANT_CODES, RELATION_KIND_CODES,
  RELATION_STATUS_CODES, STANCE_CODES, STRENGTH_CODES, STROKE_TOOL_CODES,
} from '../generated/protocol';
import type { ActorKind } from '../generated/protocol';
import type { Actor, Note, Relation, Stroke } from './types';
import { ACTOR_MAX_WIDTH } from './types';
import type { BoardModel } from './board';
import { actorRect, noteRect, strokeBounds } from '../tools/hit';
import type { Rect } from '../render/viewport';
import { intersects, unionRect } from '../render/viewport';

export const CLIPBOARD_FORMAT = 'kartta/elements';
export const CLIPBOARD_VERSION = 1;

/** Beyond these a payload is refused: a paste that size is an accident or an attack, not an idea moving between boards. */
export const CLIPBOARD_LIMITS = {
  /** Characters of the JSON text. */
  textLength: 2_000_000,
  elements: 2000,
  /** Characters of a name, label, description, alias or tag (the name field's own limit is 120). */
  fieldLength: 2000,
  noteLength: 10_000,
  tags: 50,
  /** Numbers of one stroke (x, y, pressure per point). */
  strokePoints: 30_000,
  /** How far from the origin a coordinate may be. */
  coordinate: 1_000_000,
} as const;

/** Pasted plain text becomes one actor per line, at most this many lines, each name at most this long. */
export const TEXT_PASTE_LIMITS = { lines: 50, nameLength: 120 } as const;

type ActorData = Omit<Actor, 'sources'>;
type RelationData = Omit<Relation, 'sources' | 'otherKinds'>;

/** Copied elements keep their old ids only so relations can name their ends; a paste gives every one a new id. */
export interface ClipboardPayload {
  format: typeof CLIPBOARD_FORMAT;
  version: typeof CLIPBOARD_VERSION;
  actors: ActorData[];
  relations: RelationData[];
  notes: Note[];
  strokes: Stroke[];
}

export type ParsedClipboard =
  | { kind: 'elements'; payload: ClipboardPayload }
  | { kind: 'text'; names: string[]; cut: boolean }
  | { kind: 'refused'; reason: 'tooLarge' | 'newerVersion' | 'invalid' }
  | { kind: 'empty' };

/** The selected actors, notes and strokes, with every relation whose two ends are both copied. */
export function copyPayload(model: BoardModel, ids: Iterable<string>): ClipboardPayload {
  const wanted = new Set(ids);
  const actors = [...model.actors.values()].filter((a) => wanted.has(a.id)).map(({ sources: _sources, ...actor }) => ({ ...actor, tags: [...actor.tags] }));
  const copiedActors = new Set(actors.map((a) => a.id));
  const relations = model.liveRelations()
    .filter((r) => copiedActors.has(r.from) && copiedActors.has(r.to))
    .map(({ sources: _sources, otherKinds: _otherKinds, ...relation }) => relation);
  const notes = [...model.notes.values()].filter((n) => wanted.has(n.id)).map((n) => ({ ...n }));
  const strokes = [...model.strokes.values()].filter((s) => wanted.has(s.id)).map((s) => ({ ...s, points: [...s.points] }));
  return { format: CLIPBOARD_FORMAT, version: CLIPBOARD_VERSION, actors, relations, notes, strokes };
}

export function payloadSize(payload: ClipboardPayload): number {
  return payload.actors.length + payload.relations.length + payload.notes.length + payload.strokes.length;
}

export function serializePayload(payload: ClipboardPayload): string {
  return JSON.stringify(payload);
}

/** Reads clipboard text: our payload (checked), else plain text as actor names, else nothing. */
export function parseClipboard(text: string): ParsedClipboard {
  if (text.length > CLIPBOARD_LIMITS.textLength) return { kind: 'refused', reason: 'tooLarge' };
  let json: unknown = undefined;
  if (/^\s*\{/.test(text)) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (isRecord(json) && json.format === CLIPBOARD_FORMAT) return checkPayload(json);
  return textNames(text);
}

/** Plain text: one actor per non-empty line, the count and each name capped (`cut` says something was left out). */
export function textNames(text: string): ParsedClipboard {
  const lines = text.split(/\r\n|\r|\n/).map((line) => line.replace(/\p{Cc}/gu, ' ').replace(/\s+/g, ' ').trim()).filter(Boolean);
  if (lines.length === 0) return { kind: 'empty' };
  let cut = lines.length > TEXT_PASTE_LIMITS.lines;
  const names = lines.slice(0, TEXT_PASTE_LIMITS.lines).map((line) => {
    const chars = Array.from(line);
    if (chars.length <= TEXT_PASTE_LIMITS.nameLength) return line;
    cut = true;
    return chars.slice(0, TEXT_PASTE_LIMITS.nameLength).join('').trimEnd();
  });
  return { kind: 'text', names, cut };
}

function checkPayload(json: Record<string, unknown>): ParsedClipboard {
  if (typeof json.version !== 'number' || !Number.isInteger(json.version) || json.version < 1) return { kind: 'refused', reason: 'invalid' };
  if (json.version > CLIPBOARD_VERSION) return { kind: 'refused', reason: 'newerVersion' };
  const lists = [json.actors, json.relations, json.notes, json.strokes];
  if (!lists.every(Array.isArray)) return { kind: 'refused', reason: 'invalid' };
  if ((lists as unknown[][]).reduce((sum, list) => sum + list.length, 0) > CLIPBOARD_LIMITS.elements) return { kind: 'refused', reason: 'tooLarge' };
  try {
    const actors = (json.actors as unknown[]).map(checkActor);
    const actorIds = new Set(actors.map((a) => a.id));
    if (actorIds.size !== actors.length) throw new Refused();
    // A relation whose ends were not copied is left out, as copying leaves it out.
    const relations = (json.relations as unknown[]).map(checkRelation).filter((r) => actorIds.has(r.from) && actorIds.has(r.to) && r.from !== r.to);
    const notes = (json.notes as unknown[]).map(checkNote);
    const strokes = (json.strokes as unknown[]).map(checkStroke);
    return { kind: 'elements', payload: { format: CLIPBOARD_FORMAT, version: CLIPBOARD_VERSION, actors, relations, notes, strokes } };
  } catch (error) {
    if (error instanceof Refused) return { kind: 'refused', reason: 'invalid' };
    throw error;
  }
}

class Refused extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new Refused();
  return value;
}

function text(value: unknown, max: number = CLIPBOARD_LIMITS.fieldLength): string {
  if (typeof value !== 'string' || value.length > max) throw new Refused();
  return value;
}

function coordinate(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > CLIPBOARD_LIMITS.coordinate) throw new Refused();
  return value;
}

function oneOf<C extends string>(value: unknown, codes: readonly C[]): C {
  if (typeof value !== 'string' || !(codes as readonly string[]).includes(value)) throw new Refused();
  return value as C;
}

function orNull<T>(value: unknown, check: (v: unknown) => T): T | null {
  return value === null || value === undefined ? null : check(value);
}

function checkActor(value: unknown): ActorData {
  const v = record(value);
  const tags = v.tags ?? [];
  if (!Array.isArray(tags) || tags.length > CLIPBOARD_LIMITS.tags) throw new Refused();
  return {
    id: text(v.id, 128),
    name: text(v.name),
    kind: oneOf<ActorKind>(v.kind, ACTOR_KIND_CODES),
    x: coordinate(v.x),
    y: coordinate(v.y),
    description: text(v.description ?? ''),
    tags: tags.map((tag) => text(tag)),
    alias: text(v.alias ?? ''),
    influence: orNull(v.influence, (i) => {
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i > 5) throw new Refused();
      return i;
    }),
    stance: orNull(v.stance, (s) => oneOf(s, STANCE_CODES)),
    isPerson: v.isPerson === true,
  };
}

function checkRelation(value: unknown): RelationData {
  const v = record(value);
  return {
    id: text(v.id, 128),
    from: text(v.from, 128),
    to: text(v.to, 128),
    kind: oneOf(v.kind, RELATION_KIND_CODES),
    label: text(v.label ?? ''),
    direction: oneOf(v.direction, DIRECTION_CODES),
    strength: oneOf(v.strength, STRENGTH_CODES),
    coordination: orNull(v.coordination, (c) => oneOf(c, COORDINATION_CODES)),
    status: oneOf(v.status, RELATION_STATUS_CODES),
  };
}

function checkNote(value: unknown): Note {
  const v = record(value);
  const size = (s: unknown) => {
    const n = coordinate(s);
    if (n <= 0 || n > 5000) throw new Refused();
    return n;
  };
  const color = text(v.color, 32);
  if (!/^#[0-9a-fA-F]{3,8}$/.test(color)) throw new Refused();
  return {
    id: text(v.id, 128), x: coordinate(v.x), y: coordinate(v.y), w: size(v.w), h: size(v.h),
    color, variant: oneOf(v.variant, NOTE_VARIANT_CODES), body: text(v.body ?? '', CLIPBOARD_LIMITS.noteLength),
  };
}

function checkStroke(value: unknown): Stroke {
  const v = record(value);
  const color = text(v.color, 32);
  if (!/^#[0-9a-fA-F]{3,8}$/.test(color)) throw new Refused();
  const width = coordinate(v.width);
  if (width <= 0 || width > 200) throw new Refused();
  if (!Array.isArray(v.points) || v.points.length > CLIPBOARD_LIMITS.strokePoints || v.points.length % 3 !== 0) throw new Refused();
  return { id: text(v.id, 128), tool: oneOf(v.tool, STROKE_TOOL_CODES), color, width, points: v.points.map(coordinate) };
}

// ---- pasting ------------------------------------------------------------------------------

/** How far a paste moves at a time until it covers nothing already on the board. */
const PASTE_STEP = 32;
const PASTE_TRIES = 60;

/** The payload's outline in board units (null when it is empty). */
export function payloadBounds(payload: ClipboardPayload): Rect | null {
  let bounds: Rect | null = null;
  for (const rect of payloadRects(payload, 0, 0)) bounds = unionRect(bounds, rect);
  for (const stroke of payload.strokes) bounds = unionRect(bounds, strokeBounds(stroke));
  return bounds;
}

function payloadRects(payload: ClipboardPayload, dx: number, dy: number): Rect[] {
  return [
    ...payload.actors.map((a) => actorRect(a, dx, dy)),
    ...payload.notes.map((n) => noteRect(n, dx, dy)),
  ];
}

/**
 * Where the pasted elements go: their centre at `center` (the pointer, or the middle of the view),
 * else a little off their old place, then further along the diagonal until no card or note covers
 * one already on the board.
 */
export function pasteOffset(model: BoardModel, payload: ClipboardPayload, center: { x: number; y: number } | null): { dx: number; dy: number } {
  const bounds = payloadBounds(payload);
  if (!bounds) return { dx: 0, dy: 0 };
  let dx = center ? Math.round(center.x - (bounds.x + bounds.w / 2)) : PASTE_STEP;
  let dy = center ? Math.round(center.y - (bounds.y + bounds.h / 2)) : PASTE_STEP;
  const taken = [
    ...[...model.actors.values()].map((a) => actorRect(a)),
    ...[...model.notes.values()].map((n) => noteRect(n)),
  ];
  for (let attempt = 0; attempt < PASTE_TRIES; attempt++) {
    const rects = payloadRects(payload, dx, dy);
    if (!rects.some((rect) => taken.some((other) => intersects(rect, other)))) break;
    dx += PASTE_STEP;
    dy += PASTE_STEP;
  }
  return { dx, dy };
}

/**
 * Adds the payload's elements with new ids, moved by the offset, as one undo step; relations are
 * joined to the new copies of their ends. Returns the new ids (nothing on a board that may not change).
 */
export function pastePayload(model: BoardModel, payload: ClipboardPayload, offset: { dx: number; dy: number }): string[] {
  if (!model.canWrite()) return [];
  const { dx, dy } = offset;
  const created: string[] = [];
  const newIdOf = new Map<string, string>();
  model.batch(() => {
    for (const { id, ...actor } of payload.actors) {
      const newId = model.addActor({ ...actor, x: actor.x + dx, y: actor.y + dy });
      newIdOf.set(id, newId);
      created.push(newId);
    }
    for (const { id: _id, from, to, ...relation } of payload.relations) {
      const newFrom = newIdOf.get(from);
      const newTo = newIdOf.get(to);
      if (!newFrom || !newTo) continue;
      const newId = model.addRelation(newFrom, newTo, relation);
      if (newId) created.push(newId);
    }
    for (const { id: _id, ...note } of payload.notes) created.push(model.addNote({ ...note, x: note.x + dx, y: note.y + dy }));
    for (const { id: _id, ...stroke } of payload.strokes) {
      const points = stroke.points.map((value, i) => (i % 3 === 0 ? value + dx : i % 3 === 1 ? value + dy : value));
      created.push(model.addStroke({ ...stroke, points }));
    }
  });
  return created;
}

/** Pasted lines of text become actors, in columns of ten so a long list stays on screen. */
const TEXT_ROWS = 10;

/** Actors named by pasted lines of text, of the kind chosen in the palette; a paste places them like copied cards. */
export function textPayload(names: readonly string[], kind: ActorKind): ClipboardPayload {
  const actors = names.map((name, i) => ({
    id: `line-${i}`, name, kind, x: Math.floor(i / TEXT_ROWS) * (ACTOR_MAX_WIDTH + 24), y: (i % TEXT_ROWS) * 72,
    description: '', tags: [], alias: '', influence: null, stance: null, isPerson: false,
  }));
  return { format: CLIPBOARD_FORMAT, version: CLIPBOARD_VERSION, actors, relations: [], notes: [], strokes: [] };
}
