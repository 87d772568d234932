// Presence through Yjs awareness: who is here, their cursors, selections, live drags and ink in progress.
import type { Awareness } from 'y-protocols/awareness';
import { DEFAULT_LIMITS, type StrokeTool } from '../generated/protocol';

export interface PresenceUser { name: string; color: string }
export interface LiveDrag { ids: string[]; dx: number; dy: number }
export interface LiveInk { tool: StrokeTool; color: string; width: number; points: number[] }
/** A presenting facilitator's view: the board point in the middle of their screen and their zoom. */
export interface PresentedView { x: number; y: number; zoom: number }

export interface PresenceState {
  user: PresenceUser;
  cursor: { x: number; y: number } | null;
  selection: string[];
  drag: LiveDrag | null;
  ink: LiveInk | null;
  /** Set while this client presents the board to everyone else (follow mode). */
  present?: PresentedView | null;
}

export interface Peer extends PresenceState { clientId: number }

/** Local presence is sent at most this often, so a fast mouse does not flood the room. */
const SEND_INTERVAL_MS = 40;

/**
 * The server closes a connection whose awareness state is over its limit (DecodeLimits in the
 * protocol crate), so ours stays well under it: long selections and drags are shortened (others then
 * see only part of them live; the document still gets everything) and long ink is thinned out.
 */
export const PRESENCE_BUDGET_BYTES = Math.floor(DEFAULT_LIMITS.maxAwarenessStateBytes * 0.75);

/** Keeps every n-th point (x, y, pressure triples) so that at most `maxNumbers` numbers remain. */
export function thinPoints(points: number[], maxNumbers: number): number[] {
  const n = Math.floor(points.length / 3);
  const keep = Math.floor(maxNumbers / 3);
  if (n <= keep) return points;
  const out: number[] = [];
  for (let i = 0; i < keep; i++) {
    const j = Math.round((i * (n - 1)) / (keep - 1)) * 3;
    out.push(Math.round(points[j]!), Math.round(points[j + 1]!), points[j + 2]!);
  }
  return out;
}

export function withinBudget(state: PresenceState): PresenceState {
  const size = (s: PresenceState) => new TextEncoder().encode(JSON.stringify(s)).length;
  if (size(state) <= PRESENCE_BUDGET_BYTES) return state;
  for (const [ids, numbers] of [[200, 1500], [50, 600], [0, 150]] as const) {
    const trimmed: PresenceState = {
      ...state,
      selection: state.selection.slice(0, ids),
      drag: state.drag && { ...state.drag, ids: state.drag.ids.slice(0, Math.max(ids, 1)) },
      ink: state.ink && { ...state.ink, points: thinPoints(state.ink.points, numbers) },
    };
    if (size(trimmed) <= PRESENCE_BUDGET_BYTES) return trimmed;
  }
  return { ...state, selection: [], drag: null, ink: null };
}

export class Presence {
  private pending: Partial<PresenceState> = {};
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();

  /**
   * `user` null: this client is never present to others (a viewer, e.g. the projector): it publishes no
   * awareness state at all, so no list of people, no cursor and no overview names it.
   */
  constructor(readonly awareness: Awareness, private readonly user: PresenceUser | null, private readonly intervalMs = SEND_INTERVAL_MS) {
    awareness.setLocalState(user ? ({ user, cursor: null, selection: [], drag: null, ink: null } satisfies PresenceState) : null);
    awareness.on('change', () => this.listeners.forEach((l) => l()));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get clientId(): number {
    return this.awareness.clientID;
  }

  set(patch: Partial<PresenceState>): void {
    if (!this.user) return;
    Object.assign(this.pending, patch);
    if (this.intervalMs <= 0) return this.flush();
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.user) return;
    const current = (this.awareness.getLocalState() ?? {}) as PresenceState;
    this.awareness.setLocalState(withinBudget({ ...current, ...this.pending }));
    this.pending = {};
  }

  /** Everyone else connected to the board, with a well-formed state. */
  peers(): Peer[] {
    const out: Peer[] = [];
    this.awareness.getStates().forEach((state, clientId) => {
      if (clientId === this.awareness.clientID) return;
      const s = state as Partial<PresenceState>;
      if (!s.user || typeof s.user.name !== 'string') return;
      out.push({
        clientId,
        user: { name: s.user.name.slice(0, 60), color: safeColor(s.user.color) },
        cursor: s.cursor ?? null,
        selection: Array.isArray(s.selection) ? s.selection : [],
        drag: s.drag ?? null,
        ink: s.ink ?? null,
        present: safeView(s.present),
      });
    });
    return out;
  }
}

/** Another client's presented view, when it is well-formed. */
function safeView(view: unknown): PresentedView | null {
  if (!view || typeof view !== 'object') return null;
  const { x, y, zoom } = view as Record<string, unknown>;
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return finite(x) && finite(y) && finite(zoom) && zoom > 0 ? { x, y, zoom } : null;
}

/** Colours come from other clients: accept only plain hex so they cannot inject CSS. */
function safeColor(color: unknown): string {
  return typeof color === 'string' && /^#[0-9a-fA-F]{6}$/.test(color) ? color : '#6b7280';
}

/** Cursor colours with at least 4.5:1 contrast against white for the name tags' white text. */
export const PRESENCE_COLORS = ['#b42318', '#a15c07', '#067647', '#026aa2', '#5925dc', '#c11574', '#344054', '#0e7090'];
