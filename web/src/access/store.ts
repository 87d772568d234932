// The tokens this device holds, per workshop and role, and the boards and workshops opened here.
//
// Everything lives in localStorage (nothing leaves the device). Tokens are workshop-wide, so a board
// is mapped to its workshop once the server has told us which one it belongs to. The creator of a
// workshop or quick board keeps all three tokens: the server returns them only once, at creation.
// A participant of a workshop with personal boards also keeps the capability of their own board,
// which opens that board alone, and which join code led there, so joining again on this device
// hands the same board back.
import type { AccessTokens, Role } from '../generated/protocol';

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

const ACCESS_KEY = 'kartta.access';
const RECENT_KEY = 'kartta.recent';
const RECENT_LIMIT = 12;
const ROLES_BEST_FIRST: Role[] = ['facilitator', 'participant', 'viewer'];

interface AccessData {
  workshops: Record<string, Partial<Record<Role, string>>>;
  boards: Record<string, string>;
  /** Per workshop: this device's personal board and its owner's capability. */
  personal: Record<string, PersonalBoard>;
  /** Join code (as typed, normalised) → workshop, to find the capability before joining. */
  codes: Record<string, string>;
}

export interface PersonalBoard { boardId: string; token: string }

/** `krta 7mxp` and `KRTA-7MXP` are the same code. */
function codeKey(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export interface RecentPlace { kind: 'board' | 'workshop'; id: string; title: string; role: Role | null; openedAt: number }

/** localStorage when it is usable (private modes may refuse it), else a map that lasts for this page. */
export function defaultStorage(): KeyValueStorage {
  try {
    if (typeof localStorage !== 'undefined') {
      localStorage.getItem(ACCESS_KEY);
      return localStorage;
    }
  } catch {
    // Fall through to memory.
  }
  return memoryStorage();
}

export function memoryStorage(): KeyValueStorage {
  const map = new Map<string, string>();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

export class AccessStore {
  constructor(private readonly storage: KeyValueStorage = defaultStorage()) {}

  /** Remembers a token whose role the server confirmed (or that it returned at creation or join). */
  saveToken(workshopId: string, role: Role, token: string): void {
    const data = this.read();
    data.workshops[workshopId] = { ...data.workshops[workshopId], [role]: token };
    this.write(data);
  }

  saveCreated(workshopId: string, tokens: AccessTokens, boardIds: string[]): void {
    for (const role of ROLES_BEST_FIRST) this.saveToken(workshopId, role, tokens[role]);
    for (const id of boardIds) this.mapBoard(id, workshopId);
  }

  /** Keeps the personal board this device got when joining with `code`. */
  savePersonal(workshopId: string, code: string, personal: PersonalBoard): void {
    const data = this.read();
    data.personal[workshopId] = personal;
    data.codes[codeKey(code)] = workshopId;
    data.boards[personal.boardId] = workshopId;
    this.write(data);
  }

  personal(workshopId: string): PersonalBoard | null {
    return this.read().personal[workshopId] ?? null;
  }

  /** The personal board kept for the workshop reached with `code`, to send when joining again. */
  personalForCode(code: string): PersonalBoard | null {
    const data = this.read();
    const workshopId = data.codes[codeKey(code)];
    return workshopId ? data.personal[workshopId] ?? null : null;
  }

  mapBoard(boardId: string, workshopId: string): void {
    const data = this.read();
    data.boards[boardId] = workshopId;
    this.write(data);
  }

  workshopOf(boardId: string): string | null {
    return this.read().boards[boardId] ?? null;
  }

  tokens(workshopId: string): Partial<Record<Role, string>> {
    return { ...this.read().workshops[workshopId] };
  }

  /** The most capable token this device holds for a workshop. */
  best(workshopId: string): { role: Role; token: string } | null {
    const tokens = this.tokens(workshopId);
    for (const role of ROLES_BEST_FIRST) {
      const token = tokens[role];
      if (token) return { role, token };
    }
    return null;
  }

  /**
   * The token to open a board with: the facilitator's if kept, else the owner's capability when
   * this is the device's personal board (the participant token does not open it), else the best.
   */
  bestForBoard(boardId: string): { role: Role; token: string } | null {
    const workshopId = this.workshopOf(boardId);
    if (!workshopId) return null;
    const best = this.best(workshopId);
    if (best?.role === 'facilitator') return best;
    const personal = this.personal(workshopId);
    if (personal?.boardId === boardId) return { role: 'participant', token: personal.token };
    return best;
  }

  /** Forgets a token the server refused (the workshop was deleted, or the token is wrong). */
  forgetToken(workshopId: string, token: string): void {
    const data = this.read();
    if (data.personal[workshopId]?.token === token) delete data.personal[workshopId];
    const tokens = data.workshops[workshopId];
    if (tokens) for (const role of ROLES_BEST_FIRST) if (tokens[role] === token) delete tokens[role];
    this.write(data);
  }

  forgetWorkshop(workshopId: string): void {
    const data = this.read();
    delete data.workshops[workshopId];
    delete data.personal[workshopId];
    for (const [code, id] of Object.entries(data.codes)) if (id === workshopId) delete data.codes[code];
    const boards = new Set(Object.entries(data.boards).filter(([, w]) => w === workshopId).map(([b]) => b));
    for (const board of boards) delete data.boards[board];
    this.write(data);
    this.writeRecent(this.recent().filter((p) => p.kind === 'workshop' ? p.id !== workshopId : !boards.has(p.id)));
  }

  forgetBoard(boardId: string): void {
    const data = this.read();
    delete data.boards[boardId];
    this.write(data);
    this.writeRecent(this.recent().filter((p) => !(p.kind === 'board' && p.id === boardId)));
  }

  recent(): RecentPlace[] {
    try {
      const list = JSON.parse(this.storage.getItem(RECENT_KEY) ?? '[]') as Partial<RecentPlace>[];
      if (!Array.isArray(list)) return [];
      // Entries from before workshops existed are boards without a role.
      return list
        .filter((p) => typeof p.id === 'string')
        .map((p) => ({ kind: p.kind === 'workshop' ? 'workshop' : 'board', id: p.id!, title: typeof p.title === 'string' ? p.title : '', role: p.role ?? null, openedAt: p.openedAt ?? 0 }));
    } catch {
      return [];
    }
  }

  remember(place: Omit<RecentPlace, 'openedAt'>, now = Date.now()): void {
    const old = this.recent().find((p) => p.kind === place.kind && p.id === place.id);
    const entry: RecentPlace = { ...place, title: place.title || old?.title || '', role: place.role ?? old?.role ?? null, openedAt: now };
    const list = this.recent().filter((p) => !(p.kind === place.kind && p.id === place.id));
    this.writeRecent([entry, ...list]);
  }

  private writeRecent(list: RecentPlace[]): void {
    this.safeSet(RECENT_KEY, JSON.stringify(list.slice(0, RECENT_LIMIT)));
  }

  private read(): AccessData {
    try {
      const data = JSON.parse(this.storage.getItem(ACCESS_KEY) ?? '{}') as Partial<AccessData>;
      return { workshops: data.workshops ?? {}, boards: data.boards ?? {}, personal: data.personal ?? {}, codes: data.codes ?? {} };
    } catch {
      return { workshops: {}, boards: {}, personal: {}, codes: {} };
    }
  }

  private write(data: AccessData): void {
    this.safeSet(ACCESS_KEY, JSON.stringify(data));
  }

  private safeSet(key: string, value: string): void {
    try {
      this.storage.setItem(key, value);
    } catch {
      // A full or refused storage keeps the value for this page only.
    }
  }
}

export const accessStore = new AccessStore();
