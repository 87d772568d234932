// The tokens this device holds, per workshop and role, and the boards and workshops opened here.
//
// Everything lives in localStorage (nothing leaves the device). Tokens are workshop-wide, so a board
// is mapped to its workshop once the server has told us which one it belongs to. The creator of a
// workshop or quick board keeps all three tokens: the server returns them only once, at creation.
import type { AccessTokens, Role } from '../generated/protocol';

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

const ACCESS_KEY = 'kartta.access';
const RECENT_KEY = 'kartta.recent';
const RECENT_LIMIT = 12;
const ROLES_BEST_FIRST: Role[] = ['facilitator', 'participant', 'viewer'];

interface AccessData {
  workshops: Record<string, Partial<Record<Role, string>>>;
  boards: Record<string, string>;
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

  bestForBoard(boardId: string): { role: Role; token: string } | null {
    const workshopId = this.workshopOf(boardId);
    return workshopId ? this.best(workshopId) : null;
  }

  /** Forgets a token the server refused (the workshop was deleted, or the token is wrong). */
  forgetToken(workshopId: string, token: string): void {
    const data = this.read();
    const tokens = data.workshops[workshopId];
    if (!tokens) return;
    for (const role of ROLES_BEST_FIRST) if (tokens[role] === token) delete tokens[role];
    this.write(data);
  }

  forgetWorkshop(workshopId: string): void {
    const data = this.read();
    delete data.workshops[workshopId];
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
      return { workshops: data.workshops ?? {}, boards: data.boards ?? {} };
    } catch {
      return { workshops: {}, boards: {} };
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
