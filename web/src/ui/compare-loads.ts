//! The compare page's first requests — both maps' stored states and the match table — which the entry script starts before the page's own code has loaded.
import { api } from '../api/client';
import { accessStore } from '../access/store';
import { parseMapRef } from '../access/links';
import type { MapRef } from '../access/links';
import { canManage } from '../access/roles';
import type { BoardView, MatchTable, Role, Snapshot } from '../generated/protocol';

/**
 * What one side needs before it is drawn: a board as the server read it (with its stored state on
 * the way, v2 encoding, decoded once the board is on screen), or a snapshot with its state (v1).
 */
export type MapData =
  | { ref: MapRef; kind: 'board'; view: BoardView; state: Promise<Uint8Array> }
  | { ref: MapRef; kind: 'snapshot'; snapshot: Snapshot; state: Uint8Array };

/**
 * Both maps of a comparison, loading with one token. When the maps are two different boards and the
 * token is a facilitator's, or its role is not known yet (a link opened on a device that keeps no
 * token of the workshop), the match table is asked for at the same time (it takes the server
 * longest, and a facilitator's first look waited for the workshop's answer before asking; anyone
 * else is refused at once and the page pairs by id); otherwise the page asks for it once it knows it
 * needs one (a snapshot's board is known only after the snapshot is read).
 */
export class CompareLoads {
  readonly maps: [Promise<MapData>, Promise<MapData>];
  readonly matchTable: Promise<MatchTable> | null = null;

  constructor(workshopId: string, readonly refs: [MapRef, MapRef], readonly token: string, role: Role | null) {
    this.maps = [loadMap(refs[0], token), loadMap(refs[1], token)];
    // A request nobody waits for any more (another token won) must not count as unhandled.
    this.maps.forEach((map) => map.catch(() => undefined));
    const [left, right] = refs;
    if (left.kind === 'board' && right.kind === 'board' && left.id !== right.id && (role === null || canManage(role))) {
      this.matchTable = api.proposeMatches(workshopId, token, { boardIds: [left.id, right.id], snapshotIds: [] });
      this.matchTable.catch(() => undefined);
    }
  }
}

async function loadMap(ref: MapRef, token: string): Promise<MapData> {
  if (ref.kind === 'snapshot') {
    const [snapshot, state] = await Promise.all([api.snapshot(ref.id, token), api.snapshotState(ref.id, token)]);
    return { ref, kind: 'snapshot', snapshot, state };
  }
  // A board read on the server draws sooner than its state decoded here (a JSON parse against
  // Yjs's decoder, cold at every page load) or its websocket's first state (an upgrade and sync
  // round trips); the state comes alongside and is decoded when the pane goes live.
  const state = api.boardStateV2(ref.id, token);
  state.catch(() => undefined);
  return { ref, kind: 'board', view: await api.boardView(ref.id, token), state };
}

/** The two sides an address names (`?left=b:…&right=s:…`), or null. */
export function compareRefs(search: string): [MapRef, MapRef] | null {
  const params = new URLSearchParams(search);
  const left = parseMapRef(params.get('left'));
  const right = parseMapRef(params.get('right'));
  return left && right ? [left, right] : null;
}

/** The role a token kept on this device has in the workshop, if it is kept. */
export function knownRole(workshopId: string, token: string): Role | null {
  const kept = Object.entries(accessStore.tokens(workshopId)).find(([, value]) => value === token);
  return kept ? (kept[0] as Role) : null;
}

/**
 * Starts the loads with the token the workshop will most likely resolve to (the link's, else the
 * best one kept here): each takes a round trip or more, and the page waits for all of them. Null
 * when the address names no two maps or no token is known.
 */
export function startCompareLoads(workshopId: string, search: string, linkToken: string | null): CompareLoads | null {
  const refs = compareRefs(search);
  const likelyToken = linkToken ?? accessStore.best(workshopId)?.token ?? null;
  if (!refs || !likelyToken) return null;
  return new CompareLoads(workshopId, refs, likelyToken, knownRole(workshopId, likelyToken));
}
