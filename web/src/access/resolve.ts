// Finds the token to open a board or workshop with: the link's own token, else the best one kept here.
import type { BoardAccess, Role, Workshop } from '../generated/protocol';
import { ApiError } from '../api/client';
import type { Api } from '../api/client';
import type { AccessStore } from './store';
import { higherRole } from './roles';

export type Resolved<T> =
  | { ok: true; value: T; token: string; role: Role }
  | { ok: false; reason: 'no_token' | 'denied' | 'not_found' | 'network'; message: string };

/**
 * Tries the link's token first, then the tokens kept on this device, best role first. A token the
 * server refuses is forgotten. When this device holds a more capable token than the link (the
 * creator opening their own edit link), the more capable one is used.
 */
export async function resolveBoard(api: Pick<Api, 'board'>, store: AccessStore, boardId: string, linkToken: string | null): Promise<Resolved<BoardAccess>> {
  let lastError: ApiError | null = null;
  if (linkToken) {
    try {
      const access = await api.board(boardId, linkToken);
      store.mapBoard(boardId, access.board.workshopId);
      store.saveToken(access.board.workshopId, access.role, linkToken);
      const best = store.best(access.board.workshopId);
      if (best && higherRole(best.role, access.role) !== access.role) return resolveStored(api, store, boardId, access);
      return { ok: true, value: access, token: linkToken, role: access.role };
    } catch (error) {
      lastError = asApiError(error);
      if (lastError.status === 404 || lastError.status === 0) return failure(lastError);
    }
  }
  const stored = await resolveStored(api, store, boardId, null);
  if (stored.ok || !lastError) return stored;
  return failure(lastError);
}

async function resolveStored(api: Pick<Api, 'board'>, store: AccessStore, boardId: string, fallback: BoardAccess | null): Promise<Resolved<BoardAccess>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const best = store.bestForBoard(boardId);
    if (!best) break;
    try {
      const access = await api.board(boardId, best.token);
      return { ok: true, value: access, token: best.token, role: access.role };
    } catch (error) {
      const e = asApiError(error);
      if (!e.denied) return failure(e);
      store.forgetToken(store.workshopOf(boardId)!, best.token);
    }
  }
  if (fallback) {
    const token = store.bestForBoard(boardId);
    if (token) return { ok: true, value: fallback, token: token.token, role: fallback.role };
  }
  return { ok: false, reason: 'no_token', message: '' };
}

export async function resolveWorkshop(api: Pick<Api, 'workshop'>, store: AccessStore, workshopId: string, linkToken: string | null): Promise<Resolved<Workshop>> {
  let lastError: ApiError | null = null;
  const candidates: string[] = [];
  if (linkToken) candidates.push(linkToken);
  for (let attempt = 0; attempt < 4; attempt++) {
    const best = store.best(workshopId);
    const token = candidates.shift() ?? best?.token;
    if (!token) break;
    try {
      const workshop = await api.workshop(workshopId, token);
      store.saveToken(workshopId, workshop.role, token);
      // The facilitator gets the other two tokens back, to share them again from any device.
      const shared = sharedTokensOf(workshop);
      if (shared) {
        store.saveToken(workshopId, 'participant', shared.participant);
        store.saveToken(workshopId, 'viewer', shared.viewer);
      }
      for (const board of workshop.boards) store.mapBoard(board.id, workshopId);
      const kept = store.best(workshopId);
      if (kept && kept.token !== token && higherRole(kept.role, workshop.role) !== workshop.role) {
        candidates.push(kept.token);
        continue;
      }
      return { ok: true, value: workshop, token, role: workshop.role };
    } catch (error) {
      lastError = asApiError(error);
      if (!lastError.denied) return failure(lastError);
      store.forgetToken(workshopId, token);
    }
  }
  return lastError ? failure(lastError) : { ok: false, reason: 'no_token', message: '' };
}

/** The participant and viewer tokens the server hands back to a facilitator (absent for others). */
export function sharedTokensOf(workshop: Workshop): { participant: string; viewer: string } | null {
  return (workshop as { sharedTokens?: { participant: string; viewer: string } | null }).sharedTokens ?? null;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'network', String(error));
}

function failure(error: ApiError): Resolved<never> {
  const reason = error.status === 404 ? 'not_found' : error.denied ? 'denied' : error.status === 0 ? 'network' : 'denied';
  return { ok: false, reason, message: error.message };
}
