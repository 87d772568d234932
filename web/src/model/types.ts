// Plain, read-only views of board elements as the model hands them to the renderer and the tools.
import type {
  ActorKind, Coordination, Direction, NoteVariant, RelationKind, RelationStatus, Stance, Strength, StrokeTool, Template, Locale, VoteView, RestoreNotice,
} from '../generated/protocol';
import { CARD } from '../generated/protocol';

export interface Actor {
  id: string;
  name: string;
  kind: ActorKind;
  x: number;
  y: number;
  description: string;
  tags: string[];
  alias: string;
  /** 0–5, or null when not rated. */
  influence: number | null;
  stance: Stance | null;
  isPerson: boolean;
  /** On a merged board: the ids of the maps that hold the actor (empty elsewhere). */
  sources?: string[];
}

export interface Relation {
  id: string;
  from: string;
  to: string;
  kind: RelationKind;
  label: string;
  direction: Direction;
  strength: Strength;
  coordination: Coordination | null;
  status: RelationStatus;
  /** On a merged board: the ids of the maps that hold the relation (empty elsewhere). */
  sources?: string[];
  /** On a merged board: kinds some maps gave the relation besides the majority's `kind`. */
  otherKinds?: RelationKind[];
}

export interface Note {
  id: string;
  x: number;
  y: number;
  w: number;
  h: number;
  color: string;
  variant: NoteVariant;
  body: string;
}

export interface Stroke {
  id: string;
  tool: StrokeTool;
  color: string;
  width: number;
  /** Flat list x, y, pressure, x, y, pressure, … */
  points: number[];
}

export interface Meta {
  title: string;
  template: Template;
  locale: Locale | null;
  locked: boolean;
  /** Unix milliseconds when the workshop timer ends (the server writes it), or null. */
  timerEndsAt: number | null;
  /** The board the facilitator presents to the whole workshop (the server writes it), or null. */
  presenting: string | null;
  /** The workshop's dot vote (the server writes it), with this board's totals once revealed, or null. */
  vote: VoteView | null;
  /** On a merged board: the ids of the maps it was made from (the n of "k of n"); empty elsewhere. */
  mergedFrom: string[];
  /** The facilitator's last restore of a snapshot (the server writes it), or null. */
  lastRestore: RestoreNotice | null;
  /** On a board merged group by group: the group of each map of `mergedFrom` (same order); else empty. */
  mergedGroups: string[];
}

export type ElementType = 'actor' | 'relation' | 'note' | 'stroke';

/**
 * Geometry shared by the renderer and hit testing, in board units (from protocol). Each card is as
 * wide as its name needs, up to `ACTOR_MAX_WIDTH` (`actorCardWidth` in render/card.ts says how
 * wide), and a card with a long name is taller than `ACTOR_HEIGHT` (`actorCardHeight`).
 */
export const ACTOR_MAX_WIDTH = CARD.maxWidth;
export const ACTOR_HEIGHT = CARD.minHeight;
export const NOTE_COLORS = ['#fff3b0', '#d7f0dd', '#d8e8fb', '#f9dbe4', '#ece3f7'] as const;
export const INK_COLORS = ['#1f2933', '#c2410c', '#1d4ed8', '#15803d', '#7e22ce'] as const;
