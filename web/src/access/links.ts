// Routes, capability links and join codes: pure functions of strings, so they are tested headless.
//
// A link carries its token in the URL fragment (`/b/{id}#t=…`, `/w/{id}#t=…`): browsers never send
// the fragment to the server, so a token does not end up in access logs or Referer headers.
import { isValidBoardId } from '../model/ids';

export type Route =
  | { page: 'landing' }
  | { page: 'board'; boardId: string }
  | { page: 'snapshot'; boardId: string; snapshotId: string }
  | { page: 'workshop'; workshopId: string }
  | { page: 'compare'; workshopId: string }
  | { page: 'wall'; workshopId: string }
  | { page: 'join'; code: string };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '';
    }
  });
  const valid = (id: string | undefined): id is string => id !== undefined && isValidBoardId(id);
  if (parts[0] === 'b' && valid(parts[1])) {
    if (parts.length === 2) return { page: 'board', boardId: parts[1] };
    if (parts.length === 4 && parts[2] === 's' && valid(parts[3])) return { page: 'snapshot', boardId: parts[1], snapshotId: parts[3] };
  }
  if (parts[0] === 'w' && valid(parts[1]) && parts.length === 2) return { page: 'workshop', workshopId: parts[1] };
  if (parts[0] === 'w' && valid(parts[1]) && parts.length === 3 && (parts[2] === 'compare' || parts[2] === 'wall')) return { page: parts[2], workshopId: parts[1] };
  if (parts[0] === 'join') return { page: 'join', code: parts[1] ?? '' };
  return { page: 'landing' };
}

/** The token in a fragment like `#t=abc` (other fragment parameters are allowed around it). */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('t');
  return token && token.trim() ? token.trim() : null;
}

/** The fragment with the token removed ('' when nothing else was in it). */
export function hashWithoutToken(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.delete('t');
  const rest = params.toString();
  return rest ? `#${rest}` : '';
}

export function boardPath(boardId: string): string {
  return `/b/${encodeURIComponent(boardId)}`;
}

export function snapshotPath(boardId: string, snapshotId: string): string {
  return `${boardPath(boardId)}/s/${encodeURIComponent(snapshotId)}`;
}

export function workshopPath(workshopId: string): string {
  return `/w/${encodeURIComponent(workshopId)}`;
}

/** One side of a comparison: a board as it is now, or a snapshot. */
export type MapRef = { kind: 'board' | 'snapshot'; id: string };

/** `b:{id}` or `s:{id}`, as the compare page's address carries a side. */
export function parseMapRef(text: string | null): MapRef | null {
  const match = /^([bs]):(.+)$/.exec(text ?? '');
  if (!match || !isValidBoardId(match[2]!)) return null;
  return { kind: match[1] === 'b' ? 'board' : 'snapshot', id: match[2]! };
}

export function mapRefText(ref: MapRef): string {
  return `${ref.kind === 'board' ? 'b' : 's'}:${ref.id}`;
}

export function comparePath(workshopId: string, left: MapRef, right: MapRef): string {
  const query = new URLSearchParams({ left: mapRefText(left), right: mapRefText(right) });
  return `${workshopPath(workshopId)}/compare?${query.toString()}`;
}

/** The boards of a wall, in order, from its address (`?boards=a,b,c`; unknown ids are dropped later). */
export function wallBoards(search: string): string[] {
  const list = new URLSearchParams(search).get('boards') ?? '';
  return [...new Set(list.split(',').filter(isValidBoardId))].slice(0, 4);
}

export function wallPath(workshopId: string, boardIds: readonly string[]): string {
  return `${workshopPath(workshopId)}/wall?${new URLSearchParams({ boards: boardIds.join(',') }).toString()}`;
}

export function boardLink(origin: string, boardId: string, token: string): string {
  return `${origin}${boardPath(boardId)}#t=${encodeURIComponent(token)}`;
}

export function workshopLink(origin: string, workshopId: string, token: string): string {
  return `${origin}${workshopPath(workshopId)}#t=${encodeURIComponent(token)}`;
}

export function joinLink(origin: string, code: string): string {
  return `${origin}/join/${formatJoinCode(code) ?? code}`;
}

/** Join codes avoid look-alike characters (0/O, 1/I/L), so what is read aloud is what is typed. */
const JOIN_CODE_LENGTH = 8;

/**
 * The code as shown (`KRTA-7MXP`) from whatever was typed or pasted: any case, spaces or dashes,
 * or a whole join link. Null when it cannot be a code.
 */
export function formatJoinCode(input: string): string | null {
  const fromLink = /\/join\/([^/?#]+)/.exec(input);
  const raw = (fromLink ? decodeURIComponent(fromLink[1]!) : input).toUpperCase().replace(/[\s\-_.]/g, '');
  if (!/^[A-Z0-9]+$/.test(raw) || raw.length !== JOIN_CODE_LENGTH) return null;
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
}

/** A board link, path or bare id pasted into "Open a board" (the token comes along when present). */
export function parseBoardInput(input: string): { boardId: string; token: string | null } | null {
  const text = input.trim();
  const match = /\/b\/([A-Za-z0-9_-]{1,128})\/?(?:\?[^#]*)?(#.*)?$/.exec(text);
  if (match) return { boardId: match[1]!, token: tokenFromHash(match[2] ?? '') };
  return isValidBoardId(text) ? { boardId: text, token: null } : null;
}

/** A workshop link pasted on the landing page. */
export function parseWorkshopInput(input: string): { workshopId: string; token: string | null } | null {
  const match = /\/w\/([A-Za-z0-9_-]{1,128})\/?(?:\?[^#]*)?(#.*)?$/.exec(input.trim());
  return match ? { workshopId: match[1]!, token: tokenFromHash(match[2] ?? '') } : null;
}

/** A download link: tokens ride as `?token=` because a plain link cannot set a header. */
export function withToken(path: string, token: string | null, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  if (token) params.set('token', token);
  const query = params.toString();
  return query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path;
}
