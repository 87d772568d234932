// Tolerant readers that turn one element's Y.Map into a plain typed view (as the Rust schema reads it).
import * as Y from 'yjs';
import {
  FIELD, ACTOR_KIND_CODES, RELATION_KIND_CODES, DIRECTION_CODES, STRENGTH_CODES, COORDINATION_CODES,
  RELATION_STATUS_CODES, STANCE_CODES, TEMPLATE_CODES, LOCALE_CODES, NOTE_VARIANT_CODES, STROKE_TOOL_CODES,
} from '../generated/protocol';
import type { Actor, Meta, Note, Relation, Stroke } from './types';
import type { RestoreNotice, VoteView } from '../generated/protocol';
import type { RelationKind } from '../generated/protocol';

type Fields = Y.Map<unknown>;

function str(map: Fields, key: string): string | undefined {
  const value = map.get(key);
  if (typeof value === 'string') return value;
  if (value instanceof Y.Text) return value.toString();
  return undefined;
}

function num(map: Fields, key: string): number | undefined {
  const value = map.get(key);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A list of strings (merge provenance); anything else in the list is skipped. */
function strings(map: Fields, key: string): string[] {
  const value = map.get(key);
  const list = value instanceof Y.Array ? value.toArray() : value;
  return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
}

function code<C extends string>(map: Fields, key: string, codes: readonly C[]): C | undefined {
  const value = str(map, key);
  return value !== undefined && (codes as readonly string[]).includes(value) ? (value as C) : undefined;
}

export function readActor(id: string, map: Fields): Actor | null {
  const f = FIELD.actor;
  const x = num(map, f.x);
  const y = num(map, f.y);
  if (x === undefined || y === undefined) return null;
  const rawTags = map.get(f.tags);
  const influence = num(map, f.influence);
  return {
    id,
    name: str(map, f.name) ?? '',
    kind: code(map, f.kind, ACTOR_KIND_CODES) ?? 'other',
    x,
    y,
    description: str(map, f.description) ?? '',
    tags: Array.isArray(rawTags) ? rawTags.filter((t): t is string => typeof t === 'string') : [],
    alias: str(map, f.alias) ?? '',
    influence: influence === undefined ? null : Math.round(Math.min(5, Math.max(0, influence))),
    stance: code(map, f.stance, STANCE_CODES) ?? null,
    isPerson: map.get(f.isPerson) === true,
    sources: strings(map, f.sources),
  };
}

export function readRelation(id: string, map: Fields): Relation | null {
  const f = FIELD.relation;
  const from = str(map, f.from);
  const to = str(map, f.to);
  if (from === undefined || to === undefined) return null;
  return {
    id,
    from,
    to,
    kind: code(map, f.kind, RELATION_KIND_CODES) ?? 'other',
    label: str(map, f.label) ?? '',
    direction: code(map, f.direction, DIRECTION_CODES) ?? 'none',
    strength: code(map, f.strength, STRENGTH_CODES) ?? 'normal',
    coordination: code(map, f.coordination, COORDINATION_CODES) ?? null,
    status: code(map, f.status, RELATION_STATUS_CODES) ?? 'existing',
    sources: strings(map, f.sources),
    otherKinds: strings(map, f.otherKinds).filter((k): k is RelationKind => (RELATION_KIND_CODES as readonly string[]).includes(k)),
  };
}

export function readNote(id: string, map: Fields): Note | null {
  const f = FIELD.note;
  const x = num(map, f.x);
  const y = num(map, f.y);
  if (x === undefined || y === undefined) return null;
  return {
    id,
    x,
    y,
    w: num(map, f.width) ?? 160,
    h: num(map, f.height) ?? 120,
    color: str(map, f.color) ?? '',
    variant: code(map, f.variant, NOTE_VARIANT_CODES) ?? 'sticky',
    body: str(map, f.body) ?? '',
  };
}

export function readStroke(id: string, map: Fields): Stroke | null {
  const f = FIELD.stroke;
  const raw = map.get(f.points);
  if (!Array.isArray(raw)) return null;
  return {
    id,
    tool: code(map, f.tool, STROKE_TOOL_CODES) ?? 'pen',
    color: str(map, f.color) ?? '',
    width: num(map, f.width) ?? 2,
    points: raw.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)),
  };
}

export function readMeta(map: Fields): Meta {
  const f = FIELD.meta;
  return {
    title: str(map, f.title) ?? '',
    template: code(map, f.template, TEMPLATE_CODES) ?? 'blank',
    locale: code(map, f.locale, LOCALE_CODES) ?? null,
    locked: map.get(f.locked) === true,
    timerEndsAt: num(map, f.timerEndsAt) ?? null,
    presenting: str(map, f.presenting) || null,
    vote: readVote(map.get(f.vote)),
    mergedFrom: strings(map, f.mergedFrom),
    mergedGroups: strings(map, f.mergedGroups),
    lastRestore: readRestoreNotice(map.get(f.lastRestore)),
  };
}

/** `meta.lastRestore` as the server writes it (protocol/src/restore_notice.rs); anything else reads as none. */
function readRestoreNotice(value: unknown): RestoreNotice | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const restoredAt = count(v.restoredAt);
  if (typeof v.restoredSnapshotName !== 'string' || typeof v.undoSnapshotId !== 'string' || restoredAt === undefined) return null;
  return {
    restoredSnapshotName: v.restoredSnapshotName,
    restoredBy: typeof v.restoredBy === 'string' ? v.restoredBy : '',
    undoSnapshotId: v.undoSnapshotId,
    undoSnapshotName: typeof v.undoSnapshotName === 'string' ? v.undoSnapshotName : '',
    restoredAt,
  };
}

/** A count the server wrote (yrs may send a whole number as a bigint), or undefined. */
function count(value: unknown): number | undefined {
  if (typeof value === 'bigint') value = Number(value);
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** `meta.vote` as the server writes it (protocol/src/vote.rs); anything else reads as no vote. */
export function readVote(value: unknown): VoteView | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const dots = count(v.dots);
  if (typeof v.id !== 'string' || dots === undefined) return null;
  const vote: VoteView = { id: v.id, title: typeof v.title === 'string' ? v.title : '', dots, revealed: v.revealed === true };
  if (v.totals && typeof v.totals === 'object') {
    const totals: Record<string, number> = {};
    for (const [actorId, n] of Object.entries(v.totals as Record<string, unknown>)) {
      const total = count(n);
      if (total !== undefined) totals[actorId] = total;
    }
    vote.totals = totals;
  }
  return vote;
}
